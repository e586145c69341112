"""Office records come wrapped in the forms offices file them in: a list number, an issuing notice, a 文号,
an edition, the office's own name, the year, quotes or none, full- or half-width, blanks. Wrapping every
title of a bundle in any of these forms changes no grade and no passed check; a near miss wrapped the same
way still lowers; and each reading the forms needed is held on its should-lower side."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, act, check, doc, item_result, text_of
from safecomm import Evidence, assess, load_scheme
from safecomm.index import upper_paper
from safecomm.vocabulary import title_years, unwrap

SCHEME = load_scheme()
FULL = str.maketrans("0123456789()", "０１２３４５６７８９（）")
MARKS = re.compile(r"[《》“”]")
YEAR = re.compile(r"(19|20)\d{2}")


def _bare(title: str) -> str:
    return MARKS.sub("", title)


# Each form: (name, the record types it suits, how it wraps a title; `own` is the community's name, `year`
# the year the record is already read as being of). Only forms that leave what the record is unchanged:
# a notice that issues the paper, not one about other work; an edition, not a period.
FORMS = {
    "印发通知": ("document", lambda t, own, year: f"关于印发《{_bare(t)}》的通知"),
    "发文单位印发": ("document", lambda t, own, year: f"{own}关于印发《{_bare(t)}》的通知"),
    "转发": ("document", lambda t, own, year: f"关于转发{t}的通知"),
    "文号": ("document", lambda t, own, year: f"{t}（朝办发〔2024〕12号）"),
    "试行": ("document", lambda t, own, year: f"{t}（试行）"),
    "修订稿": ("document", lambda t, own, year: f"{t}（修订稿）"),
    "版本": ("document", lambda t, own, year: f"{t}（2021年版）"),
    "开展通知": ("activity", lambda t, own, year: f"关于开展{t}的通知"),
    "工作情况": ("activity", lambda t, own, year: f"{t}工作情况"),
    "本单位": ("any", lambda t, own, year: f"{own}{t}"),
    "年度": ("any", lambda t, own, year: t if YEAR.search(t) or not year else f"{year}年度{t}"),
    "中文年度": ("any", lambda t, own, year: t if YEAR.search(t) or not year else f"{'〇一二三四五六七八九'[year // 1000]}"
                 + "".join("〇一二三四五六七八九"[int(c)] for c in str(year)[1:]) + f"年度{t}"),
    "序号一": ("any", lambda t, own, year: f"一、{t}"),
    "序号1": ("any", lambda t, own, year: f"1. {t}"),
    "序号三": ("any", lambda t, own, year: f"（三）{t}"),
    "书名号": ("any", lambda t, own, year: f"《{_bare(t)}》"),
    "引号": ("any", lambda t, own, year: f"“{_bare(t)}”"),
    "去标点": ("any", lambda t, own, year: _bare(t)),
    "全角": ("any", lambda t, own, year: t.translate(FULL)),
    "空格": ("any", lambda t, own, year: f"{t[:len(t) // 2]} {t[len(t) // 2:]}"),
    "全角空格": ("any", lambda t, own, year: f"{own}\u3000{t}"),
}


def wrap(form: str, title: str, record: str, own: str, year: int | None) -> str:
    suits, make = FORMS[form]
    return make(title, own, year) if suits in ("any", record) else title


def _load(name: str) -> dict:
    return yaml.safe_load((FIXTURES / name / "evidence.yaml").read_text(encoding="utf-8"))


BUNDLES = {name: _load(name) for name in ("ready", "rectify")}


def _outcome(data: dict) -> dict:
    result = assess(Evidence.model_validate(data), SCHEME)
    return {i.id: (i.grade, frozenset(c.id for c in i.checks if c.passed)) for i in result.items}


BEFORE = {name: _outcome(data) for name, data in BUNDLES.items()}


def _year(record: dict, key: str) -> int | None:
    when = record.get(key)
    return int(str(when)[:4]) if when else None


@pytest.mark.parametrize("form", sorted(FORMS))
@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(BUNDLES)), data=st.data())
def test_wrapping_titles_in_an_office_form_changes_no_grade_and_no_passed_check(name, form, data):
    bundle = copy.deepcopy(BUNDLES[name])
    own = bundle["community"]["name"]
    docs, acts = bundle.get("documents", []), bundle.get("activities", [])
    chosen = data.draw(st.lists(st.sampled_from([("document", i) for i in range(len(docs))] + [("activity", i) for i in range(len(acts))]),
                                min_size=1, unique=True), label="records")
    for record, i in chosen:
        row = docs[i] if record == "document" else acts[i]
        row["title"] = wrap(form, row["title"], record, own, _year(row, "issued" if record == "document" else "date"))
    after = _outcome(bundle)
    changed = {item: (BEFORE[name][item], after[item]) for item in after if after[item] != BEFORE[name][item]}
    assert not changed, (form, [((docs if r == "document" else acts)[i]["title"]) for r, i in chosen], changed)


def _alone(bundle: dict, record: str, i: int) -> dict:
    """The bundle with the one record as the only one of its type: a rich bundle has several records doing
    each job, so a title misread in one of them would change nothing; here it decides."""
    section = "documents" if record == "document" else "activities"
    thin = copy.deepcopy(bundle)
    thin[section] = [thin[section][i]]
    kept = thin[section][0]["id"]
    for table, field, target in (("organizations", "charter", "documents"), ("projects", "plan", "documents"),
                                 ("rectifications", "activity", "activities"), ("hazards", "activity", "activities")):
        if target == section:
            for row in thin.get(table, []):
                if row.get(field) and row[field] != kept:
                    row.pop(field)
    return thin


@pytest.mark.parametrize("form", sorted(FORMS))
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(BUNDLES)), data=st.data())
def test_a_record_that_alone_does_its_job_keeps_every_grade_however_wrapped(name, form, data):
    bundle = BUNDLES[name]
    record = data.draw(st.sampled_from([r for r in ("document", "activity") if FORMS[form][0] in ("any", r)]), label="type")
    rows = bundle["documents" if record == "document" else "activities"]
    i = data.draw(st.integers(0, len(rows) - 1), label="record")
    thin = _alone(bundle, record, i)
    before = _outcome(thin)
    row = thin["documents" if record == "document" else "activities"][0]
    row["title"] = wrap(form, row["title"], record, bundle["community"]["name"], _year(row, "issued" if record == "document" else "date"))
    after = _outcome(thin)
    changed = {item: (before[item], after[item]) for item in after if after[item] != before[item]}
    assert not changed, (row["title"], changed)


# -- wrapped near misses still lower -------------------------------------------------------------------

# (item, check, kind, a real near miss, the community's own paper of the same kind that passes)
NEAR = [
    ("7.1", "comprehensive", "预案", "邹城市突发事件总体应急预案", "朝阳街道突发事件总体应急预案"),
    ("7.1", "comprehensive", "预案", "金华开发区突发公共事件总体应急预案", "朝阳街道突发公共事件总体应急预案"),
    ("1.5", "plan", "方案", "大武口区安全社区建设工作实施方案", "朝阳街道安全社区建设工作实施方案"),
    ("1.5", "plan", "计划", "虹口区安全社区建设工作计划", "朝阳街道安全社区建设工作计划"),
    ("8.6", "rules", "制度", "大连市安全生产事故报告制度", "朝阳街道安全生产事故报告制度"),
]
NEAR_FORMS = sorted(f for f in FORMS if f not in ("本单位", "全角空格"))


@pytest.mark.parametrize("form", NEAR_FORMS)
@pytest.mark.parametrize("item, check_id, kind, near, own", NEAR)
def test_a_higher_levels_paper_wrapped_in_a_form_still_lowers(item, check_id, kind, near, own, form):
    wrapped = wrap(form, near, "document", "朝阳街道办事处", 2024)
    lowered = item_result(SCHEME, item, documents=[doc("D-1", kind, wrapped)])
    assert not check(lowered, check_id).passed and lowered.grade != "A", (wrapped, text_of(lowered))
    mine = wrap(form, own, "document", "朝阳街道办事处", 2024)
    assert check(item_result(SCHEME, item, documents=[doc("D-1", kind, mine)]), check_id).passed, mine


def test_a_street_forwarding_a_citys_plan_holds_the_citys_plan_and_the_city_issuing_its_own_is_the_city():
    assert upper_paper("朝阳街道办事处关于转发《邹城市突发事件总体应急预案》的通知")
    assert upper_paper("邹城市人民政府关于印发《突发事件总体应急预案》的通知")
    assert not upper_paper("朝阳街道办事处关于印发《突发事件总体应急预案》的通知")
    assert not upper_paper("大武口区安委办关于印发《朝阳街道安全社区建设工作方案》的通知")


def test_a_blank_inside_a_place_name_does_not_make_the_streets_plan_a_higher_levels():
    assert not upper_paper("《常州市武进区南夏墅街 道突发事件总体应急预案》")
    assert upper_paper("常州市 突发事件总体应急预案")


def test_a_notice_about_other_work_is_not_what_it_arranges():
    """关于开展…的通知 is the issuer's own notice about that work, not a rule or plan for it: the wrapper stays."""
    assert unwrap("关于开展事故伤害登记工作的通知") == ("", "关于开展事故伤害登记工作的通知")
    notice = item_result(SCHEME, "9.1", documents=[doc("D-1", "通知", "关于开展事故伤害登记工作的通知")])
    issued = item_result(SCHEME, "9.1", documents=[doc("D-1", "通知", "关于印发《事故伤害登记制度》的通知")])
    assert check(issued, "rules").passed and not check(notice, "rules").passed, (text_of(issued), text_of(notice))


# -- the year a title names, however it is written; an edition is not a period -------------------------

@pytest.mark.parametrize("title, years", [
    ("2024年度安全社区创建工作计划", {2024}),
    ("２０２４年度安全社区创建工作计划", {2024}),
    ("二〇二四年安全社区创建工作计划", {2024}),
    ("二○二三年度安全社区创建工作计划", {2023}),
    ("２０２５－２０２７年安全社区创建规划", {2025, 2026, 2027}),
    ("安全社区创建工作计划（2021年版）", set()),
    ("安全社区创建工作计划（2021年修订）", set()),
    ("2023年度安全社区创建工作计划（2024年版）", {2023}),
    ("安全社区创建工作计划（朝办发〔2023〕5号）", set()),
])
def test_the_years_a_title_names(title, years):
    assert title_years(title) == years


@pytest.mark.parametrize("title", ["２０２３年度安全社区创建工作计划", "二〇二三年度安全社区创建工作计划", "一、2023年度安全社区创建工作计划",
                                   "关于印发《2023年度安全社区创建工作计划》的通知"])
def test_last_years_plan_however_its_year_is_written_is_not_this_years(title):
    result = item_result(SCHEME, "1.5", documents=[doc("D-1", "计划", title, issued="2024-02-01")])
    assert not check(result, "plan-current").passed, text_of(result)


@pytest.mark.parametrize("title", ["２０２４年度安全社区创建工作计划", "二〇二四年度安全社区创建工作计划", "安全社区创建工作计划（2021年版）"])
def test_this_years_plan_however_its_year_is_written_is_this_years(title):
    result = item_result(SCHEME, "1.5", documents=[doc("D-1", "计划", title, issued="2024-02-01")])
    assert check(result, "plan-current").passed, text_of(result)


@pytest.mark.parametrize("year, counts", [("２０２４", True), ("二〇二四", True), ("２０２３", False), ("二〇二三", False)])
def test_a_review_report_is_of_the_year_its_title_names_however_written(year, counts):
    """The yearly review by its report alone: one issued in January reviews the year its title names."""
    report = doc("D-1", "总结", f"{year}年度安全社区创建工作总结", issued="2025-01-20")
    result = item_result(SCHEME, "12.1", documents=[report])
    assert check(result, "yearly").passed is counts, text_of(result)
