"""Who may see and change what: the one place that decides it.

A clerk sees and changes their own community; a reviewer sees the communities of their district;
a city officer those of their city's districts (and the city's rule-set variants); an admin
manages accounts and sees no community's evidence. Every page asks here for its objects, so
anything outside a user's scope is simply not found (404), never shown nor named."""

from __future__ import annotations

from functools import wraps

from django.http import Http404

from .accounts.models import User
from .units.models import Unit

CLERK, REVIEWER, OFFICER, ADMIN = User.CLERK, User.REVIEWER, User.OFFICER, User.ADMIN


def role(user) -> str | None:
    return user.role if user.is_authenticated and user.is_active else None


def communities(user):
    """The communities `user` may see."""
    r = role(user)
    base = Unit.objects.filter(level=Unit.COMMUNITY)
    if r == CLERK and user.unit_id:
        return base.filter(pk=user.unit_id)
    if r == REVIEWER and user.unit_id:
        return base.filter(parent_id=user.unit_id)
    if r == OFFICER and user.unit_id:
        return base.filter(parent__parent_id=user.unit_id)
    return base.none()


def districts(user):
    """The districts `user` oversees (a reviewer's own; an officer's city's)."""
    r = role(user)
    base = Unit.objects.filter(level=Unit.DISTRICT)
    if r == REVIEWER and user.unit_id:
        return base.filter(pk=user.unit_id)
    if r == OFFICER and user.unit_id:
        return base.filter(parent_id=user.unit_id)
    return base.none()


def cities(user):
    """The cities whose rule-set variants `user` maintains."""
    if role(user) == OFFICER and user.unit_id:
        return Unit.objects.filter(level=Unit.CITY, pk=user.unit_id)
    return Unit.objects.none()


def _in_communities(queryset, user, field: str = "community"):
    return queryset.filter(**{f"{field}__in": communities(user)})


def versions(user):
    from .evidence.models import Version

    return _in_communities(Version.objects.select_related("community", "upload"), user)


def uploads(user):
    from .evidence.models import Upload

    return _in_communities(Upload.objects.all(), user)


def assessments(user):
    from .evidence.models import Assessment

    return _in_communities(Assessment.objects.select_related("version", "version__community"), user,
                           "version__community")


def jobs(user):
    """Jobs about a version the user may see or a district they oversee, or that the user asked for."""
    from django.db.models import Q

    from .papers.models import Job

    return Job.objects.filter(Q(version__community__in=communities(user)) | Q(unit__in=districts(user))
                              | Q(requested_by=user.pk)).distinct() if role(user) else Job.objects.none()


def audit_entries(user):
    """An admin sees the whole log; an officer the entries of their city's units; nobody else any."""
    from django.db.models import Q

    from .audit.models import Entry

    r = role(user)
    if r == ADMIN:
        return Entry.objects.all()
    if r == OFFICER and user.unit_id:
        return Entry.objects.filter(Q(unit_id=user.unit_id) | Q(unit__parent_id=user.unit_id)
                                    | Q(unit__parent__parent_id=user.unit_id))
    return Entry.objects.none()


def get(queryset, **lookup):
    """The one object in scope, or 404 (also for a malformed key)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def may_edit(user, community: Unit) -> bool:
    """Only the community's own clerk uploads and submits its evidence."""
    return role(user) == CLERK and user.unit_id == community.pk


def may_review(user) -> bool:
    """Only a district's reviewer grades, imports a sheet, returns or forwards; a city officer reads
    the 审核 pages of their city's districts (which communities: `communities`)."""
    return role(user) == REVIEWER


def may_audit(user) -> bool:
    return role(user) in (ADMIN, OFFICER)


def roles(*allowed: str):
    """A view for these roles only; anyone else is answered 404 (the page does not exist for them)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if role(request.user) not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
