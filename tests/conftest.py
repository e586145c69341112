"""Shared test helpers: build evidence in code and grade one item through the real engine."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from safecomm import Evidence, assess, load_scheme
from safecomm.engine import evaluate_item

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

BASE = {
    "format": "safecomm/evidence@1",
    "community": {"name": "测试街道办事处", "period": {"start": "2024-01-01", "end": "2024-12-31"}},
}


@pytest.fixture(scope="session")
def scheme():
    return load_scheme()


def evidence(**sections) -> Evidence:
    """An evidence bundle with the base community and the given top-level sections."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    return Evidence.model_validate(data)


def grade(scheme, item_id: str, **sections) -> str:
    """The automatic grade of one item for evidence made of `sections`."""
    return item_result(scheme, item_id, **sections).grade


def item_result(scheme, item_id: str, **sections):
    indicator, item = scheme.item(item_id)
    return evaluate_item(evidence(**sections), indicator.id, item)


def full(scheme, **sections):
    return assess(evidence(**sections), scheme)
