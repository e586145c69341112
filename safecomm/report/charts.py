"""Small charts drawn from the assessment's figures: no plotting library, same input → same output.

Each chart is a `Drawing`: a list of lines, rectangles and texts on a 640-unit-wide plane. It
prints as an inline `<svg>` (HTML and PDF, scaled to the text block) or as a PNG (Word, which
does not take SVG from python-docx), so both show the same picture. Colours stay readable when
printed in black and white: bars carry their value as text, and reference lines are dashed and
labelled.
"""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from dataclasses import dataclass, field

from markupsafe import Markup, escape

WIDTH = 640
FONT_SIZE = 13
INK = "#222"
GRID = "#bbb"
BAR = "#5b7fa6"
TARGET = "#2f6f3e"
VETO = "#c0504d"
GRADE_FILL = {"A": "#5f9e6e", "B": "#d9a441", "C": "#c0504d"}
PNG_SCALE = 3  # pixels per unit: 1920 px across, about 300 dpi over the 156 mm text block
LABEL = 40  # characters of a label shown; a longer one (a project's name) ends in …


@dataclass
class Drawing:
    height: int
    label: str
    font: str  # the SVG font-family; the PNG takes a font file instead
    shapes: list[tuple] = field(default_factory=list)

    def line(self, x1: float, y1: float, x2: float, y2: float, color: str = INK, width: float = 1, dash: bool = False) -> None:
        self.shapes.append(("line", x1, y1, x2, y2, color, width, dash))

    def rect(self, x: float, y: float, w: float, h: float, fill: str, stroke: str | None = None) -> None:
        self.shapes.append(("rect", x, y, w, h, fill, stroke))

    def text(self, x: float, y: float, text: object, anchor: str = "start", size: int | None = None, fill: str | None = None) -> None:
        text = str(text)
        if len(text) > LABEL:
            text = text[:LABEL - 1] + "…"
        self.shapes.append(("text", x, y, text, anchor, size, fill))

    @property
    def svg(self) -> Markup:
        body = []
        for shape in self.shapes:
            kind, *a = shape
            if kind == "line":
                x1, y1, x2, y2, color, width, dash = a
                extra = (f' stroke-width="{width}"' if width != 1 else "") + (' stroke-dasharray="6 4"' if dash else "")
                body.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}"{extra}/>')
            elif kind == "rect":
                x, y, w, h, fill, stroke = a
                outline = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"{outline}/>')
            else:
                x, y, text, anchor, size, fill = a
                extra = (f' font-size="{size}"' if size else "") + (f' fill="{fill}"' if fill else "")
                body.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>')
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {self.height}" width="100%" '
            f'role="img" aria-label="{escape(self.label)}" font-family="{escape(self.font)}" font-size="{FONT_SIZE}" fill="{INK}">'
            + "".join(body) + "</svg>"
        )

    def png(self, font_file: str, font_index: int = 0) -> bytes:
        """The same picture as a PNG, its text in `font_file` (a CJK font: labels are Chinese)."""
        from PIL import Image, ImageDraw, ImageFont

        s = PNG_SCALE
        image = Image.new("RGB", (WIDTH * s, self.height * s), "white")
        draw = ImageDraw.Draw(image)
        fonts: dict[int, ImageFont.FreeTypeFont] = {}
        for shape in self.shapes:
            kind, *a = shape
            if kind == "line":
                x1, y1, x2, y2, color, width, dash = a
                for start, end in _dashes((x1, y1), (x2, y2)) if dash else [((x1, y1), (x2, y2))]:
                    draw.line([start[0] * s, start[1] * s, end[0] * s, end[1] * s], fill=color, width=max(1, round(width * s)))
            elif kind == "rect":
                x, y, w, h, fill, stroke = a
                draw.rectangle([x * s, y * s, (x + w) * s, (y + h) * s], fill=fill, outline=stroke, width=s if stroke else 0)
            else:
                x, y, text, anchor, size, fill = a
                size = size or FONT_SIZE
                if size not in fonts:
                    fonts[size] = ImageFont.truetype(font_file, size * s, index=font_index)
                anchor = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
                draw.text((x * s, y * s), text, font=fonts[size], fill=fill or INK, anchor=anchor)
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue()


def _dashes(start: tuple[float, float], end: tuple[float, float], on: float = 6, off: float = 4):
    """The drawn pieces of a dashed line (SVG's `stroke-dasharray="6 4"`)."""
    length = math.dist(start, end)
    dx, dy = ((end[0] - start[0]) / length, (end[1] - start[1]) / length) if length else (0, 0)
    at = 0.0
    while at < length:
        stop = min(at + on, length)
        yield (start[0] + dx * at, start[1] + dy * at), (start[0] + dx * stop, start[1] + dy * stop)
        at = stop + off


@functools.cache
def png_font(sans_file: str | None = None) -> tuple[str, int]:
    """The font file (and collection index) PNG charts are drawn in: the user's `--font-sans`
    file, else Noto Sans CJK SC as fontconfig finds it (the face the SVG charts name): asked once
    per process, as each ask starts fc-match."""
    if sans_file:
        return str(sans_file), 0
    found = []
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "--format=%{file}\n%{index}\n%{family}", "Noto Sans CJK SC:lang=zh-cn"],
                               capture_output=True, text=True, check=False).stdout.split("\n")
    if len(found) < 3 or "Noto Sans CJK" not in found[2]:
        from ..loading import InputError, Problem

        raise InputError([Problem("图表", 0, 0, "", "找不到中文字体 Noto Sans CJK SC（图表文字用它）：请运行 setup.sh "
                                  "安装 fonts-noto-cjk，或用 --font-sans 指定字体文件")])
    return found[0], int(found[1] or 0)


def _axis(value: float) -> tuple[int, int]:
    """An axis top at or above `value` and a whole-number tick step giving at most five ticks."""
    step = 1
    while True:
        for m in (1, 2, 5):
            tick = step * m
            if tick * 5 >= value:
                return tick * max(1, math.ceil(value / tick)), tick
        step *= 10


def bars(data: list[tuple[str, int]], unit: str, font: str, line: tuple[float, str] | None = None) -> Drawing:
    """Vertical bars, one per label, with the value above each; optional horizontal reference line."""
    height, top, bottom, left, right = 140, 22, 28, 52, 80
    plot_h = height - top - bottom
    top_value, step = _axis(max([v * 1.15 for _, v in data] + [line[0] * 2 if line else 0, 1]))
    y = lambda v: top + plot_h * (1 - v / top_value)  # noqa: E731 - a one-line scale
    d = Drawing(height, unit, font)
    for v in range(0, top_value + 1, step):
        d.line(left, y(v), WIDTH - right, y(v), GRID, 0.5)
        d.text(left - 6, y(v) + 4, v, "end", 11)
    d.text(left - 6, top - 10, unit, "end", 11)
    slot = (WIDTH - left - right) / len(data)
    width = min(slot * 0.6, 70)
    for i, (label, value) in enumerate(data):
        x = left + slot * i + (slot - width) / 2
        d.rect(x, y(value), width, y(0) - y(value), BAR)
        d.text(x + width / 2, y(value) - 5, value, "middle")
        d.text(x + width / 2, height - bottom + 18, label, "middle", 12)
    d.line(left, y(0), WIDTH - right, y(0))
    if line:
        value, label = line
        d.line(left, y(value), WIDTH - right, y(value), VETO, 1.5, dash=True)
        d.text(WIDTH - right + 6, y(value) + 4, label, "start", 11, VETO)
    return d


def stacked(data: list[tuple[str, dict[str, int]]], font: str) -> Drawing:
    """One horizontal bar per indicator, split into its A, B and C items, with a legend."""
    row, top, left, right = 18, 28, 250, 40
    most = max(sum(counts.values()) for _, counts in data) or 1
    scale = (WIDTH - left - right) / most
    d = Drawing(top + row * len(data) + 10, "各指标的条目等级", font)
    for i, grade in enumerate("ABC"):
        x = left + i * 70
        d.rect(x, 6, 14, 12, GRADE_FILL[grade])
        d.text(x + 19, 16, f"{grade} 级", size=12)
    for r, (label, counts) in enumerate(data):
        y = top + r * row
        d.text(left - 8, y + 13, label, "end", 12)
        x = float(left)
        for grade in "ABC":
            n = counts.get(grade, 0)
            if n:
                d.rect(x, y + 2, n * scale, row - 5, GRADE_FILL[grade], stroke="#fff")
                d.text(x + n * scale / 2, y + 13, n, "middle", 10, "#fff")
                x += n * scale
    return d


def ratios(data: list[tuple[str, float | None, str]], lines: list[tuple[float, str, str]], font: str) -> Drawing:
    """Horizontal bars from 0 to 100% labelled with their text, and dashed vertical reference
    lines (value, label, colour), e.g. the 50% target and the 30% veto."""
    row, top, left, right = 28, 34, 200, 30
    height = top + row * len(data) + 24
    span = WIDTH - left - right
    x = lambda v: left + span * min(max(v, 0.0), 1.0)  # noqa: E731 - a one-line scale
    d = Drawing(height, "重点项目相关人群参与度", font)
    for tick in range(0, 101, 20):
        d.line(x(tick / 100), top - 4, x(tick / 100), height - 20, GRID, 0.5)
        d.text(x(tick / 100), height - 6, f"{tick}%", "middle", 11)
    for r, (label, rate, shown) in enumerate(data):
        y = top + r * row
        d.text(left - 8, y + 15, label, "end", 12)
        if rate is None:
            d.text(left + 4, y + 15, shown, size=11, fill="#888")
            continue
        d.rect(left, y + 3, x(rate) - left, row - 10, BAR)
        d.text(x(rate) + 4, y + 15, shown, size=11)
    for value, label, color in lines:
        d.line(x(value), top - 8, x(value), height - 20, color, 1.5, dash=True)
        d.text(x(value), top - 12, label, "middle", 11, color)
    return d
