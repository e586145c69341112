"""What the 工作报告 draft says, worked out from the evidence and the assessment: the renderers
(workreport_md.py, workreport_docx.py) only lay it out.

第一部分 社区概况 comes from the community, its organisations and the creation timeline; 第二部分
has a chapter per indicator and a section per item, describing the records the item's checks
cited: sentences with counts, dates, names, participation and outcomes, each record named by its
id as the 附件 reference; a table where a section cites several records; the charts where the
item measures the charted figure. Every number is computed from the evidence; what the evidence
does not show is a visible 【待补充：…】 that says what is still needed (the rule set's plain
advice), never invented text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from ..assessment import Assessment, ItemResult
from ..checks.common import quarter, quarter_name
from ..evidence import Activity, Document, Evidence, Goal, Hazard, Organization, Project, Rectification, Survey
from ..evidence import Equipment, Team
from ..measure import format_percent, natural_key
from ..terms import ControlState
from ..scheme import Scheme
from . import charts
from .compose import chart_list, cn_date

CN_NUMBERS = "一二三四五六七八九十"
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
    return Para(f"【待补充：{text}】", todo=True)


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

    def _reads(self) -> dict[str, set[str]]:
        """Item id → the evidence fields its checks read (`injuries.sources`, `budget.planned`…)."""
        out: dict[str, set[str]] = {}
        for path, items in self.scheme.reads().items():
            for item in items:
                out.setdefault(item, set()).add(path)
        return out

    def add(self, *blocks) -> None:
        self.blocks.extend(blocks)

    def table(self, caption: str, header: list[str], rows: list[list[str]]) -> None:
        """A numbered table, or a pointer to the same table printed earlier."""
        key = (tuple(header), tuple(tuple(r) for r in rows))
        if key in self.tables:
            self.add(Para(f"（{caption}见表{self.tables[key]}。）"))
            return
        self.tables[key] = len(self.tables) + 1
        self.add(Table(self.tables[key], caption, header, rows))

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
    rows = timeline(ev)
    if c.launched:
        w.add(Para(f"{c.name}于{cn_date(c.launched)}启动安全社区创建工作。"))
    if rows:
        w.table("创建历程", ["日期", "事项", "附件"], rows)
    else:
        w.add(todo("创建启动日期，机构成立、方案和计划印发等主要事项"))
    w.add(todo("近三年安全相关荣誉"))
    w.add(Heading(2, "五、组织机构"))
    if ev.organizations:
        w.table("安全社区创建组织机构", ["机构", "类别", "成立日期", "人数", "职责文件"], [
            [o.name, o.kind.value, cn_date(o.established.isoformat()) if o.established else "—",
             str(len(o.members) if o.members else o.size) if (o.members or o.size is not None) else "—", o.charter or "—"]
            for o in ev.organizations
        ])
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
    places = [h.place for h in ev.hazards if h.high_risk_environment]
    if places:
        w.add(Para(f"辨识出的高风险环境{len(places)}处：{'、'.join(places)}。"))
    groups = {}
    for p in ev.projects:
        for label, values in (("脆弱群体", p.targets.vulnerable_groups), ("高危人群", p.targets.high_risk_groups)):
            groups.setdefault(label, []).extend(v for v in values if v not in groups.get(label, []))
    said = "；".join(f"{label}：{'、'.join(values)}" for label, values in groups.items() if values)
    if said:
        w.add(Para(f"安全促进项目针对的重点人群——{said}。"))
    if not (years or places or said):
        w.add(todo("区域安全特征、主要事故与伤害问题和重点人群"))


def timeline(ev: Evidence) -> list[list[str]]:
    """Dated milestones: bodies set up, plans and programmes issued, meetings, exchanges, reviews."""
    events = []
    for o in ev.organizations:
        if o.established:
            events.append((o.established, f"成立{o.name}", o.charter or "—"))
    for d in ev.documents:
        if d.issued and d.kind.value in ("方案", "计划"):
            events.append((d.issued, f"印发《{d.title}》", d.id))
    for a in ev.activities:
        if a.kind.value in ("会议", "交流", "评审"):
            events.append((a.date, a.title, a.id))
    return [[cn_date(day.isoformat()), text, ref] for day, text, ref in sorted(events, key=lambda e: (e[0], natural_key(e[2])))]


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
    for o in orgs:
        text = f"{cn_date(o.established.isoformat())}成立{o.name}（{o.id}）" if o.established else f"成立{o.name}（{o.id}）"
        if o.members:
            text += f"，成员{len(o.members)}人"
            sectors = list(dict.fromkeys(m.sector for m in o.members if m.sector))
            if sectors:
                text += f"，来自{'、'.join(sectors)}等{len(sectors)}个部门和领域"
            categories = list(dict.fromkeys(m.category.value for m in o.members if m.category))
            if categories:
                text += f"，包括{'、'.join(categories)}"
        elif o.size is not None:
            text += f"，共{o.size}人"
        if o.charter:
            text += f"；职责见附件{o.charter}"
        w.add(Para(text + "。"))


def documents(w: Writer, docs: list[Document]) -> None:
    def one(d: Document) -> str:
        details = "，".join(x for x in (d.number, f"{cn_date(d.issued.isoformat())}印发" if d.issued else None) if x)
        return f"《{d.title}》（{details + '，' if details else ''}附件{d.id}）"

    kinds = Counter(d.kind.value for d in docs)
    head = "、".join(f"{k}{n}份" for k, n in kinds.items())
    w.add(Para(f"印发{head}：" + "；".join(one(d) for d in docs) + "。"))


def activities(w: Writer, acts: list[Activity]) -> None:
    acts = sorted(acts, key=lambda a: (a.date, natural_key(a.id)))
    kinds = Counter(a.kind.value for a in acts)
    counted = [a.participants for a in acts if a.participants is not None]
    text = f"评估期内开展相关活动{len(acts)}次（" + "、".join(f"{k}{n}次" for k, n in kinds.items()) + "）"
    if counted:
        text += f"，登记参加{sum(counted)}人次"
        if len(counted) < len(acts):
            text += f"（{len(acts) - len(counted)}次未登记人数）"
    if len(acts) == 1:
        a = acts[0]
        w.add(Para(f"{cn_date(a.date.isoformat())}开展{a.kind.value}活动“{a.title}”"
                   + (f"，{a.participants}人参加" if a.participants is not None else "") + f"（附件{a.id}）。"))
        return
    w.add(Para(text + "。"))
    if all(a.kind.value == "检查" for a in acts):
        fixed = Counter(r.activity for r in w.ev.rectifications if r.activity)
        w.table("安全检查及整改情况", ["季度", "日期", "检查", "类型", "发现问题", "整改措施", "附件"], [
            [quarter_name(quarter(a.date)), cn_date(a.date.isoformat()), a.title, a.scope.value if a.scope else "—",
             str(a.findings) if a.findings is not None else "—", str(fixed.get(a.id, 0)), a.id] for a in acts
        ])
    else:
        w.table("活动开展情况（按季度）", ["季度", "日期", "活动", "形式", "对象", "参加人数", "附件"], [
            [quarter_name(quarter(a.date)), cn_date(a.date.isoformat()), a.title, a.kind.value,
             "、".join(x.value for x in a.audience) or "—", str(a.participants) if a.participants is not None else "—", a.id]
            for a in acts
        ])


def projects(w: Writer, projs: list[Project]) -> None:
    def outcome(p: Project) -> str:
        return "；".join(f"{o.metric}由{num(o.baseline)}{'降至' if o.latest < o.baseline else '升至' if o.latest > o.baseline else '保持'}"
                        f"{num(o.latest)}" for o in p.outcomes) or "未登记"

    def rate(p: Project) -> str:
        return share(p.participants, p.target_population) if p.participants is not None else "—"

    key = [p for p in projs if p.key]
    text = f"实施安全促进项目{len(projs)}个" + (f"（其中重点事故与伤害预防项目{len(key)}个）" if key else "") + "："
    parts = []
    for p in projs:
        bit = f"“{p.name}”（{p.id}" + (f"，实施方案见附件{p.plan}" if p.plan else "") + "）"
        facts = []
        if p.target_population is not None and p.participants is not None:
            facts.append(f"相关人群{p.target_population}人，参与{p.participants}人，参与度{rate(p)}")
        if p.outcomes:
            facts.append(outcome(p))
        parts.append(bit + ("：" + "，".join(facts) if facts else ""))
    w.add(Para(text + "；".join(parts) + "。"))
    if len(projs) > 1:
        w.table("安全促进项目参与和效果", ["项目", "重点", "实施期", "相关人群", "参与人数", "参与度", "效果"], [
            [f"{p.id} {p.name}", "是" if p.key else "否",
             f"{cn_date(p.start.isoformat())}至{cn_date(p.end.isoformat())}" if p.start and p.end else "—",
             str(p.target_population) if p.target_population is not None else "—",
             str(p.participants) if p.participants is not None else "—", rate(p), outcome(p)] for p in projs
        ])


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

    w.add(Para(f"确定事故与伤害预防目标{len(items)}项：" + "；".join(one(g) for g in items) + "。"))


def hazards(w: Writer, items: list[Hazard]) -> None:
    levels = Counter(h.level.value for h in items)
    risky = sum(1 for h in items if h.high_risk_environment)
    controlled = sum(1 for h in items if h.controlled is ControlState.CONTROLLED)
    w.add(Para(f"辨识隐患和危险源{len(items)}处（" + "、".join(f"{k}{n}处" for k, n in levels.items()) + "）"
               + (f"，其中高风险环境{risky}处" if risky else "") + f"，已控制{controlled}处。"))
    if len(items) > 1:
        w.table("隐患和危险源辨识与控制", ["编号", "发现日期", "地点", "类别", "等级", "辨识方式", "控制状态"], [
            [h.id, cn_date(h.found.isoformat()) if h.found else "—", h.place, h.category or "—", h.level.value,
             h.method or "—", h.controlled.value if h.controlled else "未写明"] for h in items
        ])


def rectifications(w: Writer, items: list[Rectification]) -> None:
    kinds = Counter(r.kind.value if r.kind else "整改" for r in items)
    done = sum(1 for r in items if r.fixed)
    checked = sum(1 for r in items if r.verified)
    w.add(Para(f"采取措施{len(items)}项（" + "、".join(f"{k}{n}项" for k, n in kinds.items()) + f"），已完成{done}项，经验证{checked}项。"))
    w.table("整改、纠正和预防措施", ["编号", "问题与措施", "发现", "完成", "验证", "来源"], [
        [r.id, r.issue, *(cn_date(d.isoformat()) if d else "—" for d in (r.found, r.fixed, r.verified)), r.activity or "—"]
        for r in items
    ])


def surveys(w: Writer, items: list[Survey]) -> None:
    for s in items:
        w.add(Para(f"{cn_date(s.date.isoformat())}开展{s.kind.value}调查，调查{s.respondents}人，"
                   f"{s.positive}人作肯定回答（{share(s.positive, s.respondents)}，{s.id}）。"))


def teams(w: Writer, items: list[Team]) -> None:
    w.add(Para("组建应急队伍：" + "、".join(f"{t.name}（{t.kind.value}，{t.members}人，{t.id}）" for t in items) + "。"))


def equipment(w: Writer, items: list[Equipment]) -> None:
    def one(e: Equipment) -> str:
        checked = f"{cn_date(e.checked.isoformat())}检查" if e.checked else "未登记检查日期"
        return f"{e.name}{e.quantity}（{checked}，{'完好' if e.ok else '待修复'}，{e.id}）"

    w.add(Para("配备应急设施和器材：" + "、".join(one(e) for e in items) + "。"))


DESCRIBE = {
    Organization: organizations, Document: documents, Goal: goals, Project: projects, Activity: activities,
    Hazard: hazards, Rectification: rectifications, Survey: surveys, Team: teams, Equipment: equipment,
}


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
        causes = list(dict.fromkeys(k for y in years for k in y.by_cause))
        w.table("逐年事故与伤害人次及原因", ["年份", "合计"] + causes, [
            [f"{y.year}年", str(y.total)] + [str(y.by_cause[k]) if k in y.by_cause else "—" for k in causes] for y in years
        ])


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
