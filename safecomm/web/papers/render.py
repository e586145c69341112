"""One paper rendered outside the worker (`python -m safecomm.web.papers.render …`, or the same
arguments as a request to the worker's long-lived child, `child.py`), so that a job's time and
memory are bounded by the worker and a crash takes only that process down.

No Django here: the worker lays out the bundle and the stored assessment; this reads them, calls
the library's renderers and writes the paper atomically. Progress goes to standard output as
`progress N stage` lines."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

KINDS = {"pdf": ".pdf", "docx": ".docx", "workreport-docx": ".docx"}  # by the library's names of the papers


def progress(percent: int, stage: str) -> None:
    print(f"progress {percent} {stage}", flush=True)


def render(kind: str, evidence: Path, assessment: Path, scheme_ref: str) -> bytes:
    from ... import papers
    from ...assessment import Assessment

    result = Assessment.model_validate_json(assessment.read_text(encoding="utf-8"))
    if kind == "pdf":
        progress(20, "排版申报表")
        return papers.pdf(result)
    if kind == "docx":
        progress(20, "生成 Word 申报表")
        return papers.docx(result)
    progress(10, "读取证据")
    from ...bundle import load_evidence
    from ...rulesets import load_scheme

    scheme = load_scheme(scheme_ref)
    loaded = load_evidence(evidence, scheme)
    progress(50, "生成工作报告")
    return papers.workreport(loaded, result, scheme)


def write_atomic(target: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="safecomm.web.papers.render")
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("evidence", type=Path)
    parser.add_argument("assessment", type=Path)
    parser.add_argument("scheme")
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    data = render(args.kind, args.evidence, args.assessment, args.scheme)
    progress(90, "保存")
    write_atomic(args.out, data)
    progress(100, "完成")
    return 0


if __name__ == "__main__":
    sys.exit(main())
