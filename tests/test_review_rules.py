"""The review rules hold alike for a sheet file and for a form (plain data): a changed grade needs a
reason, grades are A/B/C, a veto stays C, and the sheet is for this community, placed by province,
city and county, not by its name alone."""

from __future__ import annotations

import copy

import pytest

from conftest import community, write_evidence
from safecomm import InputError, assess, load_evidence, load_scheme
from safecomm.review import Review, apply_review, new_review, new_sheet, review_from_form
from safecomm.review_input import load_review_bytes


@pytest.fixture
def graded(tmp_path, mini_scheme):
    """(assessment, rule set, evidence path) of a community whose 2.4 is vetoed (participation 20)."""
    scheme = load_scheme(mini_scheme)
    path = write_evidence(tmp_path / "evidence.yaml", **community(participation=20))
    return assess(load_evidence(path, scheme), scheme), scheme, path


def sheet_with(result, **items) -> bytes:
    """A sheet made for `result`, filled in as a person would: items id → (grade, reason)."""
    text = new_sheet(result)
    for item_id, (grade, reason) in items.items():
        head = f'  - id: "{item_id}"'
        start = text.index(head)
        block = text[start:text.index("    reason:\n", start) + len("    reason:\n")]
        filled = block.replace("    grade:\n", f"    grade: {grade}\n").replace("    reason:\n", f"    reason: {reason}\n")
        text = text.replace(block, filled)
    return text.encode("utf-8")


def file_problems(result, scheme, data: bytes) -> list[str]:
    try:
        apply_review(result, load_review_bytes(data, "审核表.yaml"), scheme)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def form_problems(result, fields: dict, started=None) -> list[tuple[str, str]]:
    done = review_from_form(fields, result, started)
    return [] if isinstance(done, Review) else done


def auto(result, item_id):
    return result.item(item_id).grade


def test_a_changed_grade_needs_a_reason_in_a_file_and_in_a_form(graded):
    result, scheme, _ = graded
    other = "B" if auto(result, "1.1") != "B" else "A"
    assert any("没有写理由" in p and "审核表.yaml:" in p for p in file_problems(result, scheme, sheet_with(result, **{"1.1": (other, "")})))
    assert file_problems(result, scheme, sheet_with(result, **{"1.1": (other, "名单不符")})) == []
    assert file_problems(result, scheme, sheet_with(result, **{"1.1": (auto(result, "1.1"), "")})) == []  # unchanged: no reason needed
    wrong = form_problems(result, {"grade_1.1": other})
    assert [f for f, _ in wrong] == ["grade_1.1"] and "没有写理由" in wrong[0][1]
    assert form_problems(result, {"grade_1.1": other, "reason_1.1": "名单不符"}) == []
    assert form_problems(result, {"grade_1.1": auto(result, "1.1")}) == []
    review = review_from_form({"grade_1.1": other.lower(), "reason_1.1": "名单不符", "onsite_1.3": "on"}, result)
    assert review.items[0].grade == other and review.items[1].onsite is True
    applied = apply_review(result, review, scheme)
    assert applied.item("1.1").final_grade == other and applied.item("1.1").override.reason == "名单不符"


def test_grades_are_a_b_or_c_only(graded):
    result, scheme, _ = graded
    assert any("items[0].grade" in p for p in file_problems(result, scheme, sheet_with(result, **{"1.1": ("D", "理由")})))
    assert [f for f, _ in form_problems(result, {"grade_1.1": "D", "reason_1.1": "理由"})] == ["grade_1.1"]
    assert form_problems(result, {"grade_1.1": "c", "reason_1.1": "理由"}) == []


def test_a_veto_stays_c_in_a_file_and_in_a_form(graded):
    result, scheme, _ = graded
    assert result.item("2.4").vetoed and auto(result, "2.4") == "C"
    for grade in ("A", "B"):
        assert any("否决项" in p for p in file_problems(result, scheme, sheet_with(result, **{"2.4": (grade, "统计有误")})))
        wrong = form_problems(result, {"grade_2.4": grade, "reason_2.4": "统计有误"})
        assert [f for f, _ in wrong] == ["grade_2.4"] and "否决项" in wrong[0][1] and "reason" not in wrong[0][1]
    assert file_problems(result, scheme, sheet_with(result, **{"2.4": ("C", "确认")})) == []
    assert form_problems(result, {"grade_2.4": "C", "reason_2.4": "异议：漏计入户活动"}) == []


@pytest.mark.parametrize("field, value", [("name", "另一街道办事处"), ("county", "另一区"), ("city", "另一市"), ("province", "另一省")])
def test_the_sheet_is_for_this_community_by_name_and_place(graded, field, value):
    result, scheme, _ = graded
    theirs = result.model_copy(update={"community": result.community.model_copy(update={field: value})})
    sheet = sheet_with(result)
    assert any("另一单位" in p for p in file_problems(theirs, scheme, sheet))
    assert file_problems(result, scheme, sheet) == []
    wrong = form_problems(theirs, {}, started=new_review(result))
    assert [f for f, _ in wrong] == [""] and "另一单位" in wrong[0][1] and "--allow-stale" not in wrong[0][1]
    assert form_problems(result, {}, started=new_review(result)) == []


def test_a_sheet_that_names_the_community_alone_is_not_trusted_once_the_evidence_changed(graded):
    result, scheme, _ = graded
    text = sheet_with(result).decode("utf-8")
    county = ', county: "城关区"'
    assert county in text
    unplaced = text.replace(county, "").replace(', province: ""', "").replace(', city: ""', "").encode("utf-8")
    assert file_problems(result, scheme, unplaced) == []  # the same evidence: its digest proves the community
    changed = result.model_copy(update={"evidence_digest": "0" * 64})
    assert any("省、市、县(区)" in p for p in file_problems(changed, scheme, unplaced))
    stale = file_problems(changed, scheme, text.encode("utf-8"))
    assert any("--allow-stale" in p for p in stale)
    assert apply_review(changed, load_review_bytes(text.encode("utf-8"), "审核表.yaml"), scheme, allow_stale=True).review.stale


def test_a_form_begun_on_older_evidence_is_stale_unless_accepted(graded):
    result, scheme, _ = graded
    begun = new_review(result.model_copy(update={"evidence_digest": "0" * 64}))
    wrong = form_problems(result, {}, started=begun)
    assert [f for f, _ in wrong] == [""] and "改动过" in wrong[0][1]
    assert isinstance(review_from_form({}, result, begun, allow_stale=True), Review)


def test_a_review_from_the_form_exports_as_a_sheet_that_reads_back_the_same(graded):
    result, scheme, _ = graded
    review = review_from_form({
        "reviewer_name": "王审核", "reviewer_unit": "城关区安委会办公室", "reviewer_date": "2024-12-20",
        "opinion": "同意上报。\n1.1 须补正：名单缺公安", "grade_1.1": "C", "reason_1.1": "名单: 与文件不符",
        "onsite_1.3": "on", "reason_2.4": "# 确认",
    }, result)
    assert isinstance(review, Review)
    again = load_review_bytes(new_sheet(result, review).encode("utf-8"), "导出.review.yaml")
    assert again.model_dump() == review.model_dump()
    assert apply_review(result, again, scheme).to_json() == apply_review(result, copy.deepcopy(review), scheme).to_json().replace(
        "审核表的 items[2].reason", "审核表 导出.review.yaml 的 items[2].reason（第 " + str(_line(new_sheet(result, review), "# 确认")) + " 行）")


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_form_date_mistakes_name_their_field(graded):
    result, _, _ = graded
    wrong = form_problems(result, {"reviewer_date": "2024-13-01"})
    assert [f for f, _ in wrong] == ["reviewer_date"] and "日期" in wrong[0][1]
