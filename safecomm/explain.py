"""The rules in words: what `safecomm indicators` and `safecomm explain` print, and the primitive docs."""

from __future__ import annotations

import re

from .checks import REGISTRY
from .fidelity import as_concepts, as_written, fields_read, plain, primitive_call, terms_read, unknown_when
from .measure import format_points
from .scheme import Bound, Check, Scheme

LEVELS = {"A": "A", "defect": "严重缺陷", "related": "相关"}


def check_words(check: Check) -> str:
    """`[A] 领导机构成员来自至少5个部门 — member_sectors(kind=[领导机构])，要求 ≥ 5`"""
    if check.see:
        return f"[引用] {check.requirement} — 见 {check.see}（在该条目评定，此处只作为相关证据）"
    target, veto = check.bound_texts
    return (f"[{LEVELS[check.level]}] {check.requirement} — {primitive_call(check)}"
            + (f"，要求 {target}" if target else "") + (f"，否决线 {veto}" if veto else ""))


def lineage_words(scheme: Scheme) -> str:
    """`national-2009-onsite 2026.1（基于 national-2009 2026.1）`"""
    bases = scheme.lineage.bases if scheme.lineage else ()
    return f"{scheme.id} {scheme.version}" + ("（基于 " + " ← ".join(f"{b.id} {b.version}" for b in bases) + "）" if bases else "")


def scoring_words(scheme: Scheme) -> str:
    """`积分制，满分 135` or `A/B/C 等级`."""
    s = scheme.scoring
    if s.method != "points":
        return "A/B/C 等级"
    most = sum(part.weight for part in s.parts) * len(s.items)
    return f"积分制，满分 {format_points(s.scale or most)}"


def scheme_row(name: str, scheme: Scheme) -> dict:
    """One shipped rule set: the name that loads it, what it is, what it extends, how it scores."""
    bases = scheme.lineage.bases if scheme.lineage else ()
    return {"name": name, "id": scheme.id, "version": scheme.version, "title": scheme.title,
            "extends": bases[0].id if bases else None, "scoring": scoring_words(scheme)}


def schemes_text(rows: list[dict]) -> str:
    lines = []
    for row in rows:
        base = f"继承 {row['extends']}" if row["extends"] else "独立"
        lines += [f"{row['name']}  {row['title']}", f"    {row['id']} {row['version']} · {base} · {row['scoring']}"]
    return "\n".join(lines + ["", "用法：safecomm assess 证据.yaml --scheme 名称（示例可复制后修改，见 docs/rules.md）"])


def indicators_data(scheme: Scheme) -> dict:
    lineage = scheme.lineage
    return {
        "scheme": {"id": scheme.id, "version": scheme.version, "title": scheme.title,
                   "bases": [b.model_dump() for b in lineage.bases] if lineage else [],
                   "changes": [c.model_dump() for c in lineage.changes] if lineage else [],
                   "scoring": scheme.scoring.method},
        "indicators": [
            {
                "id": ind.id,
                "title": ind.title,
                "items": [
                    {
                        "id": item.id,
                        "text": item.text,
                        "note": item.note,
                        "confirm": item.confirm,
                        "not_applicable": item.not_applicable,
                        "checks": [
                            {"id": c.id, "level": c.level, "requirement": c.requirement, "see": c.see}
                            if c.see else
                            {"id": c.id, "level": c.level, "requirement": c.requirement, "primitive": c.primitive,
                             "params": REGISTRY[c.primitive].params.model_validate(c.params).model_dump(mode="json"), "threshold": c.threshold,
                             "target": c.target.text(c.unit) if c.target else None,
                             "veto": c.veto.text(c.unit) if c.veto else None,
                             "advice": c.advice, "record": c.record, "why": c.why}
                            for c in item.checks
                        ],
                    }
                    for item in ind.items
                ],
            }
            for ind in scheme.indicators
        ],
    }


def indicators_text(scheme: Scheme) -> str:
    lines = [f"{scheme.title}（{lineage_words(scheme)}；{scoring_words(scheme)}）", ""]
    for ind in scheme.indicators:
        lines.append(f"{ind.id} {ind.title}")
        for item in ind.items:
            flag = " ※需现场核实" if item.confirm else ""
            flag += f" ※不适用：{item.not_applicable}" if item.not_applicable else ""
            lines.append(f"  {item.id:<5} {item.text}{flag}")
        lines.append("")
    return "\n".join(lines)


def item_text(scheme: Scheme, item_id: str) -> str:
    indicator, item = scheme.item(item_id)
    lines = [f"{item.id}（{indicator.id} {indicator.title}）", item.text, ""]
    if item.note:
        lines += [f"备注：{item.note}", ""]
    if item.not_applicable:
        lines += [f"不适用：{item.not_applicable}（不评定、不计分）", ""]
    lines += [f"评定办法：{scheme.grading.note}", "", "检查："]
    reads: list[str] = []
    terms: list[str] = []
    for check in item.checks:
        lines.append(f"  {check_words(check)}")
        if check.why:
            lines.append(f"      依据：{check.why}")
        if check.record:
            lines.append(f"      登记：{check.record}")
        if unknown_when(check):
            lines.append(f"      {unknown_when(check)}：需现场核实，不因此为 C")
        for field in fields_read(check):
            if field not in reads:
                reads.append(field)
        terms += [t for t in terms_read(check) if t not in terms]
    thresholds = [c for c in item.checks if c.threshold]
    if thresholds:
        lines += ["", "阈值："]
        for c in thresholds:
            veto = f"；{c.veto.words(c.unit)}为否决项（不合格）" if c.veto else ""
            lines.append(f"  {c.threshold}：{c.target.words(c.unit)}{veto}")
    if item.confirm:
        lines += ["", f"需现场核实：{item.confirm}"]
    if terms:
        lines += ["", "词条（标题或主题中出现其中任一个词即是，或其概念都出现（任意顺序、任意分隔）；也可在记录的 items 中写本条目编号）："]
        for t in terms:
            lines.append(f"  {t}：{'、'.join(as_written(scheme, t))}")
            if as_concepts(scheme, t):
                lines.append(f"      或{as_concepts(scheme, t)}")
    general = general_words(scheme, item)
    if general:
        lines += ["", *general]
    if scheme.scoring.method == "points":
        lines += ["", f"记分（{scoring_words(scheme)}）："]
        lines += [f"  {part.name} {format_points(part.weight)} 分 ← {'、'.join(ids)}" for part, ids in scheme.scoring.parts_of(item.id)]
    lines += ["", f"读取的证据字段：{'、'.join(reads)}", ""]
    return "\n".join(lines + changes_text(scheme, item.id, terms))


def general_words(scheme: Scheme, item) -> list[str]:
    """What makes a document of the kind a possible match for an item's document checks: its title names
    only the rule set's general terms (the whole work, a domain), or nothing the rules read."""
    kinds = [k.value for c in item.checks if c.primitive == "documents" and c.bound_params.terms
             for k in c.bound_params.kind]
    if not kinds or not scheme.general:
        return []
    lines = [f"泛指的词条（{'、'.join(dict.fromkeys(kinds))}文件的标题只说出这些词条、或什么也没说出时，可能就是所要的那份："
             "相关证据，至少为 B，需现场核实，不凭标题通过 A 级检查；说出另一件事的，如 检查、应急、安全职责，是那件事的文件）："]
    for t in scheme.general:
        said = scheme.words.family.get(t) or as_written(scheme, t)
        lines.append(f"  {t}：{'、'.join(said[:8])}{'……' if len(said) > 8 else ''}")
    return lines


def changes_text(scheme: Scheme, item_id: str, terms: list[str]) -> list[str]:
    """What the variants changed in this item, in the terms it uses and in the rule set as a whole:
    each change with the base value and the override, and where it is written."""
    lineage = scheme.lineage
    if not lineage or not lineage.bases:
        return []
    mine = [c for c in lineage.changes if c.target == item_id or c.target.startswith(f"{item_id}/")
            or (c.target == "vocabulary" and c.field in terms) or c.target in ("verdict", "scoring", "eligibility", "grading")]
    lines = [f"相对 {' ← '.join(f'{b.id} {b.version}' for b in lineage.bases)} 的修改（{scheme.id}）："]
    if not mine:
        return lines + ["  本条目未作修改", ""]
    for c in mine:
        what = c.target + (f" {c.field}" if c.field else "")
        if c.action == "removed":
            lines.append(f"  删除 {c.target}：{c.value}（{c.source}，{c.scheme}）")
        elif c.base is None and c.value is None:
            lines.append(f"  {what}：{'新增' if c.action == 'added' else '整段改写'}（{c.source}，{c.scheme}）")
        else:
            unit = _unit(scheme, c.target)
            lines.append(f"  {what}：{_value(c.base, unit)} → {_value(c.value, unit)}（{c.source}，{c.scheme}）")
    return lines + [""]


def _unit(scheme: Scheme, target: str):
    try:
        return scheme.check(target)[1].unit if "/" in target else None
    except (KeyError, TypeError):
        return None  # a removed check, or a citation


def _value(value, unit) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, dict) and len(value) == 1 and unit:
        return Bound.model_validate(value).text(unit)
    return plain(value)


def primitives_data() -> list[dict]:
    return [
        {"name": p.name, "unit": p.unit, "reads": list(p.reads), "doc": p.doc,
         "params": p.params.model_json_schema().get("properties", {})}
        for p in sorted(REGISTRY.values(), key=lambda p: p.name)
    ]


def primitives_text() -> str:
    lines = []
    for p in sorted(REGISTRY.values(), key=lambda p: p.name):
        params = ", ".join(p.params.model_fields)
        lines += [f"{p.name}({params}) → {p.unit}", f"  {p.doc}", f"  读取：{'、'.join(p.reads)}", ""]
    return "\n".join(lines)


def primitives_markdown() -> str:
    """docs/primitives.md, generated from the registry (`python -m safecomm.explain > docs/primitives.md`)."""
    out = ["# 检查原语（由代码生成，勿手改）", "",
           "规则集中每个检查用 `primitive:` 指定下列原语之一，用 `params:` 传参数。",
           "单位为 bool 的原语给出是/否；count 与 ratio 给出测量值，须配 `target`（可加 `veto`）。", ""]
    for p in sorted(REGISTRY.values(), key=lambda p: p.name):
        out += [f"## `{p.name}` → {p.unit}", "", p.doc, "", f"读取：{'、'.join(f'`{r}`' for r in p.reads)}", ""]
        props = p.params.model_json_schema()
        fields = props.get("properties", {})
        if fields:
            out += ["| 参数 | 默认 |", "|---|---|"]
            for name, spec in fields.items():
                default = spec.get("default", "（必填）")
                out.append(f"| `{name}` | `{default}` |")
            out.append("")
    return "\n".join(out)


# -- suggestions for whoever fills the evidence: the JSON Schema and the template -------------------

def document_terms(scheme: Scheme) -> dict[str, list[str]]:
    """Term → the items whose checks look for it in document titles and topics, in table order."""
    found: dict[str, list[str]] = {}
    for _, item in scheme.items():
        for check in item.checks:
            if any(f.startswith("documents.") for f in fields_read(check)):
                for term in terms_read(check):
                    ids = found.setdefault(term, [])
                    if item.id not in ids:
                        ids.append(item.id)
    return found


def evidence_schema(scheme: Scheme) -> dict:
    """The evidence model's JSON Schema with the rule set's words as suggestions: `examples` for
    topics (the terms documents are looked for by), items (the item ids), sector, and the words a
    title, a scope or a rectification's issue is read by. The model stays the single truth: only
    descriptions and examples are added."""
    from .evidence import Evidence

    schema = Evidence.model_json_schema()
    defs = schema["$defs"]
    terms = document_terms(scheme)
    ids = [item.id for _, item in scheme.items()]

    def add(model: str, field: str, description: str | None = None, examples: list | None = None, inner: bool = False):
        spec = defs[model]["properties"][field]
        target = spec["items"] if inner else spec
        if description:
            target["description"] = f"{target['description']}。{description}" if target.get("description") else description
        if examples:
            target["examples"] = examples

    add("Document", "title", "种类词（如 制度：" + "、".join(as_written(scheme, "制度")[:6]) + "……）和主题词条都从标题中认：通知、其他写成"
        "“关于印发……制度的通知”也算制度")
    add("Document", "topics", "规则按词条找文件：写文件管的方面，标题或 topics 中出现词条的任一说法即可（同义词见 safecomm explain 条目）",
        list(terms), inner=True)
    for model in ("Document", "Activity"):
        add(model, "items", None, ids, inner=True)
    add("Activity", "title", "活动没写的种类、检查类型、对象、领域、组织者，都按标题中的词条推断（如 居民议事会 → 议事，"
        "日常巡查 → 日常检查，老年人 → 对象）")
    add("Activity", "scope", "不写时按标题定：" + "；".join(
        f"{scope.value}：{'、'.join(as_written(scheme, term)[:5])}" for scope, term in scheme.scopes.items()))
    add("Activity", "audience", "不写时按标题中的对象词推断" + (f"，都看不出时按{scheme.audience.default.value}计" if scheme.audience.default else ""))
    add("Member", "sector", "不写时按单位名称推断（" + "；".join(
        f"{sector}：{'、'.join(as_written(scheme, term)[1:4])}" for sector, term in list(scheme.sectors.items())[:6]) + "……）",
        list(scheme.sectors))
    add("Rectification", "issue", "不写 kind 也不指向检查时，按这里的文字推断类别：预防（" + "、".join(as_written(scheme, "预防措施")[:5])
        + "）、纠正（" + "、".join(as_written(scheme, "纠正措施")[:5]) + "）")
    add("InjuryYear", "by_cause", "原因名称自由填写，如 " + "、".join(["交通", "跌倒", "生产", "火灾", "治安", "家居"]),
        [{"交通": 30, "跌倒": 27, "生产": 6, "火灾": 2, "治安": 9, "家居": 21}])
    add("Injuries", "reports_to", "写部门名称：名称中的词决定它属于生产安全、交通安全、消防安全、社会治安中的哪一方面",
        ["区应急管理局", "公安交警大队", "消防救援大队", "派出所"], inner=True)
    add("Hazard", "method", None, ["日常巡查", "专项排查", "综合检查", "居民报告", "专家评估"])
    return schema


TEMPLATE_BLOCK = re.compile(r"^# 〔(?P<name>\S+) 由规则集生成.*?〕\n(?:#.*\n)*?# 〔(?P=name) 完〕\n", re.M)


def _columns(text: str) -> int:
    """Display width: a Chinese character takes two columns."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _wrapped(head: str, words: list[str], width: int = 100) -> list[str]:
    """`#     检查：检查 巡查 排查 …`, wrapped under the head within `width` columns."""
    lines, line, fresh = [], f"#   {head}：", True
    for word in words:
        if not fresh and _columns(line) + 1 + _columns(word) > width:
            lines.append(line)
            line, fresh = "#" + " " * (_columns(f"#   {head}：") - 1), True
        line += word if fresh else f" {word}"
        fresh = False
    return lines + [line]


def template_block(scheme: Scheme, name: str) -> list[str]:
    """The lines of one generated block of the template's comments (without its marker lines)."""
    words = scheme.words
    out: list[str] = []
    if name == "文件词条":
        out.append("#   标题中的种类词（写成 通知、其他 的文件，标题有这些词时也算该种类）：")
        for kind in ("制度", "计划", "方案", "预案", "报告", "记录"):
            out += _wrapped(f"  {kind}", as_written(scheme, kind))
        out.append("#   各条目找的主题〔条目〕（标题或 topics 中出现任一个词即可）：")
        for term, ids in document_terms(scheme).items():
            out += _wrapped(f"  {term}〔{'、'.join(ids)}〕", as_written(scheme, term) + words.family.get(term, []))
    elif name == "活动词条":
        for general, kinds in scheme.kinds.activities.items():
            out.append(f"#   写成 {general.value} 的活动，标题有下列词时也算该种类：")
            for kind in kinds:
                out += _wrapped(f"  {kind.value}", as_written(scheme, kind.value))
        out.append("#   检查没写 scope 时，按标题定类型（依次看）：")
        for scope, term in scheme.scopes.items():
            out += _wrapped(f"  {scope.value}", as_written(scheme, term))
        out.append("#   没写 audience 时，按标题中的对象词定对象"
                   + (f"（都看不出时按{scheme.audience.default.value}计）" if scheme.audience.default else "") + "：")
        from .terms import Audience, OrganizationKind

        for a in Audience:
            if a.value in words:
                out += _wrapped(f"  {a.value}", as_written(scheme, a.value))
        out.append("#   没写 organizer 时，标题有下列词即按该类组织开展的活动计（2.3）：")
        for o in OrganizationKind:
            if o.value in words and o.value != "领导机构":
                out += _wrapped(f"  {o.value}", as_written(scheme, o.value))
    elif name == "整改词条":
        out += _wrapped("  预防", as_written(scheme, "预防措施"))
        out += _wrapped("  纠正", as_written(scheme, "纠正措施"))
    else:
        raise KeyError(name)
    return out


def template_with_terms(text: str, scheme: Scheme) -> str:
    """The template with every generated block rewritten from the rule set."""
    def fill(match: re.Match) -> str:
        first, last = match.group(0).splitlines()[0], match.group(0).splitlines()[-1]
        return "\n".join([first, *template_block(scheme, match.group("name")), last]) + "\n"

    return TEMPLATE_BLOCK.sub(fill, text)


def main(argv: list[str]) -> str:
    """`python -m safecomm.explain` → docs/primitives.md; `… fidelity` → docs/fidelity.md; `… template` → the
evidence template with its word lists refreshed from the rule set (safecomm/templates/evidence.yaml)."""
    if argv[:1] == ["template"]:
        from importlib import resources

        from .rulesets import load_scheme

        text = (resources.files("safecomm") / "templates" / "evidence.yaml").read_text(encoding="utf-8")
        return template_with_terms(text, load_scheme(argv[1] if len(argv) > 1 else "national-2009")).removesuffix("\n")
    if argv[:1] == ["fidelity"]:
        from .fidelity import fidelity_markdown
        from .rulesets import load_scheme

        return fidelity_markdown(load_scheme(argv[1] if len(argv) > 1 else "national-2009"))
    return primitives_markdown()


if __name__ == "__main__":
    import sys

    from .loading import InputError

    try:
        print(main(sys.argv[1:]))
    except InputError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        sys.exit(2)
