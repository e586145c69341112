"""Writing the 台账: a bundle's records into the sheets of the layout, with what helps a clerk
fill it in: drop-downs taken from the model and the rule set, a note on every header, date and
text formats, frozen headers, a 填写说明 sheet.

The input is plain data as the model dumps it, so that `scan` can write proposed rows that are
not yet valid records. The same data gives the same bytes: the zip's timestamps and the
document's dates are fixed.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from ..evidence import Evidence
from ..loading import InputError, Problem, field_path, load_model, read_yaml
from ..scheme import Scheme
from . import cells
from .layout import BOOL, CHOICE, CHOICES, DATE, FILES, FORM, GUIDE, INT, ITEMS, LIST, NUMBER, REMARK, Column, Table, layout, terms
from .words import LEDGER, hint, note, speak, used_by

FIRST_ROW = 4  # row 1: what the sheet is for; row 2: Chinese headers; row 3: field names
FIXED_TIME = datetime(2024, 1, 1)

_NOTE = Font(bold=True, color="1F3864")
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIELD = Font(color="808080", size=9)
_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_MARK_FILL = PatternFill("solid", fgColor="D9D9D9")
_FORMATS = {DATE: "yyyy-mm-dd", INT: "0", NUMBER: "General", BOOL: "@", CHOICE: "@", LIST: "@", ITEMS: "@", FILES: "@"}
_LINE = 15  # points a line of text needs
_FORM_VALUE = 40  # width of the form's value column
_WIDTHS = {DATE: 12, INT: 10, NUMBER: 10, BOOL: 8, ITEMS: 12, FILES: 30}
SAMPLE_NOTE = "灰色底的内容是示例（与 safecomm init 生成的 evidence.yaml 相同）：请改写成本社区的实际内容（改过的格子不再是灰色），或整行删除。"
PROPOSAL_NOTE = "灰色底的内容是 safecomm scan 根据未被引用的附件的文件名和所在文件夹拟出的：请核对、补全后复制到台账中。"
DRAFT_NOTE = ("灰色底的行是 safecomm draft 根据工作总结拟出的，尚未确认：对照「来源」列的原句逐行核对，改正、补全或删除"
              "（改过的格子不再是灰色）；「可信度」低的行尤其要核对。")
REMARKS = ((f"{REMARK}来源", "来源", 50), (f"{REMARK}可信度", "可信度", 8))  # (field name, header, width)


def plain(evidence: Evidence) -> dict:
    """The bundle as plain data, with only what was written (a default is not filled in)."""
    return evidence.model_dump(mode="json", exclude_none=True, exclude_unset=True)


def template(scheme: Scheme) -> bytes:
    """The workbook `safecomm init --xlsx` writes: the YAML template's records, marked as samples."""
    from importlib import resources

    with resources.as_file(resources.files("safecomm") / "templates" / "evidence.yaml") as path:
        return ledger_bytes(plain(load_model(read_yaml(path), Evidence)), scheme, mark=SAMPLE_NOTE)


def ledger_bytes(data: dict, scheme: Scheme, mark: str = "", label: str = "", filled_only: bool = False,
                 remarks: dict[tuple, tuple[str, str]] | None = None) -> bytes:
    """The workbook for `data` (plain data of a bundle), with drop-downs for the items of `scheme`.

    `mark` greys every record and says why in each sheet's note (samples, proposed rows);
    `filled_only` leaves out the sheets that would be empty; `remarks` (a record's loc, or a form
    row's path → source, confidence) adds the 来源 and 可信度 columns the reader skips. Raises
    InputError (naming `label`) when a value would not read back the same from its cell.
    """
    remarks = remarks or {}
    problems = [Problem(label, 0, 0, field_path(loc), message) for loc, message in _lossy(data)]
    if problems:
        raise InputError(problems)
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE
    choices = _choices(wb, scheme)
    lay = layout()
    if not filled_only or any(_get(data, row.path) is not None for row in lay.form_rows.values()):
        _form(wb.create_sheet(FORM), data, scheme, choices, mark, remarks)
    for table in lay.tables:
        if not filled_only or next(rows(table, data), None):
            _table(wb.create_sheet(table.label), table, data, scheme, choices, mark, remarks)
    wb.move_sheet(CHOICES, len(wb.sheetnames))
    _guide(guide, scheme, mark)
    for ws in wb.worksheets:
        _printable(ws)
    wb.properties.creator = wb.properties.lastModifiedBy = "safecomm"
    return workbook_bytes(wb)


# -- where values are ------------------------------------------------------------------------

def _get(record: Any, path: tuple) -> Any:
    for key in path:
        record = record.get(key) if isinstance(record, dict) else None
    return record


def rows(table: Table, data: dict) -> Iterator[tuple[tuple, str | None, dict]]:
    """(loc, parent id, record) for every record of `table` in `data`, in order."""
    if table.parent is None:
        records = _get(data, table.path)
        for i, record in enumerate(records if isinstance(records, list) else []):
            yield table.path + (i,), None, record
        return
    field = table.path[-1]
    for loc, _, parent in rows(table.parent, data):
        children = parent.get(field)
        for j, record in enumerate(children if isinstance(children, list) else []):
            yield loc + (field, j), parent.get("id"), record


def _lossy(data: dict) -> Iterator[tuple[tuple, str]]:
    lay = layout()
    for section in lay.sections:
        for row in section.rows:
            value = _get(data, row.path)
            why = None if value is None else cells.lossy(value, row)
            if why:
                yield row.path, why
    for table in lay.tables:
        for loc, _, record in rows(table, data):
            for column in table.columns:
                value = _get(record, column.path)
                why = None if value is None else cells.lossy(value, column)
                if why:
                    yield loc + column.path, why


# -- sheets ----------------------------------------------------------------------------------

def _choices(wb: Workbook, scheme: Scheme) -> dict[str, str]:
    """The hidden sheet of drop-down values; returns each list's range (in-cell lists are limited
    to 255 characters, ranges are not)."""
    ws = wb.create_sheet(CHOICES)
    ws.sheet_state = "hidden"
    lists = {term.__name__: [m.value for m in term] for term in terms()}
    lists[BOOL] = ["是", "否"]
    lists[ITEMS] = [item.id for _, item in scheme.items()]
    ranges = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(1, col, key)
        for row, value in enumerate(values, start=2):
            ws.cell(row, col, value).number_format = "@"
        ranges[key] = f"'{CHOICES}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _validation(column: Column, choices: dict[str, str], sqref: str) -> DataValidation | None:
    """A drop-down for an enumeration, 是/否 or items. One value per cell is enforced only where a
    cell holds one value; in a list the drop-down offers values and the reader checks them."""
    key = column.term.__name__ if column.term else column.kind if column.kind in (BOOL, ITEMS) else None
    if key is None:
        return None
    single = column.kind in (CHOICE, BOOL)
    dv = DataValidation(
        type="list", formula1=choices[key], allow_blank=True, showErrorMessage=single,
        errorTitle="取值不对", error=f"{column.label}：{hint(column)}"[:225],  # Excel's limits: 225, 32, 255
        showInputMessage=not single, promptTitle=column.label[:32], prompt=hint(column)[:255],
    )
    dv.add(sqref)
    return dv


def _form(ws: Worksheet, data: dict, scheme: Scheme, choices: dict[str, str], mark: str, remarks: dict) -> None:
    """Single values, one a row: label, value, field name, how to fill it (and, for a draft, where
    the value came from: the reader reads only the value and field-name columns)."""
    noted = any(row.path in remarks for row in layout().form_rows.values())
    for col, text in enumerate(("项目", "填写", "字段", "说明") + (tuple(h for _, h, _ in REMARKS) if noted else ()), start=1):
        cell = ws.cell(2, col, text)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
    r = 3
    for section in layout().sections:
        for col in range(1, 5):
            ws.cell(r, col).fill = _SECTION_FILL
        ws.cell(r, 1, section.label).font = _HEADER
        ws.cell(r, 4, used_by(scheme, section.path).replace("本表", "本节"))
        r += 1
        for row in section.rows:
            name = section.name(row)
            ws.cell(r, 1, row.label + (" *" if row.required else ""))
            value = _get(data, row.path)
            cell = ws.cell(r, 2)
            _put(cell, value, row, mark)
            if isinstance(cell.value, str) and _display(cell.value) > _FORM_VALUE:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            _fit(cell, _FORM_VALUE)
            for col in (1, 3, 4):
                ws.cell(r, col).alignment = Alignment(vertical="top")
            ws.cell(r, 3, name).font = _FIELD
            about = speak(row.info.description, LEDGER, (section.path,)) if row.info.description != row.label else None
            ws.cell(r, 4, "；".join(p for p in (about, hint(row)) if p))
            dv = _validation(row, choices, f"B{r}")
            if dv:
                ws.add_data_validation(dv)
            if row.path in remarks:
                for col, text in enumerate(remarks[row.path], start=5):
                    ws.cell(r, col, text).alignment = Alignment(wrap_text=True, vertical="top")
                _fit(ws.cell(r, 5), REMARKS[0][2])
            r += 1
    for letter, width in zip("ABCDEF", (22, _FORM_VALUE, 38, 70, REMARKS[0][2], REMARKS[1][2])):
        ws.column_dimensions[letter].width = width
    _title(ws, f"{FORM}：每项一行，在 B 列填写。{mark}")
    ws.column_dimensions["C"].hidden = True  # the field names: read by safecomm, not printed
    ws.freeze_panes = "A3"


def _table(ws: Worksheet, table: Table, data: dict, scheme: Scheme, choices: dict[str, str], mark: str, remarks: dict) -> None:
    """One record a row, under a note, the Chinese headers and the field names; a draft's rows
    also say where they came from, in remark columns at the end."""
    columns: list[tuple[str, str, Column | None]] = []  # (field name, header, column)
    if table.parent:
        columns.append((table.link, f"所属{table.parent.label}编号 *", None))
    columns += [(table.name(c), c.label + (" *" if c.required else ""), c) for c in table.columns]
    found = list(rows(table, data))
    for col, (name, header, column) in enumerate(columns, start=1):
        letter = get_column_letter(col)
        cell = ws.cell(2, col, header)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        text = note(column, table.full_name(column), table) if column else f"所属{table.parent.label}的编号（「{table.parent.label}」表中的编号），必填"
        cell.comment = Comment(text, "safecomm", width=320, height=140)
        ws.cell(3, col, name).font = _FIELD
        ws.row_dimensions[3].hidden = True  # the field names: read by safecomm, not printed
        kind = column.kind if column else "text"
        ws.column_dimensions[letter].number_format = _FORMATS.get(kind, "@")
        if column:
            dv = _validation(column, choices, f"{letter}{FIRST_ROW}:{letter}1048576")
            if dv:
                ws.add_data_validation(dv)
        values = [parent if column is None else _get(record, column.path) for _, parent, record in found]
        for r, value in enumerate(values, start=FIRST_ROW):
            _put(ws.cell(r, col), value, column, mark)
        ws.column_dimensions[letter].width = width = _width(header, kind, values, column)
        for r in range(FIRST_ROW, FIRST_ROW + len(values)):
            _fit(ws.cell(r, col), width)
    if any(loc in remarks for loc, _, _ in found):
        _remarks(ws, len(columns), [remarks.get(loc) for loc, _, _ in found])
    _title(ws, f"{table.label}：一行一条记录，带 * 的列必填；{used_by(scheme, table.path)}。"
               f"鼠标移到列名上可看说明。{mark}")
    ws.freeze_panes = f"{'B' if columns[0][0] in ('id', table.link) else 'A'}{FIRST_ROW}"


def _remarks(ws: Worksheet, after: int, values: list[tuple[str, str] | None]) -> None:
    """The 来源 and 可信度 columns after the ledger's own: a field name beginning with # that the reader skips."""
    for i, (name, header, width) in enumerate(REMARKS):
        col = after + 1 + i
        letter = get_column_letter(col)
        cell = ws.cell(2, col, header)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
        ws.cell(3, col, name).font = _FIELD
        ws.column_dimensions[letter].width = width
        for r, value in enumerate(values, start=FIRST_ROW):
            if value:
                cell = ws.cell(r, col, value[i])
                cell.number_format = "@"
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                _fit(cell, width)


def _title(ws: Worksheet, text: str) -> None:
    """What the sheet is for, across the width of its columns (wrapped, so that it prints within them)."""
    last = ws.max_column
    ws.cell(1, 1, text).font = _NOTE
    ws.cell(1, 1).alignment = Alignment(wrap_text=True, vertical="top")
    if last > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    width = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(1, last + 1))
    ws.row_dimensions[1].height = (_LINE + 1) * -(-_display(text) * 1.1 // width)


def _put(cell, value: Any, column: Column | None, mark: str) -> None:
    kind = column.kind if column else "text"
    if value is not None:
        cell.value = cells.write(value, column) if column else value
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text, not a formula
        elif isinstance(cell.value, float):
            # openpyxl writes a number with 16 significant digits, and some floats need 17 to
            # come back the same: the float's shortest exact form is written instead.
            cell.value, cell.data_type = repr(cell.value), "n"
        if isinstance(cell.value, str) and "\n" in cell.value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.number_format = _FORMATS.get(kind, "@")
    if mark and cell.value is not None:
        _greyed(cell)


def _greyed(cell) -> None:
    """Grey while the cell still holds the value we wrote: a typed cell loses its example look
    (a conditional format, which Excel, WPS and LibreOffice all apply)."""
    value = cell.value
    if isinstance(value, (date, datetime)):
        literal = f"DATE({value.year},{value.month},{value.day})"
    elif cell.data_type == "n" or isinstance(value, (int, float)):
        literal = str(value)
    else:
        literal = '"' + str(value).replace('"', '""') + '"'
    if len(literal) > 200:  # a formula holds 255 characters: a long text is compared by its start
        literal = f'LEFT({cell.coordinate},60)="' + str(value)[:60].replace('"', '""') + '"'
        rule = FormulaRule(formula=[literal], fill=_MARK_FILL)
    else:
        rule = FormulaRule(formula=[f"{cell.coordinate}={literal}"], fill=_MARK_FILL)
    cell.parent.conditional_formatting.add(cell.coordinate, rule)


def _fit(cell, width: float) -> None:
    """A row tall enough for the wrapped lines of `cell` (neither Excel nor LibreOffice sizes it on opening)."""
    if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
        return
    lines = sum(max(1, -(-_display(part) // int(width))) for part in cell.value.split("\n"))
    dimension = cell.parent.row_dimensions[cell.row]
    dimension.height = max(dimension.height or 0, _LINE * lines)


def _width(header: str, kind: str, values: list, column: Column | None) -> float:
    if kind in _WIDTHS:
        return max(_WIDTHS[kind], _display(header) + 2)
    longest = max((_display(line) for v in values if isinstance(v, str) for line in v.split("\n")), default=0)
    if column and column.term:
        longest = max(longest, *(_display(m.value) for m in column.term))
    return min(max(_display(header) + 2, longest + 2, 8), 40)


def _display(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _guide(ws: Worksheet, scheme: Scheme, mark: str) -> None:
    lines = [
        "安全社区创建工作台账 · 填写说明",
        "",
        "本台账与证据文件 evidence.yaml 内容相同，由 safecomm 直接读取：",
        "    safecomm validate 台账.xlsx        检查填写，一次列出全部问题（工作表!单元格、列名、说明）",
        "    safecomm assess 台账.xlsx          逐条评定，给出等级、理由和提升建议；加 --pdf 申报表.pdf 生成申报表",
        "    safecomm scan 台账.xlsx            核对 attachments 文件夹：未登记的附件、缺失的附件",
        "",
        "1. 每张表一行一条记录。第 2 行是中文列名（鼠标移到列名上可看说明）；隐藏的第 3 行是字段名（基本情况表是隐藏的 C 列），"
        "safecomm 凭它认出每张表和每一列：请勿修改或删除。可以调整列的顺序、调整工作表的顺序、重命名工作表，但不要增加新列；空行会被跳过。",
        "2. 带 * 的列必填。编号在整个台账内唯一（建议 D-001 文件、A-001 活动、P-1 项目……）；"
        "“所属项目”“组织单位”等列填写另一张表中的编号。",
        "3. 日期填成日期（如 2024-03-15），也可以写 2024年3月15日。数字不要加单位或千分位。",
        "4. 一格填多个值时用“、”分隔，如 居民、老年人；附件每行一个（Alt+Enter 换行）。下拉列表中可选择可用的取值。",
        "5. 是/否 的列填 是 或 否。",
        "6. 不要合并单元格。可以用公式：safecomm 读取保存时算出的值（Excel、WPS、LibreOffice 保存时都会计算）。",
        "7. 附件放在台账所在文件夹的 attachments 子文件夹中，在“附件”列写 attachments/文件名。",
        "8. 基本情况 表中每项一行，在 B 列填写。",
    ]
    if mark:
        lines += ["", "9. " + mark]
    lines += ["", "各工作表："]
    for r, line in enumerate(lines, start=1):
        ws.cell(r, 1, line)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    r = len(lines) + 1
    for col, text in enumerate(("工作表", "内容", "用于条目"), start=1):
        cell = ws.cell(r, col, text)
        cell.font, cell.fill = _HEADER, _HEADER_FILL
    entries = [(FORM, "社区基本情况及各项单一数据", [s.path for s in layout().sections])]
    entries += [(t.label, _columns(t), [t.path]) for t in layout().tables]
    for name, what, paths in entries:
        r += 1
        ws.cell(r, 1, name)
        ws.cell(r, 2, what)
        ws.cell(r, 3, used_by(scheme, *paths).removeprefix("本表用于条目 "))
    for letter, width in zip("ABC", (18, 50, 90)):
        ws.column_dimensions[letter].width = width


def _columns(table: Table, shown: int = 5) -> str:
    """What a sheet holds, as its first column titles say it (the clerk's words, not field names)."""
    titles = ([f"所属{table.parent.label}编号"] if table.parent else []) + [c.label for c in table.columns]
    return "、".join(titles[:shown]) + ("……" if len(titles) > shown else "")


def _printable(ws: Worksheet) -> None:
    """Offices print their ledgers for the archive boxes: landscape, one page wide, headers on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if ws.title not in (GUIDE, CHOICES):
        ws.print_title_rows = "1:2"


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook's bytes, stamped with a fixed time: the same workbook gives the same bytes."""
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    ExcelWriter(wb, _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


class _FixedTimeZip(zipfile.ZipFile):
    """openpyxl stamps each part with the time of writing; a fixed time makes the bytes reproducible."""

    def writestr(self, info, data, *args, **kwargs):  # noqa: ANN001 - zipfile's signature
        if not isinstance(info, zipfile.ZipInfo):
            info = zipfile.ZipInfo(info, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):  # noqa: ANN001
        self.writestr(arcname, Path(filename).read_bytes())
