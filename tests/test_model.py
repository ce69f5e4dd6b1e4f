"""The v1 filing model: unknown is a value, unknown keys fail, every fact has a Chinese title.

v1: delete with the v1 path. The model of the bundled rules is the generated v2 model
(tests/test_facts_v2.py, tests/test_facts_parse.py).
"""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given, settings

import rongcuo
from rongcuo.engine.evaluate import facts_of
from rongcuo.facts.filings import parse_filing_v1 as parse_filing
from rongcuo.facts.model import (
    DATE_ORDER,
    FACT_INDEX,
    FACTS,
    FactKind,
    Filing,
    TitledEnum,
    fact_vector,
    filing_json_schema,
)
from rongcuo.testing import strategies as S  # the first model's kit


def test_empty_filing_is_all_unknown() -> None:
    filing = Filing()
    assert all(v is None for v in filing.subject.model_dump().values())


def test_unknown_keys_are_rejected_with_their_path_and_a_suggestion() -> None:
    with pytest.raises(rongcuo.FilingError) as err:
        parse_filing({"motive": {"privat_gain_for": []}})
    (problem,) = err.value.problems
    assert problem.code == "filing_unknown_field"
    assert problem.location.json_path() == "$.motive.privat_gain_for"
    assert "private_gain_for" in problem.hint


@pytest.mark.parametrize(
    ("doc", "code", "path"),
    [
        ({"motive": {"public_spirited": "yes"}}, "filing_wrong_type", "$.motive.public_spirited"),
        ({"motive": {"public_spirited": 1}}, "filing_wrong_type", "$.motive.public_spirited"),
        (
            {"consequences": {"adverse_impact": "tiny"}},
            "filing_invalid_value",
            "$.consequences.adverse_impact",
        ),
        (
            {"matter": {"conduct_ended_on": "2023-02-30"}},
            "filing_invalid_date",
            "$.matter.conduct_ended_on",
        ),
        (
            {"matter": {"conduct_ended_on": 1700000000}},
            "filing_invalid_date",
            "$.matter.conduct_ended_on",
        ),
        ({"subject": "unit"}, "filing_wrong_type", "$.subject"),
    ],
)
def test_wrong_values_are_coded_with_their_json_path(
    doc: dict[str, object], code: str, path: str
) -> None:
    with pytest.raises(rongcuo.FilingError) as err:
        parse_filing(doc)
    assert [(p.code, p.location.json_path()) for p in err.value.problems] == [(code, path)]


@pytest.mark.parametrize(
    "matter",
    [
        {"conduct_started_on": "2011-09-30", "conduct_ended_on": "2011-09-30"},  # one day
        {"conduct_started_on": "2010-06-18", "conduct_ended_on": "2011-03-25"},
        {"conduct_started_on": "2013-03-01"},  # an unknown end breaks no order
        {"conduct_ended_on": "2011-09-30"},
    ],
)
def test_conduct_dates_in_order_or_unknown_are_valid(matter: dict[str, str]) -> None:
    filing = parse_filing({"matter": matter})
    assert filing.matter.model_dump(mode="json", exclude_none=True) == matter


def test_conduct_that_began_after_it_ended_is_refused_with_both_dates_named() -> None:
    with pytest.raises(rongcuo.FilingError) as err:
        parse_filing(
            {"matter": {"conduct_started_on": "2013-03-01", "conduct_ended_on": "2011-09-30"}}
        )
    (problem,) = err.value.problems
    assert problem.code == "filing_dates_out_of_order"
    assert problem.location.json_path() == "$.matter.conduct_started_on"
    assert "2013-03-01" in problem.message and "2011-09-30" in problem.message
    assert "matter.conduct_ended_on" in problem.message
    assert problem.hint


def test_date_order_pairs_are_date_facts() -> None:
    for earlier, later in DATE_ORDER:
        assert FACTS[earlier].kind is FactKind.DATE and FACTS[later].kind is FactKind.DATE
    flat = [p for pair in DATE_ORDER for p in pair]
    assert len(flat) == len(set(flat)), "the strategies assume the pairs share no fact"


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(rongcuo.FilingError) as err:
        parse_filing({"motive": {"public_spirited": "x"}, "typo": 1, "subject": {"kind": "team"}})
    assert len(err.value.problems) == 3


def test_every_fact_and_enum_value_has_a_chinese_title() -> None:
    cjk = lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)  # noqa: E731
    for path, spec in FACTS.items():
        assert cjk(spec.zh), path
        assert spec.en and not cjk(spec.en), path
        if spec.enum is not None:
            for member in spec.enum:
                assert cjk(member.zh) and member.en, f"{path}: {member}"


def test_json_schema_carries_titles_for_fields_and_values() -> None:
    schema = filing_json_schema()
    text = json.dumps(schema, ensure_ascii=False)
    assert schema["additionalProperties"] is False
    assert "主观上出于公心" in text
    impact = schema["$defs"]["Impact"]
    assert impact["enum"] == ["none", "minor", "significant", "serious"]
    assert [o["const"] for o in impact["oneOf"]] == impact["enum"]
    assert all(o["title"] for o in impact["oneOf"])
    group = schema["$defs"]["Motive"]
    assert group["additionalProperties"] is False
    for prop in group["properties"].values():
        assert prop["title"] and prop["x-title-en"]


def test_model_holds_facts_not_conclusions() -> None:
    # no field names a clause, except the recorded determinations for the two catch-alls
    for path in FACTS:
        parts = path.split(".")
        named = [p for p in parts if p[:1] in "PN" and p[1:].isdigit()]
        if named:
            assert parts[0] == "determinations" and named[0] in ("P15", "N9"), path


def test_enums_are_titled() -> None:
    for spec in FACTS.values():
        if spec.enum is not None:
            assert issubclass(spec.enum, TitledEnum)


# --------------------------------------------------------------------------- the fact vector


@settings(max_examples=150, deadline=None)
@given(S.filings())
def test_the_fact_vector_is_every_fact_in_catalogue_order(filing: Filing) -> None:
    # facts_of reads each fact by attribute, independently of the vector
    assert list(fact_vector(filing)) == list(facts_of(filing).values())
    assert len(fact_vector(filing)) == len(FACTS) == len(FACT_INDEX)


def test_the_fact_vector_follows_every_way_a_filing_is_made() -> None:
    made = Filing.model_validate({"motive": {"public_spirited": True}, "summary": "甲"})
    assert fact_vector(made)[FACT_INDEX["motive.public_spirited"]] is True
    copied = made.model_copy(update={"summary": "乙"})
    assert fact_vector(copied)[FACT_INDEX["summary"]] == "乙"
    nested = made.model_copy(
        update={"motive": made.motive.model_copy(update={"public_spirited": False})}
    )
    assert fact_vector(nested)[FACT_INDEX["motive.public_spirited"]] is False
    assert fact_vector(pickle.loads(pickle.dumps(made))) == fact_vector(made)
    assert fact_vector(Filing.model_construct()) == (None,) * len(FACTS)
    recorded = Filing.model_validate(
        {
            "determinations": {
                "P15": {
                    "holds": True,
                    "decided_by": "县纪委",
                    "decided_on": "2023-06-15",
                    "reason": "经集体研究认定",
                }
            }
        }
    )
    assert fact_vector(recorded)[FACT_INDEX["determinations.P15.holds"]] is True
    assert fact_vector(recorded)[FACT_INDEX["determinations.N9.holds"]] is None
