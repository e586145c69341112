"""Every command of `safecomm` through CliRunner, and once as the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm.cli import main

READY, RECTIFY, VETO = (FIXTURES / name / "evidence.yaml" for name in ("ready", "rectify", "veto"))
VERDICTS = {READY: "具备申报条件", RECTIFY: "需整改后申报", VETO: "不具备申报条件"}


def run(*args: str, code: int = 0):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def scheme_size():
    from safecomm import load_scheme

    scheme = load_scheme()
    return len(scheme.indicators), sum(1 for _ in scheme.items())


# -- assess ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bundle", [READY, RECTIFY, VETO], ids=["ready", "rectify", "veto"])
def test_assess_json_is_the_stable_document(bundle, scheme_size):
    first = run("assess", bundle, "--format", "json").stdout
    assert run("assess", bundle, "--format", "json").stdout == first
    data = json.loads(first)
    assert data["format"] == "safecomm/assessment@1"
    assert data["scheme"]["id"] == "national-2009"
    assert len(data["indicators"]) == scheme_size[0]
    assert len(data["items"]) == scheme_size[1]
    assert sum(data["counts"].values()) == scheme_size[1]
    assert data["verdict"]["verdict"] == VERDICTS[bundle]
    assert len(data["evidence_digest"]) == 64 and len(data["scheme"]["digest"]) == 64
    for item in data["items"]:
        assert item["grade"] in "ABC" and item["reason"]
        assert all(isinstance(c["passed"], bool) for c in item["checks"])
        if item["grade"] != "A":
            assert item["advice"], item["id"]


def test_assess_text_groups_items_by_indicator_with_reasons(scheme_size):
    out = run("assess", RECTIFY).stdout
    data = json.loads(run("assess", RECTIFY, "--format", "json").stdout)
    assert data["community"]["title"] in out
    assert "需整改后申报" in out
    for indicator in data["indicators"]:
        assert f"{indicator['id']} {indicator['title']}" in out
    for item in data["items"]:
        assert f"{item['id']}" in out
    worst = next(i for i in data["items"] if i["grade"] == "C")
    assert worst["reason"] in out
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_assess_markdown():
    out = run("assess", VETO, "--format", "md").stdout
    data = json.loads(run("assess", VETO, "--format", "json").stdout)
    assert out.startswith("#")
    assert "不具备申报条件" in out
    for item in data["items"]:
        assert item["id"] in out
    vetoed = next(i for i in data["items"] if i["vetoed"])
    assert vetoed["reason"] in out


@pytest.mark.parametrize("bundle, strict_code", [(READY, 0), (RECTIFY, 1), (VETO, 1)], ids=["ready", "rectify", "veto"])
def test_strict_exits_1_unless_ready(bundle, strict_code):
    run("assess", bundle, "--format", "json")  # a completed assessment exits 0 whatever the verdict
    result = run("assess", bundle, "--format", "json", "--strict", code=strict_code)
    assert json.loads(result.stdout)["verdict"]["verdict"] == VERDICTS[bundle]  # the result is still printed


def test_assess_bad_input_exits_2(tmp_path):
    bad = tmp_path / "evidence.yaml"
    bad.write_text("format: safecomm/evidence@1\ncommunity: {name: x}\n", encoding="utf-8")
    result = run("assess", bad, "--strict", code=2)
    assert f"{bad}:2:12  community.period  缺少必填字段" in result.stderr
    assert result.stdout == ""
    run("assess", tmp_path / "none.yaml", code=2)


# -- validate, init --------------------------------------------------------------------------


@pytest.mark.parametrize("bundle", [READY, RECTIFY, VETO], ids=["ready", "rectify", "veto"])
def test_validate_fixtures(bundle):
    result = run("validate", bundle)
    assert "格式正确" in result.stdout
    assert "警告" not in result.stderr  # the fixtures ship all their attachments


def test_init_writes_a_template_that_validates_and_never_clobbers(tmp_path):
    target = tmp_path / "new"
    run("init", target)
    template = (target / "evidence.yaml").read_text(encoding="utf-8")
    assert template.count("#") > 20  # commented, in Chinese
    assert "安全社区" in template
    assert (target / "attachments").is_dir()
    run("validate", target / "evidence.yaml")
    (target / "evidence.yaml").write_text("# 已填写的内容\n", encoding="utf-8")
    refused = run("init", target, code=2)
    assert "--force" in refused.stderr
    assert (target / "evidence.yaml").read_text(encoding="utf-8") == "# 已填写的内容\n"
    run("init", target, "--force")
    assert (target / "evidence.yaml").read_text(encoding="utf-8") == template


# -- the rules in words ----------------------------------------------------------------------


def test_indicators_text(scheme):
    out = run("indicators").stdout
    for indicator, item in scheme.items():
        assert f"{indicator.id} {indicator.title}" in out
        assert f"{item.id:<5} {item.text[:20]}" in out


def test_indicators_json(scheme_size):
    data = json.loads(run("indicators", "--format", "json").stdout)
    assert len(data["indicators"]) == scheme_size[0]
    items = [item for ind in data["indicators"] for item in ind["items"]]
    assert len(items) == scheme_size[1]
    for ind in data["indicators"]:
        assert set(ind) >= {"id", "title", "items"}
        for item in ind["items"]:
            assert item["id"].startswith(ind["id"] + ".") and item["text"] and item["checks"]


def test_indicators_primitives():
    from safecomm.checks import REGISTRY

    text = run("indicators", "--primitives").stdout
    data = json.loads(run("indicators", "--primitives", "--format", "json").stdout)
    for name, primitive in REGISTRY.items():
        assert name in text and primitive.summary in text
    assert len(data) == len(REGISTRY)


def test_explain_item_in_words():
    out = run("explain", "2.4").stdout
    assert "居民广泛参与安全促进活动" in out
    assert "50%" in out and "30%" in out
    assert "projects" in out  # which evidence fields it reads


def test_explain_unknown_item_exits_2():
    result = run("explain", "99.9", code=2)
    assert "99.9" in result.stderr and "safecomm indicators" in result.stderr


@pytest.mark.parametrize("what, title", [("evidence", "Evidence"), ("scheme", "Scheme"), ("assessment", "Assessment")])
def test_schema(what, title):
    schema = json.loads(run("schema", what).stdout)
    assert schema["title"] == title
    assert schema["type"] == "object" and schema["properties"]


def test_evidence_schema_lists_chinese_and_english_enum_values():
    schema = json.loads(run("schema", "evidence").stdout)
    kinds = schema["$defs"]["ActivityKind"]["enum"]
    assert "教育" in kinds and "education" in kinds


def test_unknown_schema_and_version():
    run("schema", "nothing", code=2)
    assert "safecomm，版本" in run("--version").stdout


# -- the installed console script ------------------------------------------------------------


def test_installed_console_script_runs_a_fixture(tmp_path):
    # The script installed beside this interpreter (a venv's bin/), not whatever PATH finds first.
    beside = Path(sys.executable).parent / "safecomm"
    exe = str(beside) if beside.exists() else shutil.which("safecomm")
    assert exe, "the safecomm console script is not installed: pip install ."
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([exe, "assess", str(VETO), "--format", "json", "--strict"],
                          capture_output=True, env=env, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done.stderr.decode()
    data = json.loads(done.stdout)
    assert data["verdict"]["verdict"] == "不具备申报条件"
    assert done.stdout.decode() == run("assess", VETO, "--format", "json").stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: safecomm/evidence@1\ncommunity: [\n", encoding="utf-8")
    failed = subprocess.run([exe, "validate", str(bad)], capture_output=True, env=env, timeout=60)
    assert failed.returncode == 2
    assert b"Traceback" not in failed.stderr and f"{bad}:".encode() in failed.stderr


@pytest.mark.parametrize("bundle", [READY, READY.with_name("台账.xlsx")], ids=["yaml", "ledger"])
def test_assess_json_imports_no_renderer(bundle):
    """The JSON path must not pay for WeasyPrint or Jinja2, nor a 台账 for openpyxl (only writing needs it):
    cold start is a product target."""
    code = (
        "import sys; sys.argv = ['safecomm', 'assess', sys.argv[1], '--format', 'json'];"
        "from safecomm.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'jinja2', 'fontTools', 'pypdf', 'openpyxl'))\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(bundle)], capture_output=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr.decode().endswith("HEAVY="), done.stderr.decode()[-500:]


def test_help_loads_no_engine():
    """`safecomm --help` and a subcommand's help import neither pydantic nor a rule set: they start
    like a small tool. The default rule set named in the help is the library's."""
    from safecomm import cli, rulesets

    assert cli.DEFAULT_SCHEME == rulesets.DEFAULT
    code = ("import sys; from click.testing import CliRunner; from safecomm.cli import main; "
            "r = CliRunner().invoke(main, sys.argv[1:]); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'yaml') or m.startswith('safecomm.')))")
    for args in (["--help"], ["assess", "--help"], ["validate", "--help"]):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "['safecomm.cli', 'safecomm.clicktext', 'safecomm.problems', 'safecomm.report']", done.stdout
