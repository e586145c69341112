"""The papers as library functions: an assessment in, bytes out. The command line and the web
print the same 申报表 (PDF, HTML, Word, or a province's Word template) and the same 工作报告
through these.

The papers are deterministic (same inputs, same bytes), so `cache_key` over everything a paper
depends on is an exact cache key. The renderers are imported only when a paper is asked for:
WeasyPrint alone costs a second, and the command line's cold start must not pay it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .assessment import Assessment
from .loading import InputError, Problem, printable, read_input
from .report import PARTS

FONT_BYTES = 64 * 1024 * 1024  # a CJK font with every glyph is 20-60 MB
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
FONT_OPTIONS = {"title": "--font-title", "serif": "--font-serif", "sans": "--font-sans"}  # the command line's names
FOOTERS = ("page", "digest")  # the page number alone, or also the rule set and evidence digests on every page
KINDS = ("pdf", "html", "docx", "workreport-docx", "workreport-md")


@dataclass(frozen=True)
class FontFiles:
    """The user's font files for the papers: `title` (小标宋), `serif` (正文 仿宋), `sans` (表头与图表 黑体)."""

    title: Path | None = None
    serif: Path | None = None
    sans: Path | None = None

    def given(self) -> dict[str, Path]:
        return {role: path for role, path in (("title", self.title), ("serif", self.serif), ("sans", self.sans)) if path}

    def faces(self):
        from .report.html import Fonts

        return Fonts(title=self.title, serif=self.serif, sans=self.sans)


def check_fonts(fonts: FontFiles, names: dict[str, str] = FONT_OPTIONS) -> FontFiles:
    """Each given file must be a font (TrueType, OpenType, a collection or WOFF), not merely a path
    that exists; checked before any work. `names` words each role as the user gave it (an option,
    a form field)."""
    problems = []
    for role, path in fonts.given().items():
        try:
            head = read_input(path, limit=FONT_BYTES, what="字体文件")[:4]
        except InputError as exc:
            problems += [Problem(p.file, 0, 0, names[role], f"{p.message}：请给出 .ttf/.otf/.ttc 字体文件的路径") for p in exc.problems]
            continue
        if head not in FONT_MAGIC:
            problems.append(Problem(printable(str(path)), 0, 0, names[role], "不是字体文件：请给出 .ttf/.otf/.ttc 字体文件的路径"))
    if problems:
        raise InputError(problems)
    return fonts


def pdf(result: Assessment, fonts: FontFiles = FontFiles(), parts: tuple[str, ...] = PARTS, footer: str = "page") -> bytes:
    """The 申报表 as PDF: the chosen `parts` (all by default); `footer` "digest" prints the digests on every page."""
    from .report import html as page
    from .report import pdf as printer

    return printer.render(result, page.ASSETS, fonts.faces(), tuple(parts) or PARTS, footer)


def html(result: Assessment, fonts: FontFiles = FontFiles(), parts: tuple[str, ...] = PARTS, footer: str = "page") -> bytes:
    """The 申报表 as one self-contained HTML page (UTF-8), the page the PDF is printed from."""
    from .report import html as page

    return page.render(result, fonts.faces(), tuple(parts) or PARTS, footer).encode("utf-8")


def docx(result: Assessment, fonts: FontFiles = FontFiles(), parts: tuple[str, ...] = (), template: Path | None = None,
         footer: str = "page") -> bytes:
    """The Word 申报表: laid out by us (the chosen `parts`, else all of them, as its 备注 lists), or
    filled into a province's `template`, which then decides what is printed."""
    if template:
        if parts:
            raise InputError([Problem("--docx-template", 0, 0, "--only", "用 Word 模板时，模板本身决定输出哪些内容，不能再用 --only")])
        from .report import docx_template

        return docx_template.render(result, template)
    from .report import charts, word
    from .report import docx as layout

    parts = tuple(parts) or PARTS
    chart_font = charts.png_font(fonts.sans) if "图表" in parts else None
    return layout.render(result, word.word_fonts(fonts.title, fonts.serif, fonts.sans), parts, chart_font, footer)


def workreport(evidence, result: Assessment, scheme, fmt: str = "docx", fonts: FontFiles = FontFiles()) -> bytes:
    """The 工作报告 draft, as Word (`docx`) or Markdown (`md`, UTF-8)."""
    from .report import workreport as draft

    text = draft.compose(evidence, result, scheme)
    if fmt == "md":
        from .report import workreport_md

        return workreport_md.render(text).encode("utf-8")
    from .report import charts, word, workreport_docx

    return workreport_docx.render(text, word.word_fonts(fonts.title, fonts.serif, fonts.sans), charts.png_font(fonts.sans))


def _sha256(path: Path) -> str:
    from .loading import sha256_file

    return sha256_file(path)


def cache_key(kind: str, result: Assessment | str, parts: tuple[str, ...] = (), fonts: FontFiles = FontFiles(),
              template: Path | None = None, footer: str = "page") -> str:
    """SHA-256 over everything paper `kind` depends on: the assessment (its JSON holds the evidence
    and rule-set digests and the reviewer's layer; given as the object or its stored JSON text),
    the parts, the font files' and the template's contents, and the package's version."""
    from . import __version__

    if kind not in KINDS:
        raise ValueError(f"unknown paper {kind!r}: one of {KINDS}")
    text = result.to_json() if isinstance(result, Assessment) else result
    parts = tuple(parts) or (PARTS if kind in ("pdf", "html") or (kind == "docx" and not template) else ())
    inputs = {
        "safecomm": __version__,
        "kind": kind,
        "assessment": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "parts": list(parts),
        "fonts": {role: _sha256(path) for role, path in fonts.given().items()},
        "template": _sha256(template) if template else None,
        "footer": footer,
    }
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
