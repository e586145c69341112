"""The rule sets live in indicators/ at the top of the repository and ship inside the wheel as
safecomm/indicators, worked examples included; every module and data file of the package ships
too (the package list in pyproject.toml is explicit): a non-editable install must find them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


def test_the_wheel_ships_every_rule_set_example_module_and_template(tmp_path):
    source = tmp_path / "source"  # a clean copy: a stale build/ in the checkout could hide a missing file
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("safecomm", "indicators"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        pytest.skip(f"no wheel could be built here (build backend unavailable?): {built.stderr[-300:]}")
    [wheel] = tmp_path.glob("safecomm-*.whl")
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("safecomm/indicators/")}
    expected = {f"safecomm/indicators/{p.relative_to(ROOT / 'indicators').as_posix()}"
                for p in (ROOT / "indicators").rglob("*.yaml")}
    assert expected <= shipped
    assert {"safecomm/indicators/national-2009.yaml", "safecomm/indicators/national-2009-onsite.yaml",
            "safecomm/indicators/examples/city-100.yaml"} <= shipped
    names = set(zipfile.ZipFile(wheel).namelist())
    package = {p.relative_to(ROOT).as_posix() for p in (ROOT / "safecomm").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert sorted(package - names) == []
