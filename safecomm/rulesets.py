"""Finding and reading rule sets: a shipped one by id or a user's file by path, its `extends:` chain
merged (extend.py), and the wording it writes for each kind of community (communities.py).

Above the rule set's model (scheme.py) and the modules that merge and word it, so that each of them
stays a model or a transformation of data and none has to reach back up for the others.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from importlib import resources
from pathlib import Path
from types import ModuleType

from pydantic import BaseModel

from . import checks, communities, extend, terms, vocabulary
from . import scheme as scheme_module
from .loading import InputError, Problem, load_model, read_input
from .rulecache import checked, keep, parsed
from .scheme import Scheme, cross_problems, numbering_problems, scoring_problems

DEFAULT = "national-2009"


def shipped():
    """The folder of the shipped rule sets: installed inside the package as safecomm/indicators;
    in a source checkout, the repository's own indicators/ (the same files)."""
    installed = resources.files("safecomm") / "indicators"
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "indicators"


def available() -> list[str]:
    """Ids of the rule sets shipped with safecomm."""
    return sorted(p.name.removesuffix(".yaml") for p in shipped().iterdir() if p.name.endswith(".yaml"))


def examples() -> list[str]:
    """The worked examples shipped with safecomm, as `examples/<name>`: loadable by that name, to copy."""
    folder = shipped() / "examples"
    if not folder.is_dir():
        return []
    return sorted(f"examples/{p.name.removesuffix('.yaml')}" for p in folder.iterdir() if p.name.endswith(".yaml"))


SHIPPED_NAME = re.compile(r"(examples/)?[a-z0-9][a-z0-9._-]*")


def load_scheme(ref: str | Path = DEFAULT) -> Scheme:
    """A shipped rule set by id (`national-2009`, `examples/city-100`), or a rule-set file by path.

    A rule set that `extends:` another is merged with it (extend.py); a user's rule set is also read
    for each kind of community it lists (communities.py), so that every problem shows at load. A
    shipped rule set, which the tests read for every kind, is read for a kind when a community of
    that kind is assessed: a run pays for the one kind it grades."""
    layer, scheme = _layer(ref)
    kinds = communities.kinds(layer)
    if not scheme.files:
        scheme._unread = {kind: functools.partial(_worded, layer, key, kind) for kind, key in kinds.items()}
        return scheme
    problems = []
    for kind, key in kinds.items():
        try:
            worded = _worded(layer, key, kind)
        except InputError as exc:
            problems += exc.problems
        else:
            if worded is not None:
                scheme._kinds[kind] = worded
    if problems:
        raise InputError(list(dict.fromkeys(problems)))
    return scheme


def _worded(layer, key: str, kind: str) -> Scheme | None:
    """The rule set as it reads for the kind written under `communities.<key>` (None: as written)."""
    worded = communities.for_kind(layer, key)
    if worded is layer:
        return None  # nothing written for this kind: the rule set as it is
    scheme = _checked(worded, key)
    scheme._kind = kind
    return scheme


def _layer(ref: str | Path, cited_by=None, chain: tuple[str, ...] = ()):
    """(the rule set's data with where each part was written, the Scheme), its bases merged first."""
    doc, identity, raw, folder = _open(ref, cited_by)
    files = (Path(identity),) if Path(identity).is_absolute() else ()  # shipped rule sets are not the user's
    base_ref = extend.parent(doc)
    if base_ref is None:
        layer = extend.Layer.root(doc, raw)
    else:
        extend.check_chain(doc, identity, chain)
        by_path = Path(base_ref).suffix in (".yaml", ".yml")  # else a shipped rule set's id
        base, base_scheme = _layer(folder / base_ref if by_path else base_ref, doc, chain + (identity,))
        layer = extend.extend(base, doc, raw)
        files += base_scheme.files
    scheme = _checked(layer)
    scheme._files = files
    return layer, scheme


def _open(ref: str | Path, cited_by=None):
    """(document, identity, bytes, folder) of a rule set named on the command line or by `extends:`
    in `cited_by`, where a problem finding it is then reported."""
    def refused(message: str) -> InputError:
        return InputError([cited_by.problem(("extends",), message) if cited_by else Problem(str(ref), 0, 0, "--scheme", message)])

    path = Path(ref)
    if isinstance(ref, Path) or path.suffix in (".yaml", ".yml") or path.exists():
        try:
            raw = read_input(path, str(path), what="规则集文件")
        except InputError as exc:
            if not cited_by:
                raise
            raise refused(exc.problems[0].message) from None
        label, identity, folder = str(path), str(path.resolve()), path.parent
    elif SHIPPED_NAME.fullmatch(str(ref)) and (found := _shipped_file(str(ref))) is not None:
        raw, label, identity, folder = found.read_bytes(), f"indicators/{ref}.yaml", f"indicators/{ref}", Path(str(found)).parent
    else:
        raise refused(f"没有名为 {ref} 的规则集；可用：{'、'.join(available() + examples())}，或给出规则集文件路径")
    doc = parsed(raw, label)
    if isinstance(doc.data, dict) and doc.data.get("format") == "safecomm/scheme@1":
        raise InputError([doc.problem(("format",), (
            "规则集格式 safecomm/scheme@1 已由 safecomm/scheme@2 取代：检查的 level 改为 A / related / defect"
            "（原 level B 的检查改为 related 或 A），新增 grading、vocabulary；见 docs/rules.md"
        ))])
    return doc, identity, raw, folder


def _shipped_file(name: str):
    found = shipped()
    for part in f"{name}.yaml".split("/"):
        found = found / part
    return found if found.is_file() else None


def _checked(layer, kind: str | None = None) -> Scheme:
    """The Scheme of a rule set's data (as written for community kind `kind`, if given), every problem
    reported at the line that wrote it; kept checked between runs (rulecache.py)."""
    tag = f"{layer.digest}\n{kind or ''}"  # the digest hashes every file the data was made from
    scheme = checked(tag, _models())
    if not isinstance(scheme, Scheme):
        doc = layer.located
        problems = [doc.problem(loc, message) for loc, message in numbering_problems(layer.data)]
        try:
            scheme = load_model(doc, Scheme)
        except InputError as exc:
            raise InputError(problems + exc.problems) from None
        found = cross_problems(layer.data, scheme) + scoring_problems(scheme)
        problems += [doc.problem(loc, message) for loc, message in found]
        if problems:
            raise InputError(problems)
        keep(tag, scheme, _models())
    scheme._digest, scheme._lineage = layer.digest, layer.lineage
    return scheme


@functools.cache
def _models() -> dict[str, type]:
    """The classes a checked rule set is made of, the only ones a kept one may name: the models and
    enums of the rule-set modules and of the check primitives' parameters."""
    modules = [scheme_module, vocabulary, terms, *(m for m in vars(checks).values() if isinstance(m, ModuleType))]
    return {f"{c.__module__}.{c.__qualname__}": c
            for module in modules for c in vars(module).values()
            if isinstance(c, type) and issubclass(c, (BaseModel, Enum)) and c.__module__ == module.__name__}
