"""Points: the on-site sheet's three parts over the 45 items (135 points), hand-computed totals
for the three fixtures, every band boundary, items not applicable out of the denominator."""

from __future__ import annotations

from fractions import Fraction

import pytest

from safecomm import assess, load_evidence, load_scheme
from safecomm.assessment import Override
from safecomm.engine import conclude, decide
from safecomm.loading import InputError
from safecomm.scheme import VerdictPolicy
from safecomm.scoring import Tally, cut

from conftest import FIXTURES

WEIGHTS = (Fraction("0.8"), Fraction("1.0"), Fraction("1.2"))  # 有无 痕迹 效果
SHARES = {"a": Fraction(1), "b": Fraction("0.7"), "c": Fraction("0.3"), "d": Fraction(0)}

# The part grades (有无 痕迹 效果) of every item, read off the fixtures by the rule in scoring.py and
# checked by hand; e.g. rectify 8.1 "dbd": no monitoring rule (有无 d), two years of data where three
# are asked (痕迹 b), no analysis report (效果 d). Blank or vetoed items are "ddd".
PARTS = {
    "ready": "1.1 aaa 1.2 aaa 1.3 aaa 1.4 aaa 1.5 aaa 1.6 aaa 2.1 aaa 2.2 aaa 2.3 aaa 2.4 aaa 3.1 aaa 3.2 aaa "
             "3.3 abb 4.1 aaa 4.2 aaa 4.3 aaa 5.1 aaa 5.2 aaa 5.3 aaa 6.1 aaa 6.2 aaa 6.3 aaa 6.4 aaa 6.5 aaa "
             "7.1 aaa 7.2 aaa 7.3 abb 7.4 aaa 8.1 aaa 8.2 aaa 8.3 aaa 8.4 aaa 8.5 aaa 8.6 aaa 8.7 aaa 9.1 aaa "
             "9.2 aaa 10.1 aaa 10.2 aaa 11.1 aaa 11.2 aaa 11.3 aaa 12.1 aaa 12.2 aaa 12.3 aaa",
    "rectify": "1.1 aab 1.2 abb 1.3 aaa 1.4 abb 1.5 aaa 1.6 abb 2.1 bbb 2.2 dab 2.3 abb 2.4 aab 3.1 aaa 3.2 baa "
               "3.3 abb 4.1 aba 4.2 aaa 4.3 bbb 5.1 aaa 5.2 bbb 5.3 aab 6.1 aaa 6.2 aaa 6.3 bbb 6.4 aaa 6.5 aab "
               "7.1 abb 7.2 bbb 7.3 abb 7.4 aba 8.1 dbd 8.2 abb 8.3 bbb 8.4 daa 8.5 aaa 8.6 abb 8.7 dda 9.1 abb "
               "9.2 aaa 10.1 aaa 10.2 aaa 11.1 abb 11.2 ddd 11.3 ddd 12.1 ddd 12.2 bbb 12.3 bbb",
    "veto": "1.1 aaa 1.2 abb 1.3 aaa 1.4 aaa 1.5 aaa 1.6 aaa 2.1 bbb 2.2 dab 2.3 abb 2.4 ddd 3.1 aaa 3.2 aaa "
            "3.3 abb 4.1 aaa 4.2 aaa 4.3 aaa 5.1 abb 5.2 aaa 5.3 aab 6.1 aaa 6.2 aaa 6.3 aaa 6.4 aaa 6.5 aaa "
            "7.1 aaa 7.2 bbc 7.3 aaa 7.4 aba 8.1 aaa 8.2 aaa 8.3 aaa 8.4 daa 8.5 aaa 8.6 abb 8.7 aaa 9.1 abb "
            "9.2 aaa 10.1 baa 10.2 aaa 11.1 aaa 11.2 aaa 11.3 bba 12.1 aaa 12.2 aaa 12.3 ddd",
}
# By hand from PARTS: 135 less, per part, weight × (1 − share).
#   ready:   3.3 and 7.3 lose 0.3 + 0.36 each                                       → 135 − 1.32 = 133.68
#   rectify: 31.80 lost (three blank items 9, 8.1 dbd 2.3, 12.2 bbb 0.9, 1.1 aab 0.36 …)    → 103.20
#            12.2 has no improvement plan by name, but D-007 (柳湾镇2024年安全社区创建工作计划) and D-002 (its
#            创建 实施方案) plan the whole work and name no other: under rule 4 (a wording miss is never a blank)
#            each may hold the improvement part, so plan and current are to confirm on site (b), not absent (d).
#   veto:    15.64 lost (2.4 and 12.3 vetoed, 3 each; 7.2 bbc 1.38, 10.1 baa, …)          → 119.36
TOTALS = {"ready": Fraction("133.68"), "rectify": Fraction("103.20"), "veto": Fraction("119.36")}
ZERO = {"ready": [], "rectify": ["11.2", "11.3", "12.1"], "veto": ["2.4", "12.3"]}
VERDICTS = {"ready": "通过", "rectify": "不通过", "veto": "不通过"}


def by_hand(parts: str) -> Fraction:
    grades = parts.split()[1::2]
    return sum((w * SHARES[g] for three in grades for w, g in zip(WEIGHTS, three)), Fraction(0))


@pytest.fixture(scope="module")
def onsite():
    return load_scheme("national-2009-onsite")


@pytest.mark.parametrize("name", ["ready", "rectify", "veto"])
def test_fixture_totals_as_computed_by_hand(onsite, name):
    assert by_hand(PARTS[name]) == TOTALS[name]
    result = assess(load_evidence(FIXTURES / name / "evidence.yaml"), onsite)
    shown = " ".join(f"{i.id} {''.join(p.grade for p in i.points.parts)}" for i in result.items)
    assert shown == PARTS[name]
    assert Fraction(str(result.score.total)) == TOTALS[name] and result.score.out_of == 135
    assert result.score.zero == ZERO[name]
    assert result.verdict.verdict == result.score.band == VERDICTS[name]
    assert result.scheme.scoring == "points" and [b.id for b in result.scheme.bases] == ["national-2009"]


def test_the_same_evidence_keeps_its_grades_in_the_points_view(onsite, scheme):
    ev = load_evidence(FIXTURES / "rectify" / "evidence.yaml")
    grades = lambda r: [(i.id, i.grade) for i in r.items]  # noqa: E731
    assert grades(assess(ev, onsite)) == grades(assess(ev, scheme))


def tally(total: str, zero: int = 0) -> Tally:
    return Tally(Fraction(total), Fraction(150), Fraction(total), Fraction(150), [f"9.{n}" for n in range(zero)])


SHEET_150 = VerdictPolicy.model_validate({
    "note": "现场评定表（150 分）", "ready": "通过",
    "rules": [
        {"verdict": "通过", "when": {"total": {">=": 100}, "zero": {"==": 0}}},
        {"verdict": "限期整改", "when": {"total": {">=": 75}, "zero": {"==": 0}}},
        {"verdict": "不通过"},
    ],
})


@pytest.mark.parametrize(("total", "zero", "band"), [
    ("100", 0, "通过"), ("99.9", 0, "限期整改"), ("75", 0, "限期整改"), ("74.9", 0, "不通过"),
    ("149", 1, "不通过"),
])
def test_bands_of_the_150_point_sheet(total, zero, band):
    assert decide(SHEET_150, [], tally(total, zero)).verdict == band


@pytest.mark.parametrize(("total", "zero", "band"), [
    ("90", 0, "通过"), ("89.9", 0, "限期整改"), ("67.5", 0, "限期整改"), ("67.4", 0, "不通过"),
    ("134.4", 1, "不通过"),
])
def test_bands_of_the_135_point_sheet_scaled_in_proportion(onsite, total, zero, band):
    verdict = decide(onsite.verdict, [], tally(total, zero))
    assert verdict.verdict == band
    assert verdict.reasons[:2] == [f"总分 {total}（满分 150）", f"0 分条目 {zero} 项：9.0" if zero else "无 0 分条目"]


def test_a_total_is_cut_not_rounded_into_a_band():
    assert cut(Fraction(8999, 100) + Fraction(9, 1000)) == Fraction("89.99")


def test_an_item_not_applicable_leaves_the_denominator(tmp_path, onsite):
    path = tmp_path / "variant.yaml"
    path.write_text(
        'format: safecomm/scheme@2\nextends: national-2009-onsite\nid: no-industry\nversion: "1"\ntitle: 无工业\n'
        'items:\n  "6.5": {not_applicable: 辖区没有生产经营单位}\n', encoding="utf-8",
    )
    result = assess(load_evidence(FIXTURES / "ready" / "evidence.yaml"), load_scheme(path))
    score = result.score
    assert (score.possible, score.points, score.out_of) == (132, 133.68 - 3, 135)  # 6.5 scored 3 of 3
    assert Fraction(str(score.total)) == cut(Fraction("130.68") * 135 / 132) == Fraction("133.65")
    assert [n.id for n in result.not_applicable] == ["6.5"] and "6.5" not in [i.id for i in result.items]


def test_a_reviewer_who_changes_a_grade_sets_every_part(onsite):
    result = assess(load_evidence(FIXTURES / "ready" / "evidence.yaml"), onsite)
    items = [i.model_copy(update={"override": Override(grade="C", reason="现场未见"), "final_grade": "C"}) if i.id == "2.1" else i
             for i in result.items]
    after = conclude(onsite, items, [])
    item = next(i for i in after["items"] if i.id == "2.1")
    assert [p.grade for p in item.points.parts] == ["c", "c", "c"] and item.points.points == 0.9
    assert after["score"].points == 133.68 - 3 + 0.9


def problems(tmp_path, base: str, body: str) -> list[tuple[int, str]]:
    """(line, message) of each problem of a variant of `base` made of `body`."""
    path = tmp_path / "bad.yaml"
    path.write_text(f'format: safecomm/scheme@2\nextends: {base}\nid: bad\nversion: "1"\ntitle: 坏\n{body}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scheme(path)
    return [(p.line, p.message) for p in caught.value.problems]


def test_points_figures_need_a_points_rule_set(tmp_path):
    body = 'verdict:\n  note: 按分\n  ready: 通过\n  rules:\n    - {verdict: 通过, when: {total: {">=": 90}}}\n    - {verdict: 不通过}\n'
    [(line, message)] = problems(tmp_path, "national-2009", body)
    assert line == 10 and "积分制" in message


def test_every_check_of_a_points_rule_set_counts_in_some_part(tmp_path):
    found = problems(tmp_path, "national-2009-onsite", 'scoring:\n  items:\n    "2.4": {有无: [all-measured], 效果: [participaton]}\n')
    assert (8, "条目 2.4 中没有检查 participaton（现有：all-measured、participation）") in found
    assert any(line == 8 and "participation 未归入任何部分" in m for line, m in found)
