"""The example bundles under fixtures/ and the `safecomm init` template.

The fixtures are what the docs and the README show a user, so each must load cleanly, cite
only attachments that exist, and land on the verdict it was written to illustrate.
"""

from __future__ import annotations

import json
import re
import typing
from importlib import resources

import pypdf
import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from conftest import FIXTURES
from safecomm import Evidence, assess, terms
from safecomm.checks import REGISTRY
from safecomm.cli import main
from safecomm.engine import warnings
from safecomm.bundle import load_evidence

# fixture → (intended verdict, items that must be vetoed)
INTENDED = {
    "ready": ("具备申报条件", set()),
    "rectify": ("需整改后申报", set()),
    "veto": ("不具备申报条件", {"2.4", "12.3"}),
}
MAX_ATTACHMENT = 20 * 1024


@pytest.fixture(scope="module", params=sorted(INTENDED))
def bundle(request):
    name = request.param
    return name, load_evidence(FIXTURES / name / "evidence.yaml")


def test_every_fixture_is_listed():
    assert sorted(p.name for p in FIXTURES.iterdir() if (p / "evidence.yaml").is_file()) == sorted(INTENDED)


def test_attachments_exist_are_hashed_and_small(bundle):
    name, ev = bundle
    assert ev.attachments, f"{name} cites no attachments"
    assert warnings(ev) == []
    for path, attachment in ev.attachments.items():
        assert attachment.sha256 and len(attachment.sha256) == 64, path
        assert 0 < attachment.size < MAX_ATTACHMENT, f"{name}/{path} is {attachment.size} bytes"


def test_no_attachment_is_left_uncited(bundle):
    name, ev = bundle
    on_disk = {f"attachments/{p.name}" for p in (FIXTURES / name / "attachments").iterdir()}
    assert on_disk == set(ev.attachments)


def test_attachments_are_real_pdfs_and_images(bundle):
    name, ev = bundle
    magic = {".pdf": b"%PDF-", ".jpg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}
    for path in ev.attachments:
        suffix = path[path.rfind("."):]
        head = (FIXTURES / name / path).read_bytes()[:8]
        assert head.startswith(magic[suffix]), f"{name}/{path} is not a {suffix} file"


def test_dates_fall_in_the_period(bundle):
    """Every dated activity and survey belongs to the year assessed, so the fixture shows that year."""
    _name, ev = bundle
    for record in [*ev.activities, *ev.surveys]:
        assert record.date in ev.period, record.id


def test_verdict_is_the_intended_one(bundle, scheme):
    name, ev = bundle
    verdict, vetoes = INTENDED[name]
    result = assess(ev, scheme)
    assert len(result.items) == sum(len(i.items) for i in scheme.indicators)
    assert result.verdict.verdict == verdict, [(i.id, i.grade, i.reason) for i in result.items if i.grade == "C"]
    assert {i.id for i in result.items if i.vetoed} == vetoes


def test_ready_has_no_c_and_rectify_has_some(scheme):
    ready = assess(load_evidence(FIXTURES / "ready" / "evidence.yaml"), scheme)
    rectify = assess(load_evidence(FIXTURES / "rectify" / "evidence.yaml"), scheme)
    assert ready.counts["C"] == 0
    assert ready.counts["A"] > ready.counts["B"]
    assert rectify.counts["C"] >= 3
    assert not any(i.vetoed for i in rectify.items)


def test_cli_assesses_each_fixture_in_json(bundle):
    name, _ev = bundle
    result = CliRunner().invoke(main, ["assess", str(FIXTURES / name / "evidence.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["verdict"]["verdict"] == INTENDED[name][0]


def test_each_fixture_ledger_assesses_exactly_as_its_yaml(bundle, scheme):
    """fixtures/*/台账.xlsx is the same bundle as the 台账 workbook (made by `safecomm convert`)."""
    name, ev = bundle
    ledger = load_evidence(FIXTURES / name / "台账.xlsx")
    assert assess(ledger, scheme).to_json() == assess(ev, scheme).to_json()


def test_init_writes_a_template_that_validates(tmp_path):
    runner = CliRunner()
    target = tmp_path / "community"
    made = runner.invoke(main, ["init", str(target)])
    assert made.exit_code == 0, made.output
    assert (target / "attachments").is_dir()
    checked = runner.invoke(main, ["validate", str(target / "evidence.yaml")])
    assert checked.exit_code == 0, checked.output
    assert "格式正确" in checked.output
    # The untouched template is sample data, and validate says so until the clerk replaces it.
    # the only warning is that it is still the sample: valid, but not yet this community's evidence
    assert [line for line in checked.output.splitlines() if line.startswith("警告")] == [
        line for line in checked.output.splitlines() if line.startswith("警告：示例数据")]
    assert "警告：示例数据" in checked.output


def test_template_is_assessable(tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["init", str(tmp_path)])
    result = runner.invoke(main, ["assess", str(tmp_path / "evidence.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output


def test_init_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("# 已填写的内容\n", encoding="utf-8")
    again = runner.invoke(main, ["init", str(tmp_path)])
    assert again.exit_code == 2
    assert "已存在" in again.output
    assert evidence.read_text(encoding="utf-8") == "# 已填写的内容\n"


def test_template_lists_every_accepted_value():
    """The template's comments name every enumerated term with its English code, as terms.py has them."""
    text = (resources.files("safecomm") / "templates" / "evidence.yaml").read_text(encoding="utf-8")
    for cls in vars(terms).values():
        if isinstance(cls, type) and issubclass(cls, terms.Term) and cls is not terms.Term:
            for member in cls:
                assert f"{member.value}({member.code})" in text, f"template does not list {cls.__name__}.{member.name}"


def test_evidence_doc_lists_every_accepted_value():
    """docs/evidence.md's table of accepted values matches terms.py, code for code."""
    text = (FIXTURES.parent / "docs" / "evidence.md").read_text(encoding="utf-8")
    for cls in vars(terms).values():
        if isinstance(cls, type) and issubclass(cls, terms.Term) and cls is not terms.Term:
            for member in cls:
                assert f"{member.value} `{member.code}`" in text, f"docs/evidence.md does not list {cls.__name__}.{member.name}"


def _fields_set(value, path: str, found: set[str]) -> None:
    """Record every model field that a loaded bundle actually wrote, as dotted paths without indexes."""
    if isinstance(value, BaseModel):
        for name in value.model_fields_set:
            found.add(f"{path}{name}")
            _fields_set(getattr(value, name), f"{path}{name}.", found)
    elif isinstance(value, list):
        for item in value:
            _fields_set(item, path, found)


def _model_fields(model: type[BaseModel], path: str, out: set[str]) -> None:
    """Every field path of the evidence model, following nested models and lists of models."""
    for name, info in model.model_fields.items():
        out.add(f"{path}{name}")
        for arg in (info.annotation, *typing.get_args(info.annotation)):
            for inner in (arg, *typing.get_args(arg)):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    _model_fields(inner, f"{path}{name}.", out)


def test_ready_fixture_and_template_show_every_field_of_the_format(tmp_path):
    """The ready bundle is the worked example of the docs and the template is the form to fill:
    both write every field the format has (the template leaves attachment paths commented out,
    since it ships no attachments, and the totals of a row that stands for several events)."""
    CliRunner().invoke(main, ["init", str(tmp_path)])
    expected: set[str] = set()
    _model_fields(Evidence, "", expected)
    for path, commented in ((FIXTURES / "ready" / "evidence.yaml", set()),
                            (tmp_path / "evidence.yaml", {"documents.file", "activities.files", "activities.count", "activities.end",
                                                           "rectifications.count", "rectifications.verified_count"})):
        written: set[str] = set()
        _fields_set(load_evidence(path), "", written)
        assert sorted(expected - written - commented) == [], path


def test_document_attachments_are_the_documents_they_stand_for(bundle):
    """Each cited PDF opens and its text carries the title of the document record that cites it."""
    name, ev = bundle
    for doc in ev.documents:
        if doc.file:
            text = pypdf.PdfReader(FIXTURES / name / doc.file).pages[0].extract_text().replace("\n", "")
            assert doc.title in text, f"{name}/{doc.file} does not carry 《{doc.title}》"


def test_evidence_doc_says_which_items_read_each_section(scheme):
    """The table 每个条目读哪些证据 in docs/evidence.md names, per section, exactly the items whose
    checks read a field of it (with their parameters: 3.3 reads agreements, not workforce_training)."""
    from safecomm.fidelity import fields_read

    text = (FIXTURES.parent / "docs" / "evidence.md").read_text(encoding="utf-8")
    table = text[text.index("## 每个条目读哪些证据"):]
    rows = {m.group(1): re.findall(r"\d+\.\d+", m.group(2)) for m in re.finditer(r"^\| `(\w+)` \| (.*) \|$", table, re.M)}
    expected: dict[str, list[str]] = {}
    for _indicator, item in scheme.items():
        for check in item.checks:
            for section in {f.split(".")[0] for f in fields_read(check)} - {"community"}:
                if item.id not in expected.setdefault(section, []):
                    expected[section].append(item.id)
    assert rows == expected


def test_evidence_doc_says_what_happens_to_every_field_the_rules_read(scheme):
    """Every field a rule reads is in the contract: docs/evidence.md says what happens when it is left out."""
    text = (FIXTURES.parent / "docs" / "evidence.md").read_text(encoding="utf-8")
    table = text[text.index("## 规则读取的字段：不写时怎样"):text.index("## 每个条目读哪些证据")]
    listed = {f for line in table.splitlines() if line.startswith("| `") for f in re.findall(r"`([\w.]+)`", line.split(" | ")[0])}
    missing = sorted(set(scheme.reads()) - listed)
    assert not missing, f"docs/evidence.md 的字段表缺少：{missing}"


def test_evidence_doc_lists_the_documents_each_item_looks_for(scheme):
    """The table of documents in docs/evidence.md names, per item, every kind and term its document checks look for."""
    from safecomm.fidelity import terms_read

    text = (FIXTURES.parent / "docs" / "evidence.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d+\.\d+) \| (.*) \|$", text, re.M))
    for _indicator, item in scheme.items():
        for check in item.checks:
            if check.primitive in ("documents", "document_terms"):
                assert item.id in rows, f"docs/evidence.md 的文件表缺少 {item.id}"
                for word in [k.value for k in check.bound_params.kind] + terms_read(check):
                    assert word in rows[item.id], f"docs/evidence.md 的文件表 {item.id} 一行缺少「{word}」"


def test_cli_doc_has_a_section_for_every_command_and_option():
    text = (FIXTURES.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        names = [f"{name} {sub}" for sub in command.commands] if hasattr(command, "commands") else [name]
        for shown in names:
            assert f"## {shown} " in text, f"docs/cli.md has no section for `safecomm {shown}`"
        for sub in getattr(command, "commands", {name: command}).values():
            for param in sub.params:
                for opt in param.opts:
                    if opt.startswith("--") and opt != "--help":
                        assert f"`{opt}" in text, f"docs/cli.md does not mention {name} {opt}"


def test_fixtures_readme_states_the_current_results(bundle, scheme):
    name, ev = bundle
    result = assess(ev, scheme)
    row = next(line for line in (FIXTURES / "README.md").read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{name}/`"))
    counts = result.counts
    assert f"A {counts['A']}、B {counts['B']}、C {counts['C']}" in row, row
    assert result.verdict.verdict in row, row


# -- generated docs ------------------------------------------------------------------------------

def test_primitives_doc_is_in_step_with_the_registry():
    """docs/primitives.md is `python -m safecomm.explain > docs/primitives.md`: regenerate it after changing a primitive."""
    from safecomm.explain import primitives_markdown

    text = (FIXTURES.parent / "docs" / "primitives.md").read_text(encoding="utf-8")
    assert text == primitives_markdown() + "\n", "请重新生成：python -m safecomm.explain > docs/primitives.md"


def test_fidelity_doc_is_in_step_with_the_rule_set(scheme):
    """docs/fidelity.md is `python -m safecomm.explain fidelity > docs/fidelity.md`: regenerate it after
    changing the rule set (a why, a target, a confirm) or the way a check reads the evidence."""
    from safecomm.fidelity import fidelity_markdown

    text = (FIXTURES.parent / "docs" / "fidelity.md").read_text(encoding="utf-8")
    assert text == fidelity_markdown(scheme) + "\n", "请重新生成：python -m safecomm.explain fidelity > docs/fidelity.md"
    for _indicator, item in scheme.items():
        assert f'<a id="item-{item.id}"></a>{item.id}' in text and item.text in text


def test_every_chosen_number_says_why(scheme):
    """A number the table does not give (a target other than "at least one", a tolerance) is the
    project's choice: the rule set defends it in `why`, which docs/fidelity.md prints."""
    from safecomm.fidelity import chosen_number

    for _indicator, item in scheme.items():
        for check in item.checks:
            if chosen_number(check) or check.threshold:
                assert check.why, f"{item.id}/{check.id} 的数 {chosen_number(check) or check.threshold} 没有写 why"


def test_the_docs_say_when_a_primitive_cannot_be_told_on_paper():
    """docs/fidelity.md lists the checks that may ask for on-site confirmation from the words
    无从判断 in their primitive's documentation: exactly the primitives whose code can say so."""
    import inspect

    from safecomm.fidelity import can_be_unknown

    for name, primitive in REGISTRY.items():
        says = can_be_unknown(primitive) is not None
        does = "unknown=" in inspect.getsource(primitive.func)
        assert says == does, f"{name}：文档{'说' if says else '没说'}“无从判断”，代码{'会' if does else '不会'}给出 unknown"


def test_fields_a_check_reads_are_among_those_its_primitive_declares(scheme):
    from safecomm.fidelity import fields_read

    declared = scheme.reads()
    for _indicator, item in scheme.items():
        for check in item.checks:
            for field in fields_read(check):
                assert item.id in declared.get(field, []), (item.id, check.id, field)


def test_template_names_the_words_the_rules_read(scheme):
    """The template's word lists are generated from the rule set (`python -m safecomm.explain template`)."""
    from safecomm.explain import document_terms, template_with_terms

    text = (resources.files("safecomm") / "templates" / "evidence.yaml").read_text(encoding="utf-8")
    assert template_with_terms(text, scheme) == text, "请重新生成模板中的词条：python -m safecomm.explain template"
    for term in document_terms(scheme):
        assert f"#     {term}〔" in text, f"模板没有列出词条 {term}"
    assert 'items: ["' in text


def test_evidence_schema_suggests_the_rule_sets_words(scheme):
    """`safecomm schema evidence` offers the terms documents are looked for by as examples for topics,
    and the item ids for items, without changing the model's fields or types."""
    from safecomm.evidence import Evidence
    from safecomm.explain import document_terms

    result = CliRunner().invoke(main, ["schema", "evidence"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    plain = Evidence.model_json_schema()
    assert schema["required"] == plain["required"] and set(schema["$defs"]) == set(plain["$defs"])
    for name, model in plain["$defs"].items():
        assert set(schema["$defs"][name].get("properties", {})) == set(model.get("properties", {})), name
    defs = schema["$defs"]
    assert defs["Document"]["properties"]["topics"]["items"]["examples"] == list(document_terms(scheme))
    ids = [item.id for _, item in scheme.items()]
    for model in ("Document", "Activity"):
        assert defs[model]["properties"]["items"]["items"]["examples"] == ids
