"""Fixtures of the workbench tests: one PostgreSQL cluster per session, servers on free loopback
ports against SQLite or that cluster, and one Chromium per session."""

from __future__ import annotations

import os

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
    """The database a server runs on: None for the embedded SQLite, else a fresh PostgreSQL database.

    Session-scoped and parametrised, so pytest runs every test that uses it once per database,
    grouped by database (the cluster starts once)."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").database()


@pytest.fixture
def start_server(tmp_path_factory):
    """Start `safecomm serve` processes; all stopped when the test ends."""
    started: list[Server] = []

    def start(database_url: str | None = None, *extra: str, env: dict[str, str] | None = None) -> Server:
        server = Server(tmp_path_factory.mktemp("serve") / "data", database_url, extra, env)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright, headless; skipped only where Chromium cannot start."""
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
