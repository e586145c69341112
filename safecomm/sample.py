"""Template sample data is never graded as real.

`safecomm init` writes a template whose records are examples. A record or section still exactly
as the template has it is sample data: it is left out of grading, and every output says so
until the clerk replaces it. It is recognised by content, so the YAML template, the workbook
template, or a copy passed on by a colleague are caught the same way.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from pydantic import BaseModel

from .evidence import COLLECTIONS, Evidence, unordered
from .measure import natural_key
from .rulecache import parsed_data

SINGLE = ("agreements", "publicity", "workforce_training", "feedback")


@lru_cache(maxsize=1)
def template() -> Evidence:
    """The template `safecomm init` writes, as a model."""
    raw = (resources.files("safecomm") / "templates" / "evidence.yaml").read_bytes()
    return Evidence.model_validate(parsed_data(raw, "templates/evidence.yaml"))  # parsed once, not in every run


def _plain(record) -> object:
    """A record as data with its lists sorted: members or topics in another order are still the sample."""
    return unordered(record.model_dump(mode="json")) if record is not None else None


def _same(mine, theirs) -> bool:
    """The same record, lists in any order (cheap checks first: this runs for every assessment)."""
    if mine is None or theirs is None or type(mine) is not type(theirs):
        return False
    a, b = mine.__dict__, theirs.__dict__
    for name, value in a.items():
        if not isinstance(value, (list, dict, BaseModel)) and value != b[name]:
            return False
    return mine == theirs or _plain(mine) == _plain(theirs)


def _among(record, theirs: list) -> bool:
    return any(_same(record, t) for t in theirs)


def split(ev: Evidence) -> tuple[Evidence, list[str]]:
    """The evidence without its sample data, and what was left out (`documents D-001`, `publicity`)."""
    t = template()
    left_out: list[str] = []
    update: dict = {}
    for name in COLLECTIONS:
        theirs = {r.id: r for r in getattr(t, name)}
        kept = [r for r in getattr(ev, name) if not _same(r, theirs.get(r.id))]
        if len(kept) < len(getattr(ev, name)):
            left_out += [f"{name} {r.id}" for r in sorted(getattr(ev, name), key=lambda r: natural_key(r.id)) if _same(r, theirs.get(r.id))]
            update[name] = kept
    budget = [b for b in ev.budget if b not in t.budget]
    if len(budget) < len(ev.budget):
        left_out.append("budget " + "、".join(sorted(str(b.year) for b in ev.budget if b in t.budget)))
        update["budget"] = budget
    emergency = {}
    for name in ("teams", "equipment"):
        mine, theirs = getattr(ev.emergency, name), getattr(t.emergency, name)
        kept = [r for r in mine if not _among(r, theirs)]
        if len(kept) < len(mine):
            left_out += [f"emergency.{name} {r.id}" for r in sorted(mine, key=lambda r: natural_key(r.id)) if _among(r, theirs)]
            emergency[name] = kept
    if emergency:
        update["emergency"] = ev.emergency.model_copy(update=emergency)
    injuries = {}
    for name in ("sources", "reports_to"):
        if getattr(ev.injuries, name) and sorted(getattr(ev.injuries, name)) == sorted(getattr(t.injuries, name)):
            left_out.append(f"injuries.{name}")
            injuries[name] = []
    years = [y for y in ev.injuries.years if not _among(y, t.injuries.years)]
    if len(years) < len(ev.injuries.years):
        left_out.append("injuries.years " + "、".join(sorted(str(y.year) for y in ev.injuries.years if _among(y, t.injuries.years))))
        injuries["years"] = years
    if injuries:
        update["injuries"] = ev.injuries.model_copy(update=injuries)
    for name in SINGLE:
        mine, theirs = getattr(ev, name), getattr(t, name)
        if mine is None or not mine.model_fields_set or theirs is None:
            continue
        if _same(mine, theirs):
            left_out.append(name)
        else:  # an edited section whose other figures are still the template's (85 已签订 of 36 应签订)
            kept = [f"{name}.{f}" for f, v in mine if isinstance(v, int) and not isinstance(v, bool) and v
                    and f in mine.model_fields_set and v == getattr(theirs, f)]
            if not kept:
                continue
            left_out += kept
        update[name] = type(mine)() if name == "publicity" else None
    if not update:
        return ev, left_out
    real = ev.model_copy(update=update)
    real._attachments = ev.attachments
    return real, left_out


def community_is_sample(ev: Evidence) -> bool:
    return ev.community.name == template().community.name
