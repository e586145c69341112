"""The terminal report: grouped by indicator, one line per item, then thresholds and verdict."""

from __future__ import annotations

import click

from ..assessment import Assessment, ItemResult, SchemeRef, Score
from ..measure import format_points

COLORS = {"A": "green", "B": "yellow", "C": "red"}
STATUS = {"met": "达标", "not_met": "未达标", "veto": "否决", "no_data": "无数据"}
STALE = "注意：审核表是针对另一版本的证据制作的（--allow-stale），审核意见可能已不适用。"


def override_text(item: ItemResult) -> str:
    """`（自评 C，审核改判：理由 — 王五 2024-12-20）`, or the reviewer's remark on a kept grade."""
    o = item.override
    if o is None:
        return ""
    who = " ".join(x for x in (o.reviewer, o.date) if x)
    signed = f" — {who}" if who else ""
    seen = "；已现场核实" if o.onsite else ""
    if item.overridden:
        return f"（自评 {item.grade}，审核改判：{o.reason}{seen}{signed}）"
    if not o.reason:
        return f"（已现场核实{signed}）"
    return f"（审核意见：{o.reason}{seen}{signed}）"


def scheme_words(scheme: SchemeRef) -> str:
    """`national-2009-onsite 2026.1（基于 national-2009 2026.1；按乡镇的表述）`: the variant, its bases, the wording."""
    notes = ["基于 " + " ← ".join(f"{b.id} {b.version}" for b in scheme.bases)] if scheme.bases else []
    notes += [f"按{scheme.kind}的表述"] if scheme.kind else []
    return f"{scheme.id} {scheme.version}" + (f"（{'；'.join(notes)}）" if notes else "")


def points_words(item: ItemResult) -> str:
    """`2.1/3 分（有无 a · 痕迹 b · 效果 b）`, or nothing when the rule set does not score points."""
    p = item.points
    if p is None:
        return ""
    parts = " · ".join(f"{part.name} {part.grade}" for part in p.parts)
    return f"{format_points(p.points)}/{format_points(p.max)} 分（{parts}）"


def score_lines(result: Assessment) -> list[str]:
    """The total, the items at 0 and the items not applicable; nothing for an A/B/C rule set."""
    s: Score | None = result.score
    lines = []
    if s is not None:
        scaled = "" if s.total == s.points else f"（各条目得分之和 {format_points(s.points)} / {format_points(s.possible)}，折算）"
        lines.append(f"得分 {format_points(s.total)} / {format_points(s.out_of)}{scaled}")
        lines.append(f"0 分条目：{'、'.join(s.zero)}" if s.zero else "无 0 分条目")
    lines += [f"不适用：{n.id} {n.reason}（不评定、不计分）" for n in result.not_applicable]
    return lines


def review_lines(result: Assessment) -> list[str]:
    """Who reviewed, and the opinion; empty when there was no review."""
    r = result.review
    if r is None:
        return []
    who = "，".join(x for x in (r.reviewer, r.unit, r.date) if x) or "未署名"
    return [f"审核：{who}；审核改判 {result.verdict.overridden} 项", f"初步审查意见：{r.opinion or '（未填写）'}"]


def render(result: Assessment, color: bool = False) -> str:
    def paint(text: str, **style) -> str:
        return click.style(text, **style) if color else text

    c = result.community
    lines = [
        paint(f"{c.title}（{c.name}）", bold=True),
        f"评估期 {result.period.start} 至 {result.period.end} · 规则集 {scheme_words(result.scheme)}",
    ]
    if result.sample:
        lines += [paint(w, fg="red", bold=True) for w in result.warnings if w.startswith("示例")]
    if result.review and result.review.stale:
        lines.append(paint(STALE, fg="red", bold=True))
    lines += review_lines(result) + [""]
    for indicator in result.indicators:
        tally = " ".join(f"{g}{n}" for g, n in indicator.counts.items())
        lines.append(paint(f"{indicator.id} {indicator.title}", bold=True) + f"  [{tally}]")
        for item_id in indicator.items:
            item = result.item(item_id)
            grade = paint(item.final_grade, fg=COLORS[item.final_grade], bold=True)
            mark = " ※需现场核实" if item.needs_review else ""
            grade += override_text(item)
            points = f" {points_words(item)}" if item.points else ""
            lines.append(f"  {item.id:<5} {grade}{points} — {item.reason}{mark}")
            for advice in item.advice:
                lines.append(paint(f"          → {advice}", dim=True))
            for check in item.checks:
                if check.hint and not check.passed:
                    lines.append(paint(f"          ? {check.hint}", dim=True))
        for n in result.not_applicable:
            if n.indicator == indicator.id:
                lines.append(paint(f"  {n.id:<5} 不适用 — {n.reason}", dim=True))
        lines.append("")
    if result.thresholds:
        lines.append(paint("阈值", bold=True))
        for t in result.thresholds:
            veto = f"，否决线 {t.veto}" if t.veto else ""
            lines.append(f"  {t.item:<5} {t.name}：{t.measured_text}（要求 {t.target}{veto}）{STATUS[t.status]}")
        lines.append("")
    counts = "  ".join(f"{g}: {n}" for g, n in result.counts.items())
    lines.append(paint("等级统计", bold=True) + f"  {counts}")
    lines += score_lines(result)
    verdict_color = "green" if result.verdict.ready else "red"
    lines.append(paint("结论", bold=True) + "  " + paint(result.verdict.verdict, fg=verdict_color, bold=True))
    for reason in result.verdict.reasons:
        lines.append(f"  · {reason}")
    lines.append(paint(f"  （{result.verdict.policy}）", dim=True))
    if result.grading:
        lines.append(paint(f"  （{result.grading}）", dim=True))
    if result.score:
        lines.append(paint(f"  （{result.score.note}）", dim=True))
    for warning in result.warnings:
        lines.append(paint(f"警告：{warning}", fg="yellow"))
    return "\n".join(lines) + "\n"
