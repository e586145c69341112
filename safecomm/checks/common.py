"""Small helpers the primitives share: naming records in a detail line, and the calendar."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from ..evidence import Document
from ..measure import natural_key

if TYPE_CHECKING:
    from ..index import Index

SHOWN = 6


def cite(ids: Iterable[str]) -> str:
    """`A-1、A-2、A-10` (at most six, then 等N条)."""
    ordered = sorted(set(ids), key=natural_key)
    if not ordered:
        return "无"
    head = "、".join(ordered[:SHOWN])
    return head if len(ordered) <= SHOWN else f"{head} 等{len(ordered)}条"


def cite_found(found: Iterable) -> str:
    """`D-005（“检查”）、D-017`: the records a query matched, each with how it matched when that
    was read rather than written (at most six, then 等N条)."""
    ordered = sorted({f.id: f for f in found}.values(), key=lambda f: natural_key(f.id))
    if not ordered:
        return "无"
    head = "、".join(f"{f.id}（{f.how}）" if f.how else f.id for f in ordered[:SHOWN])
    return head if len(ordered) <= SHOWN else f"{head} 等{len(ordered)}条"


def seen(ids: Iterable[str]) -> str:
    """`（已见 A-1、A-2）` or nothing when there is nothing to cite."""
    ids = list(ids)
    return f"（已见 {cite(ids)}）" if ids else ""


def quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters(start: date, end: date) -> list[tuple[int, int]]:
    """Every calendar quarter that the period touches, in order."""
    out, (y, q) = [], quarter(start)
    while (y, q) <= quarter(end):
        out.append((y, q))
        y, q = (y, q + 1) if q < 4 else (y + 1, 1)
    return out


def events(ix: Index, record, in_period: bool = True) -> int:
    """How many of a row's events count: all of them (`count`, default 1) when the row lies within the
    period or the period does not matter; for a date range that crosses the period's edge, its share by
    days, at least one (the range touches the period, so one event at least may be in it)."""
    count = getattr(record, "count", 1)
    if not in_period:
        return count
    start, end = record.date, getattr(record, "end", None) or record.date
    if ix.period.start <= start and end <= ix.period.end:
        return count
    inside = (min(end, ix.period.end) - max(start, ix.period.start)).days + 1
    return max(1, count * inside // ((end - start).days + 1))


def total(ix: Index, found, in_period: bool = True) -> int:
    """Events over the records a query found: a row of 48 is 48 events."""
    return sum(events(ix, f.view.record, in_period) for f in found)


def spread(ix: Index, record, within: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """A row's events by quarter, over the quarters `within` (the period's). A single day is in its own
    quarter; a range of `count` events from its first to its last date is in each quarter it spans when
    it has an event for each (count ≥ quarters spanned, shared evenly), else only in the quarters of its
    first and last dates: nobody can tell where the rest fell."""
    if record.last == record.date:
        q = quarter(record.date)
        return {q: events(ix, record)} if q in within else {}
    span = [q for q in quarters(record.date, record.last) if q in within]
    count = events(ix, record)
    if len(span) <= 1 or count >= len(span):
        share, extra = divmod(count, len(span) or 1)
        return {q: share + (i < extra) for i, q in enumerate(span)}
    ends = list(dict.fromkeys(q for q in (quarter(record.date), quarter(record.last)) if q in within))
    return {q: 1 for q in ends[:count]}


def quarter_name(yq: tuple[int, int]) -> str:
    return f"{yq[0]}年第{yq[1]}季度"


def words(values: Iterable[object]) -> str:
    return "、".join(str(v) for v in values) or "任意"


def either(values: Iterable[object]) -> str:
    """`计划或方案`"""
    return "或".join(str(v) for v in values)


def filed(ix: Index, paths: list[str]) -> bool:
    """At least one attachment is cited and every one cited exists."""
    found = [ix.ev.attachments.get(path) for path in paths]
    return bool(found) and all(f is not None and not f.missing for f in found)


def files(record) -> list[str]:
    """The attachments a document or an activity cites."""
    if isinstance(record, Document):  # asking a model for a field it lacks raises inside pydantic: slow
        return [record.file] if record.file else []
    return list(record.files)


SEPARATORS = re.compile(r"[、，,；;]")


def listed(values: Iterable[str]) -> list[str]:
    """A list as the clerk meant it: `[卫生院、派出所]` written on one line is two entries."""
    return [v for value in values for v in (part.strip() for part in SEPARATORS.split(value)) if v]
