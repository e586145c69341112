"""Nothing silent, nothing unclear: error cells and TRUE in number columns are reported, a value lost
to a `#` is warned, ids a reader cannot tell apart are one id, messages carry no English, a
crafted folder name is one row, PDF workers die with their parent."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from hostile_kit import HEAD, SAFECOMM, add_rows, bundle, check, evidence_text, invoke, ledger, mini, patch, snapshot

ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


def _budget(value_xml: str):
    """A row of the 经费 sheet whose `planned` cell (B) holds `value_xml`."""
    return lambda xml: add_rows(xml, f'<row r="9"><c r="A9"><v>2024</v></c><c r="B9" {value_xml}</c></row>')


@pytest.mark.parametrize("cell", [f't="e"><v>{e}' for e in ERRORS] + ['t="b"><v>1', 't="b"><v>0', 't="str"><v>#DIV/0!'],
                         ids=ERRORS + ["TRUE", "FALSE", "text-#DIV/0!"])
@pytest.mark.parametrize("command_name", ["validate", "assess"])
def test_an_error_cell_or_a_boolean_in_a_number_column_is_reported(tmp_path, mini, cell, command_name):
    ev = ledger(tmp_path / "台账.xlsx")
    patch(ev, "经费", _budget(cell + "</v>"))
    check(invoke([command_name, ev, "--scheme", mini]), 2, "经费!B9")


@pytest.mark.parametrize("cell", [f't="e"><v>{e}' for e in ERRORS[:3]], ids=ERRORS[:3])
def test_an_error_cell_in_a_text_column_is_reported(tmp_path, mini, cell):
    ev = ledger(tmp_path / "台账.xlsx")
    patch(ev, "文件", lambda xml: add_rows(xml, f'<row r="9"><c r="A9" t="inlineStr"><is><t>D-9</t></is></c>'
                                                f'<c r="B9" t="inlineStr"><is><t>制度</t></is></c><c r="C9" {cell}</v></c></row>'))
    check(invoke(["validate", ev, "--scheme", mini]), 2, "文件!C9", "错误")


@pytest.mark.parametrize("line", ["  title: #1 社区", "  title:   # 1 社区", "  province: #宁夏", "  title: #"])
@pytest.mark.parametrize("command_name", ["validate", "assess"])
def test_a_value_lost_to_a_hash_is_warned(tmp_path, mini, line, command_name):
    ev = bundle(tmp_path / "甲", HEAD + line + "\n")
    out = check(invoke([command_name, ev, "--scheme", mini]), 0)
    assert f"{ev}:6" in out and "#" in out and "引号" in out, out


def test_a_required_value_lost_to_a_hash_says_why_it_is_empty(tmp_path, mini):
    ev = bundle(tmp_path / "甲", HEAD.replace("  name: 甲街道", "  name: #1 甲街道"))
    out = check(invoke(["validate", ev, "--scheme", mini]), 2, f"{ev}:3")
    assert "「#1 甲街道」以 # 开头" in out and "引号" in out, out
    plain = bundle(tmp_path / "乙", HEAD.replace("  name: 甲街道", "  name:"))
    assert "以 # 开头" not in check(invoke(["validate", plain, "--scheme", mini]), 2, f"{plain}:3")


@pytest.mark.parametrize("line", ["  title: '#1 社区'", "  title: 甲 #1 社区", "# title: x", "  population:  # 不详", "  title:"])
def test_a_comment_that_loses_nothing_is_not_warned(tmp_path, mini, line):
    ev = bundle(tmp_path / "甲", HEAD + line + "\n")
    out = check(invoke(["validate", ev, "--scheme", mini]), 0)
    assert "引号" not in out, out


TWINS = {"full-width": "Ａ-008", "zero-width-space": "A-\u200b008", "cyrillic-a": "А-008", "greek-alpha": "Α-008",
         "soft-hyphen": "A-\u00ad008", "bom": "\ufeffA-008", "full-width-digits": "A-００８", "non-breaking-hyphen": "A\u2011008",
         "word-joiner": "A-008\u2060"}


@pytest.mark.parametrize("name", list(TWINS))
@pytest.mark.parametrize("source", ["yaml", "xlsx"])
def test_ids_a_reader_cannot_tell_apart_are_refused(tmp_path, mini, name, source):
    acts = [{"id": "A-008", "kind": "教育", "date": "2024-05-10", "title": "甲"},
            {"id": TWINS[name], "kind": "教育", "date": "2024-05-11", "title": "乙"}]
    text = evidence_text(activities=acts)
    ev = bundle(tmp_path / "甲", text) if source == "yaml" else ledger(tmp_path / "台账.xlsx", text)
    out = check(invoke(["validate", ev, "--scheme", mini]), 2, "A-008", "重复|难以区分|看起来相同")


@pytest.mark.parametrize("written, read", [("Ａ-００８", "A-008"), ("A-\u200b008", "A-008"), ("\ufeffD-1", "D-1")])
def test_ids_are_normalised(tmp_path, mini, written, read):
    acts = [{"id": written, "kind": "教育", "date": "2024-05-10", "title": "甲"}]
    ev = bundle(tmp_path / "甲", evidence_text(activities=acts))
    out = check(invoke(["assess", ev, "--scheme", mini, "--format", "json"]), 0)
    assert written not in out
    from safecomm import load_evidence

    assert load_evidence(ev).activities[0].id == read


ENGLISH_INSIDE = {
    "not-a-workbook": (b"hello, not a workbook at all" * 10, "台账.xlsx"),
    "zip-without-workbook": (None, "台账.xlsx"),
    "empty-xlsx": (b"", "台账.xlsx"),
    "ods-renamed": (b"PK\x03\x04" + b"\x00" * 100, "台账.xlsx"),
}


@pytest.mark.parametrize("name", list(ENGLISH_INSIDE))
def test_no_english_inside_workbook_messages(tmp_path, mini, name):
    raw, filename = ENGLISH_INSIDE[name]
    ev = tmp_path / filename
    if raw is None:
        import zipfile

        with zipfile.ZipFile(ev, "w") as z:
            z.writestr("hello.txt", "x")
    else:
        ev.write_bytes(raw)
    out = check(invoke(["validate", ev, "--scheme", mini]), 2, where=str(ev))
    for english in ("Cannot detect", "file format", "Error", "error:", "zip", "Zip"):
        assert english not in out, out


def test_a_crafted_folder_name_equal_to_a_hashed_output_name_is_one_row(tmp_path, mini):
    import hashlib

    root = tmp_path / "批"
    bundle(root / "甲", evidence_text())
    side = root / "甲.yaml"
    side.write_text(evidence_text(), encoding="utf-8")
    digest = hashlib.sha256("甲/evidence.yaml".encode()).hexdigest()[:10]
    bundle(root / f"甲-{digest}", evidence_text())
    for k in range(3):
        bundle(root / f"乙{k}", evidence_text())
    result = invoke(["batch", root, "--scheme", mini, "--csv", tmp_path / "s.csv", "--html", tmp_path / "h" / "s.html"])
    out = check(result, 1)
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 7, rows
    assert sum(1 for r in rows[1:] if r[-1]) == 1, rows
    assert len(list((tmp_path / "h").rglob("*.html"))) >= 6


def test_program_errors_in_batch_rows_are_in_chinese(tmp_path, mini, monkeypatch):
    import safecomm.engine as engine

    root = tmp_path / "批"
    bundle(root / "甲", evidence_text())
    monkeypatch.setattr(engine, "assess", lambda *a, **k: (_ for _ in ()).throw(ZeroDivisionError("division by zero")))
    check(invoke(["batch", root, "--scheme", mini, "--csv", tmp_path / "s.csv"]), 1)
    text = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
    assert "division by zero" not in text and "ZeroDivisionError" not in text and "程序" in text, text


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            pass
    return alive


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_pdf_workers_die_with_their_parent(tmp_path, mini, sig):
    root = tmp_path / "批"
    for k in range(4):
        bundle(root / f"甲{k}", evidence_text())
    proc = subprocess.Popen([str(SAFECOMM), "batch", str(root), "--scheme", str(mini), "--pdf-dir", str(tmp_path / "pdf"), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers |= {c for c in _children(proc.pid)}
        time.sleep(0.05)
    assert workers, "no worker started"
    time.sleep(0.5)
    proc.send_signal(sig)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _alive(workers)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left
