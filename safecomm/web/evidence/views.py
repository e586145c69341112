"""我的社区, upload, 评定结果, and the ledger downloads."""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ... import diff as compare
from .. import scope
from ..audit.models import Entry, record
from ..downloads import attachment
from . import intake, pages
from .models import Version
from ..review.work import review_state
from .rules import scheme_for
from .versions import current, previous, take

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
@scope.roles(scope.CLERK)
def my_community(request):
    return redirect("community", request.user.unit_id)


@require_GET
@scope.roles(scope.REVIEWER, scope.OFFICER)
def communities(request):
    rows = []
    for unit in scope.communities(request.user).select_related("parent").order_by("parent__name", "name"):
        version = unit.versions.order_by("-number").first()
        rows.append({"unit": unit, "version": version, "assessment": current(version) if version else None})
    return render(request, "evidence/communities.html", {"rows": rows})


@require_GET
def community(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk)
    versions = list(unit.versions.order_by("-number").select_related("upload__uploader"))
    latest = versions[0] if versions else None
    assessment = current(latest) if latest else None
    refused = unit.uploads.filter(accepted=False).order_by("-at")[:5]
    return render(request, "evidence/community.html", {
        "unit": unit, "versions": versions, "latest": latest, "assessment": assessment,
        "counts": pages.counts(assessment.parsed()) if assessment else [],
        "editable": scope.may_edit(request.user, unit), "limits": intake.LIMITS, "refused": refused,
        "accepted": ", ".join(intake.ACCEPTED), "review": review_state(unit),
    })


@require_POST
def upload(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk)
    if not scope.may_edit(request.user, unit):
        return _forbidden(request)
    sent = request.FILES.get("file")
    if sent is None:
        rows = [{"place": "上传表单", "field": "文件", "problem": "没有选择文件", "fix": "请选择台账（.xlsx）、证据 YAML 或 .zip 后再上传"}]
        return render(request, "evidence/problems.html", {"unit": unit, "rows": rows, "name": ""}, status=400)
    if sent.size > intake.MAX_FILE:
        rows = [{"place": intake.display_name(sent.name), "field": "", "problem": f"文件过大（{sent.size} 字节）",
                 "fix": f"上限为 {intake.MAX_FILE} 字节：请删去不需要的附件后重新上传"}]
        record(request, Entry.UPLOAD_REFUSED, unit, intake.display_name(sent.name), size=sent.size)
        return render(request, "evidence/problems.html", {"unit": unit, "rows": rows, "name": sent.name}, status=400)
    raw = sent.read()
    outcome = take(unit, request.user, sent.name, raw)
    if outcome.version is None:
        record(request, Entry.UPLOAD_REFUSED, unit, outcome.upload.name, sha256=outcome.upload.sha256,
               problems=len(outcome.problems))
        return render(request, "evidence/problems.html",
                      {"unit": unit, "rows": outcome.problems, "name": outcome.upload.name}, status=400)
    record(request, Entry.UPLOAD, unit, f"{outcome.upload.name} → 第 {outcome.version.number} 版",
           sha256=outcome.upload.sha256, version=outcome.version.pk)
    return redirect("result", outcome.version.pk)


def _forbidden(request):
    return render(request, "403.html", {}, status=403)


@require_GET
def result(request, pk: int):
    version = scope.get(scope.versions(request.user), pk=pk)
    stored = current(version)
    res = stored.parsed()
    said = pages.advice(res, version.evidence_path)
    before = previous(version)
    change = None
    if before is not None and current(before) is not None:
        change = compare.compare(current(before).parsed(), res, f"第 {before.number} 版", f"第 {version.number} 版")
    return render(request, "evidence/result.html", {
        "version": version, "unit": version.community, "stored": stored, "r": res,
        "indicators": pages.indicators(res), "gaps": pages.gaps(res, said), "warnings": pages.warnings(res), "advice": said, "counts": pages.counts(res),
        "before": before, "change": change, "editable": scope.may_edit(request.user, version.community),
        "open": request.GET.get("open") == "1",
    })


@require_POST
def submit(request, pk: int):
    version = scope.get(scope.versions(request.user), pk=pk)
    if not scope.may_edit(request.user, version.community):
        return _forbidden(request)
    with transaction.atomic():
        updated = Version.objects.filter(pk=version.pk, submitted_at__isnull=True).update(
            submitted_at=timezone.now(), submitted_by=request.user)
    if updated:
        record(request, Entry.SUBMIT, version.community, str(version), version=version.pk)
    return redirect(reverse("community", args=[version.community_id]))


@require_GET
def empty_ledger(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk)
    from ...ledger.write import template

    return attachment(template(scheme_for(unit)), "台账.xlsx", XLSX)


@require_GET
def original(request, pk: int):
    """The version's evidence file exactly as uploaded (inside a zip: the file itself)."""
    version = scope.get(scope.versions(request.user), pk=pk)
    from .. import storage

    data = storage.read_blob(version.files[version.evidence_path])
    name = version.evidence_path.rsplit("/", 1)[-1]
    record(request, Entry.DOWNLOAD, version.community, name, version=version.pk)
    return attachment(data, name, XLSX if name.lower().endswith(".xlsx") else "application/octet-stream")


@require_GET
def as_ledger(request, pk: int):
    """The version as a 台账 workbook: the uploaded one, or a YAML bundle converted."""
    version = scope.get(scope.versions(request.user), pk=pk)
    if version.evidence_path.lower().endswith(".xlsx"):
        return original(request, pk)
    from ...ledger.write import ledger_bytes, plain
    from ...upload import load_evidence_bytes
    from .. import storage

    scheme = scheme_for(version.community)
    files = {path: storage.read_blob(sha) for path, sha in version.files.items() if path != version.evidence_path}
    evidence = load_evidence_bytes(storage.read_blob(version.files[version.evidence_path]), version.evidence_path, files, scheme)
    record(request, Entry.DOWNLOAD, version.community, "台账.xlsx", version=version.pk)
    return attachment(ledger_bytes(plain(evidence), scheme), "台账.xlsx", XLSX)
