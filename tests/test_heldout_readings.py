"""Readings added for the misses a held-out set of real records showed (tests/data/heldout-wording.yaml),
each held on both sides of its line: the real wording now counts, and the near thing beside it
still does not. The wordings are the held-out records' own (streets' news items, work summaries)."""

from __future__ import annotations

import pytest

from conftest import act, check, doc, evidence, item_result, measure, text_of

DAYS = ("2024-03-10", "2024-06-10", "2024-09-10", "2024-12-10")


def inspections(title: str, **fields) -> list[dict]:
    return [act(f"A-{i}", "检查", day, title=title, **fields) for i, day in enumerate(DAYS, 1)]


# -- 8.3: what an inspection checks is said just before the inspection word ------------------------

def test_a_fire_check_of_enterprises_and_sites_is_a_fire_check_wherever_it_was(scheme):
    """青龙桥街道: the office's name (平安建设) and the places (企业、工地) do not widen a 消防安全检查."""
    title = "青龙桥街道平安建设办公室对辖区重点企业及施工工地开展消防安全检查"
    m = measure(scheme, "comprehensive_inspections", evidence(activities=inspections(title)), min_domains=3, broad=["工作场所安全"])
    assert m.value == 0 and "只涉及消防安全" in m.detail, m.detail
    written = inspections(title, domains=["工作场所安全", "消防安全", "社会治安"])  # what the clerk says it covered decides
    assert measure(scheme, "comprehensive_inspections", evidence(activities=written), min_domains=3).value == 4


def test_a_title_that_calls_itself_special_is_not_widened_by_what_it_found(scheme):
    """牛心台街道: 燃气安全、消防安全专项行动 found a hazard elsewhere; it is still a special action."""
    hazard = {"place": "工厂仓库安全出口锁闭", "category": "安全生产", "found": "2024-03-10", "level": "一般", "controlled": "已控制"}
    hazards = [dict(hazard, id=f"H-{i}", activity=f"A-{i}", found=day) for i, day in enumerate(DAYS, 1)]
    special = evidence(activities=inspections("牛心台街道办事处开展燃气安全、消防安全专项行动"), hazards=hazards)
    assert measure(scheme, "comprehensive_inspections", special, min_domains=3).value == 0
    # the same two domains, not called special: what it found may make it comprehensive, as before
    plain = evidence(activities=inspections("开展燃气安全、消防安全检查"), hazards=hazards)
    assert measure(scheme, "comprehensive_inspections", plain, min_domains=3).value == 4


@pytest.mark.parametrize("title", ["科苑街道各行业领域安全生产大检查行动", "节前安全生产大检查暨专项整治行动",
                                   "北院门街道组织各社区针对人员密集场所、建筑工地、危险化学品集散地全面开展安全生产和消防安全检查整治"])
def test_a_check_of_safety_production_and_more_stays_comprehensive(scheme, title):
    m = measure(scheme, "comprehensive_inspections", evidence(activities=inspections(title)), min_domains=3, broad=["工作场所安全"])
    assert m.value == 4, m.detail


# -- 1.4: the residents' own safety pact --------------------------------------------------------------

SIX_ASPECTS = [doc(f"D-{i}", "制度", t) for i, t in enumerate(
    ["安全生产责任制度", "安全检查制度", "隐患排查治理制度", "突发事件应急管理制度", "伤害监测制度", "安全社区档案管理制度"], 1)]


def test_a_residents_safety_pact_is_the_communitys_own_rule(scheme):
    result = item_result(scheme, "1.4", documents=[*SIX_ASPECTS, doc("D-7", "制度", "社区居民安全公约")])
    assert check(result, "rules-cover").passed, text_of(result)


def test_a_residents_civility_pact_is_no_safety_rule(scheme):
    result = item_result(scheme, "1.4", documents=[*SIX_ASPECTS, doc("D-7", "制度", "《社区居民文明公约》")])
    assert not check(result, "rules-cover").passed and result.grade != "A", text_of(result)


# -- 2.2: a rule that answers the residents is the mechanism -------------------------------------------

def test_an_information_exchange_and_feedback_rule_is_the_mechanisms_rule(scheme):
    result = item_result(scheme, "2.2", documents=[doc("D-1", "制度", "信息交流与反馈制度")])
    assert check(result, "rules").passed, text_of(result)


@pytest.mark.parametrize("title", ["隐患整改反馈制度", "安全生产信息报送制度"])
def test_feedback_on_hazards_or_reporting_up_is_not_the_residents_mechanism(scheme, title):
    result = item_result(scheme, "2.2", documents=[doc("D-1", "制度", title)])
    assert not check(result, "rules").passed, text_of(result)


# -- 8.4: a public facility renovated is kept in order ----------------------------------------------------

def test_resurfacing_a_road_keeps_a_public_facility_in_order(scheme):
    result = item_result(scheme, "8.4", activities=[act("A-1", "会议", title="聚宝街路面改造、义全后街等“背街小巷”设施改造")])
    assert check(result, "inspected").passed, text_of(result)


def test_renovating_a_homes_gas_pipes_is_no_public_facility(scheme):
    result = item_result(scheme, "8.4", activities=[act("A-1", "会议", title="居民家中燃气管道改造")])
    assert not check(result, "inspected").passed, text_of(result)


# -- 7.1: a flood plan is a special plan, however the flood is named -----------------------------------------

def test_a_flood_rescue_plan_is_not_the_overall_plan(scheme):
    result = item_result(scheme, "7.1", documents=[doc("D-1", "预案", "石鼓社区防洪抢险救灾应急预案")])
    assert not check(result, "comprehensive").passed and check(result, "levels").measured == 1, text_of(result)


def test_a_plan_for_public_emergencies_is_the_overall_plan(scheme):
    result = item_result(scheme, "7.1", documents=[doc("D-1", "预案", "《万里街道应对突发公共事件总体应急预案》")])
    assert check(result, "comprehensive").passed, text_of(result)


# -- 5.1: a sports meet is an event, not the domain of safety in sport ------------------------------------------

def project(pid: str, name: str) -> dict:
    return {"id": pid, "name": name, "start": "2024-01-01", "end": "2024-12-31"}


def test_a_sports_meet_names_no_safety_domain(scheme):
    ev = evidence(projects=[project("P-1", "迎奥运残疾人运动会")])
    assert measure(scheme, "domains_covered", ev, sources=["projects"]).value == 0


def test_safety_in_sport_is_still_its_domain(scheme):
    ev = evidence(projects=[project("P-1", "老年人健身运动安全指导")])
    assert measure(scheme, "domains_covered", ev, sources=["projects"]).value >= 2  # 体育运动安全 and 老年人安全


# -- refused on the merits: what the thinned slot needed, these records do not give ----------------------

@pytest.mark.parametrize("name", ["消防宣传服务站计划", "“我来教您防跌倒”公益项目", "旺泉街道梅兰家园社区安全体验室",
                                  "张庙街道9大类37个安全促进子项目(重点干预社区内老年人的跌倒伤害)"])
def test_a_project_that_names_no_high_risk_group_is_aimed_at_none(scheme, name):
    """5.1 asks for all three kinds of target. These real projects aim at the elderly, at everyone, or at no
    one named: none at a high-risk group, so none can be the only project that reaches one."""
    m = measure(scheme, "target_kinds", evidence(projects=[project("P-1", name)]))
    assert "高危人群（" not in m.detail and m.value <= 1, m.detail


@pytest.mark.parametrize("title, domains", [
    ("对辖区内危险化学物品、建筑施工场地、危崖、堡坎、危房等进行重点检查", ["工作场所安全", "防灾减灾和环境安全"]),
    ("小山街道双桥里社区安全员和燃气检查员开展天然气安全巡察活动,发放燃气安全告知书", ["家居安全"]),
])
def test_an_inspection_covers_the_domains_its_title_names_and_no_more(scheme, title, domains):
    """8.5 counts the domains the inspections covered. These real checks name workplaces and disasters, or
    household gas: neither is fire safety or a public place, what a street's comprehensive check brings."""
    ev = evidence(activities=[act("A-1", "检查", title=title)])
    m = measure(scheme, "activity_variety", ev, field="domains", kind=["检查"])
    assert m.value == len(domains) and all(d in m.detail for d in domains), m.detail


# -- 3.1: the community's safety diagnosis identifies its hazards ------------------------------------------------

def test_a_survey_of_the_communitys_safety_is_hazard_identification(scheme):
    """龙岗街道安全社区调研报告: 10 communities and 460 units visited, the problems found listed."""
    result = item_result(scheme, "3.1", documents=[doc("D-1", "报告", "龙岗街道安全社区调研报告")])
    assert check(result, "rules").passed, text_of(result)


@pytest.mark.parametrize("title", ["群众安全感调研报告", "五星街道消防安全宣传进社区活动调研报告", "社区卫生诊断报告"])
def test_a_survey_of_feelings_campaigns_or_health_is_no_hazard_identification(scheme, title):
    result = item_result(scheme, "3.1", documents=[doc("D-1", "报告", title)])
    assert not check(result, "rules").passed, text_of(result)


# -- 1.3: 党政同责 is a rule of who answers for safety ------------------------------------------------

def test_a_rule_that_party_and_government_answer_alike_states_duties(scheme):
    """The common pairing 党政同责、一岗双责: either half alone says whose duty safety is."""
    result = item_result(scheme, "1.3", documents=[doc("D-1", "制度", "安全生产“党政同责”制度")])
    assert check(result, "duties").passed and result.grade == "A", text_of(result)


def test_the_party_and_government_offices_own_rules_state_no_safety_duties(scheme):
    result = item_result(scheme, "1.3", documents=[doc("D-1", "制度", "党政办公室工作制度")])
    assert not check(result, "duties").passed and result.grade == "B", text_of(result)
