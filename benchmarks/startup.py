"""Start-up time: how long a fresh process takes before it can screen a filing.

    python benchmarks/startup.py            # 3 runs of each step; --runs N for more

Each run is a new Python process, so nothing is warm but the operating system's file cache and
rongcuo's compiled-ruleset cache (src/rongcuo/rules/cache.py). The steps:

* ``import rongcuo`` alone, timed inside the process;
* ``import rongcuo`` + ``rongcuo.bundled_ruleset()``, timed inside the process (target < 150 ms),
  with the ruleset cache warm, and with it off (``RONGCUO_CACHE=off``: the rules parsed, checked
  and their clause examples run, as on the first run after an install or a rule change);
* ``rongcuo check examples/eligible-p3-relief-funds.yaml``, the whole process from exec to exit,
  as a shell would time it (target < 400 ms), cache warm.

Prints one line a step (every run, and the median) and whether the median meets its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "eligible-p3-relief-funds.yaml"

IMPORT = (
    "import time; t = time.perf_counter(); import rongcuo; print((time.perf_counter() - t) * 1000)"
)
IMPORT_AND_RULES = (
    "import time; t = time.perf_counter(); import rongcuo; rongcuo.bundled_ruleset(); "
    "print((time.perf_counter() - t) * 1000)"
)

LOOP = (
    "import time; t = time.perf_counter(); sum(range(10**7)); "
    "print((time.perf_counter() - t) * 1000)"
)
PYDANTIC = (
    "import time; t = time.perf_counter(); import pydantic; from pydantic import BaseModel; "
    "print((time.perf_counter() - t) * 1000)"
)


def _inside(code: str, env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(done.stdout.strip())


def _whole(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=env, check=True)
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rongcuo_cmd = [str(Path(sys.executable).with_name("rongcuo"))]
    if not Path(rongcuo_cmd[0]).exists():
        rongcuo_cmd = [sys.executable, "-m", "rongcuo.cli"]
    with tempfile.TemporaryDirectory() as cache:
        warm = {**os.environ, "RONGCUO_CACHE_DIR": cache}
        off = {**warm, "RONGCUO_CACHE": "off"}
        _inside(IMPORT_AND_RULES, warm)  # fill the cache once
        steps: list[tuple[str, float | None, list[float]]] = [
            ("import rongcuo", None, [_inside(IMPORT, warm) for _ in range(args.runs)]),
            (
                "import rongcuo + bundled_ruleset() (cache warm)",
                150.0,
                [_inside(IMPORT_AND_RULES, warm) for _ in range(args.runs)],
            ),
            (
                "import rongcuo + bundled_ruleset() (cache off: parse, check, examples)",
                None,
                [_inside(IMPORT_AND_RULES, off) for _ in range(args.runs)],
            ),
            (
                "rongcuo check, whole process (cache warm)",
                400.0,
                [_whole([*rongcuo_cmd, "check", str(EXAMPLE)], warm) for _ in range(args.runs)],
            ),
        ]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.2f}, "
        f"{args.runs} runs a step (ms)"
    )
    # how fast this machine is right now, to scale the figures: a fixed loop, and the floor of
    # any process that validates with pydantic
    loop = _inside(LOOP, dict(os.environ))
    print(f"{'calibration: sum(range(10**7)) in one process':<72} {loop:.0f}")
    pydantic = [_inside(PYDANTIC, dict(os.environ)) for _ in range(args.runs)]
    print(f"{'calibration: import pydantic':<72} median {statistics.median(pydantic):.0f}")
    failed = False
    for name, target, runs in steps:
        median = statistics.median(runs)
        shown = ", ".join(f"{r:.0f}" for r in runs)
        verdict = ""
        if target is not None:
            ok = median < target
            failed |= not ok
            verdict = f"  target < {target:.0f}: {'met' if ok else 'NOT met'}"
        print(f"{name:<72} {shown:<20} median {median:5.0f}{verdict}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
