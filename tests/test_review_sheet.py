"""The review sheet's template: no comment where a block would swallow it, and a # line inside an
opinion is warned about (it would be printed in the 初步审查意见 box)."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from conftest import FIXTURES
from safecomm.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_opinion_as_a_block_keeps_its_lines_and_a_hash_line_is_warned(tmp_path):
    shutil.copytree(FIXTURES / "ready", tmp_path / "ready")
    ev, sheet = tmp_path / "ready" / "evidence.yaml", tmp_path / "ready" / "审核.review.yaml"
    assert run("review", "start", ev, "-o", sheet).exit_code == 0
    text = sheet.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("opinion:"))
    assert "#" not in line  # switching it to `opinion: |` swallows nothing
    sheet.write_text(text.replace(line, "opinion: |\n  经初步审查，材料齐全。\n  同意申报。"), encoding="utf-8")
    result = json.loads(run("assess", ev, "--review", sheet, "--format", "json").stdout)
    assert result["review"]["opinion"] == "经初步审查，材料齐全。\n同意申报。"
    assert not any("# 开头" in w for w in result["warnings"])
    sheet.write_text(text.replace(line, "opinion: |\n  同意申报。\n  # 县(区)安委会办公室初步审查意见"), encoding="utf-8")
    result = json.loads(run("assess", ev, "--review", sheet, "--format", "json").stdout)
    assert any("有一行以 # 开头" in w for w in result["warnings"])


def test_a_template_figure_left_in_an_edited_section_is_an_example_on_both_sides(tmp_path):
    """units edited, signed still the template's 85: the section is left out of grading, on YAML and 台账."""
    import openpyxl

    from safecomm import sample
    from safecomm.bundle import load_evidence

    assert run("init", tmp_path / "y").exit_code == 0 and run("init", tmp_path / "x", "--xlsx").exit_code == 0
    yaml_path = tmp_path / "y" / "evidence.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    yaml_path.write_text(text.replace("  units: 85", "  units: 100", 1), encoding="utf-8")
    ledger_path = tmp_path / "x" / "台账.xlsx"
    wb = openpyxl.load_workbook(ledger_path)
    ws = wb["基本情况"]
    next(ws.cell(r, 2) for r in range(1, ws.max_row + 1) if ws.cell(r, 3).value == "agreements.units").value = 100
    wb.save(ledger_path)
    for path in (yaml_path, ledger_path):
        real, left_out = sample.split(load_evidence(path))
        assert "agreements.signed" in left_out and real.agreements is None
    whole = sample.split(load_evidence(FIXTURES / "ready" / "evidence.yaml"))[1]
    assert whole == []  # real figures are never taken for examples
