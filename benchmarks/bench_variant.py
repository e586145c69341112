"""Loading a variant cold against loading its base alone: the cost of `extends:`.

    python benchmarks/bench_variant.py [--runs 15]

Target: a variant (its base plus its overrides, merged and checked) costs under 30 ms more than
the base alone, cold. Each figure is the median over fresh processes of the first `load_scheme`
in the process (modules imported beforehand, so the figure is loading, not importing), and of
the whole process (`python -c "from safecomm import load_scheme; load_scheme(ref)"`).
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

PROVINCE = """\
format: safecomm/scheme@2
extends: national-2009
id: one-threshold
version: "1"
title: 只改一个阈值的省级变体
items:
  "2.4":
    checks:
      participation: {target: {">=": 0.6}}
"""

TIMED = """\
import sys, time
import safecomm.communities, safecomm.extend, safecomm.scoring
from safecomm.rulesets import load_scheme
start = time.perf_counter()
load_scheme(sys.argv[1])
print(time.perf_counter() - start)
"""


def child(code: str, ref: str) -> tuple[float, float, float]:
    """(load seconds inside the process, wall seconds, CPU seconds) of one fresh process."""
    before, start = os.times(), time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, ref], capture_output=True, text=True, check=True)
    wall, after = time.perf_counter() - start, os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return float(done.stdout or 0), wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env_note = f"load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    with tempfile.TemporaryDirectory() as tmp:
        province = Path(tmp) / "province.yaml"
        province.write_text(PROVINCE, encoding="utf-8")
        refs = {"national-2009 (base)": "national-2009", "one-threshold province variant": str(province),
                "national-2009-onsite (135 points)": "national-2009-onsite", "examples/city-100 (two levels)": "examples/city-100"}
        # Warm the file cache and write the bytecode an installed package has (PYTHONDONTWRITEBYTECODE
        # may be set, which would make every "cold" run compile the package again).
        for ref in refs.values():
            subprocess.run([sys.executable, "-c", TIMED, ref], capture_output=True, check=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})
        print(env_note)
        print(f"{'rule set':<36}{'load ms':>9}{'process ms':>12}{'CPU ms':>9}{'load Δ ms':>11}{'load ratio':>12}")
        base = None
        for label, ref in refs.items():
            loads, walls, cpus = zip(*(child(TIMED, ref) for _ in range(runs)))
            load, wall, cpu = (statistics.median(x) * 1000 for x in (loads, walls, cpus))
            base = base or load
            print(f"{label:<36}{load:9.1f}{wall:12.1f}{cpu:9.1f}{load - base:11.1f}{load / base:11.2f}×")


if __name__ == "__main__":
    main()
