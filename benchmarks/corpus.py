"""A seeded corpus of complete, realistic filings that mixes all four statuses.

Every filing gives a value to every fact of the model (``--complete``-style), drawn from priors
that look like real 容错免责备案 matters: most conduct is not misconduct, most matters are minor,
most remedies timely. Filings whose status is over-represented are redrawn (rejection sampling
against the native engine) until the mix matches ``MIX``; an ``insufficient_facts`` filing is a
complete one with a few facts left out, as a filer forgets them. Every filing is valid, the
model's date order included (the conduct's start on or before its end). Same seed, same corpus,
byte for byte.

    python benchmarks/corpus.py 100000 --seed 1 -o benchmarks/out/corpus-100k.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rongcuo import load_ruleset
from rongcuo.engine.decide import decide_status
from rongcuo.facts.model import DATE_ORDER, FACTS, FactKind, Filing

# v1: delete with the v1 path. The corpus is of v1 filings (every fact of the v1 model), judged by
# the v1 rules; the bundled rules are filing model v2 and have no corpus generator yet.
V1_RULES = Path(__file__).resolve().parents[1] / "tests" / "v1" / "rules"

MIX = {
    "eligible": 0.35,
    "ineligible": 0.30,
    "insufficient_facts": 0.20,
    "needs_determination": 0.15,
}

# the chance that a set fact lists a given value: misconduct is rare, good traits common
SET_RATE = {
    "conduct.misconduct": 0.03,
    "motive.private_gain_for": 0.03,
    "consequences.caused_incidents": 0.02,
    "consequences.harmed_interests": 0.06,
    "history.exempted_error_kinds": 0.02,
    "petition.verified_causes": 0.15,
    "violation.norms": 0.25,
}
# skew of enum facts: weights for the values in declaration order (missing: uniform)
ENUM_WEIGHTS = {
    "matter.circumstances": [6, 3, 1],
    "consequences.adverse_impact": [5, 4, 2, 1],
    "consequences.losses": [5, 4, 2, 1],
    "remedy.measures": [1, 2, 7],
    "remedy.rectification": [6, 3, 1, 1, 0.3],
    "remedy.formalities": [5, 4, 1],
    "remedy.illicit_gains": [8, 1, 1, 0.5],
    "conduct.reported_to_department": [6, 2, 1],
}
BOOL_TRUE = {
    "motive.public_spirited": 0.9,
    "conduct.for_work_needs": 0.9,
    "remedy.admitted": 0.9,
    "violation.explicitly_prohibited": 0.1,
    "history.reminder_talk": 0.1,
    "petition.escalated": 0.2,
}
SUMMARIES = [
    "某镇为群众办实事，专项资金使用不够规范，发现后及时纠正。",
    "某局推进重点项目建设，审批手续未及时办理，事后补办完成。",
    "某村在征地拆迁中决策程序不完整，经群众多数同意后整改。",
    "某单位在疫情防控中先行采购物资，未履行全部采购程序。",
    "某街道化解信访积案，因上级欠款导致群众重复信访。",
    "某局负责人以改革为名上马形象工程，资金使用不规范。",
]


def _value(rng: random.Random, path: str, kind: FactKind, enum: Any) -> Any:
    if kind is FactKind.BOOL:
        return rng.random() < BOOL_TRUE.get(path, 0.7)
    if kind is FactKind.ENUM:
        values = [e.value for e in enum]
        weights = ENUM_WEIGHTS.get(path)
        return rng.choices(values, weights=weights)[0] if weights else rng.choice(values)
    if kind is FactKind.ENUM_SET:
        rate = SET_RATE.get(path, 0.2)
        return [e.value for e in enum if rng.random() < rate]
    if kind is FactKind.DATE:
        return (dt.date(2022, 6, 1) + dt.timedelta(days=rng.randrange(900))).isoformat()
    return None  # text facts are set below


def _complete(rng: random.Random, n: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, spec in FACTS.items():
        if path.startswith("determinations.") or "." not in path:
            continue
        value = _value(rng, path, spec.kind, spec.enum)
        if value is None:
            continue
        group, _, name = path.rpartition(".")
        data.setdefault(group, {})[name] = value
    for earlier, later in DATE_ORDER:  # the model's cross-field rule: each pair in order
        (g1, a), (g2, b) = earlier.rsplit(".", 1), later.rsplit(".", 1)
        if data[g1][a] > data[g2][b]:  # ISO dates order as strings
            data[g1][a], data[g2][b] = data[g2][b], data[g1][a]
    end = data["matter"]["conduct_ended_on"]
    data = {
        "id": f"LS-{2023 + n % 3}-{n:07d}",
        "summary": rng.choice(SUMMARIES),
        "filed_on": end,
        **data,
    }
    if rng.random() < 0.3:  # a recorded determination on a catch-all
        clause = rng.choice(["P15", "N9"])
        data["determinations"] = {
            clause: {
                "holds": rng.random() < 0.5,
                "decided_by": "某区纪委常委会",
                "decided_on": end,
                "reason": "经集体研究认定。",
            }
        }
    return data


def _drop(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    groups = [g for g in data if isinstance(data[g], dict) and g != "determinations"]
    for _ in range(rng.randint(1, 4)):
        group = rng.choice(groups)
        if data[group]:
            del data[group][rng.choice(sorted(data[group]))]
    return data


def generate(n: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    """``n`` filings as JSON-shaped dicts, statuses mixed as :data:`MIX`."""
    rng = random.Random(seed)
    rules = load_ruleset(V1_RULES)
    quota = dict.fromkeys(MIX, 0.0)
    for i in range(n):
        for s, share in MIX.items():
            quota[s] += share
        want = max(quota, key=lambda s: quota[s])
        for _attempt in range(2000):
            data = _complete(rng, i)
            if want == "insufficient_facts":
                data = _drop(rng, data)
            status = decide_status(Filing.model_validate(data), rules).value
            if status == want:
                break
        quota[status] -= 1
        yield data


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
