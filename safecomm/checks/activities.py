"""Primitives over `activities`: education, training, drills, inspections, exchanges, meetings.

An activity's kind, inspection scope, audience, domains and organizer are read as the index
reads them: written first, else from links and the title's vocabulary terms. An activity that
declares the item being graded (`items`) passes every filter but its kind and its date.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Literal

from ..measure import Measure
from ..terms import ActivityKind, Audience, Domain, InspectionScope, OrganizationKind
from . import primitive
from .common import cite_found, either, quarter, quarter_name, quarters, seen, words

if TYPE_CHECKING:
    from ..index import Index


def describe(kind=(), scope=(), audience=(), domains=(), organizer=(), terms=(), in_period=True) -> str:
    """`评估期内面向居民的教育、培训活动`"""
    parts = ["评估期内" if in_period else ""]
    if organizer:
        parts.append(f"由{either(o.value for o in organizer)}组织的")
    if audience:
        parts.append(f"面向{either(a.value for a in audience)}的")
    if domains:
        parts.append(f"{either(d.value for d in domains)}方面的")
    if terms:
        parts.append(f"关于{either(terms)}的")
    if scope:
        parts.append(either(s.value for s in scope))
    parts.append(f"{words(k.value for k in kind) if kind else ''}活动")
    return "".join(parts)


@primitive(unit="count", reads=("activities.kind", "activities.date", "activities.scope", "activities.audience",
                                "activities.domains", "activities.organizer", "activities.title", "activities.items"))
def activities(
    ix: Index,
    kind: list[ActivityKind] = [],
    scope: list[InspectionScope] = [],
    audience: list[Audience] = [],
    domains: list[Domain] = [],
    organizer: list[OrganizationKind] = [],
    terms: list[str] = [],
    in_period: bool = True,
) -> Measure:
    """活动次数：符合所有所给条件（种类、检查类型、对象、领域、组织者类别、标题中的词条）的活动，默认只计评估期内。
    对象含其下的人群（居民含老年人、儿童……）；未写的类型、对象、领域、组织者按标题中的词条推断。"""
    found = ix.activities(kind, scope, audience, domains, organizer, terms, in_period)
    what = describe(kind, scope, audience, domains, organizer, terms, in_period)
    if not found:
        return Measure(0, f"未见{what}")
    return Measure(len(found), f"{what} {len(found)} 次：{cite_found(found)}", [f.id for f in found])


@primitive(unit="count", reads=("activities.kind", "activities.audience", "activities.domains", "activities.title"))
def activity_variety(
    ix: Index,
    field: Literal["kind", "audience", "domains"],
    kind: list[ActivityKind] = [],
    terms: list[str] = [],
    in_period: bool = True,
) -> Measure:
    """活动的多样性：所列种类的活动（默认评估期内）中，field（kind 形式 / audience 对象 / domains 领域）不同取值的个数。
    活动都看不出领域时，无从判断（需现场核实）。"""
    found = ix.activities(kind, terms=terms, in_period=in_period)
    label = {"kind": "形式", "audience": "对象", "domains": "领域"}[field]
    what = describe(kind, terms=terms, in_period=in_period)
    if not found:
        return Measure(0, f"未见{what}")
    values: set[str] = set()
    for f in found:
        if field == "kind":
            got = f.view.kinds & set(kind) if kind else {f.view.record.kind}
        else:
            got = getattr(f.view, field)
        values |= {v.value for v in got}
    ids = [f.id for f in found]
    if not values:
        return Measure(None, f"{what} {len(found)} 次，均未写明也看不出{label}", ids, unknown=True)
    return Measure(len(values), f"{what}涉及 {len(values)} 种{label}：{'、'.join(sorted(values))}", ids)


@primitive(unit="count", reads=("activities.kind", "activities.date", "activities.audience", "community.period"))
def fewest_per_quarter(ix: Index, kind: list[ActivityKind], audience: list[Audience] = []) -> Measure:
    """评估期每个季度的活动次数中最少的一个：用于“每季度不少于一次”。评估期涉及的每个日历季度都计入；
    对象含其下的人群（面向老年人、儿童的教育也是面向居民的教育）。"""
    found = ix.activities(kind, audience=audience)
    counts = {q: 0 for q in quarters(ix.period.start, ix.period.end)}
    for f in found:
        counts[quarter(f.view.record.date)] += 1
    what = describe(kind, audience=audience, in_period=False)
    empty = [q for q, n in counts.items() if n == 0]
    fewest = min(counts.values())
    if empty:
        detail = f"{'、'.join(quarter_name(q) for q in empty)}没有{what}{seen(f.id for f in found)}"
    else:
        per = "、".join(f"Q{q[1]} {n}次" for q, n in counts.items())
        detail = f"每个季度都有{what}（{per}）：{cite_found(found)}"
    return Measure(fewest, detail, [f.id for f in found])


def per_quarter(ix: Index, kind: list[ActivityKind], audience: list[Audience]) -> list[tuple[str, int]]:
    """(季度, 次数) over the period, for the education chart: the same reading as 6.4."""
    tally = Counter(quarter(f.view.record.date) for f in ix.activities(kind, audience=audience))
    return [(quarter_name(q), tally.get(q, 0)) for q in quarters(ix.period.start, ix.period.end)]
