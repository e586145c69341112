"""Diff: a grade up, a grade down, a moved threshold, a changed verdict, and identical inputs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import community, write_evidence
from safecomm.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def years(tmp_path, mini_scheme):
    """2023: 1.1 A, 1.3 C (no working body), 2.4 vetoed at 20%. 2024: 1.1 B, 1.3 A, 2.4 met at 60%."""
    old = write_evidence(tmp_path / "2023" / "evidence.yaml", **community(participation=20, working=False))
    new = write_evidence(tmp_path / "2024" / "evidence.yaml", **community(participation=60, sectors=2))
    return old, new, mini_scheme


def test_grades_up_and_down_with_both_reasons_thresholds_and_verdict(years):
    old, new, scheme = years
    result = run("diff", old, new, "--scheme", scheme, "--format", "json")
    assert result.exit_code == 0, result.output
    d = json.loads(result.output)
    assert d["changed"] and d["verdict_changed"]
    assert (d["old"]["verdict"], d["new"]["verdict"]) == ("不具备申报条件", "具备申报条件")
    grades = {g["item"]: g for g in d["grades"]}
    assert set(grades) == {"1.1", "1.3", "2.4"}
    assert (grades["1.1"]["old"], grades["1.1"]["new"], grades["1.1"]["direction"]) == ("A", "B", "down")
    assert "3 个部门" in grades["1.1"]["old_reason"] and "2 个部门" in grades["1.1"]["new_reason"]
    assert (grades["1.3"]["direction"], grades["2.4"]["direction"]) == ("up", "up")
    assert "否决" in grades["2.4"]["old_reason"]
    assert d["thresholds"] == [{
        "item": "2.4", "name": "重点项目相关人群参与度", "old": "20%", "new": "60%", "old_status": "veto", "new_status": "met",
    }]


def test_text_and_markdown_say_the_same(years):
    old, new, scheme = years
    text = run("diff", old, new, "--scheme", scheme).output
    assert "结论：不具备申报条件 → 具备申报条件" in text
    assert "↓ 1.1   A → B" in text and "↑ 1.3   C → A" in text
    assert "重点项目相关人群参与度：20% → 60%（否决 → 达标）" in text
    md = run("diff", old, new, "--scheme", scheme, "--format", "md").output
    assert "| 1.1 | ↓ A → B |" in md and "| 2.4 | 重点项目相关人群参与度 | 20% | 60% | 否决 → 达标 |" in md


def test_a_threshold_that_moves_without_changing_a_grade(tmp_path, mini_scheme):
    old = write_evidence(tmp_path / "a.yaml", **community(participation=60))
    new = write_evidence(tmp_path / "b.yaml", **community(participation=75))
    d = json.loads(run("diff", old, new, "--scheme", mini_scheme, "--format", "json").output)
    assert d["grades"] == [] and not d["verdict_changed"]
    assert [(t["old"], t["new"], t["old_status"], t["new_status"]) for t in d["thresholds"]] == [("60%", "75%", "met", "met")]
    assert "具备申报条件（未变）" in run("diff", old, new, "--scheme", mini_scheme).output


def test_assessment_json_on_either_side_and_identical_inputs_say_no_change(years, tmp_path):
    old, _, scheme = years
    saved = tmp_path / "2023.json"
    saved.write_text(run("assess", old, "--scheme", scheme, "--format", "json").output, encoding="utf-8")
    for a, b in ((saved, old), (old, saved), (saved, saved), (old, old)):
        result = run("diff", a, b, "--scheme", scheme)
        assert result.exit_code == 0
        assert "无变化" in result.output and "↑" not in result.output
    assert json.loads(run("diff", saved, saved, "--format", "json").output)["changed"] is False
    assert "无变化" in run("diff", saved, saved, "--format", "md").output


def test_reviewed_grades_are_compared_with_the_reviewers_reason(years, tmp_path):
    old, _, scheme = years
    sheet = tmp_path / "s.review.yaml"
    run("review", "start", old, "-o", sheet, "--scheme", scheme)
    text = sheet.read_text(encoding="utf-8")
    head, tail = text.split('  - id: "1.3"')
    sheet.write_text(head + '  - id: "1.3"' + tail.replace("    grade:\n    reason:\n", "    grade: B\n    reason: 有综治办\n", 1),
                     encoding="utf-8")
    plain, reviewed = tmp_path / "plain.json", tmp_path / "reviewed.json"
    plain.write_text(run("assess", old, "--scheme", scheme, "--format", "json").output, encoding="utf-8")
    reviewed.write_text(run("assess", old, "--scheme", scheme, "--review", sheet, "--format", "json").output, encoding="utf-8")
    d = json.loads(run("diff", plain, reviewed, "--format", "json").output)
    assert [(g["item"], g["old"], g["new"]) for g in d["grades"]] == [("1.3", "C", "B")]
    assert d["grades"][0]["new_reason"].startswith("审核改判（自评 C）：有综治办")


@pytest.mark.parametrize("content, message", [
    ('{"format": "safecomm/assessment@1",\n "scheme": ', "不是有效的 JSON"),
    ('{"format": "safecomm/assessment@1"}', "缺少必填字段"),
])
def test_a_file_that_is_not_an_assessment_is_an_input_error(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run("diff", bad, bad)
    assert result.exit_code == 2 and message in result.output and str(bad) in result.output
    assert "Traceback" not in result.output


def test_diff_speaks_chinese_only(years, tmp_path):
    """Besides the file names and the rule set's id, the text and Markdown diffs hold no English word."""
    import re

    old, new, scheme = years
    for a, b in ((old, new), (old, old)):
        for fmt in ("text", "md"):
            out = run("diff", a, b, "--scheme", scheme, "--format", fmt).output
            for known in (str(a), str(b), "mini"):
                out = out.replace(known, "")
            assert "无变化" in out or "↑" in out
            assert not re.search(r"[A-Za-z]{2,}", out), out
