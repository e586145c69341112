"""Bad evidence files: every problem reported at once, at the right line, in Chinese, exit 2, no traceback.

Each case writes a small YAML file, marks the offending line with `# <-` and checks the
problem through the API (`load_evidence`) and through `safecomm validate`.
"""

from __future__ import annotations

import json
import re
import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from safecomm import bundle, loading
from safecomm.cli import main
from safecomm.loading import InputError
from safecomm.bundle import load_evidence

HEAD = """\
format: safecomm/evidence@1
community:
  name: 测试街道办事处
  period: {start: 2024-01-01, end: 2024-12-31}
"""


def marked_lines(text: str) -> list[int]:
    """1-based numbers of the lines marked `# <-`."""
    return [n for n, line in enumerate(text.splitlines(), 1) if "# <-" in line]


def write(tmp_path, text: str | bytes, name: str = "evidence.yaml"):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def refused(path) -> list[loading.Problem]:
    """The problems of a bad file, checked to be the same through the API and the CLI."""
    with pytest.raises(InputError) as caught:
        load_evidence(path)
    problems = caught.value.problems
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for problem in problems:
        assert str(problem) in result.stderr
    assert f"共 {len(problems)} 处问题" in result.stderr
    return problems


def one(tmp_path, text: str, path_expected: str, *words: str) -> loading.Problem:
    """A file with exactly one problem, on the line marked `# <-`, at `path_expected`."""
    problems = refused(write(tmp_path, text))
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert [problem.line] == marked_lines(text), str(problem)
    assert problem.path == path_expected
    for word in words:
        assert word in problem.message, problem.message
    return problem


# -- YAML itself -----------------------------------------------------------------------------


def test_syntax_error_names_its_line(tmp_path):
    one(tmp_path, HEAD + "  summary: 口号: 安全第一  # <-\n", "", "YAML 语法错误", "加引号")


def test_colon_inside_a_one_line_record(tmp_path):
    one(tmp_path, HEAD + "documents:\n  - {id: D-1, kind: 制度, title: 会议: 主题}  # <-\n", "", "一行写法", "加引号")


def test_unclosed_quote_points_where_it_opens(tmp_path):
    one(tmp_path, HEAD + 'activities:\n  - id: "A-1  # <-\n    kind: 教育\n', "", "引号")


def test_tab_indentation(tmp_path):
    one(tmp_path, HEAD + "\tsummary: x  # <-\n", "", "制表符")


def test_duplicate_key_names_both_lines(tmp_path):
    text = HEAD + "  population: 100\n  population: 200  # <-\n"
    problem = one(tmp_path, text, "community.population", "重复")
    assert f"第 {problem.line - 1} 行" in problem.message


def test_duplicate_key_inside_a_list(tmp_path):
    text = HEAD + "activities:\n  - id: A-1\n    kind: 教育\n    id: A-2  # <-\n    date: 2024-03-01\n    title: 讲座\n"
    one(tmp_path, text, "activities[0].id", "第 6 行")


def test_duplicate_key_is_reported_with_the_other_problems(tmp_path):
    text = HEAD + "  population: 100\n  population: 很多  # <-\n  households: 很多  # <-\n"
    problems = refused(write(tmp_path, text))
    assert [(p.line, p.path) for p in problems] == [
        (6, "community.population"), (6, "community.population"), (7, "community.households")]
    assert "重复" in problems[0].message and "应为整数" in problems[1].message


@pytest.mark.parametrize("snippet", [
    "organizations:\n  - &lg {id: LG, kind: 领导机构, name: x}  # <-\n",
    "x: &s 安全  # <-\ny: *s\n",
])
def test_anchor_or_alias_refused(tmp_path, snippet):
    one(tmp_path, HEAD + snippet, "", "锚点或别名")


def test_billion_laughs_refused_before_expanding(tmp_path):
    lol = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]  # <-\n"
    lol += "".join(f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))
    one(tmp_path, lol, "", "锚点或别名")


@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n"])
def test_empty_file(tmp_path, text):
    problems = refused(write(tmp_path, text))
    assert [p.message for p in problems] == ["文件为空：应为 YAML 映射（键: 值）"]


def test_list_at_top_level(tmp_path):
    one(tmp_path, "- format: safecomm/evidence@1  # <-\n- community: {}\n", "", "映射", "列表")


def test_scalar_at_top_level(tmp_path):
    one(tmp_path, "安全社区  # <-\n", "", "映射")


def test_non_utf8_file_names_the_line(tmp_path):
    text = HEAD.encode("utf-8") + "  summary: 安全社区建设\n".encode("gbk")
    problems = refused(write(tmp_path, text))
    assert len(problems) == 1
    assert problems[0].line == 5
    assert "UTF-8" in problems[0].message


def test_control_character(tmp_path):
    text = HEAD + "  summary: 安全\x00社区  # <-\n"
    problem = one(tmp_path, text, "", "控制字符", "U+0000")
    assert problem.column == 14


def test_utf8_with_bom_is_fine(tmp_path):
    assert load_evidence(write(tmp_path, "\ufeff" + HEAD)).community.name == "测试街道办事处"


def test_too_large_file(tmp_path, monkeypatch):
    monkeypatch.setattr(loading, "MAX_BYTES", 100_000)  # above the rule set's size, which the CLI reads too
    problems = refused(write(tmp_path, HEAD + "# " + "安" * 40_000 + "\n"))
    assert len(problems) == 1
    assert "文件过大" in problems[0].message and "100000" in problems[0].message


def test_missing_file_and_directory(tmp_path):
    assert "文件不存在" in refused(tmp_path / "nowhere.yaml")[0].message
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(InputError) as caught:
        load_evidence(tmp_path / "dir.yaml")
    assert "文件夹" in caught.value.problems[0].message


# -- the evidence model ----------------------------------------------------------------------


def test_wrong_type(tmp_path):
    one(tmp_path, HEAD + "  population: 五万  # <-\n", "community.population", "应为整数", "五万")


@pytest.mark.parametrize("number", [".inf", "-.inf", ".nan", "1e400"])
def test_infinite_numbers_are_refused(tmp_path, number):
    text = HEAD + f"budget:\n  - {{year: 2024, planned: {number}}}  # <-\n"
    one(tmp_path, text, "budget[0].planned", "有限的数字")


def test_wrong_type_deep_in_a_list(tmp_path):
    text = HEAD + """\
activities:
  - {id: A-1, kind: 教育, date: 2024-03-01, title: 讲座}
  - id: A-2
    kind: 演练
    date: 2024-04-01
    title: 消防演练
    participants: 1.5  # <-
"""
    one(tmp_path, text, "activities[1].participants", "整数")


def test_unknown_enum_lists_the_accepted_values_in_chinese_only(tmp_path):
    """English codes are read, never offered: the message shows the values as the drop-down does."""
    text = HEAD + "activities:\n  - id: A-1\n    kind: 讲课  # <-\n    date: 2024-03-01\n    title: 讲座\n"
    problem = one(tmp_path, text, "activities[0].kind", "「讲课」")
    assert problem.message.endswith("教育、培训、演练、检查、交流、评审、会议、宣传、议事")
    assert not re.search(r"[a-z]", problem.message)
    (tmp_path / "coded.yaml").write_text(text.replace("讲课  # <-", "drill"), encoding="utf-8")
    assert load_evidence(tmp_path / "coded.yaml").activities[0].kind.value == "演练"


def test_unknown_enum_inside_a_flow_list_points_at_the_value(tmp_path):
    text = HEAD + "activities:\n  - {id: A-1, kind: 教育, date: 2024-03-01, title: 讲座, domains: [消防安全, 烹饪]}  # <-\n"
    problem = one(tmp_path, text, "activities[0].domains[1]", "「烹饪」", "消防安全、工作场所安全")
    assert problem.column == text.splitlines()[5].index("烹饪") + 1


def test_unknown_field_points_at_the_key(tmp_path):
    text = HEAD + "  colour:  # <-\n    - red\n    - blue\n"
    problem = one(tmp_path, text, "community.colour", "不认识的字段")
    assert problem.column == 3


def test_missing_required_field_points_at_its_record(tmp_path):
    text = HEAD + "documents:\n  - id: D-1  # <-\n    kind: 制度\n"
    one(tmp_path, text, "documents[0].title", "缺少必填字段")


def test_impossible_date_is_a_problem_not_a_crash(tmp_path):
    text = HEAD + "activities:\n  - id: A-1\n    kind: 教育\n    date: 2024-13-01  # <-\n    title: 讲座\n"
    one(tmp_path, text, "activities[0].date", "应为日期", "2024-13-01")


def test_impossible_chinese_date(tmp_path):
    text = HEAD + "  launched: 2024年2月30日  # <-\n"
    one(tmp_path, text, "community.launched", "应为日期")


def test_period_that_ends_before_it_starts(tmp_path):
    text = HEAD.replace("  period: {start: 2024-01-01, end: 2024-12-31}\n", "  period: {start: 2024-12-31, end: 2024-01-01}  # <-\n")
    one(tmp_path, text, "community.period", "早于")


def test_wrong_format_line(tmp_path):
    one(tmp_path, HEAD.replace("evidence@1", "evidence@9  # <-"), "format", "safecomm/evidence@1")


def test_chinese_dates_english_codes_and_short_dates_accepted(tmp_path):
    text = HEAD + """\
  kind: township
  launched: 2023年5月10日
organizations:
  - {id: LG, kind: leadership, name: 领导小组, established: 2023-5-10}
activities:
  - {id: A-1, kind: education, audience: residents, domains: [fire, 家居安全], date: 2024年3月15日, title: 2024-03-15}
  - {id: A-2, kind: 检查, scope: comprehensive, date: 2024-04-02, title: 综合检查}
"""
    ev = load_evidence(write(tmp_path, text))
    assert ev.community.kind.value == "乡镇"
    assert ev.community.launched.isoformat() == "2023-05-10"
    assert ev.organizations[0].established.isoformat() == "2023-05-10"
    first = ev.activities[0]
    assert (first.kind.value, [a.value for a in first.audience], first.date.isoformat()) == ("教育", ["居民"], "2024-03-15")
    assert [d.value for d in first.domains] == ["消防安全", "家居安全"]
    assert first.title == "2024-03-15"  # a date-looking title stays text
    assert ev.activities[1].scope.value == "综合"
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "evidence.yaml")])
    assert result.exit_code == 0, result.output
    assert "格式正确" in result.stdout


# -- ids and references ----------------------------------------------------------------------


def test_duplicate_id_across_collections_names_both_places(tmp_path):
    text = HEAD + """\
documents:
  - {id: X-1, kind: 制度, title: 安全检查制度}
activities:
  - {id: X-1, kind: 教育, date: 2024-03-01, title: 讲座}  # <-
"""
    problem = one(tmp_path, text, "activities[0].id", "X-1", "重复", "documents[0].id", "第 6 行")
    assert problem.column == text.splitlines()[7].index("X-1") + 1


@pytest.mark.parametrize("collection, record, field", [
    ("organizations", "{id: LG, kind: 领导机构, name: 领导小组, charter: D-404}", "charter"),
    ("projects", "{id: P-1, name: 防跌倒, plan: D-404}", "plan"),
    ("activities", "{id: A-1, kind: 教育, date: 2024-03-01, title: 讲座, project: P-404}", "project"),
    ("activities", "{id: A-1, kind: 教育, date: 2024-03-01, title: 讲座, organizer: ORG-404}", "organizer"),
    ("rectifications", "{id: R-1, issue: 楼道堆物, activity: A-404}", "activity"),
])
def test_dangling_reference(tmp_path, collection, record, field):
    text = HEAD + f"{collection}:\n  - {record}  # <-\n"
    one(tmp_path, text, f"{collection}[0].{field}", "404", "不存在")


def test_reference_into_the_wrong_collection(tmp_path):
    text = HEAD + """\
documents:
  - {id: D-1, kind: 制度, title: 制度}
activities:
  - {id: A-1, kind: 教育, date: 2024-03-01, title: 讲座, project: D-1}  # <-
"""
    one(tmp_path, text, "activities[0].project", "D-1", "projects")


# -- attachments -----------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["../secret.pdf", "attachments/../../secret.pdf", "/etc/hostname"])
def test_attachment_outside_the_folder(tmp_path, written):
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    text = HEAD + f"documents:\n  - id: D-1\n    kind: 制度\n    title: 制度\n    file: {written}  # <-\n"
    one(tmp_path / "bundle", text, "documents[0].file", written, "不在证据文件所在文件夹内")


def test_symlink_pointing_outside_the_folder(tmp_path):
    (tmp_path / "secret.pdf").write_bytes(b"%PDF-1.4 secret")
    bundle = tmp_path / "bundle"
    (bundle / "attachments").mkdir(parents=True)
    os.symlink(tmp_path / "secret.pdf", bundle / "attachments" / "link.pdf")
    text = HEAD + "activities:\n  - id: A-1\n    kind: 教育\n    date: 2024-03-01\n    title: 讲座\n    files: [attachments/link.pdf]  # <-\n"
    one(bundle, text, "activities[0].files[0]", "不在证据文件所在文件夹内")


def test_attachments_inside_are_hashed_and_a_missing_one_is_a_warning(tmp_path):
    (tmp_path / "attachments").mkdir()
    (tmp_path / "attachments" / "d-001.pdf").write_bytes(b"hello")
    os.symlink(tmp_path / "attachments" / "d-001.pdf", tmp_path / "attachments" / "same.pdf")
    text = HEAD + """\
documents:
  - {id: D-1, kind: 制度, title: 安全检查制度, file: attachments/d-001.pdf}
  - {id: D-2, kind: 制度, title: 隐患排查制度, file: attachments/same.pdf}
  - {id: D-3, kind: 计划, title: 年度计划, file: attachments/lost.pdf}
  - {id: D-4, kind: 计划, title: 年度计划（修订）, file: attachments/lost.pdf}
"""
    path = write(tmp_path, text)
    ev = load_evidence(path)
    hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    assert ev.attachments["attachments/d-001.pdf"].sha256 == hello
    assert ev.attachments["attachments/same.pdf"].sha256 == hello
    assert ev.attachments["attachments/lost.pdf"].missing
    checked = CliRunner().invoke(main, ["validate", str(path)])
    assert checked.exit_code == 0
    assert "警告" in checked.stderr and "attachments/lost.pdf" in checked.stderr
    assessed = CliRunner().invoke(main, ["assess", str(path), "--format", "json"])
    assert assessed.exit_code == 0, assessed.output
    data = json.loads(assessed.stdout)
    assert any("attachments/lost.pdf" in w for w in data["warnings"])
    # at the place it is cited, so the clerk can find the line to correct; once however often cited
    assert f"{path}:{len(HEAD.splitlines()) + 4}:" in checked.stderr
    assert sum("attachments/lost.pdf" in w for w in data["warnings"]) == 1
    ledger = tmp_path / "台账.xlsx"
    assert CliRunner().invoke(main, ["convert", str(path), str(ledger)]).exit_code == 0
    from_ledger = CliRunner().invoke(main, ["validate", str(ledger)])
    assert from_ledger.exit_code == 0 and f"{ledger}:文件!H" in from_ledger.stderr and "D-3：附件 attachments/lost.pdf 不存在" in from_ledger.stderr
    index = {e["id"]: e for e in data["evidence_index"]}
    assert index["D-1"]["sha256"] == [hello]
    assert index["D-3"]["sha256"] == [None]


def test_real_path_is_realpath_with_each_folder_resolved_once(tmp_path, monkeypatch):
    """The shortcut gives what `os.path.realpath` gives for links to files and folders, dangling
    links, a loop, `..` through a link, missing parts, a file used as a folder and relative paths."""
    inner = tmp_path / "b" / "attachments"
    inner.mkdir(parents=True)
    (inner / "a.pdf").write_bytes(b"a")
    (tmp_path / "outside.pdf").write_bytes(b"o")
    os.symlink(inner / "a.pdf", inner / "same.pdf")
    os.symlink(tmp_path / "outside.pdf", inner / "out.pdf")
    os.symlink(tmp_path / "nowhere.pdf", inner / "dangling.pdf")
    os.symlink(inner / "loop1", inner / "loop2")
    os.symlink(inner / "loop2", inner / "loop1")
    os.symlink(tmp_path, tmp_path / "b" / "up")
    os.symlink(inner, tmp_path / "b" / "linked")
    written = ["a.pdf", "same.pdf", "out.pdf", "dangling.pdf", "loop1", "loop1/x.pdf", "lost.pdf", "lost/x.pdf",
               "a.pdf/x", "../linked/a.pdf", "../up/outside.pdf", "../up/b/linked/same.pdf", "./a.pdf", "a.pdf/", ".", ".."]
    paths = [inner / w for w in written] + [str(inner) + "/" + w for w in written]
    monkeypatch.chdir(inner)
    paths += written + ["../linked/../attachments/a.pdf", ""]
    folders: dict[str, str] = {}
    assert bundle.real_paths(paths, folders) == [os.path.realpath(p) for p in paths]
    assert bundle.real_paths(paths, folders) == [os.path.realpath(p) for p in paths]  # with the folders known


# -- everything at once ----------------------------------------------------------------------


def test_every_problem_reported_at_once_in_file_order(tmp_path):
    text = HEAD + """\
  population: 很多  # <-
organizations:
  - {id: LG, kind: 领导机构, name: 领导小组, charter: D-9}  # <-
documents:
  - {id: D-1, kind: 规章, title: 制度}  # <-
  - {id: D-2, kind: 制度, title: 制度, file: ../outside.pdf}  # <-
activities:
  - id: LG  # <-
    kind: 教育
    date: 2024-02-30  # <-
    title: 讲座
    colour: red  # <-
"""
    problems = refused(write(tmp_path, text))
    assert [p.line for p in problems] == marked_lines(text)
    assert [p.path for p in problems] == [
        "community.population",
        "organizations[0].charter",
        "documents[0].kind",
        "documents[1].file",
        "activities[0].id",
        "activities[0].date",
        "activities[0].colour",
    ]
    assert all(p.file == str(tmp_path / "evidence.yaml") for p in problems)


def test_problem_text_is_file_line_column_field_message(tmp_path):
    path = write(tmp_path, HEAD + "  population: 很多\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:5:15  community.population  应为整数")


def test_fast_and_pure_python_parsers_agree_on_every_shipped_file():
    """libyaml does the scanning for speed; PyYAML's own parser must see the same tree and marks."""
    from conftest import FIXTURES, ROOT

    def nodes(node):
        yield node.tag, node.start_mark.line, node.start_mark.column, node.value if node.id == "scalar" else None
        if node.id == "mapping":
            for key, value in node.value:
                yield from nodes(key)
                yield from nodes(value)
        elif node.id == "sequence":
            for item in node.value:
                yield from nodes(item)

    files = sorted(FIXTURES.glob("*/evidence.yaml")) + sorted((ROOT / "safecomm").glob("*/*.yaml"))
    assert len(files) >= 4
    for path in files:
        text = path.read_text(encoding="utf-8")
        fast, pure = loading._parse(loading._FastLoader, text, str(path)), loading._parse(loading._Loader, text, str(path))
        assert list(nodes(fast.root)) == list(nodes(pure.root)), path
        assert fast.data == pure.data



def _nested(levels: int) -> str:
    """A mapping `levels` deep counting the root (the keys sit one level below their mapping)."""
    return "".join("  " * i + "x:\n" for i in range(levels - 2)) + "  " * (levels - 2) + "x: 1\n"


ODD_YAML = [  # what the libyaml-composed path hands back to the checked one, or must word alike
    "a: &x 1\nb: *x\n", "a: [1, &x 2, *x]\n", '{"a":&x 1, "b":*x}\n', "? &k a\n: 1\n", "a: !!str &x 1\n",
    "title: R&D 安全*管理\n", "# 注\ra: &x 1\rb: *x\r", "# 注\u2028a: &x 1\u2028b: *x\n", "# 注\x85a: &x 1\n", "a: 1\na: 2\n", "title: #1 社区\nb: [x, {c: # 注\n  }]\n", "<<: {a: 1}\nb: 2\n", "a: !!set {x, y}\n", "a: !!omap [{x: 1}]\n",
    "a: !!python/object:os.system x\n", "a: !!int 0xZZ\n", "a: !!bool maybe\n", "a: !!binary Zm9v\n",
    "a: !!timestamp 2024-13-45\n", "a: !!timestamp 甲\n", "? [a]\n: b\n", "=: x\n", "a: =\n", "2023: 5\n1.5: x\n", 'a: "\\ud800"\n',
    '"\\udc80k": 1\n', "a: [\n", "a: 'x\n", "a: \x01\n", "", "# 空\n", "- 1\n", "a: ~\nb: null\nc:\n",
    "a: 10:30\nb: 0o17\nc: .inf\nd: yes\ne: 1_000\n", _nested(64), _nested(65), "a: " + "[" * 64 + "]" * 64 + "\n",
    "a: " + "[" * 63 + "]" * 63 + "\n", "[" * 2000 + "]" * 2000, "a: b\n--- \nc: d\n", "%YAML 1.1\n---\na: 1\n",
    # values a `#` left empty, at the top, nested in a mapping and in a list, beside ones that are not
    "a: #1 社区\nb:\n  c: # 说明\n  d: '# 不是'\n  e:\n    - f: #x\n      g: 1\n    - h: ~ # y\ni: # z\n",
]


def _outcome(text: str):
    """What parse_yaml makes of a text: the data, the problems and every node's tag and place, or the problems refused."""

    def nodes(node):
        if node is None:
            return
        yield node.tag, node.start_mark.line, node.start_mark.column, node.end_mark.line, node.value if node.id == "scalar" else None
        for child in ([c for pair in node.value for c in pair] if node.id == "mapping" else node.value if node.id == "sequence" else []):
            yield from nodes(child)

    try:
        doc = loading.parse_yaml(text.encode("utf-8"), "e.yaml")
    except InputError as exc:
        return "refused", exc.problems
    return doc.data, doc.problems, doc.hashed, list(nodes(doc.root))


def _all_texts():
    from conftest import FIXTURES, ROOT
    from test_hostile import BAD

    files = sorted(FIXTURES.glob("*/evidence.yaml")) + sorted((ROOT / "safecomm").glob("*/*.yaml"))
    hostile = [c.text for c in BAD if isinstance(c.text, str) and len(c.text) < 1 << 20]
    return [f.read_text(encoding="utf-8") for f in files] + hostile + ODD_YAML


def test_libyaml_composing_gives_what_the_checked_path_gives(monkeypatch):
    """libyaml composes the tree of a plain file in C; anything unusual goes the checked way. Both,
    and an install without libyaml, give the same data, problems, marks and messages."""
    texts = _all_texts()
    fast = [_outcome(t) for t in texts]
    monkeypatch.setattr(loading, "_parse_composed", lambda text, label: None)
    checked = [_outcome(t) for t in texts]
    monkeypatch.setattr(loading, "CParser", None)
    pure = [_outcome(t) for t in texts]
    for text, a, b, c in zip(texts, fast, checked, pure):
        assert a == b, text[:200]
        if not (text.startswith("[" * 2000) or "\x01" in text):  # PyYAML's own scanner words these two its way, as before
            assert a[:3] == c[:3], text[:200]  # its marks of an empty value inside [ ] differ by a column


def test_libyaml_composes_every_shipped_file_and_deep_or_anchored_ones_go_the_checked_way():
    from conftest import FIXTURES, ROOT

    for path in sorted(FIXTURES.glob("*/evidence.yaml")) + sorted((ROOT / "safecomm").glob("*/*.yaml")):
        assert loading._parse_composed(path.read_text(encoding="utf-8"), str(path)) is not None, path
    assert loading._parse_composed(_nested(64), "e.yaml") is not None
    assert loading._parse_composed(_nested(65), "e.yaml") is None
    assert loading._parse_composed("title: R&D 安全*管理\n", "e.yaml").data == {"title": "R&D 安全*管理"}
    assert loading._parse_composed("title: 安全 & 管理\n", "e.yaml") is None
    with pytest.raises(InputError, match="嵌套超过 64 层"):
        loading.parse_yaml(_nested(65).encode(), "e.yaml")
    assert loading.parse_yaml(_nested(64).encode(), "e.yaml").data

MUTATIONS = [":", "- ", " ", "\n", "'", '"', "[", "]", "{", "}", "&a ", "*a", "!!python/object ", "\t", "#",
             "2024-02-30", "null", "~", "yes", "0o17", "1:30", ".inf", "<<: {}", "? ", "|", "\x00", "\ufeff", "年", "id: X"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from(MUTATIONS + [""]), st.integers(0, 12)), min_size=1, max_size=4))
def test_a_mangled_file_is_an_input_error_never_a_crash(edits):
    """Insert or cut text anywhere in a real bundle: either it still loads, or it is refused with problems."""
    from conftest import FIXTURES

    text = (FIXTURES / "rectify" / "evidence.yaml").read_text(encoding="utf-8")
    for where, insert, cut in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "evidence.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_evidence(path)
        except InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)


def test_loading_leaves_the_cyclic_collector_as_it_found_it(tmp_path):
    """The collector is paused while a bundle is built, and put back on success and on failure."""
    import gc

    from conftest import FIXTURES
    from safecomm.loading import InputError
    from safecomm.bundle import load_evidence

    bad = tmp_path / "evidence.yaml"
    bad.write_text("community: [\n", encoding="utf-8")
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            load_evidence(FIXTURES / "ready" / "evidence.yaml")
            assert gc.isenabled() is enabled
            with pytest.raises(InputError):
                load_evidence(bad)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_assessing_leaves_the_cyclic_collector_as_it_found_it():
    """Grading is paused the same way (it grew as n^1.17 with the collector running), and put back
    on success and on failure."""
    import gc

    from conftest import FIXTURES
    from safecomm import assess, load_scheme

    evidence, scheme = load_evidence(FIXTURES / "ready" / "evidence.yaml"), load_scheme()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            assess(evidence, scheme)
            assert gc.isenabled() is enabled
            with pytest.raises(AttributeError):
                assess(None, scheme)
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


# -- what a reader cannot see: ids that look alike, a value a `#` ate, a time read as a number ---------

ACTS = "activities:\n  - {id: A-008, kind: 教育, date: 2024-05-10, title: 甲}\n"


@pytest.mark.parametrize("twin", ["Ａ-００８", "A-\u200b008", "\ufeffA-008", "A\u2011008", "A-\u00ad008"])
def test_an_id_written_in_full_width_or_with_invisible_characters_is_the_same_id(tmp_path, twin):
    problem = one(tmp_path, HEAD + ACTS + f"  - {{id: {twin}, kind: 教育, date: 2024-05-11, title: 乙}}  # <-\n",
                  "activities[1].id", "编号 A-008", "重复", f"写作「{twin}」")
    assert "第 6 行" in problem.message


@pytest.mark.parametrize("twin", ["А-008", "Α-008"])  # Cyrillic А, Greek Α
def test_an_id_that_only_looks_like_another_is_refused(tmp_path, twin):
    one(tmp_path, HEAD + ACTS + f"  - {{id: {twin}, kind: 教育, date: 2024-05-11, title: 乙}}  # <-\n",
        "activities[1].id", "看起来相同", f"U+{ord(twin[0]):04X}")


def test_ids_and_references_are_read_normalised(tmp_path):
    path = write(tmp_path, HEAD + "projects:\n  - {id: Ｐ-１, name: 防跌倒}\n"
                 "activities:\n  - {id: A-\u200b1, kind: 教育, date: 2024-05-10, title: 甲, project: P-1}\n"
                 "  - {id: B-1, kind: 教育, date: 2024-05-11, title: 乙, project: P\u200b-1}\n")
    ev = load_evidence(path)
    assert [a.id for a in ev.activities] == ["A-1", "B-1"]
    assert ev.projects[0].id == "P-1" and {a.project for a in ev.activities} == {"P-1"}


def test_distinct_ids_in_other_scripts_are_kept(tmp_path):
    path = write(tmp_path, HEAD + ACTS + "  - {id: 活动-008, kind: 教育, date: 2024-05-11, title: 乙}\n"
                 "  - {id: A-009, kind: 教育, date: 2024-05-12, title: 丙}\n")
    assert len(load_evidence(path).activities) == 3


@pytest.mark.parametrize("line", ["  title: #1 社区", "  title:   # 1 社区", "  province: #宁夏", "  title: #"])
def test_a_text_value_lost_to_a_hash_is_warned_at_its_line(tmp_path, line):
    path = write(tmp_path, HEAD + line + "\n")
    ev = load_evidence(path)
    assert len(ev._notes) == 1 and f"{path}:5:3" in ev._notes[0] and "引号" in ev._notes[0]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and f"{path}:5:3" in result.stderr


@pytest.mark.parametrize("line", ["  title: '#1 社区'", "  title: 甲 #1 社区", "# title: x", "  population:  # 不详", "  title:",
                                  "  launched: # 待补"])
def test_a_comment_that_loses_no_text_is_not_warned(tmp_path, line):
    assert load_evidence(write(tmp_path, HEAD + line + "\n"))._notes == []


@pytest.mark.parametrize("value", ["1:30", "10:00:00", "1:30.5"])
def test_a_time_is_not_read_as_a_base_60_number(tmp_path, value):
    one(tmp_path, HEAD + f"  population: {value}  # <-\n", "community.population", "应为整数", f"'{value}'")


@pytest.mark.parametrize("tag, shown", [("!!timestamp 2024-05-10", "现为 2024-05-10）"),
                                        ("!!timestamp 2024-05-10T10:00:00Z", "现为 2024-05-10 10:00:00+00:00）")])
def test_a_tagged_date_in_a_text_field_is_shown_as_written(tmp_path, tag, shown):
    problem = one(tmp_path, HEAD + f"  title: {tag}  # <-\n", "community.title", "应为文字", shown)
    assert "datetime" not in problem.message


def test_a_tagged_timestamp_in_a_date_field_is_read(tmp_path):
    ev = load_evidence(write(tmp_path, HEAD + "  launched: !!timestamp 2024-05-10 10:00:00\n"))
    assert str(ev.community.launched) == "2024-05-10"


@pytest.mark.parametrize("sizes, refused_at", [((100, 50), None), ((101, 10), 0), ((100, 50, 1), 2), ((99, 50, 1), None)])
def test_attachments_over_their_cap_are_refused_with_their_size_unread(tmp_path, monkeypatch, sizes, refused_at):
    """Each file at most MAX_ATTACHMENT, all together at most MAX_ATTACHMENTS (both lines, both sides)."""
    monkeypatch.setattr(bundle, "MAX_ATTACHMENT", 100)
    monkeypatch.setattr(bundle, "MAX_ATTACHMENTS", 150)
    docs = "".join(f"  - {{id: D-{n}, kind: 制度, title: 制度{n}, file: a/{n}.pdf}}\n" for n in range(len(sizes)))
    (tmp_path / "a").mkdir()
    for n, size in enumerate(sizes):
        (tmp_path / "a" / f"{n}.pdf").write_bytes(b"x" * size)
    path = write(tmp_path, HEAD + "documents:\n" + docs)
    if refused_at is None:
        assert sorted(a.size for a in load_evidence(path).attachments.values()) == sorted(sizes)
        return
    problems = refused(path)
    assert [p.path for p in problems] == [f"documents[{refused_at}].file"]
    assert f"{sizes[refused_at]} 字节" in problems[0].message and ("过大" in problems[0].message or "合计超过" in problems[0].message)


RESOLVED = ["", "~", "null", "Null", "NULL", "yes", "No", "on", "OFF", "true", "False", "y", "n", "1", "-1", "+1_000",
            "0o17", "017", "0x1F", "0b101", "10:30", "1:30:00", "1.5", "-.5", ".inf", "-.INF", ".nan", "1e3", "6.8523015e+5",
            "<<", "<", "=", "!", "&", "*", "2024-05-10", "2024-05-10 10:30:00", "title", "id", "A-001", "安全", "#1", "0"]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.sampled_from(RESOLVED), st.text(max_size=40), st.from_regex(r"[-+.0-9eE:_xob]{1,12}", fullmatch=True)),
       st.booleans(), st.booleans())
def test_a_scalars_tag_is_the_one_pyyaml_resolves(value, plain, quoted):
    """The loaders' own `resolve` (libyaml calls it for every node; it keeps the tags of short plain
    scalars) gives PyYAML's answer for every text, the first time and again."""
    import yaml

    for loader in (loading._CLoader(""), loading._Loader("")) if loading.CParser else (loading._Loader(""),):
        for kind in (yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode):
            expected = yaml.resolver.BaseResolver.resolve(loader, kind, value, (plain, quoted))
            assert loader.resolve(kind, value, (plain, quoted)) == expected
            assert loader.resolve(kind, value, (plain, quoted)) == expected
        loader.dispose()
