"""Speed and memory of the 申报表 PDF (a benchmark, not a test).

    python benchmarks/bench_pdf.py [EVIDENCE] [--runs 5] [--batch 20]

1. Cold: `safecomm assess EVIDENCE --pdf OUT` in a fresh process, `--runs` times; wall time and
   peak RSS of each process (from wait4), median reported. Targets: < 3 s, < 400 MB.
2. Warm: `--batch` PDFs rendered one after another in this process, with the time of each and
   the resident memory after each, to show whether memory stays flat (WeasyPrint #2130).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = "from safecomm.cli import main; main()"


def cold(evidence: Path, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one fresh `safecomm assess --pdf` process.

    CPU time is shown beside wall time because on a busy machine wall time mostly measures
    the other processes."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "assess", str(evidence), "--pdf", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"safecomm assess failed with status {status}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("evidence", nargs="?", type=Path, default=ROOT / "fixtures" / "ready" / "evidence.yaml")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "申报表.pdf"
        runs = [cold(args.evidence, out) for _ in range(args.runs)]
        size = out.stat().st_size
    walls, cpus, peaks = zip(*runs)
    print(f"cold process × {args.runs} ({args.evidence}, {size / 1024:.0f} KiB PDF)")
    print(f"  wall s : {' '.join(f'{w:.2f}' for w in walls)}  median {statistics.median(walls):.2f}")
    print(f"  cpu s  : {' '.join(f'{c:.2f}' for c in cpus)}  median {statistics.median(cpus):.2f}")
    print(f"  peak MB: {' '.join(f'{p:.0f}' for p in peaks)}  median {statistics.median(peaks):.0f}")
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    t0 = time.perf_counter()
    from safecomm import assess, load_evidence, load_scheme
    from safecomm.report import pdf

    result = assess(load_evidence(args.evidence), load_scheme())
    print(f"\nwarm: {args.batch} PDFs in one process (imports and assessment {time.perf_counter() - t0:.2f} s, RSS {rss_mb():.0f} MB)")
    for n in range(1, args.batch + 1):
        start, cpu = time.perf_counter(), time.process_time()
        pdf.render(result, args.evidence.resolve().parent)
        print(f"  {n:>2}: {time.perf_counter() - start:.2f} s wall  {time.process_time() - cpu:.2f} s cpu  RSS {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
