"""Side-by-side benchmark: the native engine, the durable-rules backend, GoRules ZEN, Cedar, and
``rongcuo screen`` end to end, on the v1 rules and a corpus of v1 filings (v1: delete with the v1
path; peers.py translates v1 rule trees and corpus.py draws v1 filings). Run by hand (not in CI)::

    pip install -e '.[bench]'
    python benchmarks/bench.py                 # engines on 5,000 filings, screen on 100k and 1M
    python benchmarks/bench.py --quick         # engines on 1,000, screen on 20k only

Prints a table and writes ``benchmarks/out/bench.json``. Every engine sees the same filings
(a seeded corpus from ``corpus.py``) and the same 24 clauses; before any timing, each peer must
find exactly the native engine's holding clauses on every filing of the corpus, or the run stops.
Engine timings are per call, on input already in each engine's own form (a ``Filing`` for
rongcuo, a JSON-shaped dict for ZEN, a request with a context for Cedar): they measure
evaluation, not parsing. ``screen`` rows are end to end: JSONL bytes in, JSONL records out.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import os
import platform
import shutil
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
from rongcuo.engine.decide import decide_status, evaluate  # noqa: E402
from rongcuo.engine.evaluate import Truth  # noqa: E402
from rongcuo.facts.model import Filing  # noqa: E402
from rongcuo.rules.syntax import ListKind  # noqa: E402

# --------------------------------------------------------------------------- timing


def _timed(
    name: str, fn: Callable[[Any], Any], inputs: Sequence[Any], **extra: Any
) -> dict[str, Any]:
    for item in inputs[: min(200, len(inputs))]:  # warm up
        fn(item)
    # collect the garbage of whatever ran before (building the corpus, the last engine) now, so
    # that no engine pays for another's: a full collection over the corpus's objects takes
    # ~100 ms, 20 us a filing at 5,000 filings. The collector stays on while timing: an engine
    # that makes garbage pays for collecting it.
    gc.collect()
    clock = time.perf_counter_ns
    times = []
    start = clock()
    for item in inputs:
        t = clock()
        fn(item)
        times.append(clock() - t)
    total = (clock() - start) / 1e9
    times.sort()
    return {
        "name": name,
        "n": len(inputs),
        "per_s": len(inputs) / total,
        "p50_us": times[len(times) // 2] / 1e3,
        "p99_us": times[int(len(times) * 0.99)] / 1e3,
        **extra,
    }


# --------------------------------------------------------------------------- agreement


def _holding(rules: rongcuo.Ruleset, filing: Filing) -> set[str]:
    return {cid for cid, v in rules.program.values(filing).items() if v is Truth.TRUE}


def check_peers(rules: rongcuo.Ruleset, filings: Sequence[Filing]) -> dict[str, Any]:
    """Every peer finds exactly the native holding clauses, on every filing. Raises if not."""
    import cedarpy
    import zen

    decision = zen.ZenEngine().create_decision(json.dumps(peers.zen_decision(rules)))
    text, ids = peers.cedar_policies(rules, all_permit=True)
    everything = cedarpy.PolicySet.from_str(text)
    text, ids2 = peers.cedar_policies(rules)
    assert ids == ids2
    shaped = cedarpy.PolicySet.from_str(text)
    negatives = {c.id for c in rules.of_list(ListKind.NEGATIVE)}
    disagreements: list[str] = []
    for f in filings:
        native = _holding(rules, f)
        z = decision.evaluate(peers.zen_input(f))["result"]
        if {k for k, v in z.items() if v is True} != native:
            disagreements.append(f"zen {f.id}")
        request = peers.cedar_request(f)
        a = cedarpy.is_authorized(request, everything, "[]")
        found = {ids[int(p.removeprefix("policy"))] for p in a.diagnostics.reasons}
        if found != native or a.diagnostics.errors:
            disagreements.append(f"cedar {f.id}")
        # forbid-overrides-permit: Deny citing the holding negatives, else Allow citing positives
        b = cedarpy.is_authorized(request, shaped, "[]")
        cited = {ids[int(p.removeprefix("policy"))] for p in b.diagnostics.reasons}
        want = (native & negatives) or (native - negatives)
        allow = bool(native - negatives) and not native & negatives
        if cited != want or (b.decision == cedarpy.Decision.Allow) != allow:
            disagreements.append(f"cedar-forbid {f.id}")
    if disagreements:
        raise SystemExit(f"peers disagree with the native engine: {disagreements[:10]}")
    return {"filings": len(filings), "disagreements": 0}


# --------------------------------------------------------------------------- engines


def bench_engines(rules: rongcuo.Ruleset, filings: Sequence[Filing]) -> list[dict[str, Any]]:
    import cedarpy
    import zen

    rows = [
        _timed("native: verdict with full trace", lambda f: evaluate(f, rules=rules), filings),
        _timed(
            "native: verdict, no trace",
            lambda f: evaluate(f, rules=rules, trace=False),
            filings,
        ),
        _timed("native: status only", lambda f: decide_status(f, rules), filings),
        _timed(
            "native: verdict with full trace, as JSON",
            lambda f: evaluate(f, rules=rules).to_json(indent=None),
            filings[: min(len(filings), 1000)],
        ),
    ]
    rows.append(_durable(rules, filings))

    decision = zen.ZenEngine().create_decision(json.dumps(peers.zen_decision(rules)))
    zen_inputs = [peers.zen_input(f) for f in filings]
    rows.append(_timed("GoRules ZEN: JDM decision", decision.evaluate, zen_inputs))
    compiled = [
        (e["key"], zen.compile_expression(e["value"]))
        for e in peers.zen_decision(rules)["nodes"][1]["content"]["expressions"]
    ]
    rows.append(
        _timed(
            "GoRules ZEN: compiled expressions",
            lambda i: {k: e.evaluate(i) for k, e in compiled},
            zen_inputs,
        )
    )
    text, _ = peers.cedar_policies(rules)
    policies = cedarpy.PolicySet.from_str(text)
    entities = cedarpy.Entities.from_json_str("[]")
    requests = [peers.cedar_request(f) for f in filings]
    rows.append(
        _timed(
            "Cedar: forbid-overrides-permit",
            lambda q: cedarpy.is_authorized(q, policies, entities),
            requests,
        )
    )
    start = time.perf_counter()
    for batch in itertools.batched(requests, 500) if hasattr(itertools, "batched") else [requests]:
        cedarpy.is_authorized_batch(list(batch), policies, entities)
    rows.append(
        {
            "name": "Cedar: is_authorized_batch (500 a call)",
            "n": len(requests),
            "per_s": len(requests) / (time.perf_counter() - start),
        }
    )
    return rows


def _durable(rules: rongcuo.Ruleset, filings: Sequence[Filing]) -> dict[str, Any]:
    """The durable-rules backend: checked against the native truths of every clause, then timed."""
    name = "durable-rules backend"
    try:
        from rongcuo.testing.durable import durable_program
    except ImportError as exc:
        return {"name": name, "n": 0, "note": f"not available: {exc}"}
    program = durable_program(rules)
    sample = filings[: min(len(filings), 1000)]
    wrong = [f.id for f in sample if program.values(f) != rules.program.values(f)]
    if wrong:
        raise SystemExit(f"the durable backend disagrees with the native engine on {wrong[:10]}")
    return _timed(name, program.values, sample, agreement=len(sample))


# --------------------------------------------------------------------------- screen end to end


def _tree_memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process and all its descendants, in KiB (Linux /proc).

    RSS counts pages that forked workers share with their parent once per process; PSS divides
    each shared page among the processes sharing it, so the PSS sum is the tree's real footprint.
    """
    rss = pss = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text("ascii").splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
            children = Path(f"/proc/{p}/task/{p}/children").read_text("ascii")
            todo.extend(int(c) for c in children.split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return rss, pss


def bench_screen(path: Path, n: int, jobs: int) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    out = OUT / f"screen-out-{jobs}.jsonl"
    cmd = [sys.executable, "-m", "rongcuo.cli", "screen", str(path), "-o", str(out)]
    cmd += ["--jobs", str(jobs), "--format", "json"]
    cmd += ["--rules", str(corpus.V1_RULES)]  # v1: delete with the v1 path (a v1 corpus)
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        rss, pss = _tree_memory_kb(proc.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    wall = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    stderr = proc.stderr.read() if proc.stderr else b""
    if proc.returncode != 0:
        raise SystemExit(f"screen failed: {stderr.decode()[-2000:]}")
    summary = json.loads(stderr)
    lines = sum(1 for _ in out.open("rb"))
    assert lines == n == summary["records"], (lines, n, summary["records"])
    out.unlink()
    return {
        "name": f"screen {n:,} filings, {jobs} job{'s' if jobs > 1 else ''}",
        "n": n,
        "jobs": jobs,
        "per_s": n / summary["seconds"],
        "per_s_wall": n / wall,
        "cpu_seconds": cpu,
        "per_cpu_s": n / cpu,
        "seconds": summary["seconds"],
        "wall_seconds": wall,
        "peak_rss_mb": peak_rss / 1024,
        "peak_pss_mb": peak_pss / 1024,
    }


def import_time(repeat: int = 7) -> dict[str, Any]:
    """``import rongcuo`` in a fresh interpreter, minus the interpreter's own start."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))

    def run(code: str) -> float:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            best = min(best, time.perf_counter() - t)
        return best

    base = run("pass")
    full = run("import rongcuo")
    heavy = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, rongcuo; print(sorted(m for m in ('z3', 'durable', 'hypothesis',"
            " 'zen', 'cedarpy') if m in sys.modules))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return {"name": "import rongcuo", "ms": (full - base) * 1e3, "heavy_modules_loaded": heavy}


# --------------------------------------------------------------------------- corpus files


def corpus_file(n: int, seed: int) -> Path:
    """A JSONL corpus of ``n`` filings; 1M is the 100k corpus ten times, ids made unique."""
    OUT.mkdir(exist_ok=True)
    path = OUT / f"corpus-{n}-seed{seed}.jsonl"
    if path.exists():
        return path
    base_n = min(n, 100_000)
    base = OUT / f"corpus-{base_n}-seed{seed}.jsonl"
    if not base.exists():
        tmp = base.with_suffix(".tmp")
        corpus.main([str(base_n), "--seed", str(seed), "-o", str(tmp)])
        tmp.rename(base)
    if n == base_n:
        return base
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        for copy in range(n // base_n):
            with base.open("rb") as f:
                if copy == 0:
                    shutil.copyfileobj(f, out)
                    continue
                for line in f:  # "id":"LS-2023-0000007" -> "id":"LS-2023-c3-0000007"
                    out.write(line.replace(b'","summary"', f'-c{copy}","summary"'.encode(), 1))
    tmp.rename(path)
    return path


# --------------------------------------------------------------------------- report


def table(report: dict[str, Any]) -> str:
    engines = report["engines"]
    native = next(r for r in engines if r["name"] == "native: status only")["per_s"]
    traced = next(r for r in engines if r["name"] == "native: verdict with full trace")["per_s"]
    lines = [
        f"{'engine (same filings, same 24 clauses)':<44} {'per s':>10} {'p50 µs':>9} "
        f"{'p99 µs':>9} {'status-only ×':>14} {'full-trace ×':>13}",
    ]
    for r in engines:
        if "per_s" not in r:
            lines.append(f"{r['name']:<44} {r.get('note', '')}")
            continue
        p50 = f"{r['p50_us']:9.1f}" if "p50_us" in r else f"{'':>9}"
        p99 = f"{r['p99_us']:9.1f}" if "p99_us" in r else f"{'':>9}"
        lines.append(
            f"{r['name']:<44} {r['per_s']:10,.0f} {p50} {p99} "
            f"{native / r['per_s']:14.1f} {traced / r['per_s']:13.2f}"
        )
    lines.append("")
    lines.append(
        f"{'screen end to end (JSONL in, JSONL out)':<44} {'per s':>10} {'per s/job':>10} "
        f"{'per CPU s':>10} {'wall s':>8} {'RSS MB':>7} {'PSS MB':>7}"
    )
    for r in report["screen"]:
        lines.append(
            f"{r['name']:<44} {r['per_s']:10,.0f} {r['per_s'] / r['jobs']:10,.0f} "
            f"{r['per_cpu_s']:10,.0f} {r['wall_seconds']:8.1f} {r['peak_rss_mb']:7.0f} "
            f"{r['peak_pss_mb']:7.0f}"
        )
    imp = report["import"]
    lines.append("")
    lines.append(
        f"import rongcuo: {imp['ms']:.0f} ms (heavy modules loaded: {imp['heavy_modules_loaded']})"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines-n", type=int, default=None)
    ap.add_argument("--screen-sizes", default=None, help="comma-separated, e.g. 100000,1000000")
    ap.add_argument("--jobs", default="1,2")
    args = ap.parse_args(argv)
    engines_n = args.engines_n or (1000 if args.quick else 5000)
    sizes = [
        int(s)
        for s in (args.screen_sizes or ("20000" if args.quick else "100000,1000000")).split(",")
    ]
    jobs = [int(j) for j in args.jobs.split(",")]

    rules = rongcuo.load_ruleset(corpus.V1_RULES)  # v1: delete with the v1 path
    filings = [Filing.model_validate(d) for d in corpus.generate(engines_n, seed=args.seed)]
    statuses: dict[str, int] = {}
    for f in filings:
        s = decide_status(f, rules).value
        statuses[s] = statuses.get(s, 0) + 1
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": os.getloadavg(),
        },
        "ruleset": {"label": rules.label, "digest": rules.digest, "clauses": len(rules.clauses)},
        "corpus": {"seed": args.seed, "engines_n": engines_n, "statuses": statuses},
    }
    print(f"corpus: {engines_n} filings, statuses {statuses}", flush=True)
    report["agreement"] = check_peers(rules, filings)
    print(f"agreement: every peer finds the native holding clauses on all {engines_n}", flush=True)
    report["engines"] = bench_engines(rules, filings)
    report["screen"] = []
    for n in sizes:
        path = corpus_file(n, args.seed)
        for j in jobs:
            row = bench_screen(path, n, j)
            print(
                f"  {row['name']}: {row['per_s']:,.0f}/s, peak {row['peak_rss_mb']:.0f} MB",
                flush=True,
            )
            report["screen"].append(row)
    report["import"] = import_time()
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
