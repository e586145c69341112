"""Headers, CSRF, error pages, the admin, the append-only audit log, hostile text escaped."""

from __future__ import annotations

import re

from .helpers import FIXTURES, PASSWORD, client, upload, world

from django.db import DatabaseError, connection, transaction  # noqa: E402
from django.test import TestCase, override_settings  # noqa: E402

from safecomm.web.audit.models import AppendOnly, Entry  # noqa: E402
from safecomm.web.evidence.models import Version  # noqa: E402


class Headers(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)
        text = (FIXTURES / "veto" / "evidence.yaml").read_text(encoding="utf-8")
        hostile = text.replace("title: 金沙湾工业园区安全社区", 'title: "<script>alert(1)</script>园区"', 1)
        assert hostile != text
        from safecomm.web.evidence.versions import take

        cls.version = take(cls.home, cls.clerk, "evidence.yaml", hostile.encode("utf-8")).version

    def pages(self):
        v = self.version.pk
        return [f"/c/{self.home.pk}/", f"/v/{v}/", f"/v/{v}/papers/", "/login/"]

    def test_every_page_has_the_csp_and_no_inline_script(self):
        c = client(self.clerk)
        for path in self.pages():
            response = c.get(path)
            self.assertEqual(response.status_code, 200, path)
            csp = response["Content-Security-Policy"]
            self.assertIn("script-src 'self'", csp)
            self.assertNotIn("unsafe-inline", csp.split("style-src")[0])
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            body = response.content.decode()
            self.assertEqual(re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body), [], path)
            self.assertNotIn(" on", "".join(re.findall(r"<[^>]+\son\w+=", body)))

    def test_evidence_text_is_escaped(self):
        c = client(self.clerk)
        page = c.get(f"/v/{self.version.pk}/").content.decode()
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;园区", page)
        self.assertNotIn("<script>alert(1)", page)
        preview = c.get(f"/v/{self.version.pk}/papers/preview")
        self.assertNotIn("<script>alert(1)", preview.content.decode())
        self.assertIn("sandbox", preview["Content-Security-Policy"])
        self.assertNotIn("script-src", preview["Content-Security-Policy"])

    def test_session_cookie_is_httponly_and_samesite(self):
        c = client()
        response = c.post("/login/", {"username": "clerk", "password": PASSWORD})
        cookie = response.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")

    def test_forms_need_the_csrf_token(self):
        c = client(self.clerk, csrf=True)
        response = upload(c, self.home, "台账.xlsx", (FIXTURES / "rectify" / "台账.xlsx").read_bytes())
        self.assertContains(response, "表单已过期", status_code=403)
        self.assertEqual(Version.objects.count(), 1)
        login = client(csrf=True).post("/login/", {"username": "clerk", "password": PASSWORD})
        self.assertEqual(login.status_code, 403)

    def test_error_pages_are_chinese_without_a_traceback(self):
        response = client(self.clerk).get("/nowhere/")
        self.assertContains(response, "页面不存在", status_code=404)
        self.assertNotContains(response, "Traceback", status_code=404)

    @override_settings(DEBUG=False)
    def test_a_server_error_is_a_plain_chinese_page(self):
        from unittest import mock

        c = client(self.clerk)
        c.raise_request_exception = False
        with mock.patch("safecomm.web.evidence.views.pages.indicators", side_effect=RuntimeError("secret detail")):
            response = c.get(f"/v/{self.version.pk}/")
        self.assertEqual(response.status_code, 500)
        self.assertIn("服务器出错", response.content.decode())
        self.assertNotIn("secret detail", response.content.decode())

    def test_a_body_announced_above_the_request_limit_is_refused_unread_with_a_chinese_413(self):
        """As under gunicorn (no waitress in front): the middleware answers on the length alone."""
        from django.conf import settings

        c = client(self.clerk)
        path = f"/c/{self.home.pk}/"
        self.assertEqual(c.generic("GET", path, CONTENT_LENGTH=str(settings.REQUEST_LIMIT)).status_code, 200)
        refused = c.generic("POST", f"/c/{self.home.pk}/upload", b"", CONTENT_LENGTH=str(settings.REQUEST_LIMIT + 1))
        self.assertEqual(refused.status_code, 413)
        text = refused.content.decode()
        self.assertIn("上传的文件过大", text)
        self.assertIn(f"{settings.REQUEST_LIMIT} 字节", text)
        self.assertEqual(Version.objects.filter(community=self.home).count(), 1)

    def test_debug_is_off_by_default(self):
        from django.conf import settings

        self.assertFalse(settings.DEBUG)

    def test_the_admin_is_for_admins_only(self):
        self.assertEqual(client(self.admin).get("/admin/").status_code, 200)
        self.assertEqual(client(self.admin).get("/admin/accounts/user/").status_code, 200)
        for user in (self.clerk, self.reviewer, self.officer):
            response = client(user).get("/admin/", follow=True)
            self.assertEqual(response.status_code, 404, user.username)
            self.assertEqual(client(user).get("/admin/accounts/user/", follow=True).status_code, 404)

    def test_the_htmx_file_is_served_from_the_package(self):
        response = client().get("/static/safecomm/htmx.min.js")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/javascript")
        self.assertIn(b"htmx", b"".join(response.streaming_content)[:200])
        self.assertEqual(client().get("/static/../settings.py").status_code, 404)


class AuditLog(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)

    def test_entries_cannot_be_changed_or_deleted(self):
        entry = Entry.objects.create(action=Entry.LOGIN, username="x")
        entry.username = "y"
        with self.assertRaises(AppendOnly):
            entry.save()
        with self.assertRaises(AppendOnly):
            entry.delete()
        with self.assertRaises(AppendOnly):
            Entry.objects.filter(pk=entry.pk).update(username="y")
        with self.assertRaises(AppendOnly):
            Entry.objects.all().delete()
        for sql in ("UPDATE audit_entry SET username = 'y'", "DELETE FROM audit_entry"):
            with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        self.assertEqual(Entry.objects.get().username, "x")

    def test_the_log_filters_and_scopes(self):
        Entry.objects.create(action=Entry.LOGIN, username="clerk", unit=self.home)
        Entry.objects.create(action=Entry.UPLOAD, username="clerk", unit=self.home, target="台账.xlsx")
        Entry.objects.create(action=Entry.UPLOAD, username="far", unit=self.far, target="远方.xlsx")
        page = client(self.admin).get("/audit/?action=upload").content.decode()
        self.assertIn("台账.xlsx", page)
        self.assertIn("远方.xlsx", page)
        self.assertNotIn("<td>登录</td>", page)
        page = client(self.officer).get("/audit/").content.decode()  # the officer's city only
        self.assertIn("台账.xlsx", page)
        self.assertNotIn("远方.xlsx", page)
        page = client(self.admin).get("/audit/?unit=丙").content.decode()
        self.assertIn("远方.xlsx", page)
        self.assertNotIn("台账.xlsx", page)

    def test_the_log_pages_keep_the_filter(self):
        for n in range(105):
            Entry.objects.create(action=Entry.DOWNLOAD, username="clerk", unit=self.home, target=f"文件{n}")
        page = client(self.admin).get("/audit/?action=download").content.decode()
        self.assertIn("共 105 条", page)
        self.assertIn("?action=download&amp;page=2", page)
        second = client(self.admin).get("/audit/?action=download&page=2").content.decode()
        self.assertEqual(second.count("<td>下载</td>"), 5)
