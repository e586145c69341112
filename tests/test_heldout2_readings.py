"""Readings added for the misses a second held-out set of real records showed
(tests/data/heldout2-wording.yaml), each held on both sides of its line: the real wording now counts,
and the near thing beside it still does not. The wordings are the held-out records' own."""

from __future__ import annotations

import pytest

from conftest import act, check, doc, item_result, text_of


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
