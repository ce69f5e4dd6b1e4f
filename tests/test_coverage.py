"""Rule coverage: case files are read (or refused with coded problems), expectations are checked,
and an element counts as covered exactly when cases show it deciding its clause both ways."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo import strategies as S
from rongcuo.analysis.coverage import (
    Case,
    CaseError,
    clause_example_cases,
    coverage,
    load_cases,
    render_coverage,
)
from rongcuo.facts.model import Filing

from .conftest import ROOT

RULES = rongcuo.bundled_ruleset()
CASES = ROOT / "tests" / "cases"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "coverage", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def test_clause_examples_cover_every_element_and_pass() -> None:
    report = coverage(clause_example_cases(RULES), RULES)
    assert report.failures == []
    assert report.cases == sum(len(c.examples) for c in RULES.clauses)
    uncovered = [f"{cid}/{e.id}" for cid, e in report.elements if not e.covered]
    assert uncovered == []  # each element has a near miss failing on it, and an example holding


def test_golden_cases_pass_their_expectations() -> None:
    cases = load_cases(CASES)
    assert len(cases) == len(list(CASES.glob("*.yaml")))
    assert coverage(cases, RULES).failures == []


@pytest.mark.parametrize("clause_id", [c.id for c in RULES.clauses])
def test_a_boundary_pair_covers_an_element_of_its_clause(clause_id: str) -> None:
    @settings(max_examples=3, deadline=None)
    @given(S.boundary_pairs(clause_id))
    def run(pair: tuple[Filing, Filing]) -> None:
        report = coverage([Case("holds", pair[0]), Case("fails", pair[1])], RULES)
        [clause] = [c for c in report.clauses if c.id == clause_id]
        # The one fact that differs may feed several elements at once (P11's adverse impact is
        # read by two); only when exactly one element flips does the pair show it alone decides.
        program, spec = RULES.program, RULES.clause(clause_id)
        values = [
            {e.id: program.element_value(clause_id, e.id, f, {}) for e in spec.elements}
            for f in pair
        ]
        flipped = [e for e in values[0] if values[0][e] is not values[1][e]]
        covered = {e.id for e in clause.elements if e.covered}
        if len(flipped) == 1:
            assert covered == set(flipped)
        else:
            assert covered <= set(flipped)

    run()


@settings(max_examples=20, deadline=None)
@given(st.sampled_from([c.id for c in RULES.clauses]).flatmap(S.satisfying))
def test_one_case_never_covers_an_element(filing: Filing) -> None:
    report = coverage([Case("one", filing)], RULES)
    assert not any(e.covered for _, e in report.elements)
    assert not any(c.covered for c in report.clauses)


def test_failed_expectations_are_reported(tmp_path: Path) -> None:
    case = {"filing": {}, "expect": {"status": "eligible", "clauses": {"P1": True}}}
    (tmp_path / "a.json").write_text(json.dumps(case), encoding="utf-8")
    report = coverage(load_cases(tmp_path), RULES)
    assert report.failures == [
        ("a.json", ["status insufficient_facts, expected eligible", "P1 is unknown, expected true"])
    ]
    proc = _run(str(tmp_path))
    assert proc.returncode == 3
    assert "a.json" in proc.stdout


def test_jsonl_cases_one_a_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"filing": {"subject": {"kind": "unit"}}, "expect": {"status": s}})
        for s in ("insufficient_facts", "insufficient_facts")
    ]
    (tmp_path / "cases.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    cases = load_cases(tmp_path / "cases.jsonl")
    assert [c.name for c in cases] == ["cases.jsonl:1", "cases.jsonl:2"]


def test_malformed_cases_are_coverage_case_problems(tmp_path: Path) -> None:
    (tmp_path / "01.yaml").write_text("filing: {}\nexpected: {status: eligible}\n", "utf-8")
    (tmp_path / "02.yaml").write_text("- not a mapping\n", "utf-8")
    (tmp_path / "03.yaml").write_text("filing:\n  subject: {kind: robot}\n", "utf-8")
    with pytest.raises(CaseError) as info:
        load_cases(tmp_path)
    shown = [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]
    assert shown[0].startswith("01.yaml:2:1: $.expected: coverage_case:"), shown
    assert shown[1].startswith("02.yaml:1:1: coverage_case:")
    assert shown[2].startswith("03.yaml:2:19: $.filing.subject.kind: filing_invalid_value:")
    proc = _run(str(tmp_path))
    assert proc.returncode == 1
    assert "coverage_case" in proc.stderr


def test_text_and_json_output() -> None:
    zh = _run("--clause-examples")
    en = _run("--clause-examples", "-l", "en")
    js = _run("--clause-examples", "-f", "json")
    assert zh.returncode == en.returncode == js.returncode == 0, zh.stderr
    assert "规则覆盖" in zh.stdout and "Rule coverage" in en.stdout
    data = json.loads(js.stdout)
    assert data["summary"]["elements"] == sum(len(c.elements) for c in RULES.clauses)
    assert data["failed"] == []
    report = coverage(clause_example_cases(RULES), RULES)
    assert en.stdout == render_coverage(report, lang="en")
    assert _run("--clause-examples", "-f", "json").stdout == js.stdout  # deterministic


def test_no_cases_is_a_usage_error() -> None:
    assert _run().returncode == 2


def test_the_figures_in_docs_testing_md_are_current() -> None:
    """docs/testing.md quotes the coverage of the bundled rules by the clause examples, the golden
    cases and both; a rule, example or case added without updating those figures fails here."""
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert f"(ruleset `sha256:{RULES.digest[:16]}…`" in text
    examples, golden = clause_example_cases(RULES), load_cases(CASES)
    reports = {
        "clause examples": coverage(examples, RULES),
        "golden cases": coverage(golden, RULES),
        "both": coverage([*golden, *examples], RULES),
    }
    for label, report in reports.items():
        [row] = [line for line in text.splitlines() if line.startswith(f"| {label} ")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        summary = report.to_data()["summary"]
        want = [
            str(report.cases),
            str(len(report.failures)),
            f"{summary['elements_covered']}/{summary['elements']}",
            str(summary["elements_partly_covered"]),
            str(summary["elements_unexercised"]),
        ]
        assert cells[1:6] == want, label
        assert cells[6].split()[0] == f"{summary['clauses_covered']}/{summary['clauses']}", label
