"""Fixtures of the workbench tests: one PostgreSQL cluster per session, servers on free loopback
ports against SQLite or that cluster, and one Chromium per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .webinfra import Postgres, Server, chromium_problem, CHROMIUM

# Playwright's sync API keeps an event loop running in the main thread for the whole session; the
# Django TestCases that run after it would then refuse every database call as "async". The tests
# make no async calls of their own, so Django's guard is lifted for the test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DATABASES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL 15 cluster, stopped and removed at the end of the session."""
    cluster = Postgres().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session", params=DATABASES)
def database(request):
    """Which database servers run on: None for the embedded SQLite, else "postgresql" (each server
    then gets a fresh database of the session's cluster: `database_url`).

    Session-scoped and parametrised, so pytest runs every test that uses it once per database,
    grouped by database (the cluster starts once)."""
    return None if request.param == "sqlite" else request.param


def database_url(request, database) -> str | None:
    """A new empty database of the session's cluster for one server, or None for SQLite."""
    return request.getfixturevalue("postgres").database() if database else None


@pytest.fixture
def start_server(tmp_path_factory, request):
    """Start `safecomm serve` processes; all stopped when the test ends."""
    started: list[Server] = []

    def start(database: str | None = None, *extra: str, env: dict[str, str] | None = None,
              world: bool = True) -> Server:
        """A server on a new data folder and `database` (the fixture's value), with the test world's
        units and accounts."""
        server = Server(tmp_path_factory.mktemp("serve") / "data", database_url(request, database), extra, env)
        started.append(server)
        if world:
            server.populate()
        return server.start()

    yield start
    for server in started:
        server.stop()


DEMO_PASSWORD = "demo-Passw0rd-测试"


@pytest.fixture(scope="module")
def demo(database, tmp_path_factory, request):
    """`safecomm serve --demo` on `database`, shared by one test module: the demo district
    (朝阳街道, 柳湾镇, 金沙湾工业园区) with demo-clerk (柳湾镇), demo-reviewer and demo-officer."""
    server = Server(tmp_path_factory.mktemp("demo") / "data", database_url(request, database), ("--demo",),
                    {"SAFECOMM_DEMO_PASSWORD": DEMO_PASSWORD})
    server.start(timeout=180)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shots(tmp_path_factory):
    """Where screenshots go: SAFECOMM_SCREENSHOTS if set (to look at them), else a temporary folder."""
    folder = Path(os.environ.get("SAFECOMM_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under Playwright, headless; skipped only where Chromium cannot start.

    One per module, not per session: Playwright's sync API keeps an event loop running while it
    is open, and Django refuses database calls under a running loop, so the in-process page tests
    of other modules must not run inside it."""
    problem = chromium_problem()
    if problem:
        _cannot_start(problem)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM))
        except Error as e:
            _cannot_start(str(e))
        yield chromium
        chromium.close()


def _cannot_start(problem: str) -> None:
    """Skip where Chromium cannot start; in CI (which installs it through setup.sh) that is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium cannot start in CI: {problem}")
    pytest.skip(f"Chromium cannot start: {problem}")


@pytest.fixture
def page(browser):
    """A fresh browser context (no cookies) and page, in Chinese, A4-ish width for screenshots."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield context.new_page()
    context.close()
