"""Primitives over `goals` and `budget`: the work targets of 1.5 and 4.x, the money of 1.6."""

from __future__ import annotations

from fractions import Fraction
from typing import Literal

from ..evidence import Evidence, Goal
from ..measure import Measure, format_percent, natural_key, ratio
from ..terms import Horizon
from . import primitive
from .common import cite, mentions, words

# Words that tell which way a goal wants its metric to move (goals carry no `better` field).
DOWN = ("下降", "降低", "减少")
UP = ("提高", "提升", "增加", "上升")

GoalProperty = Literal["metric", "baseline", "target", "improving"]
PROPERTY_WORDS = {"metric": "指标", "baseline": "基线值", "target": "目标值", "improving": "改进方向"}


def improving(goal: Goal) -> bool:
    """The target is better than the baseline: in the direction the text names (下降 / 提高),
    or at least different from the baseline when the text names none."""
    if goal.baseline is None or goal.target is None:
        return False
    if mentions(DOWN, goal.text):
        return goal.target < goal.baseline
    if mentions(UP, goal.text):
        return goal.target > goal.baseline
    return goal.target != goal.baseline


def _has(goal: Goal, prop: GoalProperty) -> bool:
    if prop == "improving":
        return improving(goal)
    return getattr(goal, prop) not in (None, "")


@primitive(unit="count", reads=("goals.horizon",))
def goals(ev: Evidence, horizon: list[Horizon] = []) -> Measure:
    """目标个数：goals 中 horizon（年度 / 长期）为所列之一的目标（不限时为全部）。"""
    found = [g for g in ev.goals if not horizon or g.horizon in horizon]
    what = f"{words(h.value for h in horizon)}目标" if horizon else "事故与伤害预防目标"
    if not found:
        return Measure(0, f"未见{what}（goals）")
    return Measure(len(found), f"{what} {len(found)} 个：{cite(g.id for g in found)}", [g.id for g in found])


@primitive(unit="ratio", reads=("goals.metric", "goals.baseline", "goals.target", "goals.text"))
def goal_share(ev: Evidence, require: list[GoalProperty]) -> Measure:
    """写明所列要素的目标所占比例：metric 指标、baseline 基线、target 目标值、improving 目标值优于基线
    （按目标文字中的“下降/降低/减少”或“提高/提升/增加/上升”判断方向，未写方向时要求与基线不同）。"""
    if not ev.goals:
        return Measure(None, "未见事故与伤害预防目标（goals）")
    goals = sorted(ev.goals, key=lambda g: natural_key(g.id))  # the detail must not depend on file order
    lacking = {g.id: [PROPERTY_WORDS[p] for p in require if not _has(g, p)] for g in goals}
    ok = [gid for gid, missing in lacking.items() if not missing]
    detail = f"{len(ok)}/{len(ev.goals)} 个目标写明了{'、'.join(PROPERTY_WORDS[p] for p in require)}：{cite(ok)}"
    gaps = [f"{gid} 缺{'、'.join(missing)}" for gid, missing in lacking.items() if missing]
    if gaps:
        detail += "；" + "；".join(gaps[:6]) + ("等" if len(gaps) > 6 else "")
    return Measure(ratio(len(ok), len(ev.goals)), detail, [g.id for g in ev.goals])


def _period_lines(ev: Evidence):
    years = range(ev.period.start.year, ev.period.end.year + 1)
    return [b for b in ev.budget if b.year in years], f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"


@primitive(unit="count", reads=("budget.planned", "community.period"))
def budget_planned(ev: Evidence) -> Measure:
    """评估期所在年度安排的安全社区工作经费（元，取整）：budget 中这些年度 planned 之和。"""
    lines, years = _period_lines(ev)
    if not lines:
        return Measure(0, f"未见 {years} 年度的经费安排（budget）")
    total = sum(Fraction(str(b.planned)) for b in lines)
    return Measure(int(total), f"{years} 年度安排经费 {int(total)} 元")


@primitive(unit="ratio", reads=("budget.planned", "budget.spent", "community.period"))
def budget_execution(ev: Evidence) -> Measure:
    """评估期所在年度的经费执行率：spent 之和 / planned 之和（未填 spent 的年度按未支出计）。"""
    lines, years = _period_lines(ev)
    planned = sum(Fraction(str(b.planned)) for b in lines)
    if not planned:
        return Measure(None, f"未见 {years} 年度的经费安排（budget）")
    spent = sum(Fraction(str(b.spent)) for b in lines if b.spent is not None)
    share = ratio(spent, planned)
    detail = f"{years} 年度安排 {int(planned)} 元，支出 {int(spent)} 元，执行率 {format_percent(share)}"
    unreported = [str(b.year) for b in lines if b.spent is None]
    if unreported:
        detail += f"（{'、'.join(unreported)} 年未填写支出 spent）"
    return Measure(share, detail)
