"""The rules in words: what `safecomm indicators` and `safecomm explain` print, and the primitive docs."""

from __future__ import annotations

from .checks import REGISTRY
from .measure import format_points
from .scheme import Bound, Check, Scheme, _terms_named

LEVELS = {"A": "A", "defect": "严重缺陷", "related": "相关"}


def check_words(check: Check) -> str:
    """`[A] 领导机构成员来自至少5个部门 — member_sectors(kind=[领导机构])，要求 ≥ 5`"""
    if check.see:
        return f"[引用] {check.requirement} — 见 {check.see}（在该条目评定，此处只作为相关证据）"
    params = ", ".join(f"{k}={_plain(v)}" for k, v in check.params.items())
    line = f"[{LEVELS[check.level]}] {check.requirement} — {check.primitive}({params})"
    if check.target:
        line += f"，要求 {check.target.text(check.unit)}"
    if check.veto:
        line += f"，否决线 {check.veto.text(check.unit)}"
    return line


def _plain(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    return str(value)


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
                             "params": c.bound_params.model_dump(mode="json"), "threshold": c.threshold,
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
        for field in REGISTRY[check.primitive].reads if check.primitive else ():
            if field not in reads:
                reads.append(field)
        terms += [t for t in _terms_named(check.params) if t not in terms]
    thresholds = [c for c in item.checks if c.threshold]
    if thresholds:
        lines += ["", "阈值："]
        for c in thresholds:
            veto = f"；{c.veto.words(c.unit)}为否决项（不合格）" if c.veto else ""
            lines.append(f"  {c.threshold}：{c.target.words(c.unit)}{veto}")
    if item.confirm:
        lines += ["", f"需现场核实：{item.confirm}"]
    if terms:
        lines += ["", "词条（标题或主题中出现其中任一个词即是；也可在记录的 items 中写本条目编号）："]
        lines += [f"  {t}：{'、'.join(scheme.words.words(t))}" for t in terms]
    if scheme.scoring.method == "points":
        lines += ["", f"记分（{scoring_words(scheme)}）："]
        lines += [f"  {part.name} {format_points(part.weight)} 分 ← {'、'.join(ids)}" for part, ids in scheme.scoring.parts_of(item.id)]
    lines += ["", f"读取的证据字段：{'、'.join(reads)}", ""]
    return "\n".join(lines + changes_text(scheme, item.id, terms))


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
    return _plain(value)


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


if __name__ == "__main__":
    print(primitives_markdown())
