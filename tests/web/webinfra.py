"""What the workbench tests run against: a throwaway PostgreSQL cluster, the server as a real process,
and Debian's Chromium driven by Playwright. Plain helpers; the fixtures in conftest.py wrap them."""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres() -> list[str]:
    """initdb refuses to run as root: as root, run the cluster's commands as the postgres user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]


class Postgres:
    """A PostgreSQL 15 cluster in a temporary folder, on a free loopback port, its socket in that folder.

    Trust authentication on 127.0.0.1 only; fsync off (it is thrown away). `database()` makes a
    fresh database per server so tests do not see each other's rows."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="safecomm-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "postgres.log"
        self._count = 0
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([*_as_postgres(), *argv], cwd=self.root, capture_output=True, text=True, timeout=120)

    def start(self) -> "Postgres":
        done = self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        done = self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")
        if done.returncode:
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{self.log.read_text(errors='replace')}")
        return self

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = self._run(str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", database, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql)
        if done.returncode:
            raise RuntimeError(f"psql failed: {done.stderr}")
        return done.stdout.strip()

    def database(self) -> str:
        """A new empty database; its URL as SAFECOMM_DATABASE_URL takes it."""
        self._count += 1
        name = f"safecomm_{self._count}"
        self.psql(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def safecomm_command() -> list[str]:
    """The installed `safecomm` of this interpreter's environment (the one the README's command set up)."""
    script = Path(sys.executable).with_name("safecomm")
    return [str(script)] if script.exists() else [sys.executable, "-m", "safecomm.cli"]


# Two cities, each a district; 甲区 has two communities. One account of each role (two clerks of
# 甲街道, to upload at once), made through the app's own code before the server starts.
WORLD = """
import json, sys
from pathlib import Path
from safecomm.web import server
server.setup(Path(sys.argv[1]))
from safecomm.web.accounts import make
from safecomm.web.accounts.models import User
password = sys.argv[2]
city, district, (home, neighbour) = make.district("甲市", "甲区", "甲街道", "乙镇")
city2, district2, (far,) = make.district("丙市", "丙区", "丙街道")
for name, role, unit in [("clerk", User.CLERK, home), ("clerk2", User.CLERK, home), ("neighbour", User.CLERK, neighbour),
                         ("far", User.CLERK, far), ("reviewer", User.REVIEWER, district),
                         ("far-reviewer", User.REVIEWER, district2), ("officer", User.OFFICER, city),
                         ("far-officer", User.OFFICER, city2), ("root", User.ADMIN, None)]:
    make.user(name, password, role, unit)
print(json.dumps({u.name: u.pk for u in (city, district, home, neighbour, city2, district2, far)}, ensure_ascii=False))
"""
PASSWORD = "Test-Passw0rd-安全"


class Server:
    """`safecomm serve` as a real process on a free loopback port, its data folder in `data`.

    `database_url` None means the embedded SQLite in the data folder. `extra` are more arguments
    (e.g. --demo). The output goes to files in the data folder's parent, read back on failure."""

    def __init__(self, data: Path, database_url: str | None = None, extra: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> None:
        self.data = data
        self.database_url = database_url
        self.extra = extra
        self.port = free_port()
        self.env = {**os.environ, **(env or {})}
        self.env.pop("SAFECOMM_DATABASE_URL", None)
        if database_url:
            self.env["SAFECOMM_DATABASE_URL"] = database_url
        self.env["SAFECOMM_DATA"] = str(data)
        self.proc: subprocess.Popen | None = None
        self.out = data.parent / f"{data.name}.out"
        self.err = data.parent / f"{data.name}.err"

    def populate(self) -> dict[str, int]:
        """WORLD in this server's database (before it starts): unit name → id."""
        import json

        self.data.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-c", WORLD, str(self.data), PASSWORD], env=self.env, cwd=self.data.parent,
                              capture_output=True, text=True, timeout=180)
        if done.returncode:
            raise RuntimeError(f"could not make the test units and accounts:\n{done.stderr}")
        self.units = json.loads(done.stdout.strip().splitlines()[-1])
        return self.units

    def query(self, sql: str) -> list[tuple]:
        """Rows of the server's database, read directly (what the pages do not show: attempts, workers)."""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(sql).fetchall()
        import sqlite3

        conn = sqlite3.connect(f"file:{self.data / 'safecomm.sqlite3'}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def worker(self, *extra: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        """A `safecomm worker` process on this server's data folder and database, in its own group."""
        log = (self.data.parent / f"worker-{free_port()}.log").open("ab")
        return subprocess.Popen([*safecomm_command(), "worker", "--data", str(self.data), *extra],
                                env={**self.env, **(env or {})}, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def argv(self) -> list[str]:
        return [*safecomm_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data", str(self.data), *self.extra]

    def start(self, timeout: float = 90) -> "Server":
        """Start (or start again after a kill, on a new port) and wait until it answers."""
        if self.proc is not None:
            self.port = free_port()
        self.data.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(self.argv(), env=self.env, cwd=self.data.parent, stdin=subprocess.DEVNULL,
                                     stdout=self.out.open("ab"), stderr=self.err.open("ab"), start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"safecomm serve exited {self.proc.returncode}:\n{self.output()}")
            if self.answers():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"safecomm serve did not answer in {timeout} s:\n{self.output()}")

    def answers(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return True
        except OSError:
            return False

    def output(self) -> str:
        text = ""
        for path in (self.out, self.err):
            if path.exists():
                text += path.read_text(encoding="utf-8", errors="replace")
        return text

    def kill(self) -> None:
        """SIGKILL to the server's whole process group: no cleanup runs, as in a power cut."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def chromium_problem() -> str | None:
    """Why Chromium cannot start here, or None when it can (the only reason browser tests may skip)."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (setup.sh installs Debian's chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as e:  # the [test] extra pins it
        return f"playwright is not installed: {e}"
    return None


class Response:
    """What came back: status, headers, body (bytes) and the body as text."""

    def __init__(self, status: int, headers, body: bytes, url: str) -> None:
        self.status, self.headers, self.body, self.url = status, headers, body, url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser without JavaScript: cookies, the CSRF token of the last form, multipart uploads.
    Redirects are not followed (tests look at where they lead); `follow()` does it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                timeout: float = 120) -> Response:
        url = path if path.startswith("http") else self.base + urllib.parse.quote(path, safe="/?=&%:")
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                return Response(r.status, r.headers, r.read(), url)
        except urllib.error.HTTPError as e:
            return Response(e.code, e.headers, e.read(), url)

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def follow(self, response: Response, limit: int = 5) -> Response:
        while response.status in (301, 302, 303) and limit:
            response, limit = self.get(response.headers["Location"]), limit - 1
        return response

    def token(self, path: str = "/login/") -> str:
        """The CSRF token a form of `path` carries (fetched once per call)."""
        page = self.get(path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        return found.group(1) if found else (self.cookie("csrftoken") or "")

    def post(self, path: str, fields: dict | None = None, files: dict | None = None, csrf: str | None = "auto",
             form: str | None = None, **kw) -> Response:
        """POST a form; csrf "auto" takes the token from `form` (default: the same path's page), None sends none."""
        fields = dict(fields or {})
        if csrf == "auto":
            csrf = self.token(form or "/login/")
        if csrf is not None:
            fields["csrfmiddlewaretoken"] = csrf
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                         + str(value).encode("utf-8") + b"\r\n")
        for name, (filename, data) in (files or {}).items():
            quoted = filename.replace('"', "%22").replace("\r", "").replace("\n", "")
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{quoted}"\r\n'
                         f"Content-Type: application/octet-stream\r\n\r\n".encode("utf-8") + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": self.base + "/"}
        return self.request("POST", path, body, headers, **kw)

    def login(self, username: str, password: str) -> Response:
        return self.post("/login/", {"username": username, "password": password})
