"""Cold start: `safecomm assess --format json`, `safecomm --help` and `safecomm validate` as fresh
processes, each against its floor measured in the same rounds.

    python benchmarks/bench_cold.py [--runs 15] [--baseline PATH/TO/OTHER/bin/safecomm] [--rule-cache warm|off]

Floors: `python -c "import pydantic, yaml, click"` (the import floor) and the same plus one
`create_model`-style class and an instance (the model floor: `import pydantic` is lazy, and the
first model pulls in the rest of pydantic). Targets (2-core machine): cold assess ≤ 1.3x the model
floor; `--help` and `validate` ≤ 1.5x the import floor.

Every round runs each command once, in turn, so that a machine that speeds up or slows down moves
all of them alike; the figure quoted is the median over rounds of each round's ratio, in CPU time
(user + system of the child), which a busy machine inflates much less than wall time. `--baseline`
adds another checkout's console script (its own install) to every round: before and after in one
session. The rule-set cache (safecomm/rulecache.py) is warm by default, as after any first run;
`--rule-cache off` points it at a folder that cannot be made.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
READY = HERE.parent / "fixtures" / "ready" / "evidence.yaml"
ONE_MODEL = "import yaml, click\nfrom pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"


def cpu_of(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one child process; its output is thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{err.decode(errors='replace')}")
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def script_beside(python: str) -> str:
    beside = Path(python).with_name("safecomm")
    found = str(beside) if beside.exists() else shutil.which("safecomm")
    return found or sys.exit("safecomm is not installed: pip install -e .")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds (each runs every command once)")
    parser.add_argument("--baseline", help="another checkout's installed console script, measured in the same rounds")
    parser.add_argument("--rule-cache", choices=["warm", "off"], default="warm")
    args = parser.parse_args()

    env = dict(os.environ)
    scratch = tempfile.TemporaryDirectory()
    if args.rule_cache == "off":
        blocker = Path(scratch.name) / "a-file"
        blocker.write_text("")
        env["XDG_CACHE_HOME"] = str(blocker / "cache")  # under a file: no folder can be made, no cache
    exe = script_beside(sys.executable)
    commands = {
        "import floor": [sys.executable, "-c", "import pydantic, yaml, click"],
        "model floor": [sys.executable, "-c", ONE_MODEL],
        "assess": [exe, "assess", str(READY), "--format", "json"],
        "--help": [exe, "--help"],
        "validate": [exe, "validate", str(READY)],
    }
    if args.baseline:
        for name in ("assess", "--help", "validate"):
            commands[f"{name} (baseline)"] = [args.baseline, *commands[name][1:]]
    # Warm the file cache, and write the bytecode an installed package has (a workplace may set
    # PYTHONDONTWRITEBYTECODE, which would make every "cold" run compile the package again) and
    # the rule-set cache.
    warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for argv in commands.values():
        cpu_of(argv, warm)

    cpu: dict[str, list[float]] = {name: [] for name in commands}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            c, w = cpu_of(argv, env)
            cpu[name].append(c)
            wall[name].append(w)

    def ratio(a: str, b: str) -> float:
        return statistics.median(x / y for x, y in zip(cpu[a], cpu[b]))

    print(f"machine: {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"Python {sys.version.split()[0]}, {args.runs} rounds, rule-set cache {args.rule_cache}")
    for name in commands:
        print(f"  {name:22} cpu {statistics.median(cpu[name]):.3f} s   wall {statistics.median(wall[name]):.3f} s   (medians)")
    targets = [("assess", "model floor", 1.3), ("--help", "import floor", 1.5), ("validate", "import floor", 1.5)]
    for name, floor, target in targets:
        line = f"ratio {name:9} / {floor}: {ratio(name, floor):.2f}x (target ≤ {target}x)"
        if args.baseline:
            line += f"; baseline {ratio(name + ' (baseline)', floor):.2f}x; this/baseline {ratio(name, name + ' (baseline)'):.2f}x"
        print(line)
    scratch.cleanup()


if __name__ == "__main__":
    main()
