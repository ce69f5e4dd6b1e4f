"""Examples in the README and docs run, and say what the code does."""

from __future__ import annotations

import doctest
import subprocess
import sys

import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_doctests_in_docs(path) -> None:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    if ">>> " not in text:
        pytest.skip("no Python examples")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, path.name, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest failures in {path.name}"


def test_package_docstrings_run() -> None:
    import rongcuo

    result = doctest.testmod(rongcuo, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_readme_cli_commands_work() -> None:
    done = _cli("check", "examples/ineligible-n4-vanity-project.json", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "not eligible for filing" in done.stdout and "N4" in done.stdout
    schema = _cli("schema")
    assert schema.returncode == 0 and '"title": "主观上出于公心"' in schema.stdout
    rules = _cli("rules")
    assert rules.returncode == 0 and "P15" in rules.stdout


def test_cli_reads_stdin_and_writes_json() -> None:
    import json

    source = (ROOT / "examples" / "insufficient-facts-p2-project.yaml").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "check", "-", "--format", "json"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "insufficient_facts"


def test_cli_invalid_filing_exits_1_with_located_problems(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("subject:\n  kind: team\nmotive:\n  publc_spirited: true\n", encoding="utf-8")
    done = _cli("check", str(bad))
    assert done.returncode == 1
    assert f"{bad}:2:9: $.subject.kind: filing_invalid_value" in done.stderr
    assert "filing_unknown_field" in done.stderr and "did you mean 'public_spirited'" in done.stderr
    assert "Traceback" not in done.stderr
