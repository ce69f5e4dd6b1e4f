"""The v1 ``Filing`` as a plain pydantic type applies rongcuo's checks and codes.

v1: delete with the v1 path. These are the v1 model's (:class:`rongcuo.facts.model.Filing`)
coded wrap validator; the generated v2 model that ``rongcuo.Filing`` now is has no such validator
(its ``model_validate`` gives pydantic's error types; ``parse_filing`` gives the codes).

``Filing.model_validate``, ``model_validate_json`` and a Filing field of another model refuse
what ``parse_filing`` refuses (a value listed twice, an over-long list, dates out of order), and
every error's ``type`` is the rongcuo code ``parse_filing`` reports at the same place.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest

from rongcuo.errors import CODES, FilingError
from rongcuo.facts.filings import parse_filing_v1 as parse_filing
from rongcuo.facts.model import Filing

from .test_bad_filings import BAD_MAPPINGS, CASES


def _path(loc: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def _by_parser(data: Any) -> set[tuple[str, str]]:
    with pytest.raises(FilingError) as info:
        parse_filing(data)
    return {(p.code, p.location.json_path()) for p in info.value.problems}


def _by_model(data: Any) -> set[tuple[str, str]]:
    with pytest.raises(pydantic.ValidationError) as info:
        Filing.model_validate(data)
    errors = info.value.errors()
    assert all(e["type"] in CODES for e in errors), errors
    return {(e["type"], _path(e["loc"])) for e in errors}


MAPPINGS = [
    *BAD_MAPPINGS,
    *(case[0] for case in CASES.values() if isinstance(case[0], dict)),
]


@pytest.mark.parametrize("data", MAPPINGS, ids=lambda d: json.dumps(d, default=str)[:40])
def test_model_validate_gives_the_parsers_codes(data: dict[str, Any]) -> None:
    assert _by_model(data) == _by_parser(data)


#: pydantic's own JSON reader runs before any validator: text that is not JSON, or that rongcuo's
#: reader refuses (a duplicate key, deep nesting, over 1 MiB), is pydantic's ``json_invalid``
#: there, so those cases are left out; ``parse_filing`` reads text with rongcuo's codes
_UNREADABLE = {"json_syntax", "not_utf8", "json_duplicate_key", "too_deep", "too_large"}


def _parser_problems(data: bytes) -> set[tuple[str, str]]:
    try:
        parse_filing(data, format="json")
    except FilingError as exc:
        return {(p.code, p.location.json_path()) for p in exc.problems}
    raise AssertionError("a bad case parses")


JSON_CASES = sorted(
    name
    for name, (data, fmt, _) in CASES.items()
    if isinstance(data, bytes)
    and fmt == "json"
    and not {code for code, _ in _parser_problems(data)} & _UNREADABLE
)


@pytest.mark.parametrize("name", JSON_CASES)
def test_model_validate_json_gives_the_parsers_codes(name: str) -> None:
    data = CASES[name][0]
    assert isinstance(data, bytes)
    with pytest.raises(pydantic.ValidationError) as by_model:
        Filing.model_validate_json(data)
    got = {(e["type"], _path(e["loc"])) for e in by_model.value.errors()}
    assert got == _parser_problems(data)


def test_a_filing_field_of_another_model_is_checked_at_its_place() -> None:
    class Envelope(pydantic.BaseModel):
        filing: Filing

    data = {"filing": {"conduct": {"misconduct": ["formalism", "formalism"]}, "sumary": 1}}
    with pytest.raises(pydantic.ValidationError) as info:
        Envelope.model_validate(data)
    errors = {(e["type"], e["loc"]) for e in info.value.errors()}
    assert errors == {
        ("filing_duplicate_value", ("filing", "conduct", "misconduct", 1)),
        ("filing_unknown_field", ("filing", "sumary")),
    }
    hint = next(e for e in info.value.errors() if e["type"] == "filing_unknown_field")["ctx"]
    assert hint["hint"] == "did you mean 'summary'?"
    assert hint["pydantic_type"] == "extra_forbidden"


def test_a_valid_filing_and_a_filing_instance_pass_unchanged() -> None:
    filing = parse_filing({"matter": {"causes": ["negligence"]}})
    assert Filing.model_validate(filing) is filing
    again = Filing.model_validate(filing.model_dump())
    assert again == filing
