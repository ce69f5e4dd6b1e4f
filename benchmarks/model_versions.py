"""Filing model v2 against the first model, within one run: what the switch cost.

Issue 11 asks that the benchmark figures stay within 20% of filing model v1's. This measures the
same steps for both models in one process, interleaved step by step (so a busy moment of a
shared machine hits both alike), on the filings each model's own rules and tests hold: the
examples, the golden cases and every clause example (v1: tests/v1/, v2: the bundled rules).
CPU time per filing, median of the rounds; the ratio is v2 / v1 (above 1: v2 is slower), taken
in each round from the two models' runs of the step back to back, then the median and range of
those over the rounds::

    python benchmarks/model_versions.py            # 7 rounds
    python benchmarks/model_versions.py --rounds 3

Steps: ``parse`` (a JSON document to a Filing), ``status`` (the four-way status only, the
generated evaluator), ``truths`` (every clause's truth), ``outcome`` (what ``screen`` records:
status, decisive clauses, missing facts, by the generated ``decide`` with early exit),
``verdict`` (the explained verdict, its trace written from the ruleset's template and
serialised, its receipt hashed: ``evaluate(...).to_json()``), ``verdict/obj`` (the same JSON,
byte for byte, by pydantic from the trace built as objects: ``model_dump_json(indent=2)``, the
path ``to_json`` took before the template).

A second table takes the filings each model decides (every status but insufficient_facts, whose
missing-facts walk dominates its verdict) for the verdict steps.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import rongcuo  # noqa: E402
from rongcuo.engine.decide import decide_outcome, decide_status  # noqa: E402


def _filings(rules: rongcuo.Ruleset, examples: Path, cases: Path) -> list[Any]:
    out = [
        rongcuo.load_filing(p, rules=rules)
        for p in sorted(examples.iterdir())
        if p.suffix in (".json", ".yaml")
    ]
    for p in sorted(cases.glob("*.yaml")):
        out.append(
            rongcuo.parse_filing(yaml.safe_load(p.read_text("utf-8"))["filing"], rules=rules)
        )
    for clause in rules.clauses:
        for ex in clause.examples:
            out.append(rongcuo.parse_filing(ex.filing_data(), rules=rules))
    return out


def _cpu_per_item(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> float:
    """CPU seconds per call of ``fn`` over ``items``, ``repeat`` passes."""
    for item in items[:20]:
        fn(item)
    gc.collect()
    start = time.process_time()
    for _ in range(repeat):
        for item in items:
            fn(item)
    return (time.process_time() - start) / (repeat * len(items))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)

    sides = {
        "v1": rongcuo.load_ruleset(ROOT / "tests" / "v1" / "rules"),
        "v2": rongcuo.load_ruleset(ROOT / "rules"),
    }
    inputs = {
        "v1": _filings(
            sides["v1"], ROOT / "tests" / "v1" / "examples", ROOT / "tests" / "v1" / "cases"
        ),
        "v2": _filings(sides["v2"], ROOT / "examples", ROOT / "tests" / "cases"),
    }
    docs = {
        k: [json.dumps(f.model_dump(mode="json", exclude_none=True)).encode() for f in v]
        for k, v in inputs.items()
    }

    decided = {
        k: [f for f in v if decide_status(f, sides[k]) is not rongcuo.Status.INSUFFICIENT_FACTS]
        for k, v in inputs.items()
    }

    def steps(k: str) -> dict[str, tuple[Callable[[Any], Any], Sequence[Any], int]]:
        r = sides[k]
        return {
            "parse": (lambda d: rongcuo.parse_filing(d, rules=r), docs[k], 5),
            "status": (lambda f: decide_status(f, r), inputs[k], 200),
            "truths": (r.program.values, inputs[k], 20),
            "outcome": (lambda f: decide_outcome(f, r), inputs[k], 5),
            "verdict": (lambda f: rongcuo.evaluate(f, rules=r).to_json(), inputs[k], 2),
            "verdict/obj": (
                lambda f: rongcuo.evaluate(f, rules=r).model_dump_json(indent=2),
                inputs[k],
                2,
            ),
            "decided: status": (lambda f: decide_status(f, r), decided[k], 500),
            "decided: outcome": (lambda f: decide_outcome(f, r), decided[k], 200),
            "decided: verdict": (
                lambda f: rongcuo.evaluate(f, rules=r).to_json(),
                decided[k],
                5,
            ),
            "decided: verdict/obj": (
                lambda f: rongcuo.evaluate(f, rules=r).model_dump_json(indent=2),
                decided[k],
                5,
            ),
        }

    # each step for both models back to back, the one that goes first alternating from round
    # to round: the ratio of a round compares two measurements a moment apart
    results: dict[str, dict[str, list[float]]] = {"v1": {}, "v2": {}}
    ratios: dict[str, list[float]] = {}
    plan = {k: steps(k) for k in ("v1", "v2")}
    for round_ in range(args.rounds):
        for name in plan["v1"]:
            for k in ("v1", "v2") if round_ % 2 == 0 else ("v2", "v1"):
                fn, items, repeat = plan[k][name]
                results[k].setdefault(name, []).append(_cpu_per_item(fn, items, repeat))
            ratios.setdefault(name, []).append(results["v2"][name][-1] / results["v1"][name][-1])

    print(
        f"filings: v1 {len(inputs['v1'])}, v2 {len(inputs['v2'])} (decided: v1 "
        f"{len(decided['v1'])}, v2 {len(decided['v2'])}); {args.rounds} rounds, CPU time"
    )
    print(f"{'step':<22} {'v1 µs':>10} {'v2 µs':>10} {'v2/v1':>7} {'range':>11}")
    for name in results["v1"]:
        a = statistics.median(results["v1"][name]) * 1e6
        b = statistics.median(results["v2"][name]) * 1e6
        r = ratios[name]
        span = f"{min(r):.2f}–{max(r):.2f}"
        print(f"{name:<22} {a:>10.1f} {b:>10.1f} {statistics.median(r):>7.2f} {span:>11}")
    # the template against the objects, within each model (the same bytes; see the docstring)
    for k in ("v1", "v2"):
        for prefix in ("", "decided: "):
            new = statistics.median(results[k][prefix + "verdict"])
            old = statistics.median(results[k][prefix + "verdict/obj"])
            print(f"{k} {prefix or 'all: '}verdict/obj ÷ verdict: {old / new:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
