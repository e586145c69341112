"""Sample data is never graded as real: the untouched `safecomm init` template is flagged in every
output the CLI gives; a template with one record replaced still flags the rest; a bundle whose
every record was replaced is not flagged."""

from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm import Evidence, assess, load_scheme, sample
from safecomm.cli import main

SCHEME = load_scheme()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init")
    made = CliRunner().invoke(main, ["init", str(folder / "community")])
    assert made.exit_code == 0, made.output
    return folder / "community" / "evidence.yaml"


def run(*args) -> tuple[str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_the_untouched_template_is_flagged_in_every_format(template, fmt):
    out, err = run("assess", template, "--format", fmt)
    assert "示例数据" in out, out[:500]
    if fmt == "text":
        assert out.count("示例数据") == 2  # at the top, and again with the warnings at the end


def test_the_untouched_template_is_flagged_in_json(template):
    out, _ = run("assess", template, "--format", "json")
    result = json.loads(out)
    assert result["sample"] is True
    assert any("示例" in w for w in result["warnings"])


def test_validate_says_so_too(template):
    out, err = run("validate", template)
    assert "格式正确" in out
    assert "示例数据" in err


def test_sample_records_are_not_graded(template):
    """The template's budget and survey would give A if graded; left out, the items have nothing."""
    result = json.loads(run("assess", template, "--format", "json")[0])
    grades = {i["id"]: i["grade"] for i in result["items"]}
    assert all(g == "C" for g in grades.values()), {k: v for k, v in grades.items() if v != "C"}


def _data(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _assessed(data: dict):
    return assess(Evidence.model_validate(data), SCHEME)


def test_one_record_replaced_still_flags_the_rest(template):
    data = _data(template)
    data["documents"][0] = {"id": "D-001", "kind": "制度", "title": "朝阳街道安全检查制度", "issued": "2023-06-01"}
    result = _assessed(data)
    assert result.sample
    assert any("示例" in w for w in result.warnings)
    left_out = sample.split(Evidence.model_validate(data))[1]
    assert "documents D-002" in left_out and "documents D-001" not in left_out
    assert "D-001" in next(c for i in result.items if i.id == "8.2" for c in i.checks if c.id == "rules").evidence


def test_reordered_sample_lists_are_still_the_sample(template):
    data = _data(template)
    for section in ("organizations", "documents", "activities"):
        data[section].reverse()
        for record in data[section]:
            for value in record.values():
                if isinstance(value, list):
                    value.reverse()
    assert _assessed(data).sample


def _replaced(value, path=""):
    """Every record and figure of the template changed, as a clerk filling it in would."""
    if isinstance(value, dict):
        return {k: _replaced(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, path) for v in value]
    if isinstance(value, bool) or path.endswith((".id", ".kind", ".format", ".scope", ".audience", ".level", ".horizon",
                                                 ".better", ".sector", ".category", ".domains", ".charter", ".plan",
                                                 ".project", ".organizer", ".activity", ".items", ".file", ".files", ".year", ".controlled")):
        return value
    if isinstance(value, int):
        return value + 1 if "positive" not in path else value - 1
    if isinstance(value, float):
        return value + 1
    if isinstance(value, str) and any("\u4e00" <= c <= "\u9fff" for c in value):
        return value.replace("某某", "朝阳").replace("某", "甲") + "（本社区）"
    return value


def test_a_fully_replaced_template_is_not_flagged(template):
    data = _replaced(_data(template))
    result = _assessed(data)
    assert not result.sample
    assert not any("示例" in w for w in result.warnings)
    assert result.counts["C"] < 45  # and its records are graded


@pytest.mark.parametrize("name", ["ready", "rectify", "veto"])
def test_the_fixtures_are_not_flagged(name):
    out, _ = run("assess", FIXTURES / name / "evidence.yaml", "--format", "json")
    result = json.loads(out)
    assert result["sample"] is False
    assert not any("示例" in w for w in result["warnings"])


def test_the_sample_detection_ignores_changed_copies(template):
    """A copy of a sample record with one field changed is real: it is graded."""
    data = _data(template)
    data["surveys"][0]["positive"] -= 1
    left_out = sample.split(Evidence.model_validate(data))[1]
    assert f"surveys {data['surveys'][0]['id']}" not in left_out and "documents D-001" in left_out
    assert next(i for i in _assessed(data).items if i.id == "12.3").grade != "C"


def test_the_template_read_from_the_cache_is_the_template(tmp_path, monkeypatch):
    """The template is parsed once and then read from the cache (`data-…`): the model is the same
    as PyYAML's own parse of the file makes, cached, read back, or with no cache to be had."""
    from importlib import resources

    raw = (resources.files("safecomm") / "templates" / "evidence.yaml").read_bytes()
    plain = Evidence.model_validate(yaml.safe_load(raw.decode("utf-8")))
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    try:
        kept = []
        for _ in ("parsed and kept", "read back"):
            sample.template.cache_clear()
            made = sample.template()
            assert made == plain and made.model_dump_json() == plain.model_dump_json()
            [entry] = (cache / "safecomm").glob("data-*.json")
            kept.append(entry.stat().st_mtime_ns)
        assert kept[0] == kept[1]  # read back, not written again
        (tmp_path / "a-file").write_text("")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))  # no folder can be made
        sample.template.cache_clear()
        assert sample.template() == plain
    finally:
        sample.template.cache_clear()
