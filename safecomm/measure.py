"""What a check primitive returns, and the bounds a rule set compares it with.

Ratios are kept as exact fractions so that 499/1000 is below 50% and 4/5 is not more than
80%, with no floating-point rounding at the boundary.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from fractions import Fraction
from typing import Literal, NamedTuple

Unit = Literal["bool", "count", "ratio"]
Value = bool | int | Fraction | None

OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
WORDS = {">=": "不少于", ">": "大于", "<=": "不多于", "<": "少于", "==": "等于"}


class _Finding(NamedTuple):
    value: Value
    detail: str
    ids: tuple[str, ...]
    seen: bool
    unknown: bool
    hint: str | None


class Measure(_Finding):
    """A primitive's finding: the value (None when there is nothing to measure), one line in plain
    words saying what was seen (printed on the 申报表: no field names), the ids of the records used,
    whether any related evidence was seen (default: some record was cited), whether the question
    cannot be settled on paper because the bundle never uses the field it needs (`unknown`: asks
    for on-site confirmation, never makes C), and near misses for whoever fills in the evidence
    (`hint`, which may name fields). Immutable; a tuple, made some hundred times per assessment at
    a third of a frozen dataclass's cost."""

    __slots__ = ()

    def __new__(cls, value: Value, detail: str, ids: Iterable[str] = (), seen: bool | None = None,
                unknown: bool = False, hint: str | None = None) -> Measure:
        ids = tuple(sorted(set(ids), key=natural_key)) if ids else ()
        return tuple.__new__(cls, (value, detail, ids, bool(ids) if seen is None else seen, unknown, hint))


@functools.lru_cache(maxsize=1 << 16)
def natural_key(text: str) -> tuple:
    """Sort `A-2` before `A-10` (cached: the same ids are sorted by many checks)."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS.split(text))


_DIGITS = re.compile(r"(\d+)")


def ratio(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def format_value(value: Value, unit: Unit) -> str:
    if value is None:
        return "无数据"
    if unit == "bool":
        return "是" if value else "否"
    if unit == "ratio":
        return format_percent(Fraction(value))
    return str(int(value))


def format_percent(value: Fraction) -> str:
    """0.499 → `49.9%`, 0.5 → `50%`, 2/3 → `66.66%`: truncated to two decimals, so a value
    below a boundary never prints as the boundary itself."""
    exact = Fraction(value)
    hundredths = abs(exact.numerator) * 10000 // exact.denominator * (1 if exact >= 0 else -1)
    whole, frac = divmod(hundredths, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def format_points(value: float | Fraction) -> str:
    """`87.36`, `90`, `67.5`: points to two decimals at most, as the score sheets print them."""
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def as_number(value: Value) -> float | int | bool | None:
    """JSON form: exact ratios become floats rounded to 6 places."""
    if type(value) is Fraction:  # not isinstance: an int would go through the numbers ABCs' check
        return round(float(value), 6)
    return value
