"""Items 1.1–6.5 of the national table, each through the engine: one bundle that earns A on
every item, and for each item the smallest change that lowers it (with the words that say why)."""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import evidence, grade, item_result
from safecomm.checks import REGISTRY
from safecomm.engine import assess

ITEMS = [f"{i}.{j}" for i, n in [(1, 6), (2, 4), (3, 3), (4, 3), (5, 3), (6, 5)] for j in range(1, n + 1)]

SECTORS = ["政府", "应急", "公安", "消防", "卫生"]
CATEGORIES = ["社区管理人员", "相关单位工作人员", "安全卫生技术人员", "志愿者", "社区居民"]


def act(id, kind, date, **more):
    return {"id": id, "kind": kind, "date": date, "title": f"{kind}活动{id}", **more}


def project(id, name, domains, targets, metric, baseline, latest, **more):
    return {"id": id, "name": name, "domains": domains, "plan": f"D-{id}", "targets": targets,
            "start": "2024-01-01", "end": "2024-12-31",
            "outcomes": [{"metric": metric, "baseline": baseline, "latest": latest}], **more}


GOOD = {
    "organizations": [
        {"id": "LG", "kind": "leadership", "name": "创建工作领导小组", "charter": "D-LG",
         "members": [{"name": f"甲{i}", "sector": s} for i, s in enumerate(SECTORS)]},
        {"id": "WG", "kind": "working", "name": "创建办公室",
         "members": [{"name": f"乙{i}", "category": c} for i, c in enumerate(CATEGORIES)]},
        {"id": "V1", "kind": "volunteer", "name": "平安志愿者服务队", "size": 60},
    ],
    "documents": [
        {"id": "D-LG", "kind": "通知", "title": "关于成立创建工作领导小组的通知", "issued": "2023-05-10"},
        {"id": "D-R1", "kind": "制度", "title": "安全检查制度", "topics": ["安全检查"]},
        {"id": "D-R2", "kind": "制度", "title": "隐患排查治理制度", "topics": ["隐患排查", "危险源辨识"]},
        {"id": "D-R3", "kind": "制度", "title": "应急管理制度", "topics": ["应急"]},
        {"id": "D-R4", "kind": "制度", "title": "伤害监测制度", "topics": ["伤害监测"]},
        {"id": "D-R5", "kind": "制度", "title": "事故报告制度", "topics": ["事故报告"]},
        {"id": "D-R6", "kind": "制度", "title": "协商议事制度", "topics": ["协商议事"]},
        {"id": "D-R7", "kind": "制度", "title": "各单位安全职责规定", "topics": ["安全职责"]},
        {"id": "D-P1", "kind": "计划", "title": "2024年安全社区创建工作计划", "issued": "2024-01-10"},
        {"id": "D-P2", "kind": "计划", "title": "2024年安全宣传教育培训计划", "issued": "2024-01-15", "topics": ["培训"]},
        *({"id": f"D-P-{n}", "kind": "方案", "title": f"项目P-{n}实施方案"} for n in range(1, 5)),
    ],
    "goals": [
        {"id": "G-1", "horizon": "annual", "text": "伤害发生率下降10%", "metric": "伤害人次", "baseline": 131, "target": 118},
        {"id": "G-2", "horizon": "long_term", "text": "三年内老年人跌倒人次下降30%", "metric": "老年人跌倒人次",
         "baseline": 40, "target": 28},
        {"id": "G-3", "horizon": "annual", "text": "儿童交通伤害人次下降", "metric": "儿童交通伤害人次", "baseline": 12, "target": 9},
    ],
    "budget": [{"year": 2024, "planned": 500000, "spent": 462000}],
    "activities": [
        act("A-1", "交流", "2024-04-10"),
        act("A-2", "交流", "2024-09-20"),
        act("A-3", "议事", "2024-03-05"),
        act("A-4", "教育", "2024-02-15", audience="居民", domains=["消防安全"]),
        act("A-5", "宣传", "2024-05-20", audience="居民", domains=["交通安全"], organizer="V1"),
        act("A-6", "演练", "2024-08-10", audience="居民", domains=["防灾减灾和环境安全"], organizer="V1"),
        act("A-7", "教育", "2024-11-05", audience="居民", domains=["家居安全"], organizer="V1"),
        act("A-8", "教育", "2024-06-01", audience="学生", domains=["学校安全"], organizer="V1"),
        act("A-9", "培训", "2024-07-12", audience="从业人员", domains=["工作场所安全"]),
    ],
    "projects": [
        project("P-1", "老年人防跌倒", ["老年人安全", "家居安全"], {"vulnerable_groups": ["老年人"]},
                "老年人跌倒人次", 40, 25, key=True, target_population=1200, participants=700),
        project("P-2", "儿童交通安全", ["儿童安全", "交通安全"], {"vulnerable_groups": ["儿童"]},
                "儿童交通伤害人次", 12, 8, key=True, target_population=800, participants=480),
        project("P-3", "老旧小区消防改造", ["消防安全"], {"high_risk_environments": ["老旧小区"]}, "火灾起数", 5, 2),
        project("P-4", "建筑工地安全", ["工作场所安全"], {"high_risk_groups": ["建筑工人"]}, "工伤人次", 20, 15),
    ],
    "hazards": [
        {"id": "H-1", "found": "2024-02-10", "place": "老旧小区楼道", "method": "日常巡查", "high_risk_environment": True},
        {"id": "H-2", "found": "2024-06-18", "place": "农贸市场", "method": "专项排查"},
    ],
    "injuries": {
        "sources": ["社区卫生服务中心", "派出所"],
        "years": [{"year": 2022, "total": 150}, {"year": 2023, "total": 131},
                  {"year": 2024, "total": 118, "by_cause": {"交通": 40, "跌倒": 35, "火灾": 3}}],
    },
    "agreements": {"units": 85, "signed": 85, "special_equipment": {"total": 12, "registered": 12}},
    "publicity": {"boards": 24, "channels": ["广播", "电视", "网络", "微信"]},
    "workforce_training": {"units": 85, "trained": 85},
    "feedback": {"received": 120, "handled": 118, "satisfied": 110},
}


def variant(change) -> dict:
    """A copy of GOOD with `change(sections)` applied."""
    sections = copy.deepcopy(GOOD)
    change(sections)
    return sections


def records(sections, name, *ids):
    """The records of a collection with the given ids."""
    return [r for r in sections[name] if r["id"] in ids]


def drop(name, *ids):
    return lambda s: s.update({name: [r for r in s[name] if r["id"] not in ids]})


def setting(path, value):
    """Set `a.b.c` in the sections."""
    *parents, last = path.split(".")

    def change(s):
        target = s
        for p in parents:
            target = target[p]
        target[last] = value

    return change


def edit(name, rid, **fields):
    return lambda s: records(s, name, rid)[0].update(fields)


def both(*changes):
    def change(s):
        for c in changes:
            c(s)

    return change


def text_of(result) -> str:
    return "\n".join([result.reason, *result.advice, *(c.detail for c in result.checks)])


@pytest.mark.parametrize("item", ITEMS)
def test_the_good_bundle_earns_a(scheme, item):
    result = item_result(scheme, item, **GOOD)
    assert result.grade == "A", text_of(result)


# (item, change to GOOD, expected grade, words that must appear in the reason, advice or details)
LOWER = [
    ("1.1", edit("organizations", "LG", charter=None), "B", "LG 没有规定职责的文件"),
    ("1.1", drop("organizations", "LG"), "C", "未见领导机构"),
    ("1.2", edit("organizations", "WG", members=[{"name": "乙", "category": c} for c in CATEGORIES[:3]]), "B",
     "缺少：志愿者、社区居民"),
    ("1.2", drop("organizations", "WG"), "C", "未见执行机构"),
    ("1.3", setting("agreements.signed", 84), "B", "85 个中 84 个已签订安全责任书"),
    ("1.3", drop("documents", "D-R7"), "C", "未见关于职责、责任的制度、责任书文件"),
    ("1.4", drop("documents", "D-R2", "D-R3", "D-R4"), "B", "缺少：隐患排查、应急、伤害监测、档案、培训、公共设施"),
    ("1.4", lambda s: s.update(documents=[d for d in s["documents"] if d["kind"] != "制度"]), "C", "未见制度文件"),
    ("1.5", edit("documents", "D-P1", issued="2023-12-20"), "B", "未见评估期内印发的关于安全社区、创建的计划文件"),
    ("1.5", edit("goals", "G-3", target=None), "B", "G-3 缺目标值"),
    ("1.5", setting("goals", []), "C", "未见事故与伤害预防目标"),
    ("1.6", setting("budget", [{"year": 2024, "planned": 500000, "spent": 399999}]), "B", "执行率 79.99%"),
    ("1.6", setting("budget", [{"year": 2024, "planned": 500000}]), "B", "2024 年未填写支出"),
    ("1.6", setting("budget", [{"year": 2023, "planned": 500000, "spent": 500000}]), "C", "未见 2024 年度的经费安排"),
    ("2.1", drop("activities", "A-2"), "B", "评估期内交流活动 1 次：A-1"),
    ("2.1", both(drop("activities", "A-1"), edit("activities", "A-2", date="2023-12-30")), "C", "未见评估期内交流活动"),
    ("2.2", setting("feedback", {"received": 120, "handled": 107, "satisfied": 100}), "B", "89.16%"),
    ("2.2", setting("feedback", {"received": 120, "handled": 118, "satisfied": 94}), "B", "对处理满意 94 条（79.66%）"),
    ("2.2", drop("documents", "D-R6"), "B", "未见关于议事、协商的制度文件"),
    ("2.2", drop("activities", "A-3"), "C", "未见评估期内议事活动"),
    ("2.3", drop("activities", "A-8"), "B", "由志愿者组织、群众组织组织的活动 3 次"),
    ("2.3", lambda s: [a.pop("organizer", None) for a in s["activities"]], "C", "未见评估期内由志愿者组织、群众组织组织的活动"),
    ("2.4", edit("projects", "P-2", target_population=None), "B", "未登记相关人群人数或参与人数：P-2"),
    ("2.4", lambda s: [p.update(key=False) for p in s["projects"]], "C", "未见评估期内重点项目"),
    ("3.1", edit("hazards", "H-2", method="日常巡查"), "B", "1 种辨识方式：日常巡查"),
    ("3.1", edit("hazards", "H-1", high_risk_environment=False), "B", "未见高风险环境中的评估期内发现的隐患"),
    ("3.1", drop("projects", "P-4"), "B", "未见针对高危人群的项目"),
    ("3.1", setting("hazards", []), "C", "未见评估期内发现的隐患"),
    ("3.1", drop("documents", "D-R2"), "C", "未见关于隐患、危险源的制度文件"),
    ("3.2", setting("injuries.years", [{"year": 2022, "total": 150}, {"year": 2023, "total": 118},
                                       {"year": 2024, "total": 131, "by_cause": {"交通": 1, "跌倒": 1, "火灾": 1}}]),
     "B", "2024年未比上一年下降"),
    ("3.2", setting("injuries.sources", ["派出所"]), "B", "数据来源 1 个：派出所"),
    ("3.2", lambda s: s["injuries"]["years"][-1].update(by_cause={"交通": 40, "跌倒": 35}), "B", "按 2 类原因"),
    ("3.2", setting("injuries.years", [{"year": 2024, "total": 118}]), "C", "1 个年度"),
    ("3.3", setting("agreements.signed", 68), "B", "85 个中 68 个已签订安全责任书（80%）"),
    ("3.3", setting("agreements.signed", 67), "C", "78.82%"),
    ("3.3", setting("agreements.special_equipment", {"total": 12, "registered": 11}), "B", "特种设备 12 个中 11 个已登记建档"),
    ("3.3", setting("agreements.special_equipment", None), "B", "未填写特种设备数和登记建档数"),
    ("4.1", edit("goals", "G-2", horizon="annual"), "B", "未见长期目标"),
    ("4.1", edit("goals", "G-1", target=140), "B", "G-1 缺改进方向"),
    ("4.1", edit("goals", "G-1", baseline=None), "B", "G-1 缺基线值、改进方向"),
    ("4.1", setting("goals", []), "C", "未见事故与伤害预防目标"),
    ("4.2", lambda s: [a.update(domains=[]) for a in s["activities"]], "A", "项目和活动覆盖 6/12 个安全领域"),
    ("4.2", both(lambda s: [a.update(domains=[]) for a in s["activities"]], drop("projects", "P-4")), "B",
     "覆盖 5/12 个安全领域，未覆盖：工作场所安全"),
    ("4.2", lambda s: s.update(documents=[d for d in s["documents"] if d["kind"] != "计划"]), "C", "未见计划文件"),
    ("4.3", edit("goals", "G-3", metric="交通伤害人次", text="交通伤害减少"), "B", "目标中未体现：P-2"),
    ("4.3", setting("goals", []), "C", "0/2 个重点项目在目标中有体现"),
    ("5.1", drop("projects", "P-3"), "B", "未见针对高风险环境的项目"),
    ("5.1", lambda s: [p.update(domains=["消防安全"]) for p in s["projects"]], "B", "项目覆盖 1/12 个安全领域"),
    ("5.1", setting("projects", []), "C", "未见评估期内安全促进项目"),
    ("5.2", edit("projects", "P-4", plan=None), "B", "未做到：P-4"),
    ("5.2", edit("documents", "D-P-3", kind="计划"), "B", "未做到：P-3"),
    ("5.2", lambda s: [p.update(plan=None) for p in s["projects"]], "C", "未见评估期内安全促进项目（有实施方案"),
    ("5.3", edit("projects", "P-3", outcomes=[{"metric": "火灾起数", "baseline": 2, "latest": 5}]), "B", "未做到：P-3"),
    ("5.3", edit("projects", "P-4", outcomes=[]), "B", "未做到：P-4"),
    ("5.3", lambda s: [p.update(targets={}) for p in s["projects"]], "C", "未见评估期内针对脆弱群体、高危人群或高风险环境的安全促进项目"),
    ("6.1", lambda s: [a.update(audience="居民") for a in s["activities"] if a.get("audience")], "B", "1 种对象：居民"),
    ("6.1", lambda s: [a.update(kind="教育") for a in s["activities"] if a.get("audience")], "B", "1 种形式：教育"),
    ("6.1", drop("documents", "D-P2"), "C", "未见关于培训、教育的计划文件"),
    ("6.2", setting("publicity.boards", 9), "B", "提示牌 9 处"),
    ("6.2", setting("publicity.boards", 0), "C", "未登记固定宣传栏"),
    ("6.3", setting("publicity.channels", ["广播", "微信", "广播"]), "B", "传播渠道 2 种：广播、微信"),
    ("6.3", setting("publicity.channels", []), "C", "未登记传播安全知识的渠道"),
    ("6.4", drop("activities", "A-6"), "B", "2024年第3季度没有"),
    ("6.4", lambda s: [a.update(audience="学生") for a in s["activities"] if a.get("audience") == "居民"], "C",
     "未见评估期内面向居民的"),
    ("6.5", setting("workforce_training", {"units": 85, "trained": 84}), "B", "85 个中 84 个已开展从业人员安全培训"),
    ("6.5", drop("activities", "A-9"), "B", "未见评估期内面向从业人员的培训、教育活动"),
    ("6.5", setting("workforce_training", {"units": 85, "trained": 67}), "C", "78.82%"),
    ("6.5", setting("workforce_training", None), "C", "未填写应培训的单位数"),
]


@pytest.mark.parametrize("item, change, expected, words", LOWER, ids=[f"{c[0]}-{c[2]}-{i}" for i, c in enumerate(LOWER)])
def test_a_gap_lowers_the_grade(scheme, item, change, expected, words):
    result = item_result(scheme, item, **variant(change))
    assert result.grade == expected, text_of(result)
    assert words in text_of(result)


def test_every_item_has_a_case_below_a():
    assert {case[0] for case in LOWER if case[2] != "A"} == set(ITEMS)


# 2.4: the lowest key project decides; 50% is A, 49.9% is B, 30% is not a veto, 29.9% is.
def participation(p2_participants: int, population: int = 1000):
    return variant(edit("projects", "P-2", target_population=population, participants=p2_participants))


@pytest.mark.parametrize("participants, expected, vetoed", [(500, "A", False), (499, "B", False), (300, "B", False), (299, "C", True)])
def test_participation_boundaries(scheme, participants, expected, vetoed):
    result = item_result(scheme, "2.4", **participation(participants))
    check = next(c for c in result.checks if c.id == "participation")
    assert (result.grade, result.vetoed, check.vetoed) == (expected, vetoed, vetoed)
    assert check.measured == pytest.approx(participants / 1000)
    assert check.evidence == ["P-1", "P-2"]
    assert f"P-2 儿童交通安全 {participants / 10:g}%（{participants}/1000）" in check.detail


def test_a_veto_names_the_project_and_the_line(scheme):
    result = item_result(scheme, "2.4", **participation(299))
    assert result.reason.startswith("否决：")
    assert "P-2" in result.reason and "29.9%" in result.reason and "< 30%" in result.reason


def test_participation_is_a_threshold_with_a_veto_in_the_full_assessment(scheme):
    done = assess(evidence(**participation(299)), scheme)
    [threshold] = [t for t in done.thresholds if t.item == "2.4"]
    assert (threshold.name, threshold.status, threshold.measured_text) == ("重点项目相关人群参与度", "veto", "29.9%")
    assert done.verdict.verdict == "不具备申报条件"


def test_participation_counts_only_key_projects_running_in_the_period(scheme):
    sections = variant(both(
        edit("projects", "P-3", key=True, start="2023-01-01", end="2023-12-31", target_population=100, participants=1),
        edit("projects", "P-4", target_population=100, participants=1),
    ))
    assert grade(scheme, "2.4", **sections) == "A"


def test_participation_is_exact_at_the_boundary():
    """1 of 2 is exactly one half, not a float near it: the engine compares exact fractions."""
    measure = REGISTRY["participation"].func(evidence(**participation(1, 2)))
    assert measure.value == Fraction(1, 2)


# 6.4: every quarter the period touches needs education for residents.
def test_quarterly_education_names_every_missing_quarter(scheme):
    result = item_result(scheme, "6.4", **variant(drop("activities", "A-4", "A-7")))
    assert result.grade == "B"
    quarterly = next(c for c in result.checks if c.id == "quarterly")
    assert "2024年第1季度、2024年第4季度没有" in quarterly.detail
    assert quarterly.evidence == ["A-5", "A-6"]


def test_quarterly_education_over_a_period_not_aligned_to_the_calendar(scheme):
    def shifted(s):
        s["community"] = {"name": "测试街道办事处", "period": {"start": "2024-07-01", "end": "2025-06-30"}}
        s["activities"] = [a for a in s["activities"] if a.get("audience") != "居民"] + [
            act("E-1", "教育", "2024-07-05", audience="居民"),
            act("E-2", "演练", "2024-11-30", audience="居民"),
            act("E-3", "宣传", "2025-03-01", audience="居民"),
            act("E-4", "培训", "2025-06-30", audience="居民"),
        ]

    assert grade(scheme, "6.4", **variant(shifted)) == "A"
    result = item_result(scheme, "6.4", **variant(both(shifted, drop("activities", "E-3"))))
    assert result.grade == "B"
    assert "2025年第1季度没有" in result.reason


def test_quarterly_education_is_a_threshold(scheme):
    done = assess(evidence(**variant(drop("activities", "A-6"))), scheme)
    [threshold] = [t for t in done.thresholds if t.item == "6.4"]
    assert (threshold.name, threshold.status, threshold.measured) == ("居民安全教育每季度次数", "not_met", 0)


# Detail lines cite the evidence they used.
@pytest.mark.parametrize("item, check, ids", [
    ("1.3", "duties", ["D-R7"]),
    ("1.5", "goals-measurable", ["G-1", "G-2", "G-3"]),
    ("2.3", "regular", ["A-5", "A-6", "A-7", "A-8"]),
    ("4.3", "all", ["G-2", "G-3", "P-1", "P-2"]),
    ("5.2", "every", ["P-1", "P-2", "P-3", "P-4"]),
    ("6.4", "quarterly", ["A-4", "A-5", "A-6", "A-7"]),
])
def test_checks_cite_the_evidence_ids_they_used(scheme, item, check, ids):
    result = item_result(scheme, item, **GOOD)
    found = next(c for c in result.checks if c.id == check)
    assert found.evidence == ids
    assert all(i in found.detail for i in ids[:2])


def test_the_reason_of_an_a_cites_the_evidence(scheme):
    assert "P-1→G-2；P-2→G-3" in item_result(scheme, "4.3", **GOOD).reason


@pytest.mark.parametrize("item, change, cited", [
    ("5.2", edit("projects", "P-4", plan=None), "P-1、P-2、P-3；未做到：P-4"),
    ("6.4", drop("activities", "A-6"), "（已见 A-4、A-5、A-7）"),
    ("2.4", participation(450), "P-2 儿童交通安全 45%（450/1000）；其余 P-1 58.33%"),
])
def test_the_reason_of_a_lower_grade_cites_the_evidence(scheme, item, change, cited):
    sections = change if isinstance(change, dict) else variant(change)
    assert cited in item_result(scheme, item, **sections).reason


def test_goals_direction_comes_from_the_text():
    """下降 wants a lower target, 提高 a higher one; without either, only 'different' counts."""
    def share(**goal):
        ev = evidence(goals=[{"id": "G", "text": goal.pop("text"), "metric": "m", **goal}])
        return REGISTRY["goal_share"].func(ev, require=["improving"]).value

    assert share(text="知晓率提高", baseline=60, target=80) == 1
    assert share(text="知晓率提高", baseline=60, target=50) == 0
    assert share(text="跌倒人次下降", baseline=60, target=50) == 1
    assert share(text="保持零死亡", baseline=0, target=0) == 0


def test_no_special_equipment_counts_as_all_registered(scheme):
    sections = variant(setting("agreements.special_equipment", {"total": 0, "registered": 0}))
    assert grade(scheme, "3.3", **sections) == "A"


def test_budget_execution_boundary(scheme):
    assert grade(scheme, "1.6", **variant(setting("budget", [{"year": 2024, "planned": 500000, "spent": 400000}]))) == "A"


@pytest.mark.parametrize("name", ["goals", "goal_share", "budget_planned", "budget_execution", "projects", "participation",
                                  "target_kinds", "domains_covered", "projects_in_goals", "publicity", "coverage",
                                  "feedback_rate", "project_share"])
def test_primitives_do_not_crash_on_an_empty_bundle(name):
    primitive = REGISTRY[name]
    defaults = {"goal_share": {"require": ["metric"]}, "domains_covered": {"sources": ["projects", "activities"]},
                "publicity": {"field": "boards"}, "coverage": {"of": "agreements"}, "feedback_rate": {"of": "handled"},
                "project_share": {"has": ["plan"]}}
    measure = primitive(evidence(), primitive.params.model_validate(defaults.get(name, {})))
    assert measure.value in (None, 0, False)
    assert measure.detail


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(0, 5000)), min_size=1, max_size=4))
def test_participation_grade_follows_the_lowest_key_project(scheme, figures):
    """A when every key project reaches 50%, a veto when any is below 30%, else B; exact fractions."""
    figures = [(population, min(part, population)) for population, part in figures]
    sections = variant(lambda s: s.update(projects=[
        project(f"K-{i}", f"重点项目{i}", ["家居安全"], {}, "m", 1, 0, key=True, target_population=pop, participants=part)
        for i, (pop, part) in enumerate(figures)
    ]))
    result = item_result(scheme, "2.4", **sections)
    lowest = min(Fraction(part, pop) for pop, part in figures)
    expected = "C" if lowest < Fraction(3, 10) else "A" if lowest >= Fraction(1, 2) else "B"
    assert (result.grade, result.vetoed) == (expected, lowest < Fraction(3, 10))
