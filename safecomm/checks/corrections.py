"""Primitives over `rectifications`: what was done about inspection findings, and whether the
result was verified (indicator 11: 整改、纠正、预防)."""

from __future__ import annotations

from collections import Counter

from ..evidence import Evidence, Rectification
from ..measure import Measure, natural_key, ratio
from ..terms import ActivityKind, RectificationKind
from . import primitive
from .activities import matching as matching_activities
from .common import cite, words


def _of_kind(ev: Evidence, kind: list[RectificationKind]) -> list[Rectification]:
    return [r for r in ev.rectifications if not kind or (r.kind or RectificationKind.RECTIFY) in kind]


def _what(kind: list[RectificationKind]) -> str:
    return f"{words(k.value for k in kind)}措施" if kind else "整改、纠正或预防措施"


def verified(r: Rectification) -> bool:
    """Fixed, and verified on or after the day it was fixed."""
    return r.fixed is not None and r.verified is not None and r.verified >= r.fixed


@primitive(unit="count", reads=("rectifications.kind",))
def rectifications(ev: Evidence, kind: list[RectificationKind] = []) -> Measure:
    """整改、纠正、预防措施条数：rectifications 中 kind 为所列之一的记录（不限时为全部）。"""
    found = _of_kind(ev, kind)
    what = _what(kind)
    if not found:
        return Measure(0, f"未见{what}（rectifications）")
    return Measure(len(found), f"{what} {len(found)} 条：{cite(r.id for r in found)}", [r.id for r in found])


@primitive(unit="ratio", reads=("rectifications.kind", "rectifications.fixed", "rectifications.verified"))
def rectifications_verified(ev: Evidence, kind: list[RectificationKind] = []) -> Measure:
    """整改结果经验证的比例：所列类别的措施中，已完成（fixed）且其后经验证（verified 不早于 fixed）的比例。"""
    found = _of_kind(ev, kind)
    what = _what(kind)
    if not found:
        return Measure(None, f"未见{what}（rectifications）")
    unfixed = [r.id for r in found if r.fixed is None]
    unverified = [r.id for r in found if r.fixed is not None and not verified(r)]
    done = len(found) - len(unfixed) - len(unverified)
    detail = f"{done}/{len(found)} 条{what}已完成并经验证"
    if unfixed:
        detail += f"；未完成：{cite(unfixed)}"
    if unverified:
        detail += f"；未验证（verified 缺失或早于 fixed）：{cite(unverified)}"
    return Measure(ratio(done, len(found)), detail, [r.id for r in found])


@primitive(unit="ratio", reads=("activities.findings", "rectifications.activity", "community.period"))
def findings_rectified(ev: Evidence) -> Measure:
    """检查发现问题的整改覆盖率：评估期内各次检查发现的问题（findings）中，有整改记录（rectifications.activity
    指向该次检查）对应的比例；每次检查最多计其 findings 条。评估期内检查未记录发现问题时无数据。"""
    inspections = sorted((a for a in matching_activities(ev, [ActivityKind.INSPECTION]) if a.findings),
                         key=lambda a: natural_key(a.id))  # the detail must not depend on file order
    if not inspections:
        return Measure(None, "评估期内的检查未记录发现的问题数（findings）")
    linked = Counter(r.activity for r in ev.rectifications if r.activity)
    total = sum(a.findings for a in inspections)
    covered = sum(min(a.findings, linked[a.id]) for a in inspections)
    short = [f"{a.id} 发现 {a.findings} 处、整改 {linked[a.id]} 条" for a in inspections if linked[a.id] < a.findings]
    detail = f"评估期内检查发现问题 {total} 处，有整改记录 {covered} 处"
    if short:
        detail += "；" + "；".join(short[:6]) + ("等" if len(short) > 6 else "")
    ids = [a.id for a in inspections] + [r.id for r in ev.rectifications if r.activity in {a.id for a in inspections}]
    return Measure(ratio(covered, total), detail, ids)
