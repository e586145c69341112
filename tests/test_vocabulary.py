"""The vocabulary's scan: a trie-shaped regex must find, at every place, the same longest word a
plain alternation of all the words (longest first) finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safecomm import load_scheme

WORDS = load_scheme().words
FLAT = re.compile("(?=(" + "|".join(map(re.escape, sorted(WORDS._owners, key=lambda w: (-len(w), w)))) + "))")
LETTERS = sorted(set("".join(WORDS._owners)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(WORDS._owners)), st.sampled_from(LETTERS)), max_size=12).map("".join))
def test_the_trie_finds_what_a_plain_alternation_finds(text):
    assert [(m.start(), m.group(1)) for m in WORDS._pattern.finditer(text)] == \
           [(m.start(), m.group(1)) for m in FLAT.finditer(text)]
