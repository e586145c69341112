"""The review sheet as a workbook (审核表.xlsx), for a reviewer who works in Excel or WPS.

It holds what the YAML sheet holds, in two sheets: 审核意见 (the community, the evidence's digest,
the rule set, the reviewer and the 初步审查意见) and 逐项审核 (one row an item: the automatic grade
and its reason, then a 审核等级 drop-down 维持/A/B/C, a 理由 and a 现场核实 column). Reading it
gives the same `Review` as the YAML reader, so the same rules apply (review.rule_problems); only
the places differ: every problem is at its sheet and cell, under the column's Chinese title, and
values are named as the drop-down shows them.

Sheets are known by what they hold (a label 证据摘要, a header 审核等级), columns by their titles,
so a renamed sheet, a moved column or a row added above still read.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from . import assessment as out
from .ledger.write import workbook_bytes
from .loading import InputError, Problem, column_letters, validation_message
from .output import neutral
from .review import BOOK, FORMAT, Review, new_review

FORM, ITEMS = "审核意见", "逐项审核"
KEEP = "维持"
GRADES = (KEEP, "A", "B", "C")
YES, NO = "是", "否"

# The 审核意见 sheet: label → where the value goes in the model. Labels are what the reader looks for.
FORM_ROWS: tuple[tuple[str, tuple, str], ...] = (
    ("单位名称", ("community", "name"), "勿改"),
    ("省", ("community", "province"), "勿改"),
    ("市", ("community", "city"), "勿改"),
    ("县(区)", ("community", "county"), "勿改"),
    ("评估期开始", ("community", "period", "start"), "勿改"),
    ("评估期结束", ("community", "period", "end"), "勿改"),
    ("规则集", ("scheme",), "勿改"),
    ("证据摘要", ("evidence_digest",), "制作本表时证据的摘要，勿改：证据改动后本表将被拒绝（请重新制作审核表，或在 assess 时加 --allow-stale）"),
    ("审核人", ("reviewer", "name"), ""),
    ("审核单位", ("reviewer", "unit"), ""),
    ("审查日期", ("reviewer", "date"), "日期，如 2024-12-20"),
    ("初步审查意见", ("opinion",), "县(区)安委会办公室初步审查意见；可写多行（Alt+Enter 换行），原样印入申报表"),
)
DATES = {("community", "period", "start"), ("community", "period", "end"), ("reviewer", "date")}
KEPT = {loc for _, loc, note in FORM_ROWS if note.startswith("勿改") or loc == ("evidence_digest",)}

# The 逐项审核 sheet: title → field of an item (None: shown for the reviewer, not read back).
COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("条目", "id", 7), ("内容", None, 36), ("自动等级", "auto", 8), ("自动评定理由", None, 44), ("备注", None, 22),
    ("审核等级", "grade", 9), ("理由", "reason", 40), ("现场核实", "onsite", 9),
)
TITLES = {name: title for title, name, _ in COLUMNS if name}
HEADER_SEARCH = 6  # the header is row 2 as written; a reviewer may add a row or two above it
MAX_TEXT = 32767  # characters in a cell

_NOTE = Font(bold=True, color="1F3864")
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_KEPT = Font(color="808080")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_TOP = Alignment(wrap_text=True, vertical="top")


# -- writing ---------------------------------------------------------------------------------

def new_book(result: out.Assessment, review: Review | None = None) -> bytes:
    """The review workbook of `result`: every item with its automatic grade and reason, to fill in;
    or, given `review` (one begun elsewhere), the same workbook holding what it says. The same
    inputs give the same bytes."""
    review = review or new_review(result)
    wb = Workbook()
    _form(wb.active, result, review)
    _items(wb.create_sheet(ITEMS), result, review)
    wb.properties.title = "安全社区申报审核表"
    wb.properties.keywords = FORMAT
    return workbook_bytes(wb)


def _text(cell, value: Any, shown_only: bool = False) -> None:
    """Text that is never run as a formula: shown-only text neutralised (output.neutral), a value
    the reviewer may keep typed as text, so that it reads back as it is."""
    if value is None:
        return
    if isinstance(value, str):
        cell.value = neutral(value) if shown_only else value
        cell.data_type = "s"
        cell.number_format = "@"
        if "\n" in value:
            cell.alignment = _TOP
    else:
        cell.value = value


def _form(ws: Worksheet, result: out.Assessment, review: Review) -> None:
    ws.title = FORM
    counts = "，".join(f"{g} {n} 项" for g, n in result.counts.items())
    note = (f"安全社区申报审核表：{result.community.title}。自动评定 {counts}；结论：{result.verdict.verdict}。"
            f"在黄色格子中填写；灰色的内容勿改。逐项改判填在「{ITEMS}」表。")
    _text(ws.cell(1, 1), note, shown_only=True)
    ws.cell(1, 1).font, ws.cell(1, 1).alignment = _NOTE, _TOP
    ws.merge_cells("A1:C1")
    ws.row_dimensions[1].height = 48
    for col, text in enumerate(("项目", "填写", "说明"), start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
    data = review.model_dump(mode="python")
    for r, (label, loc, about) in enumerate(FORM_ROWS, start=3):
        ws.cell(r, 1, label).alignment = Alignment(vertical="top")
        value = _get(data, loc)
        cell = ws.cell(r, 2)
        if isinstance(value, date):
            cell.value, cell.number_format = value, "yyyy-mm-dd"
            cell.alignment = Alignment(horizontal="left", vertical="top")
        elif loc in DATES:
            cell.number_format = "yyyy-mm-dd"
        else:
            _text(cell, value)  # read back, so typed as text rather than neutralised
            cell.number_format = "@"
        if loc not in DATES:
            cell.alignment = _TOP
        if loc in KEPT:
            cell.font = _KEPT
        else:
            cell.fill = _INPUT_FILL
        _text(ws.cell(r, 3), about, shown_only=True)
        ws.cell(r, 3).alignment = _TOP
    opinion = 2 + len(FORM_ROWS)
    lines = len((review.opinion or "").split("\n"))
    ws.row_dimensions[opinion].height = 15 * max(10, lines + 2)
    for letter, width in zip("ABC", (14, 60, 40)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    _printable(ws)


def _items(ws: Worksheet, result: out.Assessment, review: Review) -> None:
    entries = {e.id: e for e in review.items}
    note = (f"逐项审核：「审核等级」选 {KEEP}（维持自动等级）或 A、B、C；改判时必须在「理由」中写明理由，不改判时也可写确认或异议的意见。"
            "否决项不能改判为 A 或 B。「现场核实」选 是 表示已现场核实。")
    _text(ws.cell(1, 1), note, shown_only=True)
    ws.cell(1, 1).font, ws.cell(1, 1).alignment = _NOTE, _TOP
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws.row_dimensions[1].height = 36
    for col, (title, name, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(2, col, title)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        ws.column_dimensions[column_letters(col)].width = width
    where = {title: column_letters(col) for col, (title, _, _) in enumerate(COLUMNS, start=1)}
    grades = DataValidation(type="list", formula1=f'"{",".join(GRADES)}"', allow_blank=True, showErrorMessage=True,
                            errorTitle="取值不对", error=f"审核等级：{KEEP}、A、B 或 C")
    vetoed = DataValidation(type="list", formula1=f'"{KEEP},C"', allow_blank=True, showErrorMessage=True,
                            errorTitle="取值不对", error=f"否决项的审核等级只能是 {KEEP} 或 C")
    ticks = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True,
                           errorTitle="取值不对", error=f"现场核实：{YES} 或 {NO}")
    for dv in (grades, vetoed, ticks):
        ws.add_data_validation(dv)
    for r, item in enumerate(result.items, start=3):
        entry = entries.get(item.id)
        marks = "；".join(m for m in ((f"否决项：只能{KEEP}或改为 C" if item.vetoed else ""),
                                      (f"需现场核实：{item.confirm}" if item.needs_review else "")) if m)
        values = {"条目": item.id, "内容": item.text, "自动等级": (entry and entry.auto) or item.grade,
                  "自动评定理由": item.reason, "备注": marks or None,
                  "审核等级": (entry and entry.grade) or KEEP, "理由": entry and entry.reason,
                  "现场核实": YES if entry and entry.onsite else None}
        for col, (title, name, width) in enumerate(COLUMNS, start=1):
            cell = ws.cell(r, col)
            _text(cell, values[title], shown_only=name is None)
            cell.number_format = "@"
            cell.alignment = _TOP
            if name in ("grade", "reason", "onsite"):
                cell.fill = _INPUT_FILL
            elif name is None:
                cell.font = _KEPT
        (vetoed if item.vetoed else grades).add(f"{where['审核等级']}{r}")
        ticks.add(f"{where['现场核实']}{r}")
        longest = max(len(item.reason), len(item.text) * 36 // 44, len(values["理由"] or ""))
        ws.row_dimensions[r].height = 15 * max(1, min(12, -(-longest // 22)))
    ws.freeze_panes = "B3"
    _printable(ws)
    ws.print_title_rows = "1:2"


def _printable(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _get(data: Any, loc: tuple) -> Any:
    for key in loc:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


# -- reading ---------------------------------------------------------------------------------

Place = tuple[str, int, int, str]  # sheet, row, column (1-based), the Chinese title of the place


@dataclass
class Book:
    """Where each part of a `Review` was read from in the workbook: the workbook's counterpart of
    loading.Document, so that `Review.problem` and `Review.where` name cells."""

    file: str
    places: dict[tuple, Place] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)  # FORM / ITEMS → the sheet's name as found

    def where(self, loc: tuple) -> Place:
        for n in range(len(loc), -1, -1):
            found = self.places.get(tuple(loc[:n]))
            if found:
                return found
        return (self.sheets.get(FORM, FORM), 0, 0, "")

    def problem(self, loc: tuple, message: str, key: bool = False) -> Problem:
        sheet, row, column, title = self.where(loc)
        return Problem(self.file, row, column, title, message, sheet)

    def name(self, loc: tuple) -> str:
        """`「审核意见」表 B14（初步审查意见）`: a place, for a warning about it."""
        sheet, row, column, title = self.where(loc)
        cell = f" {column_letters(column)}{row}" if row else ""
        return f"「{sheet}」表{cell}（{title}）" if title else f"「{sheet}」表{cell}"


MAX_BYTES = 5 * 1024 * 1024  # a sheet of a few hundred items is some tens of kilobytes


def read_book(raw: bytes, label: str) -> Review:
    """A review workbook as the `Review` it holds; InputError with every problem at its cell."""
    import python_calamine

    from .ledger.package import check, refuse

    if len(raw) > MAX_BYTES:
        raise refuse(label, f"审核表文件过大（{len(raw)} 字节），上限为 {MAX_BYTES} 字节")
    formulas = check(raw, label)
    found: dict[str, tuple[str, list[list]]] = {}
    try:
        workbook = python_calamine.load_workbook(io.BytesIO(raw))
        with workbook:
            for meta in workbook.sheets_metadata:
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue
                values = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
                part = _identify(values)
                if part and part not in found:
                    found[part] = (meta.name, values)
    except (KeyboardInterrupt, SystemExit, MemoryError, InputError):
        raise
    except BaseException:  # CalamineError in English, or a panic of its Rust code
        raise refuse(label, "无法读取审核表工作簿：文件已损坏，或不是 Excel 工作簿（.xlsx）：请在 Excel/WPS 中重新另存为 .xlsx") from None
    missing = [part for part in (FORM, ITEMS) if part not in found]
    if missing:
        raise refuse(label, "不是 safecomm 的审核表工作簿：没有找到「" + "」「".join(missing) + "」表"
                            "（请用 safecomm review start 证据文件 -o 审核表.xlsx 制作）")
    book = Book(label, sheets={part: name for part, (name, _) in found.items()})
    problems: list[Problem] = []
    for name, cells in formulas.items():
        for row, column, error in cells:
            problems.append(Problem(label, row, column, "", (
                f"单元格是错误值 {error}（公式算不出结果）：请直接填写" if error else
                "单元格中是公式，但文件没有保存计算结果：请在 Excel/WPS 中打开并保存一次，或直接填写"), name))
    data: dict = {"format": FORMAT}
    _read_form(book, *found[FORM], data, problems)
    data["items"] = _read_items(book, *found[ITEMS], problems)
    if problems:
        raise InputError(problems)
    try:
        review = Review.model_validate(data)
    except ValidationError as exc:
        raise InputError([book.problem(tuple(e["loc"]), _message(tuple(e["loc"]), e))
                          for e in exc.errors(include_url=False)]) from None
    review._doc, review._channel = book, BOOK
    return review


def _identify(values: list[list]) -> str | None:
    if any(_label(v) == "证据摘要" for row in values for v in row[:3]):
        return FORM
    for row in values[:HEADER_SEARCH]:
        if {"条目", "审核等级"} <= {_label(v) for v in row}:
            return ITEMS
    return None


def _label(value: Any) -> str:
    return value.strip().removesuffix("*").strip() if isinstance(value, str) else ""


def _read_form(book: Book, sheet: str, values: list[list], data: dict, problems: list[Problem]) -> None:
    """A label in one column, its value in the next (rows may be moved or added)."""
    rows = {label: (loc, about) for label, loc, about in FORM_ROWS}
    for r, row in enumerate(values, start=1):
        for c, value in enumerate(row[:3], start=1):
            label = _label(value)
            if label not in rows:
                continue
            loc, _ = rows.pop(label)
            book.places[loc] = (sheet, r, c + 1, label)
            if loc[:1] == ("community",):
                book.places.setdefault(("community",), (sheet, r, c + 1, label))
            raw = row[c] if c < len(row) else None  # the value: the cell right of its label
            if loc in DATES:
                raw = _day(raw)
            text = _cell(raw)
            if isinstance(text, str) and len(text) > MAX_TEXT:
                problems.append(Problem(book.file, r, c + 1, label, f"文字过长（{len(text)} 字）：一个单元格最多 {MAX_TEXT} 字", sheet))
                continue
            if loc == ("evidence_digest",) and text is not None:
                text = str(text).strip().lower()
            _set(data, loc, text)
            break
    for label, (loc, _) in rows.items():
        if loc[:1] in (("community",), ("evidence_digest",), ("scheme",)):
            problems.append(Problem(book.file, 0, 0, label, f"没有「{label}」一行：请勿删除审核表中的行，可重新运行 safecomm review start 制作", sheet))


def _read_items(book: Book, sheet: str, values: list[list], problems: list[Problem]) -> list[dict]:
    header_row = next(r for r, row in enumerate(values[:HEADER_SEARCH]) if {"条目", "审核等级"} <= {_label(v) for v in row})
    columns = {}
    for c, v in enumerate(values[header_row]):
        title = _label(v)
        if title in TITLES.values() and title not in columns:
            columns[title] = c
    items = []
    for r, row in enumerate(values[header_row + 1:], start=header_row + 2):
        def at(title: str) -> Any:
            c = columns.get(title)
            return row[c] if c is not None and c < len(row) else None

        ident = _cell(at("条目"))
        if ident is None and all(_cell(v) is None for v in row):
            continue
        n = len(items)
        for name, title in TITLES.items():
            if title in columns:
                book.places[("items", n, name)] = (sheet, r, columns[title] + 1, title)
        book.places[("items", n)] = book.places.get(("items", n, "id"), (sheet, r, 0, ""))
        entry: dict[str, Any] = {"id": ident if ident is None else str(ident)}

        def bad(title: str, message: str) -> None:
            problems.append(Problem(book.file, r, columns[title] + 1, title, f"条目 {ident}：{message}" if ident else message, sheet))

        auto = _cell(at("自动等级"))
        entry["auto"] = auto.upper() if isinstance(auto, str) and auto.upper() in ("A", "B", "C") else None
        grade = _cell(at("审核等级"))
        grade = unicodedata.normalize("NFKC", grade) if isinstance(grade, str) else grade  # Ａ typed with a Chinese IME
        if isinstance(grade, str) and grade.upper() in ("A", "B", "C"):
            entry["grade"] = grade.upper()
        elif grade not in (None, KEEP):
            bad("审核等级", f"审核等级应为 {KEEP}、A、B 或 C（现为「{grade}」）：请在下拉列表中选择；留空即{KEEP}")
        reason = _cell(at("理由"))
        if isinstance(reason, str) and len(reason) > MAX_TEXT:
            bad("理由", f"文字过长（{len(reason)} 字）：一个单元格最多 {MAX_TEXT} 字")
        else:
            entry["reason"] = None if reason is None else str(reason)
        tick = _cell(at("现场核实"))
        if tick in (YES, "√", True):
            entry["onsite"] = True
        elif tick not in (None, NO, "×", False):
            bad("现场核实", f"现场核实应为 {YES} 或 {NO}（现为「{tick}」）：请在下拉列表中选择；留空即未核实")
        if ident is None:
            problems.append(Problem(book.file, r, columns["条目"] + 1, "条目",
                                    "这一行没有条目编号：请勿改动「条目」列；不审核的条目可整行删除", sheet))
            continue
        if any(e["id"] == entry["id"] for e in items):
            problems.append(Problem(book.file, r, columns["条目"] + 1, "条目", f"条目 {ident} 重复：每个条目只能出现一次", sheet))
            continue
        items.append(entry)
    return items


def _cell(value: Any) -> Any:
    """A cell's value as text (None when blank); `12.0` shows as 12."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        return value.strip().replace("\r\n", "\n")
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, (date, datetime)) else str(value)


def _day(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.isoformat(sep=" ")
    return value


def _set(target: dict, loc: tuple, value: Any) -> None:
    for key in loc[:-1]:
        target = target.setdefault(key, {})
    target[loc[-1]] = value


def _message(loc: tuple, error: dict) -> str:
    """A model's complaint in the workbook's words: the row's label for a field name."""
    message = "必须填写" if error["type"] == "missing" or error.get("input", "") is None else validation_message(error)
    if loc in KEPT or loc[:1] == ("community",):
        message += "：这一项是制作审核表时写入的，请勿修改（可重新运行 safecomm review start 制作）"
    return message
