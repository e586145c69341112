"""The registry of check primitives: its own module, so that the check modules import it
and `checks/__init__` imports them, arrows one way.

A primitive is a small function `f(index, **params) -> Measure`, registered with
`@primitive(unit=..., reads=...)`. It reads the evidence through the `Index` (records as the
rules read them: kinds, terms, audiences inferred once per assessment). Its keyword parameters
become a pydantic model that validates the `params:` of every check naming it, when the rule
set is loaded; its docstring is its documentation (`safecomm indicators --primitives`,
docs/primitives.md). A primitive never crashes on absent evidence: absent means "not shown"
(value None or 0), or "cannot be told on paper" (`unknown`) when the bundle never uses the
field the question needs.
"""

from __future__ import annotations

import copy
import inspect
import math
import operator
import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Callable

import annotated_types
from pydantic import BaseModel, ConfigDict, create_model

from ..measure import Measure, Unit


@dataclass(frozen=True)
class Primitive:
    name: str
    func: Callable[..., Measure]
    params: type[BaseModel]
    unit: Unit
    reads: tuple[str, ...]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else self.name

    def __call__(self, index: Any, params: BaseModel) -> Measure:
        return self.func(index, **params.__dict__)  # a params model's __dict__ is its fields

    def bind(self, params: dict[str, Any]) -> BaseModel:
        """`params` validated by the primitive's model. Values that are already exactly of their
        fields' types (text, whole numbers, flags, terms in their Chinese word, lists of these) are
        taken as they are: building the validators of some fifty parameter models cost 7–8 ms of each
        cold run. Anything else (an English code, a number in quotes, an error) goes through the
        model, which gives the same values, or the same errors; a test holds the two to each other."""
        readers = _READERS.get(self.name)
        if readers is None:
            readers = _READERS[self.name] = _readers(self.params)
        values = _read(readers, params) if readers is not None else None
        if values is None:
            return self.params.model_validate(params)
        bound = self.params.__new__(self.params)
        object.__setattr__(bound, "__dict__", values)
        object.__setattr__(bound, "__pydantic_fields_set__", set(params))
        object.__setattr__(bound, "__pydantic_extra__", None)
        object.__setattr__(bound, "__pydantic_private__", None)
        return bound


REGISTRY: dict[str, Primitive] = {}

_MISSING = object()
_READERS: dict[str, tuple | None] = {}  # primitive → (name, reader, default) of each field; None: always the model


def _readers(model: type[BaseModel]) -> tuple | None:
    readers = []
    for name, field in model.model_fields.items():
        reader = _reader(field.annotation)
        if field.metadata:
            reader = _bounded(reader, field.metadata) if field.annotation in (int, float) else None
        if reader is None or field.default_factory is not None:
            return None
        readers.append((name, reader, _MISSING if field.is_required() else field.default))
    return tuple(readers)


def _reader(hint: Any) -> Callable[[Any], Any] | None:
    """value → the value the model would make of it, or _MISSING where only the model can tell."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint in (bool, int, str, float):
        return lambda v: v if type(v) is hint and (hint is not float or math.isfinite(v)) else _MISSING
    if isinstance(hint, type) and issubclass(hint, Enum) and all(type(m.value) is str for m in hint):
        members = hint._value2member_map_
        return lambda v: members.get(v, _MISSING) if type(v) is str else _MISSING
    if origin is typing.Literal and all(type(a) is str for a in args):
        allowed = frozenset(args)
        return lambda v: v if type(v) is str and v in allowed else _MISSING
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        inner = _reader(next(a for a in args if a is not type(None)))
        return None if inner is None else (lambda v: None if v is None else inner(v))
    if origin is list and len(args) == 1 and (inner := _reader(args[0])) is not None:
        def each(v):
            if type(v) is not list:
                return _MISSING
            out = [inner(x) for x in v]
            return _MISSING if any(x is _MISSING for x in out) else out
        return each
    if origin is dict and len(args) == 2 and args[0] is str and (inner := _reader(args[1])) is not None:
        def mapping(v):
            if type(v) is not dict or any(type(k) is not str for k in v):
                return _MISSING
            out = {k: inner(x) for k, x in v.items()}
            return _MISSING if any(x is _MISSING for x in out.values()) else out
        return mapping
    return None


_BOUNDS = {annotated_types.Ge: (operator.ge, "ge"), annotated_types.Gt: (operator.gt, "gt"),
           annotated_types.Le: (operator.le, "le"), annotated_types.Lt: (operator.lt, "lt")}


def _bounded(reader: Callable[[Any], Any], metadata: list) -> Callable[[Any], Any] | None:
    """A number's reader within `ge`/`le` bounds: outside them, the model says why."""
    if not all(type(m) in _BOUNDS for m in metadata):
        return None
    bounds = [(_BOUNDS[type(m)][0], getattr(m, _BOUNDS[type(m)][1])) for m in metadata]
    return lambda v: v if (v := reader(v)) is not _MISSING and all(holds(v, b) for holds, b in bounds) else _MISSING


def _read(readers: tuple, params: Any) -> dict[str, Any] | None:
    if type(params) is not dict or not params.keys() <= {name for name, _, _ in readers}:
        return None
    values = {}
    for name, reader, default in readers:
        if name in params:
            value = reader(params[name])
            if value is _MISSING:
                return None
        elif default is _MISSING:
            return None
        else:
            value = copy.deepcopy(default) if isinstance(default, (list, dict, set)) else default
        values[name] = value
    return values


def primitive(unit: Unit, reads: tuple[str, ...]):
    """Register a check primitive; `reads` names the evidence fields it looks at."""

    def register(func: Callable[..., Measure]) -> Callable[..., Measure]:
        hints = typing.get_type_hints(func, include_extras=True, localns={"Index": object})  # the index is not a parameter
        fields = {}
        for name, param in list(inspect.signature(func).parameters.items())[1:]:
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[name] = (hints[name], default)
        params = create_model(f"{func.__name__}.params", __config__=ConfigDict(extra="forbid", frozen=True, defer_build=True), **fields)
        if func.__name__ in REGISTRY:
            raise RuntimeError(f"primitive {func.__name__} registered twice")
        REGISTRY[func.__name__] = Primitive(func.__name__, func, params, unit, reads)
        return func

    return register
