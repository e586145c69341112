"""Primitives over `surveys`: what residents say about community safety (indicator 12.3)."""

from __future__ import annotations

from fractions import Fraction
from math import ceil
from typing import TYPE_CHECKING

from pydantic import Field

from ..evidence import Survey
from ..measure import Measure, format_percent, ratio
from ..terms import SurveyKind
from .registry import primitive
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


@primitive(unit="bool", reads=("surveys.kind", "surveys.date", "surveys.respondents", "community.households"))
def survey_sample(
    ix: Index,
    kind: list[SurveyKind],
    at_least: int = Field(100, ge=1),
    share_of_households: float = Field(0.01, ge=0, le=1),
    in_period: bool = True,
) -> Measure:
    """调查样本够不够：所列种类的调查（默认评估期内）合计调查人数不少于 at_least 人，且不少于辖区户数的
    share_of_households（如 1%；未填写户数时只看 at_least）。十个人的调查说明不了五万人的满意度。"""
    found = _surveys(ix, kind, in_period)
    what = _what(kind, in_period)
    asked = sum(s.respondents for s in found)
    households = ix.ev.community.households
    need = max(at_least, ceil(households * Fraction(str(share_of_households)))) if households else at_least
    basis = f"辖区 {households} 户的 {format_percent(Fraction(str(share_of_households)))}且不少于 {at_least} 人" if households \
        else f"不少于 {at_least} 人（未填写户数）"
    if not found:
        return Measure(False, f"未见{what}")
    enough = asked >= need
    detail = f"{what}共调查 {asked} 人，样本应不少于 {need} 人（{basis}）" + ("" if enough else "：样本过小，结果不足为凭")
    return Measure(enough, detail, [s.id for s in found])
