"""Benchmark: the full semantic diff of the bundled rules against a revision, and the lint.

Prints figures; asserts no times (targets go here, not in unit tests). Target (issues 4 and 14):
a full diff of the bundled rules against a revision under 10 s on one core. Measured as CPU time
of this process (z3 runs in it, on one thread), in interleaved rounds (every case once a round,
so a load on the machine falls on all of them alike), with each case's ratio to the lint of the
bundled rules in the same round (a solver workload of its own: the ratio moves only when a
case's own cost does). Run: ``python benchmarks/bench_analysis.py [ROUNDS]``.

The cases: the demonstration revision (``examples/revisions/demo-2024``, with its 40-filing
corpus), issue 14's amendment (P3 tightened, N7 reworded, a new N9 不如实交代 with the catch-all
renumbered N10, a fact and a value added: ``tests/test_diff_done_when.py``) in the default domain
(every valid filing, unknown facts included) and over complete filings (``--domain complete``), the
identical diff, and the lint of the bundled rules.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from rongcuo.analysis.diff import Domain, diff_rulesets
from rongcuo.analysis.lint import lint_ruleset
from rongcuo.rules.load import load_ruleset

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with contextlib.suppress(AttributeError, OSError):  # one core, as the target says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    sys.path.insert(0, str(ROOT))
    from tests.test_diff_done_when import amend_done_when

    old = load_ruleset(ROOT / "rules")
    demo = load_ruleset(ROOT / "examples" / "revisions" / "demo-2024")
    amended = load_ruleset(amend_done_when(Path(tempfile.mkdtemp(prefix="rongcuo-bench-"))))
    corpus = ROOT / "examples" / "revisions" / "corpus.jsonl"
    import z3

    print(f"z3 {z3.get_version_string()}; {len(old.clauses)} clauses; {rounds} rounds, CPU time")
    cases: list[tuple[str, Callable[[], object]]] = [
        ("lint bundled", lambda: lint_ruleset(old)),
        ("diff bundled -> bundled (identical)", lambda: diff_rulesets(old, old)),
        (
            "diff bundled -> demo (default domain: any; 12 status pairs, corpus)",
            lambda: diff_rulesets(old, demo, corpus=corpus),
        ),
        (
            "diff bundled -> issue 14 amendment (default domain: any; corpus)",
            lambda: diff_rulesets(old, amended, corpus=corpus),
        ),
        (
            "diff bundled -> issue 14 amendment (--domain complete; corpus)",
            lambda: diff_rulesets(old, amended, corpus=corpus, domain=Domain.COMPLETE),
        ),
    ]
    times: dict[str, list[float]] = {name: [] for name, _ in cases}
    results: dict[str, object] = {}
    for _ in range(rounds):
        for name, run in cases:
            started = time.process_time()
            results[name] = run()
            times[name].append(time.process_time() - started)
    base = times[cases[0][0]]
    for name, _ in cases:
        result = results[name]
        if hasattr(result, "changed"):
            extra = f"{len(result.changed)} clauses changed, {len(result.bugs)} bugs"
        else:
            extra = f"{len(result.findings)} findings"  # type: ignore[attr-defined]
        ratio = statistics.median(t / b for t, b in zip(times[name], base, strict=True))
        print(
            f"{name}: median {statistics.median(times[name]):.2f} s CPU, worst "
            f"{max(times[name]):.2f} s (target < 10 s); x{ratio:.2f} the lint; {extra}"
        )


if __name__ == "__main__":
    main()
