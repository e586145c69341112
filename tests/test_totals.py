"""Totals, the way offices record a year: a row with `count` 48 is 48 events for every rule that
counts events, a dated range counts in each quarter it spans and no other, and a row of
rectifications counts its `count` and `verified_count`."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta

import pytest
import yaml

from safecomm import assess, load_evidence
from safecomm.checks import REGISTRY
from tests.conftest import act, check, evidence, item_result, measure

PERIOD = {"start": "2024-01-01", "end": "2024-12-31"}

# One of each kind of activity a counting rule reads: education for residents (6.4 per quarter),
# exchanges (2.1), volunteers' activities (2.3), comprehensive inspections (8.3), drills (7.4), the
# team's training (7.3), reviews (12.1), each with its file (10.1).
BASE = {
    "format": "safecomm/evidence@1",
    "community": {"name": "测试街道办事处", "period": PERIOD, "households": 17000},
    "organizations": [{"id": "V1", "kind": "志愿者组织", "name": "平安志愿者服务队", "size": 40}],
    "activities": [
        act("A-1", "教育", "2024-02-10", title="消防知识讲座", audience="居民", files=["att/a.jpg"]),
        act("A-2", "交流", "2024-04-18", title="安全社区经验交流", files=["att/a.jpg"]),
        act("A-3", "宣传", "2024-05-20", title="防诈骗宣传", organizer="V1", files=["att/a.jpg"]),
        act("A-4", "检查", "2024-06-03", title="综合安全检查", scope="综合", findings=2, files=["att/a.jpg"]),
        act("A-5", "演练", "2024-07-09", title="消防疏散演练", domains=["消防安全"], files=["att/a.jpg"]),
        act("A-6", "培训", "2024-08-12", title="应急队伍救护培训", audience="应急队伍", files=["att/a.jpg"]),
        act("A-7", "评审", "2024-11-20", title="安全社区绩效评审", files=["att/a.jpg"]),
        act("A-8", "教育", "2024-09-02", title="老年人防跌倒讲座", audience="老年人"),  # no file: 10.1 is a ratio
    ],
    "rectifications": [{"id": "R-1", "activity": "A-4", "issue": "楼道堆物", "found": "2024-06-03",
                        "fixed": "2024-06-10", "verified": "2024-06-15"}],
}

# The primitives that count events: every one is read below through the items that use it.
COUNTING = {"activities", "fewest_per_quarter", "activities_with_files", "reviews", "findings_rectified",
            "measures", "measures_verified", "comprehensive_inspections"}


def outcome(tmp_path, data) -> dict:
    """Every item's grade and every check's status and value, for a bundle written to disk with its file."""
    (tmp_path / "att").mkdir(exist_ok=True)
    (tmp_path / "att" / "a.jpg").write_bytes(b"\xff\xd8 photo")
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(data)), allow_unicode=True), encoding="utf-8")  # no aliases
    result = assess(load_evidence(path), _scheme())
    return {(i.id, c.id): (i.grade, c.status, c.measured) for i in result.items for c in i.checks}


def _scheme():
    from safecomm import load_scheme
    return load_scheme()


def expanded(data, row_id, dates):
    """The row replaced by one single-event row per date (files and all, ids A-n-1…)."""
    data = copy.deepcopy(data)
    rows = data["activities"]
    at = next(i for i, a in enumerate(rows) if a["id"] == row_id)
    row = rows.pop(at)
    rows[at:at] = [{**row, "id": f"{row_id}-{n}", "date": d.isoformat()} for n, d in enumerate(dates, 1)]
    for later in rows[at + 1:at + len(dates)]:  # a row's findings are the row's: the first of the many carries them
        later.pop("findings", None)
    for r in data.get("rectifications", []):
        if r.get("activity") == row_id:
            r["activity"] = f"{row_id}-1"
    return data


def condensed(data, row_id, first, last, count):
    data = copy.deepcopy(data)
    row = next(a for a in data["activities"] if a["id"] == row_id)
    row.update(date=first.isoformat(), count=count, **({"end": last.isoformat()} if last != first else {}))
    return data


def twelve_a_quarter() -> list[date]:
    """48 days, 12 in each quarter of 2024."""
    return [date(2024, month, day) for month in (1, 4, 7, 10) for day in range(1, 13)]


@pytest.mark.parametrize("row_id", [a["id"] for a in BASE["activities"]])
def test_a_row_of_48_on_one_day_is_48_rows_on_that_day(tmp_path, row_id):
    day = date(2024, 6, 3)
    (tmp_path / "many").mkdir()
    (tmp_path / "one").mkdir()
    many = outcome(tmp_path / "many", expanded(BASE, row_id, [day] * 48))
    one = outcome(tmp_path / "one", condensed(BASE, row_id, day, day, 48))
    assert one == many


@pytest.mark.parametrize("row_id", [a["id"] for a in BASE["activities"]])
def test_a_ranged_row_of_48_is_48_rows_spread_over_its_quarters(tmp_path, row_id):
    days = twelve_a_quarter()
    (tmp_path / "many").mkdir()
    (tmp_path / "one").mkdir()
    many = outcome(tmp_path / "many", expanded(BASE, row_id, days))
    one = outcome(tmp_path / "one", condensed(BASE, row_id, days[0], days[-1], 48))
    assert one == many


def test_the_comparison_sees_the_counts(tmp_path):
    """The equivalence above is not vacuous: 48 exchanges make 2.1's count 48, one makes it 1."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = outcome(tmp_path / "a", BASE)
    many = outcome(tmp_path / "b", condensed(BASE, "A-2", date(2024, 4, 18), date(2024, 4, 18), 48))
    assert one[("2.1", "exchange")][2] == 1 and many[("2.1", "exchange")][2] == 48
    assert one[("2.1", "exchange")][0] == "B" and many[("2.1", "exchange")][0] == "A"


def test_every_counting_primitive_is_exercised():
    """Each primitive that counts events is read by an item of the rule set (so the runs above see it)."""
    from safecomm import load_scheme
    used = {c.primitive for _, i in load_scheme().items() for c in i.checks if getattr(c, "primitive", None)}
    assert COUNTING <= used | {"per_quarter"}, COUNTING - used
    assert COUNTING <= set(REGISTRY)


def test_rectifications_in_a_row_of_63_are_63_rows(tmp_path):
    """下达整改指令书63份、复查61份: one row of 63 with 61 verified is 63 rows of which 61 are verified."""
    base = copy.deepcopy(BASE)
    base["activities"][3]["findings"] = 63
    rows = [{"id": f"R-{n}", "activity": "A-4", "issue": "责令整改", "found": "2024-06-03", "fixed": "2024-06-10",
             **({"verified": "2024-06-15"} if n <= 61 else {})} for n in range(1, 64)]
    many = copy.deepcopy(base) | {"rectifications": rows}
    one = copy.deepcopy(base) | {"rectifications": [{"id": "R-1", "activity": "A-4", "issue": "下达责令整改指令书",
                                                     "found": "2024-06-03", "fixed": "2024-06-10", "count": 63,
                                                     "verified_count": 61}]}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    got_many, got_one = outcome(tmp_path / "a", many), outcome(tmp_path / "b", one)
    assert got_one == got_many
    assert got_one[("11.1", "covered")][2] == 1.0 and got_one[("11.1", "verified")][2] == round(61 / 63, 6)


# -- a ranged row counts in each quarter it spans, and no other -----------------------------------

def quarterly(scheme, *rows):
    return measure(scheme, "fewest_per_quarter", evidence(activities=list(rows)), kind=["教育"], audience=["居民"])


def test_a_range_with_an_event_for_each_quarter_it_spans_fills_those_quarters_only(scheme):
    spans_three = act("A-1", "教育", "2024-02-10", end="2024-08-20", count=3, audience="居民")
    got = quarterly(scheme, spans_three)
    assert got.value == 0 and "2024年第4季度" in got.detail and "第1季度" not in got.detail
    whole_year = act("A-1", "教育", "2024-02-10", end="2024-11-20", count=4, audience="居民")
    assert quarterly(scheme, whole_year).value == 1


def test_a_range_with_fewer_events_than_quarters_counts_only_its_first_and_last(scheme):
    """Two talks between February and August: one in Q1, one in Q3; nobody can say Q2 had one."""
    two = act("A-1", "教育", "2024-02-10", end="2024-08-20", count=2, audience="居民")
    q2 = act("A-2", "教育", "2024-05-10", audience="居民")
    q4 = act("A-3", "教育", "2024-11-10", audience="居民")
    assert quarterly(scheme, two, q4).value == 0  # Q2 is empty
    assert quarterly(scheme, two, q2, q4).value == 1


def test_a_range_reaching_into_the_period_counts_only_inside_it(scheme):
    """A row from November 2023 to February 2024 counts in 2024's first quarter only, with its share of days."""
    row = act("A-1", "交流", "2023-11-01", end="2024-02-01", count=2)
    got = measure(scheme, "activities", evidence(activities=[row]), kind=["交流"])
    assert got.value == 1  # 32 of its 93 days are in the period: 2 × 32 // 93 = 0, but it touches the period
    inside = act("A-1", "交流", "2023-12-01", end="2024-12-01", count=24)
    assert measure(scheme, "activities", evidence(activities=[inside]), kind=["交流"]).value == 24 * 336 // 367
    before = act("A-1", "交流", "2023-03-01", end="2023-12-31", count=10)
    assert measure(scheme, "activities", evidence(activities=[before]), kind=["交流"]).value == 0
    q1_only = act("A-1", "教育", "2023-11-01", end="2024-02-01", count=6, audience="居民")
    detail = quarterly(scheme, q1_only).detail
    assert "2024年第2季度" in detail and "2024年第1季度" not in detail


def test_8_3_counts_comprehensive_inspections_by_count(scheme):
    """全年开展综合检查4次 as one row is 4 checks; as one row on one day it is one day's checks."""
    year = act("A-1", "检查", "2024-01-15", end="2024-12-15", count=4, scope="综合")
    assert item_result(scheme, "8.3", activities=[year]).grade == "A"
    day = act("A-1", "检查", "2024-01-15", count=4, scope="综合")
    assert check(item_result(scheme, "8.3", activities=[day]), "four").status == "failed"
    three = act("A-1", "检查", "2024-01-15", end="2024-12-15", count=3, scope="综合")
    assert check(item_result(scheme, "8.3", activities=[three]), "four").status == "failed"
