"""Files sent back to a browser: always as an attachment, with a type that no browser runs."""

from __future__ import annotations

from django.http import HttpResponse

SAFE = {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv", "application/zip"}


def attachment(data: bytes, name: str, content_type: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(data, content_type=content_type if content_type in SAFE else "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
