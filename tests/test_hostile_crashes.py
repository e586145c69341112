"""Inputs that used to crash a command (a traceback, or the process killed) are input errors at their
place: typed YAML scalars, numbers and dates out of range, broken zips and templates, a closed
standard output, a batch folder too deep, a workbook whose extent is huge."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from hostile_kit import mini, GIB, HEAD, SAFECOMM, add_rows, bundle, check, evidence_text, invoke, ledger, patch, refused, run, snapshot

COMMANDS = ["validate", "assess", "json", "review", "convert", "report", "batch"]


def command(name: str, ev: Path, mini: Path, out: Path) -> list:
    """The command line of `name` over the evidence file `ev` (batch: over its folder's parent)."""
    return {
        "validate": ["validate", ev, "--scheme", mini],
        "assess": ["assess", ev, "--scheme", mini],
        "json": ["assess", ev, "--scheme", mini, "--format", "json"],
        "review": ["review", "start", ev, "--scheme", mini, "-o", out / "s.review.yaml"],
        "convert": ["convert", ev, out / ("x.xlsx" if ev.suffix == ".yaml" else "x.yaml"), "--scheme", mini],
        "report": ["report", ev, "--scheme", mini, "--format", "md"],
        "batch": ["batch", ev.parent.parent, "--scheme", mini, "--csv", out / "s.csv"],
    }[name]


def refused_at(tmp_path: Path, mini: Path, ev: Path, name: str, place: str, *words: str) -> str:
    """`name` over `ev` exits 2 naming `place` (a batch: exit 1 with the message in the row), with
    no traceback and every input unchanged."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    before = snapshot(ev.parent)
    result = invoke(command(name, ev, mini, out))
    text = check(result, 1 if name == "batch" else 2, *words, where=place if name != "batch" else None)
    if name == "batch":
        csv = (out / "s.csv").read_text(encoding="utf-8-sig")
        assert place.split("/")[-1].split(":", 1)[1] in csv, csv
        assert "评估时出错" not in csv, csv
    assert snapshot(ev.parent) == before
    return text


# -- typed scalars: a tag whose value it cannot construct -----------------------------------------

TAGS = ["!!int 0xZZ", "!!int 0b2", "!!int 0o9", "!!int ''", "!!int 1e3", "!!float abc", "!!float ''", "!!bool maybe",
        "!!bool ''", "!!timestamp 2024-13-45", "!!timestamp 2024-02-30", "!!timestamp x", "!!binary '@@@'",
        "!!int " + "9" * 5000, "!!float " + "9" * 5000]


@pytest.mark.parametrize("command_name", COMMANDS)
@pytest.mark.parametrize("tag", TAGS, ids=lambda t: t[:24])
def test_a_typed_scalar_it_cannot_construct_is_a_message_at_its_line(tmp_path, mini, tag, command_name):
    ev = bundle(tmp_path / "批" / "甲", HEAD + f"  population: {tag}\n")
    refused_at(tmp_path, mini, ev, command_name, f"{ev}:6:")


@pytest.mark.parametrize("tag", ["!!timestamp 2024-13-45", "!!int 0xZZ", "!!bool maybe"])
@pytest.mark.parametrize("field", ["date", "name"])
def test_a_typed_scalar_in_a_review_sheet_is_a_message_at_its_line(tmp_path, mini, tag, field):
    ev = bundle(tmp_path / "甲", evidence_text())
    sheet = tmp_path / "甲" / "evidence.review.yaml"
    assert invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]).exit_code == 0
    text = sheet.read_text(encoding="utf-8")
    lines = text.split("\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(f"  {field}:"))
    lines[n] = f"  {field}: {tag}"
    sheet.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(tmp_path)
    check(invoke(["assess", ev, "--scheme", mini, "--review", sheet]), 2, where=f"{sheet}:{n + 1}:")
    assert snapshot(tmp_path) == before


# -- numbers and dates out of range ---------------------------------------------------------------

DIGITS = "1" * 5000
NUMBERS = {
    "int-5000-digits": ("  population: " + DIGITS + "\n", 6),
    "int-5000-digits-negative": ("  population: -" + DIGITS + "\n", 6),
    "int-5000-digits-in-a-list": ("projects:\n  - {id: P-1, name: x, participants: " + DIGITS + "}\n", 7),
    "float-5000-digits": ("  population: " + DIGITS + ".5\n", 6),
    "participants-1e400": ("projects:\n  - {id: P-1, name: x, key: true, target_population: 10, participants: 1.0e+400}\n", 7),
    "budget-1e400": ("budget:\n  - {year: 2024, planned: 1.0e+400}\n", 7),
    "year-5000-digits": ("budget:\n  - {year: " + DIGITS + ", planned: 1}\n", 7),
}


@pytest.mark.parametrize("command_name", COMMANDS)
@pytest.mark.parametrize("name", list(NUMBERS))
def test_numbers_too_big_are_a_message_at_their_line(tmp_path, mini, name, command_name):
    extra, line = NUMBERS[name]
    ev = bundle(tmp_path / "批" / "甲", HEAD + extra)
    refused_at(tmp_path, mini, ev, command_name, f"{ev}:{line}:")


EXTREMES = {  # accepted, or refused at their place: never a crash (a ratio of floats overflowing, a date past 9999)
    "budget-tiny-planned-huge-spent": {"budget": [{"year": 2024, "planned": 0.0001, "spent": 1e300}]},
    "budget-huge-both": {"budget": [{"year": 2024, "planned": 1e308, "spent": 1.7e308}]},
    "period-1900-9999": {"community": {"name": "甲街道", "county": "城关区", "period": {"start": "1900-01-01", "end": "9999-12-31"}}},
    "period-ends-9999": {"community": {"name": "甲街道", "county": "城关区", "period": {"start": "9999-01-01", "end": "9999-12-31"}}},
    "period-0001": {"community": {"name": "甲街道", "county": "城关区", "period": {"start": "0001-01-01", "end": "0001-12-31"}}},
    "activity-9999-12-31": {"activities": [{"id": "A-1", "kind": "演练", "date": "9999-12-31", "title": "演练"}]},
    "huge-population": {"community": {"name": "甲街道", "population": 10**18, "households": 10**18,
                                      "period": {"start": "2024-01-01", "end": "2024-12-31"}}},
    "huge-counts": {"projects": [{"id": "P-1", "name": "x", "key": True, "target_population": 10**18, "participants": 10**18}],
                    "surveys": [{"id": "S-1", "kind": "满意度", "date": "2024-05-01", "respondents": 10**18, "positive": 10**18}]},
}


@pytest.mark.parametrize("command_name", ["validate", "assess", "json", "review", "report", "pdf"])
@pytest.mark.parametrize("name", list(EXTREMES))
def test_extreme_numbers_and_dates_never_crash(tmp_path, mini, name, command_name):
    sections = EXTREMES[name]
    ev = bundle(tmp_path / "甲", evidence_text(**sections))
    args = (["assess", ev, "--scheme", mini, "--pdf", tmp_path / "x.pdf"] if command_name == "pdf"
            else command(command_name, ev, mini, tmp_path))
    before = snapshot(tmp_path / "甲")
    result = invoke(args)
    assert result.exit_code in (0, 2), result.output
    check(result, result.exit_code)
    if result.exit_code == 2:
        assert f"{ev}:" in result.output
    assert snapshot(tmp_path / "甲") == before


# -- broken packages: a workbook whose zip is cut, a Word template with a bad CRC ---------------------

def _cut_directory(raw: bytes) -> bytes:
    return raw[: raw.rfind(b"PK\x01\x02") + 30]


def _bad_crc(raw: bytes) -> bytes:
    z = zipfile.ZipFile(io.BytesIO(raw))
    info = next(i for i in z.infolist() if i.filename.endswith("sheet2.xml") or i.filename == "word/document.xml")
    at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5
    return raw[:at] + bytes([raw[at] ^ 0x55]) + raw[at + 1:]


def _no_directory(raw: bytes) -> bytes:
    return raw[: raw.find(b"PK\x01\x02")]


def _truncated_half(raw: bytes) -> bytes:
    return raw[: len(raw) // 2]


WORKBOOKS = {"central-directory-cut": _cut_directory, "no-central-directory": _no_directory,
             "cut-in-half": _truncated_half, "bad-crc": _bad_crc}


@pytest.mark.parametrize("command_name", ["validate", "json", "review", "convert", "batch"])
@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_a_broken_workbook_is_a_message(tmp_path, mini, name, command_name):
    ev = ledger(tmp_path / "批" / "甲" / "台账.xlsx")
    ev.write_bytes(WORKBOOKS[name](ev.read_bytes()))
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(tmp_path / "批")
    result = invoke(command(command_name, ev, mini, out))
    check(result, 1 if command_name == "batch" else 2, "损坏|工作簿", where=None if command_name == "batch" else str(ev))
    assert snapshot(tmp_path / "批") == before


def _docx_template(path: Path) -> Path:
    from docx import Document

    d = Document()
    d.add_paragraph("{{ 单位名称 }}")
    d.save(path)
    return path


@pytest.mark.parametrize("name", ["bad-crc", "central-directory-cut", "no-central-directory", "cut-in-half"])
def test_a_broken_word_template_is_a_message(tmp_path, mini, name):
    ev = bundle(tmp_path / "甲", evidence_text())
    template = _docx_template(tmp_path / "模板.docx")
    template.write_bytes({"bad-crc": _bad_crc, "central-directory-cut": _cut_directory, "no-central-directory": _no_directory,
                          "cut-in-half": _truncated_half}[name](template.read_bytes()))
    before = snapshot(tmp_path)
    check(invoke(["assess", ev, "--scheme", mini, "--docx", tmp_path / "x.docx", "--docx-template", template]), 2,
          "模板|Word", where=str(template))
    assert snapshot(tmp_path) == before


# -- standard output closed, a folder nested too deep --------------------------------------------

@pytest.mark.parametrize("args", [["assess", "{ev}"], ["assess", "{ev}", "--format", "json"], ["validate", "{ev}"],
                                  ["indicators"], ["batch", "{dir}"]], ids=lambda a: " ".join(a))
def test_a_closed_standard_output_is_a_message(tmp_path, mini, args):
    ev = bundle(tmp_path / "批" / "甲", evidence_text())
    args = [a.format(ev=ev, dir=tmp_path / "批") for a in args] + ["--scheme", mini]
    before = snapshot(tmp_path)
    done = subprocess.run(" ".join(f"'{a}'" for a in [SAFECOMM, *args]) + " >&-", shell=True, capture_output=True, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0, err
    assert "Traceback" not in err and "标准输出" in err, err
    assert snapshot(tmp_path) == before


def test_a_batch_folder_nested_too_deep_is_one_row(tmp_path, mini):
    root = tmp_path / "批"
    bundle(root / "甲", evidence_text())
    deep = root / "深"
    os.makedirs(deep, exist_ok=True)
    try:
        fd = os.open(deep, os.O_RDONLY)
        try:
            for _ in range(1100):  # relative to a descriptor: the whole path would pass PATH_MAX
                os.mkdir("d", dir_fd=fd)
                fd2 = os.open("d", os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = fd2
            with open(os.open("evidence.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as f:
                f.write(evidence_text())
        finally:
            os.close(fd)
        result = invoke(["batch", root, "--scheme", mini, "--csv", tmp_path / "s.csv"])
        check(result, 1, "层")
        csv = (tmp_path / "s.csv").read_text(encoding="utf-8-sig")
        assert "甲/evidence.yaml" in csv and "深" in csv, csv
    finally:  # pytest's own clean-up (shutil.rmtree) recurses, and would fail on it for every later session
        subprocess.run(["rm", "-rf", str(deep)], check=True)


# -- a workbook whose one cell sits at the far corner: bounded before any reader allocates --------

CORNERS = {"XFD1048576": "XFD1048576", "CV1048576": "CV1048576", "XFD1": "XFD1", "A1048576": "A1048576"}


@pytest.mark.parametrize("how", ["cell", "dimension", "both"])
@pytest.mark.parametrize("corner", list(CORNERS))
def test_a_cell_at_the_far_corner_is_refused_within_memory(tmp_path, corner, how):
    ev = ledger(tmp_path / "台账.xlsx")

    def far(xml: str) -> str:
        if how in ("dimension", "both"):
            import re

            xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{corner}"/>', xml)
        if how in ("cell", "both"):
            row = "".join(ch for ch in corner if ch.isdigit())
            xml = add_rows(xml, f'<row r="{row}"><c r="{corner}" t="inlineStr"><is><t>x</t></is></c></row>')
        return xml

    patch(ev, "活动", far)
    before = snapshot(tmp_path)
    done, _ = run(["validate", ev], memory=GIB)
    refused(done, "活动", "范围|太大|过大")
    assert snapshot(tmp_path) == before
