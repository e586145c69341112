"""审计日志: the append-only record, filtered by action, user, unit and date."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import scope
from .models import Entry


@require_GET
@scope.roles(scope.ADMIN, scope.OFFICER)
def log(request):
    entries = scope.audit_entries(request.user).select_related("unit")
    action = request.GET.get("action", "")
    who = request.GET.get("user", "").strip()
    unit = request.GET.get("unit", "").strip()
    since = request.GET.get("since", "")
    until = request.GET.get("until", "")
    if action in dict(Entry.ACTIONS):
        entries = entries.filter(action=action)
    if who:
        entries = entries.filter(username__icontains=who)
    if unit:
        entries = entries.filter(unit__name__icontains=unit)
    for name, value, lookup in (("since", since, "at__date__gte"), ("until", until, "at__date__lte")):
        try:
            entries = entries.filter(**{lookup: date.fromisoformat(value)}) if value else entries
        except ValueError:
            pass
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/log.html", {
        "page": page, "actions": Entry.ACTIONS, "query": query.urlencode(),
        "filters": {"action": action, "user": who, "unit": unit, "since": since, "until": until},
    })
