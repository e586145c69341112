"""Primitives over `organizations`: the leadership body, the working body, volunteers."""

from __future__ import annotations

from ..evidence import Evidence
from ..measure import Measure
from ..terms import MemberCategory, OrganizationKind
from . import primitive
from .common import cite


def _of_kind(ev: Evidence, kind: OrganizationKind):
    return [o for o in ev.organizations if o.kind is kind]


@primitive(unit="bool", reads=("organizations",))
def organization_exists(ev: Evidence, kind: OrganizationKind) -> Measure:
    """有某类组织：organizations 中至少一个 kind 为该类的组织。"""
    found = _of_kind(ev, kind)
    if not found:
        return Measure(False, f"未见{kind.value}（organizations 中没有 kind: {kind.value}）")
    return Measure(True, f"已有{kind.value}：{'、'.join(o.name for o in found)}", [o.id for o in found])


@primitive(unit="count", reads=("organizations.members.sector",))
def member_sectors(ev: Evidence, kind: OrganizationKind) -> Measure:
    """某类组织成员来自的不同部门数：统计其 members 的 sector 去重后的个数。"""
    orgs = _of_kind(ev, kind)
    sectors = sorted({m.sector for o in orgs for m in o.members if m.sector})
    if not orgs:
        return Measure(None, f"未见{kind.value}")
    listed = "、".join(sectors) or "无"
    return Measure(len(sectors), f"{kind.value}成员来自 {len(sectors)} 个部门：{listed}", [o.id for o in orgs])


@primitive(unit="count", reads=("organizations.members.category",))
def member_categories(ev: Evidence, kind: OrganizationKind) -> Measure:
    """某类组织成员覆盖的人员类别数（社区管理人员、相关单位工作人员、安全卫生技术人员、志愿者、社区居民）。"""
    orgs = _of_kind(ev, kind)
    if not orgs:
        return Measure(None, f"未见{kind.value}")
    found = {m.category for o in orgs for m in o.members if m.category}
    missing = [c.value for c in MemberCategory if c not in found]
    detail = f"{kind.value}成员覆盖 {len(found)} 类人员"
    if missing:
        detail += f"，缺少：{'、'.join(missing)}"
    return Measure(len(found), detail, [o.id for o in orgs])


@primitive(unit="bool", reads=("organizations.charter", "documents"))
def charter_documented(ev: Evidence, kind: OrganizationKind) -> Measure:
    """某类组织的职责有文件规定：每个该类组织的 charter 指向 documents 中存在的文件。"""
    orgs = _of_kind(ev, kind)
    if not orgs:
        return Measure(False, f"未见{kind.value}")
    docs = {d.id for d in ev.documents}
    lacking = [o.id for o in orgs if o.charter not in docs]
    if lacking:
        return Measure(False, f"{cite(lacking)} 没有规定职责的文件（charter）", [o.id for o in orgs])
    return Measure(True, f"{kind.value}职责见 {cite(o.charter for o in orgs)}", [o.id for o in orgs] + [o.charter for o in orgs])
