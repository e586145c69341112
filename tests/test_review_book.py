"""The review sheet as a workbook (审核表.xlsx): written by `review start -o`, read by every command
that reads a review sheet, with the YAML sheet's rules and every problem at its cell under the
column's Chinese title."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm import batch, load_scheme
from safecomm.cli import main
from safecomm.review_input import load_review, load_review_bytes

LEDGERS = Path(__file__).parent / "ledgers"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def veto(tmp_path_factory):
    """fixtures/veto (2.4 and 12.3 vetoed) and a fresh review workbook of it."""
    folder = tmp_path_factory.mktemp("book") / "veto"
    shutil.copytree(FIXTURES / "veto", folder)
    book = folder.parent / "审核表.xlsx"
    result = run("review", "start", folder / "evidence.yaml", "-o", book)
    assert result.exit_code == 0, result.output
    return folder / "evidence.yaml", book


def _filled(book: Path, target: Path, *, items: dict | None = None, form: dict | None = None) -> Path:
    """A copy of `book` with cells typed as a reviewer would: items {id: {title: value}}, form {label: value}."""
    wb = openpyxl.load_workbook(book)
    ws = wb["逐项审核"]
    titles = {c.value: c.column for c in ws[2]}
    for ident, values in (items or {}).items():
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == ident)
        for title, value in values.items():
            ws.cell(row, titles[title]).value = value
    sheet = wb["审核意见"]
    for label, value in (form or {}).items():
        next(sheet.cell(r, 2) for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == label).value = value
    wb.save(target)
    return target


def _cell_of(book: Path, sheet: str, ident: str, title: str) -> str:
    ws = openpyxl.load_workbook(book)[sheet]
    column = next(c.column_letter for c in ws[2] if c.value == title)
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == ident)
    return f"{column}{row}"


def test_the_workbook_holds_every_item_the_identity_and_the_drop_downs(veto):
    ev, book = veto
    wb = openpyxl.load_workbook(book)
    form = {wb["审核意见"].cell(r, 1).value: wb["审核意见"].cell(r, 2).value for r in range(3, wb["审核意见"].max_row + 1)}
    assert (form["省"], form["市"], form["县(区)"], form["单位名称"]) == ("宁夏回族自治区", "石嘴山市", "惠农区", "金沙湾工业园区管理委员会")
    assert form["审核单位"] == "惠农区安委会办公室" and form["初步审查意见"] is None
    ws = wb["逐项审核"]
    assert [c.value for c in ws[2]] == ["条目", "内容", "自动等级", "自动评定理由", "备注", "审核等级", "理由", "现场核实"]
    result = json.loads(run("assess", ev, "--format", "json").stdout)
    rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
    assert list(rows) == [i["id"] for i in result["items"]]
    for item in result["items"]:
        r = rows[item["id"]]
        assert (ws.cell(r, 3).value, ws.cell(r, 4).value, ws.cell(r, 6).value) == (item["grade"], item["reason"], "维持")
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation}
    assert '"维持,A,B,C"' in lists and '"是,否"' in lists
    assert lists['"维持,C"'] == f"F{rows['2.4']} F{rows['12.3']}"  # a veto offers no A or B
    again = CliRunner().invoke(main, ["review", "start", str(ev), "-o", str(book.with_name("again.xlsx"))])
    assert again.exit_code == 0 and book.with_name("again.xlsx").read_bytes() == book.read_bytes()  # same bytes
    with zipfile.ZipFile(book) as parts:  # whatever the second: every part stamped with one fixed time
        assert {info.date_time for info in parts.infolist()} == {(2024, 1, 1, 0, 0, 0)}


def test_keep_keeps_the_automatic_grade_and_a_changed_grade_with_its_reason_is_an_override(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "填好.xlsx", items={
        "1.3": {"审核等级": "维持", "理由": "职责清楚，维持"},
        "1.2": {"审核等级": "C", "理由": "现场未见执行机构", "现场核实": "是"},
        "2.3": {"审核等级": "Ｂ"},  # the automatic grade itself (typed full-width): no change, no reason needed
        "2.4": {"审核等级": "C", "理由": "确认参与度测量值"},
    }, form={"审核人": "王审核", "审查日期": "2024-12-20", "初步审查意见": "经初步审查，材料基本齐全。\n同意上报。"})
    result = run("assess", ev, "--review", filled, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    items = {i["id"]: i for i in data["items"]}
    assert items["1.3"]["final_grade"] == items["1.3"]["grade"] == "A"
    assert items["1.3"]["override"]["reason"] == "职责清楚，维持"
    assert items["1.2"]["final_grade"] == "C" and items["1.2"]["override"]["onsite"] is True
    assert items["2.3"]["override"] is None and items["2.3"]["final_grade"] == "B"
    assert data["review"]["opinion"] == "经初步审查，材料基本齐全。\n同意上报。"
    assert (data["review"]["reviewer"], data["review"]["date"]) == ("王审核", "2024-12-20")
    assert load_review(filled).model_dump() == load_review_bytes(filled.read_bytes(), "填好.xlsx").model_dump()


def test_a_changed_grade_without_a_reason_is_an_error_at_its_reason_cell(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "无理由.xlsx", items={"1.3": {"审核等级": "B"}})
    result = run("assess", ev, "--review", filled)
    assert result.exit_code == 2
    cell = _cell_of(filled, "逐项审核", "1.3", "理由")
    assert f"无理由.xlsx:逐项审核!{cell}  理由  条目 1.3 改判为 B（自动等级 A）但没有写理由" in result.output
    said = result.output.replace(str(filled), "")
    assert "reason" not in said and "grade" not in said and "Traceback" not in said


def test_a_veto_cannot_be_graded_away(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "否决.xlsx", items={"2.4": {"审核等级": "A", "理由": "参与度已达标"}})
    result = run("assess", ev, "--review", filled)
    assert result.exit_code == 2
    assert f"逐项审核!{_cell_of(filled, '逐项审核', '2.4', '审核等级')}  审核等级  条目 2.4 是否决项，不能改判为 A" in result.output


def test_a_sheet_for_another_county_is_refused_even_when_stale_is_allowed(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "别处.xlsx", form={"县(区)": "大武口区"})
    for extra in ((), ("--allow-stale",)):
        result = run("assess", ev, "--review", filled, *extra)
        assert result.exit_code == 2
        assert "别处.xlsx:审核意见!B3  单位名称  审核表是为 宁夏回族自治区石嘴山市大武口区金沙湾工业园区管理委员会" in result.output
    same = _filled(book, tmp_path / "本处.xlsx", form={"县(区)": "惠农区"})
    assert run("assess", ev, "--review", same).exit_code == 0


def test_values_not_on_the_drop_down_are_named_as_it_shows_them(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "乱填.xlsx", items={"3.3": {"审核等级": "优", "现场核实": "可能"}})
    result = run("assess", ev, "--review", filled)
    assert result.exit_code == 2
    assert f"{_cell_of(filled, '逐项审核', '3.3', '审核等级')}  审核等级  条目 3.3：审核等级应为 维持、A、B 或 C（现为「优」）" in result.output
    assert f"{_cell_of(filled, '逐项审核', '3.3', '现场核实')}  现场核实  条目 3.3：现场核实应为 是 或 否（现为「可能」）" in result.output


def test_a_changed_digest_or_a_deleted_identity_row_is_said_at_its_cell(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "摘要.xlsx", form={"证据摘要": "abc"})
    result = run("assess", ev, "--review", filled)
    assert result.exit_code == 2 and "审核意见!B10  证据摘要" in result.output and "请勿修改" in result.output
    wb = openpyxl.load_workbook(book)
    wb["审核意见"].delete_rows(6)  # 县(区)
    wb.save(tmp_path / "少行.xlsx")
    result = run("assess", ev, "--review", tmp_path / "少行.xlsx")
    assert result.exit_code == 2 and "没有「县(区)」一行" in result.output


def test_renamed_sheets_moved_columns_and_an_added_row_still_read(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "原样.xlsx", items={"1.2": {"审核等级": "C", "理由": "未见执行机构"}})
    wb = openpyxl.load_workbook(filled)
    wb["逐项审核"].title, wb["审核意见"].title = "改判", "意见"
    wb["改判"].move_range("H2:H60", cols=1)  # 现场核实 one column to the right
    wb["意见"].insert_rows(2)
    wb._sheets.reverse()
    wb.save(tmp_path / "改过.xlsx")
    assert load_review(tmp_path / "改过.xlsx").model_dump() == load_review(filled).model_dump()
    assert run("assess", ev, "--review", tmp_path / "改过.xlsx").exit_code == 0


def test_a_libre_office_resaved_workbook_reads_the_same():
    """tests/ledgers/review-edited.xlsx as written and edited, review-libreoffice.xlsx the same re-saved by
    LibreOffice Calc 7.4 (see tests/ledgers/README.md): one review."""
    edited, resaved = load_review(LEDGERS / "review-edited.xlsx"), load_review(LEDGERS / "review-libreoffice.xlsx")
    assert edited.model_dump() == resaved.model_dump()
    assert resaved.opinion == "经初步审查，材料齐全。\n同意申报。"
    entries = {e.id: e for e in resaved.items}
    assert (entries["1.2"].grade, entries["1.2"].reason, entries["1.2"].onsite) == ("C", "未见执行机构", True)
    assert resaved.community.county == "惠农区" and resaved.reviewer.date.isoformat() == "2024-12-20"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed: the kept re-saved fixture covers it")
def test_a_workbook_resaved_by_libre_office_now_reads_the_same(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "lo.xlsx", items={"1.2": {"审核等级": "C", "理由": "未见\n执行机构", "现场核实": "是"}},
                     form={"初步审查意见": "第一行\n第二行", "审查日期": "2024年12月20日"})
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(filled)], check=True, capture_output=True, timeout=120)
    assert load_review(out / "lo.xlsx").model_dump() == load_review(filled).model_dump()


def test_batch_takes_the_workbook_beside_the_evidence(veto, tmp_path):
    ev, book = veto
    root = tmp_path / "district"
    shutil.copytree(ev.parent, root / "veto")
    _filled(book, root / "veto" / "evidence.review.xlsx", items={"1.2": {"审核等级": "C", "理由": "未见执行机构"}})
    apps = batch.find(root)
    assert [(a.label, a.review.name, a.twin.name) for a in apps] == [("veto/evidence.yaml", "evidence.review.xlsx", "台账.xlsx")]
    rows = batch.assess_all(apps, load_scheme("national-2009"), False, 1)
    assert rows[0].error is None and rows[0].result.item("1.2").final_grade == "C"
    (root / "veto" / "evidence.review.xlsx").rename(root / "veto" / "台账.review.xlsx")  # the 台账's own sheet
    assert batch.find(root)[0].review.name == "台账.review.xlsx"
    shutil.copy(root / "veto" / "台账.review.xlsx", root / "veto" / "evidence.review.xlsx")
    assert "2 份审核表" in batch.find(root)[0].problem
    shutil.copy(ev, root / "乙.yaml")  # side by side: 乙.review.xlsx is 乙.yaml's sheet, not an application
    shutil.copy(root / "veto" / "台账.review.xlsx", root / "乙.review.xlsx")
    assert [(a.label, a.review and a.review.name) for a in batch.find(root)][1:] == [("乙.yaml", "乙.review.xlsx")]


def test_a_real_process_reports_the_cell_and_exits_2(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "进程.xlsx", items={"1.3": {"审核等级": "B"}})
    beside = Path(sys.executable).parent / "safecomm"
    exe = str(beside) if beside.exists() else shutil.which("safecomm")
    done = subprocess.run([exe, "assess", str(ev), "--review", str(filled)], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    assert done.returncode == 2 and f"进程.xlsx:逐项审核!{_cell_of(filled, '逐项审核', '1.3', '理由')}  理由" in done.stderr
    assert "Traceback" not in done.stderr


def test_text_that_looks_like_a_formula_stays_text(veto, tmp_path):
    ev, book = veto
    filled = _filled(book, tmp_path / "公式.xlsx", items={"1.2": {"审核等级": "C"}})
    wb = openpyxl.load_workbook(filled)
    ws = wb["逐项审核"]
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "1.2")
    ws.cell(row, 7).value, ws.cell(row, 7).data_type = "=未见执行机构", "s"
    wb.save(filled)
    assert next(e for e in load_review(filled).items if e.id == "1.2").reason == "=未见执行机构"
    wb = openpyxl.load_workbook(book)
    assert all(c.data_type == "s" for row in wb["逐项审核"].iter_rows(min_row=3) for c in row if isinstance(c.value, str))


def test_the_opinions_line_breaks_reach_the_pdf_and_the_word_form(veto, tmp_path):
    """Each line the reviewer wrote is a line of its own in the 初步审查意见 box, from a workbook and from YAML."""
    import docx

    ev, book = veto
    opinion = "经初步审查，材料基本齐全。\n同意上报。\n请补充 8.3 的检查记录。"
    filled = _filled(book, tmp_path / "意见.xlsx", form={"初步审查意见": opinion})
    yaml_sheet = tmp_path / "意见.review.yaml"
    assert run("review", "start", ev, "-o", yaml_sheet).exit_code == 0
    text = yaml_sheet.read_text(encoding="utf-8")
    yaml_sheet.write_text(text.replace('opinion: ""', "opinion: |\n  " + opinion.replace("\n", "\n  ")), encoding="utf-8")
    for sheet in (filled, yaml_sheet):
        pdf, word = tmp_path / f"{sheet.stem}.pdf", tmp_path / f"{sheet.stem}.docx"
        result = run("assess", ev, "--review", sheet, "--pdf", pdf, "--docx", word)
        assert result.exit_code == 0, result.output
        if shutil.which("pdftotext"):
            page = subprocess.run(["pdftotext", "-layout", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
            lines = [line.strip() for line in page.splitlines()]
            at = [next(n for n, line in enumerate(lines) if line.endswith(want)) for want in opinion.split("\n")]
            assert at == list(range(at[0], at[0] + 3)), page  # three lines, one after another, none run together
        box = next(c for t in docx.Document(word).tables for row in t.rows for c in row.cells if "经初步审查" in c.text)
        paragraphs = [p.text for p in box.paragraphs]
        assert paragraphs[:3] == opinion.split("\n")
