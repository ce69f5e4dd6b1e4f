"""Start-up time: how long a fresh process takes before it can screen a filing.

    python benchmarks/startup.py              # 5 rounds; --rounds N for more

Each measurement is a new Python process, so nothing is warm but the operating system's file
cache, the modules' bytecode (compiled once first, into ``__pycache__``, as an install does: a
checkout run with ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module in every
process) and, where said, rongcuo's compiled-ruleset cache (src/rongcuo/rules/cache.py). The
steps run interleaved, one of each a round, so a busy moment of a shared machine hits them
alike; each is reported as the median and range of the rounds, in wall-clock milliseconds and
in CPU milliseconds (user + system, which a loaded machine disturbs less):

* ``import pydantic, yaml``: the floor of any process that validates a filing, for the ratio;
* ``import rongcuo`` alone, timed inside the process (issue 17: ≤ 1.5× the floor above);
* ``import rongcuo`` + ``rongcuo.bundled_ruleset()``, timed inside the process (issue 13:
  < 150 ms), with the ruleset cache warm, and with it off (``RONGCUO_CACHE=off``: the rules
  parsed, checked and their clause examples run, as on the first run after an install or a
  rule change);
* ``rongcuo check examples/eligible-p3-relief-funds.yaml``, the whole process from exec to
  exit, as a shell would time it (issue 13: < 400 ms), cache warm: a plain check, which
  ``rongcuo.cli.main`` runs without the typer app;
* the same with ``--backend native`` (the default, so the same work), which the typer app runs:
  what the plain-check path saves, as the ratio of the two, round by round;
* with ``--against DIR`` (another rongcuo checkout, an older commit say: ``git worktree add
  /tmp/old <commit>``), the plain check run by that checkout's code too (its ``src`` first on
  ``PYTHONPATH``), in the same rounds, and the ratio of the two, round by round: a before and
  after measured side by side.

Prints one line a step and whether each target is met (by the wall-clock median); exits 1 when
one is not.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "eligible-p3-relief-funds.yaml"

_TIMED = (
    "import time; w = time.perf_counter(); c = time.process_time(); {code}; "
    "print((time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000)"
)
FLOOR = _TIMED.format(code="import pydantic, yaml")
IMPORT = _TIMED.format(code="import rongcuo")
IMPORT_AND_RULES = _TIMED.format(code="import rongcuo; rongcuo.bundled_ruleset()")

Sample = tuple[float, float]  # wall ms, CPU ms
AGAINST = "rongcuo check, whole process (cache warm), against"


def _inside(code: str, env: dict[str, str]) -> Sample:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def _whole(argv: list[str], env: dict[str, str]) -> Sample:
    before = os.times()
    t = time.perf_counter()
    subprocess.run(argv, capture_output=True, env=env, check=True)
    wall = (time.perf_counter() - t) * 1000
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu * 1000


def _shown(samples: list[float]) -> str:
    return f"{statistics.median(samples):6.0f} ({min(samples):.0f}–{max(samples):.0f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="another rongcuo checkout to compare with")
    args = parser.parse_args()
    compileall.compile_dir(ROOT / "src" / "rongcuo", quiet=1)  # bytecode, as an install has
    if args.against is not None:
        compileall.compile_dir(args.against / "src" / "rongcuo", quiet=1)
    rongcuo_cmd = [str(Path(sys.executable).with_name("rongcuo"))]
    if not Path(rongcuo_cmd[0]).exists():
        rongcuo_cmd = [sys.executable, "-m", "rongcuo.cli"]
    with tempfile.TemporaryDirectory() as cache:
        warm = {**os.environ, "RONGCUO_CACHE_DIR": cache}
        off = {**warm, "RONGCUO_CACHE": "off"}
        _inside(IMPORT_AND_RULES, warm)  # fill the cache once
        steps: dict[str, tuple[float | None, Callable[[], Sample]]] = {
            "import pydantic, yaml (the floor)": (None, lambda: _inside(FLOOR, warm)),
            "import rongcuo": (None, lambda: _inside(IMPORT, warm)),
            "import rongcuo + bundled_ruleset() (cache warm)": (
                150.0,
                lambda: _inside(IMPORT_AND_RULES, warm),
            ),
            "import rongcuo + bundled_ruleset() (cache off: parse, check, examples)": (
                None,
                lambda: _inside(IMPORT_AND_RULES, off),
            ),
            "rongcuo check, whole process (cache warm)": (
                400.0,
                lambda: _whole([*rongcuo_cmd, "check", str(EXAMPLE)], warm),
            ),
            "rongcuo check --backend native, whole process (the typer app)": (
                None,
                lambda: _whole([*rongcuo_cmd, "check", str(EXAMPLE), "--backend", "native"], warm),
            ),
        }
        if args.against is not None:
            path = os.pathsep.join(
                [str(args.against.resolve() / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
            )
            other = {**warm, "PYTHONPATH": path}
            _whole([*rongcuo_cmd, "check", str(EXAMPLE)], other)  # fill its cache entry once
            steps[AGAINST] = (None, lambda: _whole([*rongcuo_cmd, "check", str(EXAMPLE)], other))
        runs: dict[str, list[Sample]] = {name: [] for name in steps}
        for _ in range(args.rounds):
            for name, (_target, run) in steps.items():
                runs[name].append(run())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load:.2f}, "
        f"{args.rounds} rounds; median (range) in ms"
    )
    print(f"{'step':<72} {'wall':>18} {'CPU':>18}")
    failed = False
    for name, (target, _run) in steps.items():
        wall = [w for w, _ in runs[name]]
        cpu = [c for _, c in runs[name]]
        verdict = ""
        if target is not None:
            ok = statistics.median(wall) < target
            failed |= not ok
            verdict = f"  target < {target:.0f}: {'met' if ok else 'NOT met'}"
        print(f"{name:<72} {_shown(wall):>18} {_shown(cpu):>18}{verdict}")
    # the ratio of issue 17, round by round (each round's two processes ran side by side)
    floor = runs["import pydantic, yaml (the floor)"]
    own = runs["import rongcuo"]
    for i, label in ((0, "wall"), (1, "CPU")):
        ratios = [o[i] / f[i] for o, f in zip(own, floor, strict=True)]
        ok = statistics.median(ratios) <= 1.5
        failed |= not ok
        print(
            f"{'import rongcuo / import pydantic, yaml (' + label + ')':<72} "
            f"{statistics.median(ratios):6.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
            f"  target ≤ 1.5: {'met' if ok else 'NOT met'}"
        )
    plain = runs["rongcuo check, whole process (cache warm)"]
    by_app = runs["rongcuo check --backend native, whole process (the typer app)"]
    for i, label in ((0, "wall"), (1, "CPU")):
        ratios = [p[i] / a[i] for p, a in zip(plain, by_app, strict=True)]
        print(
            f"{'rongcuo check / the same through the typer app (' + label + ')':<72} "
            f"{statistics.median(ratios):6.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
        )
    if args.against is not None:
        print(f"(against: {args.against})")
        before = runs[AGAINST]
        for i, label in ((0, "wall"), (1, "CPU")):
            ratios = [p[i] / b[i] for p, b in zip(plain, before, strict=True)]
            print(
                f"{'rongcuo check / the same against (' + label + ')':<72} "
                f"{statistics.median(ratios):6.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
