"""Primitives over what reaches people and units: publicity, public feedback, responsibility
agreements (安全责任书), special equipment and workforce training. These are single sections of
the bundle: a section never written cannot be judged on paper (`unknown`), one written as zero
is a gap."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..measure import Measure, format_percent, ratio
from .common import listed
from .registry import primitive

if TYPE_CHECKING:
    from ..index import Index


@primitive(unit="count", reads=("publicity.boards", "publicity.channels"))
def publicity(ix: Index, field: Literal["boards", "channels"], terms: list[str] = []) -> Measure:
    """宣传阵地：boards 为固定宣传栏、橱窗、安全提示牌的数量，channels 为不同传播渠道的个数。给出 terms（媒体的
    种类，如 广播、电视、网络、微信）时，channels 数的是登记的渠道涉及的媒体种类：同一种媒体（社区广播、应急广播）
    只算一种，不属于所列媒体的（宣传栏、横幅、宣传单）不算。未填写时无从判断。"""
    written = field in ix.ev.publicity.model_fields_set
    if field == "boards":
        n = ix.ev.publicity.boards
        if n:
            return Measure(n, f"固定宣传栏、橱窗、提示牌 {n} 处", seen=True)
        return Measure(0, "未登记固定宣传栏、橱窗、提示牌", unknown=not written)
    channels = sorted(set(listed(ix.ev.publicity.channels)))
    if not channels:
        return Measure(0, "未登记传播安全知识的媒体渠道", unknown=not written)
    if not terms:
        return Measure(len(channels), f"传播渠道 {len(channels)} 种：{'、'.join(channels)}", seen=True)
    kinds: dict[str, list[str]] = {}
    other = []
    for channel in channels:
        found = ix.find(channel)
        media = [t for t in terms if t in found]
        for t in media:
            kinds.setdefault(t, []).append(channel)
        if not media:
            other.append(channel)
    detail = f"媒体 {len(kinds)} 种" + ("：" + "；".join(f"{t}（{'、'.join(kinds[t])}）" for t in terms if t in kinds) if kinds else "")
    if other:
        detail += f"；不属于媒体渠道的不计：{'、'.join(other)}"
    return Measure(len(kinds), detail, seen=True)


@primitive(unit="ratio", reads=("publicity.boards", "community.subdivisions"))
def boards(ix: Index, per_subdivision: int = Field(1, ge=0, le=100), at_least: int = Field(10, ge=0)) -> Measure:
    """固定宣传栏、橱窗、提示牌的数量与应有数量之比：应有数量为下辖每个社区（村）per_subdivision 处，且不少于
    at_least 处（未填写下辖社区（村）数时按 at_least）。未登记数量时无从判断。"""
    n = ix.ev.publicity.boards
    units = ix.ev.community.subdivisions
    need = max(at_least, per_subdivision * units) if units else at_least
    basis = f"下辖 {units} 个社区（村）每个 {per_subdivision} 处，且不少于 {at_least} 处" if units \
        else f"不少于 {at_least} 处（未填写下辖社区（村）数）"
    if not n:
        written = "boards" in ix.ev.publicity.model_fields_set
        return Measure(Fraction(0) if need else None, f"未登记固定宣传栏、橱窗、提示牌；应有 {need} 处（{basis}）", unknown=not written)
    if not need:
        return Measure(Fraction(1), f"固定宣传栏、橱窗、提示牌 {n} 处", seen=True)
    return Measure(ratio(n, need), f"固定宣传栏、橱窗、提示牌 {n} 处，应有 {need} 处（{basis}）", seen=True)


# (section, part, whole, what the part is, what the whole is)
COVERAGE = {
    "agreements": ("agreements", "signed", "units", "签订安全责任书", "应签订的单位"),
    "special_equipment": ("agreements.special_equipment", "registered", "total", "登记建档", "特种设备"),
    "workforce_training": ("workforce_training", "trained", "units", "开展从业人员安全培训", "应培训的单位"),
}


@primitive(unit="ratio", reads=("agreements", "workforce_training"))
def coverage(ix: Index, of: Literal["agreements", "special_equipment", "workforce_training"]) -> Measure:
    """单位覆盖率：agreements 签订责任书的单位 / 应签订的单位；special_equipment 登记建档的特种设备 / 特种设备总数
    （总数写明为 0 时视为全部登记）；workforce_training 开展从业人员培训的单位 / 应培训的单位。未填写时无从判断。"""
    section, part_field, whole_field, done, whole_word = COVERAGE[of]
    record = ix.ev
    for name in section.split("."):
        record = getattr(record, name) if record is not None else None
    if record is None:
        return Measure(None, f"未登记{whole_word}数和{done}数", unknown=True)
    part, whole = getattr(record, part_field), getattr(record, whole_field)
    if whole == 0:
        if of == "special_equipment":
            return Measure(Fraction(1), "辖区特种设备 0 台，无需登记建档", seen=True)
        return Measure(None, f"{whole_word}数登记为 0", seen=True)
    share = ratio(part, whole)
    return Measure(share, f"{whole_word} {whole} 个中 {part} 个已{done}（{format_percent(share)}）", seen=True)


@primitive(unit="ratio", reads=("feedback",))
def feedback_rate(ix: Index, of: Literal["handled", "satisfied"]) -> Measure:
    """公众意见的处理：handled 为已处理 / 收到的意见，satisfied 为对处理满意 / 已处理的意见。未填写时无从判断。"""
    fb = ix.ev.feedback
    if fb is None:
        return Measure(None, "未登记公众意见和建议的收集与处理情况", unknown=True)
    part, whole, words = (
        (fb.handled, fb.received, "收到意见 {w} 条，已处理 {p} 条") if of == "handled"
        else (fb.satisfied, fb.handled, "已处理意见 {w} 条，对处理满意 {p} 条")
    )
    if part is None:
        return Measure(None, f"已处理意见 {whole} 条，未登记对处理满意的条数", seen=bool(fb.received), unknown=True)
    share = ratio(part, whole)
    if share is None:
        return Measure(None, words.format(w=whole, p=part), seen=bool(fb.received))
    return Measure(share, f"{words.format(w=whole, p=part)}（{format_percent(share)}）", seen=True)


@primitive(unit="count", reads=("feedback",))
def public_feedback(ix: Index, field: Literal["received", "handled", "satisfied"] = "received") -> Measure:
    """群众意见数：收到（received）、已处理（handled）或对处理满意（satisfied）的条数。未填写时无从判断。"""
    label = {"received": "收到群众意见", "handled": "已处理群众意见", "satisfied": "群众对处理满意"}[field]
    if ix.ev.feedback is None:
        return Measure(0, "未登记群众意见和建议", unknown=True)
    n = getattr(ix.ev.feedback, field)
    if n is None:
        return Measure(None, f"未登记{label}的条数", seen=bool(ix.ev.feedback.received), unknown=True)
    return Measure(n, f"{label} {n} 条", seen=bool(n))
