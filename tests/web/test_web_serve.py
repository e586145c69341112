"""`safecomm serve` and `safecomm worker`: Django stays out of every other command's start, and
a fresh data folder gets its schema, one admin with a one-time password, and the demo district."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from safecomm.cli import main


def test_the_cli_does_not_import_django():
    code = "import sys, safecomm.cli; print('django' in sys.modules, 'safecomm.web' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_serve_and_worker_are_documented_in_chinese():
    for command in ("serve", "worker"):
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "工作台" in result.output or "后台任务" in result.output
    assert "--demo" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_a_bad_port_is_refused_before_anything_starts():
    result = CliRunner().invoke(main, ["serve", "--port", "0"])
    assert result.exit_code == 2


def test_a_busy_port_or_an_unusable_database_stops_with_a_message(tmp_path):
    import os
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "SAFECOMM_DATABASE_URL": ""}
        run = subprocess.run([sys.executable, "-c", "from safecomm.cli import main; main()", "serve", "--port", str(port), "--data", str(tmp_path / "d")],
                             capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2
    assert "端口已被占用" in run.stderr
    assert "Traceback" not in run.stderr
    assert "一次性密码" not in run.stdout  # nothing made before the port was had
    env["SAFECOMM_DATABASE_URL"] = "mysql://user@host/db"
    run = subprocess.run([sys.executable, "-c", "from safecomm.cli import main; main()", "serve", "--data", str(tmp_path / "e")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert (run.returncode, "Traceback" in run.stderr) == (2, False)
    assert "postgresql://" in run.stderr
