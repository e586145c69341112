"""Batch: a district folder with ready, rectify, veto and broken applications, and review sheets."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from conftest import community, write_evidence
from safecomm import batch, load_scheme
from safecomm.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def district(tmp_path):
    """Folders per community, one bundle side by side, and one broken file."""
    root = tmp_path / "applications"
    write_evidence(root / "和平街道" / "evidence.yaml", **community(name="和平街道办事处"))
    write_evidence(root / "东风街道" / "evidence.yaml", **community(name="东风街道办事处", sectors=2))  # 1.1 B
    write_evidence(root / "新华街道" / "evidence.yaml", **community(name="新华街道办事处", working=False))  # 1.3 C
    write_evidence(root / "胜利镇.yaml", **community(name="胜利镇人民政府", participation=20))  # 2.4 veto
    (root / "坏申报").mkdir()
    (root / "坏申报" / "evidence.yaml").write_text("format: safecomm/evidence@1\ncommunity: [\n", encoding="utf-8")
    return root


def test_finds_folders_and_side_by_side_bundles_but_not_review_sheets(district):
    (district / "胜利镇.review.yaml").write_text("not read here", encoding="utf-8")
    (district / "和平街道" / "和平.review.yaml").write_text("not read here", encoding="utf-8")
    apps = batch.find(district)
    assert [a.label for a in apps] == [
        "东风街道/evidence.yaml", "和平街道/evidence.yaml", "坏申报/evidence.yaml", "新华街道/evidence.yaml", "胜利镇.yaml",
    ]
    sheets = {a.label: a.review.name if a.review else None for a in apps}
    assert sheets["胜利镇.yaml"] == "胜利镇.review.yaml"
    assert sheets["和平街道/evidence.yaml"] == "和平.review.yaml"
    assert sheets["东风街道/evidence.yaml"] is None


def test_summary_rows_sorted_by_verdict_then_a_and_broken_application_gives_exit_1(district, mini_scheme, tmp_path):
    out = tmp_path / "out"
    result = run("batch", district, "--scheme", mini_scheme, "--csv", out / "汇总.csv", "--json", out / "all.json", "--jobs", "1")
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO((out / "汇总.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == batch.COLUMNS
    body = {r[0]: r for r in rows[1:]}
    assert len(rows) == 6 and len(body) == 5  # one row per application
    assert [r[0] for r in rows[1:]] == [
        "和平街道/evidence.yaml", "东风街道/evidence.yaml", "新华街道/evidence.yaml", "胜利镇.yaml", "坏申报/evidence.yaml",
    ]
    assert body["和平街道/evidence.yaml"][1:10] == ["和平街道办事处", "城关区", "3", "0", "0", "0", "具备申报条件", "0", ""]
    assert body["东风街道/evidence.yaml"][3:8] == ["2", "1", "0", "0", "具备申报条件"]
    assert body["新华街道/evidence.yaml"][7:10] == ["需整改后申报", "0", "1.3 C"]
    assert body["胜利镇.yaml"][6:10] == ["1", "不具备申报条件", "0", "2.4 否决"]
    broken = body["坏申报/evidence.yaml"]
    assert broken[7] == "无法评估" and "evidence.yaml:2:12" in broken[10]  # where the [ was opened
    assert "坏申报/evidence.yaml" in result.output and "无法评估" in result.output
    assessed = json.loads((out / "all.json").read_text(encoding="utf-8"))
    rows = batch.sort_rows(batch.assess_all(batch.find(district), load_scheme(mini_scheme)), load_scheme(mini_scheme).verdict)
    whole = json.dumps([r.result.model_dump(mode="json") for r in rows if r.packed], ensure_ascii=False, indent=2) + "\n"
    assert "".join(batch.json_text(rows)) == whole == (out / "all.json").read_text(encoding="utf-8")  # written in pieces
    assert [a["community"]["name"] for a in assessed] == ["和平街道办事处", "东风街道办事处", "新华街道办事处", "胜利镇人民政府"]
    assert all(a["format"] == "safecomm/assessment@1" for a in assessed)


def test_all_good_exits_0_and_review_sheets_beside_the_evidence_are_applied(district, mini_scheme):
    (district / "坏申报" / "evidence.yaml").unlink()
    assert run("review", "start", district / "新华街道" / "evidence.yaml", "--scheme", mini_scheme).exit_code == 0
    sheet = district / "新华街道" / "evidence.review.yaml"
    text = sheet.read_text(encoding="utf-8")
    marker = '  - id: "1.3"'
    head, tail = text.split(marker)
    sheet.write_text(head + marker + tail.replace("    grade:\n    reason:\n", "    grade: B\n    reason: 综治办承担执行职责\n", 1),
                     encoding="utf-8")
    result = run("batch", district, "--scheme", mini_scheme, "--jobs", "1")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("新华街道"))
    assert "具备申报条件" in line and "1.3 B" in line
    assert line.split()[-4:] == ["具备申报条件", "1", "1.3", "B"]  # verdict, one override, the gap


def test_stale_sheet_is_a_broken_row_unless_allowed(district, mini_scheme):
    (district / "坏申报" / "evidence.yaml").unlink()
    run("review", "start", district / "胜利镇.yaml", "--scheme", mini_scheme)
    write_evidence(district / "胜利镇.yaml", **community(name="胜利镇人民政府", participation=25))
    refused = run("batch", district, "--scheme", mini_scheme, "--jobs", "1")
    assert refused.exit_code == 1 and "evidence_digest" in refused.output
    allowed = run("batch", district, "--scheme", mini_scheme, "--jobs", "1", "--allow-stale")
    assert allowed.exit_code == 0, allowed.output


def test_pool_gives_the_same_rows_as_one_process(district, mini_scheme):
    scheme = load_scheme(mini_scheme)
    apps = batch.find(district) * 4
    seen = []
    one = batch.assess_all(apps, scheme, jobs=1)
    two = batch.assess_all(apps, scheme, jobs=2, progress=seen.append)
    assert len(seen) == len(apps)
    assert [r.error for r in two] == [r.error for r in one]
    assert [r.result.to_json() for r in two if r.result] == [r.result.to_json() for r in one if r.result]


def test_html_summary_has_charts_and_links_to_each_community_report(district, mini_scheme, tmp_path):
    pytest.importorskip("safecomm.report.html")
    page = tmp_path / "out" / "汇总.html"
    assert run("batch", district, "--scheme", mini_scheme, "--html", page, "--jobs", "1").exit_code == 1
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert "无法评估" in html and "坏申报/evidence.yaml" in html
    reports = sorted(p.name for p in (tmp_path / "out" / "汇总").iterdir())
    assert reports == ["东风街道.html", "和平街道.html", "新华街道.html", "胜利镇.html"]
    for name in reports:
        assert f'href="{quote("汇总")}/{quote(name)}"' in html
    assert "胜利镇人民政府" in (tmp_path / "out" / "汇总" / "胜利镇.html").read_text(encoding="utf-8")


def test_empty_folder_is_an_input_error(tmp_path, mini_scheme):
    (tmp_path / "empty").mkdir()
    result = run("batch", tmp_path / "empty", "--scheme", mini_scheme)
    assert result.exit_code == 2 and "没有找到申报" in result.output


def test_pdf_dir_gives_one_valid_pdf_per_application(district, mini_scheme, tmp_path):
    pytest.importorskip("safecomm.report.pdf")
    from pypdf import PdfReader

    for name in ("东风街道", "新华街道"):  # two are enough: a folder and a side-by-side bundle, and the broken one
        (district / name / "evidence.yaml").unlink()
    result = run("batch", district, "--scheme", mini_scheme, "--pdf-dir", tmp_path / "pdf", "--jobs", "2")
    assert result.exit_code == 1  # the broken application; the others still get their PDF
    pdfs = sorted((tmp_path / "pdf").iterdir())
    assert [p.name for p in pdfs] == ["和平街道.pdf", "胜利镇.pdf"]
    for pdf in pdfs:
        reader = PdfReader(pdf)
        assert len(reader.pages) >= 1
        assert pdf.stem in "".join(page.extract_text() for page in reader.pages).replace(" ", "")


def test_pdf_workers_are_replaced_after_their_share_of_documents(district, mini_scheme, tmp_path, monkeypatch):
    pytest.importorskip("safecomm.report.pdf")
    monkeypatch.setattr(batch, "TASKS_PER_WORKER", 1)
    rows = batch.assess_all(batch.find(district)[:2], load_scheme(mini_scheme))
    saved = []
    done = batch.render_pdfs(rows, lambda row, data: saved.append((row.application.name, data[:5])), jobs=1)
    assert [d.error for d in done] == [None, None]
    assert sorted(saved) == [(row.application.name, b"%PDF-") for row in rows]
    assert len({d.worker for d in done}) == 2  # one fresh process per document here
    assert all(d.peak_kib > 0 for d in done)


def test_a_missing_font_file_is_an_input_error_before_any_work(district, mini_scheme, tmp_path):
    result = run("batch", district, "--scheme", mini_scheme, "--pdf-dir", tmp_path / "pdf", "--font-serif", tmp_path / "仿宋.ttf")
    assert result.exit_code == 2 and "--font-serif" in result.output
    assert not (tmp_path / "pdf").exists()


def test_yaml_and_ledger_of_one_community_are_one_application(tmp_path):
    """convert leaves evidence.yaml and 台账.xlsx side by side, as every fixture folder has them:
    one community, one row; two different bundles in one folder are an error row naming both."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path / "区"
    for name in ("ready", "rectify", "veto"):
        shutil.copytree(FIXTURES / name, root / name)
    apps = batch.find(root)
    assert [(a.label, a.twin.name) for a in apps] == [(f"{n}/evidence.yaml", "台账.xlsx") for n in ("ready", "rectify", "veto")]
    result = run("batch", root, "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == len(run("batch", root, "--jobs", "1").stdout.splitlines())  # deterministic
    rows = [line for line in result.stdout.splitlines() if "evidence.yaml" in line]
    assert len(rows) == 3 and "台账.xlsx" not in result.stdout.replace("evidence.yaml", "")  # never a row of its own
    side = tmp_path / "并排"
    side.mkdir()
    shutil.copy(FIXTURES / "rectify" / "evidence.yaml", side / "和平.yaml")
    shutil.copy(FIXTURES / "ready" / "台账.xlsx", side / "和平.xlsx")  # another community's evidence
    shutil.copy(FIXTURES / "veto" / "evidence.yaml", side / "胜利.yaml")
    result = run("batch", side, "--jobs", "1")
    assert result.exit_code == 1
    assert "和平.yaml 与 和平.xlsx 内容不同" in result.stdout + result.stderr
    assert len(batch.find(side)) == 2
