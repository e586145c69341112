"""Community kinds: how a rule set reads for a 街道, a 乡镇, an 工业园区 (or an 企业, where a rule set
has it).

The indicator table speaks of 社区（居委会） and 辖区单位; a township has 村 and a park has 园区企业.
A rule set says so under `communities:`, per kind: words replaced in the project's own texts
(requirement, advice, record, why, confirm: never the table's text or note, which are quoted),
and item changes written as a variant writes them (a check changed, an item not applicable).
The kinds a rule set lists are the kinds it applies to.
"""

from __future__ import annotations

import re

from .extend import Layer, change_items
from .terms import CommunityKind

TEXTS = {"item": ("confirm",), "check": ("requirement", "advice", "record", "why")}


def kinds(layer: Layer) -> dict[str, str]:
    """Kind (`乡镇`) → the key it is written under (`乡镇` or its code `township`)."""
    return {CommunityKind(key).value: key for key in layer.data.get("communities") or {}}


def for_kind(layer: Layer, key: str) -> Layer:
    """The rule set as it reads for the kind written under `communities.<key>`."""
    source = layer.origin.locate(("communities", key))
    wording = layer.data["communities"][key]
    changed = change_items(layer, source) if wording.get("items") else layer
    words = wording.get("words") or {}
    if not words:
        return changed
    # One pass, longer words first: a replacement is never itself replaced again.
    pattern = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
    indicators = [
        dict(indicator, items=[
            _reworded(dict(item, checks=[_reworded(check, TEXTS["check"], pattern, words) for check in item["checks"]]), TEXTS["item"], pattern, words)
            for item in indicator["items"]
        ])
        for indicator in changed.data["indicators"]
    ]
    return Layer(dict(changed.data, indicators=indicators), changed.docs, changed.digest, changed.lineage, changed.origin)


def _reworded(record: dict, fields: tuple[str, ...], pattern: re.Pattern, words: dict[str, str]) -> dict:
    out = dict(record)
    for name in fields:
        if isinstance(out.get(name), str):
            out[name] = pattern.sub(lambda m: words[m.group(0)], out[name])
    return out
