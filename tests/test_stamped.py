"""The papers an office prints and stamps, as they come: the form of 附件4 on one page (what does
not fit on a 续页), no digest and no word about the software on stamped pages, the 填报 block
under the 自评表, a B row that names its evidence; in PDF (text extracted) and Word (XML read)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from pypdf import PdfReader

from safecomm import assess, load_evidence, load_scheme
from safecomm.assessment import ReviewInfo
from safecomm.cli import main
from safecomm.report import docx, fit, pdf
from test_html import flat, write_bundle

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = sorted((ROOT / "fixtures").glob("*/evidence.yaml"))
LONG = 20_000
STAMPED = ("申报表", "自评表", "差距")


@pytest.fixture(scope="module")
def results():
    scheme = load_scheme()
    return {path.parent.name: assess(load_evidence(path, scheme), scheme) for path in FIXTURES}


def pages(data: bytes) -> list[str]:
    return [flat(p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages]


def word_text(data: bytes) -> str:
    """Every w:t of the body, headers and footers, as Word stores them."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [z.read(n).decode() for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
    parts = [xml.replace("<w:noBreakHyphen/>", "<w:t>-</w:t>") for xml in parts]  # the hyphen inside an id
    return "".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)) for xml in parts)


def long_text(n: int) -> str:
    sentence = "辖区开展安全社区创建工作，组织居民参加安全教育和应急演练，排查整改隐患，伤害发生率逐年下降。"
    paragraphs = [sentence * 4] * (n // (len(sentence) * 4) + 1)
    return "\n".join(paragraphs)[:n]


def with_long_narrative(result):
    changed = result.model_copy(deep=True)
    changed.community.summary = long_text(LONG)
    return changed


def with_long_opinion(result):
    changed = result.model_copy(deep=True)
    changed.review = ReviewInfo(reviewer="王审核", unit="测试区安委会办公室", date="2025-01-15", opinion=long_text(LONG))
    return changed


FORM_BOTTOM = ["市安委会办公室审核意见", "备注", "自评结论"]


@pytest.mark.parametrize("name", [p.parent.name for p in FIXTURES])
def test_each_fixture_form_is_one_page_in_pdf(results, name):
    printed = pages(pdf.render(results[name], ROOT / "fixtures" / name, parts=("申报表",)))
    assert len(printed) == 1
    assert all(flat(field) in printed[0] for field in FORM_BOTTOM)
    assert "续页" not in printed[0]


@pytest.mark.parametrize("change", [with_long_narrative, with_long_opinion])
def test_a_long_text_continues_on_a_sheet_and_the_boxes_stay_on_the_form(results, change):
    printed = pages(pdf.render(change(results["ready"]), ROOT / "fixtures" / "ready", parts=("申报表",)))
    assert len(printed) > 1
    form, sheet = printed[0], printed[1]
    assert all(flat(field) in form for field in FORM_BOTTOM + ["县(区)安委会办公室初步审查意见", "（盖章）"])
    assert flat(fit.MORE) in form and "续页" not in form.replace(flat(fit.MORE), "")
    assert sheet.startswith("创建安全社区申报表（续页）")
    # nothing is lost between the box and the sheet: the text printed is the text given, up to the cut
    given = flat(long_text(LONG))[:3000]
    assert given[:40] in form
    assert all("创建安全社区申报表" not in p or "续页" in p for p in printed[1:])


def test_short_narratives_keep_the_largest_type_and_longer_ones_shrink_before_continuing():
    small = fit.form(["社区简述。" * 20], [], [], ["单位", "名称"], "自评结论", fit.PDF)
    larger = fit.form(["社区简述。" * 100], [], [], ["单位", "名称"], "自评结论", fit.PDF)
    huge = fit.form(["社区简述。" * 1000], [], [], ["单位", "名称"], "自评结论", fit.PDF)
    assert small.narrative.size == fit.NARRATIVE_SIZES[0] and not small.narrative.rest
    assert fit.NARRATIVE_SIZES[-1] <= larger.narrative.size < fit.NARRATIVE_SIZES[0] and not larger.narrative.rest
    assert huge.narrative.size == fit.NARRATIVE_SIZES[-1] and huge.narrative.rest and huge.narrative.split
    # the cut loses nothing: what the box holds and what continues are the whole text
    assert "".join(huge.narrative.paragraphs[:-1]) + "".join(huge.narrative.rest) == "社区简述。" * 1000


def test_word_form_holds_what_fits_and_continues_on_a_sheet(results):
    plain = Document(io.BytesIO(docx.render(results["ready"], parts=("申报表",))))
    assert "续页" not in "".join(p.text for p in plain.paragraphs)
    long = Document(io.BytesIO(docx.render(with_long_narrative(results["ready"]), parts=("申报表",))))
    form, sheet = long.tables[0], long.tables[1]
    box = form.rows[2].cells[0]
    assert box.paragraphs[-1].text == fit.MORE
    sizes = {r.font.size.pt for p in box.paragraphs[1:] for r in p.runs if r.font.size}
    assert min(sizes) >= fit.NARRATIVE_SIZES[-1]
    assert len(box.text) < 2000 < LONG
    assert [c.text for c in form.column_cells(0)][-3:] == ["县(区)安委会办公室\n初步审查意见", "市安委会办公室\n审核意见", "备　注"]
    assert "创建安全社区申报表（续页）" in [p.text for p in long.paragraphs]
    assert flat("".join(p.text for p in box.paragraphs[1:-1])) + flat(sheet.cell(0, 0).text.split("：", 1)[1]) == flat(long_text(LONG))


@pytest.mark.parametrize("name", [p.parent.name for p in FIXTURES])
def test_no_digest_and_no_word_about_the_software_on_stamped_pages(results, name):
    result = results[name]
    folder = ROOT / "fixtures" / name
    data = pdf.render(result, folder)
    reader = PdfReader(io.BytesIO(data))
    printed = pages(data)
    index = [n for n, p in enumerate(printed) if p.startswith("证据索引")][0]
    for text in printed[:index]:
        assert result.evidence_digest not in text and result.scheme.digest not in text
        assert "本项目" not in text
    assert result.evidence_digest in "".join(printed[index:])
    assert result.evidence_digest in reader.metadata["/Subject"]
    word = docx.render(result, parts=STAMPED)
    text = word_text(word)
    assert result.evidence_digest not in text and "本项目" not in text
    assert result.evidence_digest in Document(io.BytesIO(word)).core_properties.subject
    assert "评定说明：" in text


def test_footer_digest_puts_it_back_on_every_page(results, tmp_path):
    result = results["ready"]
    printed = pages(pdf.render(result, ROOT / "fixtures" / "ready", parts=STAMPED, footer="digest"))
    assert all(result.evidence_digest in p for p in printed)
    word = word_text(docx.render(result, parts=STAMPED, footer="digest"))
    assert result.evidence_digest in word
    out = tmp_path / "申报表.pdf"
    ran = CliRunner().invoke(main, ["assess", str(FIXTURES[0]), "--pdf", str(out), "--only", "申报表", "--footer", "digest"])
    assert ran.exit_code == 0, ran.output
    assert results[FIXTURES[0].parent.name].evidence_digest in pages(out.read_bytes())[0]


def test_the_explanation_is_on_the_last_page_of_the_self_assessment_only(results):
    result = results["rectify"]
    printed = pages(pdf.render(result, ROOT / "fixtures" / "rectify", parts=("自评表",)))
    assert [n for n, p in enumerate(printed) if "评定说明：" in p] == [len(printed) - 1]
    assert flat(result.verdict.policy) not in "".join(printed) and flat(result.grading) not in "".join(printed)
    # the full interpretation stays where the clerk reads it
    assert result.verdict.policy in result.to_json() and "本项目" in result.verdict.policy


CONTACT = ["填报单位（盖章）：", "填报人：", "联系电话：", "填报日期："]


def test_contact_block_filled_from_the_evidence_or_left_blank(tmp_path):
    scheme = load_scheme()
    blank = assess(load_evidence(write_bundle(tmp_path / "a")), scheme)
    filled = assess(load_evidence(write_bundle(tmp_path / "b", contact={"name": "刘填报", "phone": "0952-1234567"})), scheme)
    for result, folder in ((blank, tmp_path / "a"), (filled, tmp_path / "b")):
        last = pages(pdf.render(result, folder, parts=("自评表",)))[-1]
        text = word_text(docx.render(result, parts=("自评表",)))
        for printed in (last, text):
            assert all(flat(label) in flat(printed) for label in CONTACT)
            assert flat(f"填报单位（盖章）：{result.community.name}") in flat(printed)
    assert "刘填报" in last and "0952-1234567" in last and "刘填报" in text
    assert "刘填报" not in word_text(docx.render(blank, parts=("自评表",)))


def evidence_named(remarks: str, item) -> bool:
    ids = {e for check in item.checks for e in check.evidence}
    sections = {s for check in item.checks for s in check.sections}
    return any(i in remarks for i in ids) or any(s in remarks for s in sections)


@pytest.mark.parametrize("name", [p.parent.name for p in FIXTURES])
def test_every_b_row_names_its_evidence_in_pdf_and_word(results, name):
    result = results[name]
    rows = {}
    doc = Document(io.BytesIO(docx.render(result, parts=("自评表",))))
    for row in doc.tables[0].rows:
        rows[row.cells[0].text] = row.cells[-1].text
    printed = "".join(pages(pdf.render(result, ROOT / "fixtures" / name, parts=("自评表",))))
    b_items = [i for i in result.items if i.grade == "B"]
    assert b_items
    for item in b_items:
        assert "证据：无" not in rows[item.id], item.id
        assert evidence_named(rows[item.id], item), (item.id, rows[item.id])
    for item in result.items:
        said = "证据：无" in rows[item.id]
        assert said == (item.grade == "C" and not any(c.seen for c in item.checks)), item.id
    assert printed.count("证据：无") == sum(1 for i in result.items if "证据：无" in rows[i.id])


def test_records_seen_through_another_item_are_listed_under_their_own_label(results):
    result = results["rectify"]
    item = result.item("8.3")
    doc = Document(io.BytesIO(docx.render(result, parts=("自评表",))))
    remarks = next(r.cells[-1].text for r in doc.tables[0].rows if r.cells[0].text == "8.3")
    own = {e for c in item.checks if not c.cites for e in c.evidence}
    other = {e for c in item.checks if c.cites for e in c.evidence} - own
    line = next(x for x in remarks.split("\n") if x.startswith("证据："))
    assert all(e in line for e in own) and not any(e in line for e in other)
    if other:
        assert any(x.startswith("另见 ") and all(e in x for e in other) for x in remarks.split("\n"))


def test_word_holds_what_its_remarks_list(results):
    result = results["ready"]
    doc = Document(io.BytesIO(docx.render(result)))
    text = "".join(p.text for p in doc.paragraphs)
    remarks = doc.tables[0].rows[-1].cells[1].text
    for part, title in (("图表", "图表"), ("证据索引", "证据索引"), ("差距", "差距与整改建议"), ("自评表", "安全社区评定指标自评表")):
        assert title in remarks and title in text
    assert len(doc.inline_shapes) >= 3  # the charts, as pictures
    only = Document(io.BytesIO(docx.render(result, parts=("申报表", "自评表"))))
    remarks = only.tables[0].rows[-1].cells[1].text
    assert "安全社区评定指标自评表" in remarks and "证据索引" not in remarks and "图表" not in remarks
