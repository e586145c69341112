"""safecomm: is a community ready to be certified as a 安全社区? Grade its evidence, explain why.

Library use, no CLI needed::

    from safecomm import load_evidence, load_scheme, assess
    result = assess(load_evidence("evidence.yaml"), load_scheme())
    print(result.verdict.verdict)

The names below are imported on first use, so that `safecomm --help` and the subcommands that
need no engine do not pay for loading it.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_HOME = {
    "Assessment": "assessment", "assess": "engine", "Evidence": "evidence", "InputError": "loading",
    "Problem": "loading", "load_evidence": "bundle", "Scheme": "scheme", "load_scheme": "rulesets",
}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'safecomm' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])
