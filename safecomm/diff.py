"""What changed between two assessments: grades up or down (with both reasons), thresholds
whose measured values moved, points (total and per item, for a points rule set), and the verdict.

For a community comparing this year with last, and for a reviewer checking a resubmission.
Either side may be an assessment JSON (`safecomm assess --format json`) or an evidence file,
which is assessed on the spot. Grades compared are the final ones (after any review).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .assessment import Assessment, ItemResult
from .loading import MAX_BYTES, InputError, Problem, decode_text, field_path, printable, read_input
from .measure import format_points
from .scheme import Scheme

RANK = {"A": 3, "B": 2, "C": 1}
RESULT_BYTES = 8 * MAX_BYTES  # the JSON of the largest evidence file accepted is about 2.5 times its size
NO_CHANGE = "无变化：等级、阈值、得分和结论都相同"


@dataclass
class GradeChange:
    item: str
    text: str
    old: str
    new: str
    direction: str  # "up" or "down"
    old_reason: str
    new_reason: str


@dataclass
class ThresholdChange:
    item: str
    name: str
    old: str
    new: str
    old_status: str
    new_status: str


@dataclass
class PointsChange:
    item: str
    old: float
    new: float
    max: float


@dataclass
class Side:
    file: str
    community: str
    period: str
    scheme: str
    verdict: str
    evidence_digest: str
    scheme_digest: str
    score: str | None = None  # `100.4/135`, for a points rule set


@dataclass
class Diff:
    old: Side
    new: Side
    verdict_changed: bool
    grades: list[GradeChange] = field(default_factory=list)
    thresholds: list[ThresholdChange] = field(default_factory=list)
    points: list[PointsChange] = field(default_factory=list)
    only_old: list[str] = field(default_factory=list)  # items the new rule set no longer has
    only_new: list[str] = field(default_factory=list)

    @property
    def score_changed(self) -> bool:
        return self.old.score != self.new.score

    @property
    def changed(self) -> bool:
        return bool(self.verdict_changed or self.score_changed or self.grades or self.thresholds or self.points
                    or self.only_old or self.only_new)


def load_side(path: Path, scheme: Scheme | None) -> Assessment:
    """An assessment JSON as it is, or an evidence file assessed against `scheme` (needed then)."""
    if path.suffix.lower() != ".json":
        from .engine import assess
        from .bundle import load_evidence

        return assess(load_evidence(path, scheme), scheme)
    label = printable(str(path))
    text = decode_text(read_input(path, label, RESULT_BYTES), label, lenient=True)  # as a Windows console may have written it
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(label, exc.lineno, exc.colno, "", f"不是有效的 JSON：{exc.msg}")]) from None
    except RecursionError:
        raise InputError([Problem(label, 0, 0, "", "JSON 嵌套层数过深：不是 safecomm assess --format json 的输出")]) from None
    try:
        return Assessment.model_validate(data)
    except ValidationError as exc:
        from .loading import validation_message

        raise InputError([
            Problem(label, 0, 0, field_path(tuple(e["loc"])), validation_message(e) + "（应为 safecomm assess --format json 的输出）")
            for e in exc.errors(include_url=False)
        ]) from None


def _side(result: Assessment, file: str) -> Side:
    p, s = result.period, result.score
    return Side(file, result.community.title, f"{p.start} 至 {p.end}", f"{result.scheme.id} {result.scheme.version}",
                result.verdict.verdict, result.evidence_digest, result.scheme.digest,
                f"{format_points(s.total)}/{format_points(s.out_of)}" if s else None)


def _reason(item: ItemResult) -> str:
    """The reason behind the final grade: the reviewer's when they changed it, with the engine's."""
    if item.override and item.overridden:
        return f"审核改判（自评 {item.grade}）：{item.override.reason}；自动评定理由：{item.reason}"
    return item.reason


def compare(old: Assessment, new: Assessment, old_file: str = "OLD", new_file: str = "NEW") -> Diff:
    before = {i.id: i for i in old.items}
    after = {i.id: i for i in new.items}
    grades = []
    for item in new.items:
        was = before.get(item.id)
        if was is not None and was.final_grade != item.final_grade:
            grades.append(GradeChange(
                item.id, item.text, was.final_grade, item.final_grade,
                "up" if RANK[item.final_grade] > RANK[was.final_grade] else "down", _reason(was), _reason(item),
            ))
    old_thresholds = {(t.item, t.check): t for t in old.thresholds}
    thresholds = []
    for t in new.thresholds:
        was = old_thresholds.get((t.item, t.check))
        if was is not None and (was.measured != t.measured or was.status != t.status):
            thresholds.append(ThresholdChange(t.item, t.name, was.measured_text, t.measured_text, was.status, t.status))
    points = [
        PointsChange(item.id, was.points.points, item.points.points, item.points.max)
        for item in new.items if (was := before.get(item.id)) and was.points and item.points and was.points.points != item.points.points
    ]
    return Diff(
        old=_side(old, old_file), new=_side(new, new_file),
        verdict_changed=old.verdict.verdict != new.verdict.verdict,
        grades=grades, thresholds=thresholds, points=points,
        only_old=[i for i in before if i not in after], only_new=[i for i in after if i not in before],
    )


# -- output ------------------------------------------------------------------------------------

STATUS = {"met": "达标", "not_met": "未达标", "veto": "否决", "no_data": "无数据"}
ARROW = {"up": "↑", "down": "↓"}


def _summary(d: Diff) -> list[str]:
    lines = [
        f"旧：{d.old.file}  {d.old.community}  {d.old.period}  规则集 {d.old.scheme}",
        f"新：{d.new.file}  {d.new.community}  {d.new.period}  规则集 {d.new.scheme}",
    ]
    if d.old.community != d.new.community:
        lines.append("注意：两份评估不是同一个社区")
    if d.old.scheme != d.new.scheme:
        lines.append("注意：两份评估用的规则集不同，等级变化可能来自规则而非证据")
    elif d.old.scheme_digest != d.new.scheme_digest:
        lines.append("注意：两份评估的规则集编号和版本相同，但内容不同（摘要不一致，规则集文件被改动过），等级变化可能来自规则而非证据")
    return lines


def text(d: Diff) -> str:
    lines = _summary(d) + [""]
    if not d.changed:
        return "\n".join(lines + [NO_CHANGE]) + "\n"
    verdict = f"{d.old.verdict} → {d.new.verdict}" if d.verdict_changed else f"{d.new.verdict}（未变）"
    lines.append(f"结论：{verdict}")
    if d.old.score or d.new.score:
        lines.append(f"得分：{_score(d)}")
    lines.append("")
    if d.grades:
        up = sum(1 for g in d.grades if g.direction == "up")
        lines.append(f"等级变化 {len(d.grades)} 项（升 {up}，降 {len(d.grades) - up}）：")
        for g in d.grades:
            lines += [
                f"  {ARROW[g.direction]} {g.item:<5} {g.old} → {g.new}  {_short(g.text)}",
                f"      旧：{g.old_reason}",
                f"      新：{g.new_reason}",
            ]
        lines.append("")
    if d.thresholds:
        lines.append(f"阈值变化 {len(d.thresholds)} 项：")
        for t in d.thresholds:
            lines.append(f"  {t.item:<5} {t.name}：{t.old} → {t.new}（{STATUS[t.old_status]} → {STATUS[t.new_status]}）")
        lines.append("")
    if d.points:
        lines.append(f"条目得分变化 {len(d.points)} 项：")
        lines += [f"  {_arrow(p)} {p.item:<5} {format_points(p.old)} → {format_points(p.new)}（满分 {format_points(p.max)}）" for p in d.points]
        lines.append("")
    for label, ids in (("只在旧评估中的条目", d.only_old), ("只在新评估中的条目", d.only_new)):
        if ids:
            lines += [f"{label}：{'、'.join(ids)}", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _score(d: Diff) -> str:
    return f"{d.old.score or '（未记分）'} → {d.new.score or '（未记分）'}" if d.score_changed else f"{d.new.score}（未变）"


def _arrow(p: PointsChange) -> str:
    return ARROW["up" if p.new > p.old else "down"]


def _short(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\n", " ")


def markdown(d: Diff) -> str:
    out = ["# 评估对比", ""] + [f"- {_cell(line)}" for line in _summary(d)] + [""]
    if not d.changed:
        return "\n".join(out + [NO_CHANGE]) + "\n"
    verdict = f"{d.old.verdict} → {d.new.verdict}" if d.verdict_changed else f"{d.new.verdict}（未变）"
    out += [f"**结论：{verdict}**", ""] + ([f"**得分：{_score(d)}**", ""] if d.old.score or d.new.score else [])
    if d.grades:
        out += ["## 等级变化", "", "| 条目 | 变化 | 旧理由 | 新理由 |", "|---|---|---|---|"]
        out += [f"| {g.item} | {ARROW[g.direction]} {g.old} → {g.new} | {_cell(g.old_reason)} | {_cell(g.new_reason)} |" for g in d.grades]
        out.append("")
    if d.thresholds:
        out += ["## 阈值变化", "", "| 条目 | 阈值 | 旧 | 新 | 状态 |", "|---|---|---|---|---|"]
        out += [
            f"| {t.item} | {_cell(t.name)} | {t.old} | {t.new} | {STATUS[t.old_status]} → {STATUS[t.new_status]} |"
            for t in d.thresholds
        ]
        out.append("")
    if d.points:
        out += ["## 条目得分变化", "", "| 条目 | 变化 | 满分 |", "|---|---|---|"]
        out += [f"| {p.item} | {_arrow(p)} {format_points(p.old)} → {format_points(p.new)} | {format_points(p.max)} |" for p in d.points]
        out.append("")
    for label, ids in (("只在旧评估中的条目", d.only_old), ("只在新评估中的条目", d.only_new)):
        if ids:
            out += [f"{label}：{'、'.join(ids)}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def to_json(d: Diff) -> str:
    data = {"format": "safecomm/diff@1", "changed": d.changed, "score_changed": d.score_changed, **asdict(d)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
