"""Login throttling: after `LIMIT` failures for one account from one address within `WINDOW`,
that pair is locked until the oldest failure leaves the window."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from .models import LoginFailure

LIMIT = 5
WINDOW = timedelta(minutes=15)
LOCKED = f"登录失败次数过多（{WINDOW.seconds // 60} 分钟内 {LIMIT} 次），该账号在本机已暂时锁定：请 {WINDOW.seconds // 60} 分钟后再试，或请管理员重设密码。"


def locked(username: str, ip: str) -> bool:
    since = timezone.now() - WINDOW
    return LoginFailure.objects.filter(username=username, ip=ip, at__gte=since).count() >= LIMIT


def failed(username: str, ip: str) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)


def succeeded(username: str, ip: str) -> None:
    LoginFailure.objects.filter(username=username, ip=ip).delete()
