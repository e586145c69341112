"""The 申报表 as an editable Word document: the same words as the PDF (report/compose.py), laid out
as real Word tables an office can edit in Word or WPS, stamp and send.

By default it holds the parts an office edits (the form, the self-assessment table, the gaps);
charts (as pictures) and the evidence index are there when asked for with `--only`.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm, Pt

from ..assessment import Assessment
from . import charts, word
from .compose import GAPS_INTRO, NO_GAPS, NO_INDEX, Report, compose
from .word import WordFonts

PARTS = ("申报表", "自评表", "差距")  # what `--docx` writes unless `--only` says otherwise
TICK = "✓"


def render(result: Assessment, fonts: WordFonts = WordFonts(), parts: tuple[str, ...] = PARTS,
           chart_font: tuple[str, int] | None = None) -> bytes:
    """The .docx bytes. The chart pictures are drawn in `chart_font` (file, collection index;
    default Noto Sans CJK SC)."""
    r = compose(result, font_family="", parts=parts)
    doc = word.new_document(fonts, body_pt=12, sample=r.sample, footer=r.footer)
    writers = {"申报表": _form, "自评表": _self_assessment, "差距": _gaps, "证据索引": _index,
               "图表": lambda doc, r: _charts(doc, r, chart_font or charts.png_font())}
    for n, part in enumerate(r.parts):
        if n:
            word.page_break(doc)
        writers[part](doc, r)
    return word.save(doc, r.title, result.community.name, result.period.end)


def _form(doc, r: Report) -> None:
    c = r.result.community
    word.para(doc, "创建安全社区申报表", style="Title")
    head = word.para(doc, f"县(区)：{c.county or ''}", size=14)
    head.paragraph_format.tab_stops.add_tab_stop(Mm(word.TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    word.add_run(head, "\t" + (r.county_date or "　　年　　月　　日"), size=14)
    t = word.table(doc, [46, word.TEXT_WIDTH_MM - 46])
    for label, value in (("单位名称", c.name), ("拟申报安全社区名称", c.title)):
        row = word.add_row(t, [label, value], 14, align=["center", None], min_height_mm=12)
        word.fill(row.cells[0], label, 12, align="center")
    story = t.add_row()
    story.height = Mm(70)
    cell = word.merge(story.cells[0], story.cells[1])
    lines = ["对照创建条件，简述本社区创建安全社区工作内容及成效："] + r.narrative + ([r.narrative_note] if r.narrative_note else [])
    word.fill(cell, "\n".join(lines), 12)
    for p in cell.paragraphs[1:len(r.narrative) + 1]:
        p.paragraph_format.first_line_indent = Mm(8.5)
    review = r.result.review
    county = [x for x in (r.stale_notice, review.opinion if review else None, r.reviewer_line) if x]
    _opinion(t, "县(区)安委会办公室\n初步审查意见", county, r.county_date)
    _opinion(t, "市安委会办公室\n审核意见", [], None)
    word.add_row(t, ["备　注", r.remarks], 11, align=["center", None], min_height_mm=12)
    for row in t.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    story.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP


def _opinion(t, label: str, lines: list[str], date: str | None) -> None:
    """An opinion box: what the reviewer wrote, then the seal area and the date line."""
    body = "\n".join(lines + ["", "（盖章）", date or "　　年　　月　　日"])
    row = word.add_row(t, [label, body], 12, align=["center", None], min_height_mm=32)
    for p in row.cells[1].paragraphs[-2:]:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the seal and the date sit at the right, as on the printed form
        p.paragraph_format.right_indent = Mm(12)


def _self_assessment(doc, r: Report) -> None:
    res = r.result
    word.para(doc, "安全社区评定指标自评表", style="Title")
    word.para(doc, f"单位名称：{res.community.name}　　评估期：{r.period}", size=10.5)
    word.para(doc, f"规则集：{res.scheme.title}（{res.scheme.id} {res.scheme.version}）", size=10.5)
    widths = [11, 62, 7, 7, 7] + ([9] if r.show_review else []) + [0]
    widths[-1] = word.TEXT_WIDTH_MM - sum(widths)
    t = word.table(doc, widths)
    review = ["审核"] if r.show_review else []
    top = word.add_row(t, ["编号", "评定指标", "自评结果", "", ""] + review + ["备注"], 10, align=["center"] * len(widths), header=True)
    sub = word.add_row(t, ["", "", "A", "B", "C"] + [""] * len(review) + [""], 10, align=["center"] * len(widths), header=True)
    word.merge(top.cells[2], top.cells[4])
    for i in [0, 1] + ([5] if r.show_review else []) + [len(widths) - 1]:
        word.merge(top.cells[i], sub.cells[i])
    for row in (top, sub):
        for cell in row.cells:
            word.shade(cell, "EEEEEE")
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for g in r.groups:
        band = word.add_row(t, [f"{g.id}　{g.title}"] + [""] * (len(widths) - 1), 10.5, bold=True)
        word.shade(word.merge(band.cells[0], band.cells[-1]), "F4F4F4")
        for item in g.rows:
            ticks = [TICK if item.grade == grade else "" for grade in "ABC"]
            cells = [item.id, item.text] + ticks + ([item.review or ""] if r.show_review else []) + ["\n".join(item.remarks)]
            row = word.add_row(t, cells, 10, align=["center", None] + ["center"] * (3 + len(review)) + [None])
            word.fill(row.cells[-1], cells[-1], 8.5)
    word.para(doc, "")
    word.para(doc, f"等级统计：{r.counts}。", size=12)
    word.para(doc, f"自评结论：{res.verdict.verdict}", size=12, bold=True)
    for reason in res.verdict.reasons:
        word.para(doc, f"· {reason}", size=11)
    for note in (res.verdict.policy, res.grading):
        if note:
            word.para(doc, note, size=9)


def _gaps(doc, r: Report) -> None:
    word.para(doc, "差距与整改建议", style="Title")
    word.para(doc, GAPS_INTRO, size=10.5)
    if not r.gaps:
        word.para(doc, NO_GAPS, size=12)
        return
    t = word.table(doc, [11, 12, 58, word.TEXT_WIDTH_MM - 81])
    word.add_row(t, ["编号", "等级", "存在问题", "整改建议"], 10, align=["center"] * 4, header=True)
    for gap in r.gaps:
        problem = [gap.reason] + ([gap.override] if gap.override else []) + ([f"需现场核实：{gap.confirm}"] if gap.confirm else [])
        advice = "\n".join(f"{n}. {a}" for n, a in enumerate(gap.advice, 1)) or "—"
        grade = gap.grade + ("\n否决" if gap.vetoed else "")
        word.add_row(t, [gap.id, grade, "\n".join(problem), advice], 10, align=["center", "center", None, None])


def _charts(doc, r: Report, chart_font: tuple[str, int]) -> None:
    word.para(doc, "图表", style="Title")
    for chart in r.charts:
        word.para(doc, f"图{chart.number}　{chart.title}", style="Caption")
        if chart.drawing:
            word.picture(doc, chart.drawing.png(*chart_font))
        else:
            word.para(doc, f"无数据：{chart.empty}", size=11, align="center")
        if chart.note:
            word.para(doc, chart.note, size=9, align="center")


def _index(doc, r: Report) -> None:
    res = r.result
    word.para(doc, "证据索引", style="Title")
    if not r.index:
        word.para(doc, NO_INDEX, size=12)
    else:
        t = word.table(doc, [16, 14, word.TEXT_WIDTH_MM - 54, 24])
        word.add_row(t, ["编号", "类别", "标题 / 附件与 SHA-256", "日期"], 10, align=["center"] * 4, header=True)
        for e in r.index:
            files = [f"{f.path}　{f.sha256 or '文件缺失'}" for f in e.files]
            row = word.add_row(t, [e.id, e.kind, "\n".join([e.title] + files), e.date or "—"], 9.5, align=["center", "center", None, "center"])
            for p in row.cells[2].paragraphs[1:]:
                for run in p.runs:
                    run.font.size = Pt(7.5)
    for w in res.warnings:
        word.para(doc, w, size=9, color=word.RED)
    word.para(doc, f"证据摘要 SHA-256：{res.evidence_digest}", size=8)
    word.para(doc, f"规则集摘要 SHA-256：{res.scheme.digest}", size=8)

