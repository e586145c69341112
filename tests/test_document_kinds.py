"""Which kinds of document serve which check, read from what the table asks: a training rule is the
training plan made a rule (6.1); a risk assessment's report shows the identification and evaluation
work exists (3.1). Each acceptance has its should-lower side: a ledger of what was done, a board's
rule, another topic's report, a higher level's paper."""

from __future__ import annotations

import pytest

from conftest import check, item_result, text_of
from safecomm import load_scheme

SCHEME = load_scheme()


def doc(id_, kind, title, issued="2024-03-01", **extra):
    return {"id": id_, "kind": kind, "title": title, "issued": issued, **extra}


def passes(item: str, check_id: str, *documents, **sections) -> bool:
    result = item_result(SCHEME, item, documents=list(documents), **sections)
    return check(result, check_id).passed


# -- 6.1: the training plan ------------------------------------------------------------------------

@pytest.mark.parametrize("kind, title", [
    ("制度", "社区居民安全教育培训管理规定"),
    ("制度", "从业人员和居民安全培训制度"),
    ("计划", "2024年安全宣传教育和培训计划"),
])
def test_a_training_rule_or_plan_is_the_training_plan(kind, title):
    assert passes("6.1", "plan", doc("D-1", kind, title))


@pytest.mark.parametrize("kind, title", [
    ("台账", "2024年宣传教育培训台账"),  # what was done, not what is planned
    ("记录", "居民安全培训签到记录"),
    ("制度", "安全宣传栏管理制度"),  # a board's upkeep (6.2), not training
    ("制度", "安全检查制度"),
])
def test_a_ledger_or_a_rule_on_something_else_is_no_training_plan(kind, title):
    result = item_result(SCHEME, "6.1", documents=[doc("D-1", kind, title)])
    assert not check(result, "plan").passed, text_of(result)


# -- 3.1: the hazard-identification arrangement ------------------------------------------------------

@pytest.mark.parametrize("kind, title", [
    ("制度", "危险源辨识与隐患排查治理制度"),
    ("报告", "2024年度街道安全风险评估报告"),
    ("报告", "辖区危险源辨识情况报告"),
])
def test_a_rule_scheme_or_risk_assessment_report_shows_the_identification_work(kind, title):
    assert passes("3.1", "rules", doc("D-1", kind, title))


@pytest.mark.parametrize("kind, title", [
    ("台账", "2024年隐患排查台账"),  # what was found: the hazards' own check
    ("报告", "2023年度事故与伤害监测分析报告"),  # a report on another topic
    ("报告", "上海市城市安全风险白皮书"),  # a higher level's paper
])
def test_a_ledger_another_report_or_a_higher_levels_paper_is_no_arrangement(kind, title):
    result = item_result(SCHEME, "3.1", documents=[doc("D-1", kind, title)])
    assert not check(result, "rules").passed, text_of(result)


# -- 1.4: which rules are the aspects of a sound rule set ---------------------------------------------

MANAGEMENT = [doc(f"D-M{n}", "制度", title) for n, title in enumerate(
    ["安全检查制度", "应急管理制度", "事故报告制度", "安全社区档案管理制度", "居民议事协商制度"], 1)]  # five aspects


def aspects(*more) -> tuple[int, str]:
    result = item_result(SCHEME, "1.4", documents=[*MANAGEMENT, *more])
    return check(result, "rules-cover").measured, result.grade


@pytest.mark.parametrize("title", ["小区燃气安全管理规定", "楼院消防安全公约", "辖区防溺水管理办法", "社区安全生产工作规则"])
def test_a_rule_for_one_of_the_communitys_safety_domains_is_an_aspect(title):
    assert aspects(doc("D-1", "制度", title))[0] == 6


@pytest.mark.parametrize("title", ["街道干部包片联系社区制度", "辖区单位安全生产责任制", "网格员岗位职责规定"])
def test_a_rule_of_duties_is_an_aspect(title):
    assert aspects(doc("D-1", "制度", title))[0] == 6


def test_the_injury_record_rule_is_an_aspect():
    assert aspects(doc("D-1", "制度", "事故与伤害登记管理办法"))[0] == 6


def test_seven_aspects_make_the_rules_sound_and_six_do_not():
    duty, domain = doc("D-1", "制度", "安全生产责任制"), doc("D-2", "制度", "居民防火公约")
    assert aspects(duty, domain) == (7, "A")
    assert aspects(duty) == (6, "B")


def test_rules_for_several_domains_are_one_aspect():
    domains = [doc(f"D-{n}", "制度", t) for n, t in enumerate(["居民防火公约", "燃气安全管理规定", "道路交通安全管理制度",
                                                              "防溺水管理办法", "社区治安防范制度"])]
    assert aspects(*domains) == (6, "B")


@pytest.mark.parametrize("title", ["消防安全检查制度", "燃气安全巡查制度"])
def test_a_domains_inspection_rule_is_the_inspection_aspect_not_also_the_domains(title):
    assert aspects(doc("D-1", "制度", title))[0] == 5  # 检查 is already among the five


@pytest.mark.parametrize("title", ["生活管理员卫生责任制", "环境卫生管理制度", "生活垃圾分类管理制度"])
def test_a_rule_on_hygiene_or_waste_is_no_aspect(title):
    assert aspects(doc("D-1", "制度", title))[0] == 5


# -- words for the same concepts that no list had -------------------------------------------------

def test_a_safety_diagnosis_is_the_risk_identification_and_a_health_diagnosis_is_not():
    assert passes("3.1", "rules", doc("D-1", "报告", "2024年社区安全诊断报告"))
    assert not passes("3.1", "rules", doc("D-1", "报告", "社区卫生诊断报告"))


@pytest.mark.parametrize("title", ["2024年安全知识普及计划", "居民安全科普工作方案"])
def test_popularising_safety_knowledge_is_education(title):
    assert passes("6.1", "plan", doc("D-1", "方案" if "方案" in title else "计划", title))


def test_mass_prevention_is_public_order_a_domain_of_the_community():
    assert aspects(doc("D-1", "制度", "社区群防群治制度"))[0] == 6
