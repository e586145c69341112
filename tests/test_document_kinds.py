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
