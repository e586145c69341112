"""Primitives for review and continual improvement (indicator 12): the yearly review, and goals
that look beyond the period assessed."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import Field

from ..measure import Measure
from ..terms import ActivityKind, DocumentKind, Horizon
from ..vocabulary import title_years
from .registry import primitive
from .common import cite, cite_found, either, total

if TYPE_CHECKING:
    from ..index import Index


@primitive(unit="count", reads=("goals.due", "goals.horizon", "community.period"))
def goals_beyond_period(ix: Index, horizon: list[Horizon] = []) -> Measure:
    """评估期之后到期的目标数：期限晚于评估期末、期限类别为所列之一（不限时为全部）的目标。"""
    end = ix.period.end
    found = [g for g in ix.ev.goals if (not horizon or g.horizon in horizon) and g.due is not None and g.due > end]
    what = f"{end.isoformat()} 之后到期的{either(h.value for h in horizon) if horizon else ''}目标"
    if not found:
        return Measure(0, f"未见{what}", seen=bool(ix.ev.goals))
    return Measure(len(found), f"{what} {len(found)} 个：{cite(g.id for g in found)}", [g.id for g in found])


def _of_the_period(title: str, years: set[int]) -> bool:
    """A report whose title names only years outside the period reviews another year
    (a 2023年度评审报告 issued in January 2024 is last year's review), read as a plan's years are."""
    named = title_years(title)
    return not named or bool(named & years)


@primitive(unit="count", reads=("activities.kind", "activities.date", "documents.kind", "documents.issued", "documents.title"))
def reviews(ix: Index, terms: list[str], report_kinds: list[DocumentKind] = [],
            grace_days: int = Field(0, ge=0, le=366), not_terms: list[str] = []) -> Measure:
    """评估期内的整体评审次数：评审活动（标题为评审的会议也算）的次数；没有登记评审活动时，按关于所列词条的
    评审报告计——报告常在评审之后印发，评估期结束后 grace_days 天内印发的也算；标题写明的年度都不在评估期内的
    （如评估 2024 年时的“2023年度评审报告”）是别的年度的评审，不算。标题提到 not_terms 所列词条的（如季度考评、
    对各社区的考评）评的是一部分，不是整体评审，不算（说明中列出）。"""
    acts = ix.activities([ActivityKind.REVIEW])
    partial = [f for f in acts if any(t in f.view.terms for t in not_terms)]
    start, end = ix.period.start, ix.period.end + timedelta(days=grace_days)
    years = set(range(ix.period.start.year, ix.period.end.year + 1))
    docs = [f for f in ix.documents(report_kinds, terms) if f.view.record.issued and start <= f.view.record.issued <= end
            and _of_the_period(f.view.record.title, years)]
    partial += [f for f in docs if any(t in f.view.terms for t in not_terms)]
    if partial:
        acts = [f for f in acts if f not in partial]
        docs = [f for f in docs if f not in partial]
    ids = [f.id for f in acts + docs]
    note = f"；{cite_found(partial)} 是季度、月度或对下属单位的考评，不是整体评审" if partial else ""
    if acts:
        tail = f"；评审报告 {cite_found(docs)}" if docs else ""
        n = total(ix, acts)
        return Measure(n, f"评估期内整体评审 {n} 次：{cite_found(acts)}{tail}{note}", ids)
    if docs:
        return Measure(len(docs), f"评估期内有评审报告 {len(docs)} 份：{cite_found(docs)}{note}", ids)
    return Measure(0, f"评估期内未见整体评审（评审活动或评审报告）{note}", [f.id for f in partial])
