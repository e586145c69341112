"""Primitives over `projects` (安全促进项目): plans, participation, target groups, outcomes, domains.

Whom a project aims at is read as written, else from its name; its 实施方案 is the document it
names, else a plan whose title names the project; its key projects are those marked key, or all
of them when none is marked (the detail says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from ..evidence import Project
from ..measure import Measure, format_percent, ratio
from ..terms import TARGET_KINDS, TARGET_WORDS, Domain
from .registry import primitive
from .common import cite

if TYPE_CHECKING:
    from ..index import Index

TargetKind = Literal["vulnerable_groups", "high_risk_groups", "high_risk_environments"]
Condition = Literal["plan", "population", "improved"]
CONDITION_WORDS = {"plan": "有实施方案", "population": "登记了相关人群人数和参与人数", "improved": "效果指标全部好转"}


def selected(ix: Index, key_only: bool, targeting: list[TargetKind]) -> tuple[list[Project], bool]:
    """Projects running in the period (only key ones if asked; only those aimed at any of the target
    kinds if given), and whether "key" fell back to all projects."""
    chosen, fallback = ix.key_projects() if key_only else ([p for p in ix.ev.projects if ix.running(p)], False)
    if targeting:
        chosen = [p for p in chosen if any(ix.targets(p)[t] for t in targeting)]
    return chosen, fallback


def meets(ix: Index, p: Project, condition: Condition) -> bool:
    if condition == "plan":
        return ix.plan(p) is not None
    if condition == "population":
        return bool(p.target_population) and p.participants is not None
    return bool(p.outcomes) and all(o.improved for o in p.outcomes)


def _what(key_only: bool, targeting: list[TargetKind], fallback: bool = False) -> str:
    names = [TARGET_WORDS[t] for t in targeting]
    aimed = f"针对{'、'.join(names[:-1]) + '或' + names[-1] if len(names) > 1 else names[0]}的" if names else ""
    kind = "重点项目" if key_only and not fallback else "安全促进项目"
    return f"评估期内{aimed}{kind}"


def _fallback_note(fallback: bool) -> str:
    return "（未标明重点项目，按全部项目计）" if fallback else ""


@primitive(unit="count", reads=("projects", "projects.plan", "projects.targets"))
def projects(ix: Index, key_only: bool = False, targeting: list[TargetKind] = [], has: list[Condition] = []) -> Measure:
    """安全促进项目个数：评估期内进行的项目（可只计重点项目、可只计针对所列对象的项目），且满足 has 所列条件
    （plan 有实施方案、population 登记了相关人群人数和参与人数、improved 有效果指标且全部好转）。"""
    chosen, fallback = selected(ix, key_only, targeting)
    found = [p for p in chosen if all(meets(ix, p, c) for c in has)]
    what = _what(key_only, targeting, fallback) + ("（" + "，".join(CONDITION_WORDS[c] for c in has) + "）" if has else "")
    if not found:
        # a project whose name says no target may still aim at one: related evidence, never a blank
        untold = [p.id for p in ix.ev.projects if ix.running(p) and not any(ix.targets(p).values())] if targeting else []
        note = f"；{cite(untold)} 未写明对象，可能是，需核实" if untold and not chosen else ""
        return Measure(0, f"未见{what}{_fallback_note(fallback)}{note}", untold, seen=bool(chosen or untold))
    return Measure(len(found), f"{what} {len(found)} 个：{cite(p.id for p in found)}{_fallback_note(fallback)}", [p.id for p in found])


@primitive(unit="ratio", reads=("projects", "projects.plan", "projects.outcomes", "projects.target_population", "projects.participants"))
def project_share(ix: Index, has: list[Condition], key_only: bool = False, targeting: list[TargetKind] = []) -> Measure:
    """满足 has 所列条件的项目所占比例（“每一项”项目都要做到时要求 100%）；项目的选取同 projects。
    要看效果而项目都没有登记效果指标时，无从判断（需现场核实）。"""
    chosen, fallback = selected(ix, key_only, targeting)
    what = _what(key_only, targeting, fallback)
    if not chosen:
        return Measure(None, f"未见{what}")
    ids = [p.id for p in chosen]
    if "improved" in has and not any(p.outcomes for p in chosen):
        return Measure(None, f"{what} {cite(ids)} 都没有登记效果指标", ids, unknown=True)
    done = [p.id for p in chosen if all(meets(ix, p, c) for c in has)]
    lacking = [pid for pid in ids if pid not in done]
    detail = f"{what}中 {len(done)}/{len(chosen)} 个{'且'.join(CONDITION_WORDS[c] for c in has)}：{cite(done)}"
    if lacking:
        detail += f"；未做到：{cite(lacking)}"
    return Measure(ratio(len(done), len(chosen)), detail + _fallback_note(fallback), ids)


@primitive(unit="ratio", reads=("projects.key", "projects.target_population", "projects.participants"))
def participation(ix: Index) -> Measure:
    """重点项目相关人群参与度中最低的一个：每个重点项目 参与人数 / 相关人群人数，取最小值（“每个重点项目都不应
    少于”）。未标明重点项目时按全部项目计；未登记人数的项目不参与计算，在说明中列出；都未登记时无从判断。
    参与人数多于相关人群人数的不是参与度（多半按人次统计）：不参与计算，需核实（其余项目的否决线照样适用）。"""
    key, fallback = ix.key_projects()
    if not key:
        return Measure(None, "未见评估期内的安全促进项目")
    measured = [(ratio(p.participants, p.target_population), p) for p in key if meets(ix, p, "population")]
    rates = sorted(((r, p) for r, p in measured if r <= 1), key=lambda pair: (pair[0], pair[1].id))
    # More participants than people concerned is no rate: the clerk counted attendances (人次), not people.
    over = sorted((p for r, p in measured if r > 1), key=lambda p: p.id)
    unmeasured = [p.id for p in key if not meets(ix, p, "population")]
    tail = (f"；未登记相关人群人数或参与人数：{cite(unmeasured)}" if unmeasured else "") + _fallback_note(fallback)
    if over:
        tail = "；" + "、".join(f"{p.id} 参与 {p.participants} 人多于相关人群 {p.target_population} 人" for p in over[:6]) \
            + "，参与人数可能按人次统计，需核实实际参与人数" + tail
    ids = [p.id for p in key]
    if not rates:
        if over:
            return Measure(None, tail.removeprefix("；"), ids, unknown=True)
        return Measure(None, f"项目都没有登记相关人群人数和参与人数{tail}", ids, unknown=True)
    lowest, p = rates[0]
    detail = f"参与度最低的{'项目' if fallback else '重点项目'} {p.id} {p.name} {format_percent(lowest)}（{p.participants}/{p.target_population}）"
    others = [f"{q.id} {format_percent(r)}" for r, q in rates[1:]]
    if others:
        detail += f"；其余 {'、'.join(others)}"
    return Measure(lowest, detail + tail, ids, unknown=bool(over))


@primitive(unit="count", reads=("projects.targets", "projects.name"))
def target_kinds(ix: Index) -> Measure:
    """评估期内项目针对的对象类别数（脆弱群体、高危人群、高风险环境，共3类）：项目写明的对象，未写时按项目名称推断。"""
    chosen = [p for p in ix.ev.projects if ix.running(p)]
    targets = {p.id: ix.targets(p) for p in chosen}
    named = {t: sorted({x for p in chosen for x in targets[p.id][t]}) for t in TARGET_KINDS}
    covered = [t for t in TARGET_KINDS if named[t]]
    parts = [f"{TARGET_WORDS[t]}（{'、'.join(named[t])}）" for t in covered]
    detail = f"项目针对了 {len(covered)}/3 类对象" + (f"：{'；'.join(parts)}" if parts else "")
    missing = [TARGET_WORDS[t] for t in TARGET_KINDS if t not in covered]
    if missing:
        detail += f"；未见针对{'、'.join(missing)}的项目"
    ids = [p.id for p in chosen if any(targets[p.id].values())]
    return Measure(len(covered), detail, ids, seen=bool(chosen))


@primitive(unit="count", reads=("projects.domains", "projects.name", "activities.domains", "activities.title"))
def domains_covered(ix: Index, sources: list[Literal["projects", "activities"]]) -> Measure:
    """评估期内所列来源（项目、活动）覆盖的安全领域数（附件2的12个领域；项目未写领域时按名称推断，活动按标题推断）。"""
    covered: set[Domain] = set()
    ids = []
    if "projects" in sources:
        for p in ix.ev.projects:
            domains = ix.project_domains(p)  # as written, else read from its name
            if ix.running(p) and domains:
                covered |= domains
                ids.append(p.id)
    if "activities" in sources:
        for f in ix.activities():
            if f.view.domains:
                covered |= f.view.domains
                ids.append(f.id)
    missing = [d.value for d in Domain if d not in covered]
    detail = f"{'和'.join({'projects': '项目', 'activities': '活动'}[s] for s in sources)}覆盖 {len(covered)}/12 个安全领域"
    if missing:
        detail += f"，未覆盖：{'、'.join(missing)}"
    return Measure(len(covered), detail, ids)
