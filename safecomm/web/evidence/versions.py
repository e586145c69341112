"""Taking in an upload: keep it, read it, grade it, record it as a new version, in that order.

Files reach the store (atomically) before any row names them, and the rows of one upload are
written in one transaction, so a server killed at any point leaves either a whole version or
none; a blob without a row is harmless (the same bytes uploaded again find it there)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max

from ...engine import assess
from ...loading import InputError
from .. import storage
from ..units.models import Unit
from . import intake
from .models import Assessment, Upload, Version
from .rules import scheme_for


@dataclass
class Outcome:
    upload: Upload
    version: Version | None = None
    problems: list[dict] | None = None


def take(community: Unit, user, name: str, raw: bytes) -> Outcome:
    """Keep the upload as it came; a new version with its assessment if it reads, else its problems."""
    name = intake.display_name(name)
    sha = storage.put_blob(raw)
    scheme = scheme_for(community)
    try:
        read = intake.read(name, raw, scheme)
    except InputError as exc:
        rows = intake.rows(exc)
        upload = Upload.objects.create(community=community, name=name, sha256=sha, size=len(raw), uploader=user,
                                       accepted=False, problems=rows)
        return Outcome(upload, problems=rows)
    result = assess(read.evidence, scheme)
    files = {path: storage.put_blob(data) for path, data in read.files.items()}  # in the store before any row
    for attempt in range(5):  # two uploads of one community at once: the later one takes the next number
        try:
            with transaction.atomic():
                Unit.objects.select_for_update().filter(pk=community.pk).first()
                upload = Upload.objects.create(community=community, name=name, sha256=sha, size=len(raw),
                                               uploader=user, accepted=True)
                number = (Version.objects.filter(community=community).aggregate(n=Max("number"))["n"] or 0) + 1
                version = Version.objects.create(
                    community=community, number=number, upload=upload, evidence_path=read.evidence_path,
                    files=files, evidence_digest=result.evidence_digest, records=len(read.evidence.records()))
                store(version, result)
            return Outcome(upload, version)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def store(version: Version, result) -> Assessment:
    """The assessment of `version` under its rule set, as the engine's stable JSON."""
    vetoes = sum(1 for t in result.thresholds if t.status == "veto")
    return Assessment.objects.create(
        version=version, scheme_id=result.scheme.id, scheme_version=result.scheme.version,
        scheme_digest=result.scheme.digest, result=result.to_json(), verdict=result.verdict.verdict,
        ready=result.verdict.ready, count_a=result.counts.get("A", 0), count_b=result.counts.get("B", 0),
        count_c=result.counts.get("C", 0), vetoes=vetoes)


def current(version: Version) -> Assessment | None:
    """The version's latest stored assessment."""
    return version.assessments.order_by("-id").first()


def previous(version: Version) -> Version | None:
    return Version.objects.filter(community=version.community, number__lt=version.number).order_by("-number").first()
