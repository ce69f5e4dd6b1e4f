"""The bundled rules are found after a plain install of the built wheel, not only from a checkout."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from .conftest import ROOT


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
    for name in ("ruleset.yaml", "positive.yaml", "negative.yaml"):
        assert f"rongcuo/_bundled_rules/{name}" in names
    assert "rongcuo/py.typed" in names
    # run from the unpacked wheel alone (dependencies from this environment), away from the checkout
    probe = (
        "import rongcuo, rongcuo.rules.load as l; r = rongcuo.bundled_ruleset(); "
        "print(l.bundled_rules_dir().parent.parent == __import__('pathlib').Path(rongcuo.__file__).parent.parent, "
        "len(r.clauses), r.digest)"
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
    inside, count, digest = done.stdout.split()
    assert inside == "True" and count == "24"
    import rongcuo

    assert digest == rongcuo.load_ruleset(ROOT / "rules").digest
