"""The fair benchmark: rongcuo and its peers (GoRules ZEN, Cedar) on the bundled v2 rules.

Run by hand (not in CI)::

    pip install -e '.[bench]'             # zen-engine, cedarpy
    python benchmarks/bench.py            # 1,000 filings, 7 rounds of 140: about a CPU minute
    python benchmarks/bench.py --filings 2000 --per-round 200   # the documented run
    python benchmarks/bench.py --screen 100000 --jobs 1,2   # also `rongcuo screen` end to end

What it does, in order:

1. draws a seeded corpus (``corpus.py``) and prints each clause's hold rate (every one must hold
   in at least 1 % of filings, or the run stops);
2. checks that **every peer agrees with rongcuo on every filing** — the three-valued truth of
   each of the 26 clauses a status needs (24 clauses and 2 bars), and ZEN's status — and stops
   on the first disagreement;
3. times every variant in **rounds**: each round takes the next slice of the corpus, and runs
   every variant on that same slice, in an order that rotates from round to round, timed by the
   process's **CPU time**. It prints, per variant, the median and the range over the rounds of
   the CPU µs a filing, and the ratios that issue 17 asks for, each computed inside one round
   (then the median and range of those), with the load average before and after.

Prints a table and writes ``benchmarks/out/bench.json`` and ``benchmarks/out/bench.txt``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import peers  # noqa: E402

import rongcuo  # noqa: E402
from rongcuo.batch.screen import screen_record  # noqa: E402
from rongcuo.engine.decide import decide_status  # noqa: E402
from rongcuo.engine.evaluate import Truth  # noqa: E402

#: Cedar requests a call of ``is_authorized_batch`` (its documented bulk form)
CEDAR_BATCH = 100
#: distinct filings in a ``--screen`` corpus (repeated up to its size)
SCREEN_BASE = 2000

Variant = Callable[[Sequence[int]], object]  # runs on the corpus items at these positions


# --------------------------------------------------------------------------- the peers' answers


def _truths(pairs: Sequence[bool], ids: Sequence[str]) -> dict[str, Truth]:
    return {
        cid: Truth.TRUE if pairs[2 * i] else Truth.FALSE if pairs[2 * i + 1] else Truth.UNKNOWN
        for i, cid in enumerate(ids)
    }


def _cedar_truths(
    reasons: Sequence[str], policy_ids: Sequence[tuple[str, bool]], ids: Sequence[str]
) -> dict[str, Truth]:
    hold = {policy_ids[int(p.removeprefix("policy"))] for p in reasons}
    return {
        cid: Truth.TRUE
        if (cid, True) in hold
        else Truth.FALSE
        if (cid, False) in hold
        else Truth.UNKNOWN
        for cid in ids
    }


class Peers:
    """The peers, built once: their rule text compiled, every filing converted to their input."""

    def __init__(self, rules: rongcuo.Ruleset, filings: Sequence[Any]) -> None:
        import cedarpy
        import zen

        self.rules = rules
        self.zen_version = _version("zen-engine")
        self.cedar_version = _version("cedarpy")
        text, self.ids = peers.zen_expression(rules)
        self.zen_chars = len(text)
        self.zen_all = zen.compile_expression(text)
        self.zen_status_one = zen.compile_expression(peers.zen_status_expression(rules))
        self.zen_trivial = zen.compile_expression("true")
        engine = zen.ZenEngine()
        self.zen_refs = engine.create_decision(json.dumps(peers.zen_decision(rules)))
        self.zen_status = engine.create_decision(json.dumps(peers.zen_decision(rules, status=True)))
        policies, self.policy_ids = peers.cedar_policies(rules)
        self.cedar_chars = len(policies)
        self.cedar_policies = cedarpy.PolicySet.from_str(policies)
        self.cedar_trivial = cedarpy.PolicySet.from_str("permit(principal, action, resource);")
        self.cedar_entities = cedarpy.Entities.from_json_str("[]")
        self.inputs = [peers.peer_input(rules, f) for f in filings]
        self.lines = [json.dumps(i, ensure_ascii=False) for i in self.inputs]
        self.requests = [peers.cedar_request(rules, f) for f in filings]
        self._cedarpy = cedarpy

    def cedar_batches(self, positions: Sequence[int], policies: Any) -> list[Any]:
        requests = self.requests
        out: list[Any] = []
        for k in range(0, len(positions), CEDAR_BATCH):
            batch = [requests[i] for i in positions[k : k + CEDAR_BATCH]]
            out += self._cedarpy.is_authorized_batch(batch, policies, self.cedar_entities)
        return out

    def cedar_status(self, positions: Sequence[int]) -> list[str]:
        """Cedar has no four-way decision: the status from its 52 answers, as the engine does."""
        rules = self.rules
        return [
            _status(rules, _cedar_truths(a.diagnostics.reasons, self.policy_ids, self.ids))
            for a in self.cedar_batches(positions, self.cedar_policies)
        ]


def _status(rules: rongcuo.Ruleset, values: dict[str, Truth]) -> str:
    from rongcuo.engine.decide import _status as decide

    return decide(rules, values)[0].value


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def check_agreement(rules: rongcuo.Ruleset, filings: Sequence[Any], p: Peers) -> dict[str, Any]:
    """Every peer gives rongcuo's truth of every verdict clause on every filing, and ZEN and
    Cedar its status. Raises ``SystemExit`` on the first disagreement."""
    everything = range(len(filings))
    cedar = p.cedar_batches(everything, p.cedar_policies)
    for i, f in enumerate(filings):
        native = rules.program.values(f)
        want = {cid: native[cid] for cid in p.ids}
        status = decide_status(f, rules).value
        inp = p.inputs[i]
        refs = p.zen_refs.evaluate(inp)["result"]
        answers = {
            "ZEN expression": _truths(p.zen_all.evaluate(inp), p.ids),
            "ZEN decision ($)": _truths(
                [refs[f"{cid}_{side}"] for cid in p.ids for side in "tf"], p.ids
            ),
            "Cedar": _cedar_truths(cedar[i].diagnostics.reasons, p.policy_ids, p.ids),
        }
        for name, got in answers.items():
            if got != want:
                diff = {c: (want[c].value, got[c].value) for c in want if want[c] != got[c]}
                raise SystemExit(f"{name} disagrees with rongcuo on {f.id}: {diff}")
        if list(cedar[i].diagnostics.errors):
            raise SystemExit(f"Cedar errors on {f.id}: {list(cedar[i].diagnostics.errors)[:3]}")
        zs = p.zen_status.evaluate(inp)["result"]["status"]
        z1 = p.zen_status_one.evaluate(inp)
        cs = _status(rules, answers["Cedar"])
        if zs != status or z1 != status or cs != status:
            raise SystemExit(f"status of {f.id}: rongcuo {status}, ZEN {zs} / {z1}, Cedar {cs}")
    return {"filings": len(filings), "disagreements": 0}


# --------------------------------------------------------------------------- variants


def variants(
    rules: rongcuo.Ruleset, filings: Sequence[Any], lines: Sequence[bytes], p: Peers
) -> dict[str, Variant]:
    """Every timed variant, by row name; each runs on the corpus items at the given positions."""
    evaluate = rongcuo.evaluate

    def traced(pos: Sequence[int]) -> object:
        return [evaluate(filings[i], rules=rules).to_json(indent=None) for i in pos]

    def verdict(pos: Sequence[int]) -> object:
        return [evaluate(filings[i], rules=rules, trace=False) for i in pos]

    def status(pos: Sequence[int]) -> object:
        return [decide_status(filings[i], rules) for i in pos]

    def screen(pos: Sequence[int]) -> object:
        return [screen_record(lines[i], rules=rules) for i in pos]

    inputs, zlines = p.inputs, p.lines

    def zen_all(pos: Sequence[int]) -> object:
        ev = p.zen_all.evaluate
        return [ev(inputs[i]) for i in pos]

    def zen_all_line(pos: Sequence[int]) -> object:
        ev, loads = p.zen_all.evaluate, json.loads
        return [ev(loads(zlines[i])) for i in pos]

    def zen_refs(pos: Sequence[int]) -> object:
        ev = p.zen_refs.evaluate
        return [ev(inputs[i]) for i in pos]

    def zen_status(pos: Sequence[int]) -> object:
        ev = p.zen_status.evaluate
        return [ev(inputs[i])["result"]["status"] for i in pos]

    def zen_status_one(pos: Sequence[int]) -> object:
        ev = p.zen_status_one.evaluate
        return [ev(inputs[i]) for i in pos]

    def zen_trivial(pos: Sequence[int]) -> object:
        ev = p.zen_trivial.evaluate
        return [ev(inputs[i]) for i in pos]

    return {
        "rongcuo: verdict with trace, serialised to JSON": traced,
        "rongcuo: verdict, trace not built": verdict,
        "rongcuo: status only (decide_status)": status,
        "rongcuo: screen_record from one JSONL line": screen,
        "ZEN: one expression, 26 clauses' T and F": zen_all,
        "ZEN: the same, from its JSON line (json.loads)": zen_all_line,
        "ZEN: one expression computing the status": zen_status_one,
        "ZEN: decision, $ references, T and F": zen_refs,
        "ZEN: decision, $ references, status": zen_status,
        "ZEN: input conversion alone (expression `true`)": zen_trivial,
        f"Cedar: T and F policies, batches of {CEDAR_BATCH}, status": p.cedar_status,
        f"Cedar: input conversion alone (one `permit`, batches of {CEDAR_BATCH})": lambda pos: (
            p.cedar_batches(pos, p.cedar_trivial)
        ),
    }


#: the ratios reported: (name, rongcuo row, peer row); × = the peer's time / rongcuo's time
RATIOS = [
    (
        "traced verdict as JSON vs ZEN's one expression (issue 17 item 2: ≥ 1×)",
        "rongcuo: verdict with trace, serialised to JSON",
        "ZEN: one expression, 26 clauses' T and F",
    ),
    (
        "screen_record from a JSONL line vs ZEN's expression from its JSON line (item 5: ≥ 1×)",
        "rongcuo: screen_record from one JSONL line",
        "ZEN: the same, from its JSON line (json.loads)",
    ),
    (
        "status only vs ZEN's one expression computing the status (item 5: ≥ 20×)",
        "rongcuo: status only (decide_status)",
        "ZEN: one expression computing the status",
    ),
    (
        "status only vs ZEN's decision computing the status by $ references",
        "rongcuo: status only (decide_status)",
        "ZEN: decision, $ references, status",
    ),
    (
        "status only vs Cedar's batched policies and status",
        "rongcuo: status only (decide_status)",
        f"Cedar: T and F policies, batches of {CEDAR_BATCH}, status",
    ),
    (
        "verdict (trace not built) vs ZEN's one expression",
        "rongcuo: verdict, trace not built",
        "ZEN: one expression, 26 clauses' T and F",
    ),
]
#: shares of input conversion: (name, trivial row, full row)
SHARES = [
    (
        "ZEN: input conversion / one expression",
        "ZEN: input conversion alone (expression `true`)",
        "ZEN: one expression, 26 clauses' T and F",
    ),
    (
        "Cedar: input conversion / policies and status",
        f"Cedar: input conversion alone (one `permit`, batches of {CEDAR_BATCH})",
        f"Cedar: T and F policies, batches of {CEDAR_BATCH}, status",
    ),
]


def run_rounds(
    rows: dict[str, Variant], n: int, rounds: int, per_round: int
) -> dict[str, list[float]]:
    """CPU µs a filing of every variant in every round; each round the same slice for all,
    variants in a rotated order. One warm-up round is run first and not kept."""
    names = list(rows)
    per: dict[str, list[float]] = {name: [] for name in names}
    clock = time.process_time_ns
    for r in range(-1, rounds):
        start = (max(r, 0) * per_round) % max(1, n - per_round + 1)
        pos = range(start, min(n, start + per_round))
        shift = max(r, 0) % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()  # nobody pays for the garbage of the variant before it
            t = clock()
            rows[name](pos)
            spent = clock() - t
            if r >= 0:
                per[name].append(spent / 1e3 / len(pos))
    return per


def summarise(per: dict[str, list[float]]) -> dict[str, Any]:
    rows = {
        name: {"median_us": statistics.median(v), "min_us": min(v), "max_us": max(v), "rounds": v}
        for name, v in per.items()
    }
    ratios = {}
    for label, ours, theirs in RATIOS:
        r = [t / o for o, t in zip(per[ours], per[theirs], strict=True)]
        ratios[label] = {"median": statistics.median(r), "min": min(r), "max": max(r)}
    shares = {}
    for label, trivial, full in SHARES:
        r = [t / f for t, f in zip(per[trivial], per[full], strict=True)]
        shares[label] = {"median": statistics.median(r), "min": min(r), "max": max(r)}
    return {"rows": rows, "ratios": ratios, "shares": shares}


# --------------------------------------------------------------------------- screen end to end


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process and its descendants, in KiB (Linux /proc)."""
    rss = pss = 0
    todo = [pid]
    while todo:
        q = todo.pop()
        try:
            for line in Path(f"/proc/{q}/smaps_rollup").read_text("ascii").splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            children = Path(f"/proc/{q}/task/{q}/children").read_text("ascii")
            todo.extend(int(c) for c in children.split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def corpus_file(n: int, seed: int) -> Path:
    """A JSONL corpus of ``n`` filings, kept under benchmarks/out/: the first
    ``SCREEN_BASE`` filings of the seeded corpus, repeated with the ids made unique (drawing
    100,000 filings one by one would take longer than screening them)."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"corpus-v2-{n}-seed{seed}.jsonl"
    if path.exists():
        return path
    base = list(corpus.generate(min(n, SCREEN_BASE), seed=seed))
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        for i in range(n):
            doc = dict(base[i % len(base)], id=f"BENCH-{seed}-{i:07d}")
            out.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    tmp.rename(path)
    return path


def bench_screen(path: Path, n: int, jobs: int) -> dict[str, Any]:
    """``rongcuo screen`` in a new process, process start-up included: CPU s of the tree."""
    import resource

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    out = OUT / f"screen-out-{jobs}.jsonl"
    cmd = [sys.executable, "-m", "rongcuo.cli", "screen", str(path), "-o", str(out)]
    cmd += ["--jobs", str(jobs), "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss, pss = _tree_memory_kb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise SystemExit(f"screen failed: {stderr.decode()[-2000:]}")
    lines = sum(1 for _ in out.open("rb"))
    assert lines == n, (lines, n)
    out.unlink()
    return {
        "name": f"screen {n:,} filings, {jobs} job{'s' if jobs > 1 else ''}",
        "n": n,
        "jobs": jobs,
        "per_cpu_s": n / cpu,
        "per_wall_s": n / wall,
        "wall_seconds": wall,
        "peak_rss_mb": peak_rss / 1024,
        "peak_pss_mb": peak_pss / 1024,
    }


# --------------------------------------------------------------------------- report


def table(report: dict[str, Any]) -> str:
    t = report["timing"]
    lines = [
        f"{report['corpus']['filings']:,} filings (v2, seed {report['corpus']['seed']}); "
        f"{report['timing']['rounds']} rounds of {report['timing']['per_round']}; "
        f"load average {report['machine']['load_before'][0]:.2f} before, "
        f"{report['machine']['load_after'][0]:.2f} after",
        f"agreement: every peer gave rongcuo's truth of all {len(report['clauses'])} clauses "
        f"and its status on all {report['agreement']['filings']:,} filings",
        "",
        f"{'variant (CPU µs a filing)':<68} {'median':>9} {'range':>19}",
    ]
    for name, r in t["summary"]["rows"].items():
        lines.append(f"{name:<68} {r['median_us']:9.1f} {r['min_us']:9.1f}–{r['max_us']:<9.1f}")
    lines += [
        "",
        f"{'ratio in the same round (× = peer time / rongcuo time)':<88} "
        f"{'median':>7} {'range':>13}",
    ]
    for name, r in t["summary"]["ratios"].items():
        lines.append(f"{name:<88} {r['median']:6.2f}× {r['min']:6.2f}–{r['max']:.2f}")
    lines += ["", f"{'input conversion, share of the peer call':<88} {'median':>7} {'range':>13}"]
    for name, r in t["summary"]["shares"].items():
        lines.append(f"{name:<88} {r['median']:6.0%}  {r['min']:5.0%}–{r['max']:.0%}")
    if report.get("screen"):
        lines += [
            "",
            f"{'rongcuo screen, new process (start-up included)':<44} {'per CPU s':>10} "
            f"{'per wall s':>10} {'wall s':>8} {'RSS MB':>7} {'PSS MB':>7}",
        ]
        for r in report["screen"]:
            lines.append(
                f"{r['name']:<44} {r['per_cpu_s']:10,.0f} {r['per_wall_s']:10,.0f} "
                f"{r['wall_seconds']:8.1f} {r['peak_rss_mb']:7.0f} {r['peak_pss_mb']:7.0f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filings", type=int, default=1000, help="corpus size (agreement on all)")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--per-round", type=int, default=140, help="filings a round")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--screen", default="", help="sizes for `rongcuo screen`, e.g. 100000")
    ap.add_argument("--jobs", default="1,2", help="job counts for --screen")
    args = ap.parse_args(argv)

    load_before = os.getloadavg()
    rules = rongcuo.bundled_ruleset()
    docs = list(corpus.generate(args.filings, seed=args.seed, rules=rules))
    lines = [json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode() for d in docs]
    filings = [rules.parse_filing(d) for d in docs]
    statuses: dict[str, int] = {}
    for f in filings:
        s = decide_status(f, rules).value
        statuses[s] = statuses.get(s, 0) + 1
    rates = corpus.hold_rates(rules, filings)
    print(
        f"corpus: {len(filings):,} filings, {sum(map(len, lines)) / len(lines):,.0f} bytes a "
        f"line on average; statuses {statuses}"
    )
    print("clauses hold in: " + ", ".join(f"{c} {r:.1%}" for c, r in rates.items()), flush=True)
    low = [c for c, r in rates.items() if r < corpus.MIN_HOLD]
    if low:
        raise SystemExit(f"clauses holding in under {corpus.MIN_HOLD:.0%} of filings: {low}")
    p = Peers(rules, filings)
    print(
        f"peers: zen-engine {p.zen_version} (expression {p.zen_chars:,} characters), "
        f"cedarpy {p.cedar_version} (policies {p.cedar_chars:,} characters)",
        flush=True,
    )
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": load_before,
        },
        "ruleset": {"label": rules.label, "digest": rules.digest},
        "clauses": p.ids,
        "peers": {"zen-engine": p.zen_version, "cedarpy": p.cedar_version},
        "corpus": {
            "seed": args.seed,
            "filings": len(filings),
            "statuses": statuses,
            "hold_rates": rates,
        },
    }
    report["agreement"] = check_agreement(rules, filings, p)
    print(
        f"agreement: every peer gave rongcuo's truth of all {len(p.ids)} clauses and its "
        f"status on all {len(filings):,} filings",
        flush=True,
    )
    per_round = min(args.per_round, len(filings))
    per = run_rounds(variants(rules, filings, lines, p), len(filings), args.rounds, per_round)
    report["timing"] = {
        "rounds": args.rounds,
        "per_round": per_round,
        "clock": "process_time",
        "summary": summarise(per),
    }
    report["screen"] = []
    for size in [int(s) for s in args.screen.split(",") if s]:
        path = corpus_file(size, args.seed)
        for jobs in [int(j) for j in args.jobs.split(",")]:
            row = bench_screen(path, size, jobs)
            print(f"  {row['name']}: {row['per_cpu_s']:,.0f} per CPU s", flush=True)
            report["screen"].append(row)
    report["machine"]["load_after"] = os.getloadavg()
    text = table(report)
    print()
    print(text)
    OUT.mkdir(exist_ok=True)
    (OUT / "bench.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    (OUT / "bench.txt").write_text(text + "\n")
    print(f"\nwrote {OUT / 'bench.json'}")


if __name__ == "__main__":
    main()
