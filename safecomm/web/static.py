"""The package's static files (CSS, htmx), served by the app itself in the embedded case; a
province deployment may put them behind its web server instead (collectstatic)."""

from __future__ import annotations

import mimetypes
import posixpath

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404

TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
         ".woff2": "font/woff2", ".txt": "text/plain"}


def serve(request, path: str):
    normal = posixpath.normpath(path).lstrip("/")
    if normal.startswith("..") or "\x00" in normal:
        raise Http404
    found = finders.find(normal)
    if not found:
        raise Http404
    ext = posixpath.splitext(normal)[1].lower()
    response = FileResponse(open(found, "rb"), content_type=TYPES.get(ext) or mimetypes.guess_type(normal)[0] or "application/octet-stream")
    response["Cache-Control"] = "public, max-age=3600"
    return response
