"""Rule sets are data: a broken one is refused at its line; a province's variant changes results without code."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from safecomm import assess, load_scheme
from safecomm.cli import main
from safecomm.loading import InputError
from safecomm.rulesets import available

from conftest import evidence

# A complete, valid one-item rule set; the tests below break it one way at a time.
MINI = """\
format: safecomm/scheme@2
id: mini
version: "1"
title: 最小规则集
source: 测试
grades: {A: 好, B: 中, C: 差}
grading: {note: 测试}
vocabulary:
  领导机构: [领导小组]
verdict:
  note: 测试政策
  ready: 可以
  rules:
    - verdict: 不可以
      when: {C: {">=": 1}}
    - verdict: 可以
indicators:
  - id: "1"
    title: 机构
    items:
      - id: "1.1"
        text: 有领导机构，跨部门
        checks:
          - id: exists
            level: related
            requirement: 有规定职责的文件
            primitive: charter_documented
            params: {kind: [领导机构], terms: [领导机构]}
            advice: 成立领导小组
          - id: sectors
            level: A
            requirement: 至少3个部门
            primitive: member_sectors
            params: {kind: [领导机构]}
            target: {">=": 3}
            advice: 吸收更多部门
"""


def refused(tmp_path, text: str) -> list:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_scheme(path)
    result = CliRunner().invoke(main, ["indicators", "--scheme", str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for problem in caught.value.problems:
        assert str(problem) in result.stderr
    return caught.value.problems


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return lines[occurrence - 1]


def test_the_mini_rule_set_is_valid(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(MINI, encoding="utf-8")
    scheme = load_scheme(path)
    assert [item.id for _, item in scheme.items()] == ["1.1"]
    assert len(scheme.digest) == 64


def test_unknown_primitive(tmp_path):
    text = MINI.replace("primitive: member_sectors", "primitive: member_sector")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "member_sector")
    assert problem.path == "indicators[0].items[0].checks[1].primitive"
    assert "未知的检查原语 member_sector" in problem.message


def test_unknown_parameter(tmp_path):
    text = MINI.replace("params: {kind: [领导机构]}\n            target", "params: {kind: [领导机构], colour: red}\n            target")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "colour")
    assert problem.path.endswith("checks[1].params")
    assert "colour" in problem.message


def test_parameter_of_the_wrong_kind(tmp_path):
    text = MINI.replace("params: {kind: [领导机构], terms: [领导机构]}", "params: {kind: [委员会], terms: [领导机构]}")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "委员会")
    assert "「委员会」" in problem.message and "领导机构" in problem.message and "leadership" not in problem.message


def test_missing_parameter(tmp_path):
    text = MINI.replace("params: {kind: [领导机构], terms: [领导机构]}", "params: {}")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "params: {}")
    assert "参数 kind" in problem.message and "缺少" in problem.message


def test_count_primitive_without_target(tmp_path):
    text = MINI.replace('            target: {">=": 3}\n', "")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "- id: sectors")
    assert "必须设 target" in problem.message


def test_bool_primitive_with_target(tmp_path):
    text = MINI.replace("terms: [领导机构]}\n            advice: 成立", 'terms: [领导机构]}\n            target: {">=": 1}\n            advice: 成立')
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "- id: exists")
    assert "不能设 target" in problem.message


def test_malformed_bound(tmp_path):
    text = MINI.replace('target: {">=": 3}', 'target: {"at least": 3}')
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "at least")
    assert "比较" in problem.message


def test_infinite_bound(tmp_path):
    text = MINI.replace('target: {">=": 3}', 'target: {">=": .inf}')
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, ".inf")
    assert "有限" in problem.message


def test_duplicate_item_id(tmp_path):
    second = MINI[MINI.index('      - id: "1.1"'):]
    text = MINI + second
    problems = refused(tmp_path, text)
    assert [(p.line, p.path) for p in problems] == [(line_of(text, '- id: "1.1"', 2), "indicators[0].items[1].id")]
    assert "1.1 重复" in problems[0].message


def test_item_filed_under_the_wrong_indicator(tmp_path):
    text = MINI.replace('- id: "1.1"', '- id: "2.1"')
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, '"2.1"')
    assert "不属于指标 1" in problem.message


def test_duplicate_check_id(tmp_path):
    text = MINI.replace("- id: sectors", "- id: exists")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, '- id: "1.1"')
    assert "exists" in problem.message


def test_verdict_policy_without_default(tmp_path):
    text = MINI.replace("    - verdict: 可以\n", "    - verdict: 可以\n      when: {C: {'==': 0}}\n")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "  rules:") + 1
    assert problem.path == "verdict.rules"
    assert "默认" in problem.message


def test_ready_names_no_verdict(tmp_path):
    text = MINI.replace("  ready: 可以", "  ready: 具备申报条件")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "note: 测试政策")
    assert "具备申报条件" in problem.message


def test_several_rule_set_problems_at_once(tmp_path):
    text = MINI.replace("primitive: charter_documented", "primitive: nothing").replace("level: A", "level: D")
    problems = refused(tmp_path, text)
    assert [p.line for p in problems] == [line_of(text, "nothing"), line_of(text, "level: D")]


def test_a_severe_defect_says_why(tmp_path):
    text = MINI.replace("            level: A\n", "            level: defect\n")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "- id: sectors")
    assert "why" in problem.message


def test_a_term_not_in_the_vocabulary(tmp_path):
    text = MINI.replace("terms: [领导机构]}", "terms: [指挥部]}")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "指挥部")
    assert "词条 指挥部 不在 vocabulary 中" in problem.message


def test_a_citation_names_an_existing_check_that_grades(tmp_path):
    cite = '          - {id: again, requirement: 见 1.1, see: "1.1/nowhere"}\n'
    text = MINI + cite
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "1.1/nowhere")
    assert "不存在" in problem.message
    text = MINI + cite.replace("nowhere", "sectors") + cite.replace("again", "twice").replace("nowhere", "again")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "1.1/again") and "本身也是引用" in problem.message


def test_one_fact_graded_in_two_items_is_refused(tmp_path):
    second = MINI[MINI.index('      - id: "1.1"'):].replace('"1.1"', '"1.2"')
    text = MINI + second
    problems = refused(tmp_path, text)
    assert [p.line for p in problems] == [line_of(text, "primitive: charter_documented", 2), line_of(text, "primitive: member_sectors", 2)]
    assert "see: 1.1/exists" in problems[0].message and "see: 1.1/sectors" in problems[1].message


def test_the_old_format_is_refused_with_what_changed(tmp_path):
    [problem] = refused(tmp_path, MINI.replace("safecomm/scheme@2", "safecomm/scheme@1"))
    assert problem.path == "format" and "level" in problem.message and "docs/rules.md" in problem.message


def test_unknown_shipped_rule_set_names_the_available_ones():
    result = CliRunner().invoke(main, ["indicators", "--scheme", "mars-2099"])
    assert result.exit_code == 2
    assert "national-2009" in result.stderr and "Traceback" not in result.output
    assert "national-2009" in available()


def test_missing_rule_set_file(tmp_path):
    result = CliRunner().invoke(main, ["indicators", "--scheme", str(tmp_path / "nowhere.yaml")])
    assert result.exit_code == 2
    assert "规则集文件不存在" in result.stderr


# -- a province's variant: data only ---------------------------------------------------------


def variant(tmp_path):
    """national-2009 as a province would change it: 8.3 raised from 4 to 6 comprehensive
    inspections, and its own word for a vetoed application."""
    data = yaml.safe_load((load_scheme_path()).read_text(encoding="utf-8"))
    data["id"] = "ningxia-2024"
    data["title"] = "安全社区评定指标（宁夏回族自治区）"
    raised = 0
    for indicator in data["indicators"]:
        for item in indicator["items"]:
            if item["id"] == "8.3":
                for check in item["checks"]:
                    if check.get("target") == {">=": 4}:
                        check["target"] = {">=": 6}
                        raised += 1
    assert raised == 1
    veto_rule = next(r for r in data["verdict"]["rules"] if "vetoes" in r.get("when", {}))
    veto_rule["verdict"] = "暂缓申报"
    path = tmp_path / "ningxia-2024.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_scheme_path():
    from safecomm.rulesets import shipped

    return shipped() / "national-2009.yaml"


INSPECTIONS = [
    {"id": f"A-{n}", "kind": "检查", "scope": "综合", "date": f"2024-{month:02d}-10", "title": f"第{n}次综合安全检查", "findings": 2}
    for n, month in enumerate((2, 4, 7, 10, 12), 1)
]
# A key project with 20% participation: 2.4 is vetoed (below 30%).
LOW_PARTICIPATION = [
    {"id": "P-1", "name": "老年人防跌倒", "key": True, "target_population": 1000, "participants": 200},
]


def test_province_variant_changes_results_without_code(tmp_path, scheme):
    national = scheme
    province = load_scheme(variant(tmp_path))
    ev = evidence(activities=INSPECTIONS, projects=LOW_PARTICIPATION)
    before, after = assess(ev, national), assess(ev, province)

    def check_83(result):
        item = next(i for i in result.items if i.id == "8.3")
        return next(c for c in item.checks if c.target in ("≥ 4", "≥ 6"))

    assert (check_83(before).passed, check_83(before).target) == (True, "≥ 4")
    assert (check_83(after).passed, check_83(after).target) == (False, "≥ 6")
    assert check_83(after).measured == 5
    assert before.verdict.verdict == "不具备申报条件"
    assert after.verdict.verdict == "暂缓申报"
    assert after.scheme.id == "ningxia-2024" and after.scheme.digest != before.scheme.digest
    # Everything else is the same rule set: the other items grade alike.
    others = lambda r: [(i.id, i.grade) for i in r.items if i.id != "8.3"]  # noqa: E731
    assert others(before) == others(after)


def test_scheme_option_takes_a_file_path(tmp_path):
    path = variant(tmp_path)
    bundle = tmp_path / "evidence.yaml"
    bundle.write_text(yaml.safe_dump(
        {"format": "safecomm/evidence@1",
         "community": {"name": "测试街道", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
         "activities": INSPECTIONS, "projects": LOW_PARTICIPATION},
        allow_unicode=True,
    ), encoding="utf-8")
    result = CliRunner().invoke(main, ["assess", str(bundle), "--scheme", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scheme"]["id"] == "ningxia-2024"
    assert data["verdict"]["verdict"] == "暂缓申报"
    explained = CliRunner().invoke(main, ["explain", "8.3", "--scheme", str(path)])
    assert explained.exit_code == 0 and "6" in explained.stdout


def test_a_general_term_not_in_the_vocabulary_is_refused_at_its_place(tmp_path):
    text = MINI.replace("vocabulary:\n", "general: [领导机构, 泛指词]\nvocabulary:\n")
    [problem] = refused(tmp_path, text)
    assert problem.line == line_of(text, "general: [")
    assert "泛指词" in problem.message and "不在 vocabulary 中" in problem.message
