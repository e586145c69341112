"""The Word 申报表 read back with python-docx: the form, the ticks, fonts, plain words, --only,
a user's template, same bytes, hostile text, and the command line."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from safecomm import assess, load_evidence, load_scheme
from safecomm.cli import main
from safecomm.evidence import Evidence
from safecomm.loading import InputError
from safecomm.report import PARTS
from safecomm.report import docx as word_form
from safecomm.report import docx_template, word
from test_html import FORM_FIELDS, READY, VETO, flat, write_bundle

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def ready():
    return assess(load_evidence(READY), load_scheme())


@pytest.fixture(scope="module")
def ready_doc(ready):
    return docx.Document(io.BytesIO(word_form.render(ready)))


def all_text(doc) -> str:
    """Every paragraph of the body, the tables' cells and the headers and footers, in order."""
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        parts += [c.text for row in t.rows for c in row.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs + s.footer.paragraphs]
    return "\n".join(parts)


def runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


def self_assessment(doc):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "编号" and "自评结果" in t.rows[0].cells[2].text)


def test_every_field_of_the_form_and_every_item(ready_doc, ready):
    text = flat(all_text(ready_doc))
    for field in FORM_FIELDS[:11] + ["安全社区评定指标自评表", "差距与整改建议"]:
        assert flat(field) in text, field
    form = ready_doc.tables[0]
    assert form.rows[0].cells[1].text == ready.community.name
    assert form.rows[1].cells[1].text == ready.community.title
    assert "大武口区" in ready_doc.paragraphs[1].text
    ids = [row.cells[0].text for row in self_assessment(ready_doc).rows[2:] if re.fullmatch(r"\d+\.\d+", row.cells[0].text)]
    assert ids == [i.id for i in ready.items]


def test_ticks_stand_under_the_grade(ready_doc, ready):
    rows = {row.cells[0].text: row for row in self_assessment(ready_doc).rows[2:]}
    for item in ready.items:
        ticks = [c.text for c in rows[item.id].cells[2:5]]
        assert ticks == ["✓" if g == item.grade else "" for g in "ABC"], item.id
        assert "证据：" in rows[item.id].cells[-1].text


def east_asian_font(run) -> str | None:
    """The East Asian font Word shows a run in: its own `w:rFonts`, else its paragraph style's (up
    the `basedOn` chain; a paragraph without a style is in the default one), else the document
    defaults'. A theme font at the level that decides fails the test: it is not ours."""
    styles = run.part.styles.element
    levels = [run._r.rPr]
    p = run._r.getparent()
    style = styles.get_by_id(p.style) if p.style else styles.default_for(WD_STYLE_TYPE.PARAGRAPH)
    while style is not None:
        levels.append(style.rPr)
        style = styles.get_by_id(style.basedOn_val) if style.basedOn_val else None
    levels.append(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for rpr in levels:
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is not None and (fonts.get(qn("w:eastAsia")) or fonts.get(qn("w:eastAsiaTheme"))):
            assert not any(a.endswith("Theme") for a in fonts.attrib), run.text
            return fonts.get(qn("w:eastAsia"))
    return None


def test_every_chinese_run_names_its_east_asian_font(ready_doc):
    checked = 0
    for run in runs(ready_doc):
        if CJK.search(run.text):
            assert east_asian_font(run) in ("仿宋_GB2312", "方正小标宋简体", "黑体"), run.text
            checked += 1
    assert checked > 200
    titles = [r for r in runs(ready_doc) if r.text == "安全社区评定指标自评表"]
    assert titles and all(east_asian_font(r) == "方正小标宋简体" for r in titles)  # a style's own font, inherited
    defaults = ready_doc.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(".//" + qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(".//" + qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_page_after_gbt_9704(ready_doc):
    s = ready_doc.sections[0]
    mm = lambda v: round(v.mm)  # noqa: E731
    assert (mm(s.page_width), mm(s.page_height)) == (210, 297)
    assert (mm(s.top_margin), mm(s.bottom_margin), mm(s.left_margin), mm(s.right_margin)) == (37, 35, 28, 26)
    footer = s.footer.paragraphs[0]._p.xml
    assert "— " in footer and "PAGE" in footer


def test_gaps_print_the_plain_advice_only(ready):
    marked = ready.model_copy(deep=True)
    for item in marked.items:
        if item.advice:
            item.advice = ["[A] 在 agreements 中填写 registered"]
            item.plain_advice = ["[A] 督促各单位对特种设备登记建档"]
    text = all_text(docx.Document(io.BytesIO(word_form.render(marked))))
    assert "督促各单位对特种设备登记建档" in text and "agreements" not in text


# Evidence field names and YAML words: they belong in the evidence file, never on a stamped page.
FIELD_WORDS = set()


def _field_words(model) -> None:
    for name, info in model.model_fields.items():
        FIELD_WORDS.add(name)
        for sub in getattr(info.annotation, "__args__", ()) + (info.annotation,):
            if isinstance(sub, type) and hasattr(sub, "model_fields"):
                _field_words(sub)
            for inner in getattr(sub, "__args__", ()):
                if isinstance(inner, type) and hasattr(inner, "model_fields"):
                    _field_words(inner)


_field_words(Evidence)
FIELD_WORDS |= {"true", "false", "null", "yes", "key", "leadership", "working", "long_term", "annual"}


def evidence_words(text: str) -> set[str]:
    """Field names, YAML words and `key:` pairs in `text` (attachment paths and digests aside)."""
    text = re.sub(r"attachments/\S+|[0-9a-f]{64}", "", text)
    found = {w for w in re.findall(r"[A-Za-z_]+", text) if w in FIELD_WORDS}
    found |= set(re.findall(r"[A-Za-z_]+\s*:", text)) | set(re.findall(r"[{}]", text))
    return found


def test_the_scan_finds_field_names():
    assert evidence_words("在 documents 中登记（kind 写 计划）") == {"documents", "kind"}
    assert evidence_words("{id: A-1}") == {"id:", "{", "}", "id"}
    assert not evidence_words("证据：D-001、A-002；附件 attachments/d-001.pdf；AED 4 台")


@pytest.mark.parametrize("fixture", ["ready", "rectify", "veto"])
def test_no_field_name_on_any_stamped_page(fixture):
    result = assess(load_evidence(ROOT / "fixtures" / fixture / "evidence.yaml"), load_scheme())
    doc = docx.Document(io.BytesIO(word_form.render(result, parts=PARTS, chart_font=_noto())))
    assert not evidence_words(all_text(doc))


@pytest.mark.parametrize("part, heading", [("申报表", "创建安全社区申报表"), ("自评表", "安全社区评定指标自评表"),
                                           ("差距", "差距与整改建议"), ("证据索引", "证据索引")])
def test_only_gives_just_that_part(ready, part, heading):
    doc = docx.Document(io.BytesIO(word_form.render(ready, parts=(part,))))
    titles = [p.text for p in doc.paragraphs if p.style.name == "Title"]
    assert titles == [heading]


def test_charts_are_pictures(ready):
    doc = docx.Document(io.BytesIO(word_form.render(ready, parts=("图表",))))
    pictures = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(pictures) == 4
    assert all(r.target_part.blob.startswith(b"\x89PNG") for r in pictures)


def test_sample_data_marks_every_page(ready):
    sample = ready.model_copy(update={"sample": True})
    doc = docx.Document(io.BytesIO(word_form.render(sample)))
    for s in doc.sections:
        assert "示例" in s.header.paragraphs[0].text
    assert "示例" not in docx.Document(io.BytesIO(word_form.render(ready))).sections[0].header.paragraphs[0].text


def test_hostile_text_prints_literally(tmp_path):
    path = write_bundle(tmp_path, name="<b>街道</b>{{ x }}\x07办", summary="简述 {% if %} & <i>")
    result = assess(load_evidence(path), load_scheme())
    text = all_text(docx.Document(io.BytesIO(word_form.render(result))))
    assert "<b>街道</b>{{ x }}␇办" in text and "简述 {% if %} & <i>" in text


def test_same_bytes_from_two_processes(tmp_path):
    code = ("import sys, hashlib\nfrom safecomm import assess, load_evidence, load_scheme\n"
            "from safecomm.report import docx\n"
            f"print(hashlib.sha256(docx.render(assess(load_evidence({str(VETO)!r}), load_scheme()))).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout for _ in range(2)}
    assert len(digests) == 1
    data = word_form.render(assess(load_evidence(VETO), load_scheme()))
    assert hashlib.sha256(data).hexdigest() + "\n" in digests
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in z.namelist()
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.created.year == 2024 and props.created == props.modified and props.last_modified_by == "safecomm"


def test_font_files_name_the_word_fonts(tmp_path):
    noto = next(Path("/usr/share/fonts").rglob("NotoSerifCJK-Regular.ttc"), None)
    if noto is None:
        pytest.skip("fonts-noto-cjk is not installed")
    fonts = word.word_fonts(serif=noto)
    assert fonts.serif.startswith("Noto Serif CJK") and fonts.title == "方正小标宋简体"
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    with pytest.raises(Exception, match="无法读取字体文件"):
        word.word_fonts(sans=bad)


# -- a user's own template ------------------------------------------------------------------


def make_template(path: Path, *lines: str, table: bool = True) -> Path:
    doc = docx.Document()
    for line in lines:
        doc.add_paragraph(line)
    if table:
        t = doc.add_table(rows=3, cols=4)
        for cell, text in zip(t.rows[0].cells, ["编号", "A", "B", "C"]):
            cell.text = text
        t.rows[1].cells[0].text = "{%tr for 行 in 自评表 %}"
        for cell, text in zip(t.rows[2].cells, ["{{ 行.编号 }}", "{{ 行.A }}", "{{ 行.B }}", "{{ 行.C }}"]):
            cell.text = text
        t.add_row().cells[0].text = "{%tr endfor %}"
    doc.save(path)
    return path


def test_a_province_template_is_filled(tmp_path, ready):
    template = make_template(tmp_path / "本省.docx", "县(区)：{{ 县区 }}　单位名称：{{ 单位名称 }}", "{{ 简述 }}",
                             "{% for g in 差距 %}{{ g.编号 }} {{ g.整改建议 }};{% endfor %}")
    doc = docx.Document(io.BytesIO(docx_template.render(ready, template)))
    assert doc.paragraphs[0].text == "县(区)：大武口区　单位名称：朝阳街道办事处"
    assert "朝阳街道辖 8 个社区" in doc.paragraphs[1].text
    rows = doc.tables[0].rows
    assert [r.cells[0].text for r in rows[1:]] == [i.id for i in ready.items]
    for row, item in zip(rows[1:], ready.items):
        assert [c.text for c in row.cells[1:]] == ["✓" if g == item.grade else "" for g in "ABC"]
    assert re.search(r"3\.3 1\. \S", doc.paragraphs[2].text)


def test_every_placeholder_has_a_value(ready):
    from safecomm.report.compose import compose

    assert set(docx_template.context(compose(ready))) == set(docx_template.PLACEHOLDERS)


def test_template_values_are_escaped(tmp_path):
    path = write_bundle(tmp_path / "e", name="<w:t>&{{ 单位名称 }}\x1b")
    result = assess(load_evidence(path), load_scheme())
    template = make_template(tmp_path / "t.docx", "{{ 单位名称 }}", table=False)
    assert docx.Document(io.BytesIO(docx_template.render(result, template))).paragraphs[0].text == "<w:t>&{{ 单位名称 }}␛"


@pytest.mark.parametrize("content, message", [
    ("{{ 单位 }}", "占位符「单位」不存在"),
    ("{% for %}", "占位符写法有误"),
    ("{{ 单位名称.__class__.__mro__ }}", "占位符以外的内容"),
])
def test_a_bad_template_is_an_input_error(tmp_path, content, message):
    template = make_template(tmp_path / "t.docx", content, table=False)
    out = CliRunner().invoke(main, ["assess", str(READY), "--docx", str(tmp_path / "o.docx"), "--docx-template", str(template)])
    assert out.exit_code == 2 and message in out.output and "Traceback" not in out.output
    assert not (tmp_path / "o.docx").exists()


def test_a_file_that_is_no_docx_is_refused(tmp_path):
    for name, data in (("a.docx", b"plain text"), ("b.docx", _zip({"x.txt": b"x"}))):
        (tmp_path / name).write_bytes(data)
        out = CliRunner().invoke(main, ["assess", str(READY), "--docx", str(tmp_path / "o.docx"), "--docx-template", str(tmp_path / name)])
        assert out.exit_code == 2 and "不是 Word 文件" in out.output


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


# -- the command line -------------------------------------------------------------------------


def test_cli_docx_and_only(tmp_path, ready):
    out = CliRunner().invoke(main, ["assess", str(READY), "--format", "json", "--docx", str(tmp_path / "申报表.docx"),
                                    "--only", "差距", "--only", "申报表"])
    assert out.exit_code == 0, out.output
    doc = docx.Document(tmp_path / "申报表.docx")
    assert [p.text for p in doc.paragraphs if p.style.name == "Title"] == ["创建安全社区申报表", "差距与整改建议"]
    assert (tmp_path / "申报表.docx").read_bytes() == word_form.render(ready, parts=("申报表", "差距"))


@pytest.mark.parametrize("args, message", [
    (["--only", "自评表"], "--only 选择申报表的部分"),
    (["--docx-template", "t.docx"], "须与 --docx 一起使用"),
    (["--docx", str(READY)], "是本次读取的输入文件，不能覆盖"),
])
def test_cli_misuse_is_an_input_error(args, message):
    out = CliRunner().invoke(main, ["assess", str(READY)] + args)
    assert out.exit_code == 2 and message in out.output


def test_the_console_script_writes_the_word_form(tmp_path):
    exe = Path(sys.executable).parent / "safecomm"
    done = subprocess.run([str(exe), "assess", str(VETO), "--format", "json", "--docx", "申报表.docx"],
                          cwd=tmp_path, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    text = all_text(docx.Document(tmp_path / "申报表.docx"))
    assert "不具备申报条件" in text and "否决" in text


def test_rare_characters_and_an_empty_bundle(tmp_path):
    path = tmp_path / "evidence.yaml"
    path.write_text(yaml.safe_dump({"format": "safecomm/evidence@1", "community": {
        "name": "堃珺昇喆赟祎镕街道", "period": {"start": "2024-01-01", "end": "2024-12-31"}}}, allow_unicode=True), encoding="utf-8")
    doc = docx.Document(io.BytesIO(word_form.render(assess(load_evidence(path), load_scheme()), parts=PARTS, chart_font=_noto())))
    text = all_text(doc)
    assert "堃珺昇喆赟祎镕街道" in text and "无数据：未登记逐年的事故与伤害人次" in text


def _noto():
    from safecomm.report import charts

    return charts.png_font()


# -- the template's budget, on both sides of each line ------------------------------------------------

def _render(tmp_path, ready, content: str):
    """The template's text after rendering, or the InputError's message."""
    template = make_template(tmp_path / "t.docx", content, table=False)
    try:
        return docx.Document(io.BytesIO(docx_template.render(ready, template))).paragraphs[0].text
    except InputError as exc:
        return "拒绝：" + exc.problems[0].message


@pytest.mark.parametrize("content, passes, refused", [
    ("{% for a in range(N) %}.{% endfor %}", 50, "循环次数超过 50 次"),  # MAX_STEPS = 50
    ("{{ 2 ** N }}", 4096, "** 运算结果过大"),
    ("{{ '%Nd' % 1 }}", 999, "% 格式宽度过大"),
])
def test_the_template_budget_on_both_sides(tmp_path, ready, monkeypatch, content, passes, refused):
    monkeypatch.setattr(docx_template, "MAX_STEPS", 50)
    assert not _render(tmp_path, ready, content.replace("N", str(passes))).startswith("拒绝"), content
    text = _render(tmp_path, ready, content.replace("N", str(passes + 1)))
    assert text.startswith("拒绝") and refused in text, text


def test_loops_over_placeholders_are_counted(tmp_path, ready, monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_STEPS", 50)  # 45 rows, each with N turns inside: 45 + 45 × N
    assert not _render(tmp_path, ready, "{% for a in 自评表 %}{% for b in range(0) %}{% endfor %}{% endfor %}").startswith("拒绝")
    assert "循环次数超过 50 次" in _render(tmp_path, ready, "{% for a in 自评表 %}{% for b in range(1) %}{% endfor %}{% endfor %}")


def test_a_repetition_over_the_output_is_refused_before_it_is_made(tmp_path, ready, monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_OUTPUT", 200_000)
    assert "模板生成的内容超过 200,000 个字符" in _render(tmp_path, ready, "{{ 'ab' * 100000 }}")  # made, then too much with the page
    assert "* 运算会生成 200,002 个字符" in _render(tmp_path, ready, "{{ 'ab' * 100001 }}")  # never made


def test_what_a_template_prints_is_bounded(tmp_path, ready, monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_OUTPUT", 200_000)
    assert _render(tmp_path, ready, "{% for a in range(1) %}{{ 'x' * 100000 }}{% endfor %}") == "x" * 100_000
    assert _render(tmp_path, ready, "{% for a in range(3) %}{{ 'x' * 100000 }}{% endfor %}").startswith("拒绝：模板生成的内容超过 200,000 个字符")


def test_a_template_that_runs_past_its_time_is_stopped(tmp_path, ready, monkeypatch):
    monkeypatch.setattr(docx_template, "MAX_SECONDS", 1)
    assert not _render(tmp_path, ready, "{{ 单位名称 }}").startswith("拒绝")
    slow = "{% for a in 简述 * 50 %}{% for b in 简述 * 50 %}{% endfor %}{% endfor %}"  # letters of a text: no counter sees them
    assert _render(tmp_path, ready, slow).startswith("拒绝：模板填写超过 1 秒")
