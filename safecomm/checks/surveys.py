"""Primitives over `surveys` and `feedback`: what residents say about community safety
(indicators 8.7 and 12.3)."""

from __future__ import annotations

from typing import Literal

from ..evidence import Evidence, Survey
from ..measure import Measure, format_percent, ratio
from ..terms import SurveyKind
from . import primitive
from .common import cite, words


def _surveys(ev: Evidence, kind: list[SurveyKind], in_period: bool) -> list[Survey]:
    return [s for s in ev.surveys if (not kind or s.kind in kind) and (not in_period or s.date in ev.period)]


def _what(kind: list[SurveyKind], in_period: bool) -> str:
    return f"{'评估期内的' if in_period else ''}{words(k.value for k in kind) if kind else ''}调查"


@primitive(unit="count", reads=("surveys.kind", "surveys.date"))
def surveys(ev: Evidence, kind: list[SurveyKind] = [], in_period: bool = True) -> Measure:
    """调查次数：kind 为所列之一的 surveys（不限时为全部），默认只计评估期内。"""
    found = _surveys(ev, kind, in_period)
    what = _what(kind, in_period)
    if not found:
        return Measure(0, f"未见{what}（surveys）")
    asked = sum(s.respondents for s in found)
    return Measure(len(found), f"{what} {len(found)} 次，共调查 {asked} 人：{cite(s.id for s in found)}", [s.id for s in found])


@primitive(unit="ratio", reads=("surveys.kind", "surveys.date", "surveys.respondents", "surveys.positive"))
def survey_rate(ev: Evidence, kind: list[SurveyKind], in_period: bool = True) -> Measure:
    """调查的肯定回答率：所列类别的调查（默认评估期内）合并计算，positive 之和 / respondents 之和。"""
    found = _surveys(ev, kind, in_period)
    what = _what(kind, in_period)
    asked = sum(s.respondents for s in found)
    if not asked:
        return Measure(None, f"未见{what}的有效答卷（surveys）", [s.id for s in found])
    positive = sum(s.positive for s in found)
    share = ratio(positive, asked)
    detail = f"{what}共 {asked} 人，肯定 {positive} 人，占 {format_percent(share)}：{cite(s.id for s in found)}"
    return Measure(share, detail, [s.id for s in found])


@primitive(unit="count", reads=("feedback",))
def public_feedback(ev: Evidence, field: Literal["received", "handled", "satisfied"] = "received") -> Measure:
    """群众意见数：feedback 中 received（收到）、handled（已处理）或 satisfied（对处理满意）的条数。"""
    label = {"received": "收到群众意见", "handled": "已处理群众意见", "satisfied": "群众对处理满意"}[field]
    if ev.feedback is None:
        return Measure(0, "未登记群众意见和建议（feedback）")
    n = getattr(ev.feedback, field)
    return Measure(n, f"{label} {n} 条")
