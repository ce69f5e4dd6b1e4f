"""Filing model v2, generated from rules/facts.yaml: the committed module is what the
declaration gives; the model reads the document forms of docs/design-v2.md §2, dumps them
canonically, carries its fact vector, and describes itself in a JSON Schema with Chinese titles.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pydantic
import pytest

from rongcuo._yaml import load_yaml
from rongcuo.facts import v2
from rongcuo.facts.declare import FactType, load_facts
from rongcuo.facts.generate import generate
from rongcuo.facts.values import NA, PartialDate, PartialSet, Records

from .conftest import ROOT

DECLARATION = "rules/facts.yaml"
MODULE = ROOT / "src" / "rongcuo" / "facts" / "v2.py"
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


def _case(path: Path) -> dict[str, Any]:
    filing: dict[str, Any] = load_yaml(path.read_bytes(), filename=str(path)).value["filing"]
    return filing


def test_generated_module_is_in_step() -> None:
    decl = load_facts(ROOT / DECLARATION)
    text = generate(decl, DECLARATION)
    assert MODULE.read_text(encoding="utf-8") == text, (
        "src/rongcuo/facts/v2.py is stale: run "
        "python -m rongcuo.facts.generate rules/facts.yaml -o src/rongcuo/facts/v2.py"
    )
    assert decl.digest == v2.DIGEST


def test_generator_command(tmp_path: Path) -> None:
    out = tmp_path / "v2.py"
    run = [sys.executable, "-m", "rongcuo.facts.generate", DECLARATION]
    assert subprocess.run([*run, "-o", str(out)], cwd=ROOT).returncode == 0
    assert out.read_text(encoding="utf-8") == MODULE.read_text(encoding="utf-8")
    assert subprocess.run([*run, "--check", str(MODULE)], cwd=ROOT).returncode == 0
    out.write_text(out.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    stale = subprocess.run([*run, "--check", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert stale.returncode == 1 and "regenerate" in stale.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "rongcuo.facts.generate", "tests/bad_facts/cycle.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "facts_cycle" in bad.stderr


def test_catalogue_matches_the_declaration() -> None:
    decl = load_facts(ROOT / DECLARATION)
    assert list(v2.FACTS) == list(decl.facts)
    assert dict(v2.FACTS) == dict(decl.facts)
    assert list(v2.FAMILIES) == list(decl.families)
    for fid, fam in decl.families.items():
        assert v2.FAMILIES[fid] == fam
        assert v2.FAMILIES[fid].below(next(iter(fam.values))) == fam.below(next(iter(fam.values)))
    assert [v2.FACT_INDEX[p] for p in v2.FACTS] == list(range(len(v2.FACTS)))


def test_static_types() -> None:
    """Value ids are Literal types per family; unknown is None in every annotation."""
    hints = typing.get_type_hints(v2.Act, include_extras=True)
    kind = typing.get_args(hints["kind"])[0]
    assert set(typing.get_args(kind)) == {v2.ActKind, type(None)}
    assert typing.get_args(v2.ActKind) == tuple(v2.ACT_KIND.values)
    assert "spending" in typing.get_args(v2.ActKind)
    for model in (v2.Subject, v2.Acts, v2.Act, v2.Exemption, v2.Remedy, v2.History):
        for name, info in model.model_fields.items():
            assert info.default is None, (model.__name__, name)
    for name, info in v2.Filing.model_fields.items():
        if name in ("id", "summary", "filed_on"):
            assert info.default is None
        else:
            assert info.default_factory is not None


def test_unknown_is_none_everywhere() -> None:
    f = v2.Filing()
    assert all(x is None for x in v2.fact_vector(f))
    assert f.model_dump(mode="json", exclude_none=True) == {
        name: {} for name in v2.Filing.model_fields if name not in ("id", "summary", "filed_on")
    }


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_v2_case_reads_and_round_trips(path: Path) -> None:
    f = v2.Filing.model_validate(_case(path))
    dumped = f.model_dump(mode="json", exclude_none=True)
    again = v2.Filing.model_validate(dumped)
    assert again == f
    assert again.model_dump(mode="json", exclude_none=True) == dumped
    assert v2.fact_vector(again) == v2.fact_vector(f)


def test_document_forms() -> None:
    f = v2.Filing.model_validate(
        {
            "filed_on": "2023-06-01",
            "subject": {"kind": "individual", "organisation": "department", "roles": ["cadre"]},
            "context": {"work_areas": {"yes": ["people_service"], "no": ["reform_innovation"]}},
            "acts": {
                "items": [
                    {"kind": "spending", "when": {"from": "2012", "to": "2013"}, "breached": []},
                    {"kind": "misappropriation", "when": "2023", "explicit_prohibition": "n/a"},
                ],
                "complete": False,
            },
            "remedy": {"refused_rectification": "n/a", "rectification": "rectified"},
            "history": {"exemptions": [{"date": "2021-06", "kind": "other_act"}]},
        }
    )
    assert f.filed_on == PartialDate.exact(dt.date(2023, 6, 1))
    assert f.subject.roles == PartialSet.of(["cadre"])
    assert f.context.work_areas == PartialSet(
        frozenset({"people_service"}), frozenset({"reform_innovation"}), False
    )
    acts = f.acts.items
    assert isinstance(acts, Records) and not acts.complete and len(acts) == 2
    assert acts.items[0].when == PartialDate(dt.date(2012, 1, 1), dt.date(2013, 12, 31))
    assert acts.items[0].breached == PartialSet.of([])
    assert acts.items[1].explicit_prohibition is NA
    assert f.remedy.refused_rectification is NA
    exemptions = f.history.exemptions
    assert exemptions is not None and exemptions.complete
    assert exemptions.items[0].kind == "other_act"
    dumped = f.model_dump(mode="json", exclude_none=True)
    assert dumped["acts"] == {
        "items": [
            {"kind": "spending", "when": "2012/2013", "breached": []},
            {"kind": "misappropriation", "when": "2023", "explicit_prohibition": "n/a"},
        ],
        "complete": False,
    }
    assert dumped["history"] == {"exemptions": [{"date": "2021-06", "kind": "other_act"}]}
    assert dumped["context"]["work_areas"] == {
        "yes": ["people_service"],
        "no": ["reform_innovation"],
        "complete": False,
    }
    assert dumped["remedy"]["refused_rectification"] == "n/a"
    # the acts group in its own form reads the same
    same = v2.Filing.model_validate({**dumped, "acts": {"items": dumped["acts"]}})
    assert same == v2.Filing.model_validate(dumped)
    plain = v2.Filing.model_validate({"acts": [{"kind": "funds_use"}]})
    assert plain.acts.items == Records((v2.Act(kind="funds_use"),), complete=True)
    assert plain.model_dump(mode="json", exclude_none=True)["acts"] == [{"kind": "funds_use"}]


@pytest.mark.parametrize(
    ("document", "error"),
    [
        ({"subject": {"kind": "robot"}}, "invalid_value"),
        ({"subject": {"kind": 3}}, "wrong_type"),
        ({"subject": {"kind": "n/a"}}, "na_not_allowed"),
        ({"subject": {"enforcement_power": "yes"}}, "wrong_type"),
        ({"subject": {"enforcement_power": "n/a"}}, "na_not_allowed"),
        ({"subject": {"roles": ["cadre", "cadre"]}}, "duplicate_value"),
        ({"subject": {"roles": {"yes": ["cadre"], "no": ["cadre"]}}}, "set_conflict"),
        (
            {"acts": [{"kind": "funds_use", "breached": {"yes": ["law"], "no": ["state_law"]}}]},
            "set_conflict",
        ),
        ({"subject": {"roles": ["robot"]}}, "invalid_value"),
        ({"acts": [{"when": "2023-02-30"}]}, "invalid_date"),
        ({"acts": [{"when": 2023}]}, "invalid_date"),
        ({"acts": [{"colour": "red"}]}, "extra_forbidden"),
        ({"acts": "many"}, "model_type"),
        ({"acts": {"items": [], "complete": "no"}}, "bool_type"),
        (
            {
                "determinations": {
                    "P15": {"holds": True, "decided_by": "x", "decided_on": "2023", "reason": "y"}
                }
            },
            "invalid_date",
        ),
        ({"matter": {"error_kinds": ["spending"]}}, "filing_v1"),  # a v1 key: what replaced it
    ],
)
def test_refusals(document: dict[str, Any], error: str) -> None:
    """However the model is called, its errors carry rongcuo's codes (docs/errors.md)."""
    code = {
        "extra_forbidden": "filing_unknown_field",
        "model_type": "filing_wrong_type",
        "bool_type": "filing_wrong_type",
    }.get(error, error if error.startswith("filing_") else "filing_" + error)
    with pytest.raises(pydantic.ValidationError) as info:
        v2.Filing.model_validate(document)
    assert code in {e["type"] for e in info.value.errors()}


def test_a_coarse_value_and_its_leaves_in_one_set() -> None:
    """yes: spending with no: funds_use is consistent (some other spending); yes: spending with
    every leaf of spending ruled out is not."""
    ok = v2.Act.model_validate({"breached": {"yes": ["party_rules"], "no": ["party_discipline"]}})
    assert ok.breached == PartialSet(
        frozenset({"party_rules"}), frozenset({"party_discipline"}), False
    )
    with pytest.raises(pydantic.ValidationError, match="rule out every one"):
        v2.Act.model_validate(
            {"breached": {"yes": ["state_law"], "no": ["law", "administrative_regulation"]}}
        )


def test_fact_vector_follows_the_filing() -> None:
    f = v2.Filing.model_validate(_case(CASES[1]))
    vector = v2.fact_vector(f)
    assert len(vector) == len(v2.FACTS)
    for path, i in v2.FACT_INDEX.items():
        node: Any = f
        if path.startswith("determinations."):
            _, clause, field = path.split(".")
            record = getattr(f.determinations, clause)
            assert vector[i] == (None if record is None else getattr(record, field))
            continue
        for part in path.split("."):
            node = getattr(node, part)
        assert vector[i] is node or vector[i] == node, path
    changed = f.model_copy(update={"subject": v2.Subject(kind="individual")})
    assert v2.fact_vector(changed)[v2.FACT_INDEX["subject.kind"]] == "individual"
    assert v2.fact_vector(f)[v2.FACT_INDEX["subject.kind"]] == "unit"
    for other in (pickle.loads(pickle.dumps(f)), copy.deepcopy(f), f.model_copy(deep=True)):
        assert other == f and v2.fact_vector(other) == vector
    assert pickle.loads(pickle.dumps(vector)) == vector


def test_determinations_in_the_vector() -> None:
    f = v2.Filing.model_validate(
        {
            "determinations": {
                "N9": {
                    "holds": True,
                    "decided_by": "中共鲁山县纪委",
                    "decided_on": "2023-07-01",
                    "reason": "规避集体决策。",
                }
            }
        }
    )
    vector = v2.fact_vector(f)
    assert vector[v2.FACT_INDEX["determinations.N9.holds"]] is True
    assert vector[v2.FACT_INDEX["determinations.N9.decided_on"]] == PartialDate.exact(
        dt.date(2023, 7, 1)
    )
    assert vector[v2.FACT_INDEX["determinations.P15.holds"]] is None
    assert v2.FACTS["determinations.N9.decided_on"].type is FactType.DATE


def test_frozen() -> None:
    f = v2.Filing.model_validate({"subject": {"kind": "unit"}})
    with pytest.raises(pydantic.ValidationError):
        f.subject.kind = "individual"  # type: ignore[misc]
    assert hash(v2.Act(kind="funds_use")) == hash(v2.Act(kind="funds_use"))


def _walk(node: Any) -> typing.Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_json_schema() -> None:
    schema = v2.filing_json_schema()
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in CASES:  # every v2 case is valid under the schema too
        dumped = v2.Filing.model_validate(_case(path)).model_dump(mode="json", exclude_none=True)
        errors = list(validator.iter_errors(dumped))
        assert not errors, (path.name, [e.message for e in errors[:3]])
    assert list(validator.iter_errors({"subject": {"kind": "robot"}}))
    assert list(validator.iter_errors({"conduct": {"misconduct": []}}))


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_json_schema_titles() -> None:
    """Every enumeration value carries a Chinese title and an English description; every fact
    a Chinese title, an English one (x-title-en) and its question in both."""
    schema = v2.filing_json_schema()
    consts = [n for n in _walk(schema) if "const" in n]
    assert {n["const"] for n in consts} >= {v for f in v2.FAMILIES.values() for v in f.values}
    for n in consts:
        assert _has_cjk(n["title"]) and n["description"], n
    for name, model in schema["$defs"].items():
        for field, prop in model.get("properties", {}).items():
            assert _has_cjk(prop["title"]), (name, field)
            assert prop.get("x-title-en"), (name, field)
            if name not in ("Determination", "Determinations"):
                assert _has_cjk(prop["x-question-zh"]) and prop["x-question-en"], (name, field)
