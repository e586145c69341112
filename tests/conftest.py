"""Shared test helpers: build evidence in code and grade one item through the real engine."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from safecomm import Evidence, assess, load_scheme
from safecomm.checks import REGISTRY
from safecomm.index import Index

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

BASE = {
    "format": "safecomm/evidence@1",
    "community": {"name": "测试街道办事处", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
}


@pytest.fixture(scope="session", autouse=True)
def _rule_cache(tmp_path_factory):
    """The parsed rule sets this session keeps (safecomm/rulecache.py) go to a folder of its own, not the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def scheme():
    return load_scheme()


def evidence(**sections) -> Evidence:
    """An evidence bundle with the base community and the given top-level sections."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    return Evidence.model_validate(data)


def grade(scheme, item_id: str, **sections) -> str:
    """The automatic grade of one item for evidence made of `sections`."""
    return item_result(scheme, item_id, **sections).grade


def item_result(scheme, item_id: str, **sections):
    """One item's result, from a full assessment (a citation needs the cited item's result)."""
    return next(i for i in full(scheme, **sections).items if i.id == item_id)


def full(scheme, **sections):
    return assess(evidence(**sections), scheme)


def check(result, check_id: str):
    """One check of an item result, by id."""
    return next(c for c in result.checks if c.id == check_id)


def text_of(result) -> str:
    """Everything an item result says, for asserting on words."""
    return "\n".join([result.reason, *result.advice, *(c.detail for c in result.checks), *(c.hint or "" for c in result.checks)])


def measure(scheme, name: str, ev: Evidence | None = None, item: str | None = None, **params):
    """A primitive run on its own, as the engine runs it (through the index, for `item`)."""
    primitive = REGISTRY[name]
    index = Index(ev if ev is not None else evidence(), scheme)
    return primitive(index.at(item) if item else index, primitive.params.model_validate(params).__dict__)


def act(id: str, kind: str, date: str = "2024-05-10", **fields) -> dict:
    """An activity; its title says nothing beyond its kind unless given."""
    return {"id": id, "kind": kind, "date": date, "title": fields.pop("title", f"{kind}活动{id}"), **fields}


def doc(id: str, kind: str, title: str, issued: str | None = "2024-03-01", **fields) -> dict:
    return {"id": id, "kind": kind, "title": title, **({"issued": issued} if issued else {}), **fields}


# -- files on disk, for the commands (review, batch, diff) --------------------------------------

MINI_SCHEME = """\
format: safecomm/scheme@2
id: mini
version: "1"
title: 测试规则集
source: 测试用：三个条目，其中一个需现场核实、一个带否决线
grades: {A: 良好, B: 部分缺陷, C: 空白或严重缺陷}
grading: {note: 无相关证据或否决为 C，有相关证据至少为 B，检查全部通过为 A}
verdict:
  note: 有否决项不具备申报条件；有 C 需整改；否则具备
  ready: 具备申报条件
  rules:
    - {verdict: 不具备申报条件, when: {vetoes: {">=": 1}}}
    - {verdict: 需整改后申报, when: {C: {">=": 1}}}
    - {verdict: 具备申报条件}
indicators:
  - id: "1"
    title: 机构与职责
    items:
      - id: "1.1"
        text: 有领导机构，成员跨部门
        checks:
          - {id: exists, requirement: 有领导机构, primitive: organizations, params: {kind: [领导机构]}, target: {">=": 1}, advice: 成立领导小组}
          - {id: sectors, requirement: 成员来自3个部门, primitive: member_sectors, params: {kind: [领导机构]}, target: {">=": 3}, advice: 吸收更多部门}
      - id: "1.3"
        text: 人员清楚自身职责
        confirm: 访谈相关人员，确认其清楚自身职责
        checks:
          - {id: exists, requirement: 有执行机构, primitive: organizations, params: {kind: [执行机构]}, target: {">=": 1}, advice: 成立执行机构}
  - id: "2"
    title: 全员参与
    items:
      - id: "2.4"
        text: 重点项目相关人群参与度不少于50%
        checks:
          - {id: rate, requirement: 参与度不少于50%, primitive: participation, target: {">=": 0.5}, veto: {"<": 0.3},
             threshold: 重点项目相关人群参与度, advice: 扩大重点项目的参与}
"""


@pytest.fixture
def mini_scheme(tmp_path) -> Path:
    """A three-item rule set file (1.1 plain, 1.3 needs on-site confirmation, 2.4 with a veto)."""
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_SCHEME, encoding="utf-8")
    return path


def community(participation: int = 60, working: bool = True, sectors: int = 3, name: str = "测试街道办事处") -> dict:
    """Evidence sections for the mini rule set: 2.4 vetoed below 30, 1.3 C without a working body."""
    orgs = [{"id": "LG", "kind": "leadership", "name": "领导小组",
             "members": [{"name": f"成员{n}", "sector": s} for n, s in enumerate(["政府", "公安", "消防", "卫生"][:sectors])]}]
    if working:
        orgs.append({"id": "WG", "kind": "working", "name": "创建办公室"})
    return {
        "community": {"name": name, "county": "城关区", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
        "organizations": orgs,
        "projects": [{"id": "P-1", "name": "老年人防跌倒", "key": True, "target_population": 100, "participants": participation}],
    }


def write_evidence(path: Path, **sections) -> Path:
    """An evidence YAML file made of the base community and `sections`."""
    import yaml

    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# -- changes to a bundle given as sections, for "the same bundle but …" -------------------------

def variant(base: dict, *changes) -> dict:
    """A deep copy of `base` with each `change(sections)` applied in turn."""
    sections = copy.deepcopy(base)
    for change in changes:
        change(sections)
    return sections


def drop(name: str, *ids: str):
    """Remove the records with these ids from a collection."""
    return lambda s: s.update({name: [r for r in s.get(name, []) if r["id"] not in ids]})


def keep(name: str, *ids: str):
    """Keep only the records with these ids in a collection."""
    return lambda s: s.update({name: [r for r in s.get(name, []) if r["id"] in ids]})


def setting(path: str, value):
    """Set `a.b.c` in the sections (None removes nothing: it writes null, as a clerk would)."""
    *parents, last = path.split(".")

    def change(s):
        target = s
        for p in parents:
            target = target[p]
        target[last] = copy.deepcopy(value)

    return change


def _update(record: dict, fields: dict) -> None:
    for key, value in fields.items():
        if value is None:
            record.pop(key, None)
        else:
            record[key] = copy.deepcopy(value)


def edit(name: str, rid: str, **fields):
    """Change fields of one record (a value of None removes the field)."""
    return lambda s: _update(next(r for r in s[name] if r["id"] == rid), fields)


def each(name: str, **fields):
    """Change fields of every record of a collection (None removes the field)."""
    return lambda s: [_update(record, fields) for record in s.get(name, [])]


def loosely_related(scheme, item_id: str, sections: dict, words: str) -> None:
    """Evidence only loosely related to an item gives B, never C, and the result says what it saw."""
    result = item_result(scheme, item_id, **sections)
    assert result.grade == "B", text_of(result)
    assert words in text_of(result)
