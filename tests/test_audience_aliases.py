"""A clerk's 对象 as typed: 村民, 青少年, 空巢老人, 商户, 外来务工人员 … are read as the audience groups of
the rule set (居民, 学生, 老年人, 从业人员, 流动人口), in YAML and in the 台账; results and files written
back carry the canonical names, and a word nobody listed is refused in Chinese at its place."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml
from openpyxl.utils import get_column_letter

from conftest import FIXTURES, act, check, item_result
from safecomm.evidence import Evidence
from safecomm.ledger.write import ledger_bytes, plain
from safecomm.bundle import load_evidence
from safecomm.terms import ALIASES, Audience

READY = FIXTURES / "ready" / "evidence.yaml"
QUARTERS = ("2024-03-10", "2024-06-10", "2024-09-10", "2024-12-10")
TYPED = {"村民": "居民", "青少年": "学生", "中小学生": "学生", "商户": "从业人员", "外来务工人员": "流动人口",
         "流动人口": "流动人口", "空巢老人": "老年人", "独居老人": "老年人", "残疾人": "残疾人", "学生": "学生"}


@pytest.mark.parametrize("typed, canonical", TYPED.items())
def test_a_typed_audience_reads_as_its_group(typed, canonical):
    assert Audience(typed).value == canonical


def test_every_alias_is_one_group_and_the_rule_set_reads_it_in_titles_the_same_way(scheme):
    groups = ALIASES["Audience"]
    assert len(groups) == sum(1 for _ in groups)  # a dict: one group per word
    for word, value in groups.items():
        assert word not in {a.value for a in Audience}, word
        assert value in scheme.words.find(word), f"规则集的词条 {value} 不认得「{word}」"


def test_typed_audiences_count_through_the_groups(scheme):
    """Residents' education each quarter, written as 村民 and 空巢老人: the same as 居民."""
    for typed in ("村民", "空巢老人", "中小学生"):
        rows = [act(f"A-{n}", "教育", d, audience=typed) for n, d in enumerate(QUARTERS, 1)]
        result = item_result(scheme, "6.4", activities=rows)
        assert check(result, "quarterly").passed, (typed, check(result, "quarterly").detail)
    rows = [act(f"A-{n}", "教育", d, audience="商户") for n, d in enumerate(QUARTERS, 1)]
    assert not check(item_result(scheme, "6.4", activities=rows), "quarterly").passed  # shopkeepers are workers


def _ready_with(tmp_path, audience) -> tuple[dict, object]:
    data = yaml.safe_load(READY.read_text(encoding="utf-8"))
    data["activities"][0]["audience"] = audience
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copytree(FIXTURES / "ready" / "attachments", tmp_path / "attachments")
    return data, path


def test_yaml_aliases_load_and_are_written_back_canonical(tmp_path):
    _, path = _ready_with(tmp_path, ["村民", "独居老人", "外来务工人员"])
    ev = load_evidence(path)
    assert [a.value for a in ev.activities[0].audience] == ["居民", "老年人", "流动人口"]
    assert plain(ev)["activities"][0]["audience"] == ["居民", "老年人", "流动人口"]
    assert Evidence.model_json_schema()["$defs"]["Audience"]["enum"].count("空巢老人") == 1  # editors accept it too


def test_ledger_object_column_takes_aliases(tmp_path, scheme):
    book = tmp_path / "台账.xlsx"
    book.write_bytes(ledger_bytes(plain(load_evidence(READY)), scheme))
    wb = openpyxl.load_workbook(book)
    ws = wb["活动"]
    col = next(get_column_letter(c.column) for c in ws[3] if c.value == "audience")
    ws[f"{col}4"] = "村民、空巢老人、商户"
    wb.save(book)
    ev = load_evidence(book)
    assert [a.value for a in ev.activities[0].audience] == ["居民", "老年人", "从业人员"]


def test_an_unknown_audience_is_refused_in_chinese_at_its_place(tmp_path):
    _, path = _ready_with(tmp_path, ["路人"])
    exe = str(Path(sys.executable).with_name("safecomm"))
    run = subprocess.run([exe, "validate", str(path)], capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert run.returncode == 2, run.stdout + run.stderr
    out = run.stdout + run.stderr
    assert "「路人」不是可用的取值" in out and "居民" in out and "evidence.yaml:" in out, out
    assert "Traceback" not in out


def test_an_unknown_audience_in_the_ledger_is_refused_at_its_cell(tmp_path, scheme):
    from safecomm.loading import InputError

    book = tmp_path / "台账.xlsx"
    book.write_bytes(ledger_bytes(plain(load_evidence(READY)), scheme))
    wb = openpyxl.load_workbook(book)
    ws = wb["活动"]
    col = next(get_column_letter(c.column) for c in ws[3] if c.value == "audience")
    ws[f"{col}4"] = "村民、路人"
    wb.save(book)
    with pytest.raises(InputError) as caught:
        load_evidence(book)
    said = [str(p) for p in caught.value.problems]
    assert any(f"活动!{col}4" in p and "对象" in p and "「路人」不是可用的取值" in p for p in said), said
