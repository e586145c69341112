"""Nothing grows faster than its input: tens of thousands of records, errors, rows and cells are
read in linear time, in a real process under limits of memory and CPU time (the other half of the
hangs, split off so that each file runs in under a minute)."""

from __future__ import annotations

import pytest
import yaml

from hostile_kit import GIB, add_rows, bundle, evidence_text, ledger, mini, patch, refused, run  # noqa: F401  (mini: a fixture)
from test_hostile_hangs import _many_cells_after_a_formula


def test_a_formula_among_many_cells_is_found_in_linear_time(tmp_path):
    ev = ledger(tmp_path / "台账.xlsx")
    patch(ev, "文件", _many_cells_after_a_formula(30_000))
    done, seconds = run(["validate", ev], memory=GIB, timeout=60)
    refused(done, "公式")
    assert seconds < 30


def _with_activities(lines: list[str]) -> str:
    """The small bundle with these activities, one flow mapping a line (yaml.safe_dump of 45,000
    records takes longer than the command under test)."""
    return evidence_text() + "activities:\n" + "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["key", "nested"])
def test_many_errors_in_records_are_capped(tmp_path, mini, where):
    wrong = "date: 2024-13-01" if where == "nested" else "date: 2024-05-01, colour: 红"  # a bad value, or an unknown key
    records = [f"  - {{id: A-{n}, kind: 讲座, {wrong}, title: x}}" for n in range(20_000)]
    ev = bundle(tmp_path / "甲", _with_activities(records))
    done, seconds = run(["validate", ev, "--scheme", mini], memory=GIB, timeout=60)
    err = refused(done, "还有")
    assert err.count("\n") < 500
    assert seconds < 30


def test_a_ledger_child_sheet_of_45000_rows_is_linear(tmp_path, mini):
    ev = ledger(tmp_path / "台账.xlsx")
    org = yaml.safe_load(evidence_text())["organizations"][0]["id"]
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{org}</t></is></c><c r="B{r}" t="inlineStr"><is><t>成员{r}</t></is></c>'
                   f'<c r="E{r}" t="inlineStr"><is><t>政府</t></is></c></row>' for r in range(10, 45_010))  # written at the XML: 15 s less than openpyxl
    patch(ev, "机构成员", lambda xml: add_rows(xml, rows))
    done, seconds = run(["validate", ev, "--scheme", mini], memory=GIB, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert seconds < 40
    from safecomm.ledger.read import read_ledger

    members = read_ledger(ev).data["organizations"][0]["members"]
    assert len(members) == 45_000 + len(yaml.safe_load(evidence_text())["organizations"][0].get("members", []))


def test_a_work_report_of_45000_activities_finishes(tmp_path):
    acts = [f"  - {{id: A-{n}, kind: 教育, date: 2024-05-10, title: 安全教育{n}}}" for n in range(45_000)]
    ev = bundle(tmp_path / "甲", _with_activities(acts))
    done, seconds = run(["report", ev, "--format", "md", "-o", tmp_path / "r.md"], memory=GIB, timeout=60)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert seconds < 60
