"""The 申报表 page of 附件4 on one A4 page, whatever the narrative and the opinion hold.

The form's rows are measured the way a typesetter would: characters per line from the font size
and the column width (a Chinese character one em, other characters at most 0.6 em, a line kept one
em short for the punctuation rules that push a character on), lines times the leading. The
narrative box gets what the other rows leave of the page; its type shrinks step by step to a
floor, and what still does not fit continues on an attached sheet marked 续页 (as offices do by
hand), so the opinion boxes and the 备注 always stay on the page. The county's opinion box does
the same within its own share. The estimate leans on the safe side, with a reserve at the foot of
the page; PDF and Word each pass their own leading.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

PT_MM = 25.4 / 72
PAGE_MM = 225.0  # the text block of GB/T 9704 (297 − 37 − 35)
VALUE_MM = 156.0 - 46.0 - 6.0  # the value column of the form, less its padding
WIDE_MM = 156.0 - 6.0  # the narrative box spans both columns
RESERVE_MM = 10.0  # kept free at the foot of the page against the estimate's error
NARRATIVE_SIZES = (12.0, 11.0, 10.5, 9.75, 9.0)  # 小四 down to 小五: smaller is no longer read at arm's length
OPINION_SIZES = (11.0, 10.0, 9.0)
OPINION_MM = 30.0  # the most the county's opinion may take in its box before it continues
MORE = "（下转续页）"


@dataclass(frozen=True)
class Metrics:
    """The leading (line height / font size) of each part of the form, per renderer."""

    text: float  # narrative and opinion
    label: float  # single-line fields and the 备注
    title_mm: float  # the heading and the 县(区) line above the table, with the table's frame
    opinion_mm: float  # an opinion row with nothing written in it (seal and date lines)
    prompt_mm: float  # the prompt line at the head of the narrative box
    padding_mm: float  # what a row adds to its content: padding top and bottom and the rule


PDF = Metrics(text=1.45, label=1.5, title_mm=24.0, opinion_mm=32.3, prompt_mm=8.0, padding_mm=4.4)
WORD = Metrics(text=1.35, label=1.35, title_mm=30.0, opinion_mm=32.0, prompt_mm=7.0, padding_mm=2.5)


@dataclass
class Box:
    """What one box of the form prints: `paragraphs` at `size` pt; `rest` goes to the 续页."""

    paragraphs: list[str]
    size: float
    height_mm: float
    rest: list[str]
    split: bool = False  # the first paragraph of `rest` continues one begun in the box


@dataclass
class FormLayout:
    narrative: Box
    opinion: Box
    narrative_mm: float  # the height of the narrative row's content (the row fills the page)


def ems(text: str) -> float:
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.6 for ch in text)


def lines(text: str, width_mm: float, size: float, indent: float = 0.0) -> int:
    per_line = max(int(width_mm / (size * PT_MM)) - 1, 4)
    return max(1, math.ceil((ems(text) + indent) / per_line))


def height(paragraphs: list[str], width_mm: float, size: float, leading: float, indent: float = 2.0) -> float:
    return sum(lines(p, width_mm, size, indent) for p in paragraphs) * size * leading * PT_MM


def fill(paragraphs: list[str], width_mm: float, room_mm: float, sizes: tuple[float, ...], leading: float,
         note: list[str] = ()) -> Box:
    """The largest size at which `paragraphs` (and `note`, which always stays) fit `room_mm`; else
    the smallest size with as much as fits, the rest to continue elsewhere."""
    for size in sizes:
        used = height(list(paragraphs) + list(note), width_mm, size, leading)
        if used <= room_mm:
            return Box(list(paragraphs), size, used, [])
    size = sizes[-1]
    line_mm = size * leading * PT_MM
    room = room_mm - height([MORE] + list(note), width_mm, size, leading, indent=0)
    kept: list[str] = []
    for n, p in enumerate(paragraphs):
        need = lines(p, width_mm, size, 2.0) * line_mm
        if need <= room:
            kept.append(p)
            room -= need
            continue
        head = _head(p, width_mm, size, int(room // line_mm))
        if head:
            kept.append(head)
        rest = ([p[len(head):]] if len(head) < len(p) else []) + list(paragraphs[n + 1:])
        return Box(kept + [MORE], size, room_mm, rest, split=0 < len(head) < len(p))
    return Box(kept, size, room_mm, [])


def _head(text: str, width_mm: float, size: float, rows: int) -> str:
    """The start of `text` that fills `rows` lines, cut after a full stop when one is near the end."""
    if rows <= 0:
        return ""
    per_line = max(int(width_mm / (size * PT_MM)) - 1, 4)
    budget, used, cut = rows * per_line - 2.0, 0.0, 0
    for i, ch in enumerate(text):
        used += 1.0 if ord(ch) >= 0x2E80 else 0.6
        if used > budget:
            break
        cut = i + 1
    stop = max(text.rfind(mark, 0, cut) for mark in "。；！？")
    return text[:stop + 1] if stop >= cut * 0.6 else text[:cut]


def form(narrative: list[str], note: list[str], opinion: list[str], fields: list[str], remarks: str,
         m: Metrics) -> FormLayout:
    """Lay out the form of 附件4 on one page: `fields` are 单位名称 and 拟申报安全社区名称,
    `opinion` what the county wrote (with its notices), `note` what follows the narrative."""
    def row(content_mm: float, least_mm: float) -> float:
        return max(content_mm, least_mm) + m.padding_mm

    rows = sum(row(lines(f, VALUE_MM, 14.0) * 14.0 * m.label * PT_MM, 10.0) for f in fields)
    rows += row(lines(remarks, VALUE_MM, 11.0) * 11.0 * m.label * PT_MM, 11.0)
    opinion_box = fill(opinion, VALUE_MM, OPINION_MM, OPINION_SIZES, m.text)
    rows += m.opinion_mm + max(opinion_box.height_mm - 11.0, 0.0)  # the box holds 11 mm of writing as it is
    rows += m.opinion_mm
    content = PAGE_MM - m.title_mm - rows - RESERVE_MM - m.padding_mm  # the narrative row, less its padding
    box = fill(narrative, WIDE_MM, content - m.prompt_mm, NARRATIVE_SIZES, m.text, note)
    return FormLayout(box, opinion_box, round(content, 1))
