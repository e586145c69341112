"""Reading a 台账 into the plain data a YAML bundle gives, remembering where each value came from.

The result goes through the same validation, references and attachment checks as YAML
(`bundle.load_evidence`); a `Ledger` is the workbook's counterpart of `loading.Document`: it
turns a field's location (`activities[11].kind`) into its cell (`活动!C14`).

Sheets are found by name, columns by the field names of their header (so columns may be
moved), records below it; blank rows are skipped. Values are read as the workbook last
calculated them, never from formulas (python-calamine: fast, and blind to the sheet dimensions
that WPS and LibreOffice often save wrong). What is wrong with the workbook itself (a sheet or
a column that is not the ledger's, merged cells, a formula without a value, a row whose parent
does not exist) is reported together with what the model finds, all at once.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import python_calamine

from ..collector import paused
from ..loading import InputError, Problem, column_letters, read_input
from . import cells
from .layout import CHOICES, FORM, GUIDE, REMARK, Column, Table, layout
from .package import MACROS, MAX_FILE, check, refuse
from .words import LEDGER, locate, place, speak, title

HEADER_SEARCH = 6  # the field-name row is row 3 in what we write; a clerk may have added or removed a row above it

Place = tuple[str, int, int]  # sheet, row, column (1-based; 0 when the whole row or sheet is meant)


@dataclass
class Ledger:
    """A workbook read into plain data, with the cell every field came from."""

    file: str
    data: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    places: dict[tuple, Place] = field(default_factory=dict)
    ids: dict[tuple, str | None] = field(default_factory=dict)  # every record's loc → its id, named in messages
    sheets: dict[str, str] = field(default_factory=dict)  # the ledger's part (活动) → the sheet it was read from
    # A table's rows, as (record's loc, sheet, row, its columns as (path, column)): the row and its
    # cells go into `places` only when a place is asked for, as most ledgers are read without a problem.
    rows: list[tuple[tuple, str, int, list[tuple[tuple, int]]]] = field(default_factory=list)

    def settle(self) -> dict[tuple, Place]:
        """`places` with every table cell in it."""
        for loc, sheet, row, columns in self.rows:
            self.places[loc] = (sheet, row, 1)
            for path, column in columns:
                self.places[loc + path] = (sheet, row, column)
        self.rows = []
        return self.places

    def where(self, loc: tuple) -> Place:
        """The cell of the deepest part of `loc` that was in the workbook."""
        self.settle()
        for n in range(len(loc), -1, -1):
            place = self.places.get(tuple(loc[:n]))
            if place:
                return place
        return ("", 0, 0)

    def problem(self, loc: tuple, message: str, key: bool = False) -> Problem:
        """A problem at the cell of `loc`, in the workbook's words: the column's Chinese title, and
        the message with sheets and columns for field names. A record's own consistency error
        (已签订单位数 … 不能大于 …) is put at the cell of the column it names first."""
        loc = self._column_named(loc, message)
        sheet, row, column = self.where(loc)
        return Problem(self.file, row, column, title(loc), self._named(loc, speak(message, LEDGER, _context(loc))), sheet)

    def _column_named(self, loc: tuple, message: str) -> tuple:
        sheet, _ = locate(loc)
        lay = layout()
        names = tuple(p for p in loc if not isinstance(p, int))
        table = next((t for t in lay.tables if t.label == sheet), None)
        if not sheet or ".".join(names) in lay.form_rows or (table and names[len(table.path):]):
            return loc  # a cell already, or not in the workbook
        if table is not None:
            candidates = [(loc + c.path, c.label) for c in table.columns]
        else:
            candidates = [(r.path, r.label) for r in lay.form_rows.values() if r.path[:len(names)] == names]
        named = [(message.find(label), -len(label), where) for where, label in candidates if label in message]
        if not named:
            return loc
        best = min(named)[2]
        return best if best in self.settle() else loc

    def _named(self, loc: tuple, message: str) -> str:
        """The message, led by the id of the row it is about (unless it is about the id)."""
        ident = next((self.ids[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in self.ids), None)
        return f"{ident}：{message}" if ident and loc[-1:] != ("id",) else message

    def name(self, loc: tuple) -> str:
        """`「文件」表 A6`: a place in the workbook, for messages about another place."""
        sheet, row, column = self.where(loc)
        if not sheet:
            return place(loc, LEDGER)
        return f"「{sheet}」表 {column_letters(column)}{row} 处" if row else f"「{sheet}」表"

    def at(self, where: Place, message: str, loc: tuple = ()) -> None:
        """A problem with the workbook itself, at a cell."""
        sheet, row, column = where
        self.problems.append(Problem(self.file, row, column, title(loc) if loc else "", self._named(loc, message), sheet))


def read_ledger(path: str | Path, label: str | None = None) -> Ledger:
    """Read a 台账 workbook; raise InputError when it cannot be opened as one."""
    label = label or str(path)
    return ledger_from_bytes(_read(Path(path), label), label, Path(path).suffix)


def ledger_from_bytes(raw: bytes, label: str, suffix: str = ".xlsx") -> Ledger:
    """Read a 台账 workbook that arrived as bytes (an upload); `label` names it in every message."""
    if suffix.lower() == ".xlsm":
        raise refuse(label, MACROS)
    # Tens of thousands of cells and records, and no cycles: the collector is paused, and the cells
    # are let go before it resumes, so that its next pass has only the records to walk.
    with paused():
        formulas = check(raw, label)
        try:
            ledger, sheets, names = _sheets(raw, label)
        except (KeyboardInterrupt, SystemExit, MemoryError, InputError):
            raise
        except BaseException:  # CalamineError in English ("Cannot detect file format"), or a panic of its Rust code
            raise refuse(label, "无法读取工作簿：文件已损坏，或不是 Excel 工作簿（.xlsx）：请在 Excel/WPS 中重新另存为 .xlsx") from None
        ledger = _fill(ledger, sheets, names, formulas)
        del sheets
    return ledger


def _sheets(raw: bytes, label: str) -> tuple[Ledger, dict[str, Any], dict[str, str]]:
    """The ledger's parts (FORM or a table's label) as python-calamine reads their values (and
    merged cells), and the sheet each was read from (a renamed sheet keeps its name)."""
    workbook = python_calamine.load_workbook(io.BytesIO(raw))
    ledger = Ledger(label)
    sheets: dict[str, Any] = {}
    names: dict[str, str] = {}
    with workbook:
        for meta in workbook.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet or meta.name in (GUIDE, CHOICES):
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            part = identify(meta.name, values)
            if part is None:
                if any(not cells.blank(v) for row in values for v in row):
                    ledger.at((meta.name, 0, 0), f"工作表「{meta.name}」没有台账的字段名行（灰色小字的第 3 行），不知道是哪一张表："
                                                 "请从 safecomm init --xlsx 生成的台账中复制字段名行，或删除这张表")
                continue
            if part in sheets:
                ledger.at((meta.name, 0, 0), f"工作表「{meta.name}」与「{names[part]}」都是「{part}」表（字段名行相同）：请把两张表合并为一张")
                continue
            sheets[part], names[part] = (values, sheet.merged_cell_ranges or []), meta.name
    return ledger, sheets, names


def _fill(ledger: Ledger, sheets: dict[str, Any], names: dict[str, str], formulas: dict) -> Ledger:
    lay = layout()
    tables = lay.tables_by_label
    ledger.sheets = names
    if FORM in sheets:
        _read_form(ledger, *sheets[FORM])
    records: dict[Table, list[tuple[tuple, dict]]] = {}
    for table in lay.tables:
        if table.label in sheets:
            records[table] = _read_table(ledger, table, records, *sheets[table.label])
    renamed = {part: name for part, name in names.items() if part != name}
    if renamed:  # cells are named on the sheet as the clerk named it
        ledger.places = {loc: (renamed.get(at[0], at[0]), *at[1:]) for loc, at in ledger.settle().items()}
        ledger.problems = [replace(p, sheet=renamed.get(p.sheet, p.sheet)) for p in ledger.problems]
    parts = {name: part for part, name in names.items()}
    fields = {place: loc for loc, place in ledger.settle().items()} if formulas else {}
    for name, found in formulas.items():
        part = tables[parts[name]].path if parts.get(name) in tables else ()
        for row, column, error in found:
            message = (f"单元格是错误值 {error}（公式算不出结果），不能当作空白或 0：请改正公式或直接填写数值" if error else
                       "单元格中是公式，但文件没有保存计算结果：请在 Excel/WPS 中打开台账并保存一次，或把公式改为数值")
            ledger.at((name, row, column), message, fields.get((name, row, column), part))
    return ledger


def identify(name: str, values: list[list]) -> str | None:
    """Which part of the ledger a sheet is, by its field-name row (so a renamed or reordered sheet
    still reads): FORM, a table's label, or None. The sheet's own name decides between tables whose
    field names a header matches equally."""
    lay = layout()
    names, links, every = _header_names()
    found = []
    for r, row in enumerate(values[:HEADER_SEARCH]):
        header = {text for v in row if isinstance(v, str) and (text := v.strip()) and not text.startswith(REMARK)}
        if header.isdisjoint(every):  # a title, the Chinese headers or a record: no table's field names
            continue
        for table, known, link in names:
            if table.parent and not header & link:
                continue
            matched = len(header & (known | link))
            if matched and (table.parent or not header & links):
                found.append((matched - len(header - known - link), table.label == name, -r, table.label))
    if found:
        return max(found)[3]
    form = set(lay.form_rows)
    if any(isinstance(v, str) and v.strip() in form for row in values for v in row):
        return FORM
    return None


@cache
def _header_names() -> tuple[list[tuple[Table, set[str], set[str]]], set[str], set[str]]:
    """Each table with the field names of its header and its parent link; every table's link; every
    field name and link of them all."""
    tables = layout().tables
    names = [(t, {t.name(c) for c in t.columns}, {t.link} if t.parent else set()) for t in tables]
    return names, {t.link for t in tables if t.parent}, set().union(*(known | link for _, known, link in names))


def _context(loc: tuple) -> tuple[tuple[str, ...], ...]:
    """The part of the bundle a problem is about, where its message names a bare field."""
    names = tuple(p for p in loc if not isinstance(p, int))
    return (names[:1],) if names else ()


def _read(path: Path, label: str) -> bytes:
    """The file's bytes: a regular file of sensible size, read no further than the limit."""
    return read_input(path, label, limit=MAX_FILE, what="台账文件")


def _merged(ledger: Ledger, sheet: str, merged: list, first_row: int, loc: tuple) -> None:
    """Merged cells at or below `first_row` (1-based) are refused: only the first cell of a merge holds a value."""
    for (r0, c0), (r1, c1) in merged:
        if r1 + 1 >= first_row:
            span = f"{column_letters(c0 + 1)}{r0 + 1}:{column_letters(c1 + 1)}{r1 + 1}"
            ledger.at((sheet, r0 + 1, c0 + 1), f"合并了单元格 {span}：台账中不能合并单元格，请取消合并，并在每一格填写", loc)


def _set(target: dict, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def _value(ledger: Ledger, raw: Any, column: Column, place: Place, loc: tuple) -> Any:
    try:
        return cells.read(raw, column)
    except cells.CellError as exc:
        ledger.at(place, str(exc), loc)
        return None


def _read_form(ledger: Ledger, values: list[list], merged: list) -> None:
    """The form: a field name in one column, its value in the column to its left."""
    rows = layout().form_rows
    name_col = next((c for row in values for c, v in enumerate(row) if isinstance(v, str) and v.strip() in rows), None)
    if name_col is None or name_col == 0:
        if any(not cells.blank(v) for row in values for v in row):
            ledger.at((FORM, 0, 0), "找不到字段名（应在 C 列，如 community.name）：请勿删除或改动字段名")
        return
    first = min(r for r, row in enumerate(values) if isinstance(row[name_col], str) and row[name_col].strip() in rows)
    _merged(ledger, FORM, merged, first + 1, ())
    seen: dict[str, int] = {}
    for r, row in enumerate(values):
        name = row[name_col].strip() if isinstance(row[name_col], str) else row[name_col]
        if cells.blank(name) or r < first:
            continue
        place = (FORM, r + 1, name_col)  # the value, one column to the left (1-based: name_col)
        if name not in rows:
            ledger.at((FORM, r + 1, name_col + 1), f"「{name}」不是{FORM}的字段名：请勿改动 {column_letters(name_col + 1)} 列")
            continue
        column = rows[name]
        if name in seen:
            ledger.at(place, f"字段 {name} 重复（第 {seen[name]} 行已有）：每项只能填写一次", column.path)
            continue
        seen[name] = r + 1
        for n in range(1, len(column.path) + 1):
            ledger.places.setdefault(column.path[:n], place)
        if not cells.blank(row[name_col - 1]):
            value = _value(ledger, row[name_col - 1], column, place, column.path)
            if value is not None:
                _set(ledger.data, column.path, value)


def _read_table(ledger: Ledger, table: Table, done: dict, values: list[list], merged: list) -> list[tuple[tuple, dict]]:
    """One record a row below the field-name row; returns (loc, record) in order."""
    sheet = table.label
    names = {table.name(c): c for c in table.columns}
    header = next((r for r, row in enumerate(values[:HEADER_SEARCH])
                   if any(isinstance(v, str) and v.strip() in names or v == table.link for v in row)), None)
    if header is None:
        if any(not cells.blank(v) for row in values for v in row):
            ledger.at((sheet, 0, 0), f"找不到字段名行（应为第 3 行，如 {'、'.join(list(names)[:3])}）：请勿删除或改动字段名行", table.path)
        return []
    _merged(ledger, sheet, merged, header + 2, table.path)
    columns: dict[int, Column | None] = {}  # None: the parent link
    taken: set[str] = set()
    refused: set[int] = set()  # columns reported already, and remark columns (#来源), not read
    for c, value in enumerate(values[header]):
        name = cells.as_text(value.strip() if isinstance(value, str) else value)
        if cells.blank(name):
            continue
        if isinstance(name, str) and name.startswith(REMARK):
            refused.add(c)
            continue
        if name not in taken and (name in names or (name == table.link and table.parent)):
            columns[c] = names.get(name)
            taken.add(name)
        else:
            what = "重复" if name in taken else f"不是「{sheet}」表的列"
            ledger.at((sheet, header + 1, c + 1), f"第 {column_letters(c + 1)} 列「{name}」{what}：请删除这一列，或把内容移到已有的列（第 {header + 1} 行的字段名不能改）", table.path)
            refused.add(c)
    parents: dict[str, tuple] = {}
    for loc, record in done.get(table.parent, []):
        parents.setdefault(record.get("id"), loc)
    found: list[tuple[tuple, dict]] = []
    # (column, its path, the key of a one-part path, whether text is its value as written, its reader)
    fields = [(c, column.path, column.path[0] if len(column.path) == 1 else None, column.kind in cells.AS_WRITTEN,
               cells.reader(column)) for c, column in columns.items() if column is not None]
    cell_places = [(path, c + 1) for c, path, _, _, _ in fields]
    others = [c for c in range(max(map(len, values), default=0)) if c not in columns]  # no field name over them
    rows, ids = ledger.rows, ledger.ids
    into = None  # the list a top-level table's records go into, made at its first record
    for r in range(header + 1, len(values)):
        row = values[r]
        for v in row:  # a blank row is skipped (a loop, not all(): this runs for every row of every sheet)
            if v is not None and (v.__class__ is not str or v.strip()):
                break
        else:
            continue
        if others:
            stray = next((c for c in others if c < len(row) and c not in refused and not cells.blank(row[c])), None)
            if stray is not None:
                ledger.at((sheet, r + 1, stray + 1), f"第 {column_letters(stray + 1)} 列没有字段名（第 {header + 1} 行为空），不属于台账：请删除这一列的内容", table.path)
                refused.add(stray)
        if table.parent:
            loc = _locate(ledger, table, row, r, columns, parents, found)
            if loc is None:
                continue
        else:
            loc = table.path + (len(found),)
        record: dict = {}
        rows.append((loc, sheet, r + 1, cell_places))
        for c, path, key, as_written, read in fields:
            value = row[c]
            if value.__class__ is str:
                if not value:  # an empty cell, as python-calamine gives it
                    continue
                value = value.strip()
                if not value:
                    continue
                if as_written:  # text is its own value: most cells, no call
                    if key:
                        record[key] = value
                    else:
                        _set(record, path, value)
                    continue
            elif value is None:
                continue
            try:
                value = read(value)
            except cells.CellError as exc:
                ledger.at((sheet, r + 1, c + 1), str(exc), loc + path)
                continue
            if key:
                record[key] = value
            else:
                _set(record, path, value)
        ident = record.get("id")
        ids[loc] = ident if isinstance(ident, str) else None
        found.append((loc, record))
        if table.parent:
            _parent_record(ledger.data, loc[:-2]).setdefault(loc[-2], []).append(record)
        else:
            if into is None:
                target = ledger.data
                for key in table.path[:-1]:
                    target = target.setdefault(key, {})
                into = target.setdefault(table.path[-1], [])
            into.append(record)
    return found


def _locate(ledger: Ledger, table: Table, row: list, r: int, columns: dict, parents: dict, found: list) -> tuple | None:
    """Where the record of row `r` goes: the next index of the table, or of its parent's list."""
    if table.parent is None:
        return table.path + (len(found),)
    link = next((c for c, column in columns.items() if column is None), None)
    parent = None if link is None or cells.blank(row[link]) else cells.as_text(row[link]).strip()
    place = (table.label, r + 1, (link or 0) + 1)
    what = f"所属{table.parent.label}编号"
    if parent is None:
        ledger.at(place, f"缺少{what}（{table.link}）：每行须写明属于哪一条{table.parent.label}", table.path)
        return None
    if parent not in parents:
        ledger.at(place, f"{what} {parent} 在「{table.parent.label}」表中不存在", table.path)
        return None
    parent_loc = parents[parent]
    index = len(_parent_record(ledger.data, parent_loc).get(table.path[-1], ()))  # its rows so far: counted, not searched
    return parent_loc + (table.path[-1], index)


def _parent_record(data: dict, loc: tuple) -> dict:
    target: Any = data
    for key in loc:
        target = target[key]
    return target
