"""Readings added for the misses a second held-out set of real records showed
(tests/data/heldout2-wording.yaml), each held on both sides of its line: the real wording now counts,
and the near thing beside it still does not. The wordings are the held-out records' own."""

from __future__ import annotations

import pytest

from conftest import act, check, doc, evidence, item_result, measure, text_of


# -- 8.4: a public facility replaced is kept in order -------------------------------------------------------

def test_replacing_a_river_guard_rail_keeps_a_public_facility_in_order(scheme):
    """南夏墅街道居家安全项目组: 替换河道护栏, said as often as 更换."""
    result = item_result(scheme, "8.4", activities=[act("A-1", "会议", title="替换河道护栏")])
    assert check(result, "inspected").passed, text_of(result)


def test_replacing_a_homes_gas_hose_is_no_public_facility(scheme):
    result = item_result(scheme, "8.4", activities=[act("A-1", "会议", title="替换居民家中燃气软管")])
    assert not check(result, "inspected").passed, text_of(result)


# -- 9.1: a rule for counting accidents is a rule for recording them -------------------------------------------

def test_a_rule_for_accident_statistics_and_reports_is_a_record_rule(scheme):
    """社区安全生产事故统计和报告制度: a named person registers and reports every accident."""
    result = item_result(scheme, "9.1", documents=[doc("D-1", "制度", "社区安全生产事故统计和报告制度")])
    assert check(result, "rules").passed, text_of(result)


@pytest.mark.parametrize("title", ["安全生产统计报表制度", "社区人口统计制度"])
def test_statistics_of_anything_but_accidents_is_no_record_rule(scheme, title):
    result = item_result(scheme, "9.1", documents=[doc("D-1", "制度", title)])
    assert not check(result, "rules").passed and result.grade != "A", text_of(result)


# -- 5.1: a project named only by whom it serves is no safety project ------------------------------------------

def project(pid: str, name: str) -> dict:
    return {"id": pid, "name": name, "start": "2024-01-01", "end": "2024-12-31"}


def test_a_free_health_check_for_the_elderly_is_no_safety_project(scheme):
    """李端镇's 65岁以上老年人免费体检 sits beside its safety projects; it names the elderly, not their safety."""
    ev = evidence(projects=[project("P-1", "65岁以上老年人免费体检")])
    assert measure(scheme, "domains_covered", ev, sources=["projects"]).value == 0
    assert measure(scheme, "target_kinds", ev).value == 0


@pytest.mark.parametrize("name, domains", [("凤岭社区残疾人安全试点", 0), ("老年人防跌倒", 1), ("农村道路安保设施设置", 1),
                                           ("儿童防溺水", 2), ("“安全课堂”(务工人员适龄子女)", 1)])
def test_a_project_that_names_a_group_and_its_safety_keeps_its_reading(scheme, name, domains):
    """The group is read when the name also says safety (安全) or a hazard of its own (跌倒, 溺水, 道路)."""
    ev = evidence(projects=[project("P-1", name)])
    assert measure(scheme, "domains_covered", ev, sources=["projects"]).value >= domains
    if name != "农村道路安保设施设置":  # names no group
        assert measure(scheme, "target_kinds", ev).value >= 1


def test_a_written_domain_is_taken_whatever_the_name(scheme):
    ev = evidence(projects=[dict(project("P-1", "65岁以上老年人免费体检"), domains=["老年人安全"])])
    assert measure(scheme, "domains_covered", ev, sources=["projects"]).value == 1
