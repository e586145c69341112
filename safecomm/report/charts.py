"""Small SVG charts drawn from the assessment's figures: no plotting library, same input → same text.

Each function returns an `<svg>` string (already escaped) that is 640 units wide and scales to
the width of the text block. Colours stay readable when printed in black and white: bars carry
their value as text, and reference lines are dashed and labelled.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

WIDTH = 640
INK = "#222"
GRID = "#bbb"
BAR = "#5b7fa6"
TARGET = "#2f6f3e"
VETO = "#c0504d"
GRADE_FILL = {"A": "#5f9e6e", "B": "#d9a441", "C": "#c0504d"}
LABEL = 40  # characters of a label shown; a longer one (a project's name) ends in …


def _svg(height: int, font: str, body: list[str], label: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(label)}" font-family="{escape(font)}" font-size="13" fill="{INK}">'
        + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: object, anchor: str = "start", size: int | None = None, fill: str | None = None) -> str:
    extra = (f' font-size="{size}"' if size else "") + (f' fill="{fill}"' if fill else "")
    text = str(text)
    if len(text) > LABEL:
        text = text[:LABEL - 1] + "…"
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(str(text))}</text>'


def _axis(value: float) -> tuple[int, int]:
    """An axis top at or above `value` and a whole-number tick step giving at most five ticks."""
    step = 1
    while True:
        for m in (1, 2, 5):
            tick = step * m
            if tick * 5 >= value:
                return tick * max(1, math.ceil(value / tick)), tick
        step *= 10


def bars(data: list[tuple[str, int]], unit: str, font: str, line: tuple[float, str] | None = None) -> Markup:
    """Vertical bars, one per label, with the value above each; optional horizontal reference line."""
    height, top, bottom, left, right = 140, 22, 28, 52, 80
    plot_h = height - top - bottom
    top_value, step = _axis(max([v * 1.15 for _, v in data] + [line[0] * 2 if line else 0, 1]))
    y = lambda v: top + plot_h * (1 - v / top_value)  # noqa: E731 - a one-line scale
    body = []
    for v in range(0, top_value + 1, step):
        body.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{WIDTH - right}" y2="{y(v):.1f}" stroke="{GRID}" stroke-width="0.5"/>')
        body.append(_text(left - 6, y(v) + 4, v, "end", 11))
    body.append(_text(left - 6, top - 10, unit, "end", 11))
    slot = (WIDTH - left - right) / len(data)
    width = min(slot * 0.6, 70)
    for i, (label, value) in enumerate(data):
        x = left + slot * i + (slot - width) / 2
        body.append(f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{width:.1f}" height="{y(0) - y(value):.1f}" fill="{BAR}"/>')
        body.append(_text(x + width / 2, y(value) - 5, value, "middle"))
        body.append(_text(x + width / 2, height - bottom + 18, label, "middle", 12))
    body.append(f'<line x1="{left}" y1="{y(0):.1f}" x2="{WIDTH - right}" y2="{y(0):.1f}" stroke="{INK}"/>')
    if line:
        value, label = line
        body.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{WIDTH - right}" y2="{y(value):.1f}" stroke="#c0504d" stroke-width="1.5" stroke-dasharray="6 4"/>')
        body.append(_text(WIDTH - right + 6, y(value) + 4, label, "start", 11, VETO))
    return _svg(height, font, body, unit)


def stacked(data: list[tuple[str, dict[str, int]]], font: str) -> Markup:
    """One horizontal bar per indicator, split into its A, B and C items, with a legend."""
    row, top, left, right = 18, 28, 250, 40
    height = top + row * len(data) + 10
    most = max(sum(counts.values()) for _, counts in data) or 1
    scale = (WIDTH - left - right) / most
    body = []
    for i, grade in enumerate("ABC"):
        x = left + i * 70
        body.append(f'<rect x="{x}" y="6" width="14" height="12" fill="{GRADE_FILL[grade]}"/>')
        body.append(_text(x + 19, 16, f"{grade} 级", size=12))
    for r, (label, counts) in enumerate(data):
        y = top + r * row
        body.append(_text(left - 8, y + 13, label, "end", 12))
        x = float(left)
        for grade in "ABC":
            n = counts.get(grade, 0)
            if n:
                body.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{n * scale:.1f}" height="{row - 5}" fill="{GRADE_FILL[grade]}" stroke="#fff" stroke-width="1"/>')
                body.append(_text(x + n * scale / 2, y + 13, n, "middle", 10, "#fff"))
                x += n * scale
    return _svg(height, font, body, "各指标的条目等级")


def ratios(data: list[tuple[str, float | None, str]], lines: list[tuple[float, str, str]], font: str) -> Markup:
    """Horizontal bars from 0 to 100% labelled with their text, and dashed vertical reference
    lines (value, label, colour), e.g. the 50% target and the 30% veto."""
    row, top, left, right = 28, 34, 200, 30
    height = top + row * len(data) + 24
    span = WIDTH - left - right
    x = lambda v: left + span * min(max(v, 0.0), 1.0)  # noqa: E731 - a one-line scale
    body = []
    for tick in range(0, 101, 20):
        body.append(f'<line x1="{x(tick / 100):.1f}" y1="{top - 4}" x2="{x(tick / 100):.1f}" y2="{height - 20}" stroke="{GRID}" stroke-width="0.5"/>')
        body.append(_text(x(tick / 100), height - 6, f"{tick}%", "middle", 11))
    for r, (label, rate, shown) in enumerate(data):
        y = top + r * row
        body.append(_text(left - 8, y + 15, label, "end", 12))
        if rate is None:
            body.append(_text(left + 4, y + 15, shown, size=11, fill="#888"))
            continue
        body.append(f'<rect x="{left}" y="{y + 3}" width="{x(rate) - left:.1f}" height="{row - 10}" fill="{BAR}"/>')
        body.append(_text(x(rate) + 4, y + 15, shown, size=11))
    for value, label, color in lines:
        body.append(f'<line x1="{x(value):.1f}" y1="{top - 8}" x2="{x(value):.1f}" y2="{height - 20}" stroke="{color}" stroke-width="1.5" stroke-dasharray="6 4"/>')
        body.append(_text(x(value), top - 12, label, "middle", 11, color))
    return _svg(height, font, body, "重点项目相关人群参与度")
