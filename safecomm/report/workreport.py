"""What the 工作报告 draft says, worked out from the evidence and the assessment: the renderers
(workreport_md.py, workreport_docx.py) only lay it out.

第一部分 社区概况 comes from the community, its organisations and the creation timeline; 第二部分
has a chapter per indicator and a section per item, describing the records the item's checks
cited: sentences with counts, dates, names, participation and outcomes, each record named by its
id as the 附件 reference; a table where a section cites several records; the charts where the
item measures the charted figure. Every number is computed from the evidence; what the evidence
does not show is a visible 【待补充：…】 that says what is still needed (the rule set's plain
advice, without the measured figures), never invented text. 第三部分 drafts 存在问题与下一步打算
from the items below A, the open rectifications and next year's plans.

A record is an 附件 only when its file is there. Verbs come from the rule set (`workreport.verbs`:
印发制度, 建立台账, 召开会议), as do the milestones of 创建历程. The draft is bounded like the
申报表: a table of more than ROWS records becomes a summary by month and kind, and a sentence
names at most NAMED records; the full lists are in the assessment's JSON.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from ..assessment import Assessment, ItemResult
from ..checks.common import quarter, quarter_name
from ..evidence import Activity, Document, Evidence, Goal, Hazard, Organization, Project, Rectification, Survey
from ..evidence import Equipment, Team
from ..measure import format_percent, natural_key
from ..terms import ControlState
from ..scheme import Scheme
from ..vocabulary import Vocabulary
from . import charts
from .compose import JSON_RESULT, chart_list, cn_date

CN_NUMBERS = "一二三四五六七八九十"
ROWS = 60  # records a table lists one by one; above, a summary by month and kind
NAMED = 10  # records a sentence names one by one; above, 等N份
# The figures the engine adds to advice for whoever fills the evidence; a draft says what to do.
COUNTER = re.compile(r"（现(?:有|为) [^（）]*(?:还差|要求) [^（）]*）")
ID_COLUMNS = ("编号", "附件", "来源")  # columns of ids: printed whole, never broken
# A chart goes to the section of the item whose check measures the charted figure.
CHART_OWNERS = {"injuries": "injury_trend", "participation": "participation", "education": "fewest_per_quarter"}


@dataclass
class Heading:
    level: int  # 0 title, 1 part, 2 indicator, 3 item
    text: str


@dataclass
class Para:
    text: str
    todo: bool = False  # a 【待补充：…】 placeholder: what the section still needs


@dataclass
class Table:
    number: int
    caption: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""  # under the table: how a long list was summarised


@dataclass
class Figure:
    number: int
    caption: str
    drawing: charts.Drawing


@dataclass
class Draft:
    title: str
    author: str
    created: str
    sample: str | None
    blocks: list = field(default_factory=list)


def cn(n: int) -> str:
    """1 → 一, 12 → 十二 (chapter numbers up to 99)."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else CN_NUMBERS[tens - 1]) + "十" if tens else "") + (CN_NUMBERS[ones - 1] if ones else "")


def todo(text: str) -> Para:
    """A visible placeholder in plain words: the measured figures stay in the gaps table."""
    return Para(f"【待补充：{COUNTER.sub('', text)}】", todo=True)


def num(value: float) -> str:
    """12.0 → `12`, 0.5 → `0.5`: evidence numbers as written."""
    return str(int(value)) if float(value).is_integer() else str(value)


def share(part: float, whole: float) -> str:
    """`89.2%`, exact (as the assessment prints ratios), or `—` without a whole."""
    return format_percent(Fraction(str(part)) / Fraction(str(whole))) if whole else "—"


class Writer:
    """Builds the blocks in order, numbering tables and figures and printing each table once."""

    def __init__(self, evidence: Evidence, result: Assessment, scheme: Scheme):
        self.ev, self.result, self.scheme = evidence, result, scheme
        self.records = evidence.records()
        self.blocks: list = []
        self.tables: dict[tuple, int] = {}  # rows already printed → their table number
        self.figures = 0
        self.reads = self._reads()
        self.charts = {c.key: c for c in chart_list(result, font_family="")}
        self.attached = {e.id for e in result.evidence_index if any(h for h in e.sha256)}
        self.verbs = {kind.value: verb for kind, verb in scheme.workreport.verbs.items()}

    def ref(self, ident: str) -> str:
        """`附件D-005` for a record whose file is there, else the record's id alone."""
        return f"附件{ident}" if ident in self.attached else ident

    def verb(self, kind: str, default: str) -> str:
        return self.verbs.get(kind, default)

    def _reads(self) -> dict[str, set[str]]:
        """Item id → the evidence fields its checks read (`injuries.sources`, `budget.planned`…)."""
        out: dict[str, set[str]] = {}
        for path, items in self.scheme.reads().items():
            for item in items:
                out.setdefault(item, set()).add(path)
        return out

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def table(self, caption: str, header: list[str], records: list, row, summary=None) -> None:
        """A numbered table of `records` (one `row(record)` each), or a pointer to the same table
        printed earlier. Above ROWS records it prints `summary(records)` (header, rows) when given,
        else the first ROWS rows, with a note of where the full list is."""
        key = (caption, tuple(header), tuple(getattr(r, "id", None) or id(r) for r in records))
        if key in self.tables:
            self.add(Para(f"（{caption}见表{self.tables[key]}。）"))
            return
        self.tables[key] = len(self.tables) + 1
        note = ""
        if len(records) <= ROWS:
            rows = [row(r) for r in records]
        elif summary:
            header, rows = summary(records)
            note = f"共{len(records)}条记录，按月份和类别汇总；逐条清单见{JSON_RESULT}。"
        else:
            rows = [row(r) for r in records[:ROWS]]
            note = f"共{len(records)}条记录，此处列出前{ROWS}条；逐条清单见{JSON_RESULT}。"
        self.add(Table(self.tables[key], caption, header, rows, note))

    def figure(self, caption: str, drawing: charts.Drawing) -> None:
        self.figures += 1
        self.add(Figure(self.figures, caption, drawing))


def compose(evidence: Evidence, result: Assessment, scheme: Scheme) -> Draft:
    c = result.community
    w = Writer(evidence, result, scheme)
    w.add(Heading(0, f"{c.title}建设工作报告"))
    w.add(Para(f"{c.name}　{cn_date(result.period.end)}"))
    overview(w)
    w.add(Heading(1, "第二部分　对照评定指标开展的工作"))
    owners = chart_owners(scheme)
    for n, indicator in enumerate(result.indicators, 1):
        w.add(Heading(2, f"{cn(n)}、{indicator.title}"))
        for m, item_id in enumerate(indicator.items, 1):
            section(w, result.item(item_id), m, [name for name, owner in owners.items() if owner == item_id])
    closing(w)
    unplaced = [name for name, owner in owners.items() if owner is None]
    if unplaced:
        w.add(Heading(1, "附：图表"))
        for name in unplaced:
            chart(w, name)
    sample = "示例：证据中仍有模板的示例数据，本报告仅供演示" if result.sample else None
    return Draft(f"{c.title}建设工作报告", c.name, result.period.end, sample, w.blocks)


def chart_owners(scheme: Scheme) -> dict[str, str | None]:
    """Chart name → the item whose check measures its figure (None: the rule set has no such check)."""
    return {
        name: next((item.id for _, item in scheme.items() for check in item.checks if check.primitive == primitive), None)
        for name, primitive in CHART_OWNERS.items()
    }


def listed(texts: list[str], unit: str, total: int | None = None) -> str:
    """At most NAMED texts, then `等N{unit}` (N: `total`, else the texts): records are separated by
    `；`, as a name may itself hold a `、`. Callers pass at most NAMED texts of a long list."""
    total = len(texts) if total is None else total
    head = "；".join(texts[:NAMED])
    return head if total <= NAMED else f"{head}等{total}{unit}"


def by_month(records: list, day, kind, header: list[str], sums: dict | None = None):
    """A summary table of `records`: how many of each kind in each month (and the `sums`, name →
    value of a record, added up), for a list too long to print record by record."""
    def summary(_records):
        groups: dict[tuple, list] = {}
        for r in records:
            d = day(r)
            groups.setdefault((d.year, d.month) if d else (9999, 0), {}).setdefault(kind(r), []).append(r)
        rows = []
        for (year, month), kinds in sorted(groups.items()):
            for k, members in kinds.items():
                extra = [str(sum(v(r) or 0 for r in members)) for v in (sums or {}).values()]
                rows.append([f"{year}年{month}月" if month else "未写日期", k, str(len(members))] + extra)
        return header + list(sums or {}), rows
    return summary


# -- 第一部分 ---------------------------------------------------------------------------------


def overview(w: Writer) -> None:
    ev, c = w.ev, w.result.community
    w.add(Heading(1, "第一部分　社区概况"))
    w.add(Heading(2, "一、基本情况"))
    place = "".join(x for x in (c.province, c.city, c.county) if x)
    people = "、".join(x for x in (f"常住人口{c.population}人" if c.population is not None else "",
                                     f"{c.households}户" if c.households is not None else "") if x)
    line = f"{c.name}是{place}的{c.kind}" if place else f"{c.name}（{c.kind}）"
    w.add(Para(line + (f"，辖区{people}" if people else "") + "。"))
    w.add(todo("地理位置及面积"))
    if c.population is None:
        w.add(todo("人口数量、户数及人口构成"))
    else:
        w.add(todo("人口分布特征及人口构成（年龄、流动人口等）"))
    w.add(Heading(2, "二、社会单位构成"))
    if ev.agreements:
        w.add(Para(f"辖区应签订安全责任书的单位{ev.agreements.units}家。"))
    w.add(todo("工业与商贸网点分布、安全卫生服务设施"))
    w.add(Heading(2, "三、区域安全特征与重点难点问题"))
    features(w)
    w.add(Heading(2, "四、创建历程"))
    events = timeline(w)
    if c.launched:
        w.add(Para(f"{c.name}于{cn_date(c.launched)}启动安全社区创建工作。"))
    if events:
        w.table("创建历程", ["日期", "事项", "编号"], events, lambda e: [cn_date(e[0].isoformat()), e[1], e[2]])
    else:
        w.add(todo("创建启动日期，机构成立、创建方案印发等主要事项"))
    w.add(todo("近三年安全相关荣誉"))
    w.add(Heading(2, "五、组织机构"))
    if ev.organizations:
        w.table("安全社区创建组织机构", ["机构", "类别", "成立日期", "人数", "职责文件"], ev.organizations, lambda o: [
            o.name, o.kind.value, cn_date(o.established.isoformat()) if o.established else "—",
            str(len(o.members) if o.members else o.size) if (o.members or o.size is not None) else "—", o.charter or "—"])
    else:
        w.add(todo("领导机构、执行机构、项目组和志愿者组织"))


def features(w: Writer) -> None:
    """The injuries' leading causes, the high-risk places and the groups the projects aim at."""
    ev = w.ev
    years = sorted(ev.injuries.years, key=lambda y: y.year)
    if years:
        last = years[-1]
        text = f"{last.year}年辖区发生事故与伤害{last.total}人次"
        causes = sorted(last.by_cause.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        if causes:
            text += "，居前的原因为" + "、".join(f"{k}（{v}人次）" for k, v in causes)
        w.add(Para(text + "。"))
    places = [h for h in ev.hazards if h.high_risk_environment]
    if places:
        w.add(Para(f"辨识出的高风险环境{len(places)}处：{listed([f'{h.place}（{h.id}）' for h in places[:NAMED]], '处', len(places))}。"))
    groups = {}
    for p in ev.projects:
        for label, values in (("脆弱群体", p.targets.vulnerable_groups), ("高危人群", p.targets.high_risk_groups)):
            groups.setdefault(label, []).extend(v for v in values if v not in groups.get(label, []))
    said = "；".join(f"{label}：{'、'.join(values[:NAMED])}" for label, values in groups.items() if values)
    if said:
        w.add(Para(f"安全促进项目针对的重点人群——{said}。"))
    if not (years or places or said):
        w.add(todo("区域安全特征、主要事故与伤害问题和重点人群"))


def timeline(w: Writer) -> list[tuple]:
    """The milestones of the creation, by date: the bodies founded, the designation, and the records
    the rule set names (`workreport.milestones`: creation plans, launch meetings, evaluations)."""
    ev, c = w.ev, w.result.community
    events = []
    for o in ev.organizations:
        if o.established:
            events.append((o.established, f"成立{o.name}", o.charter or "—"))
    if c.designated:
        events.append((date.fromisoformat(c.designated), "命名为安全社区", "—"))
    rules = [(set(k.value for k in m.kinds), Vocabulary({m.words[0]: m.words}) if m.words else None)
             for m in w.scheme.workreport.milestones]

    def named(kind: str, title: str) -> bool:
        return any(kind in kinds and (words is None or words.find(title)) for kinds, words in rules)

    for d in ev.documents:
        if d.issued and named(d.kind.value, d.title):
            events.append((d.issued, f"{w.verb(d.kind.value, '形成')}《{d.title}》", d.id))
    for a in ev.activities:
        if named(a.kind.value, a.title):
            events.append((a.date, a.title, a.id))
    return sorted(events, key=lambda e: (e[0], natural_key(e[2])))


# -- 第二部分 ---------------------------------------------------------------------------------


def section(w: Writer, item: ItemResult, n: int, charts_here: list[str]) -> None:
    w.add(Heading(3, f"（{cn(n)}）{item.id}　{item.text}"))
    cited = sorted({e for check in item.checks for e in check.evidence if e in w.records}, key=natural_key)
    by_kind: dict[type, list] = {}
    for ident in cited:
        record = w.records[ident]
        by_kind.setdefault(type(record), []).append(record)
    before = len(w.blocks)
    for kind, describe in DESCRIBE.items():
        if kind in by_kind:
            describe(w, by_kind[kind])
    fields = w.reads.get(item.id, set())
    for name, describe_fact in FACTS.items():
        if any(f == name or f.startswith(name + ".") for f in fields):
            describe_fact(w)
    for name in charts_here:
        chart(w, name)
    if len(w.blocks) == before:
        w.add(todo("本条目尚无登记的工作记录，请说明开展的工作并附相关材料"))
    for advice in item.plain_advice:
        w.add(todo(_strip_level(advice)))
    if item.needs_review and item.confirm:
        w.add(Para(f"（评定时需现场核实：{item.confirm}）"))


def _strip_level(advice: str) -> str:
    """`[A] 制定…` → `制定…`: the grade tag belongs to the gaps table, not to a sentence."""
    return advice[4:] if advice[:1] == "[" and advice[2:4] == "] " else advice


def organizations(w: Writer, orgs: list[Organization]) -> None:
    for o in orgs[:NAMED]:
        text = f"{cn_date(o.established.isoformat())}成立{o.name}（{o.id}）" if o.established else f"成立{o.name}（{o.id}）"
        if o.members:
            text += f"，成员{len(o.members)}人"
            sectors = list(dict.fromkeys(m.sector for m in o.members if m.sector))
            if sectors:
                text += f"，来自{'、'.join(sectors[:NAMED])}等{len(sectors)}个部门和领域"
            categories = list(dict.fromkeys(m.category.value for m in o.members if m.category))
            if categories:
                text += f"，包括{'、'.join(categories)}"
        elif o.size is not None:
            text += f"，共{o.size}人"
        if o.charter:
            text += f"；职责见{w.ref(o.charter)}"
        w.add(Para(text + "。"))
    if len(orgs) > NAMED:
        w.add(Para(f"另有组织{len(orgs) - NAMED}个，见{JSON_RESULT}。"))


def documents(w: Writer, docs: list[Document]) -> None:
    """One sentence per verb: 印发制度2份、通知1份：《…》（文号，日期印发，附件D-001）；建立台账1份：…"""
    by_verb: dict[str, list[Document]] = {}
    for d in docs:
        by_verb.setdefault(w.verb(d.kind.value, "形成"), []).append(d)
    for verb, group in by_verb.items():
        def one(d: Document) -> str:
            when = f"{cn_date(d.issued.isoformat())}{verb}" if d.issued else None
            details = "，".join(x for x in (d.number, when, w.ref(d.id)) if x)
            return f"《{d.title}》（{details}）"

        kinds = Counter(d.kind.value for d in group)
        head = "、".join(f"{k}{n}份" for k, n in kinds.items())
        w.add(Para(f"{verb}{head}：" + listed([one(d) for d in group[:NAMED]], "份", len(group)) + "。"))


def activities(w: Writer, acts: list[Activity]) -> None:
    acts = sorted(acts, key=lambda a: (a.date, natural_key(a.id)))
    times = sum(a.count for a in acts)
    kinds = Counter()
    for a in acts:
        kinds[a.kind.value] += a.count
    counted = [a.participants for a in acts if a.participants is not None]
    if len(acts) == 1:
        a = acts[0]
        verb = w.verb(a.kind.value, "开展")
        what = f"“{a.title}”" if verb == "召开" else f"{a.kind.value}活动“{a.title}”"
        times_said = f"共{a.count}次，" if a.count > 1 else ""
        w.add(Para(f"{cn_date(a.date.isoformat())}{verb}{what}（{times_said}"
                   + (f"{a.participants}人参加，" if a.participants is not None else "") + f"{w.ref(a.id)}）。"))
        return
    text = f"评估期内开展相关活动{times}次（" + "、".join(f"{k}{n}次" for k, n in kinds.items()) + "）"
    if counted:
        text += f"，登记参加{sum(counted)}人次"
        if len(counted) < len(acts):
            text += f"（{len(acts) - len(counted)}条记录未登记人数）"
    w.add(Para(text + "。"))
    summary = by_month(acts, lambda a: a.date, lambda a: a.kind.value, ["月份", "形式", "记录数"],
                       {"次数": lambda a: a.count, "参加人次": lambda a: a.participants})
    if all(a.kind.value == "检查" for a in acts):
        fixed = Counter(r.activity for r in w.ev.rectifications if r.activity)
        w.table("安全检查及整改情况", ["季度", "日期", "检查", "类型", "发现问题", "整改措施", "编号"], acts, lambda a: [
            quarter_name(quarter(a.date)), cn_date(a.date.isoformat()), a.title, a.scope.value if a.scope else "—",
            str(a.findings) if a.findings is not None else "—", str(fixed.get(a.id, 0)), a.id], summary)
    else:
        w.table("活动开展情况（按季度）", ["季度", "日期", "活动", "形式", "对象", "参加人数", "编号"], acts, lambda a: [
            quarter_name(quarter(a.date)), cn_date(a.date.isoformat()), a.title, a.kind.value,
            "、".join(x.value for x in a.audience) or "—", str(a.participants) if a.participants is not None else "—", a.id],
            summary)


def projects(w: Writer, projs: list[Project]) -> None:
    def outcome(p: Project) -> str:
        return "；".join(f"{o.metric}由{num(o.baseline)}{'降至' if o.latest < o.baseline else '升至' if o.latest > o.baseline else '保持'}"
                        f"{num(o.latest)}" for o in p.outcomes) or "未登记"

    def rate(p: Project) -> str:
        return share(p.participants, p.target_population) if p.participants is not None else "—"

    key = [p for p in projs if p.key]
    text = f"实施安全促进项目{len(projs)}个" + (f"（其中重点事故与伤害预防项目{len(key)}个）" if key else "") + "："
    parts = []
    for p in projs[:NAMED]:
        bit = f"“{p.name}”（{p.id}" + (f"，实施方案见{w.ref(p.plan)}" if p.plan else "") + "）"
        facts = []
        if p.target_population is not None and p.participants is not None:
            facts.append(f"相关人群{p.target_population}人，参与{p.participants}人，参与度{rate(p)}")
        if p.outcomes:
            facts.append(outcome(p))
        parts.append(bit + ("：" + "，".join(facts) if facts else ""))
    w.add(Para(text + listed(parts, "个", len(projs)) + "。"))
    if len(projs) > 1:
        w.table("安全促进项目参与和效果", ["项目", "重点", "实施期", "相关人群", "参与人数", "参与度", "效果"], projs, lambda p: [
            f"{p.id} {p.name}", "是" if p.key else "否",
            f"{cn_date(p.start.isoformat())}至{cn_date(p.end.isoformat())}" if p.start and p.end else "—",
            str(p.target_population) if p.target_population is not None else "—",
            str(p.participants) if p.participants is not None else "—", rate(p), outcome(p)])


def goals(w: Writer, items: list[Goal]) -> None:
    def one(g: Goal) -> str:
        bits = [f"{g.metric}：" if g.metric else ""]
        if g.baseline is not None:
            bits.append(f"基线{num(g.baseline)}")
        if g.target is not None:
            bits.append(f"目标{num(g.target)}")
        if g.due:
            bits.append(f"{cn_date(g.due.isoformat())}前")
        detail = bits[0] + "，".join(bits[1:])
        return f"{g.text}（{g.horizon.value}目标{'，' + detail if detail else ''}，{g.id}）"

    w.add(Para(f"确定事故与伤害预防目标{len(items)}项：" + listed([one(g) for g in items[:NAMED]], "项", len(items)) + "。"))


def hazards(w: Writer, items: list[Hazard]) -> None:
    levels = Counter(h.level.value for h in items)
    risky = sum(1 for h in items if h.high_risk_environment)
    controlled = sum(1 for h in items if h.controlled is ControlState.CONTROLLED)
    w.add(Para(f"辨识隐患和危险源{len(items)}处（" + "、".join(f"{k}{n}处" for k, n in levels.items()) + "）"
               + (f"，其中高风险环境{risky}处" if risky else "") + f"，已控制{controlled}处。"))
    if len(items) > 1:
        w.table("隐患和危险源辨识与控制", ["编号", "发现日期", "地点", "类别", "等级", "辨识方式", "控制状态"], items, lambda h: [
            h.id, cn_date(h.found.isoformat()) if h.found else "—", h.place, h.category or "—", h.level.value,
            h.method or "—", h.controlled.value if h.controlled else "未写明"],
            by_month(items, lambda h: h.found, lambda h: h.level.value, ["月份", "等级", "处数"]))


def rectifications(w: Writer, items: list[Rectification]) -> None:
    kinds = Counter()
    for r in items:
        kinds[r.kind.value if r.kind else "整改"] += r.count
    total = sum(r.count for r in items)
    done = sum(r.count for r in items if r.fixed)
    checked = sum(r.verified_count if r.verified_count is not None else r.count if r.verified else 0 for r in items)
    w.add(Para(f"采取措施{total}项（" + "、".join(f"{k}{n}项" for k, n in kinds.items()) + f"），已完成{done}项，经验证{checked}项。"))
    w.table("整改、纠正和预防措施", ["编号", "问题与措施", "发现", "完成", "验证", "来源"], items, lambda r: [
        r.id, r.issue, *(cn_date(d.isoformat()) if d else "—" for d in (r.found, r.fixed, r.verified)), r.activity or "—"],
        by_month(items, lambda r: r.found, lambda r: r.kind.value if r.kind else "整改", ["月份", "类别", "记录数"],
                 {"件数": lambda r: r.count}))


def surveys(w: Writer, items: list[Survey]) -> None:
    for s in items[:NAMED]:
        w.add(Para(f"{cn_date(s.date.isoformat())}开展{s.kind.value}调查，调查{s.respondents}人，"
                   f"{s.positive}人作肯定回答（{share(s.positive, s.respondents)}，{s.id}）。"))
    if len(items) > NAMED:
        w.add(Para(f"另有调查{len(items) - NAMED}次，见{JSON_RESULT}。"))


def teams(w: Writer, items: list[Team]) -> None:
    w.add(Para(f"组建应急队伍{len(items)}支：" + listed([f"{t.name}（{t.kind.value}，{t.members}人，{t.id}）" for t in items[:NAMED]], "支", len(items)) + "。"))


def equipment(w: Writer, items: list[Equipment]) -> None:
    def one(e: Equipment) -> str:
        checked = f"{cn_date(e.checked.isoformat())}检查" if e.checked else "未登记检查日期"
        return f"{e.name}{e.quantity}（{checked}，{'完好' if e.ok else '待修复'}，{e.id}）"

    w.add(Para(f"配备应急设施和器材{len(items)}类：" + listed([one(e) for e in items[:NAMED]], "类", len(items)) + "。"))


DESCRIBE = {
    Organization: organizations, Document: documents, Goal: goals, Project: projects, Activity: activities,
    Hazard: hazards, Rectification: rectifications, Survey: surveys, Team: teams, Equipment: equipment,
}


# -- 第三部分 ---------------------------------------------------------------------------------


def closing(w: Writer) -> None:
    """存在问题与下一步打算: the items below A, the open rectifications, and next year's plans and
    goals; a placeholder where the evidence says nothing."""
    result, ev = w.result, w.ev
    end = date.fromisoformat(result.period.end)
    w.add(Heading(1, "第三部分　存在问题与下一步打算"))
    w.add(Heading(2, "一、存在问题"))
    below = [i for i in result.items if i.final_grade != "A"]
    below.sort(key=lambda i: (i.final_grade != "C", not i.vetoed))  # C and vetoes first, table order kept
    for item in below[:NAMED * 2]:
        w.add(Para(f"{item.id}（{item.final_grade}级）：{COUNTER.sub('', item.reason).rstrip('。')}。"))
    if len(below) > NAMED * 2:
        w.add(Para("其余未达到A级的条目见自评表。"))
    open_ones = [r for r in ev.rectifications if not r.fixed or not r.verified]
    if open_ones:
        w.add(Para(f"尚未完成或尚未验证的整改{len(open_ones)}项：" + listed(
            [f"{r.issue}（{r.id}，{'未完成' if not r.fixed else '未验证'}）" for r in open_ones[:NAMED]], "项", len(open_ones)) + "。"))
    if not below and not open_ones:
        w.add(todo("对照评定指标和日常检查，查找创建工作中仍存在的问题"))
    w.add(Heading(2, "二、下一步打算"))
    plans = [d for d in ev.documents if d.kind.value in ("计划", "方案") and _ahead(d, end)]
    ahead = [g for g in ev.goals if g.due and g.due > end]
    if plans:
        w.add(Para("已" + "；".join(f"{w.verb(d.kind.value, '印发')}《{d.title}》（{w.ref(d.id)}）" for d in plans[:NAMED])
                   + (f"等{len(plans)}份计划" if len(plans) > NAMED else "") + "。"))
    if ahead:
        w.add(Para(f"确定今后的目标{len(ahead)}项：" + listed([f"{g.text}（{cn_date(g.due.isoformat())}前，{g.id}）" for g in ahead[:NAMED]], "项", len(ahead)) + "。"))
    if not plans and not ahead:
        w.add(todo("下一年度的安全社区工作计划和持续改进目标"))
    tasks = list(dict.fromkeys(COUNTER.sub("", _strip_level(a)) for i in below for a in i.plain_advice))
    for n, task in enumerate(tasks[:NAMED * 2], 1):
        w.add(Para(f"（{cn(n)}）{task}。" if not task.endswith("。") else f"（{cn(n)}）{task}"))
    if len(tasks) > NAMED * 2:
        w.add(Para("其余整改建议见申报表的差距与整改建议。"))
    if not tasks:
        w.add(todo("下一步的重点工作和保障措施"))


YEARS = re.compile(r"(20\d\d)")


def _ahead(d: Document, end: date) -> bool:
    """A plan for after the period: issued after it, or every year its title names lies after it."""
    if d.issued and d.issued > end:
        return True
    years = [int(y) for y in YEARS.findall(d.title)]
    return bool(years) and min(years) > end.year


# -- facts without ids, for the items that read them --------------------------------------------


def budget(w: Writer) -> None:
    for line in sorted(w.ev.budget, key=lambda b: b.year):
        text = f"{line.year}年安排安全社区工作经费{num(line.planned)}元"
        if line.spent is not None:
            text += f"，实际支出{num(line.spent)}元"
            if line.planned:
                text += f"（执行率{share(line.spent, line.planned)}）"
        w.add(Para(text + "。"))


def agreements(w: Writer) -> None:
    a = w.ev.agreements
    if a:
        text = f"辖区应签订安全责任书的单位{a.units}家，已签订{a.signed}家"
        if a.special_equipment:
            text += f"；特种设备{a.special_equipment.total}台，已登记建档{a.special_equipment.registered}台"
        w.add(Para(text + "。"))


def publicity(w: Writer) -> None:
    p = w.ev.publicity
    if p.boards:
        w.add(Para(f"设置固定安全宣传栏、橱窗和安全提示牌{p.boards}处。"))
    if p.channels:
        w.add(Para(f"通过{'、'.join(p.channels)}等{len(p.channels)}种渠道传播安全知识。"))


def workforce(w: Writer) -> None:
    t = w.ev.workforce_training
    if t:
        w.add(Para(f"辖区应开展从业人员安全培训的单位{t.units}家，已开展{t.trained}家。"))


def feedback(w: Writer) -> None:
    f = w.ev.feedback
    if f:
        w.add(Para(f"收到公众意见和建议{f.received}条，已处理并反馈{f.handled}条，提出人对处理满意{f.satisfied}条。" if f.satisfied is not None else
                   f"收到公众意见和建议{f.received}条，已处理并反馈{f.handled}条。"))


def injury_sources(w: Writer) -> None:
    if w.ev.injuries.sources:
        w.add(Para(f"事故与伤害数据来源：{'、'.join(w.ev.injuries.sources)}。"))


def injury_reports(w: Writer) -> None:
    if w.ev.injuries.reports_to:
        w.add(Para(f"事故与伤害按要求报告{'、'.join(w.ev.injuries.reports_to)}。"))


def injury_years(w: Writer) -> None:
    years = sorted(w.ev.injuries.years, key=lambda y: y.year)
    if years:
        causes = list(dict.fromkeys(k for y in years for k in y.by_cause))[:NAMED]
        w.table("逐年事故与伤害人次及原因", ["年份", "合计"] + causes, years, lambda y: [
            f"{y.year}年", str(y.total)] + [str(y.by_cause[k]) if k in y.by_cause else "—" for k in causes])


FACTS = {  # evidence field (or section) → what to say where an item reads it
    "budget": budget, "agreements": agreements, "publicity": publicity, "workforce_training": workforce,
    "feedback": feedback, "injuries.sources": injury_sources, "injuries.reports_to": injury_reports,
    "injuries.years": injury_years,
}


def chart(w: Writer, name: str) -> None:
    """One of the charts of the 申报表, where its figure has data."""
    found = w.charts[name]
    if found.drawing:
        w.figure(found.title, found.drawing)
