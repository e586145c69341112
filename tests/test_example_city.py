"""The worked example `examples/city-100`: a city's 100-point sheet passing at 90, built by
`extends:`, with the city's eligibility rules (half a year of building, accidents within the
year's goals, a title valid three years) shown as verdict reasons."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from safecomm import assess, load_evidence, load_scheme
from safecomm.cli import main
from safecomm.report import markdown

from conftest import FIXTURES

READY = FIXTURES / "ready" / "evidence.yaml"


@pytest.fixture(scope="module")
def city():
    return load_scheme("examples/city-100")


def test_the_example_extends_the_onsite_sheet_and_rescales_to_100(city):
    assert city.id == "example-city-100"
    assert [b.id for b in city.lineage.bases] == ["national-2009-onsite", "national-2009"]
    assert city.scoring.scale == 100 and len(list(city.items())) == 45


@pytest.mark.parametrize(("name", "total", "verdict", "unmet"), [
    ("ready", 99.02, "通过", []),  # 133.68 / 135 × 100 = 99.022…, cut to 99.02
    # 2024: 91 injuries, the goal G-1 says at most 90. 103.20 / 135 × 100 = 76.44: 12.2 is bbb, not ddb (test_scoring)
    ("rectify", 76.44, "不具备申报条件", ["accidents"]),
    ("veto", 88.41, "不具备申报条件", ["accidents"]),  # 74 injuries against at most 66
])
def test_the_fixtures_under_the_city_rules(city, name, total, verdict, unmet):
    result = assess(load_evidence(FIXTURES / name / "evidence.yaml"), city)
    assert (result.score.total, result.score.out_of, result.verdict.verdict) == (total, 100, verdict)
    assert [c.id for c in result.eligibility if c.status == "failed" and c.required] == unmet
    assert [c.id for c in result.eligibility] == ["building", "accidents", "title"]


def bundle(tmp_path, **community) -> str:
    data = yaml.safe_load(READY.read_text(encoding="utf-8"))
    data["community"].update(community)
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def test_a_community_launched_five_months_before_the_end_gets_the_reason(tmp_path):
    path = bundle(tmp_path, launched="2024-07-31")
    reason = "申报条件（不满足）：创建满半年——2024年7月31日启动创建，至评估期末（2024年12月31日）满 5 个月"
    data = json.loads(CliRunner().invoke(main, ["assess", path, "--scheme", "examples/city-100", "--format", "json"]).stdout)
    assert data["verdict"]["verdict"] == "不具备申报条件" and not data["verdict"]["ready"]
    assert data["verdict"]["reasons"][0] == "不满足申报条件 1 项：创建满半年"
    assert reason in data["verdict"]["reasons"]
    text = CliRunner().invoke(main, ["assess", path, "--scheme", "examples/city-100"]).stdout
    assert reason in text
    assert reason in markdown.render(assess(load_evidence(path), load_scheme("examples/city-100")))


def test_an_unknown_launch_date_asks_for_confirmation_and_does_not_refuse(tmp_path, city):
    result = assess(load_evidence(bundle(tmp_path, launched=None)), city)
    assert result.verdict.verdict == "通过"
    assert "申报条件（待核实）：创建满半年——未填写创建启动日期，无从计算创建时长" in result.verdict.reasons


def test_a_former_title_is_explained(tmp_path, city):
    lapsed = assess(load_evidence(bundle(tmp_path, designated="2021-06-01")), city)
    assert "说明：已命名称号的有效期（3 年，期满复评）——2021年6月1日命名，有效期 3 年，至2024年5月31日，已届满，须重新评定" in lapsed.verdict.reasons
    assert lapsed.verdict.verdict == "通过"  # informative: it decides nothing
    current = assess(load_evidence(bundle(tmp_path, designated="2022-06-01")), city)
    assert any("至2025年5月31日，评估期末仍在有效期内" in r for r in current.verdict.reasons)


def test_goals_that_set_no_accident_figure_do_not_apply(tmp_path, city):
    data = yaml.safe_load(READY.read_text(encoding="utf-8"))
    data["goals"] = [g for g in data["goals"] if g.get("metric") != "伤害人次"]
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [accidents] = [c for c in assess(load_evidence(path), city).eligibility if c.id == "accidents"]
    assert accidents.status == "passed" and "不适用" in accidents.detail
