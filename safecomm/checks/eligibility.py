"""Primitives over the community as a whole, for a rule set's eligibility conditions: how long it
has been building, its accidents against its own yearly goals, and a title it already holds."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from pydantic import Field

from ..measure import Measure
from ..terms import Horizon
from .registry import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index


def day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@primitive(unit="count", reads=("community.launched", "community.period"))
def building_months(ix: Index) -> Measure:
    """创建时长（整月）：从创建启动日期（community.launched）到评估期末。未填写启动日期时无从判断（需核实）。"""
    launched, end = ix.ev.community.launched, ix.period.end
    if launched is None:
        return Measure(None, "未填写创建启动日期，无从计算创建时长", unknown=True)
    months = max((end.year - launched.year) * 12 + end.month - launched.month - (end.day < launched.day), 0)
    return Measure(months, f"{day(launched)}启动创建，至评估期末（{day(end)}）满 {months} 个月", seen=True)


@primitive(unit="count", reads=("goals.metric", "goals.target", "goals.due", "goals.horizon", "injuries.years"))
def injuries_over_goals(ix: Index, metrics: list[str]) -> Measure:
    """超出年度控制目标的目标个数：指标（metric）为所列之一、写了目标值、在评估期内到期（未写到期日的年度目标也算）
    的目标中，评估期末所在年度的事故与伤害人次（injuries.years）高于目标值的个数。没有这样的目标时为 0，即本条件
    不适用；有目标而没有该年度的人次时无从判断（需核实）。"""
    year = ix.period.end.year
    goals = [g for g in ix.ev.goals if g.metric in metrics and g.target is not None
             and (g.due in ix.period if g.due else g.horizon is Horizon.ANNUAL)]
    if not goals:
        return Measure(0, f"目标中没有评估期内的{either(metrics)}控制值，不适用")
    ids = [g.id for g in goals]
    total = next((y.total for y in ix.ev.injuries.years if y.year == year), None)
    if total is None:
        return Measure(None, f"未登记 {year} 年的事故与伤害人次，无从与目标 {cite(ids)} 比较", ids, unknown=True)
    over = [g.id for g in goals if total > g.target]
    targets = "、".join(f"{g.id} 不超过 {g.target:g}" for g in goals)
    verdict = f"超出 {cite(over)}" if over else "在目标之内"
    return Measure(len(over), f"{year} 年事故与伤害 {total} 人次，目标 {targets}：{verdict}", ids)


@primitive(unit="bool", reads=("community.designated", "community.period"))
def title_valid(ix: Index, years: int = Field(ge=1, le=10)) -> Measure:
    """已被命名的安全社区称号在评估期末是否仍在有效期内（自命名日期 community.designated 起 years 年）；
    未曾命名（首次申报）为否。"""
    designated, end = ix.ev.community.designated, ix.period.end
    if designated is None:
        return Measure(False, "未登记曾被命名（首次申报）")
    try:
        anniversary = designated.replace(year=designated.year + years)
    except ValueError:  # named on 29 February
        anniversary = date(designated.year + years, 3, 1)
    until = anniversary - timedelta(days=1)
    valid = end <= until
    state = "评估期末仍在有效期内" if valid else "已届满，须重新评定"
    return Measure(valid, f"{day(designated)}命名，有效期 {years} 年，至{day(until)}，{state}", seen=True)
