"""The 申报表 as one self-contained HTML page (CSS inlined, charts as inline SVG).

The PDF is printed from exactly this HTML. Jinja2 autoescapes everything, so a community
name like `<b>x</b>` prints literally. Fonts are named explicitly (Noto CJK SC) with
`lang="zh-CN"` so that the Chinese glyph forms are used; a user may supply their own
仿宋 / 小标宋 / 黑体 files, which then come first in each font stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..assessment import Assessment
from . import compose as words
from . import fit
from .compose import PARTS, compose

ASSETS = Path(__file__).resolve().parent / "assets"
SERIF = '"Noto Serif CJK SC", serif'
SANS = '"Noto Sans CJK SC", sans-serif'


@dataclass(frozen=True)
class Fonts:
    """Optional user font files: `title` (小标宋), `serif` (正文 仿宋), `sans` (表头与图表 黑体)."""

    title: Path | None = None
    serif: Path | None = None
    sans: Path | None = None

    def files(self) -> list[Path]:
        return [p.resolve() for p in (self.title, self.serif, self.sans) if p]

    def stacks(self) -> dict[str, str]:
        """CSS font-family stacks, each led by the user's font when there is one."""
        def stack(role: str, path: Path | None, default: str) -> str:
            return f'"safecomm-{role}", {default}' if path else default

        return {
            "title": stack("title", self.title, SERIF),
            "serif": stack("serif", self.serif, SERIF),
            "sans": stack("sans", self.sans, SANS),
        }

    def faces(self) -> str:
        """@font-face rules for the user's files (file: URLs, which the PDF fetcher allows)."""
        rules = []
        for role, path in (("title", self.title), ("serif", self.serif), ("sans", self.sans)):
            if path:
                rules.append(f'@font-face {{ font-family: "safecomm-{role}"; src: url("{path.resolve().as_uri()}"); }}')
        return "\n".join(rules)


PIECE = 1000


def _in_pieces(value: object) -> object:
    """Every text the templates print goes out in pieces of at most PIECE characters. WeasyPrint
    lays out the rest of a text node again for each line it breaks, so one long node costs
    quadratic time (a 320,000-character opinion took 45 s in one piece, 8 s in pieces)."""
    if type(value) is str and len(value) > PIECE:
        return Markup("").join(Markup("<span>{}</span>").format(value[i:i + PIECE]) for i in range(0, len(value), PIECE))
    return value


TEMPLATES = Environment(  # shared by every HTML renderer: autoescaped, strict, long text in pieces
    loader=PackageLoader("safecomm", "report/templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_in_pieces,
)


def render(result: Assessment, fonts: Fonts = Fonts(), parts: tuple[str, ...] = PARTS, footer: str = "page",
           styled: bool = True) -> str:
    """The page with the chosen `parts` of the 申报表 (all by default); its stylesheet inside it unless
    not `styled` (the PDF of a long-lived process passes `stylesheet(fonts)` parsed once instead)."""
    r = compose(result, font_family=SANS, parts=parts, footer=footer)  # SVG text takes one family only: the one with SC glyph forms
    return TEMPLATES.get_template("form.html").render(
        r=r, form=r.layout(fit.PDF), MORE=fit.MORE,
        GAPS_INTRO=words.GAPS_INTRO, NO_GAPS=words.NO_GAPS, NO_INDEX=words.NO_INDEX,
        style=Markup(stylesheet(fonts)) if styled else None,
    )


def stylesheet(fonts: Fonts = Fonts()) -> str:
    """The page's CSS: the user's @font-face rules, the form's layout, and the font stacks."""
    stacks = fonts.stacks()
    css = (ASSETS / "form.css").read_text(encoding="utf-8")
    return (f"{fonts.faces()}\n{css}\n"
            f"body, .form td {{ font-family: {stacks['serif']}; }}\n"
            f"h1, h2 {{ font-family: {stacks['title']}; }}\n"
            f"th, #footer, .meta {{ font-family: {stacks['sans']}; }}")
