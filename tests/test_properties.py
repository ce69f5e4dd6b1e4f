"""Invariants of the engine, proved with the strategies over the real bundled rules (filing
model v2).

The invariants that need v1 facts or v1 strategies (filling in unknown facts, position 8 on the
kind of unit, the missing facts named, generated rulesets) are tests/test_properties_v1.py, over
the v1 rules, until the v2 strategies have refinements.
"""

from __future__ import annotations

import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo import Filing
from rongcuo.engine.evaluate import Truth, fact_getter
from rongcuo.rules.syntax import ListKind
from rongcuo.testing import strategies_v2 as S
from rongcuo.verdict.verdict import Status

from .conftest import RULES as RULES_DIR

RULES = rongcuo.load_ruleset(RULES_DIR)
IDS = [c.id for c in RULES.of_list(ListKind.POSITIVE)] + [
    c.id for c in RULES.of_list(ListKind.NEGATIVE)
]
NEGATIVES = [c.id for c in RULES.of_list(ListKind.NEGATIVE)]

#: Filings of every kind: arbitrary ones, and ones on either side of each clause of the lists.
ANY_FILING = st.one_of(
    S.filings(rules=RULES),
    st.sampled_from(IDS).flatmap(lambda cid: S.satisfying(cid, rules=RULES)),
    st.sampled_from(IDS).flatmap(lambda cid: S.violating(cid, rules=RULES)),
)


def test_the_lists_are_the_laws() -> None:
    """平纪发〔2022〕4号: 15 positive clauses, 9 negative ones."""
    law = [f"P{i}" for i in range(1, 16)] + [f"N{i}" for i in range(1, 10)]
    assert law == IDS


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NEGATIVES).flatmap(lambda cid: S.satisfying(cid, rules=RULES)))
def test_a_true_negative_always_wins(filing: Filing) -> None:
    verdict = rongcuo.evaluate(filing, rules=RULES, trace=False)
    assert verdict.status is Status.INELIGIBLE
    holding = {c for c, v in RULES.program.values(filing).items() if v is Truth.TRUE}
    assert {c.id for c in verdict.decisive} == holding & set(NEGATIVES)


@settings(max_examples=60, deadline=None)
@given(ANY_FILING)
def test_no_eligible_verdict_while_a_negative_holds(filing: Filing) -> None:
    values = RULES.program.values(filing)
    if any(values[n] is Truth.TRUE for n in NEGATIVES):
        assert rongcuo.evaluate(filing, rules=RULES, trace=False).status is Status.INELIGIBLE


@settings(max_examples=60, deadline=None)
@given(ANY_FILING)
def test_explanations_are_sound(filing: Filing) -> None:
    verdict = rongcuo.evaluate(filing, rules=RULES)
    program = RULES.program
    for cited in (*verdict.decisive, *verdict.overridden, *verdict.barred, *verdict.bars):
        assert program.clause_value(cited.id, filing, {}).value == cited.value
    assert [c.id for c in verdict.trace] == [c.id for c in RULES.clauses]
    for traced in verdict.trace:
        assert program.clause_value(traced.id, filing, {}).value == traced.value
        for element in traced.elements:
            again = program.element_value(traced.id, element.id, filing, {})
            assert again.value == element.value
            for read in element.facts:
                assert (fact_getter(read.path)(filing) is not None) == read.known
            for ref in element.clauses:
                assert program.clause_value(ref.clause, filing, {}).value == ref.value


@settings(max_examples=40, deadline=None)
@given(ANY_FILING)
def test_same_filing_same_bytes(filing: Filing) -> None:
    first = rongcuo.evaluate(filing, rules=RULES).to_json()
    again = rongcuo.evaluate(filing.model_dump(mode="json"), rules=RULES).to_json()
    assert first == again == rongcuo.evaluate(filing, rules=_shipped()).to_json()


_CACHE: dict[str, rongcuo.Ruleset] = {}


def _shipped() -> rongcuo.Ruleset:
    """The ruleset as a worker process receives it (pickled, rebuilt from its texts)."""
    if "shipped" not in _CACHE:
        _CACHE["shipped"] = pickle.loads(pickle.dumps(RULES))
    return _CACHE["shipped"]


def test_bundled_rules_survive_load_dump_reload() -> None:
    again = rongcuo.load_ruleset_texts(RULES.dump_texts())
    assert again.digest == RULES.digest
    assert again.to_data() == RULES.to_data()


@settings(max_examples=30, deadline=None)
@given(ANY_FILING)
def test_reloaded_bundled_rules_give_the_same_verdicts(filing: Filing) -> None:
    if "reloaded" not in _CACHE:
        _CACHE["reloaded"] = rongcuo.load_ruleset_texts(RULES.dump_texts())
    assert (
        rongcuo.evaluate(filing, rules=_CACHE["reloaded"]).to_json()
        == rongcuo.evaluate(filing, rules=RULES).to_json()
    )
