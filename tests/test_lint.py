"""rongcuo lint on the first filing model: its rules lint clean; careless rules are caught.
v1: delete with the v1 path (tests/test_lint_v2.py holds lint on the bundled v2 rules; the
bundled rules' `rongcuo lint --strict` also runs in scripts/test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.analysis.lint import LINT_CODES, Finding, Severity, lint_clauses, lint_ruleset
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset
from rongcuo.rules.syntax import Clause, Element

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
V1_RULES = ROOT / "tests" / "v1" / "rules"


@pytest.fixture(scope="module")
def rules() -> Ruleset:
    return load_ruleset(V1_RULES)


TOLERATING = ("P2", "P3", "P7", "P8", "P10", "P13", "P14")


def test_bundled_rules_lint_clean(rules: Ruleset) -> None:
    report = lint_ruleset(rules)
    assert report.count(Severity.ERROR) == 0, [str(f) for f in report.findings]
    assert report.count(Severity.WARNING) == 0, [str(f) for f in report.findings]
    assert report.exit_code(strict=True) == 0
    # every positive clause, in particular those N1 yields to, can make a filing eligible
    assert all(report.reachable[c] for c in TOLERATING)
    assert set(report.reachable) == {f"P{i}" for i in range(1, 16)}
    unread = {f.location.json_path() for f in report.findings if f.code == "fact_unread"}
    assert "$.filed_on" in unread


def _edited(rules: Ruleset, tmp_path: Path, edit: Any) -> Ruleset:
    rules.dump(tmp_path)
    path = tmp_path / "negative.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_ruleset(tmp_path)


def _n1(data: dict[str, Any]) -> dict[str, Any]:
    n1 = data["clauses"][0]
    assert n1["id"] == "N1"
    n1.pop("examples", None)  # its examples were written for the careful reading
    return n1


def test_careless_n1_that_swallows_the_tolerating_positives_is_caught(
    rules: Ruleset, tmp_path: Path
) -> None:
    """N1 read as 'any irregularity breaches a rule', without yielding to the positives."""
    from rongcuo.facts.model import Irregularity

    def edit(data: dict[str, Any]) -> None:
        n1 = _n1(data)
        n1["elements"] = [
            {
                "id": "violation",
                "phrase": "违反党章党规党纪和国家法律法规",
                "test": {
                    "fact": "matter.irregularities",
                    "contains_any": sorted(m.value for m in Irregularity),
                },
            }
        ]

    report = lint_ruleset(_edited(rules, tmp_path, edit))
    unreachable = {f.clause for f in report.findings if f.code == "positive_unreachable"}
    assert unreachable == set(TOLERATING)
    for f in report.findings:
        if f.code == "positive_unreachable":
            assert f.severity is Severity.ERROR and "N1" in f.message
            assert f.location.file.endswith("positive.yaml") and f.location.line > 0
    assert report.exit_code() == 1


def test_careless_n1_without_yielding_is_shown_by_the_diff(rules: Ruleset, tmp_path: Path) -> None:
    """N1 whose explicit_prohibition no longer yields: the positives stay reachable (a filing
    may list no violated norm), so the lint is silent, but the diff proves N1 broader and finds
    eligible filings it makes ineligible, decided by N1 instead of the tolerating positive."""
    from rongcuo.analysis.diff import Relation, diff_rulesets
    from rongcuo.verdict.verdict import Status

    def edit(data: dict[str, Any]) -> None:
        n1 = _n1(data)
        n1["elements"][1]["test"] = {
            "any": [
                {"fact": "conduct.misconduct", "contains": "knowing_defiance"},
                {"fact": "violation.explicitly_prohibited", "eq": True},
            ]
        }

    careless = _edited(rules, tmp_path, edit)
    assert lint_ruleset(careless).exit_code() == 0
    d = diff_rulesets(rules, careless)
    n1 = next(c for c in d.changed if c.id == "N1")
    assert n1.meaning.relation is Relation.BROADER and n1.meaning.broader.verified
    swallowed = next(
        s for s in d.statuses if (s.old, s.new) == (Status.ELIGIBLE, Status.INELIGIBLE)
    )
    assert swallowed.witness is not None and swallowed.witness.verified
    assert swallowed.witness.decisive_new == ("N1",)


def test_unsatisfiable_and_vacuous_clauses_and_elements(rules: Ruleset, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        by_id = {c["id"]: c for c in data["clauses"]}
        n3 = by_id["N3"]
        n3.pop("examples", None)
        n3["elements"][1]["test"] = {
            "all": [
                {"fact": "consequences.harmed_interests", "contains": "service_recipients"},
                {
                    "not": {
                        "fact": "consequences.harmed_interests",
                        "contains": "service_recipients",
                    }
                },
            ]
        }
        n7 = by_id["N7"]
        n7.pop("examples", None)
        n7["holds_when"] = "any"
        n7["elements"][1]["test"] = {
            "any": [
                {"fact": "subject.has_enforcement_power", "eq": True},
                {"fact": "subject.has_enforcement_power", "eq": False},
            ]
        }

    report = lint_ruleset(_edited(rules, tmp_path, edit))
    got = {(f.code, f.clause, f.element) for f in report.findings}
    assert ("clause_unsatisfiable", "N3", "") in got
    assert ("element_unsatisfiable", "N3", "harm") in got
    assert ("clause_always_true", "N7", "") in got
    assert ("element_always_true", "N7", "harm") in got
    # a negative that always holds leaves no positive reachable
    assert not any(report.reachable.values())
    assert ("example_missing_holds", "N3", "") in got and (
        "example_missing_near_miss",
        "N7",
        "",
    ) in got


def test_tree_checks_on_a_tree_that_bypassed_loading(rules: Ruleset) -> None:
    import dataclasses

    p1 = rules.clause("P1")
    bad_element = dataclasses.replace(p1.elements[0], phrases=("不在条文中的短语",))
    tree: Clause = dataclasses.replace(p1, elements=(bad_element, *p1.elements[1:]), examples=())
    assert isinstance(bad_element, Element)
    got = {f.code for f in lint_clauses([tree])}
    assert {"phrase_not_in_text", "example_missing_holds", "example_missing_near_miss"} <= got


def test_every_code_has_a_severity_and_is_documented() -> None:
    doc = (ROOT / "docs" / "versions.md").read_text(encoding="utf-8")
    for code, (severity, meaning) in LINT_CODES.items():
        assert isinstance(severity, Severity) and meaning
        assert f"`{code}`" in doc, code
    with pytest.raises(ValueError):
        Finding("no_such_code", "x")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_lint(tmp_path: Path, rules: Ruleset) -> None:
    done = _cli("lint", str(V1_RULES), "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 个错误" in done.stdout
    js = _cli("lint", str(V1_RULES), "--format", "json")
    data = json.loads(js.stdout)
    assert data["counts"]["error"] == 0 and data["reachable"]["P13"] is True
    # a ruleset with only warnings: exit 0, but 1 with --strict
    rules.dump(tmp_path)
    pos = yaml.safe_load((tmp_path / "positive.yaml").read_text(encoding="utf-8"))
    pos["clauses"][0].pop("examples")
    (tmp_path / "positive.yaml").write_text(
        yaml.safe_dump(pos, allow_unicode=True), encoding="utf-8"
    )
    warn = _cli("lint", str(tmp_path), "--lang", "en")
    assert warn.returncode == 0 and "warning example_missing_holds" in warn.stdout
    assert "positive.yaml:" in warn.stdout  # file:line:col of the clause
    assert _cli("lint", str(tmp_path), "--strict").returncode == 1
    broken = _cli("lint", str(tmp_path / "nowhere"))
    assert broken.returncode == 1 and "io_error" in broken.stderr


@pytest.mark.parametrize("command", [["lint"], ["diff", "rules", "rules"]])
def test_missing_z3_is_a_coded_error_not_a_crash(command: list[str]) -> None:
    # z3 made unimportable in a child process, as after a plain `pip install rongcuo`
    code = (
        "import sys; sys.modules['z3'] = None; "
        "from rongcuo.cli import main; sys.argv = ['rongcuo', *sys.argv[1:]]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *command],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "backend_unavailable" in done.stderr and "rongcuo[solver]" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
