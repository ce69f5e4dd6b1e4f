"""The facts declaration (filing model v2): the bundled one loads and its families close as the
design says; every bad declaration under tests/bad_facts/ gives its code at its line and column,
and docs/errors.md shows what rongcuo prints for each.
"""

from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest

import rongcuo
from rongcuo.errors import CODES, RulesError
from rongcuo.facts.declare import (
    FactsDecl,
    FactType,
    Family,
    Value,
    load_facts,
    load_facts_text,
)

from .conftest import ROOT

DECLARATION = ROOT / "rules" / "facts.yaml"
BAD = ROOT / "tests" / "bad_facts"

#: each bad declaration, the code it must give and where (line:col)
EXPECTED = {
    "bad_id": ("facts_bad_id", "12:13"),
    "bad_type": ("facts_bad_type", "13:15"),
    "cycle": ("facts_cycle", "10:15"),
    "duplicate_value_id": ("facts_duplicate_id", "13:14"),
    "missing_key": ("facts_missing_key", "12:9"),
    "missing_title": ("facts_missing_title", "14:16"),
    "unknown_family": ("facts_unknown_family", "13:51"),
    "unknown_key": ("facts_unknown_key", "14:86"),
    "unknown_value": ("facts_unknown_value", "10:16"),
    "version": ("facts_version", "2:8"),
    "wrong_type": ("facts_wrong_type", "8:69"),
}


@pytest.fixture(scope="module")
def decl() -> FactsDecl:
    return load_facts(DECLARATION)


def test_bundled_declaration_loads(decl: FactsDecl) -> None:
    text = DECLARATION.read_text(encoding="utf-8")
    declared = [f for f in decl.facts.values() if not f.path.startswith("determinations.")]
    # the counts the declaration's own text gives: one `type:` per fact or field, one
    # top-level key per family
    families = re.search(r"^families:\n(.*?)^groups:", text, flags=re.MULTILINE | re.DOTALL)
    assert families
    assert len(decl.families) == len(re.findall(r"^  [a-z_]+:$", families.group(1), re.M))
    fields = sum(len(f.fields) for f in declared)
    assert len(declared) + fields == len(re.findall(r"\btype: ", text))
    assert decl.version == 2
    assert [g.id for g in decl.groups][-1] == "determinations"
    assert [f.order for f in decl.facts.values()] == list(range(len(decl.facts)))


def test_paths(decl: FactsDecl) -> None:
    assert decl.fact("id").type is FactType.TEXT
    assert decl.fact("filed_on").type is FactType.DATE
    assert decl.fact("subject.kind").family == "subject_kind"
    acts = decl.fact("acts.items")
    assert acts.type is FactType.RECORDS and acts.record == "Act"
    kind = decl.fact("acts.items[].kind")
    assert kind.family == "act_kind" and kind.path == "acts.items[].kind"
    assert acts.field("kind") is kind
    assert decl.fact("history.exemptions").record == "Exemption"
    assert decl.fact("acts.items[].explicit_prohibition").na == (
        "未违反任何规定",
        "breached no provision",
    )
    assert decl.fact("subject.kind").na is None
    # the catch-alls of the 正负面清单 that only a recorded determination decides: P15 (其他…
    # 可以容错免责的情形) and N9 (其他经认定不予容错免责的情形), declared as data in facts.yaml
    assert decl.determinations == ("P15", "N9")
    for clause in decl.determinations:
        for field, ftype in (("holds", FactType.BOOL), ("decided_on", FactType.DATE)):
            assert decl.fact(f"determinations.{clause}.{field}").type is ftype
    with pytest.raises(KeyError, match=r"did you mean 'subject\.kind'"):
        decl.fact("subject.kinds")
    with pytest.raises(KeyError):
        decl.fact("acts.items[].nothing")
    assert "acts.items[].when" in decl.all_paths()


def test_value_ids_are_unique_and_mapped(decl: FactsDecl) -> None:
    total = sum(len(f.values) for f in decl.families.values())
    assert len(decl.value_family) == total
    for fid, family in decl.families.items():
        for vid, value in family.values.items():
            assert decl.value_family[vid] == fid == value.family
            assert decl.family_of(vid) is family


def test_closures_on_real_families(decl: FactsDecl) -> None:
    act = decl.families["act_kind"]
    assert act.below("spending") == {
        "spending",
        "funds_use",
        "expenditure",
        "materials_use",
        "other_spending",
    }
    assert "funds_use" in act.below("spending")
    assert act.above("funds_use") == {"funds_use", "spending"}
    assert act.leaves("spending") == {"funds_use", "expenditure", "materials_use", "other_spending"}
    assert act.leaves("funds_use") == {"funds_use"}
    assert act.classes("funds_use") == {"spending"}
    assert act.classes("study_tour") == {"study_tour"}
    assert act.classes("other_act") == frozenset()
    assert act.values["other_spending"].opaque
    assert act.children("reception") == ("official_reception", "investment_reception")
    interest = decl.families["interest"]
    assert "service_recipients" in interest.below("lawful_rights")
    assert interest.above("service_recipients") == {"service_recipients", "lawful_rights"}
    org = decl.families["org_kind"]
    assert "emergency_management" in org.below("department")
    assert org.above("emergency_management") == {
        "emergency_management",
        "safety_env_regulator",
        "department",
    }
    assert org.leaves("grassroots") == {
        "township",
        "village",
        "community",
        "other_grassroots",
    }
    assert org.roots() == ("grassroots", "department", "enterprise_or_institution", "other_unit")


def test_closures_are_consistent(decl: FactsDecl) -> None:
    """below and above are each other's inverse, reflexive and transitive; leaves have no
    children; children are exactly the values naming the parent."""
    for family in decl.families.values():
        for v in family.values:
            assert v in family.below(v) and v in family.above(v)
            for w in family.below(v):
                assert v in family.above(w)
                assert family.below(w) <= family.below(v)
            for c in family.children(v):
                assert v in family.values[c].parents
            assert all(not family.children(x) for x in family.leaves(v))
            assert family.leaves(v) <= family.below(v)


def test_also_makes_a_dag() -> None:
    text = """
facts: 2
families:
  f:
    title: [甲, f]
    values:
      - id: a
        title: [甲, a]
        kind: true
        values:
          - [x, 叉, x]
      - id: b
        title: [乙, b]
        kind: true
      - {id: y, title: [歪, y], also: [a, b]}
      - {id: z, title: [泽, z], also: y}
groups:
  - id: g
    title: [组, g]
    facts:
      - {id: v, type: enum, family: f, title: [值, v], question: [值？, "v?"]}
"""
    f = load_facts_text(text, "dag.yaml").families["f"]
    assert f.values["y"].parents == ("a", "b")
    assert f.above("z") == {"z", "y", "a", "b"}
    assert f.below("a") == {"a", "x", "y", "z"}
    assert f.leaves("b") == {"z"}
    assert f.classes("z") == {"a", "b"}
    assert f.children("y") == ("z",)


def test_declaration_is_frozen_hashable_picklable(decl: FactsDecl) -> None:
    again = pickle.loads(pickle.dumps(decl))
    assert again == decl and again.digest == decl.digest and hash(again) == hash(decl)
    family = decl.families["act_kind"]
    assert pickle.loads(pickle.dumps(family)).below("spending") == family.below("spending")
    assert isinstance(hash(family), int)
    with pytest.raises(TypeError):
        decl.facts["x"] = decl.facts["id"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        decl.digest = ""  # type: ignore[misc]


def test_digest_follows_content() -> None:
    text = DECLARATION.read_text(encoding="utf-8")
    a = load_facts_text(text, "a.yaml")
    b = load_facts_text("# a comment\n" + text, "b.yaml")
    assert a.digest == b.digest  # comments, file names and layout do not count
    c = load_facts_text(text.replace('"管理服务对象利益"', '"管理和服务对象利益"'), "c.yaml")
    assert c.digest != a.digest


def test_family_refuses_a_cycle() -> None:
    with pytest.raises(ValueError, match="cycle"):
        Family(
            "f",
            "f",
            "f",
            {
                "a": Value("a", "a", "a", "f", ("b",), False, False),
                "b": Value("b", "b", "b", "f", ("a",), False, False),
            },
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_declaration(name: str) -> None:
    code, where = EXPECTED[name]
    path = BAD / f"{name}.yaml"
    with pytest.raises(RulesError) as info:
        load_facts(path)
    found = [f"{p.location.line}:{p.location.col}" for p in info.value.problems if p.code == code]
    assert where in found, (code, [str(p) for p in info.value.problems])
    for p in info.value.problems:
        assert str(p).startswith(f"{path}:{p.location.line}:{p.location.col}: ")


def test_every_bad_declaration_is_expected() -> None:
    assert {p.stem for p in BAD.glob("*.yaml")} == set(EXPECTED)
    assert {c for c, _ in EXPECTED.values()} == {c for c in CODES if c.startswith("facts_")}


def test_problems_are_collected_and_sorted() -> None:
    text = """facts: 2
families:
  f:
    title: [甲, f]
    values: [[a, 甲, a], [a, 甲, a]]
groups:
  - id: g
    title: [组, g]
    facts:
      - {id: v, type: enum, family: ff, title: [值, v], question: [值？, "v?"]}
      - {id: w, type: nope, title: [值], question: [值？, "v?"], extra: 1}
"""
    with pytest.raises(RulesError) as info:
        load_facts_text(text, "many.yaml")
    problems = info.value.problems
    assert {p.code for p in problems} >= {
        "facts_duplicate_id",
        "facts_unknown_family",
        "facts_bad_type",
        "facts_missing_title",
        "facts_unknown_key",
    }
    keys = [(p.location.line, p.location.col) for p in problems]
    assert keys == sorted(keys)


def test_missing_file_and_bad_yaml() -> None:
    with pytest.raises(RulesError) as info:
        load_facts(BAD / "no-such-file.yaml")
    assert info.value.codes == ("io_error",)
    with pytest.raises(RulesError) as info:
        load_facts_text("facts: 2\nfamilies: {a: [\n", "broken.yaml")
    assert info.value.codes == ("yaml_syntax",)
    with pytest.raises(RulesError) as info:
        load_facts_text("", "empty.yaml")
    assert "facts_wrong_type" in info.value.codes


def _doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (\S+)\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("code", sorted(c for c in CODES if c.startswith("facts_")))
def test_errors_doc_example(code: str) -> None:
    """docs/errors.md shows, for each facts_* code, a bad declaration and the line rongcuo
    prints for it (location and code as printed; the message may be reworded)."""
    body = _doc_sections()[code]
    m = re.search(r"`tests/bad_facts/([a-z_]+)\.yaml`", body)
    assert m, f"{code}: the section names no declaration under tests/bad_facts/"
    shown = re.search(r"```text\n(.+?)\n```", body, flags=re.DOTALL)
    assert shown
    path = BAD / f"{m.group(1)}.yaml"
    with pytest.raises(RulesError) as info:
        load_facts(path)
    printed = [str(p).replace(f"{BAD}/", "") for p in info.value.problems if p.code == code]
    where = shown.group(1).partition(f": {code}: ")[0]
    assert any(p.partition(f": {code}: ")[0] == where for p in printed), (where, printed)


def _renumbered(tmp_path: Path, determinations: str) -> Path:
    """The bundled rules with the catch-all moved from N9 to N10 (a new N9 before it), as a
    revision may do without a code release; ``determinations`` is facts.yaml's list."""
    out = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", out)
    facts = (out / "facts.yaml").read_text("utf-8")
    facts = facts.replace("determinations: [P15, N9]", f"determinations: {determinations}")
    (out / "facts.yaml").write_text(facts, "utf-8")
    neg = (out / "negative.yaml").read_text("utf-8")
    neg = neg.replace("determinations.N9.", "determinations.N10.").replace("{N9: {", "{N10: {")
    neg = neg.replace("  - id: N9\n    item: 9\n", "  - id: N10\n    item: 10\n")
    (out / "negative.yaml").write_text(neg, "utf-8")
    return out


def test_a_revision_renumbers_the_catch_all_in_data(tmp_path: Path) -> None:
    rules = rongcuo.load_ruleset(_renumbered(tmp_path, "[P15, N10]"))
    assert rules.program.catalogue is not None
    assert rules.program.catalogue.decl.determinations == ("P15", "N10")
    catch_all = [c.id for c in rules.clauses if c.catch_all]
    assert sorted(catch_all) == ["N10", "P15"]
    filing = rules.parse_filing(
        {
            "determinations": {
                "N10": {
                    "holds": True,
                    "decided_by": "某县纪委",
                    "decided_on": "2024-05-01",
                    "reason": "不宜免责",
                }
            }
        }
    )
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is rongcuo.Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N10"]
    assert verdict.decisive[0].determination is not None
    with pytest.raises(rongcuo.FilingError) as err:
        rules.parse_filing({"determinations": {"N9": {"holds": True}}})
    assert err.value.problems[0].code == "filing_unknown_field"


def test_a_determination_for_a_clause_that_is_no_catch_all_is_refused(tmp_path: Path) -> None:
    with pytest.raises(rongcuo.RulesError) as err:
        rongcuo.load_ruleset(_renumbered(tmp_path, "[P15, N9, N10]"))
    codes = {(p.code, p.location.line is not None) for p in err.value.problems}
    assert ("rules_catch_all", True) in codes
    assert any("N9" in p.message and "catch-all" in p.message for p in err.value.problems)
