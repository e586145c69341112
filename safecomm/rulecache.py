"""Parsed rule sets kept between runs, so that a run does not parse the same 1,300 lines of YAML again.

A rule set's data as the YAML loader made it is written as JSON to the user's cache folder
(`$XDG_CACHE_HOME/safecomm`, else `~/.cache/safecomm`; `%LOCALAPPDATA%\\safecomm` on Windows), under a
name that hashes the file's bytes, safecomm's version and the loader's own code. Only the parse is
skipped: the data then goes through every check a freshly parsed file goes through (the models, the
numbering, the vocabulary, the citations), and the line of a problem is found by parsing the file
again, only then. JSON, never pickle: a cache file someone else wrote can at most be a rule set that
passes those checks, never code that runs. A file that is not exactly what this module writes is
ignored; a folder that cannot be written is no error, only no cache. Outputs do not depend on it.

A rule set that passed every check is kept too, as checked (`checked`, `keep`): its models written
out field by field, each model and enum tagged with its class, and made again as `model_construct`
makes a model (every field, the fields written, the private state), so that a run whose rule set has
not changed builds no validator for it, nor the models of its checks' parameters. That file is trusted, so it must be one this user's safecomm wrote: it is signed (HMAC-SHA256)
with a random key kept in the same folder, readable by the user alone, and read only if the signature
holds; its name hashes the rule set's digest and the code that checks a rule set, and it names only
classes of the rule-set modules. A tampered, foreign or stale file is ignored and the rule set
checked again. Tests hold the models read back to the models checked, and the assessments to the
same bytes, over every shipped rule set, example and kind of community.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import math
import os
import secrets
import tempfile
from enum import Enum
from pathlib import Path
from typing import Any

import pydantic
import yaml
from pydantic import BaseModel

from . import __version__, loading
from .loading import Document, InputError, parse_yaml, read_input

FORMAT = "safecomm/rule-cache@1"
CHECKED = "safecomm/checked-rules@1"
# The code a checked rule set depends on besides its data: a change to any of these is a new cache name.
CHECKING = ("rulesets", "scheme", "vocabulary", "terms", "measure", "extend", "communities", "lineage", "loading", "rulecache", "problems")
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


def parsed_data(raw: bytes, label: str) -> Any:
    """Only the data of a YAML file safecomm ships besides its rule sets (the evidence template, read
    in every assessment to tell sample records): parsed as `loading.parse_yaml` parses it once, then
    read from the cache, under a name of its own (`data-…`: a `#` comment that left a value empty,
    which a rule set's Document reports, is nothing to data alone)."""
    path = _place(raw, "data")
    data = _read(path) if path else None
    if data is not None:
        return data
    doc = parse_yaml(raw, label)
    if doc.problems:
        raise InputError(doc.problems)
    if path and _plain(doc.data):
        _write(path, doc.data)
    return doc.data


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


def _place(raw: bytes, kind: str = "rules") -> Path | None:
    where = folder()
    if where is None:
        return None
    key = hashlib.sha256(_loader() + b"\n" + raw).hexdigest()
    return where / f"{kind}-{key}.json"


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
    try:
        text = json.dumps({"format": FORMAT, "name": path.name, "data": data}, ensure_ascii=False, allow_nan=False)
        _write_bytes(path, text.encode("utf-8"))
    except (ValueError, UnicodeEncodeError, RecursionError):
        pass


def _write_bytes(path: Path, data: bytes) -> None:
    """Atomically, or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".rules-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
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


def checked(tag: str, classes: dict[str, type]) -> Any | None:
    """The checked rule set kept under `tag` (what it was checked from), or None. `classes` are the
    only ones it may be made of, by `module.name`."""
    found = _signed(tag)
    if found is None:
        return None
    path, payload = found
    try:
        stored = json.loads(payload.decode("utf-8"), parse_constant=_refused)
        if not (isinstance(stored, dict) and stored.keys() == {"format", "name", "value"}
                and stored["format"] == CHECKED and stored["name"] == path.name):
            return None
        return _decode(stored["value"], classes)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError, UnicodeDecodeError):
        return None


def keep(tag: str, value: Any, classes: dict[str, type]) -> None:
    """Keep a checked rule set under `tag`, signed; nothing when it cannot be written exactly."""
    where, key = folder(), _key()
    if where is None or key is None:
        return
    path = where / f"checked-{_checked_name(tag)}.json"
    try:
        text = json.dumps({"format": CHECKED, "name": path.name, "value": _encode(value, classes)},
                          ensure_ascii=False, allow_nan=False)
        payload = text.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError, RecursionError):
        return
    _write_bytes(path, hmac.new(key, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload)


def _signed(tag: str) -> tuple[Path, bytes] | None:
    where, key = folder(), _key(make=False)
    if where is None or key is None:
        return None
    path = where / f"checked-{_checked_name(tag)}.json"
    try:
        raw = read_input(path, limit=LIMIT)
    except (InputError, OSError):
        return None
    mac, _, payload = raw.partition(b"\n")
    if not hmac.compare_digest(mac, hmac.new(key, payload, hashlib.sha256).hexdigest().encode()):
        return None
    return path, payload


def _checked_name(tag: str) -> str:
    return hashlib.sha256(_checking() + b"\n" + tag.encode("utf-8")).hexdigest()


@functools.cache
def _checking() -> bytes:
    """safecomm's version, pydantic's, and the code that checks a rule set and its checks' parameters."""
    here = Path(__file__).resolve().parent
    files = [here / f"{name}.py" for name in CHECKING] + sorted((here / "checks").glob("*.py"))
    digest = hashlib.sha256(f"{CHECKED}\n{__version__}\n{pydantic.VERSION}\n".encode())
    for file in files:
        try:
            digest.update(file.name.encode() + b"\n" + file.read_bytes())
        except OSError:
            digest.update(file.name.encode() + b"\n-")
    return digest.hexdigest().encode()


def _key(make: bool = True) -> bytes | None:
    """This user's signing key: 32 random bytes in the cache folder, made on first need."""
    where = folder()
    if where is None:
        return None
    path = where / "key"
    try:
        key = read_input(path, limit=64)
        return key if len(key) == 32 else None
    except InputError:
        pass
    except OSError:
        return None
    if not make:
        return None
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=where, prefix=".key-")  # made readable by this user alone
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(32))
            os.link(temp, path)  # never replaces a key another run made meanwhile
        finally:
            Path(temp).unlink(missing_ok=True)
        key = read_input(path, limit=64)
    except (InputError, OSError):
        return None
    return key if len(key) == 32 else None


def _encode(value: Any, classes: dict[str, type]) -> Any:
    """JSON of a checked model and what it holds: a model or an enum as an object tagged `$` with its
    class, a tuple and a mapping whose keys are not plain text (or that has a key `$`) tagged too."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(value)
        return value
    if kind is list:
        return [_encode(v, classes) for v in value]
    if kind is tuple:
        return {"$": "t", "v": [_encode(v, classes) for v in value]}
    if kind is dict:
        if "$" not in value and all(type(k) is str for k in value):
            return {k: _encode(v, classes) for k, v in value.items()}
        return {"$": "d", "v": [[_encode(k, classes), _encode(v, classes)] for k, v in value.items()]}
    name = f"{kind.__module__}.{kind.__qualname__}"
    if classes.get(name) is not kind:
        raise TypeError(name)
    if isinstance(value, Enum):
        return {"$": "e", "c": name, "v": _encode(value.value, classes)}
    if isinstance(value, BaseModel) and value.__pydantic_extra__ is None:
        private = value.__pydantic_private__
        return {"$": "m", "c": name, "f": {k: _encode(v, classes) for k, v in value.__dict__.items()},
                "s": sorted(value.model_fields_set),
                "p": None if private is None else {k: _encode(v, classes) for k, v in private.items()}}
    raise TypeError(name)


def _decode(value: Any, classes: dict[str, type]) -> Any:
    """What `_encode` wrote. A model is made as `model_construct` makes it from every field (its
    fields, the set of those written, its private state), without the per-field work of filling in
    defaults, which a model written out whole never needs: some 300 models, 12 ms that way."""
    kind = type(value)
    if kind is list:
        return [v if type(v) is str else _decode(v, classes) for v in value]
    if kind is not dict:
        return value
    tag = value.get("$")
    if tag is None:
        return {k: v if type(v) is str else _decode(v, classes) for k, v in value.items()}
    if tag == "e":
        return classes[value["c"]]._value2member_map_[value["v"]]
    if tag == "t":
        return tuple(_decode(value["v"], classes))
    if tag == "d":
        return {_decode(k, classes): _decode(v, classes) for k, v in value["v"]}
    if tag != "m":
        raise ValueError(tag)
    model = classes[value["c"]]
    fields = {k: v if type(v) is str else _decode(v, classes) for k, v in value["f"].items()}
    if not issubclass(model, BaseModel) or fields.keys() != model.__pydantic_fields__.keys():
        raise TypeError(value["c"])
    made = model.__new__(model)
    object.__setattr__(made, "__dict__", fields)
    object.__setattr__(made, "__pydantic_fields_set__", set(value["s"]))
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None if value["p"] is None else _decode(value["p"], classes))
    return made
