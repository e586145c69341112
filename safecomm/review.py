"""The review sheet (`safecomm/review@1`): a district reviewer's grades and opinion.

The reviewer's layer is kept beside the engine's, never in its place: each item keeps its
automatic grade, and an override adds the reviewer's grade, reason, name and date. A grade
needs a reason; a veto cannot be graded away (only confirmed or contested in words); a sheet
made against other evidence is refused unless the caller accepts it as stale, and a sheet made for
another community (单位名称, its province/city/county, or period) is refused always: --allow-stale
covers a changed bundle, never somebody else's. A sheet from before the community was recorded is
accepted only while the evidence is unchanged (its digest then proves the community).

The rules live here once (`rule_problems`) and hold alike for a sheet file (read by review_input.py)
and for a web form (`review_from_form`); only the words differ, each in the
terms of its channel.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, ValidationError

from . import assessment as out
from .engine import conclude
from .evidence import Day, Period
from .loading import Document, InputError, Problem, field_path, load_model, validation_message
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
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class Reviewer(Sheet):
    name: Text = Field(None, description="审核人")
    unit: Text = Field(None, description="审核单位，如 城关区安委会办公室")
    date: Annotated[Day | None, BeforeValidator(_blank_to_none)] = Field(None, description="审核日期")


class ItemReview(Sheet):
    id: str = Field(min_length=1, description='条目编号，须加引号，如 "2.4"')
    auto: GradeField = Field(None, description="制作审核表时的自动等级（仅供对照）")
    grade: GradeField = Field(None, description="审核等级 A/B/C；留空即维持自动等级")
    reason: Text = Field(None, description="改判的理由（改判时必填）；不改判时可作为确认或异议的意见")
    onsite: bool | None = Field(None, description="已现场核实")


class ReviewedCommunity(Sheet):
    name: str = Field(min_length=1, description="单位名称（勿改）")
    province: Text = Field(None, description="省（勿改）")
    city: Text = Field(None, description="市（勿改）")
    county: Text = Field(None, description="县(区)（勿改）")
    period: Period = Field(description="评估期（勿改）")

    def placed(self) -> bool:
        """Whether the sheet records where the community is (sheets before that named it alone)."""
        return "county" in self.model_fields_set or "city" in self.model_fields_set or "province" in self.model_fields_set

    def words(self) -> str:
        where = "".join(p for p in (self.province, self.city, self.county) if p)
        return f"{where}{self.name}（评估期 {self.period.start} 至 {self.period.end}）"


class Review(Sheet):
    format: Literal["safecomm/review@1"]
    community: ReviewedCommunity | None = Field(None, description="本表所审核的单位与评估期（勿改）；旧版审核表没有此项")
    evidence_digest: str = Field(pattern=r"^[0-9a-f]{64}$", description="制作审核表时证据的 SHA-256（勿改）")
    scheme: str = Field(min_length=1, description="规则集编号")
    reviewer: Reviewer = Reviewer()
    opinion: Text = Field(None, description="县(区)安委会办公室初步审查意见")
    items: list[ItemReview] = []

    _doc: Any = PrivateAttr(None)  # where it was read from: a loading.Document, or a review_book.Book
    _channel: str = PrivateAttr("file")  # whose words its rules speak (WORDS)

    def problem(self, loc: tuple, message: str):
        """A problem located in the sheet's file (or unlocated, for a sheet built in code)."""
        if self._doc is None:
            return Problem("审核表", 0, 0, field_path(loc), message)
        return self._doc.problem(loc, message)

    def where(self, loc: tuple) -> str:
        """`审核表 x.review.yaml 的 opinion（第 12 行）`, for a warning about one place."""
        return f"审核表 {self._doc.file} 的 {self._doc.name(loc)}" if self._doc else f"审核表的 {field_path(loc)}"


def is_book(path: str | Path) -> bool:
    """Whether a review sheet is a workbook, by its name (`审核表.xlsx`)."""
    return str(path).lower().endswith(".xlsx")


def sheet_from(doc: Document) -> Review:
    """The review in a parsed 审核表 file; a repeated item is an error at its place."""
    review = load_model(doc, Review)
    review._doc = doc
    seen: set[str] = set()
    problems = []
    for n, entry in enumerate(review.items):
        if entry.id in seen:
            problems.append(review.problem(("items", n, "id"), f"条目 {entry.id} 重复：每个条目只能出现一次"))
        seen.add(entry.id)
    if problems:
        raise InputError(problems)
    return review


FILE, FORM, BOOK = "file", "form", "book"
WORDS = {  # what each rule says, in the words of the sheet file and of the web form
    "reason": {
        FILE: "条目 {id} 改判为 {grade} 但没有写理由：请在 reason 中写明，或把 grade 留空",
        FORM: "条目 {id} 改判为 {grade}（自动等级 {auto}）但没有写理由：请写明理由，或把等级改回 {auto}",
        BOOK: "条目 {id} 改判为 {grade}（自动等级 {auto}）但没有写理由：请在「理由」列写明，或把「审核等级」改回 维持",
    },
    "veto": {
        FILE: "条目 {id} 是否决项，不能改判为 {grade}：grade 只能留空或填 C，对测量值的确认或异议写在 reason 中",
        FORM: "条目 {id} 是否决项，不能改判为 {grade}：等级只能是 C，对测量值的确认或异议写在理由中",
        BOOK: "条目 {id} 是否决项，不能改判为 {grade}：「审核等级」只能是 维持 或 C，对测量值的确认或异议写在「理由」列",
    },
    "other": {
        FILE: ("审核表是为 {ours} 制作的，本次评估的是 {theirs}：另一单位或另一评估期的审核表一律不能采用"
               "（--allow-stale 也不能），请为本申报运行 safecomm review start"),
        FORM: "这份审核是为 {ours} 开始的，当前的申报是 {theirs}：另一单位或另一评估期的审核不能采用，请重新开始审核",
    },
    "unplaced": {
        FILE: ("证据在审核表制作之后改动过，而这份旧版审核表没有记录单位所在的省、市、县(区)和评估期，无法确认是同一社区，"
               "--allow-stale 不适用：请用 `safecomm review start` 重新制作审核表并转抄改判"),
        FORM: "证据在审核开始之后改动过，而这份审核没有记录单位所在地，无法确认是同一社区：请重新开始审核",
    },
    "stale": {
        FILE: ("证据在审核表制作之后改动过（摘要不同），改判可能已不适用：请用 `safecomm review start` 重新制作审核表"
               "并转抄改判，或加 --allow-stale 仍按此表审核（报告会注明）"),
        FORM: "证据在审核开始之后改动过，改判可能已不适用：请逐项复核后确认仍按本审核保存",
    },
    "scheme": {
        FILE: "审核表针对规则集 {ours}，本次评估用的是 {theirs}",
        FORM: "这份审核针对规则集 {ours}，当前的评定用的是 {theirs}：请重新开始审核",
    },
    "unknown": {FILE: "规则集 {scheme} 中没有条目 {id}", FORM: "规则集 {scheme} 中没有条目 {id}"},
}


def rule_problems(review: Review, result: out.Assessment, allow_stale: bool = False, channel: str = FILE) -> list[tuple[tuple, str]]:
    """Every way `review` does not fit `result`, as (place in the sheet, message): a changed grade
    needs a reason, a veto stays C, and the sheet is for this community (name, province, city,
    county and period), this rule set and, unless `allow_stale`, this evidence."""
    def say(rule: str, **values) -> str:
        words = WORDS[rule]
        return words.get(channel, words[FILE]).format(**values)

    problems = []
    if review.scheme != result.scheme.id:
        problems.append((("scheme",), say("scheme", ours=review.scheme, theirs=result.scheme.id)))
    stale = review.evidence_digest != result.evidence_digest
    ours, c = review.community, result.community
    theirs = ReviewedCommunity(name=c.name, province=c.province, city=c.city, county=c.county,
                               period={"start": result.period.start, "end": result.period.end})
    mine = ours and (ours.name, ours.period) == (theirs.name, theirs.period) and (
        not ours.placed() or _place(ours) == _place(c))
    if ours and not mine:
        problems.append((("community",), say("other", ours=ours.words(), theirs=theirs.words())))
    elif stale and (ours is None or not ours.placed()):
        problems.append((("evidence_digest",), say("unplaced")))
    elif stale and not allow_stale:
        problems.append((("evidence_digest",), say("stale")))
    by_id = {item.id: item for item in result.items}
    for n, entry in enumerate(review.items):
        item = by_id.get(entry.id)
        if item is None:
            problems.append((("items", n, "id"), say("unknown", scheme=result.scheme.id, id=entry.id)))
        elif item.vetoed and entry.grade in ("A", "B"):
            problems.append((("items", n, "grade"), say("veto", id=entry.id, grade=entry.grade)))
        elif entry.grade and entry.grade != item.grade and not entry.reason:
            blank = "reason" if channel == BOOK else "grade"  # a workbook points at the empty cell to fill
            problems.append((("items", n, blank), say("reason", id=entry.id, grade=entry.grade, auto=item.grade)))
    return problems


def review_from_form(fields: dict, result: out.Assessment, started: Review | None = None,
                     allow_stale: bool = False) -> Review | list[tuple[str, str]]:
    """The reviewer's form as a `Review` of `result`, or what is wrong as (form field, message).

    `fields` is plain data (e.g. a submitted form): `reviewer_name`, `reviewer_unit`,
    `reviewer_date`, `opinion`, and per item `grade_<id>`, `reason_<id>`, `onsite_<id>`; a grade
    equal to the automatic one is no change. The community, evidence digest and rule set are those
    of `started` (the review as it was begun) or else of `result`; the same rules as a sheet's apply.
    """
    begun = started or new_review(result)
    auto = {e.id: e.auto for e in begun.items}
    items = []
    for item in result.items:
        grade = _grade(_text(fields.get(f"grade_{item.id}")))
        items.append({
            "id": item.id, "auto": auto.get(item.id) or item.grade,
            "grade": None if grade == item.grade else grade,
            "reason": _text(fields.get(f"reason_{item.id}")),
            "onsite": _ticked(fields.get(f"onsite_{item.id}")) or None,
        })
    data = {
        "format": FORMAT, "evidence_digest": begun.evidence_digest, "scheme": begun.scheme,
        "reviewer": {"name": _text(fields.get("reviewer_name")), "unit": _text(fields.get("reviewer_unit")),
                     "date": _text(fields.get("reviewer_date"))},
        "opinion": _text(fields.get("opinion")), "items": items,
    }
    if begun.community:
        data["community"] = begun.community.model_dump(exclude_unset=False)
    try:
        review = Review.model_validate(data)
    except ValidationError as exc:
        return [(_form_field(tuple(e["loc"]), items), validation_message(e)) for e in exc.errors(include_url=False)]
    problems = rule_problems(review, result, allow_stale, FORM)
    return [(_form_field(loc, items), message) for loc, message in problems] or review


def _text(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):  # a multi-valued form field: the last value, as Django's get() gives
        value = value[-1] if value else None
    return value.strip() or None if isinstance(value, str) else value


def _ticked(value: Any) -> bool:
    value = _text(value)
    return bool(value) and str(value).lower() not in ("0", "false", "off", "no", "否")


def _form_field(loc: tuple, items: list[dict]) -> str:
    """The form field a place in the model is entered in (`''`: the form as a whole)."""
    if loc[:1] == ("items",) and len(loc) >= 3 and isinstance(loc[1], int) and loc[1] < len(items):
        return f"{loc[2] if loc[2] in ('grade', 'reason', 'onsite') else 'grade'}_{items[loc[1]]['id']}"
    if loc[:1] == ("reviewer",) and len(loc) >= 2:
        return f"reviewer_{loc[1]}"
    return "opinion" if loc == ("opinion",) else ""


def new_review(result: out.Assessment) -> Review:
    """A review of `result` begun now: its community, evidence and rule set, every item unjudged."""
    c = result.community
    return Review(
        format=FORMAT, evidence_digest=result.evidence_digest, scheme=result.scheme.id,
        community=ReviewedCommunity(name=c.name, province=c.province, city=c.city, county=c.county,
                                    period={"start": result.period.start, "end": result.period.end}),
        reviewer=Reviewer(unit=f"{c.county}安委会办公室" if c.county else None),
        items=[ItemReview(id=i.id, auto=i.grade) for i in result.items],
    )


def apply_review(result: out.Assessment, review: Review, scheme: Scheme, allow_stale: bool = False) -> out.Assessment:
    """The assessment with the reviewer's layer added and the verdict recomputed on final grades.

    Raises InputError (at the sheet's lines) when the sheet does not fit this assessment.
    """
    problems = rule_problems(review, result, allow_stale, review._channel)
    if problems:
        raise InputError([review.problem(loc, message) for loc, message in problems])
    stale = review.evidence_digest != result.evidence_digest
    entries = {entry.id: entry for entry in review.items}
    who = review.reviewer
    day = who.date.isoformat() if who.date else None
    warnings = list(result.warnings)
    if stale:
        warnings.append("审核表是针对另一版本的证据制作的（证据摘要不同，按 --allow-stale 仍予采用）：改判可能已不适用，请复核")
    texts = [(("opinion",), review.opinion)] + [(("items", n, "reason"), e.reason) for n, e in enumerate(review.items)]
    warnings += [
        f"{review.where(loc)}有一行以 # 开头，像是误粘贴的注释，已原样印入申报表：如非本意请删去" for loc, text in texts
        if text and any(line.lstrip().startswith("#") for line in text.splitlines())
    ]
    items = []
    for item in result.items:
        entry = entries.get(item.id)
        if entry is None or not (entry.reason or entry.onsite or (entry.grade and entry.grade != item.grade)):
            items.append(item)
            continue
        if entry.auto and entry.auto != item.grade:
            warnings.append(f"条目 {item.id}：审核表中的自动等级为 {entry.auto}，现为 {item.grade}，请复核审核意见")
        override = out.Override(
            grade=entry.grade or item.grade, reason=entry.reason or "", reviewer=who.name, unit=who.unit, date=day,
            onsite=entry.onsite or None,
        )
        items.append(item.model_copy(update={"override": override, "final_grade": override.grade}))
    return result.model_copy(update={
        **conclude(scheme.for_kind(result.community.kind), items, result.eligibility),
        "review": out.ReviewInfo(reviewer=who.name, unit=who.unit, date=day, opinion=review.opinion, stale=stale),
        "warnings": warnings,
    })


# -- a fresh sheet ---------------------------------------------------------------------------

def _place(community) -> tuple:
    """Province, city and county, a blank one as None: a county left blank (or only a line break)
    in the evidence is read back from the sheet as not given."""
    return tuple((getattr(community, key) or "").strip() or None for key in ("province", "city", "county"))


def _q(text: str | None) -> str:
    """A YAML scalar that reads back as exactly `text`: written by the YAML emitter (double-quoted,
    every line break, U+2028 and U+0085 escaped), never put together by hand."""
    return '""' if text is None else yaml.safe_dump(text, default_style='"', allow_unicode=True, width=1 << 30).rstrip("\n")


def _word(text: str) -> str:
    """A plain word (a rule set's id, a grade) as it is, when YAML reads it back as that very text."""
    plain = re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", text) and yaml.safe_load(text) == text
    return text if plain else _q(text)


def _short(text: str, width: int = 40) -> str:
    """One line of a comment: every line break (U+2028, U+0085 too) a space, so nothing leaves the comment."""
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


def new_sheet(result: out.Assessment, review: Review | None = None) -> str:
    """A commented review sheet for `result`: every item with its automatic grade, to fill in; or,
    given `review` (a review begun on the web), the same sheet holding what it says, so that the
    file workflow can carry on from it."""
    review = review or new_review(result)
    c = result.community
    counts = "，".join(f"{g} {n} 项" for g, n in result.counts.items())
    lines = [
        "# 安全社区申报审核表（safecomm/review@1）",
        f"# 社区：{_short(c.title, 200)}（{_short(c.name, 200)}）  评估期 {result.period.start} 至 {result.period.end}",
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
    lines += ["", f"format: {FORMAT}"]
    if review.community:
        rc = review.community
        place = "".join(f"{key}: {_q(getattr(rc, key))}, " for key in ("province", "city", "county") if rc.placed())
        lines += [
            f"community: {{name: {_q(rc.name)}, {place}period: {{start: {rc.period.start}, end: {rc.period.end}}}}}",
            "# ↑ 本表审核的单位、所在地和评估期（勿改）：用于另一单位或另一评估期时，审核表一律被拒绝",
        ]
    who = review.reviewer
    lines += [
        f"evidence_digest: {review.evidence_digest}",
        f"scheme: {_word(review.scheme)}",
        "reviewer:",
        f"  name: {_q(who.name) if who.name else '        '}  # 审核人",
        f"  unit: {_q(who.unit) if who.unit else '        '}  # 审核单位",
        f"  date: {who.date.isoformat() if who.date else '        '}  # 审核日期，如 2024-12-20",
        "# 县(区)安委会办公室初步审查意见；多行时写成 opinion: | 并在下一行起缩进书写（写在这里的注释不会被当作意见）",
        f"opinion: {_q(review.opinion)}",
        "items:",
    ]
    entries = {e.id: e for e in review.items}
    titles = {i.id: i.title for i in result.indicators}
    indicator = None
    for item in result.items:
        if item.indicator != indicator:
            indicator = item.indicator
            lines.append(f"  # {_short(indicator + ' ' + titles.get(indicator, ''), 200)}")
        marks = ("  ※需现场核实" if item.needs_review else "") + ("  否决项：grade 只能留空或填 C" if item.vetoed else "")
        entry = entries.get(item.id) or ItemReview(id=item.id)
        lines += [
            f"  - id: {_q(item.id)}  # {_short(item.text)}{marks}",
            f"    auto: {_word(entry.auto or item.grade)}  # {_short(item.reason, 60)}",
            f"    grade: {_word(entry.grade)}" if entry.grade else "    grade:",
            f"    reason: {_q(entry.reason)}" if entry.reason else "    reason:",
        ]
        if entry.onsite:
            lines.append("    onsite: true  # 已现场核实")
    return "\n".join(lines) + "\n"


def sheet_path(evidence: Path) -> Path:
    """Where a sheet lives by default: `X.yaml` → `X.review.yaml` beside it (batch finds it there)."""
    return evidence.with_name(evidence.name.removesuffix(evidence.suffix) + ".review.yaml")
