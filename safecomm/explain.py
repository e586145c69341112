"""The rules in words: what `safecomm indicators` and `safecomm explain` print, and the primitive docs."""

from __future__ import annotations

from .checks import REGISTRY
from .fidelity import fields_read, terms_read, unknown_when
from .scheme import Check, Scheme

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


def indicators_data(scheme: Scheme) -> dict:
    return {
        "scheme": {"id": scheme.id, "version": scheme.version, "title": scheme.title},
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
    lines = [f"{scheme.title}（{scheme.id} {scheme.version}）", ""]
    for ind in scheme.indicators:
        lines.append(f"{ind.id} {ind.title}")
        for item in ind.items:
            flag = " ※需现场核实" if item.confirm else ""
            lines.append(f"  {item.id:<5} {item.text}{flag}")
        lines.append("")
    return "\n".join(lines)


def item_text(scheme: Scheme, item_id: str) -> str:
    indicator, item = scheme.item(item_id)
    lines = [f"{item.id}（{indicator.id} {indicator.title}）", item.text, ""]
    if item.note:
        lines += [f"备注：{item.note}", ""]
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
        lines += ["", "词条（标题或主题中出现其中任一个词即是；也可在记录的 items 中写本条目编号）："]
        lines += [f"  {t}：{'、'.join(scheme.words.words(t))}" for t in terms]
    lines += ["", f"读取的证据字段：{'、'.join(reads)}", ""]
    return "\n".join(lines)


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


def main(argv: list[str]) -> str:
    """`python -m safecomm.explain` → docs/primitives.md; `python -m safecomm.explain fidelity` → docs/fidelity.md."""
    if argv[:1] == ["fidelity"]:
        from .fidelity import fidelity_markdown
        from .scheme import load_scheme

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
