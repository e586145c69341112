"""The papers as library functions: bytes equal to the command's files; an exact cache key."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from safecomm import assess, load_evidence, load_scheme, papers
from safecomm.assessment import ReviewInfo
from safecomm.cli import main

READY = FIXTURES / "ready" / "evidence.yaml"



@pytest.fixture(scope="module")
def ready():
    scheme = load_scheme()
    ev = load_evidence(READY, scheme)
    return ev, assess(ev, scheme), scheme


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_pdf_docx_html_and_workreport_equal_the_commands_files(ready, tmp_path):
    ev, result, scheme = ready
    run("assess", READY, "--pdf", tmp_path / "a.pdf", "--docx", tmp_path / "a.docx", "--only", "自评表")
    assert papers.pdf(result, parts=("自评表",)) == (tmp_path / "a.pdf").read_bytes()
    assert papers.docx(result, parts=("自评表",)) == (tmp_path / "a.docx").read_bytes()
    page = run("assess", READY, "--format", "html").output
    assert papers.html(result).decode("utf-8") == page
    run("report", READY, "-o", tmp_path / "r.md")
    assert papers.workreport(ev, result, scheme, "md") == (tmp_path / "r.md").read_bytes()
    run("report", READY, "-o", tmp_path / "r.docx")
    assert papers.workreport(ev, result, scheme, "docx") == (tmp_path / "r.docx").read_bytes()


def test_the_pdf_is_the_same_bytes_twice(ready):
    _, result, _ = ready
    assert papers.pdf(result, parts=("申报表",)) == papers.pdf(result, parts=("申报表",))


def test_a_template_and_chosen_parts_do_not_go_together(ready, tmp_path):
    _, result, _ = ready
    with pytest.raises(papers.InputError, match="模板本身决定"):
        papers.docx(result, parts=("自评表",), template=tmp_path / "t.docx")


def test_a_file_that_is_not_a_font_is_refused_under_the_name_the_user_gave(tmp_path):
    fake = tmp_path / "fake.ttf"
    fake.write_bytes(b"not a font at all")
    with pytest.raises(papers.InputError) as exc:
        papers.check_fonts(papers.FontFiles(serif=fake), {"title": "标题字体", "serif": "正文字体", "sans": "黑体"})
    assert exc.value.problems[0].path == "正文字体" and "不是字体文件" in exc.value.problems[0].message
    real = tmp_path / "real.ttf"
    real.write_bytes(b"\x00\x01\x00\x00" + b"\x00" * 60)
    assert papers.check_fonts(papers.FontFiles(serif=real)).serif == real


def test_cache_key_changes_with_every_input_and_with_nothing_else(ready, tmp_path, monkeypatch):
    ev, result, scheme = ready
    font = tmp_path / "a.ttf"
    font.write_bytes(b"\x00\x01\x00\x00font-one")
    template = tmp_path / "t.docx"
    template.write_bytes(b"PK\x03\x04one")
    base = papers.cache_key("pdf", result)
    # the same inputs, however given: the object or its stored JSON, a fresh assessment, parts spelt out
    assert papers.cache_key("pdf", result.to_json()) == base
    assert papers.cache_key("pdf", assess(load_evidence(READY, scheme), scheme)) == base
    assert papers.cache_key("pdf", result, parts=papers.PARTS) == base
    keys = {
        base,
        papers.cache_key("docx", result),
        papers.cache_key("pdf", result, parts=("自评表",)),
        papers.cache_key("pdf", result, fonts=papers.FontFiles(serif=font)),
        papers.cache_key("pdf", result, fonts=papers.FontFiles(title=font)),
        papers.cache_key("docx", result, template=template),
        papers.cache_key("pdf", result.model_copy(update={"evidence_digest": "0" * 64})),
        papers.cache_key("pdf", result.model_copy(update={"scheme": result.scheme.model_copy(update={"digest": "1" * 64})})),
        papers.cache_key("pdf", result.model_copy(update={"review": ReviewInfo(opinion="同意上报")})),
        papers.cache_key("pdf", result, footer="digest"),
    }
    assert len(keys) == 10
    with_font = papers.cache_key("pdf", result, fonts=papers.FontFiles(serif=font))
    font.write_bytes(b"\x00\x01\x00\x00font-two")  # the same path, another font
    assert papers.cache_key("pdf", result, fonts=papers.FontFiles(serif=font)) != with_font
    with_template = papers.cache_key("docx", result, template=template)
    template.write_bytes(b"PK\x03\x04two")
    assert papers.cache_key("docx", result, template=template) != with_template
    moved = tmp_path / "elsewhere.ttf"
    shutil.copy(font, moved)  # another path, the same font: the same paper
    assert papers.cache_key("pdf", result, fonts=papers.FontFiles(serif=moved)) == papers.cache_key("pdf", result, fonts=papers.FontFiles(serif=font))
    import safecomm

    monkeypatch.setattr(safecomm, "__version__", "9.9.9")
    assert papers.cache_key("pdf", result) != base
