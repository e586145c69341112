"""The checks a workbook passes before any reader sees it: a sheet's extent, its formulas without a
value and its error cells are found whether the sheet takes the quick searches or the exact scan
(a row or cell numbered as writers put it, or not; a prefixed tag; a column either side of IV and a
row either side of the limit)."""

from __future__ import annotations

import io
import zipfile

import pytest

from safecomm.ledger.package import MAX_COLUMNS, MAX_ROWS, check
from safecomm.loading import InputError

SHEET = "xl/worksheets/sheet1.xml"


def workbook(rows: str, dimension: str = "A1") -> bytes:
    xml = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
           f'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/>'
           f"<sheetData>{rows}</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(SHEET, xml)
    return out.getvalue()


def found(rows: str, dimension: str = "A1"):
    try:
        return check(workbook(rows, dimension), "台账.xlsx").get(SHEET, [])
    except InputError as exc:
        assert "范围过大" in exc.problems[0].message, exc.problems[0].message
        return "refused"


CASES = {
    "column IV, the last": ('<row r="1"><c r="IV1"><v>1</v></c></row>', "A1", []),
    "column IW": ('<row r="1"><c r="IW1"><v>1</v></c></row>', "A1", "refused"),
    "column JA": ('<row r="1"><c r="JA1"><v>1</v></c></row>', "A1", "refused"),
    "three letters": ('<row r="1"><c r="AAA1"><v>1</v></c></row>', "A1", "refused"),
    "the last row": (f'<row r="{MAX_ROWS}"><c r="B{MAX_ROWS}"><v>1</v></c></row>', "A1", []),
    "a row past it": (f'<row r="{MAX_ROWS + 1}"><c r="B{MAX_ROWS + 1}"><v>1</v></c></row>', "A1", "refused"),
    "a cell past it in a low row": (f'<row r="1"><c r="B{MAX_ROWS + 1}"><v>1</v></c></row>', "A1", "refused"),
    "a row numbered after another attribute": (f'<row spans="1:2" r="{MAX_ROWS + 1}"><c><v>1</v></c></row>', "A1", "refused"),
    "the dimension past it": ('<row r="1"><c r="A1"><v>1</v></c></row>', f"A1:A{MAX_ROWS + 1}", "refused"),
    "the dimension at it": ('<row r="1"><c r="A1"><v>1</v></c></row>', f"A1:IV{MAX_ROWS}", []),
    "spans after r": ('<row r="3" spans="1:2"><c r="B3"><v>1</v></c></row>', "A1", []),
    "a formula with its value": ('<row r="3"><c r="B3"><f>1+1</f><v>2</v></c></row>', "A1", []),
    "a formula without": ('<row r="3"><c r="B3"><f>1+1</f></c></row>', "A1", [(3, 2, None)]),
    "a formula in a row numbered after spans": ('<row spans="1:2" r="3"><c r="B3"><f>1</f></c></row>', "A1", [(3, 2, None)]),
    "a formula in rows counted": ('<row><c r="A1"><v>1</v></c></row><row><c><f>1</f></c></row>', "A1", [(2, 0, None)]),
    "a prefixed formula": ('<x:row r="4"><x:c r="C4"><x:f>1</x:f></x:c></x:row>', "A1", [(4, 3, None)]),
    "an error value": ('<row r="5"><c r="D5" t="e"><v>#DIV/0!</v></c></row>', "A1", [(5, 4, "#DIV/0!")]),
    "an attribute ending in r, of six digits": ('<row r="1"><c r="A1"><v>1</v></c></row><pageMargins header="123456" footer="0.3"/>', "A1", []),
    "a cell of two letters at IV, five digits": ('<row r="99999"><c r="IV99999"><v>1</v></c></row>', "A1", []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_sheets_extent_formulas_and_errors_are_found(name):
    rows, dimension, expected = CASES[name]
    assert found(rows, dimension) == expected
    assert MAX_COLUMNS == 256  # IV: the column names above are either side of it


DECLARED = {
    "a DOCTYPE first in the part": ("<!DOCTYPE x><worksheet/>", True),
    "a doctype after a ! in a formula": ('<worksheet><c><f>选项!A1</f></c><!doctype x></worksheet>', True),
    "an entity referred to": ('<worksheet><t>&e;</t></worksheet>', True),
    "a ! and character references only": ('<worksheet><f>选项!$A$1</f><t>&#20013;&amp;&#x4e2d;</t></worksheet>', False),
}


@pytest.mark.parametrize("name", list(DECLARED))
def test_a_declaration_or_entity_is_found_wherever_it_is(name):
    xml, declared = DECLARED[name]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(SHEET, xml)
    try:
        check(out.getvalue(), "台账.xlsx")
    except InputError as exc:
        assert declared and "实体或 DOCTYPE" in exc.problems[0].message, exc.problems[0].message
    else:
        assert not declared
