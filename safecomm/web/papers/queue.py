"""The job queue, kept in the database (no broker): enqueue, claim, run, retry.

A job is claimed by one worker under a lease that the worker renews while it runs. On
PostgreSQL the claim locks the row with SKIP LOCKED; on SQLite it is one conditional UPDATE,
which the database applies to one writer at a time, so two workers never take one job. A worker
killed mid-job stops renewing; when its lease runs out the job is claimable again, up to
`Job.MAX_ATTEMPTS` attempts. Papers are rendered in a child process of the worker's, kept from one
job to the next (`Child`), with a time limit per job and (on POSIX) a memory limit."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from ... import papers
from .. import storage
from ..review.work import reviewed_json, scheme_ref
from .models import DISTRICT, Job
from .render import KINDS

LEASE = timedelta(seconds=int(os.environ.get("SAFECOMM_JOB_LEASE", "60")))
TIMEOUT = int(os.environ.get("SAFECOMM_JOB_TIMEOUT", "300"))  # seconds per job
MEMORY = int(os.environ.get("SAFECOMM_JOB_MEMORY_MB", "2048")) * 1024 * 1024
NAMES = {"pdf": "申报表.pdf", "docx": "申报表.docx", "workreport-docx": "工作报告.docx"}
LABELS = {"pdf": "申报表 PDF", "docx": "申报表 Word", "workreport-docx": "工作报告（Word 草稿）",
          DISTRICT: "全辖区申报材料（zip）"}
SUFFIXES = {**KINDS, DISTRICT: ".zip"}
DISTRICT_RENDERS = 10  # PDFs per request of a district job: its progress, and the child's count of documents
DOCUMENTS = int(os.environ.get("SAFECOMM_JOB_DOCUMENTS", "100"))  # a child is replaced after so many: WeasyPrint's memory grows


def paper_input(assessment) -> str:
    """The result a paper prints: the stored one with its finished review applied (reviewed grades,
    the 初步审查意见)."""
    return reviewed_json(assessment)


def cache_key(kind: str, assessment) -> str:
    """The library's exact key over everything the paper is made from (the result's JSON holds the
    evidence's and the rule set's digests, attachments' hashes included, and the review)."""
    return papers.cache_key(kind, paper_input(assessment))


def paper_path(kind: str, key: str) -> Path:
    return storage.data() / "papers" / f"{key}{SUFFIXES[kind]}"


def cached(kind: str, key: str) -> Path | None:
    path = paper_path(kind, key)
    return path if path.exists() else None


def enqueue(kind: str, assessment, user) -> Job | None:
    """The job that makes this paper (an existing one if it is already queued or running), or
    None when the paper is in the cache."""
    version = assessment.version
    key = cache_key(kind, assessment)
    if cached(kind, key):
        return None
    with transaction.atomic():
        job = Job.objects.filter(key=key, kind=kind, status__in=(Job.QUEUED, Job.RUNNING)).first()
        if job is None:
            job = Job.objects.create(kind=kind, key=key, version=version, assessment=assessment, requested_by=user,
                                     payload={"scheme": assessment.scheme_id})
    return job


# -- a district's papers as one job ----------------------------------------------------------------

def district_entries(district) -> list[dict]:
    """Each community of `district` in name order: its stem in the zip, its latest version's stored
    result with the finished review applied (None, with why, when there is none) and that 申报表's
    key in the paper cache."""
    from ..evidence.versions import current
    from ..units.models import Unit

    entries, stems = [], set()
    for unit in Unit.objects.filter(parent=district, level=Unit.COMMUNITY).order_by("name", "pk"):
        stem = _stem(unit.name)
        if stem.casefold() in stems:
            stem = f"{stem}-{unit.pk}"
        stems.add(stem.casefold())
        version = unit.versions.order_by("-number").first()
        stored = current(version) if version else None
        entry = {"name": unit.name, "stem": stem, "label": unit.name, "stored": stored}
        if stored is None:
            entry["error"] = "尚未上传证据" if version is None else "尚无评定结果"
        else:
            entry["label"] = f"{unit.name}（第 {version.number} 版）"
            entry["key"] = cache_key("pdf", stored)
        entries.append(entry)
    return entries


def _stem(name: str) -> str:
    """A community's name as a file name on Windows too."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in name).strip(" .")
    return cleaned[:80] or "社区"


def district_key(district, entries: list[dict]) -> str:
    """The zip's exact key: the district, and each community's name, version and 申报表 key (which
    covers its reviewed result, so also the summary made from it)."""
    import hashlib
    import json

    listed = [[e["name"], e["stem"], e["label"], e.get("key") or e["error"]] for e in entries]
    text = json.dumps({"format": "safecomm/district-zip@1", "district": district.name, "communities": listed},
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def enqueue_district(district, user) -> Job:
    """The job making the district's zip: a queued or running one of the same key, or one that is
    done while its zip is in the cache, else a new one."""
    key = district_key(district, district_entries(district))
    with transaction.atomic():
        jobs = Job.objects.filter(key=key, kind=DISTRICT, unit=district)
        job = jobs.filter(status__in=(Job.QUEUED, Job.RUNNING)).first()
        if job is None and cached(DISTRICT, key):
            job = jobs.filter(status=Job.DONE).order_by("-id").first()
        if job is None:
            job = Job.objects.create(kind=DISTRICT, key=key, unit=district, requested_by=user,
                                     payload={"district": district.pk})
    return job


def _run_district(job: Job, worker: str, folder: Path, child: Child) -> str | None:
    """Make the zip of `job.unit` as it stands when the job runs (the job's own key names the
    zip asked for; newer uploads make a newer key): PDFs already in the cache are used as they
    are, the missing ones rendered `DISTRICT_RENDERS` to a request of the worker's child."""
    import json

    from ..review.work import scheme_of

    entries = district_entries(job.unit)
    key = district_key(job.unit, entries)
    if key != job.key:  # uploads or reviews since it was asked for: the zip of now, under its own key
        Job.objects.filter(pk=job.pk).update(key=key)
        job.key = key
    policy = None
    for n, entry in enumerate(entries):
        stored = entry.pop("stored")
        if stored is None:
            continue
        result = folder / f"{n}.json"
        result.write_text(paper_input(stored), encoding="utf-8")
        entry.update(result=str(result), pdf=str(paper_path("pdf", entry["key"])))
        if policy is None:
            try:
                policy = scheme_of(stored).verdict.model_dump(mode="json")
            except LookupError:  # a rule set no longer in the system: the summary sorts by the national one
                pass
    if policy is None:
        from ...rulesets import load_scheme

        policy = load_scheme().verdict.model_dump(mode="json")
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps({"communities": entries, "policy": policy}, ensure_ascii=False), encoding="utf-8")
    target = paper_path(DISTRICT, job.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    missing = sum(1 for e in entries if e.get("pdf") and not Path(e["pdf"]).exists())
    for _ in range(missing // DISTRICT_RENDERS + 2):
        error = child.run(job, worker, ["district", str(manifest), str(target), "--renders", str(DISTRICT_RENDERS)],
                          DISTRICT_RENDERS)
        if error is not None or target.exists():
            return error
    return "未能生成全部申报表"


def _claimable(now):
    return Q(status=Job.QUEUED) | Q(status=Job.RUNNING, lease_until__lt=now)


def claim(worker: str) -> Job | None:
    """Take the oldest claimable job for `worker`, or None."""
    while True:
        now = timezone.now()
        taken = None
        if connection.vendor == "postgresql":
            with transaction.atomic():
                job = Job.objects.select_for_update(skip_locked=True).filter(_claimable(now)).order_by("id").first()
                if job is None:
                    return None
                Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, worker=worker, lease_until=now + LEASE,
                                                     attempts=F("attempts") + 1, progress=0)
                taken = job.pk
        else:
            ids = list(Job.objects.filter(_claimable(now)).order_by("id").values_list("id", flat=True)[:10])
            if not ids:
                return None
            for pk in ids:
                if Job.objects.filter(_claimable(now), pk=pk).update(
                        status=Job.RUNNING, worker=worker, lease_until=now + LEASE,
                        attempts=F("attempts") + 1, progress=0):
                    taken = pk
                    break
            if taken is None:
                continue
        job = Job.objects.get(pk=taken)
        if job.attempts > Job.MAX_ATTEMPTS:
            _finish(job, worker, Job.FAILED, f"已尝试 {Job.MAX_ATTEMPTS} 次仍未完成（工作进程中断或超时）")
            continue
        return job


def _finish(job: Job, worker: str, status: str, error: str = "") -> bool:
    return bool(Job.objects.filter(pk=job.pk, worker=worker, status=Job.RUNNING).update(
        status=status, error=error[:2000], finished=timezone.now(), lease_until=None,
        progress=100 if status == Job.DONE else F("progress")))


def _limits():  # pragma: no cover - runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(job: Job, worker: str, child: Child | None = None) -> None:
    """Render one claimed job in the worker's `child` (without one, in a child for this job alone),
    renewing its lease; done, retried later, or failed for good."""
    folder = storage.scratch(f"job-{job.pk}-")
    own = child is None
    child = child or Child()
    try:
        error = _run_district(job, worker, folder, child) if job.kind == DISTRICT else _run_paper(job, worker, folder, child)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded on the job, the worker goes on
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if own:
            child.close()
        shutil.rmtree(folder, ignore_errors=True)
    _settle(job, worker, error)


def _run_paper(job: Job, worker: str, folder: Path, child: Child) -> str | None:
    version, assessment = job.version, job.assessment
    evidence = "-"  # only the 工作报告 reads the evidence itself; the 申报表 is made from the assessment
    if job.kind == "workreport-docx":
        storage.build_bundle(version.files, folder / "bundle")
        evidence = str(folder / "bundle" / version.evidence_path)
    result_file = folder / "assessment.json"
    result_file.write_text(paper_input(assessment), encoding="utf-8")
    target = paper_path(job.kind, job.key)
    target.parent.mkdir(parents=True, exist_ok=True)
    return child.run(job, worker, ["render", job.kind, evidence, str(result_file), scheme_ref(assessment, folder), str(target)])


def _settle(job: Job, worker: str, error: str | None) -> None:
    """Done, queued again for a later attempt, or failed for good."""
    if error is None:
        _finish(job, worker, Job.DONE)
    elif job.attempts < Job.MAX_ATTEMPTS:
        Job.objects.filter(pk=job.pk, worker=worker, status=Job.RUNNING).update(
            status=Job.QUEUED, worker="", lease_until=None, error=error[:2000])
    else:
        _finish(job, worker, Job.FAILED, error)


class Child:
    """A worker's long-lived renderer process (`child.py`): it keeps WeasyPrint, its fonts and the
    library loaded from one job to the next. What a child per job gave stays: each job has its time
    limit, the child its memory limit (RLIMIT_AS, on POSIX), and a job that crashes, runs over its
    time or out of memory fails alone with a message saying so; the child goes and the next job gets
    a fresh one. A child is also replaced after `DOCUMENTS` documents, or once its address space
    passes half the limit, so that WeasyPrint's growth from one document to the next never fails a job."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.lines: list[str] = []
        self.documents = 0
        self.process_code: int | None = None  # how the last child ended

    def _start(self) -> None:
        env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        self.errors = tempfile.TemporaryFile()
        self.lines, self.documents = [], 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", "safecomm.web.papers.child"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self.errors, env=env, text=True, encoding="utf-8", errors="replace",
            preexec_fn=_limits if os.name == "posix" else None)
        lines, stdout = self.lines, self.process.stdout
        self.reader = threading.Thread(target=lambda: [lines.append(line) for line in stdout], daemon=True)
        self.reader.start()

    def run(self, job: Job, worker: str, request: list[str], documents: int = 1) -> str | None:
        """Run one request (the module and its arguments) for `job`; None when it succeeded, else why not."""
        if self.process is None or self.process.poll() is not None:
            self.close()
            self._start()
        try:
            self._send(request)
        except OSError:  # the idle child died since its last job: a fresh one
            self.close()
            self._start()
            self._send(request)
        seen = read = len(self.lines)
        errors_from = os.fstat(self.errors.fileno()).st_size
        started = renewed = time.monotonic()
        while True:
            end = next((line.split() for line in self.lines[seen:] if line.startswith("end ")), None)
            if end is None and self.process.poll() is not None:
                self.reader.join(5)  # what it printed before it ended
                end = next((line.split() for line in self.lines[seen:] if line.startswith("end ")), ["end", "died"])
            if end is not None:
                break
            if time.monotonic() - started > TIMEOUT:
                self.close(kill=True)
                return f"超过 {TIMEOUT} 秒未完成"
            time.sleep(0.2)
            update, lines = {}, self.lines[read:]
            read += len(lines)
            for line in lines:
                parts = line.split(" ", 2)
                if parts[0] == "progress" and len(parts) == 3 and parts[1].isdigit():
                    update.update(progress=min(int(parts[1]), 99), stage=parts[2].strip()[:100])
            if not update and time.monotonic() - renewed < LEASE.total_seconds() / 4:
                continue  # written only when there is news or the lease needs renewing: SQLite has one writer
            renewed = time.monotonic()
            update["lease_until"] = timezone.now() + LEASE
            if not Job.objects.filter(pk=job.pk, worker=worker, status=Job.RUNNING).update(**update):
                self.close(kill=True)  # the lease was lost (this worker stalled): another worker has the job
                return "租约已失效"
        if end[1] == "ok":
            self.documents += documents
            if self.documents >= DOCUMENTS or _address_space(self.process.pid) > MEMORY // 2:
                self.close()
            return None
        tail = os.pread(self.errors.fileno(), 1500, max(errors_from, os.fstat(self.errors.fileno()).st_size - 1500))
        tail = tail.decode("utf-8", "replace").strip()
        self.close(kill=end[1] == "died")
        if end[1] == "memory":
            return f"生成失败：所需内存超过上限 {MEMORY // 1024 // 1024} MB"
        if end[1] == "died":
            return f"生成失败（{_death(self.process_code)}）" + (f"：{tail}" if tail else "")
        return f"生成失败：{tail}"

    def _send(self, request: list[str]) -> None:
        self.process.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
        self.process.stdin.flush()

    def close(self, kill: bool = False) -> None:
        """End the child (at the end of its input it ends by itself; killed when `kill` or when it does not)."""
        process, self.process = self.process, None
        self.process_code = None
        if process is None:
            return
        if kill:
            process.kill()
        try:
            process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self.process_code = process.returncode
        self.reader.join(5)
        process.stdout.close()
        self.errors.close()


def _death(code: int | None) -> str:
    """How a child that died in the middle of a job ended, in a clerk's words."""
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"生成进程被信号 {name} 终止，多半是内存不足（上限 {MEMORY // 1024 // 1024} MB）或程序库崩溃"
    return f"生成进程意外退出，退出码 {code}"


def _address_space(pid: int) -> int:
    """A process's virtual memory in bytes (what RLIMIT_AS bounds); 0 where /proc does not tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def work(stop: threading.Event, name: str | None = None, poll: float = 1.0) -> None:
    """Claim and run jobs until `stop` is set. A database that is busy (SQLite's write lock held
    past its timeout) or gone for a moment costs a round, never the worker: a job it held comes
    back when its lease runs out."""
    import logging

    from django.db import DatabaseError, close_old_connections

    worker = name or f"{os.uname().nodename if hasattr(os, 'uname') else 'host'}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    child = Child()
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                job = claim(worker)
                if job is None:
                    stop.wait(poll)
                    continue
                run(job, worker, child)
            except DatabaseError as exc:
                logging.getLogger("safecomm.jobs").warning("任务队列暂时无法访问数据库：%s", exc)
                stop.wait(poll)
    finally:
        child.close()
