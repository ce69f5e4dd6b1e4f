"""The v2 operators are exact: each is held to brute force over every completion of its unknowns.

For every operator of :mod:`rongcuo.engine.ops`, over small random families (DAGs included) and
random partial values: the operator says true (2) iff every completion makes the test true, false
(0) iff every completion makes it false, unknown (1) otherwise (docs/design-v2.md §4). The oracle
here is written from the definitions, independently of the operators' formulas:

* a family is drawn as values with random broader values (a DAG); ``below`` is its transitive
  closure, computed here by search; a leaf is a value with nothing under it;
* a coarse enum value completes to each leaf below it; an unknown one to every leaf (and ``NA``
  when the fact may be not applicable);
* a partial set completes to every set of leaves consistent with its ``yes``/``no``/``complete``
  (a coarse ``yes`` needs at least one leaf below it), enumerated over all subsets of the leaves;
* a partial date completes to every day of its interval; an unknown date to the days around the
  bound it is compared with (for an unbounded calendar these are all the cases);
* an incomplete list of records completes to its records plus 0..2 further arbitrary records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongcuo.engine import ops
from rongcuo.facts.values import NA, PartialDate, PartialSet

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------- families


@dataclasses.dataclass(frozen=True)
class Fam:
    """A small family, described the way the oracle reads it."""

    values: tuple[str, ...]
    parents: dict[str, frozenset[str]]  # value -> its broader values
    opaque: frozenset[str]  # declared opaque
    kinds: frozenset[str]  # declared kind: true

    def below(self, v: str) -> frozenset[str]:
        """``v`` and everything under it, by search over the children."""
        out, todo = {v}, [v]
        while todo:
            x = todo.pop()
            for c in self.values:
                if x in self.parents[c] and c not in out:
                    out.add(c)
                    todo.append(c)
        return frozenset(out)

    @property
    def leaf_values(self) -> tuple[str, ...]:
        return tuple(v for v in self.values if not any(v in self.parents[c] for c in self.values))

    def leaves(self, v: str) -> frozenset[str]:
        return self.below(v) & frozenset(self.leaf_values)

    def leaves_map(self) -> dict[str, frozenset[str]]:
        """What the operators are given (``Family.leaves`` of every value)."""
        return {v: self.leaves(v) for v in self.values}

    def classes_map(self) -> dict[str, frozenset[str]]:
        return {
            leaf: frozenset(k for k in self.kinds if leaf in self.below(k))
            for leaf in self.leaf_values
        }


@st.composite
def families(draw: st.DrawFn, max_values: int = 7) -> Fam:
    n = draw(st.integers(1, max_values))
    values = tuple(f"v{i}" for i in range(n))
    parents = {
        v: frozenset(values[j] for j in draw(st.sets(st.integers(0, i - 1), max_size=2)))
        if i
        else frozenset()
        for i, v in enumerate(values)
    }
    return Fam(
        values,
        parents,
        frozenset(draw(st.sets(st.sampled_from(values), max_size=2))),
        frozenset(draw(st.sets(st.sampled_from(values), max_size=3))),
    )


def truth(outcomes: Iterable[bool]) -> int:
    seen = set(outcomes)
    assert seen, "a value with no completion"
    return 2 if seen == {True} else 0 if seen == {False} else 1


def enum_completions(fam: Fam, x: Any, may_be_na: bool) -> list[Any]:
    if x is None:
        return [*fam.leaf_values, *([NA] if may_be_na else [])]
    if x is NA:
        return [NA]
    return sorted(fam.leaves(x))


def enum_values(fam: Fam, may_be_na: bool) -> st.SearchStrategy[Any]:
    options: list[Any] = [None, *fam.values]
    if may_be_na:
        options.append(NA)
    return st.sampled_from(options)


# --------------------------------------------------------------------------- enums


@FAST
@given(st.data())
def test_within_is_exact(data: st.DataObject) -> None:
    fam = data.draw(families())
    targets = data.draw(st.lists(st.sampled_from(fam.values), min_size=1, max_size=3))
    may_be_na = data.draw(st.booleans())
    x = data.draw(enum_values(fam, may_be_na))
    table = ops.within_table(fam.leaves_map(), targets, na=may_be_na)
    inside = frozenset().union(*(fam.below(t) for t in targets))
    expected = truth(a is not NA and a in inside for a in enum_completions(fam, x, may_be_na))
    assert ops.within(x, table) == expected


def test_within_a_tree_as_the_design_states() -> None:
    """In a tree: true at or below F, false when disjoint, unknown when coarser than F."""
    leaves = {
        "spending": frozenset({"funds_use", "expenditure"}),
        "funds_use": frozenset({"funds_use"}),
        "expenditure": frozenset({"expenditure"}),
        "other_act": frozenset({"other_act"}),
    }
    table = ops.within_table(leaves, ["funds_use"])
    assert [ops.within(v, table) for v in ("funds_use", "expenditure", "spending", None, NA)] == [
        2,
        0,
        1,
        1,
        0,
    ]
    assert ops.within("spending", ops.within_table(leaves, ["spending"])) == 2
    # within the whole family: an unknown value is certainly within it, unless it may be n/a
    whole = ["spending", "other_act"]
    assert ops.within(None, ops.within_table(leaves, whole)) == 2
    assert ops.within(None, ops.within_table(leaves, whole, na=True)) == 1


def same_kind_oracle(fam: Fam, a: Any, b: Any) -> bool:
    if a is NA or b is NA:
        return False
    return any(a in fam.below(k) and b in fam.below(k) for k in fam.kinds)


@FAST
@given(st.data())
def test_same_kind_is_exact(data: st.DataObject) -> None:
    fam = data.draw(families())
    na_left, na_right = data.draw(st.booleans()), data.draw(st.booleans())
    x = data.draw(enum_values(fam, na_left))
    y = data.draw(enum_values(fam, na_right))
    table = ops.same_kind_table(
        fam.leaves_map(), fam.classes_map(), fam.opaque, na_left=na_left, na_right=na_right
    )
    expected = truth(
        same_kind_oracle(fam, a, b)
        for a in enum_completions(fam, x, na_left)
        for b in enum_completions(fam, y, na_right)
    )
    assert ops.same_kind(x, y, table) == expected


def test_an_opaque_value_is_of_a_kind_only_through_its_class() -> None:
    leaves = {"spending": frozenset({"funds_use", "other_spending"})} | {
        v: frozenset({v}) for v in ("funds_use", "other_spending", "other_act")
    }
    classes = {"funds_use": frozenset({"spending"}), "other_spending": frozenset({"spending"})}
    table = ops.same_kind_table(leaves, classes, ["other_spending", "other_act"])
    # an "other" act under no class is never the same kind, not even as itself
    assert ops.same_kind("other_act", "other_act", table) == 0
    assert ops.same_kind("other_act", "funds_use", table) == 0
    # unlisted spending is still irregular spending: the class decides, not the word
    assert ops.same_kind("other_spending", "funds_use", table) == 2
    assert ops.same_kind("other_spending", "other_spending", table) == 2
    assert ops.same_kind("funds_use", "funds_use", table) == 2
    assert ops.same_kind("spending", "funds_use", table) == 2  # every leaf of spending is in it
    assert ops.same_kind(NA, "funds_use", table) == 0


# --------------------------------------------------------------------------- bools and NA


@FAST
@given(st.sampled_from([None, True, False, NA]), st.booleans(), st.booleans())
def test_bool_eq_and_na_are_exact(x: Any, want: bool, may_be_na: bool) -> None:
    if x is NA and not may_be_na:
        may_be_na = True
    completions = [True, False, *([NA] if may_be_na else [])] if x is None else [x]
    assert ops.eq_bool(x, want) == truth(c is want for c in completions)
    if may_be_na:  # na: true is written only on a fact declared with na:
        assert ops.na(x) == truth(c is NA for c in completions)


# --------------------------------------------------------------------------- sets


def set_completions(fam: Fam, s: Any, may_be_na: bool) -> list[Any]:
    leaves = fam.leaf_values
    every = [
        frozenset(c) for r in range(len(leaves) + 1) for c in itertools.combinations(leaves, r)
    ]
    if s is None:
        return [*every, *([NA] if may_be_na else [])]
    if s is NA:
        return [NA]
    out = []
    for c in every:
        if any(c.isdisjoint(fam.below(y)) for y in s.yes):
            continue
        if any(not c.isdisjoint(fam.below(n)) for n in s.no):
            continue
        if s.complete and not c <= frozenset().union(*(fam.below(y) for y in s.yes)):
            continue
        out.append(c)
    return out


@st.composite
def partial_sets(draw: st.DrawFn, fam: Fam, may_be_na: bool) -> Any:
    kind = draw(st.sampled_from(["unknown", "known", *(["na"] if may_be_na else [])]))
    if kind == "unknown":
        return None
    if kind == "na":
        return NA
    yes = frozenset(draw(st.sets(st.sampled_from(fam.values), max_size=3)))
    no = frozenset(draw(st.sets(st.sampled_from(fam.values), max_size=3)))
    s = PartialSet(yes=yes, no=no - yes, complete=draw(st.booleans()))
    # a contradictory set (a yes all of whose leaves a no rules out) is not a filing
    if not set_completions(fam, s, may_be_na):
        return PartialSet(yes=frozenset(), no=frozenset(), complete=False)
    return s


@FAST
@given(st.data())
def test_contains_is_exact(data: st.DataObject) -> None:
    fam = data.draw(families())
    may_be_na = data.draw(st.booleans())
    targets = data.draw(st.lists(st.sampled_from(fam.values), min_size=1, max_size=3))
    s = data.draw(partial_sets(fam, may_be_na))
    inside = frozenset().union(*(fam.below(t) for t in targets))
    expected = truth(
        c is not NA and not c.isdisjoint(inside) for c in set_completions(fam, s, may_be_na)
    )
    assert ops.contains(s, ops.set_test(fam.leaves_map(), targets)) == expected


@FAST
@given(st.data())
def test_empty_is_exact(data: st.DataObject) -> None:
    fam = data.draw(families())
    may_be_na = data.draw(st.booleans())
    s = data.draw(partial_sets(fam, may_be_na))
    want = data.draw(st.booleans())
    completions = set_completions(fam, s, may_be_na)
    expected = truth(c is not NA and (not c) is want for c in completions)
    assert ops.empty(s, ops.set_test(fam.leaves_map()), want) == expected


def test_a_plain_list_is_complete_and_a_coarse_no_rules_out_its_family() -> None:
    leaves = {
        "spending": frozenset({"funds_use", "materials_use"}),
        "funds_use": frozenset({"funds_use"}),
        "materials_use": frozenset({"materials_use"}),
        "law": frozenset({"law"}),
    }
    funds = ops.set_test(leaves, ["funds_use"])
    plain = PartialSet(yes=frozenset({"law"}), no=frozenset(), complete=True)
    assert ops.contains(plain, funds) == 0
    open_ = PartialSet(yes=frozenset({"law"}), no=frozenset(), complete=False)
    assert ops.contains(open_, funds) == 1
    ruled_out = PartialSet(yes=frozenset({"law"}), no=frozenset({"spending"}), complete=False)
    assert ops.contains(ruled_out, funds) == 0
    # a coarse yes whose other leaf is ruled out must be the target
    narrowed = PartialSet(
        yes=frozenset({"spending"}), no=frozenset({"materials_use"}), complete=False
    )
    assert ops.contains(narrowed, funds) == 2
    assert ops.empty(PartialSet(yes=frozenset(), no=frozenset(), complete=True), funds) == 2


# --------------------------------------------------------------------------- dates

BASE = dt.date(2020, 1, 1)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@st.composite
def partial_dates(draw: st.DrawFn, may_be_na: bool) -> Any:
    kind = draw(st.sampled_from(["unknown", "known", "known", *(["na"] if may_be_na else [])]))
    if kind == "unknown":
        return None
    if kind == "na":
        return NA
    start = BASE + days(draw(st.integers(0, 60)))
    return PartialDate(start=start, stop=start + days(draw(st.integers(0, 40))))


def date_completions(x: Any, around: Sequence[dt.date], may_be_na: bool) -> list[Any]:
    """Every day of ``x``; for an unknown date, the days at and beside each bound in ``around``."""
    if x is NA:
        return [NA]
    if x is None:
        near = sorted({d + days(k) for d in around for k in (-1, 0, 1)})
        return [*near, *([NA] if may_be_na else [])]
    return [x.start + days(k) for k in range((x.stop - x.start).days + 1)]


DATE_OPS: dict[str, tuple[Callable[[Any, dt.date], int], Callable[[Any, Any], int], Any]] = {
    "before": (ops.before, ops.before_fact, lambda a, b: a < b),
    "after": (ops.after, ops.after_fact, lambda a, b: a > b),
    "on_or_before": (ops.on_or_before, ops.on_or_before_fact, lambda a, b: a <= b),
    "on_or_after": (ops.on_or_after, ops.on_or_after_fact, lambda a, b: a >= b),
}


@FAST
@given(st.sampled_from(sorted(DATE_OPS)), st.data())
def test_a_partial_date_against_a_date_is_exact(name: str, data: st.DataObject) -> None:
    op, _, relation = DATE_OPS[name]
    may_be_na = data.draw(st.booleans())
    x = data.draw(partial_dates(may_be_na))
    d = BASE + days(data.draw(st.integers(-5, 110)))
    expected = truth(a is not NA and relation(a, d) for a in date_completions(x, [d], may_be_na))
    assert op(x, d) == expected


@FAST
@given(st.sampled_from(sorted(DATE_OPS)), st.data())
def test_a_partial_date_against_another_is_exact(name: str, data: st.DataObject) -> None:
    _, op, relation = DATE_OPS[name]
    na_x, na_y = data.draw(st.booleans()), data.draw(st.booleans())
    x, y = data.draw(partial_dates(na_x)), data.draw(partial_dates(na_y))
    bounds = [BASE] + [d for v in (x, y) if v not in (None, NA) for d in (v.start, v.stop)]
    expected = truth(
        a is not NA and b is not NA and relation(a, b)
        for a in date_completions(x, bounds, na_x)
        for b in date_completions(y, bounds, na_y)
    )
    assert op(x, y) == expected


def test_partial_dates_as_the_issue_states() -> None:
    """``2023`` is definitely after 2012-11-08; ``2012`` is unknown against it."""
    bound = dt.date(2012, 11, 8)
    y2023 = PartialDate(start=dt.date(2023, 1, 1), stop=dt.date(2023, 12, 31))
    y2012 = PartialDate(start=dt.date(2012, 1, 1), stop=dt.date(2012, 12, 31))
    assert ops.after(y2023, bound) == 2
    assert ops.after(y2012, bound) == 1
    assert ops.before(y2012, bound) == 1
    assert ops.after_fact(y2023, y2012) == 2
    assert ops.before(NA, bound) == 0


# --------------------------------------------------------------------------- quantifiers


@dataclasses.dataclass(frozen=True)
class Rec:
    kind: Any  # an enum value of the family, or None
    flag: Any  # a bool, or None


def rec_completions(fam: Fam, r: Rec) -> list[Rec]:
    flags = [True, False] if r.flag is None else [r.flag]
    return [Rec(k, f) for k in enum_completions(fam, r.kind, False) for f in flags]


@FAST
@given(st.data())
def test_quantifiers_are_exact(data: st.DataObject) -> None:
    """``some``/``every`` over a list of records, with and without ``where:``.

    ``that`` tests the record's kind (within targets) and ``where`` its flag, so each record's
    truth is exact by Kleene; the fold must then be exact over the list and its completeness.
    """
    fam = data.draw(families(max_values=5))
    targets = data.draw(st.lists(st.sampled_from(fam.values), min_size=1, max_size=2))
    table = ops.within_table(fam.leaves_map(), targets)
    inside = frozenset().union(*(fam.below(t) for t in targets))
    items = data.draw(
        st.lists(
            st.builds(
                Rec, st.sampled_from([None, *fam.values]), st.sampled_from([None, True, False])
            ),
            max_size=3,
        )
    )
    known = data.draw(st.booleans())  # the list itself may be unknown
    complete = known and data.draw(st.booleans())
    if not known:
        items = []
    quantifier = data.draw(st.sampled_from(["some", "every"]))
    filtered = data.draw(st.booleans())

    def that(r: Rec) -> bool:
        return r.kind in inside

    def where(r: Rec) -> bool:
        return r.flag is True

    def holds(records: Sequence[Rec]) -> bool:
        if quantifier == "some":
            return any((where(r) or not filtered) and that(r) for r in records)
        return all((filtered and not where(r)) or that(r) for r in records)

    # brute force: each record's completions, times 0..2 further arbitrary records
    arbitrary = rec_completions(fam, Rec(None, None))
    extras: list[tuple[Rec, ...]] = [()]
    if not complete:
        extras += [(a,) for a in arbitrary] + list(itertools.product(arbitrary, repeat=2))
    outcomes = set()
    for filled in itertools.product(*(rec_completions(fam, r) for r in items)):
        for more in extras:
            outcomes.add(holds([*filled, *more]))
    expected = truth(outcomes)

    def truth_of(r: Rec) -> int:
        t = ops.within(r.kind, table)
        if not filtered:
            return t
        w = ops.eq_bool(r.flag, True)
        return min(w, t) if quantifier == "some" else max(2 - w, t)

    truths = [truth_of(r) for r in items]
    blank = truth_of(Rec(None, None))
    fold = ops.some if quantifier == "some" else ops.every
    assert fold(truths, complete, blank) == expected


def test_quantifier_edges() -> None:
    assert ops.some([], True) == 0
    assert ops.every([], True) == 2
    assert ops.some([], False) == 1
    assert ops.every([], False) == 1
    assert ops.some([0, 0], False, blank=0) == 0  # no further record can be true
    assert ops.every([2], False, blank=2) == 2  # no further record can be false
    assert ops.some([0, 2, 1], False) == 2
    assert ops.every([2, 0, 1], False) == 0
