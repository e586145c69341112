"""The upload page's problem table (位置 · 列 · 问题 · 怎么改) for a 台账: the column is the Chinese
column title, the problem names the record, and what to do is never empty."""

from __future__ import annotations

import shutil

import openpyxl
import pytest

from safecomm.loading import InputError
from safecomm.bundle import load_evidence
from safecomm.web.evidence.intake import rows

from conftest import FIXTURES


def test_a_bad_ledger_reads_as_cells_titles_and_what_to_do(tmp_path):
    ledger = tmp_path / "台账.xlsx"
    shutil.copy(FIXTURES / "rectify" / "台账.xlsx", ledger)
    book = openpyxl.load_workbook(ledger)
    book["活动"]["B5"] = "讲座"
    book["活动"]["C6"] = "2024年13月45日"
    book.save(ledger)
    with pytest.raises(InputError) as caught:
        load_evidence(ledger)
    table = {row["place"].split(":", 1)[1]: row for row in rows(caught.value)}
    kind, day = table["活动!B5"], table["活动!C6"]
    assert kind["field"] == "活动类别" and day["field"] == "日期"
    assert kind["problem"].startswith("A-002：") and "讲座" in kind["problem"]
    assert "教育" in kind["fix"] and "education" not in kind["fix"]
    assert day["problem"].startswith("A-003：") and day["fix"].startswith("应为日期")
    for row in table.values():
        assert row["fix"] and "." not in row["field"] and "[" not in row["field"]
