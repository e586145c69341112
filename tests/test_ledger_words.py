"""A 台账's clerk reads the workbook's words: every message, hint and piece of advice about a
ledger names sheets, Chinese column titles and values as the drop-down shows them, never a field
path or an English code; a YAML bundle keeps its field paths. Impossible counts are errors at the
cell they name."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm import terms
from safecomm.cli import main
from safecomm.evidence import Evidence
from safecomm.ledger.layout import layout
from safecomm.ledger.words import LEDGER, YAML, place, speak


def _words() -> set[str]:
    """Every field name of the model and every English code of an enumeration."""
    found = {"true", "false"}
    lay = layout()
    for table in lay.tables:
        found |= set(table.path) | {p for c in table.columns for p in c.path}
    for section in lay.sections:
        found |= {p for r in section.rows for p in r.path}
    for cls in vars(terms).values():
        if isinstance(cls, type) and issubclass(cls, terms.Term) and cls is not terms.Term:
            found |= {m.code for m in cls}
    return found - {"id"}  # 编号 is what a clerk sees; ids like A-001 are values


FORBIDDEN = _words()


def _english(text: str) -> list[str]:
    text = re.sub(r"\S*(台账|\.xlsx|\.yaml|attachments/)\S*", "", text)  # file names and paths as written
    text = re.sub(r"safecomm [a-z]+|national-2009|--[a-z-]+", "", text)  # commands and the rule set's name
    return [w for w in re.findall(r"[A-Za-z_]+", text) if w in FORBIDDEN]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _edit(path, change):
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def _cell(ws, field: str, row: int = 4):
    column = next(c.column for c in ws[3] if c.value == field)
    return ws.cell(row, column)


def _form(ws, field: str):
    return next(ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == field)


def _broken(wb):
    acts, projects = wb["活动"], wb["项目"]
    _cell(acts, "kind").value = "讲座"
    _cell(acts, "audience", 5).value = "居民、外星人"
    _cell(acts, "project", 6).value = "P-99"
    _cell(acts, "id", 7).value = _cell(acts, "id").value
    _cell(acts, "date", 8).value = "2024/13/01"
    _cell(projects, "key").value = "已落实"
    _cell(wb["隐患"], "controlled").value = "差不多"


@pytest.mark.parametrize("name", ["ready", "rectify", "veto"])
def test_no_field_path_or_english_code_in_anything_said_about_a_ledger(name, tmp_path):
    folder = tmp_path / name
    shutil.copytree(FIXTURES / name, folder)
    ledger = folder / "台账.xlsx"
    said = []
    for args in (("validate", ledger), ("assess", ledger), ("assess", ledger, "--format", "md")):
        result = run(*args)
        assert result.exit_code == 0
        said.append(result.stdout + result.stderr)
    empty = _edit(shutil.copy(ledger, folder / "空.xlsx"), lambda wb: [wb[s].delete_rows(4, 500) for s in ("隐患", "机构成员", "整改")])
    said.append(run("validate", empty).stderr)
    said.append(run("assess", empty).stdout)
    broken = _edit(shutil.copy(ledger, folder / "坏.xlsx"), _broken)
    result = run("validate", broken)
    assert result.exit_code == 2 and "「讲座」不是可用的取值" in result.stderr
    said.append(result.stderr)
    for text in said:
        assert _english(text) == [], text
    assert "「隐患」表是空的" in said[3] and "「机构成员」表是空的" in said[3]


def test_the_template_ledger_speaks_excel_too(tmp_path):
    run("init", tmp_path / "新", "--xlsx")
    result = run("validate", tmp_path / "新" / "台账.xlsx")
    assert "「活动」表 A-001" in result.stderr and _english(result.stderr) == []
    assessed = run("assess", tmp_path / "新" / "台账.xlsx").stdout
    assert _english(assessed) == []


def test_the_same_advice_for_yaml_keeps_its_fields():
    yaml_text = run("assess", FIXTURES / "rectify" / "evidence.yaml").stdout
    ledger_text = run("assess", FIXTURES / "rectify" / "台账.xlsx").stdout
    assert "在 feedback 中登记 received 和 handled" in yaml_text
    assert "在「基本情况」表「意见处理」中登记「收到意见数」和「已处理数」" in ledger_text
    assert run("assess", FIXTURES / "rectify" / "evidence.yaml", "--format", "json").stdout == \
        run("assess", FIXTURES / "rectify" / "台账.xlsx", "--format", "json").stdout  # JSON is the same whatever the source


@pytest.mark.parametrize("text, channel, expected", [
    ("为每个重点项目（key 写 true）登记 target_population 和 participants", LEDGER,
     "为每个重点项目（「项目」表「重点项目」列填 是）登记「相关人群人数」列和「参与人数」列"),
    ("活动的 audience 写 应急队伍（如 [居民, 应急队伍]）", LEDGER, "活动的「对象」列填 应急队伍（如 居民、应急队伍）"),
    ("在 agreements 中登记 units 和 signed", LEDGER, "在「基本情况」表「安全责任书」中登记「应签订单位数」和「已签订单位数」"),
    ("在 activities 中登记（kind 写 drill）", LEDGER, "在「活动」表中登记（「活动类别」列填 演练）"),
    ("在 activities 中登记（kind 写 drill）", YAML, "在 activities 中登记（kind 写 drill）"),
])
def test_speak(text, channel, expected):
    assert speak(text, channel) == expected


def test_place_is_the_one_wording_of_a_field():
    assert place(("activities", 3, "audience"), LEDGER) == "「活动」表「对象」列"
    assert place(("activities", 3, "audience")) == "activities.audience"
    assert place(("organizations", 0, "members", 1, "sector"), LEDGER) == "「机构成员」表「所属部门」列"
    assert place(("agreements", "signed"), LEDGER) == "「基本情况」表「已签订单位数」"
    assert place("injuries.years", LEDGER) == "「伤害统计」表"


# -- impossible counts: errors at the cell they name, on both sides -----------------------------

CONSISTENCY = [  # (sheet or form, field set too high, its value, the column title the error names first)
    ("基本情况", "agreements.signed", 10_000, "已签订单位数"),
    ("基本情况", "agreements.special_equipment.registered", 10_000, "已登记建档数"),
    ("基本情况", "feedback.handled", 10_000, "已处理数"),
    ("基本情况", "workforce_training.trained", 10_000, "已培训单位数"),
    ("调查", "positive", 10_000, "肯定回答人数"),
    ("整改", "fixed", "2020-01-01", "完成日期"),
    ("整改", "verified_count", 99, "已复查数"),
    ("活动", "end", "2020-01-01", "结束日期"),
]


@pytest.mark.parametrize("sheet, field, value, title", CONSISTENCY, ids=[c[1] for c in CONSISTENCY])
def test_impossible_counts_are_errors_at_their_cell(sheet, field, value, title, tmp_path):
    folder = tmp_path / "ready"
    shutil.copytree(FIXTURES / "ready", folder)
    cells = {}

    def change(wb):
        cell = _form(wb[sheet], field) if sheet == "基本情况" else _cell(wb[sheet], field)
        cell.value = value
        cells["at"] = f"{wb[sheet].title}!{cell.coordinate}"

    result = run("validate", _edit(folder / "台账.xlsx", change))
    assert result.exit_code == 2
    line = next(l for l in result.stderr.splitlines() if cells["at"] in l)
    assert f"{cells['at']}  {title}  " in line and ("不能大于" in line or "早于" in line)


def test_impossible_counts_in_yaml_are_errors_at_their_line(tmp_path):
    text = (FIXTURES / "ready" / "evidence.yaml").read_text(encoding="utf-8")
    bad = re.sub(r"(agreements:.*?signed: )\d+", r"\g<1>99999", text, count=1, flags=re.S)
    assert bad != text
    (tmp_path / "evidence.yaml").write_text(bad, encoding="utf-8")
    result = run("validate", tmp_path / "evidence.yaml")
    assert result.exit_code == 2 and "  agreements  已签订单位数（99999）不能大于应签订单位数" in result.stderr


def test_every_other_item_short_of_a_is_named():
    """"另有 N 项" is followed by the N requirements, never a bare count."""
    import json

    result = json.loads(run("assess", FIXTURES / "rectify" / "evidence.yaml", "--format", "json").stdout)
    named = 0
    for item in result["items"]:
        found = re.search(r"另有 (\d+) 项未达到或待核实：(.+)$", item["reason"])
        if found:
            named += 1
            assert len(found.group(2).split("；")) == int(found.group(1)), item["reason"]
    assert named >= 2


REVIEW_FIELDS = {"reason", "grade", "onsite", "opinion", "reviewer", "evidence_digest", "auto", "items", "community",
                 "period", "start", "end", "province", "city", "county", "unit", "date", "format"}


def test_no_field_path_or_english_code_in_anything_said_about_a_review_workbook(tmp_path):
    """Every mistake a reviewer can make in 审核表.xlsx is told in the workbook's words."""
    from test_review_book import _filled

    shutil.copytree(FIXTURES / "veto", tmp_path / "veto")
    ev, book = tmp_path / "veto" / "evidence.yaml", tmp_path / "审核表.xlsx"
    assert run("review", "start", ev, "-o", book).exit_code == 0
    cases = [
        {"items": {"1.3": {"审核等级": "B"}}},
        {"items": {"2.4": {"审核等级": "A", "理由": "已达标"}}},
        {"items": {"3.3": {"审核等级": "优", "现场核实": "可能"}}},
        {"items": {"1.2": {"条目": "99.9", "审核等级": "A", "理由": "x"}}},
        {"form": {"县(区)": "大武口区"}},
        {"form": {"证据摘要": "abc", "审查日期": "去年冬天", "评估期开始": "某日"}},
        {"form": {"单位名称": None}},
        {"form": {"初步审查意见": "同意申报。\n# 以下为注释"}},
    ]
    said = []
    for n, case in enumerate(cases):
        filled = _filled(book, tmp_path / f"case{n}.xlsx", **case)
        result = run("assess", ev, "--review", filled)
        assert "Traceback" not in result.output
        text = result.output.replace(str(filled), "").replace(str(ev), "")
        if result.exit_code == 0:  # assessed: the report speaks of the YAML evidence; only what it says of the sheet
            text = "\n".join(line for line in text.splitlines() if "审核表" in line)
        said.append(text)
    assert all("审核表" in s or "条目" in s for s in said)
    for text in said:
        text = text.replace("safecomm review start", "")  # the command to run, as written
        words = _english(text) + [w for w in re.findall(r"[A-Za-z_]+", re.sub(r"safecomm [a-z]+|--[a-z-]+|national-2009", "", text))
                                  if w in REVIEW_FIELDS]
        assert not words, text


def test_what_the_template_prints_holds_no_field_name(tmp_path):
    """Every visible cell of `init --xlsx` (the field-name row and column are hidden, 取值 is hidden) and every
    header note speaks the clerk's words: 填写说明 names each sheet's columns by their Chinese titles."""
    assert run("init", tmp_path / "t", "--xlsx").exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "t" / "台账.xlsx")
    found = []
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        for row in ws.iter_rows():
            for cell in row:
                from openpyxl.utils import get_column_letter

                hidden = ws.row_dimensions[cell.row].hidden or ws.column_dimensions[get_column_letter(cell.column)].hidden
                for text in (cell.value if isinstance(cell.value, str) and not hidden else None,
                             cell.comment.text if cell.comment else None):
                    if text and _english(text):
                        found.append((ws.title, cell.coordinate, _english(text)))
    assert not found, found[:10]
