"""Speed and memory of the 申报表 PDF (a benchmark, not a test).

    python benchmarks/bench_pdf.py [EVIDENCE] [--runs 5] [--batch 20]

1. Cold: `safecomm assess EVIDENCE --pdf OUT` in a fresh process, `--runs` times; wall time and
   peak RSS of each process (from wait4), median reported. Targets: < 3 s, < 400 MB.
2. Warm: `--batch` PDFs rendered one after another in this process, with the time of each and
   the resident memory after each, to show whether memory stays flat (WeasyPrint #2130).
3. Warm, per page: `pdf.render` against plain WeasyPrint (`HTML(string=the same page).write_pdf()`),
   run in turn, CPU, the median of the ratios pair by pair (`--pairs`). Target ≤ 1.0x.
4. Batch (`--district N`, 0 to skip): N generated applications printed by `batch.render_pdfs` with
   1 and with 2 worker processes: wall time, the speed-up, and the parent's own CPU per PDF (its
   serial work, which caps the speed-up at the workers' CPU per PDF divided by it).
"""

from __future__ import annotations

import argparse
import os
import resource
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


def per_page(evidence: Path, pairs: int) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_papers import paired
    from weasyprint import HTML

    from safecomm import assess, load_evidence, load_scheme
    from safecomm.report import html, pdf

    result = assess(load_evidence(evidence), load_scheme())
    page, base = html.render(result), evidence.resolve().parent.as_uri() + "/"
    pages = len(HTML(string=page, base_url=base).render().pages)
    ours, plain, ratio = paired(lambda: pdf.render(result, evidence.resolve().parent),
                                lambda: HTML(string=page, base_url=base).write_pdf(), pairs)
    print(f"warm per page: pdf.render {ours / pages * 1000:.0f} ms, plain WeasyPrint {plain / pages * 1000:.0f} ms "
          f"({pages} pages, CPU); ratio {ratio:.2f}x (median of {pairs} pairs; target ≤ 1.0x: {'met' if ratio <= 1 else 'NOT met'})")


def district(n: int) -> None:
    """`batch.render_pdfs` of n generated applications with 1 and 2 workers (wall, parent CPU)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import gen

    from safecomm import batch, load_scheme

    with tempfile.TemporaryDirectory() as tmp:
        _generate(gen, Path(tmp) / "d", n)
        rows = batch.assess_all(batch.find(Path(tmp) / "d"), load_scheme())
        walls = {}
        for jobs in (1, 2):
            start, cpu = time.perf_counter(), time.process_time()
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            done = batch.render_pdfs(rows, lambda row, data: None, jobs)  # its pools are shut down: workers reaped
            walls[jobs] = time.perf_counter() - start
            parent = (time.process_time() - cpu) / len(done)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            workers = (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) / len(done)
            failed = sum(1 for d in done if d.error)
            print(f"batch  --jobs {jobs}: {len(done)} PDFs in {walls[jobs]:.1f} s wall ({walls[jobs] / len(done):.2f} s each); CPU per PDF: "
                  f"workers {workers:.2f} s (their imports included), parent {parent * 1000:.1f} ms; {failed} failed")
        print(f"       speed-up with 2 workers: {walls[1] / walls[2]:.2f}x wall (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
              f"the parent's serial work caps it at about {workers / parent:.0f} workers' worth")


def _generate(gen, folder: Path, n: int) -> None:
    import random

    rng = random.Random(7)
    for k in range(n):
        gen.write(gen.bundle(rng), folder / f"c{k:03d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("evidence", nargs="?", type=Path, default=ROOT / "fixtures" / "ready" / "evidence.yaml")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--district", type=int, default=12)
    args = parser.parse_args()
    per_page(args.evidence, args.pairs)
    if args.district:
        district(args.district)

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
