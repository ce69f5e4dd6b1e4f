"""The generated evaluator (rongcuo.engine.codegen) against the closure evaluator it must equal.

The closures in ``rongcuo.engine.evaluate.Program`` are the reference: one small function a node,
Kleene's tables written out. The generated code inlines, folds and short-circuits; these tests
hold it to the reference on every element and clause truth and on the status, for the bundled
rules (every clause example and golden case, and Hypothesis filings, complete and partial) and
for Hypothesis-generated rulesets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.engine.decide import _STATUSES, _status, codegen, decide_status
from rongcuo.engine.evaluate import TRUTHS
from rongcuo.facts.filings import load_filing
from rongcuo.rules.syntax import Example
from rongcuo.testing import strategies as S  # v1: delete with the v1 path (generated rulesets)
from rongcuo.testing import strategies_v2 as S2

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def _agree(rules: rongcuo.Ruleset, filing: Any) -> None:
    program = rules.program
    compiled = program.compiled
    elements, clauses = compiled.truths(filing)
    memo: dict[str, rongcuo.Truth] = {}
    reference_elements = [
        program.element_value(cid, eid, filing, memo) for cid, eid in compiled.elements
    ]
    assert [TRUTHS[v] for v in elements] == reference_elements
    reference = program.reference_values(filing)
    assert dict(zip(compiled.clauses, (TRUTHS[v] for v in clauses), strict=True)) == reference
    assert program.values(filing) == reference
    status, deciding = _status(rules, reference)
    assert decide_status(filing, rules) is status
    # decide: the same status, and the clauses that decide it (it has no list of the catch-alls)
    code, ids = compiled.decide(filing)
    assert _STATUSES[code] is status
    if status in (rongcuo.Status.ELIGIBLE, rongcuo.Status.INELIGIBLE):
        assert sorted(ids) == sorted(c.id for c in deciding)
    else:
        assert ids == ()


def _examples(rules: rongcuo.Ruleset) -> list[tuple[str, Example]]:
    return [(c.id, e) for c in rules.clauses for e in c.examples]


def test_every_clause_example(rules: rongcuo.Ruleset) -> None:
    examples = _examples(rules)
    assert len(examples) > 100
    for _, example in examples:
        _agree(rules, rongcuo.parse_filing(example.filing_data()))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_golden_case(rules: rongcuo.Ruleset, path: Path) -> None:
    import yaml

    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    _agree(rules, rongcuo.parse_filing(case["filing"]))


def test_the_example_filings(rules: rongcuo.Ruleset) -> None:
    found = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))
    assert found
    for path in found:
        _agree(rules, load_filing(path))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_hypothesis_filings(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    filing = data.draw(S2.filings(complete=data.draw(st.booleans()), rules=rules))
    _agree(rules, filing)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_filings_on_either_side_of_a_boundary(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    clause = data.draw(st.sampled_from(rules.clauses))
    if clause.catch_all:
        return
    for filing in data.draw(S2.boundary_pairs(clause.id, rules=rules)):
        _agree(rules, filing)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.rulesets(), st.data())
def test_generated_rulesets(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    for _ in range(5):
        _agree(rules, data.draw(S.filings(rules=rules)))


def test_literals_are_never_spelled_into_the_source(rules: rongcuo.Ruleset) -> None:
    # v2 reads facts by their index in the filing's vector: no string is quoted at all
    source = rules.program.compiled.source
    assert "'" not in source and '"' not in source
    assert re.search(r"\bV\[\d+\]", source) and re.search(r"\bK\d+\b", source)


# v1: delete with the v1 path
def test_v1_literals_are_never_spelled_into_the_source(v1_rules: rongcuo.Ruleset) -> None:
    compiled = v1_rules.program.compiled
    # the only quoted strings are names of facts and clauses: every value is a named constant
    quoted = set(re.findall(r"'([^']*)'", compiled.source))
    assert quoted and all(q.isidentifier() for q in quoted)
    assert '"' not in compiled.source


def test_unknown_facts_are_unknown_not_false(rules: rongcuo.Ruleset) -> None:
    # an empty filing: every ordinary clause waits on facts; nothing is quietly false
    filing = rongcuo.parse_filing({})
    _agree(rules, filing)
    _, clauses = rules.program.compiled.truths(filing)
    values = dict(zip(rules.program.compiled.clauses, clauses, strict=True))
    assert all(values[c.id] == 1 for c in rules.clauses if not c.catch_all)


def test_status_codes_are_the_engine_statuses() -> None:
    codes = (
        codegen.ELIGIBLE,
        codegen.INELIGIBLE,
        codegen.INSUFFICIENT,
        codegen.NEEDS_DETERMINATION,
    )
    assert [_STATUSES[c] for c in codes] == [
        rongcuo.Status.ELIGIBLE,
        rongcuo.Status.INELIGIBLE,
        rongcuo.Status.INSUFFICIENT_FACTS,
        rongcuo.Status.NEEDS_DETERMINATION,
    ]
