"""Invariants of the engine, proved with the v1 strategies over the v1 rules (and over
generated v1 rulesets where the invariant is about rules in general).

v1: delete with the v1 path. The invariants over the bundled (v2) rules are
tests/test_properties.py; those that need v1 facts or v1 strategies (refinements, position 8 on
``subject.organisation``, the missing facts' catalogue) stay here until v2 has their counterparts.
"""

from __future__ import annotations

import datetime as dt
import pickle
from typing import Any

import pydantic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.engine.evaluate import Truth, fact_getter
from rongcuo.facts.model import Filing
from rongcuo.rules import syntax
from rongcuo.rules.syntax import ClauseRef, FactRef, ListKind, Node, walk
from rongcuo.testing import strategies as S  # the first model's kit
from rongcuo.verdict.verdict import Status

from .conftest import V1_RULES

RULES = rongcuo.load_ruleset(V1_RULES)
IDS = [c.id for c in RULES.clauses]
NEGATIVES = [c.id for c in RULES.of_list(ListKind.NEGATIVE)]
DECIDED = {Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_DETERMINATION}

#: Filings of every kind: arbitrary ones, and ones on either side of each clause.
ANY_FILING = st.one_of(
    S.filings(),
    st.sampled_from(IDS).flatmap(lambda cid: S.satisfying(cid, rules=RULES)),
    st.sampled_from(IDS).flatmap(lambda cid: S.violating(cid, rules=RULES)),
)


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
    for cited in (*verdict.decisive, *verdict.overridden):
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


@settings(max_examples=60, deadline=None)
@given(ANY_FILING, st.data())
def test_filling_in_unknown_facts_never_changes_a_decided_verdict(
    filing: Filing, data: st.DataObject
) -> None:
    before = rongcuo.evaluate(filing, rules=RULES, trace=False).status
    refined = data.draw(S.refinements(filing), label="refined")
    after = rongcuo.evaluate(refined, rules=RULES, trace=False).status
    if before in DECIDED:
        assert after is before
    old, new = RULES.program.values(filing), RULES.program.values(refined)
    assert all(new[c] is v for c, v in old.items() if v is not Truth.UNKNOWN)


#: The clauses that name a kind of unit (position 8: P5, P11, P12), found by what they read.
UNIT_CLAUSES = [
    c.id
    for c in RULES.clauses
    if any("subject.organisation" in syntax.facts_read(e.test) for e in c.elements)
]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(UNIT_CLAUSES).flatmap(
        lambda cid: st.tuples(
            st.just(cid), st.one_of(S.satisfying(cid, rules=RULES), S.violating(cid, rules=RULES))
        )
    ),
    st.sampled_from(["unit", "individual", None]),
)
def test_clauses_naming_a_kind_of_unit_decide_alike_for_units_and_individuals(
    case: tuple[str, Filing], kind: str | None
) -> None:
    """Position 8: 基层单位和部门, 应急管理、生态环境等部门 and 行政村（社区）组织 describe the unit
    (the filer itself, or the unit an individual filer acted for), not the kind of filer, so
    changing only ``subject.kind`` never changes such a clause."""
    assert UNIT_CLAUSES == ["P5", "P11", "P12"]
    cid, filing = case
    other = S.replace_facts(filing, {"subject.kind": kind})
    program = RULES.program
    assert program.clause_value(cid, other, {}) is program.clause_value(cid, filing, {})


def _insufficient() -> st.SearchStrategy[Filing]:
    return ANY_FILING.filter(
        lambda f: rongcuo.evaluate(f, rules=RULES, trace=False).status is Status.INSUFFICIENT_FACTS
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_insufficient(), st.data())
def test_facts_not_named_missing_never_change_insufficient_facts(
    filing: Filing, data: st.DataObject
) -> None:
    verdict = rongcuo.evaluate(filing, rules=RULES, trace=False)
    named = {m.path for m in verdict.missing_facts}
    assert named
    # any valid filling-in of the facts not named: a refinement with the named ones left unknown
    refined = data.draw(S.refinements(filing), label="refined")
    other = S.replace_facts(refined, dict.fromkeys(named))
    assert rongcuo.evaluate(other, rules=RULES, trace=False).status is Status.INSUFFICIENT_FACTS


def _reads(node: Node, path: str) -> list[syntax.Test]:
    out = []
    for n in walk(node):
        if isinstance(n, syntax.Test) and (
            n.fact == path or (isinstance(n.value, FactRef) and n.value.path == path)
        ):
            out.append(n)
        if isinstance(n, ClauseRef):
            clause = RULES.clause(n.clause)
            for e in clause.elements:
                out.extend(_reads(e.test, path))
    return out


def _values_to_try(path: str) -> list[Any]:
    spec = rongcuo.facts.model.FACTS[path]
    if spec.enum is not None and spec.kind.value == "enum_set":
        members = list(spec.enum)
        return [frozenset(), frozenset(members), *(frozenset({m}) for m in members)]
    if spec.enum is not None:
        return list(spec.enum)
    if spec.kind.value == "bool":
        return [True, False]
    if spec.kind.value == "text":
        return ["情况说明"]
    named = [t.value for t in _all_tests() if isinstance(t.value, dt.date)]
    return [S.DATE_MIN, S.DATE_MAX, *named]


def _all_tests() -> list[syntax.Test]:
    return [
        n
        for c in RULES.clauses
        for e in c.elements
        for n in walk(e.test)
        if isinstance(n, syntax.Test)
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_insufficient())
def test_each_named_missing_fact_can_decide_more(filing: Filing) -> None:
    """Every named fact is unknown, read by an undecided test of a clause it is listed under,
    and some value of it decides that test (a test comparing two facts needs the other known
    too, and some value of that is tried with it): the list names nothing irrelevant."""
    verdict = rongcuo.evaluate(filing, rules=RULES, trace=False)
    program = RULES.program
    values = RULES.program.values(filing)
    for missing in verdict.missing_facts:
        assert fact_getter(missing.path)(filing) is None
        assert missing.clauses
        tests = []
        for cid in missing.clauses:
            clause = RULES.clause(cid)
            assert values[cid] is Truth.UNKNOWN and not clause.catch_all
            for e in clause.elements:
                tests.extend(_reads(e.test, missing.path))
        undecided = [t for t in tests if program.node_value(t, filing, {}) is Truth.UNKNOWN]
        assert undecided, missing.path
        decided = False
        for t in undecided:
            partners = [p for p in _paths(t) if p != missing.path and _unknown(filing, p)]
            for value in _values_to_try(missing.path):
                other = _with(filing, missing.path, value)
                for p in partners:  # the other side of a two-fact comparison
                    other = other and _with(other, p, _values_to_try(p)[-1])
                if other is None:  # not a valid filing (a start after the end): not a value
                    continue
                if program.node_value(t, other, {}) is not Truth.UNKNOWN:
                    decided = True
                    break
        assert decided, missing.path


def _paths(t: syntax.Test) -> list[str]:
    return [t.fact] + ([t.value.path] if isinstance(t.value, FactRef) else [])


def _unknown(filing: Filing, path: str) -> bool:
    return fact_getter(path)(filing) is None


def _with(filing: Filing, path: str, value: Any) -> Filing | None:
    """``filing`` with one fact replaced; None when that is not a valid filing."""
    try:
        return S.replace_facts(filing, {path: value})
    except pydantic.ValidationError:
        return None


@settings(max_examples=40, deadline=None)
@given(ANY_FILING)
def test_same_filing_same_bytes(filing: Filing) -> None:
    first = rongcuo.evaluate(filing, rules=RULES).to_json()
    again = rongcuo.evaluate(filing.model_dump(mode="json"), rules=RULES).to_json()
    assert first == again == rongcuo.evaluate(filing, rules=_shipped()).to_json()


def _shipped() -> rongcuo.Ruleset:
    """The ruleset as a worker process receives it (pickled, rebuilt from its texts)."""
    if "shipped" not in _CACHE:
        _CACHE["shipped"] = pickle.loads(pickle.dumps(RULES))
    return _CACHE["shipped"]


def test_v1_rules_survive_load_dump_reload() -> None:
    again = rongcuo.load_ruleset_texts(RULES.dump_texts())
    assert again.digest == RULES.digest
    assert again.to_data() == RULES.to_data()


@settings(max_examples=30, deadline=None)
@given(ANY_FILING)
def test_reloaded_v1_rules_give_the_same_verdicts(filing: Filing) -> None:
    again = _reloaded(RULES)
    assert (
        rongcuo.evaluate(filing, rules=again).to_json()
        == rongcuo.evaluate(filing, rules=RULES).to_json()
    )


_CACHE: dict[str, rongcuo.Ruleset] = {}


def _reloaded(rules: rongcuo.Ruleset) -> rongcuo.Ruleset:
    if rules.digest not in _CACHE:
        _CACHE[rules.digest] = rongcuo.load_ruleset_texts(rules.dump_texts())
    return _CACHE[rules.digest]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.rulesets(), st.data())
def test_generated_rulesets_survive_load_dump_reload(
    rules: rongcuo.Ruleset, data: st.DataObject
) -> None:
    again = rongcuo.load_ruleset_texts(rules.dump_texts())
    assert again.digest == rules.digest
    for _ in range(3):
        filing = data.draw(S.filings(rules=rules))
        assert (
            rongcuo.evaluate(filing, rules=again).to_json()
            == rongcuo.evaluate(filing, rules=rules).to_json()
        )
