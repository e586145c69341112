from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with one role at one unit; what the role may see is decided in `web.scope`."""

    CLERK, REVIEWER, OFFICER, ADMIN = "clerk", "reviewer", "officer", "admin"
    ROLES = [(CLERK, "社区填报人"), (REVIEWER, "县(区)审核人"), (OFFICER, "市级管理人员"), (ADMIN, "系统管理员")]
    UNIT_LEVEL = {CLERK: "community", REVIEWER: "district", OFFICER: "city"}

    role = models.CharField("角色", max_length=20, choices=ROLES, default=CLERK)
    unit = models.ForeignKey("units.Unit", verbose_name="所属单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="users")
    full_name = models.CharField("姓名", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        level = self.UNIT_LEVEL.get(self.role)
        if level and (self.unit is None or self.unit.level != level):
            from ..units.models import Unit

            raise ValidationError({"unit": f"{self.get_role_display()}的所属单位应是一个{dict(Unit.LEVELS)[level]}"})

    @property
    def shown_name(self) -> str:
        return self.full_name or self.username


class LoginFailure(models.Model):
    """A failed login, counted per account and address to lock out password guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
