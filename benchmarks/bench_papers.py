"""The Word papers, cold: `assess --docx` against `assess --format json`, and `report` to Word;
warm: each Word paper against plain python-docx writing the same paragraphs, tables and pictures.

    python benchmarks/bench_papers.py [--runs 5] [--warm 15] [EVIDENCE]

Targets (2-core machine): `assess --docx` within 1.5x the JSON run plus 0.5 s, both measured now
in this session (the JSON run is the baseline, so a busy machine moves both); `report -o .docx`
under 2 s. Each figure is the median of fresh processes, wall and CPU. Warm, in this process:
the 申报表 (`papers.docx`, its charts drawn) and the 工作报告 (`papers.workreport`) each ≤ 2x
plain python-docx (`Document()`, `add_paragraph(text, style)`, `add_table` with `cell.text`,
`add_picture` of the same PNGs, `save`), run in turn, CPU, the median of the ratios pair by pair.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_core import READY, medians  # noqa: E402


def paired(a, b, runs: int) -> tuple[float, float, float]:
    """Median CPU seconds of `a` and of `b`, run in turn, and the median of their ratios pair by pair
    (a busy machine slows both of a pair alike)."""
    a(), b()
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        start = time.process_time()
        a()
        middle = time.process_time()
        b()
        end = time.process_time()
        times_a.append(middle - start)
        times_b.append(end - middle)
        ratios.append((middle - start) / (end - middle))
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def blocks(data: bytes) -> list[tuple]:
    """What a .docx holds, in order: ("para", text, style id), ("table", rows of cell texts), ("picture", png)."""
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(data))
    images = {rid: rel.target_part.blob for rid, rel in doc.part.rels.items() if rel.reltype.endswith("/image")}
    text = lambda el: "".join(t.text or "" for t in el.iter(qn("w:t")))  # noqa: E731
    found = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            blip = el.find(".//" + qn("a:blip"))
            style = el.find(qn("w:pPr") + "/" + qn("w:pStyle"))
            found.append(("picture", images[blip.get(qn("r:embed"))]) if blip is not None else
                         ("para", text(el), style.get(qn("w:val")) if style is not None else None))
        elif el.tag == qn("w:tbl"):
            found.append(("table", [["\n".join(text(p) for p in tc.iterchildren(qn("w:p"))) for tc in tr.iterchildren(qn("w:tc"))]
                                    for tr in el.iterchildren(qn("w:tr"))]))
    return found


STYLE_NAMES = {"Title": "Title", "Heading1": "Heading 1", "Heading2": "Heading 2", "Heading3": "Heading 3", "Caption": "Caption"}


def plain_docx(found: list[tuple]) -> bytes:
    """The floor: python-docx writing `found` as its documentation shows, nothing set by hand."""
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    for block in found:
        if block[0] == "para":
            doc.add_paragraph(block[1], style=STYLE_NAMES.get(block[2]))
        elif block[0] == "table":
            table = doc.add_table(rows=0, cols=max(len(row) for row in block[1]))
            table.style = "Table Grid"
            for row in block[1]:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
        else:
            doc.add_picture(io.BytesIO(block[1]), width=Mm(156))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def warm(evidence: Path, runs: int) -> None:
    from safecomm import assess, load_evidence, load_scheme, papers

    scheme = load_scheme()
    bundle = load_evidence(evidence)
    result = assess(bundle, scheme)
    for name, make in (("申报表 papers.docx", lambda: papers.docx(result)),
                       ("工作报告 papers.workreport", lambda: papers.workreport(bundle, result, scheme))):
        found = blocks(make())
        ours, floor, ratio = paired(make, lambda: plain_docx(found), runs)
        print(f"warm      {name:<26} cpu {ours * 1000:.0f} ms   plain python-docx {floor * 1000:.0f} ms   "
              f"ratio {ratio:.2f}x (median of {runs} pairs; target ≤ 2x: {'met' if ratio <= 2 else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("evidence", nargs="?", default=str(READY))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm", type=int, default=15)
    args = parser.parse_args()
    warm(Path(args.evidence), args.warm)
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
