"""审核, 辖区总览, 年度对比 and 规则集. Every object comes through `web.scope`: outside it, 404."""

from __future__ import annotations

import hashlib
from collections import Counter

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ... import diff as compare_results
from ...loading import InputError
from .. import scope
from ..audit.models import Entry, record
from ..downloads import attachment
from . import export, work
from .models import ReviewWork, RuleSet

ACTIONS = {"changed": "修改", "added": "新增", "removed": "删除"}
DIRECTIONS = {"up": "↑ 提高", "down": "↓ 降低"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_BYTES = 1024 * 1024  # a review sheet of 45 items is some 10 KB; the engine's YAML limit is far above
RULES_BYTES = 5 * 1024 * 1024


def _rows(problems) -> list[dict]:
    """Problems of a file as the table the pages show: 位置 · 字段 · 问题."""
    return [{"place": p.place, "field": p.path, "problem": p.message} for p in problems]


# -- 审核 ------------------------------------------------------------------------------------------

def _page(request, now, values=None, errors=None, file_problems=None, status=200):
    errors = errors or []
    by_field = {}
    for name, message in errors:
        by_field.setdefault(name, []).append(message)
    groups = []
    if now.result is not None:
        items = {i.id: i for i in now.result.items}
        values = {**dict.fromkeys(work.FINISH_NEEDS, ""), **values} if values is not None else work.form_values(now, request.user, scope.may_review(request.user))
        for indicator in now.result.indicators:
            rows = []
            for item_id in indicator.items:
                item = items.get(item_id)
                if item is None:
                    continue
                rows.append({
                    "item": item, "grade": values.get(f"grade_{item.id}") or item.grade,
                    "reason": values.get(f"reason_{item.id}") or "", "onsite": bool(values.get(f"onsite_{item.id}")),
                    "errors": by_field.get(f"grade_{item.id}", []) + by_field.get(f"reason_{item.id}", []),
                    "grades": ("C",) if item.vetoed else ("A", "B", "C"),
                })
            groups.append({"indicator": indicator, "rows": rows})
    return render(request, "review/review.html", {
        "now": now, "groups": groups, "values": values or {}, "field_errors": by_field,
        "form_errors": by_field.get("", []), "file_problems": file_problems or [],
        "status": dict(ReviewWork.STATUSES).get(now.work.status, "") if now.work else "尚未开始",
        "can_forward": bool(now.work and now.work.status == ReviewWork.FINISHED and not now.changed),
        "readonly": not scope.may_review(request.user),
    }, status=status)


def _reviewing(request, pk: int):
    """The community in the user's scope (else 404) for a change of its review: a city officer
    reads the 审核 page but does not change it (403)."""
    unit = scope.get(scope.communities(request.user), pk=pk)
    if not scope.may_review(request.user):
        raise PermissionDenied
    return unit


@require_http_methods(["GET", "POST"])
@scope.roles(scope.REVIEWER, scope.OFFICER)
def review(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk) if request.method == "GET" else _reviewing(request, pk)
    now = work.current(unit)
    if request.method == "GET" or now.result is None:
        return _page(request, now)
    if now.work is not None and now.work.status == ReviewWork.FORWARDED:
        return _page(request, now, errors=[("", "本审核已上报，不能再修改；社区上传新版本后可重新审核")], status=400)
    fields = request.POST.dict()
    finishing = request.POST.get("action") == "finish"
    done = work.check(now, fields, finishing)
    if isinstance(done, list):
        return _page(request, now, fields, done, status=400)
    status = ReviewWork.FINISHED if finishing else ReviewWork.DRAFT
    saved = work.save(now, done, request.user, status)
    record(request, Entry.REVIEW, unit, f"{unit.name} 第 {now.version.number} 版",
           step="finish" if finishing else "save", review=saved.pk)
    return redirect("review", unit.pk)


@require_POST
@scope.roles(scope.REVIEWER, scope.OFFICER)
def review_import(request, pk: int):
    unit = _reviewing(request, pk)
    now = work.current(unit)
    sent = request.FILES.get("sheet")
    if now.result is None or sent is None:
        return _page(request, now, errors=[("", "请选择审核表文件（.yaml 或 .xlsx）后再导入")], status=400)
    if now.work is not None and now.work.status == ReviewWork.FORWARDED:
        return _page(request, now, errors=[("", "本审核已上报，不能再导入审核表")], status=400)
    if sent.size > SHEET_BYTES:
        return _page(request, now, errors=[("", f"审核表文件过大（{sent.size} 字节），上限为 {SHEET_BYTES} 字节")], status=400)
    try:
        sheet = work.imported(now, sent.read(), sent.name)
    except InputError as exc:
        return _page(request, now, file_problems=_rows(exc.problems), status=400)
    saved = work.save(now, sheet, request.user)
    record(request, Entry.REVIEW, unit, f"{unit.name} 导入审核表 {sent.name}"[:300], step="import", review=saved.pk)
    return redirect("review", unit.pk)


@require_GET
@scope.roles(scope.REVIEWER, scope.OFFICER)
def review_sheet(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk)
    now = work.current(unit)
    if now.result is None:
        return redirect("review", unit.pk)
    record(request, Entry.DOWNLOAD, unit, f"{unit.name} 审核表", step="export")
    if request.GET.get("as") == "xlsx":
        return attachment(work.exported_book(now), f"{unit.name}审核表.xlsx", XLSX)
    return attachment(work.exported(now).encode("utf-8"), f"{unit.name}.review.yaml", "text/yaml")


@require_POST
@scope.roles(scope.REVIEWER, scope.OFFICER)
def review_hand_on(request, pk: int):
    """Return the application to its clerk with a comment, or forward a finished review."""
    unit = _reviewing(request, pk)
    now = work.current(unit)
    step = request.POST.get("step")
    comment = (request.POST.get("comment") or "").strip()
    if now.result is None or step not in ("return", "forward") or (now.work and now.work.status == ReviewWork.FORWARDED):
        return _page(request, now, errors=[("", "没有可退回或上报的审核")], status=400)
    if step == "return" and not comment:
        return _page(request, now, errors=[("comment", "退回社区时请写明需要修改的内容")], status=400)
    if step == "forward" and not (now.work and now.work.status == ReviewWork.FINISHED and not now.changed):
        return _page(request, now, errors=[("comment", "请先完成审核（证据改动后须重新复核并完成），再上报")], status=400)
    status = ReviewWork.RETURNED if step == "return" else ReviewWork.FORWARDED
    saved = work.save(now, now.review, request.user, status, comment)
    record(request, Entry.REVIEW, unit, f"{unit.name} {'退回' if step == 'return' else '上报'}", step=step, review=saved.pk)
    return redirect("review", unit.pk)


# -- 辖区总览 --------------------------------------------------------------------------------------

HEADER = ["县(区)", "社区", "版本", "结论", "A", "B", "C", "否决", "得分", "分档", "改判", "状态", "最近上传"]


def _cells(row: work.Row) -> list:
    when = timezone.localtime(row.last_upload).strftime("%Y-%m-%d %H:%M") if row.last_upload else ""
    return [row.district, row.community, row.version, row.verdict, row.a, row.b, row.c, row.vetoes, row.score,
            row.band, row.overrides, row.status_words, when]


@require_GET
@scope.roles(scope.REVIEWER, scope.OFFICER)
def district(request):
    rows = work.district_rows(scope.communities(request.user))
    verdicts = sorted({r.verdict for r in rows if r.verdict})
    shown = work.filter_rows(rows, request.GET.get("verdict", ""), request.GET.get("status", ""), request.GET.get("q", "").strip())
    key = request.GET.get("sort", "community")
    descending = request.GET.get("dir") == "desc"
    shown = work.sort_rows(shown, key, descending)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        cells = [_cells(r) for r in shown]
        record(request, Entry.DOWNLOAD, request.user.unit, f"辖区总览 {fmt}", rows=len(cells))
        if fmt == "csv":
            return attachment(export.csv_bytes(HEADER, cells), "辖区总览.csv", "text/csv")
        return attachment(export.xlsx_bytes("辖区总览", HEADER, cells), "辖区总览.xlsx", XLSX)
    query = {k: v for k, v in request.GET.items() if k in ("verdict", "status", "q") and v}
    from ...report import charts
    from ...report.html import SANS
    from ..papers.models import DISTRICT, Job

    counted = Counter(r.verdict for r in rows if r.verdict)
    chart = charts.bars(sorted(counted.items(), key=lambda kv: -kv[1]), "个", SANS).svg if counted else None
    batches = []
    for unit in scope.districts(request.user).order_by("name"):
        job = Job.objects.filter(kind=DISTRICT, unit=unit).order_by("-id").first()
        batches.append({"district": unit, "job": job})
    columns = [{"key": k, "label": label, "dir": "asc" if key == k and descending else "desc" if key == k else "asc",
                "mark": ("▼" if descending else "▲") if key == k else ""} for k, label in work.SORTS.items()]
    return render(request, "review/district.html", {
        "rows": shown, "total": len(rows), "columns": columns, "query": query, "verdicts": verdicts,
        "statuses": list(work.STATUS_WORDS.items()), "sort": key, "dir": "desc" if descending else "asc",
        "filters": {"verdict": request.GET.get("verdict", ""), "status": request.GET.get("status", ""), "q": request.GET.get("q", "")},
        "chart": chart, "batches": batches,
    })


# -- 年度对比 --------------------------------------------------------------------------------------

@require_GET
@scope.roles(scope.CLERK, scope.REVIEWER, scope.OFFICER)
def compare(request, pk: int):
    unit = scope.get(scope.communities(request.user), pk=pk)
    versions = list(unit.versions.order_by("-number"))
    choices = [v for v in versions if v.assessments.exists()]
    context = {"unit": unit, "choices": choices, "diff": None, "old": None, "new": None, "rows": []}
    old_pk, new_pk = request.GET.get("old"), request.GET.get("new")
    if not (old_pk and new_pk):
        if len(choices) >= 2:
            old_pk, new_pk = choices[1].pk, choices[0].pk
        else:
            return render(request, "review/compare.html", context)
    old = scope.get(scope.versions(request.user).filter(community=unit), pk=old_pk)
    new = scope.get(scope.versions(request.user).filter(community=unit), pk=new_pk)
    before, after = old.assessments.order_by("-id").first(), new.assessments.order_by("-id").first()
    if before is None or after is None:
        return render(request, "review/compare.html", context, status=404)
    a, b = before.parsed(), after.parsed()
    d = compare_results.compare(a, b, f"第 {old.number} 版", f"第 {new.number} 版")
    changed = {g.item: g for g in d.grades}
    olds = {i.id: i for i in a.items}
    rows = [{"id": i.id, "text": i.text, "old": olds[i.id].final_grade if i.id in olds else "", "new": i.final_grade,
             "change": changed.get(i.id), "direction": DIRECTIONS[changed[i.id].direction] if i.id in changed else ""}
            for i in b.items]
    context.update(diff=d, old=old, new=new, rows=rows, before=a, after=b)
    return render(request, "review/compare.html", context)


# -- 规则集 -----------------------------------------------------------------------------------------

def _rules_page(request, city, problems=None, status=200, name=""):
    sets = []
    for rule_set in RuleSet.objects.filter(city=city).order_by("-id"):
        years = sorted({a.year for a in rule_set.activations.all() if work.active(city, a.year) == rule_set})
        sets.append({"set": rule_set, "years": years})
    return render(request, "review/rules.html", {
        "city": city, "sets": sets, "problems": problems or [], "name": name,
        "this_year": timezone.localdate().year, "limit": RULES_BYTES,
    }, status=status)


@require_http_methods(["GET", "POST"])
@scope.roles(scope.OFFICER)
def rules(request):
    city = scope.get(scope.cities(request.user))
    if request.method == "GET":
        return _rules_page(request, city)
    sent = request.FILES.get("file")
    if sent is None:
        return _rules_page(request, city, [{"place": "上传表单", "field": "文件", "problem": "没有选择规则集文件（.yaml）"}], 400)
    if sent.size > RULES_BYTES:
        return _rules_page(request, city, [{"place": sent.name, "field": "", "problem": f"文件过大（{sent.size} 字节），上限为 {RULES_BYTES} 字节"}], 400)
    raw = sent.read()
    checked = work.load_variant(raw, sent.name)
    if checked.problems:
        record(request, Entry.RULES, city, f"规则集 {sent.name} 未通过"[:300], problems=len(checked.problems))
        return _rules_page(request, city, _rows(checked.problems), 400, sent.name)
    scheme, bases = checked.scheme, checked.bases
    rule_set = RuleSet.objects.create(
        city=city, name=sent.name[:255], text=raw.decode("utf-8-sig"), sha256=hashlib.sha256(raw).hexdigest(),
        scheme_id=scheme.id, scheme_version=scheme.version, title=scheme.title, base=bases[0].id if bases else "",
        uploaded_by=request.user)
    record(request, Entry.RULES, city, f"上传规则集 {scheme.id} {scheme.version}", rule_set=rule_set.pk, sha256=rule_set.sha256)
    return redirect("rule_set", rule_set.pk)


@require_GET
@scope.roles(scope.OFFICER)
def rule_set(request, pk: int):
    rule_set = scope.get(RuleSet.objects.filter(city__in=scope.cities(request.user)), pk=pk)
    checked = work.load_variant(rule_set.text.encode("utf-8"), rule_set.name)
    years = sorted({a.year for a in rule_set.activations.all()})
    return render(request, "review/rule_set.html", {
        "rule_set": rule_set, "problems": _rows(checked.problems), "bases": checked.bases,
        "changes": [{"action": ACTIONS[c.action], "target": c.target, "field": c.field or "",
                     "base": "" if c.base is None else c.base, "value": "" if c.value is None else c.value,
                     "source": c.source} for c in checked.changes],
        "years": years, "this_year": timezone.localdate().year,
    })


@require_POST
@scope.roles(scope.OFFICER)
def rule_set_activate(request, pk: int):
    rule_set = scope.get(RuleSet.objects.filter(city__in=scope.cities(request.user)), pk=pk)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return _rules_page(request, rule_set.city, [{"place": "启用年度", "field": "year", "problem": "年度应为 2000 至 2100 之间的整数，如 2025"}], 400)
    work.activate(rule_set, year, request.user)
    record(request, Entry.RULES, rule_set.city, f"启用规则集 {rule_set.scheme_id} 于 {year} 年度", rule_set=rule_set.pk, year=year)
    return redirect("rules")
