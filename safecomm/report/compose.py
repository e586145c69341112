"""What the 申报表 says, worked out from the Assessment: the template only lays it out.

Every sentence and number the HTML/PDF and the Word 申报表 print is made here (or is a field of
the assessment), so templates hold no logic beyond loops, and the same words appear in every
format. These are stamped pages: advice is the plain voice (`plain_advice`), never field names.

The form is bounded whatever the inputs hold, so that any accepted input prints in bounded time
and memory: free text a person wrote is cut at a limit with a note of what was left out and
where it is whole; an evidence index longer than INDEX_ROWS table rows becomes a summary by
kind (the full index stays in the JSON result); a chart with more than CHART_BARS bars gives way
to a note; at most WARNINGS warnings are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ..assessment import Assessment, IndexEntry, ItemResult
from ..checks.common import cite
from ..measure import format_percent, format_points
from . import PARTS, charts, fit
from .text import STATUS, points_words, scheme_words, score_lines


INDEX_ROWS = 2000  # table rows (records and their files): about 7 s of the PDF's time
CHART_BARS = 60
WARNINGS = 50
NAME = 200  # a name or heading (单位名称, 审核人)
TITLE = 120  # a title or path in the evidence index
REASON = 2000  # one reason or remark
PASSAGE = 20000  # the narrative, the opinion: some ten pages each
LINE = 40  # characters a short paragraph costs in a passage
JSON_RESULT = "评定结果的 JSON 文件"


def clip(text: str | None, limit: int, whole: str = JSON_RESULT) -> str | None:
    """`text` cut at `limit` characters, saying how much was left out and where it is `whole`."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}……（以下 {len(text) - limit} 字从略，全文见{whole}）"


def cn_date(iso: str | None) -> str | None:
    """`2024-07-01` → `2024年7月1日` (GB/T 9704: Arabic numerals, no zero padding)."""
    if not iso:
        return None
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def percent(value: float | None) -> str:
    return "未登记" if value is None else format_percent(Fraction(str(value)))


@dataclass
class Row:
    """One item of the self-assessment table."""

    id: str
    text: str
    grade: str
    review: str | None
    remarks: list[str]


@dataclass
class Group:
    id: str
    title: str
    rows: list[Row]


@dataclass
class Gap:
    id: str
    grade: str
    vetoed: bool
    reason: str
    advice: list[str]
    confirm: str | None
    override: str | None


@dataclass
class FileLine:
    path: str
    sha256: str | None


@dataclass
class IndexRow:
    id: str
    kind: str
    title: str
    date: str | None
    files: list[FileLine]


@dataclass
class IndexKind:
    """One line of the evidence index's summary, for a bundle too large to list record by record."""

    kind: str
    records: int
    files: int
    missing: int


@dataclass
class Chart:
    key: str  # injuries, grades, participation, education: how other papers pick a chart
    number: int
    title: str
    drawing: charts.Drawing | None
    empty: str
    note: str = ""


SAMPLE = "示例：证据中仍有模板的示例数据，本文件仅供演示，不能用于申报"
# Fixed sentences of the printed pages, shared by the HTML/PDF template and the Word 申报表.
NARRATIVE_NOTE = "（本栏未由申报单位填写，以上据自评结果生成，请审阅修改。）"
GAPS_INTRO = "未达到 A 级的条目（否决项在前，其余按指标顺序）；等级为审核后的等级。"
NO_GAPS = "全部条目达到 A 级，无差距。"
NO_INDEX = "没有登记文件，也没有带附件的活动。"


@dataclass
class Report:
    """Everything the template prints, in the order it prints it."""

    result: Assessment
    parts: tuple[str, ...]
    sample: str | None
    title: str
    name: str
    community_title: str
    county: str
    narrative: list[str]
    narrative_note: str | None
    remarks: str
    county_date: str | None
    reviewer_line: str | None
    opinion: str | None
    stale_notice: str | None
    period: str
    show_review: bool
    scheme_line: str
    groups: list[Group]
    counts: str
    score_lines: list[str]
    gaps: list[Gap]
    charts: list[Chart]
    index: list[IndexRow]
    index_summary: list[IndexKind]  # instead of `index` when that would exceed INDEX_ROWS
    index_note: str | None
    warnings: list[str]
    footer: str | None  # a line under the page number on every page (`--footer digest`), else none
    properties: str  # the rule set and the evidence digest, in the document's properties
    explanation: str | None  # 评定说明 on the 自评表's last page: the rule set's short words
    contact: list[tuple[str, str]]  # the 填报 block under the 自评表: (label, value or blank)
    created: str

    @property
    def opinion_lines(self) -> list[str]:
        """The opinion as the reviewer broke it into lines: each its own paragraph in the box (HTML
        would run them together), blank lines dropped."""
        return [line for line in (self.opinion or "").split("\n") if line.strip()]

    def layout(self, metrics: fit.Metrics) -> fit.FormLayout:
        """The form of 附件4 on one page for a renderer's `metrics`: what each box prints, and at
        what size; what does not fit goes to the 续页."""
        notices = [self.stale_notice] if self.stale_notice else []
        return fit.form(
            self.narrative, [self.narrative_note] if self.narrative_note else [],
            notices + self.opinion_lines + ([self.reviewer_line] if self.reviewer_line else []),
            [self.name, self.community_title], self.remarks, metrics,
        )


FOOTERS = ("page", "digest")  # what the footer holds: the page number only, or also the digests


def compose(result: Assessment, font_family: str = "sans-serif", parts: tuple[str, ...] = PARTS,
            footer: str = "page") -> Report:
    """The printed words; `parts` (a subset of PARTS) are kept in print order, the rest left out.
    The digests stay off the stamped pages (they are on the evidence index and in the document's
    properties) unless `footer` is "digest"."""
    c = result.community
    review = result.review
    show_review = review is not None or any(i.override for i in result.items)
    entries = result.evidence_index
    rows = sum(1 + len(e.files) for e in entries)
    listed = rows <= INDEX_ROWS
    chosen = tuple(p for p in PARTS if p in parts)
    digests = f"规则集 {scheme_words(result.scheme)} · 证据摘要 SHA-256 {result.evidence_digest}"
    return Report(
        result=result,
        parts=chosen,
        sample=SAMPLE if result.sample else None,
        title=clip(f"{c.title}申报表", NAME),
        name=clip(c.name, NAME, "证据文件的单位名称"),
        community_title=clip(c.title, NAME, "证据文件的拟申报安全社区名称"),
        county=clip(c.county, NAME) or "",
        narrative=_passage([p for p in (c.summary or "").splitlines() if p.strip()], "证据文件的工作简述")
        or narrative(result),
        narrative_note=None if (c.summary or "").strip() else NARRATIVE_NOTE,
        remarks=form_remarks(result, chosen),
        county_date=cn_date(review.date) if review else None,
        reviewer_line=_reviewer_line(result),
        opinion=clip(review.opinion, PASSAGE, "审核表的初步审查意见") if review else None,
        stale_notice=(
            "注意：以下审查意见针对的是另一版本的证据（证据已变更），需重新审核。"
            if review and review.stale else None
        ),
        period=f"{cn_date(result.period.start)}至{cn_date(result.period.end)}",
        show_review=show_review,
        scheme_line=f"{result.scheme.title}（{scheme_words(result.scheme)}）",
        groups=[
            Group(ind.id, ind.title, [_row(result, result.item(i)) for i in ind.items])
            for ind in result.indicators
        ],
        counts="，".join(f"{g} 级 {n} 项" for g, n in result.counts.items()),
        score_lines=score_lines(result),
        gaps=gaps(result),
        charts=chart_list(result, font_family) if "图表" in parts else [],
        index=[_index_row(e) for e in entries] if listed else [],
        index_summary=[] if listed else index_summary(result),
        index_note=None if listed else (
            f"证据索引共 {len(entries)} 条记录、{rows - len(entries)} 个附件，超过 {INDEX_ROWS} 行，申报表只列各类别的汇总；"
            f"逐条记录及每个附件的 SHA-256 见{JSON_RESULT}的证据索引。"
        ),
        warnings=result.warnings[:WARNINGS] + (
            [f"另有 {len(result.warnings) - WARNINGS} 条警告，见{JSON_RESULT}。"] if len(result.warnings) > WARNINGS else []
        ),
        footer=digests if footer == "digest" else None,
        properties=digests,
        explanation=f"评定说明：{result.explanation}" if result.explanation else None,
        contact=contact_block(result),
        created=f"{result.period.end}T00:00:00+00:00",
    )


def _passage(paragraphs: list[str], whole: str) -> list[str]:
    """The paragraphs that fit in PASSAGE characters (a paragraph costs at least a line), the
    last one cut with a note of what was left out."""
    out, used = [], 0
    for n, p in enumerate(paragraphs):
        room = PASSAGE - used
        if len(p) > room:
            rest = sum(len(q) for q in paragraphs[n:]) - max(room, 0)
            out.append(f"{p[:max(room, 0)]}……（以下 {rest} 字从略，全文见{whole}）")
            break
        out.append(p)
        used += max(len(p), LINE)
    return out


def index_summary(result: Assessment) -> list[IndexKind]:
    """Records, files and missing files of the evidence index, by kind, in order of first appearance."""
    records, files, missing = Counter(), Counter(), Counter()
    for e in result.evidence_index:
        records[e.kind] += 1
        files[e.kind] += len(e.files)
        missing[e.kind] += sum(1 for h in e.sha256 if h is None)
    return [IndexKind(kind, n, files[kind], missing[kind]) for kind, n in records.items()]


def narrative(result: Assessment) -> list[str]:
    """The 简述 composed from the assessment when the community wrote none."""
    c = result.community
    out = []
    start = f"{c.name}于{cn_date(c.launched)}启动安全社区创建工作" if c.launched else f"{c.name}开展安全社区创建工作"
    people = [f"{c.population}人" if c.population is not None else "", f"{c.households}户" if c.households is not None else ""]
    people = "、".join(p for p in people if p)
    out.append(start + (f"，辖区{people}" if people else "") + "。")
    line = (
        f"对照《{result.scheme.title}》{len(result.items)}项评定指标自评（评估期{cn_date(result.period.start)}"
        f"至{cn_date(result.period.end)}）：" + "，".join(f"{g}级{n}项" for g, n in result.counts.items()) + "。"
    )
    full = [ind for ind in result.indicators if ind.items and ind.counts.get("A", 0) == len(ind.items)]
    if full:
        line += "、".join(f"{ind.id} {ind.title}" for ind in full) + "各条目均达到A级。"
    out.append(line)
    projects = result.facts.participation
    if projects:
        out.append(
            f"实施重点事故与伤害预防项目{len(projects)}个：" + "；".join(
                f"{name}（{pid}，相关人群参与度{percent(rate)}）" for pid, name, rate in projects
            ) + "。"
        )
    injuries = result.facts.injuries
    if injuries:
        trend = "、".join(f"{year}年{total}人次" for year, total in injuries)
        out.append(f"事故与伤害监测：{trend}。")
    out.append(f"自评结论：{result.verdict.verdict}。")
    return out


BLANK = "　" * 8  # a line to write on by hand


def contact_block(result: Assessment) -> list[tuple[str, str]]:
    """填报单位（盖章）, 填报人, 联系电话, 填报日期 under the 自评表: what the evidence says, else a blank to fill."""
    c = result.community
    return [
        ("填报单位（盖章）", clip(c.name, NAME, "证据文件的单位名称")),
        ("填报人", clip(c.contact, NAME, "证据文件的填报人") or BLANK),
        ("联系电话", c.phone or BLANK),
        ("填报日期", "　　年　　月　　日"),
    ]


def form_remarks(result: Assessment, parts: tuple[str, ...] = PARTS) -> str:
    vetoes = [i.id for i in result.items if i.vetoed]
    text = f"自评结论：{result.verdict.verdict}（" + "，".join(f"{g}级{n}项" for g, n in result.counts.items())
    if result.score:
        text += f"，得分{format_points(result.score.total)}/{format_points(result.score.out_of)}"
    text += f"；否决项：{'、'.join(vetoes)}）。" if vetoes else "）。"
    attached = [ATTACHED[p] for p in parts if p in ATTACHED]
    return text + (f"附：{'、'.join(attached)}。" if attached else "")


ATTACHED = {"自评表": "安全社区评定指标自评表", "差距": "差距与整改建议", "图表": "图表", "证据索引": "证据索引"}


def _reviewer_line(result: Assessment) -> str | None:
    review = result.review
    if not review or not (review.reviewer or review.unit):
        return None
    return "审核人：" + "，".join(clip(x, NAME, " 审核表 reviewer") for x in (review.unit, review.reviewer) if x)


def _row(result: Assessment, item: ItemResult) -> Row:
    remarks = []
    if item.vetoed:
        remarks.append("否决项")
    for t in result.thresholds:
        if t.item == item.id:
            veto = f"；否决线 {t.veto}" if t.veto else ""
            remarks.append(f"{t.name}：{t.measured_text}（要求 {t.target}{veto}）{STATUS[t.status]}")
    if item.points:
        remarks.append(f"得分 {points_words(item)}")
    if item.needs_review:
        remarks.append(f"需现场核实：{item.confirm}" if item.confirm else "需现场核实")
    if item.override:
        o = item.override
        who = "，".join(x for x in (o.reviewer, cn_date(o.date)) if x)
        remarks.append(review_words(item) + (f"（{who}）" if who else ""))
    remarks += evidence_lines(item)
    return Row(item.id, item.text, item.grade, item.override.grade if item.override else None, remarks)


def evidence_lines(item: ItemResult) -> list[str]:
    """`证据：…` with the records the item's own checks counted; records seen only through a cited
    item under their own label (`另见 8.5：…`); for evidence without ids (经费, 伤害监测 …) the
    sections read. `证据：无` only where nothing related was seen."""
    own = {e for check in item.checks if not check.cites for e in check.evidence}
    lines = [f"证据：{cite(own)}"] if own else []
    cited: dict[str, set[str]] = {}
    for check in item.checks:
        if check.cites:
            cited.setdefault(check.cites.split("/")[0], set()).update(e for e in check.evidence if e not in own)
    lines += [f"另见 {owner}：{cite(ids)}" for owner, ids in cited.items() if ids]
    if not lines:
        sections = list(dict.fromkeys(s for check in item.checks if check.seen for s in check.sections))
        lines.append(f"证据：{'、'.join(sections)}" if sections else "证据：无")
    return lines


def review_words(item: ItemResult) -> str:
    """A changed grade reads as 改判; a reviewer's remark on an unchanged grade as 审核意见."""
    o = item.override
    reason = clip(o.reason, REASON, " 审核表")
    seen = "；已现场核实" if o.onsite else ""
    if item.overridden:
        return f"审核改判为 {o.grade}（自评 {item.grade}）：{reason}{seen}"
    if not reason:  # only the on-site tick
        return f"已现场核实（等级维持 {item.grade}）"
    return f"审核意见（等级维持 {item.grade}）：{reason}{seen}"


def gaps(result: Assessment) -> list[Gap]:
    """Every item below A after review, vetoes first, then in the order of the indicator table."""
    below = [i for i in result.items if i.final_grade != "A"]
    below.sort(key=lambda i: not i.vetoed)  # stable: indicator order kept within each group
    out = []
    for i in below:
        override = review_words(i) if i.override else None
        out.append(Gap(
            id=i.id, grade=i.final_grade, vetoed=i.vetoed, reason=clip(i.reason, REASON),
            advice=list(i.plain_advice), confirm=i.confirm if i.needs_review else None, override=override,
        ))
    return out


def chart_list(result: Assessment, font_family: str) -> list[Chart]:
    f = result.facts
    lines = []
    if f.participation_target is not None:
        lines.append((f.participation_target, f"要求 {percent(f.participation_target)}", charts.TARGET))
    if f.participation_veto is not None:
        lines.append((f.participation_veto, f"否决线 {percent(f.participation_veto)}", charts.VETO))
    participation = [(f"{pid} {name}", rate, percent(rate)) for pid, name, rate in f.participation]
    return [
        _chart("injuries", 1, "事故与伤害人次（逐年）", [(f"{y}年", n) for y, n in f.injuries], lambda data: charts.bars(
            data, unit="人次", font=font_family,
        ), "未登记逐年的事故与伤害人次"),
        _chart("grades", 2, "各指标的条目等级", [(f"{ind.id} {ind.title}", ind.counts) for ind in result.indicators],
               lambda data: charts.stacked(data, font=font_family), "规则集中没有指标"),
        _chart("participation", 3, "重点项目相关人群参与度", participation,
               lambda data: charts.ratios(data, lines=lines, font=font_family),
               "没有确定重点事故与伤害预防项目", note="" if lines else "规则集未设参与度要求线"),
        _chart("education", 4, "面向居民的安全教育（每季度次数）", list(f.education_per_quarter), lambda data: charts.bars(
            data, unit="次", font=font_family, line=(1, "每季度一次"),
        ), "评估期内没有季度"),
    ]


def _chart(key: str, number: int, title: str, data: list, draw, empty: str, note: str = "") -> Chart:
    """A chart of `data`; none when there is nothing to draw, or too much to draw legibly."""
    if len(data) > CHART_BARS:
        return Chart(key, number, title, None, f"共 {len(data)} 项，超过 {CHART_BARS} 项，图从略；数据见{JSON_RESULT}", note)
    return Chart(key, number, title, draw(data) if data else None, empty, note)


def _index_row(e: IndexEntry) -> IndexRow:
    return IndexRow(
        id=e.id, kind=e.kind, title=clip(e.title, TITLE), date=cn_date(e.date),
        files=[FileLine(clip(p, TITLE), h) for p, h in zip(e.files, e.sha256)],
    )
