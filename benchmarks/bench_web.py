"""Loopback load test of the workbench (a benchmark, not a test; 127.0.0.1 only, bounded, stops by itself).

    python benchmarks/bench_web.py [--users 20] [--requests 15] [--communities 40] [--pdfs 20] [--postgres URL]

Starts `safecomm serve` (waitress, its default 2 job threads) on a free loopback port with a new data
folder (SQLite, or the PostgreSQL database given), makes one district of `--communities` communities
with a clerk each and a reviewer, uploads a 台账 for every community (variants of the three fixtures;
the first is fixtures/ready with its attachments), then, with `--users` concurrent users:

1. the 评定结果 page of the communities' versions, `--requests` per user;
2. the district page (辖区总览, 40 communities from stored results), `--requests` per user;
3. `--pdfs` PDFs asked for at once (distinct versions, none cached): the time until each is
   downloadable, and the queue's wait (time to PDF minus the render time of one PDF alone).

For each: p50/p95 latency, throughput, and requests per CPU-second of the server process (its
utime+stime from /proc, so the figure does not depend on what else the machine runs). Then the
result page's server time alone (one user, sequential, median) against the engine's own assessment
of the same bundle in this process (load + assess, warm median): target ≤ 10×.

    python benchmarks/bench_web.py --batch 12 [--rounds 2]

instead times 全辖区申报材料, the district's papers as one background job (every 申报表 PDF, the
summary with its charts, one zip), on a district of that many communities, paired round by round
with the command line's `safecomm batch DIR --pdf-dir … --html … --csv …` on the same communities'
files (`--jobs 1`, as the job renders one PDF after another, and the default, one per core): the
time per community of each, cold (no PDF in the cache), and the job again with every PDF cached.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from web.webinfra import Client, Server  # noqa: E402  (the tests' own loopback server and client)

PASSWORD = "Bench-Passw0rd-安全"
DISTRICT = """
import json, sys
from pathlib import Path
from safecomm.web import server
server.setup(Path(sys.argv[1]))
from safecomm.web.accounts import make
from safecomm.web.accounts.models import User
n, password = int(sys.argv[2]), sys.argv[3]
city, district, units = make.district("基准市", "基准区", *[f"基准街道{i:02d}" for i in range(n)])
make.user("reviewer", password, User.REVIEWER, district)
for i, unit in enumerate(units):
    make.user(f"clerk{i:02d}", password, User.CLERK, unit)
print(json.dumps([u.pk for u in units]))
"""


def ledger(i: int) -> tuple[str, bytes]:
    """The i-th community's upload: fixtures/ready with its attachments first, then ledger variants."""
    import openpyxl

    folder = ROOT / "fixtures" / ("ready", "rectify", "veto")[i % 3]
    if i == 0:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(folder / "台账.xlsx", "台账.xlsx")
            for path in sorted((folder / "attachments").iterdir()):
                archive.write(path, f"attachments/{path.name}")
        return "ready.zip", out.getvalue()
    book = openpyxl.load_workbook(folder / "台账.xlsx")
    book["活动"]["D5"] = f"{book['活动']['D5'].value}（{i}）"
    out = io.BytesIO()
    book.save(out)
    return "台账.xlsx", out.getvalue()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its waited-for children (the render processes of jobs)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def load(server: Server, clients: list[Client], paths_of, requests: int, deadline_s: float = 300) -> dict:
    """Each client GETs its paths `requests` times, all clients at once; latencies and totals."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + deadline_s

    def user(k: int) -> None:
        for n in range(requests):
            if time.monotonic() > stop_at:
                return
            t = time.perf_counter()
            r = clients[k].get(paths_of(k, n))
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                if r.status != 200:
                    errors.append(r.status)

    cpu0, t0 = cpu_seconds(server.proc.pid), time.perf_counter()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall, cpu = time.perf_counter() - t0, cpu_seconds(server.proc.pid) - cpu0
    return {"requests": len(latencies), "errors": len(errors), "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000, "per_s": len(latencies) / wall,
            "per_cpu_s": len(latencies) / cpu if cpu else float("nan"), "server_cpu_s": cpu, "wall_s": wall}


def fetch_pdf(c: Client, version: int, limit_s: float = 600) -> float:
    """Seconds until the version's PDF is downloaded, following 正在生成 as the browser does."""
    t = time.perf_counter()
    r = c.get(f"/v/{version}/papers/pdf")
    if r.status == 302 and "/jobs/" in r.headers["Location"]:
        job = r.headers["Location"]
        while time.perf_counter() - t < limit_s:  # the 正在生成 page polls as htmx does, once a second
            status = c.get(job, headers={"HX-Request": "true"})
            if status.status == 204 and status.headers.get("HX-Redirect"):
                r = c.get(status.headers["HX-Redirect"])
                break
            time.sleep(1)
    if r.status != 200 or r.body[:5] != b"%PDF-":
        raise SystemExit(f"PDF of version {version} not served: {r.status}")
    return time.perf_counter() - t


def engine_time(data: tuple[str, bytes], runs: int = 15) -> float:
    """The engine alone on the same bundle, warm, in this process: load the ledger and assess (median)."""
    from safecomm import assess, load_evidence, load_scheme

    scheme = load_scheme()
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(io.BytesIO(data[1])) as archive:
            archive.extractall(tmp)
        path = Path(tmp) / "台账.xlsx"
        assess(load_evidence(path, scheme), scheme)
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            assess(load_evidence(path, scheme), scheme)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def district_job(c: Client, limit_s: float = 1800) -> tuple[float, bytes]:
    """Seconds from asking for the district's zip to having it, following the job page as htmx does."""
    t = time.perf_counter()
    r = c.post("/review/papers", {}, form="/review/")
    while r.status == 302 and "/jobs/" in r.headers["Location"] and not r.headers["Location"].endswith("/zip"):
        status = c.get(r.headers["Location"], headers={"HX-Request": "true"})
        if status.status == 204 and status.headers.get("HX-Redirect"):
            r = c.get(status.headers["HX-Redirect"])
            break
        if time.perf_counter() - t > limit_s:
            raise SystemExit("the district job did not finish in time")
        time.sleep(0.5)
    if r.status == 302:
        r = c.get(r.headers["Location"])
    if r.status != 200 or r.body[:2] != b"PK":
        raise SystemExit(f"the district zip was not served: {r.status} {r.text[:300]}")
    return time.perf_counter() - t, r.body


def batch_bench(args) -> None:
    """The district job against the CLI's batch on the same communities (see the module's docstring)."""
    n = args.batch
    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, district of {n} communities, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="safecomm-bench-batch-") as tmp:
        folder = Path(tmp) / "district"  # the same communities as the command line reads them
        server = Server(Path(tmp) / "data", args.postgres)
        done = subprocess.run([sys.executable, "-c", DISTRICT, str(server.data), str(n), PASSWORD],
                              env=server.env, cwd=tmp, capture_output=True, text=True, check=True)
        units = json.loads(done.stdout.strip().splitlines()[-1])
        server.start()
        try:
            for i, unit in enumerate(units):
                c = Client(server.url)
                assert c.login(f"clerk{i:02d}", PASSWORD).status == 302
                name, data = ledger(i)
                r = c.post(f"/c/{unit}/upload", files={"file": (name, data)}, form=f"/c/{unit}/")
                assert r.status == 302, r.text[:300]
                home = folder / f"基准街道{i:02d}"
                home.mkdir(parents=True)
                if name.endswith(".zip"):
                    with zipfile.ZipFile(io.BytesIO(data)) as archive:
                        archive.extractall(home)
                else:
                    (home / "台账.xlsx").write_bytes(data)
            reviewer = Client(server.url)
            assert reviewer.login("reviewer", PASSWORD).status == 302
            papers = server.data / "papers"
            cli = [str(Path(sys.executable).with_name("safecomm")), "batch", str(folder)]
            rows = []
            for round_ in range(args.rounds):
                for p in papers.glob("*"):
                    p.unlink()  # cold: no PDF, no zip in the cache
                web, body = district_job(reviewer)
                cached, again = district_job(reviewer)
                assert again == body, "the same inputs gave another zip"
                timing = {"web": web, "web cached": cached}
                for jobs in ("1", str(os.cpu_count() or 1)):
                    out = Path(tmp) / f"out-{round_}-{jobs}"
                    t = time.perf_counter()
                    subprocess.run([*cli, "--pdf-dir", str(out / "pdf"), "--html", str(out / "汇总.html"),
                                    "--csv", str(out / "汇总.csv"), "--jobs", jobs], capture_output=True, check=False)
                    timing[f"cli --jobs {jobs}"] = time.perf_counter() - t
                    assert len(list((out / "pdf").glob("*.pdf"))) == n
                rows.append(timing)
                print(f"round {round_ + 1}: " + ", ".join(f"{k} {v:.1f} s" for k, v in timing.items()))
            print(f"\n{'':24} {'s per community (median of rounds)':>36}")
            for key in rows[0]:
                print(f"{key:24} {statistics.median(r[key] for r in rows) / n:36.2f}")
            for base in [k for k in rows[0] if k.startswith("cli")]:
                ratios = [r["web"] / r[base] for r in rows]
                print(f"job / {base}: {statistics.median(ratios):.2f}× (rounds: {', '.join(f'{x:.2f}' for x in ratios)})")
        finally:
            server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--requests", type=int, default=15, help="requests per user per page")
    ap.add_argument("--communities", type=int, default=40)
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--postgres", help="a postgresql:// URL of an empty database (default: SQLite)")
    ap.add_argument("--batch", type=int, help="time the district's papers as one job against the CLI's batch instead")
    ap.add_argument("--rounds", type=int, default=2, help="paired rounds of --batch")
    args = ap.parse_args()
    if args.batch:
        return batch_bench(args)

    print(f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, "
          f"{args.users} users, {args.communities} communities, {'PostgreSQL' if args.postgres else 'SQLite'}")
    with tempfile.TemporaryDirectory(prefix="safecomm-bench-web-") as tmp:
        server = Server(Path(tmp) / "data", args.postgres)
        done = subprocess.run([sys.executable, "-c", DISTRICT, str(server.data), str(args.communities), PASSWORD],
                              env=server.env, cwd=tmp, capture_output=True, text=True, check=True)
        units = json.loads(done.stdout.strip().splitlines()[-1])
        server.start()
        assert server.url.startswith("http://127.0.0.1:")
        try:
            versions = []
            t = time.perf_counter()
            for i, unit in enumerate(units):
                c = Client(server.url)
                assert c.login(f"clerk{i:02d}", PASSWORD).status == 302
                name, data = ledger(i)
                r = c.post(f"/c/{unit}/upload", files={"file": (name, data)}, form=f"/c/{unit}/")
                versions.append(int(re.search(r"/v/(\d+)/", r.headers["Location"]).group(1)))
            print(f"{len(units)} uploads (graded and stored): {time.perf_counter() - t:.1f} s")

            reviewers = []
            for _ in range(args.users):
                c = Client(server.url)
                assert c.login("reviewer", PASSWORD).status == 302
                reviewers.append(c)
            district = "/review/" if reviewers[0].get("/review/").status == 200 else "/communities/"
            rows = []
            for name, paths_of in (
                    ("评定结果 page", lambda k, n: f"/v/{versions[(k * args.requests + n) % len(versions)]}/"),
                    (f"district page {district}", lambda k, n: district)):
                rows.append((name, load(server, reviewers, paths_of, args.requests)))
            print(f"\n{'page':28} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'req/CPU-s':>9}")
            for name, m in rows:
                print(f"{name:28} {m['requests']:8d} {m['errors']:6d} {m['p50_ms']:8.0f} {m['p95_ms']:8.0f} "
                      f"{m['per_s']:7.1f} {m['per_cpu_s']:9.1f}")

            one = Client(server.url)
            assert one.login("reviewer", PASSWORD).status == 302
            alone = fetch_pdf(one, versions[-1])
            pdfs = versions[: min(args.pdfs, len(versions) - 1)]
            times: list[float] = []
            lock = threading.Lock()

            def ask(k: int) -> None:
                seconds = fetch_pdf(reviewers[k % len(reviewers)], pdfs[k])
                with lock:
                    times.append(seconds)

            t = time.perf_counter()
            threads = [threading.Thread(target=ask, args=(k,)) for k in range(len(pdfs))]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            total = time.perf_counter() - t
            print(f"\nPDF alone (queue empty): {alone:.1f} s")
            print(f"{len(pdfs)} PDFs asked at once: all served in {total:.1f} s ({len(pdfs) / total * 60:.1f} per minute); "
                  f"time to PDF p50 {percentile(times, 50):.1f} s, p95 {percentile(times, 95):.1f} s; "
                  f"queue wait (minus one render) p50 {max(0.0, percentile(times, 50) - alone):.1f} s, "
                  f"p95 {max(0.0, percentile(times, 95) - alone):.1f} s")

            sequential = []
            for _ in range(15):
                t = time.perf_counter()
                assert one.get(f"/v/{versions[0]}/").status == 200
                sequential.append(time.perf_counter() - t)
            page = statistics.median(sequential)
            engine = engine_time(ledger(0))
            print(f"\n评定结果 page alone (fixtures/ready, median of 15): {page * 1000:.0f} ms; "
                  f"the engine's load + assess of the same bundle: {engine * 1000:.0f} ms; "
                  f"ratio {page / engine:.2f}× (target ≤ 10×)")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
