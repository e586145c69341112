"""Template sample data is never graded as real.

`safecomm init` writes a template whose records are examples. A record or section still exactly
as the template has it is sample data: it is left out of grading, and every output says so
until the clerk replaces it. It is recognised by content, so the YAML template, the workbook
template, or a copy passed on by a colleague are caught the same way.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from .evidence import COLLECTIONS, Evidence, unordered

SINGLE = ("agreements", "publicity", "workforce_training", "feedback")


@lru_cache(maxsize=1)
def template() -> Evidence:
    """The template `safecomm init` writes, as a model."""
    raw = (resources.files("safecomm") / "templates" / "evidence.yaml").read_text(encoding="utf-8")
    return Evidence.model_validate(yaml.safe_load(raw))


def same(mine, theirs) -> bool:
    """The same content, whatever the order of lists inside (records, topics, sources)."""
    if mine is None or theirs is None:
        return mine is theirs
    if isinstance(mine, list):
        return sorted(map(_plain, mine), key=repr) == sorted(map(_plain, theirs), key=repr)
    return _plain(mine) == _plain(theirs)


def _plain(value):
    if hasattr(value, "model_dump"):
        return unordered(value.model_dump(mode="json", exclude_none=True))
    return value


def _among(record, theirs: list) -> bool:
    return any(same(record, t) for t in theirs)


def split(ev: Evidence) -> tuple[Evidence, list[str]]:
    """The evidence without its sample data, and what was left out (`documents D-001`, `publicity`)."""
    t = template()
    left_out: list[str] = []
    update: dict = {}
    for name in COLLECTIONS:
        theirs = {r.id: r for r in getattr(t, name)}
        sample = [r for r in getattr(ev, name) if r.id in theirs and same(r, theirs[r.id])]
        if sample:
            left_out += [f"{name} {r.id}" for r in sample]
            update[name] = [r for r in getattr(ev, name) if r not in sample]
    budget = [b for b in ev.budget if not _among(b, t.budget)]
    if len(budget) < len(ev.budget):
        left_out.append("budget " + "、".join(str(b.year) for b in ev.budget if _among(b, t.budget)))
        update["budget"] = budget
    emergency = {}
    for name in ("teams", "equipment"):
        mine, theirs = getattr(ev.emergency, name), getattr(t.emergency, name)
        kept = [r for r in mine if not _among(r, theirs)]
        if len(kept) < len(mine):
            left_out += [f"emergency.{name} {r.id}" for r in mine if _among(r, theirs)]
            emergency[name] = kept
    if emergency:
        update["emergency"] = ev.emergency.model_copy(update=emergency)
    injuries = {}
    for name in ("sources", "reports_to"):
        if getattr(ev.injuries, name) and same(getattr(ev.injuries, name), getattr(t.injuries, name)):
            left_out.append(f"injuries.{name}")
            injuries[name] = []
    years = [y for y in ev.injuries.years if not _among(y, t.injuries.years)]
    if len(years) < len(ev.injuries.years):
        left_out.append("injuries.years " + "、".join(str(y.year) for y in ev.injuries.years if _among(y, t.injuries.years)))
        injuries["years"] = years
    if injuries:
        update["injuries"] = ev.injuries.model_copy(update=injuries)
    for name in SINGLE:
        mine = getattr(ev, name)
        if mine is not None and mine.model_fields_set and same(mine, getattr(t, name)):
            left_out.append(name)
            update[name] = type(mine)() if name == "publicity" else None
    if not update:
        return ev, left_out
    real = ev.model_copy(update=update)
    real._attachments = ev.attachments
    return real, left_out


def community_is_sample(ev: Evidence) -> bool:
    return ev.community.name == template().community.name
