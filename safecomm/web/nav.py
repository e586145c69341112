"""The menu each role sees (pages added by other modules register here)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from . import scope

# (label, url name, roles); an entry whose page is not installed is left out
ENTRIES = [
    ("我的社区", "my_community", (scope.CLERK,)),
    ("社区列表", "communities", (scope.REVIEWER, scope.OFFICER)),
    ("辖区总览", "district", (scope.REVIEWER, scope.OFFICER)),
    ("规则集", "rules", (scope.OFFICER,)),
    ("审计日志", "audit", (scope.ADMIN, scope.OFFICER)),
    ("账号管理", "admin:index", (scope.ADMIN,)),
]


def menu(user) -> list[tuple[str, str]]:
    r = scope.role(user)
    out = []
    for label, name, roles in ENTRIES:
        if r in roles:
            try:
                out.append((label, reverse(name)))
            except NoReverseMatch:
                continue
    return out
