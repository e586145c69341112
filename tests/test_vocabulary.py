"""The vocabulary's scan: the trie must find, at every place, the same longest word a plain regex
alternation of all the words (longest first) finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from safecomm import load_scheme
from safecomm.vocabulary import _longest

WORDS = load_scheme().words
FLAT = re.compile("(?=(" + "|".join(map(re.escape, sorted(WORDS._owners, key=lambda w: (-len(w), w)))) + "))")
LETTERS = sorted(set("".join(WORDS._owners)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(WORDS._owners)), st.sampled_from(LETTERS)), max_size=12).map("".join))
def test_the_trie_finds_what_a_plain_alternation_finds(text):
    assert [(i, text[i:j]) for i, j in _longest(WORDS._tree, text)] == \
           [(m.start(), m.group(1)) for m in FLAT.finditer(text)]


def test_a_family_term_is_said_by_any_of_its_terms_unless_a_term_it_excludes_is():
    from safecomm.vocabulary import Term, Vocabulary

    words = Vocabulary({"消防": ["防火", "消防"], "交通": ["交通"], "检查": ["检查"],
                        "领域": Term(any=["消防", "交通"], none=["检查"])})
    assert words.find("居民防火公约")["领域"] == "防火"
    assert words.find("道路交通管理办法")["领域"] == "交通"
    assert "领域" not in words.find("消防安全检查制度")  # an inspection rule, not the domain's own
    assert "领域" not in words.find("环境卫生管理制度")
    assert words.area(["领域"]) >= {"消防", "交通"}


def test_a_family_naming_no_term_is_refused_at_its_place(tmp_path):
    from safecomm.loading import InputError
    from safecomm.rulesets import shipped

    text = (shipped() / "national-2009.yaml").read_text(encoding="utf-8")
    bad = text.replace("社会治安, 防灾减灾和环境安全],", "社会治安, 防灾减灾和环境安全, 太空安全],", 1)
    assert bad != text
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    try:
        load_scheme(str(path))
    except InputError as e:
        [problem] = e.problems
        assert "太空安全 不在 vocabulary 中" in problem.message
        assert bad.splitlines()[problem.line - 1].lstrip().startswith("专管领域:")
    else:
        raise AssertionError("a family naming no term was accepted")
