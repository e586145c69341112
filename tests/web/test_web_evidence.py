"""我的社区, upload, 评定结果: every upload kept as it came, a version only when it reads, problems
at their cells, the result page from the stored assessment, the diff, submission, downloads."""

from __future__ import annotations

import io
import re
import zipfile

from .helpers import FIXTURES, client, fixture_zip, upload, world

from django.test import TestCase  # noqa: E402

from safecomm.ledger.package import MAX_INFLATED  # noqa: E402
from safecomm.web import storage  # noqa: E402
from safecomm.web.audit.models import Entry  # noqa: E402
from safecomm.web.evidence import intake  # noqa: E402
from safecomm.web.evidence.models import Assessment, Upload, Version  # noqa: E402

LEDGER = (FIXTURES / "rectify" / "台账.xlsx").read_bytes()


def broken_ledger() -> bytes:
    """The rectify ledger with an activity's date made impossible to read."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(LEDGER))
    sheet = book["活动"]
    sheet.cell(row=4, column=3, value="去年春天")  # 日期 of the first activity (rows 1–3: note, titles, fields)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Upload_(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)

    def test_a_ledger_becomes_version_1_with_its_stored_assessment(self):
        c = client(self.clerk)
        response = upload(c, self.home, "台账.xlsx", LEDGER)
        version = Version.objects.get(community=self.home)
        self.assertRedirects(response, f"/v/{version.pk}/", fetch_redirect_response=False)
        self.assertEqual(version.number, 1)
        stored = Assessment.objects.get(version=version)
        self.assertEqual((stored.count_c, stored.verdict), (3, "需整改后申报"))
        self.assertEqual(storage.read_blob(version.upload.sha256), LEDGER)  # kept byte for byte
        self.assertEqual(Entry.objects.get(action=Entry.UPLOAD).unit, self.home)
        page = c.get(f"/v/{version.pk}/")
        self.assertEqual(len(re.findall(r'data-item="[\d.]+"', page.content.decode())), 45)
        self.assertEqual(sorted(re.findall(r'data-item="([\d.]+)" data-grade="C"', page.content.decode())), ["11.2", "11.3", "12.1"])
        self.assertContains(page, "需整改后申报")
        self.assertContains(page, "这是第一版")
        self.assertNotContains(page, 'data-grade="C" open')
        printable = c.get(f"/v/{version.pk}/?open=1")
        self.assertEqual(len(re.findall(r'<details class="item"[^>]* open>', printable.content.decode())), 45)  # every item expanded for printing
        self.assertContains(page, 'href="#rec-')  # cited records link to the evidence index

    def test_advice_is_worded_for_the_channel_of_the_upload(self):
        c = client(self.clerk)
        upload(c, self.home, "台账.xlsx", LEDGER)
        upload(c, self.home, "evidence.yaml", (FIXTURES / "rectify" / "evidence.yaml").read_bytes())
        ledger, yaml = Version.objects.order_by("number")
        self.assertNotIn("在 documents 中登记", c.get(f"/v/{ledger.pk}/").content.decode())  # a clerk of the 台账 sees no field
        self.assertIn("在 documents 中登记", c.get(f"/v/{yaml.pk}/").content.decode())

    def test_an_upload_and_its_assessment_cannot_be_rewritten(self):
        upload(client(self.clerk), self.home, "台账.xlsx", LEDGER)
        kept, stored = Upload.objects.get(), Assessment.objects.get()
        kept.name = "别的.xlsx"
        stored.verdict = "具备申报条件"
        for row in (kept, stored):
            with self.assertRaises(ValueError):
                row.save()
        self.assertEqual(Assessment.objects.get().verdict, "需整改后申报")

    def test_an_oversized_upload_is_refused_before_it_is_read(self):
        from unittest import mock

        with mock.patch.object(intake, "MAX_FILE", 1000):
            response = upload(client(self.clerk), self.home, "台账.xlsx", LEDGER)
        self.assertContains(response, "文件过大", status_code=400)
        self.assertFalse(Upload.objects.exists())

    def test_the_result_page_renders_from_the_stored_json_without_grading(self):
        from unittest import mock

        c = client(self.clerk)
        upload(c, self.home, "台账.xlsx", LEDGER)
        version = Version.objects.get(community=self.home)
        with mock.patch("safecomm.engine.assess", side_effect=AssertionError("graded again")):
            self.assertEqual(c.get(f"/v/{version.pk}/").status_code, 200)

    def test_a_bad_ledger_shows_its_problems_at_their_cells_and_makes_no_version(self):
        c = client(self.clerk)
        response = upload(c, self.home, "台账.xlsx", broken_ledger())
        self.assertEqual(response.status_code, 400)
        body = response.content.decode()
        for title in ("位置", "列", "问题", "怎么改"):
            self.assertIn(f"<th>{title}</th>", body)
        self.assertIn("台账.xlsx:活动!C4", body)
        self.assertNotIn(str(storage.data()), body)  # never a server path
        self.assertFalse(Version.objects.exists())
        kept = Upload.objects.get()
        self.assertFalse(kept.accepted)
        self.assertTrue(storage.blob_path(kept.sha256).exists())
        self.assertEqual(Entry.objects.get(action=Entry.UPLOAD_REFUSED).unit, self.home)

    def test_a_zip_with_attachments_keeps_each_by_hash(self):
        c = client(self.clerk)
        upload(c, self.home, "朝阳.zip", fixture_zip("ready"))
        version = Version.objects.get(community=self.home)
        self.assertEqual(version.evidence_path, "台账.xlsx")
        attachments = [p for p in version.files if p.startswith("attachments/")]
        self.assertGreater(len(attachments), 5)
        for path in attachments:
            self.assertEqual(storage.read_blob(version.files[path]), (FIXTURES / "ready" / path).read_bytes())
        self.assertEqual(version.assessments.get().count_c, 0)

    def test_a_zip_wrapped_in_a_folder_is_unwrapped(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("柳湾镇2024/台账.xlsx", LEDGER)
            archive.writestr("柳湾镇2024/说明.txt", "x")
        from safecomm.web.evidence.rules import scheme_for

        read = intake.read("a.zip", buffer.getvalue(), scheme_for(self.home))
        self.assertEqual((read.evidence_path, list(read.files)), ("台账.xlsx", ["台账.xlsx"]))

    def test_hostile_zips_are_refused_with_reasons(self):
        cases = {"../evil.yaml": "压缩包之外", "/etc/evil.yaml": "绝对路径"}
        for name, said in cases.items():
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                archive.writestr("台账.xlsx", LEDGER)
                archive.writestr(name, "x")
            response = upload(client(self.clerk), self.home, "x.zip", buffer.getvalue())
            self.assertContains(response, said, status_code=400)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("台账.xlsx", LEDGER)
            archive.writestr("attachments/big.bin", b"\0" * (MAX_INFLATED + 1))
        response = upload(client(self.clerk), self.home, "bomb.zip", buffer.getvalue())
        self.assertContains(response, "解压后过大", status_code=400)
        self.assertFalse(Version.objects.exists())

    def test_two_evidence_files_in_a_zip_are_ambiguous(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.xlsx", LEDGER)
            archive.writestr("b.xlsx", LEDGER)
        response = upload(client(self.clerk), self.home, "x.zip", buffer.getvalue())
        self.assertContains(response, "多份证据", status_code=400)

    def test_other_file_kinds_are_refused(self):
        response = upload(client(self.clerk), self.home, "报告.docx", b"PK\x03\x04")
        self.assertEqual(response.status_code, 400)
        for name in ("setup.exe", "evidence.yaml"):  # by content, whatever the name
            response = upload(client(self.clerk), self.home, name, b"MZ\x90\x00\x03\x00\x00\x00" + bytes(500))
            self.assertContains(response, "不是台账、YAML 或 zip 文件（看内容是Windows 程序）", status_code=400)
            self.assertNotContains(response, "UTF-8", status_code=400)
        response = client(self.clerk).post(f"/c/{self.home.pk}/upload")
        self.assertContains(response, "没有选择文件", status_code=400)

    def test_a_second_upload_is_version_2_and_shows_the_diff(self):
        c = client(self.clerk)
        upload(c, self.home, "台账.xlsx", LEDGER)
        upload(c, self.home, "朝阳.zip", fixture_zip("ready"))
        first, second = Version.objects.filter(community=self.home).order_by("number")
        self.assertEqual((first.number, second.number), (1, 2))
        page = c.get(f"/v/{second.pk}/").content.decode()
        diff = page[page.index('id="diff"'):]
        self.assertIn("与第 1 版相比", diff)
        self.assertIn("需整改后申报", diff)
        self.assertIn("↑", diff)
        self.assertEqual(c.get(f"/v/{first.pk}/").status_code, 200)  # nothing overwritten

    def test_the_same_file_twice_makes_two_versions_of_one_blob(self):
        c = client(self.clerk)
        upload(c, self.home, "台账.xlsx", LEDGER)
        upload(client(self.clerk2), self.home, "台账.xlsx", LEDGER)
        versions = Version.objects.filter(community=self.home)
        self.assertEqual(sorted(v.number for v in versions), [1, 2])
        self.assertEqual(len({v.upload.sha256 for v in versions}), 1)
        self.assertEqual({v.upload.uploader for v in versions}, {self.clerk, self.clerk2})

    def test_the_community_page_shows_the_current_version_and_limits(self):
        c = client(self.clerk)
        page = c.get(f"/c/{self.home.pk}/")
        self.assertContains(page, "尚未上传证据")
        for _, limit in intake.LIMITS:
            self.assertContains(page, limit)
        upload(c, self.home, "台账.xlsx", LEDGER)
        page = c.get(f"/c/{self.home.pk}/")
        self.assertContains(page, "第 1 版")
        self.assertContains(page, f"A {Assessment.objects.get().count_a}")
        self.assertContains(page, "C 3")
        reviewer_page = client(self.reviewer).get(f"/c/{self.home.pk}/")
        self.assertNotContains(reviewer_page, 'name="file"')  # a reviewer reads, never uploads

    def test_submitting_marks_the_version_once(self):
        c = client(self.clerk)
        upload(c, self.home, "台账.xlsx", LEDGER)
        version = Version.objects.get()
        self.assertEqual(client(self.reviewer).post(f"/v/{version.pk}/submit").status_code, 403)
        c.post(f"/v/{version.pk}/submit")
        c.post(f"/v/{version.pk}/submit")
        version.refresh_from_db()
        self.assertEqual(version.submitted_by, self.clerk)
        self.assertEqual(Entry.objects.filter(action=Entry.SUBMIT).count(), 1)
        self.assertContains(client(self.reviewer).get("/communities/"), "已提交")

    def test_downloads_are_attachments_of_a_safe_type(self):
        c = client(self.clerk)
        empty = c.get(f"/c/{self.home.pk}/台账.xlsx")
        self.assertTrue(empty["Content-Disposition"].startswith("attachment"))
        self.assertTrue(empty.content.startswith(b"PK"))
        upload(c, self.home, "evidence.yaml", (FIXTURES / "veto" / "evidence.yaml").read_bytes())
        version = Version.objects.get()
        original = c.get(f"/v/{version.pk}/original")
        self.assertEqual(original["Content-Type"], "application/octet-stream")
        self.assertEqual(original.content, (FIXTURES / "veto" / "evidence.yaml").read_bytes())
        ledger = c.get(f"/v/{version.pk}/ledger")
        self.assertTrue(ledger["Content-Disposition"].startswith("attachment"))
        self.assertTrue(ledger.content.startswith(b"PK"))
        self.assertEqual(Entry.objects.filter(action=Entry.DOWNLOAD).count(), 2)

    def test_a_yaml_without_its_attachments_is_graded_with_a_warning(self):
        c = client(self.clerk)
        upload(c, self.home, "evidence.yaml", (FIXTURES / "veto" / "evidence.yaml").read_bytes())
        version = Version.objects.get()
        self.assertEqual(version.assessments.get().verdict, "不具备申报条件")
        page = c.get(f"/v/{version.pk}/").content.decode()
        self.assertIn("提醒", page)
        gaps = page[page.index('id="gaps"'):]
        self.assertLess(gaps.index("否决"), gaps.index('class="grade-c">C<'))  # vetoes first
        missing = version.assessments.get().parsed().warnings
        self.assertGreater(len(missing), 30)
        self.assertIn(f"<summary>附件不存在（{len(missing)} 处）</summary>", page)  # folded, the count shown
        self.assertEqual(page.count("不存在：该附件不能作为证据"), len(missing))  # each still there, inside
        printed = c.get(f"/v/{version.pk}/?open=1").content.decode()
        self.assertIn('<details class="warning-kind" open>', printed)

    def test_warnings_of_a_kind_fold_from_five_on(self):
        from safecomm.web.evidence import pages

        c = client(self.clerk)
        upload(c, self.home, "evidence.yaml", (FIXTURES / "veto" / "evidence.yaml").read_bytes())
        result = Version.objects.get().assessments.get().parsed()
        missing = [w for w in result.warnings if "不存在：该附件" in w]
        other = "示例数据：证据中仍有模板的示例内容"
        for n, folded in ((pages.COLLAPSE - 1, False), (pages.COLLAPSE, True)):
            shown = pages.warnings(result.model_copy(update={"warnings": [other, *missing[:n]]}))
            plain = lambda w: {"kind": None, "lines": None, "text": w}  # noqa: E731
            self.assertEqual(shown[0], plain(other))
            if folded:
                self.assertEqual(shown[1:], [{"kind": "附件不存在", "lines": missing[:n], "text": None}])
            else:
                self.assertEqual(shown[1:], [plain(w) for w in missing[:n]])

    def test_one_missing_attachment_is_shown_at_its_cell(self):
        with zipfile.ZipFile(io.BytesIO(fixture_zip("ready"))) as whole:
            kept = [n for n in sorted(whole.namelist()) if n != "attachments/d-001.pdf"]
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as part:
                for name in kept:
                    part.writestr(name, whole.read(name))
        c = client(self.clerk)
        upload(c, self.home, "ready.zip", buffer.getvalue())
        version = Version.objects.get()
        response = c.get(f"/v/{version.pk}/")
        self.assertEqual(response.status_code, 200)  # a warning not folded is a line of its own
        page = response.content.decode()
        self.assertIn("台账.xlsx:文件!H4  D-001：附件 attachments/d-001.pdf 不存在：该附件不能作为证据", page)
        self.assertNotIn("附件不存在（", page)


class Demo(TestCase):
    def test_the_demo_district_and_the_first_admin(self):
        from safecomm.web import server
        from safecomm.web.accounts.models import User

        password = server.first_admin()
        self.assertTrue(password)
        self.assertIsNone(server.first_admin())  # printed once only
        self.assertTrue(User.objects.get(username="admin").check_password(password))
        made = server.demo()
        self.assertEqual([m[1] for m in made], ["demo-clerk", "demo-reviewer", "demo-officer"])
        verdicts = sorted(Version.objects.values_list("assessments__verdict", flat=True))
        self.assertEqual(verdicts, ["不具备申报条件", "具备申报条件", "需整改后申报"])
        self.assertEqual(server.demo(), [])  # a second start changes nothing
        self.assertEqual(Version.objects.count(), 3)
