"""Nothing hangs and nothing blows up memory: every accepted input finishes in < 60 s and < 1 GiB,
in a real process under those limits (a regression fails the test, not the machine)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostile_kit import GIB, HEAD, add_rows, bundle, evidence_text, ledger, mini, patch, refused, run, snapshot  # noqa: F401  (mini: a fixture)


def _unclosed(n: int):
    """A formula cell, then `n` cells opened and never closed."""
    def change(xml: str) -> str:
        cells = '<c r="B9"><f>1+1</f>' + '<c r="A9" t="inlineStr"><is><t>x</t></is>' * n
        return add_rows(xml, f'<row r="9">{cells}</row>')
    return change


def _many_cells_after_a_formula(n: int):
    def change(xml: str) -> str:
        rows = '<row r="9"><c r="B9"><f>1+1</f></c></row>' + "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(10, 10 + n))
        return add_rows(xml, rows)
    return change


WORKBOOKS = {
    "150000-unclosed-cells-after-a-formula": _unclosed(150_000),
    "unclosed-cell-with-a-long-body": lambda xml: add_rows(xml, '<row r="9"><c r="B9"><f>1</f>' + "<x/>" * 400_000 + "</row>"),
    "cell-attributes-never-closed": lambda xml: add_rows(xml, '<row r="9"><c r="B9" ' + 'a="1" ' * 300_000 + "><f>1</f></c></row>"),
    "regex-backtracking-attributes": lambda xml: add_rows(xml, '<row r="9">' + '<c s="1" r="A9"' * 60_000 + "</row>"),
}


@pytest.mark.parametrize("name", list(WORKBOOKS))
def test_a_hostile_workbook_finishes_in_time_and_memory(tmp_path, name):
    ev = ledger(tmp_path / "台账.xlsx")
    patch(ev, "文件", WORKBOOKS[name])
    before = snapshot(tmp_path)
    done, seconds = run(["validate", ev], memory=GIB, timeout=60)
    assert done.returncode in (0, 2), done.stderr.decode()[-2000:]
    if done.returncode == 2:
        refused(done)
    assert seconds < 30
    assert snapshot(tmp_path) == before


# -- Word templates -----------------------------------------------------------------------------------

def _template(path: Path, *paragraphs: str) -> Path:
    from docx import Document

    d = Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(path)
    return path


TEMPLATES = {
    "nested-loops-over-ranges": ("{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",),
    "one-huge-range": ("{% for a in range(10**9) %}x{% endfor %}",),
    "string-repeated-300M": ("{{ '123456' * 300000000 }}",),
    "name-repeated": ("{{ 单位名称 * 100000000 }}",),
    "join-of-a-huge-range": ("{{ range(100000000) | join(',') }}",),
    "recursive-macro": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",),
    # the test rule set has 3 items: 3 ** 12 turns, each printing the whole 简述
    "nested-loops-over-rows": ("".join(f"{{% for a{n} in 自评表 %}}" for n in range(12)) + "{{ 简述 }}" + "{% endfor %}" * 12,),
    "huge-power": ("{{ 10 ** (10 ** 10) }}",),  # Jinja2 reads 10 ** 10 ** 10 as (10 ** 10) ** 10, a number of 101 digits
    "format-width": ("{{ '%999999999d' % 1 }}",),
    "jinja-syntax-error": ("{% for %}",),
    "jinja-unknown-filter": ("{{ 单位名称 | nosuchfilter }}",),
    "jinja-unknown-test": ("{% if 单位名称 is nosuchtest %}x{% endif %}",),
    "jinja-division-by-zero": ("{{ 1 / 0 }}",),
    "jinja-attribute-of-undefined": ("{{ 单位名称.x.y }}",),
}


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_a_hostile_word_template_is_refused_in_time_and_memory(tmp_path, mini, name):
    ev = bundle(tmp_path / "甲", evidence_text())
    template = _template(tmp_path / "模板.docx", *TEMPLATES[name])
    before = snapshot(tmp_path)
    done, seconds = run(["assess", ev, "--scheme", mini, "--docx", tmp_path / "x.docx", "--docx-template", template],
                        memory=GIB, timeout=60)
    err = refused(done, "模板")
    assert seconds < 30
    for english in ("is undefined", "unexpected", "No filter", "No test", "division", "object has no attribute", "Encountered"):
        assert english not in err, err
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "sparse", "dangling"])
def test_a_word_template_that_is_no_file_is_refused(tmp_path, mini, kind):
    ev = bundle(tmp_path / "甲", evidence_text())
    template = tmp_path / "模板.docx"
    if kind == "fifo":
        os.mkfifo(template)
    elif kind == "dev-zero":
        template.symlink_to("/dev/zero")
    elif kind == "folder":
        template.mkdir()
    elif kind == "sparse":
        with open(template, "wb") as f:
            f.truncate(8 << 30)
    else:
        template.symlink_to(tmp_path / "无")
    done, seconds = run(["assess", ev, "--scheme", mini, "--docx", tmp_path / "x.docx", "--docx-template", template],
                        memory=GIB, timeout=30)
    refused(done, "模板|文件")
    assert seconds < 20


# -- attachments, YAML, ledgers and reports of great size ------------------------------------------------

@pytest.mark.parametrize("size", [100 << 30, 2 << 30])
@pytest.mark.parametrize("command_name", ["validate", "assess"])
def test_an_attachment_over_the_cap_is_refused_with_its_size_not_hashed(tmp_path, mini, size, command_name):
    ev = bundle(tmp_path / "甲", evidence_text(documents=[{"id": "D-1", "kind": "制度", "title": "制度", "file": "attachments/big.pdf"}]))
    with open(tmp_path / "甲" / "attachments" / "big.pdf", "wb") as f:
        f.truncate(size)
    done, seconds = run([command_name, ev, "--scheme", mini], memory=GIB, timeout=60)
    refused(done, "过大|太大", str(size) + "|GB|GiB")
    assert seconds < 10


def test_sixty_thousand_unknown_keys_are_reported_quickly_and_capped(tmp_path, mini):
    lines = [HEAD.rstrip("\n")] + [f"k{n:06d}: 1" for n in range(60_000)]
    ev = bundle(tmp_path / "甲", "\n".join(lines) + "\n")
    assert 500_000 < ev.stat().st_size < 1_000_000
    done, seconds = run(["validate", ev, "--scheme", mini], memory=GIB, timeout=60)
    err = refused(done, "还有")
    assert err.count("\n") < 500
    assert seconds < 20
