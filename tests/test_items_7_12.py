"""Items 7.1–12.3 through the engine: for each item, evidence that earns A and evidence that
earns less, with the thresholds of 8.3, 12.1 and 12.3 tested at their boundaries."""

from __future__ import annotations

import pytest
import yaml

from safecomm.checks import REGISTRY
from safecomm.engine import evaluate_item
from safecomm.loading import load_evidence

from conftest import BASE, evidence, full, grade, item_result


def act(id, kind, date="2024-05-10", **fields):
    return {"id": id, "kind": kind, "date": date, "title": f"{kind}活动 {id}", **fields}


def doc(id, kind, title, issued="2024-03-01", **fields):
    return {"id": id, "kind": kind, "title": title, "issued": issued, **fields}


def check(result, check_id):
    return next(c for c in result.checks if c.id == check_id)


def graded_with_files(scheme, tmp_path, item_id, present, **sections):
    """Grade an item for a bundle written to disk, so attachments are really looked for;
    only the paths in `present` are created."""
    for path in present:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(path.encode())
    bundle = tmp_path / "evidence.yaml"
    bundle.write_text(yaml.safe_dump({**BASE, **sections}, allow_unicode=True), encoding="utf-8")
    indicator, item = scheme.item(item_id)
    return evaluate_item(load_evidence(bundle), indicator.id, item)


# 7 应急预案和响应措施

PLANS = [
    doc("D-1", "预案", "社区综合应急预案", topics=["综合"]),
    doc("D-2", "预案", "火灾事故专项应急预案"),
    doc("D-3", "预案", "防汛应急预案"),
]


def test_7_1_three_plans_with_a_comprehensive_one_is_a(scheme):
    assert grade(scheme, "7.1", documents=PLANS) == "A"
    assert item_result(scheme, "7.1", documents=PLANS).needs_review


def test_7_1_special_plans_without_a_comprehensive_one_is_b(scheme):
    plans = PLANS[1:] + [doc("D-4", "预案", "地震应急预案")]
    result = item_result(scheme, "7.1", documents=plans)
    assert result.grade == "B"
    assert not check(result, "comprehensive").passed


def test_7_1_no_plan_is_c(scheme):
    assert grade(scheme, "7.1", documents=[doc("D-9", "制度", "安全检查制度")]) == "C"


def hazard(id, level="一般", controlled=True):
    return {"id": id, "place": f"地点{id}", "level": level, "controlled": controlled, "found": "2024-02-01"}


def test_7_2_all_hazards_controlled_is_a(scheme):
    assert grade(scheme, "7.2", hazards=[hazard("H-1", "重大"), hazard("H-2")]) == "A"


def test_7_2_an_open_general_hazard_is_b_and_named(scheme):
    result = item_result(scheme, "7.2", hazards=[hazard("H-1", "重大"), hazard("H-2", controlled=False)])
    assert result.grade == "B"
    assert "H-2" in check(result, "all-controlled").detail


def test_7_2_an_open_major_hazard_is_c(scheme):
    result = item_result(scheme, "7.2", hazards=[hazard("H-1", "重大", controlled=False), hazard("H-2")])
    assert result.grade == "C"
    assert "H-1" in check(result, "major-controlled").detail


def test_7_2_no_hazard_records_is_c(scheme):
    assert grade(scheme, "7.2") == "C"


TEAM = {"teams": [{"id": "T-1", "name": "应急救援队", "members": 30}]}
KIT = {"id": "E-1", "name": "灭火器", "quantity": 200, "checked": "2024-06-01", "ok": True}
TEAM_DRILLS = [act("A-1", "演练", audience="应急队伍"), act("A-2", "培训", "2024-10-01", audience="应急队伍")]


def test_7_3_team_kit_checked_and_trained_is_a(scheme):
    assert grade(scheme, "7.3", emergency={**TEAM, "equipment": [KIT]}, activities=TEAM_DRILLS) == "A"


def test_7_3_kit_not_checked_in_period_is_b(scheme):
    stale = {**KIT, "checked": "2023-12-31"}
    result = item_result(scheme, "7.3", emergency={**TEAM, "equipment": [stale]}, activities=TEAM_DRILLS)
    assert result.grade == "B"
    assert "评估期内未检查：E-1" in check(result, "ready").detail


def test_7_3_broken_kit_is_b(scheme):
    broken = {**KIT, "ok": False}
    assert grade(scheme, "7.3", emergency={**TEAM, "equipment": [broken]}, activities=TEAM_DRILLS) == "B"


def test_7_3_no_team_is_c(scheme):
    assert grade(scheme, "7.3", emergency={"equipment": [KIT]}, activities=TEAM_DRILLS) == "C"


def test_7_4_two_drills_of_different_content_and_training_is_a(scheme):
    activities = [
        act("A-1", "演练", domains=["消防安全"]),
        act("A-2", "演练", "2024-09-01", domains=["防灾减灾和环境安全"]),
        act("A-3", "培训", domains=["消防安全"]),
    ]
    assert grade(scheme, "7.4", activities=activities) == "A"


def test_7_4_one_drill_is_b(scheme):
    result = item_result(scheme, "7.4", activities=[act("A-1", "演练", domains=["消防安全"]), act("A-3", "培训")])
    assert result.grade == "B"
    assert any("还差 1" in a for a in result.advice)


def test_7_4_drill_outside_the_period_does_not_count(scheme):
    assert grade(scheme, "7.4", activities=[act("A-1", "演练", "2023-12-31")]) == "C"


# 8 监测与监督

YEARS = [{"year": 2022, "total": 150}, {"year": 2023, "total": 131}, {"year": 2024, "total": 118}]
MONITORING_REPORT = doc("D-1", "报告", "2024年事故与伤害监测分析报告")


def test_8_1_three_years_and_a_report_is_a(scheme):
    assert grade(scheme, "8.1", injuries={"years": YEARS}, documents=[MONITORING_REPORT]) == "A"


def test_8_1_two_years_is_b(scheme):
    result = item_result(scheme, "8.1", injuries={"years": YEARS[1:]}, documents=[MONITORING_REPORT])
    assert result.grade == "B"
    assert "2023年 131 → 2024年 118" in check(result, "three-years").detail


def test_8_1_years_after_the_period_do_not_count(scheme):
    later = [{"year": 2024, "total": 118}, {"year": 2025, "total": 100}]
    assert grade(scheme, "8.1", injuries={"years": later}, documents=[MONITORING_REPORT]) == "C"


INSPECTION_RULES = [doc("D-1", "制度", "安全检查制度", "2023-06-01"), doc("D-2", "计划", "2024年安全检查计划")]


def test_8_2_rules_plan_special_and_routine_inspections_is_a(scheme):
    activities = [act("A-1", "检查", scope="专项"), act("A-2", "检查", scope="日常")]
    assert grade(scheme, "8.2", documents=INSPECTION_RULES, activities=activities) == "A"


def test_8_2_plan_of_an_earlier_year_is_b(scheme):
    old_plan = [INSPECTION_RULES[0], doc("D-2", "计划", "2023年安全检查计划", "2023-01-05")]
    activities = [act("A-1", "检查", scope="专项"), act("A-2", "检查", scope="日常")]
    assert grade(scheme, "8.2", documents=old_plan, activities=activities) == "B"


def test_8_2_no_rules_is_c(scheme):
    assert grade(scheme, "8.2", documents=INSPECTION_RULES[1:]) == "C"


def comprehensive(n, last="2024-12-31"):
    dates = ["2024-03-01", "2024-06-01", "2024-09-01", last]
    return [act(f"A-{i + 1}", "检查", dates[i], scope="综合") for i in range(n)]


def test_8_3_four_comprehensive_inspections_is_a(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(4))
    assert result.grade == "A"
    assert result.needs_review


def test_8_3_three_comprehensive_inspections_is_b_with_the_gap(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(3))
    assert result.grade == "B"
    assert any("现有 3，还差 1" in a for a in result.advice)


def test_8_3_a_fourth_inspection_just_after_the_period_does_not_count(scheme):
    result = item_result(scheme, "8.3", activities=comprehensive(4, last="2025-01-01"))
    assert result.grade == "B"
    assert "A-4" not in check(result, "four").evidence


def test_8_3_special_inspections_are_not_comprehensive(scheme):
    activities = [act(f"A-{i}", "检查", scope="专项") for i in range(4)]
    assert grade(scheme, "8.3", activities=activities) == "C"


def test_8_3_threshold_is_reported(scheme):
    result = full(scheme, activities=comprehensive(3))
    threshold = next(t for t in result.thresholds if t.item == "8.3")
    assert (threshold.name, threshold.measured, threshold.status) == ("综合性安全检查次数", 3, "not_met")


def test_8_4_rules_and_public_places_inspected_is_a(scheme):
    documents = [doc("D-1", "制度", "公共设施安全管理制度")]
    activities = [act("A-1", "检查", domains=["公共场所安全"])]
    assert grade(scheme, "8.4", documents=documents, activities=activities) == "A"


def test_8_4_rules_without_inspection_is_b_and_c_without_rules(scheme):
    assert grade(scheme, "8.4", documents=[doc("D-1", "制度", "公共设施安全管理制度")]) == "B"
    assert grade(scheme, "8.4", activities=[act("A-1", "检查", domains=["公共场所安全"])]) == "C"


def test_8_5_inspections_of_four_domains_incl_workplaces_is_a(scheme):
    activities = [
        act("A-1", "检查", domains=["消防安全", "工作场所安全"]),
        act("A-2", "检查", domains=["公共场所安全", "家居安全"]),
    ]
    assert grade(scheme, "8.5", activities=activities) == "A"


def test_8_5_no_workplace_inspection_is_b(scheme):
    activities = [act("A-1", "检查", domains=["消防安全", "公共场所安全", "家居安全", "交通安全"])]
    result = item_result(scheme, "8.5", activities=activities)
    assert result.grade == "B"
    assert not check(result, "workplaces").passed


def test_8_5_no_inspection_is_c(scheme):
    assert grade(scheme, "8.5", activities=[act("A-1", "教育")]) == "C"


REPORT_RULES = [doc("D-1", "制度", "事故与伤害信息报告制度", topics=["事故报告"])]
AUTHORITIES = ["区应急管理局", "公安交警大队", "消防救援大队", "辖区派出所"]


def test_8_6_rules_and_four_authorities_is_a(scheme):
    assert grade(scheme, "8.6", documents=REPORT_RULES, injuries={"reports_to": AUTHORITIES}) == "A"


def test_8_6_missing_an_authority_is_b_and_named(scheme):
    result = item_result(scheme, "8.6", documents=REPORT_RULES, injuries={"reports_to": AUTHORITIES[1:]})
    assert result.grade == "B"
    assert "未见报告去向：生产安全" in check(result, "four").detail


@pytest.mark.parametrize("traffic_police", ["公安交警大队", "县公安局交警大队"])
def test_8_6_a_department_counts_for_one_aspect_only(scheme, traffic_police):
    result = item_result(scheme, "8.6", documents=REPORT_RULES, injuries={"reports_to": [traffic_police]})
    assert "覆盖 1/4 个方面" in check(result, "four").detail
    both = item_result(scheme, "8.6", documents=REPORT_RULES, injuries={"reports_to": [traffic_police, "县公安局"]})
    assert "覆盖 2/4 个方面" in check(both, "four").detail


def test_8_6_no_reporting_rules_is_c(scheme):
    assert grade(scheme, "8.6", injuries={"reports_to": AUTHORITIES}) == "C"


BULLETIN = doc("D-1", "通知", "关于2024年上半年事故与伤害情况的通报")


def test_8_7_bulletin_in_period_and_feedback_is_a(scheme):
    feedback = {"received": 12, "handled": 12, "satisfied": 10}
    assert grade(scheme, "8.7", documents=[BULLETIN], feedback=feedback) == "A"


def test_8_7_old_bulletin_and_no_feedback_is_b(scheme):
    old = {**BULLETIN, "issued": "2023-07-01"}
    result = item_result(scheme, "8.7", documents=[old])
    assert result.grade == "B"
    assert "未登记群众意见" in check(result, "supervised").detail


def test_8_7_nothing_published_is_c(scheme):
    assert grade(scheme, "8.7", feedback={"received": 3, "handled": 3, "satisfied": 3}) == "C"


# 9 事故与伤害记录

RECORD_RULES = doc("D-1", "制度", "事故与伤害记录管理制度", topics=["生产", "交通", "消防", "社会治安", "家居"])


def test_9_1_rules_covering_five_areas_is_a(scheme):
    assert grade(scheme, "9.1", documents=[RECORD_RULES]) == "A"


def test_9_1_rules_missing_home_is_b(scheme):
    partial = {**RECORD_RULES, "topics": ["生产", "交通", "消防", "社会治安"]}
    result = item_result(scheme, "9.1", documents=[partial])
    assert result.grade == "B"
    assert "缺少：家居" in check(result, "areas").detail


def test_9_1_no_rules_is_c(scheme):
    assert grade(scheme, "9.1", documents=[doc("D-2", "记录", "交通事故记录")]) == "C"


LEDGER = doc("D-1", "台账", "事故与伤害记录台账", file="files/ledger.pdf")


def test_9_2_every_record_has_its_file_is_a(scheme, tmp_path):
    result = graded_with_files(scheme, tmp_path, "9.2", ["files/ledger.pdf"], documents=[LEDGER])
    assert result.grade == "A"
    assert result.needs_review


def test_9_2_missing_file_is_b(scheme, tmp_path):
    result = graded_with_files(scheme, tmp_path, "9.2", [], documents=[LEDGER])
    assert result.grade == "B"
    assert "缺附件：D-1" in check(result, "witnessed").detail


def test_9_2_no_records_is_c(scheme):
    assert grade(scheme, "9.2") == "C"


# 10 安全社区创建档案

ARCHIVE_RULES = doc("D-1", "制度", "安全社区建设档案管理制度", file="files/d1.pdf")


def filed_activities(n_with, n_without):
    made = [act(f"A-{i}", "教育", files=[f"files/a{i}.jpg"]) for i in range(n_with)]
    return made + [act(f"A-{n_with + i}", "教育") for i in range(n_without)]


def test_10_1_rules_and_eight_in_ten_activities_filed_is_a(scheme, tmp_path):
    present = ["files/d1.pdf"] + [f"files/a{i}.jpg" for i in range(4)]
    result = graded_with_files(scheme, tmp_path, "10.1", present, documents=[ARCHIVE_RULES], activities=filed_activities(4, 1))
    assert result.grade == "A"


def test_10_1_less_than_eight_in_ten_filed_is_b(scheme, tmp_path):
    present = ["files/d1.pdf"] + [f"files/a{i}.jpg" for i in range(3)]
    result = graded_with_files(scheme, tmp_path, "10.1", present, documents=[ARCHIVE_RULES], activities=filed_activities(3, 1))
    assert result.grade == "B"
    assert "3/4" in check(result, "activities-filed").detail


def test_10_1_a_cited_file_that_is_missing_does_not_count(scheme, tmp_path):
    present = ["files/d1.pdf"] + [f"files/a{i}.jpg" for i in range(3)]  # a3.jpg is cited, not there
    result = graded_with_files(scheme, tmp_path, "10.1", present, documents=[ARCHIVE_RULES], activities=filed_activities(4, 0))
    assert result.grade == "B"
    assert "A-3" in check(result, "activities-filed").detail


def test_10_1_no_archive_rules_is_c(scheme):
    assert grade(scheme, "10.1", activities=filed_activities(1, 0)) == "C"


def archives(*aspects):
    return [doc(f"D-{i}", "档案", f"{aspect}档案", topics=[aspect]) for i, aspect in enumerate(aspects)]


def test_10_2_four_aspects_is_a(scheme):
    assert grade(scheme, "10.2", documents=archives("创建过程", "安全管理", "安全促进", "风险控制")) == "A"


def test_10_2_two_aspects_is_b_one_is_c(scheme):
    assert grade(scheme, "10.2", documents=archives("创建过程", "安全管理")) == "B"
    assert grade(scheme, "10.2", documents=archives("创建过程")) == "C"


# 11 预防与纠正措施

FOUND = [act("A-1", "检查", scope="综合", findings=2)]


def fix(id, kind="整改", activity=None, fixed="2024-05-20", verified="2024-05-25"):
    return {"id": id, "kind": kind, "issue": f"问题{id}", "activity": activity, "fixed": fixed, "verified": verified}


def test_11_1_every_finding_rectified_and_verified_is_a(scheme):
    assert grade(scheme, "11.1", activities=FOUND, rectifications=[fix("R-1", activity="A-1"), fix("R-2", activity="A-1")]) == "A"


def test_11_1_a_finding_without_rectification_is_b(scheme):
    result = item_result(scheme, "11.1", activities=FOUND, rectifications=[fix("R-1", activity="A-1")])
    assert result.grade == "B"
    assert "A-1 发现 2 处、整改 1 条" in check(result, "covered").detail


def test_11_1_unverified_rectification_is_b(scheme):
    rects = [fix("R-1", activity="A-1"), fix("R-2", activity="A-1", verified=None)]
    result = item_result(scheme, "11.1", activities=FOUND, rectifications=rects)
    assert result.grade == "B"
    assert "未验证" in check(result, "verified").detail and "R-2" in check(result, "verified").detail


def test_11_1_no_rectification_is_c(scheme):
    assert grade(scheme, "11.1", activities=FOUND) == "C"


CAUSES = doc("D-1", "报告", "2024年事故与伤害原因分析报告")


def test_11_2_analysis_and_verified_corrections_is_a(scheme):
    assert grade(scheme, "11.2", documents=[CAUSES], rectifications=[fix("R-1", "纠正")]) == "A"


def test_11_2_verification_before_the_fix_is_not_verification(scheme):
    early = fix("R-1", "纠正", fixed="2024-06-01", verified="2024-05-01")
    assert grade(scheme, "11.2", documents=[CAUSES], rectifications=[early]) == "B"


def test_11_2_no_corrective_action_is_c(scheme):
    assert grade(scheme, "11.2", documents=[CAUSES], rectifications=[fix("R-1", "整改")]) == "C"


def test_11_3_two_verified_preventive_actions_is_a(scheme):
    assert grade(scheme, "11.3", rectifications=[fix("R-1", "预防"), fix("R-2", "预防")]) == "A"


def test_11_3_one_is_b_none_is_c(scheme):
    assert grade(scheme, "11.3", rectifications=[fix("R-1", "预防")]) == "B"
    assert grade(scheme, "11.3", rectifications=[fix("R-1", "纠正")]) == "C"


# 12 评审与持续改进

REVIEW_REPORT = doc("D-1", "报告", "2024年度安全社区绩效评审报告", "2025-01-10")


def test_12_1_review_on_the_last_day_of_the_period_is_a(scheme):
    result = item_result(scheme, "12.1", activities=[act("A-1", "评审", "2024-12-31")], documents=[REVIEW_REPORT])
    assert result.grade == "A"
    assert check(result, "yearly").evidence == ["A-1"]


def test_12_1_review_one_day_before_the_period_is_b(scheme):
    result = item_result(scheme, "12.1", activities=[act("A-1", "评审", "2023-12-31")], documents=[REVIEW_REPORT])
    assert result.grade == "B"
    assert "未见评估期内评审活动" in check(result, "yearly").detail


def test_12_1_no_review_is_c_and_threshold_has_no_review(scheme):
    assert grade(scheme, "12.1", documents=[REVIEW_REPORT]) == "C"
    threshold = next(t for t in full(scheme).thresholds if t.item == "12.1")
    assert (threshold.name, threshold.measured, threshold.status) == ("整体评审次数", 0, "not_met")


IMPROVEMENT_PLAN = doc("D-1", "计划", "2024年安全社区持续改进计划", "2024-02-01")
NEXT_GOAL = {"id": "G-1", "horizon": "长期", "text": "伤害发生率三年下降15%", "due": "2026-12-31"}


def test_12_2_current_plan_and_goal_beyond_the_period_is_a(scheme):
    assert grade(scheme, "12.2", documents=[IMPROVEMENT_PLAN], goals=[NEXT_GOAL]) == "A"


def test_12_2_goals_ending_with_the_period_is_b(scheme):
    this_year = {**NEXT_GOAL, "due": "2024-12-31"}
    result = item_result(scheme, "12.2", documents=[IMPROVEMENT_PLAN], goals=[this_year])
    assert result.grade == "B"
    assert "2024-12-31 之后到期" in check(result, "ahead").detail


def test_12_2_no_improvement_plan_is_c(scheme):
    assert grade(scheme, "12.2", goals=[NEXT_GOAL]) == "C"


def survey(positive, respondents=1000, date="2024-11-20", id="S-1"):
    return {"id": id, "kind": "满意度", "date": date, "respondents": respondents, "positive": positive}


@pytest.mark.parametrize(
    ("positive", "grade_", "vetoed", "shown"),
    [(801, "A", False, "80.1%"), (800, "B", False, "80%"), (600, "B", False, "60%"), (599, "C", True, "59.9%")],
)
def test_12_3_satisfaction_boundaries(scheme, positive, grade_, vetoed, shown):
    result = item_result(scheme, "12.3", surveys=[survey(positive)])
    assert (result.grade, result.vetoed) == (grade_, vetoed)
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


def test_12_3_other_surveys_and_no_survey_are_c(scheme):
    aware = {**survey(900), "kind": "知晓率"}
    assert grade(scheme, "12.3", surveys=[aware]) == "C"
    assert grade(scheme, "12.3") == "C"


# The primitives on their own: absent evidence is "not shown", never a crash.

MINE = {
    "hazards": {}, "hazards_controlled": {}, "hazard_variety": {"field": "method"}, "injury_sources": {},
    "injury_years": {}, "injury_trend": {}, "injury_causes": {}, "injury_reports": {"authorities": {"消防安全": ["消防"]}},
    "emergency_teams": {}, "emergency_equipment": {}, "equipment_ready": {}, "rectifications": {},
    "rectifications_verified": {}, "findings_rectified": {}, "surveys": {}, "survey_rate": {"kind": ["满意度"]},
    "public_feedback": {}, "activities_with_files": {}, "goals_beyond_period": {},
}


@pytest.mark.parametrize("name", sorted(MINE))
def test_primitive_on_empty_evidence_measures_nothing(name):
    primitive = REGISTRY[name]
    measure = primitive(evidence(), primitive.params.model_validate(MINE[name]))
    assert measure.value in (None, 0, False)
    assert measure.detail


def trend(*totals, start=2021):
    years = [{"year": start + i, "total": t} for i, t in enumerate(totals) if t is not None]
    primitive = REGISTRY["injury_trend"]
    return primitive(evidence(injuries={"years": years}), primitive.params())


def test_injury_trend_counts_consecutive_falls_up_to_the_latest_year():
    assert trend(160, 150, 131, 118).value == 3
    assert trend(120, 150, 131, 118).value == 2
    rise = trend(150, 131, 140)
    assert rise.value == 0 and "2023年未比上一年下降" in rise.detail


def test_injury_trend_stops_at_a_missing_year_and_says_so():
    gap = trend(150, None, 131, 118)
    assert gap.value == 1 and "缺 2022 年数据" in gap.detail
    assert trend(118).value is None
