"""docs/fidelity.md: how the rule set reads the indicator table, item by item, for a reviewer.

Generated from the rule set (`python -m safecomm.explain fidelity > docs/fidelity.md`): the
table's text, what each check reads and how records are inferred, the numbers and their `why`,
what makes an item C, what is left to on-site confirmation, and which facts are cited from
another item. The reasoning lives in the rule set (`why`, `confirm`); only the general account
of the grading is written here.
"""

from __future__ import annotations

import re
from typing import Any

from .checks import REGISTRY, Primitive
from .checks.planning import DOWN, NONE, SIZE, UP
from .scheme import Check, Item, Scheme, _terms_named
from .terms import INCIDENT_CAUSE, TARGET_WORDS, Audience, Domain, MemberCategory, OrganizationKind, RectificationKind

LEVEL = {"A": "A", "related": "相关", "defect": "严重缺陷"}


# -- what a check names -----------------------------------------------------------------------

def terms_read(check: Check) -> list[str]:
    """Every vocabulary term a check's parameters name: `terms`, `and_terms`, the terms inside
    archive aspects, the areas of record_areas and the term lists of reporting_aspects."""
    found = list(_terms_named(check.params))
    params = check.params
    found += [a for a in params.get("areas", []) if isinstance(a, str)]
    aspects = params.get("aspects")
    if isinstance(aspects, dict):
        for value in aspects.values():
            if isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
    out: list[str] = []
    for term in found:
        if term not in out:
            out.append(term)
    return out


# Primitives that can be undeterminable only for some parameters (the clause in their docs says which).
UNKNOWN_ONLY_WHEN = {
    "project_share": lambda p: "improved" in p.has,
    "activity_variety": lambda p: p.field == "domains",
}


def can_be_unknown(primitive: Primitive) -> str | None:
    """The clause of a primitive's documentation that says when it cannot be told on paper
    (`成员都看不出部门时无从判断`), or None when it always can."""
    for clause in re.split(r"[。；;]", primitive.doc.replace("\n", "")):
        if "无从判断" in clause:
            return re.sub(r"[，,]?（需(现场)?核实）", "", clause).strip()
    return None


def unknown_when(check: Check) -> str | None:
    """When this check (with its parameters) cannot be told on paper, or None."""
    if check.see:
        return None
    clause = can_be_unknown(REGISTRY[check.primitive])
    only = UNKNOWN_ONLY_WHEN.get(check.primitive)
    return clause if clause and (only is None or only(check.bound_params)) else None


def fields_read(check: Check) -> list[str]:
    """The evidence fields a check reads with its parameters: the primitive's `reads`, less the
    fields that only a parameter it does not use would read (`activities.scope` when no scope is
    asked for). Always a part of `scheme.reads()`."""
    if check.see:
        return []
    p = check.bound_params
    unused: set[str] = set()
    name = check.primitive
    if name == "documents":
        if not p.in_period:
            unused.add("documents.issued")
        if not p.not_project_plans:
            unused |= {"projects.plan", "projects.name"}
    elif name == "activities":
        for param in ("scope", "audience", "domains", "organizer"):
            if not getattr(p, param):
                unused.add(f"activities.{param}")
    elif name == "activity_variety":
        unused |= {f"activities.{f}" for f in ("audience", "domains") if f != p.field}
    elif name == "coverage":
        unused.add("workforce_training" if p.of != "workforce_training" else "agreements")
    elif name == "hazards":
        if not p.in_period:
            unused.add("hazards.found")
        if p.controlled is None:
            unused.add("hazards.controlled")
        if not p.key:
            unused.add("hazards.high_risk_environment")
        if not p.level and not p.key:
            unused.add("hazards.level")
    elif name == "publicity":
        unused.add("publicity.channels" if p.field == "boards" else "publicity.boards")
    elif name in ("project_share", "projects"):
        wanted = {"plan": {"projects.plan"}, "population": {"projects.target_population", "projects.participants"},
                  "improved": {"projects.outcomes"}}
        used = set().union(*(wanted[c] for c in p.has)) if p.has else set()
        unused |= set().union(*wanted.values()) - used
        if name == "projects" and not p.targeting:
            unused.add("projects.targets")
    elif name == "domains_covered":
        if "projects" not in p.sources:
            unused |= {"projects.domains", "projects.name"}
        if "activities" not in p.sources:
            unused |= {"activities.domains", "activities.title"}
    return [f for f in REGISTRY[name].reads if f not in unused]


def as_written(scheme: Scheme, term: str) -> list[str]:
    """A term's words in the rule set's order, its name first (just the name when the rule set lacks it)."""
    spec = scheme.vocabulary.get(term, [])
    words = spec if isinstance(spec, list) else spec.words
    return [term] + [w for w in words if w != term]


def as_concepts(scheme: Scheme, term: str, shown: int = 8) -> str | None:
    """A term's concepts in words: `同时出现 〔事故伤害：事故、伤害、伤亡…〕＋〔分析、监测、统计〕` (or the family it
    stands for: `出现任一词条〔消防安全、交通安全…〕`), with what must not appear (None when the term is words only)."""
    vocabulary = scheme.words
    family = vocabulary.family.get(term)
    if term not in vocabulary.concepts and not family:
        return None

    def one(key: str, words: list[str]) -> str:
        listed = "、".join(words[:shown]) + ("…" if len(words) > shown else "")
        return f"〔{key}：{listed}〕" if key in vocabulary else f"〔{listed}〕"

    if family:
        text = "出现任一词条〔" + "、".join(family) + "〕"
    else:
        text = "同时出现 " + "＋".join(one(k, sorted(w, key=len)) for k, w in vocabulary.concepts[term])
    nones = vocabulary.excluded.get(term)
    return text + (f"，且不含{'、'.join(one(k, sorted(w, key=len)) for k, w in nones)}" if nones else "")


def _anchor(term: str) -> str:
    return f"[{term}](#词条-{term})"


def _either(values) -> str:
    return "、".join(str(v) for v in values)


def _inferred_kinds(general: dict, wanted: set[str]) -> str:
    """`（标题含其种类词的通知、其他也算）` for the general kinds that may be read as a wanted kind."""
    generals = [g.value for g, kinds in general.items() if g.value not in wanted and wanted & {k.value for k in kinds}]
    return f"（标题含所需种类词的{_either(generals)}也算）" if generals else ""


def reading(scheme: Scheme, item: Item, check: Check) -> str:
    """What a check looks at, in words, with the inferences that apply to its parameters."""
    p = check.bound_params
    if check.primitive == "documents":
        kinds = {k.value for k in p.kind}
        parts = [f"{_either(sorted(kinds, key=list(k.value for k in p.kind).index)) if kinds else '任何种类的'}文件"
                 + _inferred_kinds(scheme.kinds.documents, kinds)]
        if p.terms:
            parts.append(f"标题或 topics 含词条 {'或'.join(map(_anchor, p.terms))}"
                         + (f"，且含 {'或'.join(map(_anchor, p.and_terms))}" if p.and_terms else "")
                         + f"，或 items 写明 {item.id}")
        else:
            parts.append("标题用词不限")
        if p.in_period:
            parts.append("评估期内印发（issued）")
        return "；".join(parts)
    if check.primitive == "activities":
        kinds = {k.value for k in p.kind}
        parts = [("评估期内的" if p.in_period else "不限日期的") + (f"{_either(k.value for k in p.kind)}活动" if kinds else "活动")
                 + _inferred_kinds(scheme.kinds.activities, kinds)]
        if p.scope:
            terms = [scheme.scopes[s] for s in p.scope if s in scheme.scopes]
            parts.append(f"检查类型 {_either(s.value for s in p.scope)}（未写 scope 时看标题是否含词条 {'或'.join(map(_anchor, terms))}）")
        if p.audience:
            within = sorted(scheme.audience.within(list(p.audience)) - set(p.audience), key=list(Audience).index)
            inner = f"，含{_either(a.value for a in within)}" if within else ""
            default = scheme.audience.default
            fallback = f"；未写对象、标题也看不出的按{default.value}计" if default and default in scheme.audience.within(list(p.audience)) else ""
            parts.append(f"对象为{_either(a.value for a in p.audience)}（可写一个或多个{inner}；未写时看标题中的对象词条{fallback}）")
        if p.domains:
            parts.append(f"领域为{_either(d.value for d in p.domains)}（domains 写明，或标题含该领域的词条）")
        if p.organizer:
            parts.append(f"由{_either(o.value for o in p.organizer)}组织（organizer 指向这类组织，或标题含其名称或词条 "
                         f"{'、'.join(_anchor(o.value) for o in p.organizer if o.value in scheme.words)}）")
        if p.terms:
            parts.append(f"标题含词条 {'或'.join(map(_anchor, p.terms))}")
        if p.scope or p.audience or p.domains or p.organizer or p.terms:
            parts.append(f"写明 items: [\"{item.id}\"] 的活动只看种类和日期")
        if p.or_terms:
            parts.append(f"另计标题含词条 {'或'.join(map(_anchor, p.or_terms))} 的任何种类的活动")
        return "；".join(parts)
    text = REGISTRY[check.primitive].doc.replace("\n", "")
    named = terms_read(check)
    if named:
        text += f" 词条：{'、'.join(map(_anchor, named))}。"
    return text


def primitive_call(check: Check) -> str:
    """`member_sectors(kind=[领导机构])`: the primitive with the parameters as written."""
    return f"{check.primitive}({', '.join(f'{k}={plain(v)}' for k, v in check.params.items())})"


def call(check: Check) -> str:
    target, veto = check.bound_texts
    return f"`{primitive_call(check)}`" + (f" {target}" if target else "") + (f"，否决线 {veto}" if veto else "")


def plain(value: Any) -> str:
    """Parameters as a rule-set author writes them: `[制度, 计划]`, `{交通安全: [交通事故]}`."""
    if isinstance(value, list):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {plain(v)}" for k, v in value.items()) + "}"
    return str(value)


# -- the numbers --------------------------------------------------------------------------------

def chosen_number(check: Check) -> str | None:
    """The bar a check sets when it is the project's choice rather than the table's: a target other
    than "at least one", and the tolerances written as parameters."""
    if check.see or check.threshold:
        return None
    bits = []
    if check.target:
        t = check.target
        at_least_one = check.unit == "count" and ((t.op == ">=" and t.value == 1) or (t.op == ">" and t.value == 0))
        if not at_least_one:
            bits.append(t.text(check.unit))
    bits += tolerances(check)
    return "，".join(bits) or None


def tolerances(check: Check) -> list[str]:
    """The tolerances a check writes as parameters (`容许上升 5%`, `期末后 90 天`)."""
    words = {"years": "连续 {} 年", "tolerance": "容许上升 {:.0%}", "grace_days": "期末后 {} 天内印发的报告也算"}
    return [words[name].format(check.params[name]) for name in words if name in check.params]


def _ratio_checks(scheme: Scheme, below_all: bool) -> list[str]:
    out = []
    for _, item in scheme.items():
        for c in item.checks:
            if c.see or c.threshold or not c.target or c.unit != "ratio":
                continue
            if (c.target.value < 1) == below_all:
                out.append(f"{item.id} {c.requirement}")
    return out


# -- the document ---------------------------------------------------------------------------

def _cited_by(scheme: Scheme) -> dict[str, list[tuple[str, Check]]]:
    found: dict[str, list[tuple[str, Check]]] = {}
    for _, item in scheme.items():
        for c in item.checks:
            if c.see:
                found.setdefault(c.see, []).append((item.id, c))
    return found


def _summary(scheme: Scheme) -> list[str]:
    vetoes = [f"{item.id} {c.requirement}（否决线 {c.veto.text(c.unit)}）"
              for _, item in scheme.items() for c in item.checks if c.veto]
    defects = [f"{item.id} {c.requirement}" for _, item in scheme.items() for c in item.checks if c.level == "defect"]
    cites = [f"{item.id} 引用 {c.see}（{c.requirement}）" for _, item in scheme.items() for c in item.checks if c.see]
    kinds = [f"{general.value}可算作{_either(k.value for k in kinds)}"
             for general, kinds in scheme.kinds.documents.items()]
    kinds += [f"{general.value}（活动）可算作{_either(k.value for k in kinds)}"
              for general, kinds in scheme.kinds.activities.items()]
    groups = [f"{group.value}包括{_either(a.value for a in inner)}" for group, inner in scheme.audience.groups.items()]
    default = scheme.audience.default.value if scheme.audience.default else None
    scopes = [f"{_anchor(term)} → {scope.value}" for scope, term in scheme.scopes.items()]
    tolerant = _ratio_checks(scheme, below_all=True)
    whole = _ratio_checks(scheme, below_all=False)
    params = [f"{item.id} {c.requirement}：{'，'.join(tolerances(c))}" for _, item in scheme.items() for c in item.checks
              if not c.see and tolerances(c)]
    grades = scheme.grades
    out = [
        "## 一、概要", "",
        "### 评定办法", "",
        f"指标表的备注：A 为“{grades['A']}”；B 为“{grades['B']}”；C 为“{grades['C']}”。",
        f"规则集的 `grading`（印在每份报告上）：{scheme.grading.note}", "",
        "具体地：", "",
        "- 每个条目由若干**检查**组成。检查分三级：**A**（达到 A 级所需）；**相关**（`related`：只说明有相关工作，"
        "见到即不是空白，不影响 A）；**严重缺陷**（`defect`：未通过即为 C，规则集必须写明为何严重）。另有**引用**"
        "（`see`）：显示另一条目某个检查的结果，作为本条目的相关证据，只在被引用的条目中评定。",
        "- 每个检查的结果是**通过**、**未通过**，或**文件中无从判断**：证据从未填写它所需的内容（如成员都没写单位，"
        "器材都没写检查日期，整段 `feedback` 没写）。",
        "- **C**：越过否决线，或严重缺陷检查未通过，或本条目的全部检查（含引用）都没有见到任何相关记录（空白）。",
        "- **B**：见到相关记录，但有 A 级检查未通过或无从判断。",
        "- **A**：全部 A 级检查通过。",
        "- 无从判断的检查使条目列为**需现场核实**，条目最高为 B，但不会因此为 C。条文要求访谈、现场查看的内容，"
        "规则集写在条目的 `confirm` 中：引擎照文件评定，同时列为需现场核实，由审核人确认或改判。",
        "- 两点要注意：（1）只有一个检查的条目（如 6.2、6.3），证据整段没写时就是空白，为 C，同时列为需现场核实；"
        "（2）补充相关记录不会使条目由 B 降为 C，除非补的记录本身就是严重缺陷或越过否决线（如一处未控制的重大隐患、"
        "一个参与度不足 30% 的重点项目）；比例类要求按全部记录计算，补一条做得不到位的记录（如没有附件的活动）"
        "可能使 A 降为 B。", "",
        f"否决线：{'；'.join(vetoes) or '无'}。严重缺陷：{'；'.join(defects) or '无'}。", "",
        "### 总体结论", "",
        scheme.verdict.note, "",
        "### 怎样找到记录", "",
        "- **items 声明最强。** 文件和活动可以写 `items: [\"8.6\", \"1.4\"]`（条目编号加引号），声明支持哪些条目。"
        "写明本条目的记录不再看标题用词、对象、领域、组织者和检查类型；但**种类和日期仍须符合**："
        "8.6 要的是制度，写明 8.6 的通知仍不是制度；“评估期内”仍看 `issued`、`date`。",
        "- **词条，不按字面。** 规则按规则集 `vocabulary` 中的词条找文件和活动：每个词条列出说法相同的词"
        "（如 检查：巡查、排查、督查……），标题或 topics 中出现其中任一个词即是，也包括出现在更长的词里"
        "（“消防救援大队”含“消防”）；不该这样读的，词条用 `not_in` 排除（“不定期”里的“定期”不算定期检查）。"
        "结果的说明会写出是哪条记录凭哪个词计入的。全部词条见[第四部分](#四词条)。",
        f"- **种类。** 写成通用种类的记录，标题中出现其他种类的词时也算那一种：{'；'.join(kinds)}。"
        "如“关于印发安全检查制度的通知”也是制度，“居民安全议事会”（会议）也是议事。",
        f"- **对象。** {'；'.join(groups)}，面向他们的活动也是面向上一级人群的活动；活动可写多个对象。"
        + (f"活动没写对象、标题也看不出时按{default}计。" if default else ""),
        f"- **检查类型。** 检查没写 `scope` 时按标题中的词条定（依次看）：{'；'.join(scopes)}。",
        "- **由链接和名称推断，先于要求加标记。** 隐患没写辨识方式时，按它指向的检查（`activity`），或发现当天的检查推断；"
        "整改没写类别时，指向检查的为整改，文字含词条“预防措施”的为预防，含“纠正措施”的为纠正；"
        "项目没写对象时按名称推断，没写实施方案时标题含项目名称的方案或计划即是；没有标明重点项目时全部项目按重点项目计；"
        "领导机构成员没写部门、执行机构成员没写类别时按单位名称中的词条推断；"
        "活动没写组织者时，标题含组织名称或“志愿者”一类词的，按该类组织开展的活动计；活动没写领域时按标题中的领域词条计。", "",
        "### 一个事实一个条目", "",
        "同一个事实只在一个条目中评定，其他条目引用它（结果中显示“见 3.3：……”），不重复扣分。读取规则集时，"
        "两个条目用相同原语和参数读取同一事实即报错。本规则集的引用：" + ("；".join(cites) or "无") + "。", "",
        "### 指标表没有写明的数", "",
        "指标表只写明了第二部分表一中的几个数。其余的数（何为“跨部门”“不同方式”“好转”“基本满意”）是本项目的选择，"
        "每一个都是规则集中的参数，理由写在检查的 `why` 中，省、市可以改（见 [rules.md](rules.md)）。选数的原则：",
        "",
        "- 条文说“每一项”“全部”“都”的，要求 100%：" + ("；".join(whole) or "无") + "。",
        "- 比例要求低于 100% 的（条文要求全部而现实中总有期末在办的，或条文只说“良好”“基本”的，留出余地）：" + ("；".join(tolerant) or "无") + "。",
        "- 条文说“不同”“多样”“各类”的，取能说明“不止一种”的最低数；条文自己列举了几类的，取列举的个数。",
        "- 判断趋势和时间的容差：" + ("；".join(params) or "无") + "。", "",
    ]
    return out


def _numbers(scheme: Scheme) -> list[str]:
    out = ["## 二、数", "", "### 表一 指标表写明的阈值", "",
           "| 条目 | 阈值 | 要求 | 否决线 | 依据 |", "|---|---|---|---|---|"]
    for _, item in scheme.items():
        for c in item.checks:
            if c.threshold:
                veto = c.veto.text(c.unit) if c.veto else "—"
                out.append(f"| {item.id} | {c.threshold} | {c.target.text(c.unit)} | {veto} | {_cell(c.why or '指标表原文')} |")
    out += ["", "### 表二 本项目选定的数", "",
            "指标表没有写明、由本项目选定的要求（“至少一份”“至少一次”之类的最低要求不列）。", "",
            "| 条目 | 要求 | 数 | 依据（规则集 why） |", "|---|---|---|---|"]
    for _, item in scheme.items():
        for c in item.checks:
            number = chosen_number(c)
            if number:
                out.append(f"| {item.id} | {_cell(c.requirement)} | {number} | {_cell(c.why or '（未写）')} |")
    return out + [""]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _item(scheme: Scheme, indicator_id: str, item: Item, cited_by: dict) -> list[str]:
    out = [f"#### <a id=\"item-{item.id}\"></a>{item.id}", "", f"> {item.text}", ""]
    if item.note:
        out += [f"指标表备注：{item.note}", ""]
    out += ["**引擎读什么**", ""]
    unknown: list[str] = []
    fields: list[str] = []
    for n, c in enumerate(item.checks, 1):
        if c.see:
            owner, check_id = c.see.split("/")
            out.append(f"{n}. **[引用] {c.requirement}**（`{c.id}`）：见 [{owner}](#item-{owner}) 的检查 `{check_id}`，"
                       f"在那里评定；此处只作为相关证据。")
            continue
        out.append(f"{n}. **[{LEVEL[c.level]}] {c.requirement}**（`{c.id}`）：{call(c)}")
        out.append(f"   - 读：{reading(scheme, item, c)}")
        if c.why:
            out.append(f"   - 依据：{c.why}")
        clause = unknown_when(c)
        if clause:
            unknown.append(f"{c.requirement}（{clause}）")
        for f in fields_read(c):
            if f not in fields:
                fields.append(f)
    out.append("")
    blank = "以上检查（含引用）都没有见到任何相关记录"
    c_when = [f"空白：{blank}"]
    c_when += [f"否决：{c.requirement}，测量值 {c.veto.text(c.unit)}" for c in item.checks if c.veto]
    c_when += [f"严重缺陷：{c.requirement}未做到——{c.why}" for c in item.checks if c.level == "defect"]
    a_checks = [c.requirement for c in item.checks if c.level == "A" and not c.see]
    out += [f"**为 C**：{'；'.join(c_when)}。", "",
            f"**为 A**：{'；'.join(a_checks)}，全部做到。", ""]
    confirm = [f"条文要求现场核实（规则集 `confirm`）：{item.confirm}。"] if item.confirm else []
    if unknown:
        own = [c for c in item.checks if not c.see]
        if len(unknown) == len(own) == len(item.checks):
            confirm.append(f"证据没写所需内容时文件中无从判断：{'；'.join(unknown)}。本条目没有别的检查，"
                           "所以这时条目是空白，为 C，同时列为需现场核实。")
        else:
            confirm.append(f"证据没写所需内容时文件中无从判断，列为需现场核实，条目最高为 B，不因此为 C：{'；'.join(unknown)}。")
    out += [f"**留给现场核实**：{' '.join(confirm) if confirm else '无，文件足以判定。'}", ""]
    cites = [f"{c.see}（{c.requirement}）" for c in item.checks if c.see]
    by = [f"{other} 引用 `{ref.split('/')[1]}`" for ref, users in sorted(cited_by.items()) if ref.split("/")[0] == item.id
          for other, _ in users]
    if cites or by:
        out += [f"**引用**：{'；'.join(cites) or '无'}。**被引用**：{'；'.join(by) or '无'}。", ""]
    if fields:
        out += [f"读取的证据字段：{'、'.join(f'`{f}`' for f in fields)}", ""]
    return out


def _vocabulary(scheme: Scheme) -> list[str]:
    used: dict[str, list[str]] = {}
    for _, item in scheme.items():
        for c in item.checks:
            for term in terms_read(c) if c.primitive else ():
                ids = used.setdefault(term, [])
                if item.id not in ids:
                    ids.append(item.id)
    roles: dict[str, list[str]] = {}

    def role(term: str, what: str) -> None:
        if term in scheme.words and what not in roles.setdefault(term, []):
            roles[term].append(what)

    for general, kinds in scheme.kinds.documents.items():
        for k in kinds:
            role(k.value, "文件种类")
    for general, kinds in scheme.kinds.activities.items():
        for k in kinds:
            role(k.value, "活动种类")
    for scope, term in scheme.scopes.items():
        role(term, f"检查类型 {scope.value}")
    for a in Audience:
        role(a.value, "活动对象")
    for d in Domain:
        role(d.value, "活动领域")
    for o in OrganizationKind:
        role(o.value, "活动组织者")
    for sector, term in scheme.sectors.items():
        role(term, f"成员部门 {sector}")
    for c in MemberCategory:
        role(c.value, "成员类别")
    for t in TARGET_WORDS.values():
        role(t, "项目对象")
    for t in (DOWN, UP, NONE, SIZE):
        role(t, "目标的改进方向（4.1）")
    for k in (RectificationKind.PREVENTIVE, RectificationKind.CORRECTIVE):
        role(f"{k.value}措施", f"整改类别 {k.value}")
    role(INCIDENT_CAUSE, "写成整改、未指向检查的措施也按纠正计（11.2）")
    out = ["## 四、词条", "",
           "规则集 `vocabulary` 的全部词条。标题或 topics（及成员单位、项目名称、整改内容等）中出现“说法”中的任一个词即是"
           "该词条，也包括出现在更长的词里；出现在“不算”所列的更长的词里时不算。“用于”列出规则中点名它的条目，"
           "或它参与的推断。", "",
           "| 词条 | 说法 | 不算 | 用于 |", "|---|---|---|---|"]
    for name, spec in scheme.vocabulary.items():
        not_in = [] if isinstance(spec, list) else spec.not_in
        shown = "、".join(as_written(scheme, name))
        concepts = as_concepts(scheme, name, shown=40)
        shown += f"；或{concepts}" if concepts else ""
        use = ([f"条目 {'、'.join(used[name])}"] if name in used else []) + roles.get(name, [])
        out.append(f"| <a id=\"词条-{name}\"></a>{name} | {shown} | {'、'.join(not_in) or '—'} | "
                   f"{'；'.join(use) or '（未被规则使用）'} |")
    return out + [""]


def fidelity_markdown(scheme: Scheme) -> str:
    """docs/fidelity.md."""
    out = [
        "# 指标表的读法：逐条核对", "",
        "> 本文件由规则集生成，勿手改：`python -m safecomm.explain fidelity > docs/fidelity.md`（测试核对它与规则集一致）。",
        f"> 规则集：{scheme.title}（`{scheme.id}` 版本 {scheme.version}）。出处：{scheme.source}。",
        "> 各检查的“依据”是规则集中的 `why`，“留给现场核实”的条文要求是规则集中的 `confirm`：要改，改规则集，再重新生成。", "",
        "写给县（区）审核人：一次读完，核对本项目怎样读指标表。第一部分是评定办法和取舍；第二部分列出全部的数及其依据；"
        "第三部分逐条列出原文、引擎读什么、为何是这个数、什么情况为 C、哪些留给现场核实、引用哪个条目的事实；"
        "第四部分是词条表。同样的内容，单个条目可用 `safecomm explain 条目编号` 查看。", "",
    ]
    out += _summary(scheme)
    out += _numbers(scheme)
    out += ["## 三、逐条", ""]
    cited_by = _cited_by(scheme)
    for indicator in scheme.indicators:
        out += [f"### {indicator.id} {indicator.title}", ""]
        for item in indicator.items:
            out += _item(scheme, indicator.id, item, cited_by)
    out += _vocabulary(scheme)
    return "\n".join(out)
