"""The missing-facts walk generated per clause (:func:`rongcuo.engine.decide._compiled_walk`)
finds the same facts, in the same order, as the walk that interprets the clause's plan.

Held on the example filings, the golden cases, every clause's examples, and Hypothesis filings
(arbitrary ones and ones on either side of each clause), for every clause of the bundled rules
and for the ranked list an ``insufficient_facts`` verdict gives.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo import Filing
from rongcuo.engine.catalogue import vector_of
from rongcuo.engine.decide import _missing_ranked, _ranked_v2, _Walk, _walk_plan
from rongcuo.rules.syntax import ListKind
from rongcuo.testing import strategies_v2 as S

from .conftest import EXAMPLES, ROOT
from .conftest import RULES as RULES_DIR

RULES = rongcuo.load_ruleset(RULES_DIR)
IDS = [c.id for c in RULES.of_list(ListKind.POSITIVE)] + [
    c.id for c in RULES.of_list(ListKind.NEGATIVE)
]
EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))
CASE_FILES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
CLAUSE_EXAMPLES = [(c.id, i) for c in RULES.clauses for i in range(len(c.examples))]


def _walks(filing: Filing, *, compiled: bool) -> dict[str, list[tuple[str, tuple[int, ...]]]]:
    """Each clause's walk on its own (nothing walked before it): the facts found, in order."""
    plan = _walk_plan(RULES)
    elements, values = RULES.program.truths(filing)
    out = {}
    for c in RULES.clauses:
        walk = _Walk(plan, vector_of(filing), dict(values), values, elements, compiled=compiled)
        walk.clause(plan.clauses[c.id], set())
        out[c.id] = [(a.path, a.rank) for a in walk.found]
    return out


def _ranked(filing: Filing, *, compiled: bool) -> list[tuple[str, list[str]]]:
    elements, values = RULES.program.truths(filing)
    found = _ranked_v2(_walk_plan(RULES), filing, values, elements, compiled=compiled)
    return [(a.path, sorted(cids)) for a, cids in found]


def _same(filing: Filing) -> None:
    assert _walks(filing, compiled=True) == _walks(filing, compiled=False)
    ranked = _ranked(filing, compiled=True)
    assert ranked == _ranked(filing, compiled=False)
    # and what the engine calls gives the same (the compiled walk)
    elements, values = RULES.program.truths(filing)
    engine = [(a.path, sorted(c)) for a, c in _missing_ranked(RULES, filing, values, elements)]
    assert engine == ranked


def _walked_something(filings: list[Filing]) -> bool:
    return any(any(_walks(f, compiled=True).values()) for f in filings)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name)
def test_examples(path: Path) -> None:
    _same(rongcuo.load_filing(path, rules=RULES))


def _case(path: Path) -> Filing:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return RULES.parse_filing(data["filing"])


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.name)
def test_golden_cases(path: Path) -> None:
    _same(_case(path))


@pytest.mark.parametrize(
    ("cid", "i"), CLAUSE_EXAMPLES, ids=[f"{c}-{i}" for c, i in CLAUSE_EXAMPLES]
)
def test_clause_examples(cid: str, i: int) -> None:
    example = RULES.clause(cid).examples[i]
    _same(Filing.model_validate(example.filing_data()))


def test_the_cases_walk_something() -> None:
    """The comparison is not vacuous: some golden case leaves facts to ask about."""
    assert _walked_something([_case(p) for p in CASE_FILES])


ANY_FILING = st.one_of(
    S.filings(rules=RULES),
    st.sampled_from(IDS).flatmap(lambda cid: S.satisfying(cid, rules=RULES)),
    st.sampled_from(IDS).flatmap(lambda cid: S.violating(cid, rules=RULES)),
)


@settings(max_examples=150, deadline=None)
@given(ANY_FILING)
def test_hypothesis_filings(filing: Filing) -> None:
    _same(filing)
