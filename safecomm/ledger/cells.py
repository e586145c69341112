"""One value in one cell: how the writer puts it there and how the reader takes it back.

The reader is as generous as a clerk's spreadsheet needs: a number typed as text, a date as a
date cell, as text or as Excel's serial number, 是/否 for yes and no, several values in one cell
separated by 、，,； or new lines. What it cannot make sense of it passes on unchanged, and the
model reports it with the message it gives for YAML. The writer refuses a value that would not
come back the same (a list item that contains a separator), so a conversion is lossless or says
why not.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from .layout import BOOL, CHOICE, DATE, FILES, INT, ITEMS, LIST, MAPPING, NUMBER, TEXT, Column

MAX_TEXT = 32767  # characters in one cell (Excel's limit)
MAX_EXACT = 2**53  # larger integers do not survive a cell, which holds a double
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = ((date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days)

LIST_SEPARATOR = "、"
_SPLIT = re.compile(r"[、，,；;\s]+")  # values of a list: none of them contains these
_LINES = re.compile(r"\s*\n\s*")  # attachment paths: one per line (a file name may hold 、 or a space)
_PAIRS = re.compile(r"[、，,；;\n]+")  # 名称：数量 pairs (a name may hold a space)
_PAIR = re.compile(r"^(.+?)\s*[：:]\s*(.+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_TRUE, _FALSE = {"是", "true", "√", "1"}, {"否", "false", "×", "0"}
AS_WRITTEN = {TEXT, CHOICE}  # kinds whose text is the value (most cells of a ledger)


class CellError(ValueError):
    """A cell the reader cannot turn into a value the model could even judge."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read(value: Any, column: Column) -> Any:
    """The plain value (as YAML would give it) of a non-blank cell in `column`."""
    if isinstance(value, str):
        value = value.strip()
    return reader(column)(value)


def reader(column: Column) -> Callable[[Any], Any]:
    """`read` for one column's cells, text already stripped: a ledger reads thousands of cells a
    column, and looks the kind up once."""
    return _READERS[column.kind]


def _not_logical(value: Any) -> None:
    if isinstance(value, bool):
        raise CellError(f"是逻辑值 {'TRUE' if value else 'FALSE'}，应为数字：请填写数值（TRUE 不当作 1）")


def _integer_cell(value: Any) -> Any:
    if value.__class__ is float and value.is_integer():  # how a number cell arrives: no further test
        return int(value)
    _not_logical(value)
    return _integer(value)


def _number_cell(value: Any) -> Any:
    _not_logical(value)
    return _number(value)


def _list(value: Any) -> list:
    if value.__class__ is str:
        # Words joined by 、 as the writer joins them (消防安全、家居安全): no separator is a letter or a
        # digit, so when every part is a word, splitting at 、 is what `_SPLIT` would do, at a third of its cost
        words = value.split(LIST_SEPARATOR)
        if all(map(str.isalnum, words)):
            return words
    return list(filter(None, _SPLIT.split(value))) if isinstance(value, str) else [as_text(value)]


def _files(value: Any) -> list:
    if value.__class__ is str and "\n" not in value:  # one file (stripped already): `_LINES` would try every character
        return [value]
    return list(filter(None, _LINES.split(value))) if isinstance(value, str) else [as_text(value)]


def write(value: Any, column: Column) -> Any:
    """What goes into the cell for a plain value of `column` (lists joined, dates as dates)."""
    kind = column.kind
    if kind == DATE:
        return date.fromisoformat(value)
    if kind == BOOL:
        return "是" if value else "否"
    if kind in (LIST, ITEMS):
        return LIST_SEPARATOR.join(value)
    if kind == FILES:
        return "\n".join(value)
    if kind == MAPPING:
        return LIST_SEPARATOR.join(f"{k}：{as_text(v)}" for k, v in value.items())
    return value


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0, and so a workbook, cannot hold


def lossy(value: Any, column: Column) -> str | None:
    """Why `value` would not read back the same from a cell, or None when it would."""
    kind = column.kind
    for text in (value if isinstance(value, (list, dict)) else [value]):
        bad = _CONTROL.search(text) if isinstance(text, str) else None
        if bad:
            return f"含有控制字符（U+{ord(bad.group()):04X}）：表格的单元格中不能保存，请删除"
    if kind in (LIST, ITEMS):
        bad = next((item for item in value if not item or _SPLIT.search(item)), None)
        return None if bad is None else f"「{bad}」含有分隔符（、，,；或空格）：在台账的一个单元格中会被拆成几项，请改写"
    if kind == MAPPING:
        bad = next((key for key in value if not key or re.search(r"[、，,；;:：\n]", key)), None)
        return None if bad is None else f"「{bad}」含有分隔符（、，,；）或冒号：在台账的一个单元格中会被拆开，请改写"
    if kind == FILES:
        bad = next((item for item in value if "\n" in item), None)
        return f"附件路径「{bad}」含有换行：台账中每行一个附件" if bad else None
    if isinstance(value, str):
        if not value:
            return "为空文字：台账中的空单元格表示“未填写”"
        if len(value) > MAX_TEXT:
            return f"文字过长（{len(value)} 字）：一个单元格最多 {MAX_TEXT} 字"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT:
        return f"数字 {value} 太大：表格中只能精确保存不超过 {MAX_EXACT} 的整数"
    return None


def as_text(value: Any) -> Any:
    """A cell's value as the text it shows (`12.0` → `12`); text stays as it is."""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "是" if value else "否"  # TRUE/FALSE as a 台账 says them
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, (date, time, timedelta)):
        return str(value)
    return value


def _date(value: Any) -> Any:
    if value.__class__ is date:  # a date cell: most of them
        return value.isoformat()
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIALS[0] <= value <= _SERIALS[1] and float(value).is_integer():
            return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        return as_text(value)  # not a plausible date: the model says so, showing the number
    return as_text(value)


def _integer(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    if isinstance(value, str):
        number = _number(value)
        return int(number) if isinstance(number, float) and number.is_integer() else value
    return as_text(value) if isinstance(value, (date, time, timedelta)) else value


def _number(value: Any) -> Any:
    """A float as the cell holds it (even -0.0: the model keeps its sign, so the digest does)."""
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return number if math.isfinite(number) else value
    return as_text(value) if isinstance(value, (date, time, timedelta)) else value


def _boolean(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    word = as_text(value)
    if isinstance(word, str) and word.lower() in _TRUE | _FALSE:
        return word.lower() in _TRUE
    return word


def _mapping(value: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for part in _PAIRS.split(value) if isinstance(value, str) else [as_text(value)]:
        if not part:
            continue
        pair = _PAIR.match(part)
        if not pair:
            raise CellError(f"「{part}」应写成 名称：数量，多项用、分隔，如 交通：40、跌倒：38")
        found[pair.group(1).strip()] = _integer(pair.group(2).strip())
    return found


_READERS: dict[str, Callable[[Any], Any]] = {
    DATE: _date, INT: _integer_cell, NUMBER: _number_cell, BOOL: _boolean, LIST: _list, ITEMS: _list,
    FILES: _files, MAPPING: _mapping, TEXT: as_text, CHOICE: as_text,
}
