"""The terminal report: grouped by indicator, one line per item, then thresholds and verdict."""

from __future__ import annotations

import click

from ..assessment import Assessment

COLORS = {"A": "green", "B": "yellow", "C": "red"}
STATUS = {"met": "达标", "not_met": "未达标", "veto": "否决", "no_data": "无数据"}


def render(result: Assessment, color: bool = False) -> str:
    def paint(text: str, **style) -> str:
        return click.style(text, **style) if color else text

    c = result.community
    lines = [
        paint(f"{c.title}（{c.name}）", bold=True),
        f"评估期 {result.period.start} 至 {result.period.end} · 规则集 {result.scheme.id} {result.scheme.version}",
        "",
    ]
    for indicator in result.indicators:
        tally = " ".join(f"{g}{n}" for g, n in indicator.counts.items())
        lines.append(paint(f"{indicator.id} {indicator.title}", bold=True) + f"  [{tally}]")
        for item_id in indicator.items:
            item = result.item(item_id)
            grade = paint(item.final_grade, fg=COLORS[item.final_grade], bold=True)
            mark = " ※需现场核实" if item.needs_review else ""
            if item.override:
                grade += f"（自评 {item.grade}，审核改判：{item.override.reason}）"
            lines.append(f"  {item.id:<5} {grade} — {item.reason}{mark}")
            for advice in item.advice:
                lines.append(paint(f"          → {advice}", dim=True))
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
    for warning in result.warnings:
        lines.append(paint(f"警告：{warning}", fg="yellow"))
    return "\n".join(lines) + "\n"
