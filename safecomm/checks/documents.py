"""Primitives over `documents`: rules, plans, contingency plans, records, reports.

A document counts for a check when it is of one of the kinds asked for (as read: a 通知 that
issues a 制度 is a 制度) and either declares the item being graded (`items`) or names one of
the check's vocabulary terms in its title or topics. One of the kind whose words miss (naming
no other work, only the whole work or a domain: 社区安全生产工作制度), or one on the topic of
another kind, is related evidence to confirm on site, never a blank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..measure import Measure, ratio
from ..terms import DocumentKind
from .registry import primitive
from .common import cite, cite_found, either, filed, files

if TYPE_CHECKING:
    from ..index import Index


def what(kind: list[DocumentKind], terms: list[str], in_period: bool, and_terms: list[str] = (), issued: bool = False) -> str:
    """`评估期的关于检查的计划或方案文件`, `评估期内印发的…`"""
    scope = "评估期内印发的" if issued else "评估期的" if in_period else ""
    about = (f"关于{either(terms)}的" if terms else "") + (f"涉及{either(and_terms)}的" if and_terms else "")
    return f"{scope}{about}{either(k.value for k in kind) if kind else ''}文件"


@primitive(unit="count", reads=("documents.kind", "documents.title", "documents.topics", "documents.items", "documents.issued",
                                "projects.plan", "projects.name"))
def documents(
    ix: Index, kind: list[DocumentKind] = [], terms: list[str] = [], and_terms: list[str] = [], in_period: bool = False,
    issued_in_period: bool = False, not_project_plans: bool = False,
) -> Measure:
    """文件数量：种类为所列之一（通知、纪要等按标题中的种类词推断），且声明支持本条目（items）或标题、主题中
    有所列词条之一（and_terms 给出时还须有其中之一）；可只计评估期内的（标题写明年度的按所写年度，如 2024 年的
    计划在 2023 年底印发也是 2024 年的；没写年度的按印发日期），或只计评估期内印发的（issued_in_period：如年末为
    今后几年制定的改进计划）；not_project_plans 时不计项目自己的实施方案。没有符合的文件、但有所列种类的
    文件标题没写明管哪一件事（只泛指整体的安全工作或安全领域，见规则集的 general，或写明了所列词条而种类不同）时，
    无从判断（可能就是，需现场核实）。"""
    found = ix.documents(kind, terms, and_terms, in_period, issued_in_period)
    about = what(kind, terms, in_period, and_terms, issued_in_period)
    own = ix.project_plans() if not_project_plans else frozenset()
    if own:
        mine = [f for f in found if f.id in own]
        found = [f for f in found if f.id not in own]
        if mine and not found:
            return Measure(0, f"未见{about}；{cite(f.id for f in mine)} 是安全促进项目自己的实施方案，不是社区的计划",
                           [f.id for f in mine])
    if not found:
        near = ix.near_documents(kind, terms, in_period, issued_in_period)
        hint = "；".join(near[:3]) or None
        # The same document issued in another year is related evidence: not current, but not blank either.
        other_years = ix.documents(kind, terms, and_terms, False) if in_period or issued_in_period else []
        if other_years:
            dated = "、".join(f"{f.id}（{_issued(f)}）" for f in other_years[:6])
            return Measure(0, f"未见{about}；其他时间印发的有：{dated}", [f.id for f in other_years], hint=hint)
        # A document of the kind whose words miss, or one on the topic of another kind, may be it: related, to confirm.
        maybe = ix.maybe_documents(kind, terms, in_period or issued_in_period)
        if maybe:
            return Measure(0, f"未见{about}；{cite_found(maybe)} 可能是，需核实内容", [f.id for f in maybe],
                           unknown=True, hint=hint)
        return Measure(0, f"未见{about}", hint=hint)
    return Measure(len(found), f"{about} {len(found)} 份：{cite_found(found)}", [f.id for f in found])


@primitive(unit="count", reads=("documents.kind", "documents.title", "documents.topics"))
def document_terms(ix: Index, terms: list[str], kind: list[DocumentKind] = []) -> Measure:
    """所列词条中有文件覆盖的个数：每个词条至少有一份（所列种类的）文件在标题或主题中提到它。一份汇编可覆盖多个词条。"""
    of_kind = ix.documents(kind)
    covered = {t: [f for f in of_kind if t in f.view.terms] for t in terms}
    hit = [t for t in terms if covered[t]]
    missing = [t for t in terms if not covered[t]]
    detail = f"{len(hit)}/{len(terms)} 个方面有{either(k.value for k in kind) if kind else ''}文件"
    if hit:
        detail += "：" + "；".join(f"{t} {cite(f.id for f in covered[t])}" for t in hit)
    if missing:
        detail += f"；未见：{'、'.join(missing)}"
    return Measure(len(hit), detail, [f.id for t in hit for f in covered[t]], seen=bool(of_kind))


@primitive(unit="ratio", reads=("documents.file",))
def documents_with_file(ix: Index, kind: list[DocumentKind] = [], terms: list[str] = []) -> Measure:
    """有可查原件的文件所占比例（可见证、可追溯）：所列种类（和词条）的文件中，附件已给出且确实存在的比例。
    证据中的文件都没有附原件时（从未用到 file），或没有所列词条的文件、只有所列种类而标题没写明管哪一件事的文件时，
    无从判断（需现场查阅）。"""
    found = ix.documents(kind, terms)
    about = what(kind, terms, False)
    if not found:
        maybe = ix.maybe_documents(kind, terms, False)  # one of the kind whose words miss: related, to confirm
        if maybe:
            return Measure(None, f"未见{about}；{cite_found(maybe)} 可能是，需核实内容", [f.id for f in maybe], unknown=True)
        return Measure(None, f"未见{about}")
    if not any(d.file for d in ix.ev.documents):
        return Measure(None, f"{about} {len(found)} 份：{cite(f.id for f in found)}；证据中的文件都未附原件，需现场查阅",
                       [f.id for f in found], unknown=True)
    lacking = [f.id for f in found if not filed(ix, files(f.view.record))]
    detail = f"{len(found) - len(lacking)}/{len(found)} 份{about}有可查的原件"
    if lacking:
        detail += f"，缺原件：{cite(lacking)}"
    return Measure(ratio(len(found) - len(lacking), len(found)), detail, [f.id for f in found])


def _issued(found) -> str:
    day = found.view.record.issued
    return f"{day.year}年{day.month}月{day.day}日印发" if day else "未写印发日期"

