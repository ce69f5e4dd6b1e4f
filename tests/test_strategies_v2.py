"""The v2 Hypothesis strategies keep their promises, under Hypothesis's DEFAULT settings: valid
filings, the wanted clause truth for every clause (checked by the engine), boundary pairs one fact
apart, registered types, canonical dumps, and a wrong property reported small and fast."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rongcuo import strategies as RS
from rongcuo.engine.decide import decide_status
from rongcuo.engine.evaluate import Truth
from rongcuo.facts.declare import load_facts
from rongcuo.facts.parse import parse_filing_v2
from rongcuo.facts.v2 import FACTS, Act, Exemption, Filing, fact_vector
from rongcuo.facts.values import PartialDate, PartialSet
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.syntax import ListKind
from rongcuo.testing import strategies_v2 as S

ROOT = Path(__file__).resolve().parents[1]
RULES = load_ruleset(ROOT / "rules")
IDS = [c.id for c in RULES.clauses]
MOVERS = [c.id for c in RULES.clauses if c.list is not ListKind.COMPANION]
PLAIN = [p for p in FACTS if not p.startswith("determinations.")]


def _truth(filing: Filing, clause_id: str) -> Truth:
    return RULES.program.values(filing)[clause_id]


def _same_document(filing: Filing) -> None:
    """Valid as a document: its canonical JSON reads back (with every check) as itself. The kit
    builds filings without validation (model_construct): this is what shows that sound."""
    text = json.dumps(filing.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
    again = parse_filing_v2(json.loads(text))
    assert again == filing
    assert fact_vector(again) == fact_vector(filing)


@given(S.filings())
def test_filings_are_valid_documents(filing: Filing) -> None:
    _same_document(filing)


@given(S.filings(complete=True))
def test_complete_filings_know_every_fact(filing: Filing) -> None:
    vector = dict(zip(FACTS, fact_vector(filing), strict=True))
    assert [p for p in PLAIN if vector[p] is None] == []
    for p in PLAIN:
        value = vector[p]
        if isinstance(value, PartialSet):
            assert value.complete and not value.no
    assert filing.acts.items is not None and filing.acts.items.complete


@given(S.filings(rules=RULES))
def test_filings_for_rules_only_fill_what_the_rules_read(filing: Filing) -> None:
    read = S._scope(RULES)
    vector = dict(zip(FACTS, fact_vector(filing), strict=True))
    assert {p for p in PLAIN if vector[p] is not None} <= read


def _coarse_values() -> frozenset[str]:
    """Every value of the bundled v2 declaration that has values below it."""
    decl = load_facts(Path(__file__).parents[1] / "rules" / "facts.yaml")
    return frozenset(
        v for family in decl.families.values() for v in family.values if family.children(v)
    )


COARSE = _coarse_values()


def test_filings_are_varied() -> None:
    """Partial sets, coarse values, partial dates, NA, incomplete act lists all turn up."""
    seen: set[str] = set()

    @given(S.filings())
    def look(filing: Filing) -> None:
        for value in fact_vector(filing):
            if isinstance(value, PartialSet) and not value.complete:
                seen.add("partial set")
            if isinstance(value, PartialDate) and not value.is_exact:
                seen.add("partial date")
            if repr(value) == "n/a":
                seen.add("na")
        if filing.acts.items is not None and not filing.acts.items.complete:
            seen.add("incomplete acts")
        if any(isinstance(v, str) and v in COARSE for v in fact_vector(filing)):
            seen.add("coarse")
        if filing.determinations.P15 is not None:
            seen.add("determination")

    look()
    assert seen == {
        "partial set",
        "partial date",
        "na",
        "incomplete acts",
        "coarse",
        "determination",
    }


# The per-clause sweeps run under Hypothesis's DEFAULT settings (100 examples, default deadline,
# every health check on), through the public module, in CI: docs/strategies.md gives their time.
@pytest.mark.parametrize("clause_id", IDS)
def test_satisfying_under_default_settings(clause_id: str) -> None:
    @given(RS.satisfying(clause_id, rules=RULES))
    def check(filing: Filing) -> None:
        assert _truth(filing, clause_id) is Truth.TRUE
        _same_document(filing)

    check()


@pytest.mark.parametrize("clause_id", IDS)
def test_violating_under_default_settings(clause_id: str) -> None:
    @given(RS.violating(clause_id, rules=RULES))
    def check(filing: Filing) -> None:
        assert _truth(filing, clause_id) is Truth.FALSE
        _same_document(filing)

    check()


def _differences(a: Filing, b: Filing) -> list[str]:
    return [p for p, x, y in zip(FACTS, fact_vector(a), fact_vector(b), strict=True) if x != y]


@pytest.mark.parametrize("clause_id", IDS)
def test_boundary_pairs_under_default_settings(clause_id: str) -> None:
    @given(RS.boundary_pairs(clause_id, rules=RULES))
    def check(pair: tuple[Filing, Filing]) -> None:
        holds, fails = pair
        assert _truth(holds, clause_id) is Truth.TRUE
        assert _truth(fails, clause_id) is Truth.FALSE
        assert len(_differences(holds, fails)) == 1
        _same_document(holds)
        _same_document(fails)

    check()


@pytest.mark.parametrize("clause_id", MOVERS)
def test_boundary_pairs_that_move_the_status(clause_id: str) -> None:
    @given(RS.boundary_pairs(clause_id, rules=RULES, status_differs=True))
    def check(pair: tuple[Filing, Filing]) -> None:
        holds, fails = pair
        assert decide_status(holds, RULES) is not decide_status(fails, RULES)
        a, b = RULES.program.values(holds), RULES.program.values(fails)
        assert [c for c in a if a[c] is not b[c]] == [clause_id]
        _same_document(holds)
        _same_document(fails)

    check()


def test_unknown_clause_and_companion_status() -> None:
    with pytest.raises(ValueError, match="no clause"):
        S.satisfying("P99")
    companion = next(c.id for c in RULES.clauses if c.list is ListKind.COMPANION)
    with pytest.raises(ValueError, match="companion"):
        S.boundary_pairs(companion, status_differs=True)


def test_registered_types_give_varied_filings() -> None:
    """``st.from_type(Filing)`` (the hook ``st.builds`` uses too) gives varied filings, and the
    record types their own records. Each strategy has a test of its own: in a test of several
    arguments, Hypothesis's mutation phase keeps one argument while it varies the others, so a
    filing (one choice, see docs/strategies.md) recurs there."""
    seen: set[bytes] = set()

    @given(st.from_type(Filing))
    def look(filing: Filing) -> None:
        assert isinstance(filing, Filing)
        seen.add(json.dumps(filing.model_dump(mode="json"), sort_keys=True).encode())

    look()
    assert len(seen) > 50
    records: set[str] = set()

    @given(st.from_type(Act), st.from_type(Exemption))
    def records_too(act: Act, exemption: Exemption) -> None:
        assert isinstance(act, Act) and isinstance(exemption, Exemption)
        records.add(repr(act))

    records_too()
    assert len(records) > 10


def test_a_filing_shows_its_known_facts_only() -> None:
    """The model's repr and __rich_repr__ leave out unknown facts and groups with none known."""
    filing = parse_filing_v2(
        {
            "subject": {"kind": "unit"},
            "acts": {"items": [{"kind": "spending", "when": "2023-05"}], "complete": False},
        }
    )
    assert repr(filing) == (
        "Filing(subject=Subject(kind='unit'), acts=Acts(items=Records(items=(Act(kind='spending',"
        " when=PartialDate('2023-05')),), complete=False)))"
    )
    assert [name for name, _ in filing.__rich_repr__()] == ["subject", "acts"]
    assert repr(Filing()) == "Filing()"
    assert "None" not in str(filing)


@given(S.filings())
def test_equal_filings_dump_identically(filing: Filing) -> None:
    """A set written in another order, or the same filing rebuilt, dumps to the same bytes."""
    doc = filing.model_dump(mode="json")
    shuffled = json.loads(json.dumps(doc))
    for group in shuffled.values():
        if isinstance(group, dict):
            for key, value in group.items():
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    group[key] = list(reversed(value))
    again = parse_filing_v2(shuffled)
    assert again == filing
    assert json.dumps(again.model_dump(mode="json")) == json.dumps(doc)


def test_a_wrong_property_is_reported_small_and_fast() -> None:
    """'P3 never holds' fails, shrunk to a small filing shown by its stated facts only, in under
    10 s of CPU (a fresh process, no example database to replay)."""
    script = textwrap.dedent(
        f"""
        from hypothesis import given, settings
        from rongcuo import strategies as RS
        from rongcuo.engine.evaluate import Truth
        from rongcuo.rules.load import load_ruleset
        rules = load_ruleset({str(ROOT / "rules")!r})

        @settings(database=None)
        @given(RS.satisfying("P3", rules=rules))
        def p3_never_holds(filing):
            assert rules.program.values(filing)["P3"] is not Truth.TRUE

        p3_never_holds()
        """
    )
    # CPU time of the child, not wall-clock: the target is the kit's work, and a CI machine shared
    # with other jobs must not make the test flaky
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert run.returncode != 0
    shown = run.stderr[run.stderr.index("p3_never_holds(\n") :]
    assert "filing=Filing(" in shown
    assert "None" not in shown  # the stated facts only, not the model's ~70 fields
    assert len(shown.splitlines()) < 30, shown
    assert cpu < 10, cpu


def test_the_public_module_follows_the_ruleset() -> None:
    """``rongcuo.strategies`` gives v2 filings on a v2 ruleset; its strategies' reprs are short."""
    seen: list[Filing] = []

    @given(RS.filings(rules=RULES), RS.fact_values("acts.items[].kind", rules=RULES))
    def look(filing: Filing, kind: str) -> None:
        assert isinstance(filing, Filing)
        seen.append(filing)

    look()
    assert seen
    assert len(repr(RS.boundary_pairs("P3", rules=RULES, status_differs=True))) < 200


def test_the_docs_example_suite_runs(tmp_path: Path) -> None:
    """docs/strategies.md's outside-the-repository suite, copied into an empty directory and run
    there by pytest in a subprocess (default Hypothesis settings, no example database kept)."""
    text = (ROOT / "docs" / "strategies.md").read_text(encoding="utf-8")
    section = text[text.index("## An example suite outside the repository") :]
    code = section.split("```python\n")[1].split("```")[0]
    (tmp_path / "test_my_screening.py").write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_screening.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout, run.stdout
