"""A clerk in a real browser (Debian's Chromium under Playwright) against `safecomm serve --demo`,
once on SQLite and once on PostgreSQL: log in, upload rectify's 台账, see its three C items with
their reasons, fix the ledger, upload again, see the change, download the PDF and read it; a bad
ledger shows its problems at their cells and keeps every earlier version."""

from __future__ import annotations

import io

import pypdf
import pytest

from . import ledgers
from .conftest import DEMO_PASSWORD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def login(page, server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")


def upload(page, name: str, data: bytes) -> None:
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": XLSX, "buffer": data}])
    with page.expect_navigation():
        page.click("button:has-text('上传并评定')")


def grades(page) -> dict[str, str]:
    return page.locator("details.item").evaluate_all(
        "els => Object.fromEntries(els.map(e => [e.dataset.item, e.dataset.grade]))")


def version_rows(page) -> list[str]:
    """The rows of the versions table (its 没有版本。 placeholder row is not a version)."""
    rows = page.locator("table.grid").last.locator("tbody tr").all_inner_texts()
    return [row for row in rows if row.strip() != "没有版本。"]


def shot(page, shots, name: str, database, at: str | None = None) -> None:
    """What the user sees (the window, scrolled to `at`), kept to be looked at."""
    if at:
        page.locator(at).scroll_into_view_if_needed()
    page.screenshot(path=str(shots / f"{name}-{'postgresql' if database else 'sqlite'}.png"))


def test_clerk_uploads_fixes_and_downloads_the_pdf(demo, page, shots, database):
    login(page, demo, "demo-clerk")
    assert page.locator("h1").inner_text() == "柳湾镇"
    community = page.url
    before = version_rows(page)
    shot(page, shots, "community", database)

    upload(page, "台账.xlsx", ledgers.rectify())
    assert "/v/" in page.url and page.locator("h1").inner_text() == "评定结果"
    seen = grades(page)
    assert len(seen) == 45
    assert sorted(item for item, grade in seen.items() if grade == "C") == list(ledgers.C_ITEMS)
    assert "需整改后申报" in page.locator(".verdict").inner_text()
    for item in ledgers.C_ITEMS:
        details = page.locator(f"details[data-item='{item}']")
        details.locator("summary").click()
        reason = details.locator("p", has_text="理由").inner_text()
        assert "空白" in reason, reason  # the reason is shown, in words, when the item is opened
    gaps = page.locator("#gaps").inner_text()
    assert all(item in gaps for item in ledgers.C_ITEMS)
    shot(page, shots, "result", database, "h1")

    page.goto(community)
    assert len(version_rows(page)) == len(before) + 1
    upload(page, "台账.xlsx", ledgers.fixed())
    fixed = grades(page)
    assert [item for item, grade in fixed.items() if grade == "C"] == []
    assert all(fixed[item] in "AB" for item in ledgers.C_ITEMS)
    change = page.locator("#diff").inner_text()
    assert "需整改后申报" in change and "具备申报条件" in change
    for item in ledgers.C_ITEMS:
        row = page.locator("#diff table").first.locator("tr", has_text=item).inner_text()
        assert "C" in row and "↑" in row, row
    shot(page, shots, "diff", database, "#diff")

    page.click("a:has-text('申报材料')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "申报材料"
    shot(page, shots, "materials", database)
    with page.expect_download(timeout=150_000) as download:
        page.click("a[data-paper=pdf]")
    assert download.value.suggested_filename.endswith(".pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    compact = "".join(text.split())
    assert "柳湾镇" in compact
    assert "2024年事故伤害原因分析报告" in compact  # the fixed version's record, not the first one's
    assert "具备申报条件" in compact


def test_a_bad_ledger_shows_its_problems_at_their_cells_and_keeps_every_version(demo, page, shots, database):
    login(page, demo, "demo-clerk")
    community = page.url
    before = version_rows(page)
    data, cells = ledgers.bad()
    upload(page, "台账.xlsx", data)
    assert "上传未通过" in page.locator("h1").inner_text()
    headers = page.locator("table.problems thead th").all_inner_texts()
    assert headers == ["位置", "列", "问题", "怎么改"]
    rows = page.locator("table.problems tbody tr").all_inner_texts()
    cells_of = page.locator("table.problems tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))")
    for cell in cells:
        row = next((r for r in cells_of if f"台账.xlsx:{cell}" in r[0].replace("\n", "")), None)
        assert row is not None, (cell, cells_of)
        assert "/tmp" not in " ".join(row) and "safecomm-" not in " ".join(row)  # never a server path
        assert row[2], row  # what is wrong
    assert any("讲座" in r and "教育" in r for r in rows)  # the wrong value and the values the list offers  # what is wrong and what the list offers
    shot(page, shots, "problems", database)
    page.goto(community)
    assert version_rows(page) == before
    assert "未通过的上传" in page.content()


@pytest.mark.parametrize("who", ["demo-reviewer", "demo-officer"])
def test_reviewer_and_officer_land_on_their_district(demo, page, shots, database, who):
    login(page, demo, who)
    text = page.locator("main").inner_text()
    for name in ("朝阳街道", "柳湾镇", "金沙湾工业园区"):
        assert name in text
    if who == "demo-reviewer":
        shot(page, shots, "district", database)


def test_reviewer_overrides_an_item_finishes_and_the_pdf_shows_the_review(demo, page, shots, database):
    login(page, demo, "demo-reviewer")
    page.goto(demo.url + "/review/")
    page.click("a:has-text('柳湾镇')")
    page.wait_for_load_state()
    assert "/review/c/" in page.url
    row = page.locator("tr#item-8\\.3")  # auto B (three comprehensive inspections); the reviewer finds a fourth on site
    assert row.locator("select").input_value() == "B"
    row.locator("select").select_option("A")
    page.click("button[value=finish]")  # a changed grade without a reason is refused, at its field
    page.wait_for_load_state()
    assert page.locator("tr#item-8\\.3 .error").count() == 1
    assert "理由" in page.locator("tr#item-8\\.3 .error").inner_text()
    page.locator("tr#item-8\\.3 select").select_option("A")
    page.fill("textarea[name='reason_8.3']", "现场查阅第四季度综合检查记录，全年综合检查4次")
    page.fill("textarea[name=opinion]", "经初步审查，柳湾镇创建工作基本符合要求，同意申报。")
    page.fill("input[name=reviewer_name]", "王审核")
    page.fill("input[name=reviewer_unit]", "演示区安委会办公室")
    page.fill("input[name=reviewer_date]", "2024-12-20")
    shot(page, shots, "review", database, "textarea[name=opinion]")
    with page.expect_navigation():
        page.click("button[value=finish]")
    assert page.locator("tr#item-8\\.3 select").input_value() == "A"
    page.goto(demo.url + "/communities/")
    page.click("a:has-text('柳湾镇')")
    page.wait_for_load_state()
    if "/review/c/" in page.url:  # the district list leads to the review; the community page has the papers
        pk = page.url.rstrip("/").rsplit("/", 1)[-1]
        page.goto(f"{demo.url}/c/{pk}/")
    page.click("a:has-text('申报材料')")
    page.wait_for_load_state()
    with page.expect_download(timeout=150_000) as download:
        page.click("a[data-paper=pdf]")
    text = "".join("".join(p.extract_text().split()) for p in pypdf.PdfReader(download.value.path()).pages)
    assert "经初步审查，柳湾镇创建工作基本符合要求，同意申报。" in text
    assert "现场查阅第四季度综合检查记录" in text  # the override's reason, beside the reviewed grade
    assert "王审核" in text
