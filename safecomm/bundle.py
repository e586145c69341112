"""An evidence bundle read from its files: the YAML or the 台账 workbook, and the attachments it
cites, hashed and kept inside its folder.

Above the generic reading of YAML into models (loading.py) and the workbook reader (ledger/read.py),
which each know one kind of file; this module chooses between them and puts the evidence together.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
import types
import typing
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .collector import paused
from .evidence import Attachment, Evidence, attachment_locs, item_problems, normalise_ids, reference_problems
from .ledger import SUFFIXES as LEDGER_SUFFIXES
from .loading import (
    Document, InputError, Problem, field_path, load_model, os_reason, read_yaml, sha256_file, validation_problems,
)

def read_evidence_file(path: Path):
    """A YAML bundle as a `Document`, or a 台账 workbook as a `Ledger`: the same plain data, and
    each can say where in its file a field was (`where`, `problem`, `name`)."""
    if path.suffix.lower() in LEDGER_SUFFIXES:
        from .ledger.read import read_ledger  # below this module; imported when a workbook is read, not for YAML

        return read_ledger(path)
    return read_yaml(path)


def load_evidence(path: str | Path, scheme=None):
    """Load an evidence bundle (YAML or 台账 workbook): validated, references resolved, attachments
    hashed; with a rule set, every declared `items` entry must be one of its items.

    Raises InputError listing every problem. A missing attachment is not an error: the
    assessment reports it as a warning.
    """
    with paused():  # the parsed file is gone before the collector runs again: it would walk it all
        return _load_evidence(Path(path), scheme)


def _load_evidence(path: Path, scheme):
    doc = read_evidence_file(path)
    return evidence_from(doc, lambda: read_attachments(doc, path), scheme)


def evidence_from(doc, attachments, scheme=None):
    """The evidence of a parsed bundle (`Document` or `Ledger`), however it arrived: `attachments()`
    checks and hashes the files it cites (from a folder or from uploaded bytes)."""
    if not isinstance(doc.data, dict):
        load_model(doc, Evidence)  # raises the "not a mapping" problem
    problems = list(doc.problems)
    written = normalise_ids(doc.data)
    found, wrong, missing = attachments()  # before validation: it writes `\` as `/`
    problems += wrong
    try:
        evidence = Evidence.model_validate(doc.data)
    except ValidationError as exc:
        evidence = None
        problems += validation_problems(doc, exc)
    problems += [doc.problem(loc, msg) for loc, msg in reference_problems(doc.data, where=doc.name, written=written)]
    if scheme is not None:
        known = {item.id for _, item in scheme.items()}
        problems += [doc.problem(loc, msg) for loc, msg in item_problems(doc.data, known, scheme.id)]
        if evidence is not None and scheme.communities and evidence.community.kind not in scheme.communities:
            kinds = "、".join(k.value for k in scheme.communities)
            problems.append(doc.problem(("community", "kind"), f"规则集 {scheme.id} 不适用于{evidence.community.kind.value}（适用于：{kinds}）：请换用适用的规则集（safecomm indicators --schemes）"))
    if problems:
        raise InputError(_with_comment_hint(problems, getattr(doc, "hashed", ())))
    evidence._attachments = found
    evidence._notes = [f"{doc.file}:{line}:{column}  {field_path(loc)} 没有值：冒号后的「{comment[:20]}」以 # 开头，YAML 把它当作注释略去了。"
                       f"若这是内容，请给整个值加引号，如 {loc[-1]}: \"{comment[:20]}\""
                       for loc, line, column, comment in getattr(doc, "hashed", ()) if _text_field(evidence, loc)]
    evidence._notes += [f"{p.place}  {p.message}" for p in missing]
    return evidence


def _with_comment_hint(problems: list, hashed) -> list:
    """A required value that a `#` left empty is an error, not a warning: say why it is empty there."""
    emptied = {(line, field_path(loc)): comment for loc, line, _, comment in hashed}
    return [replace(p, message=f"{p.message}（冒号后的「{emptied[p.line, p.path][:20]}」以 # 开头，YAML 把它当作注释略去了："
                               f"若这是内容，请给整个值加引号）") if (p.line, p.path) in emptied else p
            for p in problems]


def _text_field(model: BaseModel, loc: tuple) -> bool:
    """Whether `loc` in a validated model is a field of text (what a clerk would have typed after
    a `#`; a number or a date left empty by `# 不详` is a comment as meant)."""
    for segment in loc[:-1]:
        model = model[segment] if isinstance(segment, int) and isinstance(model, list) and segment < len(model) else getattr(model, str(segment), None)
    info = type(model).model_fields.get(str(loc[-1])) if isinstance(model, BaseModel) else None
    return info is not None and _is_text(info.annotation)


def _is_text(annotation) -> bool:
    if annotation is str:
        return True
    if typing.get_origin(annotation) is typing.Annotated:
        return _is_text(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_text(a) for a in typing.get_args(annotation))
    return False


# -- attachments -------------------------------------------------------------------------------

NAME_BYTES = 255  # one component of a path (ext4, NTFS, APFS…)
# Every attachment is hashed whole, and a grade must not wait on a disk: 1 GiB holds the largest file
# a clerk attaches (a ten-minute drill video at 1080p is about 1 GB; a scanned file is a few MB) and
# hashes in about 2 s; all of a bundle's attachments together may be 8 GiB (a few hundred scans and
# photos are 1–3 GB). A file over either is refused with its size before a byte of it is read.
MAX_ATTACHMENT = 1 << 30
MAX_ATTACHMENTS = 8 << 30
PATH_BYTES = 4096  # a whole path (Linux PATH_MAX)
OUTSIDE = "不在证据文件所在文件夹内：附件须放在该文件夹（或其子文件夹）中，用相对路径引用，如 attachments/d-001.pdf"


def attachment_path(written: str) -> tuple[str, str | None]:
    """An attachment path as written → (the path looked up, or why it cannot be one).

    Judged as a string before the file system is touched. A backslash is a Windows separator
    and is read as `/`; a drive (`C:\\…`), a network share (`\\\\server\\…`) or a leading `/` is
    absolute, and attachments live inside the bundle's folder.
    """
    if "\x00" in written:
        return written, "含有空字符（NUL）：请删除"
    normal = written.replace("\\", "/")
    if normal.startswith("/") or re.match(r"[A-Za-z]:", normal):
        return normal, f"是绝对路径，{OUTSIDE}"
    size = len(normal.encode("utf-8", "replace"))
    if size > PATH_BYTES:
        return normal, f"太长（{size} 字节，上限 {PATH_BYTES} 字节）"
    for part in normal.split("/"):
        size = len(part.encode("utf-8", "replace"))
        if size > NAME_BYTES:
            return normal, f"中的文件名「{part[:20]}…」太长（{size} 字节，上限 {NAME_BYTES} 字节，约 85 个汉字）：请缩短"
    return normal, None


def read_attachments(doc: Document, path: Path | None, files: dict[str, bytes] | None = None) -> tuple[dict, list[Problem], list[Problem]]:
    """Every attachment the bundle cites, checked and hashed once each, keyed by the path looked
    up (written back into `doc.data`, so that the model holds the same path). They are read from
    the folder of `path`, or, for a bundle that came as bytes, from `files` (relative path → bytes,
    the paths as `given_files` normalised them). Besides the problems, the warnings: a missing file,
    at the place it is first cited, so a clerk finds the line or cell to correct."""
    base = os.path.realpath(path.parent) if files is None else ""
    attachments: dict[str, Attachment] = {}
    problems, missing = [], []
    total = 0
    folders: dict[str, str] = {}
    for loc, written in list(attachment_locs(doc.data)):
        normal, wrong = attachment_path(written)
        if normal != written:
            _put(doc.data, loc, normal)
        if wrong is None and normal not in attachments:
            wrong = _attachment(base, normal, attachments, total, folders) if files is None else _given(files, normal, attachments)
            total += getattr(attachments.get(normal), "size", None) or 0
            if wrong is None and attachments[normal].missing:
                missing.append(doc.problem(loc, f"附件 {_cited(written)} {MISSING}"))
        if wrong:
            problems.append(doc.problem(loc, f"附件 {_cited(written)} {wrong}"))
    return attachments, problems, missing


MISSING = "不存在：该附件不能作为证据，请补充或更正路径"


def _cited(written: str) -> str:
    """An attachment's path as written, cut to a line's length."""
    return written if len(written) <= 80 else written[:79] + "…"


def inside(written: str) -> str | None:
    """A relative path as written, normalised (`a/./b`, `a\\b` → `a/b`); None when it leaves its folder."""
    normal = posixpath.normpath(written.replace("\\", "/"))
    if normal.startswith(("/", "../")) or normal in ("..", ".") or re.match(r"[A-Za-z]:", normal):
        return None
    return normal


def _given(files: dict[str, bytes], normal: str, into: dict) -> str | None:
    """Hash one attachment that came as bytes into `into`; or why it cannot be one."""
    key = inside(normal)
    if key is None:
        return OUTSIDE
    data = files.get(key)
    into[normal] = _made(normal) if data is None else _made(normal, hashlib.sha256(data).hexdigest(), len(data))
    return None


def _made(path: str, sha256: str | None = None, size: int | None = None) -> Attachment:
    """An attachment as found. Its values are its fields' own (the path, the hash, the size), so it is
    made as `model_construct` would make it, but without its generic fill-in, which costs twice a
    validation, and without building the model's validator in every run (a test holds the two equal)."""
    made = Attachment.__new__(Attachment)
    _set(made, "__dict__", {"path": path, "sha256": sha256, "size": size})
    _set(made, "__pydantic_fields_set__", {"path", "sha256", "size"} if sha256 else {"path"})
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


_set = object.__setattr__


def size_text(size: int) -> str:
    """A file's size as a clerk reads it: 1.5 GB, 300 MB, 12 KB (units of 1024)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{size} 字节"


def real_path(path: str | Path, folders: dict[str, str]) -> tuple[str, os.stat_result | None]:
    """`os.path.realpath(path)`, with its folder resolved once per `folders` (a bundle's files share a
    few folders; realpath resolves every part of every path again, some eight `lstat`s a file), and
    the file's own `lstat` when that is also its `stat` (it is no link)."""
    text = os.fspath(path)
    head, name = os.path.split(text)
    if name not in ("", ".", ".."):
        real_head = folders.get(head)
        if real_head is None:
            real_head = folders[head] = os.path.realpath(head)
        joined = os.path.join(real_head, name)
        try:  # a folder resolved and a name that is no link: realpath would stop here too
            st = os.lstat(joined)
            if not stat.S_ISLNK(st.st_mode):
                return joined, st
        except OSError:
            pass
    return os.path.realpath(text), None


def real_paths(paths, folders: dict[str, str] | None = None) -> list[str]:
    """`os.path.realpath` of each path (see `real_path`)."""
    folders = {} if folders is None else folders
    return [real_path(p, folders)[0] for p in paths]


def _attachment(base: str, normal: str, into: dict, before: int = 0, folders: dict | None = None) -> str | None:
    """Hash one attachment into `into`; or why it cannot be read (None when it is merely missing).
    `before`: the bytes of the bundle's attachments hashed so far; `folders`: as `real_path` keeps them."""
    target, st = real_path(os.path.join(base, normal), {} if folders is None else folders)
    if target != base and not target.startswith(base.rstrip("/") + "/"):  # both real: the base or below it
        return OUTSIDE
    try:
        st = os.stat(target) if st is None else st
        if stat.S_ISREG(st.st_mode) and st.st_size > MAX_ATTACHMENT:
            return (f"过大（{size_text(st.st_size)}，{st.st_size} 字节），每个附件的上限为 {size_text(MAX_ATTACHMENT)}："
                    "请压缩或拆分（视频可截取片段、改存关键画面），或只列出而不附原件")
        if stat.S_ISREG(st.st_mode) and before + st.st_size > MAX_ATTACHMENTS:
            return (f"使全部附件合计超过 {size_text(MAX_ATTACHMENTS)}（本文件 {size_text(st.st_size)}）："
                    "请压缩较大的附件，或只列出而不附原件")
        if stat.S_ISREG(st.st_mode):
            into[normal] = _made(normal, sha256_file(target), st.st_size)
            return None
    except (FileNotFoundError, NotADirectoryError):
        into[normal] = _made(normal)
        return None
    except OSError as exc:
        return f"无法读取：{os_reason(exc)}"
    return "是文件夹，应为文件" if stat.S_ISDIR(st.st_mode) else "不是普通文件（是设备、管道或套接字）"


def _put(data, loc: tuple, value) -> None:
    for segment in loc[:-1]:
        data = data[segment]
    data[loc[-1]] = value


def bundle_files(path: str | Path, evidence=None) -> list[Path]:
    """The files a bundle consists of (the evidence file and every attachment it cites), which no
    output may replace. Without the loaded `evidence` (it did not validate), its attachments are
    read from the YAML as far as it parses."""
    path = Path(path)
    if evidence is not None:
        cited = list(evidence.attachments)
    else:
        try:
            cited = [attachment_path(p)[0] for _, p in attachment_locs(read_yaml(path).data)]
        except InputError:
            cited = []
    return [path] + [path.parent / p for p in cited if "\x00" not in p]
