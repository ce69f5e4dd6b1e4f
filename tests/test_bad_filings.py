"""Bad filings: every one a FilingError with coded, located problems; never a partial verdict.

Each case gives the input bytes (or a mapping), the format, and the exact set of
``(code, JSON path)`` problems expected, with ``line:col`` where the error is in the text itself.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo.errors import CODES, FilingError
from rongcuo.facts.declare import FactType
from rongcuo.facts.filings import MAX_FILING_BYTES, MAX_LIST_ITEMS, parse_filing
from rongcuo.facts.model import MAX_TEXT, Cause
from rongcuo.facts.values import PartialSet

from .conftest import V1_RULES

CJK = re.compile(r"[\u4e00-\u9fff]")

Want = tuple[str, str] | tuple[str, str, int, int]  # (code, path) or (code, path, line, col)


def _nest_json(depth: int) -> bytes:
    return b'{"summary": ' + b"[" * depth + b"]" * depth + b"}"


CASES: dict[str, tuple[bytes | dict[str, Any], str, list[Want]]] = {
    # syntax
    "json_trailing_comma": (b'{"summary": "x",}', "json", [("json_syntax", "$", 1, 17)]),
    "json_unclosed": (b'{"summary": "x"', "json", [("json_syntax", "$", 1, 15)]),
    "json_single_quotes": (b"{'summary': 'x'}", "json", [("json_syntax", "$", 1, 2)]),
    "yaml_unclosed_flow": (b"summary: [x\n", "yaml", [("yaml_syntax", "$.summary", 2, 1)]),
    "yaml_tab": (b"motive:\n\tpublic_spirited: true\n", "yaml", [("yaml_syntax", "$", 2, 1)]),
    "yaml_python_tag": (
        b"summary: !!python/object/apply:os.system [ls]\n",
        "yaml",
        [("yaml_tag", "$.summary", 1, 10)],
    ),
    "yaml_two_documents": (
        b"summary: a\n---\nsummary: b\n",
        "yaml",
        [("yaml_multiple_documents", "$", 2, 1)],
    ),
    "json_duplicate_key": (
        b'{"summary": "a", "summary": "b"}',
        "json",
        [("json_duplicate_key", "$", 1, 28)],
    ),
    "yaml_duplicate_key": (
        b"motive:\n  public_spirited: true\n  public_spirited: false\n",
        "yaml",
        [("yaml_duplicate_key", "$.motive.public_spirited", 3, 3)],
    ),
    # not an object
    "top_list": (b"[1, 2]", "json", [("filing_not_object", "$")]),
    "top_number": (b"42", "json", [("filing_not_object", "$")]),
    "top_null": (b"null", "json", [("filing_not_object", "$")]),
    "top_string_yaml": (b"just words\n", "yaml", [("filing_not_object", "$")]),
    "empty": (b"", "auto", [("filing_not_object", "$")]),
    "empty_json": (b"", "json", [("json_syntax", "$", 1, 1)]),
    "only_whitespace": (b"  \n\n", "auto", [("filing_not_object", "$")]),
    # NaN / Infinity
    "json_nan": (b'{"summary": NaN}', "json", [("json_syntax", "$", 1, 13)]),
    "json_infinity": (b'{"summary": -Infinity}', "json", [("json_syntax", "$", 1, 14)]),
    # YAML reads .nan as a float, which no JSON document holds (rongcuo._guard)
    "yaml_nan_for_text": (b"summary: .nan\n", "yaml", [("filing_not_json", "$.summary", 1, 10)]),
    # encoding
    "json_not_utf8": (b'{"summary": "\xff"}', "json", [("not_utf8", "$", 1, 14)]),
    "yaml_not_utf8": (b'summary: "a\xc3"\n', "yaml", [("not_utf8", "$", 1, 12)]),
    "latin1": ("summary: café\n".encode("latin-1"), "yaml", [("not_utf8", "$", 1, 13)]),
    # wrong types, at every level
    "bool_as_string": (
        b'{"motive": {"public_spirited": "yes"}}',
        "json",
        [("filing_wrong_type", "$.motive.public_spirited")],
    ),
    "bool_as_number": (
        b'{"motive": {"public_spirited": 1}}',
        "json",
        [("filing_wrong_type", "$.motive.public_spirited")],
    ),
    "group_as_list": (b'{"motive": []}', "json", [("filing_wrong_type", "$.motive")]),
    "set_as_string": (
        b'{"context": {"work_areas": "people_service"}}',
        "json",
        [("filing_wrong_type", "$.context.work_areas")],
    ),
    "summary_as_number": (b"summary: 12\n", "yaml", [("filing_wrong_type", "$.summary", 1, 10)]),
    "enum_outside": (
        b'{"remedy": {"rectification": "refuse"}}',
        "json",
        [("filing_invalid_value", "$.remedy.rectification")],
    ),
    # (a v2 set names every value outside its family in one problem, at the set)
    "enum_in_set_outside": (
        b"context:\n  work_areas: [people_service, friends]\n",
        "yaml",
        [("filing_invalid_value", "$.context.work_areas", 2, 15)],
    ),
    # unknown keys at every level
    "unknown_top": (b'{"sumary": "x"}', "json", [("filing_unknown_field", "$.sumary")]),
    "unknown_group_field": (
        b"motive:\n  public_spirit: true\n",
        "yaml",
        [("filing_unknown_field", "$.motive.public_spirit", 2, 3)],
    ),
    "unknown_in_determination": (
        json.dumps(
            {
                "determinations": {
                    "P15": {
                        "holds": True,
                        "decided_by": "县纪委",
                        "decided_on": "2023-06-15",
                        "reason": "经认定",
                        "by": "x",
                    }
                }
            }
        ).encode(),
        "json",
        [("filing_unknown_field", "$.determinations.P15.by")],
    ),
    "unknown_determination_clause": (
        b'{"determinations": {"P1": {"holds": true}}}',
        "json",
        [("filing_unknown_field", "$.determinations.P1")],
    ),
    # impossible dates
    "date_feb30_json": (
        b'{"filed_on": "2023-02-30"}',
        "json",
        [("filing_invalid_date", "$.filed_on")],
    ),
    "date_month13_json": (
        b'{"acts": [{"when": "2023-13-01"}]}',
        "json",
        [("filing_invalid_date", "$.acts[0].when")],
    ),
    "datetime_json": (
        b'{"filed_on": "2023-01-01T10:00:00"}',
        "json",
        [("filing_invalid_date", "$.filed_on")],
    ),
    "date_as_number": (b'{"filed_on": 20230101}', "json", [("filing_invalid_date", "$.filed_on")]),
    "date_feb30_yaml": (b"filed_on: 2023-02-30\n", "yaml", [("yaml_syntax", "$.filed_on", 1, 11)]),
    "datetime_yaml": (
        b"acts:\n  - when: 2023-01-01 10:00:00\n",
        "yaml",
        [("filing_invalid_date", "$.acts[0].when", 2, 11)],
    ),
    # a range that runs backwards: the act began after it ended
    "range_runs_backwards": (
        b'{"acts": [{"when": {"from": "2013-03-01", "to": "2011-09-30"}}]}',
        "json",
        [("filing_invalid_date", "$.acts[0].when")],
    ),
    "range_runs_backwards_yaml": (
        b'acts:\n  - when: "2012-11-08/2012-11-07"\n',
        "yaml",
        [("filing_invalid_date", "$.acts[0].when", 2, 11)],
    ),
    # huge strings and arrays
    "huge_summary": (
        json.dumps({"summary": "字" * (MAX_TEXT + 1)}).encode(),
        "json",
        [("filing_too_long", "$.summary")],
    ),
    "huge_reason": (
        json.dumps(
            {
                "determinations": {
                    "N9": {
                        "holds": True,
                        "decided_by": "县纪委",
                        "decided_on": "2023-06-15",
                        "reason": "x" * (MAX_TEXT + 1),
                    }
                }
            }
        ).encode(),
        "json",
        [("filing_too_long", "$.determinations.N9.reason")],
    ),
    "huge_set": (
        json.dumps({"context": {"work_areas": ["people_service"] * (MAX_LIST_ITEMS + 1)}}).encode(),
        "json",
        [("filing_too_long", "$.context.work_areas")],
    ),
    "huge_array_in_unknown_field": (
        json.dumps({"extra": list(range(100_000))}).encode(),
        "json",
        [("filing_too_long", "$.extra")],
    ),
    "huge_set_yaml": (
        b"context:\n  work_areas: [" + b"people_service, " * 300 + b"people_service]\n",
        "yaml",
        [("filing_too_long", "$.context.work_areas", 2, 15)],
    ),
    "over_1mib": (
        b'{"summary": "' + b"x" * MAX_FILING_BYTES + b'"}',
        "json",
        [("too_large", "$")],
    ),
    "over_1mib_yaml": (b"summary: " + b"x" * MAX_FILING_BYTES, "yaml", [("too_large", "$")]),
    # deep nesting
    "deep_json": (_nest_json(5000), "json", [("too_deep", "$", 1, 213)]),
    "deep_yaml_flow": (
        b"summary: " + b"[" * 5000 + b"]" * 5000 + b"\n",
        "yaml",
        [("too_deep", "$.summary" + "[0]" * 63, 1, 73)],
    ),
    # several problems at once, all reported
    "several": (
        b'{"sumary": "x", "motive": {"public_spirited": "yes"}, "filed_on": "2023-02-30"}',
        "json",
        [
            ("filing_unknown_field", "$.sumary"),
            ("filing_wrong_type", "$.motive.public_spirited"),
            ("filing_invalid_date", "$.filed_on"),
        ],
    ),
    # a set fact that lists a value twice: at the repeat, never collapsed into the set
    "set_repeat_json": (
        b'{"context": {"work_areas": ["people_service", "reform_innovation", "people_service"]}}',
        "json",
        [("filing_duplicate_value", "$.context.work_areas[2]")],
    ),
    "set_repeat_yaml_block": (
        b"context:\n  work_areas:\n    - people_service\n    - reform_innovation\n"
        b"    - people_service\n",
        "yaml",
        [("filing_duplicate_value", "$.context.work_areas[2]", 5, 7)],
    ),
    "set_repeat_yaml_flow_thrice": (
        b"matter:\n  causes: [inexperience, inexperience, force_majeure, inexperience]\n",
        "yaml",
        [
            ("filing_duplicate_value", "$.matter.causes[1]", 2, 26),
            ("filing_duplicate_value", "$.matter.causes[3]", 2, 55),
        ],
    ),
    "set_repeat_yaml_alias": (
        b"conduct:\n  traits: [&t bold_exploration, *t]\n",
        "yaml",
        [("filing_duplicate_value", "$.conduct.traits[1]", 2, 33)],
    ),
    "set_repeat_among_other_problems": (
        b'{"matter": {"causes": ["inexperience", "inexperience", "bad_luck"]}, "sumary": "x"}',
        "json",
        [
            ("filing_duplicate_value", "$.matter.causes[1]"),
            ("filing_invalid_value", "$.matter.causes"),
            ("filing_unknown_field", "$.sumary"),
        ],
    ),
    "set_repeat_of_an_invalid_value": (
        b'{"matter": {"causes": ["bad_luck", "bad_luck"]}}',
        "json",
        [
            ("filing_invalid_value", "$.matter.causes"),
            ("filing_duplicate_value", "$.matter.causes[1]"),
        ],
    ),
    "set_repeats_in_two_facts": (
        b'{"consequences": {"losses_borne_by": ["state", "state"]},'
        b' "matter": {"shortfalls": ["mistake", "mistake"]}}',
        "json",
        [
            ("filing_duplicate_value", "$.consequences.losses_borne_by[1]"),
            ("filing_duplicate_value", "$.matter.shortfalls[1]"),
        ],
    ),
    "repeat_outside_a_set_fact": (  # wrong for its own reasons, not for the repeat
        b'{"summary": ["a", "a"], "extra": [1, 1]}',
        "json",
        [("filing_wrong_type", "$.summary"), ("filing_unknown_field", "$.extra")],
    ),
    # a mapping given directly
    # a number where a value id (a string) belongs is of the wrong type (docs/errors.md)
    "mapping_wrong_type": (
        {"subject": {"kind": 3}},
        "auto",
        [("filing_wrong_type", "$.subject.kind")],
    ),
    "mapping_set_repeat": (
        {"matter": {"causes": ["inexperience", "force_majeure", "inexperience"]}},
        "auto",
        [("filing_duplicate_value", "$.matter.causes[2]")],
    ),
    "mapping_set_repeat_in_a_tuple": (
        {"matter": {"shortfalls": ("mistake", "mistake")}},
        "auto",
        [("filing_duplicate_value", "$.matter.shortfalls[1]")],
    ),
}

# v1: delete with the v1 path. Dates in an impossible order, a check of the v1 model only (v2
# dates each act on its own, and a range that runs backwards is filing_invalid_date above).
V1_CASES: dict[str, tuple[bytes | dict[str, Any], str, list[Want]]] = {
    "conduct_starts_after_it_ends": (
        b'{"matter": {"conduct_started_on": "2013-03-01", "conduct_ended_on": "2011-09-30"}}',
        "json",
        [("filing_dates_out_of_order", "$.matter.conduct_started_on")],
    ),
    "conduct_starts_after_it_ends_yaml": (
        b"matter:\n  conduct_ended_on: 2011-09-30\n  conduct_started_on: 2013-03-01\n",
        "yaml",
        [("filing_dates_out_of_order", "$.matter.conduct_started_on", 3, 23)],
    ),
    "conduct_starts_a_day_after_it_ends": (
        {"matter": {"conduct_started_on": "2012-11-08", "conduct_ended_on": "2012-11-07"}},
        "auto",
        [("filing_dates_out_of_order", "$.matter.conduct_started_on")],
    ),
}


def _norm(path: str) -> str:
    """``$.a.1`` and ``$.a[1]`` are the same path."""
    import re

    return re.sub(r"\[(\d+)\]", r".\1", path)


@pytest.mark.parametrize("name", sorted(CASES) + [f"v1:{n}" for n in sorted(V1_CASES)])
def test_bad_filing(name: str) -> None:
    v1 = name.startswith("v1:")  # v1: delete with the v1 path
    data, fmt, want = V1_CASES[name[3:]] if v1 else CASES[name]
    rules = rongcuo.load_ruleset(V1_RULES) if v1 else None
    with pytest.raises(FilingError) as info:
        if isinstance(data, dict):
            parse_filing(data, filename="case", rules=rules)
        else:
            parse_filing(data, filename="case", format=fmt, rules=rules)  # type: ignore[arg-type]
    problems = info.value.problems
    assert all(p.code in CODES for p in problems)
    assert all(p.location.file == "case" for p in problems)
    if not v1:  # in Chinese, the detail is Chinese too (not only the code's meaning)
        for p in problems:
            detail = str(p.to_dict("zh")["message"]).split("：", 1)[1]
            assert CJK.search(detail), (p.code, detail)
    got = {
        (p.code, _norm(p.location.json_path()), p.location.line, p.location.col) for p in problems
    }
    expected = set()
    for w in want:
        if len(w) == 4:
            expected.add((w[0], _norm(w[1]), w[2], w[3]))
        else:
            matching = [g for g in got if g[:2] == (w[0], _norm(w[1]))]
            assert matching, (w, got)
            expected.update(matching)
    assert got == expected


BAD_MAPPINGS: list[dict[str, Any]] = [
    {"motive": {"public_spirited": "yes"}},
    {"sumary": "x"},
    {"filed_on": "2023-02-30"},
    {"summary": "x" * (MAX_TEXT + 1)},
    {"context": {"work_areas": ["people_service"] * (MAX_LIST_ITEMS + 1)}},
    {"determinations": {"P15": {"holds": True}}},
    {"acts": [{"when": {"from": "2013-03-01", "to": "2011-09-30"}}]},
    {"context": {"work_areas": ["people_service", "people_service"]}},
]


@pytest.mark.parametrize("data", BAD_MAPPINGS)
def test_never_a_partial_verdict(data: dict[str, Any]) -> None:
    """The engine refuses what the parser refuses: no verdict from a bad mapping."""
    with pytest.raises(FilingError) as by_parser:
        parse_filing(data)
    with pytest.raises(FilingError) as by_engine:
        rongcuo.evaluate(data)
    assert by_engine.value.problems == by_parser.value.problems


def test_bom_is_accepted() -> None:
    for fmt in ("json", "yaml", "auto"):
        text = b'{"summary": "x"}' if fmt != "yaml" else b"summary: x\n"
        assert parse_filing(b"\xef\xbb\xbf" + text, format=fmt).summary == "x"  # type: ignore[arg-type]


def test_a_bom_inside_is_not_accepted() -> None:
    with pytest.raises(FilingError):
        parse_filing(b'{"summary": "x"}\xef\xbb\xbf', format="json")


def test_a_list_at_the_limit_is_not_too_long() -> None:
    """Its only problems are its repeats: one for each item after the first."""
    with pytest.raises(FilingError) as info:
        parse_filing({"context": {"work_areas": ["people_service"] * MAX_LIST_ITEMS}})
    assert info.value.codes == ("filing_duplicate_value",) * (MAX_LIST_ITEMS - 1)


def test_every_value_of_every_set_fact_once_is_fine() -> None:
    decl = rongcuo.bundled_ruleset().program.catalogue.decl
    doc: dict[str, dict[str, list[str]]] = {}
    for path, fact in decl.facts.items():
        group, _, name = path.partition(".")
        if fact.type is FactType.SET and fact.family and name and "." not in name:
            doc.setdefault(group, {})[name] = list(decl.families[fact.family].values)[::-1]
    assert len(doc) >= 5
    filing = parse_filing(json.dumps(doc).encode(), format="json")
    causes = frozenset(decl.families["cause"].values)
    assert filing.matter.causes == PartialSet(causes, frozenset(), True)
    assert parse_filing(doc) == filing


def test_a_python_set_is_refused_with_a_hint_to_give_a_list() -> None:
    """A filing is a JSON value: a set is not one (its order, and repeats, are lost), so it is
    refused before the model reads it (rongcuo._guard); the list is read as a set fact."""
    with pytest.raises(FilingError) as info:
        parse_filing({"matter": {"causes": {"inexperience"}, "shortfalls": frozenset()}})
    assert [(p.code, p.location.json_path()) for p in info.value.problems] == [
        ("filing_not_json", "$.matter.causes"),
        ("filing_not_json", "$.matter.shortfalls"),
    ]
    assert all("as a list" in p.hint for p in info.value.problems)
    filing = parse_filing({"matter": {"causes": ["inexperience"], "shortfalls": []}})
    assert filing.matter.causes == PartialSet(frozenset({"inexperience"}), frozenset(), True)
    assert filing.matter.shortfalls == PartialSet(frozenset(), frozenset(), True)


def test_a_repeat_names_the_value_and_where_it_first_appears() -> None:
    with pytest.raises(FilingError) as info:
        parse_filing(b'{"matter": {"causes": ["inexperience", "inexperience"]}}', format="json")
    (problem,) = info.value.problems
    assert problem.message == (
        "'inexperience' is listed again; it first appears at $.matter.causes[0]"
    )
    assert "once" in problem.hint
    with pytest.raises(FilingError) as info:
        parse_filing(b"matter:\n  causes:\n  - inexperience\n  - inexperience\n", format="yaml")
    (problem,) = info.value.problems
    assert problem.message.endswith("first appears at $.matter.causes[0] on line 3")
    assert (problem.location.line, problem.location.col) == (4, 5)


def test_a_repeat_of_an_enum_member_names_its_value(
    v1_rules: rongcuo.Ruleset,
) -> None:  # v1: delete with the v1 path (the v1 model's value enums)
    with pytest.raises(FilingError) as info:  # an enum member repeats its own value
        parse_filing({"matter": {"causes": ["negligence", Cause.NEGLIGENCE]}}, rules=v1_rules)
    (problem,) = info.value.problems
    assert problem.message.startswith("'negligence' is listed again")


def test_error_messages_say_what_to_do() -> None:
    with pytest.raises(FilingError) as info:
        parse_filing(b'{"motive": {"public_spirit": true}}')
    (problem,) = info.value.problems
    assert "public_spirited" in problem.hint


# --------------------------------------------------------------------------- CLI


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(rongcuo.__file__).parents[1])}
    env.pop("RONGCUO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )


CLI_CASES = [
    "json_trailing_comma",
    "yaml_tab",
    "several",
    "deep_json",
    "huge_set",
    "latin1",
    "range_runs_backwards_yaml",
    "enum_in_set_outside",
    "set_repeat_json",
    "set_repeat_yaml_block",
]


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_check_bad_filing(name: str, tmp_path: Path) -> None:
    data, fmt, want = CASES[name]
    assert isinstance(data, bytes)
    path = tmp_path / f"filing.{'json' if fmt == 'json' else 'yaml'}"
    path.write_bytes(data)
    run = _cli("check", str(path))
    stderr = run.stderr.decode("utf-8")
    assert run.returncode == 1, stderr
    assert run.stdout == b""  # no verdict, not even a partial one
    assert "Traceback" not in stderr
    for w in want:
        code = w[0]
        where = f"{path}:{w[2]}:{w[3]}" if len(w) == 4 else str(path)
        assert any(where in line and f": {code}: " in line for line in stderr.splitlines()), (
            w,
            stderr,
        )


def test_cli_check_stdin_json_format() -> None:
    run = _cli("check", "-", "--format", "json", stdin=b"[1, 2]")
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["error"] == "filing"
    assert [p["code"] for p in data["problems"]] == ["filing_not_object"]


def test_cli_check_stdin_too_large() -> None:
    run = _cli("check", "-", stdin=b"x" * (MAX_FILING_BYTES + 10))
    assert run.returncode == 1
    assert b"too_large" in run.stderr
