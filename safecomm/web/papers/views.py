"""材料: the 申报表 preview and the papers, served from the cache or made by a job."""

from __future__ import annotations

import os
import time

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from .. import scope
from ..audit.models import Entry, record
from ..downloads import attachment
from ..evidence.versions import current
from . import queue
from .models import DISTRICT, Job

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TYPES = {"pdf": "application/pdf", "docx": WORD, "workreport-docx": WORD}
WAIT = float(os.environ.get("SAFECOMM_PAPER_WAIT", "3"))  # seconds a request waits for a quick job
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'"


def health(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def materials(request, pk: int):
    version = scope.get(scope.versions(request.user), pk=pk)
    stored = current(version)
    papers = []
    for kind in queue.KINDS:
        key = queue.cache_key(kind, stored)
        job = Job.objects.filter(key=key, kind=kind).order_by("-id").first()
        papers.append({"kind": kind, "label": queue.LABELS[kind], "ready": bool(queue.cached(kind, key)), "job": job})
    return render(request, "papers/materials.html", {"version": version, "unit": version.community, "papers": papers})


@require_GET
def preview(request, pk: int):
    """The engine's HTML 申报表, as its own document (inline CSS only, no script, sandboxed)."""
    version = scope.get(scope.versions(request.user), pk=pk)
    from ... import papers

    response = HttpResponse(papers.html(current(version).parsed()), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PREVIEW_CSP + "; sandbox"
    return response


@require_GET
def paper(request, pk: int, kind: str):
    if kind not in queue.KINDS:
        raise Http404
    version = scope.get(scope.versions(request.user), pk=pk)
    stored = current(version)
    job = queue.enqueue(kind, stored, request.user)
    deadline = time.monotonic() + WAIT
    while job is not None and time.monotonic() < deadline:
        time.sleep(0.25)
        job.refresh_from_db()
        if not job.active:
            break
    key = queue.cache_key(kind, stored)
    path = queue.cached(kind, key)
    if path is None:
        job = job or queue.enqueue(kind, stored, request.user)  # the cached file went away meanwhile
        from django.urls import reverse

        return redirect(f"{reverse('job', args=[job.pk])}?version={version.pk}")
    record(request, Entry.DOWNLOAD, version.community, queue.NAMES[kind], version=version.pk, sha256=key)
    name = f"{version.community.name}-第{version.number}版-{queue.NAMES[kind]}"
    return attachment(path.read_bytes(), name, TYPES[kind])


@require_GET
def job(request, pk: int):
    """正在生成: the job's progress; refreshes itself (htmx, or a plain meta refresh without
    JavaScript) and hands over the paper when it is there.

    Byte-identical evidence in two communities makes one paper, so one job: a clerk whose own
    version (`?version=`, in scope) has this job's key follows it too, and is sent to their own
    version's paper, never to the other community's."""
    from django.urls import reverse

    job = scope.jobs(request.user).select_related("version").filter(pk=pk).first()
    mine = request.GET.get("version", "")
    version = scope.get(scope.versions(request.user), pk=int(mine)) if mine.isdigit() else None
    if version is not None and (job is None or job.version_id != version.pk):
        shared = Job.objects.filter(pk=pk).first()
        if shared is None or shared.key != queue.cache_key(shared.kind, current(version)):
            raise Http404
        job = shared
    if job is None:
        raise Http404
    version_id = version.pk if version is not None else job.version_id
    done_url = None
    if job.kind == DISTRICT and job.status == Job.DONE:
        done_url = reverse("district_zip", args=[job.pk])
    elif version_id and job.status == Job.DONE:
        done_url = reverse("paper", args=[version_id, job.kind])
    if done_url and request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = done_url
        return response
    here = reverse("job", args=[job.pk]) + (f"?version={version.pk}" if version is not None else "")
    heading = {Job.DONE: "已生成", Job.FAILED: "生成失败"}.get(job.status, "正在生成")
    context = {"job": job, "label": queue.LABELS.get(job.kind, job.kind), "done_url": done_url, "heading": heading,
               "here": here, "version_id": version_id, "district": job.kind == DISTRICT}
    template = "papers/job_status.html" if request.headers.get("HX-Request") else "papers/job.html"
    return render(request, template, context)


@require_POST
@scope.roles(scope.REVIEWER, scope.OFFICER)
def district_papers(request):
    """All of a district's 申报表 and the batch summary as one zip, made by a background job; the
    reviewer's own district, or the one of their city's the officer chose."""
    from ..units.models import Unit

    districts = scope.districts(request.user)
    chosen = request.POST.get("district", "")
    district = scope.get(districts, pk=chosen) if chosen else (
        districts.get() if districts.count() == 1 else scope.get(Unit.objects.none()))
    job = queue.enqueue_district(district, request.user)
    if job.status == Job.DONE:  # in the cache: nothing changed since it was made
        return redirect("district_zip", job.pk)
    record(request, Entry.DOWNLOAD, district, f"{district.name} 全辖区申报材料", job=job.pk, sha256=job.key, step="request")
    return redirect("job", job.pk)


@require_GET
def district_zip(request, pk: int):
    job = scope.get(scope.jobs(request.user).filter(kind=DISTRICT), pk=pk)
    path = queue.cached(DISTRICT, job.key) if job.status == Job.DONE else None
    if path is None:
        from django.urls import reverse

        return redirect(reverse("job", args=[job.pk]))
    record(request, Entry.DOWNLOAD, job.unit, f"{job.unit.name} 全辖区申报材料 zip", job=job.pk, sha256=job.key)
    return attachment(path.read_bytes(), f"{job.unit.name}-申报材料.zip", "application/zip")
