"""Which rule set grades a community: the variant its city activated on the 规则集 page for the
year of the upload, else the national table; decided here, in one place."""

from __future__ import annotations

import functools

from django.utils import timezone

from ... import rulesets
from ..review.work import variant_for


@functools.lru_cache(maxsize=8)
def _load(ref: str):
    return rulesets.load_scheme(ref)


def scheme_for(community, year: int | None = None):
    """The rule set a new upload of `community` is graded with (in `year`, by default this one)."""
    return variant_for(community, year or timezone.localdate().year) or _load(rulesets.DEFAULT)
