from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .. import scope
from ..audit.models import Entry, client_ip, record
from . import throttle


def home_of(user) -> str:
    """Where a user lands after logging in."""
    from django.urls import reverse

    r = scope.role(user)
    if r == scope.CLERK and user.unit_id:
        return reverse("community", args=[user.unit_id])
    if r in (scope.REVIEWER, scope.OFFICER):
        return reverse("district")  # 辖区总览
    if r == scope.ADMIN:
        return reverse("audit")
    return reverse("login")


@require_http_methods(["GET", "POST"])
def login_view(request):
    error = ""
    username = ""
    status = 200
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        ip = client_ip(request)
        if throttle.locked(username, ip):
            error, status = throttle.LOCKED, 429
            record(request, Entry.LOGIN_FAILED, username=username, why="locked")
        else:
            user = authenticate(request, username=username, password=password)
            if user is None or scope.role(user) is None:
                throttle.failed(username, ip)
                record(request, Entry.LOGIN_FAILED, username=username)
                error, status = "账号或密码不对：请检查后重试（注意大小写和输入法）。", 400
            else:
                throttle.succeeded(username, ip)
                login(request, user)
                record(request, Entry.LOGIN, unit=user.unit)
                return redirect(target or home_of(user))
    return render(request, "accounts/login.html", {"error": error, "username": username, "next": target}, status=status)


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record(request, Entry.LOGOUT, unit=request.user.unit)
    logout(request)
    return redirect("login")


def home(request):
    return redirect(home_of(request.user))
