"""Concepts, not phrases: a term is found when all its concepts appear, in any order, across any
separators; a wording miss is related evidence (B, to confirm), never a blank; declared items are a
claim. The wordings come from real offices (shared seeds and public documents), not from the
vocabulary's own word lists."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import check, item_result, text_of
from safecomm import load_scheme
from safecomm.index import CLAIMS

SCHEME = load_scheme()
WORDS = SCHEME.words


def doc(id_, kind, title, issued="2024-03-01", **extra):
    return {"id": id_, "kind": kind, "title": title, "issued": issued, **extra}


def act(id_, kind, date="2024-05-10", title="社区活动", **extra):
    return {"id": id_, "kind": kind, "date": date, "title": title, **extra}


# -- the matcher ---------------------------------------------------------------------------------

SEPARATORS = ["、", "和", "及", "与", "并", "暨", "，", " ", "（", "）", "“", "”", "《", "》", "(", ")"]


def test_a_combined_title_serves_every_term_whose_concepts_it_holds():
    found = WORDS.find("事故与伤害监测、报告和记录管理制度")
    assert {"伤害监测", "事故报告", "伤害记录", "制度"} <= set(found)


def test_variant_forms_read_as_standard():
    assert "台账" in WORDS.find("创建工作台帐") and "检查" in WORDS.find("安全檢查")


def test_a_concept_that_must_not_appear_keeps_a_sub_units_meeting_out_of_the_review():
    assert "评审" in WORDS.find("2024年安全社区创建工作总结")
    assert "评审" not in WORDS.find("居家安全项目组召开安全社区创建会议，总结2013年创建工作")
    assert "综合检查" in WORDS.find("今冬明春安全生产大检查")


def _composite_terms():
    return [name for name, keys in WORDS.concepts.items() if len(keys) >= 2 and all(words for _, words in keys)]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(_composite_terms()), st.randoms(use_true_random=False),
       st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4))
def test_concepts_in_any_order_across_any_separator_say_the_term(term, rng, seps):
    words = [rng.choice(sorted(w)) for _, w in WORDS.concepts[term]]
    rng.shuffle(words)
    title = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    blocked = any(k in WORDS.find(title) for k, _ in WORDS.excluded.get(term, ()))
    assert blocked or term in WORDS.find(title), title


# -- grades: order and separators never change a grade ------------------------------------------

# (item, record kind, the concepts of a real title as the office wrote them)
REAL = [
    ("8.6", "制度", ["事故与伤害", "报告", "记录"], "管理制度"),      # one rule serving 8.6 and 9.1
    ("9.1", "制度", ["社区伤害", "事故报告", "记录"], "制度"),
    ("8.1", "报告", ["事故伤害", "情况分析"], ""),
    ("7.1", "预案", ["应对突发公共事件", "总体应急"], "预案"),
]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(REAL), st.randoms(use_true_random=False), st.sampled_from(SEPARATORS[:6]))
def test_shuffling_the_concepts_of_a_matching_title_keeps_the_grade(case, rng, sep):
    item, kind, parts, tail = case
    first = item_result(SCHEME, item, documents=[doc("D-1", kind, "".join(parts) + tail)])
    shuffled = parts[:]
    rng.shuffle(shuffled)
    again = item_result(SCHEME, item, documents=[doc("D-1", kind, sep.join(shuffled) + tail)])
    assert again.grade == first.grade != "C", (text_of(first), text_of(again))


# -- real wording that must count (from the seeds and public documents) ----------------------------

def test_a_study_visit_filed_as_a_meeting_is_an_exchange():
    titles = ["到白云街道办事处参观学习安全社区创建经验", "全区安全社区创建现场推进会"]
    result = item_result(SCHEME, "2.1", activities=[act(f"A-{i}", "会议", title=t) for i, t in enumerate(titles)])
    assert result.grade == "A", text_of(result)


def test_an_annual_summary_of_the_creation_work_is_the_review():
    result = item_result(SCHEME, "12.1", documents=[doc("D-1", "总结", "2024年安全社区创建工作总结", "2024-12-20")])
    assert check(result, "report").passed, text_of(result)


def test_a_quarterly_safety_production_inspection_is_comprehensive():
    acts = [act(f"A-{q}", "检查", f"2024-{3 * q:02d}-10", title) for q, title in
            enumerate(["一季度安全生产检查", "开展安全生产大排查大整治", "第三季度安全生产检查", "今冬明春安全生产大检查"], 1)]
    assert item_result(SCHEME, "8.3", activities=acts).grade == "A"


def test_an_injury_situation_analysis_is_an_injury_analysis():
    result = item_result(SCHEME, "8.1", documents=[doc("D-1", "报告", "2024年上半年辖区事故伤害情况分析")])
    assert check(result, "analysis").passed, text_of(result)


def test_a_public_emergency_plan_is_the_comprehensive_plan():
    result = item_result(SCHEME, "7.1", documents=[doc("D-1", "预案", "万里街道应对突发公共事件应急预案")])
    assert check(result, "comprehensive").passed, text_of(result)


def test_cpr_and_aed_training_is_emergency_training():
    result = item_result(SCHEME, "7.4", activities=[act("A-1", "培训", title="心肺复苏及AED使用培训")])
    assert check(result, "training").passed, text_of(result)


def test_a_board_posting_is_publishing():
    result = item_result(SCHEME, "8.7", documents=[doc("D-1", "通知", "辖区伤亡事故情况张榜公布", "2024-06-01")])
    assert check(result, "published").passed, text_of(result)


def test_goals_in_words_state_an_improvement():
    for text in ["伤害发生率下降百分之十", "交通事故起数下降两成", "火灾起数减少一半"]:
        result = item_result(SCHEME, "4.1", goals=[{"id": "G-1", "horizon": "年度", "text": text}])
        assert check(result, "improving").passed, (text, text_of(result))


def test_next_years_plan_and_next_steps_serve_continual_improvement():
    for title in ["明年安全社区工作计划", "下一步工作打算"]:
        result = item_result(SCHEME, "12.2", documents=[doc("D-1", "计划", title, "2024-12-10")])
        assert check(result, "plan").passed, (title, text_of(result))


def test_an_example_row_named_after_its_inspection_is_preventive():
    fixes = [{"id": f"R-{i}", "activity": "A-1", "issue": issue, "found": "2024-05-10", "fixed": "2024-05-20",
              "verified": "2024-05-25"} for i, issue in enumerate(["举一反三，对辖区同类场所全面排查燃气隐患",
                                                                   "推广该小区做法，整治同类老旧小区楼道堆物"])]
    result = item_result(SCHEME, "11.3", activities=[act("A-1", "检查")], rectifications=fixes)
    assert check(result, "preventive").passed, text_of(result)


# -- a wording miss is never a blank ----------------------------------------------------------------

UNSEEN = [  # (item, kind, a title in words no list has) — the record is of the kind the item needs
    ("8.6", "制度", "关于规范辖区突发情况逐级上传下达的规定"),
    ("9.1", "制度", "辖区人身意外登记管理规定"),
    ("1.3", "责任书", "2024年度辖区单位目标管理书"),
    ("12.2", "计划", "2025年度重点工作安排"),
]


@pytest.mark.parametrize("item, kind, title", UNSEEN, ids=[u[0] for u in UNSEEN])
def test_a_title_only_record_of_the_right_kind_is_never_c(item, kind, title):
    result = item_result(SCHEME, item, documents=[doc("D-1", kind, title)])
    assert result.grade != "C", text_of(result)
    assert "D-1" in text_of(result)


# Rule 4 for general titles: a document of the kind whose title says only the whole work (安全生产工作, 安全工作,
# 创建) or a domain (燃气, 电动车, 平安建设) names no other work, so it may hold the rule asked for: B, to confirm,
# "D-1（标题泛指…） 可能是", never C and never A by its title. Titles in words no list has.
GENERAL = [
    ("8.6", "制度", "辖区燃气使用安全管理办法", "燃气"),
    ("8.6", "制度", "镇安全生产管理制度汇编", "安全生产"),
    ("9.1", "制度", "社区安全生产工作制度", "安全生产工作"),
    ("9.1", "制度", "电动车停放充电安全管理规定", "电动车"),
    ("3.1", "制度", "安全工作制度汇编", "安全工作"),
    ("8.4", "制度", "社区安全工作制度", "安全工作"),
    ("8.6", "制度", "社区综合治理工作制度", "综合"),  # 综合, 总体 say the whole too, not a comprehensive plan
    ("9.2", "台账", "2024年安全生产工作台账", "安全生产工作"),  # 台账 says its kind, not an archive
    ("6.1", "计划", "2024年度社区安全生产工作要点", "安全生产工作"),
    ("1.5", "计划", "2024年居家安全工作安排", "居家"),
    ("12.2", "计划", "2025年度街道平安建设工作思路", "平安建设"),
]


@pytest.mark.parametrize("item, kind, title, said", GENERAL, ids=[f"{g[0]}-{g[2]}" for g in GENERAL])
def test_a_general_title_of_the_right_kind_is_b_to_confirm_never_c_nor_a(item, kind, title, said):
    result = item_result(SCHEME, item, documents=[doc("D-1", kind, title)])
    assert result.grade == "B" and result.needs_review, text_of(result)
    assert "D-1（标题泛指“" in text_of(result) and f"“{said}”" in text_of(result) and "可能是" in text_of(result)
    assert not any(c.passed for c in result.checks if "D-1" in c.detail)  # a title alone passes no check


# The should-lower side: a title that names another work (巡查 is inspection, 责任 duties, 隐患排查, 演练, 培训)
# is that work's record, whatever domain it names: alone it leaves the item blank.
OTHER_WORK = [
    ("8.6", "制度", "燃气管线安全巡查制度"),
    ("9.1", "制度", "电动自行车充电场所消防安全责任制度"),
    ("6.1", "计划", "2024年隐患排查治理工作计划"),
    ("12.2", "计划", "2025年应急演练计划"),
    ("1.5", "计划", "2024年消防宣传培训计划"),
]


@pytest.mark.parametrize("item, kind, title", OTHER_WORK, ids=[o[0] for o in OTHER_WORK])
def test_a_title_naming_another_work_is_not_a_possible_match(item, kind, title):
    result = item_result(SCHEME, item, documents=[doc("D-1", kind, title)])
    assert result.grade == "C" and "可能是" not in text_of(result), text_of(result)


def test_a_plan_naming_one_hazard_is_no_possible_comprehensive_plan():
    """7.1's comprehensive plan may not name a single hazard: a flood or gas plan is a special one (B, not to
    confirm as comprehensive); a plan whose title names no hazard may be the comprehensive one."""
    for title in ("汛期山洪灾害防御预案", "燃气泄漏事故应急处置预案"):
        result = item_result(SCHEME, "7.1", documents=[doc("D-1", "预案", title)])
        assert result.grade == "B" and check(result, "comprehensive").status == "failed", text_of(result)
    result = item_result(SCHEME, "7.1", documents=[doc("D-1", "预案", "辖区突发情况处置预案")])
    assert check(result, "comprehensive").status == "unknown" and "D-1（标题未写明） 可能是" in text_of(result)


def test_domain_rules_are_one_aspect_of_a_sound_rule_set():
    """1.4, both sides: one domain's rule is related evidence (B); seven domains' rules are still one aspect of
    twelve (the domain's own rules), not a sound rule set (A needs seven aspects)."""
    one = item_result(SCHEME, "1.4", documents=[doc("D-1", "制度", "居民用火用电安全公约")])
    assert one.grade == "B" and "D-1" in text_of(one)
    titles = ["居民用火用电安全公约", "燃气使用安全管理办法", "独居老人居家安全管理办法", "校园周边交通安全管理规定",
              "防溺水安全管理办法", "食品安全管理制度", "平安建设治安防范管理规定"]
    seven = item_result(SCHEME, "1.4", documents=[doc(f"D-{i}", "制度", t) for i, t in enumerate(titles, 1)])
    assert seven.grade == "B" and check(seven, "rules-cover").measured == 1, text_of(seven)


def test_the_general_terms_are_the_rule_sets_and_explain_shows_them(tmp_path):
    """The rule set says which terms are general; without them a general title is about its domain again."""
    from safecomm.explain import item_text

    assert "泛指的词条" in item_text(SCHEME, "9.1") and "  创建：" in item_text(SCHEME, "9.1")
    narrow = SCHEME.model_copy(update={"general": []})
    narrow._telling = None
    result = item_result(narrow, "9.1", documents=[doc("D-1", "制度", "社区安全生产工作制度")])
    assert result.grade == "C", text_of(result)


UNSEEN_ACTS = [  # activities with nothing but a kind, a date and a title no list has
    ("2.1", "会议", "兄弟街道来访座谈"), ("2.2", "议事", "小区楼栋长碰头会"), ("6.4", "宣传", "集中摆摊活动"),
    ("6.5", "培训", "辖区门店店员上岗前安全课"), ("7.3", "演练", "队伍拉练"), ("7.4", "培训", "辖区群众救护技能普及"),
    ("8.4", "检查", "小区长廊走访"), ("8.5", "检查", "辖区走访"), ("12.1", "评审", "年终盘点会"),
]


@pytest.mark.parametrize("item, kind, title", UNSEEN_ACTS, ids=[u[0] for u in UNSEEN_ACTS])
def test_a_title_only_activity_of_the_right_kind_is_never_c(item, kind, title):
    result = item_result(SCHEME, item, activities=[act("A-1", kind, title=title)])
    assert result.grade != "C", text_of(result)
    assert "A-1" in text_of(result)


def test_a_meeting_that_is_no_exchange_stays_out_of_2_1():
    """The should-lower side of reading 来访座谈 as an exchange: a meeting of the street's own staff is none."""
    result = item_result(SCHEME, "2.1", activities=[act("A-1", "会议", title="街道安全生产工作座谈会")])
    assert result.grade == "C", text_of(result)


# (item, kind, the concepts of a real activity or project title): four such rows, one a quarter
ACT_TITLES = [("8.3", "检查", ["安全生产", "大检查"]), ("7.4", "培训", ["心肺复苏", "AED", "急救培训"]),
              ("2.1", "会议", ["兄弟街道", "来访", "座谈"]), ("6.4", "宣传", ["防溺水", "安全宣传", "进社区"])]
QUARTERS = ("2024-03-10", "2024-06-10", "2024-09-10", "2024-12-10")


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ACT_TITLES), st.randoms(use_true_random=False), st.lists(st.sampled_from(SEPARATORS), min_size=3, max_size=3))
def test_shuffling_an_activitys_concepts_across_any_separators_keeps_the_grade(case, rng, seps):
    item, kind, parts = case
    shuffled = parts[:]
    rng.shuffle(shuffled)
    joined = "".join(w + s for w, s in zip(shuffled, seps))
    rows = lambda title: [act(f"A-{n}", kind, d, title=title) for n, d in enumerate(QUARTERS, 1)]
    first = item_result(SCHEME, item, activities=rows("".join(parts)))
    again = item_result(SCHEME, item, activities=rows(joined))
    assert again.grade == first.grade != "C", (joined, text_of(first), text_of(again))


@settings(max_examples=20, deadline=None)
@given(st.permutations(["老年人", "居家", "防跌倒"]), st.lists(st.sampled_from(SEPARATORS), min_size=2, max_size=2))
def test_a_projects_name_in_any_order_aims_at_the_same_people(parts, seps):
    name = parts[0] + seps[0] + parts[1] + seps[1] + parts[2]
    project = {"id": "P-1", "name": name, "start": "2024-01-01", "end": "2024-12-31"}
    result = item_result(SCHEME, "5.3", projects=[project])
    assert check(result, "targeted").passed, (name, text_of(result))


def test_an_inspection_whose_title_says_no_scope_may_be_comprehensive():
    result = item_result(SCHEME, "8.3", activities=[act("A-1", "检查", title="辖区走访")])
    assert result.grade == "B" and "A-1" in text_of(result)


# -- should lower: near misses are not the thing ---------------------------------------------------

def test_fire_only_big_inspections_are_not_comprehensive():
    acts = [act(f"A-{q}", "检查", f"2024-{3 * q:02d}-10", "消防安全大检查") for q in range(1, 5)]
    result = item_result(SCHEME, "8.3", activities=acts)
    assert result.grade != "A", text_of(result)


def test_a_quarterly_appraisal_of_the_sub_communities_is_not_the_review():
    title = "街道安委办检查考评组对辖属9个社区开展每季度安全生产履职情况检查考评"
    result = item_result(SCHEME, "12.1", activities=[act("A-1", "会议", "2024-11-10", title)])
    assert result.grade != "A" and not check(result, "yearly").passed, text_of(result)


def test_a_project_group_meeting_summing_up_is_not_the_review():
    title = "居家安全项目组召开安全社区创建会议，总结全年创建工作"
    result = item_result(SCHEME, "12.1", activities=[act("A-1", "会议", "2024-12-10", title)])
    assert not check(result, "yearly").passed, text_of(result)


def test_a_projects_plan_tagged_improvement_is_not_the_continual_improvement_plan():
    project = {"id": "P-1", "name": "老年人防跌倒", "plan": "D-1", "start": "2024-01-01", "end": "2024-12-31"}
    plan = doc("D-1", "方案", "老年人防跌倒项目实施方案", topics=["持续改进"])
    result = item_result(SCHEME, "12.2", documents=[plan], projects=[project])
    assert result.grade != "A", text_of(result)


# -- declared items are a claim ---------------------------------------------------------------------

def test_a_declared_record_whose_words_miss_passes_to_be_confirmed():
    result = item_result(SCHEME, "8.6", documents=[doc("D-1", "制度", "辖区工作规定", items=["8.6"])])
    assert check(result, "rules").passed and result.needs_review and "按标注采用" in result.confirm


def test_a_declared_record_whose_words_say_it_needs_no_confirmation():
    result = item_result(SCHEME, "8.6", documents=[doc("D-1", "制度", "事故报告制度", items=["8.6"])])
    assert check(result, "rules").passed and "按标注采用" not in (result.confirm or "")


@pytest.mark.parametrize("declared, passes", [(CLAIMS, True), (CLAIMS + 1, False)])
def test_a_catch_all_rule_declaring_many_items_is_not_proof_for_each(declared, passes):
    """One generic 安全管理制度 boxed under several items: up to CLAIMS it is taken as labelled; beyond, it
    is related evidence (B, to confirm) for the items its words do not name."""
    items = ["8.6", "9.1", "10.1", "8.4", "2.2", "3.1"][:declared]
    result = item_result(SCHEME, "8.6", documents=[doc("D-1", "制度", "安全管理制度", items=items)])
    assert check(result, "rules").passed is passes, text_of(result)
    assert result.grade != "C" and result.needs_review


def test_six_items_declared_on_one_generic_rule_give_no_a_for_all_six():
    items = ["1.4", "2.2", "3.1", "8.2", "8.4", "10.1"]
    bundle = dict(documents=[doc("D-1", "制度", "安全管理制度", items=items)])
    passed = [(i, c.id) for i in items for c in item_result(SCHEME, i, **bundle).checks
              if c.level == "A" and "D-1" in c.evidence and c.passed]
    assert not passed


def test_a_declared_activity_whose_record_says_otherwise_is_not_counted():
    result = item_result(SCHEME, "8.3", activities=[act("A-1", "检查", title="燃气检查", scope="专项", items=["8.3"])])
    assert check(result, "four").measured == 0


# -- rewrites of a real summary (seed 000: a township's and a community's year) -----------------------

SEED = [  # the seed's own words; each the way a new clerk would file it
    ("8.3", {"activities": [act(f"A-{q}", "检查", f"2024-{3 * q - 1:02d}-15", f"{q}季度安全生产检查") for q in range(1, 5)]}),
    ("2.2", {"activities": [act("A-1", "会议", title="每月召开安全生产工作例会暨协商会")]}),
    ("3.3", {"documents": [doc("D-1", "其他", "与各单位、烟花爆竹及危化品销售点责任人签订安全生产责任书")]}),
    ("6.4", {"activities": [act("A-1", "宣传", title="“11.9消防宣传日”宣传活动")]}),
    ("12.2", {"documents": [doc("D-1", "总结", "下一步打算", "2024-12-25")]}),
]


@pytest.mark.parametrize("item, sections", SEED, ids=[s[0] for s in SEED])
def test_a_real_years_wording_is_never_blank(item, sections):
    assert item_result(SCHEME, item, **sections).grade != "C"


def test_order_of_words_in_a_seed_title_never_changes_a_grade():
    rng = random.Random(7)
    parts = ["事故与伤害", "监测", "报告", "记录"]
    grades = set()
    for _ in range(6):
        rng.shuffle(parts)
        grades.add(item_result(SCHEME, "9.1", documents=[doc("D-1", "制度", "、".join(parts) + "制度")]).grade)
    assert len(grades) == 1


@pytest.mark.parametrize("kind, title, grade", [("台账", "整改台账（明确责任人和整改时限）", "B"), ("通知", "限期整改通知单", "B"),
                                                ("记录", "责令整改指令书和复查意见书", "B"), ("记录", "安全工作会议记录", "C")])
def test_a_rectification_ledger_or_notice_is_never_a_blank_for_11_1(kind, title, grade):
    """整改台账, 限期整改通知单 are records of rectification (related evidence); a meeting's minutes are not."""
    result = item_result(SCHEME, "11.1", documents=[doc("D-1", kind, title)])
    assert result.grade == grade, text_of(result)
