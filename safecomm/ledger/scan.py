"""The attachments folder against the records: files that no record cites, records whose files
are missing, and rows proposed for the uncited files, read off their names and folders.

Offices name and box their files as the archive is kept: the 文号 and the date in the name
(朝政发〔2023〕12号, 2024年3月15日, 20240315), the kind of document at the end of its title
(…制度, …的通知), the item in the folder (`8 监测与监督/8.2 检查制度/…` → items [8.2]).
Nothing here changes the bundle: the proposals are for the clerk to confirm and copy.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath

from ..evidence import Evidence
from ..scheme import Scheme
from ..terms import ActivityKind, DocumentKind

MAX_FILES = 20000  # a folder bigger than this is not one community's archive
PROPOSALS = ".待确认"  # `台账.xlsx` → `台账.待确认.xlsx`: batch and later scans leave such files alone

_PICTURES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".heic", ".webp", ".tif", ".tiff", ".mp4", ".mov", ".avi"}
_NUMBER = re.compile(r"[\u4e00-\u9fffA-Za-z]+[〔［\[【（(]\s*\d{4}\s*[〕］\]】）)]\s*第?\s*\d+\s*号")
_DATES = (
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(\d{4})[-._](\d{1,2})[-._](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"),
)
_ITEM_FOLDER = re.compile(r"^\s*(\d{1,2}\.\d{1,2})(?![.\d])")
_TRIM = " \t-_—–·.,，、()（）[]［］【】"


@dataclass
class Scan:
    unreferenced: list[str] = field(default_factory=list)  # relative to the bundle's folder, with /
    missing: list[tuple[str, str]] = field(default_factory=list)  # (record id, path as written)
    proposals: dict[str, list[dict]] = field(default_factory=dict)  # plain records by collection
    truncated: bool = False  # more than MAX_FILES files: the rest were not looked at


def proposals_path(evidence_file: Path) -> Path:
    return evidence_file.with_name(evidence_file.stem + PROPOSALS + evidence_file.suffix)


def is_proposals(path: Path) -> bool:
    return path.stem.endswith(PROPOSALS)


def scan(evidence: Evidence, evidence_file: Path, scheme: Scheme) -> Scan:
    """Compare the files under the bundle's folder with the records of `evidence`."""
    folder = evidence_file.resolve().parent
    result = Scan()
    cited = {_normal(path) for path in evidence.attachments}
    for record in evidence.documents:
        if record.file and evidence.attachments.get(record.file) and evidence.attachments[record.file].missing:
            result.missing.append((record.id, record.file))
    for record in evidence.activities:
        result.missing += [(record.id, p) for p in record.files if evidence.attachments.get(p) and evidence.attachments[p].missing]
    files, result.truncated = _files(folder, evidence_file.resolve())
    result.unreferenced = [f for f in files if f not in cited]
    items = {item.id for _, item in scheme.items()}
    next_id = {name: _numbering([r.id for r in getattr(evidence, name)]) for name in ("documents", "activities")}
    for path in result.unreferenced:
        collection, record = propose(path, items)
        result.proposals.setdefault(collection, []).append({"id": next_id[collection](), **record})
    return result


def _normal(written: str) -> str:
    return os.path.normpath(written.replace("\\", "/")).replace(os.sep, "/")


def _files(folder: Path, evidence_file: Path) -> tuple[list[str], bool]:
    """Every file under `folder` that could be an attachment, in path order: not hidden, not an
    editor's lock file, not the bundle or another bundle, review sheet or proposal beside it."""
    found: list[str] = []
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = Path(top)
        for name in sorted(names):
            path = here / name
            if name.startswith((".", "~$")) or path == evidence_file or not path.is_file():
                continue
            if here == folder and path.suffix.lower() in (".yaml", ".yml", ".xlsx", ".json"):
                continue
            found.append(path.relative_to(folder).as_posix())
            if len(found) >= MAX_FILES:
                return found, True
    return found, False


def propose(path: str, items: set[str]) -> tuple[str, dict]:
    """(collection, record without id) for an uncited file, from what its name and folders say."""
    posix = PurePosixPath(path)
    stem = posix.stem
    record: dict = {}
    number = _NUMBER.search(stem)
    if number:
        stem = stem.replace(number.group(0), " ")
    day = None
    for pattern in _DATES:
        match = pattern.search(stem)
        if match:
            day = _date(*match.groups())
            if day:
                stem = stem.replace(match.group(0), " ")
                break
    title = re.sub(r"\s+", " ", stem).strip(_TRIM) or posix.stem
    folder_items = [m.group(1) for part in reversed(posix.parent.parts) if (m := _ITEM_FOLDER.match(part))]
    picture = posix.suffix.lower() in _PICTURES
    kind = _last_word(title, ActivityKind if picture else DocumentKind)
    if kind:
        record["kind"] = kind
    if picture:
        if day:
            record["date"] = day
        record["title"] = title
    else:
        record["title"] = title
        if number:
            record["number"] = re.sub(r"\s+", "", number.group(0))
        if day:
            record["issued"] = day
    known = [i for i in folder_items if i in items][:1]
    if known:
        record["items"] = known
    if picture:
        record["files"] = [path]
        return "activities", record
    record["file"] = path
    return "documents", record


def _date(year: str, month: str, day: str) -> str | None:
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return None
    return found.isoformat() if 1990 <= found.year <= 2100 else None


def _last_word(title: str, term: type) -> str | None:
    """The term that ends latest in the title: a 关于印发安全检查制度的通知 is a 通知."""
    found = [(title.rfind(m.value) + len(m.value), m.value) for m in term if m.value in title and m.value != "其他"]
    return max(found)[1] if found else None


def _numbering(ids: list[str]):
    """A function giving the next id in the bundle's own numbering (D-042 → D-043, D-044…)."""
    parts = [m.groups() for i in ids if (m := re.match(r"^(.*?)(\d+)$", i))]
    if not parts:
        prefix, width, last = "新-", 3, 0
    else:
        prefix = Counter(p for p, _ in parts).most_common(1)[0][0]
        numbers = [n for p, n in parts if p == prefix]
        width, last = max(len(n) for n in numbers), max(int(n) for n in numbers)
    counter = iter(range(last + 1, last + MAX_FILES + 2))
    taken = set(ids)

    def next_id() -> str:
        while True:
            candidate = f"{prefix}{next(counter):0{width}d}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate

    return next_id
