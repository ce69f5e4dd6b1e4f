"""The z3 translation agrees with the engine, clause by clause, on many filings.

v1: delete with the v1 path. This is the v1 solver (rongcuo.analysis.solver) on the v1 rules and
the v1 model; the v2 solver's agreement is tests/test_solver_v2.py.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from rongcuo.analysis.solver import CATCH_ALL_GROUPS, Domain, Encoding
from rongcuo.engine.evaluate import Truth
from rongcuo.facts.model import DATE_ORDER, FACTS, FactKind, Filing
from rongcuo.rules.ruleset import Ruleset

pytest.importorskip("z3")


@pytest.fixture(scope="module")
def rules(v1_rules: Ruleset) -> Ruleset:  # v1: delete with the v1 path
    """The v1 rules: every test of this module is of the v1 solver."""
    return v1_rules


# Dates near the one date the rules compare with (P13: 2012-11-08), so both sides are hit.
_DATES = [dt.date(2012, 11, d) for d in (6, 7, 8, 9)] + [dt.date(2001, 1, 1), dt.date(2023, 5, 1)]


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        out = out.setdefault(part, {})
    out[parts[-1]] = value


def random_filing(rng: random.Random, *, complete: bool) -> Filing:
    """A random valid filing: every fact known when ``complete``, else each may be unknown."""
    data: dict[str, Any] = {}
    for group in CATCH_ALL_GROUPS:
        if rng.random() < 0.5:
            data.setdefault("determinations", {})[group] = {
                "holds": rng.random() < 0.5,
                "decided_by": "某县纪委",
                "decided_on": "2023-06-01",
                "reason": "测试",
            }
    for path, spec in FACTS.items():
        if path.startswith("determinations."):
            continue
        if not complete and rng.random() < 0.25:
            continue
        if spec.kind is FactKind.BOOL:
            value: Any = rng.random() < 0.5
        elif spec.kind is FactKind.ENUM:
            assert spec.enum is not None
            value = rng.choice([m.value for m in spec.enum])
        elif spec.kind is FactKind.ENUM_SET:
            assert spec.enum is not None
            value = [m.value for m in spec.enum if rng.random() < 0.3]
        elif spec.kind is FactKind.DATE:
            value = rng.choice(_DATES).isoformat()
        else:
            value = "文本"
        _put(data, path, value)
    return Filing.model_validate(_dates_in_order(data))


def _dates_in_order(data: dict[str, Any]) -> dict[str, Any]:
    """The model's rule: each DATE_ORDER pair in order when both are known (swapped if not)."""
    for earlier, later in DATE_ORDER:
        (group, a), (group_b, b) = earlier.split("."), later.split(".")
        facts = data.get(group, {})
        assert group == group_b  # every pair lies within one group today
        if a in facts and b in facts and facts[a] > facts[b]:
            facts[a], facts[b] = facts[b], facts[a]
    return data


def _example_filings(rules: Ruleset) -> list[Filing]:
    return [Filing.model_validate(ex.filing_data()) for c in rules.clauses for ex in c.examples]


def _agree(rules: Ruleset, domain: Domain, filings: list[Filing]) -> int:
    enc = Encoding(domain=domain)
    enc.add("r", rules)
    tris = {c.id: enc.clause("r", c.id) for c in rules.clauses}
    for c in rules.clauses:
        for e in c.elements:
            tris[f"{c.id}/{e.id}"] = enc.element("r", c.id, e.id)
    checked = 0
    for filing in filings:
        got = enc.truths(tris, filing)
        memo: dict[str, Truth] = {}
        for key, value in got.items():
            cid, _, eid = key.partition("/")
            want = (
                rules.program.element_value(cid, eid, filing, memo)
                if eid
                else rules.program.clause_value(cid, filing, memo)
            )
            assert value is want, f"{key} on {filing.id}: z3 {value}, engine {want}"
            checked += 1
    return checked


def test_translation_agrees_with_engine_on_complete_filings(rules: Ruleset) -> None:
    rng = random.Random(20240701)
    filings = [random_filing(rng, complete=True) for _ in range(150)]
    assert _agree(rules, Domain.COMPLETE, filings) > 150 * 24


def test_translation_agrees_with_engine_on_partial_filings(rules: Ruleset) -> None:
    rng = random.Random(7)
    filings = [random_filing(rng, complete=False) for _ in range(100)] + _example_filings(rules)
    _agree(rules, Domain.ANY, filings)


def test_every_clause_holds_and_fails_somewhere_and_witnesses_are_engine_confirmed(
    rules: Ruleset,
) -> None:
    """Solver-made filings (valid, complete) on which each clause holds / fails, per the engine."""
    enc = Encoding()
    enc.add("r", rules)
    z3 = enc.z3
    for c in rules.clauses:
        tri = enc.clause("r", c.id)
        for want, formula in ((Truth.TRUE, tri.t), (Truth.FALSE, tri.f)):
            model = enc.find(formula)
            assert model is not None, (c.id, want)
            filing = enc.witness(model, name=f"{c.id}-{want}")
            assert rules.program.clause_value(c.id, filing, {}) is want
        if not c.catch_all:  # over complete filings only a catch-all can be unknown
            assert enc.find(tri.unknown(), simple=False) is None, c.id
    # the complete domain really is complete: a witness leaves no ordinary fact unknown
    model = enc.find(z3.BoolVal(True))
    filing = enc.witness(model)
    from rongcuo.engine.evaluate import facts_of

    unknown = [p for p, v in facts_of(filing).items() if v is None]
    assert all(p.startswith("determinations.") for p in unknown)


def test_status_formulas_agree_with_engine(rules: Ruleset) -> None:
    from rongcuo.engine.decide import decide_status
    from rongcuo.verdict.verdict import Status

    for domain in Domain:
        enc = Encoding(domain=domain)
        enc.add("r", rules)
        status = enc.status("r")
        for s, formula in status.items():
            model = enc.find(formula)
            if domain is Domain.COMPLETE and s is Status.INSUFFICIENT_FACTS:
                assert model is None  # every fact is known: nothing is missing
                continue
            assert model is not None, (domain, s)
            assert decide_status(enc.witness(model, name=s.value), rules) is s


def test_no_witness_has_the_conduct_begin_after_it_ended(rules: Ruleset) -> None:
    """The model's date order is a constraint of every question, in both domains."""
    for domain in Domain:
        enc = Encoding(domain=domain)
        enc.add("r", rules)
        start = enc.fact("matter.conduct_started_on")
        end = enc.fact("matter.conduct_ended_on")
        assert enc.find(start.known, end.known, start.value > end.value, simple=False) is None
        # and a witness that reads only one of the two dates still carries a valid other one
        model = enc.find(enc.clause("r", "P13").t)
        assert model is not None
        filing = enc.witness(model, name="P13-true")
        assert rules.program.clause_value("P13", filing, {}) is Truth.TRUE
        if domain is Domain.COMPLETE:
            ended = filing.matter.conduct_ended_on
            assert filing.matter.conduct_started_on is not None and ended is not None
            assert filing.matter.conduct_started_on <= ended


def test_p13_is_false_on_a_late_start_with_the_end_unknown_and_the_solver_knows(
    rules: Ruleset,
) -> None:
    enc = Encoding(domain=Domain.ANY)
    enc.add("r", rules)
    z3 = enc.z3
    end = enc.fact("matter.conduct_ended_on")
    start = enc.fact("matter.conduct_started_on")
    element = enc.element("r", "P13", "before_18th_congress")
    model = enc.find(element.f, z3.Not(end.known))
    assert model is not None
    filing = enc.witness(model, name="late-start")
    assert filing.matter.conduct_ended_on is None
    assert filing.matter.conduct_started_on is not None
    assert filing.matter.conduct_started_on >= dt.date(2012, 11, 8)
    assert rules.program.element_value("P13", "before_18th_congress", filing, {}) is Truth.FALSE
    # unknown exactly when the end is unknown and the start is unknown or before the Congress
    cutoff = dt.date(2012, 11, 8).toordinal()
    late = z3.And(start.known, start.value >= cutoff)
    assert enc.find(element.unknown(), z3.Or(end.known, late), simple=False) is None
