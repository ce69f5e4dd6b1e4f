"""The runtime values of filing model v2 (docs/design-v2.md §1): NA, partial sets, partial
dates, records; their document forms and canonical JSON."""

from __future__ import annotations

import copy
import datetime as dt
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rongcuo.facts.values import (
    NA,
    NAType,
    PartialDate,
    PartialSet,
    Records,
    parse_date,
    parse_set,
)


def test_na_is_one_picklable_singleton() -> None:
    assert NAType() is NA
    assert pickle.loads(pickle.dumps(NA)) is NA
    assert copy.copy(NA) is NA and copy.deepcopy([NA])[0] is NA
    assert repr(NA) == "n/a"
    assert NA == NA and NA != "n/a" and NA is not None
    assert hash(NA) == hash(NAType())
    with pytest.raises(TypeError):
        bool(NA)


@pytest.mark.parametrize(
    ("given", "start", "stop", "text"),
    [
        ("2023-05-17", "2023-05-17", "2023-05-17", "2023-05-17"),
        (dt.date(2023, 5, 17), "2023-05-17", "2023-05-17", "2023-05-17"),
        ("2023-05", "2023-05-01", "2023-05-31", "2023-05"),
        ("2024-02", "2024-02-01", "2024-02-29", "2024-02"),
        ("2023", "2023-01-01", "2023-12-31", "2023"),
        ({"from": "2012", "to": "2013"}, "2012-01-01", "2013-12-31", "2012/2013"),
        ("2012/2013", "2012-01-01", "2013-12-31", "2012/2013"),
        ({"from": "2023-03", "to": "2023-05"}, "2023-03-01", "2023-05-31", "2023-03/2023-05"),
        (
            {"from": "2012-03", "to": "2013-02-14"},
            "2012-03-01",
            "2013-02-14",
            "2012-03-01/2013-02-14",
        ),
        ("2012-01-01/2012-12-31", "2012-01-01", "2012-12-31", "2012"),
        ({"from": dt.date(2020, 1, 1), "to": "2020-01"}, "2020-01-01", "2020-01-31", "2020-01"),
    ],
)
def test_partial_dates(given: object, start: str, stop: str, text: str) -> None:
    d = parse_date(given)
    assert (d.start.isoformat(), d.stop.isoformat()) == (start, stop)
    assert d.text() == d.to_json() == str(d) == text
    assert parse_date(text) == d


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("2023-02-30", "not a date that exists"),
        ("2023-13", "not a date that exists"),
        ("23", "not a date"),
        ("2023/05/17", "not a date"),
        (2023, "in quotes"),
        (True, "expected a date"),
        (dt.datetime(2023, 1, 1, 12), "time"),
        ({"from": "2013", "to": "2012"}, "after it ends"),
        ({"from": "2013"}, "both given"),
        ({"from": "2012", "to": "2013", "by": "x"}, "both given"),
        ("2012/2013/2014", "one slash"),
        ("2013/2012", "after it ends"),
    ],
)
def test_bad_dates(given: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_date(given)


dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


@given(dates, dates)
def test_every_interval_round_trips(a: dt.date, b: dt.date) -> None:
    d = PartialDate(min(a, b), max(a, b))
    assert parse_date(d.text()) == d
    assert parse_date(d.to_json()).text() == d.text()


def test_partial_date_is_an_interval() -> None:
    with pytest.raises(ValueError):
        PartialDate(dt.date(2023, 1, 2), dt.date(2023, 1, 1))
    with pytest.raises(TypeError):
        PartialDate(dt.datetime(2023, 1, 1), dt.date(2023, 1, 1))  # type: ignore[arg-type]
    assert PartialDate.exact(dt.date(2023, 1, 1)).is_exact
    assert not parse_date("2023").is_exact
    assert hash(parse_date("2023")) == hash(parse_date({"from": "2023", "to": "2023"}))


def test_sets() -> None:
    assert parse_set(["b", "a"]) == PartialSet.of(["a", "b"])
    assert parse_set(["b", "a"]).to_json() == ["a", "b"]
    assert parse_set([]).to_json() == []
    partial = parse_set({"yes": ["x"], "no": ["z", "y"]})
    assert partial == PartialSet(frozenset({"x"}), frozenset({"y", "z"}), False)
    assert partial.to_json() == {"yes": ["x"], "no": ["y", "z"], "complete": False}
    assert parse_set(partial.to_json()) == partial
    # complete, but with something ruled out below a coarse yes: kept in the partial form
    rich = parse_set({"yes": ["spending"], "no": ["funds_use"], "complete": True})
    assert rich.to_json() == {"yes": ["spending"], "no": ["funds_use"], "complete": True}
    assert parse_set(rich.to_json()) == rich
    assert parse_set({}) == PartialSet()
    assert PartialSet(yes=["a"]).yes == frozenset({"a"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (["a", "a"], "twice"),
        ({"yes": ["a"], "no": ["a"]}, "both yes and no"),
        ({"yes": ["a", "a"]}, "twice"),
        ({"yes": "a"}, "list of value ids"),
        ({"yes": [1]}, "strings"),
        ({"maybe": ["a"]}, "not maybe"),
        ({"complete": "yes"}, "true or false"),
        ("a", "a set is a list"),
    ],
)
def test_bad_sets(given: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_set(given)


@given(
    st.frozensets(st.sampled_from("abcdefgh")),
    st.frozensets(st.sampled_from("abcdefgh")),
    st.booleans(),
)
def test_sets_round_trip(yes: frozenset[str], no: frozenset[str], complete: bool) -> None:
    s = PartialSet(yes, no - yes, complete)
    assert parse_set(s.to_json()) == s
    assert hash(parse_set(s.to_json())) == hash(s)


def test_records() -> None:
    r = Records(("a", "b"), complete=False)
    assert r.to_json() == {"items": ["a", "b"], "complete": False}
    assert Records(["a"]).items == ("a",)  # type: ignore[arg-type]
    assert Records(("a",)).to_json(str.upper) == ["A"]
    assert len(r) == 2 and list(r) == ["a", "b"]
    assert hash(r) == hash(Records(("a", "b"), complete=False))
    assert pickle.loads(pickle.dumps(r)) == r
