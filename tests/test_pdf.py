"""The 申报表 as PDF: extractable text, embedded fonts, same bytes in two processes, a fetcher
that reads nothing from the network or outside the evidence folder."""

from __future__ import annotations

import hashlib
import http.server
import io
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from weasyprint import HTML

from safecomm import assess, load_evidence, load_scheme
from safecomm import papers
from safecomm.cli import main
from safecomm.papers import FontFiles
from safecomm.report import pdf
from safecomm.report.html import ASSETS, Fonts
from test_html import FORM_FIELDS, READY, VETO, flat, write_bundle

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def ready():
    return assess(load_evidence(READY), load_scheme())


@pytest.fixture(scope="module")
def document(ready):
    return PdfReader(io.BytesIO(pdf.render(ready, READY.parent)))


def fonts_of(reader: PdfReader) -> dict[str, bool]:
    """Base font name → whether its program is embedded."""
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            leaf = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = leaf["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return found


def test_every_field_and_item_id_is_extractable(document, ready):
    raw = [p.extract_text() for p in document.pages]
    pages = [flat(p) for p in raw]
    text = "".join(pages)
    for field in FORM_FIELDS:
        assert flat(field) in text, field
    assert flat(ready.community.name) in pages[0] and "大武口区" in pages[0]
    for item in ready.items:
        assert re.search(rf"(?m)^{re.escape(item.id)}\s", "\n".join(raw)), item.id
    assert "—1—" in pages[0] and f"—{len(pages)}—" in pages[-1]
    assert ready.evidence_digest in text and f"{ready.scheme.id}{ready.scheme.version}" in text


def test_fonts_are_noto_cjk_sc_and_embedded(document):
    fonts = fonts_of(document)
    assert fonts and all(fonts.values())
    names = " ".join(fonts)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names
    assert not re.search(r"CJK-(JP|KR|TC|HK)", names)  # the Chinese glyph forms, not the Japanese ones


def test_metadata_dates_come_from_the_period_end(document, ready):
    assert document.metadata["/CreationDate"].startswith("D:20241231")
    assert document.metadata["/ModDate"] == document.metadata["/CreationDate"]
    assert document.metadata["/Title"] == f"{ready.community.title}申报表"
    assert document.metadata["/Author"] == ready.community.name


def test_same_bytes_from_two_processes(tmp_path):
    digests = []
    for n in (1, 2):
        out = tmp_path / f"{n}.pdf"
        subprocess.run([sys.executable, "-c", "from safecomm.cli import main; main()", "assess", str(READY), "--pdf", str(out)],
                       check=True, capture_output=True)
        digests.append(hashlib.sha256(out.read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_papers_in_one_process_are_the_bytes_of_a_fresh_process(tmp_path, ready):
    """A process keeps one font configuration across its PDFs (batch and web workers): the same
    document, rendered again after others (one in a user's font), is byte for byte what a fresh
    process prints."""
    out = tmp_path / "fresh.pdf"
    subprocess.run([sys.executable, "-c", "from safecomm.cli import main; main()", "assess", str(READY), "--pdf", str(out)],
                   check=True, capture_output=True)
    first = papers.pdf(ready)
    veto = papers.pdf(assess(load_evidence(VETO), load_scheme()))
    if DEJAVU.is_file():
        papers.pdf(ready, FontFiles(sans=DEJAVU))
    again = papers.pdf(ready)
    assert first == again == out.read_bytes() and veto != first


def test_the_stylesheet_parsed_once_prints_what_the_page_with_it_inside_prints():
    """A process parses the 申报表's stylesheet once and gives it to each PDF beside the page, and
    makes each PDF object's bytes once; the page with the stylesheet inside, printed plainly by
    WeasyPrint, is the same bytes (the stylesheet's place in the cascade changes nothing, nor does
    making the objects once), and it is not when the stylesheet is left out."""
    from safecomm.report import html

    for evidence in (READY, VETO):
        result = assess(load_evidence(evidence), load_scheme())
        base = evidence.parent.resolve().as_uri() + "/"
        fetcher = pdf.LocalFetcher([ASSETS, evidence.parent])
        plain = HTML(string=html.render(result), base_url=base, url_fetcher=fetcher).write_pdf(pdf_identifier=True)
        assert pdf.render(result, evidence.parent) == plain
    bare = HTML(string=html.render(result, styled=False), base_url=base, url_fetcher=fetcher).write_pdf(pdf_identifier=True)
    assert bare != plain and "<style>" not in html.render(result, styled=False) and "<style>" in html.render(result)


def test_user_font_file_is_used_and_embedded(tmp_path):
    if not DEJAVU.is_file():
        pytest.skip("DejaVu Sans is not installed")
    path = write_bundle(tmp_path)
    reader = PdfReader(io.BytesIO(pdf.render(assess(load_evidence(path), load_scheme()), tmp_path, Fonts(sans=DEJAVU))))
    fonts = fonts_of(reader)
    assert any("safecomm-sans" in name for name in fonts) and all(fonts.values())
    assert not [name for name in fonts if re.search(r"CJK-(JP|KR|TC|HK)", name)]


def test_rare_character_in_a_name_is_printed_and_extractable(tmp_path):
    """生僻字 (CJK Extension B) must come out of the named SC font, not as a missing glyph.
    Poppler's extraction is used: pypdf misreads ToUnicode maps with supplementary-plane characters."""
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils is not installed")
    path = write_bundle(tmp_path, name="𠮷祥街道办事处")
    out = tmp_path / "rare.pdf"
    out.write_bytes(pdf.render(assess(load_evidence(path), load_scheme()), tmp_path))
    text = subprocess.run(["pdftotext", "-l", "1", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "𠮷祥街道办事处" in text
    assert not re.search(r"CJK-(JP|KR|TC|HK)", " ".join(fonts_of(PdfReader(out))))


def test_fetcher_serves_data_assets_and_the_evidence_folder_only(tmp_path):
    evidence = write_bundle(tmp_path / "bundle").parent
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    fetcher = pdf.LocalFetcher([ASSETS, evidence])
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"
    assert fetcher.fetch((evidence / "attachments" / "d-1.txt").as_uri()).read() == "安全检查制度".encode()
    assert fetcher.fetch((ASSETS / "form.css").as_uri()).read().startswith(b"/*")
    for url in (
        "http://example.com/x.png", "https://example.com/a.css", "ftp://example.com/f",
        outside.as_uri(), (evidence / ".." / "secret.txt").as_uri(), "file:///etc/passwd",
    ):
        with pytest.raises(pdf.Refused):
            fetcher.fetch(url)


def test_rendering_reaches_no_server(tmp_path):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    page = (
        f'<html><head><link rel="stylesheet" href="{base}/a.css"><style>@import "{base}/b.css";'
        f'@font-face {{ font-family: x; src: url({base}/f.ttf); }} body {{ background: url({base}/bg.png); font-family: x; }}'
        f'</style></head><body><img src="{base}/i.png"><img src="file:///etc/hostname">x</body></html>'
    )
    try:
        HTML(string=page, base_url=tmp_path.as_uri() + "/", url_fetcher=pdf.LocalFetcher([tmp_path])).write_pdf()
    finally:
        server.shutdown()
    assert hits == []


def test_only_one_part_and_sample_data_marked_on_every_page(ready):
    sample = ready.model_copy(update={"sample": True})
    reader = PdfReader(io.BytesIO(pdf.render(sample, READY.parent, parts=("自评表",))))
    pages = [flat(p.extract_text()) for p in reader.pages]
    assert len(pages) > 1 and all("示例" in p for p in pages)
    assert "安全社区评定指标自评表" in pages[0] and not any("创建安全社区申报表" in p or "证据索引" in p for p in pages)


def test_cli_pdf_only(tmp_path):
    out = CliRunner().invoke(main, ["assess", str(READY), "--format", "json", "--pdf", str(tmp_path / "a.pdf"), "--only", "申报表"])
    assert out.exit_code == 0, out.output
    assert len(PdfReader(tmp_path / "a.pdf").pages) == 1
