"""The review sheet (`safecomm/review@1`): a district reviewer's grades and opinion.

The reviewer's layer is kept beside the engine's, never in its place: each item keeps its
automatic grade, and an override adds the reviewer's grade, reason, name and date. A grade
needs a reason; a veto cannot be graded away (only confirmed or contested in words); a sheet
made against other evidence is refused unless the caller accepts it as stale, and a sheet made for
another community (单位名称 or period) is refused always: --allow-stale covers a changed bundle,
never somebody else's. A sheet from before the community was recorded is accepted only while the
evidence is unchanged (its digest then proves the community).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr

from . import assessment as out
from .engine import conclude
from .evidence import Day, Period
from .loading import Document, InputError, load_model, read_yaml
from .scheme import Scheme

FORMAT = "safecomm/review@1"


def _blank_to_none(value: Any) -> Any:
    """An emptied field (`grade:` or `reason: ""`) means "not filled in"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _grade(value: Any) -> Any:
    value = _blank_to_none(value)
    return value.strip().upper() if isinstance(value, str) else value


Text = Annotated[str | None, BeforeValidator(_blank_to_none)]
GradeField = Annotated[Literal["A", "B", "C"] | None, BeforeValidator(_grade)]


class Sheet(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reviewer(Sheet):
    name: Text = Field(None, description="审核人")
    unit: Text = Field(None, description="审核单位，如 城关区安委会办公室")
    date: Annotated[Day | None, BeforeValidator(_blank_to_none)] = Field(None, description="审核日期")


class ItemReview(Sheet):
    id: str = Field(min_length=1, description='条目编号，须加引号，如 "2.4"')
    auto: GradeField = Field(None, description="制作审核表时的自动等级（仅供对照）")
    grade: GradeField = Field(None, description="审核等级 A/B/C；留空即维持自动等级")
    reason: Text = Field(None, description="改判的理由（改判时必填）；不改判时可作为确认或异议的意见")


class ReviewedCommunity(Sheet):
    name: str = Field(min_length=1, description="单位名称（勿改）")
    period: Period = Field(description="评估期（勿改）")


class Review(Sheet):
    format: Literal["safecomm/review@1"]
    community: ReviewedCommunity | None = Field(None, description="本表所审核的单位与评估期（勿改）；旧版审核表没有此项")
    evidence_digest: str = Field(pattern=r"^[0-9a-f]{64}$", description="制作审核表时证据的 SHA-256（勿改）")
    scheme: str = Field(min_length=1, description="规则集编号")
    reviewer: Reviewer = Reviewer()
    opinion: Text = Field(None, description="县(区)安委会办公室初步审查意见")
    items: list[ItemReview] = []

    _doc: Document | None = PrivateAttr(None)

    def problem(self, loc: tuple, message: str):
        """A problem located in the sheet's file (or unlocated, for a sheet built in code)."""
        if self._doc is None:
            from .loading import Problem, field_path

            return Problem("审核表", 0, 0, field_path(loc), message)
        return self._doc.problem(loc, message)

    def where(self, loc: tuple) -> str:
        """`审核表 x.review.yaml 的 opinion（第 12 行）`, for a warning about one place."""
        from .loading import field_path

        return f"审核表 {self._doc.file} 的 {self._doc.name(loc)}" if self._doc else f"审核表的 {field_path(loc)}"


def load_review(path: str | Path) -> Review:
    """Read a review sheet; a grade without a reason or a repeated item is an error at its line."""
    doc = read_yaml(path)
    review = load_model(doc, Review)
    review._doc = doc
    problems = []
    seen: set[str] = set()
    for n, entry in enumerate(review.items):
        if entry.id in seen:
            problems.append(review.problem(("items", n, "id"), f"条目 {entry.id} 重复：每个条目只能出现一次"))
        seen.add(entry.id)
        if entry.grade and not entry.reason:
            problems.append(review.problem(
                ("items", n, "grade"), f"条目 {entry.id} 改判为 {entry.grade} 但没有写理由：请在 reason 中写明，或把 grade 留空"
            ))
    if problems:
        raise InputError(problems)
    return review


def apply_review(result: out.Assessment, review: Review, scheme: Scheme, allow_stale: bool = False) -> out.Assessment:
    """The assessment with the reviewer's layer added and the verdict recomputed on final grades.

    Raises InputError (at the sheet's lines) when the sheet does not fit this assessment.
    """
    problems = []
    if review.scheme != result.scheme.id:
        problems.append(review.problem(("scheme",), f"审核表针对规则集 {review.scheme}，本次评估用的是 {result.scheme.id}"))
    stale = review.evidence_digest != result.evidence_digest
    ours = review.community
    if ours and (ours.name, ours.period.start.isoformat(), ours.period.end.isoformat()) != (
            result.community.name, result.period.start, result.period.end):
        problems.append(review.problem(("community",), (
            f"审核表是为 {ours.name}（评估期 {ours.period.start} 至 {ours.period.end}）制作的，本次评估的是 "
            f"{result.community.name}（评估期 {result.period.start} 至 {result.period.end}）：另一单位或另一评估期的"
            "审核表一律不能采用（--allow-stale 也不能），请为本申报运行 safecomm review start"
        )))
    elif stale and ours is None:
        problems.append(review.problem(("evidence_digest",), (
            "证据在审核表制作之后改动过，而这份旧版审核表没有记录单位名称和评估期（community），无法确认是同一社区，"
            "--allow-stale 不适用：请用 `safecomm review start` 重新制作审核表并转抄改判"
        )))
    elif stale and not allow_stale:
        problems.append(review.problem(("evidence_digest",), (
            "证据在审核表制作之后改动过（摘要不同），改判可能已不适用：请用 `safecomm review start` 重新制作审核表"
            "并转抄改判，或加 --allow-stale 仍按此表审核（报告会注明）"
        )))
    by_id = {item.id: item for item in result.items}
    entries = {}
    for n, entry in enumerate(review.items):
        item = by_id.get(entry.id)
        if item is None:
            problems.append(review.problem(("items", n, "id"), f"规则集 {result.scheme.id} 中没有条目 {entry.id}"))
        elif item.vetoed and entry.grade in ("A", "B"):
            problems.append(review.problem(("items", n, "grade"), (
                f"条目 {entry.id} 是否决项，不能改判为 {entry.grade}：grade 只能留空或填 C，"
                "对测量值的确认或异议写在 reason 中"
            )))
        else:
            entries[entry.id] = entry
    if problems:
        raise InputError(problems)

    who = review.reviewer
    day = who.date.isoformat() if who.date else None
    warnings = list(result.warnings)
    if stale:
        warnings.append("审核表是针对另一版本的证据制作的（证据摘要不同，按 --allow-stale 仍予采用）：改判可能已不适用，请复核")
    texts = [(("opinion",), review.opinion)] + [(("items", n, "reason"), e.reason) for n, e in enumerate(review.items)]
    warnings += [
        f"{review.where(loc)}以 # 开头，像是误粘贴的注释，已原样印入申报表：如非本意请删去" for loc, text in texts if text and text.startswith("#")
    ]
    items = []
    for item in result.items:
        entry = entries.get(item.id)
        if entry is None or not (entry.grade or entry.reason):
            items.append(item)
            continue
        if entry.auto and entry.auto != item.grade:
            warnings.append(f"条目 {item.id}：审核表中的自动等级为 {entry.auto}，现为 {item.grade}，请复核审核意见")
        override = out.Override(
            grade=entry.grade or item.grade, reason=entry.reason or "", reviewer=who.name, unit=who.unit, date=day
        )
        items.append(item.model_copy(update={"override": override, "final_grade": override.grade}))
    return result.model_copy(update={
        **conclude(scheme.for_kind(result.community.kind), items, result.eligibility),
        "review": out.ReviewInfo(reviewer=who.name, unit=who.unit, date=day, opinion=review.opinion, stale=stale),
        "warnings": warnings,
    })


# -- a fresh sheet ---------------------------------------------------------------------------

def _q(text: str | None) -> str:
    """A YAML scalar that reads back as exactly `text` (JSON strings are YAML)."""
    return '""' if text is None else json.dumps(text, ensure_ascii=False)


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


HELP = """\
# 填写说明：
#   grade   留空 = 维持自动等级；填 A、B 或 C = 审核改判，此时必须在 reason 中写明理由。
#   reason  改判的理由；不改判时也可填写，作为审核意见（确认或异议）显示在报告中。
#   否决项（标有“否决”）不能通过改判取消：grade 只能留空或填 C，对测量值的确认或异议写在 reason 中。
#   文字中含英文冒号加空格“: ”、或以引号、#、[、{ 开头时，请给整段文字加双引号。
#   evidence_digest 是制作本表时证据的摘要，请勿修改：证据改动后本表将被拒绝
#   （请重新运行 safecomm review start，或在 assess 时加 --allow-stale）。
"""


def new_sheet(result: out.Assessment) -> str:
    """A commented review sheet for `result`: every item with its automatic grade, to fill in."""
    c = result.community
    counts = "，".join(f"{g} {n} 项" for g, n in result.counts.items())
    lines = [
        "# 安全社区申报审核表（safecomm/review@1）",
        f"# 社区：{c.title}（{c.name}）  评估期 {result.period.start} 至 {result.period.end}",
        f"# 自动评定：{counts}；结论：{result.verdict.verdict}",
        "#",
        *HELP.rstrip("\n").split("\n"),
        "#",
    ]
    confirm = [i for i in result.items if i.needs_review]
    if confirm:
        lines.append("# 需现场核实的条目（请先核实，再决定是否改判）：")
        lines += [f"#   {i.id:<5} {_short(i.confirm or '', 60)}" for i in confirm]
    vetoed = [i for i in result.items if i.vetoed]
    if vetoed:
        lines.append("# 否决项：")
        lines += [f"#   {i.id:<5} {_short(i.reason, 60)}" for i in vetoed]
    unit = f"{c.county}安委会办公室" if c.county else None
    lines += [
        "",
        f"format: {FORMAT}",
        f"community: {{name: {_q(c.name)}, period: {{start: {result.period.start}, end: {result.period.end}}}}}",
        "# ↑ 本表审核的单位和评估期（勿改）：用于另一单位或另一评估期时，审核表一律被拒绝",
        f"evidence_digest: {result.evidence_digest}",
        f"scheme: {result.scheme.id}",
        "reviewer:",
        "  name:          # 审核人",
        f"  unit: {_q(unit) if unit else '         '}  # 审核单位",
        "  date:          # 审核日期，如 2024-12-20",
        'opinion: ""      # 县(区)安委会办公室初步审查意见；多行时写成 opinion: | 并在下一行起缩进书写',
        "items:",
    ]
    titles = {i.id: i.title for i in result.indicators}
    indicator = None
    for item in result.items:
        if item.indicator != indicator:
            indicator = item.indicator
            lines.append(f"  # {indicator} {titles.get(indicator, '')}")
        marks = ("  ※需现场核实" if item.needs_review else "") + ("  否决项：grade 只能留空或填 C" if item.vetoed else "")
        lines += [
            f"  - id: {_q(item.id)}  # {_short(item.text)}{marks}",
            f"    auto: {item.grade}  # {_short(item.reason, 60)}",
            "    grade:",
            "    reason:",
        ]
    return "\n".join(lines) + "\n"


def sheet_path(evidence: Path) -> Path:
    """Where a sheet lives by default: `X.yaml` → `X.review.yaml` beside it (batch finds it there)."""
    return evidence.with_name(evidence.name.removesuffix(evidence.suffix) + ".review.yaml")
