"""Primitives over `hazards` and `injuries`: finding and controlling hazards, monitoring and
reporting accidents and injuries (indicators 3, 7, 8, 9)."""

from __future__ import annotations

from typing import Literal

from ..evidence import Evidence, Hazard, InjuryYear
from ..measure import Measure, ratio
from ..terms import HazardLevel
from . import primitive
from .common import cite, mentions, words


def _hazards(ev: Evidence, level: list[HazardLevel], in_period: bool) -> list[Hazard]:
    return [h for h in ev.hazards if (not level or h.level in level) and (not in_period or h.found in ev.period)]


def _hazard_words(level: list[HazardLevel], in_period: bool) -> str:
    scope = "评估期内发现的" if in_period else ""
    return f"{scope}{words(lv.value for lv in level) + '级' if level else ''}隐患/危险源"


@primitive(unit="count", reads=("hazards.level", "hazards.found", "hazards.controlled", "hazards.high_risk_environment"))
def hazards(
    ev: Evidence,
    level: list[HazardLevel] = [],
    in_period: bool = False,
    controlled: bool | None = None,
    high_risk_environment: bool = False,
) -> Measure:
    """隐患/危险源记录数：level 为所列之一（不限时为全部），可只计评估期内发现的、
    已控制（controlled: true）或未控制（controlled: false）的、属高风险环境的。"""
    found = _hazards(ev, level, in_period)
    if controlled is not None:
        found = [h for h in found if h.controlled is controlled]
    if high_risk_environment:
        found = [h for h in found if h.high_risk_environment]
    what = _hazard_words(level, in_period)
    if controlled is not None:
        what = ("已控制的" if controlled else "未控制的") + what
    if high_risk_environment:
        what = "高风险环境中的" + what
    if not found:
        return Measure(0, f"未见{what}")
    return Measure(len(found), f"{what} {len(found)} 处：{cite(h.id for h in found)}", [h.id for h in found])


@primitive(unit="ratio", reads=("hazards.level", "hazards.controlled"))
def hazards_controlled(ev: Evidence, level: list[HazardLevel] = []) -> Measure:
    """已落实控制措施的隐患所占比例：level 为所列之一的 hazards 中 controlled 为真的比例（没有这类记录时无数据）。"""
    found = _hazards(ev, level, False)
    what = _hazard_words(level, False)
    if not found:
        return Measure(None, f"未见{what}记录（hazards）")
    open_ = [h.id for h in found if not h.controlled]
    detail = f"{len(found) - len(open_)}/{len(found)} 处{what}已控制"
    if open_:
        detail += f"，未控制：{cite(open_)}"
    return Measure(ratio(len(found) - len(open_), len(found)), detail, [h.id for h in found])


@primitive(unit="count", reads=("hazards.method", "hazards.category", "hazards.place"))
def hazard_variety(ev: Evidence, field: Literal["method", "category", "place"], in_period: bool = False) -> Measure:
    """隐患记录的多样性：field（method 辨识方式 / category 类别 / place 地点）不同取值的个数。"""
    found = _hazards(ev, [], in_period)
    label = {"method": "辨识方式", "category": "类别", "place": "地点"}[field]
    if not found:
        return Measure(0, f"未见{_hazard_words([], in_period)}记录（hazards）")
    values = sorted({getattr(h, field) for h in found if getattr(h, field)})
    listed = "、".join(values) or f"未注明（{field}）"
    return Measure(len(values), f"隐患记录涉及 {len(values)} 种{label}：{listed}", [h.id for h in found])


def _years(ev: Evidence) -> list[InjuryYear]:
    """Injury years up to the end of the period, oldest first."""
    return sorted((y for y in ev.injuries.years if y.year <= ev.period.end.year), key=lambda y: y.year)


def _series(years: list[InjuryYear]) -> str:
    return " → ".join(f"{y.year}年 {y.total}" for y in years)


@primitive(unit="count", reads=("injuries.sources",))
def injury_sources(ev: Evidence) -> Measure:
    """事故与伤害数据来源个数：injuries.sources 中不同来源的个数。"""
    sources = sorted(set(ev.injuries.sources))
    if not sources:
        return Measure(0, "未写明事故与伤害数据来源（injuries.sources）")
    return Measure(len(sources), f"数据来源 {len(sources)} 个：{'、'.join(sources)}")


@primitive(unit="count", reads=("injuries.years", "community.period"))
def injury_years(ev: Evidence) -> Measure:
    """有事故与伤害总数的年份数：injuries.years 中不晚于评估期末所在年份的年度个数。"""
    years = _years(ev)
    if not years:
        return Measure(0, "未见逐年事故与伤害数据（injuries.years）")
    return Measure(len(years), f"{len(years)} 个年度的数据：{_series(years)}")


@primitive(unit="count", reads=("injuries.years", "community.period"))
def injury_trend(ev: Evidence) -> Measure:
    """事故与伤害总数连续下降的年数：从最近一年往前数，逐年（相邻年份）下降的次数；不足两年时无数据。"""
    years = _years(ev)
    if len(years) < 2:
        return Measure(None, f"不足两个年度的数据，看不出趋势{'：' + _series(years) if years else ''}")
    falls = 0
    for earlier, later in zip(reversed(years[:-1]), reversed(years)):
        if later.year != earlier.year + 1 or later.total >= earlier.total:
            break
        falls += 1
    detail = f"{_series(years)}：" + (f"最近连续 {falls} 年下降" if falls else f"{years[-1].year}年未比上一年下降")
    gaps = [str(y) for y in range(years[0].year, years[-1].year) if y not in {x.year for x in years}]
    if gaps:
        detail += f"（缺 {'、'.join(gaps)} 年数据）"
    return Measure(falls, detail)


@primitive(unit="count", reads=("injuries.years.by_cause", "community.period"))
def injury_causes(ev: Evidence) -> Measure:
    """最近一年按原因分类的事故与伤害类别数：不晚于评估期末的最近一年 by_cause 中的原因个数。"""
    years = _years(ev)
    if not years:
        return Measure(0, "未见逐年事故与伤害数据（injuries.years）")
    latest = years[-1]
    if not latest.by_cause:
        return Measure(0, f"{latest.year}年的数据没有按原因分类（by_cause）")
    causes = "、".join(f"{cause} {n}" for cause, n in sorted(latest.by_cause.items()))
    return Measure(len(latest.by_cause), f"{latest.year}年按 {len(latest.by_cause)} 类原因统计：{causes}")


@primitive(unit="count", reads=("injuries.reports_to",))
def injury_reports(ev: Evidence, authorities: dict[str, list[str]]) -> Measure:
    """报告去向覆盖的方面数：authorities 每个方面（如 交通安全）列出主管部门的关键词（如 交警、交通），
    injuries.reports_to 中的每个部门只算作它提到关键词的第一个方面（“公安局交警大队”列在交通安全之下，
    就不再算社会治安），有部门算作该方面即覆盖。"""
    reports_to = ev.injuries.reports_to
    if not reports_to:
        return Measure(0, "未写明事故与伤害报告的主管部门（injuries.reports_to）")
    aspect = [next((name for name, keys in authorities.items() if mentions(keys, r)), None) for r in reports_to]
    covered = [name for name in authorities if name in aspect]
    missing = [name for name in authorities if name not in covered]
    detail = f"报告 {'、'.join(sorted(reports_to))}，覆盖 {len(covered)}/{len(authorities)} 个方面"
    if missing:
        detail += f"，未见报告去向：{'、'.join(missing)}"
    return Measure(len(covered), detail)

