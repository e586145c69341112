"""The shipped rule set, checked as data: it loads; it is the table it claims to be; every term it
names (and every term the code reads by name) is in its vocabulary; each fact is graded in one item
only; every severe defect and every judgement number says why; the vocabulary reads words as terms."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from safecomm.checks import REGISTRY
from safecomm.index import TARGET_WORDS
from safecomm.rulesets import available, load_scheme
from safecomm.terms import ActivityKind, Audience, DocumentKind, Domain, MemberCategory, OrganizationKind

SCHEME = load_scheme()
TABLE = (ROOT.parent / "shared" / "reference" / "national-indicators.md")
CHECKS = [(item, check) for _, item in SCHEME.items() for check in item.checks]


def test_every_shipped_rule_set_loads():
    for name in available():
        assert load_scheme(name).indicators


def test_the_national_rule_set_has_the_45_items_of_the_table():
    assert [item.id for _, item in SCHEME.items()] == [
        f"{i}.{j}" for i, n in enumerate([6, 4, 3, 3, 3, 5, 4, 7, 2, 2, 3, 3], 1) for j in range(1, n + 1)]


@pytest.mark.skipif(not TABLE.exists(), reason="the shared reference is not next to this checkout")
def test_each_item_carries_the_text_of_the_table():
    text = TABLE.read_text(encoding="utf-8")
    lines = dict(re.findall(r"^- \*\*(\d+\.\d+)\*\* (.+)$", text, re.M))
    table = {k: re.split(r" — | \(the seed", v)[0].strip() for k, v in lines.items()}
    for _, item in SCHEME.items():
        assert item.text == table[item.id], item.id


def test_the_thresholds_written_in_the_table_are_thresholds_with_their_vetoes():
    named = {(item.id, check.veto.op if check.veto else None, check.veto.value if check.veto else None)
             for item, check in CHECKS if check.threshold}
    assert {i for i, *_ in named} == {"2.4", "6.4", "8.3", "12.1", "12.3"}
    assert ("2.4", "<", 0.3) in named and ("12.3", "<", 0.6) in named
    strict = next(c for item, c in CHECKS if item.id == "12.3" and c.threshold)
    assert (strict.target.op, strict.target.value) == (">", 0.8)  # 大于80%: strictly greater


# -- terms ------------------------------------------------------------------------------------

TERM_KEYS = ("terms", "and_terms", "ignore", "areas")


def named_terms(params):
    """Every vocabulary term a check's parameters name: under terms, and_terms, ignore, areas, and the
    term lists of reporting_aspects' aspects."""
    if isinstance(params, dict):
        for key, value in params.items():
            if key in TERM_KEYS and isinstance(value, list):
                yield from value
            elif key == "aspects" and isinstance(value, dict) and all(isinstance(v, list) for v in value.values()):
                for words in value.values():
                    yield from words
            else:
                yield from named_terms(value)
    elif isinstance(params, list):
        for value in params:
            yield from named_terms(value)


@pytest.mark.parametrize("item, check", [(i, c) for i, c in CHECKS if c.primitive], ids=lambda x: getattr(x, "id", ""))
def test_every_term_a_check_names_is_in_the_vocabulary(item, check):
    missing = [t for t in named_terms(check.params) if t not in SCHEME.vocabulary]
    assert not missing, f"{item.id}/{check.id}: {missing}"


def test_every_term_the_code_reads_by_name_is_in_the_vocabulary():
    """The index infers kinds, audiences, domains, organizers, categories and targets through terms
    named like them; the primitives read directions and measure kinds the same way."""
    needed = set(TARGET_WORDS.values()) | {"下降", "提高", "零发生", "纠正措施", "预防措施", "原因分析", "事故原因"}
    needed |= {a.value for a in Audience if a not in (Audience.OTHER, Audience.ENTERPRISES)}
    needed |= {d.value for d in Domain} | {c.value for c in MemberCategory}
    needed |= {OrganizationKind.VOLUNTEER.value, OrganizationKind.MASS.value}
    needed |= {k.value for kinds in SCHEME.kinds.documents.values() for k in kinds}
    needed |= {k.value for kinds in SCHEME.kinds.activities.values() for k in kinds}
    needed |= set(SCHEME.scopes.values()) | set(SCHEME.sectors.values())
    assert sorted(needed - set(SCHEME.vocabulary)) == []


def test_general_kinds_name_only_real_kinds():
    for general, kinds in SCHEME.kinds.documents.items():
        # general kinds, and 方案, under which offices also file 现场处置方案 (a 预案)
        assert general in (DocumentKind.NOTICE, DocumentKind.MINUTES, DocumentKind.OTHER, DocumentKind.SCHEME)
        assert general not in kinds
    for general, kinds in SCHEME.kinds.activities.items():
        assert general == ActivityKind.MEETING and general not in kinds


def test_no_word_is_hidden_inside_nothing():
    """A not_in word must contain one of its term's words, or it hides nothing."""
    for name, spec in SCHEME.vocabulary.items():
        for longer in getattr(spec, "not_in", []):
            assert any(w in longer for w in SCHEME.words.words(name)), (name, longer)


@pytest.mark.parametrize("text, present, absent", [
    ("不定期检查制度", ["日常检查", "检查"], ["定期检查"]),
    ("定期检查与不定期检查", ["定期检查", "日常检查"], []),
    ("季度安全大检查", ["综合检查"], []),
    ("不定期的季度检查", ["日常检查", "定期检查"], []),
    ("消防安全隐患大排查", ["检查", "隐患排查", "消防安全"], []),
    ("居民安全议事会", ["议事", "居民"], []),
    ("关于印发安全检查制度的通知", ["制度", "检查"], []),
    ("2024年安全社区创建工作方案", ["方案", "创建"], ["计划"]),
    ("老年人防跌倒讲座", ["老年人", "教育", "老年人安全"], ["居民"]),
])
def test_the_vocabulary_reads_terms_not_substrings(text, present, absent):
    found = SCHEME.words.find(text)
    assert all(t in found for t in present), (text, sorted(found))
    assert not any(t in found for t in absent), (text, sorted(found))


# -- one fact, one owner; reasons for the numbers -----------------------------------------------

def test_no_fact_is_graded_in_two_items():
    owners: dict[tuple, str] = {}
    for item, check in CHECKS:
        if check.primitive:
            first = owners.setdefault(check.fact(), item.id)
            assert first == item.id, f"{item.id}/{check.id} reads the same fact as {first}"


def test_citations_cite_a_graded_check_of_another_item():
    for item, check in CHECKS:
        if check.see:
            owner, cited = SCHEME.check(check.see)
            assert owner.id != item.id and cited.primitive, check.see


def test_every_severe_defect_says_why():
    defects = [(item.id, check) for item, check in CHECKS if check.level == "defect"]
    assert {i for i, _ in defects} >= {"1.1", "7.2"}
    for item_id, check in defects:
        assert check.why and len(check.why) > 10, item_id


def test_every_judgement_number_says_why():
    """A bar the table does not write (more than 'there is one', and not a threshold of the table) gives its reason."""
    for item, check in CHECKS:
        if not check.primitive or check.level == "related" or check.threshold:
            continue
        trivial = check.unit == "bool" or (check.unit == "count" and check.target.op in (">=", ">") and check.target.value <= 1) \
            or (check.target.op == "<=" and check.target.value == 0 and check.level == "defect")
        assert trivial or check.why, f"{item.id}/{check.id} sets {check.target.op} {check.target.value} without why"


def test_every_check_has_advice_and_a_way_to_record_it():
    for item, check in CHECKS:
        if check.primitive:
            assert check.advice and check.record, f"{item.id}/{check.id}"
            assert not re.search(r"[A-Za-z_]{3,}", check.advice), f"{item.id}/{check.id}: advice names a field: {check.advice}"


def test_every_primitive_a_check_names_is_registered_and_documented():
    for item, check in CHECKS:
        if check.primitive:
            assert REGISTRY[check.primitive].doc, check.primitive
