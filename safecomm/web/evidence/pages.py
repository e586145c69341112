"""What the result page shows, worked out from the stored assessment (the templates only lay it out)."""

from __future__ import annotations

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
