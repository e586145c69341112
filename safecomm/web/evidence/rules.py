"""Which rule set grades a community. The national table for now; the 规则集 pages (a city's
variant activated for a year) decide it here, in one place."""

from __future__ import annotations

import functools

from ... import scheme as schemes


@functools.lru_cache(maxsize=8)
def _load(ref: str):
    return schemes.load_scheme(ref)


def scheme_for(community):
    """The rule set a new upload of `community` is graded with."""
    return _load(schemes.DEFAULT)
