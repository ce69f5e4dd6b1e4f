"""rongcuo lint on filing model v2: the bundled v2 rules lint clean; careless v2 rules are caught.

The expectations come from the reading written in the rules and docs/interpretation-v2.md: every
positive clause is a real ground of exemption, so each can make some filing eligible; an N1 that
ignores the carve-out of position 1 (the kinds of act a positive clause tolerates) swallows the
positives that tolerate irregular spending.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.analysis.lint import Severity, lint_clauses, lint_ruleset
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
V2 = ROOT / "rules"


@pytest.fixture(scope="module")
def v2() -> Ruleset:
    return load_ruleset(V2)


def test_bundled_v2_rules_lint_clean(v2: Ruleset) -> None:
    report = lint_ruleset(v2)
    assert report.count(Severity.ERROR) == 0, [str(f) for f in report.findings]
    assert report.count(Severity.WARNING) == 0, [str(f) for f in report.findings]
    assert report.exit_code(strict=True) == 0
    # every ground of the positive list can make a filing eligible, P15 (a determination) too
    assert report.reachable == {f"P{i}": True for i in range(1, 16)}
    unread = {f.message.split()[3] for f in report.findings if f.code == "fact_unread"}
    assert "filed_on" in unread  # the date of the filing: no clause turns on it
    # text facts and a determination's record (who, when, why) are never listed
    assert not any(p in unread for p in ("summary", "acts.items[].summary"))
    assert not any(p.startswith("determinations.") for p in unread)
    # a records fact whose fields are read is read
    assert "acts.items" not in unread and "history.exemptions" not in unread
    assert report.records == 3 and report.to_data()["records_bound"] == 3


def _edited(rules: Ruleset, tmp_path: Path, name: str, edit: Any) -> Ruleset:
    rules.dump(tmp_path)
    path = tmp_path / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_ruleset(tmp_path)


def _clause(data: dict[str, Any], cid: str) -> dict[str, Any]:
    clause: dict[str, Any] = next(c for c in data["clauses"] if c["id"] == cid)
    clause.pop("examples", None)  # its examples were written for the careful reading
    return clause


def test_careless_n1_that_treats_irregular_spending_as_a_breach_is_caught(
    v2: Ruleset, tmp_path: Path
) -> None:
    """N1 read as 'irregular spending breaches financial discipline': P3, which tolerates exactly
    that (在资金、物资使用等方面不够规范), can then never make a filing eligible."""

    def edit(data: dict[str, Any]) -> None:
        n1 = _clause(data, "N1")
        n1["elements"][0]["test"] = {
            "some": "acts.items",
            "as": "act",
            "that": {"fact": "act.kind", "within": "spending"},
        }

    report = lint_ruleset(_edited(v2, tmp_path, "negative.yaml", edit))
    unreachable = {f.clause: f for f in report.findings if f.code == "positive_unreachable"}
    assert "P3" in unreachable, [str(f) for f in report.findings]
    assert "N1" in unreachable["P3"].message  # the negative that always holds with it
    assert report.reachable["P3"] is False
    assert report.exit_code() == 1


def test_unsatisfiable_element_inside_a_quantifier(v2: Ruleset, tmp_path: Path) -> None:
    """An act's harmed interests cannot be both none at all and include the state's: a
    contradiction across two operators, which only the solver sees."""

    def edit(data: dict[str, Any]) -> None:
        n7 = _clause(data, "N7")
        n7["elements"][0]["test"]["that"]["all"].append({"fact": "act.harmed", "empty": True})

    report = lint_ruleset(_edited(v2, tmp_path, "negative.yaml", edit))
    codes = {(f.code, f.clause) for f in report.findings}
    assert ("element_unsatisfiable", "N7") in codes
    assert ("clause_unsatisfiable", "N7") in codes


def test_cli_lint_v2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "lint", "rules", "--strict", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["counts"] == {"error": 0, "warning": 0, "info": data["counts"]["info"]}
    assert data["domain"] == "complete" and data["records_bound"] == 3
    assert all(data["reachable"].values())


def test_a_clause_after_the_catch_all_is_flagged(v2: Ruleset, tmp_path: Path) -> None:
    """其他经认定… closes the negative list: a clause numbered after it is out of place."""

    def edit(data: dict[str, Any]) -> None:
        n1 = _clause(data, "N1")
        n1["id"] = "N10"
        n1["item"] = 10

    rules = _edited(v2, tmp_path, "negative.yaml", edit)
    catalogue = rules.program.catalogue
    assert catalogue is not None
    findings = lint_clauses(rules.clauses, catalogue.decl)
    late = [f for f in findings if f.code == "clause_after_catch_all"]
    assert [f.clause for f in late] == ["N10"]
    assert "N9" in late[0].message and late[0].location.file.endswith("negative.yaml")
    # the bundled lists close with their catch-alls
    assert not any(f.code == "clause_after_catch_all" for f in lint_clauses(v2.clauses))


def _lint_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "lint", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_sarif_and_github_output(v2: Ruleset, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        _clause(data, "N7")  # drops its examples: two warnings
        n1 = _clause(data, "N1")
        n1["id"], n1["item"] = "N10", 10

    _edited(v2, tmp_path, "negative.yaml", edit)
    done = _lint_cli(str(tmp_path), "--format", "sarif")
    assert done.returncode == 0, done.stderr  # warnings only
    log = json.loads(done.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"clause_after_catch_all"}
    by_rule = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert ("clause_after_catch_all", "warning") in by_rule
    assert ("example_missing_holds", "warning") in by_rule
    assert ("fact_unread", "note") in by_rule
    late = next(r for r in run["results"] if r["ruleId"] == "clause_after_catch_all")
    physical = late["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"].endswith("negative.yaml")
    assert physical["region"]["startLine"] > 0
    assert _lint_cli(str(tmp_path), "--format", "sarif").stdout == done.stdout  # deterministic
    gh = _lint_cli(str(tmp_path), "--format", "github", "--strict")
    assert gh.returncode == 1  # --strict: warnings fail
    lines = gh.stdout.splitlines()
    assert any(
        line.startswith("::warning file=") and "title=rongcuo clause_after_catch_all::" in line
        for line in lines
    ), lines
    assert any(line.startswith("::notice title=rongcuo fact_unread::$.filed_on") for line in lines)


def test_text_and_json_are_the_same_bytes_twice(v2: Ruleset) -> None:
    """Two runs of the lint give the same report: the run time only on request (issue 14)."""
    first, second = lint_ruleset(v2), lint_ruleset(v2)
    for lang in ("zh", "en"):
        assert first.render_text(lang=lang) == second.render_text(lang=lang)
    assert json.dumps(first.to_data()) == json.dumps(second.to_data())
    assert "seconds" not in first.to_data() and "seconds" in first.to_data(timing=True)
    assert "秒" not in first.render_text() and "秒）" in first.render_text(timing=True)
    assert " s)" in first.render_text(lang="en", timing=True)
    done = _lint_cli("rules", "--timing")
    assert done.returncode == 0 and "秒）" in done.stdout, done.stderr
