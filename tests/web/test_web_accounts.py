"""Logging in and out: Argon2 hashes, Chinese messages, throttling per account and address, audit."""

from __future__ import annotations

from .helpers import PASSWORD, client, world

from django.test import TestCase  # noqa: E402

from safecomm.web.accounts import throttle  # noqa: E402
from safecomm.web.audit.models import Entry  # noqa: E402


class Login(TestCase):
    @classmethod
    def setUpTestData(cls):
        world(cls)

    def login(self, username, password, ip="10.0.0.1", c=None):
        c = c or client()
        return c, c.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)

    def test_passwords_are_hashed_with_argon2(self):
        from django.test import override_settings

        from safecomm.web import settings as shipped

        self.assertEqual(shipped.PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher")
        with override_settings(PASSWORD_HASHERS=shipped.PASSWORD_HASHERS):
            self.clerk.set_password(PASSWORD)
            self.assertTrue(self.clerk.password.startswith("argon2"))
            self.clerk.save()
            _, response = self.login("clerk", PASSWORD)
            self.assertEqual(response.status_code, 302)

    def test_login_page_is_chinese_with_a_csrf_token(self):
        response = client().get("/login/")
        self.assertContains(response, "账号")
        self.assertContains(response, "csrfmiddlewaretoken")

    def test_each_role_lands_on_its_page(self):
        for user, target in ((self.clerk, f"/c/{self.home.pk}/"), (self.reviewer, "/review/"),
                             (self.officer, "/review/"), (self.admin, "/audit/")):
            _, response = self.login(user.username, PASSWORD)
            self.assertRedirects(response, target, fetch_redirect_response=False)
        self.assertEqual(Entry.objects.filter(action=Entry.LOGIN).count(), 4)

    def test_a_wrong_password_says_so_in_chinese_and_is_recorded(self):
        _, response = self.login("clerk", "wrong")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "账号或密码不对", status_code=400)
        self.assertEqual(Entry.objects.get(action=Entry.LOGIN_FAILED).username, "clerk")

    def test_five_failures_lock_the_account_on_that_address_only(self):
        for _ in range(throttle.LIMIT - 1):
            self.login("clerk", "wrong")
        _, response = self.login("clerk", PASSWORD)  # the fifth try is still judged
        self.assertEqual(response.status_code, 302)
        for _ in range(throttle.LIMIT):
            self.login("clerk", "wrong")
        _, response = self.login("clerk", PASSWORD)  # the right password no longer helps
        self.assertContains(response, "登录失败次数过多", status_code=429)
        _, response = self.login("clerk", PASSWORD, ip="10.0.0.2")  # another office's PC is not locked out
        self.assertEqual(response.status_code, 302)
        _, response = self.login("clerk2", PASSWORD)  # nor is another account on the same PC
        self.assertEqual(response.status_code, 302)

    def test_the_lock_ends_when_the_window_has_passed(self):
        from datetime import timedelta

        from django.utils import timezone

        from safecomm.web.accounts.models import LoginFailure

        for _ in range(throttle.LIMIT):
            self.login("clerk", "wrong")
        LoginFailure.objects.update(at=timezone.now() - throttle.WINDOW - timedelta(seconds=1))
        _, response = self.login("clerk", PASSWORD)
        self.assertEqual(response.status_code, 302)

    def test_an_inactive_account_cannot_log_in(self):
        self.clerk2.is_active = False
        self.clerk2.save()
        _, response = self.login("clerk2", PASSWORD)
        self.assertEqual(response.status_code, 400)

    def test_logout_is_a_post_and_is_recorded(self):
        c = client(self.clerk)
        self.assertEqual(c.get("/logout/").status_code, 405)
        self.assertRedirects(c.post("/logout/"), "/login/", fetch_redirect_response=False)
        self.assertEqual(Entry.objects.filter(action=Entry.LOGOUT).count(), 1)
        self.assertEqual(c.get(f"/c/{self.home.pk}/").status_code, 302)  # signed out: to the login page

    def test_next_outside_the_site_is_ignored(self):
        c = client()
        response = c.post("/login/?next=https://evil.example/", {"username": "clerk", "password": PASSWORD})
        self.assertRedirects(response, f"/c/{self.home.pk}/", fetch_redirect_response=False)

    def test_pages_need_a_login(self):
        response = client().get(f"/c/{self.home.pk}/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/login/?next="))
