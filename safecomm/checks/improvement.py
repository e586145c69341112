"""Primitives for continual improvement (indicator 12): goals that look beyond the period assessed."""

from __future__ import annotations

from ..evidence import Evidence
from ..measure import Measure
from ..terms import Horizon
from . import primitive
from .common import cite, words


@primitive(unit="count", reads=("goals.due", "goals.horizon", "community.period"))
def goals_beyond_period(ev: Evidence, horizon: list[Horizon] = []) -> Measure:
    """评估期之后到期的目标数：goals 中 due 晚于评估期末、horizon 为所列之一（不限时为全部）的目标。"""
    end = ev.period.end
    found = [g for g in ev.goals if (not horizon or g.horizon in horizon) and g.due is not None and g.due > end]
    what = f"{end.isoformat()} 之后到期的{words(h.value for h in horizon) if horizon else ''}目标"
    if not found:
        return Measure(0, f"未见{what}（goals.due）")
    return Measure(len(found), f"{what} {len(found)} 个：{cite(g.id for g in found)}", [g.id for g in found])
