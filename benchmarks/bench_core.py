"""Core speed: a cold `safecomm assess --format json` against the Python floor, and 1,000 bundles in one process.

    python benchmarks/bench_core.py [--runs 10] [--bundles 1000] [--files 300]

Targets (2-core machine): the cold CLI within 1.5x the floor `python -c "import pydantic, yaml, click"`;
1,000 generated bundles loaded (`Evidence.model_validate`) and assessed in under 5 s. Wall times are
medians; CPU times (user + system of the child) are shown too, since a busy machine inflates wall
time but hardly CPU time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READY = HERE.parent / "fixtures" / "ready" / "evidence.yaml"
sys.path.insert(0, str(HERE))

import gen  # noqa: E402


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr.decode()}")
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def medians(argv: list[str], runs: int) -> tuple[float, float]:
    walls, cpus = zip(*(timed(argv) for _ in range(runs)))
    return statistics.median(walls), statistics.median(cpus)


def cold_cli(runs: int) -> None:
    # The console script of this interpreter, like the floor's `sys.executable`: a version manager's
    # shim on PATH (pyenv) would add its own start-up to one side only.
    beside = Path(sys.executable).with_name("safecomm")
    exe = str(beside) if beside.exists() else shutil.which("safecomm") or sys.exit("safecomm is not installed: pip install -e .")
    floor = [sys.executable, "-c", "import pydantic, yaml, click"]
    # `import pydantic` is lazy: defining a single model pulls in the machinery every model needs.
    one_model = [sys.executable, "-c", "import yaml, click\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"]
    cli = [exe, "assess", str(READY), "--format", "json"]
    # Warm the file cache and write the bytecode cache an installed package has (this workplace
    # sets PYTHONDONTWRITEBYTECODE, which would make every "cold" run compile the package again).
    subprocess.run(cli, stdout=subprocess.DEVNULL, check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
    floor_wall, floor_cpu = medians(floor, runs)
    model_wall, model_cpu = medians(one_model, runs)
    cli_wall, cli_cpu = medians(cli, runs)
    print(f"floor   python -c 'import pydantic, yaml, click'   wall {floor_wall:.3f} s   cpu {floor_cpu:.3f} s   (median of {runs})")
    print(f"        the same and one pydantic model            wall {model_wall:.3f} s   cpu {model_cpu:.3f} s   "
          f"({model_wall / floor_wall:.2f}x the floor)")
    print(f"cold    safecomm assess ready --format json        wall {cli_wall:.3f} s   cpu {cli_cpu:.3f} s   (median of {runs})")
    print(f"ratio   {cli_wall / floor_wall:.2f}x wall, {cli_cpu / floor_cpu:.2f}x cpu the floor; "
          f"{cli_cpu / model_cpu:.2f}x cpu the floor and one model (target ≤ 1.3x)")


def many(count: int) -> None:
    from safecomm import Evidence, assess, load_scheme

    scheme = load_scheme()
    rng = random.Random(2024)
    bundles = [gen.bundle(rng) for _ in range(count)]
    verdicts: dict[str, int] = {}
    start, cpu = time.perf_counter(), time.process_time()
    for data in bundles:
        result = assess(Evidence.model_validate(data), scheme)
        verdicts[result.verdict.verdict] = verdicts.get(result.verdict.verdict, 0) + 1
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    mix = "，".join(f"{v} {n}" for v, n in sorted(verdicts.items()))
    print(f"bundles {count} generated bundles validated and assessed   wall {wall:.2f} s   cpu {cpu:.2f} s   "
          f"({wall / count * 1000:.1f} ms each; target < 5 s)   [{mix}]")


def from_files(count: int) -> None:
    """One bundle from its file through the API, as `safecomm assess` reads it, phase by phase in CPU
    time, next to the load's floor: PyYAML's C loader and one `model_validate` of the same file."""
    import tempfile

    import yaml

    from safecomm import Evidence, assess, load_evidence, load_scheme

    scheme = load_scheme()
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as tmp:
        paths = [gen.write(gen.bundle(rng), Path(tmp) / f"{n:04d}") for n in range(count)]

        def each(func, items) -> tuple[float, list]:
            start = time.process_time()
            out = [func(x) for x in items]
            return (time.process_time() - start) / len(items) * 1000, out

        floor, _ = each(lambda p: Evidence.model_validate(yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)), paths)
        load, bundles = each(load_evidence, paths)
        graded, results = each(lambda b: assess(b, scheme), bundles)
        dumped, _ = each(lambda r: r.to_json(), results)
    print(f"files   {count} bundles from their files, CPU per bundle: load {load:.2f} ms ({load / floor:.2f}x its floor "
          f"{floor:.2f} ms: yaml C loader + model_validate), assess {graded:.2f} ms, to_json {dumped:.2f} ms, "
          f"total {load + graded + dumped:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--bundles", type=int, default=1000)
    parser.add_argument("--files", type=int, default=300, help="bundles read from files (0: skip)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, Python {sys.version.split()[0]}")
    cold_cli(args.runs)
    many(args.bundles)
    if args.files:
        from_files(args.files)


if __name__ == "__main__":
    main()
