"""The Word papers, cold: `assess --docx` against `assess --format json`, and `report` to Word.

    python benchmarks/bench_papers.py [--runs 5] [EVIDENCE]

Targets (2-core machine): `assess --docx` within 1.5x the JSON run plus 0.5 s, both measured now
in this session (the JSON run is the baseline, so a busy machine moves both); `report -o .docx`
under 2 s. Each figure is the median of fresh processes, wall and CPU.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_core import READY, medians  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("evidence", nargs="?", default=str(READY))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    beside = Path(sys.executable).with_name("safecomm")
    exe = str(beside) if beside.exists() else shutil.which("safecomm") or sys.exit("safecomm is not installed: pip install -e .")
    with tempfile.TemporaryDirectory() as out:
        json_run = [exe, "assess", args.evidence, "--format", "json"]
        docx_run = json_run + ["--docx", f"{out}/申报表.docx"]
        report_run = [exe, "report", args.evidence, "-o", f"{out}/工作报告.docx"]
        for argv in (json_run, docx_run, report_run):  # warm the file and bytecode caches
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        json_wall, json_cpu = medians(json_run, args.runs)
        docx_wall, docx_cpu = medians(docx_run, args.runs)
        report_wall, report_cpu = medians(report_run, args.runs)
    print(f"baseline  assess --format json            wall {json_wall:.3f} s   cpu {json_cpu:.3f} s   (median of {args.runs})")
    print(f"          assess --format json --docx     wall {docx_wall:.3f} s   cpu {docx_cpu:.3f} s")
    limit = 1.5 * json_wall + 0.5
    print(f"          ratio {docx_wall / json_wall:.2f}x the baseline; limit 1.5x + 0.5 s = {limit:.3f} s: "
          f"{'met' if docx_wall <= limit else 'NOT met'}")
    print(f"          report -o 工作报告.docx          wall {report_wall:.3f} s   cpu {report_cpu:.3f} s   "
          f"({report_wall / json_wall:.2f}x the baseline; target < 2 s: {'met' if report_wall < 2 else 'NOT met'})")


if __name__ == "__main__":
    main()
