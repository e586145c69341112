"""The 台账: reading a large ledger, and a cold `assess` of a ledger against the same bundle as YAML.

    python benchmarks/bench_ledger.py [--runs 10]

Targets (2-core machine): reading a ledger of 1,000 activities and 300 documents in under 0.5 s
(`read_ledger`, and `load_evidence`, which validates it too); `safecomm assess 台账.xlsx --format
json` cold within 1.5x of the same bundle as YAML, both measured here, in the same session. The
readers the choice was made between (python-calamine, openpyxl in read-only mode) are timed on
the same file, with their import. Warm, in this process: `read_ledger` ≤ 2x plain python-calamine
reading every sheet of the same file (`load_workbook`, `to_python` of each), run in turn, CPU,
the median of the ratios pair by pair.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
sys.path.insert(0, str(HERE))

import gen  # noqa: E402
from bench_core import medians  # noqa: E402
from bench_papers import paired  # noqa: E402


def big_bundle() -> dict:
    """A generated bundle with exactly 1,000 activities and 300 documents."""
    rng = random.Random(9)
    data = gen.bundle(rng)
    projects = [p["id"] for p in data["projects"]]
    organizers = [o["id"] for o in data["organizations"]]
    data["documents"] = [gen.document(rng, f"D-{n:04d}") for n in range(1, 301)]
    data["activities"] = [gen.activity(rng, f"A-{n:04d}", projects, organizers) for n in range(1, 1001)]
    inspections = [a for a in data["activities"] if a["kind"] == "检查" and a.get("findings")]
    data["rectifications"] = [gen.rectification(rng, f"R-{n}", inspections) for n in range(1, 41)]
    for project in data["projects"]:
        project.pop("plan", None)
    for org in data["organizations"]:
        org.pop("charter", None)
    return data


def best(func, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold(argv: list[str], runs: int) -> float:
    subprocess.run([sys.executable, "-c", "import python_calamine, openpyxl"], check=True)
    return medians(argv, runs)[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    from safecomm import load_scheme
    from safecomm.ledger.read import read_ledger
    from safecomm.ledger.write import ledger_bytes, plain
    from safecomm.bundle import load_evidence

    folder = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    yaml_path = gen.write(big_bundle(), folder)
    ledger_path = folder / "台账.xlsx"
    start = time.perf_counter()
    ledger_path.write_bytes(ledger_bytes(plain(load_evidence(yaml_path)), load_scheme()))
    print(f"written  1,000 activities, 300 documents: {ledger_path.stat().st_size // 1024} KiB in {time.perf_counter() - start:.2f} s")

    import python_calamine

    def calamine() -> None:
        book = python_calamine.load_workbook(str(ledger_path))
        [book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names]

    ours, floor, ratio = paired(lambda: read_ledger(ledger_path), calamine, max(runs, 15))
    print(f"warm     read_ledger cpu {ours * 1000:.1f} ms   plain python-calamine {floor * 1000:.1f} ms   ratio {ratio:.2f}x "
          f"(median of {max(runs, 15)} pairs; target ≤ 2x: {'met' if ratio <= 2 else 'NOT met'})")
    read = best(lambda: read_ledger(ledger_path), runs)
    load = best(lambda: load_evidence(ledger_path), runs)
    load_yaml = best(lambda: load_evidence(yaml_path), runs)
    print(f"read     read_ledger        {read:.3f} s   (target < 0.5 s; median of {runs})")
    print(f"         load_evidence      {load:.3f} s   (validated, references and attachments checked)")
    print(f"         the same as YAML   {load_yaml:.3f} s")

    exe = str(Path(sys.executable).with_name("safecomm"))
    calamine = [sys.executable, "-c", "import io, sys, python_calamine as c\nw = c.load_workbook(sys.argv[1])\n"
                "[w.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in w.sheet_names]", str(ledger_path)]
    openpyxl = [sys.executable, "-c", "import sys, openpyxl\nw = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
                "for s in w.worksheets:\n    s.reset_dimensions(); list(s.iter_rows(values_only=True))", str(ledger_path)]
    floor = [sys.executable, "-c", "pass"]
    base = cold(floor, runs)
    print(f"readers  python-calamine    {cold(calamine, runs) - base:.3f} s   import and read, cold, over a bare interpreter")
    print(f"         openpyxl read-only {cold(openpyxl, runs) - base:.3f} s")

    for label, bundle_dir in (("generated", folder), ("ready", FIXTURES / "ready")):
        as_yaml = cold([exe, "assess", str(bundle_dir / "evidence.yaml"), "--format", "json"], runs)
        as_ledger = cold([exe, "assess", str(bundle_dir / "台账.xlsx"), "--format", "json"], runs)
        print(f"assess   {label:<9} YAML {as_yaml:.3f} s   台账 {as_ledger:.3f} s   ratio {as_ledger / as_yaml:.2f}x   (target ≤ 1.5x)")


if __name__ == "__main__":
    main()
