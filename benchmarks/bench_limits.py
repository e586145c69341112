"""Bounded cost of hostile but accepted inputs (a benchmark, not a test), against a baseline.

    python benchmarks/bench_limits.py                  # baseline: where this branch left main
    python benchmarks/bench_limits.py --baseline REV --timeout 300 --apps 3000

Each case runs as a fresh process of the command, once with this working tree and once with the
baseline revision (exported with `git archive` to a temporary folder and put first on
PYTHONPATH), on the same generated inputs, in the same session. Printed for each: wall time,
CPU time and peak resident memory, and new/baseline ratios. A baseline run that passes
`--timeout` is stopped and shown as "> timeout".

Cases and targets (2 cores):
1. `assess --pdf` of a 4.8 MB evidence file with 28,000 activities: < 60 s, < 1 GB.
2. `assess --review --pdf` with a review opinion of 1.6 million characters: < 60 s, < 1 GB.
3. `assess --pdf` with a community summary of 1.6 million characters: < 60 s, < 1 GB.
4. `batch --csv --json` of `--apps` applications (3,000): the parent process < 300 MB (its own peak,
   printed by the process itself: wait4 would fold in the workers).
5. `report -o 工作报告.docx` of a bundle of 50,000 records (25,000 activities, 25,000 documents, of the
   kinds the items read): < 60 s, < 1 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import generate  # noqa: E402 - the district generator of the batch benchmark

ROOT = Path(__file__).resolve().parent.parent
READY = ROOT / "fixtures" / "ready" / "evidence.yaml"
LONG = 1_600_000  # characters: 4.8 MB of UTF-8 with the fixture's own text, under the 5 MiB limit of a YAML file
CLI = (
    "import atexit, resource, sys;"
    "atexit.register(lambda: sys.stderr.write(f'\\nPEAK_KIB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n'));"
    "from safecomm.cli import main; main()"
)


def bundle(folder: Path, **changes) -> Path:
    """The ready fixture with its attachments, changed by `changes` (top-level sections)."""
    data = yaml.safe_load(READY.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "summary":
            data["community"]["summary"] = value
        else:
            data[key] = data.get(key, []) + value
    folder.mkdir(parents=True)
    shutil.copytree(READY.parent / "attachments", folder / "attachments", copy_function=os.link)
    path = folder / "evidence.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9), encoding="utf-8")
    return path


def many_activities(n: int = 28_000) -> list[dict]:
    return [
        {"id": f"X-{i:05d}", "kind": "宣传", "date": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "title": f"第{i}次安全宣传进社区",
         "audience": "居民", "participants": 30, "files": [f"attachments/a-00{i % 9 + 1}.jpg"]}
        for i in range(n)
    ]


ACTIVITY_KINDS = [("教育", "安全讲座"), ("培训", "安全培训"), ("演练", "消防演练"), ("检查", "安全检查"), ("宣传", "安全宣传"),
                  ("会议", "安全例会")]
DOCUMENT_KINDS = [("制度", "安全检查制度"), ("记录", "隐患排查记录"), ("通知", "安全通知"), ("计划", "宣传教育计划"),
                  ("台账", "伤害台账"), ("方案", "演练方案")]


def many_records(n: int = 50_000) -> dict[str, list[dict]]:
    """`n` records, half activities and half documents, spread over the kinds and months the items read."""
    acts, docs = [], []
    for i in range(n // 2):
        kind, title = ACTIVITY_KINDS[i % len(ACTIVITY_KINDS)]
        act = {"id": f"X{i}", "kind": kind, "date": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}", "title": f"{title}{i}",
               "audience": "居民", "participants": 30}
        if kind == "检查":
            act["scope"] = "综合" if i % 2 else "日常"
        acts.append(act)
        kind, title = DOCUMENT_KINDS[i % len(DOCUMENT_KINDS)]
        docs.append({"id": f"Y{i}", "kind": kind, "title": f"{title}{i}", "issued": f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}"})
    return {"activities": acts, "documents": docs}


def run(code: Path, args: list[str], timeout: float) -> tuple[float | None, float, float]:
    """Wall s, CPU s and peak MB of `safecomm ARGS` run from the package in `code`; on timeout,
    wall is None and the peak is the one so far."""
    env = dict(os.environ, PYTHONPATH=str(code))
    cpu = _children_cpu()
    start = time.perf_counter()
    errors = tempfile.TemporaryFile()  # not a pipe: a long report of problems would fill it and stall the run
    proc = subprocess.Popen([sys.executable, "-c", CLI, *args], env=env, cwd=code.parent, stdout=subprocess.DEVNULL,
                            stderr=errors)  # cwd not the repository: `-c` puts the working folder first on the path
    deadline = start + timeout
    while proc.poll() is None and time.perf_counter() < deadline:
        time.sleep(0.2)
    if proc.poll() is None:
        peak = _hwm(proc.pid)
        proc.kill()
        proc.wait()
        return None, 0.0, peak
    wall = time.perf_counter() - start
    errors.seek(0)
    err = errors.read().decode("utf-8", "replace")
    peak = next((int(line[9:]) for line in err.splitlines() if line.startswith("PEAK_KIB=")), 0)
    if proc.returncode not in (0, 1):
        print(f"  （退出码 {proc.returncode}）" + err[-600:])
    return wall, _children_cpu() - cpu, peak / 1024


def _hwm(pid: int) -> float:
    """The peak resident memory (MB) of a running process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(name: str, args: list[str], new: Path, old: Path, timeout: float) -> None:
    figures = {label: run(code, args, timeout) for label, code in (("baseline", old), ("new", new))}
    print(f"{name}")
    for label, (wall, cpu, peak) in figures.items():
        if wall is None:
            print(f"  {label:<8}  > {timeout:.0f} s (stopped; peak so far {peak:.0f} MB)")
        else:
            print(f"  {label:<8} {wall:7.1f} s wall  {cpu:7.1f} s CPU  peak {peak:6.0f} MB")
    (old_wall, old_cpu, old_peak), (wall, cpu, peak) = figures["baseline"], figures["new"]
    if wall is None:
        return
    if old_wall is None:
        print(f"  new/baseline: time < {wall / timeout:.3f}×, memory ≤ {peak / old_peak:.3f}× (baseline stopped)")
    else:
        print(f"  new/baseline: time {wall / old_wall:.3f}× (CPU {cpu / old_cpu:.3f}×), memory {peak / old_peak:.3f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    parser.add_argument("--baseline", default=default or "HEAD", help="git revision to compare with")
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--apps", type=int, default=3000)
    parser.add_argument("--only", type=int, nargs="*", help="case numbers to run")
    args = parser.parse_args()
    print(f"{os.cpu_count()} 核，负载 {os.getloadavg()[0]:.1f}；基线 {args.baseline[:12]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        old = work / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.baseline, "safecomm", "indicators"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        cases = {
            1: lambda: ("1. 28,000 条活动的证据（assess --pdf）",
                        ["assess", str(bundle(work / "huge", activities=many_activities())), "--pdf", str(work / "1.pdf")]),
            2: lambda: ("2. 160 万字的审核意见（assess --review --pdf）", opinion_case(work, old)),
            3: lambda: ("3. 160 万字的社区简述（assess --pdf）",
                        ["assess", str(bundle(work / "summary", summary="社区安全工作简述。" * (LONG // 9))), "--pdf", str(work / "3.pdf")]),
            5: lambda: ("5. 50,000 条记录的证据（report -o 工作报告.docx）",
                        ["report", str(bundle(work / "records", **many_records())), "-o", str(work / "5.docx")]),
            4: lambda: (f"4. {args.apps} 份申报（batch --csv --json，主进程的内存）", batch_case(work, args.apps)),
        }
        for number in args.only or sorted(cases):
            name, command = cases[number]()
            measure(name, command, ROOT, old, args.timeout)


def opinion_case(work: Path, old: Path) -> list[str]:
    """A sheet made by the baseline (both read it: a sheet without the community is accepted
    while the evidence is unchanged), its opinion 1.6 million characters long."""
    evidence = bundle(work / "opinion")
    sheet = work / "opinion.review.yaml"
    subprocess.run([sys.executable, "-c", CLI, "review", "start", str(evidence), "-o", str(sheet)],
                   env=dict(os.environ, PYTHONPATH=str(old)), cwd=work, check=True, capture_output=True)
    text = sheet.read_text(encoding="utf-8").replace('opinion: ""', f'opinion: "{"同意申报，" * (LONG // 5)}"', 1)
    sheet.write_text(text, encoding="utf-8")
    return ["assess", str(evidence), "--review", str(sheet), "--pdf", str(work / "2.pdf")]


def batch_case(work: Path, apps: int) -> list[str]:
    generate(work / "district", apps)
    return ["batch", str(work / "district"), "--csv", str(work / "汇总.csv"), "--json", str(work / "全部.json")]


if __name__ == "__main__":
    main()
