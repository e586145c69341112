"""YAML → 台账 → YAML keeps the evidence (hypothesis over generated bundles with awkward text)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from safecomm import load_scheme
from safecomm.evidence import digest
from safecomm.ledger.write import ledger_bytes, plain
from safecomm.ledger.yaml_text import yaml_text
from safecomm.bundle import load_evidence

sys.path.insert(0, str(ROOT / "benchmarks"))
import gen  # noqa: E402

SCHEME = load_scheme()
_LETTERS = st.characters(whitelist_categories=("L", "N", "P", "S", "Zs"))
# any printable text, including what a spreadsheet would take for something else (=1+1, 2024, TRUE, 2024-03-15)
text = st.one_of(
    st.text(_LETTERS, min_size=1, max_size=30),
    st.sampled_from(["=1+1", "2024", "0012", "TRUE", "2024-03-15", "8.10", "- x", "#1", "a: b", "'q'", "null", "<&>"]),
).map(str.strip).filter(bool)
# one value of a list cell: no separator (、，,；; or a blank) inside
word = st.text(st.characters(whitelist_categories=("L", "N"), blacklist_characters="、，,；;"), min_size=1, max_size=12)


@st.composite
def bundles(draw) -> dict:
    data = gen.bundle(draw(st.randoms(use_true_random=False)))
    data["community"]["name"] = draw(text)
    data["community"]["summary"] = "\n".join(draw(st.lists(text, min_size=1, max_size=3)))
    document = data["documents"][0]
    document.update(title=draw(text), number=draw(text), topics=draw(st.lists(word, max_size=4)))
    activity = data["activities"][0]
    activity.update(title=draw(text), place=draw(text), participants=draw(st.integers(0, 10**12)))
    data["goals"][0]["baseline"] = draw(st.floats(-1e12, 1e12, allow_nan=False))
    data["injuries"]["years"][0]["by_cause"] = draw(st.dictionaries(word, st.integers(0, 10**6), max_size=4))
    for year in data["injuries"]["years"]:  # causes within the total: a possible year
        year["total"] = max(year["total"], sum(year.get("by_cause", {}).values()))
    data["organizations"][0]["members"][0]["name"] = draw(text)
    return data


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles())
def test_yaml_to_ledger_and_back_keeps_the_digest(data):
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "evidence.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        source = load_evidence(folder / "evidence.yaml")
        (folder / "台账.xlsx").write_bytes(ledger_bytes(plain(source), SCHEME))
        ledger = load_evidence(folder / "台账.xlsx")
        assert digest(ledger) == digest(source)
        (folder / "back.yaml").write_text(yaml_text(ledger, SCHEME, "台账.xlsx"), encoding="utf-8")
        assert digest(load_evidence(folder / "back.yaml")) == digest(source)
