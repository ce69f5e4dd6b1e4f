"""How the explained verdict's cost grows with the number of clauses (issue 17 item 2: "It must
grow linearly with clauses").

    python benchmarks/trace_scaling.py               # sizes 1,2,4,8; 5 rounds
    python benchmarks/trace_scaling.py --sizes 1,2,4 --rounds 3

The bundled rules, with the positive list repeated: size ``k`` holds P1–P15 and then ``k - 1``
more copies of P1–P14, renumbered (P16, P17, …), each barred by the bars that bar its original,
so a ruleset of size ``k`` has about ``k`` times the positive clauses, each with its elements,
facts and notes, under the same facts declaration (the filings are the same). Every ruleset is
loaded through ``rongcuo.load_ruleset_texts``, so it is checked, compiled and its clause examples
run as any other.

For each size it times ``rongcuo.evaluate(f, rules=r).to_json(indent=None)`` — the traced
verdict serialised, receipt included — on the same seeded corpus (``corpus.py``), in rounds that
interleave the sizes, by CPU time, with the garbage collector on as in use. It prints the median
CPU µs a filing, the median per clause of the ruleset, and that per-clause cost over the
smallest size's: linear growth keeps the last column near 1 (below 1: the fixed part, parsing
aside, is spread over more clauses).
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import corpus  # noqa: E402

import rongcuo  # noqa: E402


def scaled_texts(k: int) -> dict[str, str]:
    """The bundled rule files with the positive list's non-catch-all clauses ``k`` times."""
    texts = {p.name: p.read_text("utf-8") for p in (ROOT / "rules").glob("*.yaml")}
    positive = yaml.safe_load(texts["positive.yaml"])
    clauses = positive["clauses"]
    base = [c for c in clauses if not c.get("catch_all")]
    out, n = list(clauses), len(clauses)
    base_of = [c["id"] for c in clauses]  # the clause each one of ``out`` copies
    for _ in range(k - 1):
        for clause in base:
            n += 1
            copied = copy.deepcopy(clause)
            copied["id"], copied["item"] = f"P{n}", n
            out.append(copied)
            base_of.append(clause["id"])
    positive["clauses"] = out
    texts["positive.yaml"] = yaml.safe_dump(positive, allow_unicode=True, sort_keys=False)
    # a bar names the clauses it bars: it bars each copy of a clause it bars
    bars = yaml.safe_load(texts["bars.yaml"])
    for bar in bars["clauses"]:
        barred = set(bar.get("bars", ()))
        bar["bars"] = [c["id"] for c, src in zip(out, base_of, strict=True) if src in barred]
    texts["bars.yaml"] = yaml.safe_dump(bars, allow_unicode=True, sort_keys=False)
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,2,4,8")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--filings", type=int, default=200)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    rulesets = {k: rongcuo.load_ruleset_texts(scaled_texts(k), origin=f"x{k}") for k in sizes}
    bundled = rongcuo.bundled_ruleset()
    docs = list(corpus.generate(args.filings, seed=1, rules=bundled))
    filings: dict[int, list[Any]] = {
        k: [r.parse_filing(d) for d in docs] for k, r in rulesets.items()
    }
    for k, r in rulesets.items():  # warm: templates and first-use caches
        for f in filings[k][:20]:
            rongcuo.evaluate(f, rules=r).to_json(indent=None)

    times: dict[int, list[float]] = {k: [] for k in sizes}
    for rnd in range(args.rounds):
        order = sizes[rnd % len(sizes) :] + sizes[: rnd % len(sizes)]
        for k in order:
            r, fs = rulesets[k], filings[k]
            start = time.process_time()
            for f in fs:
                rongcuo.evaluate(f, rules=r).to_json(indent=None)
            times[k].append((time.process_time() - start) / len(fs) * 1e6)

    print(
        f"traced verdict as JSON (evaluate(...).to_json(indent=None)), {args.filings} filings, "
        f"{args.rounds} rounds, CPU µs a filing"
    )
    print(
        f"{'size':>4} {'clauses':>8} {'elements':>9} {'µs':>9} {'µs/clause':>10} "
        f"{'per clause ÷ size 1':>20}"
    )
    first: float | None = None
    for k in sizes:
        r = rulesets[k]
        n_clauses = len(r.clauses)
        n_elements = sum(len(c.elements) for c in r.clauses)
        med = statistics.median(times[k])
        per = med / n_clauses
        first = per if first is None else first
        print(
            f"{k:>4} {n_clauses:>8} {n_elements:>9} {med:>9.1f} {per:>10.2f} {per / first:>20.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
