"""Primitives over `emergency`: the response teams and the equipment they rely on (indicator 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..measure import Measure, ratio
from ..terms import TeamKind
from .registry import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index


@primitive(unit="count", reads=("emergency.teams",))
def emergency_teams(ix: Index, kind: list[TeamKind] = []) -> Measure:
    """应急队伍数：种类（专职 / 兼职）为所列之一的队伍（不限时为全部）。"""
    found = [t for t in ix.ev.emergency.teams if not kind or t.kind in kind]
    what = f"{either(k.value for k in kind) if kind else '专职或兼职'}应急队伍"
    if not found:
        return Measure(0, f"未见{what}")
    people = sum(t.members for t in found)
    return Measure(len(found), f"{what} {len(found)} 支，共 {people} 人：{cite(t.id for t in found)}", [t.id for t in found])


@primitive(unit="count", reads=("emergency.equipment",))
def emergency_equipment(ix: Index) -> Measure:
    """应急设施、器材的登记条数（每条可有多件）。"""
    found = ix.ev.emergency.equipment
    if not found:
        return Measure(0, "未见应急设施、器材登记")
    pieces = sum(e.quantity for e in found)
    return Measure(len(found), f"应急设施、器材 {len(found)} 类共 {pieces} 件：{cite(e.id for e in found)}", [e.id for e in found])


@primitive(unit="ratio", reads=("emergency.equipment.ok", "emergency.equipment.checked", "community.period"))
def equipment_ready(ix: Index) -> Measure:
    """保持完好的应急器材所占比例：完好且评估期内检查过的登记条数 / 全部登记条数。
    器材都没有写检查日期时无从判断是否保持完好（需现场核实）。"""
    found = ix.ev.emergency.equipment
    if not found:
        return Measure(None, "未见应急设施、器材登记")
    ids = [e.id for e in found]
    broken = [e.id for e in found if not e.ok]
    if all(e.checked is None for e in found):
        detail = "应急器材都没有登记检查日期" + (f"；不完好：{cite(broken)}" if broken else "")
        return Measure(None, detail, ids, unknown=not broken)
    unchecked = [e.id for e in found if e.ok and e.checked not in ix.period]
    ready = len(found) - len(broken) - len(unchecked)
    detail = f"{ready}/{len(found)} 类应急器材完好且评估期内检查过"
    if broken:
        detail += f"；不完好：{cite(broken)}"
    if unchecked:
        detail += f"；评估期内未检查：{cite(unchecked)}"
    return Measure(ratio(ready, len(found)), detail, ids)
