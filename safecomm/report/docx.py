"""The 申报表 as an editable Word document: the same words as the PDF (report/compose.py), laid out
as real Word tables an office can edit in Word or WPS, stamp and send.

It holds the same parts as the PDF, the parts its 备注 lists (charts as pictures, the evidence
index with each file's SHA-256); `--only` picks some of them.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Mm

from ..assessment import Assessment
from docx.oxml.ns import qn

from . import charts, fit, word
from . import PARTS
from .compose import GAPS_INTRO, NO_GAPS, NO_INDEX, Report, compose
from .word import WordFonts

TICK = "✓"


def render(result: Assessment, fonts: WordFonts = WordFonts(), parts: tuple[str, ...] = PARTS,
           chart_font: tuple[str, int] | None = None, footer: str = "page") -> bytes:
    """The .docx bytes. The chart pictures are drawn in `chart_font` (file, collection index;
    default Noto Sans CJK SC)."""
    r = compose(result, font_family="", parts=parts, footer=footer)
    doc = word.new_document(fonts, body_pt=12, sample=r.sample, footer=r.footer)
    writers = {"申报表": _form, "自评表": _self_assessment, "差距": _gaps, "证据索引": _index,
               "图表": lambda doc, r: _charts(doc, r, chart_font or charts.png_font())}
    for n, part in enumerate(r.parts):
        if n:
            word.page_break(doc)
        writers[part](doc, r)
    return word.save(doc, r.title, result.community.name, result.period.end, subject=r.properties)


def _form(doc, r: Report) -> None:
    c = r.result.community
    word.para(doc, "创建安全社区申报表", style="Title")
    head = word.para(doc, f"县(区)：{c.county or ''}", size=14)
    head.paragraph_format.tab_stops.add_tab_stop(Mm(word.TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    word.add_run(head, "\t" + (r.county_date or "　　年　　月　　日"), size=14)
    t = word.table(doc, [46, word.TEXT_WIDTH_MM - 46])
    for label, value in (("单位名称", c.name), ("拟申报安全社区名称", c.title)):
        word.add_row(t, [[(label, 12)], value], 14, align=["center", None], min_height_mm=12)
    form = r.layout(fit.WORD)
    story = t.add_row()
    story.height = Mm(form.narrative_mm)
    cell = word.merge(story.cells[0], story.cells[1])
    box = form.narrative
    word.fill(cell, "对照创建条件，简述本社区创建安全社区工作内容及成效：", 12)
    for p in box.paragraphs:
        word.para(cell, p, size=box.size, indent=p != fit.MORE, align="right" if p == fit.MORE else None).paragraph_format.line_spacing = 1.0
    if r.narrative_note:
        word.para(cell, r.narrative_note, size=min(box.size, 10.5)).paragraph_format.line_spacing = 1.0
    _opinion(t, "县(区)安委会办公室\n初步审查意见", form.opinion, r.county_date)
    _opinion(t, "市安委会办公室\n审核意见", fit.Box([], 11, 0, []), None)
    word.add_row(t, ["备　注", r.remarks], 11, align=["center", None], min_height_mm=12)
    for row in t.rows:
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    story.cells[0].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    if box.rest or form.opinion.rest:
        _continued(doc, r, form)


def _opinion(t, label: str, box: fit.Box, date: str | None) -> None:
    """An opinion box: what the reviewer wrote, then the seal area and the date line."""
    row = word.add_row(t, [label, "\n".join(box.paragraphs)], box.size, align=["center", None], min_height_mm=32)
    cell = row.cells[1]
    for p in cell.paragraphs:
        if p.text == fit.MORE:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for text in ([""] if box.paragraphs else []) + ["（盖章）", date or "　　年　　月　　日"]:
        p = word.para(cell, text, size=12)
        p.paragraph_format.line_spacing = 1.0
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT  # the seal and the date sit at the right, as on the printed form
        p.paragraph_format.right_indent = Mm(12)
    word.fill(row.cells[0], label, 12, align="center")


def _continued(doc, r: Report, form: fit.FormLayout) -> None:
    """The attached sheet marked 续页: what the form's boxes could not hold."""
    word.page_break(doc)
    word.para(doc, "创建安全社区申报表（续页）", style="Title")
    word.para(doc, f"单位名称：{r.name}", size=10.5)
    for title, box in (("对照创建条件，简述本社区创建安全社区工作内容及成效（续）：", form.narrative),
                       ("县(区)安委会办公室初步审查意见（续）：", form.opinion)):
        if box.rest:
            t = word.table(doc, [word.TEXT_WIDTH_MM])
            row = word.add_row(t, [title], 13)
            for n, p in enumerate(box.rest):
                word.para(row.cells[0], p, size=12, indent=not (n == 0 and box.split))
            row._tr.get_or_add_trPr().remove(row._tr.trPr.find(qn("w:cantSplit")))  # a long text runs on over pages
            word.para(doc, "")


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
        band = word.add_row(t, [f"{g.id}　{g.title}"], 10.5, bold=True, span=True)
        word.shade(band.cells[0], "F4F4F4")
        for item in g.rows:
            ticks = [TICK if item.grade == grade else "" for grade in "ABC"]
            remarks = [(line, 8.5) for line in "\n".join(item.remarks).split("\n")]
            cells = [item.id, item.text] + ticks + ([item.review or ""] if r.show_review else []) + [remarks]
            word.add_row(t, cells, 10, align=["center", None] + ["center"] * (3 + len(review)) + [None])
    closing = [word.para(doc, ""), word.para(doc, f"等级统计：{r.counts}。", size=12),
               word.para(doc, f"自评结论：{res.verdict.verdict}", size=12, bold=True)]
    closing += [word.para(doc, f"· {reason}", size=11) for reason in res.verdict.reasons]
    if r.explanation:
        closing.append(word.para(doc, r.explanation, size=9))
    closing.append(word.para(doc, ""))
    for p in closing:  # the conclusion, the 评定说明 and the 填报 block on one page, the table's last
        p.paragraph_format.keep_with_next = True
    _contact(doc, r)


def _contact(doc, r: Report) -> None:
    """填报单位（盖章）, 填报人, 联系电话, 填报日期: a borderless two-column block, values on a rule."""
    t = word.table(doc, [46, 70], borders=False)
    for n, (label, value) in enumerate(r.contact):
        row = word.add_row(t, [f"{label}：", value], 12, min_height_mm=9)
        word.underline_cell(row.cells[1])
        if n < len(r.contact) - 1:
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True


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
            first, *rest = "\n".join([e.title] + [f"{f.path}　{f.sha256 or '文件缺失'}" for f in e.files]).split("\n")
            lines = [(first, 9.5)] + [(line, 7.5) for line in rest]  # the files in small type
            word.add_row(t, [e.id, e.kind, lines, e.date or "—"], 9.5, align=["center", "center", None, "center"])
    for w in res.warnings:
        word.para(doc, w, size=9, color=word.RED)
    word.para(doc, f"证据摘要 SHA-256：{res.evidence_digest}", size=8)
    word.para(doc, f"规则集摘要 SHA-256：{res.scheme.digest}", size=8)

