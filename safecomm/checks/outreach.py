"""Primitives over what reaches people and units: publicity, public feedback, responsibility
agreements (安全责任书), special equipment and workforce training. These are single sections of
the bundle: a section never written cannot be judged on paper (`unknown`), one written as zero
is a gap."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from ..index import listed
from ..measure import Measure, format_percent, ratio
from . import primitive

if TYPE_CHECKING:
    from ..index import Index


@primitive(unit="count", reads=("publicity.boards", "publicity.channels"))
def publicity(ix: Index, field: Literal["boards", "channels"]) -> Measure:
    """宣传阵地：boards 为固定宣传栏、橱窗、安全提示牌的数量，channels 为不同传播渠道的个数。未填写时无从判断。"""
    written = field in ix.ev.publicity.model_fields_set
    if field == "boards":
        n = ix.ev.publicity.boards
        if n:
            return Measure(n, f"固定宣传栏、橱窗、提示牌 {n} 处", seen=True)
        return Measure(0, "未登记固定宣传栏、橱窗、提示牌", unknown=not written)
    channels = sorted(set(listed(ix.ev.publicity.channels)))
    if not channels:
        return Measure(0, "未登记传播安全知识的媒体渠道", unknown=not written)
    return Measure(len(channels), f"传播渠道 {len(channels)} 种：{'、'.join(channels)}", seen=True)


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
