"""The district table as CSV and Excel. Every text cell is neutralised: a cell that begins with
= + - @ or a tab/return would be run as a formula by Excel or WPS (a community named
`=HYPERLINK(…)` is hostile input), so it is written with a leading apostrophe, as text."""

from __future__ import annotations

import csv
import io

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutral(value):
    """A cell value that no spreadsheet runs: text that could start a formula gets a leading `'`."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a BOM, so that Excel opens the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutral(h) for h in header])
    writer.writerows([neutral("" if v is None else v) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(title: str, header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutral(h) for h in header])
    for row in rows:
        sheet.append([neutral(v) for v in row])
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it says
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
