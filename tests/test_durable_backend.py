"""The durable-rules backend: its translation respects durable-rules' gaps and limits, and it
agrees with the native evaluator, clause by clause and verdict by verdict.

Everything that calls into the durable-rules C extension runs in a child process (a spawned
worker), so a crash there fails a test instead of killing the test run.

These run on the bundled rules, still v1; filing model v2's are in tests/test_durable_v2.py.
"""

from __future__ import annotations

import ctypes
import json
import multiprocessing
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo import strategies as S
from rongcuo.engine.decide import clause_values
from rongcuo.errors import RulesError
from rongcuo.facts.model import Filing
from rongcuo.testing.durable import MAX_CONNECTIVES, durable_results, translate

from .conftest import EXAMPLES, ROOT

RULES = rongcuo.bundled_ruleset()
IDS = [c.id for c in RULES.clauses]


@pytest.fixture(scope="module")
def worker() -> Iterator[ProcessPoolExecutor]:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool


def _native(rules: rongcuo.Ruleset, filing: Filing) -> tuple[dict[str, str], str]:
    values = {cid: v.value for cid, v in rules.program.values(filing).items()}
    return values, rongcuo.evaluate(filing, rules=rules).to_json()


# --------------------------------------------------------------------------- translation


def _walk(expr: Any) -> Iterator[Any]:
    yield expr
    if isinstance(expr, dict):
        for v in expr.values():
            yield from _walk(v)
    elif isinstance(expr, list):
        for v in expr:
            yield from _walk(v)


def _connectives(expr: Any) -> int:
    return sum(1 for e in _walk(expr) if isinstance(e, dict) and ("$and" in e or "$or" in e))


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
def test_every_clause_has_both_rails_within_durable_limits() -> None:
    tr = translate(RULES)
    assert set(tr.meaning.values()) == {(c, w) for c in IDS for w in (True, False)}
    for name, cond in tr.conditions.items():
        keys = {k for e in _walk(cond) if isinstance(e, dict) for k in e}
        assert not keys & {"$not", "$in"}, name  # durable-rules has neither
        assert None not in list(_walk(cond)), name  # null would count as present
        assert _connectives(cond) <= MAX_CONNECTIVES, name
        clause_id = tr.meaning[name][0]
        assert cond["$and"][:2] == [{"kind": "rongcuo$filing"}, {"stage": tr.stages[clause_id]}]


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
def test_clause_references_are_decided_a_stage_later() -> None:
    tr = translate(RULES)
    assert tr.stages["N1"] == 1
    assert all(tr.stages[c] == 0 for c in IDS if c != "N1")


def _texts(extra_test: Any) -> dict[str, str]:
    data = RULES.to_data()
    for name in ("positive.yaml", "negative.yaml"):
        for clause in data[name]["clauses"]:
            clause.pop("examples", None)  # they were written for the unchanged clause
    p1 = data["positive.yaml"]["clauses"][0]
    p1["elements"][0]["test"] = {"all": [p1["elements"][0]["test"], *extra_test]}
    return {k: yaml.safe_dump(v, allow_unicode=True, sort_keys=False) for k, v in data.items()}


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
def test_a_rail_too_large_for_durable_rules_is_refused_at_translation() -> None:
    a, b = {"fact": "matter.error_kinds"}, {"fact": "history.exempted_error_kinds"}
    extra = [
        {"fact": "matter.error_kinds", "contains_all": b},
        {"fact": "history.exempted_error_kinds", "contains_all": a},
        {"not": {"fact": "matter.error_kinds", "contains_any": b}},
        {"not": {"fact": "history.exempted_error_kinds", "contains_any": a}},
    ]
    rules = rongcuo.load_ruleset_texts(_texts(extra))
    with pytest.raises(RulesError) as info:
        translate(rules)
    assert info.value.codes == ("durable_untranslatable",)
    assert "P1" in str(info.value)


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        clause_values(Filing(), RULES, backend="nope")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- agreement


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
def test_examples_agree(worker: ProcessPoolExecutor) -> None:
    filings = [rongcuo.load_filing(p) for p in sorted(EXAMPLES.glob("*.*")) if p.is_file()]
    durable = worker.submit(durable_results, None, filings).result(timeout=120)
    assert durable == [_native(RULES, f) for f in filings]


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
@settings(max_examples=3, deadline=None)
@given(st.lists(S.filings(complete=True), min_size=8, max_size=8))
def test_threads_each_keep_their_own_session(
    worker: ProcessPoolExecutor, filings: list[Filing]
) -> None:
    durable = worker.submit(durable_results, None, filings * 4, threads=4).result(timeout=120)
    assert durable == [_native(RULES, f) for f in filings] * 4


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        S.filings(complete=True),
        st.sampled_from(IDS).flatmap(lambda c: S.satisfying(c, complete=True)),
        st.sampled_from(IDS).flatmap(lambda c: S.violating(c, complete=True)),
    )
)
def test_backends_agree_on_complete_filings(worker: ProcessPoolExecutor, filing: Filing) -> None:
    [durable] = worker.submit(durable_results, None, [filing]).result(timeout=60)
    assert durable == _native(RULES, filing)


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        S.filings(),
        st.sampled_from(IDS).flatmap(S.satisfying),
        st.sampled_from(IDS).flatmap(S.violating),
    )
)
def test_backends_agree_on_incomplete_filings(worker: ProcessPoolExecutor, filing: Filing) -> None:
    """The dual-rail translation carries unknown through: agreement is three-valued."""
    [durable] = worker.submit(durable_results, None, [filing]).result(timeout=60)
    assert durable == _native(RULES, filing)


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.rulesets(), st.data())
def test_backends_agree_on_generated_rulesets(
    worker: ProcessPoolExecutor, rules: rongcuo.Ruleset, data: st.DataObject
) -> None:
    try:
        translate(rules)
    except RulesError:
        assume(False)
    filings = [data.draw(S.filings(complete=True, rules=rules)), data.draw(S.filings(rules=rules))]
    durable = worker.submit(durable_results, rules, filings).result(timeout=60)
    assert durable == [_native(rules, f) for f in filings]


# v1: delete at the flip (tests/test_durable_v2.py covers v2)
def test_cli_check_with_the_durable_backend() -> None:
    example = sorted(EXAMPLES.glob("*.yaml"))[0]
    outputs = []
    for backend in ("native", "durable"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "rongcuo.cli",
                "check",
                "--backend",
                backend,
                "-f",
                "json",
                str(example),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]


def test_a_crash_in_the_worker_fails_the_test_not_the_run() -> None:
    """The isolation the tests above rely on: a segfault in the child is an exception here."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as pool, pytest.raises(BrokenProcessPool):
        pool.submit(ctypes.string_at, 0).result(timeout=60)  # reads address 0: SIGSEGV


def test_without_durable_rules_the_backend_is_unavailable() -> None:
    code = (
        "import sys; sys.modules['durable'] = None\n"  # as if durable-rules were not installed
        "import rongcuo\n"
        "try:\n"
        "    rongcuo.evaluate({}, backend='durable')\n"
        "except rongcuo.RongcuoError as exc:\n"  # BackendUnavailableError, not a rule problem
        "    print(exc.codes)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.stdout.strip() == "('backend_unavailable',)", proc.stderr
