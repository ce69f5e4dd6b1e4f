"""rongcuo._yaml: safe YAML loading with positions, limits and coded problems."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from rongcuo._yaml import DEFAULT_LIMITS, Document, Limits, load_yaml
from rongcuo.errors import FilingError, Location, Problem, RongcuoError, RulesError


def load(text: str | bytes | bytearray, limits: Limits = DEFAULT_LIMITS) -> Document:
    return load_yaml(text, filename="f.yaml", limits=limits)  # type: ignore[arg-type]


def problems(text: str | bytes, limits: Limits = DEFAULT_LIMITS) -> list[Problem]:
    with pytest.raises(RongcuoError) as info:
        load(text, limits)
    return list(info.value.problems)


def where(p: Problem) -> tuple[str, int, int]:
    return p.code, p.location.line, p.location.col


def one(text: str | bytes, limits: Limits = DEFAULT_LIMITS) -> Problem:
    found = problems(text, limits)
    assert len(found) == 1, found
    assert found[0].location.file == "f.yaml"
    return found[0]


# --------------------------------------------------------------------------- values, positions

DOC = """\
title: 示例
items:
  - one
  - {k: v, 名称: 值}
empty:
nested:
  a:
    b: 1
"""


def test_values() -> None:
    doc = load(DOC)
    assert doc.value == {
        "title": "示例",
        "items": ["one", {"k": "v", "名称": "值"}],
        "empty": None,
        "nested": {"a": {"b": 1}},
    }
    assert doc.filename == "f.yaml"


def test_value_positions() -> None:
    pos = load(DOC).positions
    assert pos[()] == (1, 1)
    assert pos[("title",)] == (1, 8)
    assert pos[("items",)] == (3, 3)
    assert pos[("items", 0)] == (3, 5)
    assert pos[("items", 1)] == (4, 5)
    assert pos[("items", 1, "k")] == (4, 9)
    assert pos[("items", 1, "名称")] == (4, 16)  # columns count characters, not bytes
    assert pos[("empty",)] == (5, 7)  # an empty value sits right after its colon
    assert pos[("nested", "a", "b")] == (8, 8)
    # every node has a position
    assert len(pos) == 11


def test_key_positions() -> None:
    keys = load(DOC).key_positions
    assert keys[("title",)] == (1, 1)
    assert keys[("items", 1, "k")] == (4, 6)
    assert keys[("items", 1, "名称")] == (4, 12)
    assert keys[("nested", "a", "b")] == (8, 5)
    assert ("items", 0) not in keys  # sequence items have no key
    assert len(keys) == 8


def test_positions_are_read_only() -> None:
    doc = load("a: 1\n")
    with pytest.raises(TypeError):
        doc.positions[("b",)] = (1, 1)  # type: ignore[index]


def test_loc_value_and_key() -> None:
    doc = load(DOC)
    assert doc.loc(["items", 1, "k"]) == Location("f.yaml", 4, 9, ("items", 1, "k"))
    assert doc.loc(("items", 1, "k"), key=True) == Location("f.yaml", 4, 6, ("items", 1, "k"))
    # a sequence item has no key: its value position is used
    assert doc.loc(("items", 0), key=True) == Location("f.yaml", 3, 5, ("items", 0))


def test_loc_falls_back_to_nearest_ancestor() -> None:
    doc = load(DOC)
    assert doc.loc(("nested", "a", "missing", 3)) == Location(
        "f.yaml", 8, 5, ("nested", "a", "missing", 3)
    )
    assert doc.loc(("nope",), key=True) == Location("f.yaml", 1, 1, ("nope",))
    assert load("").loc(("a",)) == Location("f.yaml", 0, 0, ("a",))


def test_loc_inside_an_alias_points_at_the_alias() -> None:
    doc = load("base: &b {x: [1, 2]}\nother: *b\n")
    assert doc.loc(("other", "x", 1)) == Location("f.yaml", 2, 8, ("other", "x", 1))
    assert doc.loc(("base", "x", 1)) == Location("f.yaml", 1, 18, ("base", "x", 1))


def test_aliases_are_copied() -> None:
    doc = load("a: &x {k: [1, {d: 2022-12-30}]}\nb: *x\nc: *x\n")
    assert doc.value["a"] == doc.value["b"] == doc.value["c"]
    assert doc.value["b"] is not doc.value["a"]
    assert doc.value["b"]["k"] is not doc.value["c"]["k"]
    assert doc.value["b"]["k"][1] is not doc.value["a"]["k"][1]


# --------------------------------------------------------------------------- scalar resolution


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the "Norway problem" must not happen: YAML 1.1 booleans stay strings
        ("no", "no"),
        ("No", "No"),
        ("NO", "NO"),
        ("yes", "yes"),
        ("Yes", "Yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("tRUE", "tRUE"),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("nULL", "nULL"),
        ("12", 12),
        ("-7", -7),
        ("+3", 3),
        ("0", 0),
        ("0x1F", 31),
        ("0o17", 15),
        ("1_000", "1_000"),
        ("1:30", "1:30"),
        ("0b101", "0b101"),
        ("1.5", 1.5),
        ("-1.5e3", -1500.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("'12'", "12"),
        ('"true"', "true"),
        ("'null'", "null"),
        ("平纪发〔2022〕4号", "平纪发〔2022〕4号"),
        ("2022-12-30", dt.date(2022, 12, 30)),
        ("'2022-12-30'", "2022-12-30"),
        ("2022-1-5", "2022-1-5"),
        ("2022-12-30T10:20:30", dt.datetime(2022, 12, 30, 10, 20, 30)),
        ("2022-12-30 10:20", dt.datetime(2022, 12, 30, 10, 20)),
        ("2022-12-30T10:20:30.25", dt.datetime(2022, 12, 30, 10, 20, 30, 250000)),
        ("2022-12-30T10:20:30Z", dt.datetime(2022, 12, 30, 10, 20, 30, tzinfo=dt.UTC)),
        (
            "2022-12-30T10:20:30+08:00",
            dt.datetime(2022, 12, 30, 10, 20, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
        ),
    ],
)
def test_scalar_resolution(text: str, expected: object) -> None:
    value = load(f"v: {text}\n").value["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_norway() -> None:
    assert load("country: no\n").value == {"country": "no"}


def test_nan() -> None:
    assert math.isnan(load("v: .nan\n").value["v"])


def test_shared_pyyaml_classes_untouched() -> None:
    before = dict(yaml.SafeLoader.yaml_implicit_resolvers)
    load("a: yes\nb: 2022-12-30\n")
    assert yaml.SafeLoader.yaml_implicit_resolvers == before
    assert yaml.safe_load("a: yes") == {"a": True}  # PyYAML itself still does YAML 1.1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "not a valid date: 2023-02-30"),
        ("2023-13-01", "not a valid date: 2023-13-01"),
        ("0000-01-01", "not a valid date: 0000-01-01"),
        ("2023-01-01T25:00:00", "not a valid datetime: 2023-01-01T25:00:00"),
        ("2023-01-01T10:00:00+25:00", "not a valid datetime: 2023-01-01T10:00:00+25:00"),
    ],
)
def test_invalid_dates(text: str, message: str) -> None:
    p = one(f"ok: 1\nwhen: {text}\n")
    assert where(p) == ("yaml_syntax", 2, 7)
    assert p.message == message
    assert p.location.path == ("when",)


def test_quoted_invalid_date_is_a_string() -> None:
    assert load("when: '2023-02-30'\n").value == {"when": "2023-02-30"}


def test_huge_integer_is_a_problem_not_a_crash() -> None:
    p = one("n: " + "9" * 5000 + "\n")
    assert where(p) == ("yaml_syntax", 1, 4)
    assert "too long" in p.message


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("tagged", "shown"),
    [
        ("!!python/object/apply:os.system ['echo hi']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system ''", "!!python/name:os.system"),
        ("!custom x", "!custom"),
        ("!!binary aGk=", "!!binary"),
        ("!!set {a: null}", "!!set"),
        ("!!omap [a: 1]", "!!omap"),
        ("!!pairs [a: 1]", "!!pairs"),
        ("!<tag:example.com,2000:x> 1", "tag:example.com,2000:x"),
        ("! x", "!"),
    ],
)
def test_forbidden_tags(tagged: str, shown: str) -> None:
    p = one(f"a: 1\nb: {tagged}\n")
    assert where(p) == ("yaml_tag", 2, 4)
    assert p.location.path == ("b",)
    assert f"the tag {shown} is not allowed" in p.message


def test_forbidden_tag_inside_a_sequence() -> None:
    p = one("a:\n  - 1\n  - !!python/tuple [1, 2]\n")
    assert where(p) == ("yaml_tag", 3, 5)
    assert p.location.path == ("a", 1)


@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        ("!!str 12", "12"),
        ("!!str", ""),
        ("!!int '7'", 7),
        ("!!float 1", 1.0),
        ("!!bool 'true'", True),
        ("!!null ''", None),
        ("!!timestamp 2022-12-30", dt.date(2022, 12, 30)),
        ("!!seq [1]", [1]),
        ("!!map {a: 1}", {"a": 1}),
        ("!<tag:yaml.org,2002:str> 5", "5"),
    ],
)
def test_standard_tags(tagged: str, expected: object) -> None:
    value = load(f"v: {tagged}\n").value["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_standard_tag_on_the_wrong_kind() -> None:
    found = problems("a: !!map [1]\nb: !!str {x: 1}\nc: !!seq x\n")
    assert [where(p) for p in found] == [
        ("yaml_tag", 1, 4),
        ("yaml_tag", 2, 4),
        ("yaml_tag", 3, 4),
    ]
    assert "cannot be used on a sequence" in found[0].message


@pytest.mark.parametrize("tagged", ["!!int abc", "!!bool yes", "!!null x", "!!float 1.2.3"])
def test_standard_tag_with_a_value_that_does_not_fit(tagged: str) -> None:
    assert where(one(f"v: {tagged}\n")) == ("yaml_syntax", 1, 4)


def test_merge_key() -> None:
    p = one("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n")
    assert where(p) == ("yaml_tag", 3, 3)
    assert "merge keys" in p.message
    assert p.location.path == ("use",)


def test_quoted_merge_key_is_a_plain_key() -> None:
    assert load("'<<': 1\n").value == {"<<": 1}


# --------------------------------------------------------------------------- keys


def test_duplicate_keys_all_reported() -> None:
    text = "a: 1\nb: 2\na: 3\nc:\n  d: 1\n  d: 2\n"
    found = problems(text)
    assert [where(p) for p in found] == [
        ("yaml_duplicate_key", 3, 1),
        ("yaml_duplicate_key", 6, 3),
    ]
    assert "'a'" in found[0].message
    assert "line 1" in found[0].message
    assert found[0].location.path == ("a",)
    assert "'d'" in found[1].message
    assert "line 5" in found[1].message
    assert found[1].location.path == ("c", "d")


def test_third_occurrence_is_a_duplicate_of_the_first() -> None:
    found = problems("k: 1\nk: 2\nk: 3\n")
    assert [where(p) for p in found] == [
        ("yaml_duplicate_key", 2, 1),
        ("yaml_duplicate_key", 3, 1),
    ]
    assert all("line 1" in p.message for p in found)


def test_duplicate_keys_in_flow_mapping() -> None:
    assert where(one("{a: 1, a: 2}")) == ("yaml_duplicate_key", 1, 8)


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ("a: 1\n1: x\n", 2, 1),
        ("a: 1\ntrue: x\n", 2, 1),
        ("a: 1\n~: x\n", 2, 1),
        ("a: 1\n2022-12-30: x\n", 2, 1),
        ("a: 1\n1.5: x\n", 2, 1),
        ("a: 1\n[1, 2]: x\n", 2, 1),
        ("a: 1\n{b: c}: x\n", 2, 1),
        ("a: 1\n? - x\n: y\n", 2, 3),
        ("a: &k key\n*k : x\n", 2, 1),
        ("a: 1\n? \n: x\n", 2, 2),
    ],
)
def test_non_string_keys(text: str, line: int, col: int) -> None:
    p = one(text)
    assert where(p) == ("yaml_complex_key", line, col)
    assert p.location.path == ()


def test_quoted_and_tagged_keys_are_strings() -> None:
    assert load("'1': a\n!!str 2: b\n\"true\": c\n").value == {"1": "a", "2": "b", "true": "c"}


def test_all_problems_are_reported_together() -> None:
    found = problems("a: !custom x\nb: 2023-02-30\nb: 1\n5: x\n")
    assert [where(p) for p in found] == [
        ("yaml_tag", 1, 4),
        ("yaml_syntax", 2, 4),
        ("yaml_duplicate_key", 3, 1),
        ("yaml_complex_key", 4, 1),
    ]


# --------------------------------------------------------------------------- bytes and text


def test_invalid_utf8_position() -> None:
    p = one(b"a: 1\nb: \xc3\xa9\xff rest\n")
    assert where(p) == ("not_utf8", 2, 5)  # 'b', ':', ' ', 'é' come before it


def test_invalid_utf8_on_first_line() -> None:
    assert where(one(b"\x80")) == ("not_utf8", 1, 1)


def test_truncated_utf8() -> None:
    assert where(one("a: 名".encode()[:-1])) == ("not_utf8", 1, 4)


def test_bom_accepted() -> None:
    doc = load(b"\xef\xbb\xbfa: 1\n")
    assert doc.value == {"a": 1}
    assert doc.positions[("a",)] == (1, 4)
    assert load("\ufeffa: 1\n").value == {"a": 1}


def test_bytearray_and_str_agree() -> None:
    assert load(bytearray(b"a: [1]")).value == load("a: [1]").value == {"a": [1]}


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\ud800"])
def test_control_characters(char: str) -> None:
    p = one(f"a: 1\nb: x{char}y\n")
    assert where(p) == ("yaml_syntax", 2, 5)
    assert "not allowed" in p.message


def test_nul_byte_in_bytes() -> None:
    assert where(one(b"a: \x00")) == ("yaml_syntax", 1, 4)


def test_too_large_bytes_checked_before_decoding() -> None:
    p = one(b"\xff" * 11, limits=Limits(max_bytes=10))
    assert p.code == "too_large"
    assert "11 bytes" in p.message


def test_too_large_text_counts_utf8_bytes() -> None:
    assert one("名名名名", limits=Limits(max_bytes=10)).code == "too_large"  # 12 bytes
    assert load("名名名", limits=Limits(max_bytes=10)).value == "名名名"  # 9 bytes


def test_long_scalar() -> None:
    p = one("a: 1\nb: " + "x" * 101 + "\n", limits=Limits(max_scalar_chars=100))
    assert where(p) == ("too_large", 2, 4)


def test_too_many_nodes_without_aliases() -> None:
    p = one("[" + "0, " * 100 + "]", limits=Limits(max_nodes=50))
    assert p.code == "too_large"


# --------------------------------------------------------------------------- structure


def test_syntax_error_position() -> None:
    p = one("a: [1, 2\nb: 3\n")
    assert where(p) == ("yaml_syntax", 2, 2)
    assert "expected ',' or ']'" in p.message
    assert "flow sequence" in p.message


def test_syntax_error_mapping_values() -> None:
    p = one("a: b: c\n")
    assert where(p) == ("yaml_syntax", 1, 5)
    assert "mapping values are not allowed" in p.message


def test_syntax_error_bad_indentation() -> None:
    assert where(one("a:\n  b: 1\n c: 2\n")) == ("yaml_syntax", 3, 2)


def test_problems_before_a_syntax_error_are_kept() -> None:
    found = problems("a: 1\na: 2\nb: [\n")
    assert [p.code for p in found] == ["yaml_duplicate_key", "yaml_syntax"]


def test_multiple_documents() -> None:
    p = one("a: 1\n---\nb: 2\n")
    assert where(p) == ("yaml_multiple_documents", 2, 1)


def test_explicit_single_document_is_fine() -> None:
    assert load("---\na: 1\n...\n").value == {"a": 1}


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "---\n...\n"])
def test_empty_document(text: str) -> None:
    assert load(text).value is None


def test_undefined_and_recursive_aliases() -> None:
    assert where(one("a: *nowhere\n")) == ("yaml_syntax", 1, 4)
    assert where(one("a: &r [1, *r]\n")) == ("yaml_syntax", 1, 11)


def test_error_class_is_the_callers() -> None:
    with pytest.raises(FilingError) as info:
        load_yaml("a: !x 1", filename="x.yaml", error=FilingError)
    assert info.value.problems[0].location.file == "x.yaml"
    with pytest.raises(RulesError):
        load_yaml(b"\xff", error=RulesError)


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_fails_fast(opener: str) -> None:
    p = one(opener * 100_000)
    assert p.code == "too_deep"
    assert p.location.line == 1
    assert len(p.location.path) == DEFAULT_LIMITS.max_depth


def test_deep_nesting_position() -> None:
    p = one("[" * 100_000)
    assert where(p) == ("too_deep", 1, DEFAULT_LIMITS.max_depth + 1)


def test_deep_block_nesting() -> None:
    text = "".join(" " * i + "k:\n" for i in range(100))
    p = one(text)
    assert where(p) == ("too_deep", 65, 65)


def test_depth_at_the_limit_is_fine() -> None:
    depth = DEFAULT_LIMITS.max_depth
    assert load("[" * depth + "]" * depth).value is not None


def test_alias_expansion_counts_towards_depth() -> None:
    inner = "[" * 40 + "]" * 40
    p = one(f"a: &a {inner}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]\n")
    assert where(p) == ("too_deep", 2, 29)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs() -> None:
    assert one(BILLION_LAUGHS).code == "yaml_alias_limit"


def test_billion_laughs_with_many_aliases_allowed_hits_the_node_limit() -> None:
    p = one(BILLION_LAUGHS, limits=Limits(max_aliases=10**9))
    assert p.code == "yaml_alias_limit"
    assert "nodes" in p.message


def test_few_aliases_that_expand_too_far() -> None:
    # 6 levels of 10 aliases: 60 aliases (within the alias limit) but a million nodes
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 7):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    text = "\n".join(lines[:7]) + "\n"
    assert text.count("*") == 60
    p = one(text)
    assert p.code == "yaml_alias_limit"
    assert "200000 nodes" in p.message


def test_alias_count_limit() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 65) + "]\n"
    p = one(text)
    assert p.code == "yaml_alias_limit"
    assert p.location.path == ("b", 64)
    assert load(text, limits=Limits(max_aliases=65)).value["b"] == [1] * 65


# --------------------------------------------------------------------------- robustness


def _only_rongcuo_errors(data: str | bytes) -> None:
    try:
        doc = load_yaml(data, filename="fuzz.yaml", error=FilingError)
    except FilingError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.location.file == "fuzz.yaml" or p.code == "too_large"
    else:
        assert isinstance(doc, Document)


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_fuzz_bytes(data: bytes) -> None:
    _only_rongcuo_errors(data)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fuzz_text(data: str) -> None:
    _only_rongcuo_errors(data)


YAMLISH = st.lists(
    st.sampled_from([*"ab1-:[]{},&*!?|>'\"#%@` \n\t.~<=", "no", "2023-02-30", "!!str", "<<"])
).map("".join)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_fuzz_yaml_like_text(data: str) -> None:
    _only_rongcuo_errors(data)
