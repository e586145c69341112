"""Primitives over `hazards` and `injuries`: finding and controlling hazards, monitoring,
reporting and recording accidents and injuries (indicators 3, 7, 8, 9)."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from pydantic import Field

from ..evidence import Hazard, InjuryYear
from ..measure import Measure, ratio
from ..terms import ControlState, DocumentKind, HazardLevel
from .registry import primitive
from .common import cite, either, listed

if TYPE_CHECKING:
    from ..index import Index

KEY_LEVELS = (HazardLevel.SERIOUS, HazardLevel.MAJOR)


def _hazards(ix: Index, level: list[HazardLevel], in_period: bool) -> list[Hazard]:
    return [h for h in ix.ev.hazards if (not level or h.level in level) and (not in_period or h.found in ix.period)]


def _said(h: Hazard) -> bool:
    """Whether the record says if the hazard is controlled."""
    return h.controlled is not None


def _state(controlled: bool) -> ControlState:
    """`controlled: true` asks for 已控制, `false` for 未控制: 整改中 is neither a closed hazard nor a neglected one."""
    return ControlState.CONTROLLED if controlled else ControlState.OPEN


def _hazard_words(level: list[HazardLevel], in_period: bool) -> str:
    scope = "评估期内发现的" if in_period else ""
    return f"{scope}{either(lv.value for lv in level) + '级' if level else ''}隐患和危险源"


@primitive(unit="count", reads=("hazards.level", "hazards.found", "hazards.controlled", "hazards.high_risk_environment"))
def hazards(
    ix: Index,
    level: list[HazardLevel] = [],
    in_period: bool = False,
    controlled: bool | None = None,
    key: bool = False,
) -> Measure:
    """隐患和危险源记录数：等级为所列之一（不限时为全部），可只计评估期内发现的、已控制（controlled: true）或
    未控制（false）的，或需要重点控制的（key：较大、重大等级或属高风险环境）。数未控制的隐患时，没写是否已控制的
    隐患不算作未控制：所列等级的隐患都没写时无从判断（需现场核实）。"""
    found = _hazards(ix, level, in_period)
    unsaid = [h.id for h in found if not _said(h)]
    if controlled is not None:
        found = [h for h in found if h.controlled is _state(controlled)]
        if not found and unsaid:
            what = _hazard_words(level, in_period)
            return Measure(None, f"{what} {cite(unsaid)} 未写明是否已落实控制措施", unsaid, unknown=True)
    if key:
        found = [h for h in found if h.level in KEY_LEVELS or h.high_risk_environment]
    what = _hazard_words(level, in_period)
    if controlled is not None:
        what = ("已控制的" if controlled else "未控制的") + what
    if key:
        what = "需要重点控制的" + what
    if not found:
        return Measure(0, f"未见{what}", seen=bool(ix.ev.hazards) and controlled is None)
    return Measure(len(found), f"{what} {len(found)} 处：{cite(h.id for h in found)}", [h.id for h in found])


@primitive(unit="ratio", reads=("hazards.level", "hazards.controlled"))
def hazards_controlled(ix: Index, level: list[HazardLevel] = []) -> Measure:
    """已控制的隐患所占比例：等级为所列之一的隐患中已控制的比例；整改中（措施已落实、尚未完成）的不算已控制，
    也不算未控制（没有这类记录时无数据；都没写是否已控制时无从判断，需现场核实）。"""
    found = _hazards(ix, level, False)
    what = _hazard_words(level, False)
    if not found:
        return Measure(None, f"未见{what}记录")
    if not any(_said(h) for h in found):
        return Measure(None, f"{what}记录都未写明是否已落实控制措施", [h.id for h in found], unknown=True)
    open_ = [h.id for h in found if h.controlled is not ControlState.CONTROLLED]
    detail = f"{len(found) - len(open_)}/{len(found)} 处{what}已控制"
    for state, words in ((ControlState.IN_PROGRESS, "整改中（措施已落实，完工并经复查消除后为已控制）"),
                         (ControlState.OPEN, "未控制"), (None, "未写明是否已控制")):
        ids = [h.id for h in found if h.controlled is state]
        if ids:
            detail += f"；{words}：{cite(ids)}"
    return Measure(ratio(len(found) - len(open_), len(found)), detail, [h.id for h in found])


@primitive(unit="count", reads=("hazards.method", "hazards.activity", "hazards.found"))
def hazard_methods(ix: Index, in_period: bool = False) -> Measure:
    """辨识和排查隐患的不同方式数：隐患写明的方式，未写时按发现它的检查推断（所指的检查，或发现当天的检查）。
    隐患都看不出方式时无从判断（需现场核实）。"""
    found = _hazards(ix, [], in_period)
    if not found:
        return Measure(0, f"未见{_hazard_words([], in_period)}记录")
    read = {h.id: ix.hazard_method(h) for h in found}
    methods = sorted({m[0] for m in read.values() if m})
    ids = [h.id for h in found]
    if not methods:
        return Measure(None, f"隐患记录 {cite(ids)} 都看不出辨识方式", ids, unknown=True)
    inferred = [f"{hid} {m[1]}" for hid, m in read.items() if m and m[1]]
    detail = f"隐患辨识用了 {len(methods)} 种方式：{'、'.join(methods)}"
    if inferred:
        detail += f"（按所在检查推断：{cite(inferred)}）"
    return Measure(len(methods), detail, ids)


def _years(ix: Index) -> list[InjuryYear]:
    """Injury years up to the end of the period, oldest first."""
    return sorted((y for y in ix.ev.injuries.years if y.year <= ix.period.end.year), key=lambda y: y.year)


def _series(years: list[InjuryYear]) -> str:
    return " → ".join(f"{y.year}年 {y.total}" for y in years)


@primitive(unit="count", reads=("injuries.sources",))
def injury_sources(ix: Index) -> Measure:
    """事故与伤害数据来源个数：登记的不同来源（卫生服务中心、医院、派出所、交警、消防……）的个数。"""
    sources = sorted(set(listed(ix.ev.injuries.sources)))
    if not sources:
        return Measure(0, "未登记事故与伤害数据来源")
    return Measure(len(sources), f"数据来源 {len(sources)} 个：{'、'.join(sources)}", seen=True)


@primitive(unit="count", reads=("injuries.years", "community.period"))
def injury_years(ix: Index) -> Measure:
    """有事故与伤害总数的年份数：不晚于评估期末所在年份的年度个数。"""
    years = _years(ix)
    if not years:
        return Measure(0, "未见逐年的事故与伤害数据")
    return Measure(len(years), f"{len(years)} 个年度的数据：{_series(years)}", seen=True)


@primitive(unit="bool", reads=("injuries.years", "community.period"))
def injury_trend(ix: Index, years: int = Field(3, ge=2, le=10), tolerance: float = Field(0.05, ge=0, le=0.5)) -> Measure:
    """事故与伤害逐年好转：看最近 years 个年度（截至有数据的最近一年）中有数据的年份，最近一年低于其中最早
    一年，且没有哪一年比前一个有数据的年份上升超过 tolerance（如 5%，容许个别年份的小幅波动）。至少要有两个
    年度才看得出趋势；数据有几个年度是 8.1 的事，这里不因缺年再扣一次。"""
    data = _years(ix)
    recent = [y for y in data if y.year > data[-1].year - years] if data else []
    if len(recent) < 2:
        shown = f"：{_series(data)}" if data else ""
        return Measure(False, f"最近 {years} 个年度中只有 {len(recent)} 个年度的数据，看不出趋势{shown}", seen=bool(data))
    bar = 1 + Fraction(str(tolerance))  # exact: a rise of exactly 5% is within a 5% tolerance
    rises = [(a, b) for a, b in zip(recent, recent[1:]) if b.total > a.total * bar]
    falling = recent[-1].total < recent[0].total
    detail = f"{_series(recent)}：" + ("总体下降" if falling else "未下降")
    if rises:
        detail += "；" + "、".join(f"{b.year}年比{a.year}年上升 {b.total - a.total}" for a, b in rises)
    if len(recent) < years:
        detail += f"（最近 {years} 个年度中有 {len(recent)} 个年度的数据）"
    return Measure(falling and not rises, detail, seen=True)


@primitive(unit="count", reads=("injuries.years.by_cause", "community.period"))
def injury_causes(ix: Index) -> Measure:
    """最近一年按原因分列的事故与伤害类别数（不晚于评估期末的最近一年）。各年都没有按原因分列时无从判断
    （原因分析可能写在报告里：需核实）。"""
    years = _years(ix)
    if not years:
        return Measure(0, "未见逐年的事故与伤害数据")
    latest = years[-1]
    if not latest.by_cause:
        unknown = not any(y.by_cause for y in years)
        return Measure(0 if not unknown else None, f"{latest.year}年的数据没有按原因分列", seen=True, unknown=unknown)
    causes = "、".join(f"{cause} {n}" for cause, n in sorted(latest.by_cause.items()))
    return Measure(len(latest.by_cause), f"{latest.year}年按 {len(latest.by_cause)} 类原因统计：{causes}", seen=True)


@primitive(unit="count", reads=("injuries.reports_to", "documents.title", "documents.topics"))
def reporting_aspects(ix: Index, aspects: dict[str, list[str]], terms: list[str]) -> Measure:
    """事故与伤害报告覆盖的方面数：aspects 的每个方面（如 交通安全）列出代表它的词条（如 交警、交通）；
    登记的报告主管部门，或关于所列词条（如 事故报告）的制度文件的标题和主题，提到其词条即覆盖该方面
    （一个部门只算它提到的第一个方面）。有报告制度却看不出报告去向时无从判断（需核实）。"""
    covered: dict[str, list[str]] = {}
    for dept in sorted(set(listed(ix.ev.injuries.reports_to))):
        found = ix.find(dept)
        name = next((n for n, keys in aspects.items() if any(k in found for k in keys)), None)
        if name:
            covered.setdefault(name, []).append(dept)
    rules = ix.documents((), terms)
    for f in rules:
        for name, keys in aspects.items():
            if any(k in f.view.terms for k in keys):
                covered.setdefault(name, []).append(f.id)
    ids = [f.id for f in rules]
    if not covered:
        if rules:
            return Measure(None, f"报告制度 {cite(ids)} 看不出向哪些主管部门报告", ids, unknown=True)
        return Measure(0, "未见事故与伤害报告的制度和去向", seen=bool(ix.ev.injuries.reports_to))
    missing = [n for n in aspects if n not in covered]
    detail = f"事故与伤害报告覆盖 {len(covered)}/{len(aspects)} 个方面：" + "；".join(
        f"{n}（{'、'.join(covered[n][:3])}）" for n in aspects if n in covered)
    if missing:
        detail += f"；未见：{'、'.join(missing)}"
    return Measure(len(covered), detail, ids, seen=True)


@primitive(unit="count", reads=("documents.title", "documents.topics", "injuries.years.by_cause"))
def record_areas(ix: Index, areas: list[str], terms: list[str], kind: list[DocumentKind] = []) -> Measure:
    """事故与伤害记录覆盖的方面数（如 生产、交通、消防、社会治安、家居）：关于所列词条（如 伤害记录）的
    文件在标题或主题中提到的方面，加上逐年数据按原因分列时各原因对应的方面。不数与记录无关的文件。"""
    docs = ix.documents(kind, terms)
    covered: dict[str, str] = {}
    for f in docs:
        for area in areas:
            if area in f.view.terms:
                covered.setdefault(area, f.id)
    for year in sorted(ix.ev.injuries.years, key=lambda y: y.year):  # not file order: the detail names a year
        for cause in sorted(year.by_cause):
            for area in areas:
                if area in ix.find(cause):
                    covered.setdefault(area, f"{year.year}年数据")
    seen = bool(docs) or any(y.by_cause for y in ix.ev.injuries.years)
    if not seen:
        return Measure(0, "未见事故与伤害记录的制度、台账或分原因数据")
    missing = [a for a in areas if a not in covered]
    detail = f"事故与伤害记录覆盖 {len(covered)}/{len(areas)} 个方面" + (
        "：" + "；".join(f"{a}（{covered[a]}）" for a in areas if a in covered) if covered else "")
    if missing:
        detail += f"；未见：{'、'.join(missing)}"
    return Measure(len(covered), detail, [f.id for f in docs], seen=True)
