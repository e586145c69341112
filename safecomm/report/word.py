"""Word (.docx) building blocks shared by the 申报表 and the 工作报告.

Why a module of its own: python-docx leaves traps that every Word file here must avoid.
- `font.name` sets only the Latin font: Chinese text keeps the theme's East Asian font (MS Mincho
  in python-docx's template). Every style here names the East Asian font (`w:eastAsia`) and
  drops the theme attributes, runs inherit it from their paragraph's style, and the language is
  zh-CN, so LibreOffice and WPS choose the Chinese glyph forms.
- Its property setters each search an element's children for their place: runs, paragraphs and
  table rows are written here as XML text and parsed once, which is most of the speed of a paper.
- Saving stamps the time into the zip members and the core properties: `save` fixes both, so the
  same input gives the same bytes.
- XML cannot hold most control characters: `visible` turns them into visible symbols.

The page follows GB/T 9704: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, page
numbers as "— 1 —" under the text block.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.document import Document as DocumentObject
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docx.shared import Mm, Pt, RGBColor

from ..loading import InputError, Problem

TEXT_WIDTH_MM = 156  # 210 − 28 − 26
RED = RGBColor(0xC0, 0x00, 0x00)
# Control characters other than tab and newline have no place in XML: show them as the
# Unicode "control pictures" (U+2400…), so hostile text prints literally instead of failing.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ID_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[0-9])")


def visible(text: str) -> str:
    return _CONTROL.sub(lambda m: "␡" if m.group() == "\x7f" else chr(0x2400 + ord(m.group())), text)


@dataclass(frozen=True)
class WordFonts:
    """Font names written into the file. The defaults are the faces GB/T 9704 asks for; Word and
    WPS fall back to the `FALLBACK` face (the font table's altName) where they are missing."""

    title: str = "方正小标宋简体"
    serif: str = "仿宋_GB2312"
    sans: str = "黑体"


FALLBACK = {"方正小标宋简体": "宋体", "仿宋_GB2312": "仿宋", "黑体": "SimHei"}
FAMILY = {"title": "roman", "serif": "modern", "sans": "swiss"}


def word_fonts(title: Path | None = None, serif: Path | None = None, sans: Path | None = None) -> WordFonts:
    """The Word font names for the `--font-*` files: each file's own family name, else the default."""
    default = WordFonts()
    return WordFonts(
        title=family_name(title) if title else default.title,
        serif=family_name(serif) if serif else default.serif,
        sans=family_name(sans) if sans else default.sans,
    )


def family_name(path: Path) -> str:
    """The family name a font file gives itself, the Chinese one first (as Word lists it)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, fontNumber=0, lazy=True) as font:
            names = font["name"]
            for lang in (0x804, 0x409):
                record = names.getName(1, 3, 1, lang)
                if record:
                    return str(record)
            name = names.getDebugName(1)
    except (TTLibError, OSError, KeyError, AssertionError, ValueError):
        name = None
    if not name:
        raise InputError([Problem(str(path), 0, 0, "", "无法读取字体文件中的字体名称：请给出 .ttf/.otf/.ttc 字体文件")])
    return name


def new_document(fonts: WordFonts, body_pt: float, sample: str | None, footer: str | None = None) -> Document:
    """An empty document: GB/T 9704 page, styles in `fonts`, page numbers, and `sample` (the 示例
    notice) at the head of every page when the evidence still holds template data."""
    doc = Document()
    _drop_template_extras(doc)
    _font_table(doc, fonts)
    _styles(doc, fonts, body_pt)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(22), Mm(20)
    _footer(section, footer)
    if sample:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(header, sample, size=12, bold=True, color=RED)
    return doc


def _drop_template_extras(doc: Document) -> None:
    """python-docx's template carries a thumbnail of an English page and a second copy of its
    styles for Word 2010 (with the theme fonts we replace): neither is ours to ship."""
    for rels, kind in ((doc.part.package.rels, "/thumbnail"), (doc.part.rels, "/stylesWithEffects")):
        for rid in [rid for rid, rel in rels.items() if rel.reltype.endswith(kind)]:
            del rels[rid]


def _font_table(doc: Document, fonts: WordFonts) -> None:
    """Declare our fonts as Chinese (GB2312 charset) with a common fallback face, so Word and WPS
    substitute a Chinese face of the same style where the named one is not installed."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    entries = []
    for role in ("title", "serif", "sans"):
        name = getattr(fonts, role)
        alt = f'<w:altName w:val="{_attr(FALLBACK[name])}"/>' if name in FALLBACK else ""
        entries.append(
            f'<w:font w:name="{_attr(name)}">{alt}<w:charset w:val="86"/>'
            f'<w:family w:val="{FAMILY[role]}"/><w:pitch w:val="variable"/></w:font>'
        )
    part._blob = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">{"".join(entries)}</w:fonts>'.encode()


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def set_fonts(rpr, font: str) -> None:
    """Name `font` for Latin and East Asian text in a run or style's `w:rPr`, without theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _styles(doc: Document, fonts: WordFonts, body_pt: float) -> None:
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(defaults, fonts.serif)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spec = {  # style: (font, size, bold, centred); headings after GB/T 9704: 一、黑体, （一）then bold 仿宋
        "Normal": (fonts.serif, body_pt, False, False),
        "Title": (fonts.title, 22, False, True),
        "Heading 1": (fonts.sans, 18, False, True),
        "Heading 2": (fonts.sans, 16, False, False),
        "Heading 3": (fonts.serif, 16, True, False),
        "Caption": (fonts.sans, 10.5, False, True),
    }
    for name, (font, size, bold, centred) in spec.items():
        style = styles[name]
        set_fonts(style.element.get_or_add_rPr(), font)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(6 if name.startswith("Heading") else 0), Pt(6 if name != "Normal" else 0)
        fmt.line_spacing = 1.25 if name == "Normal" else 1.0
        if centred:
            fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pbdr = style.element.pPr.find(qn("w:pBdr")) if style.element.pPr is not None else None
        if pbdr is not None:  # the template's Title has a rule under it
            style.element.pPr.remove(pbdr)
    styles["Title"].paragraph_format.space_after = Pt(12)


def _footer(section, line: str | None) -> None:
    """`— N —` centred under the text block, then `line` (rule set and evidence digest) in small type."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(p, "— ", size=14)
    _page_field(p)
    add_run(p, " —", size=14)
    if line:
        small = section.footer.add_paragraph()
        small.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(small, line, size=7.5)


def _page_field(paragraph) -> None:
    run = add_run(paragraph, "", size=14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def add_run(paragraph, text: str, size: float | None = None, bold: bool = False, font: str | None = None,
            color: RGBColor | None = None):
    """A run of `text` (newlines become line breaks). It takes its font from the paragraph's style
    (each style names the East Asian font), unless `font` is given. A hyphen inside an id (A-005,
    朝街发-12) is Word's non-breaking hyphen: an id never breaks."""
    r = parse_xml(f"<w:p {_W}>{_run_xml(text, size, bold, color, font)}</w:p>")[0]
    paragraph._p.append(r)
    return Run(r, paragraph)


def _run_xml(text: str, size: float | None = None, bold: bool = False, color: RGBColor | None = None,
             font: str | None = None) -> str:
    """The `w:r` of a run, written as text: python-docx's property setters each search the XML,
    which made them most of the time a Word file took."""
    props = ""
    if font:
        name = _attr(font)
        props += f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
    if bold:
        props += "<w:b/>"
    if color is not None:
        props += f'<w:color w:val="{color}"/>'
    if size:
        props += f'<w:sz w:val="{_half_points(size)}"/>'
    body = []
    for n, line in enumerate(visible(text).split("\n")):
        if n:
            body.append("<w:br/>")
        for m, piece in enumerate(_ID_HYPHEN.split(line)):
            if m:
                body.append("<w:noBreakHyphen/>")
            if piece:
                space = ' xml:space="preserve"' if piece.strip() != piece else ""
                body.append(f"<w:t{space}>{_text(piece)}</w:t>")
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(body)}</w:r>"


def _para_xml(runs: str, style: str | None = None, align: str | None = None, indent_pt: float | None = None,
              single: bool = False) -> str:
    """A `w:p` holding `runs`, its properties in the order the schema asks."""
    props = f'<w:pStyle w:val="{style}"/>' if style else ""
    if single:
        props += '<w:spacing w:line="240" w:lineRule="auto"/>'
    if indent_pt:
        props += f'<w:ind w:firstLine="{Pt(indent_pt).twips}"/>'
    if align:
        props += f'<w:jc w:val="{_JC[align]}"/>'
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{runs}</w:p>"


_W = nsdecls("w")
_JC = {"center": "center", "right": "right", "justify": "both"}
_STYLE_IDS = {"Title": "Title", "Heading 1": "Heading1", "Heading 2": "Heading2", "Heading 3": "Heading3", "Caption": "Caption"}


def _half_points(size: float) -> int:
    return int(Pt(size).pt * 2)


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _append(container, element):
    """Put a paragraph or table element last in `container` (a document's body, a cell, a header)."""
    if isinstance(container, DocumentObject):
        container.element.body.sectPr.addprevious(element)
        return container._body
    container._element.append(element)
    return container


def para(container, text: str = "", style: str | None = None, size: float | None = None, bold: bool = False,
         align: str | None = None, indent: bool = False, color: RGBColor | None = None, font: str | None = None):
    """A paragraph in `container` (document, cell, header) holding `text` in one run; `style` is
    one of the styles `new_document` sets."""
    run = _run_xml(text, size, bold, color, font) if text else ""
    style_id = _STYLE_IDS[style] if style else None
    p = parse_xml(f"<w:body {_W}>{_para_xml(run, style_id, align, (size or 16) * 2 if indent else None)}</w:body>")[0]
    return Paragraph(p, _append(container, p))


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def table(doc_or_cell, widths_mm: list[float], rows: int = 0, borders: bool = True):
    """A bordered grid table of fixed column widths (Word and WPS honour widths set on each cell)."""
    t = doc_or_cell.add_table(rows=rows, cols=len(widths_mm))
    if borders:
        t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER if borders else WD_TABLE_ALIGNMENT.LEFT
    t.autofit = False  # a fixed layout: <w:tblLayout w:type="fixed"/>
    for col, width in zip(t.columns, widths_mm):
        col.width = Mm(width)
    t.widths_mm = widths_mm
    return t


def add_row(t, cells: list, size: float, bold: bool = False, align: list[str | None] | None = None,
            header: bool = False, min_height_mm: float | None = None, span: bool = False):
    """A row of plain-text cells; a header row repeats on every page, no row splits across pages.
    A cell is its text (each line a paragraph, in `size`) or a list of (line, size) pairs; `span`
    makes the first cell span the whole row."""
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    if min_height_mm:
        props += f'<w:trHeight w:val="{Mm(min_height_mm).twips}"/>'
    widths = [Mm(w).twips for w in t.widths_mm]
    if span:
        cells, widths = cells[:1], [sum(widths)]
    merged = f'<w:gridSpan w:val="{len(t.widths_mm)}"/>' if span else ""
    xml = [f"<w:tr {_W}><w:trPr>{props}</w:trPr>"]
    for i, (text, width) in enumerate(zip(cells, widths)):
        xml.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{merged}</w:tcPr>')
        xml.append(_cell_xml(text, size, bold, (align or [None] * len(cells))[i]))
        xml.append("</w:tc>")
    tr = parse_xml("".join(xml) + "</w:tr>")
    t._tbl.append(tr)
    return _Row(tr, t)


def _cell_xml(text, size: float, bold: bool, align: str | None) -> str:
    lines = [(line, size) for line in text.split("\n")] if isinstance(text, str) else list(text)
    return "".join(_para_xml(_run_xml(line, line_size, bold), align=align, single=True)
                   for line, line_size in lines or [("", size)])


def fill(cell, text: str, size: float, bold: bool = False, align: str | None = None) -> None:
    """Put `text` in a cell (each line of it a paragraph), replacing what was there."""
    tc = cell._tc
    for p in tc.findall(qn("w:p")):
        tc.remove(p)
    for p in parse_xml(f"<w:tc {_W}>{_cell_xml(text or '', size, bold, align)}</w:tc>").findall(qn("w:p")):
        tc.append(p)


def merge(a, b):
    """One cell spanning `a` to `b`, holding only their text (Word's merge keeps an empty
    paragraph from every merged cell, which would make the row tall)."""
    cell = a.merge(b)
    paragraphs = cell.paragraphs
    for p in paragraphs[1:]:
        if not p.text:
            p._p.getparent().remove(p._p)
    return cell


def no_wrap(cell) -> None:
    """Keep the cell's text on one line (an id such as A-005 never breaks into "A-" and "005")."""
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def underline_cell(cell) -> None:
    """A rule under the cell: the line a value is written on."""
    borders = OxmlElement("w:tcBorders")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    cell._tc.get_or_add_tcPr().append(borders)


def shade(cell, hex_fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_fill)
    cell._tc.get_or_add_tcPr().append(shd)


def picture(doc: Document, png: bytes, width_mm: float = TEXT_WIDTH_MM) -> None:
    doc.add_picture(io.BytesIO(png), width=Mm(width_mm))
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def mark_sample(doc: Document, sample: str) -> None:
    """Put the 示例 notice at the head of every page of a document we did not lay out (a user's template)."""
    for section in doc.sections:
        for header in (section.header, section.first_page_header, section.even_page_header):
            header.is_linked_to_previous = False
            p = header.paragraphs[0].insert_paragraph_before() if header.paragraphs else header.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            add_run(p, sample, size=12, bold=True, color=RED, font=WordFonts().sans)


FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's first possible date


def save(doc: Document, title: str, author: str, created: str, subject: str = "") -> bytes:
    """The .docx bytes, the same for the same content: core properties dated `created` (ISO date,
    the end of the assessment period) and zip members with a fixed time, order and mode."""
    props = doc.core_properties
    when = datetime.fromisoformat(created).replace(tzinfo=timezone.utc)
    props.title, props.author, props.last_modified_by = visible(title), visible(author), "safecomm"
    props.keywords = props.comments = props.category = ""
    props.subject = visible(subject)
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    package = doc.part.package
    for part in package.parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        fixed = _FixedZip(dst)
        PackageWriter._write_content_types_stream(fixed, package.parts)
        PackageWriter._write_pkg_rels(fixed, package.rels)
        PackageWriter._write_parts(fixed, package.parts)
    return out.getvalue()


class _FixedZip:
    """python-docx's package writer (the parts in its order) into zip members of a fixed time
    and mode: `Document.save` stamps the current time, and rewriting its zip deflated it twice."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf

    def write(self, pack_uri, blob: bytes) -> None:
        member = zipfile.ZipInfo(pack_uri.membername, date_time=FIXED_TIME)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.create_system = 0
        member.external_attr = 0o644 << 16
        self.zf.writestr(member, blob)
