"""Near-miss hints propose relabelling a record as another kind of document only when its title says
it is one (检查工作计划 may be the plan 8.2 asks for; 安全检查台账 and 安全检查制度 are not), in the
words of each channel: `kind` for YAML, the 「文件类别」 column for a 台账."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import FIXTURES, check, doc, item_result
from safecomm.cli import main


def _hint(result) -> str:
    return check(result, "plan").hint or ""


def test_a_ledger_or_a_rule_on_the_topic_is_never_offered_as_the_plan(scheme):
    for kind, title in (("台账", "2024年安全检查台账"), ("制度", "安全检查制度"), ("记录", "2024年安全检查记录")):
        hint = _hint(item_result(scheme, "8.2", documents=[doc("D-1", kind, title)]))
        assert f"D-1 是{kind}" in hint and "不算所需的计划或方案" in hint and "改为" not in hint, hint


@pytest.mark.parametrize("title, relabel", [("2024年安全检查工作计划", "计划"), ("2024年安全检查工作安排", "计划"),
                                            ("安全检查实施方案", "方案"), ("2024—2026年安全检查规划", "计划")])
def test_a_title_that_names_a_plan_may_be_relabelled_as_it_names_it(scheme, title, relabel):
    hint = _hint(item_result(scheme, "8.2", documents=[doc("D-1", "台账", title)]))
    assert f"可把 kind 改为 {relabel}" in hint, hint


@pytest.mark.parametrize("title, says", [("2024年安全检查台账", None), ("2024年安全检查工作计划", "计划")])
def test_both_channels_say_it_in_their_words(tmp_path, title, says):
    folder = tmp_path / "rectify"
    shutil.copytree(FIXTURES / "rectify", folder)
    yaml_path, ledger = folder / "evidence.yaml", folder / "台账.xlsx"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace("title: 2024年安全检查台账", f"title: {title}"), encoding="utf-8")
    wb = openpyxl.load_workbook(ledger)
    ws = wb["文件"]
    column = {c.value: c.column for c in ws[3]}
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, column["id"]).value == "D-015")
    ws.cell(row, column["title"]).value = title
    wb.save(ledger)
    said = {path.suffix: CliRunner().invoke(main, ["assess", str(path)]).output for path in (yaml_path, ledger)}
    hint = {suffix: next(line for line in text.splitlines() if "D-015 是台账" in line) for suffix, text in said.items()}
    if says:
        assert f"可把 kind 改为 {says}" in hint[".yaml"]
        assert f"可把「文件」表「文件类别」列改为 {says}" in hint[".xlsx"] and "kind" not in hint[".xlsx"]
    else:
        assert "不算所需的计划或方案" in hint[".yaml"] and "不算所需的计划或方案" in hint[".xlsx"]
        assert all("改为" not in h for h in hint.values()), hint
