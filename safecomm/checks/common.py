"""Small helpers the primitives share: naming records in a detail line, and the calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

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
    return list(getattr(record, "files", None) or ([record.file] if getattr(record, "file", None) else []))
