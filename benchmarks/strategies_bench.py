"""CPU time per example of the v2 Hypothesis strategies (issue 15's targets).

    .venv/bin/python benchmarks/strategies_bench.py [--rounds 5] [--examples 200]

For each strategy: the CPU time (``time.process_time``) to draw ``--examples`` examples through
Hypothesis's own engine (``find`` with an always-false condition, so that nothing shrinks),
divided by the number drawn; the median of ``--rounds`` rounds, interleaved (each round measures
every strategy once). Clause strategies are measured over every clause of the v2 rules, each row
giving the median clause, the worst clause and any clause over the target. The plans are made
before timing (once per ruleset and clause, as in a test session).
"""

from __future__ import annotations

import argparse
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from rongcuo.rules.syntax import ListKind
from rongcuo.testing import strategies_v2 as S

TARGETS = {"filings": 2.0, "satisfying": 8.0, "violating": 8.0, "boundary_pairs": 8.0}  # ms


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--examples", type=int, default=200)
    args = parser.parse_args()
    rules = S._rules(None)
    # every strategy measured, made (with its plans) before any timing; the plans timed by kind
    plans: dict[str, float] = {}
    dearest: dict[str, tuple[float, str]] = {}

    def made(kind: str, cid: str, make: Callable[[], st.SearchStrategy[Any]]) -> Any:
        start = time.process_time()
        try:
            return make()
        finally:
            spent = time.process_time() - start
            plans[kind] = plans.get(kind, 0.0) + spent
            dearest[kind] = max(dearest.get(kind, (0.0, "")), (spent, cid))

    items: list[tuple[str, str, st.SearchStrategy[Any], int]] = [
        ("filings()", "", S.filings(), args.examples),
        ("filings(complete=True)", "", S.filings(complete=True), args.examples),
    ]
    few = max(args.examples // 4, 10)
    for c in rules.clauses:
        items.append(
            (
                "satisfying",
                c.id,
                made("satisfying", c.id, functools.partial(S.satisfying, c.id)),
                few,
            )
        )
        items.append(
            ("violating", c.id, made("violating", c.id, functools.partial(S.violating, c.id)), few)
        )
        for sd in (False, True):
            if sd and c.list is ListKind.COMPANION:
                continue
            name = f"boundary_pairs(status_differs={sd})"
            try:
                strat = made(
                    name, c.id, functools.partial(S.boundary_pairs, c.id, status_differs=sd)
                )
            except ValueError as e:  # no plan: said, not timed
                print(f"boundary_pairs({c.id}, status_differs={sd}): {e}")
                continue
            items.append((name, c.id, strat, few))
    wrong = wrong_property_seconds(rules)
    # interleaved rounds: every strategy once a round, so that a busy spell on the shared machine
    # falls on all of them alike
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, cid, strat, n in items:
            times.setdefault((name, cid), []).append(per_example(strat, n))
    rows: list[tuple[str, float, str]] = []
    for name in dict.fromkeys(name for name, _, _, _ in items):
        per = {cid: statistics.median(ts) for (n, cid), ts in times.items() if n == name}
        target = TARGETS[name.partition("(")[0]]
        if list(per) == [""]:
            rows.append((name, per[""], f"target <= {target} ms"))
            continue
        worst = max(per, key=per.__getitem__)
        over = sorted(cid for cid, ms in per.items() if ms > target)
        rows.append(
            (
                f"{name} (median clause)",
                statistics.median(per.values()),
                f"worst {worst} {per[worst]:.2f} ms; target <= {target} ms; "
                f"over it: {', '.join(over) or 'none'}",
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"{'strategy':<{width}}  CPU ms/example  note")
    for name, ms, note in rows:
        print(f"{name:<{width}}  {ms:14.2f}  {note}")
    print(f"plans, every clause: {sum(plans.values()):.1f} s CPU")
    for kind, spent in plans.items():
        cost, cid = dearest[kind]
        print(f"  {kind}: {spent:.1f} s (dearest {cid}, {cost:.1f} s)")
    print(f"wrong property 'P3 never holds' reported, shrunk: {wrong:.2f} s CPU (target < 10 s)")


def wrong_property_seconds(rules: Any) -> float:
    """CPU seconds for Hypothesis, default settings, to find and shrink a failure of the wrong
    property "P3 never holds" (the plans already made; no example database)."""
    from rongcuo.engine.evaluate import Truth

    @settings(database=None)
    @given(S.satisfying("P3"))
    def p3_never_holds(filing: Any) -> None:
        assert rules.program.values(filing)["P3"] is not Truth.TRUE

    start = time.process_time()
    try:
        p3_never_holds()
    except AssertionError:
        return time.process_time() - start
    raise SystemExit("the wrong property was not reported")


if __name__ == "__main__":
    main()
