"""A check's parameters bound without building the primitive's validator (`Primitive.bind`) are
what the primitive's model makes of them, value for value and type for type; whatever the short
way cannot tell goes through the model, errors included."""

from __future__ import annotations

import itertools

import pytest
from pydantic import BaseModel, ValidationError

from safecomm import load_scheme
from safecomm.checks import REGISTRY
from safecomm.rulesets import available, examples


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True would pass a plain ==)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, BaseModel):
        return same(a.__dict__, b.__dict__) and a.model_fields_set == b.model_fields_set
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def outcome(primitive, params):
    try:
        return primitive.params.model_validate(params), None
    except ValidationError as exc:
        return None, exc.errors(include_url=False)


def bound(primitive, params):
    try:
        return primitive.bind(params), None
    except ValidationError as exc:
        return None, exc.errors(include_url=False)


@pytest.mark.parametrize("name", available() + examples())
def test_every_check_of_the_shipped_rule_sets_binds_as_its_model_validates(name):
    scheme = load_scheme(name)
    checks = [c for _, item in scheme.items() for c in item.checks if c.primitive]
    assert checks
    for check in checks:
        primitive = REGISTRY[check.primitive]
        model = primitive.params.model_validate(check.params)
        assert same(primitive.bind(check.params), model), check.id
        assert same(check.bound_params, model), check.id


# Values of every sort a rule set's author may write: right, nearly right (an English code, a
# number in quotes, padding), and wrong.
ODD = [None, True, False, 0, 1, 3, -2, 2.5, 3.0, 0.25, 0.5, 0.51, 12, 13, 100, 101, 366, 367, float("inf"), float("nan"), "", "3", "true", "yes", " 教育",
       "教育", "education", "文件", "通知", "居民", "村民", "kind", "plan", "received", [], ["教育"], ["education"],
       ["通知", "方案"], ["3"], [1], [True], ("教育",), {"a": ["消防"]}, {"a": "消防"}, {1: ["消防"]}, {"a": [1]}]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_odd_values_bind_as_the_model_makes_them_or_fail_alike(name):
    primitive = REGISTRY[name]
    fields = list(primitive.params.model_fields)
    cases = [{}] + [{f: v} for f in fields for v in ODD] + [{"unknown": 1}]
    cases += [dict(zip(fields, values)) for values in itertools.islice(itertools.product(ODD[:6], repeat=min(2, len(fields))), 20)]
    for params in cases:
        want, errors = outcome(primitive, params)
        got, got_errors = bound(primitive, params)
        assert (got is None) == (want is None), params
        assert got_errors == errors if errors else same(got, want), params
