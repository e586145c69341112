"""The job queue, kept in the database (no broker): enqueue, claim, run, retry.

A job is claimed by one worker under a lease that the worker renews while it runs. On
PostgreSQL the claim locks the row with SKIP LOCKED; on SQLite it is one conditional UPDATE,
which the database applies to one writer at a time, so two workers never take one job. A worker
killed mid-job stops renewing; when its lease runs out the job is claimable again, up to
`Job.MAX_ATTEMPTS` attempts. Each paper is rendered in a child process with a time limit and
(on POSIX) a memory limit."""

from __future__ import annotations

import os
import shutil
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
from .models import Job
from .render import KINDS

LEASE = timedelta(seconds=int(os.environ.get("SAFECOMM_JOB_LEASE", "60")))
TIMEOUT = int(os.environ.get("SAFECOMM_JOB_TIMEOUT", "300"))  # seconds per job
MEMORY = int(os.environ.get("SAFECOMM_JOB_MEMORY_MB", "2048")) * 1024 * 1024
NAMES = {"pdf": "申报表.pdf", "docx": "申报表.docx", "workreport-docx": "工作报告.docx"}
LABELS = {"pdf": "申报表 PDF", "docx": "申报表 Word", "workreport-docx": "工作报告（Word 草稿）"}


def paper_input(assessment) -> str:
    """The result a paper prints: the stored one with its finished review applied (reviewed grades,
    the 初步审查意见)."""
    return reviewed_json(assessment)


def cache_key(kind: str, assessment) -> str:
    """The library's exact key over everything the paper is made from (the result's JSON holds the
    evidence's and the rule set's digests, attachments' hashes included, and the review)."""
    return papers.cache_key(kind, paper_input(assessment))


def paper_path(kind: str, key: str) -> Path:
    return storage.data() / "papers" / f"{key}{KINDS[kind]}"


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


def run(job: Job, worker: str) -> None:
    """Render one claimed job, renewing its lease; done, retried later, or failed for good."""
    folder = storage.scratch(f"job-{job.pk}-")
    try:
        version, assessment = job.version, job.assessment
        evidence = "-"  # only the 工作报告 reads the evidence itself; the 申报表 is made from the assessment
        if job.kind == "workreport-docx":
            storage.build_bundle(version.files, folder / "bundle")
            evidence = str(folder / "bundle" / version.evidence_path)
        result_file = folder / "assessment.json"
        result_file.write_text(paper_input(assessment), encoding="utf-8")
        target = paper_path(job.kind, job.key)
        target.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "safecomm.web.papers.render", job.kind,
                   evidence, str(result_file), scheme_ref(assessment, folder), str(target)]
        error = _child(job, worker, command)
    except Exception as exc:  # noqa: BLE001 - a job's failure is recorded on the job, the worker goes on
        error = f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if error is None:
        _finish(job, worker, Job.DONE)
    elif job.attempts < Job.MAX_ATTEMPTS:
        Job.objects.filter(pk=job.pk, worker=worker, status=Job.RUNNING).update(
            status=Job.QUEUED, worker="", lease_until=None, error=error[:2000])
    else:
        _finish(job, worker, Job.FAILED, error)


def _child(job: Job, worker: str, command: list[str]) -> str | None:
    """Run the renderer; None when it succeeded, else why not."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    posix = os.name == "posix"
    errors = tempfile.TemporaryFile()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, text=True,
                             encoding="utf-8", errors="replace", preexec_fn=_limits if posix else None)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)
    reader.start()
    started = renewed = time.monotonic()
    seen = 0
    while child.poll() is None:
        if time.monotonic() - started > TIMEOUT:
            child.kill()
            child.wait()
            return f"超过 {TIMEOUT} 秒未完成"
        time.sleep(0.2)
        update = {}
        for line in lines[seen:]:
            parts = line.split(" ", 2)
            if parts[0] == "progress" and len(parts) == 3 and parts[1].isdigit():
                update.update(progress=min(int(parts[1]), 99), stage=parts[2].strip()[:100])
        seen = len(lines)
        if not update and time.monotonic() - renewed < LEASE.total_seconds() / 4:
            continue  # written only when there is news or the lease needs renewing: SQLite has one writer
        renewed = time.monotonic()
        update["lease_until"] = timezone.now() + LEASE
        if not Job.objects.filter(pk=job.pk, worker=worker, status=Job.RUNNING).update(**update):
            child.kill()  # the lease was lost (this worker stalled): another worker has the job
            child.wait()
            return "租约已失效"
    reader.join(5)
    if child.returncode != 0:
        errors.seek(0)
        tail = errors.read()[-1500:].decode("utf-8", "replace")
        return f"生成失败（退出码 {child.returncode}）：{tail}"
    return None


def work(stop: threading.Event, name: str | None = None, poll: float = 1.0) -> None:
    """Claim and run jobs until `stop` is set. A database that is busy (SQLite's write lock held
    past its timeout) or gone for a moment costs a round, never the worker: a job it held comes
    back when its lease runs out."""
    import logging

    from django.db import DatabaseError, close_old_connections

    worker = name or f"{os.uname().nodename if hasattr(os, 'uname') else 'host'}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    while not stop.is_set():
        try:
            close_old_connections()
            job = claim(worker)
            if job is None:
                stop.wait(poll)
                continue
            run(job, worker)
        except DatabaseError as exc:
            logging.getLogger("safecomm.jobs").warning("任务队列暂时无法访问数据库：%s", exc)
            stop.wait(poll)
