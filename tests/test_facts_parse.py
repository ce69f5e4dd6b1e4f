"""Reading v2 filings (parse_filing_v2): every v2 case reads; every v1 filing (examples/,
tests/cases/) is refused with filing_v1 and never read; problems are coded and located where
the document wrote them; equal filings dump to the same bytes whatever the order they were
written in; the v2 examples of docs/errors.md produce what they show.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo._yaml import load_yaml
from rongcuo.errors import FilingError
from rongcuo.facts import v2
from rongcuo.facts.parse import V1_KEYS, parse_filing_v2

from . import conftest
from .conftest import ROOT

# v1: delete with the v1 path. v1 filings, read to check that the v2 reader refuses them.
V1_EXAMPLES = sorted(p for p in conftest.V1_EXAMPLES.glob("*.*") if p.suffix in (".yaml", ".json"))
V1_CASES = sorted(conftest.V1_CASES.glob("*.yaml"))
V2_CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))
V2_EXAMPLES = sorted(
    p
    for p in (ROOT / "examples").glob("*.*")
    if p.suffix in (".yaml", ".json") and p.name != "expected.yaml"
)


def _filing(path: Path) -> Any:
    return load_yaml(path.read_bytes(), filename=str(path)).value["filing"]


def canonical(f: v2.Filing) -> bytes:
    data = f.model_dump(mode="json", exclude_none=True)
    data = {k: v for k, v in data.items() if v != {}}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize("path", V2_CASES + V2_EXAMPLES, ids=lambda p: p.name)
def test_v2_filings_read(path: Path) -> None:
    if path.parent.name == "cases":
        f = parse_filing_v2(_filing(path), name=path.name)
        text = path.read_bytes()
        doc = load_yaml(text).value["filing"]
    else:
        f = parse_filing_v2(path.read_bytes(), name=path.name)
        doc = None
    again = parse_filing_v2(canonical(f), name="canonical.json")
    assert again == f and canonical(again) == canonical(f)
    if doc is not None:
        assert f == v2.Filing.model_validate(doc)


@pytest.mark.parametrize("path", V1_EXAMPLES, ids=lambda p: p.name)
def test_v1_examples_are_refused(path: Path) -> None:
    with pytest.raises(FilingError) as info:
        parse_filing_v2(path.read_bytes(), name=path.name)
    assert set(info.value.codes) == {"filing_v1"}
    for p in info.value.problems:
        assert "is a key of filing model v1; v2 has" in p.message
        if path.suffix == ".yaml":
            assert p.location.line > 0


@pytest.mark.parametrize("path", V1_CASES, ids=lambda p: p.name)
def test_v1_cases_are_refused(path: Path) -> None:
    with pytest.raises(FilingError) as info:
        parse_filing_v2(_filing(path), name=path.name)
    assert set(info.value.codes) == {"filing_v1"}
    named = {p.location.json_path().removeprefix("$.") for p in info.value.problems}
    assert named <= set(V1_KEYS)


def test_every_v1_key_is_named() -> None:
    doc = {}
    for key in V1_KEYS:
        group, _, fact = key.partition(".")
        if group == "violation":
            doc["violation"] = {"norms": []}
        else:
            doc.setdefault(group, {})[fact] = None
    with pytest.raises(FilingError) as info:
        parse_filing_v2(doc)
    named = {p.location.json_path().removeprefix("$.") for p in info.value.problems}
    assert named == {k for k in V1_KEYS if not k.startswith("violation.")}


def _problem(text: str | bytes, code: str) -> str:
    with pytest.raises(FilingError) as info:
        parse_filing_v2(text, name="f.yaml")
    found = [str(p) for p in info.value.problems if p.code == code]
    assert found, [str(p) for p in info.value.problems]
    return found[0]


def test_located_where_the_document_wrote_it() -> None:
    # a plain list of acts: the path is acts[1], not the model's acts.items.items[1]
    shown = _problem("acts:\n  - {kind: funds_use}\n  - {kind: spendng}\n", "filing_invalid_value")
    assert shown.startswith("f.yaml:3:12: $.acts[1].kind: ") and "did you mean 'spending'" in shown
    shown = _problem(
        "acts:\n  items:\n    - {kind: funds_use, colour: red}\n  complete: false\n",
        "filing_unknown_field",
    )
    assert shown.startswith("f.yaml:3:25: $.acts.items[0].colour: ")
    shown = _problem("history:\n  exemptions: [{date: '2012/2011'}]\n", "filing_invalid_date")
    assert shown.startswith("f.yaml:2:23: $.history.exemptions[0].date: ")
    shown = _problem('{"subject": {"kindd": "unit"}}', "filing_unknown_field")
    assert shown.startswith("f.yaml: $.subject.kindd: ") and "did you mean 'kind'" in shown


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        (
            "subject: {roles: [cadre, cadre]}\n",
            "filing_duplicate_value",
            "1:26: $.subject.roles[1]",
        ),
        (
            "context: {work_areas: {yes: [people_service], no: [people_service]}}\n",
            "filing_set_conflict",
            "1:23: $.context.work_areas",
        ),
        ("remedy: {admitted: n/a}\n", "filing_na_not_allowed", "1:20: $.remedy.admitted"),
        ("acts: [{when: 2023}]\n", "filing_invalid_date", "1:15: $.acts[0].when"),
        ("acts: [{when: '2023-13'}]\n", "filing_invalid_date", "1:15: $.acts[0].when"),
        ("filed_on: '20230101'\n", "filing_invalid_date", "1:11: $.filed_on"),
        ("acts: many\n", "filing_wrong_type", "1:7: $.acts"),
        ("- 1\n", "filing_not_object", ""),
        (
            "determinations: {N9: {holds: true, decided_by: x, reason: y}}\n",
            "filing_invalid_value",
            "1:22: $.determinations.N9.decided_on",
        ),
    ],
)
def test_problem_codes(text: str, code: str, where: str) -> None:
    shown = _problem(text, code)
    assert shown.startswith(f"f.yaml:{where}: " if where else "f.yaml: "), shown


def test_limits() -> None:
    many = {"acts": [{"kind": "funds_use"}] * 300}
    with pytest.raises(FilingError) as info:
        parse_filing_v2(many)
    assert info.value.codes == ("filing_too_long",)
    with pytest.raises(FilingError) as info:
        parse_filing_v2(b"{" + b" " * 2_000_000 + b"}")
    assert info.value.codes == ("too_large",)
    with pytest.raises(FilingError) as info:
        parse_filing_v2(b'{"a": 1, "a": 2}')
    assert info.value.codes == ("json_duplicate_key",)
    with pytest.raises(FilingError) as info:
        parse_filing_v2(b"a: [" * 100)
    assert info.value.codes[0] in ("too_deep", "yaml_syntax")
    with pytest.raises(FilingError) as info:
        parse_filing_v2(12)  # type: ignore[arg-type]
    assert info.value.codes == ("filing_not_object",)


# --------------------------------------------------------------------------- canonical dumps


def _shuffled(value: Any, draw: Any) -> Any:
    """The same document with every mapping's keys and every set's values in another order."""
    if isinstance(value, dict):
        keys = draw(st.permutations(list(value)))
        return {k: _shuffled(value[k], draw) for k in keys}
    if isinstance(value, list):
        items = [_shuffled(v, draw) for v in value]
        if all(isinstance(v, str) for v in items):  # a set: order does not count
            return draw(st.permutations(items))
        return items  # records keep their order
    return value


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(V2_CASES), st.data())
def test_equal_filings_dump_to_the_same_bytes(path: Path, data: st.DataObject) -> None:
    document = _filing(path)
    f = parse_filing_v2(document)
    other = parse_filing_v2(_shuffled(document, data.draw))
    assert other == f
    assert canonical(other) == canonical(f)
    text = json.dumps(_shuffled(document, data.draw), ensure_ascii=False, default=str)
    assert canonical(parse_filing_v2(text)) == canonical(f)


def test_canonical_forms() -> None:
    f = parse_filing_v2(
        "subject: {roles: [party_member, cadre]}\n"
        "context: {work_areas: {no: [reform_innovation], yes: [people_service]}}\n"
        "acts: [{when: {from: '2023-03', to: '2023-05'}, corrected_on: 2023-06-01}]\n"
        "history: {exemptions: {items: [{date: '2020'}], complete: false}}\n"
    )
    assert json.loads(canonical(f)) == {
        "subject": {"roles": ["cadre", "party_member"]},
        "context": {
            "work_areas": {
                "yes": ["people_service"],
                "no": ["reform_innovation"],
                "complete": False,
            }
        },
        "acts": [{"when": "2023-03/2023-05", "corrected_on": "2023-06-01"}],
        "history": {"exemptions": {"items": [{"date": "2020"}], "complete": False}},
    }


# --------------------------------------------------------------------------- docs/errors.md


def _v2_examples() -> list[tuple[str, str, str, str]]:
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    parts = re.split(r"^## (\S+)\n", text, flags=re.MULTILINE)
    out = []
    for code, body in zip(parts[1::2], parts[2::2], strict=True):
        for m in re.finditer(
            r"<!-- filing v2 -->\n```(json|yaml)\n(.+?)\n```\n\n```text\n(.+?)\n```",
            body,
            flags=re.DOTALL,
        ):
            out.append((code, m.group(1), m.group(2), m.group(3)))
    return out


V2_DOC_EXAMPLES = _v2_examples()


def test_errors_doc_has_v2_examples() -> None:
    codes = {c for c, *_ in V2_DOC_EXAMPLES}
    assert codes >= {
        "filing_v1",
        "filing_set_conflict",
        "filing_na_not_allowed",
        "filing_invalid_date",
    }


@pytest.mark.parametrize(
    ("code", "fmt", "text", "shown"), V2_DOC_EXAMPLES, ids=[c for c, *_ in V2_DOC_EXAMPLES]
)
def test_errors_doc_v2_example(code: str, fmt: str, text: str, shown: str) -> None:
    with pytest.raises(FilingError) as info:
        parse_filing_v2(text.encode(), name=f"filing.{fmt}")
    printed = [str(p) for p in info.value.problems if p.code == code]
    where = shown.partition(f": {code}: ")[0]
    assert any(p.partition(f": {code}: ")[0] == where for p in printed), (where, printed)


def test_a_group_left_out_is_shared_frozen_and_unknown() -> None:
    # every filing that leaves a group out gets the one empty instance of it: frozen, so none
    # can change what another sees, and a copy with an update is a new filing of its own
    import pydantic

    first = parse_filing_v2(b"{}")
    second = parse_filing_v2(b'{"id": "x"}')
    assert first.subject is second.subject
    assert first.subject.model_dump(exclude_none=True) == {}
    with pytest.raises(pydantic.ValidationError):
        first.subject.kind = "unit"  # type: ignore[misc]
    changed = first.model_copy(update={"subject": v2.Subject(kind="unit")})
    assert changed.subject.kind == "unit"
    assert second.subject.kind is None and first.subject.kind is None
    # and the fact vector of each filing is its own
    assert v2.fact_vector(changed) != v2.fact_vector(first)
    assert v2.fact_vector(first) == v2.fact_vector(parse_filing_v2(b"{}"))
    assert set(v2.fact_vector(first)) == {None}


@pytest.mark.parametrize(
    ("doc", "codes"),
    [
        # what the model alone would refuse is reported as the document's own checks say
        (b'{"conduct": {"misconduct": ["falsification"]}}', ["filing_v1"]),
        (
            b'{"acts": [{"kind": "funds_use", "harmed": ["public_interest", "public_interest"]}]}',
            ["filing_duplicate_value"],
        ),
        (json.dumps({"acts": [{"kind": "funds_use"}] * 300}).encode(), ["filing_too_long"]),
    ],
)
def test_the_document_checks_run_when_the_model_refuses(doc: bytes, codes: list[str]) -> None:
    with pytest.raises(FilingError) as info:
        parse_filing_v2(doc)
    assert [p.code for p in info.value.problems] == codes
