"""What the workbook says about its sheets and columns, in Chinese.

The header notes, the form's 说明 column, the 填写说明 sheet and the column reference in
docs/ledger.md all take their words from here, and these from the model and the rule set.
"""

from __future__ import annotations

from ..evidence import REFERENCES
from ..scheme import Scheme
from .cells import LIST_SEPARATOR
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
    """The note on a column's header: field, whether required, what it means, how to fill it."""
    lines = [f"{column.label}（{name}）{'，必填' if column.required else ''}"]
    if column.info.description and column.info.description != column.label:
        lines.append(column.info.description)
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
