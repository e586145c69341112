"""Nothing lost or replaced: a new output is created exclusively, a cut standard output is a
message, a failed batch leaves no empty folders, every format with a declared encoding is UTF-8
whatever the console, a newline in a file's name is shown escaped and breaks no output."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from hostile_kit import mini, SAFECOMM, bundle, check, evidence_text, invoke, ledger, refused, run, snapshot

N = 8


def _race(args_of, n: int = N) -> list[subprocess.CompletedProcess]:
    """`n` processes started together (each waits on one pipe, then runs `args_of(k)`)."""
    r, w = os.pipe()
    procs = []
    for k in range(n):
        script = f"import os,sys; os.read({r}, 1); os.execv(sys.argv[1], sys.argv[1:])"
        procs.append(subprocess.Popen([sys.executable, "-c", script, str(SAFECOMM), *map(str, args_of(k))],
                                      pass_fds=(r,), stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    os.close(r)
    os.write(w, b"x" * n)
    os.close(w)
    for p in procs:
        p.wait(timeout=120)
    return procs


@pytest.mark.parametrize("what", ["init", "init --xlsx", "convert", "convert --xlsx", "review start"])
def test_creating_a_new_output_is_exclusive(tmp_path, mini, what):
    sources = []
    for k in range(N):  # each run its own source: what wins must be wholly one of them
        data = yaml.safe_load(evidence_text())
        data["community"]["name"] = f"第{k}街道"
        sources.append(bundle(tmp_path / f"s{k}", yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
    target = {"init": tmp_path / "新", "init --xlsx": tmp_path / "新", "convert": tmp_path / "新.yaml",
              "convert --xlsx": tmp_path / "新.xlsx", "review start": tmp_path / "新.review.yaml"}[what]
    xlsx = ledger(tmp_path / "l" / "台账.xlsx") if what == "convert" else None

    def args(k: int) -> list:
        if what.startswith("init"):
            return ["init", target, *(["--xlsx"] if "xlsx" in what else [])]
        if what == "convert":
            return ["convert", xlsx, target, "--scheme", mini]
        if what == "convert --xlsx":
            return ["convert", sources[k], target, "--scheme", mini]
        return ["review", "start", sources[k], "-o", target, "--scheme", mini]

    procs = _race(args)
    codes = sorted(p.returncode for p in procs)
    errors = [p.stderr.read().decode() for p in procs if p.returncode]
    assert codes == [0] + [2] * (N - 1), (codes, errors)
    assert all("已存在" in e and "Traceback" not in e for e in errors), errors
    winner = next(k for k, p in enumerate(procs) if p.returncode == 0)
    if what == "review start":
        assert f"第{winner}街道" in target.read_text(encoding="utf-8")
    leftovers = [p for p in target.parent.rglob(".safecomm-*")]
    assert not leftovers


@pytest.mark.parametrize("fmt", ["json", "text", "md", "html"])
def test_standard_output_cut_at_a_file_size_limit_is_a_message(tmp_path, mini, fmt):
    ev = bundle(tmp_path / "甲", evidence_text())
    out = tmp_path / "out.txt"

    def small() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (500, 500))

    with open(out, "wb") as f:
        done = subprocess.run([str(SAFECOMM), "assess", str(ev), "--scheme", str(mini), "--format", fmt], stdout=f,
                              stderr=subprocess.PIPE, preexec_fn=small, timeout=60)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode != 0, err
    assert "Traceback" not in err and "文件太大|标准输出".split("|")[1] in err, err


@pytest.mark.parametrize("how", ["every-application-fails", "pdf-fails"])
def test_a_failed_batch_leaves_no_empty_pdf_folder(tmp_path, mini, how, monkeypatch):
    root = tmp_path / "批"
    if how == "every-application-fails":
        bundle(root / "甲", "format: safecomm/evidence@1\n")
    else:
        bundle(root / "甲", evidence_text())
        from safecomm import batch

        monkeypatch.setattr(batch, "render_pdfs", lambda rows, save, *a, **k: [batch.PdfDone(r.application.label, "坏", 0, 0) for r in rows])
    pdfs = tmp_path / "出" / "申报表"
    result = invoke(["batch", root, "--scheme", mini, "--pdf-dir", pdfs])
    check(result, 1)
    assert not (tmp_path / "出").exists()


ENCODED = {
    "assess-html": (["assess", "{ev}", "--format", "html"], "✓"),
    "assess-md": (["assess", "{ev}", "--format", "md"], "自评"),
    "assess-json": (["assess", "{ev}", "--format", "json"], "甲"),
    "schema": (["schema", "evidence"], "单位名称"),
    "schema-review": (["schema", "review"], "审核"),
    "indicators-json": (["indicators", "--format", "json"], "领导"),
    "indicators-schemes-json": (["indicators", "--schemes", "--format", "json"], "国家"),
    "primitives-json": (["indicators", "--primitives", "--format", "json"], "活动"),
    "report-md": (["report", "{ev}", "--format", "md"], "【"),
    "diff-json": (["diff", "{ev}", "{ev}", "--format", "json"], "甲"),
    "diff-md": (["diff", "{ev}", "{ev}", "--format", "md"], "评估"),
}


@pytest.mark.parametrize("name", list(ENCODED))
def test_formats_with_a_declared_encoding_are_utf8_from_a_gbk_console(tmp_path, name):
    data = yaml.safe_load(evidence_text())
    data["community"]["name"] = "甲街道 ✓ ①"
    ev = bundle(tmp_path / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    args, word = ENCODED[name]
    done = subprocess.run([str(SAFECOMM), *(a.format(ev=ev) for a in args)], capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONIOENCODING": "gbk", "LANG": "zh_CN.GBK", "LC_ALL": "C"})
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    text = done.stdout.decode("utf-8")  # raises on GBK bytes
    assert word in text
    assert "?" * 3 not in text


NEWLINE_NAMES = ["甲\n乙", "甲\r乙", "甲\u2028乙", "甲\x1b[31m乙"]


@pytest.mark.parametrize("name", NEWLINE_NAMES, ids=repr)
def test_a_newline_in_a_source_name_breaks_no_output(tmp_path, mini, name):
    src = ledger(tmp_path / f"{name}.xlsx")
    target = tmp_path / "out.yaml"
    result = invoke(["convert", src, target, "--scheme", mini])
    out = check(result, 0)
    assert name not in out and "\x1b" not in out
    heading = [line for line in target.read_text(encoding="utf-8").split("\n") if line and not line.startswith("#")]
    assert heading[0].startswith("format:"), heading[:3]
    check(invoke(["validate", target, "--scheme", mini]), 0)
    yaml_src = bundle(tmp_path / "y", evidence_text())
    os.rename(yaml_src, yaml_src.with_name(f"{name}.yaml"))
    back = tmp_path / "y" / "out.xlsx"
    out = check(invoke(["convert", yaml_src.with_name(f"{name}.yaml"), back, "--scheme", mini]), 0)
    assert name not in out


@pytest.mark.parametrize("name", NEWLINE_NAMES, ids=repr)
@pytest.mark.parametrize("command_name", ["validate", "assess", "review"])
def test_a_newline_in_a_bad_file_name_is_printed_escaped(tmp_path, mini, name, command_name):
    ev = tmp_path / f"{name}.yaml"
    ev.write_text("format: safecomm/evidence@1\n", encoding="utf-8")
    args = {"validate": ["validate"], "assess": ["assess"], "review": ["review", "start"]}[command_name]
    out = check(invoke([*args, ev, "--scheme", mini]), 2)
    assert name not in out
    assert "\\n" in out or "\\r" in out or "\\u2028" in out or "\\x1b" in out, out
