"""The 台账's layout, read off the evidence model: which sheet holds which records, which column
which field, and what kind of value each cell takes.

Nothing here names a field, so a field added to the model appears in the workbook, its reader
and its docs with no change here. The rules:

- a list of records is a sheet, one row per record; a list of records inside a record (an
  organisation's members) is a sheet of its own whose rows name their parent's id;
- a record inside a record is flattened into columns (`projects.targets.vulnerable_groups`);
- every single value outside a list of records is a row of the form sheet 基本情况, in a
  section per part of the bundle (community, agreements, publicity…);
- a list of plain values, or a mapping (`by_cause`), is one cell.

Headers are the fields' `title`s (or descriptions, or names, for a field that has none).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..evidence import Evidence, ItemId
from ..evidence import Path as FilePath
from ..terms import Term

FORM = "基本情况"  # the sheet of single values
GUIDE = "填写说明"  # the instructions, first
CHOICES = "取值"  # the hidden sheet of drop-down values, last
REMARK = "#"  # a field name beginning with # is a remark column (a draft's 来源, 可信度): not read

# What a cell holds.
TEXT, INT, NUMBER, DATE, BOOL, CHOICE, LIST, ITEMS, FILES, MAPPING = (
    "text", "int", "number", "date", "bool", "choice", "list", "items", "files", "mapping",
)


@dataclass(frozen=True)
class Column:
    """One field as a column of a sheet (or a row of the form): `path` is the field's path inside
    its record, or from the bundle's root for a form row."""

    path: tuple[str, ...]
    info: FieldInfo
    kind: str
    term: type[Term] | None = None  # the enumeration of a CHOICE, or of the values of a LIST

    @property
    def label(self) -> str:
        return self.info.title or self.info.description or self.path[-1]

    @property
    def required(self) -> bool:
        return self.info.is_required()


@dataclass(frozen=True)
class Table:
    """A list of records as a sheet. `path` is where the list lives in the bundle; records of a
    table with a `parent` live inside the parent's records (`organizations[i].members`)."""

    path: tuple[str, ...]
    label: str
    columns: tuple[Column, ...]
    parent: Table | None = None

    @staticmethod
    def name(column: Column) -> str:
        """What the field-name row shows over a column: its path in the record, `kind`."""
        return ".".join(column.path)

    def full_name(self, column: Column) -> str:
        """The column's field in the bundle, as the docs write it: `activities.kind`."""
        return ".".join(self.path + column.path)

    @property
    def link(self) -> str | None:
        """The field-name of the column that names a child row's parent: `organizations.id`."""
        return f"{'.'.join(self.parent.path)}.id" if self.parent else None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Section:
    """A part of the bundle that holds single values (`community`), as rows of the form sheet."""

    path: tuple[str, ...]
    label: str
    rows: tuple[Column, ...]

    @staticmethod
    def name(row: Column) -> str:
        return ".".join(row.path)


@dataclass(frozen=True)
class Layout:
    sections: tuple[Section, ...]
    tables: tuple[Table, ...]

    @cached_property
    def form_rows(self) -> dict[str, Column]:
        """Every form row by its field-name (`community.period.start`)."""
        return {Section.name(row): row for section in self.sections for row in section.rows}

    @cached_property
    def tables_by_label(self) -> dict[str, Table]:
        return {table.label: table for table in self.tables}


@cache
def layout(model: type[BaseModel] = Evidence) -> Layout:
    """The workbook's sheets, in the order of the model's fields."""
    sections: list[Section] = []
    tables: list[Table] = []
    loose: list[Column] = []
    for name, info in model.model_fields.items():
        form = shape(info.annotation)
        if form == "records":
            tables += _tables(record_model(info.annotation), (name,), _label(info, name))
        elif form == "record":
            rows, inner = _flatten(bare(info.annotation), (name,), tables_too=True)
            if rows:
                sections.append(Section((name,), _label(info, name), tuple(rows)))
            tables += inner
        elif form != "constant":
            loose.append(_column((name,), info))
    if loose:
        sections.insert(0, Section((), "证据包", tuple(loose)))
    return Layout(tuple(sections), tuple(tables))


def _tables(model: type[BaseModel], path: tuple[str, ...], label: str, parent: Table | None = None) -> list[Table]:
    columns: list[Column] = []
    children: list[tuple[str, FieldInfo]] = []
    for name, info in model.model_fields.items():
        form = shape(info.annotation)
        if form == "records":
            children.append((name, info))
        elif form == "record":
            columns += _flatten(bare(info.annotation), (name,), tables_too=False)[0]
        elif form != "constant":
            columns.append(_column((name,), info))
    table = Table(path, label, tuple(columns), parent)
    if children and "id" not in model.model_fields:
        raise TypeError(f"{model.__name__}: records nested in its records need an `id` to name their parent")
    found = [table]
    for name, info in children:
        found += _tables(record_model(info.annotation), path + (name,), _label(info, name), table)
    return found


def _flatten(model: type[BaseModel], path: tuple[str, ...], tables_too: bool) -> tuple[list[Column], list[Table]]:
    """The plain fields of a record inside a record, as columns or form rows with their full path;
    with `tables_too`, its lists of records become tables (`injuries.years`)."""
    columns: list[Column] = []
    tables: list[Table] = []
    for name, info in model.model_fields.items():
        form = shape(info.annotation)
        if form == "record":
            inner, more = _flatten(bare(info.annotation), path + (name,), tables_too)
            columns += inner
            tables += more
        elif form == "records":
            if not tables_too:
                raise TypeError(f"{'.'.join(path + (name,))}: a list of records inside a record inside a list is not laid out")
            tables += _tables(record_model(info.annotation), path + (name,), _label(info, name))
        elif form != "constant":
            columns.append(_column(path + (name,), info))
    return columns, tables


def _label(info: FieldInfo, name: str) -> str:
    return info.title or info.description or name


def _column(path: tuple[str, ...], info: FieldInfo) -> Column:
    kind, term = _cell_kind(info.annotation)
    return Column(path, info, kind, term)


def bare(annotation: Any) -> Any:
    """The type under `X | None` and `Annotated[X, …]`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def record_model(annotation: Any) -> type[BaseModel]:
    return bare(get_args(bare(annotation))[0])


def shape(annotation: Any) -> str:
    inner = bare(annotation)
    if get_origin(inner) is Literal:
        return "constant"
    if is_model(inner):
        return "record"
    if get_origin(inner) is list and is_model(bare(get_args(inner)[0])):
        return "records"
    return "value"


def _cell_kind(annotation: Any) -> tuple[str, type[Term] | None]:
    inner = bare(annotation)
    origin = get_origin(inner)
    if origin is list:
        (arg,) = get_args(inner)
        if arg == ItemId:
            return ITEMS, None
        if arg == FilePath:
            return FILES, None
        inner = bare(arg)
        return LIST, inner if isinstance(inner, type) and issubclass(inner, Term) else None
    if origin is dict:
        return MAPPING, None
    if isinstance(inner, type):
        if issubclass(inner, Term):
            return CHOICE, inner
        for kind, python in ((BOOL, bool), (INT, int), (NUMBER, float), (DATE, date)):
            if issubclass(inner, python):
                return kind, None
    return TEXT, None


def terms() -> list[type[Term]]:
    """Every enumeration the workbook offers as a drop-down, in order of first use."""
    found: list[type[Term]] = []
    lay = layout()
    for column in [*lay.form_rows.values(), *(c for t in lay.tables for c in t.columns)]:
        if column.term and column.term not in found:
            found.append(column.term)
    return found
