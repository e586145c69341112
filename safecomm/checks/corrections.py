"""Primitives over what was done about problems (indicator 11): rectifications of inspection
findings, corrective measures after accidents, preventive measures (举一反三), and their
verification. A rectification's kind is read as written, else from its link and its words."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING

from ..evidence import Rectification
from ..measure import Measure, natural_key, ratio
from ..terms import ActivityKind, DocumentKind, RectificationKind
from .registry import primitive
from .common import cite, either

if TYPE_CHECKING:
    from ..index import Index


def of_kind(ix: Index, kind: list[RectificationKind]) -> list[tuple[Rectification, str | None]]:
    """(record, how its kind was read) for the rectifications of the kinds (all when empty)."""
    out = []
    for r in ix.ev.rectifications:
        read, how = ix.rectification_kinds(r)
        if not kind or read & set(kind):
            out.append((r, how))
    return out


def _what(kind: list[RectificationKind]) -> str:
    return f"{either(k.value for k in kind)}措施" if kind else "整改、纠正或预防措施"


def verified(r: Rectification) -> bool:
    """Fixed, and verified on or after the day it was fixed."""
    return r.fixed is not None and r.verified is not None and r.verified >= r.fixed


def verified_units(r: Rectification) -> int:
    """How many of a row's `count` rectifications were verified: its 已复查数 when written
    (下达整改指令书63份、复查61份), else all of them or none by its dates."""
    if r.verified_count is not None:
        return r.verified_count
    return r.count if verified(r) else 0


@primitive(unit="count", reads=("rectifications.kind", "rectifications.issue", "rectifications.activity", "documents.title", "documents.topics"))
def measures(ix: Index, kind: list[RectificationKind] = [], terms: list[str] = [],
             document_kinds: list[DocumentKind] = []) -> Measure:
    """整改、纠正、预防措施条数：所列种类的措施记录（一行记多件的按件数计；未写种类时：指向检查的为整改，写明举一反三、推广的为预防，
    针对事故伤害原因的为纠正），加上标题或主题提到所列词条（如 纠正措施）的文件。"""
    found = of_kind(ix, kind)
    docs = ix.documents(document_kinds, terms) if terms else []
    what = _what(kind)
    if not found and not docs:
        return Measure(0, f"未见{what}")
    parts = []
    if found:
        parts.append(cite(f"{r.id}（{how}）" if how else r.id for r, how in found))
    if docs:
        parts.append(f"文件 {cite(f.id for f in docs)}")
    n = sum(r.count for r, _ in found) + len(docs)
    return Measure(n, f"{what} {n} 项：{'；'.join(parts)}", [r.id for r, _ in found] + [f.id for f in docs])


@primitive(unit="ratio", reads=("rectifications.fixed", "rectifications.verified", "rectifications.kind"))
def measures_verified(ix: Index, kind: list[RectificationKind] = []) -> Measure:
    """措施经验证的比例：所列种类的措施（按件数计）中，已完成且其后经验证（验证日期不早于完成日期）的比例；
    一行写了已复查数的（下达整改指令书63份、复查61份），按已复查数计。"""
    found = [r for r, _ in of_kind(ix, kind)]
    what = _what(kind)
    if not found:
        return Measure(None, f"未见{what}的完成和验证记录")
    whole = sum(r.count for r in found)
    done = sum(verified_units(r) for r in found)
    unfixed = [r.id for r in found if r.fixed is None and r.verified_count is None]
    unverified = [r.id for r in found if (r.fixed is not None or r.verified_count is not None) and verified_units(r) < r.count]
    detail = f"{done}/{whole} 条{what}已完成并经验证"
    if unfixed:
        detail += f"；未完成：{cite(unfixed)}"
    if unverified:
        detail += f"；未全部验证：{cite(unverified)}"
    return Measure(ratio(done, whole), detail, [r.id for r in found])


@primitive(unit="ratio", reads=("activities.findings", "rectifications.activity", "community.period"))
def findings_rectified(ix: Index) -> Measure:
    """检查发现问题的整改覆盖率：评估期内各次检查发现的问题中，有整改记录（指向该次检查）对应的比例；
    每次检查最多计其发现问题数，一行整改记多件的按件数计。检查都没有记录发现问题数时无从判断（需现场核实）。"""
    inspections = sorted((f.view.record for f in ix.activities([ActivityKind.INSPECTION])), key=lambda a: natural_key(a.id))
    counted = [a for a in inspections if a.findings is not None]
    if not counted:
        if inspections:
            return Measure(None, f"评估期内的检查 {cite(a.id for a in inspections)} 都没有记录发现的问题数",
                           [a.id for a in inspections], unknown=True)
        return Measure(None, "评估期内未见检查")
    found = [a for a in counted if a.findings]
    linked: Counter = Counter()
    for r in ix.ev.rectifications:
        if r.activity:
            linked[r.activity] += r.count
    total = sum(a.findings for a in found)
    if not total:
        return Measure(Fraction(1), f"评估期内的检查 {cite(a.id for a in counted)} 均未发现问题，无需整改", [a.id for a in counted])
    covered = sum(min(a.findings, linked[a.id]) for a in found)
    short = [f"{a.id} 发现 {a.findings} 处、整改 {linked[a.id]} 条" for a in found if linked[a.id] < a.findings]
    detail = f"评估期内检查发现问题 {total} 处，有整改记录 {covered} 处"
    if short:
        detail += "；" + "；".join(short[:6]) + ("等" if len(short) > 6 else "")
    inspected = {a.id for a in found}
    ids = [*inspected] + [r.id for r in ix.ev.rectifications if r.activity in inspected]
    return Measure(ratio(covered, total), detail, ids)
