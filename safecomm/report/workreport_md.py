"""The 工作报告 draft as Markdown, for review in any editor. Text prints literally: Markdown and
HTML signs in names are escaped, control characters shown as symbols."""

from __future__ import annotations

import re

from .word import visible
from .workreport import Draft, Figure, Heading, Para, Table

_SIGNS = re.compile(r"([\\`*_\[\]<>|#~!])")


def text(value: str) -> str:
    return _SIGNS.sub(r"\\\1", visible(value).replace("&", "&amp;")).replace("\n", "<br>")


def render(draft: Draft) -> str:
    out = []
    if draft.sample:
        out += [f"> **{text(draft.sample)}**", ""]
    for block in draft.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {text(block.text)}", ""]
        elif isinstance(block, Para):
            out += [f"**{text(block.text)}**" if block.todo else text(block.text), ""]
        elif isinstance(block, Table):
            out += [f"表{block.number}　{text(block.caption)}", ""]
            out.append("| " + " | ".join(text(h) for h in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out += ["| " + " | ".join(text(c) for c in row) + " |" for row in block.rows]
            out.append("")
            if block.note:
                out += [text(block.note), ""]
        elif isinstance(block, Figure):
            out += [f"图{block.number}　{text(block.caption)}（图见 Word 版）", ""]
    return "\n".join(out)
