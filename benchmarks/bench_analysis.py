"""Benchmark: the full semantic diff of two 24-clause versions, and the lint of each.

Prints figures; asserts no times (targets go here, not in unit tests). Target (issue 4): each
under 10 s on one core. Run: ``python benchmarks/bench_analysis.py``.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from rongcuo.analysis.diff import diff_rulesets
from rongcuo.analysis.lint import lint_ruleset
from rongcuo.rules.load import load_ruleset

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with contextlib.suppress(AttributeError, OSError):  # one core, as the target says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    old = load_ruleset(ROOT / "rules")
    new = load_ruleset(ROOT / "examples" / "revisions" / "demo-2024")
    corpus = ROOT / "examples" / "revisions" / "corpus.jsonl"
    import z3

    print(f"z3 {z3.get_version_string()}; {len(old.clauses)} vs {len(new.clauses)} clauses")
    for name, run in (
        (
            "diff bundled -> demo (clauses, meaning, 12 status pairs, corpus)",
            lambda: diff_rulesets(old, new, corpus=corpus),
        ),
        ("diff bundled -> bundled (identical)", lambda: diff_rulesets(old, old)),
        ("lint bundled", lambda: lint_ruleset(old)),
        ("lint demo", lambda: lint_ruleset(new)),
    ):
        times = []
        for _ in range(3):
            started = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - started)
        extra = ""
        if hasattr(result, "changed"):
            extra = f"{len(result.changed)} clauses changed, {len(result.bugs)} bugs"
        else:
            extra = f"{len(result.findings)} findings"
        print(f"{name}: best {min(times):.2f} s, worst {max(times):.2f} s (target < 10 s); {extra}")


if __name__ == "__main__":
    main()
