"""Evaluate a rule set against a community's evidence: `assess(evidence, scheme) -> Assessment`.

Pure: reads only its arguments. An item is A when every check passes, B when every B-level
check passes, else C; a check whose veto line is crossed makes the item C and is reported
as a veto. The verdict comes from the rule set's verdict policy.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from . import assessment as out
from .checks import REGISTRY
from .checks.activities import matching
from .checks.common import quarter, quarter_name, quarters
from .evidence import Evidence, digest
from .measure import as_number, format_value
from .scheme import Check, Item, Scheme, VerdictPolicy
from .terms import ActivityKind, Audience

GRADES = ("A", "B", "C")
# What the education-per-quarter chart counts: the forms 6.4 names, for residents.
EDUCATION = [ActivityKind.EDUCATION, ActivityKind.TRAINING, ActivityKind.DRILL, ActivityKind.PUBLICITY]


def assess(evidence: Evidence, scheme: Scheme) -> out.Assessment:
    items = [evaluate_item(evidence, indicator.id, item) for indicator, item in scheme.items()]
    thresholds = [
        _threshold(item, check, result)
        for (_, rule), item in zip(scheme.items(), items)
        for check, result in zip(rule.checks, item.checks)
        if check.threshold
    ]
    community = evidence.community
    return out.Assessment(
        scheme=out.SchemeRef(id=scheme.id, version=scheme.version, title=scheme.title, digest=scheme.digest),
        community=out.CommunityInfo(
            name=community.name,
            title=community.display_title,
            kind=community.kind.value,
            province=community.province,
            city=community.city,
            county=community.county,
            population=community.population,
            households=community.households,
            launched=community.launched.isoformat() if community.launched else None,
            summary=community.summary,
        ),
        period=out.Period(start=evidence.period.start.isoformat(), end=evidence.period.end.isoformat()),
        evidence_digest=digest(evidence),
        items=items,
        indicators=indicator_results(scheme, items),
        thresholds=thresholds,
        counts=grade_counts(items),
        verdict=decide(scheme.verdict, items),
        facts=facts(evidence, scheme),
        evidence_index=evidence_index(evidence),
        warnings=warnings(evidence),
    )


def evaluate_check(evidence: Evidence, check: Check) -> out.CheckResult:
    primitive = REGISTRY[check.primitive]
    measure = primitive(evidence, check.bound_params)
    unit = primitive.unit
    if unit == "bool":
        passed = bool(measure.value)
        vetoed = False
    else:
        passed = check.target.holds(measure.value)
        vetoed = check.veto is not None and check.veto.holds(measure.value)
    return out.CheckResult(
        id=check.id,
        level=check.level,
        requirement=check.requirement,
        passed=passed and not vetoed,
        status="passed" if passed and not vetoed else "failed",
        seen=bool(measure.ids),
        detail=measure.detail,
        evidence=list(measure.ids),
        measured=as_number(measure.value),
        measured_text=None if unit == "bool" else format_value(measure.value, unit),
        target=check.target.text(unit) if check.target else None,
        veto=check.veto.text(unit) if check.veto else None,
        vetoed=vetoed,
    )


def evaluate_item(evidence: Evidence, indicator_id: str, item: Item) -> out.ItemResult:
    checks = [evaluate_check(evidence, check) for check in item.checks]
    vetoed = any(c.vetoed for c in checks)
    failed_b = [c for c in checks if c.level == "B" and not c.passed]
    failed_a = [c for c in checks if c.level == "A" and not c.passed]
    if vetoed or failed_b:
        grade = "C"
    elif failed_a:
        grade = "B"
    else:
        grade = "A"
    return out.ItemResult(
        id=item.id,
        indicator=indicator_id,
        text=item.text,
        grade=grade,
        final_grade=grade,
        reason=_reason(checks, vetoed, failed_b, failed_a),
        needs_review=item.confirm is not None,
        confirm=item.confirm,
        vetoed=vetoed,
        checks=checks,
        advice=[_advice(rule, result) for rule, result in zip(item.checks, checks) if not result.passed],
        plain_advice=[_advice(rule, result) for rule, result in zip(item.checks, checks) if not result.passed],
    )


def _reason(checks, vetoed, failed_b, failed_a) -> str:
    """One line: the veto, else the first failing check, else what showed the item is met."""
    if vetoed:
        c = next(c for c in checks if c.vetoed)
        shown = "" if c.measured_text in c.detail else f"{c.measured_text}，"  # say the value once
        return f"否决：{c.detail}（{shown}否决线 {c.veto}）"
    failing = failed_b or failed_a
    if failing:
        c = failing[0]
        more = f"；另有 {len(failing) - 1} 项未达到" if len(failing) > 1 else ""
        return f"{c.detail}{more}"
    strongest = next((c for c in reversed(checks) if c.level == "A"), checks[-1])
    return strongest.detail


def _advice(rule: Check, result: out.CheckResult) -> str:
    """The rule set's advice, with the gap to the target where it is a count."""
    gap = ""
    if rule.target and rule.unit == "count" and rule.target.op in (">=", ">") and not result.vetoed:
        need = int(rule.target.value) + (1 if rule.target.op == ">" else 0)
        have = int(result.measured or 0)
        if need > have:
            gap = f"（现有 {have}，还差 {need - have}）"
    elif rule.target and rule.unit == "ratio":
        gap = f"（现为 {result.measured_text}，要求 {result.target}）"
    level = "B" if rule.level == "B" else "A"
    return f"[{level}] {rule.advice}{gap}"


def _threshold(item: out.ItemResult, check: Check, result: out.CheckResult) -> out.ThresholdResult:
    if result.measured is None:
        status = "no_data"
    elif result.vetoed:
        status = "veto"
    elif result.passed:
        status = "met"
    else:
        status = "not_met"
    return out.ThresholdResult(
        item=item.id,
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
        results.append(out.IndicatorResult(
            id=indicator.id, title=indicator.title, items=[i.id for i in mine], counts=grade_counts(mine)
        ))
    return results


def decide(policy: VerdictPolicy, items: list[out.ItemResult]) -> out.Verdict:
    """Apply the verdict policy to the final grades: the first rule whose conditions all hold."""
    counts = dict(grade_counts(items))
    counts["vetoes"] = sum(1 for i in items if i.vetoed)
    counts["review"] = sum(1 for i in items if i.needs_review)
    overridden = sum(1 for i in items if i.overridden)
    for rule in policy.rules:
        if all(bound.holds(counts[key]) for key, bound in rule.when.items()):
            reasons = [_condition(key, items) for key in rule.when]
            if rule.reason:
                reasons.append(rule.reason)
            if overridden:
                reasons.append(f"其中 {overridden} 项为审核改判后的等级")
            return out.Verdict(
                verdict=rule.verdict, ready=rule.verdict == policy.ready, reasons=reasons,
                policy=policy.note, overridden=overridden,
            )
    raise AssertionError("a verdict policy always ends with a default rule")  # enforced by VerdictPolicy


def _condition(key: str, items: list[out.ItemResult]) -> str:
    if key == "vetoes":
        vetoed = [i for i in items if i.vetoed]
        return f"否决项 {len(vetoed)} 项：" + "；".join(f"{i.id} {i.reason}" for i in vetoed) if vetoed else "无否决项"
    if key == "review":
        flagged = [i.id for i in items if i.needs_review]
        return f"需现场核实 {len(flagged)} 项：{'、'.join(flagged)}"
    graded = [i.id for i in items if i.final_grade == key]
    return f"{key} 级 {len(graded)} 项" + (f"：{'、'.join(graded)}" if graded else "")


def facts(evidence: Evidence, scheme: Scheme) -> out.Facts:
    injuries = sorted((y.year, y.total) for y in evidence.injuries.years)
    participation = [
        (p.id, p.name, as_number(Fraction(p.participants or 0, p.target_population)) if p.target_population else None)
        for p in sorted(evidence.projects, key=lambda p: p.id)
        if p.key
    ]
    per_quarter = Counter(quarter(a.date) for a in matching(evidence, EDUCATION, audience=[Audience.RESIDENTS]))
    education = [(quarter_name(q), per_quarter.get(q, 0)) for q in quarters(evidence.period.start, evidence.period.end)]
    # The chart's 50% and 30% lines are the rule set's own, from the check that measures the same figure.
    rule = next((c for _, item in scheme.items() for c in item.checks if c.primitive == "participation" and c.target), None)
    return out.Facts(
        injuries=injuries, participation=participation, education_per_quarter=education,
        participation_target=rule.target.value if rule else None,
        participation_veto=rule.veto.value if rule and rule.veto else None,
    )


def evidence_index(evidence: Evidence) -> list[out.IndexEntry]:
    entries = []
    for d in evidence.documents:
        files = [d.file] if d.file else []
        entries.append(out.IndexEntry(
            id=d.id, kind=d.kind.value, title=d.title, date=d.issued.isoformat() if d.issued else None,
            files=files, sha256=[_sha(evidence, f) for f in files],
        ))
    for a in evidence.activities:
        if a.files:
            entries.append(out.IndexEntry(
                id=a.id, kind=a.kind.value, title=a.title, date=a.date.isoformat(),
                files=list(a.files), sha256=[_sha(evidence, f) for f in a.files],
            ))
    from .measure import natural_key

    return sorted(entries, key=lambda e: natural_key(e.id))


def _sha(evidence: Evidence, path: str) -> str | None:
    found = evidence.attachments.get(path)
    return found.sha256 if found else None


def warnings(evidence: Evidence) -> list[str]:
    missing = sorted(p for p, a in evidence.attachments.items() if a.missing)
    return [f"附件 {p} 不存在：该附件不能作为证据，请补充或更正路径" for p in missing]
