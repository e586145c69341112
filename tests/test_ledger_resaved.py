"""The 台账 template of the current layout (field-name row hidden, 基本情况's field names in a hidden
column C) re-saved by LibreOffice Calc reads as written: the same evidence, the same example values
left out of grading, the same validate messages, the field names still hidden from print."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from safecomm import sample
from safecomm.cli import main
from safecomm.evidence import digest
from safecomm.bundle import load_evidence

LEDGERS = Path(__file__).parent / "ledgers"


def _same(written: Path, resaved: Path) -> None:
    a, b = load_evidence(written), load_evidence(resaved)
    assert digest(a) == digest(b) and a.model_dump() == b.model_dump()
    assert sample.split(a)[1] == sample.split(b)[1]
    said = [CliRunner().invoke(main, ["validate", str(p)]).output.replace(str(p), "台账") for p in (written, resaved)]
    assert said[0] == said[1]
    wb = openpyxl.load_workbook(resaved)
    assert wb["活动"].row_dimensions[3].hidden and wb["基本情况"].column_dimensions["C"].hidden


def test_the_kept_libreoffice_copy_of_the_template_reads_as_written():
    """tests/ledgers/template-as-written.xlsx (safecomm init --xlsx) and libreoffice-template.xlsx, the
    same re-saved by LibreOffice Calc 7.4 (see tests/ledgers/README.md)."""
    _same(LEDGERS / "template-as-written.xlsx", LEDGERS / "libreoffice-template.xlsx")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed: the kept re-saved template covers it")
def test_todays_template_resaved_by_libreoffice_reads_as_written(tmp_path):
    assert CliRunner().invoke(main, ["init", str(tmp_path / "t"), "--xlsx"]).exit_code == 0
    written = tmp_path / "t" / "台账.xlsx"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"), str(written)],
                   check=True, capture_output=True, timeout=120)
    _same(written, tmp_path / "lo" / "台账.xlsx")
