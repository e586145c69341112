"""Items 7.1–12.3 through the engine, each with small bundles of its own: evidence that earns A,
loosely related evidence that gives B and never C, nothing related (C), the severe defects and
vetoes that still give C, and the thresholds of 8.3, 12.1 and 12.3 on both sides of their
boundaries. Then every primitive on empty evidence, and the injury trend on its own."""

from __future__ import annotations

import pytest
import yaml

from conftest import BASE, act, check, doc, evidence, full, grade, item_result, loosely_related, measure, text_of
from safecomm import assess
from safecomm.checks import REGISTRY
from safecomm.bundle import load_evidence

ITEMS = [f"{i}.{j}" for i, n in [(7, 4), (8, 7), (9, 2), (10, 2), (11, 3), (12, 3)] for j in range(1, n + 1)]


def assessed_with_files(scheme, tmp_path, present, **sections):
    """Assess a bundle written to disk, so attachments are really looked for; only the paths in
    `present` are created."""
    for path in present:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(path.encode())
    bundle = tmp_path / "evidence.yaml"
    bundle.write_text(yaml.safe_dump({**BASE, **sections}, allow_unicode=True), encoding="utf-8")
    return assess(load_evidence(bundle, scheme), scheme)


def graded_with_files(scheme, tmp_path, item_id, present, **sections):
    return next(i for i in assessed_with_files(scheme, tmp_path, present, **sections).items if i.id == item_id)


def hazard(id, level="一般", controlled=True, **more):
    return {"id": id, "place": f"地点{id}", "level": level, "controlled": controlled, "found": "2024-02-01", **more}


def fix(id, kind="整改", activity=None, fixed="2024-05-20", verified="2024-05-25", issue=None):
    made = {"id": id, "issue": issue or f"问题{id}", "fixed": fixed, "verified": verified}
    if kind:
        made["kind"] = kind
    if activity:
        made["activity"] = activity
    return {k: v for k, v in made.items() if v is not None}


def survey(positive, respondents=1000, date="2024-11-20", id="S-1", kind="满意度"):
    return {"id": id, "kind": kind, "date": date, "respondents": respondents, "positive": positive}


PLANS = [
    doc("D-1", "预案", "社区综合应急预案"),
    doc("D-2", "预案", "火灾事故专项应急预案"),
    doc("D-3", "预案", "防汛应急预案"),
]
TEAM = {"teams": [{"id": "T-1", "name": "社区应急救援队", "members": 28}]}
KIT = {"id": "E-1", "name": "灭火器", "quantity": 180, "checked": "2024-06-01", "ok": True}
TEAM_DRILLS = [act("A-1", "演练", audience="应急队伍"), act("A-2", "培训", "2024-10-01", audience="应急队伍")]
DRILLS = [
    act("A-1", "演练", domains=["消防安全"]),
    act("A-2", "演练", "2024-09-01", domains=["防灾减灾和环境安全"]),
    act("A-3", "培训", title="居民应急救护培训"),
]
YEARS = [{"year": 2022, "total": 152}, {"year": 2023, "total": 133}, {"year": 2024, "total": 119}]  # not the template's figures
MONITORING_REPORT = doc("D-1", "报告", "2024年事故与伤害监测分析报告")
INSPECTION_RULES = [doc("D-1", "制度", "安全检查制度", "2023-06-01"), doc("D-2", "计划", "2024年安全检查计划")]
REPORT_RULES = [doc("D-1", "制度", "事故与伤害信息报告制度", topics=["事故报告"])]
AUTHORITIES = ["区应急管理局", "公安交警大队", "消防救援大队", "辖区派出所"]
BULLETIN = doc("D-1", "通知", "关于2024年上半年事故与伤害情况的通报")
FEEDBACK = {"received": 12, "handled": 12, "satisfied": 10}
RECORD_RULES = doc("D-1", "制度", "事故与伤害记录管理制度", topics=["生产", "交通", "消防", "社会治安", "家居"])
CAUSES = doc("D-1", "报告", "2024年事故与伤害原因分析报告")
REVIEW_REPORT = doc("D-9", "报告", "2024年度安全社区绩效评审报告", "2025-01-10")
IMPROVEMENT_PLAN = doc("D-1", "计划", "2024年安全社区持续改进计划", "2024-02-01")
NEXT_GOAL = {"id": "G-1", "horizon": "长期", "text": "伤害发生率三年下降15%", "due": "2026-12-31"}
FOUND = [act("A-1", "检查", scope="综合", findings=2)]


def comprehensive(n, last="2024-12-31"):
    dates = ["2024-03-01", "2024-06-01", "2024-09-01", last]
    return [act(f"A-{i + 1}", "检查", dates[i], scope="综合") for i in range(n)]


# (item, sections that earn A): files are checked in test_10_x on disk, so 9.2 and 10.x are there
GOOD = [
    ("7.1", {"documents": PLANS}),
    ("7.2", {"hazards": [hazard("H-1", "重大"), hazard("H-2")]}),
    ("7.3", {"emergency": {**TEAM, "equipment": [KIT]}, "activities": TEAM_DRILLS}),
    ("7.4", {"activities": DRILLS}),
    ("8.1", {"injuries": {"years": YEARS}, "documents": [MONITORING_REPORT]}),
    ("8.2", {"documents": INSPECTION_RULES}),
    ("8.3", {"activities": comprehensive(4)}),
    ("8.4", {"documents": [doc("D-1", "制度", "公共设施安全管理制度")], "activities": [act("A-1", "检查", domains=["公共场所安全"])]}),
    ("8.5", {"activities": [act("A-1", "检查", domains=["消防安全", "工作场所安全"]),
                            act("A-2", "检查", domains=["公共场所安全", "家居安全"])]}),
    ("8.6", {"documents": REPORT_RULES, "injuries": {"reports_to": AUTHORITIES}}),
    ("8.7", {"documents": [BULLETIN], "feedback": FEEDBACK}),
    ("9.1", {"documents": [RECORD_RULES]}),
    ("11.1", {"activities": FOUND, "rectifications": [fix("R-1", activity="A-1"), fix("R-2", activity="A-1")]}),
    ("11.2", {"documents": [CAUSES], "rectifications": [fix("R-1", "纠正")]}),
    ("11.3", {"rectifications": [fix("R-1", "预防"), fix("R-2", "预防")]}),
    ("12.1", {"activities": [act("A-1", "评审", "2024-12-31")], "documents": [REVIEW_REPORT]}),
    ("12.2", {"documents": [IMPROVEMENT_PLAN], "goals": [NEXT_GOAL]}),
    ("12.3", {"surveys": [survey(801)]}),
]


@pytest.mark.parametrize("item, sections", GOOD, ids=[g[0] for g in GOOD])
def test_good_evidence_earns_a(scheme, item, sections):
    result = item_result(scheme, item, **sections)
    assert result.grade == "A", text_of(result)


@pytest.mark.parametrize("item", ITEMS)
def test_an_empty_bundle_is_c(scheme, item):
    result = item_result(scheme, item)
    assert result.grade == "C"
    assert result.reason.startswith("空白")


# (item, only loosely related evidence, words in what the result says): B, never C
LOOSE = [
    ("7.1", {"documents": [doc("D-2", "预案", "火灾事故专项应急预案")]}, "预案文件 1 份"),
    ("7.2", {"hazards": [hazard("H-1", controlled=False)]}, "未控制：H-1"),
    ("7.3", {"emergency": TEAM}, "T-1"),
    ("7.3", {"emergency": {"equipment": [{**KIT, "checked": "2023-05-01"}]}}, "评估期内未检查：E-1"),
    ("7.4", {"activities": [act("A-1", "演练")]}, "演练活动 1 次"),
    ("8.1", {"documents": [doc("D-1", "制度", "事故与伤害监测制度")]}, "D-1"),
    ("8.1", {"injuries": {"years": YEARS[2:]}}, "1 个年度"),
    ("8.2", {"documents": [doc("D-2", "计划", "2023年安全检查计划", "2023-01-05")]}, "不在评估期内"),
    ("8.3", {"activities": [act("A-1", "检查", scope="专项")]}, "见 8.5"),
    ("8.4", {"activities": [act("A-1", "检查", title="文化广场健身器材检查")]}, "A-1"),
    ("8.5", {"activities": [act("A-1", "检查")]}, "检查活动 1 次"),
    ("8.6", {"documents": [doc("D-1", "制度", "事故信息报送制度")]}, "看不出向哪些主管部门报告"),
    ("8.6", {"injuries": {"reports_to": ["区应急管理局"]}}, "1/4"),
    ("8.7", {"documents": [doc("D-1", "制度", "事故信息公开制度")]}, "D-1"),
    ("8.7", {"feedback": FEEDBACK}, "见 2.2：收到意见 12 条"),
    ("9.1", {"documents": [doc("D-1", "台账", "交通事故登记台账", topics=["事故记录", "交通"])]}, "1/5"),
    ("9.1", {"injuries": {"years": [{"year": 2024, "total": 10, "by_cause": {"交通": 4, "跌倒": 6}}]}}, "2024年数据"),
    ("9.2", {"documents": [doc("D-1", "台账", "事故与伤害记录台账")]}, "需现场查阅"),
    ("9.2", {"injuries": {"years": YEARS}}, "见 8.1"),
    ("10.1", {"documents": [doc("D-1", "制度", "安全社区档案管理制度")]}, "D-1"),
    ("10.1", {"activities": [act("A-1", "教育")]}, "需现场查阅"),
    ("10.2", {"documents": [doc("D-1", "方案", "创建安全社区工作方案")]}, "D-1"),
    ("11.1", {"rectifications": [fix("R-1", activity=None, verified=None)]}, "R-1"),
    ("11.1", {"documents": [doc("D-1", "台账", "安全检查隐患整改台账")]}, "D-1"),
    ("11.2", {"documents": [CAUSES]}, "D-1"),
    ("11.3", {"rectifications": [fix("R-1", "预防")]}, "预防措施 1 项"),
    ("12.1", {"activities": [act("A-1", "评审", "2023-12-10")]}, "A-1"),
    ("12.1", {"documents": [doc("D-1", "报告", "2023年度绩效评审报告", "2024-01-20")]}, "D-1"),
    ("12.2", {"goals": [{**NEXT_GOAL, "due": "2024-12-31"}]}, "2024-12-31 之后到期"),
    ("12.2", {"documents": [doc("D-1", "计划", "持续改进计划", "2023-02-01")]}, "不在评估期内"),
    # a plan of the whole work names no other work (rule 4): it may hold the improvement part, to confirm
    ("12.2", {"documents": [doc("D-1", "计划", "2024年安全社区创建工作计划")]}, "D-1（标题泛指“安全社区”） 可能是"),
    ("8.7", {"documents": [doc("D-1", "通知", "关于召开安全生产会议的通知")]}, "D-1（标题泛指“安全生产”） 可能是"),
    ("12.3", {"surveys": [survey(700)]}, "70%"),
]


@pytest.mark.parametrize("item, sections, words", LOOSE, ids=[f"{c[0]}-{i}" for i, c in enumerate(LOOSE)])
def test_loosely_related_evidence_gives_b_not_c(scheme, item, sections, words):
    loosely_related(scheme, item, sections, words)


def test_every_item_has_loosely_related_cases():
    assert {case[0] for case in LOOSE} == set(ITEMS)


# (item, evidence about other things only): C — evidence of other items is not related evidence
UNRELATED = [
    ("7.1", {"documents": [doc("D-1", "制度", "安全检查制度")]}),
    ("7.2", {"activities": [act("A-1", "检查")]}),
    ("7.3", {"activities": [act("A-1", "演练", audience="居民")]}),
    ("7.4", {"activities": [act("A-1", "培训", title="安全生产管理人员培训")]}),
    ("8.1", {"documents": [doc("D-1", "报告", "安全社区工作总结")]}),
    ("8.2", {"activities": [act("A-1", "检查", scope="专项")]}),
    ("8.3", {"documents": INSPECTION_RULES}),
    ("8.4", {"documents": [doc("D-1", "制度", "应急管理制度")]}),
    ("8.5", {"activities": [act("A-1", "教育")]}),
    ("8.6", {"documents": [doc("D-1", "制度", "安全检查制度")]}),
    ("8.7", {"documents": [doc("D-1", "通知", "关于开展安全生产大检查的通知")]}),
    ("9.1", {"documents": [doc("D-1", "制度", "安全检查制度")]}),
    ("9.2", {"documents": [doc("D-1", "台账", "宣传教育台账")]}),
    ("10.1", {"goals": [NEXT_GOAL]}),
    ("10.2", {"goals": [NEXT_GOAL]}),
    ("11.1", {"rectifications": [fix("R-1", "预防")]}),
    ("11.2", {"documents": [doc("D-1", "报告", "安全社区绩效评审报告")]}),
    ("11.3", {"rectifications": [fix("R-1", "整改")]}),
    ("12.1", {"documents": [doc("D-1", "计划", "2024年安全社区创建工作计划")]}),
    ("12.2", {"documents": [doc("D-1", "计划", "2024年安全宣传教育培训计划")]}),
    ("12.3", {"surveys": [survey(900, kind="知晓率")]}),
]


@pytest.mark.parametrize("item, sections", UNRELATED, ids=[u[0] for u in UNRELATED])
def test_evidence_of_other_things_is_not_related_evidence(scheme, item, sections):
    result = item_result(scheme, item, **sections)
    assert result.grade == "C", text_of(result)


def test_every_item_has_an_unrelated_case():
    assert {case[0] for case in UNRELATED} == set(ITEMS)


# -- 7 应急预案和响应措施 ---------------------------------------------------------------

def test_7_1_special_plans_without_a_comprehensive_one_is_b(scheme):
    result = item_result(scheme, "7.1", documents=PLANS[1:] + [doc("D-4", "预案", "地震应急预案")])
    assert result.grade == "B"
    assert not check(result, "comprehensive").passed
    assert result.needs_review  # operability is confirmed on site


@pytest.mark.parametrize("n, expected", [(3, "A"), (2, "B")])
def test_7_1_three_plans(scheme, n, expected):
    assert grade(scheme, "7.1", documents=PLANS[:n]) == expected


def test_7_2_an_open_general_hazard_is_b_and_named(scheme):
    result = item_result(scheme, "7.2", hazards=[hazard("H-1", "重大"), hazard("H-2", controlled=False)])
    assert result.grade == "B"
    assert "H-2" in check(result, "all-controlled").detail


@pytest.mark.parametrize("level", ["重大", "较大"])
def test_7_2_an_open_serious_hazard_is_the_named_severe_defect(scheme, level):
    result = item_result(scheme, "7.2", hazards=[hazard("H-1", level, controlled=False), hazard("H-2")])
    assert result.grade == "C"
    assert result.reason.startswith("严重缺陷：") and "H-1" in result.reason
    assert "影响整体安全" in result.reason  # the rule set's why
    assert not result.vetoed
    assert result.advice[0].startswith("[严重缺陷]")


def test_7_3_kit_not_checked_in_period_or_broken_is_b(scheme):
    stale = item_result(scheme, "7.3", emergency={**TEAM, "equipment": [{**KIT, "checked": "2023-12-31"}]}, activities=TEAM_DRILLS)
    assert stale.grade == "B"
    assert "评估期内未检查：E-1" in check(stale, "ready").detail
    broken = item_result(scheme, "7.3", emergency={**TEAM, "equipment": [{**KIT, "ok": False}]}, activities=TEAM_DRILLS)
    assert broken.grade == "B"
    assert "不完好：E-1" in check(broken, "ready").detail


def test_7_3_kit_never_dated_cannot_be_told_on_paper(scheme):
    undated = {k: v for k, v in KIT.items() if k != "checked"}
    result = item_result(scheme, "7.3", emergency={**TEAM, "equipment": [undated]}, activities=TEAM_DRILLS)
    assert check(result, "ready").status == "unknown"
    assert (result.grade, result.needs_review) == ("B", True)


@pytest.mark.parametrize("n, expected", [(2, "A"), (1, "B")])
def test_7_3_team_training_twice_a_year(scheme, n, expected):
    assert grade(scheme, "7.3", emergency={**TEAM, "equipment": [KIT]}, activities=TEAM_DRILLS[:n]) == expected


def test_7_3_a_team_in_a_residents_drill_is_trained(scheme):
    """audience is one value or a list: a drill for residents in which the team took part counts."""
    drills = [act("A-1", "演练", audience=["居民", "应急队伍"]), act("A-2", "演练", "2024-10-01", audience=["应急队伍", "居民"])]
    assert grade(scheme, "7.3", emergency={**TEAM, "equipment": [KIT]}, activities=drills) == "A"


@pytest.mark.parametrize("drills, domains, expected", [(2, 2, "A"), (1, 1, "B"), (2, 1, "B")])
def test_7_4_drills_and_their_contents(scheme, drills, domains, expected):
    made = [act(f"A-{i}", "演练", f"2024-0{i + 3}-01", domains=[["消防安全", "防灾减灾和环境安全"][min(i, domains - 1)]])
            for i in range(drills)]
    assert grade(scheme, "7.4", activities=made + DRILLS[2:]) == expected


def test_7_4_general_safety_training_is_not_emergency_training(scheme):
    result = item_result(scheme, "7.4", activities=DRILLS[:2] + [act("A-3", "培训", title="企业安全生产管理培训")])
    assert result.grade == "B"
    assert not check(result, "training").passed


def test_7_4_forty_eight_drills_that_name_no_content_show_no_second_content(scheme):
    """全年组织安全应急事故演练48场 says how many, not what about: beside a fire drill it shows one
    content, not two (B), and the detail names the row whose content is to be seen on site."""
    many = act("A-2", "演练", "2024-03-01", title="组织安全应急事故演练48场", count=48, end="2024-12-20")
    result = item_result(scheme, "7.4", activities=[DRILLS[0], many, DRILLS[2]])
    contents = check(result, "contents")
    assert result.grade == "B" and not contents.passed, text_of(result)
    assert "A-2 未写明也看不出领域" in contents.detail


def test_7_4_a_drill_outside_the_period_does_not_count(scheme):
    assert grade(scheme, "7.4", activities=[act("A-1", "演练", "2023-12-31")]) == "C"


# -- 8 监测与监督 ----------------------------------------------------------------------------

@pytest.mark.parametrize("years, expected", [(YEARS, "A"), (YEARS[1:], "B")])
def test_8_1_three_years_of_data(scheme, years, expected):
    result = item_result(scheme, "8.1", injuries={"years": years}, documents=[MONITORING_REPORT])
    assert result.grade == expected
    assert f"{len(years)} 个年度的数据" in check(result, "years").detail


def test_8_1_years_after_the_period_do_not_count(scheme):
    later = [{"year": 2024, "total": 117}, {"year": 2025, "total": 100}, {"year": 2026, "total": 90}]
    result = item_result(scheme, "8.1", injuries={"years": later}, documents=[MONITORING_REPORT])
    assert check(result, "years").measured == 1


def test_8_2_needs_no_executed_inspections(scheme):
    """8.2 asks for rules and a plan; carrying them out is 8.3's and 8.5's subject."""
    assert grade(scheme, "8.2", documents=INSPECTION_RULES) == "A"


def test_8_2_plan_of_an_earlier_year_is_b(scheme):
    old_plan = [INSPECTION_RULES[0], doc("D-2", "计划", "2023年安全检查计划", "2023-01-05")]
    assert grade(scheme, "8.2", documents=old_plan) == "B"


def test_8_2_a_near_miss_says_what_to_change_and_doing_so_counts(scheme):
    """A report titled as an inspection plan: the hint for the clerk says to change its kind (declaring
    the item does not change a kind), and doing so gives the credit."""
    near = doc("D-1", "报告", "2024年安全检查工作安排")
    hint = check(item_result(scheme, "8.2", documents=[near]), "plan").hint
    assert "D-1 是报告" in hint and "可把 kind 改为 计划" in hint and "items" not in hint
    assert check(item_result(scheme, "8.2", documents=[{**near, "kind": "计划"}]), "plan").passed
    declared = check(item_result(scheme, "8.2", documents=[{**near, "title": "2024年工作安排", "items": ["8.2"]}]), "plan")
    assert not declared.passed and "items 中写了 8.2" in declared.hint


def test_8_3_three_comprehensive_inspections_is_b_with_the_gap(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(3))
    assert result.grade == "B"
    assert any("现有 3，还差 1" in a for a in result.advice)


def test_8_3_four_is_a_and_asks_to_check_each_community(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(4))
    assert (result.grade, result.needs_review) == ("A", True)
    assert "考核最小单位为社区" in result.confirm


def test_8_3_a_fourth_inspection_one_day_after_the_period_does_not_count(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(4, last="2025-01-01"))
    assert result.grade == "B"
    assert "A-4" not in check(result, "four").evidence


def test_8_3_a_first_inspection_one_day_before_the_period_does_not_count(scheme):
    made = comprehensive(4)
    made[0]["date"] = "2023-12-31"
    assert check(item_result(scheme, "8.3", activities=made), "four").measured == 3


def test_8_3_special_inspections_are_not_comprehensive_but_related(scheme):
    result = item_result(scheme, "8.3", activities=[act(f"A-{i}", "检查", scope="专项") for i in range(4)])
    assert result.grade == "B"
    assert check(result, "inspections").cites == "8.5/inspections"


def test_8_3_threshold_is_reported(scheme):
    result = full(scheme, activities=comprehensive(3))
    threshold = next(t for t in result.thresholds if t.item == "8.3")
    assert (threshold.name, threshold.measured, threshold.status) == ("综合性安全检查次数", 3, "not_met")


def test_8_4_rules_without_inspection_is_b(scheme):
    assert grade(scheme, "8.4", documents=[doc("D-1", "制度", "公共设施安全管理制度")]) == "B"


FACILITY_RULES = doc("D-1", "制度", "公共设施安全管理制度")


@pytest.mark.parametrize("kind, title", [
    ("议事", "锦城社区居民议事会（秋实景苑小区长廊雨棚损坏）"),  # a broken facility taken up and repaired
    ("会议", "路灯故障维修协调会"),
    ("宣传", "志愿者定期检修社区公共电器设备"),
    ("检查", "中南世纪城17号楼社区安全检查活动"),  # a building's check: its 楼道、电梯、消防设施
    ("检查", "幸福里小区安全隐患排查"),
    ("议事", "楼栋长碰头会：更换损坏的楼道灯"),
    ("检查", "小区消防设施检查"),  # a facility of the fire domain is a facility all the same
    ("检查", "健身器材安全巡查"),
])
def test_8_4_facilities_kept_in_order_by_upkeep_or_a_compound_check_is_a(scheme, kind, title):
    result = item_result(scheme, "8.4", documents=[FACILITY_RULES], activities=[act("A-1", kind, title=title)])
    assert result.grade == "A", text_of(result)
    assert "A-1" in check(result, "inspected").evidence


@pytest.mark.parametrize("kind, title", [
    ("议事", "居民安全议事会：老旧小区电动自行车充电难"),  # no facility repaired
    ("宣传", "爱护公共设施文明宣传"),  # a facility, nothing done to it
    ("宣传", "安全生产月宣传咨询日（文化广场）"),  # in a public place, not about its facilities
    ("检查", "幸福里小区燃气安全检查"),  # a compound, but one hazard: a special check of gas
    ("检查", "小区电动车充电专项排查"),
    ("宣传", "健身器材安全使用宣传"),  # a facility, neither checked nor repaired
])
def test_8_4_other_work_in_a_compound_or_about_facilities_is_not_upkeep(scheme, kind, title):
    result = item_result(scheme, "8.4", documents=[FACILITY_RULES], activities=[act("A-1", kind, title=title)])
    assert result.grade == "B", text_of(result)
    assert not check(result, "inspected").passed


def test_8_5_no_workplace_inspection_is_b(scheme):
    result = item_result(scheme, "8.5", activities=[act("A-1", "检查", domains=["消防安全", "公共场所安全", "家居安全", "交通安全"])])
    assert result.grade == "B"
    assert not check(result, "workplaces").passed


@pytest.mark.parametrize("n, expected", [(4, "A"), (3, "B")])
def test_8_5_four_domains(scheme, n, expected):
    domains = ["工作场所安全", "消防安全", "公共场所安全", "家居安全"][:n]
    assert grade(scheme, "8.5", activities=[act("A-1", "检查", domains=domains)]) == expected


def test_8_6_missing_an_authority_is_b_and_named(scheme):
    result = item_result(scheme, "8.6", documents=REPORT_RULES, injuries={"reports_to": AUTHORITIES[1:]})
    assert result.grade == "B"
    assert "未见：生产安全" in check(result, "aspects").detail


def test_8_6_the_aspects_may_be_written_in_the_rules_instead(scheme):
    rules = [doc("D-1", "制度", "事故与伤害信息报告制度", topics=["安全生产", "交通事故", "火灾", "治安"])]
    assert grade(scheme, "8.6", documents=rules) == "A"


@pytest.mark.parametrize("traffic_police", ["公安交警大队", "县公安局交警大队"])
def test_8_6_a_department_counts_for_one_aspect_only(scheme, traffic_police):
    result = item_result(scheme, "8.6", documents=REPORT_RULES[:0], injuries={"reports_to": [traffic_police]})
    assert "覆盖 1/4 个方面" in check(result, "aspects").detail
    both = item_result(scheme, "8.6", injuries={"reports_to": [traffic_police, "县公安局"]})
    assert "覆盖 2/4 个方面" in check(both, "aspects").detail


def test_8_7_old_bulletin_and_no_feedback_is_b(scheme):
    result = item_result(scheme, "8.7", documents=[{**BULLETIN, "issued": "2023-07-01"}, doc("D-2", "制度", "信息公开制度")])
    assert result.grade == "B"
    assert "见 2.2：未登记公众意见" in check(result, "supervised").detail
    assert check(result, "supervised").status == "unknown"


def test_8_7_a_notice_of_another_matter_is_not_a_bulletin(scheme):
    result = item_result(scheme, "8.7", documents=[doc("D-1", "通知", "关于公示2024年安全社区创建工作计划的通知")], feedback=FEEDBACK)
    assert not check(result, "published").passed


# -- 9 事故与伤害记录 --------------------------------------------------------------------------

def test_9_1_rules_missing_home_is_b(scheme):
    partial = {**RECORD_RULES, "topics": ["生产", "交通", "消防", "社会治安"]}
    result = item_result(scheme, "9.1", documents=[partial])
    assert result.grade == "B"
    assert "未见：家居伤害" in check(result, "areas").detail


def test_9_1_yearly_data_by_cause_shows_the_areas(scheme):
    years = [{"year": 2024, "total": 50, "by_cause": {"生产": 5, "交通": 10, "火灾": 5, "治安": 10, "跌倒": 20}}]
    result = item_result(scheme, "9.1", documents=[doc("D-1", "制度", "事故与伤害记录管理制度")], injuries={"years": years})
    assert result.grade == "A", text_of(result)


def test_9_1_rules_of_other_matters_do_not_count_as_record_areas(scheme):
    """防消结合制度 names 消防 but is not an injury-record rule."""
    docs = [doc("D-1", "制度", "事故与伤害记录管理制度"), doc("D-2", "制度", "防消结合制度", topics=["消防"])]
    assert "火灾事故（D-2）" not in check(item_result(scheme, "9.1", documents=docs), "areas").detail


LEDGER = doc("D-1", "台账", "事故与伤害记录台账", file="files/ledger.pdf")


def test_9_2_every_record_has_its_file_is_a(scheme, tmp_path):
    result = graded_with_files(scheme, tmp_path, "9.2", ["files/ledger.pdf"], documents=[LEDGER], injuries={"years": YEARS})
    assert (result.grade, result.needs_review) == ("A", True)


def test_9_2_a_cited_file_that_is_missing_is_b(scheme, tmp_path):
    result = graded_with_files(scheme, tmp_path, "9.2", [], documents=[LEDGER], injuries={"years": YEARS})
    assert result.grade == "B"
    assert "缺原件：D-1" in check(result, "witnessed").detail


# -- 10 安全社区创建档案 --------------------------------------------------------------------

ARCHIVE_RULES = doc("D-1", "制度", "安全社区建设档案管理制度", file="files/d1.pdf")


def filed_activities(n_with, n_without):
    made = [act(f"A-{i}", "教育", files=[f"files/a{i}.jpg"]) for i in range(n_with)]
    return made + [act(f"A-{n_with + i}", "教育") for i in range(n_without)]


@pytest.mark.parametrize("n_with, n_without, expected", [(4, 1, "A"), (3, 1, "B")])
def test_10_1_eight_in_ten_activities_filed(scheme, tmp_path, n_with, n_without, expected):
    present = ["files/d1.pdf"] + [f"files/a{i}.jpg" for i in range(n_with)]
    result = graded_with_files(scheme, tmp_path, "10.1", present, documents=[ARCHIVE_RULES],
                               activities=filed_activities(n_with, n_without))
    assert result.grade == expected, text_of(result)
    assert f"{n_with}/{n_with + n_without}" in check(result, "activities-filed").detail


def test_10_1_a_cited_file_that_is_missing_does_not_count(scheme, tmp_path):
    present = ["files/d1.pdf"] + [f"files/a{i}.jpg" for i in range(3)]  # a3.jpg is cited, not there
    result = graded_with_files(scheme, tmp_path, "10.1", present, documents=[ARCHIVE_RULES], activities=filed_activities(4, 0))
    assert result.grade == "B"
    assert "A-3" in check(result, "activities-filed").detail


ASPECTS = [
    doc("D-1", "方案", "创建安全社区工作方案", file="files/d1.pdf"),
    doc("D-2", "制度", "安全检查制度", file="files/d2.pdf"),
    doc("D-3", "台账", "宣传教育培训台账", file="files/d3.pdf"),
    doc("D-4", "台账", "隐患排查整改台账", file="files/d4.pdf"),
]


@pytest.mark.parametrize("present, n, expected", [([1, 2, 3, 4], 4, "A"), ([2, 3, 4], 3, "B"), ([2, 4], 2, "B")])
def test_10_2_the_archive_shows_what_was_filed(scheme, tmp_path, present, n, expected):
    result = graded_with_files(scheme, tmp_path, "10.2", [f"files/d{i}.pdf" for i in present], documents=ASPECTS)
    assert result.grade == expected, text_of(result)
    assert f"反映 {n}/4 个方面" in check(result, "aspects").detail


def test_10_x_a_bundle_that_never_attaches_files_is_confirmed_on_site(scheme):
    """No record carries a file: what the archive holds cannot be told on paper (B, review), not blank (C)."""
    unfiled = [{k: v for k, v in d.items() if k != "file"} for d in ASPECTS]
    done = full(scheme, documents=unfiled + [doc("D-5", "制度", "档案管理制度")], activities=[act("A-1", "教育")])
    for item, check_id in [("10.1", "documents-filed"), ("10.1", "activities-filed"), ("10.2", "aspects")]:
        result = next(i for i in done.items if i.id == item)
        assert check(result, check_id).status == "unknown", check(result, check_id).detail
        assert (result.grade, result.needs_review) == ("B", True)


def test_10_2_activities_with_photos_show_the_work(scheme, tmp_path):
    acts = [act("A-1", "会议", title="安全社区创建推进会", files=["files/a1.jpg"]),
            act("A-2", "教育", files=["files/a2.jpg"]), act("A-3", "检查", files=["files/a3.jpg"])]
    result = graded_with_files(scheme, tmp_path, "10.2", ["files/a1.jpg", "files/a2.jpg", "files/a3.jpg", "files/d2.pdf"],
                               activities=acts, documents=[ASPECTS[1]])
    assert result.grade == "A", text_of(result)


# -- 11 预防与纠正措施 ------------------------------------------------------------------------

def test_11_1_a_finding_without_rectification_is_b(scheme):
    result = item_result(scheme, "11.1", activities=FOUND, rectifications=[fix("R-1", activity="A-1")])
    assert result.grade == "B"
    assert "A-1 发现 2 处、整改 1 条" in check(result, "covered").detail


def test_11_1_unverified_rectification_is_b(scheme):
    rects = [fix("R-1", activity="A-1"), fix("R-2", activity="A-1", verified=None)]
    result = item_result(scheme, "11.1", activities=FOUND, rectifications=rects)
    assert result.grade == "B"
    assert "R-2" in check(result, "verified").detail


def test_11_1_findings_never_counted_cannot_be_told_on_paper(scheme):
    result = item_result(scheme, "11.1", activities=[act("A-1", "检查")], rectifications=[fix("R-1", activity="A-1")])
    assert check(result, "covered").status == "unknown"
    assert (result.grade, result.needs_review) == ("B", True)


def test_11_2_a_row_of_measures_counts_its_verified_count(scheme):
    """下达整改指令书63份、复查61份: 61 of 63 verified is not every one; 63 of 63 is."""
    short = fix("R-1", "纠正") | {"count": 63, "verified_count": 61}
    result = item_result(scheme, "11.2", documents=[CAUSES], rectifications=[short])
    assert result.grade == "B"
    assert "61/63" in check(result, "verified").detail and "未全部验证" in check(result, "verified").detail
    whole = fix("R-1", "纠正") | {"count": 63, "verified_count": 63}
    assert item_result(scheme, "11.2", documents=[CAUSES], rectifications=[whole]).grade == "A"


def test_11_2_verification_before_the_fix_is_refused_at_its_record(scheme):
    """A verification dated before the fix cannot have happened: the bundle is refused, not graded."""
    early = fix("R-1", "纠正", fixed="2024-06-01", verified="2024-05-01")
    with pytest.raises(ValueError, match="验证日期 2024-05-01 早于完成日期 2024-06-01"):
        item_result(scheme, "11.2", documents=[CAUSES], rectifications=[early])
    same_day = fix("R-1", "纠正", fixed="2024-06-01", verified="2024-06-01")
    assert check(item_result(scheme, "11.2", documents=[CAUSES], rectifications=[same_day]), "verified").passed


def test_11_2_a_cause_analysis_on_corrective_measures_is_a_corrective_measure(scheme):
    report = doc("D-1", "报告", "电动自行车火灾原因分析及纠正措施报告", topics=["原因分析", "纠正措施"])
    result = item_result(scheme, "11.2", documents=[report], rectifications=[fix("R-1", kind=None, issue="针对起火原因：划定集中充电点")])
    assert result.grade == "A", text_of(result)


def test_11_2_and_11_3_read_the_kind_from_the_words_and_the_link(scheme):
    rects = [fix("R-1", kind=None, issue="针对事故原因加装扶手"),  # 纠正
             fix("R-2", kind=None, issue="举一反三：推广到全部小区"), fix("R-3", kind=None, issue="举一反三：同类场所全面排查"),
             fix("R-4", kind=None, activity="A-1", issue="楼道堆物")]  # 整改, from the inspection it follows
    done = full(scheme, documents=[CAUSES], activities=FOUND, rectifications=rects)
    grades = {i.id: i for i in done.items}
    assert check(grades["11.2"], "corrective").evidence == ["D-1", "R-1"] or "R-1" in check(grades["11.2"], "corrective").evidence
    assert check(grades["11.3"], "preventive").measured == 2
    assert grades["11.3"].grade == "A"
    assert "R-4" not in check(grades["11.3"], "preventive").evidence


LEAK = "接报煤气泄漏，网格员查明胶管老化致漏气，要求承租人现场更换煤气管"


def test_11_2_a_written_rectification_of_an_incident_and_its_cause_is_corrective(scheme):
    """An office files what it did after a gas leak as 整改; it names the incident and the cause it
    found, and acted on it: the corrective measure 11.2 asks for, whatever the row is called."""
    result = item_result(scheme, "11.2", documents=[CAUSES], rectifications=[fix("R-1", "整改", issue=LEAK)])
    assert result.grade == "A", text_of(result)
    assert "R-1（写明事故原因" in check(result, "corrective").detail
    fire = fix("R-1", "整改", issue="3号楼厨房起火，经查系电线老化引起，社区协调更换线路")
    assert item_result(scheme, "11.2", documents=[CAUSES], rectifications=[fire]).grade == "A"
    # still a 整改 for 11.1 as well
    assert "R-1" in check(item_result(scheme, "11.1", rectifications=[fix("R-1", "整改", issue=LEAK)]), "verified").evidence


@pytest.mark.parametrize("issue, activity", [
    (LEAK, "A-1"),  # it followed an inspection: a finding rectified (11.1), not an accident's cause
    ("楼道堆放杂物，要求住户清理", None),  # no incident, no cause
    ("查明楼道堆放杂物原因为住户搬家", None),  # a cause, but of no incident
    ("接报煤气泄漏，要求承租人更换煤气管", None),  # an incident, but no cause found
])
def test_11_2_a_written_rectification_without_an_incident_and_its_cause_stays_a_rectification(scheme, issue, activity):
    result = item_result(scheme, "11.2", documents=[CAUSES], activities=FOUND,
                         rectifications=[fix("R-1", "整改", activity=activity, issue=issue)])
    assert result.grade == "B", text_of(result)
    assert not check(result, "corrective").passed


@pytest.mark.parametrize("n, expected", [(2, "A"), (1, "B")])
def test_11_3_two_preventive_measures(scheme, n, expected):
    assert grade(scheme, "11.3", rectifications=[fix(f"R-{i}", "预防") for i in range(n)]) == expected


# -- 12 评审与持续改进 ------------------------------------------------------------------------

def test_12_1_review_on_the_last_day_of_the_period_counts(scheme):
    result = item_result(scheme, "12.1", activities=[act("A-1", "评审", "2024-12-31")], documents=[REVIEW_REPORT])
    assert result.grade == "A"
    assert check(result, "yearly").evidence == ["A-1", "D-9"]


def test_12_1_review_one_day_before_the_period_does_not(scheme):
    result = item_result(scheme, "12.1", activities=[act("A-1", "评审", "2023-12-31")])
    assert result.grade == "B"
    assert check(result, "yearly").measured == 0


@pytest.mark.parametrize("issued, counted", [("2025-03-31", True), ("2025-04-01", False), ("2023-12-31", False)])
def test_12_1_a_review_report_counts_up_to_90_days_after_the_period(scheme, issued, counted):
    """2024-12-31 + 90 days is 2025-03-31."""
    result = item_result(scheme, "12.1", documents=[{**REVIEW_REPORT, "issued": issued}])
    assert check(result, "yearly").passed is counted
    assert result.grade == ("A" if counted else "B")


def test_12_1_no_review_is_c_and_the_threshold_says_so(scheme):
    assert grade(scheme, "12.1") == "C"
    threshold = next(t for t in full(scheme).thresholds if t.item == "12.1")
    assert (threshold.name, threshold.measured, threshold.status) == ("整体评审次数", 0, "not_met")


def test_12_1_a_review_meeting_written_as_a_meeting_counts(scheme):
    assert grade(scheme, "12.1", activities=[act("A-1", "会议", title="2024年度安全社区绩效评审会")], documents=[REVIEW_REPORT]) == "A"


def test_12_2_a_general_work_plan_is_not_an_improvement_plan(scheme):
    result = item_result(scheme, "12.2", documents=[doc("D-1", "计划", "2024年工作计划")], goals=[NEXT_GOAL])
    assert not check(result, "plan").passed


@pytest.mark.parametrize("positive, expected, vetoed, shown", [
    (801, "A", False, "80.1%"), (800, "B", False, "80%"), (600, "B", False, "60%"), (599, "C", True, "59.9%"),
])
def test_12_3_satisfaction_boundaries(scheme, positive, expected, vetoed, shown):
    result = item_result(scheme, "12.3", surveys=[survey(positive)])
    assert (result.grade, result.vetoed) == (expected, vetoed)
    assert check(result, "satisfaction").measured_text == shown


def test_12_3_veto_reaches_the_verdict_and_thresholds(scheme):
    result = full(scheme, surveys=[survey(599)])
    threshold = next(t for t in result.thresholds if t.item == "12.3")
    assert (threshold.name, threshold.status) == ("居民安全满意度", "veto")
    assert result.verdict.verdict == "不具备申报条件"
    assert "12.3" in result.verdict.reasons[0]


def test_12_3_surveys_are_pooled_and_only_in_the_period(scheme):
    surveys = [survey(450, 500), survey(360, 500, id="S-2"), survey(0, 500, "2023-12-01", "S-3")]
    result = item_result(scheme, "12.3", surveys=surveys)
    assert result.grade == "A"  # 810/1000 = 81%; S-3 lies before the period
    assert check(result, "satisfaction").evidence == ["S-1", "S-2"]


# -- one fact, one owner ----------------------------------------------------------------------

def test_3_2_and_9_2_do_not_drop_for_a_missing_injury_year_that_8_1_grades(scheme, tmp_path):
    two = [{"year": 2023, "total": 131}, {"year": 2024, "total": 118, "by_cause": {"交通": 40, "跌倒": 35, "火灾": 3}}]
    done = assessed_with_files(scheme, tmp_path, ["files/ledger.pdf", "files/report.pdf"],
                               injuries={"sources": ["卫生服务中心", "派出所"], "years": two},
                               documents=[LEDGER, {**MONITORING_REPORT, "id": "D-2", "file": "files/report.pdf"}])
    grades = {i.id: i for i in done.items}
    assert grades["8.1"].grade == "B"
    assert grades["3.2"].grade == "A", text_of(grades["3.2"])
    assert grades["9.2"].grade == "A", text_of(grades["9.2"])
    assert check(grades["9.2"], "data").cites == "8.1/years"


def test_8_3_does_not_drop_when_8_5_lacks_domains(scheme):
    done = full(scheme, activities=comprehensive(4))
    grades = {i.id: i.grade for i in done.items}
    assert grades["8.5"] == "B" and grades["8.3"] == "A"


# -- the primitives on their own: absent evidence measures nothing, never a crash -----------------

PARAMS = {
    "organizations": {"kind": ["领导机构"]}, "member_sectors": {"kind": ["领导机构"]}, "member_categories": {"kind": ["执行机构"]},
    "charter_documented": {"kind": ["领导机构"], "terms": ["领导机构"]}, "documents": {"kind": ["制度"], "terms": ["检查"]},
    "document_terms": {"terms": ["检查", "应急"]}, "documents_with_file": {"kind": ["记录"]},
    "goals": {}, "goal_share": {"require": ["improving"]}, "goals_beyond_period": {}, "budget_planned": {},
    "budget_execution": {}, "projects_reflected": {"plan_kinds": ["计划"]}, "projects": {"targeting": ["vulnerable_groups"]},
    "project_share": {"has": ["plan"]}, "participation": {}, "target_kinds": {}, "domains_covered": {"sources": ["projects", "activities"]},
    "activities": {"kind": ["教育"]}, "activity_variety": {"field": "audience"}, "fewest_per_quarter": {"kind": ["教育"], "audience": ["居民"]},
    "activities_with_files": {}, "comprehensive_inspections": {}, "archive_aspects": {"aspects": {"安全管理": {"document_kinds": ["制度"]}}},
    "hazards": {"in_period": True}, "hazards_controlled": {}, "hazard_methods": {}, "injury_sources": {}, "injury_years": {},
    "injury_trend": {}, "injury_causes": {}, "reporting_aspects": {"aspects": {"消防安全": ["火灾事故"]}, "terms": ["事故报告"]},
    "record_areas": {"areas": ["生产安全"], "terms": ["伤害记录"]}, "emergency_teams": {}, "emergency_equipment": {},
    "equipment_ready": {}, "measures": {"kind": ["纠正"], "terms": ["纠正措施"]}, "measures_verified": {}, "findings_rectified": {},
    "reviews": {"terms": ["评审"], "report_kinds": ["报告"], "grace_days": 90}, "surveys": {}, "survey_rate": {"kind": ["满意度"]},
    "publicity": {"field": "boards"}, "boards": {}, "survey_sample": {"kind": ["满意度"]}, "coverage": {"of": "agreements"}, "feedback_rate": {"of": "handled"}, "public_feedback": {},
    "building_months": {}, "injuries_over_goals": {"metrics": ["伤害人次"]}, "title_valid": {"years": 3},
}


def test_every_primitive_is_tried_on_empty_evidence():
    assert set(PARAMS) == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_a_primitive_on_empty_evidence_measures_nothing(scheme, name):
    found = measure(scheme, name, item="1.1", **PARAMS[name])
    assert found.value in (None, 0, False)
    assert not found.seen and not found.ids
    assert found.detail and not any(c.isascii() and c.isalpha() for c in found.detail), found.detail


# -- the injury trend on its own ------------------------------------------------------------

def trend(scheme, *totals, start=2022):
    years = [{"year": start + i, "total": t} for i, t in enumerate(totals) if t is not None]
    return measure(scheme, "injury_trend", evidence(injuries={"years": years}))


def test_injury_trend_over_the_last_three_years(scheme):
    assert trend(scheme, 150, 131, 118).value is True
    assert trend(scheme, 200, 150, 131, 118).value is True   # the last three only
    rise = trend(scheme, 150, 118, 131)
    assert rise.value is False and "2024年比2023年上升 13" in rise.detail


def test_injury_trend_is_judged_on_the_years_there_are(scheme):
    """How many years there are is 8.1's fact; the trend reads what is there (two years at least)."""
    assert trend(scheme, 131, 118, start=2023).value is True
    assert trend(scheme, 118, 131, start=2023).value is False
    assert trend(scheme, 150, None, 118).value is True
    lone = trend(scheme, 118, start=2024)
    assert lone.value is False and lone.seen


def test_7_1_a_site_plan_filed_as_a_scheme_is_a_contingency_plan(scheme):
    """现场处置方案 is the third level of contingency plans, whatever kind the office filed it under."""
    plan = {"id": "D-1", "kind": "方案", "title": "燃气泄漏事故现场处置方案"}
    assert check(item_result(scheme, "7.1", documents=[plan]), "levels").measured == 1
