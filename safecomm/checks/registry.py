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

import functools
import inspect
import typing
from dataclasses import dataclass
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, create_model

from ..measure import Measure, Unit


@dataclass(frozen=True)
class Primitive:
    name: str
    func: Callable[..., Measure]
    unit: Unit
    reads: tuple[str, ...]

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else self.name

    @functools.cached_property
    def params(self) -> type[BaseModel]:
        """The model of the primitive's keyword parameters, made on first use: when a rule set is
        validated or a primitive explained. A run whose rule set comes checked from the cache
        (rulecache.py) makes none of these fifty-odd classes."""
        hints = typing.get_type_hints(self.func, include_extras=True, localns={"Index": object})  # the index is not a parameter
        fields = {}
        for name, param in list(inspect.signature(self.func).parameters.items())[1:]:
            default = ... if param.default is inspect.Parameter.empty else param.default
            fields[name] = (hints[name], default)
        return create_model(f"{self.name}.params", __config__=ConfigDict(extra="forbid", frozen=True, defer_build=True), **fields)

    def __call__(self, index: Any, args: dict[str, Any]) -> Measure:
        return self.func(index, **args)  # the parameters as the model validated them (Check.args)


REGISTRY: dict[str, Primitive] = {}


def primitive(unit: Unit, reads: tuple[str, ...]):
    """Register a check primitive; `reads` names the evidence fields it looks at."""

    def register(func: Callable[..., Measure]) -> Callable[..., Measure]:
        if func.__name__ in REGISTRY:
            raise RuntimeError(f"primitive {func.__name__} registered twice")
        REGISTRY[func.__name__] = Primitive(func.__name__, func, unit, reads)
        return func

    return register
