"""Hostile input through every command: never a traceback, never a lost file.

Each case runs a real command (click's CliRunner, in process) on files made for it and asserts
the exit code, a message in Chinese naming its place (file:line, the file, or the option), no
traceback and no English from click, and that every file the case made is byte-identical
afterwards (nothing replaced, nothing half-written, no temporary file or folder left). The
cases that need a real process or another user (permissions: root reads and writes anything)
run the installed console script, as `nobody` when the tests run as root.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml
from click.testing import CliRunner

from conftest import FIXTURES, MINI_SCHEME, community
from safecomm.cli import main

READY = FIXTURES / "ready" / "evidence.yaml"
CHINESE = re.compile("[\u4e00-\u9fff]")
ENGLISH = ("Traceback", "Error:", "Usage:", "Missing ", "Invalid value", "No such", "Try '", "does not exist", "is a directory")
FONT = b"\x00\x01\x00\x00" + b"\x00" * 60  # the first bytes of a TrueType file: enough for the check


# -- the harness --------------------------------------------------------------------------------

def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root` (not followed into links): a file's bytes, a link's target, a kind."""
    found: dict[str, bytes | str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            key = str(path.relative_to(root))
            if stat.S_ISLNK(mode):
                found[key] = "-> " + os.readlink(path)
            elif stat.S_ISREG(mode):
                found[key] = path.read_bytes() if path.stat().st_size < 8 << 20 else f"{path.stat().st_size} bytes"
            else:
                found[key] = stat.filemode(mode)[0]
    return found


def invoke(args: list, cwd: Path | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=True)


def check(result, code: int, *words: str, where: str | None = None) -> str:
    """The run ended with `code`, said `words` in Chinese at `where`, with no traceback."""
    out = result.output
    assert result.exit_code == code, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for english in ENGLISH:
        assert english not in out, out
    if code:
        assert CHINESE.search(out), out
    for word in words:  # "甲|乙": either
        assert any(w in out for w in word.split("|")), out
    if where:
        assert where in out, out
    return out


def run_unchanged(root: Path, args: list, code: int, *words: str, where: str | None = None) -> str:
    """`check` a run, and that nothing under `root` changed."""
    before = snapshot(root)
    out = check(invoke(args), code, *words, where=where)
    assert snapshot(root) == before
    return out


@pytest.fixture
def mini(tmp_path) -> Path:
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_SCHEME, encoding="utf-8")
    return path


def bundle(folder: Path, text: str | None = None, **sections) -> Path:
    """A small valid bundle (or `text` as its evidence.yaml) with one attachment."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "attachments").mkdir(exist_ok=True)
    (folder / "attachments" / "d-1.pdf").write_bytes(b"%PDF-1.4 attachment")
    if text is None:
        data = {"format": "safecomm/evidence@1", **community(), **sections}
        data.setdefault("documents", [{"id": "D-1", "kind": "制度", "title": "制度", "file": "attachments/d-1.pdf"}])
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path = folder / "evidence.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# -- hostile evidence, through validate, assess, review start, batch and diff -------------------

HEAD = "format: safecomm/evidence@1\ncommunity:\n  name: 甲街道\n  period: {start: 2024-01-01, end: 2024-12-31}\n"


def doc(file: str) -> str:
    return HEAD + f"documents:\n  - {{id: D-1, kind: 制度, title: 制度, file: {file}}}\n"


@dataclass
class Bad:
    """An evidence file that must be refused: its text (or a maker of the file), the words of the
    message, and the line it names (0: the file itself)."""

    id: str
    text: str | bytes | None
    words: tuple[str, ...]
    line: int = 0
    make: Callable[[Path], None] | None = None  # makes the evidence file itself at the path given
    in_batch: bool | tuple[str, ...] = True  # False: a batch finds no such file; words: what a batch says instead


def _link(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _sparse(path: Path) -> None:
    with open(path, "wb") as f:
        f.truncate(2 << 30)


def _attachment(kind: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        att = path.parent / "attachments"
        if kind == "loop":
            (att / "a").symlink_to("b")
            (att / "b").symlink_to("a")
        elif kind == "fifo":
            os.mkfifo(att / "a")
        elif kind == "dir":
            (att / "a").mkdir()
        elif kind == "outside":
            (att / "a").symlink_to("/etc/hostname")
        elif kind == "zero":
            (att / "a").symlink_to("/dev/zero")
        path.write_text(doc("attachments/a"), encoding="utf-8")
    return make


BAD = [
    Bad("unclosed-quote-swallows-a-line", HEAD.replace("name: 甲街道", 'name: "甲街道') + '  kind: "街道"\n', ("引号没有闭合",), 3),
    Bad("unclosed-single-quote", HEAD.replace("name: 甲街道", "name: '甲街道") + "  kind: '街道'\n", ("引号没有闭合",), 3),
    Bad("unclosed-quote-at-end", HEAD + 'documents:\n  - {id: D-1, kind: 制度, title: "制度}\n', ("没有闭合",), 6),
    Bad("tab-indent", HEAD + "documents:\n\t- {id: D-1}\n", ("制表符",), 6),
    Bad("colon-in-value", HEAD + "activities:\n  - title: 会议: 主题\n", ("冒号",), 6),
    Bad("bad-indent", HEAD + "  documents: []\n documents: []\n", ("缩进",), 6),
    Bad("unclosed-brace", HEAD + "documents:\n  - {id: D-1, kind: 制度\n", ("闭合",), 6),
    Bad("unclosed-bracket", HEAD + "documents: [\n", ("闭合",), 5),
    Bad("unknown-escape", HEAD + 'documents:\n  - {id: D-1, kind: 制度, title: "a\\qb"}\n', ("转义",), 6),
    Bad("anchor-and-alias", HEAD + "documents: &d []\nactivities: *d\n", ("锚点",), 5),
    Bad("billion-laughs", "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n", ("锚点",), 1),
    Bad("deep-flow", "community: " + "[" * 500 + "]" * 500 + "\n", ("嵌套",), 1),
    Bad("deep-block", "community:\n" + "".join("  " * i + "x:\n" for i in range(1, 200)), ("嵌套",), 64),
    Bad("control-character", HEAD.replace("甲街道", "甲\x01街道"), ("控制字符",), 3),
    Bad("nul-byte", HEAD.replace("甲街道", "甲\x00街道"), ("控制字符",), 3),
    Bad("lone-surrogate-in-value", HEAD.replace("甲街道", '"甲\\ud800街道"'), ("代理码位",), 3),
    Bad("lone-surrogate-in-key", HEAD + '"\\udc80x": 1\n', ("代理码位",), 5),
    Bad("utf-16-le-bom", HEAD.encode("utf-16"), ("UTF-16",), 1),
    Bad("utf-16-be-bom", b"\xfe\xff" + HEAD.encode("utf-16-be"), ("UTF-16",), 1),
    Bad("utf-16-no-bom", HEAD.encode("utf-16-le"), ("UTF-16",), 1),
    Bad("utf-32", HEAD.encode("utf-32"), ("UTF-32",), 1),
    Bad("gbk", HEAD.encode("gbk"), ("GBK",), 3),
    Bad("latin-1", HEAD.replace("甲街道", "caf\xe9").encode("latin-1"), ("UTF-8",), 3),
    Bad("empty", "", ("文件为空",), 1),
    Bad("only-comments", "# 什么也没有\n", ("文件为空",), 1),
    Bad("scalar-root", "甲街道\n", ("映射",)),
    Bad("list-root", "- 甲街道\n", ("映射",)),
    Bad("duplicate-key", HEAD + "documents: []\ndocuments: []\n", ("重复",), 6),
    Bad("unknown-field", HEAD + "documentz: []\n", ("不认识的字段",), 5),
    Bad("no-community", "format: safecomm/evidence@1\n", ("缺少必填字段",)),
    Bad("bad-date", HEAD.replace("2024-12-31", "2024-13-01"), ("日期",), 4),
    Bad("end-before-start", HEAD.replace("2024-12-31", "2023-12-31"), ("早于",), 4),
    Bad("wrong-enum", HEAD + "documents:\n  - {id: D-1, kind: 讲座, title: x}\n", ("不是可用的取值",), 6),
    Bad("negative-count", HEAD + "workforce_training: {units: -1, trained: 0}\n", ("不小于",), 5),
    Bad("infinite-number", HEAD.replace("甲街道", "甲街道\n  population: .inf"), ("有限",), 4),
    Bad("duplicate-id", HEAD + "documents:\n  - {id: D-1, kind: 制度, title: a}\n  - {id: D-1, kind: 制度, title: b}\n", ("重复",), 7),
    Bad("dangling-reference", HEAD + "projects:\n  - {id: P-1, name: x, plan: D-9}\n", ("不存在",), 6),
    Bad("attachment-nul", doc('"attachments/a\\0b.pdf"'), ("空字符",), 6),
    Bad("attachment-long-name", doc("attachments/" + "长" * 100 + ".pdf"), ("太长", "255"), 6),
    Bad("attachment-long-path", doc("a/" * 2100 + "x.pdf"), ("太长", "4096"), 6),
    Bad("attachment-absolute", doc("/etc/hostname"), ("不在证据文件所在文件夹内",), 6),
    Bad("attachment-drive", doc("'C:\\docs\\x.pdf'"), ("绝对路径",), 6),
    Bad("attachment-unc", doc("'\\\\server\\share\\x.pdf'"), ("绝对路径",), 6),
    Bad("attachment-escapes", doc("../x.pdf"), ("不在证据文件所在文件夹内",), 6),
    Bad("attachment-link-out", None, ("不在证据文件所在文件夹内",), 6, _attachment("outside")),
    Bad("attachment-link-zero", None, ("不在证据文件所在文件夹内",), 6, _attachment("zero")),
    Bad("attachment-loop", None, ("循环",), 6, _attachment("loop")),
    Bad("attachment-fifo", None, ("不是普通文件",), 6, _attachment("fifo")),
    Bad("attachment-folder", None, ("文件夹",), 6, _attachment("dir")),
    Bad("evidence-fifo", None, ("不是普通文件",), 0, _fifo),
    Bad("evidence-dev-zero", None, ("不是普通文件",), 0, _link("/dev/zero"), in_batch=("批量文件夹之外",)),
    Bad("evidence-sparse-2gib", None, ("过大",), 0, _sparse),
    Bad("evidence-6mb", HEAD + "# " + "x" * (6 << 20) + "\n", ("过大",)),
    Bad("evidence-dangling-link", None, ("不存在",), 0, _link("nowhere.yaml"), in_batch=False),
    Bad("evidence-link-loop", None, ("循环",), 0, _link("evidence.yaml"), in_batch=False),
]


def make_bad(case: Bad, folder: Path) -> Path:
    path = bundle(folder)
    path.unlink()
    if case.make:
        case.make(path)
    else:
        path.write_bytes(case.text.encode("utf-8") if isinstance(case.text, str) else case.text)
    return path


def place(case: Bad, path: Path) -> str:
    return f"{path}:{case.line}:" if case.line else str(path)


@pytest.mark.parametrize("case", BAD, ids=[c.id for c in BAD])
@pytest.mark.parametrize("command", ["validate", "assess", "review", "diff"])
def test_bad_evidence_is_a_message_at_its_place(tmp_path, mini, case, command):
    path = make_bad(case, tmp_path / "app")
    good = bundle(tmp_path / "good")
    args = {
        "validate": ["validate", path],
        "assess": ["assess", path, "--scheme", mini, "--format", "json"],
        "review": ["review", "start", path, "--scheme", mini, "-o", tmp_path / "sheet.yaml"],
        "diff": ["diff", good, path, "--scheme", mini],
    }[command]
    out = run_unchanged(tmp_path, args, 2, *case.words, where=place(case, path))
    assert "共" in out


IN_BATCH = [c for c in BAD if c.in_batch]  # a batch finds no dangling link or loop: nothing to say about them


@pytest.mark.parametrize("case", IN_BATCH, ids=[c.id for c in IN_BATCH])
def test_bad_evidence_in_a_batch_is_a_row(tmp_path, mini, case):
    make_bad(case, tmp_path / "app")
    summary = tmp_path / "x" / "s.csv"
    words = case.in_batch if isinstance(case.in_batch, tuple) else case.words
    out = run_unchanged(tmp_path / "app", ["batch", tmp_path / "app", "--scheme", mini, "--jobs", "1", "--csv", summary], 1, *words)
    assert "evidence.yaml" in out and "无法评估" in out and "无法评估" in summary.read_text(encoding="utf-8-sig")


# -- outputs that must not be written ------------------------------------------------------------

@pytest.fixture
def world(tmp_path, mini):
    """A bundle with attachments, a review sheet, a font and a rule-set file: every kind of input."""
    ev = bundle(tmp_path / "app", documents=[
        {"id": "D-1", "kind": "制度", "title": "制度", "file": "attachments/d-1.pdf"},
        {"id": "D-2", "kind": "制度", "title": "网页", "file": "attachments/page.html"},
    ])
    (tmp_path / "app" / "attachments" / "page.html").write_text("<!DOCTYPE html><p>附件</p>", encoding="utf-8")
    sheet = tmp_path / "app" / "evidence.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini]), 0)
    font = tmp_path / "font.ttf"
    font.write_bytes(FONT)
    (tmp_path / "notes.txt").write_text("我的笔记\n", encoding="utf-8")
    (tmp_path / "old.pdf").write_bytes(b"%PDF-1.4 old")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "link-to-evidence").symlink_to(ev)
    return {"evidence": ev, "sheet": sheet, "font": font, "scheme": mini, "root": tmp_path}


TARGETS = {  # target → (words of the message)
    "evidence": ("输入文件",),
    "link-to-evidence": ("输入文件",),
    "attachment": ("输入文件|内容不是",),  # a batch checks outputs before it has read attachments: the kind refuses first
    "html-attachment": ("输入文件|内容不是",),  # …and an attachment of the kind written is refused once read
    "scheme": ("输入文件",),
    "sheet": ("输入文件",),
    "font": ("输入文件",),
    "/dev/null": ("不是普通文件",),
    "folder": ("文件夹",),
    "notes.txt": ("内容不是",),
    "parent-is-a-file": ("是文件而不是文件夹",),
    "name-too-long": ("太长",),
    "/proc/safecomm/x": ("无法写入",),
}


def target(world, name: str) -> Path:
    root = world["root"]
    return {
        "evidence": world["evidence"], "attachment": world["evidence"].parent / "attachments" / "d-1.pdf",
        "html-attachment": world["evidence"].parent / "attachments" / "page.html",
        "scheme": world["scheme"], "sheet": world["sheet"], "font": world["font"],
        "parent-is-a-file": root / "a-file" / "x.out", "name-too-long": root / ("长" * 90 + ".out"),
    }.get(name, Path(name) if name.startswith("/") else root / name)


def writing(world, command: str, to: Path) -> list:
    ev, sheet, mini, font = world["evidence"], world["sheet"], world["scheme"], world["font"]
    app = ev.parent
    return {
        "assess --pdf": ["assess", ev, "--scheme", mini, "--review", sheet, "--font-sans", font, "--pdf", to],
        "review start -o": ["review", "start", ev, "--scheme", mini, "-o", to],
        "review start -o --force": ["review", "start", ev, "--scheme", mini, "-o", to, "--force"],
        "batch --csv": ["batch", app, "--scheme", mini, "--jobs", "1", "--font-sans", font, "--csv", to],
        "batch --json": ["batch", app, "--scheme", mini, "--jobs", "1", "--font-sans", font, "--json", to],
        "batch --html": ["batch", app, "--scheme", mini, "--jobs", "1", "--font-sans", font, "--html", to],
    }[command]


WRITERS = ["assess --pdf", "review start -o", "review start -o --force", "batch --csv", "batch --json", "batch --html"]


@pytest.mark.parametrize("name", list(TARGETS))
@pytest.mark.parametrize("command", WRITERS)
def test_an_output_never_replaces_an_input_or_a_stranger(world, command, name):
    to = target(world, name)
    words = TARGETS[name]
    if name == "font" and command.startswith("review"):
        words = ()  # review start reads no font: the font file is merely another kind of file
    if command.startswith("review") and name == "sheet":
        words = ("--force",) if "--force" not in command else ()
    if command == "review start -o --force" and name == "sheet":
        return  # replacing one's own sheet with --force is what --force is for (test_review)
    run_unchanged(world["root"], writing(world, command, to), 2, *words, where=str(to)[:40])


@pytest.mark.parametrize("command", ["assess --pdf", "batch --csv", "batch --json", "batch --html"])
def test_an_output_replaces_its_own_kind(world, command, monkeypatch):
    from safecomm.report import pdf

    monkeypatch.setattr(pdf, "render", lambda *args, **kwargs: b"%PDF-1.7 new")
    to = world["root"] / "out"
    first = check(invoke(writing(world, command, to)), 0)
    before = to.read_bytes()
    check(invoke(writing(world, command, to)), 0)
    assert to.read_bytes() == before and "Traceback" not in first


ERRNOS = [errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO, errno.EACCES, errno.ENAMETOOLONG]


@pytest.mark.parametrize("code", ERRNOS, ids=[errno.errorcode[e] for e in ERRNOS])
@pytest.mark.parametrize("command", ["assess --pdf", "review start -o", "batch --csv", "batch --html", "init"])
def test_every_os_error_on_output_is_a_message(world, command, code, monkeypatch):
    """The disk fills (or goes read-only…) while the output is written: a message, no leftovers."""
    from safecomm.report import pdf

    monkeypatch.setattr(pdf, "render", lambda *args, **kwargs: b"%PDF-1.7 new")

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)
    to = world["root"] / "new" / "deeper" / "out"
    args = ["init", to] if command == "init" else writing(world, command, to)
    out = run_unchanged(world["root"], args, 2, "无法写入")
    assert os.strerror(code) not in out or CHINESE.search(out)


def test_init_refuses_a_file_of_another_kind_even_with_force(tmp_path):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "evidence.yaml").write_text("format: safecomm/review@1\n", encoding="utf-8")
    run_unchanged(tmp_path, ["init", folder, "--force"], 2, "内容不是证据文件")
    (folder / "evidence.yaml").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # as a PDF begins: binary at once
    run_unchanged(tmp_path, ["init", folder, "--force"], 2, "内容不是证据文件")


@pytest.mark.parametrize("blocker", ["attachments-is-a-file", "folder-is-a-file", "under-a-file"])
def test_init_leaves_no_half_made_folder(tmp_path, blocker):
    folder = tmp_path / "new"
    if blocker == "attachments-is-a-file":
        folder.mkdir()
        (folder / "attachments").write_text("x", encoding="utf-8")
    elif blocker == "folder-is-a-file":
        folder.write_text("x", encoding="utf-8")
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        folder = tmp_path / "file" / "new"
    run_unchanged(tmp_path, ["init", folder], 2)


# -- batch: names, links, sheets, outputs -------------------------------------------------------

def test_batch_names_are_unique_and_the_summary_links_right(tmp_path, mini):
    """`x/evidence.yaml` and `x.yaml`, `a-b/…` and `a/b/…`, `x/` and `X/`: five communities, five
    reports (the PDFs take the same names), each row linking to its own community's report."""
    from urllib.parse import unquote

    from safecomm import batch

    root = tmp_path / "district"
    for folder, name in [("x", "甲"), ("a-b", "丙"), ("a/b", "丁"), ("X", "戊")]:
        bundle(root / folder, **community(name=name))
    (root / "x.yaml").write_text((root / "x" / "evidence.yaml").read_text(encoding="utf-8").replace("甲", "乙"), encoding="utf-8")
    before = snapshot(root)
    out = tmp_path / "out"
    check(invoke(["batch", root, "--scheme", mini, "--jobs", "1", "--html", out / "summary"]), 0)
    assert snapshot(root) == before
    names = [app.name for app in batch.find(root)]
    assert len({n.casefold() for n in names}) == 5
    assert [app.name for app in batch.find(Path(os.path.relpath(root)))] == names  # however the folder is named
    assert sorted(p.name for p in (out / "summary_files").iterdir()) == sorted(f"{n}.html" for n in names)
    page = (out / "summary").read_text(encoding="utf-8")
    rows = re.findall(r'<a href="summary_files/([^"]+)">([^<]+)</a></td>\s*<td>([^<]+)</td>', page)
    assert sorted(name for _, _, name in rows) == ["丁", "丙", "乙", "戊", "甲"]
    for href, label, name in rows:
        report = (out / "summary_files" / unquote(href)).read_text(encoding="utf-8")
        assert f'<td class="value">{name}</td>' in report, (label, href)


def test_batch_refuses_outputs_that_are_one_file_before_any_work(tmp_path, mini):
    root = tmp_path / "district"
    bundle(root / "甲")
    run_unchanged(tmp_path, ["batch", root, "--scheme", mini, "--csv", tmp_path / "s", "--json", tmp_path / "s"], 2, "同一个输出文件")


def test_batch_pdf_dir_in_the_input_folder_never_replaces_an_attachment(tmp_path, mini):
    root = tmp_path / "district"
    bundle(root / "甲")
    att = root / "甲" / "attachments" / "甲.pdf"
    att.write_bytes(b"%PDF-1.4 an attachment named like the output")
    ev = root / "甲" / "evidence.yaml"
    ev.write_text(ev.read_text(encoding="utf-8").replace("attachments/d-1.pdf", "attachments/甲.pdf"), encoding="utf-8")
    run_unchanged(tmp_path, ["batch", root, "--scheme", mini, "--pdf-dir", root / "甲" / "attachments"], 2, "输入文件")


@pytest.mark.parametrize("output", ["--csv", "--json", "--html"])
def test_batch_output_onto_an_evidence_file_is_refused(tmp_path, mini, output):
    root = tmp_path / "district"
    ev = bundle(root / "x")
    run_unchanged(tmp_path, ["batch", root, "--scheme", mini, output, ev], 2, "输入文件", where=str(ev))


def test_batch_links_inside_are_assessed_once_outside_are_rows(tmp_path, mini):
    root = tmp_path / "district"
    bundle(root / "real")
    bundle(tmp_path / "elsewhere")
    (root / "inside").symlink_to(root / "real")
    (root / "outside").symlink_to(tmp_path / "elsewhere")
    (root / "loop").symlink_to(root)
    (root / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    out = run_unchanged(tmp_path, ["batch", root, "--scheme", mini, "--jobs", "1"], 1, "批量文件夹之外")
    assert out.count("real/evidence.yaml") == 1 and not re.search(r"(?m)^inside", out)
    assert "outside" in out and "gone.yaml" in out


def test_batch_two_sheets_beside_one_application_is_a_row_naming_both(tmp_path, mini):
    root = tmp_path / "district"
    ev = bundle(root / "甲")
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", root / "甲" / "a.review.yaml"]), 0)
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", root / "甲" / "b.review.yaml"]), 0)
    run_unchanged(tmp_path, ["batch", root, "--scheme", mini, "--jobs", "1"], 1, "a.review.yaml", "b.review.yaml", "2 份审核表")


def test_batch_names_that_are_not_utf8_are_printed_and_written(tmp_path, mini):
    root = tmp_path / "district"
    folder = Path(os.fsdecode(os.fsencode(root) + b"/gbk\xd6\xd0"))
    bundle(folder)
    out = tmp_path / "out"
    result = invoke(["batch", root, "--scheme", mini, "--jobs", "1", "--csv", out / "s.csv", "--html", out / "s.html"])
    text = check(result, 0, "gbk\ufffd\ufffd")
    assert "gbk\ufffd\ufffd" in (out / "s.csv").read_text(encoding="utf-8-sig") and text
    assert [p.name for p in (out / "s").iterdir()] == ["gbk\ufffd\ufffd.html"]


# -- review sheets --------------------------------------------------------------------------------

def test_a_sheet_for_another_community_is_refused_even_with_allow_stale(tmp_path, mini):
    mine = bundle(tmp_path / "甲", **community(name="甲街道办事处"))
    theirs = bundle(tmp_path / "乙", **community(name="乙街道办事处"))
    sheet = tmp_path / "乙.review.yaml"
    check(invoke(["review", "start", theirs, "--scheme", mini, "-o", sheet]), 0)
    for extra in ([], ["--allow-stale"]):
        run_unchanged(tmp_path, ["assess", mine, "--scheme", mini, "--review", sheet, *extra], 2, "乙街道办事处", "一律不能采用",
                      where=f"{sheet}:")


def test_a_sheet_for_another_period_is_refused(tmp_path, mini):
    ev = bundle(tmp_path / "甲")
    sheet = tmp_path / "s.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    ev.write_text(ev.read_text(encoding="utf-8").replace("2024-12-31", "2025-06-30"), encoding="utf-8")
    run_unchanged(tmp_path, ["assess", ev, "--scheme", mini, "--review", sheet, "--allow-stale"], 2, "评估期", "一律不能采用")


def old_sheet(tmp_path: Path, mini: Path, ev: Path) -> Path:
    """A sheet as made before the community was recorded."""
    sheet = tmp_path / "old.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    sheet.write_text(re.sub(r"(?m)^community: .*\n", "", sheet.read_text(encoding="utf-8")), encoding="utf-8")
    return sheet


def test_an_old_sheet_is_taken_while_the_evidence_is_unchanged(tmp_path, mini):
    ev = bundle(tmp_path / "甲")
    sheet = old_sheet(tmp_path, mini, ev)
    check(invoke(["assess", ev, "--scheme", mini, "--review", sheet]), 0)


def test_an_old_sheet_on_changed_evidence_is_refused_even_with_allow_stale(tmp_path, mini):
    ev = bundle(tmp_path / "甲")
    sheet = old_sheet(tmp_path, mini, ev)
    ev.write_text(ev.read_text(encoding="utf-8").replace("participants: 60", "participants: 61"), encoding="utf-8")
    run_unchanged(tmp_path, ["assess", ev, "--scheme", mini, "--review", sheet, "--allow-stale"], 2, "旧版审核表", "--allow-stale 不适用")


@pytest.mark.parametrize("field", ["opinion", "reason"])
def test_a_comment_pasted_into_an_opinion_is_a_warning(tmp_path, mini, field):
    ev = bundle(tmp_path / "甲")
    sheet = tmp_path / "s.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    text = sheet.read_text(encoding="utf-8")
    if field == "opinion":
        text = text.replace('opinion: ""', 'opinion: "# 县(区)安委会办公室初步审查意见"')
    else:
        text = text.replace("    reason:\n", '    reason: "# 改判的理由"\n', 1)
    sheet.write_text(text, encoding="utf-8")
    out = check(invoke(["assess", ev, "--scheme", mini, "--review", sheet]), 0, "以 # 开头")
    assert f"审核表 {sheet} 的 {'opinion' if field == 'opinion' else 'items[0].reason'}（第" in out


SHEETS = {  # a hostile review sheet: (maker, words)
    "folder": (lambda p: p.mkdir(), ("文件夹",)),
    "fifo": (_fifo, ("不是普通文件",)),
    "dev-zero": (_link("/dev/zero"), ("不是普通文件|批量文件夹之外",)),
    "sparse": (_sparse, ("过大",)),
    "deep": (lambda p: p.write_text("items: " + "[" * 300, encoding="utf-8"), ("嵌套",)),
    "not-a-sheet": (lambda p: p.write_text("- 1\n", encoding="utf-8"), ("映射",)),
    "utf-16": (lambda p: p.write_bytes("format: x\n".encode("utf-16")), ("UTF-16",)),
    "surrogate": (lambda p: p.write_text(f'format: safecomm/review@1\nevidence_digest: {"a" * 64}\nscheme: mini\n'
                                         'opinion: "\\ud83d"\n', encoding="utf-8"), ("代理码位",)),
}


@pytest.mark.parametrize("name", list(SHEETS))
@pytest.mark.parametrize("command", ["assess", "batch"])
def test_a_hostile_sheet_is_a_message(tmp_path, mini, command, name):
    make, words = SHEETS[name]
    ev = bundle(tmp_path / "甲")
    make(tmp_path / "甲" / "evidence.review.yaml")
    if command == "assess":
        run_unchanged(tmp_path, ["assess", ev, "--scheme", mini, "--review", tmp_path / "甲" / "evidence.review.yaml"], 2, *words)
    elif name != "folder":  # a folder named like a sheet is no sheet to a batch
        run_unchanged(tmp_path, ["batch", tmp_path / "甲", "--scheme", mini, "--jobs", "1"], 1, *words)


# -- diff ----------------------------------------------------------------------------------------

@pytest.fixture
def result_json(tmp_path, mini) -> Path:
    ev = bundle(tmp_path / "甲")
    path = tmp_path / "result.json"
    path.write_bytes(check(invoke(["assess", ev, "--scheme", mini, "--format", "json"]), 0).encode("utf-8"))
    return path


@pytest.mark.parametrize("encoding", ["utf-16", "gb18030", "utf-8-sig"])
def test_diff_reads_json_as_a_windows_console_wrote_it(tmp_path, result_json, encoding):
    other = tmp_path / "console.json"
    other.write_bytes(result_json.read_text(encoding="utf-8").encode(encoding))
    check(invoke(["diff", result_json, other]), 0, "无变化")


JSONS = {
    "deep": (lambda p: p.write_text("[" * 100000 + "]" * 100000, encoding="utf-8"), ("嵌套",)),
    "invalid": (lambda p: p.write_text('{"a": }', encoding="utf-8"), ("不是有效的 JSON",)),
    "not-a-result": (lambda p: p.write_text('{"a": 1}', encoding="utf-8"), ("safecomm assess --format json",)),
    "fifo": (_fifo, ("不是普通文件",)),
    "folder": (lambda p: p.mkdir(), ("文件夹",)),
    "sparse": (_sparse, ("过大",)),
    "dev-zero": (_link("/dev/zero"), ("不是普通文件",)),
    "latin-1": (lambda p: p.write_bytes(b'{"a": "caf\xe9\xff\xfe\x00"}'), ("UTF-8",)),
}


@pytest.mark.parametrize("name", list(JSONS))
def test_diff_hostile_json_is_a_message(tmp_path, result_json, name):
    make, words = JSONS[name]
    bad = tmp_path / "bad.json"
    make(bad)
    run_unchanged(tmp_path, ["diff", result_json, bad], 2, *words, where=str(bad))


def test_diff_names_an_edited_rule_set(tmp_path, mini, result_json):
    data = json.loads(result_json.read_text(encoding="utf-8"))
    data["scheme"]["digest"] = "0" * 64
    other = tmp_path / "edited.json"
    other.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    check(invoke(["diff", result_json, other]), 0, "内容不同")


# -- fonts are checked before anything is printed or written -----------------------------------

FONTS = {
    "missing": (lambda p: None, ("字体文件不存在",)),
    "folder": (lambda p: p.mkdir(), ("文件夹",)),
    "fifo": (_fifo, ("不是普通文件",)),
    "dev-zero": (_link("/dev/zero"), ("不是普通文件",)),
    "not-a-font": (lambda p: p.write_text("这不是字体", encoding="utf-8"), ("不是字体文件",)),
    "empty": (lambda p: p.touch(), ("不是字体文件",)),
}


@pytest.mark.parametrize("name", list(FONTS))
@pytest.mark.parametrize("command", ["assess", "batch"])
def test_a_bad_font_is_refused_before_any_output(tmp_path, mini, command, name):
    make, words = FONTS[name]
    ev = bundle(tmp_path / "甲")
    font = tmp_path / "font.ttf"
    make(font)
    args = (["assess", ev, "--pdf", tmp_path / "out.pdf"] if command == "assess"
            else ["batch", ev.parent, "--pdf-dir", tmp_path / "pdf"])
    result = invoke([*args, "--scheme", mini, "--font-serif", font])
    check(result, 2, *words, "--font-serif")
    assert result.stdout == "" and not (tmp_path / "out.pdf").exists() and not (tmp_path / "pdf").exists()


# -- click's own errors, in Chinese ----------------------------------------------------------------

USAGE = [
    (["validate"], "缺少参数"),
    (["assess"], "缺少参数"),
    (["review", "start"], "缺少参数"),
    (["batch"], "缺少参数"),
    (["diff", "a.json"], "缺少参数"),
    (["init"], "缺少参数"),
    (["explain"], "缺少参数"),
    (["schema"], "缺少参数"),
    (["validate", "{tmp}"], "是一个文件夹"),
    (["assess", "{tmp}"], "是一个文件夹"),
    (["assess", "{ev}", "--pdf", "{tmp}"], "是一个文件夹"),
    (["batch", "{tmp}/nowhere"], "不存在"),
    (["batch", "{ev}"], "是一个文件"),
    (["assess", "{ev}", "--bogus"], "没有选项"),
    (["assess", "{ev}", "--forma", "json"], "是不是"),
    (["assess", "{ev}", "--format", "xml"], "不是可用的取值"),
    (["assess", "{ev}", "--format"], "后面需要给出一个值"),
    (["batch", "{tmp}", "--jobs", "0"], "不在允许的范围内"),
    (["batch", "{tmp}", "--jobs", "many"], "不是有效的数值"),
    (["schema", "everything"], "不是可用的取值"),
    (["nothing"], "没有命令"),
    (["review"], "用法"),
    (["review", "stop"], "没有命令"),
    (["validate", "{ev}", "extra"], "多出了参数"),
    (["indicators", "--format", "pdf"], "不是可用的取值"),
    (["assess", "{ev}", "--strict=yes"], "不接受值"),
    (["--help"], "显示本帮助并退出"),
    (["assess", "--help"], "选项"),
    (["--version"], "版本"),
]


@pytest.mark.parametrize("args, words", USAGE, ids=[" ".join(a) for a, _ in USAGE])
def test_click_speaks_chinese(tmp_path, args, words):
    ev = bundle(tmp_path / "甲")
    args = [a.replace("{tmp}", str(tmp_path)).replace("{ev}", str(ev)) for a in args]
    result = invoke(args)
    code = 0 if any(a in ("--help", "--version") for a in args) or args == ["review"] else 2
    check(result, code if args != ["review"] else result.exit_code, words)


# -- a real process, and another user where permissions matter ------------------------------------

CONSOLE = Path(sys.executable).parent / "safecomm"


def as_user() -> list[str]:
    """How to run a command as an ordinary user: as is when we are one, through setpriv as
    `nobody` when the tests run as root (root reads and writes anything)."""
    if not CONSOLE.exists():
        pytest.skip(f"the console script is not installed at {CONSOLE}")
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("running as root and setpriv is not available to drop to an ordinary user")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    if subprocess.run([*prefix, str(CONSOLE), "--version"], capture_output=True).returncode != 0:
        pytest.skip("nobody cannot run the installed console script here")
    return prefix


@pytest.fixture
def shared():
    """A folder that `nobody` can reach (pytest's own tmp_path is root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="safecomm-hostile-"))
    folder.chmod(0o755)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(folder)


def console(args: list, prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([*(prefix or []), str(CONSOLE), *map(str, args)], capture_output=True, env=env, timeout=120)


def check_process(done: subprocess.CompletedProcess, code: int, *words: str) -> str:
    err = done.stderr.decode("utf-8")
    assert done.returncode == code, err
    assert "Traceback" not in err and CHINESE.search(err), err
    for word in words:
        assert word in err, err
    return err


PERMISSIONS = ["read-only-folder", "read-only-file", "unreadable-target", "unreadable-evidence", "unreadable-attachment",
               "unreadable-sheet", "unreadable-scheme", "unreadable-batch-folder"]


@pytest.mark.parametrize("case", PERMISSIONS)
def test_permissions_as_an_ordinary_user(shared, case):
    prefix = as_user()
    app = shared / "app"
    ev = bundle(app)
    scheme = shared / "mini.yaml"
    scheme.write_text(MINI_SCHEME, encoding="utf-8")
    for path in [shared, *shared.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    out = shared / "out"
    out.mkdir()
    args, code, words = None, 2, ()
    if case == "read-only-folder":
        out.chmod(0o555)
        args, words = ["review", "start", ev, "--scheme", scheme, "-o", out / "s.yaml"], ("没有权限",)
    elif case == "read-only-file":
        (out / "s.csv").write_text("\ufeff申报,社区,县(区)\n", encoding="utf-8")
        (out / "s.csv").chmod(0o444)
        out.chmod(0o555)
        args, words = ["batch", app, "--scheme", scheme, "--jobs", "1", "--csv", out / "s.csv"], ("没有权限",)
    elif case == "unreadable-target":
        (out / "x.pdf").write_bytes(b"%PDF-1.4")
        (out / "x.pdf").chmod(0o000)
        args, words = ["assess", ev, "--scheme", scheme, "--pdf", out / "x.pdf"], ("权限",)
    elif case == "unreadable-evidence":
        ev.chmod(0o000)
        args, words = ["validate", ev], ("权限",)
    elif case == "unreadable-attachment":
        (app / "attachments" / "d-1.pdf").chmod(0o000)
        args, words = ["assess", ev, "--scheme", scheme], ("没有权限",)
    elif case == "unreadable-sheet":
        sheet = app / "evidence.review.yaml"
        sheet.write_text("format: safecomm/review@1\n", encoding="utf-8")
        sheet.chmod(0o000)
        args, words = ["assess", ev, "--scheme", scheme, "--review", sheet], ("权限",)
    elif case == "unreadable-scheme":
        scheme.chmod(0o000)
        args, words = ["assess", ev, "--scheme", scheme], ("没有权限",)
    elif case == "unreadable-batch-folder":
        bundle(shared / "district" / "甲")
        bundle(shared / "district" / "乙")
        for path in [shared / "district", *(shared / "district").rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        (shared / "district" / "乙").chmod(0o000)
        args, code, words = ["batch", shared / "district", "--scheme", scheme, "--jobs", "1"], 1, ()
    before = snapshot(shared)
    done = console(args, prefix)
    if code == 1:
        assert done.returncode == 1 and "无法读取文件夹" in done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
        assert "Traceback" not in done.stderr.decode("utf-8")
    else:
        check_process(done, code, *words)
    assert snapshot(shared) == before


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_full_disk_under_standard_output_is_a_message(fmt):
    if not CONSOLE.exists():
        pytest.skip(f"the console script is not installed at {CONSOLE}")
    with open("/dev/full", "w") as full:
        done = subprocess.run([str(CONSOLE), "assess", str(READY), "--format", fmt], stdout=full, stderr=subprocess.PIPE, timeout=60)
    check_process(done, 2, "标准输出", "磁盘空间已满")


def test_the_console_script_speaks_chinese_through_a_gbk_console(tmp_path):
    if not CONSOLE.exists():
        pytest.skip(f"the console script is not installed at {CONSOLE}")
    ev = bundle(Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xd6\xd0")))
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    done = subprocess.run([str(CONSOLE), "validate", str(ev)], capture_output=True, env=env, timeout=60)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr.decode("gbk", "replace")
    done = subprocess.run([str(CONSOLE), "assess", str(ev), "--format", "json"], capture_output=True, env=env, timeout=60)
    assert json.loads(done.stdout.decode("utf-8"))["format"] == "safecomm/assessment@1"  # UTF-8 whatever the console
