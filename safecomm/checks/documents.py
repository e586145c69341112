"""Primitives over `documents`: rules, plans, contingency plans, records, archives, reports."""

from __future__ import annotations

from ..evidence import Document, Evidence
from ..measure import Measure
from ..terms import DocumentKind
from . import primitive
from .common import cite, mentions, words


def matching(ev: Evidence, kind: list[DocumentKind], topics: list[str], in_period: bool) -> list[Document]:
    """Documents of any of the kinds (all kinds when empty) whose topics or title mention any of
    the topic keywords (any topic when empty), issued within the period if asked."""
    return [
        d for d in ev.documents
        if (not kind or d.kind in kind)
        and (not topics or mentions(topics, d.title, *d.topics))
        and (not in_period or d.issued in ev.period)
    ]


def _what(kind: list[DocumentKind], topics: list[str], in_period: bool) -> str:
    scope = "评估期内印发的" if in_period else ""
    about = f"关于{words(topics)}的" if topics else ""
    return f"{scope}{about}{words(k.value for k in kind) if kind else ''}文件"


@primitive(unit="count", reads=("documents.kind", "documents.topics", "documents.title", "documents.issued"))
def documents(ev: Evidence, kind: list[DocumentKind] = [], topics: list[str] = [], in_period: bool = False) -> Measure:
    """文件数量：kind 为所列类别之一、主题或标题提到所列关键词之一的文件（可限评估期内印发）。"""
    found = matching(ev, kind, topics, in_period)
    what = _what(kind, topics, in_period)
    if not found:
        return Measure(0, f"未见{what}")
    return Measure(len(found), f"{what} {len(found)} 份：{cite(d.id for d in found)}", [d.id for d in found])


@primitive(unit="count", reads=("documents.kind", "documents.topics", "documents.title"))
def document_topics(ev: Evidence, topics: list[str], kind: list[DocumentKind] = []) -> Measure:
    """所列主题中有文件覆盖的个数：每个主题至少有一份（所列类别的）文件在主题或标题中提到它。"""
    covered, ids = [], []
    for topic in topics:
        found = matching(ev, kind, [topic], False)
        if found:
            covered.append(topic)
            ids += [d.id for d in found]
    missing = [t for t in topics if t not in covered]
    detail = f"{len(covered)}/{len(topics)} 个主题有{words(k.value for k in kind) if kind else ''}文件"
    if missing:
        detail += f"，缺少：{'、'.join(missing)}"
    return Measure(len(covered), detail, ids)


@primitive(unit="ratio", reads=("documents.file",))
def documents_with_file(ev: Evidence, kind: list[DocumentKind] = []) -> Measure:
    """有附件且附件存在的文件所占比例（可见证性）：所列类别的文件中，file 已给出且文件确实存在的比例。"""
    docs = [d for d in ev.documents if not kind or d.kind in kind]
    if not docs:
        return Measure(None, f"未见{words(k.value for k in kind) if kind else ''}文件")
    ok = [d for d in docs if d.file and d.file in ev.attachments and not ev.attachments[d.file].missing]
    lacking = [d.id for d in docs if d not in ok]
    from ..measure import ratio

    detail = f"{len(ok)}/{len(docs)} 份文件有可查的附件"
    if lacking:
        detail += f"，缺附件：{cite(lacking)}"
    return Measure(ratio(len(ok), len(docs)), detail, [d.id for d in docs])
