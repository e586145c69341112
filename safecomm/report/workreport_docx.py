"""The 工作报告 draft as Word, for the office to finish: GB/T 9704 page and headings, body in
仿宋-style 16 pt, tables as Word tables, charts as pictures, 【待补充：…】 in red so that no
placeholder goes out unnoticed."""

from __future__ import annotations

from docx.shared import Pt

from . import word
from .word import WordFonts
from .workreport import ID_COLUMNS, Draft, Figure, Heading, Para, Table

STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}


def render(draft: Draft, fonts: WordFonts, chart_font: tuple[str, int]) -> bytes:
    doc = word.new_document(fonts, body_pt=16, sample=draft.sample)
    for block in draft.blocks:
        if isinstance(block, Heading):
            word.para(doc, block.text, style=STYLES[block.level])
        elif isinstance(block, Para):
            word.para(doc, block.text, indent=True, color=word.RED if block.todo else None, bold=block.todo)
        elif isinstance(block, Table):
            word.para(doc, f"表{block.number}　{block.caption}", style="Caption").paragraph_format.keep_with_next = True
            t = word.table(doc, _widths(block))
            word.add_row(t, block.header, 10.5, align=["center"] * len(block.header), header=True)
            for cell in t.rows[0].cells:
                word.shade(cell, "EEEEEE")
            ids = [i for i, h in enumerate(block.header) if h in ID_COLUMNS]
            for row in block.rows:
                cells = word.add_row(t, row, 10.5).cells
                for i in ids:
                    word.no_wrap(cells[i])
            if block.note:
                word.para(doc, block.note, size=10.5)
            doc.add_paragraph().paragraph_format.space_after = Pt(0)
        elif isinstance(block, Figure):
            word.picture(doc, block.drawing.png(*chart_font))
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            word.para(doc, f"图{block.number}　{block.caption}", style="Caption")
    return word.save(doc, draft.title, draft.author, draft.created)


def _widths(table: Table) -> list[float]:
    """Column widths in mm over the text block, by the widest text of each column (bounded; a
    Chinese character is twice as wide as a digit), never narrower than the column's heading."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    def widest(i: int, h: str) -> int:
        cap = 40 if h in ID_COLUMNS else 28  # an id column is as wide as its longest id: ids never break
        return max(min(max((width(r[i]) for r in table.rows), default=0), cap), width(h))

    weights = [widest(i, h) + 5 for i, h in enumerate(table.header)]
    return [word.TEXT_WIDTH_MM * wgt / sum(weights) for wgt in weights]
