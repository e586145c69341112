"""Entries are written once: the model, its querysets and (by a migration) the database itself
refuse to change or remove one."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnly(Exception):
    """An audit entry cannot be changed or deleted."""


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("审计日志只能追加，不能修改")

    def delete(self):
        raise AppendOnly("审计日志只能追加，不能删除")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("审计日志只能追加，不能修改")


class Entry(models.Model):
    LOGIN, LOGIN_FAILED, LOGOUT, UPLOAD, UPLOAD_REFUSED, SUBMIT, DOWNLOAD, REVIEW, RULES, ACCOUNT = (
        "login", "login_failed", "logout", "upload", "upload_refused", "submit", "download", "review", "rules", "account")
    ACTIONS = [
        (LOGIN, "登录"), (LOGIN_FAILED, "登录失败"), (LOGOUT, "退出"), (UPLOAD, "上传证据"),
        (UPLOAD_REFUSED, "上传未通过"), (SUBMIT, "提交审核"), (DOWNLOAD, "下载"), (REVIEW, "审核"),
        (RULES, "规则集变更"), (ACCOUNT, "账号管理"),
    ]

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    username = models.CharField("账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=30, choices=ACTIONS, db_index=True)
    unit = models.ForeignKey("units.Unit", verbose_name="单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    target = models.CharField("对象", max_length=300, blank=True)
    ip = models.CharField("地址", max_length=64, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnly("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("审计日志只能追加，不能删除")


def record(request, action: str, unit=None, target: str = "", **detail) -> Entry:
    """Append one entry for the request's user (or the name tried, for a failed login)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return Entry.objects.create(
        user=user if signed_in else None,
        username=user.username if signed_in else str(detail.pop("username", ""))[:150],
        action=action, unit=unit, target=target[:300], ip=client_ip(request), detail=detail,
    )


def client_ip(request) -> str:
    """The peer's address (a proxy in front sets SAFECOMM_PROXY=1 to pass X-Forwarded-For)."""
    import os

    if os.environ.get("SAFECOMM_PROXY") == "1":
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:64]
    return request.META.get("REMOTE_ADDR", "")[:64]
