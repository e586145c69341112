"""Primitives over `emergency`: the response teams and the equipment they rely on (indicator 7)."""

from __future__ import annotations

from ..evidence import Evidence
from ..measure import Measure, ratio
from ..terms import TeamKind
from . import primitive
from .common import cite, words


@primitive(unit="count", reads=("emergency.teams",))
def emergency_teams(ev: Evidence, kind: list[TeamKind] = []) -> Measure:
    """应急队伍数：emergency.teams 中 kind（专职 / 兼职）为所列之一的队伍（不限时为全部）。"""
    found = [t for t in ev.emergency.teams if not kind or t.kind in kind]
    what = f"{words(k.value for k in kind) if kind else '专职或兼职'}应急队伍"
    if not found:
        return Measure(0, f"未见{what}（emergency.teams）")
    people = sum(t.members for t in found)
    return Measure(len(found), f"{what} {len(found)} 支，共 {people} 人：{cite(t.id for t in found)}", [t.id for t in found])


@primitive(unit="count", reads=("emergency.equipment",))
def emergency_equipment(ev: Evidence) -> Measure:
    """应急设施、器材的登记条数：emergency.equipment 中的记录数（每条可有多件 quantity）。"""
    found = ev.emergency.equipment
    if not found:
        return Measure(0, "未见应急设施、器材登记（emergency.equipment）")
    pieces = sum(e.quantity for e in found)
    return Measure(len(found), f"应急设施、器材 {len(found)} 类共 {pieces} 件：{cite(e.id for e in found)}", [e.id for e in found])


@primitive(unit="ratio", reads=("emergency.equipment.ok", "emergency.equipment.checked", "community.period"))
def equipment_ready(ev: Evidence) -> Measure:
    """保持完好的应急器材所占比例：ok 为真且评估期内检查过（checked 在评估期内）的登记条数 / 全部登记条数。"""
    found = ev.emergency.equipment
    if not found:
        return Measure(None, "未见应急设施、器材登记（emergency.equipment）")
    broken = [e.id for e in found if not e.ok]
    unchecked = [e.id for e in found if e.ok and e.checked not in ev.period]
    ready = len(found) - len(broken) - len(unchecked)
    detail = f"{ready}/{len(found)} 类应急器材完好且评估期内检查过"
    if broken:
        detail += f"；不完好：{cite(broken)}"
    if unchecked:
        detail += f"；评估期内未检查：{cite(unchecked)}"
    return Measure(ratio(ready, len(found)), detail, [e.id for e in found])
