"""What the result page shows, worked out from the stored assessment (the templates only lay it out)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...assessment import Assessment, ItemResult


@dataclass
class Indicator:
    id: str
    title: str
    counts: dict
    items: list[ItemResult] = field(default_factory=list)


def indicators(result: Assessment) -> list[Indicator]:
    items = {i.id: i for i in result.items}
    return [Indicator(ind.id, ind.title, ind.counts, [items[i] for i in ind.items if i in items])
            for ind in result.indicators]


def advice(result: Assessment, evidence_path: str) -> dict[str, list[str]]:
    """What each item still needs, in the words of the channel the clerk used: a YAML bundle's
    advice names its fields; for a 台账 (whose clerk never sees a field name) the plain words."""
    yaml = evidence_path.lower().endswith((".yaml", ".yml"))
    return {i.id: (i.advice if yaml else i.plain_advice or i.advice) for i in result.items}


def gaps(result: Assessment, said: dict[str, list[str]]) -> list[dict]:
    """What keeps the community from a better verdict: vetoes first, then C items, then B items."""
    out = []
    for t in result.thresholds:
        if t.status == "veto":
            out.append({"kind": "否决", "item": t.item, "text": f"{t.name}：{t.measured_text}（{t.veto}）", "advice": []})
    rank = {"C": 0, "B": 1}
    for item in sorted((i for i in result.items if i.final_grade in rank), key=lambda i: (not i.vetoed, rank[i.final_grade])):
        kind = "否决" if item.vetoed else item.final_grade
        out.append({"kind": kind, "item": item.id, "text": f"{item.text}：{item.reason}", "advice": said[item.id]})
    return out


def counts(result: Assessment) -> list[tuple[str, int]]:
    return [(g, result.counts.get(g, 0)) for g in ("A", "B", "C")]


COLLAPSE = 5  # a kind of warning given this many times or more is folded under one line with its count
WARNING_KINDS = ((re.compile(r"附件 .+ 不存在：该附件"), "附件不存在"),  # after the place it is cited
                 (re.compile(r"^\S+ 声明支持的条目 .+ 不在规则集 "), "声明的条目不在规则集中"))


def warnings(result: Assessment) -> list[dict]:
    """The warnings in their order; those of one kind given `COLLAPSE` times or more as one entry
    in the place of the first (`kind`, `lines`), the rest each as it is (`text`)."""
    kinds = [next((name for pattern, name in WARNING_KINDS if pattern.search(w)), None) for w in result.warnings]
    sizes = {k: kinds.count(k) for k in set(kinds) if k}
    out, groups = [], {}
    for text, kind in zip(result.warnings, kinds):
        if kind and sizes[kind] >= COLLAPSE:
            if kind not in groups:
                groups[kind] = {"kind": kind, "lines": [], "text": None}
                out.append(groups[kind])
            groups[kind]["lines"].append(text)
        else:
            out.append({"kind": None, "lines": None, "text": text})
    return out
