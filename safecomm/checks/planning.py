"""Primitives over `goals` and `budget`: the targets of 1.5 and 4.x, the money of 1.6, and
whether goals and plans carry the key projects (4.3)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import TYPE_CHECKING, Literal

from ..evidence import Goal
from ..measure import Measure, format_percent, natural_key, ratio
from ..terms import DocumentKind, Horizon
from .registry import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index

GoalProperty = Literal["metric", "baseline", "target", "improving"]
PROPERTY_WORDS = {"metric": "指标", "baseline": "基线值", "target": "目标值", "improving": "改进要求"}
# The vocabulary terms a goal's text uses to say which way it wants its figure to move.
DOWN, UP, NONE, SIZE = "下降", "提高", "零发生", "幅度"
_FIGURE = re.compile(r"\d")


def improving(ix: Index, goal: Goal) -> bool:
    """The goal asks for better than now: a target better than its baseline in the direction its
    text names (下降 / 提高; different from the baseline when it names none), or, without
    figures, a text that states a direction with a figure (下降10%, 下降两成, 减少一半) or a zero (零发生)."""
    said = ix.words.find(goal.text)
    if goal.baseline is not None and goal.target is not None:
        if DOWN in said:
            return goal.target < goal.baseline
        if UP in said:
            return goal.target > goal.baseline
        return goal.target != goal.baseline
    return NONE in said or ((DOWN in said or UP in said) and (SIZE in said or bool(_FIGURE.search(goal.text))))


def horizon_of(ix: Index, goal: Goal) -> Horizon:
    """A goal due after the period is long-term whatever its `horizon` says: it is not this year's goal."""
    if goal.due is not None and goal.due > ix.period.end:
        return Horizon.LONG_TERM
    return goal.horizon


@primitive(unit="count", reads=("goals.horizon", "goals.due", "community.period"))
def goals(ix: Index, horizon: list[Horizon] = []) -> Measure:
    """目标个数：期限类别（年度 / 长期）为所列之一的目标（不限时为全部）。到期日在评估期之后的目标，
    无论写的是哪一类，都按长期目标计（它不是评估年度的目标）。"""
    found = [g for g in ix.ev.goals if not horizon or horizon_of(ix, g) in horizon]
    what = f"{either(h.value for h in horizon)}目标" if horizon else "事故与伤害预防目标"
    if not found:
        return Measure(0, f"未见{what}", seen=bool(ix.ev.goals))
    return Measure(len(found), f"{what} {len(found)} 个：{cite(g.id for g in found)}", [g.id for g in found])


@primitive(unit="ratio", reads=("goals.metric", "goals.baseline", "goals.target", "goals.text"))
def goal_share(ix: Index, require: list[GoalProperty]) -> Measure:
    """写明所列要素的目标所占比例：metric 指标、baseline 基线、target 目标值、improving 改进要求（目标值按文字所说
    的方向优于基线；没有数值时，文字写明了方向和幅度，如“下降10%”“零发生”）。"""
    if not ix.ev.goals:
        return Measure(None, "未见事故与伤害预防目标")
    goals = sorted(ix.ev.goals, key=lambda g: natural_key(g.id))  # the detail must not depend on file order
    lacking = {g.id: [PROPERTY_WORDS[p] for p in require if not _has(ix, g, p)] for g in goals}
    ok = [gid for gid, missing in lacking.items() if not missing]
    detail = f"{len(ok)}/{len(goals)} 个目标写明了{'、'.join(PROPERTY_WORDS[p] for p in require)}：{cite(ok)}"
    gaps = [f"{gid} 缺{'、'.join(missing)}" for gid, missing in lacking.items() if missing]
    if gaps:
        detail += "；" + "；".join(gaps[:6]) + ("等" if len(gaps) > 6 else "")
    return Measure(ratio(len(ok), len(goals)), detail, [g.id for g in goals])


def _has(ix: Index, goal: Goal, prop: GoalProperty) -> bool:
    return improving(ix, goal) if prop == "improving" else getattr(goal, prop) not in (None, "")


def _period_lines(ix: Index):
    years = range(ix.period.start.year, ix.period.end.year + 1)
    return sorted((b for b in ix.ev.budget if b.year in years), key=lambda b: b.year), f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"


@primitive(unit="count", reads=("budget.planned", "community.period"))
def budget_planned(ix: Index) -> Measure:
    """评估期所在年度安排的安全社区工作经费（元，取整）：这些年度预算之和。"""
    lines, years = _period_lines(ix)
    if not lines:
        return Measure(0, f"未见 {years} 年度的经费安排", seen=bool(ix.ev.budget))
    total = sum(Fraction(str(b.planned)) for b in lines)
    return Measure(int(total), f"{years} 年度安排经费 {int(total)} 元", seen=True)


@primitive(unit="ratio", reads=("budget.planned", "budget.spent", "community.period"))
def budget_execution(ix: Index) -> Measure:
    """评估期所在年度的经费执行率：实际支出之和 / 预算之和。这些年度都没有登记支出时无从判断（需核实）。"""
    lines, years = _period_lines(ix)
    planned = sum(Fraction(str(b.planned)) for b in lines)
    if not planned:
        return Measure(None, f"未见 {years} 年度的经费安排", seen=bool(lines))
    if all(b.spent is None for b in lines):
        return Measure(None, f"{years} 年度安排 {int(planned)} 元，未登记实际支出", unknown=True, seen=True)
    spent = sum(Fraction(str(b.spent)) for b in lines if b.spent is not None)
    share = ratio(spent, planned)
    detail = f"{years} 年度安排 {int(planned)} 元，支出 {int(spent)} 元，执行率 {format_percent(share)}"
    unreported = [str(b.year) for b in lines if b.spent is None]
    if unreported:
        detail += f"（{'、'.join(unreported)} 年未登记支出）"
    return Measure(share, detail, seen=True)


@primitive(unit="ratio", reads=("projects.name", "projects.outcomes.metric", "goals.text", "goals.metric", "documents.title", "documents.topics"))
def projects_reflected(ix: Index, plan_kinds: list[DocumentKind], ignore: list[str] = []) -> Measure:
    """目标与计划体现重点工作：重点项目（未标明重点项目时为全部项目）中，在某个目标或某份计划（不含项目自己的
    实施方案）里有体现的比例——效果指标与目标指标相同，或项目名称出现在其中，或二者共有词条（ignore 所列的
    泛用词条如“下降”不算）。"""
    projects, all_of_them = ix.key_projects()
    if not projects:
        return Measure(None, "未见评估期内的安全促进项目", seen=bool(ix.ev.goals))
    own_plans = {d.id for p in ix.ev.projects if (d := ix.plan(p))}
    plans = [f.view for f in ix.documents(plan_kinds, ()) if f.id not in own_plans]
    places = [(g.id, {g.metric} if g.metric else set(), g.text, ix.find(g.text, g.metric)) for g in ix.ev.goals]
    places += [(d.id, set(), d.record.title + "".join(d.record.topics), d.terms) for d in plans]
    skip = set(ignore)
    matched: dict[str, list[str]] = {}
    for p in sorted(projects, key=lambda p: natural_key(p.id)):
        metrics = {o.metric for o in p.outcomes}
        name = p.name.removesuffix("项目")
        terms = set(ix.find(p.name, *(o.metric for o in p.outcomes))) - skip
        matched[p.id] = [pid for pid, their_metrics, text, their_terms in places
                         if metrics & their_metrics or (name and name in text) or terms & set(their_terms)]
    missing = [pid for pid, where in matched.items() if not where]
    what = "项目" if all_of_them else "重点项目"
    detail = f"{len(projects) - len(missing)}/{len(projects)} 个{what}在目标或计划中有体现"
    shown = [f"{pid}→{cite(where)}" for pid, where in matched.items() if where]
    if shown:
        detail += f"（{'；'.join(shown)}）"
    if missing:
        detail += f"；未体现：{cite(missing)}"
    if all_of_them:
        detail += "（未标明重点项目，按全部项目计）"
    ids = [p.id for p in projects] + [i for where in matched.values() for i in where]
    return Measure(ratio(len(projects) - len(missing), len(projects)), detail, ids)
