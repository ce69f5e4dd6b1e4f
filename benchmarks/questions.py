"""The cost of next_questions (issue 12): the exact search for the fewest questions, per filing.

    python benchmarks/questions.py            # 3 runs of each filing; --runs N for more

Prints the one-off translation of rules-v2 into z3 (once per process and bound on lists), then,
for each filing, every run's time, the median, the number of z3 checks' worth of facts asked
(relevant facts) and the size of the first deciding set. The filings: every insufficient_facts
golden case in tests/cases-v2, case 01 with its record of earlier exemptions removed, and two
nearly empty filings (the worst case: every fact open).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import rongcuo  # noqa: E402
from rongcuo.analysis.questions import next_questions  # noqa: E402


def filings() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted((ROOT / "tests" / "cases-v2").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name.startswith("01-"):
            opened = copy.deepcopy(case["filing"])
            del opened["history"]
            out.append(("01 without history", opened))
        if case["expect"]["status"] == "insufficient_facts":
            out.append((path.name[:2], case["filing"]))
    out.append(("subject only", {"subject": {"kind": "unit"}}))
    out.append(("empty", {}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    rules = rongcuo.load_ruleset(ROOT / "rules-v2")
    t = time.perf_counter()
    next_questions(filings()[0][1], rules)
    print(f"translation + first filing: {(time.perf_counter() - t) * 1000:.0f} ms")
    for name, filing in filings():
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            q = next_questions(filing, rules)
            times.append((time.perf_counter() - t) * 1000)
        shown = " ".join(f"{x:.0f}" for x in times)
        print(
            f"{name:>20}: median {statistics.median(times):6.0f} ms  (runs: {shown})  "
            f"relevant facts {len(q.facts):2d}  first set {len(q.first):2d}  "
            f"{'exhaustive' if q.exhaustive else 'elimination'}"
        )


if __name__ == "__main__":
    main()
