"""The canonical filing JSON a receipt hashes, written field by field, is the text the dump-and-sort
way wrote (a copy of it is kept below): on every example, golden case and clause example, on the
v1 rules' filings, on filings with odd text and recorded determinations, and on Hypothesis filings.
A change here would change every receipt, and old verdicts would no longer verify."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import rongcuo
from rongcuo import strategies
from rongcuo.verdict.receipt import canonical_filing

from .conftest import ROOT, known_filings

_ascii = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _by_dump(filing: Any) -> str:
    """The canonical JSON as receipts have always made it: the whole model dumped, every list of
    strings sorted by its JSON, empty objects left out, then ``json.dumps`` with sorted keys."""

    def sorted_sets(value: object) -> object:
        if isinstance(value, dict):
            return {k: sorted_sets(v) for k, v in value.items() if v != {}}
        if isinstance(value, list):
            items = [sorted_sets(v) for v in value]
            if all(isinstance(i, str) for i in items):
                return sorted(items, key=_ascii)
            return items
        return value

    data = filing.model_dump(mode="json", exclude_none=True)
    return json.dumps(sorted_sets(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_BUNDLED = rongcuo.load_ruleset(ROOT / "rules")


def test_field_by_field_is_the_dumped_text_on_every_known_filing() -> None:
    filings = known_filings(_BUNDLED)
    assert len(filings) > 100
    for filing in filings:
        assert canonical_filing(filing) == _by_dump(filing)


def test_the_bundled_filing_model_is_written_field_by_field() -> None:
    # else the test above would hold the dump to itself
    from rongcuo.verdict.receipt import _DUMPED, _plan

    plan = _plan(type(known_filings(_BUNDLED)[0]))
    assert plan is not None and plan is not _DUMPED
    written = {name for name, _, inner in plan if inner is not _DUMPED}
    assert {"id", "summary", "subject", "remedy", "acts", "determinations"} <= written


def test_v1_filings_too(v1_rules: rongcuo.Ruleset) -> None:  # v1: delete with the v1 path
    for p in sorted((ROOT / "tests" / "v1" / "examples").glob("*.yaml")):
        filing = rongcuo.load_filing(p, rules=v1_rules)
        assert canonical_filing(filing) == _by_dump(filing)


def test_odd_text_partial_values_and_determinations() -> None:
    (path,) = (ROOT / "tests" / "cases").glob("01-*.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["filing"]
    odd = 'a "quote", a \\ backslash, a\nnewline\ttab\x01\x7f, \u2028, é and 😀'
    data["id"] = data["summary"] = odd
    for act in data["acts"]:
        act["summary"] = odd
    data["determinations"] = {
        "P15": {"holds": True, "decided_by": odd, "decided_on": "2023-05-10", "reason": odd}
    }
    data["matter"]["shortfalls"] = {"yes": ["slow_progress"], "no": [], "complete": False}
    filing = rongcuo.parse_filing(data, rules=_BUNDLED)
    text = canonical_filing(filing)
    assert text == _by_dump(filing)
    assert '"determinations":{"P15":' in text and '"complete":false' in text
    # the acts listed in part, and the exemptions (a records fact of a group) too
    data["acts"] = {"items": data["acts"], "complete": False}
    data["history"] = {"exemptions": {"items": [], "complete": False}}
    filing = rongcuo.parse_filing(data, rules=_BUNDLED)
    text = canonical_filing(filing)
    assert text == _by_dump(filing)
    assert '"acts":{"complete":false,"items":[{' in text
    # nothing known at all
    empty = rongcuo.parse_filing({}, rules=_BUNDLED)
    assert canonical_filing(empty) == _by_dump(empty)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_bench_corpus(seed: int) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    for doc in corpus.generate(150, seed=seed, rules=_BUNDLED):
        filing = _BUNDLED.parse_filing(doc)
        assert canonical_filing(filing) == _by_dump(filing)


@given(filing=strategies.filings(rules=_BUNDLED))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_field_by_field_is_the_dumped_text_on_any_filing(filing: Any) -> None:
    assert canonical_filing(filing) == _by_dump(filing)
