"""Django's admin, for admins only: accounts and units."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import Http404

from . import scope
from .accounts.models import User
from .units.models import Unit


class Site(admin.AdminSite):
    site_header = site_title = "安全社区创建工作台 · 账号管理"
    index_title = "账号与单位"

    def has_permission(self, request) -> bool:
        return scope.role(request.user) == scope.ADMIN and request.user.is_staff

    def login(self, request, extra_context=None):
        """Everyone logs in on the workbench's own page; for anyone else the admin does not exist."""
        raise Http404


site = Site(name="admin")


class Users(UserAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("角色与单位", {"fields": ("full_name", "role", "unit")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("角色与单位", {"fields": ("full_name", "role", "unit")}),)


class Units(admin.ModelAdmin):
    list_display = ("name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name",)


site.register(User, Users)
site.register(Unit, Units)
