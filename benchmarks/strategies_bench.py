"""CPU time per example of the v2 Hypothesis strategies (issue 15's targets).

    .venv/bin/python benchmarks/strategies_bench.py [--rounds 5] [--examples 200]

For each strategy: the CPU time (``time.process_time``) to draw ``--examples`` examples through
Hypothesis's own engine (``find`` with an always-false condition, so that nothing shrinks),
divided by the number drawn; the median of ``--rounds`` rounds. Clause strategies are measured
over every clause of the v2 rules, each row giving the median and the worst clause. The plans are
made before timing (once per ruleset and clause, as in a test session).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rongcuo.rules.syntax import ListKind
from rongcuo.testing import strategies_v2 as S

TARGETS = {"filings": 2.0, "satisfying": 8.0, "violating": 8.0, "boundary_pairs": 8.0}


def per_example(strategy: st.SearchStrategy[Any], examples: int) -> float:
    """CPU milliseconds per example drawn (generation only, no shrinking)."""
    seen = [0]

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def run(_: Any) -> None:
        seen[0] += 1

    start = time.process_time()
    run()
    return (time.process_time() - start) * 1000 / max(seen[0], 1)


def median_of(rounds: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--examples", type=int, default=200)
    args = parser.parse_args()
    rules = S._rules(None)
    ids = [c.id for c in rules.clauses]
    rows: list[tuple[str, float, str]] = []
    for name, make in (("filings()", S.filings), ("filings(complete=True)", None)):
        strat = S.filings() if make else S.filings(complete=True)
        ms = median_of(args.rounds, lambda s=strat: per_example(s, args.examples))
        rows.append((name, ms, f"target <= {TARGETS['filings']} ms"))
    for name, fn in (("satisfying", S.satisfying), ("violating", S.violating)):
        per = {
            cid: median_of(args.rounds, lambda c=cid, f=fn: per_example(f(c), args.examples // 4))
            for cid in ids
        }
        worst = max(per, key=per.__getitem__)
        rows.append(
            (
                f"{name} (median clause)",
                statistics.median(per.values()),
                f"worst {worst} {per[worst]:.2f} ms; target <= {TARGETS[name]} ms",
            )
        )
    for sd in (False, True):
        per = {}
        for c in rules.clauses:
            if sd and c.list is ListKind.COMPANION:
                continue
            try:
                strat = S.boundary_pairs(c.id, status_differs=sd)
            except ValueError as e:  # no plan: said, not timed
                print(f"boundary_pairs({c.id}, status_differs={sd}): {e}")
                continue
            per[c.id] = median_of(args.rounds, lambda s=strat: per_example(s, args.examples // 4))
        worst = max(per, key=per.__getitem__)
        rows.append(
            (
                f"boundary_pairs(status_differs={sd}) (median clause)",
                statistics.median(per.values()),
                f"worst {worst} {per[worst]:.2f} ms; target <= 8.0 ms",
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'strategy':<{width}}  CPU ms/example  note")
    for name, ms, note in rows:
        print(f"{name:<{width}}  {ms:14.2f}  {note}")


if __name__ == "__main__":
    main()
