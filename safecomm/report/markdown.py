"""The Markdown report: the same content as the terminal report, as tables."""

from __future__ import annotations

from ..assessment import Assessment
from .text import STALE, STATUS, override_text, points_words, review_lines, scheme_words, score_lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: Assessment) -> str:
    c = result.community
    out = [
        f"# {c.title} 安全社区自评结果",
        "",
        f"- 单位名称：{c.name}",
        f"- 评估期：{result.period.start} 至 {result.period.end}",
        f"- 规则集：{result.scheme.title}（{scheme_words(result.scheme)}）",
    ]
    if result.review and result.review.stale:
        out[1:1] = ["", f"> **{STALE}**"]
    out += [f"- {_cell(line)}" for line in review_lines(result)]
    out += [f"- **结论：{result.verdict.verdict}**", ""]
    out += [f"  - {_cell(r)}" for r in result.verdict.reasons]
    out += ["", f"> {result.verdict.policy}", ""]
    for indicator in result.indicators:
        out += [f"## {indicator.id} {indicator.title}", "", "| 条目 | 等级 | 理由 | 提升建议 |", "|---|---|---|---|"]
        for item_id in indicator.items:
            item = result.item(item_id)
            grade = item.final_grade + ("（需现场核实）" if item.needs_review else "")
            grade += _cell(override_text(item))
            grade += f"<br>{points_words(item)}" if item.points else ""
            advice = "<br>".join(_cell(a) for a in item.advice) or "—"
            out.append(f"| {item.id} | {grade} | {_cell(item.reason)} | {advice} |")
        out += [f"| {n.id} | 不适用 | {_cell(n.reason)} | — |" for n in result.not_applicable if n.indicator == indicator.id]
        out.append("")
    if result.thresholds:
        out += ["## 阈值", "", "| 条目 | 阈值 | 测量值 | 要求 | 否决线 | 状态 |", "|---|---|---|---|---|---|"]
        for t in result.thresholds:
            out.append(f"| {t.item} | {_cell(t.name)} | {t.measured_text} | {t.target} | {t.veto or '—'} | {STATUS[t.status]} |")
        out.append("")
    out += ["## 等级统计", "", " · ".join(f"{g} {n} 项" for g, n in result.counts.items()), ""]
    out += [f"- {_cell(line)}" for line in score_lines(result)] + ([""] if score_lines(result) else [])
    if result.score:
        out += [f"> {result.score.note}", ""]
    if result.warnings:
        out += ["## 警告", ""] + [f"- {_cell(w)}" for w in result.warnings] + [""]
    out += [f"证据摘要 SHA-256：`{result.evidence_digest}`", ""]
    return "\n".join(out)
