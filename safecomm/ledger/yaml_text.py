"""A bundle as readable YAML with Chinese comments: what a 台账 becomes when converted back.

Each part of the bundle opens with a comment naming it and the items that read it; the first
record of each list, and every single value, carries its field's Chinese title, as the
template does. Lists of plain values are written on one line (`domains: [消防安全, 交通安全]`),
text of several lines as a `|-` block, one paragraph a line.
"""

from __future__ import annotations

import math
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..evidence import FORMAT, Evidence
from ..loading import _Strict
from ..scheme import Scheme
from .layout import bare, is_model, record_model, shape
from .words import items_reading


class _Dumper(yaml.SafeDumper):
    """Writes a date-like text plain (`2024-03-15`, not `'2024-03-15'`): our loader reads dates as
    text and the model parses them, so no timestamp tag is involved either way."""

    yaml_implicit_resolvers = _Strict.yaml_implicit_resolvers


def yaml_text(evidence: Evidence, scheme: Scheme, source: str) -> str:
    """The bundle as commented YAML; `source` names the file it came from, in the heading."""
    data = evidence.model_dump(mode="json", exclude_none=True, exclude_unset=True)
    data.pop("format", None)
    heading = [
        f"# 安全社区创建自评 · 证据文件（格式 {FORMAT}），由 safecomm convert 从 {source} 生成。",
        "# 格式说明见 docs/evidence.md；每个条目读哪些字段，见  safecomm explain 条目编号（如 2.4）。",
        "",
        f"format: {FORMAT}",
    ]
    return dump(data, scheme, heading)


def proposals_text(proposals: dict, scheme: Scheme, source: str) -> str:
    """Rows proposed by `safecomm scan`, as YAML to confirm and copy into `source`."""
    heading = [
        f"# safecomm scan 根据 {source} 所在文件夹中未被引用的附件，按文件名和所在文件夹拟出的记录。",
        f"# 请逐条核对、补全（如 kind、date）后复制到 {source} 的对应部分；本文件不会被评定。",
    ]
    return dump(proposals, scheme, heading)


def dump(data: dict, scheme: Scheme, heading: list[str]) -> str:
    """Plain data of a bundle (or part of one) under `heading`, each part with its comment line."""
    lines = list(heading)
    for key, info in Evidence.model_fields.items():
        if key not in data:
            continue
        items = items_reading(scheme, (key,))
        used = f"：条目 {'、'.join(items)}" if items else ""
        lines += ["", f"# ---- {info.title or key}（{key}）{used} " + "-" * 8]
        lines += _entry(key, _tidy(data[key]), 0, info, commented=True)
    return "\n".join(lines) + "\n"


def _tidy(value: Any) -> Any:
    """`131` rather than the model's `131.0`: the same number, as a clerk writes it."""
    if isinstance(value, float) and value.is_integer() and math.copysign(1, value) > 0:
        return int(value)  # (not -0.0, which would lose its sign)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _entry(key: str, value: Any, indent: int, info: FieldInfo | None, commented: bool) -> list[str]:
    """`key: value` at `indent`; `commented`: with the field's title as a comment."""
    lead = " " * indent + f"{key}:"
    note = f"  # {info.title}" if commented and info and info.title else ""
    annotation = bare(info.annotation) if info else None
    if isinstance(value, str) and "\n" in value and _literal_ok(value):
        return [f"{lead} |-{note}"] + [" " * (indent + 2) + line for line in value.split("\n")]
    if not _nested(value):
        return [f"{lead} {_inline(value)}{note}"]
    if isinstance(value, dict):
        return [lead + note] + _mapping(value, indent + 2, annotation if is_model(annotation) else None, commented)
    model = record_model(annotation) if shape(annotation) == "records" else None
    lines = [lead + note]
    for i, record in enumerate(value):
        if i and _one_line(record):
            lines.append(" " * (indent + 2) + "- " + _inline(record))
            continue
        block = _mapping(record, indent + 4, model, commented and i == 0)
        block[0] = " " * (indent + 2) + "- " + block[0].lstrip()
        lines += block
    return lines


def _one_line(record: Any) -> bool:
    """A record after the first is written on one line (`- {id: A-002, …}`) unless it holds records or paragraphs."""
    values = record.values() if isinstance(record, dict) else ()
    return not any(
        (isinstance(v, str) and "\n" in v) or (isinstance(v, (dict, list)) and _nested(v)) for v in values
    )


def _mapping(value: dict, indent: int, model: type[BaseModel] | None, commented: bool) -> list[str]:
    lines = []
    for key, item in value.items():
        lines += _entry(key, item, indent, model.model_fields.get(key) if model else None, commented)
    return lines or [" " * indent + "{}"]


def _nested(value: Any) -> bool:
    """Holds lists or mappings (written as a block), rather than plain values (written on one line)."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return any(isinstance(v, (dict, list)) for v in items)


def _inline(value: Any) -> str:
    text = yaml.dump(value, Dumper=_Dumper, allow_unicode=True, default_flow_style=True, width=10**9, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _literal_ok(text: str) -> bool:
    """A `|-` block keeps the text exactly when every line is printable, not empty, and without
    blanks at either end."""
    return all(line and line == line.strip() and line.isprintable() for line in text.split("\n"))
