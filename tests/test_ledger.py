"""The 台账 workbook through real files: every sheet with good rows and each kind of bad cell,
the ways clerks type values, files saved by LibreOffice, and workbooks that must be refused."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from conftest import FIXTURES
from safecomm.evidence import REFERENCES, digest
from safecomm.ledger import cells, package
from safecomm.ledger.layout import BOOL, CHOICE, DATE, FORM, INT, ITEMS, LIST, layout
from safecomm.ledger.read import read_ledger
from safecomm.ledger.write import SAMPLE_NOTE, ledger_bytes, plain, template
from safecomm.loading import InputError
from safecomm.bundle import load_evidence

TEMPLATE = Path(__file__).resolve().parent.parent / "safecomm" / "templates" / "evidence.yaml"
LEDGERS = Path(__file__).resolve().parent / "ledgers"


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        load_evidence(path)
    return [str(p) for p in caught.value.problems]


def edited(source: Path, target: Path, change) -> Path:
    """A copy of a ledger changed by `change(workbook)`, saved as Excel would (openpyxl)."""
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(target)
    return target


@pytest.fixture(scope="module")
def base(tmp_path_factory, scheme) -> Path:
    """The template's records (every sheet has rows) as a ledger, not marked as samples."""
    path = tmp_path_factory.mktemp("ledger") / "台账.xlsx"
    path.write_bytes(ledger_bytes(plain(load_evidence(TEMPLATE)), scheme))
    return path


def test_template_ledger_carries_the_yaml_template_records_marked_as_samples(tmp_path, scheme):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(template(scheme))
    assert digest(load_evidence(path)) == digest(load_evidence(TEMPLATE))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "填写说明" and wb["取值"].sheet_state == "hidden"
    for table in layout().tables:
        ws = wb[table.label]
        assert SAMPLE_NOTE in ws["A1"].value and "示例" in ws["A1"].value
        rules = {str(cf.sqref): cf.rules[0] for cf in ws.conditional_formatting}
        assert rules["A4"].dxf.fill.fgColor.rgb.endswith("D9D9D9")  # grey while it holds the sample value
        assert rules["A4"].formula[0].startswith("A4=")
        assert ws.cell(4, 1).fill.fgColor.rgb == "00000000"  # not filled: a typed cell is no longer grey
        assert ws.row_dimensions[3].hidden and ws.print_title_rows == "$1:$2"  # field names are not printed
    assert wb[FORM].column_dimensions["C"].hidden
    notes = " ".join(c.comment.text for ws in wb.worksheets for c in ws[2] if c.comment)
    notes = re.sub(r"attachments/\S+", "", notes)  # a path as the clerk writes it
    assert "[" not in notes and not re.search(r"[a-z_]{3,}", notes), notes  # no YAML, no field names
    assert template(scheme) == template(scheme)  # the same bytes every time


def test_headers_notes_dropdowns_and_formats_come_from_the_model(base, scheme):
    wb = openpyxl.load_workbook(base)
    ws = wb["活动"]
    assert [c.value for c in ws[3]][:4] == ["id", "kind", "date", "title"]
    assert ws["B2"].value == "活动类别 *" and "取值：教育" in ws["B2"].comment.text
    assert "本表用于条目 2.1" in ws["A1"].value
    assert ws.freeze_panes == "B4"
    assert ws["C4"].number_format == "yyyy-mm-dd"
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B4:B1048576"].startswith("'取值'!$")  # by range: in-cell lists stop at 255 characters
    items_range = lists[f"{_letter(ws, 'items')}4:{_letter(ws, 'items')}1048576"]
    controlled = {str(dv.sqref): dv.formula1 for dv in wb["隐患"].data_validations.dataValidation}
    column = controlled[f"{_letter(wb['隐患'], 'controlled')}4:{_letter(wb['隐患'], 'controlled')}1048576"].split("$")[1]
    assert [c.value for c in wb["取值"][column][1:] if c.value] == ["已控制", "整改中", "未控制"]
    column = items_range.split("$")[1]
    ids = [c.value for c in wb["取值"][column][1:] if c.value]
    assert ids == [item.id for _, item in scheme.items()]
    assert wb["机构成员"]["A3"].value == "organizations.id"  # a member row names its organisation
    assert wb[FORM]["C3"].value is None and wb[FORM]["C4"].value == "community.name"


def test_every_sheet_round_trips_a_full_bundle(tmp_path, scheme):
    for name in ("ready", "rectify", "veto"):
        folder = tmp_path / name
        shutil.copytree(FIXTURES / name, folder)
        source = load_evidence(folder / "evidence.yaml")
        (folder / "x.xlsx").write_bytes(ledger_bytes(plain(source), scheme))
        assert digest(load_evidence(folder / "x.xlsx")) == digest(source)


# -- each kind of bad cell, on every sheet, all reported at once ------------------------------

def _record_path(table, index: int = 0) -> str:
    if table.parent is None:
        return ".".join(table.path) + f"[{index}]"
    return ".".join(table.parent.path) + f"[0].{table.path[-1]}[{index}]"


def _bad_cells(table):
    """(column, bad value, message fragment) for each kind of cell this table has."""
    for column in table.columns:
        ge = [m.ge for m in column.info.metadata if hasattr(m, "ge")]
        if column.kind == CHOICE:
            yield column, "不存在的取值", "不是可用的取值"
        elif column.kind == DATE:
            yield column, "2024-13-45", "应为日期"
        elif column.kind == INT and ge:
            yield column, -5, "应不小于"
        elif column.kind == ITEMS:
            yield column, "第8.6条", "应为条目编号"
        elif column.kind == BOOL:
            yield column, "也许", "是 或 否"
        elif any(table.path == (c,) and column.path == (f,) for c, f, _ in REFERENCES):
            yield column, "NOPE-1", "不存在"


@pytest.mark.parametrize("table", layout().tables, ids=lambda t: t.label)
def test_each_bad_cell_of_each_sheet_is_reported_at_its_cell(table, base, tmp_path):
    offset = 1 if table.parent else 0
    letters = {table.name(c): get_column_letter(i + 1 + offset) for i, c in enumerate(table.columns)}
    expected = []
    bad = list(_bad_cells(table))

    def change(wb):
        ws = wb[table.label]
        for column, value, fragment in bad:
            letter = letters[table.name(column)]
            ws[f"{letter}4"] = value
            expected.append((f"{table.label}!{letter}4", column.label, fragment))
        width = len(letters) + offset
        extra = get_column_letter(width + 1)
        ws[f"{extra}3"] = "备注"  # a column that is not the ledger's
        expected.append((f"{table.label}!{extra}3", table.label, "不是「"))
        # a duplicate id, or (for member rows) a row whose parent does not exist
        if table.parent:
            ws["A5"], ws["B5"] = "NOPE", ws["B4"].value
            expected.append((f"{table.label}!A5", table.label, "不存在"))
        elif "id" in letters:
            ws["A6"] = ws["A4"].value
            expected.append((f"{table.label}!A6", "编号", "重复"))
        last = get_column_letter(width)
        ws.merge_cells(f"{last}8:{last}9")
        ws[f"{last}8"] = "合并"
        expected.append((f"{table.label}!{last}8", table.label, "合并了单元格"))
        ws[f"{letters[table.name(table.columns[-1])]}10"] = "=1+1"  # no value: openpyxl does not calculate
        expected.append((f"{table.label}!{letters[table.name(table.columns[-1])]}10", table.label, "公式"))

    found = problems(edited(base, tmp_path / "bad.xlsx", change))
    for cell, path, fragment in expected:
        hits = [p for p in found if f":{cell}  " in p and fragment in p]
        assert hits, f"no problem at {cell} with {fragment!r} in:\n" + "\n".join(found)
        assert f"  {path}  " in hits[0]  # the column's title, or the sheet's


def test_form_sheet_bad_values_are_reported_at_their_row(base, tmp_path):
    def change(wb):
        ws = wb[FORM]
        rows = {ws.cell(r, 3).value: r for r in range(1, ws.max_row + 1)}
        ws.cell(rows["community.kind"], 2, "村")
        ws.cell(rows["community.launched"], 2, "去年")
        ws.cell(rows["community.population"], 2, -1)
        ws.cell(rows["community.period.end"], 2).value = "=B1"
        ws.cell(rows["feedback.handled"], 3, "feedback.solved")

    found = "\n".join(problems(edited(base, tmp_path / "bad.xlsx", change)))
    assert re.search(r"基本情况!B6  社区类型  「村」不是可用的取值", found)
    assert re.search(r"基本情况!B12  创建启动日期  应为日期", found)
    assert re.search(r"基本情况!B10  常住人口  应不小于 0", found)
    assert re.search(r"基本情况!B15  评估期结束  单元格中是公式", found)
    assert re.search(r"基本情况!C\d+  \(工作表\)  「feedback.solved」不是基本情况的字段名", found)


def test_a_record_is_named_by_its_id_in_messages(base, tmp_path):
    found = problems(edited(base, tmp_path / "bad.xlsx", lambda wb: wb["活动"].__setitem__("B5", "讲座")))
    assert found == [f"{tmp_path / 'bad.xlsx'}:活动!B5  活动类别  A-002：「讲座」不是可用的取值，应为以下之一："
                     "教育、培训、演练、检查、交流、评审、会议、宣传、议事"]


# -- what clerks type --------------------------------------------------------------------------

def _letter(ws, field: str) -> str:
    """The column whose field-name row says `field`."""
    return next(get_column_letter(c.column) for c in ws[3] if c.value == field)


def test_dates_numbers_booleans_and_lists_as_clerks_type_them(base, tmp_path):
    def change(wb):
        ws = wb["活动"]
        at = {f: _letter(ws, f) for f in ("date", "participants", "audience", "domains", "items")}
        ws[f"{at['date']}4"] = "2024年3月15日"     # a date as Chinese text
        ws[f"{at['date']}5"] = 45384                # Excel's serial number of 2024-04-02
        ws[f"{at['participants']}4"] = "120"        # a number typed as text
        ws[f"{at['audience']}4"] = "居民，老年人"     # a Chinese comma
        ws[f"{at['domains']}5"] = "消防安全 工作场所安全"  # a space
        ws[f"{at['items']}4"] = 6.4                  # an item id typed as a number
        ws.insert_rows(5, 2)             # blank rows in between
        wb["隐患"][f"{_letter(wb['隐患'], 'controlled')}4"] = True  # a real boolean, not 是
        wb["应急器材"][f"{_letter(wb['应急器材'], 'ok')}4"] = "是"

    ev = load_evidence(edited(base, tmp_path / "typed.xlsx", change))
    first, second = ev.activities[:2]
    assert str(first.date) == "2024-03-15" and str(second.date) == "2024-04-02"
    assert first.participants == 120 and [a.value for a in first.audience] == ["居民", "老年人"]
    assert [d.value for d in second.domains] == ["消防安全", "工作场所安全"]
    assert first.items == ["6.4"] and len(ev.activities) == 2
    assert ev.hazards[0].controlled.value == "已控制" and ev.emergency.equipment[0].ok is True


def test_injuries_by_cause_is_written_name_and_count(base, tmp_path):
    ev = load_evidence(edited(base, tmp_path / "c.xlsx", lambda wb: wb["伤害统计"].__setitem__("C4", "交通: 3，跌倒：4")))
    assert ev.injuries.years[0].by_cause == {"交通": 3, "跌倒": 4}
    found = problems(edited(base, tmp_path / "d.xlsx", lambda wb: wb["伤害统计"].__setitem__("C4", "交通三人")))
    assert any("伤害统计!C4  按原因  「交通三人」应写成 名称：数量" in p for p in found)


def test_columns_may_be_moved_and_rows_above_the_header_removed(base, tmp_path):
    def change(wb):
        ws = wb["文件"]
        ws.move_range("A2:A5", cols=20)  # the id column goes to the far right
        ws.delete_rows(1)  # and the note row goes: the field names are on row 2 now

    ev = load_evidence(edited(base, tmp_path / "moved.xlsx", change))
    assert [d.id for d in ev.documents] == ["D-001", "D-002"]


def test_a_sheet_is_known_by_its_field_names_whatever_its_name_and_place(base, tmp_path):
    """Renamed and reordered sheets read the same; a sheet without a field-name row is refused
    (unless empty), and names what to do; two sheets that are the same table are refused."""
    def change(wb):
        wb.create_sheet("Sheet1")
        wb["活动"].title = "2024活动"
        wb[FORM].title = "概况"
        wb.move_sheet("隐患", offset=-5)
        wb.move_sheet("机构成员", offset=4)

    assert digest(load_evidence(edited(base, tmp_path / "renamed.xlsx", change))) == digest(load_evidence(base))
    found = problems(edited(base, tmp_path / "bad.xlsx", lambda wb: wb["活动"].__setitem__("B5", "讲座") or
                            setattr(wb["活动"], "title", "2024活动")))
    assert found == [f"{tmp_path / 'bad.xlsx'}:2024活动!B5  活动类别  A-002：「讲座」不是可用的取值，应为以下之一："
                     "教育、培训、演练、检查、交流、评审、会议、宣传、议事"]

    def stray(wb):
        wb.create_sheet("备忘")["A1"] = "下周开会"
        wb.copy_worksheet(wb["目标"]).title = "目标2"

    found = problems(edited(base, tmp_path / "stray.xlsx", stray))
    assert len(found) == 2
    assert "备忘" in found[0] and "没有台账的字段名行" in found[0]
    assert "目标2" in found[1] and "都是「目标」表" in found[1]


def test_wrong_sheet_dimensions_as_wps_and_libreoffice_save_them(base, tmp_path):
    """Every sheet claims to span A1 only: the reader must not believe it."""
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
            dst.writestr(info, data)
    (tmp_path / "wps.xlsx").write_bytes(out.getvalue())
    assert digest(load_evidence(tmp_path / "wps.xlsx")) == digest(load_evidence(base))


def test_a_ledger_saved_by_libreoffice_assesses_as_its_yaml(tmp_path, scheme):
    """tests/ledgers/libreoffice-rectify.xlsx: the rectify fixture as a ledger, with a formula
    (=30*2), a date typed as text, a number typed as text and a blank row, re-saved by
    LibreOffice Calc (see tests/ledgers/README.md)."""
    from safecomm import assess

    folder = tmp_path / "rectify"
    shutil.copytree(FIXTURES / "rectify", folder)
    shutil.copy(LEDGERS / "libreoffice-rectify.xlsx", folder / "台账.xlsx")
    ledger, yaml = load_evidence(folder / "台账.xlsx"), load_evidence(folder / "evidence.yaml")
    assert digest(ledger) == digest(yaml)
    assert assess(ledger, scheme).to_json() == assess(yaml, scheme).to_json()


# -- workbooks that are refused before anything parses them -----------------------------------

def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("x.xlsx", _zip({"xl/workbook.xml": b"<workbook/>", "xl/vbaProject.bin": b"\0"}), "启用宏的工作簿"),
    ("x.xlsm", _zip({"xl/workbook.xml": b"<workbook/>"}), "启用宏的工作簿"),
    ("x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512, "加密"),
    ("x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97-2003"),
    ("x.xlsx", b"format: safecomm/evidence@1\n", "不是 Excel 工作簿"),
    ("x.xlsx", b"PK\x03\x04broken", "已损坏"),
])
def test_macros_encryption_and_other_formats_are_refused_with_a_message(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    found = problems(tmp_path / name)
    assert len(found) == 1 and message in found[0]


def test_uncompressed_size_and_part_count_are_bounded(tmp_path, monkeypatch):
    (tmp_path / "bomb.xlsx").write_bytes(_zip({"xl/worksheets/sheet1.xml": b"0" * 200_000}))  # 200 kB from a few hundred bytes
    monkeypatch.setattr(package, "MAX_INFLATED", 100_000)
    assert "解压后过大" in problems(tmp_path / "bomb.xlsx")[0]
    (tmp_path / "parts.xlsx").write_bytes(_zip({f"p{n}.xml": b"" for n in range(20)}))
    monkeypatch.setattr(package, "MAX_PARTS", 10)
    assert "组成部分过多" in problems(tmp_path / "parts.xlsx")[0]


def test_a_part_larger_than_it_claims_is_refused(tmp_path):
    raw = bytearray(_zip({"xl/worksheets/sheet1.xml": b"<x/>" * 1000}))
    at = raw.rfind(b"PK\x01\x02")  # the central directory's record: its uncompressed size is at +24
    raw[at + 24:at + 28] = (10).to_bytes(4, "little")
    (tmp_path / "liar.xlsx").write_bytes(bytes(raw))
    assert "已损坏" in problems(tmp_path / "liar.xlsx")[0]


@pytest.mark.parametrize("size, claimed, message", [
    (100_000, None, None), (100_001, None, "解压后过大"),  # the budget's line, each part as large as it claims
    (100_000, 10, "已损坏"), (100_001, 10, "解压后过大"),  # a part that claims 10 bytes: past the budget it is a bomb
])
def test_a_part_is_inflated_under_the_budget_whatever_it_claims(tmp_path, monkeypatch, size, claimed, message):
    raw = bytearray(_zip({"xl/worksheets/sheet1.xml": b"0" * size}))
    if claimed is not None:
        at = raw.rfind(b"PK\x01\x02")
        raw[at + 24:at + 28] = claimed.to_bytes(4, "little")
    (tmp_path / "part.xlsx").write_bytes(bytes(raw))
    monkeypatch.setattr(package, "MAX_INFLATED", 100_000)
    found = problems(tmp_path / "part.xlsx")
    if message:
        assert message in found[0]
    else:  # within every bound: refused only as the workbook it is not
        assert not any("过大" in p or "大小或校验和" in p for p in found) and found


def test_missing_file_and_folder(tmp_path):
    assert "文件不存在" in problems(tmp_path / "nope.xlsx")[0]
    (tmp_path / "d.xlsx").mkdir()
    assert "文件夹" in problems(tmp_path / "d.xlsx")[0]


def test_read_ledger_maps_fields_to_cells(base):
    ledger = read_ledger(base)
    assert ledger.where(("activities", 1, "kind")) == ("活动", 5, 2)
    assert ledger.where(("activities", 1, "audience", 3)) == ("活动", 5, 6)
    assert ledger.where(("organizations", 0, "members", 1, "sector")) == ("机构成员", 5, 5)
    assert ledger.where(("community", "period", "start")) == (FORM, 14, 2)
    assert ledger.name(("documents", 1, "id")) == "「文件」表 A5 处"


def test_docs_column_reference_is_the_one_the_model_gives(scheme):
    """docs/ledger.md carries the column reference between its markers; regenerate it with
    `safecomm.ledger.words.reference(load_scheme())` when the model changes."""
    from safecomm.ledger.words import reference

    text = (Path(__file__).resolve().parent.parent / "docs" / "ledger.md").read_text(encoding="utf-8")
    shown = text.split("<!-- 列说明开始 -->\n", 1)[1].split("<!-- 列说明结束 -->", 1)[0]
    assert shown == reference(scheme)
    for table in layout().tables:
        assert f"### {table.label}\n" in shown


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="消防安全老年人AZaz09、，,；; \n\t\u3000·-", max_size=24))
def test_a_list_cell_splits_at_every_separator_and_only_there(text):
    """Words joined by 、 take a quick path; it gives what splitting at every separator gives."""
    column = next(c for t in layout().tables for c in t.columns if c.kind == LIST)
    value = text.strip()
    if value:
        assert cells.read(value, column) == [w for w in re.split(r"[、，,；;\s]+", value) if w]
