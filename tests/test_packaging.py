"""The bundled rules are found after a plain install of the built wheel, not only from a checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import EXAMPLES, ROOT, RULES


def test_wheel_ships_the_bundled_rules_and_they_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("rongcuo-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    for name in (
        "ruleset.yaml",
        "facts.yaml",
        "positive.yaml",
        "negative.yaml",
        "bars.yaml",
        "companions.yaml",
    ):
        assert f"rongcuo/_bundled_rules/{name}" in names
    assert "rongcuo/py.typed" in names
    # run from the unpacked wheel alone (dependencies from this environment), away from the checkout
    probe = (
        "import rongcuo, rongcuo.rules.load as l; r = rongcuo.bundled_ruleset(); "
        "print(l.bundled_rules_dir().parent.parent == __import__('pathlib').Path(rongcuo.__file__).parent.parent, "
        "r.digest, ','.join(c.id for c in r.clauses if c.list.value in ('positive', 'negative')))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {probe}",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    inside, digest, listed = done.stdout.split()
    # the two lists of 平纪发〔2022〕4号: 15 positive clauses and 9 negative ones
    positives = [f"P{i}" for i in range(1, 16)]
    negatives = [f"N{i}" for i in range(1, 10)]
    assert inside == "True" and sorted(listed.split(",")) == sorted(positives + negatives)
    import rongcuo

    assert digest == rongcuo.load_ruleset(ROOT / "rules").digest


PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]


def _wheel(tmp_path: Path) -> Path:
    built = subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("rongcuo-*.whl")
    return wheel


def test_wheel_metadata(tmp_path: Path) -> None:
    import rongcuo

    wheel = _wheel(tmp_path)
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        (meta_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = zf.read(meta_name).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert f"Version: {rongcuo.__version__}\n" in meta
    assert "License-Expression: MIT" in meta
    assert "Classifier: Programming Language :: Python :: 3.11" in meta
    assert "Provides-Extra: dask" in meta and "Provides-Extra: service" in meta


def test_fresh_venv_without_extras(tmp_path: Path) -> None:
    """The built wheel in a new virtual environment with its plain dependencies only: it imports,
    evaluates the examples, and what needs an extra says so with a code, not a traceback."""
    import rongcuo

    wheel = _wheel(tmp_path / "dist")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    installed = subprocess.run(
        [str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    env["RONGCUO_CACHE_DIR"] = str(tmp_path / "cache")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv), capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
        )

    # no extra came with it
    for module in ("z3", "durable", "hypothesis", "fastapi", "uvicorn", "dask"):
        probe = run(str(py), "-c", f"import importlib.util as u; print(u.find_spec({module!r}))")
        assert probe.stdout.strip() == "None", (module, probe.stdout, probe.stderr)
    # it imports and evaluates every example as this checkout does
    for example in sorted(EXAMPLES.glob("*.*")):
        code = (
            "import json, sys, rongcuo; "
            f"v = rongcuo.evaluate(rongcuo.load_filing({str(example)!r})); "
            "print(json.dumps([rongcuo.__file__, v.status.value, [c.id for c in v.decisive]]))"
        )
        done = run(str(py), "-c", code)
        assert done.returncode == 0, done.stderr
        where, status, decisive = json.loads(done.stdout)
        assert where.startswith(str(venv))
        expected = rongcuo.evaluate(rongcuo.load_filing(example), rules=rongcuo.load_ruleset(RULES))
        assert (status, decisive) == (expected.status.value, [c.id for c in expected.decisive])
    rongcuo_cmd = str(venv / "bin" / "rongcuo")
    version = run(rongcuo_cmd, "--version")
    assert version.stdout.strip() == f"rongcuo {rongcuo.__version__}", version.stderr
    check = run(rongcuo_cmd, "check", str(EXAMPLES / "eligible-p3-relief-funds.yaml"))
    assert check.returncode == 0, check.stderr
    # what needs an extra: a coded error with the install hint, exit 1, no traceback
    for argv, extra in (
        (["diff", str(RULES), str(RULES), "--lang", "en"], "solver"),
        (["lint", "--lang", "en"], "solver"),
        (["serve", "--lang", "en", "--port", "0"], "service"),
        (["check", str(EXAMPLES / "needs-determination.yaml"), "--backend", "durable"], "durable"),
    ):
        done = run(rongcuo_cmd, *argv)
        assert done.returncode == 1, (argv, done.stdout, done.stderr)
        assert "backend_unavailable" in done.stderr and f"rongcuo[{extra}]" in done.stderr, argv
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, argv
    strategies = run(
        str(py),
        "-c",
        "import rongcuo\n"
        "try:\n    import rongcuo.strategies\n"
        "except rongcuo.RongcuoError as exc:\n    print(exc.codes, exc.problems[0].hint)",
    )
    assert strategies.stdout.strip() == "('backend_unavailable',) pip install 'rongcuo[strategies]'"
