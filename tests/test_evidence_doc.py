"""docs/evidence.md says what the engine does: every statement there that something gives C, at most
B or no A is held against a run of fixtures/ready with exactly that change, and every such
statement in the document is one of those held here (a new claim needs its run)."""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from typing import Callable

import pytest
import yaml

from safecomm import assess, load_evidence, load_scheme
from tests.conftest import FIXTURES

DOC = FIXTURES.parent / "docs" / "evidence.md"
READY = yaml.safe_load((FIXTURES / "ready" / "evidence.yaml").read_text(encoding="utf-8"))
# A line that names an item and a grade it gives: 为 C, （C）, 最高为 B, 为 B, 达不到 A.
CLAIM = re.compile(r"\d+\.\d+.*?(为 ?C|（C）|最高为 ?B|为 ?B|达不到 ?A)")


@dataclass(frozen=True)
class Statement:
    says: str  # words of the line in evidence.md that makes the claim
    change: Callable[[dict], None]  # the change to fixtures/ready the claim is about
    grades: dict[str, str]  # item → the grades the claim allows
    review: tuple[str, ...] = ()  # items the claim says are flagged 需现场核实


def _each(section, fn):
    def change(data):
        for record in data.get(section, []):
            fn(record)
    return change


def _all(*changes):
    def change(data):
        for c in changes:
            c(data)
    return change


def no_files(data):
    for d in data["documents"]:
        d.pop("file", None)
    for a in data["activities"]:
        a.pop("files", None)


def hazard(**fields):
    def change(data):
        data["hazards"][1].update(fields)  # H-2, a 较大 hazard
    return change


def no_charter(data):
    for o in data["organizations"]:
        if o["kind"] == "领导机构":
            o.pop("charter", None)
    data["documents"] = [d for d in data["documents"]
                         if not any(w in d["title"] + "".join(d.get("topics", [])) for w in ("领导小组", "领导机构", "安委会"))]


def no_plan(data):
    p = data["projects"][0]
    plan = p.pop("plan")
    data["documents"] = [d for d in data["documents"] if d["id"] != plan]
    for o in data["organizations"]:
        if o.get("charter") == plan:
            o.pop("charter")


def unmeasured(data):
    p = next(p for p in data["projects"] if p.get("key"))
    p.pop("target_population", None)
    p.pop("participants", None)


def attendances(data):
    p = next(p for p in data["projects"] if p.get("key"))
    p["participants"] = p["target_population"] + 1


def small_survey(data):
    data["surveys"][0].update(respondents=10, positive=9)


STATEMENTS = [
    Statement("一个附件都不写，这三个条目看不出原件", no_files,
              {"9.2": "B", "10.1": "B", "10.2": "B"}, review=("9.2", "10.1", "10.2")),
    Statement("2.4 最高为 B 并列为需现场核实", attendances, {"2.4": "B"}, review=("2.4",)),
    Statement("写 **未控制** 的重大、较大隐患是 7.2 的严重缺陷（C）", hazard(controlled="未控制"), {"7.2": "C"}),
    Statement("不是严重缺陷，但也不算已控制：7.2 最高为 B", hazard(controlled="整改中"), {"7.2": "B"}),
    Statement("所列隐患都没写时，7.2 的控制情况无从判断，列为需现场核实（最高为 B）",
              _each("hazards", lambda h: h.pop("controlled", None)), {"7.2": "B"}, review=("7.2",)),
    Statement("写了的隐患中夹着没写的，没写的不算已控制，7.2 达不到 A", hazard(controlled=None), {"7.2": "B"}),
    Statement("否则 12.3 最高为 B", small_survey, {"12.3": "B"}),
    Statement("都没有时 1.1 达不到 A", no_charter, {"1.1": "B"}),
    Statement("不算“有可查的原件”：9.2、10.1 达不到 A", _each("documents", lambda d: d.pop("file", None)),
              {"9.2": "B", "10.1": "B", "10.2": "AB"}),
    Statement("不算有存档材料：10.1 达不到 A", _each("activities", lambda a: a.pop("files", None)), {"10.1": "B", "10.2": "AB"}),
    Statement("找不到时 5.2 达不到 A", no_plan, {"5.2": "B"}),
    Statement("该项目不参与参与度计算，说明中列出，2.4 达不到 A", unmeasured, {"2.4": "B"}),
    Statement("部分不写时，不写的不算已控制，7.2 达不到 A", hazard(controlled=None), {"7.2": "B"}),
    Statement("整段 `publicity` 不写时 6.2、6.3 没有任何相关记录，为空白（C）", lambda d: d.pop("publicity"),
              {"6.2": "C", "6.3": "C"}),
    Statement("按未完成、未验证计：11.1–11.3 达不到 A",
              _each("rectifications", lambda r: (r.pop("fixed", None), r.pop("verified", None))),
              {"11.1": "B", "11.2": "B", "11.3": "B"}),
]


def claims() -> list[str]:
    return [line for line in DOC.read_text(encoding="utf-8").splitlines() if CLAIM.search(line)]


def test_every_grade_claim_in_the_doc_is_held_against_a_run():
    held = [s.says for s in STATEMENTS]
    unheld = [line for line in claims() if not any(says in line for says in held)]
    assert not unheld, f"docs/evidence.md 中这些说法没有对应的运行核对，请在 STATEMENTS 中加上：{unheld}"


def test_every_statement_held_is_still_in_the_doc():
    text = DOC.read_text(encoding="utf-8")
    assert [s.says for s in STATEMENTS if s.says not in text] == []


def test_the_claims_are_found():
    """The claim pattern is not vacuous: it sees the lines this file holds."""
    assert len(claims()) >= 12


@pytest.fixture(scope="module")
def scheme():
    return load_scheme()


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s.says[:24] for s in STATEMENTS])
def test_the_doc_says_what_the_engine_does(scheme, tmp_path, statement):
    data = copy.deepcopy(READY)
    statement.change(data)
    shutil.copytree(FIXTURES / "ready" / "attachments", tmp_path / "attachments")
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True), encoding="utf-8")
    items = {i.id: i for i in assess(load_evidence(path), scheme).items}
    for item, allowed in statement.grades.items():
        assert items[item].grade in allowed, (statement.says, item, items[item].grade, items[item].reason)
    for item in statement.review:
        assert items[item].needs_review, (statement.says, item)


def test_ready_itself_gives_a_on_every_item_the_statements_lower(scheme):
    """Each change above is what lowers the grade: untouched, ready has A on those items."""
    items = {i.id: i.grade for i in assess(load_evidence(FIXTURES / "ready" / "evidence.yaml"), scheme).items}
    assert {item for s in STATEMENTS for item, allowed in s.grades.items() if "A" not in allowed and items[item] != "A"} == set()
