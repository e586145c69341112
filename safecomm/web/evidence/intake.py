"""From an uploaded file to the evidence and the files to keep, through the library's
`upload` module (the engine's bounds, messages naming the upload as its sender knows it); and
the problems as the upload page shows them."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from ... import upload
from ...loading import InputError
from ...bundle import inside

ACCEPTED = (".xlsx", ".yaml", ".yml", ".zip")
MAX_FILE = max(upload.ZIP_BYTES, upload.MAX_FILE)  # the largest upload any of the kinds accepts
LIMITS = list(upload.LIMITS.items())  # printed on the upload page


@dataclass
class Read:
    """An upload that loaded: its evidence, and the bundle's files by path (the evidence file
    first, then the attachments it cites and the upload brought)."""

    evidence: object
    evidence_path: str
    files: dict[str, bytes]


def display_name(name: str) -> str:
    return upload.display_name(name)


def read(name: str, raw: bytes, scheme) -> Read:
    """Load an upload (YAML, 台账, or a .zip of either with attachments); InputError if it does not."""
    label = upload.display_name(name)
    if upload.kind_of(raw, label) == "zip":
        box = upload.unpack(raw, label)
        evidence = upload.load_evidence_bytes(box.data, f"{label}/{box.bundle}", box.files, scheme)
        main = posixpath.basename(box.bundle)
        given = {inside(path): data for path, data in box.files.items()}
        cited = {path: given[path] for path in sorted(evidence.attachments) if given.get(path) is not None}
        return Read(evidence, main, {main: box.data, **cited})
    evidence = upload.load_evidence_bytes(raw, label, None, scheme)
    main = label if not label.startswith(".") else f"evidence{posixpath.splitext(label)[1] or '.yaml'}"
    return Read(evidence, main, {main: raw})


def rows(exc: InputError) -> list[dict]:
    """Problems as the table shows them: 位置 · 列 · 问题 · 怎么改 (the loader words its advice after
    a colon or semicolon: "…：请…")."""
    out = []
    for p in exc.problems:
        record, text = "", p.message
        named = _RECORD.match(text)  # "A-003：…" names the record the cell belongs to
        if named:
            record, text = named.group(1), text[named.end():]
        problem, fix = text, ""
        for mark in ("：请", "；请", "，请", "：应", "，应", "：须"):
            if mark in text:
                problem, rest = text.split(mark, 1)
                fix = mark[1:] + rest
                break
        if text.startswith(("应", "请", "须")):
            problem, fix = "填写的内容不符合要求", text
        if record:
            problem = f"{record}：{problem}"
        out.append({"place": p.place, "field": p.path, "problem": problem, "fix": fix})
    return out


_RECORD = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.\-]{0,63})：")
