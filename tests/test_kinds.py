"""Community kinds: a township reads 村（社区） where a street reads 社区（居委会）, in every output;
a rule set's kinds may also change checks, and it applies only to the kinds it lists."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from safecomm import assess, load_evidence, load_scheme
from safecomm.cli import main
from safecomm.loading import InputError
from safecomm.report import markdown, pdf
from safecomm.rulesets import available, examples
from safecomm.rulesets import shipped as shipped_folder
from safecomm.terms import CommunityKind

from conftest import FIXTURES
from test_html import flat

RECTIFY = FIXTURES / "rectify" / "evidence.yaml"  # 柳湾镇, a 乡镇
TOWNSHIP = "辖区各村（社区）都要达到"  # 8.3's advice as a township reads it (rectify has 3 inspections of 4)


@pytest.fixture(scope="module")
def township():
    return assess(load_evidence(RECTIFY), load_scheme())


def test_the_wording_follows_the_kind_of_community(scheme):
    advice = {kind: scheme.for_kind(kind).check("8.3/four")[1].advice for kind in ("街道", "乡镇", "工业园区")}
    assert advice["街道"].endswith("辖区各社区（居委会）都要达到")
    assert advice["乡镇"].endswith(TOWNSHIP)
    assert advice["工业园区"].endswith("辖区各园区企业都要达到")
    assert scheme.for_kind("工业园区").check("1.3/pledges")[1].requirement == "与园区企业签订安全责任书"
    assert scheme.for_kind("乡镇").check("6.2/boards")[1].why.startswith("辖区每个村（社区）至少一处")
    # The table's own words are quoted, never reworded.
    assert {scheme.for_kind(k).item("8.3")[1].note for k in ("街道", "乡镇", "工业园区")} == {"考核最小单位为社区"}


def test_the_township_wording_is_in_every_output(township):
    assert township.community.kind == "乡镇" and township.scheme.kind == "乡镇"
    cli = lambda *args: CliRunner().invoke(main, ["assess", str(RECTIFY), *args]).stdout  # noqa: E731
    text, data = cli(), json.loads(cli("--format", "json"))
    assert TOWNSHIP in text and "按乡镇的表述" in text
    assert data["scheme"]["kind"] == "乡镇"
    assert any(TOWNSHIP in a for a in next(i for i in data["items"] if i["id"] == "8.3")["advice"])
    assert TOWNSHIP in markdown.render(township) and TOWNSHIP in cli("--format", "html")
    pages = "".join(flat(p.extract_text()) for p in PdfReader(io.BytesIO(pdf.render(township, RECTIFY.parent))).pages)
    assert flat(TOWNSHIP) in pages and "按乡镇的表述" in pages


def variant(tmp_path, communities: str):
    path = tmp_path / "kinds.yaml"
    path.write_text('format: safecomm/scheme@2\nextends: national-2009\nid: kinds\nversion: "1"\ntitle: 分类型\n'
                    + communities, encoding="utf-8")
    return path


def test_a_kind_may_change_checks_and_mark_items_not_applicable(tmp_path):
    scheme = load_scheme(variant(tmp_path, """\
communities:
  街道: {}
  乡镇: {}
  工业园区:
    words: {辖区单位: 园区企业}
    items:
      "6.4": {not_applicable: 园区常住居民很少，居民教育由所在街道开展}
      "8.3": {checks: {four: {target: {">=": 6}}}}
"""))
    park = assess(load_evidence(FIXTURES / "veto" / "evidence.yaml"), scheme)
    street = assess(load_evidence(FIXTURES / "ready" / "evidence.yaml"), scheme)
    assert [n.id for n in park.not_applicable] == ["6.4"] and street.not_applicable == []
    assert next(c for c in park.item("8.3").checks if c.id == "four").target == "≥ 6"
    assert next(c for c in street.item("8.3").checks if c.id == "four").target == "≥ 4"


def test_a_rule_set_applies_only_to_the_kinds_it_lists(tmp_path):
    scheme = variant(tmp_path, "communities:\n  街道: {}\n")
    result = CliRunner().invoke(main, ["assess", str(RECTIFY), "--scheme", str(scheme)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "community.kind  规则集 kinds 不适用于乡镇（适用于：街道）" in result.stderr
    assert ":12:" in result.stderr  # rectify's `kind: 乡镇` line


def test_a_kind_changing_what_does_not_exist_is_refused_at_its_line(tmp_path):
    path = variant(tmp_path, 'communities:\n  乡镇:\n    items:\n      "8.3": {checks: {fourr: {target: {">=": 6}}}}\n')
    with pytest.raises(InputError) as caught:
        load_scheme(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 9) and "条目 8.3 中没有检查 fourr" in problem.message


@pytest.mark.parametrize("name", available() + examples())
def test_a_shipped_rule_set_reads_for_each_kind_as_a_copy_of_its_file_does(name, tmp_path):
    """A shipped rule set is read for a kind on first use; a user's file, for every kind at load.
    Each kind a shipped rule set lists reads without a problem, and reads the same either way."""
    shipped = load_scheme(name)
    folder = shipped_folder()
    for part in name.split("/")[:-1]:
        folder = folder / part
    copied = tmp_path / f"{name.split('/')[-1]}.yaml"
    copied.write_bytes((folder / copied.name).read_bytes())
    for sibling in folder.iterdir():  # a shipped example extends its base by path or by id
        if sibling.name.endswith(".yaml") and sibling.name != copied.name:
            (tmp_path / sibling.name).write_bytes(sibling.read_bytes())
    eager = load_scheme(copied)
    for kind in CommunityKind:
        lazy = shipped.for_kind(kind.value)
        assert (lazy is shipped) == (eager.for_kind(kind.value) is eager)
        assert lazy.model_dump() == eager.for_kind(kind.value).model_dump()
        assert lazy.kind == eager.for_kind(kind.value).kind
