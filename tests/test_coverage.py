"""Rule coverage on filing model v2: case files are read with the ruleset's filing model (or
refused with coded problems), expectations are checked, an element counts as covered exactly when
cases show it deciding its clause both ways, and a test inside a quantifier exactly when cases show
it deciding its element both ways on some record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import rongcuo
from rongcuo.analysis.coverage import (
    Case,
    CaseError,
    _Tree,  # the what-if evaluator, held to the engine below
    clause_example_cases,
    coverage,
    load_cases,
    render_coverage,
)
from rongcuo.rules import syntax
from rongcuo.testing import strategies_v2 as S

from .conftest import ROOT, V1_CASES, V1_RULES

RULES = rongcuo.load_ruleset(ROOT / "rules")
CASES = ROOT / "tests" / "cases"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "coverage", "--rules", "rules", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


def _filing(data: dict[str, Any]) -> Any:
    return rongcuo.parse_filing(data, rules=RULES)


def test_clause_examples_pass_and_cover_the_elements_their_near_misses_name() -> None:
    report = coverage(clause_example_cases(RULES), RULES)
    assert report.failures == []
    assert report.cases == sum(len(c.examples) for c in RULES.clauses)
    assert all(RULES.filing_model.owns(c.filing) for c in clause_example_cases(RULES))
    # a near miss fails on one element alone, and an example of the clause holds: together they
    # show that element deciding its clause both ways
    named = {(c.id, ex.fails_on) for c in RULES.clauses for ex in c.examples if not ex.holds}
    covered = {(cid, e.id) for cid, e in report.elements if e.covered}
    assert named <= covered, named - covered


def test_golden_cases_pass_their_expectations() -> None:
    cases = load_cases(CASES, rules=RULES)
    assert len(cases) == len(list(CASES.glob("*.yaml")))
    assert all(RULES.filing_model.owns(c.filing) for c in cases)
    report = coverage(cases, RULES)
    assert report.failures == []
    # the golden cases state bars and barred positives: they are checked, not ignored
    assert any("bars" in c.expect for c in cases) and any("barred" in c.expect for c in cases)


def test_a_wrong_bars_expectation_fails(tmp_path: Path) -> None:
    [source] = CASES.glob("23-*.yaml")  # B2 takes P11 out: needs_determination
    text = source.read_text(encoding="utf-8")
    assert "bars: [B2]" in text
    (tmp_path / "23.yaml").write_text(text.replace("bars: [B2]", "bars: [B1]"), "utf-8")
    [(name, problems)] = coverage(load_cases(tmp_path, rules=RULES), RULES).failures
    assert name == "23.yaml" and problems == ["bars ['B2'], expected ['B1']"]


@pytest.mark.parametrize("clause_id", [c.id for c in RULES.clauses])
def test_a_boundary_pair_covers_an_element_of_its_clause(clause_id: str) -> None:
    @settings(max_examples=2, deadline=None)
    @given(S.boundary_pairs(clause_id, rules=RULES))
    def run(pair: tuple[Any, Any]) -> None:
        report = coverage([Case("holds", pair[0]), Case("fails", pair[1])], RULES)
        [clause] = [c for c in report.clauses if c.id == clause_id]
        # The one fact that differs may feed several elements at once; only when exactly one
        # element flips does the pair show it alone decides.
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


@settings(max_examples=10, deadline=None)
@given(S.satisfying("N1", rules=RULES))
def test_one_case_never_covers_anything(filing: Any) -> None:
    report = coverage([Case("one", filing)], RULES)
    assert not any(e.covered for _, e in report.elements)
    assert not any(k.covered for _, k in report.conditions)
    assert not any(c.covered for c in report.clauses)


# --------------------------------------------------------------------------- through quantifiers

# N1 (负面清单第1项, 违反党章党规党纪和国家法律法规明令禁止的) is one element: some act breached
# Party rules or state law, against an explicit prohibition, and is not of a kind a positive
# clause tolerates (docs/interpretation-v2.md, position 1).
PROHIBITED = {
    "summary": "挪用救灾资金用于镇区道路建设",
    "kind": "misappropriation",
    "breached": ["law"],
    "explicit_prohibition": True,
    "defied_known_ban": False,
}
PROCEDURE = {
    "summary": "紧急转移未经集体研究",
    "kind": "decision_procedure",
    "breached": [],
    "explicit_prohibition": "n/a",
}


def _n1(report: Any, test: str) -> Any:
    [found] = [k for name, k in report.conditions if name.startswith("N1/") and k.test == test]
    return found


def test_a_test_inside_some_is_covered_by_a_pair_differing_on_one_record() -> None:
    holds = _filing({"acts": [PROCEDURE, PROHIBITED]})
    fails = _filing({"acts": [PROCEDURE, {**PROHIBITED, "explicit_prohibition": False}]})
    report = coverage([Case("holds", holds), Case("fails", fails)], RULES)
    n1 = report.clauses[[c.id for c in report.clauses].index("N1")]
    [element] = n1.elements
    assert element.covered
    prohibition = _n1(report, "act.explicit_prohibition eq true")
    assert (prohibition.true, prohibition.false) == (1, 1)
    # the law breached is state law in both; it decides only where the act was prohibited (had
    # it been only an administrative regulation, N1 would not hold): TRUE, once
    breached = _n1(report, "act.breached contains_any [party_rules, state_law]")
    assert (breached.true, breached.false) == (1, 0)


def test_a_test_does_not_matter_on_one_record_when_another_record_decides() -> None:
    # two prohibited acts: flipping either one's prohibition leaves the other, and N1 holds still
    twice = _filing({"acts": [PROHIBITED, {**PROHIBITED, "summary": "另一笔挪用"}]})
    report = coverage([Case("twice", twice)], RULES)
    assert _n1(report, "act.explicit_prohibition eq true").exercised is False
    # one prohibited act, the list complete: it alone decides
    once = _filing({"acts": [PROHIBITED]})
    assert _n1(coverage([Case("once", once)], RULES), "act.explicit_prohibition eq true").true == 1


def test_an_incomplete_list_leaves_a_false_some_unknown_and_nothing_matters() -> None:
    # acts known not to be complete, the one listed not prohibited: N1 may still hold for an act
    # not yet listed, so the element is unknown and no test in it is shown deciding it
    filing = _filing(
        {"acts": {"items": [{**PROHIBITED, "explicit_prohibition": False}], "complete": False}}
    )
    report = coverage([Case("open", filing)], RULES)
    assert RULES.program.element_value("N1", "prohibited_act", filing, {}).value == "unknown"
    assert not any(k.exercised for name, k in report.conditions if name.startswith("N1/"))


def test_a_filing_of_another_model_is_refused(
    v1_rules: rongcuo.Ruleset,
) -> None:  # v1: delete with the v1 path
    v1 = rongcuo.parse_filing({"subject": {"kind": "unit"}}, rules=v1_rules)  # the v1 model
    with pytest.raises(TypeError, match="filing model"):
        coverage([Case("v1", v1)], RULES)


# --------------------------------------------------------------------------- reading cases


def test_failed_expectations_are_reported(tmp_path: Path) -> None:
    case = {"filing": {}, "expect": {"status": "eligible", "clauses": {"P1": True}}}
    (tmp_path / "a.json").write_text(json.dumps(case), encoding="utf-8")
    report = coverage(load_cases(tmp_path, rules=RULES), RULES)
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
    cases = load_cases(tmp_path / "cases.jsonl", rules=RULES)
    assert [c.name for c in cases] == ["cases.jsonl:1", "cases.jsonl:2"]
    assert coverage(cases, RULES).failures == []


def test_malformed_cases_are_coverage_case_problems(tmp_path: Path) -> None:
    (tmp_path / "01.yaml").write_text("filing: {}\nexpected: {status: eligible}\n", "utf-8")
    (tmp_path / "02.yaml").write_text("- not a mapping\n", "utf-8")
    (tmp_path / "03.yaml").write_text("filing:\n  subject: {kind: robot}\n", "utf-8")
    (tmp_path / "04.yaml").write_text("note: a note\nfiling: {}\nexpect: {bars: B1}\n", "utf-8")
    (tmp_path / "05.yaml").write_text("filing:\n  acts:\n    - {kind: nothing}\n", "utf-8")
    with pytest.raises(CaseError) as info:
        load_cases(tmp_path, rules=RULES)
    shown = [str(p).replace(f"{tmp_path}/", "") for p in info.value.problems]
    assert shown[0].startswith("01.yaml:2:1: $.expected: coverage_case:"), shown
    assert shown[1].startswith("02.yaml:1:1: coverage_case:")
    assert shown[2].startswith("03.yaml:2:19: $.filing.subject.kind: filing_invalid_value:")
    assert shown[3].startswith("04.yaml:3:16: $.expect.bars: coverage_case:")  # note: accepted
    assert shown[4].startswith("05.yaml:3:14: $.filing.acts[0].kind: filing_invalid_value:")
    assert len(shown) == 5
    proc = _run(str(tmp_path))
    assert proc.returncode == 1
    assert "coverage_case" in proc.stderr


def test_text_and_json_output() -> None:
    zh = _run("--clause-examples")
    en = _run("--clause-examples", "-l", "en")
    js = _run("--clause-examples", "-f", "json")
    assert zh.returncode == en.returncode == js.returncode == 0, zh.stderr
    assert "规则覆盖" in zh.stdout and "Rule coverage" in en.stdout
    assert "量词内的条件" in zh.stdout and "conditions under quantifiers" in en.stdout
    data = json.loads(js.stdout)
    assert data["summary"]["elements"] == sum(len(c.elements) for c in RULES.clauses)
    assert data["failed"] == []
    [n1] = [c for c in data["clauses"] if c["id"] == "N1"]
    assert n1["list"] == "negative" and n1["elements"][0]["conditions"]
    report = coverage(clause_example_cases(RULES), RULES)
    assert en.stdout == render_coverage(report, lang="en")
    assert zh.stdout == render_coverage(report, lang="zh")
    assert _run("--clause-examples", "-f", "json").stdout == js.stdout  # deterministic


def test_no_cases_is_a_usage_error() -> None:
    assert _run().returncode == 2


def test_v1_cases_still_read_with_the_v1_model() -> None:  # v1: delete with the v1 path
    v1 = rongcuo.load_ruleset(V1_RULES)
    cases = load_cases(V1_CASES, rules=v1)
    assert coverage([*cases, *clause_example_cases(v1)], v1).failures == []


def test_the_figures_in_docs_testing_md_are_current() -> None:
    """docs/testing.md quotes the coverage of the v2 rules by the clause examples, the golden
    cases and both; a rule, example or case added without updating those figures fails here."""
    text = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert f"(ruleset `sha256:{RULES.digest[:16]}…`" in text
    examples, golden = clause_example_cases(RULES), load_cases(CASES, rules=RULES)
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
            f"{summary['conditions_covered']}/{summary['conditions']}",
        ]
        assert cells[1:7] == want, label
        assert cells[7].split()[0] == f"{summary['clauses_covered']}/{summary['clauses']}", label


QUANTIFIED = [
    (c.id, e.id, e.test)
    for c in RULES.clauses
    for e in c.elements
    if any(isinstance(n, syntax.Quantifier) for n in syntax.walk(e.test))
]


@settings(max_examples=25, deadline=None)
@given(S.filings(rules=RULES))
def test_conditions_are_measured_on_the_engines_own_truth(filing: Any) -> None:
    """The what-if evaluation behind condition coverage folds quantifiers as the engine does: on
    every element with a quantifier it gives the engine's truth (Kleene's; where the engine
    settles an element exactly, it may know more, never less or otherwise)."""
    program = RULES.program
    for cid, eid, test in QUANTIFIED:
        tree = _Tree(program, filing, {})
        mine = ("false", "unknown", "true")[tree.run(test, (), (), (), None)]
        engine = program.element_value(cid, eid, filing, {}).value
        if (cid, eid) in program.plans:
            assert mine in (engine, "unknown"), (cid, eid)
        else:
            assert mine == engine, (cid, eid)
