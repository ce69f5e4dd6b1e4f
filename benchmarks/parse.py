"""Parsing at the speed of the model (issue 11's parity, issue 17's item 3), and screening's
memory on a long stream.

    python benchmarks/parse.py                      # 7 rounds, CPU time, one process
    python benchmarks/parse.py --rounds 3
    python benchmarks/parse.py --memory 1000000     # peak memory of `rongcuo screen` on a
                                                    # generated stream of 1M filings (minutes)

**Speed.** The filings are those the bundled rules and their tests hold (the examples, the golden
cases, every clause example), each as the JSON bytes of its canonical dump, and, for the
ratio, the first model's on its own (tests/v1/). Each step runs over all of them three times a
round, the steps interleaved round by round, timed by the process's CPU time; printed: the
median and range of the rounds, in µs a filing.

* ``jiter`` — the JSON bytes to Python values alone (duplicate keys refused), the floor of any
  reader that refuses them;
* ``parse v1`` — ``parse_filing(bytes)`` with the first model (tests/v1/rules);
* ``parse v2`` — ``parse_filing(bytes)`` with the bundled model: bytes to a coded ``Filing``;
* ``screen_record`` — one JSONL line to its record (parse, status, deciding clauses, missing
  facts), as ``rongcuo screen`` makes each.

and the ratio parse v2 / parse v1 of each round (issue 11: ≤ 1.2).

**Memory.** ``--memory N`` writes N filings (the same filings, each with its own ``id``) as
JSONL into ``rongcuo screen - --format json`` (``--jobs J``, default 1) from a thread of this
process, and reads its records as they come; printed: the peak resident set of the screening
process (``ru_maxrss`` of the waited-for child; with ``--jobs`` > 1 the largest of its
processes), its CPU time and filings a CPU second (issue 17: < 200 MB on 1M filings). Not run
in CI.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jiter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import model_versions  # noqa: E402  (beside this script)

import rongcuo  # noqa: E402
from rongcuo.batch.screen import screen_record  # noqa: E402


def _filings(rules: rongcuo.Ruleset, examples: Path, cases: Path) -> list[bytes]:
    """The JSON bytes of every filing the ruleset's examples, golden cases and clause examples
    hold (model_versions.py's inputs), each dumped canonically (unknown facts left out)."""
    return [
        json.dumps(f.model_dump(mode="json", exclude_none=True), ensure_ascii=False).encode()
        for f in model_versions._filings(rules, examples, cases)
    ]


def _cpu_per_item(fn: Callable[[bytes], Any], items: Sequence[bytes], passes: int = 3) -> float:
    """CPU µs per call of ``fn`` over ``items``, ``passes`` times (after a warm-up over the
    first few)."""
    for item in items[:10]:
        fn(item)
    gc.collect()
    start = time.process_time()
    for _ in range(passes):
        for item in items:
            fn(item)
    return (time.process_time() - start) / (passes * len(items)) * 1e6


def _shown(samples: Sequence[float], digits: int = 1) -> str:
    mid, lo, hi = statistics.median(samples), min(samples), max(samples)
    return f"{mid:8.{digits}f}  ({lo:.{digits}f}–{hi:.{digits}f})"


def speed(rounds: int) -> int:
    v1 = rongcuo.load_ruleset(ROOT / "tests" / "v1" / "rules")
    v2 = rongcuo.bundled_ruleset()
    docs_v1 = _filings(v1, ROOT / "tests" / "v1" / "examples", ROOT / "tests" / "v1" / "cases")
    docs_v2 = _filings(v2, ROOT / "examples", ROOT / "tests" / "cases")
    for doc in docs_v2:  # every filing reads, and screens to a status, before anything is timed
        record = screen_record(doc, rules=v2)
        if "error" in record:
            raise SystemExit(f"a filing does not read: {record['error']}")

    def json_only(d: bytes) -> object:
        return jiter.from_json(d, allow_inf_nan=False, catch_duplicate_keys=True)

    steps: dict[str, tuple[Callable[[bytes], Any], list[bytes]]] = {
        "jiter (JSON bytes to values)": (json_only, docs_v2),
        "parse v1 (first model)": (lambda d: rongcuo.parse_filing(d, rules=v1), docs_v1),
        "parse v2 (bytes to a coded Filing)": (rongcuo.parse_filing, docs_v2),
        "screen_record (one JSONL line to its record)": (
            lambda d: screen_record(d, rules=v2),
            docs_v2,
        ),
    }
    results: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, (fn, items) in steps.items():
            results[name].append(_cpu_per_item(fn, items))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"filings: v1 {len(docs_v1)}, v2 {len(docs_v2)} (mean {_mean_len(docs_v2):.0f} bytes); "
        f"{rounds} rounds, CPU µs a filing, median (range); load average {load:.2f}"
    )
    for name, samples in results.items():
        print(f"{name:<48} {_shown(samples)}")
    ratios = [
        b / a
        for a, b in zip(
            results["parse v1 (first model)"],
            results["parse v2 (bytes to a coded Filing)"],
            strict=True,
        )
    ]
    ok = statistics.median(ratios) <= 1.2
    print(
        f"{'parse v2 / parse v1, round by round':<48} {_shown(ratios, 2)}"
        f"  target ≤ 1.2: {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


def _mean_len(docs: Sequence[bytes]) -> float:
    return sum(map(len, docs)) / len(docs)


def memory(n: int, jobs: int) -> int:
    docs = [json.loads(d) for d in _filings(rongcuo.bundled_ruleset(), *_v2_dirs())]
    cmd = [sys.executable, "-m", "rongcuo.cli", "screen", "-", "--format", "json"]
    cmd += ["--jobs", str(jobs)]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None

    def feed() -> None:
        assert proc.stdin is not None
        try:
            for i in range(n):
                doc = dict(docs[i % len(docs)], id=f"m-{i}")
                proc.stdin.write(json.dumps(doc, ensure_ascii=False).encode() + b"\n")
        finally:
            proc.stdin.close()

    writer = threading.Thread(target=feed, daemon=True)
    start = time.perf_counter()
    writer.start()
    records = 0
    for _line in proc.stdout:
        records += 1
    stderr = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    writer.join()
    if proc.returncode != 0 or records != n:
        raise SystemExit(
            f"screen failed (exit {proc.returncode}, {records} of {n} records): "
            f"{stderr.decode(errors='replace')[-2000:]}"
        )
    cpu = usage.ru_utime + usage.ru_stime
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    ok = peak_mb < 200
    print(
        f"rongcuo screen, {n:,} filings from standard input, {jobs} job(s): peak RSS "
        f"{peak_mb:.0f} MB (target < 200: {'met' if ok else 'NOT met'}); CPU {cpu:.0f} s "
        f"({n / cpu:,.0f} filings a CPU second); wall {wall:.0f} s; load average {load:.2f}"
    )
    return 0 if ok else 1


def _v2_dirs() -> tuple[Path, Path]:
    return ROOT / "examples", ROOT / "tests" / "cases"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--memory", type=int, default=0, metavar="N")
    ap.add_argument("--jobs", type=int, default=1)
    args = ap.parse_args(argv)
    if args.memory:
        return memory(args.memory, args.jobs)
    return speed(args.rounds)


if __name__ == "__main__":
    raise SystemExit(main())
