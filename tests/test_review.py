"""Review sheets: made fresh, filled in by hand, applied to the assessment and shown in every format."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from conftest import community, write_evidence
from safecomm.cli import main
from safecomm.review_input import load_review


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def fill(sheet, item_id, grade="", reason="", **top):
    """Write a grade and reason under item `item_id`, and top-level reviewer fields, as a person would."""
    text = sheet.read_text(encoding="utf-8")
    block = re.compile(rf'(  - id: "{re.escape(item_id)}".*\n    auto: .*\n)    grade:\n    reason:\n')
    assert block.search(text), f"item {item_id} not in sheet"
    text = block.sub(lambda m: f"{m.group(1)}    grade: {grade}\n    reason: {reason}\n", text)
    for key, value in top.items():
        text = re.sub(rf"^(\s*){key}:.*$", rf"\g<1>{key}: {value}", text, count=1, flags=re.M)
    sheet.write_text(text, encoding="utf-8")


def line_of(path, needle, after=""):
    """1-based number of the first line containing `needle` after the first line containing `after`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line)
    return next(n for n, line in enumerate(lines[start:], start) if needle in line) + 1


@pytest.fixture
def app(tmp_path, mini_scheme):
    """An application graded A on all three items (1.3 needs on-site confirmation), and its fresh sheet."""
    ev = write_evidence(tmp_path / "和平街道" / "evidence.yaml", **community(participation=60))
    sheet = tmp_path / "和平街道.review.yaml"
    result = run("review", "start", ev, "-o", sheet, "--scheme", mini_scheme)
    assert result.exit_code == 0, result.output
    return ev, sheet, mini_scheme


def assess_json(ev, sheet, scheme, *extra):
    result = run("assess", ev, "--review", sheet, "--scheme", scheme, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_fresh_sheet_lists_every_item_and_the_on_site_items_first(app):
    ev, sheet, _ = app
    text = sheet.read_text(encoding="utf-8")
    header, body = text.split("\nformat: safecomm/review@1\n")
    assert "需现场核实" in header and "1.3" in header and "访谈相关人员" in header
    review = load_review(sheet)
    assert [i.id for i in review.items] == ["1.1", "1.3", "2.4"]
    assert [i.auto for i in review.items] == ["A", "A", "A"]
    assert all(i.grade is None and i.reason is None for i in review.items)
    assert review.reviewer.unit == "城关区安委会办公室"
    assert len(review.evidence_digest) == 64


def test_empty_sheet_changes_nothing(app):
    ev, sheet, scheme = app
    plain = json.loads(run("assess", ev, "--scheme", scheme, "--format", "json").output)
    reviewed = assess_json(ev, sheet, scheme)
    assert reviewed["items"] == plain["items"]
    assert reviewed["verdict"] == plain["verdict"]
    assert reviewed["review"]["unit"] == "城关区安委会办公室"


def test_override_is_kept_beside_the_automatic_grade_and_shown_in_every_format(app):
    ev, sheet, scheme = app
    fill(sheet, "1.1", "B", "现场核实领导小组名单与文件不符", name="王审核", date="2024-12-20", opinion="同意上报，1.1 须补正")
    data = assess_json(ev, sheet, scheme)
    item = data["items"][0]
    assert (item["grade"], item["final_grade"]) == ("A", "B")
    assert item["override"] == {
        "grade": "B", "reason": "现场核实领导小组名单与文件不符", "reviewer": "王审核", "unit": "城关区安委会办公室", "date": "2024-12-20",
        "onsite": None,
    }
    assert data["counts"] == {"A": 2, "B": 1, "C": 0}
    assert data["indicators"][0]["counts"] == {"A": 1, "B": 1, "C": 0}
    assert data["verdict"]["overridden"] == 1
    assert any("1 项为审核改判" in r for r in data["verdict"]["reasons"])
    assert data["review"] == {"reviewer": "王审核", "unit": "城关区安委会办公室", "date": "2024-12-20",
                              "opinion": "同意上报，1.1 须补正", "stale": False}
    for fmt in ("text", "md"):
        out = run("assess", ev, "--review", sheet, "--scheme", scheme, "--format", fmt).output
        assert "自评 A，审核改判：现场核实领导小组名单与文件不符 — 王审核 2024-12-20" in out, fmt
        assert "初步审查意见：同意上报，1.1 须补正" in out, fmt


def test_verdict_is_computed_on_final_grades(tmp_path, mini_scheme):
    ev = write_evidence(tmp_path / "evidence.yaml", **community(working=False))
    assert run("review", "start", ev, "--scheme", mini_scheme).exit_code == 0
    sheet = tmp_path / "evidence.review.yaml"  # the default place, beside the evidence
    assert json.loads(run("assess", ev, "--scheme", mini_scheme, "--format", "json").output)["verdict"]["verdict"] == "需整改后申报"
    fill(sheet, "1.3", "b", "街道综治办承担执行机构职责，有文件")  # lower case is accepted
    data = assess_json(ev, sheet, mini_scheme)
    assert data["items"][1]["final_grade"] == "B"
    assert data["verdict"]["verdict"] == "具备申报条件"


def test_a_remark_without_a_grade_keeps_the_grade_and_is_not_counted_as_an_override(app):
    ev, sheet, scheme = app
    fill(sheet, "1.3", "", "已访谈 5 名网格员，职责清楚")
    data = assess_json(ev, sheet, scheme)
    item = data["items"][1]
    assert (item["grade"], item["final_grade"], item["override"]["reason"]) == ("A", "A", "已访谈 5 名网格员，职责清楚")
    assert data["verdict"]["overridden"] == 0
    assert "（审核意见：已访谈 5 名网格员，职责清楚）" in run("assess", ev, "--review", sheet, "--scheme", scheme).output


def test_grade_without_reason_is_an_input_error_at_its_line(app):
    ev, sheet, scheme = app
    fill(sheet, "2.4", "B", "")
    result = run("assess", ev, "--review", sheet, "--scheme", scheme)
    assert result.exit_code == 2
    line = line_of(sheet, "grade: B", after='id: "2.4"')
    assert f"{sheet}:{line}:" in result.output
    assert "items[2].grade" in result.output and "没有写理由" in result.output
    assert "Traceback" not in result.output


def test_a_veto_cannot_be_graded_away_only_contested_with_a_reason(tmp_path, mini_scheme):
    ev = write_evidence(tmp_path / "evidence.yaml", **community(participation=20))
    sheet = tmp_path / "evidence.review.yaml"
    run("review", "start", ev, "--scheme", mini_scheme)
    assert "否决项" in sheet.read_text(encoding="utf-8")
    original = sheet.read_text(encoding="utf-8")
    fill(sheet, "2.4", "A", "参与人数统计有误")
    result = run("assess", ev, "--review", sheet, "--scheme", mini_scheme)
    assert result.exit_code == 2
    line = line_of(sheet, "grade: A", after='id: "2.4"')
    assert f"{sheet}:{line}:" in result.output and "否决项" in result.output

    sheet.write_text(original, encoding="utf-8")
    fill(sheet, "2.4", "", "异议：P-1 的参与人数未计入 11 月的入户活动")
    data = assess_json(ev, sheet, mini_scheme)
    item = data["items"][2]
    assert item["vetoed"] and item["final_grade"] == "C"
    assert item["override"]["reason"] == "异议：P-1 的参与人数未计入 11 月的入户活动"
    assert data["verdict"]["verdict"] == "不具备申报条件"
    assert "异议：P-1 的参与人数未计入 11 月的入户活动" in run("assess", ev, "--review", sheet, "--scheme", mini_scheme).output


def test_sheet_made_for_other_evidence_is_refused_unless_allowed_and_then_marked(app):
    ev, sheet, scheme = app
    fill(sheet, "1.1", "B", "名单不符")
    write_evidence(ev, **community(participation=55))  # the community resubmitted
    refused = run("assess", ev, "--review", sheet, "--scheme", scheme)
    assert refused.exit_code == 2
    assert f"{sheet}:{line_of(sheet, 'evidence_digest:')}:" in refused.output and "--allow-stale" in refused.output

    data = assess_json(ev, sheet, scheme, "--allow-stale")
    assert data["review"]["stale"] is True
    assert data["items"][0]["final_grade"] == "B"
    assert any("另一版本的证据" in w for w in data["warnings"])
    first_lines = run("assess", ev, "--review", sheet, "--scheme", scheme, "--allow-stale").output.splitlines()[:3]
    assert any("另一版本的证据" in line for line in first_lines)


def test_review_start_never_overwrites_a_sheet_unless_forced(app):
    ev, sheet, scheme = app
    fill(sheet, "1.1", "B", "已审核的内容")
    before = sheet.read_bytes()
    result = run("review", "start", ev, "-o", sheet, "--scheme", scheme)
    assert result.exit_code == 2 and "--force" in result.output
    assert sheet.read_bytes() == before
    assert run("review", "start", ev, "-o", sheet, "--scheme", scheme, "--force").exit_code == 0
    assert "已审核的内容" not in sheet.read_text(encoding="utf-8")


@pytest.mark.parametrize("edit, where, message", [
    (('id: "1.1"', 'id: "9.9"'), 'id: "9.9"', "没有条目 9.9"),
    (("scheme: mini", "scheme: national-2009"), "scheme:", "national-2009"),
    (('id: "1.3"', 'id: "1.1"'), 'id: "1.1"  # 人员', "重复"),
    (('id: "1.1"', "id: 1.1"), "id: 1.1", "应为文字"),
    (("  date:", "  date: 2024-13-01"), "date: 2024-13-01", "日期"),
])
def test_sheet_mistakes_are_reported_at_their_line(app, edit, where, message):
    ev, sheet, scheme = app
    sheet.write_text(sheet.read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8")
    result = run("assess", ev, "--review", sheet, "--scheme", scheme)
    assert result.exit_code == 2, result.output
    assert f"{sheet}:{line_of(sheet, where)}:" in result.output
    assert message in result.output


def test_html_report_shows_the_override_and_the_opinion(app):
    html = pytest.importorskip("safecomm.report.html")
    from safecomm import assess, load_evidence, load_scheme
    from safecomm.review import apply_review

    ev, sheet, scheme_path = app
    fill(sheet, "1.1", "B", "现场核实领导小组名单与文件不符", name="王审核", date="2024-12-20", opinion="同意上报，1.1 须补正")
    scheme = load_scheme(scheme_path)
    page = html.render(apply_review(assess(load_evidence(ev), scheme), load_review(sheet), scheme))
    for words in ("现场核实领导小组名单与文件不符", "王审核", "同意上报，1.1 须补正"):
        assert words in page


def tick(sheet, item_id):
    """Tick 已现场核实 under item `item_id`, as a reviewer writes `onsite: true` in the sheet."""
    text = sheet.read_text(encoding="utf-8")
    block = re.compile(rf'(  - id: "{re.escape(item_id)}".*\n(?:    .*\n)*?    reason:.*\n)')
    assert block.search(text), f"item {item_id} not in sheet"
    sheet.write_text(block.sub(lambda m: m.group(1) + "    onsite: true\n", text, count=1), encoding="utf-8")


def test_the_on_site_tick_is_printed_on_the_reviewed_form_in_pdf_and_word(app, tmp_path):
    """The tick alone (1.3, grade kept) and beside a changed grade (1.1); 2.4 not ticked says nothing of it."""
    import io
    import shutil
    import subprocess

    import docx
    from safecomm import assess, load_evidence, load_scheme, papers
    from safecomm.review import apply_review

    ev, sheet, scheme_path = app
    fill(sheet, "1.1", "B", "名单与文件不符", name="王审核", date="2024-12-20")
    tick(sheet, "1.1")
    tick(sheet, "1.3")
    scheme = load_scheme(scheme_path)
    result = apply_review(assess(load_evidence(ev), scheme), load_review(sheet), scheme)
    items = {i.id: i for i in result.items}
    assert (items["1.3"].final_grade, items["1.3"].override.onsite, items["1.3"].override.reason) == ("A", True, "")
    assert items["2.4"].override is None and result.verdict.overridden == 1

    document = docx.Document(io.BytesIO(papers.docx(result)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    row_13 = next(c for c in cells if "已现场核实（等级维持 A）" in c)
    assert "王审核" in row_13
    assert any("审核改判为 B（自评 A）：名单与文件不符；已现场核实" in c for c in cells)

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text cannot be read reliably")
    out = tmp_path / "reviewed.pdf"
    out.write_bytes(papers.pdf(result))
    text = "".join(subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "已现场核实（等级维持A）" in text
    assert "名单与文件不符；已现场核实" in text


def test_without_the_tick_the_form_says_nothing_of_an_on_site_check(app):
    import io

    import docx
    from safecomm import assess, load_evidence, load_scheme, papers
    from safecomm.review import apply_review

    ev, sheet, scheme_path = app
    fill(sheet, "1.1", "B", "名单与文件不符")
    scheme = load_scheme(scheme_path)
    result = apply_review(assess(load_evidence(ev), scheme), load_review(sheet), scheme)
    document = docx.Document(io.BytesIO(papers.docx(result)))
    assert not any("已现场核实" in c.text for t in document.tables for row in t.rows for c in row.cells)
