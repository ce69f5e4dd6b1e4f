"""A seeded corpus of v2 filings (filing model v2, the bundled rules) in which every clause holds.

Filings are drawn from the filings the rules themselves carry — every clause example (holding
ones and near misses), every golden case (``tests/cases``) and every example filing
(``examples/``) — and changed at random, as filers do: another filing's groups of facts laid
over the gaps (a fuller filing), a few facts left out (unknowns), a yes/no fact turned over.
Every drawn filing is parsed by the bundled model (an invalid one is redrawn), and must be
expressible to the peers (``peers.peer_input``: no partial set with a ``no`` part, at most
``peers.MAX_RECORDS`` acts).

**Every clause holds in at least 1 % of filings.** Half of the draws start from a holding example
of the clause that holds least so far; :func:`hold_rates` gives the per-clause rates, which
``bench.py`` prints and checks. **The statuses are mixed** as :data:`MIX` says, by redrawing a
filing whose status is over-represented (at most :data:`MAX_ATTEMPTS` times; the mix reached is
printed by ``bench.py``). Same seed, same corpus, byte for byte.

    python benchmarks/corpus.py 5000 --seed 1 -o benchmarks/out/corpus-5000.jsonl
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402

from rongcuo import Ruleset, bundled_ruleset  # noqa: E402
from rongcuo.engine.decide import decide_status  # noqa: E402
from rongcuo.engine.evaluate import Truth  # noqa: E402
from rongcuo.errors import RongcuoError  # noqa: E402

#: the share of filings a clause must hold in
MIN_HOLD = 0.01
#: the mix of statuses aimed at (each filing is redrawn up to MAX_ATTEMPTS times to meet it)
MIX = {
    "eligible": 0.35,
    "ineligible": 0.30,
    "insufficient_facts": 0.20,
    "needs_determination": 0.15,
}
MAX_ATTEMPTS = 200


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _json(value: Any) -> Any:
    """A YAML document as JSON: dates (YAML reads unquoted ones as dates) as ISO text."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def pool(rules: Ruleset) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Every filing the rules carry, and each verdict clause's holding examples."""
    docs: list[dict[str, Any]] = []
    holding: dict[str, list[dict[str, Any]]] = {}
    for c in peers.verdict_clauses(rules):
        for ex in c.examples:
            data = ex.filing_data()
            docs.append(data)
            if ex.holds:
                holding.setdefault(c.id, []).append(data)
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        docs.append(_load(path)["filing"])
    for path in sorted((ROOT / "examples").glob("*.*")):
        if path.suffix in (".yaml", ".json"):
            docs.append(_load(path))
    docs = [_json(d) for d in docs]
    holding = {cid: [_json(d) for d in ds] for cid, ds in holding.items()}
    return docs, holding


def _leaves(doc: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (g, k)
        for g, facts in doc.items()
        if isinstance(facts, dict) and g != "determinations"
        for k in facts
    ]


def _draw(
    rng: random.Random, base: dict[str, Any], docs: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    doc = copy.deepcopy(base)
    if rng.random() < 0.6:  # another filing's facts over the gaps
        other = rng.choice(docs)
        for group, facts in other.items():
            if group in ("id", "summary", "determinations"):
                continue
            if group not in doc:
                doc[group] = copy.deepcopy(facts)
            elif isinstance(facts, dict) and isinstance(doc[group], dict):
                for k, v in facts.items():
                    doc[group].setdefault(k, copy.deepcopy(v))
    leaves = _leaves(doc)
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):  # facts left out
        if leaves:
            g, k = leaves.pop(rng.randrange(len(leaves)))
            doc[g].pop(k, None)
    if rng.random() < 0.3:  # a yes/no fact turned over
        bools = [(g, k) for g, k in _leaves(doc) if isinstance(doc[g].get(k), bool)]
        if bools:
            g, k = rng.choice(bools)
            doc[g][k] = not doc[g][k]
    return doc


def generate(n: int, *, seed: int = 1, rules: Ruleset | None = None) -> Iterator[dict[str, Any]]:
    """``n`` filings as JSON-shaped dicts (see the module's docstring)."""
    rules = rules or bundled_ruleset()
    rng = random.Random(seed)
    docs, holding = pool(rules)
    # the fuller filings (golden cases, examples) are the usual background of a draw
    full = [d for d in docs if "id" in d]
    order = [c.id for c in rules.clauses]
    ids = sorted(holding, key=order.index)
    held = dict.fromkeys(ids, 0)
    quota = dict.fromkeys(MIX, 0.0)
    for i in range(n):
        for s, share in MIX.items():
            quota[s] += share
        want = max(quota, key=lambda s: quota[s])
        for _attempt in range(MAX_ATTEMPTS):
            if rng.random() < 0.5:
                least = min(ids, key=lambda c: held[c])
                base = rng.choice(holding[least])
            else:
                base = rng.choice(docs)
            doc = _draw(rng, base, full if rng.random() < 0.8 else docs)
            doc["id"] = f"BENCH-{seed}-{i:07d}"
            try:
                filing = rules.parse_filing(doc)
                peers.peer_input(rules, filing)
                peers.peer_input(rules, filing, cedar=True)
            except (RongcuoError, ValueError):
                continue
            status = decide_status(filing, rules).value
            if status == want:
                break
        quota[status] -= 1
        for cid, v in rules.program.values(filing).items():
            if v is Truth.TRUE and cid in held:
                held[cid] += 1
        yield doc


def hold_rates(rules: Ruleset, filings: Sequence[Any]) -> dict[str, float]:
    """The share of ``filings`` (parsed) in which each verdict clause holds."""
    counts = {c.id: 0 for c in peers.verdict_clauses(rules)}
    for f in filings:
        for cid, v in rules.program.values(f).items():
            if v is Truth.TRUE and cid in counts:
                counts[cid] += 1
    return {cid: k / max(1, len(filings)) for cid, k in counts.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path)
    args = ap.parse_args(argv)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    with out:
        for data in generate(args.n, seed=args.seed):
            out.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
