"""What the workbook says about its sheets and columns, in Chinese.

The header notes, the form's 说明 column, the 填写说明 sheet and the column reference in
docs/ledger.md all take their words from here, and these from the model and the rule set.
"""

from __future__ import annotations

import re
from functools import cache

from ..evidence import REFERENCES
from ..scheme import Scheme
from .cells import LIST_SEPARATOR
from . import SUFFIXES
from .layout import BOOL, DATE, FILES, FORM, INT, ITEMS, LIST, MAPPING, NUMBER, Column, Table, layout

_FORMATS = {
    INT: "整数",
    NUMBER: "数字",
    DATE: "日期，如 2024-03-15 或 2024年3月15日",
    BOOL: "是 或 否",
    ITEMS: f"条目编号，如 8.6；可填多个，用{LIST_SEPARATOR}分隔",
    FILES: "附件路径，相对于台账所在文件夹，如 attachments/a-001.jpg；多个附件每行一个（Alt+Enter 换行）",
    MAPPING: f"写成 名称：数量，多项用{LIST_SEPARATOR}分隔，如 交通：40{LIST_SEPARATOR}跌倒：38",
}


def hint(column: Column, table: Table | None = None) -> str:
    """How to fill the cell: its format, the values it takes, the sheet it refers to."""
    parts = []
    if column.kind in _FORMATS:
        parts.append(_FORMATS[column.kind])
    if column.kind == LIST:
        parts.append(f"可填多个，用{LIST_SEPARATOR}分隔")
    if column.term:
        parts.append("取值：" + LIST_SEPARATOR.join(m.value for m in column.term))
    target = _target(column, table)
    if target:
        parts.append(f"填「{target}」表中的编号")
    return "；".join(parts)


def _target(column: Column, table: Table | None) -> str | None:
    if table is None or len(column.path) != 1:
        return None
    for collection, field, target in REFERENCES:
        if table.path == (collection,) and column.path == (field,):
            return next(t.label for t in layout().tables if t.path == (target,))
    return None


def note(column: Column, name: str, table: Table | None = None) -> str:
    """The note on a column's header: whether required, what it means, how to fill it, in the
    workbook's words (no field names, no YAML)."""
    lines = [f"{column.label}{'，必填' if column.required else ''}"]
    if column.info.description and column.info.description != column.label:
        lines.append(speak(column.info.description, LEDGER, (table.path,) if table else ()))
    if hint(column, table):
        lines.append(hint(column, table))
    return "\n".join(lines)


def items_reading(scheme: Scheme, *paths: tuple[str, ...]) -> list[str]:
    """The items of `scheme` whose checks read the records at `paths` (or anything inside them)."""
    wanted: set[str] = set()
    for dotted in (".".join(path) for path in paths):
        for field, items in scheme.reads().items():
            if field == dotted or field.startswith(dotted + ".") or dotted.startswith(field + "."):
                wanted.update(items)
    return [item.id for _, item in scheme.items() if item.id in wanted]


def used_by(scheme: Scheme, *paths: tuple[str, ...]) -> str:
    items = items_reading(scheme, *paths)
    return f"本表用于条目 {LIST_SEPARATOR.join(items)}" if items else "本表不直接用于评定条目"


def reference(scheme: Scheme) -> str:
    """The column reference of docs/ledger.md, as Markdown: every sheet, every column."""
    lay = layout()
    out = [f"### {FORM}\n", "每个值一行：B 列填写，C 列是对应的字段。“必填”指填写这一节（一条记录）时必须填写；"
           "社区基本情况一节必须填写。\n"]
    for section in lay.sections:
        out.append(f"**{section.label}**（`{'.'.join(section.path)}`，{used_by(scheme, section.path)[2:]}）\n")
        out += _rows([(row.label, section.name(row), row, None) for row in section.rows])
    for table in lay.tables:
        parent = f"；每行在第一列写所属{table.parent.label}的编号（`{table.link}`）" if table.parent else ""
        out.append(f"### {table.label}\n")
        out.append(f"`{table.dotted}`：一行一条记录{parent}。{used_by(scheme, table.path)}。\n")
        out += _rows([(c.label, table.full_name(c), c, table) for c in table.columns])
    return "\n".join(out)


def _rows(rows: list[tuple[str, str, Column, Table | None]]) -> list[str]:
    lines = ["| 列 | 字段 | 必填 | 填写 |", "|---|---|---|---|"]
    for label, name, column, table in rows:
        about = "；".join(p for p in (_about(column), hint(column, table)) if p)
        lines.append(f"| {label} | `{name}` | {'是' if column.required else ''} | {about.replace('|', '｜')} |")
    return lines + [""]


def _about(column: Column) -> str:
    description = column.info.description
    return description if description and description != column.label else ""


# -- the words of a place and of a message, in the channel the user used ----------------------
#
# A YAML user reads field paths (`activities[3].audience`), a 台账 user reads the sheet, the Chinese
# column title and the values as the drop-down shows them. `place` and `speak` decide that wording
# for every message, hint and piece of advice, here and in the web pages.

YAML, LEDGER = "yaml", "ledger"

_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*(?:\.[A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])*)*)")
_FLOW_LIST = re.compile(r"\[([^\[\]]+?)\]")
_REPR = re.compile(r"（现为 '([^'\n]*)'）")
# The Chinese word before `的 field` that says which sheet the field is on (活动的 organizer).
_CUES = {
    "活动": ("activities",), "检查": ("activities",), "演练": ("activities",), "培训": ("activities",),
    "检查记录": ("activities",), "项目": ("projects",), "机构": ("organizations",), "领导机构": ("organizations",),
    "执行机构": ("organizations",), "目标": ("goals",), "隐患": ("hazards",), "文件": ("documents",),
    "计划": ("documents",), "制度": ("documents",), "报告制度": ("documents",), "记录制度": ("documents",),
    "台账": ("documents",), "方案": ("documents",), "报告": ("documents",), "原因分析报告": ("documents",),
    "整改": ("rectifications",), "调查": ("surveys",), "器材": ("emergency", "equipment"),
}


def _names(loc: tuple | str) -> tuple[str, ...]:
    """`('activities', 3, 'audience')` or `activities[3].audience` → ('activities', 'audience')."""
    if isinstance(loc, str):
        return tuple(p for p in re.sub(r"\[\d+\]", "", loc).split(".") if p)
    return tuple(str(p) for p in loc if not isinstance(p, int))


def locate(loc: tuple | str) -> tuple[str, str | None]:
    """(sheet, Chinese column title or None) of a field, a record or a collection; ("", None) when
    it is not in the workbook."""
    names = _names(loc)
    lay = layout()
    table = max((t for t in lay.tables if names[:len(t.path)] == t.path), key=lambda t: len(t.path), default=None)
    if table is not None:
        rest = names[len(table.path):]
        if not rest:
            return table.label, None
        column = next((c for c in table.columns if c.path == rest), None) or next(
            (c for c in table.columns if c.path[:len(rest)] == rest or rest[:len(c.path)] == c.path), None)
        if column is not None and len(rest) < len(column.path):  # a record inside the record: its columns
            return table.label, "」「".join(c.label for c in table.columns if c.path[:len(rest)] == rest)
        return table.label, column.label if column else None
    rows = lay.form_rows
    dotted = ".".join(names)
    if dotted in rows:
        return FORM, rows[dotted].label
    section = next((s for s in lay.sections if names and s.path == names[:len(s.path)]), None)
    if section is not None:
        inner = [r for r in section.rows if ".".join(r.path).startswith(dotted + ".")]
        if len(names) > len(section.path) and inner:
            return FORM, _group_title(names) or inner[0].label
        return FORM, section.label
    return "", None


def _group_title(names: tuple[str, ...]) -> str | None:
    from pydantic import BaseModel

    from ..evidence import Evidence
    from .layout import bare, record_model, shape

    model: type[BaseModel] = Evidence
    info = None
    for name in names:
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or name not in model.model_fields:
            return None
        info = model.model_fields[name]
        form = shape(info.annotation)
        model = record_model(info.annotation) if form == "records" else bare(info.annotation)
    return (info.title or info.description) if info else None


def place(loc: tuple | str, channel: str = YAML) -> str:
    """How a message names a field: `activities.audience` for YAML, 「活动」表「对象」列 for a 台账."""
    if channel != LEDGER:
        return loc if isinstance(loc, str) else ".".join(_names(loc))
    sheet, column = locate(loc)
    if not sheet:
        return ".".join(_names(loc))
    if column is None:
        return f"「{sheet}」表"
    return f"「{sheet}」表「{column}」" if sheet == FORM else f"「{sheet}」表「{column}」列"


def title(loc: tuple | str) -> str:
    """The Chinese title that heads a problem about `loc` in a 台账: its column, else its sheet."""
    sheet, column = locate(loc)
    return column or sheet


@cache
def _codes() -> dict[str, str]:
    """Every enumeration's English code → its Chinese value, as the drop-down shows it."""
    from .. import terms as enumerations

    found = {}
    for cls in vars(enumerations).values():
        if isinstance(cls, type) and issubclass(cls, enumerations.Term) and cls is not enumerations.Term:
            for member in cls:
                found.setdefault(member.code, member.value)
    return found


def speak(text: str, channel: str = YAML, context: tuple[tuple[str, ...], ...] = ()) -> str:
    """`text` (a message, a hint, advice) in the words of `channel`. For a 台账, field names and
    paths become the sheet and the Chinese column title, true/false 是/否, English codes their
    Chinese values, `[居民, 应急队伍]` 居民、应急队伍. A bare field name is looked up on the sheet
    the sentence last named (或 the sheet a word before it names: 活动的 organizer), else on the
    sheets of `context` (the collections the check reads), else anywhere."""
    if channel != LEDGER or not text:
        return text
    text = _REPR.sub(r"（现为 \1）", text)
    text = _FLOW_LIST.sub(lambda m: "、".join(v.strip() for v in m.group(1).split(",")) if "," in m.group(1) else m.group(0), text)
    out, last, current = [], 0, None
    for match in _TOKEN.finditer(text):
        word = match.group(1)
        before = text[last:match.start()]
        replaced, current = _word(word, text[:match.start()], current, context)
        if replaced != word and word not in ("true", "false"):
            before = before.rstrip(" ") if before.endswith(" ") and _cjk(before.rstrip(" ")[-1:]) else before
            after_space = text[match.end():match.end() + 1] == " "
            out.append(before + replaced)
            last = match.end() + (1 if after_space and _cjk(text[match.end() + 1:match.end() + 2]) else 0)
            continue
        out.append(before + replaced)
        last = match.end()
    out.append(text[last:])
    return re.sub(r"(」列?)\s*写(?!明)\s*", r"\1填 ", "".join(out))


def _cjk(ch: str) -> bool:
    return bool(ch) and ("\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")


def _word(word: str, before: str, current: tuple | None, context) -> tuple[str, tuple | None]:
    """The workbook's words for one ASCII word of a message, and the part of the bundle it leaves
    in context. A field on the sheet the sentence already named is called by its column alone."""
    if word in ("true", "false"):
        return ("是" if word == "true" else "否"), current
    names = _names(word)
    lay = layout()
    top = {t.path[0] for t in lay.tables} | {s.path[0] for s in lay.sections if s.path}
    if names and names[0] in top:
        sheet, _ = locate(names)
        if sheet:
            return place(names, LEDGER), _context_of(names)
    cue = re.search(r"([\u4e00-\u9fff]+)的\s*$", before)
    cued = None
    if cue:
        cued = next((_CUES[k] for k in sorted(_CUES, key=len, reverse=True) if cue.group(1).endswith(k)), None)
    if re.search(r"」表?的?\s*$", before):
        cued = current  # 「目标」表的 horizon
    for table_path in [p for p in (cued, current) if p] + list(context) + [t.path for t in lay.tables]:
        full = tuple(table_path) + names
        sheet, column = locate(full)
        child = next((t for t in lay.tables if t.path == full), None)
        if not sheet or (child is None and (column is None or column == locate(table_path)[1])):
            continue
        named = table_path in (cued, current) and locate(table_path)[0] == sheet
        return (_short(full) if named else place(full, LEDGER)), _context_of(full)
    if word in _codes():
        return _codes()[word], current
    return word, current


def _short(loc: tuple) -> str:
    """A field on a sheet already named: its column alone (a sheet of its own stays a sheet)."""
    sheet, column = locate(loc)
    if column is None:
        return f"「{sheet}」表"
    return f"「{column}」" if sheet == FORM else f"「{column}」列"


def _context_of(names: tuple[str, ...]) -> tuple[str, ...]:
    """The part of the bundle a field name puts in context: its table, or its group of the form."""
    lay = layout()
    table = max((t for t in lay.tables if names[:len(t.path)] == t.path), key=lambda t: len(t.path), default=None)
    if table is not None:
        return table.path
    rows = lay.form_rows
    return names[:-1] if ".".join(names) in rows else names


def unfilled(missing: dict[str, list[str]], used: set[str], channel: str = YAML) -> list[str]:
    """The hints of `validate` for fields the rules read and the bundle never fills
    (`missing`: field → the items reading it). For YAML one line a field; for a 台账 one line a
    sheet: an empty sheet once, else the columns never filled on it."""
    after = "这些条目中依赖它的检查可能要求现场核实或达不到 A"
    if channel != LEDGER:
        return [f"本证据从未填写 {field}（读取它的条目：{'、'.join(items)}）；{after}" for field, items in missing.items()]
    sheets: dict[str, list[tuple[str | None, list[str]]]] = {}
    for field, items in missing.items():
        sheet, column = locate(field)
        sheet = sheet or field
        if sheet == FORM:
            section = next((s for s in layout().sections if _names(field)[:len(s.path)] == s.path), None)
            sheet = f"{FORM}」表「{section.label}" if section else sheet
        sheets.setdefault(sheet, []).append((column, items))
    lines = []
    tables = {t.label: t for t in layout().tables}
    for sheet, columns in sheets.items():
        table = tables.get(sheet)
        items = sorted({i for _, found in columns for i in found}, key=lambda i: tuple(int(n) for n in i.split(".")))
        if table is not None and not any(u == table.dotted or u.startswith(table.dotted + ".") for u in used):
            lines.append(f"「{sheet}」表是空的（读取它的条目：{'、'.join(items)}）；这些条目中依赖它的检查可能要求现场核实或达不到 A")
            continue
        named = "、".join(dict.fromkeys(f"「{c}」" for c, _ in columns if c)) or f"「{sheet}」"
        lines.append(f"「{sheet}」表从未填写{named}列（读取的条目：{'、'.join(items)}）；{after}"
                     if table is not None else f"「{sheet}」从未填写{named}（读取的条目：{'、'.join(items)}）；{after}")
    return lines


def channel_of(path) -> str:
    """The channel of an evidence file: a 台账 workbook, or YAML."""
    return LEDGER if str(path).lower().endswith(SUFFIXES) else YAML


def assessment_in(result, scheme: Scheme, channel: str = YAML):
    """An assessment whose advice, hints and warnings speak the channel of its evidence: for a
    台账, the sheets and columns a clerk fills in. Grades, details and the digest are unchanged."""
    if channel != LEDGER:
        return result
    reads: dict[str, list[tuple[str, ...]]] = {}
    for field, items in scheme.reads().items():
        for item in items:
            names = _names(field)
            table = next((t.path for t in layout().tables if names[:len(t.path)] == t.path), names[:1])
            if table not in reads.setdefault(item, []):
                reads[item].append(table)
    items = []
    for item in result.items:
        context = tuple(reads.get(item.id, ()))
        checks = [c.model_copy(update={"hint": speak(c.hint, LEDGER, context)}) if c.hint else c for c in item.checks]
        items.append(item.model_copy(update={
            "advice": [speak(a, LEDGER, context) for a in item.advice], "checks": checks,
        }))
    return result.model_copy(update={"items": items, "warnings": [speak(w, LEDGER) for w in result.warnings]})
