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
