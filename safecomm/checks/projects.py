"""Primitives over `projects` (安全促进项目): plans, participation, target groups, outcomes, domains."""

from __future__ import annotations

from typing import Literal

from ..evidence import Evidence, Project
from ..measure import Measure, format_percent, ratio
from ..terms import DocumentKind, Domain
from . import primitive
from .activities import matching as matching_activities
from .common import cite, mentions

TargetKind = Literal["vulnerable_groups", "high_risk_groups", "high_risk_environments"]
TARGET_WORDS = {"vulnerable_groups": "脆弱群体", "high_risk_groups": "高危人群", "high_risk_environments": "高风险环境"}

Condition = Literal["plan", "population", "improved"]
CONDITION_WORDS = {
    "plan": "有实施方案",
    "population": "登记了相关人群人数和参与人数",
    "improved": "效果指标全部好转",
}


def running(ev: Evidence, p: Project) -> bool:
    """The project runs during the period (a missing start or end leaves that side open)."""
    return (p.start is None or p.start <= ev.period.end) and (p.end is None or p.end >= ev.period.start)


def selected(ev: Evidence, key_only: bool, targeting: list[TargetKind]) -> list[Project]:
    """Projects running in the period; only key projects if asked; only those naming someone or
    somewhere under any of the target kinds if given."""
    return [
        p for p in ev.projects
        if running(ev, p)
        and (not key_only or p.key)
        and (not targeting or any(getattr(p.targets, t) for t in targeting))
    ]


def meets(ev: Evidence, p: Project, condition: Condition) -> bool:
    if condition == "plan":
        return any(d.id == p.plan and d.kind is DocumentKind.SCHEME for d in ev.documents)
    if condition == "population":
        return bool(p.target_population) and p.participants is not None
    return bool(p.outcomes) and all(o.improved for o in p.outcomes)


def _what(key_only: bool, targeting: list[TargetKind]) -> str:
    names = [TARGET_WORDS[t] for t in targeting]
    if len(names) > 1:
        names = ["、".join(names[:-1]) + "或" + names[-1]]
    aimed = f"针对{names[0]}的" if names else ""
    return f"评估期内{aimed}{'重点' if key_only else '安全促进'}项目"


@primitive(unit="count", reads=("projects",))
def projects(
    ev: Evidence, key_only: bool = False, targeting: list[TargetKind] = [], has: list[Condition] = []
) -> Measure:
    """安全促进项目个数：评估期内进行的项目（可限重点项目、可限针对所列对象类别的项目），且满足 has 所列条件
    （plan 有 kind 为方案的实施方案、population 登记了相关人群人数和参与人数、improved 有效果指标且全部好转）。"""
    found = [p for p in selected(ev, key_only, targeting) if all(meets(ev, p, c) for c in has)]
    what = _what(key_only, targeting) + ("（" + "，".join(CONDITION_WORDS[c] for c in has) + "）" if has else "")
    if not found:
        return Measure(0, f"未见{what}")
    return Measure(len(found), f"{what} {len(found)} 个：{cite(p.id for p in found)}", [p.id for p in found])


@primitive(unit="ratio", reads=("projects",))
def project_share(
    ev: Evidence, has: list[Condition], key_only: bool = False, targeting: list[TargetKind] = []
) -> Measure:
    """满足 has 所列条件的项目所占比例（“每一项”项目都要做到时要求 100%）；项目的选取同 projects。"""
    chosen = selected(ev, key_only, targeting)
    what = _what(key_only, targeting)
    if not chosen:
        return Measure(None, f"未见{what}")
    done = [p.id for p in chosen if all(meets(ev, p, c) for c in has)]
    lacking = [p.id for p in chosen if p.id not in done]
    detail = f"{what}中 {len(done)}/{len(chosen)} 个{'且'.join(CONDITION_WORDS[c] for c in has)}：{cite(done)}"
    if lacking:
        detail += f"；未做到：{cite(lacking)}"
    return Measure(ratio(len(done), len(chosen)), detail, [p.id for p in chosen])


@primitive(unit="ratio", reads=("projects.key", "projects.target_population", "projects.participants"))
def participation(ev: Evidence) -> Measure:
    """重点项目相关人群参与度中最低的一个：每个重点项目 participants / target_population，取最小值
    （“每个重点项目都不应少于”）。未登记人数的重点项目不参与计算，在说明中列出。"""
    key = selected(ev, True, [])
    if not key:
        return Measure(None, "未见评估期内的重点项目（projects 中 key: true）")
    rates = sorted(
        ((ratio(p.participants, p.target_population), p) for p in key if meets(ev, p, "population")),
        key=lambda pair: (pair[0], pair[1].id),
    )
    unmeasured = [p.id for p in key if not meets(ev, p, "population")]
    tail = f"；未登记相关人群人数或参与人数：{cite(unmeasured)}" if unmeasured else ""
    if not rates:
        return Measure(None, f"重点项目都没有登记相关人群人数和参与人数{tail}", [p.id for p in key])
    lowest, p = rates[0]
    detail = f"参与度最低的重点项目 {p.id} {p.name} {format_percent(lowest)}（{p.participants}/{p.target_population}）"
    others = [f"{q.id} {format_percent(r)}" for r, q in rates[1:]]
    if others:
        detail += f"；其余 {'、'.join(others)}"
    return Measure(lowest, detail + tail, [p.id for p in key])


@primitive(unit="count", reads=("projects.targets",))
def target_kinds(ev: Evidence) -> Measure:
    """评估期内项目针对的对象类别数（脆弱群体、高危人群、高风险环境，共3类）：有项目在该类下写明对象即计入。"""
    chosen = selected(ev, False, [])
    named = {t: sorted({x for p in chosen for x in getattr(p.targets, t)}) for t in TARGET_WORDS}
    covered = [t for t, xs in named.items() if xs]
    parts = [f"{TARGET_WORDS[t]}（{'、'.join(named[t])}）" for t in covered]
    detail = f"项目针对了 {len(covered)}/3 类对象" + (f"：{'；'.join(parts)}" if parts else "")
    missing = [TARGET_WORDS[t] for t in TARGET_WORDS if t not in covered]
    if missing:
        detail += f"；未见针对{'、'.join(missing)}的项目"
    ids = [p.id for p in chosen if any(getattr(p.targets, t) for t in TARGET_WORDS)]
    return Measure(len(covered), detail, ids)


@primitive(unit="count", reads=("projects.domains", "activities.domains"))
def domains_covered(ev: Evidence, sources: list[Literal["projects", "activities"]]) -> Measure:
    """评估期内所列来源（项目、活动）覆盖的安全领域数（附件2的12个领域）。"""
    records = []
    if "projects" in sources:
        records += selected(ev, False, [])
    if "activities" in sources:
        records += matching_activities(ev, [])
    covered = {d for r in records for d in r.domains}
    missing = [d.value for d in Domain if d not in covered]
    detail = f"{'和'.join({'projects': '项目', 'activities': '活动'}[s] for s in sources)}覆盖 {len(covered)}/12 个安全领域"
    if missing:
        detail += f"，未覆盖：{'、'.join(missing)}"
    return Measure(len(covered), detail, [r.id for r in records if r.domains])


@primitive(unit="ratio", reads=("projects.outcomes.metric", "projects.name", "goals.metric", "goals.text"))
def projects_in_goals(ev: Evidence) -> Measure:
    """目标体现重点工作：评估期内的重点项目中，其效果指标或名称出现在某个目标（指标或文字）中的比例。"""
    key = selected(ev, True, [])
    if not key:
        return Measure(None, "未见评估期内的重点项目（projects 中 key: true）")
    matched: dict[str, list[str]] = {}
    for p in key:
        names = [o.metric for o in p.outcomes] + [p.name]
        matched[p.id] = [g.id for g in ev.goals if g.metric in names or mentions(names, g.text)]
    missing = [pid for pid, gids in matched.items() if not gids]
    done = len(key) - len(missing)
    detail = f"{done}/{len(key)} 个重点项目在目标中有体现"
    shown = [f"{pid}→{'、'.join(gids)}" for pid, gids in matched.items() if gids]
    if shown:
        detail += f"（{'；'.join(shown)}）"
    if missing:
        detail += f"；目标中未体现：{cite(missing)}"
    return Measure(ratio(done, len(key)), detail, [p.id for p in key] + [g for gids in matched.values() for g in gids])
