"""The cost of next_questions (issue 12): the exact search for the fewest questions, per filing.

    python benchmarks/questions.py              # 5 interleaved rounds; --runs N for more
    python benchmarks/questions.py --variants   # also every golden case and example with a
                                                # section left out (a wider screening set)
    python benchmarks/questions.py --sizes      # how many questions settle each filing
    python benchmarks/questions.py --interview
    python benchmarks/questions.py --against OLD/src   # this revision against another

``--against DIR``: the same filings, each process running one revision (``DIR``, the ``src``
of another checkout, e.g. ``git archive REV src | tar -x -C /tmp/old``; then this one),
alternating for ``--runs`` rounds; prints each filing's median CPU under both and the ratio.

Times are CPU time (``time.process_time``) of this process, so that other jobs on a loaded
machine do not count; rounds are interleaved (every filing once, then again). Prints the one-off
translation of the rules into z3 (once per process and bound on lists), then, for each filing,
the median over the rounds, the relevant facts and the size of the first deciding set, and the
ratio to ``evaluate`` (the walk's list) on the same filing in the same rounds; then the median,
p90 and max of the per-filing medians.

The filings: every insufficient_facts golden case in tests/cases and example in examples/, case
01 with its record of earlier exemptions removed, and two nearly empty filings (the worst case:
every fact open).

``--sizes``: for every insufficient_facts golden case and example (and, with ``--variants``,
every filing with a section left out that is insufficient_facts), the size of the first deciding
set: how many need at most three questions.

``--interview``: for each example in examples/, an interview from an empty filing: ask the
first question of the first set, answer it from the example, ask again, until the status is
settled (or nothing the example states is asked). Prints the questions asked, the CPU time per
question (median, max), and the status reached against the example's own.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("QUESTIONS_SRC", str(ROOT / "src")))

import rongcuo  # noqa: E402
from rongcuo.analysis.questions import next_questions  # noqa: E402

INSUFFICIENT = rongcuo.Status.INSUFFICIENT_FACTS


def _documents() -> list[tuple[str, dict[str, Any]]]:
    """Every golden case's filing and every example, by a short name."""
    out = []
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append((f"case {path.name[:2]}", case["filing"]))
    for path in sorted((ROOT / "examples").glob("*.*")):
        text = path.read_text(encoding="utf-8")
        doc = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        out.append((path.stem, doc))
    return out


def filings(rules: rongcuo.Ruleset) -> list[tuple[str, dict[str, Any]]]:
    """The insufficient_facts golden cases and examples, case 01 without its record of earlier
    exemptions, and two nearly empty filings."""
    out = []
    for name, doc in _documents():
        if name == "case 01":
            opened = copy.deepcopy(doc)
            del opened["history"]
            out.append(("case 01 without history", opened))
        if _status(rules, doc) is INSUFFICIENT:
            out.append((name, doc))
    out.append(("subject only", {"subject": {"kind": "unit"}}))
    out.append(("empty", {}))
    return out


def variants(rules: rongcuo.Ruleset) -> list[tuple[str, dict[str, Any]]]:
    """Every golden case and example with one of its sections left out, where that leaves the
    status insufficient_facts."""
    out = []
    for name, doc in _documents():
        for section in doc:
            if section == "id":
                continue
            opened = copy.deepcopy(doc)
            del opened[section]
            try:
                status = _status(rules, opened)
            except rongcuo.FilingError:  # a section the model requires
                continue
            if status is INSUFFICIENT:
                out.append((f"{name} without {section}", opened))
    return out


def _status(rules: rongcuo.Ruleset, doc: dict[str, Any]) -> rongcuo.Status:
    return rongcuo.evaluate(doc, rules=rules, trace=False).status


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def timings(rules: rongcuo.Ruleset, chosen: list[tuple[str, dict[str, Any]]], runs: int) -> None:
    t = time.process_time()
    next_questions(chosen[0][1], rules)
    print(f"translation + first filing: {(time.process_time() - t) * 1000:.0f} ms CPU")
    exact: dict[str, list[float]] = {name: [] for name, _ in chosen}
    walk: dict[str, list[float]] = {name: [] for name, _ in chosen}
    found: dict[str, Any] = {}
    for _ in range(runs):  # interleaved: every filing once per round
        for name, filing in chosen:
            t = time.process_time()
            found[name] = next_questions(filing, rules)
            exact[name].append((time.process_time() - t) * 1000)
            t = time.process_time()
            rongcuo.evaluate(filing, rules=rules, trace=False)
            walk[name].append((time.process_time() - t) * 1000)
    medians = []
    for name, _ in chosen:
        q, m, w = found[name], statistics.median(exact[name]), statistics.median(walk[name])
        medians.append(m)
        print(
            f"{name[:44]:>44}: median {m:6.1f} ms  max {max(exact[name]):6.1f} ms  "
            f"relevant facts {len(q.facts):2d}  first set {len(q.first):2d}  "
            f"{'exhaustive' if q.exhaustive else 'elimination'}  x{m / w:5.0f} evaluate"
        )
    print(
        f"{len(chosen)} filings, per-filing median CPU: "
        f"median {statistics.median(medians):.1f} ms, p90 {_p90(medians):.1f} ms, "
        f"max {max(medians):.1f} ms"
    )


def sizes(rules: rongcuo.Ruleset, chosen: list[tuple[str, dict[str, Any]]]) -> None:
    counts: Counter[int] = Counter()
    for name, filing in chosen:
        q = next_questions(filing, rules)
        if q.status is not INSUFFICIENT:
            continue
        counts[len(q.first)] += 1
        print(f"{name[:44]:>44}: {len(q.first):2d}  {', '.join(f.path for f in q.first)[:120]}")
    total = sum(counts.values())
    few = sum(n for size, n in counts.items() if size <= 3)
    shown = ", ".join(f"{size}: {n}" for size, n in sorted(counts.items()))
    print(f"first-set sizes over {total} insufficient_facts filings: {shown}")
    print(f"settled by at most 3 questions: {few} of {total}")


def _where(path: str) -> list[str]:
    parts = path.split(".")
    return parts[:-1] if parts[-1] == "items" else parts


def interview(rules: rongcuo.Ruleset) -> None:
    next_questions({}, rules)  # the translation, once
    for path in sorted((ROOT / "examples").glob("*.*")):
        text = path.read_text(encoding="utf-8")
        truth = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        expected = rongcuo.evaluate(truth, rules=rules).status
        doc: dict[str, Any] = {}
        asked: list[str] = []
        steps: list[float] = []
        t = time.process_time()
        q = next_questions(doc, rules)
        steps.append(time.process_time() - t)
        while q.status is INSUFFICIENT and q.first:
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
                pass
            t = time.process_time()
            q = next_questions(doc, rules, skip=[a for a in asked if _missing(truth, a)])
            steps.append(time.process_time() - t)
        ms = [s * 1000 for s in steps]
        print(
            f"{path.name:>40}: {len(asked):2d} questions, CPU per step median "
            f"{statistics.median(ms):5.0f} ms, max {max(ms):5.0f} ms, total {sum(ms):5.0f} ms; "
            f"reached {q.status.value} (the example: {expected.value})"
        )
        print(f"{'':>42}{', '.join(asked)}")


def _missing(doc: dict[str, Any], path: str) -> bool:
    here: Any = doc
    for part in _where(path):
        if not isinstance(here, dict) or part not in here:
            return True
        here = here[part]
    return False


def _one(rules: rongcuo.Ruleset) -> None:
    """A child of ``--against``: each filing's median CPU (3 calls, after the translation), as
    JSON on standard output."""
    chosen = filings(rules)
    next_questions(chosen[0][1], rules)
    out = {}
    for name, filing in chosen:
        times = []
        for _ in range(3):
            t = time.process_time()
            next_questions(filing, rules)
            times.append((time.process_time() - t) * 1000)
        out[name] = statistics.median(times)
    print(json.dumps(out))


def against(other: Path, runs: int) -> None:
    import subprocess

    found: dict[str, list[dict[str, float]]] = {"other": [], "this": []}
    for _ in range(runs):  # alternating processes: the load falls on both alike
        for which, src in (("other", other), ("this", ROOT / "src")):
            env = dict(os.environ, PYTHONPATH=str(src), QUESTIONS_SRC=str(src))
            done = subprocess.run(
                [sys.executable, __file__, "--one"], env=env, capture_output=True, check=True
            )
            found[which].append(json.loads(done.stdout))
    for name in found["this"][0]:
        before = statistics.median(r[name] for r in found["other"])
        after = statistics.median(r[name] for r in found["this"])
        print(
            f"{name[:44]:>44}: {other}: {before:7.1f} ms  this: {after:6.1f} ms  "
            f"ratio {before / after:5.1f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--interview", action="store_true")
    parser.add_argument("--variants", action="store_true")
    parser.add_argument("--sizes", action="store_true")
    parser.add_argument("--against", type=Path)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.against:
        against(args.against, args.runs)
        return
    rules = rongcuo.load_ruleset(ROOT / "rules")
    if args.one:
        _one(rules)
        return
    if args.interview:
        interview(rules)
        return
    if args.sizes:  # the golden cases and examples as they are (and the variants)
        own = [(n, d) for n, d in _documents() if _status(rules, d) is INSUFFICIENT]
        sizes(rules, own + (variants(rules) if args.variants else []))
        return
    chosen = filings(rules)
    if args.variants:
        chosen += variants(rules)
    timings(rules, chosen, args.runs)


if __name__ == "__main__":
    main()
