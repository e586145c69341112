"""Headers on every answer, and the login every page but a few needs."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect

# No inline script anywhere: htmx comes from our own static folder, configured by a meta tag.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
OPEN = ("/login/", "/static/", "/healthz")


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if not request.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response


class LoginRequired:
    """Anyone not signed in is sent to the login page (then back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(OPEN):
            from urllib.parse import urlencode

            return redirect(f"{settings.LOGIN_URL_PATH}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class BodyLimit:
    """A request body announced above REQUEST_LIMIT is answered 413 with a Chinese page before
    anything reads it (under gunicorn; the embedded server refuses it even earlier, the same way)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_LIMIT:
            from .errors import request_too_large

            return request_too_large(request)
        return self.get_response(request)


class DatabaseBusy:
    """SQLite has one writer at a time; a writer waits for it up to SQLITE_TIMEOUT. Past that the
    request is answered 503 with a Chinese page (its transaction rolled back, nothing half stored),
    never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.db import OperationalError

        if isinstance(exception, OperationalError) and "locked" in str(exception):
            from .errors import busy

            return busy(request)
        return None
