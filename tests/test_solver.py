"""The z3 translation agrees with the engine, clause by clause, on many filings."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from rongcuo.evaluate import Truth
from rongcuo.model import FACTS, FactKind, Filing
from rongcuo.ruleset import Ruleset
from rongcuo.solver import CATCH_ALL_GROUPS, Domain, Encoding

pytest.importorskip("z3")

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
    return Filing.model_validate(data)


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
    from rongcuo.evaluate import facts_of

    unknown = [p for p, v in facts_of(filing).items() if v is None]
    assert all(p.startswith("determinations.") for p in unknown)


def test_status_formulas_agree_with_engine(rules: Ruleset) -> None:
    from rongcuo.engine import decide_status
    from rongcuo.verdict import Status

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
