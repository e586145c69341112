"""The workbook as a file: a zip package, checked before any parser sees it.

A ledger comes from outside. Its size, its number of parts and what the parts really inflate to
are bounded (a zip bomb is a few kilobytes that inflate to gigabytes, and the sizes a zip
declares may lie, so the parts are inflated here, under a budget). Macro-enabled and encrypted
workbooks, and the old binary formats, are refused with a message saying what to do. And the
cells whose formula was never calculated are found: a reader of values sees them as blank.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from xml.etree import ElementTree

from ..loading import InputError, Problem

MAX_FILE = 20 * 1024 * 1024  # bytes on disk
MAX_PARTS = 1000
MAX_INFLATED = 64 * 1024 * 1024  # all parts together, inflated
MAX_ROWS = 100_000  # a sheet's extent, from its dimension and its cells, before any reader allocates for it
MAX_COLUMNS = 256  # a 台账 has a few dozen columns; XFD1048576 would make a reader allocate 512 GiB

MACROS = "这是启用宏的工作簿（.xlsm）：safecomm 不读取含宏的文件，请在 Excel/WPS 中另存为“Excel 工作簿（.xlsx）”"

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptionInfo".encode("utf-16-le")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(c|f|v|row)\b([^<>]*)>")  # never past the next <: linear whatever is unclosed
_CELL_REF = re.compile(rb'\br="([A-Z]{1,4})(\d+)"')
_ROW = re.compile(rb'\br="(\d+)"')
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^<>]*?\bref="([^"<>]*)"')
_REF = re.compile(rb"([A-Z]{1,4})(\d+)")
_ERROR_TYPE = re.compile(rb'\bt="e"')
# What sends a sheet to the exact scan (see `_plain`): a formula, a row numbered by counting, an `r`
# of six digits or a column past IV (256). Each pattern begins with a literal, which the regex engine
# finds fast (an alternation of literals would try every byte); a prefixed tag (`<x:row>`, opening or
# closing) merely sends the sheet to the exact scan. `<row` and `r="` match at every row and cell, so
# they fail early: a row's `r` is tried first where writers put it, and an `r` that plainly is a row
# or a cell within bounds (up to IV, five digits) is let through by one lookahead up to column Z; what
# is not shaped like one (`header="0.3"`) is not the exact scan's business either.
_NOT_PLAIN = [re.compile(pattern) for pattern in (
    rb"<f\b", rb'<row\b(?! r="\d+")(?![^<>]*\br="\d+")', rb':(?:f\b|row\b(?![^<>]*\br="\d+"))',
    rb'r="(?![A-Z]?\d{1,5}")(?![A-H][A-Z]\d{1,5}")(?!I[A-V]\d{1,5}")(?=[A-Z]{0,4}\d+")',
)]
# Searched from the first `!` on (found by one memchr): most parts have none, and a sheet's are in
# the data validations after its cells
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
# An & that begins no character reference; the usual one, a decimal reference (how some writers put
# every Chinese character), is ruled out first, in a lookahead of its own
_ENTITY = re.compile(rb"&(?!#\d++;)(?!(?:amp|lt|gt|quot|apos|#x[0-9A-Fa-f]+);)")
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def refuse(label: str, message: str) -> InputError:
    return InputError([Problem(label, 0, 0, "", message)])


def check(raw: bytes, label: str) -> dict[str, list[tuple[int, int, str | None]]]:
    """Refuse what is not a plain .xlsx within bounds; return, by sheet name, the (row, column)
    (1-based) of cells that hold a formula without a calculated value (None), or an error value
    such as #DIV/0! (its text: a reader of values sees it as blank)."""
    if len(raw) > MAX_FILE:
        raise refuse(label, f"文件过大（{len(raw)} 字节），上限为 {MAX_FILE} 字节")
    if raw.startswith(_OLE):
        if _ENCRYPTED in raw:
            raise refuse(label, "工作簿设置了打开密码（已加密），safecomm 无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx")
        raise refuse(label, "这是旧版 Excel 97-2003（.xls）或 WPS（.et）格式：请在 Excel/WPS 中另存为“Excel 工作簿（.xlsx）”")
    if not raw.startswith(b"PK\x03\x04"):
        raise refuse(label, "不是 Excel 工作簿（.xlsx）：文件已损坏，或是另一种文件改了扩展名")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, struct.error, EOFError, OSError, NotImplementedError):
        raise refuse(label, "工作簿已损坏（不是完整的 .xlsx 压缩包）：请在 Excel/WPS 中重新另存") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise refuse(label, f"工作簿的组成部分过多（{len(infos)} 个，上限 {MAX_PARTS}）：不像是正常的 Excel 工作簿")
        names = {info.filename for info in infos}
        if any(info.flag_bits & 0x1 for info in infos):
            raise refuse(label, "工作簿已加密，safecomm 无法读取：请取消密码后另存为 .xlsx")
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise refuse(label, MACROS)
        parts = _inflate(raw, infos, label)
    for name, data in parts.items():
        if name.endswith((".xml", ".rels", ".vml")) and _declares(data):
            raise refuse(label, f"工作簿的 {name} 含有 XML 实体或 DOCTYPE 声明（Excel/WPS 从不写这些）：出于安全不予读取，"
                                "请在 Excel/WPS 中重新另存为 .xlsx")
    names_of = _sheet_names(parts)
    found = {}
    for part in sorted(name for name in parts if _SHEET_PART.match(name)):
        if _plain(parts[part]):
            continue
        sheet = names_of.get(part, part)
        cells, rows, columns = _scan(parts[part])
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise refuse(label, f"工作表「{sheet}」的范围过大（到第 {rows} 行、第 {columns} 列，即 {_column_letters(columns)}{rows}；"
                                f"上限 {MAX_ROWS} 行、{MAX_COLUMNS} 列）：多半是远处有一个误填的单元格，请在 Excel/WPS 中删除多余的行和列后另存")
        if cells:
            found[sheet] = cells
    return found


def _inflate(raw: bytes, infos: list[zipfile.ZipInfo], label: str) -> dict[str, bytes]:
    """Every part, inflated from its actual bytes under one budget for them all."""
    budget = MAX_INFLATED
    parts = {}
    for info in infos:
        if info.is_dir():
            continue
        start = info.header_offset
        name_length, extra_length = struct.unpack("<HH", raw[start + 26:start + 30])
        begin = start + 30 + name_length + extra_length
        packed = raw[begin:begin + info.compress_size]
        if info.compress_type == zipfile.ZIP_STORED:
            data = packed
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            try:
                data = inflater.decompress(packed, budget + 1)
            except zlib.error:
                raise refuse(label, f"工作簿已损坏（{info.filename} 无法解压）：请在 Excel/WPS 中重新另存") from None
            if inflater.unconsumed_tail:
                data += b"-"  # more would follow: over the budget
        else:
            raise refuse(label, f"工作簿使用了不支持的压缩方式（{info.filename}）：请在 Excel/WPS 中另存为 .xlsx")
        if len(data) > budget:
            raise refuse(label, f"工作簿解压后过大（超过 {MAX_INFLATED} 字节）：不像是正常的 Excel 工作簿")
        if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
            raise refuse(label, f"工作簿已损坏（{info.filename} 的大小或校验和与记录不符）：请在 Excel/WPS 中重新另存")
        budget -= len(data)
        parts[info.filename] = data
    return parts


def _declares(xml: bytes) -> bool:
    """Whether a part holds a DOCTYPE or ENTITY declaration, or a reference to an entity."""
    bang = xml.find(b"!")  # a declaration begins one byte before its `!`
    return (bang > 0 and _DECLARATION.search(xml, bang - 1) is not None) or _ENTITY.search(xml) is not None


def _plain(xml: bytes) -> bool:
    """Whether a sheet plainly holds nothing `_scan` would report or refuse, found by a few searches
    run in C instead of a Python step per tag: no formula and no error value, every row numbered by
    its `r` (a cell without one is in its row and adds no column), no `r` of six digits nor a column
    past IV, and a dimension within bounds. A sheet that is not plain gets the exact scan (and its
    figures for the message)."""
    if b't="e"' in xml or any(pattern.search(xml) for pattern in _NOT_PLAIN):
        return False
    dimension = _DIMENSION.search(xml)
    for letters, digits in _REF.findall(dimension.group(1)) if dimension else ():
        if _number(digits) > MAX_ROWS or _column_number(letters.decode()) > MAX_COLUMNS:
            return False
    return True


def _scan(xml: bytes) -> tuple[list[tuple[int, int, str | None]], int, int]:
    """One pass over a sheet's tags: the (row, column) of cells holding a formula without a value
    (with None) or an error value (with its text), and the extent (last row, last column) its dimension and its cells claim. A tag is matched only
    up to the next `<`, so cells never closed, or attributes that run on, cost linear time."""
    rows = columns = 0
    dimension = _DIMENSION.search(xml)
    if dimension:
        for letters, digits in _REF.findall(dimension.group(1)):
            rows, columns = max(rows, _number(digits)), max(columns, _column_number(letters.decode()))
    found: list[tuple[int, int, str | None]] = []
    cell = None  # (row, column) of the cell open, and whether it has a formula, a value, an error value
    formula = value = error = False
    row_number = 0
    for tag in _TAG.finditer(xml):
        closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
        if name == b"row" and not closing:
            ref = _ROW.search(attributes)
            row_number = _number(ref.group(1)) if ref else row_number + 1
            rows = max(rows, row_number)
        elif name == b"c":
            if cell and formula and not value:
                found.append((*cell, None))
            cell = None
            if not closing:
                ref = _CELL_REF.search(attributes)
                column = _column_number(ref.group(1).decode()) if ref else 0
                row = _number(ref.group(2)) if ref else row_number
                rows, columns = max(rows, row), max(columns, column)
                cell, formula, value = (row, column), False, False
                error = _ERROR_TYPE.search(attributes) is not None
                if attributes.endswith(b"/"):
                    cell = None
        elif cell and not closing and name == b"f":
            formula = True
        elif cell and not closing and name == b"v" and not attributes.endswith(b"/"):
            value = xml[tag.end():tag.end() + 1] not in (b"<", b"")
            if error:
                text = xml[tag.end():tag.end() + 16].split(b"<")[0].decode("utf-8", "replace")
                found.append((*cell, text or "#错误"))
                cell = None
    if cell and formula and not value:
        found.append((*cell, None))
    return found, rows, columns


def _number(digits: bytes) -> int:
    return int(digits[:9])  # more digits than that is beyond any limit anyway


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _sheet_names(parts: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part (`xl/worksheets/sheet3.xml`) → the sheet's name, from the workbook's index."""
    try:
        workbook = ElementTree.fromstring(parts["xl/workbook.xml"])
        rels = ElementTree.fromstring(parts["xl/_rels/workbook.xml.rels"])
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_RELS)}
    found = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_REL_ID), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        found[part] = sheet.get("name", "")
    return found
