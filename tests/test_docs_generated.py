"""docs/clauses.md and docs/facts.md are generated from the rules and must not go stale."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

import rongcuo
from rongcuo.analysis import docgen
from rongcuo.facts.model import FACTS
from rongcuo.rules.syntax import facts_read

from .conftest import ROOT, RULES

DOCS = ROOT / "docs"
RULESET = rongcuo.load_ruleset(RULES)
PAGES = docgen.generate(RULESET)
HOW = "regenerate with `python -m rongcuo.analysis.docgen docs/` and commit the result"


@pytest.mark.parametrize("name", docgen.PAGES)
def test_committed_page_is_up_to_date(name: str) -> None:
    path = DOCS / name
    assert path.is_file(), f"{path} is missing: {HOW}"
    assert path.read_text(encoding="utf-8") == PAGES[name], f"{path} is stale: {HOW}"


def test_generation_is_deterministic() -> None:
    again = docgen.generate(rongcuo.load_ruleset(RULES))
    assert again == PAGES


def test_clauses_page_quotes_every_clause_element_and_example() -> None:
    page = PAGES["clauses.md"]
    for clause in RULESET.clauses:
        assert f"### {clause.id}\n" in page
        assert f"> {clause.text}\n" in page
        assert clause.citation.render("zh") in page
        for e in clause.elements:
            assert f"#### `{e.id}`" in page
            for phrase in e.phrases:
                assert f"> {phrase}\n" in page
            for path in facts_read(e.test):
                assert f"`{path}` ({FACTS[path].zh})" in page
        for ex in clause.examples:
            assert f"**{ex.name}**" in page


def test_clauses_page_writes_tests_in_words() -> None:
    page = PAGES["clauses.md"]
    # enum values carry their Chinese titles; operators are words, not YAML keys
    assert "`reform_innovation` (在贯彻落实“三新一高”中推动改革创新)" in page
    assert "`matter.conduct_ended_on` (行为终了日期) is before 2012-11-08" in page
    assert "includes none of `self` (本人（个人）)" in page
    assert "contains_any" not in page.replace("`holds_when", "")
    assert "clause P2 holds" in page  # N1 yields to the positives that tolerate
    assert "The clause holds when **any** of its elements holds" in page  # N5, N8


def test_facts_page_lists_every_fact_and_its_readers() -> None:
    page = PAGES["facts.md"]
    for path, spec in FACTS.items():
        assert f"### `{path}`\n" in page
        assert spec.zh in page
        if spec.enum is not None:
            for member in spec.enum:
                assert f"| `{member.value}` | {member.zh} | {member.en} |" in page
    assert "Read by: P4.cadre." in page
    unread = page.split("## Facts no clause reads", 1)[1]
    assert "- `summary` (案情摘要)" in unread
    assert "`motive.private_gain_for`" not in unread


def _section(page: str, path: str) -> str:
    return page.split(f"### `{path}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]


def test_facts_page_gives_each_facts_description_under_it() -> None:
    """The hints in the model's field descriptions ("list every cause") reach the page."""
    page = PAGES["facts.md"]
    described = 0
    for path, spec in FACTS.items():
        group, _, name = path.rpartition(".")
        model: type[BaseModel] = rongcuo.Filing
        for part in group.split(".") if group else ():
            annotation = model.model_fields[part].annotation
            model = next(
                a
                for a in (annotation, *typing.get_args(annotation))
                if isinstance(a, type) and issubclass(a, BaseModel)
            )
        description = model.model_fields[name].description or ""
        if description in ("", spec.en):
            assert "Note: " not in _section(page, path), path
            continue
        described += 1
        assert f"Note: {description.removeprefix(spec.en + '. ')}" in _section(page, path), path
    assert described >= 15
    assert "Note: list every cause.\n" in _section(page, "matter.causes")
    assert "Note: list every kind that applies; [] for none.\n" in _section(
        page, "conduct.misconduct"
    )


def test_main_writes_then_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    assert docgen.main(["--check", "--rules", str(RULES), str(out)]) == 1
    assert "regenerate with" in capsys.readouterr().err
    assert docgen.main(["--rules", str(RULES), str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(docgen.PAGES)
    assert (out / "clauses.md").read_text(encoding="utf-8") == PAGES["clauses.md"]
    assert docgen.main(["--check", "--rules", str(RULES), str(out)]) == 0


def test_main_reports_broken_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert docgen.main(["--rules", str(tmp_path), str(tmp_path / "docs")]) == 2
    assert "rules_missing_file" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()


# --------------------------------------------------------------------------- interpretation.md

INTERPRETATION = (DOCS / "interpretation.md").read_text(encoding="utf-8")
SOURCE_TEXT = (ROOT / "sources" / "000_f1ae07dbc221a5ab.txt").read_text(encoding="utf-8")


def test_interpretation_names_real_elements() -> None:
    refs = re.findall(r"`([PN]\d+)\.([a-z_0-9]+)`", INTERPRETATION)
    assert len(refs) >= 20
    for cid, eid in refs:
        assert eid in {e.id for e in RULESET.clause(cid).elements}, f"{cid}.{eid}"


def test_interpretation_names_real_examples_and_cases() -> None:
    named = re.findall(r"`?([PN]\d+)`?\s+(?:near\s+miss|example)\s+([^\s（），)]+)", INTERPRETATION)
    assert len(named) >= 5
    for cid, name in named:
        assert name in {ex.name for ex in RULESET.clause(cid).examples}, f"{cid} {name}"
    cases = set(re.findall(r"(\d\d-[a-z0-9-]+\.yaml)", INTERPRETATION))
    assert len(cases) >= 8
    for case in cases:
        assert (ROOT / "tests" / "cases" / case).is_file(), case


def test_interpretation_quotes_the_source_verbatim() -> None:
    """Every “quotation” and block quote is in the source (page breaks removed)."""
    source = SOURCE_TEXT.replace("\n", "")
    quotes = re.findall(r"“([^”\n]+)”", INTERPRETATION)
    quotes += re.findall(r"^> (.+)$", INTERPRETATION, flags=re.M)
    assert len(quotes) >= 10
    for quote in quotes:
        nested = quote.replace("‘", "“").replace("’", "”")
        parts = [p for p in quote.split("……") if p]
        nested_parts = [p for p in nested.split("……") if p]
        assert all(p in source for p in parts) or all(p in source for p in nested_parts), quote
