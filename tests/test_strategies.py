"""The Hypothesis strategies keep their promises: valid filings, the wanted clause truth,
boundary pairs one fact apart, rulesets the real loader accepts, and small shrunk examples."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.engine.decide import decide_status
from rongcuo.engine.evaluate import Truth, fact_getter, facts_of
from rongcuo.facts.model import DATE_ORDER, FACTS, Filing
from rongcuo.rules import syntax
from rongcuo.rules.check import OPERATORS
from rongcuo.rules.syntax import Node, facts_read, walk
from rongcuo.testing import strategies as S

from .conftest import V1_RULES

# v1: delete with the v1 path (the strategies of the first filing model, on its rules; the public
# rongcuo.strategies are v2's: tests/test_strategies_v2.py)
RULES = rongcuo.load_ruleset(V1_RULES)
IDS = [c.id for c in RULES.clauses]


def _differences(a: Filing, b: Filing) -> list[str]:
    fa, fb = facts_of(a), facts_of(b)
    return [p for p in fa if fa[p] != fb[p]]


@settings(max_examples=30)
@given(S.filings())
def test_filings_are_valid_documents(filing: Filing) -> None:
    assert Filing.model_validate(filing.model_dump()) == filing


@settings(max_examples=30)
@given(S.filings(complete=True))
def test_filings_pass_the_document_checks(filing: Filing) -> None:
    """Written out as JSON, a generated filing passes what a document must (no set fact lists a
    value twice, no list is too long) and reads back as itself."""
    text = json.dumps(filing.model_dump(mode="json"), ensure_ascii=False)
    assert rongcuo.parse_filing(text, format="json", rules=RULES) == filing


@settings(max_examples=20)
@given(S.filings(complete=True))
def test_complete_filings_know_every_fact(filing: Filing) -> None:
    unknown = [p for p, v in facts_of(filing, S.PLAIN_FACTS).items() if v is None]
    assert unknown == []


@settings(max_examples=20)
@given(S.filings(complete=True, rules=RULES))
def test_filings_for_rules_only_fill_what_the_rules_read(filing: Filing) -> None:
    read = {p for c in RULES.clauses for e in c.elements for p in facts_read(e.test)}
    known = {p for p, v in facts_of(filing, S.PLAIN_FACTS).items() if v is not None}
    assert known == read - {p for p in read if p.startswith("determinations.")}


@pytest.mark.parametrize("clause_id", IDS)
def test_satisfying_and_violating(clause_id: str) -> None:
    @settings(max_examples=5, deadline=None)
    @given(S.satisfying(clause_id, rules=RULES), S.violating(clause_id, rules=RULES))
    def run(holds: Filing, fails: Filing) -> None:
        assert RULES.program.clause_value(clause_id, holds, {}) is Truth.TRUE
        assert RULES.program.clause_value(clause_id, fails, {}) is Truth.FALSE

    run()


@pytest.mark.parametrize("clause_id", IDS)
def test_boundary_pairs_differ_in_one_fact(clause_id: str) -> None:
    @settings(max_examples=3, deadline=None)
    @given(S.boundary_pairs(clause_id, rules=RULES))
    def run(pair: tuple[Filing, Filing]) -> None:
        holds, fails = pair
        assert RULES.program.clause_value(clause_id, holds, {}) is Truth.TRUE
        assert RULES.program.clause_value(clause_id, fails, {}) is Truth.FALSE
        assert len(_differences(holds, fails)) == 1

    run()


@pytest.mark.parametrize("clause_id", ["N1", "N8", "P1", "P11", "P13", "P15", "N9"])
def test_boundary_pairs_with_a_different_status(clause_id: str) -> None:
    @settings(max_examples=3, deadline=None)
    @given(S.boundary_pairs(clause_id, status_differs=True, rules=RULES))
    def run(pair: tuple[Filing, Filing]) -> None:
        holds, fails = pair
        assert len(_differences(holds, fails)) == 1
        assert decide_status(holds, RULES) is not decide_status(fails, RULES)

    run()


def _in_date_order(filing: Filing) -> bool:
    for earlier, later in DATE_ORDER:
        first, second = fact_getter(earlier)(filing), fact_getter(later)(filing)
        if first is not None and second is not None and first > second:
            return False
    return True


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        S.filings(complete=True),
        S.filings(complete=True, rules=RULES),
        S.satisfying("P13", complete=True, rules=RULES),
        S.violating("P13", complete=True, rules=RULES),
        S.boundary_pairs("P13", rules=RULES).map(lambda pair: pair[0]),
        S.boundary_pairs("P13", rules=RULES).map(lambda pair: pair[1]),
    ),
    st.data(),
)
def test_generated_filings_keep_the_conduct_dates_in_order(
    filing: Filing, data: st.DataObject
) -> None:
    """Built valid, not filtered: every strategy, and every refinement, keeps start <= end."""
    assert _in_date_order(filing)
    partial = S.replace_facts(filing, {"matter.conduct_ended_on": None})
    assert _in_date_order(data.draw(S.refinements(partial, rules=RULES)))
    partial = S.replace_facts(filing, {"matter.conduct_started_on": None})
    assert _in_date_order(data.draw(S.refinements(partial, rules=RULES)))


def test_p13_can_be_violated_by_a_late_start_with_the_end_unknown() -> None:
    def on_the_date(f: Filing) -> bool:
        element = RULES.program.element_value("P13", "before_18th_congress", f, {})
        return element is Truth.FALSE and f.matter.conduct_ended_on is None

    filing = find(S.violating("P13", rules=RULES), on_the_date)
    start = filing.matter.conduct_started_on
    assert start is not None and start >= dt.date(2012, 11, 8)


@settings(max_examples=50)
@given(st.data())
def test_dates_avoiding_some_days_are_built_not_filtered(data: st.DataObject) -> None:
    lo = data.draw(st.dates(dt.date(2012, 11, 1), dt.date(2012, 11, 10)))
    hi = lo + dt.timedelta(days=data.draw(st.integers(0, 5)))
    span = [lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1)]
    avoid = frozenset(data.draw(st.lists(st.sampled_from(span), max_size=len(span) - 1)))
    day = data.draw(S._dates(lo, hi, avoid))
    assert lo <= day <= hi and day not in avoid


def test_minimal_filing_is_empty() -> None:
    assert find(S.filings(), lambda f: True) == Filing()


def test_unknown_clause_is_refused() -> None:
    with pytest.raises(ValueError, match="P99"):
        S.satisfying("P99", rules=RULES)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.rulesets(), st.data())
def test_generated_rulesets_load_and_support_clause_strategies(
    rules: rongcuo.Ruleset, data: st.DataObject
) -> None:
    assert rules.clauses
    clause_id = data.draw(st.sampled_from([c.id for c in rules.clauses]))
    want = data.draw(st.booleans())
    filing = data.draw(
        (S.satisfying if want else S.violating)(clause_id, rules=rules), label="filing"
    )
    assert rules.program.clause_value(clause_id, filing, {}) is Truth.of(want)


@settings(max_examples=30)
@given(S.predicates())
def test_predicates_are_typed_and_never_read_determinations(pred: Node) -> None:
    for n in walk(pred):
        if isinstance(n, syntax.Test):
            assert n.op in OPERATORS[FACTS[n.fact].kind]
            assert not n.fact.startswith("determinations.")


@pytest.mark.parametrize("clause_id", ["N2", "P3", "P10"])
def test_with_status_differs_the_clause_alone_moves(clause_id: str) -> None:
    @settings(max_examples=10, deadline=None)
    @given(S.boundary_pairs(clause_id, status_differs=True, rules=RULES))
    def run(pair: tuple[Filing, Filing]) -> None:
        a, b = (RULES.program.values(f) for f in pair)
        assert [c for c in a if a[c] is not b[c]] == [clause_id]

    run()


def test_replace_facts_changes_exactly_those_facts() -> None:
    base = Filing.model_validate({"subject": {"kind": "unit"}})
    other = S.replace_facts(base, {"subject.kind": None, "matter.circumstances": "minor"})
    assert _differences(base, other) == ["subject.kind", "matter.circumstances"]
    with pytest.raises(ValueError, match=r"determinations\.P15\.holds"):
        S.replace_facts(base, {"determinations.P15.holds": True})


def test_import_rongcuo_imports_neither_hypothesis_nor_durable() -> None:
    import subprocess
    import sys

    code = "import sys, rongcuo; rongcuo.evaluate({}); print('hypothesis' in sys.modules, 'durable' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["False", "False"], done.stderr
