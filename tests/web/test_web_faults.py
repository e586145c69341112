"""Faults, on SQLite and on PostgreSQL: the server killed (SIGKILL) in the middle of an upload, two
clerks uploading at once, two job workers on one database, a job worker killed in the middle of a
PDF. After each: no half version, no accepted version lost, no job lost or done twice."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import time
import uuid

import pytest

from . import ledgers
from .conftest import database_url
from .webinfra import PASSWORD, Client, Server


@pytest.fixture(scope="module")
def server(database, tmp_path_factory, request):
    """One server per database for this module (world populated, jobs left to `safecomm worker`
    processes the tests start; leases of 3 s so a killed worker's job comes back soon)."""
    s = Server(tmp_path_factory.mktemp("faults") / "data", database_url(request, database), ("--workers", "0"),
               {"SAFECOMM_PAPER_WAIT": "0", "SAFECOMM_JOB_LEASE": "3"})
    s.populate()
    s.start()
    yield s
    s.stop()


def clerk(server, name: str = "clerk") -> Client:
    c = Client(server.url)
    assert c.login(name, PASSWORD).status == 302
    return c


def upload(c: Client, unit: int, name: str, data: bytes):
    return c.post(f"/c/{unit}/upload", files={"file": (name, data)}, form=f"/c/{unit}/")


def variant(n: int) -> bytes:
    """rectify's ledger with one activity renamed: other bytes, another evidence digest, another paper."""
    return ledgers.edited("D5", f"春季消防知识讲座（第{n}期）")


def versions(server, unit: int) -> list[tuple]:
    return server.query(f"SELECT id, number, upload_id, files, evidence_path FROM evidence_version "
                        f"WHERE community_id = {unit} ORDER BY number")


def assert_whole(server, c: Client, unit: int) -> list[int]:
    """Every version of `unit` is whole: numbered 1..n, assessed, its result page and original file
    there (the bytes of the hash it names); every blob in the store is the bytes its name says."""
    rows = versions(server, unit)
    assert [r[1] for r in rows] == list(range(1, len(rows) + 1))
    for vid, _, _, files, evidence_path in rows:
        files = files if isinstance(files, dict) else json.loads(files)
        assert server.query(f"SELECT count(*) FROM evidence_assessment WHERE version_id = {vid}")[0][0] >= 1
        assert c.get(f"/v/{vid}/").status == 200
        original = c.get(f"/v/{vid}/original")
        assert original.status == 200 and hashlib.sha256(original.body).hexdigest() == files[evidence_path]
    for blob in (server.data / "blobs").rglob("*"):
        if blob.is_file() and not blob.name.startswith(".part-"):  # a part left by a kill is never read
            assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name
    return [r[0] for r in rows]


def raw_upload(server, c: Client, unit: int, data: bytes, send_all: bool) -> socket.socket:
    """An upload written to the socket by hand: all of it, or stopping half way through the body."""
    token = c.token(f"/c/{unit}/")
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"rectify.zip\"\r\n"
            f"Content-Type: application/zip\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    cookies = "; ".join(f"{k.name}={k.value}" for k in c.jar)
    head = (f"POST /c/{unit}/upload HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nCookie: {cookies}\r\n"
            f"Referer: {server.url}/\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    s = socket.create_connection(("127.0.0.1", server.port))
    s.sendall(head + (body if send_all else body[: len(body) // 2]))
    return s


def test_two_clerks_uploading_at_once_both_keep_their_versions(server):
    unit = server.units["甲街道"]
    clients = [clerk(server, "clerk"), clerk(server, "clerk2")] * 2
    results: list = [None] * len(clients)

    def send(i: int) -> None:
        results[i] = upload(clients[i], unit, f"台账-{i}.xlsx", variant(i))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [r.status for r in results] == [302] * len(clients), [r.text[:300] for r in results]
    made = {int(re.search(r"/v/(\d+)/", r.headers["Location"]).group(1)) for r in results}
    assert len(made) == len(clients)
    rows = versions(server, unit)
    assert {r[0] for r in rows} == made and [r[1] for r in rows] == list(range(1, len(clients) + 1))
    names = server.query(f"SELECT u.name FROM evidence_version v JOIN evidence_upload u ON u.id = v.upload_id "
                         f"WHERE v.community_id = {unit}")
    assert sorted(n for (n,) in names) == [f"台账-{i}.xlsx" for i in range(len(clients))]
    uploaders = server.query(f"SELECT DISTINCT uploader_id FROM evidence_upload WHERE community_id = {unit}")
    assert len(uploaders) == 2
    assert_whole(server, clients[0], unit)


def _jobs(server, versions) -> list[tuple]:
    ids = ",".join(str(v) for v in versions)
    return server.query(f"SELECT id, status, attempts, worker FROM papers_job WHERE version_id IN ({ids}) ORDER BY id")


def _wait_jobs(server, versions, done, timeout: float = 240) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = _jobs(server, versions)
        if done(jobs):
            return jobs
        time.sleep(0.5)
    raise AssertionError(f"jobs not done in {timeout} s: {_jobs(server, versions)}")


def test_two_job_workers_on_one_database_lose_and_double_no_job(server):
    unit = server.units["乙镇"]
    c = clerk(server, "neighbour")
    ids = []
    for n in range(10, 14):
        ids.append(int(re.search(r"/v/(\d+)/", upload(c, unit, "台账.xlsx", variant(n)).headers["Location"]).group(1)))
    for vid in ids:
        assert c.get(f"/v/{vid}/papers/pdf").status == 302  # no worker yet: queued, 正在生成
    assert [j[1] for j in _jobs(server, ids)] == ["queued"] * 4
    workers = [server.worker("--jobs", "2"), server.worker("--jobs", "2")]
    try:
        jobs = _wait_jobs(server, ids, lambda js: all(j[1] in ("done", "failed") for j in js))
    finally:
        for w in workers:
            w.kill()
            w.wait()
    assert [(j[1], j[2]) for j in jobs] == [("done", 1)] * 4  # each claimed once, none lost
    for vid in ids:
        pdf = c.get(f"/v/{vid}/papers/pdf")
        assert pdf.status == 200 and pdf.body[:5] == b"%PDF-"
    assert len(_jobs(server, ids)) == 4  # served from the cache, no job made again


def test_a_job_worker_killed_mid_pdf_is_retried(server):
    import os
    import signal

    lease = {"SAFECOMM_JOB_LEASE": "3"}
    unit = server.units["乙镇"]
    c = clerk(server, "neighbour")
    vid = int(re.search(r"/v/(\d+)/", upload(c, unit, "台账.xlsx", variant(99)).headers["Location"]).group(1))
    job_page = c.get(f"/v/{vid}/papers/pdf")
    assert job_page.status == 302 and "/jobs/" in job_page.headers["Location"]
    first = server.worker("--jobs", "1", env=lease)
    _wait_jobs(server, [vid], lambda js: js and js[0][1] == "running", timeout=60)
    time.sleep(0.5)  # inside the render
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert _jobs(server, [vid])[0][1:3] == ("running", 1)
    waiting = c.get(job_page.headers["Location"])
    assert waiting.status == 200 and "正在生成" in waiting.text
    second = server.worker("--jobs", "1", env=lease)
    try:
        jobs = _wait_jobs(server, [vid], lambda js: js[0][1] in ("done", "failed"))
    finally:
        second.kill()
        second.wait()
    assert jobs[0][1:3] == ("done", 2)
    pdf = c.get(f"/v/{vid}/papers/pdf")
    assert pdf.status == 200 and pdf.body[:5] == b"%PDF-"


def test_server_killed_during_an_upload_leaves_no_half_version(server):
    """Killed with half the body sent, while grading, and while storing: each time the accepted
    versions are all there and whole, the interrupted one whole or absent; then uploads go on."""
    unit = server.units["丙街道"]
    c = clerk(server, "far")
    assert upload(c, unit, "台账.xlsx", ledgers.rectify()).status == 302
    kept = assert_whole(server, c, unit)
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce[-=]"?[A-Za-z0-9+/=_-]+', "", html)
    first = strip(c.get(f"/v/{kept[0]}/").text)
    for send_all, wait in ((False, 0.3), (True, 0.3), (True, 1.2)):
        s = raw_upload(server, c, unit, ledgers.fixture_zip("rectify"), send_all)
        time.sleep(wait)
        server.kill()
        s.close()
        server.start()
        c = clerk(server, "far")
        after = assert_whole(server, c, unit)
        assert after[: len(kept)] == kept and len(after) - len(kept) in (0, 1), (kept, after)
        assert strip(c.get(f"/v/{kept[0]}/").text) == first
        kept = after
    assert upload(c, unit, "台账.xlsx", ledgers.fixed()).status == 302  # and it goes on
    assert len(assert_whole(server, c, unit)) == len(kept) + 1


def test_sqlite_busy_a_writer_waits_its_turn_and_past_the_timeout_gets_a_chinese_503(start_server):
    """SQLite only (PostgreSQL locks rows, not the database): a write lock held by another process
    while a clerk uploads and a job worker renders. Held for less than the busy timeout (2 s here),
    the upload waits and is kept; held longer, the clerk gets 服务器正忙 (503), nothing half stored,
    and the same upload afterwards is the next version. The job worker lives through it."""
    import sqlite3

    server = start_server(None, "--workers", "1", env={"SAFECOMM_SQLITE_TIMEOUT": "2", "SAFECOMM_PAPER_WAIT": "0",
                                                       "SAFECOMM_JOB_LEASE": "3"})
    unit = server.units["甲街道"]
    c = clerk(server)
    first = upload(c, unit, "台账.xlsx", variant(1))
    assert first.status == 302
    vid = int(re.search(r"/v/(\d+)/", first.headers["Location"]).group(1))
    assert c.get(f"/v/{vid}/papers/pdf").status == 302  # the job worker now writes its progress and lease

    def hold(seconds: float, taken: threading.Event) -> None:
        db = sqlite3.connect(server.data / "safecomm.sqlite3", isolation_level=None, timeout=30)
        db.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)
        db.execute("ROLLBACK")
        db.close()

    def upload_while_held(seconds: float, n: int):
        taken = threading.Event()
        holder = threading.Thread(target=hold, args=(seconds, taken))
        holder.start()
        assert taken.wait(30)
        started = time.monotonic()
        response = upload(c, unit, "台账.xlsx", variant(n))
        waited = time.monotonic() - started
        holder.join()
        return response, waited

    kept, waited = upload_while_held(1.0, 2)  # below the timeout: waits its turn
    assert kept.status == 302 and waited >= 0.5, (kept.status, kept.text[:300])
    refused, waited = upload_while_held(5.0, 3)  # above it: answered when the wait runs out
    assert refused.status == 503 and waited < 4.5, (refused.status, waited, refused.text[:300])
    assert "服务器正忙" in refused.text and "Traceback" not in refused.text
    assert refused.headers["Retry-After"] == "5"
    assert [r[1] for r in versions(server, unit)] == [1, 2]  # nothing of the refused upload
    again = upload(c, unit, "台账.xlsx", variant(3))
    assert again.status == 302
    assert [r[1] for r in versions(server, unit)] == [1, 2, 3]
    assert_whole(server, c, unit)
    jobs = _wait_jobs(server, [vid], lambda js: js and js[0][1] in ("done", "failed"), timeout=120)
    assert jobs[0][1] == "done", jobs  # the worker thread lived through the busy database
    pdf = c.get(f"/v/{vid}/papers/pdf")
    assert pdf.status == 200 and pdf.body[:5] == b"%PDF-"
    assert server.proc.poll() is None
