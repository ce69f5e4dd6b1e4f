"""``rongcuo test``: expectation cases run as tests, like ``opa test``, with a JUnit XML report
and exit codes a CI job can act on (0 passed, 3 a case failed, 1 unreadable input, 2 usage)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from rongcuo.cli import app

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"
RULES = str(ROOT / "rules")
GOOD = CASES / "01-eligible-p3-relief-funds.yaml"


def _docs_examples() -> dict[str, str]:
    """docs/testing.md's ``rongcuo test`` console examples: ``{command: its output}``."""
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    section = text[text.index("## Expectation cases as tests") :]
    block = section.split("```console\n")[1].split("```")[0]
    shown: dict[str, str] = {}
    command = ""
    for line in block.splitlines():
        if line.startswith("$ "):
            command = line[2:]
            shown[command] = ""
        else:
            shown[command] += line + "\n"
    return shown


DOCS = _docs_examples()


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["test", "--rules", RULES, *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_the_golden_cases_and_clause_examples_pass(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    code, out, _ = _run(str(CASES), "--clause-examples", "--junit", str(report), "-l", "en")
    assert code == 0, out
    files = len([p for p in CASES.iterdir() if p.suffix in (".yaml", ".json")])
    root = ET.fromstring(report.read_bytes())
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) > files  # the case files, then the clause examples
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == "0"
    assert {c.get("name") for c in cases} >= {GOOD.name}
    assert out.splitlines()[-1] == f"PASS: {len(cases)}/{len(cases)}"
    shown = DOCS["rongcuo test tests/cases --clause-examples --junit report.xml --lang en"]
    assert out == shown


def test_a_case_whose_expectation_fails(tmp_path: Path) -> None:
    """A case saying the P3 relief-funds filing is ineligible (its file says eligible: P3's
    reading in the case's note) fails with what was found and what was expected."""
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(GOOD, cases / GOOD.name)
    text = GOOD.read_text(encoding="utf-8")
    assert "  status: eligible\n" in text
    (cases / "02-wrong.yaml").write_text(
        text.replace("  status: eligible\n", "  status: ineligible\n"), encoding="utf-8"
    )
    report = tmp_path / "junit.xml"
    code, out, _ = _run(str(cases), "--junit", str(report), "-l", "en")
    assert code == 3
    assert out == DOCS["rongcuo test my-cases --lang en"]
    suite = ET.fromstring(report.read_bytes()).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    [failure] = suite.findall("testcase/failure")
    assert failure.get("message") == "status eligible, expected ineligible"

    code, out, _ = _run(str(cases), "--format", "json")
    assert code == 3
    data = json.loads(out)
    assert (data["passed"], data["failed"]) == (1, 1)
    assert data["cases"][1] == {
        "name": "02-wrong.yaml",
        "passed": False,
        "problems": ["status eligible, expected ineligible"],
    }

    code, out, _ = _run(str(cases), "-v")  # in Chinese by default; -v lists the passing case
    assert code == 3
    assert out.splitlines() == [
        f"通过 {GOOD.name}",
        "失败 02-wrong.yaml",
        "  status eligible, expected ineligible",
        "-" * 40,
        "通过: 1/2",
        "失败: 1/2",
    ]


def test_unreadable_input_and_usage(tmp_path: Path) -> None:
    code, _, err = _run(str(tmp_path / "missing"), "-l", "en")
    assert code == 1 and "io_error" in err
    code, _, err = _run(str(GOOD), "--junit", str(tmp_path / "no" / "dir.xml"), "-l", "en")
    assert code == 1 and "io_error" in err
    code, _, _ = _run()
    assert code == 2
