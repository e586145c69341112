"""The workbench's job worker: CPU time of the first and of the second 申报表 PDF one worker makes
(a benchmark, not a test).

    python benchmarks/bench_jobs.py [--runs 5]

Makes a data folder (SQLite) with two communities' uploads (fixtures/rectify and fixtures/ready),
then runs, in turn, fresh processes that start one job worker (`papers.queue.work`, as `safecomm
serve` and `safecomm worker` do), queue one or two PDFs, wait until they are done and stop the
worker. Each process's CPU time, its children's included (from wait4), median of `--runs`; the
second PDF's cost is the two-PDF process's median minus the one-PDF process's. With a child process
per job it pays WeasyPrint's import again; with a long-lived child it does not.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _django(data: Path) -> None:
    os.environ["SAFECOMM_DATA"] = str(data)
    from safecomm.web import server

    server.setup(data)


def fixture_zip(name: str) -> bytes:
    """A fixture's ledger with its attachments, zipped as a clerk would (as the demo district is)."""
    from safecomm.web.server import zip_of

    return zip_of(ROOT / "fixtures" / name, ROOT / "fixtures" / name / "台账.xlsx")


def prepare(data: Path) -> None:
    _django(data)
    from safecomm.web.accounts import make
    from safecomm.web.accounts.models import User
    from safecomm.web.evidence.versions import take

    _, _, (home, neighbour) = make.district("甲市", "甲区", "甲街道", "乙镇")
    clerk = make.user("clerk", "correct-horse-battery", User.CLERK, home)
    take(home, clerk, "rectify.zip", fixture_zip("rectify"))
    take(neighbour, clerk, "ready.zip", fixture_zip("ready"))


def jobs(data: Path, count: int) -> None:
    """Queue `count` PDFs (none cached) and run one worker until they are done."""
    import shutil

    _django(data)
    from safecomm.web.evidence.models import Version
    from safecomm.web.papers import queue
    from safecomm.web.papers.models import Job

    shutil.rmtree(data / "papers", ignore_errors=True)
    Job.objects.all().delete()
    versions = Version.objects.order_by("pk")[:count]
    made = [queue.enqueue("pdf", v.assessments.get(), None) for v in versions]
    if len(made) != count or None in made:
        sys.exit(f"{count} PDFs to make, {len([m for m in made if m])} queued: the data folder is not prepared")
    stop = threading.Event()
    worker = threading.Thread(target=queue.work, args=(stop, "bench", 0.05))
    worker.start()
    while Job.objects.filter(pk__in=[j.pk for j in made]).exclude(status__in=(Job.DONE, Job.FAILED)).exists():
        time.sleep(0.05)
    stop.set()
    worker.join()
    failed = Job.objects.filter(status=Job.FAILED).values_list("error", flat=True)
    if failed:
        sys.exit(f"failed: {list(failed)}")


def cpu(data: Path, count: int) -> float:
    proc = subprocess.Popen([sys.executable, __file__, "--run", str(count), "--data", str(data)])
    _, status, usage = os.wait4(proc.pid, 0)  # the worker's children are reaped by it: their time is in here
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"the worker process failed ({status})")
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        return jobs(args.data, args.run)
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        data = Path(tmp) / "data"
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); "
                        f"import bench_jobs; bench_jobs.prepare(__import__('pathlib').Path({str(data)!r}))"], check=True)
        one, two = [], []
        for _ in range(args.runs):
            one.append(cpu(data, 1))
            two.append(cpu(data, 2))
    first, both = statistics.median(one), statistics.median(two)
    print(f"one worker, CPU of the whole process with its children (median of {args.runs}):")
    print(f"  1 PDF  {first:.2f} s   ({' '.join(f'{x:.2f}' for x in one)})")
    print(f"  2 PDFs {both:.2f} s   ({' '.join(f'{x:.2f}' for x in two)})")
    print(f"  the second PDF: {both - first:.2f} s CPU")


if __name__ == "__main__":
    main()
