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

from rongcuo.analysis.lint import Severity, lint_ruleset
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
V2 = ROOT / "rules-v2"


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
        [sys.executable, "-m", "rongcuo.cli", "lint", "rules-v2", "--strict", "--format", "json"],
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
