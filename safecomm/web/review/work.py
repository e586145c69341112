"""What the reviewer's pages do, without HTTP: the review of a community's current evidence (begun,
saved, finished, returned, forwarded), the district's rows from stored results, and a city's rule-set
variants. The review rules themselves are the engine's (`safecomm.review`): one set for a sheet file
and for this form."""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ... import review as rules
from ...review_input import load_review_bytes
from ...assessment import Assessment as Result
from ...loading import InputError, Problem
from .. import storage
from ..evidence.models import Assessment, Version
from ..units.models import Unit
from .models import Activation, ReviewWork, RuleSet

FINISH_NEEDS = {"reviewer_name": "审核人", "reviewer_unit": "审核单位", "reviewer_date": "审核日期", "opinion": "初步审查意见"}


@dataclass
class Current:
    """A community's evidence as the reviewer sees it: the latest version, its stored result, and the review."""

    community: Unit
    version: Version | None = None
    stored: Assessment | None = None
    result: Result | None = None
    work: ReviewWork | None = None
    review: rules.Review | None = None
    changed: bool = False  # the evidence changed after the review began


def current(community: Unit) -> Current:
    now = Current(community)
    now.version = community.versions.order_by("-number").first()
    if now.version is None:
        return now
    now.stored = now.version.assessments.order_by("-id").first()
    if now.stored is None:
        return now
    now.result = now.stored.parsed()
    now.work = community.reviews.order_by("-id").first()
    if now.work is not None and now.work.status == ReviewWork.FORWARDED and now.work.version_id != now.version.pk:
        now.work = None  # forwarded work is done; a newer version starts a new review
    now.review = now.work.review() if now.work else rules.new_review(now.result)
    now.changed = now.review.evidence_digest != now.result.evidence_digest
    return now


def form_values(now: Current, user, own: bool = True) -> dict:
    """The form as the stored review fills it (or, fresh, the automatic grades and, for the reviewer
    who will fill it in (`own`), their own name; a reader sees what is stored)."""
    review = now.review
    who = review.reviewer
    fresh = now.work is None and own
    values = {
        "reviewer_name": who.name or (user.shown_name if fresh else ""),
        "reviewer_unit": who.unit or (f"{user.unit.name}安委会办公室" if fresh and user.unit else ""),
        "reviewer_date": who.date.isoformat() if who.date else (timezone.localdate().isoformat() if fresh else ""),
        "opinion": review.opinion or "",
    }
    entries = {e.id: e for e in review.items}
    for item in now.result.items:
        entry = entries.get(item.id)
        values[f"grade_{item.id}"] = (entry.grade if entry and entry.grade else item.grade)
        values[f"reason_{item.id}"] = (entry.reason or "") if entry else ""
        values[f"onsite_{item.id}"] = bool(entry and entry.onsite)
    return values


def check(now: Current, fields: dict, finishing: bool) -> rules.Review | list[tuple[str, str]]:
    """The submitted form as a Review, or its problems by field. A changed evidence needs the
    reviewer's confirmation (`confirm_changed`), which re-bases the review on the new version."""
    confirmed = bool(fields.get("confirm_changed"))
    started = None if (confirmed or now.work is None) else now.review
    done = rules.review_from_form(fields, now.result, started)
    if isinstance(done, list):
        return done
    if finishing:
        missing = [(name, f"完成审核前请填写{label}") for name, label in FINISH_NEEDS.items() if not str(fields.get(name) or "").strip()]
        if missing:
            return missing
    return done


def save(now: Current, review: rules.Review, user, status: str = ReviewWork.DRAFT, comment: str = "") -> ReviewWork:
    sheet = json.loads(review.model_dump_json())
    with transaction.atomic():
        work = now.work
        if work is None:
            work = ReviewWork(community=now.community, version=now.version, reviewer=user)
        if review.evidence_digest == now.result.evidence_digest:
            work.version = now.version
        work.sheet, work.status, work.reviewer = sheet, status, user
        if comment:
            work.comment = comment
        work.finished_at = timezone.now() if status == ReviewWork.FINISHED else work.finished_at
        work.save()
    now.work, now.review = work, review
    now.changed = review.evidence_digest != now.result.evidence_digest
    return work


def imported(now: Current, data: bytes, name: str) -> rules.Review:
    """A review sheet file taken in: read as the command line reads it, its rules checked against
    the current result; problems at the file's lines, in the web's words."""
    review = load_review_bytes(data, name)
    found = rules.rule_problems(review, now.result, channel=rules.BOOK if rules.is_book(name) else rules.FORM)
    if found:
        raise InputError([review.problem(loc, message) for loc, message in found])
    return review


def exported(now: Current) -> str:
    return rules.new_sheet(now.result, now.review)


def exported_book(now: Current) -> bytes:
    """The same review as a workbook (审核表.xlsx), for a reviewer who works in Excel or WPS."""
    from ...review_book import new_book

    return new_book(now.result, now.review)


def review_state(community: Unit) -> dict | None:
    """What the community's own page says of its review: the status, the reviewer's comment (what to
    change, when returned), and when."""
    latest = community.reviews.order_by("-id").first()
    if latest is None:
        return None
    return {"status": latest.get_status_display(), "comment": latest.comment, "when": latest.updated_at,
            "returned": latest.status == ReviewWork.RETURNED}


def reviewed(stored: Assessment) -> Result:
    """A stored result with its finished review applied (the papers then show the reviewed grades);
    the automatic one when there is none or it was made on other evidence."""
    result = stored.parsed()
    review = _finished(stored)
    if review is None or review.evidence_digest != result.evidence_digest:
        return result
    return rules.apply_review(result, review, scheme_of(stored))


def reviewed_json(stored: Assessment) -> str:
    """`reviewed` as the engine's JSON text: the stored text itself when there is no finished review
    (nothing parsed), so that asking for a paper's cache key costs nothing then."""
    if _finished(stored) is None:
        return stored.result
    return reviewed(stored).to_json()


def _finished(stored: Assessment) -> rules.Review | None:
    work = ReviewWork.objects.filter(version=stored.version, status__in=(ReviewWork.FINISHED, ReviewWork.FORWARDED)).order_by("-id").first()
    return work.review() if work else None


# -- 辖区总览 --------------------------------------------------------------------------------------

STATUS_WORDS = {"none": "尚无证据", "new": "未提交", "submitted": "待审核", **dict(ReviewWork.STATUSES)}


@dataclass
class Row:
    district: str
    community: str
    community_id: int
    version: int | None = None
    version_id: int | None = None
    verdict: str = ""
    a: int | None = None
    b: int | None = None
    c: int | None = None
    vetoes: int | None = None
    score: float | None = None
    band: str = ""
    overrides: int = 0
    status: str = "none"
    last_upload: object = None
    extra: dict = field(default_factory=dict)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


def district_rows(communities) -> list[Row]:
    """One row per community, from stored results only (nothing is graded again)."""
    rows = []
    units = list(communities.select_related("parent"))
    latest = {}
    for version in Version.objects.filter(community__in=units).select_related("upload").order_by("community_id", "-number"):
        latest.setdefault(version.community_id, version)
    stored = {}
    for a in _summaries(latest.values()):
        stored.setdefault(a.version_id, a)
    works = {}
    for w in ReviewWork.objects.filter(community__in=units).order_by("community_id", "-id"):
        works.setdefault(w.community_id, w)
    for unit in units:
        row = Row(unit.parent.name if unit.parent else "", unit.name, unit.pk)
        version = latest.get(unit.pk)
        if version is not None:
            row.version, row.version_id, row.last_upload = version.number, version.pk, version.upload.at
            row.status = "submitted" if version.submitted_at else "new"
            a = stored.get(version.pk)
            if a is not None:
                row.verdict, row.a, row.b, row.c, row.vetoes = a.verdict, a.count_a, a.count_b, a.count_c, a.vetoes
                score = _score(a.score_text)
                if score:
                    row.score, row.band = score.get("total"), score.get("band") or ""
        work = works.get(unit.pk)
        if work is not None:
            row.status = work.status
            row.overrides = sum(1 for e in work.sheet.get("items", []) if e.get("grade") or e.get("reason"))
        rows.append(row)
    return rows


SCORE_KEY = '\n  "score": '  # a top-level key of the stable JSON (indented by two spaces)
SCORE_CHARS = 600  # total, out_of, points, possible, the zero items (45 at most), band: then the note
_TOTAL = re.compile(r'"total": (-?[0-9.]+)')
_BAND = re.compile(r'"band": ("(?:[^"\\]|\\.)*")')


def _summaries(versions):
    """The stored results of `versions` with the part of their JSON that holds the score cut out by
    the database: a district page reads forty results, never their whole text."""
    from django.db.models import Value
    from django.db.models.functions import StrIndex, Substr

    return (Assessment.objects.filter(version__in=versions).defer("result").order_by("version_id", "-id")
            .annotate(score_text=Substr("result", StrIndex("result", Value(SCORE_KEY)), SCORE_CHARS)))


def _score(text: str | None) -> dict | None:
    """`total` and `band` of a result's score, from the cut-out text (None: graded by A/B/C)."""
    if not text or not text.startswith(SCORE_KEY):
        return None
    total, band = _TOTAL.search(text), _BAND.search(text)
    return {"total": float(total.group(1)) if total else None, "band": json.loads(band.group(1)) if band else ""}


SORTS = {"district": "县(区)", "community": "社区", "verdict": "结论", "a": "A", "b": "B", "c": "C", "vetoes": "否决",
         "score": "得分", "overrides": "改判", "status": "状态", "last_upload": "最近上传"}


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    key = key if key in SORTS else "community"
    present = [r for r in rows if getattr(r, key) is not None]
    absent = [r for r in rows if getattr(r, key) is None]  # no value: last either way
    present.sort(key=lambda r: (getattr(r, key), r.community), reverse=descending)
    return present + absent


def filter_rows(rows: list[Row], verdict: str = "", status: str = "", text: str = "") -> list[Row]:
    return [r for r in rows if (not verdict or r.verdict == verdict) and (not status or r.status == status)
            and (not text or text in r.community or text in r.district)]


# -- 规则集 -----------------------------------------------------------------------------------------

@dataclass
class Checked:
    """An uploaded variant: its rule set, or its problems (at its lines)."""

    scheme: object = None
    problems: list[Problem] = field(default_factory=list)
    bases: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # what it changes in its base, each at its line of the upload


def load_variant(text: bytes, name: str) -> Checked:
    """Load a variant from its bytes as `safecomm indicators --scheme FILE` would, in a scratch
    folder (a variant extends a shipped rule set by id); messages name the upload, not the folder."""
    from ...rulesets import load_scheme
    from ...upload import display_name

    label = display_name(name)
    if not label.lower().endswith((".yaml", ".yml")):
        return Checked(problems=[Problem(label, 0, 0, "", "规则集应为 .yaml 文件")])
    folder = storage.scratch("rules-")
    try:
        path = folder / label
        path.write_bytes(text)
        try:
            scheme = load_scheme(path)
        except InputError as exc:
            return Checked(problems=[_relabel(p, str(path), str(folder), label) for p in exc.problems])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    lineage = scheme.lineage
    changes = [c.model_copy(update={"source": c.source.replace(str(path), label)}) for c in (lineage.changes if lineage else ())]
    return Checked(scheme=scheme, bases=list(lineage.bases) if lineage else [], changes=changes)


def _relabel(problem: Problem, path: str, folder: str, label: str) -> Problem:
    from dataclasses import replace

    return replace(problem, file=label if problem.file == path else problem.file.replace(folder + "/", ""),
                   message=problem.message.replace(path, label).replace(folder + "/", ""))


@functools.lru_cache(maxsize=16)
def _variant(sha256: str, text: str, name: str):
    return load_variant(text.encode("utf-8"), name).scheme


@functools.lru_cache(maxsize=16)
def _shipped(name: str):
    from ...rulesets import load_scheme

    return load_scheme(name)


def variant_for(community: Unit, year: int):
    """The rule set a city activated for `year`, for a community of that city; None: the national one."""
    district = community.parent
    city = district.parent if district else None
    found = active(city, year) if city else None
    return _variant(found.sha256, found.text, found.name) if found else None


def scheme_of(stored: Assessment):
    """The rule set a stored result was graded with (old results keep theirs after a new activation)."""
    return _scheme_and_ref(stored)[0]


def scheme_ref(stored: Assessment, folder) -> str:
    """How a process of its own loads that rule set: a shipped one by name, a variant from its text
    written into `folder`."""
    _, name, rule_set = _scheme_and_ref(stored)
    if rule_set is None:
        return name
    path = folder / "rules.yaml"
    path.write_text(rule_set.text, encoding="utf-8")
    return str(path)


def _scheme_and_ref(stored: Assessment):
    from ...rulesets import available, examples

    for name in sorted(available() + examples(), key=lambda n: n != stored.scheme_id):  # its own name first
        scheme = _shipped(name)
        if (scheme.id, scheme.digest) == (stored.scheme_id, stored.scheme_digest):
            return scheme, name, None
    for rule_set in RuleSet.objects.filter(scheme_id=stored.scheme_id, scheme_version=stored.scheme_version):
        scheme = _variant(rule_set.sha256, rule_set.text, rule_set.name)
        if scheme is not None and scheme.digest == stored.scheme_digest:
            return scheme, None, rule_set
    raise LookupError(f"规则集 {stored.scheme_id} {stored.scheme_version}（{stored.scheme_digest[:12]}）不在本系统中")


def activate(rule_set: RuleSet, year: int, user) -> Activation:
    return Activation.objects.create(city=rule_set.city, year=year, rule_set=rule_set, by=user)


def active(city: Unit, year: int) -> RuleSet | None:
    """The variant a city activated for `year` (the latest activation), if any."""
    found = Activation.objects.filter(city=city, year=year).order_by("-id").select_related("rule_set").first()
    return found.rule_set if found else None
