"""The Jinja2 environment of the pages: autoescaped, strict about undefined names, with `url`,
`static` and a few formatting filters (no logic in templates beyond loops and conditions)."""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment, StrictUndefined

GRADE_CLASS = {"A": "grade-a", "B": "grade-b", "C": "grade-c"}
STATUS = {"met": "达标", "not_met": "未达标", "veto": "否决", "no_data": "无数据"}
CHECK = {"passed": "通过", "failed": "未通过", "unknown": "需现场核实"}


def url(name: str, *args, **query) -> str:
    from urllib.parse import urlencode

    path = reverse(name, args=args)
    return f"{path}?{urlencode(query)}" if query else path


def when(value) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def size(value: int) -> str:
    for unit in ("字节", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{value:.0f} {unit}" if unit == "字节" else f"{value:.1f} {unit}"
        value /= 1024
    return str(value)


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(**options)
    from .nav import menu

    env.globals.update(url=url, static=staticfiles_storage.url, menu=menu)
    env.filters.update(when=when, size=size, grade_class=lambda g: GRADE_CLASS.get(g, ""),
                       status=lambda s: STATUS.get(s, s), check=lambda s: CHECK.get(s, s))
    return env
