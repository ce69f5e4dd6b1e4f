"""The examples kept beside each clause (``examples:`` in rules/*.yaml) behave as they say.

The loader already refuses a ruleset whose examples misbehave; these tests re-check every example
independently, with the compiled :class:`~rongcuo.engine.evaluate.Program`, and check what the examples
cover: every clause has one that holds and a near miss, and every element of every clause is the
one element some near miss fails on.

A near miss "fails on exactly one element": the clause is false, that element is false, and the
clause would hold were that element true. For a clause whose elements must all hold (the default),
every other element is true; for N5 and N8 (``holds_when: any``), every other element is false.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rongcuo
from rongcuo.engine.evaluate import Truth
from rongcuo.rules.syntax import All, Any, Clause, ElementRef, Example

from .conftest import RULES, V1_RULES

RULESET = rongcuo.load_ruleset(RULES)
# v1: delete with the v1 path (the v1 rules' named examples, for the tests that name them)
V1_RULESET = rongcuo.load_ruleset(V1_RULES)
CLAUSES = RULESET.clauses
CASES = [(c.id, i) for c in CLAUSES for i in range(len(c.examples))]


def _example(cid: str, i: int) -> tuple[Clause, Example]:
    clause = RULESET.clause(cid)
    return clause, clause.examples[i]


def _combination(clause: Clause) -> str:
    """'all' or 'any': the bundled clauses combine their elements in one of these two ways."""
    node = clause.holds_when
    assert isinstance(node, All | Any), clause.id
    assert [r.element for r in node.items if isinstance(r, ElementRef)] == [
        e.id for e in clause.elements
    ], f"{clause.id}: holds_when is not a plain all/any of its elements"
    return "all" if isinstance(node, All) else "any"


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.id)
def test_every_clause_has_an_example_that_holds_and_a_near_miss(clause: Clause) -> None:
    assert any(ex.holds for ex in clause.examples), f"{clause.id} has no example that holds"
    assert any(not ex.holds for ex in clause.examples), f"{clause.id} has no near miss"


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda c: c.id)
def test_example_names_are_unique_within_a_clause(clause: Clause) -> None:
    names = [ex.name for ex in clause.examples]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("cid", "i"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_example_behaves_as_it_says(cid: str, i: int) -> None:
    clause, ex = _example(cid, i)
    filing = rongcuo.Filing.model_validate(ex.filing_data())
    program = RULESET.program
    memo: dict[str, Truth] = {}
    value = program.clause_value(cid, filing, memo)
    elements = {e.id: program.element_value(cid, e.id, filing, memo) for e in clause.elements}
    if ex.holds:
        assert value is Truth.TRUE, f"{cid} {ex.name!r}: {elements}"
        if _combination(clause) == "all":
            assert set(elements.values()) == {Truth.TRUE}
        return
    assert ex.fails_on in elements, f"{cid} {ex.name!r} names no element of {cid}"
    assert value is Truth.FALSE, f"{cid} {ex.name!r} is {value}: {elements}"
    assert elements[ex.fails_on] is Truth.FALSE
    others = {k: v for k, v in elements.items() if k != ex.fails_on}
    want = Truth.TRUE if _combination(clause) == "all" else Truth.FALSE
    assert all(v is want for v in others.values()), f"{cid} {ex.name!r}: {others}"


@pytest.mark.parametrize(("cid", "i"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
def test_example_gives_the_same_clause_value_through_evaluate(cid: str, i: int) -> None:
    """The public entry point agrees with the Program on every example filing."""
    _, ex = _example(cid, i)
    verdict = rongcuo.evaluate(ex.filing_data(), rules=RULESET)
    assert verdict.clause_values()[cid] == ("true" if ex.holds else "false")


def test_every_element_is_the_failing_one_of_some_near_miss() -> None:
    """Coverage: each list's near misses exercise every element as the failing one."""
    uncovered = [
        f"{c.id}.{e.id}"
        for c in CLAUSES
        for e in c.elements
        if not any(not ex.holds and ex.fails_on == e.id for ex in c.examples)
    ]
    assert uncovered == []


# v1: delete with the v1 path
def test_every_element_of_the_v1_rules_is_the_failing_one_of_some_near_miss() -> None:
    uncovered = [
        f"{c.id}.{e.id}"
        for c in V1_RULESET.clauses
        for e in c.elements
        if not any(not ex.holds and ex.fails_on == e.id for ex in c.examples)
    ]
    assert uncovered == []


def test_catch_alls_turn_on_a_recorded_determination_only() -> None:
    for clause in CLAUSES:
        if not clause.catch_all:
            continue
        for ex in clause.examples:
            determinations = ex.filing_data()["determinations"]
            assert isinstance(determinations, dict)
            recorded = determinations[clause.id]
            assert isinstance(recorded, dict)
            assert {"holds", "decided_by", "decided_on", "reason"} <= set(recorded)
            assert recorded["holds"] is ex.holds


def _example_named(cid: str, name: str) -> Example:
    for ex in V1_RULESET.clause(cid).examples:  # v1: delete with the v1 path
        if ex.name == name:
            return ex
    raise AssertionError(f"{cid} has no example named {name!r}")


# v1: delete with the v1 path (the v1 rules' examples, by name, and their v1 facts)
@pytest.mark.parametrize(
    ("cid", "name", "fact", "value"),
    [
        # position 6: conduct ending on the day the 18th Congress opened is not before it
        ("P13", "行为延续至十八大开幕当天", ("matter", "conduct_ended_on"), "2012-11-08"),
        # position 6: conduct that began after the Congress cannot have ended before it
        ("P13", "始于十八大之后、终了日期不明", ("matter", "conduct_started_on"), "2013-03-01"),
        # position 5: trying and failing to rectify is not refusal
        ("N8", "尽力整改未能到位", ("remedy", "rectification"), "attempted_failed"),
        # position 7: disclosing only what the organisation already knew is not 主动
        ("P14", "只交代组织已掌握的", ("disclosure", "timing"), "known_to_organisation"),
        # position 4: handling someone else's accident is not causing one
        ("N5", "处置他人造成的事故", ("consequences", "caused_incidents"), []),
        # position 2: N2 requires an adverse impact
        ("N2", "形式主义但未造成不良影响", ("consequences", "adverse_impact"), "none"),
    ],
)
def test_the_instructive_near_misses_are_there(
    cid: str, name: str, fact: tuple[str, str], value: object
) -> None:
    ex = _example_named(cid, name)
    assert not ex.holds
    group = ex.filing_data()[fact[0]]
    assert isinstance(group, dict)
    got = group[fact[1]]
    assert (got.isoformat() if hasattr(got, "isoformat") else got) == value


# v1: delete with the v1 path
def test_p14_counts_a_confession_of_what_the_organisation_did_not_know() -> None:
    """The example that caught P14 requiring kind explained/surrendered (position 7)."""
    ex = _example_named("P14", "审查中交代组织未掌握的问题")
    assert ex.holds
    disclosure = ex.filing_data()["disclosure"]
    assert disclosure == {
        "trusted_organisation": True,
        "kind": "confessed_when_questioned",
        "timing": "unknown_to_organisation",
        "truthful": True,
    }


def _texts() -> dict[str, str]:  # v1: delete with the v1 path (the v1 rules' texts)
    return {p.name: p.read_text(encoding="utf-8") for p in Path(V1_RULES).glob("*.yaml")}


# v1: delete with the v1 path (edits of the v1 rules' examples)
@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        # a near miss naming the wrong element (P13's date miss fails on before_18th_congress)
        (
            "positive.yaml",
            "fails_on: before_18th_congress",
            "fails_on: passive",
        ),
        # an any-clause near miss that in fact holds (refused is refusal)
        (
            "negative.yaml",
            "remedy: {rectification: attempted_failed}",
            "remedy: {rectification: refused}",
        ),
        # an example claimed to hold that does not
        (
            "positive.yaml",
            "matter: {irregularities: [discipline_or_law], conduct_ended_on: 2011-09-30",
            "matter: {irregularities: [discipline_or_law], conduct_ended_on: 2013-09-30",
        ),
    ],
)
def test_the_loader_refuses_a_misbehaving_example(file: str, old: str, new: str) -> None:
    texts = _texts()
    assert texts[file].count(old) >= 1, old
    texts[file] = texts[file].replace(old, new, 1)
    with pytest.raises(rongcuo.RulesError) as info:
        rongcuo.load_ruleset_texts(texts)
    assert {p.code for p in info.value.problems} == {"rules_example"}
