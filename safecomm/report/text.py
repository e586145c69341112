"""The terminal report: grouped by indicator, one line per item, then thresholds and verdict."""

from __future__ import annotations

import click

from ..assessment import Assessment, ItemResult

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
    if item.overridden:
        return f"（自评 {item.grade}，审核改判：{o.reason}{signed}）"
    return f"（审核意见：{o.reason}{signed}）"


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
        f"评估期 {result.period.start} 至 {result.period.end} · 规则集 {result.scheme.id} {result.scheme.version}",
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
            lines.append(f"  {item.id:<5} {grade} — {item.reason}{mark}")
            for advice in item.advice:
                lines.append(paint(f"          → {advice}", dim=True))
            for check in item.checks:
                if check.hint and not check.passed:
                    lines.append(paint(f"          ? {check.hint}", dim=True))
        lines.append("")
    if result.thresholds:
        lines.append(paint("阈值", bold=True))
        for t in result.thresholds:
            veto = f"，否决线 {t.veto}" if t.veto else ""
            lines.append(f"  {t.item:<5} {t.name}：{t.measured_text}（要求 {t.target}{veto}）{STATUS[t.status]}")
        lines.append("")
    counts = "  ".join(f"{g}: {n}" for g, n in result.counts.items())
    lines.append(paint("等级统计", bold=True) + f"  {counts}")
    verdict_color = "green" if result.verdict.ready else "red"
    lines.append(paint("结论", bold=True) + "  " + paint(result.verdict.verdict, fg=verdict_color, bold=True))
    for reason in result.verdict.reasons:
        lines.append(f"  · {reason}")
    lines.append(paint(f"  （{result.verdict.policy}）", dim=True))
    if result.grading:
        lines.append(paint(f"  （{result.grading}）", dim=True))
    for warning in result.warnings:
        lines.append(paint(f"警告：{warning}", fg="yellow"))
    return "\n".join(lines) + "\n"
