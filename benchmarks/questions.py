"""The cost of next_questions (issue 12): the exact search for the fewest questions, per filing.

    python benchmarks/questions.py            # 3 runs of each filing; --runs N for more
    python benchmarks/questions.py --interview

Prints the one-off translation of rules-v2 into z3 (once per process and bound on lists), then,
for each filing, every run's time, the median, the number of z3 checks' worth of facts asked
(relevant facts) and the size of the first deciding set. The filings: every insufficient_facts
golden case in tests/cases-v2, case 01 with its record of earlier exemptions removed, and two
nearly empty filings (the worst case: every fact open).

``--interview``: for each example in examples-v2/, an interview from an empty filing: ask the
first question of the first set, answer it from the example, ask again, until the status is
settled (or nothing the example states is asked). Prints the questions asked, the time, and the
status reached against the example's own.
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


def _where(path: str) -> list[str]:
    parts = path.split(".")
    return parts[:-1] if parts[-1] == "items" else parts


def interview(rules: rongcuo.Ruleset) -> None:
    for path in sorted((ROOT / "examples-v2").glob("*")):
        if path.name == "expected.yaml":
            continue
        truth = yaml.safe_load(path.read_text(encoding="utf-8"))
        expected = rongcuo.evaluate(truth, rules=rules).status
        doc: dict[str, Any] = {}
        asked: list[str] = []
        t = time.perf_counter()
        q = next_questions(doc, rules)
        while q.status is rongcuo.Status.INSUFFICIENT_FACTS and q.first:
            fact = next((f for f in q.first if f.path not in asked), None)
            if fact is None:
                break
            asked.append(fact.path)
            *head, last = _where(fact.path)
            here, there = doc, truth
            try:
                for part in head:
                    there = there[part]
                    here = here.setdefault(part, {})
                here[last] = copy.deepcopy(there[last])
            except KeyError:  # the example leaves it unstated: the officer says 未知
                q = next_questions(doc, rules, skip=[a for a in asked if _missing(truth, a)])
                continue
            q = next_questions(doc, rules, skip=[a for a in asked if _missing(truth, a)])
        took = time.perf_counter() - t
        print(
            f"{path.name:>40}: {len(asked):2d} questions, {took:5.1f} s, reached "
            f"{q.status.value} (the example: {expected.value})"
        )
        print(f"{'':>42}{', '.join(asked)}")


def _missing(doc: dict[str, Any], path: str) -> bool:
    here: Any = doc
    for part in _where(path):
        if not isinstance(here, dict) or part not in here:
            return True
        here = here[part]
    return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--interview", action="store_true")
    args = parser.parse_args()
    runs = args.runs
    rules = rongcuo.load_ruleset(ROOT / "rules-v2")
    if args.interview:
        interview(rules)
        return
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
