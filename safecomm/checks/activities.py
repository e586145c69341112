"""Primitives over `activities`: education, training, drills, inspections, exchanges, reviews."""

from __future__ import annotations

from typing import Literal

from ..evidence import Activity, Evidence
from ..measure import Measure
from ..terms import ActivityKind, Audience, Domain, InspectionScope, OrganizationKind
from . import primitive
from .common import cite, quarter, quarter_name, quarters, seen, words


def matching(
    ev: Evidence,
    kind: list[ActivityKind],
    scope: list[InspectionScope] = (),
    audience: list[Audience] = (),
    domains: list[Domain] = (),
    organizer: list[OrganizationKind] = (),
    in_period: bool = True,
) -> list[Activity]:
    """Activities that pass every filter given (an empty filter passes everything)."""
    org_kind = {o.id: o.kind for o in ev.organizations}
    return [
        a for a in ev.activities
        if (not kind or a.kind in kind)
        and (not scope or a.scope in scope)
        and (not audience or not set(a.audience).isdisjoint(audience))
        and (not domains or set(a.domains) & set(domains))
        and (not organizer or org_kind.get(a.organizer) in organizer)
        and (not in_period or a.date in ev.period)
    ]


def describe(kind, scope=(), audience=(), domains=(), organizer=(), in_period=True) -> str:
    """`评估期内面向居民的教育活动`"""
    parts = ["评估期内" if in_period else ""]
    if organizer:
        parts.append(f"由{words(o.value for o in organizer)}组织的")
    if audience:
        parts.append(f"面向{words(a.value for a in audience)}的")
    if domains:
        parts.append(f"{words(d.value for d in domains)}方面的")
    if scope:
        parts.append(words(s.value for s in scope))
    parts.append(f"{words(k.value for k in kind) if kind else ''}活动")
    return "".join(parts)


@primitive(unit="count", reads=("activities",))
def activities(
    ev: Evidence,
    kind: list[ActivityKind] = [],
    scope: list[InspectionScope] = [],
    audience: list[Audience] = [],
    domains: list[Domain] = [],
    organizer: list[OrganizationKind] = [],
    in_period: bool = True,
) -> Measure:
    """活动次数：符合所有所给条件（类别、检查类型、对象、领域、组织者类别）的活动，默认只计评估期内。"""
    found = matching(ev, kind, scope, audience, domains, organizer, in_period)
    what = describe(kind, scope, audience, domains, organizer, in_period)
    if not found:
        return Measure(0, f"未见{what}")
    return Measure(len(found), f"{what} {len(found)} 次：{cite(a.id for a in found)}", [a.id for a in found])


@primitive(unit="count", reads=("activities",))
def activity_variety(
    ev: Evidence,
    field: Literal["kind", "audience", "domains"],
    kind: list[ActivityKind] = [],
    in_period: bool = True,
) -> Measure:
    """活动的多样性：所列类别的活动（默认评估期内）中，field（kind 形式 / audience 对象 / domains 领域）不同取值的个数。"""
    found = matching(ev, kind, in_period=in_period)
    values: set[str] = set()
    for a in found:
        values |= {v.value for v in getattr(a, field)} if field != "kind" else {a.kind.value}
    label = {"kind": "形式", "audience": "对象", "domains": "领域"}[field]
    what = describe(kind, in_period=in_period)
    if not found:
        return Measure(0, f"未见{what}")
    listed = "、".join(sorted(values)) or "未注明"
    return Measure(len(values), f"{what}涉及 {len(values)} 种{label}：{listed}", [a.id for a in found])


@primitive(unit="count", reads=("activities.date", "community.period"))
def fewest_per_quarter(
    ev: Evidence,
    kind: list[ActivityKind],
    audience: list[Audience] = [],
) -> Measure:
    """评估期每个季度的活动次数中最少的一个：用于“每季度不少于一次”。评估期涉及的每个日历季度都计入。"""
    found = matching(ev, kind, audience=audience)
    counts = {q: 0 for q in quarters(ev.period.start, ev.period.end)}
    for a in found:
        counts[quarter(a.date)] += 1
    what = describe(kind, audience=audience, in_period=False)
    empty = [q for q, n in counts.items() if n == 0]
    fewest = min(counts.values())
    if empty:
        detail = f"{'、'.join(quarter_name(q) for q in empty)}没有{what}{seen(a.id for a in found)}"
    else:
        per = "、".join(f"Q{q[1]} {n}次" for q, n in counts.items())
        detail = f"每个季度都有{what}（{per}）：{cite(a.id for a in found)}"
    return Measure(fewest, detail, [a.id for a in found])
