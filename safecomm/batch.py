"""A district's applications at once: find them, assess each with its review sheet, summarise.

One broken application never stops the batch: it becomes a row carrying its error. The
summary is the same in every format (terminal, CSV, HTML, JSON); rows are sorted by verdict
(ready first, in the order the policy's rules give), then by count of A.

A row keeps what the summary shows, and its assessment packed (its JSON, compressed: a tenth
of the objects' memory), unpacked one at a time for the outputs that need it whole: a district
of 3,000 applications stays small in the parent process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import unicodedata
import zlib
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from .assessment import Assessment
from .collector import paused
from .ledger.scan import is_proposals
from .loading import InputError, os_reason, printable
from .bundle import bundle_files, real_paths
from .output import Kind, neutral
from .scheme import Scheme, VerdictPolicy

if TYPE_CHECKING:
    from .report.html import Fonts

GAPS = 3
BUNDLES = ("evidence.yaml", "台账.xlsx")  # the names of one community's bundle in its own folder
SIDE_BY_SIDE = (".yaml", ".yml", ".xlsx")  # bundles directly in the batch folder
NAME_BYTES = 200  # an output name's stem, leaving room for a hash and `.html` under the 255-byte limit
MAX_DEPTH = 32  # folders within the batch folder: one per county, town and community is a handful


@dataclass(frozen=True)
class Application:
    """One evidence file found under the batch folder, and its review sheet if one lies beside it.

    `problem` says why it cannot be assessed although it was found (two review sheets, a link
    out of the batch folder, a folder that cannot be read): it becomes an error row.
    """

    evidence: Path
    review: Path | None
    label: str  # the evidence path relative to the batch folder, printable: shown in every row
    name: str = ""  # the stem of its output files (PDF, HTML report): unique within the batch
    problem: str | None = None
    twin: Path | None = None  # the same community's bundle in the other format beside it (台账.xlsx by evidence.yaml)


@dataclass(frozen=True)
class Summary:
    """What the district's summary says of one assessment (after review)."""

    title: str
    county: str
    counts: dict[str, int]
    vetoes: int
    verdict: str
    overridden: int
    gaps: list[str]
    indicators: list[tuple[str, dict[str, int]]]  # (`1 机构与职责`, grade counts), for the summary's chart

    @classmethod
    def of(cls, r: Assessment) -> Summary:
        return cls(r.community.title, r.community.county or "", dict(r.counts), sum(1 for i in r.items if i.vetoed),
                   r.verdict.verdict, r.verdict.overridden, gaps(r), [(f"{i.id} {i.title}", dict(i.counts)) for i in r.indicators])


@dataclass
class Row:
    application: Application
    summary: Summary | None = None
    packed: bytes | None = None  # the assessment's JSON, compressed
    error: str | None = None
    files: tuple[str, ...] = ()  # real paths of what the application read: no output may replace them

    @classmethod
    def assessed(cls, app: Application, result: Assessment, files: Iterable[str | Path]) -> Row:
        packed = zlib.compress(result.to_json().encode("utf-8"), 1)  # a fifth larger than level 6, at 0.4x its time
        return cls(app, Summary.of(result), packed, files=tuple(real_paths(files)))

    def json(self) -> str:
        """The assessment as `safecomm assess --format json` gives it."""
        return zlib.decompress(self.packed).decode("utf-8")

    @property
    def result(self) -> Assessment | None:
        """The assessment itself, unpacked anew at each call: hold it no longer than needed."""
        return None if self.packed is None else Assessment.model_validate_json(self.json())


def find(directory: Path) -> list[Application]:
    """Every application under `directory`, in path order, each with a unique output name.

    An application is an `evidence.yaml` or a `台账.xlsx` ledger at any depth (one folder per
    community), or any other `*.yaml`/`*.yml`/`*.xlsx` directly in `directory` (bundles side by
    side); `*.review.yaml` and `*.review.xlsx` files are review sheets, `*.待确认.*` rows proposed by `scan`, `~$*`
    an editor's lock files: none of them is an application. A symbolic link that stays inside `directory` is the
    application it points to, assessed once where it really is; one that leads out of it is
    skipped with a row saying so, as is a folder that cannot be read.
    """
    root = os.path.realpath(directory)
    found: dict[str, Application] = {}  # real path of the evidence → application
    skipped: list[Application] = []

    def walk(folder: Path, top: bool, depth: int = 0) -> None:
        if depth > MAX_DEPTH:  # walked by recursion: 1,100 levels would exhaust the stack
            skipped.append(_skipped(directory, folder, f"文件夹嵌套超过 {MAX_DEPTH} 层，其中的申报未评估：请把申报放在较浅的文件夹中"))
            return
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(_skipped(directory, folder, f"无法读取文件夹（{os_reason(exc)}），其中的申报未评估"))
            return
        names = {e.name for e in entries}
        for entry in entries:
            path = Path(entry.path)
            wanted = entry.name in BUNDLES or (top and entry.name.endswith(SIDE_BY_SIDE) and not _is_sheet(entry.name)
                                               and not is_proposals(path) and not entry.name.startswith("~$"))
            if entry.is_symlink():
                real = os.path.realpath(path)
                if os.path.commonpath([root, real]) != root:
                    if wanted or os.path.isdir(real):
                        skipped.append(_skipped(directory, path, f"是指向批量文件夹之外（{printable(real)}）的符号链接，"
                                                               "未评估：请把该申报复制到批量文件夹中"))
                    continue
                if os.path.isdir(real):
                    continue  # a folder inside the batch folder: walked where it really is
            if entry.is_dir(follow_symlinks=False):
                walk(path, top=False, depth=depth + 1)
            elif wanted:
                real = os.path.realpath(path)
                if real not in found or found[real].evidence.is_symlink():
                    found[real] = _application(directory, path, names)

    walk(Path(directory), top=True)
    apps = sorted(_paired(list(found.values())) + skipped, key=lambda a: a.label)
    return _named(directory, apps)


def _named(directory: Path, apps: list[Application]) -> list[Application]:
    """The applications with their output names. A folder crafted to be called what another's
    hashed name is (`甲-1a2b3c4d5e` beside `甲/` and `甲.yaml`) becomes an error row, under a name
    of its own, rather than two outputs of one name stopping the batch."""
    named = []
    taken: set[str] = set()
    for app, name in zip(apps, _names(directory, apps)):
        if _key(name) in taken:
            n = 2
            while _key(f"{name}-{n}") in taken:
                n += 1
            app = replace(app, problem=app.problem or (
                f"输出文件名 {name} 与另一份申报的输出文件名相同（文件夹名与程序生成的名称重合），本申报未评估：请给该文件夹改名"))
            name = f"{name}-{n}"
        taken.add(_key(name))
        named.append(replace(app, name=name))
    return named


def _key(stem: str) -> str:
    """An output name as Windows and macOS compare file names: ignoring case and Unicode form."""
    return unicodedata.normalize("NFC", stem).casefold()


def _paired(apps: list[Application]) -> list[Application]:
    """A YAML bundle and a 台账 of the same community side by side (`evidence.yaml` and `台账.xlsx`
    in one folder, or `X.yaml` and `X.xlsx`), as `convert` leaves them, are one application: the
    YAML is read, the ledger is its twin, which must hold the same evidence."""
    def key(app: Application) -> tuple:
        path = app.evidence
        name = "" if path.name in BUNDLES else path.name.removesuffix(path.suffix)
        return (str(path.parent), name)

    by_key: dict[tuple, list[Application]] = {}
    for app in apps:
        by_key.setdefault(key(app), []).append(app)
    out = []
    for group in by_key.values():
        yamls = [a for a in group if a.evidence.suffix.lower() in (".yaml", ".yml")]
        ledgers = [a for a in group if a.evidence.suffix.lower() == ".xlsx"]
        if len(yamls) == 1 and len(ledgers) == 1:
            both = list(dict.fromkeys(a.review for a in (yamls[0], ledgers[0]) if a.review))
            app = replace(yamls[0], twin=ledgers[0].evidence, review=both[0] if both else None,
                          problem=yamls[0].problem or ledgers[0].problem)
            if len(both) == 2:
                app = replace(app, review=None, problem=app.problem or (
                    f"旁边有 2 份审核表（{printable(both[0].name)}、{printable(both[1].name)}），不知道该用哪一份：请删去或改名多余的，只留一份"))
            out.append(app)
        else:
            out += group
    return out


def _skipped(directory: Path, path: Path, problem: str) -> Application:
    return Application(path, None, _label(directory, path), problem=problem)


def _label(directory: Path, path: Path) -> str:
    return printable(path.relative_to(directory).as_posix())


SHEETS = (".review.yaml", ".review.yml", ".review.xlsx")  # a review sheet beside its evidence, YAML or workbook


def _is_sheet(name: str) -> bool:
    return name.endswith(SHEETS)


def _application(directory: Path, evidence: Path, names: set[str]) -> Application:
    """The application of one evidence file, with its review sheet: `X.review.yaml` (or
    `X.review.xlsx`) beside `X.yaml`; for `<folder>/evidence.yaml` also any sheet in the folder that no other bundle
    there claims (the same for `台账.xlsx`). Two sheets make an error row naming both: which one holds the review?"""
    stem = evidence.name.removesuffix(evidence.suffix)
    sheets = [n for n in (f"{stem}{suffix}" for suffix in SHEETS) if n in names]
    if evidence.name in BUNDLES:
        for n in sorted(names):
            bundle = next((n.removesuffix(suffix) for suffix in SHEETS if n.endswith(suffix)), n)
            if _is_sheet(n) and n not in sheets and not {f"{bundle}{suffix}" for suffix in SIDE_BY_SIDE} & names:
                sheets.append(n)
    label = _label(directory, evidence)
    if len(sheets) > 1:
        listed = "、".join(printable(n) for n in sheets)
        return Application(evidence, None, label, problem=(
            f"旁边有 {len(sheets)} 份审核表（{listed}），不知道该用哪一份：请删去或改名多余的，只留一份"
        ))
    sheet = evidence.parent / sheets[0] if sheets else None
    if sheet is not None:
        root, real = os.path.realpath(directory), os.path.realpath(sheet)
        if os.path.commonpath([root, real]) != root:  # a zip can carry `evidence.review.yaml -> /elsewhere`
            return Application(evidence, None, label, problem=(
                f"审核表 {printable(sheets[0])} 是指向批量文件夹之外（{printable(real)}）的符号链接，未采用，本申报未评估："
                "请把审核表本身复制到申报的文件夹中"
            ))
    return Application(evidence, sheet, label)


def _names(directory: Path, apps: list[Application]) -> list[str]:
    """Output stems, unique by construction: `和平街道/evidence.yaml` and `和平街道.yaml` both read
    `和平街道`, so every stem shared (ignoring case and Unicode form, as Windows and macOS do) or
    too long for a file name gets a hash of its application's own path in the batch folder (the
    bytes as they are, which no other application has)."""
    stems = [_stem(app.label) for app in apps]
    shared = Counter(_key(s) for s in stems)
    names = []
    for app, stem in zip(apps, stems):
        if shared[_key(stem)] > 1 or len(stem.encode()) > NAME_BYTES:
            digest = hashlib.sha256(os.fsencode(app.evidence.relative_to(directory))).hexdigest()[:10]
            stem = stem.encode()[:NAME_BYTES].decode("utf-8", "ignore") + "-" + digest
        names.append(stem)
    return names


def _stem(label: str) -> str:
    """`和平街道/evidence.yaml` → `和平街道`; `和平街道/台账.xlsx` → `和平街道-台账`; `和平街道.yaml` → `和平街道`;
    `a/b/c.yaml` → `a-b-c`."""
    path = Path(label)
    parts = path.parent.parts if path.name == "evidence.yaml" and path.parent.parts else (*path.parent.parts, path.stem)
    return "-".join(parts) or "evidence"


def assess_one(app: Application, scheme: Scheme, allow_stale: bool) -> Row:
    """Assess one application; its input problems (or an unexpected failure) become the row's error.

    The cyclic collector waits until the application's evidence and assessment are gone (only the
    row is left): resumed between loading and grading, it walked each bundle twice, 8% of a row."""
    with paused():
        return _assess_one(app, scheme, allow_stale)


def _assess_one(app: Application, scheme: Scheme, allow_stale: bool) -> Row:
    from .engine import assess
    from .bundle import load_evidence
    from .review import apply_review
    from .review_input import load_review

    sheet = [p for p in (app.review, app.twin) if p]  # read besides the evidence: no output may replace them
    if app.problem:
        return Row(app, error=app.problem, files=tuple(os.path.realpath(f) for f in [app.evidence, *sheet]))
    try:
        evidence = load_evidence(app.evidence, scheme)
        if app.twin is not None:
            _same_evidence(app, evidence, scheme)
        result = assess(evidence, scheme)
        if app.review:
            result = apply_review(result, load_review(app.review), scheme, allow_stale)
        return Row.assessed(app, result, [*bundle_files(app.evidence, evidence), *sheet])
    except InputError as exc:
        error = "\n".join(str(p) for p in exc.problems)
    except Exception as exc:  # one application's failure must not cost the district its batch
        error = program_error(exc)
    return Row(app, error=error, files=tuple(os.path.realpath(f) for f in [*bundle_files(app.evidence), *sheet]))


def _same_evidence(app: Application, evidence, scheme: Scheme) -> None:
    """The twin holds the same evidence (the same digest), or the row names both files."""
    from .evidence import digest
    from .loading import Problem
    from .bundle import load_evidence

    twin = load_evidence(app.twin, scheme)
    if digest(twin) != digest(evidence):
        raise InputError([Problem(app.label, 0, 0, "", (
            f"同一文件夹中的 {app.evidence.name} 与 {app.twin.name} 内容不同（证据摘要不同），不知道哪一份是本社区的申报："
            f"请删去旧的一份，或用 safecomm convert 由新的一份重新生成另一份"))])


def program_error(exc: BaseException | None, doing: str = "评估") -> str:
    """A failure of the program itself, for a batch row: in Chinese, what the office can do."""
    if isinstance(exc, MemoryError):
        what = "内存不足"
    elif isinstance(exc, RecursionError):
        what = "数据嵌套过深"
    elif exc is None:
        what = "评估它的进程意外退出（可能是内存不足）"
    else:
        what = "程序内部错误"
    return f"{doing}时程序出错（{what}），本申报未完成，其余申报不受影响：请把这份申报的文件报告给维护人员"


def _die_with_parent() -> None:
    """A worker ends when the process that started it ends (kill -9 or SIGTERM): Linux's
    PR_SET_PDEATHSIG, set through prctl; elsewhere nothing (the pool's own pipes end it later)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the signal was asked for
        os._exit(1)


# -- running many: a pool of forked workers, each holding the rule set once --------------------

_scheme: Scheme | None = None
_allow_stale = False


def _init_worker(scheme: Scheme, allow_stale: bool) -> None:
    global _scheme, _allow_stale
    _die_with_parent()
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
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, min(32, len(apps) // (jobs * 8)))
    rows: list[Row] = []
    try:
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork"), initializer=_init_worker,
                                 initargs=(scheme, allow_stale)) as pool:
            for row in pool.map(_assess_in_worker, apps, chunksize=chunk):
                rows.append(row)
                progress(row)
    except BrokenProcessPool:  # a worker died (killed, out of memory): the rest, each in a process of its own
        for app in apps[len(rows):]:
            rows.append(_isolated(app, scheme, allow_stale))
            progress(rows[-1])
    return rows


def _isolated(app: Application, scheme: Scheme, allow_stale: bool) -> Row:
    """One application in a process of its own: if it kills its process, that is its row."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=get_context("fork"), initializer=_init_worker,
                                 initargs=(scheme, allow_stale)) as pool:
            return pool.submit(_assess_in_worker, app).result()
    except BrokenProcessPool:
        return Row(app, error=program_error(None), files=tuple(os.path.realpath(f) for f in bundle_files(app.evidence)))


# -- the summary -------------------------------------------------------------------------------

def sort_rows(rows: Iterable[Row], policy: VerdictPolicy) -> list[Row]:
    """Ready first, then the other verdicts from mildest to gravest, then most A; errors last."""
    order = [policy.ready] + [r.verdict for r in reversed(policy.rules) if r.verdict != policy.ready]

    def key(row: Row):
        if row.summary is None:
            return (len(order) + 1, 0, row.application.label)
        verdict = row.summary.verdict
        rank = order.index(verdict) if verdict in order else len(order)
        return (rank, -row.summary.counts["A"], row.application.label)

    return sorted(rows, key=key)


def gaps(result: Assessment, n: int = GAPS) -> list[str]:
    """The `n` weakest items after review: vetoes, then C, then B, in table order."""
    weak = [i for i in result.items if i.final_grade != "A"]
    weak.sort(key=lambda i: (not i.vetoed, i.final_grade == "B"))
    return [f"{i.id} {'否决' if i.vetoed else i.final_grade}" for i in weak[:n]]


COLUMNS = ["申报", "社区", "县(区)", "A", "B", "C", "否决", "结论", "改判", "主要差距", "错误"]
CSV = Kind("汇总表 CSV", lambda head: head.decode("utf-8-sig", "replace").startswith(",".join(COLUMNS[:3])))


def summary(row: Row) -> list[str]:
    """One row of the summary table, as text cells in COLUMNS order."""
    r = row.summary
    if r is None:
        return [row.application.label, "", "", "", "", "", "", "无法评估", "", "", row.error or ""]
    return [
        row.application.label, r.title, r.county, str(r.counts["A"]), str(r.counts["B"]), str(r.counts["C"]),
        str(r.vetoes), r.verdict, str(r.overridden), "、".join(r.gaps), "",
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
    writer.writerows([neutral(cell) for cell in summary(row)] for row in rows)
    return "\ufeff" + buf.getvalue()


def json_text(rows: list[Row]) -> Iterator[str]:
    """Every assessment that could be made, as one JSON array (broken applications are in the
    table), in pieces: the array of a large district is never whole in memory. The same text as
    `json.dumps(results, ensure_ascii=False, indent=2)`, one assessment's JSON indented inside."""
    first = True
    for row in rows:
        if row.packed is not None:
            yield ("[\n" if first else ",\n") + "  " + row.json().rstrip("\n").replace("\n", "\n  ")
            first = False
    yield "[]\n" if first else "\n]\n"


# -- PDFs: a worker keeps WeasyPrint and its fonts loaded across documents (importing them costs
# about half a second of CPU); it is replaced after TASKS_PER_WORKER documents all the same, which
# bounds what WeasyPrint's memory may gain across renders (flat within ±40 MB over 24 documents
# with one font configuration per process, measured; WeasyPrint #2130 was the reason for 10). --

TASKS_PER_WORKER = 100


@dataclass(frozen=True)
class PdfDone:
    label: str
    error: str | None
    worker: int  # process id of the worker that rendered it
    peak_kib: int  # the worker's peak resident memory so far


def _pdf_job(label: str, packed: bytes, evidence_dir: Path, fonts: Fonts | None) -> tuple[bytes | None, PdfDone]:
    """Render one 申报表 in a worker from the row's packed assessment (unpacked here: the parent's
    serial work per document is only to send the bytes); the PDF goes back to the parent, which
    alone writes files."""
    import resource

    from .report import pdf
    from .report.html import Fonts

    data, error = None, None
    try:
        result = Assessment.model_validate_json(zlib.decompress(packed))
        data = pdf.render(result, evidence_dir, fonts or Fonts())
    except Exception as exc:  # a PDF that cannot be made is reported, the others still are
        error = "；".join(p.message for p in exc.problems) if isinstance(exc, InputError) else program_error(exc, "生成 PDF")
    return data, PdfDone(label, error, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def render_pdfs(
    rows: list[Row], save: Callable[[Row, bytes], None], jobs: int, fonts: Fonts | None = None,
    progress: Callable[[PdfDone], None] = lambda done: None,
) -> list[PdfDone]:
    """One 申报表 PDF per assessed row, in the user's `fonts` if given, handed to `save` as it
    arrives (an error `save` raises, such as a full disk, stops the rendering).

    Workers are recycled by running the documents in rounds of `jobs × TASKS_PER_WORKER`, each
    round in a fresh pool of spawned processes. (ProcessPoolExecutor's own max_tasks_per_child
    deadlocks once the first workers retire, on Python 3.11 to 3.13: CPython gh-115634.) A worker
    that dies (out of memory) costs its documents, reported as errors, not the batch.
    """
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    todo = [row for row in rows if row.packed is not None]
    size = jobs * TASKS_PER_WORKER
    done = []
    for start in range(0, len(todo), size):
        with ProcessPoolExecutor(jobs, mp_context=get_context("spawn"), initializer=_die_with_parent) as pool:
            futures = {
                pool.submit(_pdf_job, row.application.label, row.packed, row.application.evidence.parent, fonts): row
                for row in todo[start:start + size]
            }
            try:
                for future in as_completed(futures):
                    row = futures.pop(future)
                    try:
                        data, finished = future.result()
                    except BrokenProcessPool:
                        data, finished = None, PdfDone(row.application.label, "生成 PDF 的进程意外退出（可能是内存不足）", 0, 0)
                    if data is not None:
                        save(row, data)
                    done.append(finished)
                    progress(finished)
            except BaseException:
                pool.shutdown(cancel_futures=True)
                raise
    return sorted(done, key=lambda d: d.label)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
