"""A variant extends a rule set and writes only what it changes: every kind of change, the
errors at their lines, provenance in explain and in the JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from safecomm import assess, load_evidence, load_scheme
from safecomm.cli import main
from safecomm.loading import InputError

from conftest import FIXTURES

HEAD = """\
format: safecomm/scheme@2
extends: national-2009
id: my-province
version: "1"
title: 某省安全社区评定指标
"""


def write(tmp_path, body: str, name: str = "province.yaml", head: str = HEAD) -> tuple:
    path = tmp_path / name
    path.write_text(head + body, encoding="utf-8")
    return path, head + body


def refused(tmp_path, body: str, head: str = HEAD) -> tuple[list, str]:
    path, text = write(tmp_path, body, head=head)
    with pytest.raises(InputError) as caught:
        load_scheme(path)
    result = CliRunner().invoke(main, ["indicators", "--scheme", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    for problem in caught.value.problems:
        assert str(problem) in result.stderr
    return caught.value.problems, text


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module")
def ready():
    return load_evidence(FIXTURES / "ready" / "evidence.yaml")


def check(scheme, ref: str):
    return scheme.check(ref)[1]


# -- each kind of change ------------------------------------------------------------------------


def test_a_variant_changes_targets_vetoes_parameters_and_words(tmp_path, scheme):
    path, _ = write(tmp_path, """\
vocabulary:
  检查: [检查, 巡查, 大排查]
items:
  "2.4":
    text: 居民广泛参与安全促进活动（本省）。
    confirm: 入户抽查参与情况
    checks:
      participation: {target: {">=": 0.6}, veto: {"<": 0.4}, advice: 提高参与度}
  "3.2":
    checks:
      trend: {params: {tolerance: 0.1}}
""")
    variant = load_scheme(path)
    assert check(variant, "2.4/participation").target.value == 0.6
    assert check(variant, "2.4/participation").veto.value == 0.4
    assert check(variant, "2.4/participation").advice == "提高参与度"
    assert check(variant, "3.2/trend").params == {"years": 3, "tolerance": 0.1}  # merged by name
    assert variant.item("2.4")[1].text.endswith("（本省）。") and variant.item("2.4")[1].confirm == "入户抽查参与情况"
    assert variant.words.words("检查") == sorted(["检查", "巡查", "大排查"], key=lambda w: (-len(w), w))
    # Everything else is the base's.
    assert check(variant, "8.3/four").target == check(scheme, "8.3/four").target
    assert variant.words.words("制度") == scheme.words.words("制度")


def test_a_variant_replaces_the_verdict_policy_and_the_grading_note(tmp_path, ready):
    path, _ = write(tmp_path, """\
grading: {note: 本省的评定办法}
verdict:
  note: 本省：A 级不少于 40 项即可申报
  ready: 可以申报
  rules:
    - {verdict: 可以申报, when: {A: {">=": 40}}}
    - {verdict: 暂缓申报}
""")
    result = assess(ready, load_scheme(path))
    assert result.verdict.verdict == "可以申报" and result.verdict.ready
    assert result.grading == "本省的评定办法"
    assert result.verdict.policy == "本省：A 级不少于 40 项即可申报"


def test_a_variant_renames_an_indicator_as_guangdong_does(tmp_path, ready):
    path, _ = write(tmp_path, 'indicators:\n  "3": {title: 社区安全诊断}\n')
    result = assess(ready, load_scheme(path))
    assert next(i.title for i in result.indicators if i.id == "3") == "社区安全诊断"


def test_a_variant_adds_and_removes_items_and_checks(tmp_path, scheme, ready):
    path, _ = write(tmp_path, """\
items:
  "10.2": {remove: 本省不单列}
  "1.1":
    checks:
      sectors: {remove: 本省只要求跨部门}
      minutes:
        requirement: 领导机构开过会
        primitive: activities
        params: {kind: [会议]}
        target: {">=": 1}
        advice: 召开领导小组会议
  "12.4":
    text: 本省新增：建立安全社区长效机制。
    checks:
      plan: {requirement: 有长效机制文件, primitive: documents, params: {kind: [制度], terms: [创建]}, target: {">=": 1}, advice: 印发长效机制文件}
""")
    variant = load_scheme(path)
    assert [c.id for c in variant.item("1.1")[1].checks] == ["exists", "cross-sector", "charter", "minutes"]
    base, after = assess(ready, scheme), assess(ready, variant)
    assert len(after.items) == len(base.items) == 45  # one removed, one added
    assert "10.2" not in [i.id for i in after.items] and after.items[-1].id == "12.4"
    assert sum(after.counts.values()) == 45
    assert next(i for i in after.indicators if i.id == "10").items == ["10.1"]


def test_removing_an_item_changes_counts_and_points(tmp_path, ready):
    onsite = load_scheme("national-2009-onsite")
    head = HEAD.replace("extends: national-2009", "extends: national-2009-onsite")
    path, _ = write(tmp_path, 'items:\n  "8.7": {remove: 本省不单列}\nscoring: {scale: null}\n', head=head)
    base, after = assess(ready, onsite), assess(ready, load_scheme(path))
    assert (sum(base.counts.values()), sum(after.counts.values())) == (45, 44)
    assert (base.score.possible, after.score.possible) == (135, 132)
    assert base.score.points == 133.68 and after.score.points == 133.68 - 3  # 8.7 scored 0.8 + 1 + 1.2


def test_an_item_not_applicable_is_listed_with_its_reason_and_not_graded(tmp_path, ready):
    path, _ = write(tmp_path, 'items:\n  "6.5": {not_applicable: 辖区没有生产经营单位}\n')
    result = assess(ready, load_scheme(path))
    assert "6.5" not in [i.id for i in result.items] and sum(result.counts.values()) == 44
    [na] = result.not_applicable
    assert (na.id, na.indicator, na.reason) == ("6.5", "6", "辖区没有生产经营单位")
    text = CliRunner().invoke(main, ["assess", str(FIXTURES / "ready" / "evidence.yaml"), "--scheme", str(tmp_path / "province.yaml")])
    assert "6.5   不适用 — 辖区没有生产经营单位" in text.stdout


def test_a_variant_may_extend_a_variant_by_path(tmp_path, ready):
    write(tmp_path, 'items:\n  "2.4": {checks: {participation: {target: {">=": 0.6}}}}\n')
    head = HEAD.replace("extends: national-2009", "extends: province.yaml").replace("my-province", "my-city")
    path, _ = write(tmp_path, 'items:\n  "8.3": {checks: {four: {target: {">=": 6}}}}\n', name="city.yaml", head=head)
    city = load_scheme(path)
    assert [b.id for b in city.lineage.bases] == ["my-province", "national-2009"]
    assert check(city, "2.4/participation").target.value == 0.6 and check(city, "8.3/four").target.value == 6
    assert [(c.scheme, c.target) for c in city.lineage.changes] == [("my-province", "2.4/participation"), ("my-city", "8.3/four")]


def test_the_digest_covers_the_base_and_the_overrides(tmp_path):
    national = (load_scheme().digest)
    base = tmp_path / "base.yaml"
    from safecomm.rulesets import shipped

    base.write_bytes((shipped() / "national-2009.yaml").read_bytes())
    head = HEAD.replace("extends: national-2009", "extends: base.yaml")
    one = load_scheme(write(tmp_path, 'items: {"2.4": {checks: {participation: {target: {">=": 0.6}}}}}\n', head=head)[0]).digest
    two = load_scheme(write(tmp_path, 'items: {"2.4": {checks: {participation: {target: {">=": 0.7}}}}}\n', head=head)[0]).digest
    base.write_bytes(base.read_bytes().replace(b"version: \"2026.1\"", b"version: \"2026.2\""))
    three = load_scheme(write(tmp_path, 'items: {"2.4": {checks: {participation: {target: {">=": 0.7}}}}}\n', head=head)[0]).digest
    assert len({national, one, two, three}) == 4


# -- provenance -----------------------------------------------------------------------------------


def test_explain_shows_each_change_with_the_base_value_and_where_it_is_written(tmp_path):
    path, text = write(tmp_path, 'items:\n  "2.4":\n    checks:\n      participation: {target: {">=": 0.6}}\n')
    result = CliRunner().invoke(main, ["explain", "2.4", "--scheme", str(path)])
    assert result.exit_code == 0, result.output
    line = line_of(text, "participation:")
    assert f"2.4/participation target：≥ 50% → ≥ 60%（{path}:{line}，my-province）" in result.stdout
    assert "相对 national-2009 2026.1 的修改" in result.stdout
    other = CliRunner().invoke(main, ["explain", "8.3", "--scheme", str(path)])
    assert "本条目未作修改" in other.stdout


def test_the_json_names_the_variant_its_base_and_each_change(tmp_path):
    path, text = write(tmp_path, 'items:\n  "6.5": {not_applicable: 辖区没有生产经营单位}\n')
    result = CliRunner().invoke(main, ["assess", str(FIXTURES / "ready" / "evidence.yaml"), "--scheme", str(path), "--format", "json"])
    data = json.loads(result.stdout)["scheme"]
    assert (data["id"], data["version"]) == ("my-province", "1")
    assert [(b["id"], b["version"]) for b in data["bases"]] == [("national-2009", load_scheme().version)]
    assert data["changes"] == [{
        "scheme": "my-province", "action": "added", "target": "6.5", "field": "not_applicable", "base": None,
        "value": "辖区没有生产经营单位", "source": f"{path}:{line_of(text, 'not_applicable')}",
    }]
    shown = CliRunner().invoke(main, ["assess", str(FIXTURES / "ready" / "evidence.yaml"), "--scheme", str(path)]).stdout
    assert f"规则集 my-province 1（基于 national-2009 {load_scheme().version}）" in shown


# -- errors at their lines ---------------------------------------------------------------------


def test_changing_what_does_not_exist_is_refused_at_its_line(tmp_path):
    problems, text = refused(tmp_path, """\
items:
  "2.44":
    checks:
      participation: {target: {">=": 0.6}}
  "2.4":
    checks:
      participatoin: {target: {">=": 0.6}}
  "10.9": {remove: 没有这一条}
  "13.1": {text: 新条目, checks: {a: {requirement: 有, primitive: goals, target: {">=": 1}, advice: 做}}}
indicators:
  "14": {remove: 没有这个指标}
""")
    found = {p.line: p.message for p in problems}
    assert "基础规则集中没有条目 2.44" in found[line_of(text, '"2.44"')]
    assert "条目 2.4 中没有检查 participatoin（现有：all-measured、participation）" in found[line_of(text, "participatoin")]
    assert "没有条目 10.9，无从删除" in found[line_of(text, '"10.9"')]
    assert "没有指标 13" in found[line_of(text, '"13.1"')]
    assert "没有指标 14" in found[line_of(text, '"14"')]
    assert len(problems) == 5


def test_removing_what_another_item_cites_is_refused(tmp_path):
    problems, text = refused(tmp_path, 'items:\n  "3.3":\n    checks:\n      pledges: {remove: 不要}\n')
    [problem] = problems
    assert problem.line == line_of(text, "pledges:") and "1.3/pledges" in problem.message


def test_a_bad_value_in_an_override_is_reported_at_the_variant_line(tmp_path):
    problems, text = refused(tmp_path, 'items:\n  "2.4":\n    checks:\n      participation: {target: {"at least": 0.6}, primitive: particpation}\n')
    assert {p.file for p in problems} == {str(tmp_path / "province.yaml")}
    assert [p.line for p in problems] == [line_of(text, "at least")] * 2
    assert {"未知的检查原语 particpation" in p.message or "比较" in p.message for p in problems} == {True}


def test_the_shape_of_the_changes_is_checked_at_its_lines(tmp_path):
    problems, text = refused(tmp_path, """\
items:
  2.4:
    checks: {participation: {targte: 1}}
  "8.3": {remove: 不要, text: 又要}
""")
    messages = {p.line: p.message for p in problems}
    assert "编号 2.4 要加引号" in messages[line_of(text, "  2.4:")]
    problems, text = refused(tmp_path, 'items:\n  "2.4":\n    checks: {participation: {targte: 1}}\n  "8.3": {remove: 不要, text: 又要}\n')
    messages = {p.line: p.message for p in problems}
    assert "不认识的字段" in messages[line_of(text, "targte")]
    assert "remove 与其他字段不能同时写" in messages[line_of(text, '"8.3"')]


def test_extends_names_an_existing_rule_set_without_loops(tmp_path):
    problems, text = refused(tmp_path, "", head=HEAD.replace("extends: national-2009", "extends: national-2099"))
    assert problems[0].line == line_of(text, "extends:") and "没有名为 national-2099 的规则集" in problems[0].message
    problems, text = refused(tmp_path, "", head=HEAD.replace("extends: national-2009", "extends: nowhere.yaml"))
    assert problems[0].line == line_of(text, "extends:") and "不存在" in problems[0].message
    problems, text = refused(tmp_path, "", head=HEAD.replace("extends: national-2009", "extends: province.yaml"))
    assert problems[0].line == line_of(text, "extends:") and "循环继承" in problems[0].message


def test_the_chain_of_bases_is_bounded(tmp_path):
    previous = "national-2009"
    for n in range(6):
        head = HEAD.replace("extends: national-2009", f"extends: {previous}").replace("my-province", f"level-{n}")
        path, _ = write(tmp_path, "", name=f"level-{n}.yaml", head=head)
        previous = path.name
    with pytest.raises(InputError) as caught:
        load_scheme(path)
    assert "继承层数超过" in str(caught.value)
