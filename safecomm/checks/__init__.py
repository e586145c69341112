"""The check primitives: importing this package registers every one of them (see `registry`)."""

from __future__ import annotations

from .registry import REGISTRY, Primitive, primitive  # noqa: F401

# Importing the modules registers their primitives.
from . import (  # noqa: F401
    activities,
    archives,
    corrections,
    documents,
    eligibility,
    emergency,
    improvement,
    organizations,
    outreach,
    planning,
    projects,
    risks,
    surveys,
)
