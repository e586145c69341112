"""The ground the workbench tests stand on: the throwaway PostgreSQL cluster and the browser."""

from __future__ import annotations

import os


def test_postgres_cluster_is_15_on_loopback_and_gives_separate_databases(postgres):
    assert postgres.psql("SHOW server_version_num").startswith("15")
    assert postgres.psql("SHOW listen_addresses") == "127.0.0.1"
    first, second = postgres.database(), postgres.database()
    assert first != second and first.startswith(f"postgresql://postgres@127.0.0.1:{postgres.port}/")
    name = first.rsplit("/", 1)[1]
    postgres.psql("CREATE TABLE t (x int); INSERT INTO t VALUES (1)", name)
    assert postgres.psql("SELECT count(*) FROM t", name) == "1"
    assert postgres.psql(f"SELECT count(*) FROM pg_database WHERE datname = '{second.rsplit('/', 1)[1]}'") == "1"
    assert str(postgres.root) in postgres.psql("SHOW unix_socket_directories")
    if os.geteuid() == 0:
        assert postgres.data.stat().st_uid != 0


def test_chromium_renders_chinese_and_runs_no_network(page):
    page.set_content("<title>评定结果</title><p id=p style='font-size:40px'>安全社区</p>")
    assert page.title() == "评定结果"
    assert page.locator("#p").inner_text() == "安全社区"
    box = page.locator("#p").bounding_box()
    assert box["width"] > 100  # four CJK glyphs at 40 px, not empty boxes of zero width
    assert page.screenshot()[:8] == b"\x89PNG\r\n\x1a\n"
