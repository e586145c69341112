"""Arrows run one way. A module that imports, inside a function, a module that imports it back
(directly or through others) is a circle in disguise: the orchestration belongs above both."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import safecomm

PACKAGE = Path(safecomm.__file__).parent


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in PACKAGE.rglob("*.py")}


def _targets(module: str, node: ast.ImportFrom) -> list[str]:
    """The package modules an import names: `from .x import y` gives .x, and .x.y when y is a module."""
    if node.level:
        here = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
        base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    found = [base] if base in MODULES else []
    return found + [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]


def _imports() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(at import time, inside functions) for every module of the package."""
    top: dict[str, set[str]] = {m: set() for m in MODULES}
    later: dict[str, set[str]] = {m: set() for m in MODULES}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("safecomm")):
                (top if node.col_offset == 0 else later)[module].update(_targets(module, node))
    return top, later


def _reaches(top: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = {start}, [start]
    while stack:
        here = stack.pop()
        if here == goal:
            return True
        for nxt in top[here] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return False


def circles_in_disguise() -> list[str]:
    top, later = _imports()
    return [f"{m} imports {x} inside a function, and {x} imports {m} back"
            for m in sorted(later) for x in sorted(later[m]) if x != m and _reaches(top, x, m)]


def test_no_module_imports_one_that_imports_it_back():
    assert circles_in_disguise() == []


def test_the_finder_sees_a_circle_in_disguise(tmp_path, monkeypatch):
    """The should-fail side: two modules written as scheme and extend were before rulesets.py."""
    (tmp_path / "safecomm").mkdir()
    (tmp_path / "safecomm" / "__init__.py").write_text("")
    (tmp_path / "safecomm" / "scheme.py").write_text("def load():\n    from .extend import merge\n    return merge\n")
    (tmp_path / "safecomm" / "extend.py").write_text("from .scheme import load\n\ndef merge():\n    return load\n")
    here = sys.modules[__name__]
    monkeypatch.setattr(here, "PACKAGE", tmp_path / "safecomm")
    monkeypatch.setattr(here, "MODULES", {_name(p): p for p in (tmp_path / "safecomm").rglob("*.py")})
    assert circles_in_disguise() == ["safecomm.scheme imports safecomm.extend inside a function, and safecomm.extend imports safecomm.scheme back"]
