"""The workbench takes a review workbook (审核表.xlsx) in as the command line reads it: the same
rules, each problem at its sheet and cell."""

from __future__ import annotations

import io

from .helpers import FIXTURES, client, world

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import TestCase  # noqa: E402

from safecomm.review_book import new_book  # noqa: E402
from safecomm.web.evidence.versions import take  # noqa: E402
from safecomm.web.review import work  # noqa: E402

RECTIFY = (FIXTURES / "rectify" / "evidence.yaml").read_bytes()  # 1.2 is B


class ReviewBook(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        take(cls.home, cls.clerk, "evidence.yaml", RECTIFY)

    def send(self, reason):
        import openpyxl

        now = work.current(self.home)
        wb = openpyxl.load_workbook(io.BytesIO(new_book(now.result)))
        ws = wb["逐项审核"]
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "1.2")
        ws.cell(row, 6).value, ws.cell(row, 7).value = "A", reason
        data = io.BytesIO()
        wb.save(data)
        sheet = SimpleUploadedFile("甲街道审核表.xlsx", data.getvalue())
        return client(self.reviewer).post(f"/review/c/{self.home.pk}/import", {"sheet": sheet}), row

    def test_a_workbook_is_imported_with_the_rules_of_the_sheet_at_its_cells(self):
        wrong, row = self.send(None)
        self.assertEqual(wrong.status_code, 400)
        text = wrong.content.decode("utf-8")
        self.assertIn(f"逐项审核!G{row}", text)
        self.assertIn("条目 1.2 改判为 A（自动等级 B）但没有写理由", text)
        self.assertEqual(self.send("导入的理由")[0].status_code, 302)
        entry = next(e for e in work.current(self.home).review.items if e.id == "1.2")
        self.assertEqual((entry.grade, entry.reason), ("A", "导入的理由"))

    def test_the_workbook_exported_holds_the_review_begun_on_the_page_and_comes_back_in(self):
        from safecomm.review_input import load_review_bytes

        form = {"grade_1.2": "A", "reason_1.2": "现场核实", "opinion": "同意上报。\n请补充记录。", "action": "save"}
        self.assertEqual(client(self.reviewer).post(f"/review/c/{self.home.pk}/", form).status_code, 302)
        out = client(self.reviewer).get(f"/review/c/{self.home.pk}/sheet?as=xlsx")
        self.assertEqual(out.status_code, 200)
        self.assertIn(".xlsx", out["Content-Disposition"])
        review = load_review_bytes(out.content, "审核表.xlsx")
        entry = next(e for e in review.items if e.id == "1.2")
        self.assertEqual((entry.grade, entry.reason, review.opinion), ("A", "现场核实", "同意上报。\n请补充记录。"))
        sheet = SimpleUploadedFile("审核表.xlsx", out.content)
        self.assertEqual(client(self.reviewer).post(f"/review/c/{self.home.pk}/import", {"sheet": sheet}).status_code, 302)
        self.assertIn("?as=xlsx", client(self.reviewer).get(f"/review/c/{self.home.pk}/").content.decode("utf-8"))
