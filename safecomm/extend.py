"""A rule set that extends another and writes only what it changes.

    extends: national-2009                 # a shipped rule set's id, or a path relative to this file
    id: my-province
    version: "2025.1"
    title: 安全社区评定指标（某省）
    vocabulary: {检查: [检查, 巡查, 排查]}     # by term; grades, scopes, sectors and scoring by key too
    indicators: {"3": {title: 社区安全诊断}}
    items:
      "2.4":
        checks:
          participation: {target: {">=": 0.6}}   # a field of a check; params are merged by name
          all-measured: {remove: 本省不单列}       # removed, with the reason
      "6.5": {not_applicable: 辖区无工业企业}
      "12.4": {text: …, checks: {…}}            # a new item: text and checks written in full

Every other top-level key (verdict, grading, eligibility, …) replaces the base's.

Merging works on the data as parsed, before the models, so that the merged rule set is checked
exactly as one written in a single file; each part remembers the file and place that wrote it
(`Origin`), so a problem is reported at its own line, in the variant or in its base. Changing
something that does not exist is an error at the line that names it: a misspelt id must not
quietly become a new item.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, create_model, field_validator

from .lineage import BaseRef, SchemeChange
from .loading import Document, InputError, Problem, load_model
from .scheme import FORMAT, IndicatorChange, ItemChange, Rule, Scheme, _loose, _quoted_ids

MAX_DEPTH = 4  # a province's variant of a city's variant of the national table, and one more
BY_KEY = ("grades", "scopes", "sectors", "vocabulary", "variants", "scoring")  # merged key by key
BY_ITEM = {"scoring": "items"}  # …and, one level down, item by item
OWN = ("format", "extends", "id", "version", "title", "source", "indicators", "items")  # never carried over as content

@functools.cache
def _variant() -> type[Rule]:
    """The model of a variant's own file; made when a rule set that extends another is read, not in every run."""
    return create_model(
        "Variant", __base__=Rule, __doc__="一个继承另一规则集、只写修改之处的规则集",
        format=(Literal[FORMAT], FORMAT),
        extends=(str, Field(min_length=1, description="所继承的规则集：内置规则集的编号，或相对本文件的路径")),
        id=(str, ...), version=(str, ...), title=(str, ...), source=(str | None, None),
        indicators=(dict[str, IndicatorChange], {}),
        items=(dict[str, ItemChange], {}),
        __validators__={"_ids": field_validator("indicators", "items", mode="before")(_quoted_ids)},
        **_loose(Scheme, *OWN),
    )


@dataclass(frozen=True)
class Source:
    """A place in a file: the document and the location inside it."""

    doc: Document
    loc: tuple


class Origin:
    """Where each part of a merged rule set was written. Keyed by ids, not positions, so that a
    removed item does not shift the places of the others: ("items", "2.4", "checks", "participation")."""

    def __init__(self, places: dict[tuple, Source]):
        self.places = places

    @classmethod
    def of(cls, doc: Document) -> "Origin":
        """A rule set written in one file: each indicator, item and check where it stands."""
        places = {(): Source(doc, ())}
        for i, indicator in enumerate(doc.data["indicators"]):
            places["indicators", indicator["id"]] = Source(doc, ("indicators", i))
            for j, item in enumerate(indicator["items"]):
                places["items", item["id"]] = Source(doc, ("indicators", i, "items", j))
                for k, check in enumerate(item["checks"]):
                    places["items", item["id"], "checks", check["id"]] = Source(doc, ("indicators", i, "items", j, "checks", k))
        return cls(places)

    def locate(self, path: tuple) -> Source:
        for n in range(len(path), -1, -1):
            found = self.places.get(path[:n])
            if found is not None:
                return Source(found.doc, found.loc + path[n:])
        raise AssertionError("the origin of a rule set always has its root")


def id_path(data: dict, loc: tuple) -> tuple:
    """A location in the merged data (`indicators[1].items[3].checks[1].target`) by ids:
    ("items", "2.4", "checks", "participation", "target")."""
    if len(loc) < 2 or loc[0] != "indicators" or not isinstance(loc[1], int):
        return loc
    try:
        indicator = data["indicators"][loc[1]]
        if len(loc) < 4 or loc[2] != "items":
            return ("indicators", indicator["id"]) + loc[2:]
        item = indicator["items"][loc[3]]
        if len(loc) < 6 or loc[4] != "checks":
            return ("items", item["id"]) + loc[4:]
        return ("items", item["id"], "checks", item["checks"][loc[5]]["id"]) + loc[6:]
    except (KeyError, IndexError, TypeError):
        return loc


@dataclass(frozen=True)
class Lineage:
    """The rule sets a rule set extends (nearest first) and what each changed (base first)."""

    bases: tuple[BaseRef, ...] = ()
    changes: tuple[SchemeChange, ...] = ()


@dataclass
class Layer:
    """A rule set's data as parsed (merged, for a variant), and where each part was written."""

    data: dict
    docs: list[Document]
    digest: str
    lineage: Lineage = Lineage()
    _origin: Origin | None = None

    @classmethod
    def root(cls, doc: Document, raw: bytes) -> "Layer":
        return cls(doc.data, [doc], hashlib.sha256(raw).hexdigest())

    @property
    def origin(self) -> Origin:
        if self._origin is None:  # a rule set nobody extends never needs it
            self._origin = Origin.of(self.docs[0])
        return self._origin

    @property
    def located(self) -> "Document | Located":
        """What the loader reports problems through: the file itself, or the files merged."""
        return self.docs[0] if self.data is self.docs[0].data else Located(self)


class Located:
    """A merged rule set seen as one document: a problem is reported at the file and line that
    wrote the part it is about (duck-types loading.Document for load_model)."""

    def __init__(self, layer: Layer):
        self.data = layer.data
        self.origin = layer.origin
        self.problems = [p for doc in layer.docs for p in doc.problems]

    def problem(self, loc: tuple, message: str, key: bool = False) -> Problem:
        source = self.origin.locate(id_path(self.data, tuple(loc)))
        return source.doc.problem(source.loc, message, key)


def parent(doc: Document) -> str | None:
    """The rule set `doc` extends, if it says so."""
    ref = doc.data.get("extends") if isinstance(doc.data, dict) else None
    if ref is not None and not (isinstance(ref, str) and ref.strip()):
        raise InputError([doc.problem(("extends",), "extends 应为所继承的规则集：内置规则集的编号（如 national-2009），或规则集文件的路径")])
    return ref


def check_chain(doc: Document, identity: str, chain: tuple[str, ...]) -> None:
    """Refuse a rule set that extends itself, directly or not, or stands too far from its root."""
    if identity in chain:
        loop = " → ".join(chain[chain.index(identity):] + (identity,))
        raise InputError([doc.problem(("extends",), f"规则集循环继承：{loop}")])
    if len(chain) >= MAX_DEPTH:
        raise InputError([doc.problem(("extends",), f"继承层数超过 {MAX_DEPTH} 层：{' → '.join(chain + (identity,))}；请直接继承更上层的规则集")])


def extend(base: Layer, doc: Document, raw: bytes) -> Layer:
    """The variant in `doc` applied to `base` (a rule set already checked)."""
    load_model(doc, _variant())  # the shape of the changes, at their lines
    merge = _Merge(base, doc, (), author=doc.data["id"])
    for key, value in doc.data.items():
        if key in ("id", "version", "title", "source"):  # what it is, not what it changes
            merge.data[key] = value
            merge.places[(key,)] = Source(doc, (key,))
        elif key not in OWN:
            merge.top(key, value)
    merge.items(doc.data.get("indicators") or {}, doc.data.get("items") or {})
    ref = BaseRef(id=base.data["id"], version=base.data["version"], title=base.data["title"], digest=base.digest)
    mine = sorted(merge.changes, key=lambda c: int(c.source.rsplit(":", 1)[1]))  # in the order written
    lineage = Lineage((ref,) + base.lineage.bases, base.lineage.changes + tuple(mine))
    digest = hashlib.sha256(f"{base.digest}\n".encode() + raw).hexdigest()
    return merge.done(digest, lineage)


def change_items(base: Layer, source: Source) -> Layer:
    """`base` with the item changes written at `source` (a community kind's `items:`); not recorded
    as changes of the rule set: they belong to one kind of community."""
    merge = _Merge(base, source.doc, source.loc, author=None)
    merge.items({}, _at(source.doc.data, source.loc).get("items") or {})
    return merge.done(base.digest, base.lineage)


def _at(data: Any, loc: tuple) -> Any:
    for segment in loc:
        data = data[segment]
    return data


def _flat(value: Any) -> Any:
    """A value worth listing in a change: a scalar, or a list or mapping of scalars; not a whole section."""
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return value if all(not isinstance(v, (dict, list)) for v in inner) else None


@dataclass
class _Merge:
    """One variant (or one community kind) being applied to a base."""

    base: Layer
    doc: Document
    at: tuple
    author: str | None
    data: dict = field(init=False)
    places: dict = field(init=False)
    changes: list[SchemeChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.data = dict(self.base.data)
        self.places = dict(self.base.origin.places)

    def done(self, digest: str, lineage: Lineage) -> Layer:
        if self.problems:
            raise InputError(self.problems)
        docs = self.base.docs + ([self.doc] if self.doc not in self.base.docs else [])
        return Layer(self.data, docs, digest, lineage, Origin(self.places))

    def note(self, action: str, target: str, loc: tuple, name: str | None = None, base: Any = None, value: Any = None) -> None:
        if self.author is None:
            return
        line, _ = self.doc.where(loc, key=True)
        self.changes.append(SchemeChange(
            scheme=self.author, action=action, target=target, field=name,
            base=_flat(base), value=_flat(value), source=f"{self.doc.file}:{line}",
        ))

    def refuse(self, loc: tuple, message: str) -> None:
        self.problems.append(self.doc.problem(loc, message, key=True))

    def set(self, path: tuple, loc: tuple, value: Any, target: str, name: str | None, old: Any = None, known: bool = True) -> None:
        self.places[path] = Source(self.doc, loc)
        self.note("changed" if known else "added", target, loc, name, old, value)

    def citing(self, cited: str) -> list[str]:
        """The checks of other items that cite `cited` (an item `3.3`, or a check `3.3/pledges`) by `see`."""
        return [f"{item['id']}/{c['id']}" for group in self.data["indicators"] for item in group["items"]
                if item["id"] != cited for c in item["checks"]
                if (see := str(c.get("see") or "")) == cited or see.startswith(f"{cited}/")]

    # -- top-level sections --------------------------------------------------------------------

    def top(self, key: str, value: Any) -> None:
        loc = self.at + (key,)
        old = self.data.get(key)
        if key not in BY_KEY or not isinstance(value, dict) or not isinstance(old, dict):
            self.data[key] = value
            self.set((key,), loc, value, key, None, old, known=key in self.base.data)
            return
        merged = dict(old)
        for sub, new in value.items():
            inner = BY_ITEM.get(key) == sub and isinstance(new, dict) and isinstance(old.get(sub), dict)
            if inner:
                merged[sub] = {**old[sub], **new}
                for name in new:
                    self.set((key, sub, name), loc + (sub, name), new[name], f"{key}.{sub}", name, old[sub].get(name), name in old[sub])
            else:
                merged[sub] = new
                self.set((key, sub), loc + (sub,), new, key, sub, old.get(sub), sub in old)
        self.data[key] = merged

    # -- indicators, items and checks ----------------------------------------------------------

    def items(self, indicators: dict, items: dict) -> None:
        groups = {ind["id"]: dict(ind, items={i["id"]: i for i in ind["items"]}) for ind in self.base.data["indicators"]}
        for key, change in indicators.items():
            self._indicator(groups, key, change)
        owner = {item_id: ind_id for ind_id, group in groups.items() for item_id in group["items"]}
        for key, change in items.items():
            loc = self.at + ("items", key)
            if key in owner:
                self._item(groups[owner[key]]["items"], key, change, loc)
            else:
                self._new_item(groups, key, change, loc)
        self.data["indicators"] = [
            dict(group, items=list(group["items"].values())) for group in groups.values()
            if group["items"] or group["id"] not in {i["id"] for i in self.base.data["indicators"]}
        ]

    def _indicator(self, groups: dict, key: str, change: dict) -> None:
        loc = self.at + ("indicators", key)
        if "remove" in change:
            if key not in groups:
                return self.refuse(loc, f"基础规则集中没有指标 {key}，无从删除")
            del groups[key]
            return self.note("removed", f"指标 {key}", loc, "remove", value=change["remove"])
        if key in groups:
            for name, value in change.items():
                old = groups[key].get(name)
                groups[key][name] = value
                self.set(("indicators", key, name), loc + (name,), value, f"指标 {key}", name, old)
            return None
        if "title" not in change:
            return self.refuse(loc, f"基础规则集中没有指标 {key}：改写已有指标请核对编号；新增指标须写 title")
        groups[key] = {"id": key, **change, "items": {}}
        self.places["indicators", key] = Source(self.doc, loc)
        return self.note("added", f"指标 {key}", loc)

    def _item(self, siblings: dict, key: str, change: dict, loc: tuple) -> None:
        if "remove" in change:
            if cited := self.citing(key):
                return self.refuse(loc, f"条目 {key} 的检查被 {'、'.join(cited)} 引用（see）：请先改写或删除这些引用")
            del siblings[key]
            scoring = self.data.get("scoring")
            if isinstance(scoring, dict) and key in (scoring.get("items") or {}):  # its points go with it
                self.data["scoring"] = dict(scoring, items={k: v for k, v in scoring["items"].items() if k != key})
            return self.note("removed", key, loc, "remove", value=change["remove"])
        item = siblings[key] = dict(siblings[key])
        for name, value in change.items():
            if name != "checks":
                old = item.get(name)
                item[name] = value
                self.set(("items", key, name), loc + (name,), value, key, name, old, old is not None)
        if change.get("checks"):
            self._checks(key, item, change["checks"], loc + ("checks",))
        return None

    def _new_item(self, groups: dict, key: str, change: dict, loc: tuple) -> None:
        if "remove" in change:
            return self.refuse(loc, f"基础规则集中没有条目 {key}，无从删除")
        if "text" not in change or not change.get("checks"):
            return self.refuse(loc, f"基础规则集中没有条目 {key}：改写已有条目请核对编号；新增条目须写 text 和 checks")
        group = groups.get(key.split(".")[0])
        if group is None:
            return self.refuse(loc, f"没有指标 {key.split('.')[0]}：新增条目须属于已有的一级指标，或先在 indicators 中新增该指标")
        checks = []
        for check_id, spec in change["checks"].items():
            if "remove" in spec:
                self.refuse(loc + ("checks", check_id), f"新增条目 {key} 中没有检查 {check_id}，无从删除")
                continue
            checks.append({"id": check_id, **spec})
            self.places["items", key, "checks", check_id] = Source(self.doc, loc + ("checks", check_id))
        group["items"][key] = {"id": key, **{k: v for k, v in change.items() if k != "checks"}, "checks": checks}
        self.places["items", key] = Source(self.doc, loc)
        return self.note("added", key, loc)

    def _checks(self, item_id: str, item: dict, changes: dict, loc: tuple) -> None:
        checks = {c["id"]: c for c in item["checks"]}
        for check_id, change in changes.items():
            where, target = loc + (check_id,), f"{item_id}/{check_id}"
            path = ("items", item_id, "checks", check_id)
            if check_id not in checks:
                if "remove" in change or "requirement" not in change:
                    self.refuse(where, f"条目 {item_id} 中没有检查 {check_id}（现有：{'、'.join(checks)}）："
                                       "改写已有检查请核对编号；新增检查须写 requirement 和 primitive（或 see）")
                    continue
                checks[check_id] = {"id": check_id, **change}
                self.places[path] = Source(self.doc, where)
                self.note("added", target, where)
            elif "remove" in change:
                if cited := self.citing(target):
                    self.refuse(where, f"检查 {target} 被 {'、'.join(cited)} 引用（see）：请先改写或删除这些引用")
                    continue
                del checks[check_id]
                self.note("removed", target, where, "remove", value=change["remove"])
            else:
                check = checks[check_id] = dict(checks[check_id])
                for name, value in change.items():
                    old = check.get(name)
                    if name == "params" and isinstance(value, dict) and isinstance(old, dict):
                        value = {**old, **value}
                    check[name] = value
                    self.set(path + (name,), where + (name,), value, target, name, old, old is not None)
        item["checks"] = list(checks.values())
