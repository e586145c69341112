"""Parsed rule sets kept between runs, so that a run does not parse the same 1,300 lines of YAML again.

A rule set's data as the YAML loader made it is written as JSON to the user's cache folder
(`$XDG_CACHE_HOME/safecomm`, else `~/.cache/safecomm`; `%LOCALAPPDATA%\\safecomm` on Windows), under a
name that hashes the file's bytes, safecomm's version and the loader's own code. Only the parse is
skipped: the data then goes through every check a freshly parsed file goes through (the models, the
numbering, the vocabulary, the citations), and the line of a problem is found by parsing the file
again, only then. JSON, never pickle: a cache file someone else wrote can at most be a rule set that
passes those checks, never code that runs. A file that is not exactly what this module writes is
ignored; a folder that cannot be written is no error, only no cache. Outputs do not depend on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from . import __version__, loading
from .loading import Document, InputError, parse_yaml, read_input

FORMAT = "safecomm/rule-cache@1"
LIMIT = 4 * loading.MAX_BYTES  # JSON of the largest rule set the loader accepts, escapes and all


class Cached(Document):
    """A rule set's Document read from the cache: its data as parsed; its node tree, which only a
    problem's line needs, parsed from the file's bytes when first asked for."""

    def __init__(self, file: str, data: dict, raw: bytes):
        self.file, self.data, self.problems, self.hashed = file, data, [], []
        self._raw, self._root = raw, None

    @property
    def root(self) -> yaml.Node | None:
        if self._root is None:
            self._root = parse_yaml(self._raw, self.file).root
        return self._root


def parsed(raw: bytes, label: str) -> Document:
    """The rule set in `raw` as `loading.parse_yaml` makes it, from the cache when it is there."""
    path = _place(raw)
    data = _read(path) if path else None
    if data is not None:
        return Cached(label, data, raw)
    doc = parse_yaml(raw, label)
    if path and not doc.problems and not doc.hashed and _plain(doc.data):
        _write(path, doc.data)
    return doc


def folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    if base and not os.path.isabs(base):
        base = None  # a relative path is to be ignored (XDG): never a cache in the folder the user is in
    try:
        return (Path(base) if base else Path.home() / ".cache") / "safecomm"
    except RuntimeError:  # no home folder to speak of
        return None


@functools.cache
def _loader() -> bytes:
    """What the data depends on besides the file: safecomm's version, the loader's code, PyYAML's."""
    try:
        code = Path(loading.__file__).read_bytes()
    except OSError:
        code = b""
    return f"{FORMAT}\n{__version__}\n{yaml.__version__}\n{yaml.__with_libyaml__}\n".encode() + code


def _place(raw: bytes) -> Path | None:
    where = folder()
    if where is None:
        return None
    key = hashlib.sha256(_loader() + b"\n" + raw).hexdigest()
    return where / f"rules-{key}.json"


def _read(path: Path) -> dict | None:
    try:
        text = read_input(path, limit=LIMIT).decode("utf-8")
        found = json.loads(text, parse_constant=_refused)
    except (InputError, OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not (isinstance(found, dict) and found.keys() == {"format", "name", "data"}
            and found["format"] == FORMAT and found["name"] == path.name and isinstance(found["data"], dict)):
        return None
    return found["data"]


def _refused(constant: str) -> Any:
    raise ValueError(constant)  # NaN and Infinity: not JSON, never written here


def _write(path: Path, data: dict) -> None:
    """Atomically, or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": FORMAT, "name": path.name, "data": data}, ensure_ascii=False, allow_nan=False)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".rules-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(text.encode("utf-8"))
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except (OSError, ValueError, UnicodeEncodeError, RecursionError):
        pass


def _plain(value: Any, depth: int = 0) -> bool:
    """Data that JSON gives back exactly: text keys, no dates, no infinities."""
    if depth > loading.MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int))  # bool is an int
