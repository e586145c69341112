"""tests/data/heldout-wording.yaml: real records kept out of the vocabulary's sources, to measure
recognition of wording nobody listed. The measure itself (a title swap over two bases) is slow and
runs outside the suite; here the file is held to its format, so a record that cannot be measured is
caught when it is added, not when the measure is run."""

from __future__ import annotations

import yaml

from conftest import ROOT

HELDOUT = ROOT / "tests" / "data" / "heldout-wording.yaml"
RECORDS = ("activity", "document", "project", "hazard", "rectification", "survey", "channel", "unit")
FIELDS = {"item", "record", "kind", "title", "source", "note", "not"}


def records() -> list[dict]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))["records"]


def test_every_record_has_the_fields_of_the_real_wording_format(scheme):
    items = {item.id for _, item in scheme.items()}
    for r in records():
        assert set(r) <= FIELDS and {"item", "record", "kind", "title", "source"} <= set(r), r
        ids = r["item"] if isinstance(r["item"], list) else [r["item"]]
        assert ids and set(ids) <= items, r
        assert r["record"] in RECORDS, r
        assert isinstance(r["title"], str) and r["title"].strip(), r
        assert isinstance(r["source"], str) and r["source"].strip(), r
        assert r.get("not", False) in (True, False), r
        assert r["kind"] is None or isinstance(r["kind"], str), r


def test_titles_are_distinct_and_near_misses_are_measured_too():
    titles = [r["title"] for r in records()]
    assert len(titles) == len(set(titles))
    near = [r for r in records() if r.get("not")]
    assert len(titles) >= 60 and len(near) >= 10
    assert all(not isinstance(r["item"], list) for r in near)  # a near-miss is refused for one item
