"""Hypothesis strategies for filings, clause truths and clause boundaries.

The public import path of the testing kit. Importing it imports Hypothesis (``import rongcuo``
never does) and registers strategies for the filing model's types with
``st.register_type_strategy``, so ``st.from_type(Filing)`` and ``st.builds`` give varied filings.

``filings``, ``satisfying``, ``violating``, ``boundary_pairs`` and ``fact_values`` follow the
ruleset: on a ruleset with a facts declaration (filing model v2: ``rules.program.catalogue`` is
set) they are :mod:`rongcuo.testing.strategies_v2`'s; ``rules=None`` means the bundled ruleset, so
they become the v2 ones when the bundled rules do. Until then the v1 kit
(:mod:`rongcuo.testing.strategies`) answers a v1 ruleset, and its v1-only helpers
(``predicates``, ``rulesets``, ``refinements``, ``replace_facts``) stay here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rules.load import bundled_ruleset
from .rules.ruleset import Ruleset
from .testing import strategies as _v1  # v1: delete at the flip
from .testing import strategies_v2 as _v2
from .testing.strategies import (  # v1: delete at the flip
    DATE_MAX,
    DATE_MIN,
    PLAIN_FACTS,
    predicates,
    refinements,
    replace_facts,
    rulesets,
)
from .testing.strategies_v2 import FACT_PATHS, pool

if TYPE_CHECKING:  # Hypothesis is imported by the kits above, with the coded error if missing
    from hypothesis import strategies as st

__all__ = [
    "DATE_MAX",  # v1: delete at the flip
    "DATE_MIN",  # v1: delete at the flip
    "FACT_PATHS",
    "PLAIN_FACTS",  # v1: delete at the flip
    "boundary_pairs",
    "fact_values",
    "filings",
    "pool",
    "predicates",  # v1: delete at the flip
    "refinements",  # v1: delete at the flip
    "replace_facts",  # v1: delete at the flip
    "rulesets",  # v1: delete at the flip
    "satisfying",
    "violating",
]


def _is_v2(rules: Ruleset | None) -> bool:
    """Whether ``rules`` (``None``: the bundled ruleset) is a filing model v2 ruleset."""
    return (rules if rules is not None else bundled_ruleset()).program.catalogue is not None


def filings(*, complete: bool = False, rules: Ruleset | None = None) -> st.SearchStrategy[Any]:
    """Valid filings of the ruleset's model (see :func:`rongcuo.testing.strategies_v2.filings`)."""
    if not _is_v2(rules):  # v1: delete at the flip
        return _v1.filings(complete=complete, rules=rules)  # v1: delete at the flip
    return _v2.filings(complete=complete, rules=rules)


def satisfying(
    clause_id: str, *, rules: Ruleset | None = None, complete: bool = False
) -> st.SearchStrategy[Any]:
    """Filings on which clause ``clause_id`` is TRUE."""
    if not _is_v2(rules):  # v1: delete at the flip
        return _v1.satisfying(clause_id, rules=rules, complete=complete)  # v1: delete at the flip
    return _v2.satisfying(clause_id, rules=rules, complete=complete)


def violating(
    clause_id: str, *, rules: Ruleset | None = None, complete: bool = False
) -> st.SearchStrategy[Any]:
    """Filings on which clause ``clause_id`` is FALSE."""
    if not _is_v2(rules):  # v1: delete at the flip
        return _v1.violating(clause_id, rules=rules, complete=complete)  # v1: delete at the flip
    return _v2.violating(clause_id, rules=rules, complete=complete)


def boundary_pairs(
    clause_id: str, *, rules: Ruleset | None = None, status_differs: bool = False
) -> st.SearchStrategy[tuple[Any, Any]]:
    """Pairs ``(holds, fails)`` one fact apart across clause ``clause_id``'s edge."""
    if not _is_v2(rules):  # v1: delete at the flip
        return _v1.boundary_pairs(  # v1: delete at the flip
            clause_id, rules=rules, status_differs=status_differs
        )  # v1: delete at the flip
    return _v2.boundary_pairs(clause_id, rules=rules, status_differs=status_differs)


def fact_values(path: str, *, rules: Ruleset | None = None) -> st.SearchStrategy[Any]:
    """Known values of one fact (a record field as ``acts.items[].kind`` on v2)."""
    if not _is_v2(rules):  # v1: delete at the flip
        return _v1.fact_values(path)  # v1: delete at the flip
    return _v2.fact_values(path, rules=rules)
