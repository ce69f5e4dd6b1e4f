"""Hypothesis strategies for filings, predicates and rulesets.

This public import path re-exports :mod:`rongcuo.testing.strategies`. Importing it imports
Hypothesis; ``import rongcuo`` never does.
"""

from __future__ import annotations

from .testing.strategies import (
    DATE_MAX,
    DATE_MIN,
    PLAIN_FACTS,
    boundary_pairs,
    fact_values,
    filings,
    predicates,
    refinements,
    replace_facts,
    rulesets,
    satisfying,
    violating,
)

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "PLAIN_FACTS",
    "boundary_pairs",
    "fact_values",
    "filings",
    "predicates",
    "refinements",
    "replace_facts",
    "rulesets",
    "satisfying",
    "violating",
]
