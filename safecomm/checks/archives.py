"""Primitives over the files behind the records: whether activities left a trace that can be
looked up (indicator 10, 档案完整、易于查询)."""

from __future__ import annotations

from ..evidence import Activity, Evidence
from ..measure import Measure, ratio
from ..terms import ActivityKind
from . import primitive
from .activities import describe, matching
from .common import cite


def filed(ev: Evidence, a: Activity) -> bool:
    """The activity cites at least one attachment and every attachment it cites exists."""
    found = [ev.attachments.get(path) for path in a.files]
    return bool(found) and all(f is not None and not f.missing for f in found)


@primitive(unit="ratio", reads=("activities.files", "community.period"))
def activities_with_files(ev: Evidence, kind: list[ActivityKind] = [], in_period: bool = True) -> Measure:
    """有存档附件的活动所占比例：所列类别的活动（默认评估期内）中，files 至少有一个且所列附件都存在的比例。"""
    found = matching(ev, kind, in_period=in_period)
    what = describe(kind, in_period=in_period)
    if not found:
        return Measure(None, f"未见{what}")
    lacking = [a.id for a in found if not filed(ev, a)]
    detail = f"{len(found) - len(lacking)}/{len(found)} 次{what}有可查的存档附件"
    if lacking:
        detail += f"，缺附件或附件不存在：{cite(lacking)}"
    return Measure(ratio(len(found) - len(lacking), len(found)), detail, [a.id for a in found])
