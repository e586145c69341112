"""A district's applications at once: find them, assess each with its review sheet, summarise.

One broken application never stops the batch: it becomes a row carrying its error. The
summary is the same in every format (terminal, CSV, HTML, JSON); rows are sorted by verdict
(ready first, in the order the policy's rules give), then by count of A.
"""

from __future__ import annotations

import csv
import io
import json
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .assessment import Assessment
from .ledger.scan import is_proposals
from .loading import InputError
from .review import sheet_path
from .scheme import Scheme, VerdictPolicy

if TYPE_CHECKING:
    from .report.html import Fonts

GAPS = 3
BUNDLES = ("evidence.yaml", "台账.xlsx")  # the names of one community's bundle in its own folder


@dataclass(frozen=True)
class Application:
    """One evidence file found under the batch folder, and its review sheet if one lies beside it."""

    evidence: Path
    review: Path | None
    label: str  # the evidence path relative to the batch folder: unique, stable, shown in every row


@dataclass
class Row:
    application: Application
    result: Assessment | None = None
    error: str | None = None


def find(directory: Path) -> list[Application]:
    """Every application under `directory`, in path order.

    An application is an `evidence.yaml` or a `台账.xlsx` ledger at any depth (one folder per
    community), or any other `*.yaml`/`*.yml`/`*.xlsx` directly in `directory` (bundles side by
    side); `*.review.yaml` files are review sheets, `*.待确认.*` rows proposed by `scan`, `~$*`
    an editor's lock files: none of them is an application.
    """
    found = {p for name in BUNDLES for p in directory.rglob(name) if p.is_file()}
    found |= {p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml", ".xlsx")
              and not _is_sheet(p) and not is_proposals(p) and not p.name.startswith("~$")}
    apps = []
    for path in sorted(found):
        apps.append(Application(path, _sheet_for(path), path.relative_to(directory).as_posix()))
    return apps


def _is_sheet(path: Path) -> bool:
    return path.name.endswith((".review.yaml", ".review.yml"))


def _sheet_for(evidence: Path) -> Path | None:
    """`X.review.yaml` beside `X.yaml`; for `<folder>/evidence.yaml` (or 台账.xlsx), also the folder's only sheet."""
    beside = sheet_path(evidence)
    if beside.is_file():
        return beside
    if evidence.name in BUNDLES:
        sheets = sorted(p for p in evidence.parent.iterdir() if _is_sheet(p))
        if len(sheets) == 1:
            return sheets[0]
    return None


def assess_one(app: Application, scheme: Scheme, allow_stale: bool) -> Row:
    """Assess one application; its input problems (or an unexpected failure) become the row's error."""
    from .engine import assess
    from .loading import load_evidence
    from .review import apply_review, load_review

    try:
        result = assess(load_evidence(app.evidence), scheme)
        if app.review:
            result = apply_review(result, load_review(app.review), scheme, allow_stale)
        return Row(app, result=result)
    except InputError as exc:
        return Row(app, error="\n".join(str(p) for p in exc.problems))
    except Exception as exc:  # one application's failure must not cost the district its batch
        return Row(app, error=f"评估时出错（请报告此问题）：{type(exc).__name__}: {exc}")


# -- running many: a pool of forked workers, each holding the rule set once --------------------

_scheme: Scheme | None = None
_allow_stale = False


def _init_worker(scheme: Scheme, allow_stale: bool) -> None:
    global _scheme, _allow_stale
    _scheme, _allow_stale = scheme, allow_stale


def _assess_in_worker(app: Application) -> Row:
    return assess_one(app, _scheme, _allow_stale)


def assess_all(
    apps: list[Application], scheme: Scheme, allow_stale: bool = False, jobs: int = 1,
    progress: Callable[[Row], None] = lambda row: None,
) -> list[Row]:
    """Rows in the order of `apps`; `progress` is called as each one is done."""
    if jobs <= 1 or len(apps) < 2 * jobs:
        rows = []
        for app in apps:
            rows.append(assess_one(app, scheme, allow_stale))
            progress(rows[-1])
        return rows
    chunk = max(1, min(32, len(apps) // (jobs * 8)))
    with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=_init_worker,
                             initargs=(scheme, allow_stale)) as pool:
        rows = []
        for row in pool.map(_assess_in_worker, apps, chunksize=chunk):
            rows.append(row)
            progress(row)
        return rows


# -- the summary -------------------------------------------------------------------------------

def sort_rows(rows: Iterable[Row], policy: VerdictPolicy) -> list[Row]:
    """Ready first, then the other verdicts from mildest to gravest, then most A; errors last."""
    order = [policy.ready] + [r.verdict for r in reversed(policy.rules) if r.verdict != policy.ready]

    def key(row: Row):
        if row.result is None:
            return (len(order) + 1, 0, row.application.label)
        verdict = row.result.verdict.verdict
        rank = order.index(verdict) if verdict in order else len(order)
        return (rank, -row.result.counts["A"], row.application.label)

    return sorted(rows, key=key)


def gaps(result: Assessment, n: int = GAPS) -> list[str]:
    """The `n` weakest items after review: vetoes, then C, then B, in table order."""
    weak = [i for i in result.items if i.final_grade != "A"]
    weak.sort(key=lambda i: (not i.vetoed, i.final_grade == "B"))
    return [f"{i.id} {'否决' if i.vetoed else i.final_grade}" for i in weak[:n]]


COLUMNS = ["申报", "社区", "县(区)", "A", "B", "C", "否决", "结论", "改判", "主要差距", "错误"]


def summary(row: Row) -> list[str]:
    """One row of the summary table, as text cells in COLUMNS order."""
    r = row.result
    if r is None:
        return [row.application.label, "", "", "", "", "", "", "无法评估", "", "", row.error or ""]
    return [
        row.application.label, r.community.title, r.community.county or "",
        str(r.counts["A"]), str(r.counts["B"]), str(r.counts["C"]),
        str(sum(1 for i in r.items if i.vetoed)), r.verdict.verdict, str(r.verdict.overridden),
        "、".join(gaps(r)), "",
    ]


def table_text(rows: list[Row]) -> str:
    """The terminal table: columns aligned by display width (a Chinese character is two wide)."""
    cells = [COLUMNS[:-1]] + [summary(row)[:-1] for row in rows]
    widths = [max(_width(line[k]) for line in cells) for k in range(len(COLUMNS) - 1)]
    lines = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(line, widths)).rstrip() for line in cells]
    for row in rows:
        if row.error:
            first, *more = row.error.split("\n")
            lines.append(f"{row.application.label}：{first}" + (f"（另有 {len(more)} 处问题）" if more else ""))
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def csv_text(rows: list[Row]) -> str:
    """The summary as CSV with a BOM, so that Excel opens the Chinese correctly."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(summary(row) for row in rows)
    return "\ufeff" + buf.getvalue()


def json_text(rows: list[Row]) -> str:
    """Every assessment that could be made, as one JSON array (broken applications are in the table)."""
    data = [row.result.model_dump(mode="json") for row in rows if row.result is not None]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- PDFs: WeasyPrint's memory grows across renders, so workers are replaced every few documents --

TASKS_PER_WORKER = 10


@dataclass(frozen=True)
class PdfDone:
    label: str
    error: str | None
    worker: int  # process id of the worker that rendered it
    peak_kib: int  # the worker's peak resident memory so far


def pdf_name(app: Application) -> str:
    """`和平街道/evidence.yaml` → `和平街道.pdf`; `和平街道.yaml` → `和平街道.pdf`."""
    path = Path(app.label)
    parts = path.parent.parts if path.name == "evidence.yaml" and path.parent.parts else (*path.parent.parts, path.stem)
    return "-".join(parts) + ".pdf"


def _render_pdf(result: Assessment, evidence_dir: Path, target: Path, fonts: Fonts | None) -> None:
    """The one call into the PDF renderer (the 申报表)."""
    from .output import write_atomic
    from .report import pdf
    from .report.html import Fonts

    write_atomic(target, pdf.render(result, evidence_dir, fonts or Fonts()))


def _pdf_job(label: str, result: Assessment, evidence_dir: Path, target: Path, fonts: Fonts | None) -> PdfDone:
    import resource

    try:
        _render_pdf(result, evidence_dir, target, fonts)
        error = None
    except Exception as exc:  # a PDF that cannot be made is reported, the others still are
        error = f"{type(exc).__name__}: {exc}"
    return PdfDone(label, error, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def render_pdfs(
    rows: list[Row], pdf_dir: Path, jobs: int, fonts: Fonts | None = None,
    progress: Callable[[PdfDone], None] = lambda done: None,
) -> list[PdfDone]:
    """One 申报表 PDF per assessed row, named after its application, in the user's `fonts` if given.

    Workers are recycled by running the documents in rounds of `jobs × TASKS_PER_WORKER`, each
    round in a fresh pool of spawned processes. (ProcessPoolExecutor's own max_tasks_per_child
    deadlocks once the first workers retire, on Python 3.11 to 3.13: CPython gh-115634.) A worker
    that dies (out of memory) costs its documents, reported as errors, not the batch.
    """
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    pdf_dir.mkdir(parents=True, exist_ok=True)
    todo = [row for row in rows if row.result is not None]
    size = jobs * TASKS_PER_WORKER
    done = []
    for start in range(0, len(todo), size):
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
            futures = {
                pool.submit(_pdf_job, row.application.label, row.result, row.application.evidence.parent,
                            pdf_dir / pdf_name(row.application), fonts): row.application.label
                for row in todo[start:start + size]
            }
            for future in as_completed(futures):
                try:
                    done.append(future.result())
                except BrokenProcessPool:
                    done.append(PdfDone(futures[future], "生成 PDF 的进程意外退出（可能是内存不足）", 0, 0))
                progress(done[-1])
    return sorted(done, key=lambda d: d.label)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
