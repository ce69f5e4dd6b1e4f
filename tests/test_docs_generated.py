"""docs/clauses.md and docs/facts.md are generated from the rules and must not go stale.

The pages of the bundled rules (docs/, generated from rules/ and its facts declaration, filing
model v2) are checked against the declaration's own text (read here with PyYAML, not with
rongcuo's loader) and the rule tree; the v1 pages (generated from tests/v1/rules, no longer
committed) are checked until the v1 path goes.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

import rongcuo
from rongcuo.analysis import docgen
from rongcuo.facts.model import FACTS
from rongcuo.facts.model import Filing as V1Filing
from rongcuo.rules.syntax import ListKind, facts_read

from .conftest import ROOT, RULES, V1_RULES

DOCS = ROOT / "docs"
# v1: delete with the v1 path (the pages of tests/v1/rules as rule language 1, and their tests
# below, down to the interpretation section). Their committed copies in docs/ gave way to the v2
# pages at the flip: test_committed_v2_page_is_up_to_date checks docs/ now.
RULESET = rongcuo.load_ruleset(V1_RULES)
PAGES = docgen.generate(RULESET)


def test_generation_is_deterministic() -> None:
    again = docgen.generate(rongcuo.load_ruleset(V1_RULES))
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
        model: type[BaseModel] = V1Filing
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
    assert docgen.main(["--check", "--rules", str(V1_RULES), str(out)]) == 1
    assert "regenerate with" in capsys.readouterr().err
    assert docgen.main(["--rules", str(V1_RULES), str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(docgen.PAGES)
    assert (out / "clauses.md").read_text(encoding="utf-8") == PAGES["clauses.md"]
    assert docgen.main(["--check", "--rules", str(V1_RULES), str(out)]) == 0


def test_main_reports_broken_rules(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert docgen.main(["--rules", str(tmp_path), str(tmp_path / "docs")]) == 2
    assert "rules_missing_file" in capsys.readouterr().err
    assert not (tmp_path / "docs").exists()


# --------------------------------------------------------------------------- interpretation.md

INTERPRETATION = (DOCS / "interpretation.md").read_text(encoding="utf-8")  # the v2 reading
BUNDLED = rongcuo.load_ruleset(RULES)
SOURCE_TEXT = (ROOT / "sources" / "000_f1ae07dbc221a5ab.txt").read_text(encoding="utf-8")


def test_interpretation_names_real_elements() -> None:
    refs = re.findall(r"`([PN]\d+)\.([a-z_0-9]+)`", INTERPRETATION)
    assert len(refs) >= 20
    for cid, eid in refs:
        assert eid in {e.id for e in BUNDLED.clause(cid).elements}, f"{cid}.{eid}"


def test_interpretation_names_real_examples_and_cases() -> None:
    named = re.findall(r"`?([PN]\d+)`?\s+(?:near\s+miss|example)\s+([^\s（），)]+)", INTERPRETATION)
    assert len(named) >= 5
    for cid, name in named:
        assert name in {ex.name for ex in BUNDLED.clause(cid).examples}, f"{cid} {name}"
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


# --------------------------------------------------------------------------- filing model v2

V2_RULES = RULES
V2 = rongcuo.load_ruleset(V2_RULES)
V2_DOCS = DOCS
V2_PAGES = docgen.generate(V2)
V2_HOW = "regenerate with `python -m rongcuo.analysis.docgen docs/` and commit the result"
#: the declaration as written, read without rongcuo
DECLARED = yaml.safe_load((V2_RULES / "facts.yaml").read_text(encoding="utf-8"))


def _values(values: list[Any]) -> list[dict[str, Any]]:
    """A family's values as written (``[id, zh, en]`` or a mapping), in order, nested ones
    after their parent, each with its depth."""
    out: list[dict[str, Any]] = []

    def visit(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                out.append({"id": item[0], "title": [item[1], item[2]], "depth": depth})
            else:
                assert isinstance(item, dict)
                out.append({**item, "depth": depth})
                visit(item.get("values", []), depth + 1)

    visit(values, 0)
    return out


def _declared_facts() -> list[tuple[str, dict[str, Any], str]]:
    """Every fact as written: (path, declaration, heading level)."""
    out = []
    for group in DECLARED["groups"]:
        for fact in group["facts"]:
            path = fact["id"] if group["id"] == "filing" else f"{group['id']}.{fact['id']}"
            out.append((path, fact, "###"))
            for field in fact.get("fields", []):
                out.append((f"{path}[].{field['id']}", field, "####"))
    return out


@pytest.mark.parametrize("name", docgen.PAGES)
def test_committed_v2_page_is_up_to_date(name: str) -> None:
    path = V2_DOCS / name
    assert path.is_file(), f"{path} is missing: {V2_HOW}"
    assert path.read_text(encoding="utf-8") == V2_PAGES[name], f"{path} is stale: {V2_HOW}"


def test_v2_generation_is_deterministic() -> None:
    assert docgen.generate(rongcuo.load_ruleset(V2_RULES)) == V2_PAGES


def test_v2_facts_page_draws_every_family_as_a_tree() -> None:
    page = V2_PAGES["facts.md"]
    for fid, family in DECLARED["families"].items():
        zh, en = family["title"]
        assert f"### Family `{fid}`: {zh} — {en}\n" in page
        section = page.split(f"### Family `{fid}`:", 1)[1].split("\n### ", 1)[0]
        for value in _values(family["values"]):
            vzh, ven = value["title"]
            line = f"{'  ' * int(value['depth'])}- `{value['id']}` {vzh} — {ven}"
            assert f"\n{line}" in section, line
            if value.get("opaque"):
                assert f"{line} — *opaque" in section
            if value.get("kind"):
                assert f"{line} — *a class of errors (同类)" in section


def test_v2_facts_page_gives_every_fact_with_its_question_and_na() -> None:
    page = V2_PAGES["facts.md"]
    facts = _declared_facts()
    assert len(facts) >= 60
    for path, fact, level in facts:
        zh, en = fact["title"]
        qzh, qen = fact["question"]
        section = page.split(f"\n{level} `{path}`\n", 1)[1].split("\n#", 1)[0]
        assert f"{zh} — {en}." in section, path
        assert f"- Question: {qzh} / {qen}" in section, path
        if "na" in fact:
            nzh, nen = fact["na"]
            assert f"- `n/a` (not applicable) means: {nzh} — {nen}." in section, path
        else:
            assert "`n/a`" not in section, path
        if "family" in fact:
            assert f"family [`{fact['family']}`]" in section, path
        if fact["type"] == "records":
            assert f"records of class `{fact['record']}`" in section, path
    # the built-in determinations are documented too
    assert "### `determinations.P15.holds`" in page


def test_v2_facts_page_names_the_elements_that_read_each_fact() -> None:
    page = V2_PAGES["facts.md"]
    readers: dict[str, list[str]] = {}
    for clause in V2.clauses:
        for e in clause.elements:
            for path in facts_read(e.test):
                readers.setdefault(path, []).append(f"{clause.id}.{e.id}")
    for path, level in [(p, lvl) for p, _, lvl in _declared_facts()]:
        section = page.split(f"\n{level} `{path}`\n", 1)[1].split("\n#", 1)[0]
        if path in readers:
            assert f"- Read by: {', '.join(readers[path])}." in section, path
        else:
            assert "- Read by: no clause." in section, path
    # a record field read inside a quantifier, by a negative, a positive and a bar
    assert "N1.prohibited_act" in readers["acts.items[].explicit_prohibition"]
    assert "B1.defiance" in readers["acts.items[].defied_known_ban"]


def test_v2_clauses_page_quotes_every_clause_of_every_list() -> None:
    page = V2_PAGES["clauses.md"]
    for kind in ListKind:
        assert V2.of_list(kind), kind
    for clause in V2.clauses:
        section = page.split(f"\n### {clause.id}\n", 1)[1].split("\n### ", 1)[0]
        assert f"> {clause.text}\n" in section
        assert clause.citation.render("zh") in section
        for e in clause.elements:
            assert f"#### `{e.id}`" in section
            for phrase in e.phrases:
                assert f"> {phrase}\n" in section
        for ex in clause.examples:
            assert f"**{ex.name}**" in section
        if clause.list is ListKind.BAR:
            assert f"Takes out, when it holds: {', '.join(clause.bars)} " in section
        if clause.list is ListKind.COMPANION:
            assert "never changes it" in section


def _element_section(page: str, clause_id: str, element_id: str) -> str:
    clause = page.split(f"\n### {clause_id}\n", 1)[1].split("\n### ", 1)[0]
    return clause.split(f"#### `{element_id}`", 1)[1].split("\n#### ", 1)[0]


def test_v2_clauses_page_writes_v2_tests_in_words() -> None:
    page = V2_PAGES["clauses.md"]
    n1 = _element_section(page, "N1", "prohibited_act")
    assert "- for **some** record `act` of `acts.items` (事项中的各项行为), all of:" in n1
    assert "`act.explicit_prohibition` (所违反的规定属于明令禁止性规定) is true" in n1
    assert "is within any of `spending` (资金、物资、经费使用不规范), `reception`" in n1
    p3 = _element_section(page, "P3", "impact")
    assert "for **every** record `act` of `acts.items` (事项中的各项行为) that meets:" in p3
    assert "`act.kind` (行为类别) is within `spending`" in p3
    assert "`act.impact` (该行为造成的不良影响) is within any of `none`" in p3
    n8 = _element_section(page, "N8", "repeat")
    assert "for **some** record `earlier` of `history.exemptions`" in n8
    assert (
        "`earlier.kind` (当时失误、错误的类别) and `act.kind` (行为类别) are of the same kind" in n8
    )
    p13 = _element_section(page, "P13", "before_18th_congress")
    assert "`act.when` (行为发生时间) lies wholly before 2012-11-08" in p13
    assert "does not apply (`n/a`: 无违纪违法所得 / no proceeds)" in page
    assert (
        "includes a value within `private` (个人、亲属、特定关系人或单位、小团体（私利）)" in page
    )
    tests = [line for line in page.splitlines() if line.lstrip().startswith("- ")]
    for word in ("contains_any", "within:", "some:", "every:", "same_kind", "on_or_before"):
        assert not any(word in line for line in tests if "**" not in line), word


def test_v2_examples_show_partial_knowledge() -> None:
    page = V2_PAGES["clauses.md"]
    # P1's second example gives partly known sets ({yes: ..., no: ...})
    p1 = page.split("\n### P1\n", 1)[1].split("\n### ", 1)[0]
    assert "[partial: `context.work_areas` partly known; `conduct.traits` partly known" in p1
    # P13's examples give a year, a month and facts that do not apply
    p13 = page.split("\n### P13\n", 1)[1].split("\n### ", 1)[0]
    assert "`acts.items[0].when` 2011]" in p13
    assert "`remedy.impact_eliminated` n/a" in p13


def test_main_writes_and_checks_v2_pages(tmp_path: Path) -> None:
    out = tmp_path / "v2"
    assert docgen.main(["--rules", str(V2_RULES), str(out)]) == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()} == V2_PAGES
    assert docgen.main(["--check", "--rules", str(V2_RULES), str(out)]) == 0
