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
    done = _cli("check", str(bad), "--lang", "en")
    assert done.returncode == 1
    assert f"{bad}:2:9: $.subject.kind: filing_invalid_value" in done.stderr
    assert "filing_unknown_field" in done.stderr and "did you mean 'public_spirited'" in done.stderr
    assert "Traceback" not in done.stderr


def _readme_shell_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines: list[str] = []
    for block in text.split("```sh")[1:]:
        body = block.split("```")[0]
        lines += [
            ln.strip() for ln in body.splitlines() if ln.strip().startswith(".venv/bin/rongcuo")
        ]
    return lines


@pytest.mark.parametrize("line", _readme_shell_lines())
def test_readme_shell_command_runs(line: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import shlex

    if "git:" in line:
        pytest.skip("git revisions are tested in tests/test_diff.py")
    (tmp_path / "rules").symlink_to(ROOT / "rules")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    with (tmp_path / "filings.jsonl").open("w", encoding="utf-8") as out:
        for path in sorted((ROOT / "examples").glob("*.json")):
            out.write(
                json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False) + "\n"
            )
    # the verify line reads the verdict written by the check line before it
    done_check = subprocess.run(
        [
            sys.executable,
            "-m",
            "rongcuo.cli",
            "check",
            "examples/eligible-p3-relief-funds.yaml",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    (tmp_path / "verdict.json").write_text(done_check.stdout, encoding="utf-8")
    command = line.split("  #", maxsplit=1)[0].replace(
        ".venv/bin/rongcuo", f"{shlex.quote(sys.executable)} -m rongcuo.cli", 1
    )
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, f"{line}\n{done.stderr[-2000:]}"
    assert "Traceback" not in done.stderr
