"""Primitives over `organizations`: the leadership body, the working body, volunteers.

A member's department (`sector`) and category are read as written, else from the words of
their unit and title (派出所 → 公安, 卫生服务中心 → 卫生 …, as the rule set's vocabulary says)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..measure import Measure, natural_key
from ..terms import MemberCategory, OrganizationKind
from .registry import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index


def _of_kind(ix: Index, kind: list[OrganizationKind]):
    """In id order: a detail line must not depend on the order the records were written in."""
    return sorted((o for o in ix.ev.organizations if o.kind in kind), key=lambda o: natural_key(o.id))


def _name(kind: list[OrganizationKind]) -> str:
    return either(k.value for k in kind)


@primitive(unit="count", reads=("organizations.kind",))
def organizations(ix: Index, kind: list[OrganizationKind]) -> Measure:
    """某类组织的个数：种类为所列之一的组织（名单或人数写明的，说明中列出人数）。"""
    found = _of_kind(ix, kind)
    if not found:
        return Measure(0, f"未见{_name(kind)}")
    sizes = [o.size or len(o.members) for o in found]
    people = f"，共 {sum(sizes)} 人" if any(sizes) else ""
    return Measure(len(found), f"已有{_name(kind)} {len(found)} 个{people}：{'、'.join(o.name for o in found)}", [o.id for o in found])


@primitive(unit="count", reads=("organizations.members.sector", "organizations.members.unit"))
def member_sectors(ix: Index, kind: list[OrganizationKind]) -> Measure:
    """某类组织成员来自的不同部门数：成员写明的部门，未写时按其单位名称推断；成员都看不出部门时无从判断（需现场核实）。"""
    orgs = _of_kind(ix, kind)
    if not orgs:
        return Measure(None, f"未见{_name(kind)}")
    members = [m for o in orgs for m in o.members]
    sectors = sorted({s for m in members if (s := ix.sector(m))})
    ids = [o.id for o in orgs]
    if not sectors:
        return Measure(None, f"{_name(kind)}未列出成员所在部门", ids, unknown=True)
    return Measure(len(sectors), f"{_name(kind)}成员来自 {len(sectors)} 个部门：{'、'.join(sectors)}", ids)


@primitive(unit="count", reads=("organizations.members.category", "organizations.members.unit"))
def member_categories(ix: Index, kind: list[OrganizationKind]) -> Measure:
    """某类组织成员覆盖的人员类别数（社区管理人员、相关单位工作人员、安全卫生技术人员、志愿者、社区居民），
    未写类别时按单位名称推断；成员都看不出类别时无从判断（需现场核实）。"""
    orgs = _of_kind(ix, kind)
    if not orgs:
        return Measure(None, f"未见{_name(kind)}")
    found = {c for o in orgs for m in o.members if (c := ix.category(m))}
    ids = [o.id for o in orgs]
    if not found:
        return Measure(None, f"{_name(kind)}未列出成员类别", ids, unknown=True)
    missing = [c.value for c in MemberCategory if c not in found]
    detail = f"{_name(kind)}成员覆盖 {len(found)} 类人员"
    if missing:
        detail += f"，缺少：{'、'.join(missing)}"
    return Measure(len(found), detail, ids)


@primitive(unit="bool", reads=("organizations.charter", "documents.title", "documents.topics", "documents.items"))
def charter_documented(ix: Index, kind: list[OrganizationKind], terms: list[str] = []) -> Measure:
    """某类组织的职责有文件规定：组织写明了规定其职责的文件，或有文件声明支持本条目、或在标题主题中提到所列词条
    （如 领导小组）。"""
    orgs = _of_kind(ix, kind)
    found = ix.documents(terms=terms) if terms else []
    if not orgs:  # a founding notice without the body registered is still related evidence
        seen = f"；已见相关文件 {cite(f.id for f in found)}" if found else ""
        return Measure(False, f"未登记{_name(kind)}{seen}", [f.id for f in found])
    linked = [o.charter for o in orgs if o.charter in ix.doc_by_id]
    ids = [o.id for o in orgs] + linked + [f.id for f in found]
    if not linked and not found:
        return Measure(False, f"未见规定{_name(kind)}职责的文件", ids)
    return Measure(True, f"{_name(kind)}的职责见 {cite(linked + [f.id for f in found])}", ids)
