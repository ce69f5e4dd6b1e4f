"""The benchmark's corpus and peer translations (benchmarks/), at a CI size.

The corpus test needs nothing beyond rongcuo; the peer tests need the ``bench`` extra
(zen-engine, cedarpy) and are skipped without it. The full run is ``python benchmarks/bench.py``
(docs/performance.md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from rongcuo import bundled_ruleset
from rongcuo.engine.decide import decide_status

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402


def test_corpus_makes_every_clause_hold_and_mixes_statuses() -> None:
    rules = bundled_ruleset()
    docs = list(corpus.generate(100, seed=3, rules=rules))
    filings = [rules.parse_filing(d) for d in docs]
    rates = corpus.hold_rates(rules, filings)
    assert {"P13", "N4"} <= set(rates)
    assert min(rates.values()) >= corpus.MIN_HOLD, rates
    statuses = {decide_status(f, rules).value for f in filings}
    assert statuses == set(corpus.MIX)
    again = list(corpus.generate(10, seed=3, rules=rules))  # same seed, same filings
    assert json.dumps(again, ensure_ascii=False) == json.dumps(docs[:10], ensure_ascii=False)


def test_every_peer_agrees_with_rongcuo_on_every_filing() -> None:
    pytest.importorskip("zen")
    pytest.importorskip("cedarpy")
    import bench

    rules = bundled_ruleset()
    filings = [rules.parse_filing(d) for d in corpus.generate(60, seed=5, rules=rules)]
    peers = bench.Peers(rules, filings)
    assert bench.check_agreement(rules, filings, peers) == {"filings": 60, "disagreements": 0}


def test_bench_prints_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("zen")
    pytest.importorskip("cedarpy")
    import bench

    monkeypatch.setattr(bench, "OUT", tmp_path)
    bench.main(["--filings", "100", "--rounds", "1", "--per-round", "10"])
    report = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert report["agreement"]["disagreements"] == 0
    assert set(report["timing"]["summary"]["ratios"]) == {label for label, _, _ in bench.RATIOS}
    assert "agreement: every peer gave rongcuo's truth" in (tmp_path / "bench.txt").read_text(
        encoding="utf-8"
    )


def test_trace_scaling_rulesets_are_the_bundled_rules_repeated(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """benchmarks/trace_scaling.py times rulesets of growing size; each must be a real ruleset
    whose copies decide as their originals do (the same status on every filing, each copy of a
    positive clause holding exactly where its original holds), or the growth it prints means
    nothing."""
    import trace_scaling

    import rongcuo

    bundled = bundled_ruleset()
    doubled = rongcuo.load_ruleset_texts(trace_scaling.scaled_texts(2), origin="x2")
    originals = [c for c in bundled.clauses if c.list.value == "positive" and not c.catch_all]
    assert len(doubled.clauses) == len(bundled.clauses) + len(originals)
    copy_of = {f"P{len(originals) + 1 + i + 1}": c.id for i, c in enumerate(originals)}
    for doc in corpus.generate(60, seed=3, rules=bundled):
        a = rongcuo.evaluate(bundled.parse_filing(doc), rules=bundled)
        b = rongcuo.evaluate(doubled.parse_filing(doc), rules=doubled)
        assert a.status is b.status
        values = b.clause_values()
        for copy_id, original in copy_of.items():
            assert values[copy_id] == values[original], (copy_id, original)
    assert trace_scaling.main(["--sizes", "1,2", "--rounds", "1", "--filings", "10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].split()[:2] == ["size", "clauses"]
    assert [line.split()[:2] for line in out[2:]] == [
        ["1", str(len(bundled.clauses))],
        ["2", str(len(doubled.clauses))],
    ]
