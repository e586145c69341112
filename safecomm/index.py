"""The evidence as the rules read it, worked out once per assessment.

What a record is comes first from what the clerk wrote (kind, scope, audience, domains,
organizer, items), then from its links (the inspection a hazard or a rectification points
to), then from its title through the rule set's vocabulary: two clerks who describe the
same work in their own words are read the same way. Each inference keeps the word that
caused it, so a detail line can say why a record counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .evidence import Activity, Document, Evidence, Hazard, Member, Project, Rectification
from .measure import natural_key
from .terms import (
    INCIDENT_CAUSE,
    TARGET_KINDS,
    TARGET_WORDS,
    ActivityKind,
    Audience,
    DocumentKind,
    Domain,
    InspectionScope,
    MemberCategory,
    OrganizationKind,
    RectificationKind,
)
from .vocabulary import title_years, unwrap

if TYPE_CHECKING:
    from .scheme import Scheme

PLAN_KINDS = frozenset({DocumentKind.SCHEME, DocumentKind.PLAN})
# The rule set's terms that say what a rectification without a kind is, in the order they are tried:
# 举一反三 is a preventive measure even when it names a cause; a cause named is a corrective one.
CUES = ((RectificationKind.PREVENTIVE, ("预防措施",)), (RectificationKind.CORRECTIVE, ("纠正措施", "原因分析")))
ONLY = {k: frozenset({k}) for k in RectificationKind}
RECTIFY_AND_CORRECTIVE = frozenset({RectificationKind.RECTIFY, RectificationKind.CORRECTIVE})
# A record that declares more items than this, and whose words say none of an item's terms, is a
# catch-all (one 安全管理制度 boxed under six indicators): related evidence for each, proof of none.
# One or two items is how offices box a record that serves an indicator and its neighbour.
CLAIMS = 2
# A title that opens with a higher level of government (XX市, XX区, XX县, XX开发区) and names no
# street, township, community or village is that level's paper, not the community's own: 邹城市突发事件
# 总体应急预案 is the city's plan, 大武口区安全社区建设工作实施方案 the district's.
UPPER = re.compile(r"^[\s《“\"（(【\[]*(?:\d{4}\s*(?:[—\-－至~]\s*\d{4}\s*)?年度?)?[\s《“\"（(]*"
                   r"[^\s\d的和与及对在为年月日、，,（(《“]{1,8}?"
                   r"(?:省|自治区|市(?![场民政容])|县(?!级)|自治州|开发区|新区|(?<![社小辖片园校景])区(?![域级属内直委分别]))")
# A title that cites a clause (市社区安全管理规定第八条) quotes a law or a higher level's regulation.
CLAUSE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
OWN = re.compile(r"街道|乡|镇|村|办事处|居委会|小区|辖区|片区|园区|(?<!安全)社区|统一")
SCOPE_METHOD = {InspectionScope.COMPREHENSIVE: "综合检查", InspectionScope.SPECIAL: "专项检查", InspectionScope.ROUTINE: "日常巡查"}


@dataclass(frozen=True)
class Doc:
    record: Document
    kinds: frozenset[DocumentKind]
    terms: Mapping[str, str]  # term → the word of it found in the title or a topic
    items: frozenset[str]
    how_kind: str | None  # "标题含“制度”" when a general kind was read as another
    years: frozenset[int]  # the years its title names (2024年…, 2025—2027年): the period it is for
    upper: bool = False  # a higher level's paper (区、市、县), not the community's own
    # Of the period: a plan when the years its title names meet the period's (a 2024 plan issued on
    # 2023-12-28 is the 2024 plan; a 2025—2027 plan issued in December 2024 is not); any other
    # document, and a plan whose title names no year, when it was issued in the period.
    current: bool = False

    @property
    def id(self) -> str:
        return self.record.id


@dataclass(frozen=True)
class Act:
    record: Activity
    kinds: frozenset[ActivityKind]
    scope: InspectionScope | None
    audience: frozenset[Audience]
    domains: frozenset[Domain]
    organizers: frozenset[OrganizationKind]
    terms: Mapping[str, str]
    items: frozenset[str]
    inferred: tuple[str, ...]  # what was read from the title rather than written
    touches: bool = False  # some day of it (date … end) is in the period

    @property
    def id(self) -> str:
        return self.record.id


class Found:
    """A record a query matched, and how, when it was not plainly written: `声明支持 8.2`, `“巡查”`."""

    __slots__ = ("view", "how", "id")

    def __init__(self, view: Doc | Act, how: str | None = None):
        self.view, self.how, self.id = view, how, view.record.id


class Index:
    """Built once per assessment; `at(item)` gives the view used while grading one item (declared
    `items` match the item being graded)."""

    def __init__(self, evidence: Evidence, scheme: Scheme):
        self.ev = evidence
        self.scheme = scheme
        self.words = scheme.words
        self.period = evidence.period
        self.period_years = frozenset(range(self.period.start.year, self.period.end.year + 1))
        self.item: str | None = None
        self.topics = scheme.topics
        self.telling = scheme.telling
        self.claimed: list[str] = []  # records taken on their declared items alone while a check ran
        # (member, its word) pairs: reading an enum's value is slow, and these are read per record.
        self._audience_terms = [(a, a.value) for a in Audience if a.value in self.words]
        self._domain_terms = [(d, d.value) for d in Domain if d.value in self.words]
        self._org_terms = [(k, k.value) for k in OrganizationKind if k.value in self.words]
        # The words that name the default audience's groups (老年人, 儿童…): a project's name that says only
        # whom it serves, and nothing of safety, is not read for its domain or target (see `project_terms`).
        people = scheme.audience.within([scheme.audience.default]) - {scheme.audience.default} if scheme.audience.default else set()
        self._people_words = frozenset(w for g in people for w in self.words.words(g.value))
        self._default = frozenset({scheme.audience.default}) if scheme.audience.default else frozenset()
        self._staff = frozenset(scheme.audience.staff) if self._default else frozenset()
        self._public = frozenset(scheme.audience.public)
        # In id order: what a query returns, and its detail line, must not depend on file order.
        self.docs = sorted((self._doc(d) for d in evidence.documents), key=lambda d: natural_key(d.id))
        self.doc_by_id = {d.id: d for d in self.docs}
        org_kind = {o.id: o.kind for o in evidence.organizations}
        org_names = [(o.name, o.kind) for o in evidence.organizations if o.name]
        self.acts = sorted((self._act(a, org_kind, org_names) for a in evidence.activities), key=lambda a: natural_key(a.id))
        self.act_by_id = {a.id: a for a in self.acts}
        self.plans = self.project_plans()
        # (table, kinds, dates asked) → the records of those kinds and dates: many items ask the same.
        # One dict for the index and every item's view of it, as the tables are.
        self._candidates: dict[tuple, list] = {}

    def at(self, item_id: str) -> Index:
        view = object.__new__(Index)  # shares every table: only the item differs
        view.__dict__.update(self.__dict__, item=item_id, claimed=[])
        return view

    def find(self, *texts: str | None) -> dict[str, str]:
        """Term → word, over several texts (first text first): a term's concepts may be said in different ones."""
        return self.words.find(texts[0]) if len(texts) == 1 and texts[0] else self.words.find_all(texts)

    def domains_in(self, *texts: str | None) -> frozenset[Domain]:
        """The safety domains that texts name (消防 → 消防安全), through the vocabulary."""
        found = self.find(*texts)
        return frozenset(d for d, word in self._domain_terms if word in found)

    # -- records as read -------------------------------------------------------------------

    def _doc(self, d: Document) -> Doc:
        title = self.words.find(d.title)
        kinds, how = {d.kind}, None
        for other in self.scheme.kinds.documents.get(d.kind, []):
            if other.value in title:
                kinds.add(other)
                how = how or f"标题含“{title[other.value]}”，按{other.value}计"
        upper = upper_paper(d.title)
        years = title_years(d.title)
        current = bool(years & self.period_years) if years and kinds & PLAN_KINDS else d.issued in self.period
        return Doc(d, frozenset(kinds), self.find(d.title, *d.topics), frozenset(d.items), how, years, upper, current)

    def _act(self, a: Activity, org_kind: dict, org_names: list) -> Act:
        title = self.words.find(a.title)
        inferred: list[str] = []
        kinds = {a.kind}
        for other in self.scheme.kinds.activities.get(a.kind, []):
            if other.value in title:
                kinds.add(other)
                inferred.append(f"标题含“{title[other.value]}”，按{other.value}计")
        scope = a.scope
        if scope is None and ActivityKind.INSPECTION in kinds:
            for candidate, term in self.scheme.scopes.items():
                if term in title:
                    scope = candidate
                    inferred.append(f"标题含“{title[term]}”，按{candidate.value}检查计")
                    break
        # Whom the title names counts too, written audience or not: a residents' drill titled
        # 应急救援队参加… trained the team as well.
        named = frozenset(g for g, word in self._audience_terms if word in title) - set(a.audience)
        audience = frozenset(a.audience) | named
        if named:
            first = title[min(named).value]
            also = "也" if a.audience else ""
            inferred.append(f"标题含“{first}”，对象{also}按{'、'.join(sorted(g.value for g in named))}计")
        elif not audience and self.scheme.audience.default is not None:
            audience = frozenset({self.scheme.audience.default})
        elif audience <= self._staff and a.kind in self._public:
            audience |= self._default  # 干部 on a 宣传 row ran it; publicity in the community reaches residents
            inferred.append(f"{a.kind.value}在社区公开开展，对象也按{self.scheme.audience.default.value}计")
        domains = set(a.domains) | {d for d, word in self._domain_terms if word in title}
        organizers = {org_kind[a.organizer]} if a.organizer in org_kind else set()
        organizers |= {kind for name, kind in org_names if name in a.title}
        organizers |= {k for k, word in self._org_terms if word in title}
        touches = a.date <= self.period.end and a.last >= self.period.start
        return Act(a, frozenset(kinds), scope, audience, frozenset(domains), frozenset(organizers),
                   title, frozenset(a.items), tuple(inferred), touches)

    # -- queries ---------------------------------------------------------------------------

    def documents(
        self,
        kind: Iterable[DocumentKind] = (),
        terms: Iterable[str] = (),
        and_terms: Iterable[str] = (),
        in_period: bool = False,
        issued_in_period: bool = False,
    ) -> list[Found]:
        """Documents of any of the kinds (as read) that declare the item being graded, or whose
        title or topics name any of `terms` (and any of `and_terms`); of the period (`current`) if asked, or
        issued in it (a plan made this year for the years ahead)."""
        kind, terms, and_terms = frozenset(kind), tuple(terms), tuple(and_terms)
        key = ("documents", kind, in_period, issued_in_period)
        if key not in self._candidates:
            self._candidates[key] = [d for d in self.docs if (not kind or d.kinds & kind) and (not in_period or d.current)
                                     and (not issued_in_period or d.record.issued in self.period)]
        out = []
        for d in self._candidates[key]:
            if self.item in d.items:
                claim = self._claim(d, terms)
                if claim:
                    out.append(claim)
                continue
            if d.upper:
                continue  # related at most (maybe_documents): the community needs its own
            hit = _hit(d.terms, terms)
            if terms and hit is None or and_terms and _hit(d.terms, and_terms) is None:
                continue
            how = f"“{hit}”" if hit else None
            if d.how_kind and kind and d.record.kind not in kind:
                how = f"{how}，{d.how_kind}" if how else d.how_kind
            out.append(Found(d, how))
        return out

    def _claim(self, view: Doc | Act, terms: tuple[str, ...]) -> Found | None:
        """A record that declares the item being graded: proof when its words say one of the terms (or
        none is asked); taken as labelled, to be confirmed on site, when they say none; only related
        evidence when it also declares many other items (a catch-all)."""
        if not terms or _hit(view.terms, terms) is not None:
            return Found(view, f"声明支持 {self.item}")
        if len(view.items) > CLAIMS:
            return None
        self.claimed.append(view.id)
        return Found(view, f"声明支持 {self.item}，按标注采用")

    def maybe_documents(self, kind: Iterable[DocumentKind], terms: Iterable[str], in_period: bool) -> list[Found]:
        """Documents a query missed that may still be the one asked for: of the kind (and in the period
        when asked) but on none of the terms; or on a term, or declaring the item, but of another kind.
        Related evidence, to be confirmed: a wording miss is never a blank."""
        kind, terms = frozenset(kind), tuple(terms)
        area = self.words.area(terms)
        # what a term says must not appear rules a record out: a plan naming one hazard is no comprehensive plan
        barred = {k for t in terms for k, _ in self.words.excluded.get(t, ())}
        out = []
        for d in self.docs:
            if d.upper and (not kind or d.kinds & kind) and (not terms or _hit(d.terms, terms) is not None):
                out.append(Found(d, "上级文件，社区须有自己的"))
            elif kind and not d.kinds & kind:
                hit = _hit(d.terms, terms) if terms else None
                if hit is not None or self.item in d.items:
                    out.append(Found(d, f"标题含“{hit}”，是{d.record.kind.value}" if hit else f"声明支持 {self.item}，是{d.record.kind.value}"))
            elif kind and (not in_period or d.current) and self._silent(d, area) and not barred.intersection(d.terms):
                out.append(Found(d, f"声明支持 {self.item}，但标题未写明" if self.item in d.items else self._said(d)))
        return out

    def _said(self, view: Doc) -> str:
        """How a document of the kind whose words miss is described: what general words its title has, if any
        (`标题泛指“安全生产工作”`), the longest of those that share letters."""
        words = dict.fromkeys(w for t, w in view.terms.items() if t in self.topics and t not in self.telling)
        kept = [w for w in words if not any(w != other and w in other for other in words)]
        return f"标题泛指“{'”“'.join(kept)}”" if kept else "标题未写明"

    def _silent(self, view: Doc | Act, area: frozenset[str]) -> bool:
        """The record's words name no topic of the rules outside `area`: what it is about is unread,
        not something else (安全检查制度 is about inspections, not about accident reports). A document
        that names only the whole work or a domain (the rule set's `general`: 社区安全生产工作制度,
        消防安全管理制度) says no other work either: it may hold the rule asked for."""
        if self.item in view.items:
            return True
        if isinstance(view, Doc):
            if view.id in self.plans:
                return False  # a project's own plan: about that project
            # the word that says its own kind says nothing of its subject: every 台账 says 台账, one of 安全档案's words
            own = self.scheme.kind_words(view.kinds)
            return not any(t in self.telling and t not in area and word not in own for t, word in view.terms.items())
        return not any(t in self.topics and t not in area for t in view.terms)

    def near_documents(self, kind: Iterable[DocumentKind], terms: Iterable[str], in_period: bool,
                       issued_in_period: bool = False) -> list[str]:
        """Why documents that nearly count do not: on the terms but of another kind, or of the
        kind and on the terms but issued outside the period. Words for whoever fills the evidence."""
        order = list(kind)
        wanted = "或".join(k.value for k in order)
        kind, terms = frozenset(order), tuple(terms)
        notes = []
        for d in self.docs:
            hit = _hit(d.terms, terms) if terms else None
            on_topic = hit is not None or self.item in d.items
            if not on_topic:
                continue
            if kind and not d.kinds & kind:
                # items does not change a record's kind: the kind must match whatever the record declares
                # and a record is relabelled only when its title names the kind wanted (检查计划, not 检查台账)
                about = f"（标题含“{hit}”）" if hit else f"（items 中写了 {self.item}）"
                named = self.words.find(d.record.title)
                relabel = next((k.value for k in order if k.value in named), None)
                notes.append(f"{d.id} 是{d.record.kind.value}{about}" + (
                    f"：若它就是所需的{wanted}，可把 kind 改为 {relabel}" if relabel else f"，不算所需的{wanted}"))
            elif issued_in_period and d.record.issued not in self.period:
                when = d.record.issued.isoformat() if d.record.issued else "未写 issued"
                notes.append(f"{d.id} 印发日期 {when} 不在评估期内")
            elif in_period and not d.current:
                if d.years and d.kinds & PLAN_KINDS:
                    notes.append(f"{d.id} 标题写明的年度（{years_text(d.years)}）不在评估期内")
                else:
                    when = d.record.issued.isoformat() if d.record.issued else "未写 issued"
                    notes.append(f"{d.id} 印发日期 {when} 不在评估期内")
        return notes

    def activities(
        self,
        kind: Iterable[ActivityKind] = (),
        scope: Iterable[InspectionScope] = (),
        audience: Iterable[Audience] = (),
        domains: Iterable[Domain] = (),
        organizer: Iterable[OrganizationKind] = (),
        terms: Iterable[str] = (),
        in_period: bool = True,
    ) -> list[Found]:
        """Activities of any of the kinds (as read), in the period by default (a dated range that
        touches it), that declare the item
        being graded or pass every other filter given (an empty filter passes everything)."""
        kind, scope, domains, organizer = frozenset(kind), frozenset(scope), frozenset(domains), frozenset(organizer)
        wanted = self.scheme.audience.within(list(audience)) if audience else frozenset()
        terms = tuple(terms)
        key = ("activities", kind, in_period)
        if key not in self._candidates:  # a row of several events counts when any of its days is in the period
            self._candidates[key] = [a for a in self.acts if (not kind or a.kinds & kind) and (not in_period or a.touches)]
        out = []
        for a in self._candidates[key]:
            misses = (scope and a.scope not in scope) or (wanted and not a.audience & wanted) \
                or (domains and not a.domains & domains) or (organizer and not a.organizers & organizer)
            if self.item in a.items:
                if not misses:
                    claim = self._claim(a, terms)
                elif self._open(a, scope, wanted, domains, organizer) and len(a.items) <= CLAIMS:
                    self.claimed.append(a.id)  # what it is, is read from words that miss: taken as labelled
                    claim = Found(a, f"声明支持 {self.item}，按标注采用")
                else:
                    claim = None  # what the clerk wrote of it (its scope, audience, domains) says otherwise
                if claim:
                    out.append(claim)
                continue
            if misses:
                continue
            hit = _hit(a.terms, terms)
            if terms and hit is None:
                continue
            notes = list(a.inferred) + ([f"“{hit}”"] if hit else [])
            out.append(Found(a, "，".join(notes) or None))
        return out

    def _open(self, a: Act, scope, wanted, domains, organizer) -> bool:
        """Every filter the activity misses is one its record leaves open: no scope, no domain, no
        audience and no organizer written or read from its words."""
        r = a.record
        return not ((scope and (r.scope is not None or a.scope is not None) and a.scope not in scope)
                    or (wanted and not a.audience & wanted and (r.audience or a.audience != self._default))
                    or (domains and not a.domains & domains and (r.domains or a.domains))
                    or (organizer and not a.organizers & organizer and (r.organizer or a.organizers)))

    def maybe_activities(
        self,
        kind: Iterable[ActivityKind] = (),
        scope: Iterable[InspectionScope] = (),
        audience: Iterable[Audience] = (),
        domains: Iterable[Domain] = (),
        organizer: Iterable[OrganizationKind] = (),
        terms: Iterable[str] = (),
        in_period: bool = True,
    ) -> list[Found]:
        """Activities of the kind (in the period by default) that a query missed only where their
        words are silent (no scope, domain, audience or organizer written or read, no term): related
        evidence, to be confirmed. One whose record says otherwise (专项 for a 综合) is not."""
        kind, scope, domains, organizer = frozenset(kind), frozenset(scope), frozenset(domains), frozenset(organizer)
        wanted = self.scheme.audience.within(list(audience)) if audience else frozenset()
        if not kind:
            return []  # nothing of a kind to anchor on: any activity at all is not related evidence
        found = {f.id for f in self.activities(kind, scope, audience, domains, organizer, terms, in_period)}
        area = self.words.area(terms)
        out = []
        for a in self.acts:
            if a.id in found or not a.kinds & kind or (in_period and not a.touches):
                continue
            if self._open(a, scope, wanted, domains, organizer) and (not terms or self._silent(a, area) and not a.domains):
                out.append(Found(a, "标题未写明"))
        return out

    def project_plans(self) -> frozenset[str]:
        """The documents that are some project's own 实施方案: the plan a project names, and plans whose
        title names a project. A project's plan is not the community's plan, whatever its topics say."""
        out = {p.plan for p in self.ev.projects if p.plan in self.doc_by_id}
        names = [n for p in self.ev.projects if (n := p.name.removesuffix("项目"))]
        out |= {d.id for d in self.docs if d.kinds & PLAN_KINDS and any(n in d.record.title for n in names)}
        return frozenset(out)

    # -- facts read through links ------------------------------------------------------------

    def rectification_kinds(self, r: Rectification) -> tuple[frozenset[RectificationKind], str | None]:
        """Written, else what its text says before where it came from: 举一反三, 推广, 同类 are
        preventive even on a row that names the inspection it followed; else 整改 when it follows an
        inspection; else an accident's cause → 纠正; else 整改. A written 整改 that follows no inspection
        and names an incident and its cause (接报煤气泄漏，查明胶管老化致漏气，更换煤气管) is a
        corrective measure as well: what 11.2 asks is the cause found and acted on, whatever the row is called."""
        if r.kind is not None:
            if r.kind is RectificationKind.RECTIFY and not r.activity:
                text = self.words.find(r.issue)
                if INCIDENT_CAUSE in text:
                    return RECTIFY_AND_CORRECTIVE, f"写明事故原因“{text[INCIDENT_CAUSE]}”，也按纠正计"
            return ONLY[r.kind], None
        text = self.words.find(r.issue)
        for kind, terms in CUES:
            if r.activity and kind is not RectificationKind.PREVENTIVE:
                return ONLY[RectificationKind.RECTIFY], None
            hit = next((t for t in terms if t in text), None)
            if hit:
                return ONLY[kind], f"“{text[hit]}”"
        return ONLY[RectificationKind.RECTIFY], None

    def hazard_method(self, h: Hazard) -> tuple[str, str | None] | None:
        """How a hazard was found: written, else from the inspection it points to, else from an
        inspection held the day it was found."""
        if h.method:
            return h.method, None
        source = self.act_by_id.get(h.activity) if h.activity else None
        if source is None and h.found is not None:
            source = next((a for a in self.acts if ActivityKind.INSPECTION in a.kinds and a.record.date == h.found), None)
        if source is None:
            return None
        method = SCOPE_METHOD.get(source.scope, source.record.kind.value)
        return method, f"见 {source.id}"

    def sector(self, m: Member) -> str | None:
        """A member's department through the rule set's list of departments: what the unit names first
        (派出所 → 公安; the street's own 党政办, 安监办, 社区工作站 … are the street office itself, 政府,
        whatever `sector` says), else the written department read the same way, else its words as written."""
        for text in ((m.unit, m.title), (m.sector,)):
            found = self.find(*text)
            named = next((sector for sector, term in self.scheme.sectors.items() if term in found), None)
            if named:
                return named
        return m.sector

    def category(self, m: Member) -> MemberCategory | None:
        if m.category:
            return m.category
        found = self.find(m.unit, m.title)
        return next((c for c in MemberCategory if c.value in found), None)

    def project_terms(self, p: Project) -> dict[str, str]:
        """What a project's name says, for the domains and targets not written. A name that names a group of
        people (老年人) and nothing of safety (no 安全所指 word, no domain but the group's own) says whom a service
        is for, not that it is safety work: 65岁以上老年人免费体检 is no 老年人安全 project; 老年人防跌倒 and
        残疾人安全试点 are. A rule set without 安全所指 reads every name as before."""
        found = self.find(p.name)
        if "安全所指" not in self.words or "安全所指" in found or not any(w in p.name for w in self._people_words):
            return found
        rest = p.name  # the name without whom it names: does it still say a domain (跌倒, 溺水, 燃气)?
        for word in sorted(self._people_words, key=len, reverse=True):
            rest = rest.replace(word, "·")
        if any(term in self.find(rest) for _, term in self._domain_terms):
            return found
        return {term: word for term, word in found.items() if word not in self._people_words}

    def project_domains(self, p: Project) -> frozenset[Domain]:
        """A project's safety domains: as written, else read from its name (`project_terms`)."""
        if p.domains:
            return frozenset(p.domains)
        found = self.project_terms(p)
        return frozenset(d for d, word in self._domain_terms if word in found)

    def targets(self, p: Project) -> dict[str, list[str]]:
        """Whom a project aims at: as written, else read from its name (`project_terms`)."""
        named = self.project_terms(p)
        out = {}
        for kind in TARGET_KINDS:
            written = getattr(p.targets, kind)
            term = TARGET_WORDS[kind]
            out[kind] = list(written) if written else ([named[term]] if term in named else [])
        return out

    def plan(self, p: Project) -> Doc | None:
        """The project's 实施方案: the document its `plan` names, else a plan whose title names the project."""
        if p.plan in self.doc_by_id:
            return self.doc_by_id[p.plan]
        name = p.name.removesuffix("项目")
        return next((d for d in self.docs if d.kinds & PLAN_KINDS and name and name in d.record.title), None)

    def key_projects(self) -> tuple[list[Project], bool]:
        """The projects marked key; when none is marked, all of them (and say so)."""
        running = [p for p in self.ev.projects if self.running(p)]
        key = [p for p in running if p.key]
        return (key, False) if key else (running, bool(running))

    def running(self, p: Project) -> bool:
        """The project runs during the period (a missing start or end leaves that side open)."""
        return (p.start is None or p.start <= self.period.end) and (p.end is None or p.end >= self.period.start)


def upper_paper(title: str) -> bool:
    """A higher level's paper, read through the forms it is filed in: a list number, quotes, blanks, and the
    notice that issues or forwards it. 城东街道办事处关于转发《邹城市突发事件总体应急预案》的通知 is still the city's
    plan (the street forwarded it; it did not make its own); 邹城市人民政府关于印发《突发事件总体应急预案》的通知
    is the city's by its issuer; 城东街道办事处关于印发《2024年安全工作计划》的通知 is the street's."""
    by, paper = unwrap(title)
    return _upper(paper) or _upper(by) and not OWN.search(paper) or bool(CLAUSE.search(paper))


def _upper(text: str) -> bool:
    return bool(UPPER.match(text)) and not OWN.search(text)


def years_text(years: frozenset[int]) -> str:
    ordered = sorted(years)
    return f"{ordered[0]}年" if len(ordered) == 1 else f"{ordered[0]}—{ordered[-1]}年"


def _hit(found: Mapping[str, str], terms: tuple[str, ...]) -> str | None:
    """The word that matched the first of `terms` present, or None."""
    for term in terms:
        if term in found:
            return found[term]
    return None
