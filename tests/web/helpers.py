"""Shared builders of the in-process workbench tests: two cities, each with a district of two
communities, and one account of every role."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from . import inprocess  # noqa: F401 - Django first

from django.test import Client  # noqa: E402

from safecomm.web.accounts import make  # noqa: E402
from safecomm.web.accounts.models import User  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
PASSWORD = "correct-horse-battery"


def world(test) -> None:
    """Attach units and users to a TestCase (`setUpTestData`)."""
    test.city, test.district, (test.home, test.neighbour) = make.district("甲市", "甲区", "甲街道", "乙镇")
    test.city2, test.district2, (test.far, test.far2) = make.district("丙市", "丙区", "丙街道", "丁镇")
    test.clerk = make.user("clerk", PASSWORD, User.CLERK, test.home)
    test.clerk2 = make.user("clerk2", PASSWORD, User.CLERK, test.home)
    test.neighbour_clerk = make.user("neighbour", PASSWORD, User.CLERK, test.neighbour)
    test.far_clerk = make.user("far", PASSWORD, User.CLERK, test.far)
    test.reviewer = make.user("reviewer", PASSWORD, User.REVIEWER, test.district)
    test.far_reviewer = make.user("far-reviewer", PASSWORD, User.REVIEWER, test.district2)
    test.officer = make.user("officer", PASSWORD, User.OFFICER, test.city)
    test.admin = make.user("root", PASSWORD, User.ADMIN)


def client(user=None, csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=csrf)
    if user is not None:
        c.force_login(user)
    return c


def fixture_zip(name: str) -> bytes:
    """A fixture's ledger with its attachments, zipped as a clerk would."""
    folder = FIXTURES / name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(folder / "台账.xlsx", "台账.xlsx")
        for path in sorted((folder / "attachments").iterdir()):
            archive.write(path, f"attachments/{path.name}")
    return buffer.getvalue()


def upload(c: Client, community, name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return c.post(f"/c/{community.pk}/upload", {"file": SimpleUploadedFile(name, data)})
