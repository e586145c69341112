"""Evaluate a rule set against a community's evidence: `assess(evidence, scheme) -> Assessment`.

Pure: reads only its arguments. An item is C when it shows no related evidence of any kind,
or when a veto line is crossed or a named severe defect holds; any related evidence gives at
least B; A when every A-level check passes. A check that cannot be settled on paper (the bundle
never uses the field it needs) asks for on-site confirmation and keeps the item at B at most,
never C by itself. A check that cites another item's (`see`) shows that item's finding and
counts as related evidence, but only its owner is graded on it. Items the rule set marks not
applicable are listed with the reason, not graded. A points rule set scores the same results
(scoring.py). The verdict comes from the rule set's verdict policy, which may also count the
eligibility conditions not met.

The results, the assessment itself included, are built without validating them again
(`Result.built`): every value is already of its field's type, and a run that writes the JSON builds
the result models' validator once, not one per part. A test validates whole results again and
compares (tests/test_properties.py).
"""

from __future__ import annotations

import functools
from collections import Counter
from fractions import Fraction

from . import assessment as out
from . import sample, scoring
from .checks import REGISTRY
from .collector import paused
from .checks.activities import per_quarter
from .evidence import Evidence, digest
from .index import Index
from .measure import as_number, format_value, natural_key
from .notes import warnings
from .scheme import POINTS_FIGURES, Check, Item, Scheme, VerdictPolicy
from .scoring import Tally
from .terms import ActivityKind, Audience

GRADES = ("A", "B", "C")
# What the education-per-quarter chart counts: the forms 6.4 names, for residents.
EDUCATION = [ActivityKind.EDUCATION, ActivityKind.TRAINING, ActivityKind.DRILL, ActivityKind.PUBLICITY]
TAGS = {"A": "A", "defect": "严重缺陷", "related": "B"}


def assess(evidence: Evidence, scheme: Scheme) -> out.Assessment:
    with paused():
        return _assess(evidence, scheme)


def _assess(evidence: Evidence, scheme: Scheme) -> out.Assessment:
    scheme = scheme.for_kind(evidence.community.kind.value)
    real, left_out = sample.split(evidence)
    index = Index(real, scheme)
    own = {}
    for _, item in scheme.items():
        view = index.at(item.id)
        for check in item.checks:
            if check.primitive:
                own[f"{item.id}/{check.id}"] = evaluate_check(view, check)
    graded = [(indicator, item) for indicator, item in scheme.items() if not item.not_applicable]
    items = [evaluate_item(indicator.id, item, own) for indicator, item in graded]
    thresholds = [
        _threshold(item.id, check, own[f"{item.id}/{check.id}"])
        for _, item in graded for check in item.checks if check.threshold
    ]
    eligibility = [
        out.ConditionResult.built(**check_fields(index, condition), required=condition.required)
        for condition in (scheme.eligibility.conditions if scheme.eligibility else [])
    ]
    community = evidence.community
    return out.Assessment.built(
        scheme=scheme_ref(scheme),
        community=out.CommunityInfo.built(
            name=community.name,
            title=community.display_title,
            kind=community.kind.value,
            province=community.province,
            city=community.city,
            county=community.county,
            population=community.population,
            households=community.households,
            launched=community.launched.isoformat() if community.launched else None,
            designated=community.designated.isoformat() if community.designated else None,
            summary=community.summary,
            contact=community.contact.name if community.contact else None,
            phone=community.contact.phone if community.contact else None,
        ),
        period=out.Period.built(start=evidence.period.start.isoformat(), end=evidence.period.end.isoformat()),
        evidence_digest=digest(evidence),
        not_applicable=[
            out.NotApplicable.built(id=item.id, indicator=indicator.id, text=item.text, reason=item.not_applicable)
            for indicator, item in scheme.items() if item.not_applicable
        ],
        thresholds=thresholds,
        eligibility=eligibility,
        grading=scheme.grading.note,
        explanation="".join(x for x in (scheme.grading.printed, scheme.verdict.printed) if x),
        sample=bool(left_out) or sample.community_is_sample(evidence),
        facts=facts(index, scheme),
        evidence_index=evidence_index(evidence),
        warnings=warnings(evidence, scheme, left_out),
        **conclude(scheme, items, eligibility),
    )


def scheme_ref(scheme: Scheme) -> out.SchemeRef:
    lineage = scheme.lineage
    return out.SchemeRef.built(
        id=scheme.id, version=scheme.version, title=scheme.title, digest=scheme.digest,
        bases=list(lineage.bases) if lineage else [], changes=list(lineage.changes) if lineage else [],
        scoring=scheme.scoring.method, kind=scheme.kind,
    )


def conclude(scheme: Scheme, items: list[out.ItemResult], eligibility: list[out.ConditionResult]) -> dict:
    """What follows from the (final) item grades: points, per-indicator and overall counts, the
    score and the verdict. The engine and a review both conclude with it."""
    items = scoring.with_points(scheme, items)
    tally = scoring.tally(scheme, items)
    verdict = decide(scheme.verdict, items, tally, eligibility)
    return {
        "items": items,
        "indicators": indicator_results(scheme, items),
        "counts": grade_counts(items),
        "score": tally.result(verdict.verdict, scheme.scoring.note) if tally else None,
        "verdict": verdict,
    }


def sections(reads: tuple[str, ...]) -> list[str]:
    """The titles of the evidence sections a primitive reads (`budget.planned` → 经费), in its order."""
    return list(_sections(reads))


@functools.cache
def _sections(reads: tuple[str, ...]) -> tuple[str, ...]:
    names = dict.fromkeys(path.split(".")[0] for path in reads if not path.startswith("community"))
    return tuple(Evidence.model_fields[name].title for name in names if name in Evidence.model_fields)


def evaluate_check(index: Index, check: Check) -> out.CheckResult:
    return out.CheckResult.built(**check_fields(index, check))


def check_fields(index: Index, check: Check) -> dict:
    """A check's result as plain data, every value already of its field's type (read for about a
    hundred checks per assessment: one call of the primitive, no model in between)."""
    primitive = REGISTRY[check.primitive]
    index.claimed = []
    value, detail, ids, seen, unknown, hint = primitive.func(index, **check.args)
    claimed = sorted(set(index.claimed).intersection(ids), key=natural_key) if index.claimed else None
    unit = primitive.unit
    if unit == "bool":
        passed, vetoed = bool(value), False
    else:
        passed = check.target.holds(value)
        vetoed = check.veto is not None and check.veto.holds(value)
    if vetoed:
        status = "failed"
    elif passed and not unknown:
        status = "passed"
    else:
        status = "unknown" if unknown else "failed"
    target, veto = check.bound_texts
    return {
        "id": check.id,
        "level": check.level,
        "requirement": check.requirement,
        "passed": status == "passed",
        "status": status,
        "seen": seen,
        "cites": None,
        "detail": detail,
        "hint": hint,
        "confirm": f"按标注采用，需核实内容：{'、'.join(claimed)}" if claimed and status == "passed" else None,
        "evidence": list(ids),
        "sections": list(_sections(primitive.reads)) if seen else [],
        "measured": as_number(value),
        "measured_text": None if unit == "bool" else format_value(value, unit),
        "target": target,
        "veto": veto,
        "vetoed": vetoed,
    }


def _cited(check: Check, owner: out.CheckResult) -> out.CheckResult:
    """The owner's finding shown in the citing item: related evidence here, graded only there."""
    item_id = check.see.split("/")[0]
    return out.CheckResult.built(**{
        **owner.__dict__, "id": check.id, "level": "related", "requirement": check.requirement, "cites": check.see,
        "detail": f"见 {item_id}：{owner.detail}", "vetoed": False, "hint": None, "confirm": None,
        "evidence": list(owner.evidence), "sections": list(owner.sections),  # its own lists, as a copy's
    })


def evaluate_item(indicator_id: str, item: Item, own: dict[str, out.CheckResult]) -> out.ItemResult:
    checks, rules, mine, vetoed, defects, wanting, seen = [], {}, [], [], [], [], False
    for rule in item.checks:  # one pass: read for every item of every bundle
        c = own[f"{item.id}/{rule.id}"] if rule.primitive else _cited(rule, own[rule.see])
        checks.append(c)
        rules[c.id] = rule
        seen = seen or c.seen
        if c.cites is None:
            mine.append(c)
            if c.vetoed:
                vetoed.append(c)
            if c.status != "passed":
                if c.level == "A":
                    wanting.append(c)
                elif c.level == "defect" and c.status == "failed" and c.seen:  # nothing seen names no defect
                    defects.append(c)
    if vetoed or defects or not seen:
        grade = "C"
    else:
        grade = "B" if wanting else "A"
    # A blank item needs evidence, not a visit; what a related check could not settle matters only short of A.
    unknown = [c for c in mine if c.status == "unknown" and (c.level != "related" or grade != "A")] if seen else []
    confirm = "；".join(filter(None, [item.confirm] + [f"文件中无从判断：{c.requirement}" for c in unknown]
                              + [c.confirm for c in mine if c.confirm])) or None
    if grade == "A":
        todo = []
    elif not seen:
        todo = [c for c in mine if c.level != "related"]
    else:
        todo = vetoed + defects + [c for c in wanting if c not in vetoed]
    return out.ItemResult.built(
        id=item.id,
        indicator=indicator_id,
        text=item.text,
        grade=grade,
        final_grade=grade,
        override=None,
        reason=_reason(checks, vetoed, defects, seen, wanting, rules),
        needs_review=confirm is not None,
        confirm=confirm,
        vetoed=bool(vetoed),
        checks=checks,
        advice=[_advice(rules[c.id], c, plain=False) for c in todo],
        plain_advice=[_advice(rules[c.id], c, plain=True) for c in todo],
        points=None,
    )


def _reason(checks, vetoed, defects, seen, wanting, rules) -> str:
    """One line: the veto, the defect, the blank, else the first thing short of A, else what showed A."""
    if vetoed:
        c = vetoed[0]
        shown = "" if c.measured_text in c.detail else f"{c.measured_text}，"  # say the value once
        return f"否决：{c.detail}（{shown}否决线 {c.veto}）"
    if not seen:  # a defect check that saw nothing names no defect: the item is blank
        return f"空白：未见与本条目相关的证据（{checks[0].detail}）"
    if defects:
        c = defects[0]
        return f"严重缺陷：{c.detail}（{rules[c.id].why}）"
    if wanting:
        failed = [c for c in wanting if c.status == "failed"] or wanting
        others = [c.requirement for c in wanting if c is not failed[0]]
        more = f"；另有 {len(others)} 项未达到或待核实：{'；'.join(others)}" if others else ""  # named, never just counted
        return f"{failed[0].detail}{more}"
    strongest = next((c for c in reversed(checks) if c.level == "A" and c.cites is None), checks[-1])
    return strongest.detail


def _advice(rule: Check, result: out.CheckResult, plain: bool) -> str:
    """The rule set's advice with the gap to the target; for whoever fills in the evidence, the tag
    and how to record it; for the stamped papers, the advice alone."""
    if result.status == "unknown":
        return f"备齐材料供现场核实：{rule.requirement}" if plain else f"[核实] {rule.requirement}：{rule.record or rule.advice}"
    text = f"{rule.advice}{_gap(rule, result)}"
    if plain:
        return text
    tag = "否决" if result.vetoed else TAGS[rule.level]
    return f"[{tag}] {text}" + (f"——{rule.record}" if rule.record else "")


def _gap(rule: Check, result: out.CheckResult) -> str:
    if rule.target and rule.unit == "count" and rule.target.op in (">=", ">") and not result.vetoed:
        need = int(rule.target.value) + (1 if rule.target.op == ">" else 0)
        have = int(result.measured or 0)
        if need > have:
            return f"（现有 {have}，还差 {need - have}）"
    elif rule.target and rule.unit == "ratio" and result.measured_text:
        return f"（现为 {result.measured_text}，要求 {result.target}）"
    return ""


def _threshold(item_id: str, check: Check, result: out.CheckResult) -> out.ThresholdResult:
    if result.measured is None:
        status = "no_data"
    elif result.vetoed:
        status = "veto"
    elif result.passed:
        status = "met"
    else:
        status = "not_met"
    return out.ThresholdResult.built(
        item=item_id,
        check=check.id,
        name=check.threshold,
        measured=result.measured,
        measured_text=result.measured_text or format_value(result.measured, check.unit),
        target=result.target or "",
        veto=result.veto,
        status=status,
    )


def grade_counts(items: list[out.ItemResult]) -> dict[str, int]:
    tally = Counter(i.final_grade for i in items)
    return {g: tally.get(g, 0) for g in GRADES}


def indicator_results(scheme: Scheme, items: list[out.ItemResult]) -> list[out.IndicatorResult]:
    results = []
    for indicator in scheme.indicators:
        mine = [i for i in items if i.indicator == indicator.id]
        results.append(out.IndicatorResult.built(
            id=indicator.id, title=indicator.title, items=[i.id for i in mine], counts=grade_counts(mine)
        ))
    return results


def decide(policy: VerdictPolicy, items: list[out.ItemResult], tally: Tally | None = None,
           eligibility: list[out.ConditionResult] = ()) -> out.Verdict:
    """Apply the verdict policy to the final grades (and points, and eligibility): the first rule whose
    conditions all hold. Every eligibility condition is a reason, whatever the rule."""
    figures = dict(grade_counts(items))
    figures["vetoes"] = sum(1 for i in items if i.vetoed)
    figures["review"] = sum(1 for i in items if i.needs_review)
    figures["ineligible"] = sum(1 for c in eligibility if c.required and c.status == "failed")
    if tally:
        figures["total"], figures["zero"] = tally.total, len(tally.zero)
    overridden = sum(1 for i in items if i.overridden)
    for rule in policy.rules:
        if all(bound.holds(figures[key]) for key, bound in rule.when.items()):
            # A points verdict always states the total and the items at 0, whatever its rule tests.
            shown = list(rule.when) + [key for key in POINTS_FIGURES if tally and key not in rule.when]
            reasons = [_condition(key, items, tally, eligibility) for key in shown]
            if rule.reason:
                reasons.append(rule.reason)
            reasons += [_eligibility(c) for c in eligibility]
            if overridden:
                reasons.append(f"其中 {overridden} 项为审核改判后的等级")
            return out.Verdict.built(
                verdict=rule.verdict, ready=rule.verdict == policy.ready, reasons=reasons,
                policy=policy.note, overridden=overridden,
            )
    raise AssertionError("a verdict policy always ends with a default rule")  # enforced by VerdictPolicy


def _condition(key: str, items: list[out.ItemResult], tally: Tally | None, eligibility: list[out.ConditionResult]) -> str:
    if key == "vetoes":
        vetoed = [i for i in items if i.vetoed]
        return f"否决项 {len(vetoed)} 项：" + "；".join(f"{i.id} {i.reason}" for i in vetoed) if vetoed else "无否决项"
    if key == "review":
        flagged = [i.id for i in items if i.needs_review]
        return f"需现场核实 {len(flagged)} 项：{'、'.join(flagged)}"
    if key == "total":
        return tally.words()
    if key == "zero":
        return f"0 分条目 {len(tally.zero)} 项：{'、'.join(tally.zero)}" if tally.zero else "无 0 分条目"
    if key == "ineligible":
        unmet = [c.requirement for c in eligibility if c.required and c.status == "failed"]
        return f"不满足申报条件 {len(unmet)} 项：{'；'.join(unmet)}" if unmet else "满足全部申报条件"
    graded = [i.id for i in items if i.final_grade == key]
    return f"{key} 级 {len(graded)} 项" + (f"：{'、'.join(graded)}" if graded else "")


ELIGIBILITY = {"passed": "满足", "failed": "不满足", "unknown": "待核实"}


def _eligibility(condition: out.ConditionResult) -> str:
    """`申报条件（不满足）：创建满半年——…`; a condition that decides nothing is a 说明."""
    head = f"申报条件（{ELIGIBILITY[condition.status]}）" if condition.required else "说明"
    return f"{head}：{condition.requirement}——{condition.detail}"


def facts(index: Index, scheme: Scheme) -> out.Facts:
    ev = index.ev
    injuries = sorted((y.year, y.total) for y in ev.injuries.years)
    key, _ = index.key_projects()
    participation = [
        (p.id, p.name, as_number(Fraction(p.participants or 0, p.target_population)) if p.target_population else None)
        for p in sorted(key, key=lambda p: natural_key(p.id))
    ]
    # The chart's 50% and 30% lines are the rule set's own, from the check that measures the same figure.
    rule = next((c for _, item in scheme.items() for c in item.checks if c.primitive == "participation" and c.target), None)
    return out.Facts.built(
        injuries=injuries, participation=participation,
        education_per_quarter=per_quarter(index, EDUCATION, [Audience.RESIDENTS]),
        participation_target=rule.target.value if rule else None,
        participation_veto=rule.veto.value if rule and rule.veto else None,
    )


def evidence_index(evidence: Evidence) -> list[out.IndexEntry]:
    entries = []
    for d in evidence.documents:
        files = [d.file] if d.file else []
        entries.append(out.IndexEntry.built(
            id=d.id, kind=d.kind.value, title=d.title, date=d.issued.isoformat() if d.issued else None,
            files=files, sha256=[_sha(evidence, f) for f in files],
        ))
    for a in evidence.activities:
        if a.files:
            files = sorted(set(a.files))  # the order attachments were listed in is not meaning
            entries.append(out.IndexEntry.built(
                id=a.id, kind=a.kind.value, title=a.title, date=a.date.isoformat(),
                files=files, sha256=[_sha(evidence, f) for f in files],
            ))
    return sorted(entries, key=lambda e: natural_key(e.id))


def _sha(evidence: Evidence, path: str) -> str | None:
    found = evidence.attachments.get(path)
    return found.sha256 if found else None
