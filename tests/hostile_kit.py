"""Helpers for the hostile suites of the tester's protocol: files made to break a command, a run in
a real process under limits of memory and time, and workbooks patched at the XML level."""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import MINI_SCHEME, community
from test_hostile import CHINESE, ENGLISH, bundle, check, invoke, snapshot  # noqa: F401  (re-exported)

SAFECOMM = Path(sys.executable).with_name("safecomm")
GIB = 1 << 30
HEAD = "format: safecomm/evidence@1\ncommunity:\n  name: 甲街道\n  county: 城关区\n  period: {start: 2024-01-01, end: 2024-12-31}\n"


def evidence_text(**sections) -> str:
    data = {"format": "safecomm/evidence@1", **community(), **sections}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def limited(memory: int = GIB, seconds: int = 60):
    """preexec_fn: the child may use `memory` bytes of address space and `seconds` of CPU."""
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    return apply


def run(args: list, memory: int = 2 * GIB, timeout: float = 60, cwd: Path | None = None, env: dict | None = None,
        **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    """The console script in a real process, bounded: a regression fails the test, not the machine.
    → (the process, the CPU seconds it used). `timeout` is of CPU time (RLIMIT_CPU), which a busy
    machine does not stretch; the wall clock allows four times as much before giving up."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(SAFECOMM), *map(str, args)], capture_output=True, timeout=4 * timeout, cwd=cwd,
                          env={**os.environ, "LANG": "C.UTF-8", **(env or {})}, preexec_fn=limited(memory, int(timeout)),
                          **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def refused(done: subprocess.CompletedProcess, *words: str, code: int = 2) -> str:
    """A process that exited `code` with a Chinese message saying `words`, and no traceback."""
    err = done.stderr.decode("utf-8", "replace") + done.stdout.decode("utf-8", "replace")
    assert done.returncode == code, err[-3000:]
    for english in ENGLISH:
        assert english not in err, err[-3000:]
    assert CHINESE.search(err), err
    for word in words:
        assert any(w in err for w in word.split("|")), err[-3000:]
    return err


def ledger(path: Path, text: str | None = None) -> Path:
    """A 台账 workbook made by `convert` from an evidence YAML (the small valid bundle by default)."""
    from safecomm import load_scheme
    from safecomm.ledger.write import ledger_bytes
    from safecomm.loading import parse_yaml

    data = parse_yaml((text or evidence_text()).encode("utf-8"), "x").data
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ledger_bytes(data, load_scheme()))
    return path


def sheet_part(raw: bytes, name: str) -> str:
    """The zip part of the worksheet called `name`."""
    z = zipfile.ZipFile(io.BytesIO(raw))
    workbook = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'name="{re.escape(name)}"[^>]*r:id="(\w+)"', workbook).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    target = next(g for g in target.groups() if g)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def patch(path: Path, name: str, change) -> Path:
    """Rewrite one worksheet's XML (`change(xml) -> xml`), every other part as it was."""
    raw = path.read_bytes()
    part = sheet_part(raw, name)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    path.write_bytes(out.getvalue())
    return path


def add_rows(xml: str, rows: str) -> str:
    return xml.replace("</sheetData>", rows + "</sheetData>")


@pytest.fixture
def mini(tmp_path) -> Path:
    """The three-item rule set of the tests, as a file."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_SCHEME, encoding="utf-8")
    return path
