"""Small helpers the primitives share: picking records and naming them in a detail line."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..measure import natural_key

SHOWN = 6


def cite(ids: Iterable[str]) -> str:
    """`A-1、A-2、A-10` (at most six, then 等N条)."""
    ordered = sorted(set(ids), key=natural_key)
    if not ordered:
        return "无"
    head = "、".join(ordered[:SHOWN])
    return head if len(ordered) <= SHOWN else f"{head} 等{len(ordered)}条"


def seen(ids: Iterable[str]) -> str:
    """`（已见 A-1、A-2）` or nothing when there is nothing to cite."""
    ids = list(ids)
    return f"（已见 {cite(ids)}）" if ids else ""


def mentions(keywords: Iterable[str], *texts: str | None) -> bool:
    """True when any keyword occurs in any of the texts (topics and titles are free text)."""
    keywords = list(keywords)
    return any(k in t for k in keywords for t in texts if t)


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
