"""Primitives over `activities`: education, training, drills, inspections, exchanges, meetings.

An activity's kind, inspection scope, audience, domains and organizer are read as the index
reads them: written first, else from links and the title's vocabulary terms. An activity that
declares the item being graded (`items`) passes every filter its record leaves open (taken as
labelled, to be confirmed when its words miss); one of the kind whose words miss is related
evidence to confirm, never a blank.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from ..measure import Measure, natural_key
from ..terms import ActivityKind, Audience, Domain, InspectionScope, OrganizationKind
from .registry import primitive
from .common import cite, cite_found, either, events, quarter_name, quarters, seen, spread, total, words

if TYPE_CHECKING:
    from ..index import Index


def describe(kind=(), scope=(), audience=(), domains=(), organizer=(), terms=(), in_period=True) -> str:
    """`评估期内面向居民的教育、培训活动`"""
    parts = ["评估期内" if in_period else ""]
    if organizer:
        parts.append(f"由{either(o.value for o in organizer)}组织的")
    if audience:
        parts.append(f"面向{either(a.value for a in audience)}的")
    if domains:
        parts.append(f"{either(d.value for d in domains)}方面的")
    if terms:
        parts.append(f"关于{either(terms)}的")
    if scope:
        parts.append(either(s.value for s in scope))
    parts.append(f"{words(k.value for k in kind) if kind else ''}活动")
    return "".join(parts)


@primitive(unit="count", reads=("activities.kind", "activities.date", "activities.scope", "activities.audience",
                                "activities.domains", "activities.organizer", "activities.title", "activities.items"))
def activities(
    ix: Index,
    kind: list[ActivityKind] = [],
    scope: list[InspectionScope] = [],
    audience: list[Audience] = [],
    domains: list[Domain] = [],
    organizer: list[OrganizationKind] = [],
    terms: list[str] = [],
    in_period: bool = True,
    or_terms: list[str] = [],
) -> Measure:
    """活动次数：符合所有所给条件（种类、检查类型、对象、领域、组织者类别、标题中的词条）的活动，默认只计评估期内；
    另计标题写明 or_terms 所列词条的任何种类的活动（如居民议事会商议修复损坏的长廊雨棚，也是维护了公共设施）。
    一行记多次的按其次数计（全年演练48场为48次；跨出评估期的日期段按期内天数折算）。
    对象含其下的人群（居民含老年人、儿童……）；未写的类型、对象、领域、组织者按标题中的词条推断。
    没有符合的活动、但有所列种类的活动其类型、对象、领域或标题都没写明时，无从判断（可能就是，需现场核实）。"""
    found = ix.activities(kind, scope, audience, domains, organizer, terms, in_period)
    what = describe(kind, scope, audience, domains, organizer, terms, in_period)
    if or_terms:
        have = {f.id for f in found}
        found += [f for f in ix.activities(terms=or_terms, in_period=in_period) if f.id not in have]
        found.sort(key=lambda f: natural_key(f.id))
        what += f"（或关于{either(or_terms)}的活动）"
    if not found:
        # Activities of the kind whose words leave the rest open may be it: related, to be confirmed, never blank.
        maybe = ix.maybe_activities(kind, scope, audience, domains, organizer, terms, in_period)
        if maybe:
            return Measure(0, f"未见{what}；{cite_found(maybe)} 可能是，需核实内容", [f.id for f in maybe], unknown=True)
        return Measure(0, f"未见{what}")
    n = total(ix, found, in_period)
    return Measure(n, f"{what} {n} 次：{cite_found(found)}", [f.id for f in found])


@primitive(unit="count", reads=("activities.kind", "activities.audience", "activities.domains", "activities.title"))
def activity_variety(
    ix: Index,
    field: Literal["kind", "audience", "domains"],
    kind: list[ActivityKind] = [],
    terms: list[str] = [],
    in_period: bool = True,
) -> Measure:
    """活动的多样性：所列种类的活动（默认评估期内）中，field（kind 形式 / audience 对象 / domains 领域）不同取值的个数。
    活动都看不出领域时，无从判断（需现场核实）。"""
    found = ix.activities(kind, terms=terms, in_period=in_period)
    label = {"kind": "形式", "audience": "对象", "domains": "领域"}[field]
    what = describe(kind, terms=terms, in_period=in_period)
    if not found:
        return Measure(0, f"未见{what}")
    values: set[str] = set()
    silent = []
    for f in found:
        if field == "kind":
            got = f.view.kinds & set(kind) if kind else {f.view.record.kind}
        else:
            got = getattr(f.view, field)
        values |= {v.value for v in got}
        if not got:
            silent.append(f.id)
    ids = [f.id for f in found]
    if not values:
        return Measure(None, f"{what} {len(found)} 次，均未写明也看不出{label}", ids, unknown=True)
    detail = f"{what}涉及 {len(values)} 种{label}：{'、'.join(sorted(values))}"
    if silent:  # 全年演练48场 with no domain said: what it covered is for the reviewer to see
        detail += f"；{cite(silent)} 未写明也看不出{label}"
    return Measure(len(values), detail, ids)


@primitive(unit="count", reads=("activities.kind", "activities.date", "activities.audience", "community.period"))
def fewest_per_quarter(ix: Index, kind: list[ActivityKind], audience: list[Audience] = []) -> Measure:
    """评估期每个季度的活动次数中最少的一个：用于“每季度不少于一次”。评估期涉及的每个日历季度都计入；
    一行记一段时间内多次活动的，次数不少于所跨季度数时计入所跨的每个季度（平均分配），否则只计入首次和末次所在的季度；
    对象含其下的人群（面向老年人、儿童的教育也是面向居民的教育）。"""
    found = ix.activities(kind, audience=audience)
    counts = {q: 0 for q in quarters(ix.period.start, ix.period.end)}
    within = set(counts)
    for f in found:
        for q, n in spread(ix, f.view.record, within).items():
            counts[q] += n
    what = describe(kind, audience=audience, in_period=False)
    empty = [q for q, n in counts.items() if n == 0]
    fewest = min(counts.values())
    if empty:
        detail = f"{'、'.join(quarter_name(q) for q in empty)}没有{what}{seen(f.id for f in found)}"
    else:
        per = "、".join(f"Q{q[1]} {n}次" for q, n in counts.items())
        detail = f"每个季度都有{what}（{per}）：{cite_found(found)}"
    return Measure(fewest, detail, [f.id for f in found])


def per_quarter(ix: Index, kind: list[ActivityKind], audience: list[Audience]) -> list[tuple[str, int]]:
    """(季度, 次数) over the period, for the education chart: the same reading as 6.4."""
    within = quarters(ix.period.start, ix.period.end)
    spanned = set(within)
    tally: Counter = Counter()
    for f in ix.activities(kind, audience=audience):
        tally.update(spread(ix, f.view.record, spanned))
    return [(quarter_name(q), tally.get(q, 0)) for q in within]


# Where what an inspection checks begins, read back from its inspection word: 对企业开展｜消防安全检查
BOUNDARY = re.compile(r"开展|进行|组织|实施|展开|对|的|了|[，,。；;：:]")


@lru_cache(maxsize=16)
def _check_words(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))))


def checked_domains(ix: Index, title: str, titled: frozenset[Domain]) -> frozenset[Domain]:
    """The domains an inspection's title says it checked: those named just before its last inspection word
    (开展消防安全检查 checked 消防安全, though it names 企业 and 工地 as where); the title's domains when it
    names no inspection word, or nothing stands before it."""
    text = ix.words.normal(title)
    found = list(_check_words(tuple(ix.words.words("检查"))).finditer(text))
    if not found:
        return titled
    head = BOUNDARY.split(text[:found[-1].start()])[-1]
    said = ix.domains_in(head) if head else frozenset()
    return said or titled


@primitive(unit="count", reads=("activities.kind", "activities.scope", "activities.date", "activities.title", "activities.domains",
                                "hazards.activity", "hazards.category", "hazards.place", "rectifications.activity", "rectifications.issue"))
def comprehensive_inspections(
    ix: Index,
    min_domains: int = Field(3, ge=2, le=12),
    broad: list[Domain] = [],
) -> Measure:
    """评估期内开展综合性安全检查的天数。一次检查是综合性的：检查类型写明综合；或它涉及的安全领域不少于
    min_domains 个（领域来自检查写明的和标题中的，以及指向它的隐患、整改记录）；或标题写明综合检查、大检查。
    标题只点出一个领域的（消防安全大检查、拉网式消防安全检查）是那个领域的专项检查，查出的隐患在什么场所都一样，
    只有写明的 scope 或 domains 能使它算综合；broad 所列的领域除外（安全生产大检查查的是全部生产经营单位）。
    检查查的是什么，看紧挨检查一词之前的说法：对企业及施工工地开展消防安全检查 查的是消防，企业、工地是在哪里查；
    标题写明专项（燃气安全、消防安全专项行动）的也是专项检查。专项检查同样只有写明的 scope 或 domains 能使它算综合。
    同一天的几次综合检查算一天；一行记一段时间内多次的，按次数计，但不超过这段时间的天数。"""
    found = ix.activities([ActivityKind.INSPECTION])
    linked: dict[str, list] = {}  # inspection → the hazards and rectifications found in it, read only when needed
    for h in ix.ev.hazards:
        if h.activity:
            linked.setdefault(h.activity, []).append((h.category, h.place))
    for r in ix.ev.rectifications:
        if r.activity:
            linked.setdefault(r.activity, []).append((r.issue,))
    days: set = set()
    ranged = 0
    counted, refused = [], []
    for f in found:
        a = f.view
        written = a.record.scope
        titled = ix.domains_in(a.record.title)
        subject = checked_domains(ix, a.record.title, titled)
        # the title calls it 专项 in so many words, and not also a 大检查 (安全生产大检查暨专项整治 is both)
        said = written is None and "…" not in a.terms.get("专项检查", "…") and "…" in a.terms.get("综合检查", "…")
        # 消防安全检查: one domain is what was checked, wherever it was and whatever it found
        single = said or (len(subject) == 1 and bool(subject - set(broad)))
        if written is InspectionScope.COMPREHENSIVE or len(set(a.record.domains) | (subject if single else a.domains)) >= min_domains:
            pass
        elif a.id in linked and not single and len(a.domains.union(*(ix.domains_in(*t) for t in linked[a.id]))) >= min_domains:
            pass
        elif written is None and a.scope is InspectionScope.COMPREHENSIVE and not single:
            pass
        else:
            if written is None and single and (a.scope is InspectionScope.COMPREHENSIVE or a.id in linked or len(a.domains) >= min_domains):
                one = len(subject) == 1
                refused.append(f"{a.id} 只涉及{next(iter(subject)).value}" if one else f"{a.id} 标题写明专项")
            continue
        counted.append(f)
        first, last = max(a.record.date, ix.period.start), min(a.record.last, ix.period.end)
        if first == last:
            days.add(first)
        else:
            ranged += min(events(ix, a.record), (last - first).days + 1)
    n = len(days) + ranged
    tail = f"；标题只点出一个领域或写明专项，按专项检查计：{'、'.join(refused)}" if refused else ""
    if not counted:
        return Measure(0, f"评估期内未见综合性安全检查{tail}", seen=bool(found))
    rows = total(ix, counted)
    same_day = f"（{rows} 次检查，同一天的算一天）" if rows > n else ""
    return Measure(n, f"评估期内综合性安全检查 {n} 天{same_day}：{cite_found(counted)}{tail}", [f.id for f in counted])
