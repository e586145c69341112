"""Benchmark of `safecomm batch` (not a test): a generated district, timed end to end.

    python benchmarks/bench_batch.py            # 500 applications without PDFs, 50 with PDFs on 2 jobs
    python benchmarks/bench_batch.py --apps 100 --pdfs 10

Applications are variations of the three fixtures (ready, rectify, veto): renamed, with
participation, satisfaction and activities perturbed by a seeded generator, attachments
hard-linked so that hashing them is part of the work. Targets on a 2-core machine: 500
assessments under 5 s; 50 PDFs under 60 s with each worker's memory flat across documents.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = [ROOT / "fixtures" / name / "evidence.yaml" for name in ("ready", "rectify", "veto")]


def generate(folder: Path, n: int, seed: int = 2024) -> None:
    """`n` application folders under `folder`, each an `evidence.yaml` with its attachments."""
    rng = random.Random(seed)
    bases = [(path, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in FIXTURES]
    for k in range(n):
        source, data = bases[rng.randrange(len(bases))]
        data = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True))  # a deep copy
        c = data["community"]
        c["name"] = f"第{k + 1:03d}街道办事处"
        c["title"] = f"第{k + 1:03d}街道安全社区"
        for project in data.get("projects", []):
            if project.get("target_population"):
                share = rng.uniform(0.2, 0.9)
                project["participants"] = int(project["target_population"] * share)
        for survey in data.get("surveys", []):
            survey["positive"] = int(survey["respondents"] * rng.uniform(0.55, 0.95))
        acts = data.get("activities", [])
        if acts and rng.random() < 0.3:
            keep = set(rng.sample(range(len(acts)), k=max(1, len(acts) * 3 // 4)))
            cited = {r.get("activity") for r in data.get("rectifications", [])}
            data["activities"] = [a for i, a in enumerate(acts) if i in keep or a["id"] in cited]
        app = folder / f"app-{k + 1:03d}"
        app.mkdir(parents=True)
        (app / "evidence.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        attachments = source.parent / "attachments"
        if attachments.is_dir():
            shutil.copytree(attachments, app / "attachments", copy_function=os.link)


def time_cli(folder: Path, jobs: int) -> tuple[float, float, int]:
    """Wall seconds for `safecomm batch` end to end (process start included), the CPU seconds it
    and its workers used (a fairer figure on a shared machine), and its exit code."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        ["safecomm", "batch", str(folder), "--jobs", str(jobs), "--csv", str(folder.parent / f"汇总-{jobs}.csv")],
        capture_output=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu, done.returncode


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_assessments(n: int, work: Path) -> None:
    folder = work / "district"
    generate(folder, n)
    print(f"{n} 份申报（无 PDF）：")
    for jobs in (1, 2):
        seconds, cpu, code = time_cli(folder, jobs)
        print(f"  safecomm batch --jobs {jobs}: {seconds:.2f} s（{seconds / n * 1000:.1f} ms/份），CPU {cpu:.2f} s，退出码 {code}")
    breakdown(folder)


def breakdown(folder: Path, n: int = 100) -> None:
    """Where one application's time goes, in one process: reading the bundle, grading, and
    sending the result back from a worker (pickling)."""
    import pickle

    from safecomm import assess, load_evidence, load_scheme

    scheme = load_scheme()
    paths = sorted(folder.glob("*/evidence.yaml"))[:n]
    start = time.process_time()
    bundles = [load_evidence(p) for p in paths]
    loaded = time.process_time()
    results = [assess(b, scheme) for b in bundles]
    assessed = time.process_time()
    for r in results:
        pickle.loads(pickle.dumps(r))
    sent = time.process_time()
    each = lambda a, b: (b - a) / len(paths) * 1000  # noqa: E731 - ms per application
    print(f"  每份 CPU：读取证据 {each(start, loaded):.1f} ms，评定 {each(loaded, assessed):.1f} ms，"
          f"结果回传 {each(assessed, sent):.1f} ms")


def bench_pdfs(n: int, work: Path, jobs: int = 2) -> None:
    from safecomm import batch, load_scheme

    folder = work / "pdf-district"
    generate(folder, n, seed=7)
    scheme = load_scheme()
    rows = batch.assess_all(batch.find(folder), scheme, jobs=jobs)
    (work / "pdf").mkdir()
    save = lambda row, data: (work / "pdf" / f"{row.application.name}.pdf").write_bytes(data)  # noqa: E731
    start = time.perf_counter()
    done = batch.render_pdfs(rows, save, jobs)
    seconds = time.perf_counter() - start
    failed = [d for d in done if d.error]
    print(f"{n} 份申报表 PDF，{jobs} 个进程（约每 {batch.TASKS_PER_WORKER} 份换新进程）：")
    print(f"  {seconds:.1f} s（{seconds / n:.2f} s/份），失败 {len(failed)} 份" + (f"：{failed[0].error}" if failed else ""))
    peaks = defaultdict(list)
    for d in sorted(done, key=lambda d: d.peak_kib):  # a worker's peak only grows: this is its order
        peaks[d.worker].append(d.peak_kib)
    print(f"  工作进程 {len(peaks)} 个；每个进程的峰值常驻内存（首份 → 末份）：")
    for pid, series in peaks.items():
        print(f"    pid {pid}: {series[0] / 1024:.0f} MB → {series[-1] / 1024:.0f} MB（{len(series)} 份）")
    sizes = [p.stat().st_size for p in (work / "pdf").iterdir()]
    print(f"  PDF 平均 {sum(sizes) / len(sizes) / 1024:.0f} KB；主进程峰值 {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--apps", type=int, default=500)
    parser.add_argument("--pdfs", type=int, default=50)
    args = parser.parse_args()
    print(f"{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.apps:
            bench_assessments(args.apps, work)
        if args.pdfs:
            bench_pdfs(args.pdfs, work)


if __name__ == "__main__":
    main()
