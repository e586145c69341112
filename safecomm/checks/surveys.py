"""Primitives over `surveys`: what residents say about community safety (indicator 12.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..evidence import Survey
from ..measure import Measure, format_percent, ratio
from ..terms import SurveyKind
from . import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index


def _surveys(ix: Index, kind: list[SurveyKind], in_period: bool) -> list[Survey]:
    return [s for s in ix.ev.surveys if (not kind or s.kind in kind) and (not in_period or s.date in ix.period)]


def _what(kind: list[SurveyKind], in_period: bool) -> str:
    return f"{'评估期内的' if in_period else ''}{either(k.value for k in kind) if kind else ''}调查"


@primitive(unit="count", reads=("surveys.kind", "surveys.date"))
def surveys(ix: Index, kind: list[SurveyKind] = [], in_period: bool = True) -> Measure:
    """调查次数：种类为所列之一的调查（不限时为全部），默认只计评估期内。"""
    found = _surveys(ix, kind, in_period)
    what = _what(kind, in_period)
    if not found:
        return Measure(0, f"未见{what}")
    asked = sum(s.respondents for s in found)
    return Measure(len(found), f"{what} {len(found)} 次，共调查 {asked} 人：{cite(s.id for s in found)}", [s.id for s in found])


@primitive(unit="ratio", reads=("surveys.kind", "surveys.date", "surveys.respondents", "surveys.positive"))
def survey_rate(ix: Index, kind: list[SurveyKind], in_period: bool = True) -> Measure:
    """调查的肯定回答率：所列种类的调查（默认评估期内）合并计算，肯定回答人数之和 / 调查人数之和。"""
    found = _surveys(ix, kind, in_period)
    what = _what(kind, in_period)
    asked = sum(s.respondents for s in found)
    if not asked:
        return Measure(None, f"未见{what}的有效答卷", [s.id for s in found])
    positive = sum(s.positive for s in found)
    share = ratio(positive, asked)
    detail = f"{what}共 {asked} 人，肯定 {positive} 人，占 {format_percent(share)}：{cite(s.id for s in found)}"
    return Measure(share, detail, [s.id for s in found])
