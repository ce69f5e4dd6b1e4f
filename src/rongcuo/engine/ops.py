"""The exact three-valued operators of filing model v2 (docs/design-v2.md §1, §3, §4).

Every test the v2 rule language can write on one fact, and the quantifier folds over a list of
records, as pure functions. A truth is an ``int``, as in the generated code: ``0`` false, ``1``
unknown, ``2`` true. A fact's value is ``None`` when unknown, :data:`~rongcuo.facts.values.NA`
when not applicable, or a known value (a value id, a ``bool``, a
:class:`~rongcuo.facts.values.PartialSet`, a :class:`~rongcuo.facts.values.PartialDate`, a
:class:`~rongcuo.facts.values.Records`).

**Exact.** Each operator returns ``2`` when every completion of its unknowns makes the test true,
``0`` when every completion makes it false and ``1`` only when both happen. A completion fills in
what is not known:

* an unknown fact: any value of its type (and ``NA``, for a fact declared with ``na:``);
* a coarse enum value (an inner node of its family): any *leaf* below it (a value with nothing
  under it);
* a partial set ``{yes, no, complete}``: any set of leaves with at least one leaf below each
  ``yes`` value, none below a ``no`` value and, when ``complete``, none outside what is below the
  ``yes`` values (a plain list is complete);
* a partial date ``[start, stop]``: any day of the interval; an unknown date any day at all (the
  calendar is taken as unbounded: ``date.min`` and ``date.max`` are a representation's limits);
* an incomplete list of records: the known records and any number of further ones.

``NA`` (a fact that does not apply) meets no condition on it: every test on it is false, except
:func:`na`. ``tests/test_ops_exact.py`` holds every operator to brute force over every completion,
on small random families (DAGs included).

**Nothing walks a family at evaluation.** What a test needs to know about its family is made once,
when the ruleset loads, as plain data — a table from each value to the test's truth for it
(:func:`within_table`, :func:`same_kind_table`), or a few frozensets (:class:`SetTest`) — from the
family's leaves: a mapping from each value to the leaves at or below it (``Family.leaves``). Only a
partial set whose ``no`` part is not empty costs a few set operations at evaluation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ..facts.values import NA

__all__ = [
    "FALSE",
    "TRUE",
    "UNKNOWN",
    "SetTest",
    "after",
    "after_fact",
    "before",
    "before_fact",
    "contains",
    "empty",
    "eq_bool",
    "every",
    "na",
    "on_or_after",
    "on_or_after_fact",
    "on_or_before",
    "on_or_before_fact",
    "same_kind",
    "same_kind_table",
    "set_test",
    "some",
    "within",
    "within_table",
]

FALSE: Final = 0
UNKNOWN: Final = 1
TRUE: Final = 2

_EMPTY: Final[frozenset[str]] = frozenset()


def _cover(leaves: frozenset[str], hit: frozenset[str]) -> int:
    """2 if every one of ``leaves`` is in ``hit``, 0 if none is, else 1."""
    if leaves <= hit:
        return TRUE
    return FALSE if leaves.isdisjoint(hit) else UNKNOWN


def _all_leaves(leaves: Mapping[str, frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*leaves.values())


# --------------------------------------------------------------------------- enums


def within_table(
    leaves: Mapping[str, frozenset[str]], targets: Iterable[str], *, na: bool = False
) -> dict[object, int]:
    """The truth of ``within: targets`` for every value of a family, and for ``None``.

    ``leaves`` maps each value of the family to the leaves at or below it; ``na`` says whether
    the fact may be not applicable (an unknown value may then be ``NA``). ``within: [F, G]`` is
    within any: a leaf is in when it is below ``F`` or below ``G``, and a coarse value is true only
    when every leaf below it is in (so a value whose leaves are split between ``F`` and ``G`` is
    true, though it is below neither). ``NA`` and values outside the family are absent: false.
    """
    hit = frozenset().union(*(leaves[t] for t in targets))
    table: dict[object, int] = {v: _cover(below, hit) for v, below in leaves.items()}
    unknown = _cover(_all_leaves(leaves), hit)
    table[None] = UNKNOWN if na and unknown == TRUE else unknown
    return table


def within(x: Any, table: Mapping[object, int]) -> int:
    """An enum value within the targets of ``table`` (:func:`within_table`); ``eq`` on an enum."""
    return table.get(x, FALSE)


def same_kind_table(
    leaves: Mapping[str, frozenset[str]],
    classes: Mapping[str, frozenset[str]],
    opaque: Iterable[str],
    *,
    na_left: bool = False,
    na_right: bool = False,
) -> dict[object, dict[object, int]]:
    """The truth of ``same_kind: [x, y]`` for every pair of values of a family (and ``None``).

    Two leaves are of the same kind (同类) when some class (a ``kind: true`` value) is at or
    above both; ``classes`` maps each leaf to its classes. Being the same *word* never makes two
    values 同类: an opaque ("other …") value is of a kind only through the class that holds it, so
    two unlisted kinds of irregular spending (``other_spending``) are both irregular spending, while
    an opaque value under no class (``other_act``) is never the same kind as anything, itself
    included. ``opaque`` is accepted for the record and changes nothing beyond that. A coarse
    value stands for any leaf below it, ``None`` for any leaf (or ``NA``, when that side's fact
    may be not applicable, which is never the same kind as anything).
    """
    del opaque  # class membership alone decides; see the docstring
    cls: dict[str, frozenset[str]] = {
        leaf: classes.get(leaf, _EMPTY) for leaf in _all_leaves(leaves)
    }
    everything = _all_leaves(leaves)
    rows: dict[object, frozenset[str]] = dict(leaves.items())
    rows[None] = everything

    def truth(xs: frozenset[str], ys: frozenset[str], na: bool) -> int:
        any_x = frozenset().union(*(cls[a] for a in xs))
        any_y = frozenset().union(*(cls[b] for b in ys))
        if any_x.isdisjoint(any_y):
            return FALSE
        if not na and all(not cls[a].isdisjoint(cls[b]) for a in xs for b in ys):
            return TRUE
        return UNKNOWN

    return {
        x: {
            y: truth(xs, ys, (x is None and na_left) or (y is None and na_right))
            for y, ys in rows.items()
        }
        for x, xs in rows.items()
    }


_NO_ROW: Final[Mapping[object, int]] = {}


def same_kind(x: Any, y: Any, table: Mapping[object, Mapping[object, int]]) -> int:
    """Two enum values of the same kind (同类), by :func:`same_kind_table`; ``NA`` is never."""
    return table.get(x, _NO_ROW).get(y, FALSE)


# --------------------------------------------------------------------------- bools, NA


def eq_bool(x: Any, want: bool) -> int:
    """A bool fact equal to ``want``: unknown when unknown, false when not applicable."""
    if x is None:
        return UNKNOWN
    return TRUE if x is want else FALSE


def na(x: Any) -> int:
    """The fact is not applicable (``na: true``; for a fact declared with ``na:``)."""
    if x is None:
        return UNKNOWN
    return TRUE if x is NA else FALSE


# --------------------------------------------------------------------------- sets


@dataclasses.dataclass(frozen=True, slots=True)
class SetTest:
    """What :func:`contains` and :func:`empty` need to know of a set fact's family and targets.

    Made once per test by :func:`set_test`.
    """

    #: the leaves within the targets
    hit: frozenset[str]
    #: the values all of whose leaves are in ``hit`` (a ``yes`` among them makes ``contains`` true)
    inside: frozenset[str]
    #: the values some of whose leaves are in ``hit``
    meets: frozenset[str]
    #: each value of the family to the leaves at or below it
    leaves: Mapping[str, frozenset[str]]
    #: every leaf of the family
    every: frozenset[str]


def set_test(leaves: Mapping[str, frozenset[str]], targets: Iterable[str] = ()) -> SetTest:
    """The data of ``contains: targets`` (``contains_any``: several), or of ``empty`` (none)."""
    hit = frozenset().union(*(leaves[t] for t in targets))
    return SetTest(
        hit=hit,
        inside=frozenset(v for v, below in leaves.items() if below <= hit),
        meets=frozenset(v for v, below in leaves.items() if not below.isdisjoint(hit)),
        leaves=leaves,
        every=_all_leaves(leaves),
    )


def _ruled_out(no: Iterable[str], leaves: Mapping[str, frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*(leaves.get(n, _EMPTY) for n in no))


def contains(s: Any, t: SetTest) -> int:
    """A set fact has a member within the targets of ``t``.

    True when some ``yes`` value has no possible leaf outside the targets; false when no leaf the
    set may still hold (below its ``yes`` values if complete, any leaf otherwise, less what its
    ``no`` values rule out) is within them; unknown otherwise.
    """
    if s is None:
        return UNKNOWN if t.hit else FALSE
    if s is NA:
        return FALSE
    yes = s.yes
    if not t.inside.isdisjoint(yes):
        return TRUE
    no = s.no
    if not no:
        if s.complete:
            return FALSE if t.meets.isdisjoint(yes) else UNKNOWN
        return UNKNOWN if t.hit else FALSE
    leaves = t.leaves
    out = _ruled_out(no, leaves)
    for y in yes:
        if leaves.get(y, _EMPTY) - out <= t.hit:
            return TRUE
    may = _ruled_out(yes, leaves) if s.complete else t.every
    return FALSE if (may - out).isdisjoint(t.hit) else UNKNOWN


def empty(s: Any, t: SetTest, want: bool = True) -> int:
    """A set fact has no member at all (``empty: true``), or has one (``empty: false``)."""
    if s is None:
        return UNKNOWN if t.every else (TRUE if want else FALSE)
    if s is NA:
        return FALSE
    if s.yes:
        truth = FALSE
    elif s.complete:
        truth = TRUE
    else:
        truth = TRUE if t.every <= _ruled_out(s.no, t.leaves) else UNKNOWN
    return truth if want else TRUE - truth


# --------------------------------------------------------------------------- dates


def before(x: Any, d: dt.date) -> int:
    """Every day of a partial date is before ``d``."""
    if x is None:
        return UNKNOWN
    if x is NA:
        return FALSE
    return TRUE if x.stop < d else FALSE if x.start >= d else UNKNOWN


def after(x: Any, d: dt.date) -> int:
    """Every day of a partial date is after ``d``."""
    if x is None:
        return UNKNOWN
    if x is NA:
        return FALSE
    return TRUE if x.start > d else FALSE if x.stop <= d else UNKNOWN


def on_or_before(x: Any, d: dt.date) -> int:
    """Every day of a partial date is ``d`` or before it."""
    if x is None:
        return UNKNOWN
    if x is NA:
        return FALSE
    return TRUE if x.stop <= d else FALSE if x.start > d else UNKNOWN


def on_or_after(x: Any, d: dt.date) -> int:
    """Every day of a partial date is ``d`` or after it."""
    if x is None:
        return UNKNOWN
    if x is NA:
        return FALSE
    return TRUE if x.start >= d else FALSE if x.stop < d else UNKNOWN


def before_fact(x: Any, y: Any) -> int:
    """Partial date ``x`` before partial date ``y``: every day of ``x`` before every day of ``y``.

    The two are different facts (completed independently): the checker refuses a fact compared
    with itself.
    """
    if x is NA or y is NA:
        return FALSE
    if x is None or y is None:
        return UNKNOWN
    return TRUE if x.stop < y.start else FALSE if x.start >= y.stop else UNKNOWN


def after_fact(x: Any, y: Any) -> int:
    """Partial date ``x`` after partial date ``y`` (``after_fact``)."""
    if x is NA or y is NA:
        return FALSE
    if x is None or y is None:
        return UNKNOWN
    return TRUE if x.start > y.stop else FALSE if x.stop <= y.start else UNKNOWN


def on_or_before_fact(x: Any, y: Any) -> int:
    """Partial date ``x`` on or before partial date ``y``."""
    if x is NA or y is NA:
        return FALSE
    if x is None or y is None:
        return UNKNOWN
    return TRUE if x.stop <= y.start else FALSE if x.start > y.stop else UNKNOWN


def on_or_after_fact(x: Any, y: Any) -> int:
    """Partial date ``x`` on or after partial date ``y``."""
    if x is NA or y is NA:
        return FALSE
    if x is None or y is None:
        return UNKNOWN
    return TRUE if x.start >= y.stop else FALSE if x.stop < y.start else UNKNOWN


# --------------------------------------------------------------------------- quantifiers


def some(truths: Iterable[int], complete: bool, blank: int = UNKNOWN) -> int:
    """``some``: the truths of the known records, folded, with the list's completeness.

    ``blank`` is the predicate's truth on a record of which nothing is known (each field
    unknown): what a further record, if the list is not complete, might make of it. True if a
    record is true; false if every record is false and no further record can be true; unknown
    otherwise. An empty complete list is false; an unknown list is an empty incomplete one.
    A ``where:`` filter is folded in by the caller: ``min(where, that)`` per record.
    """
    result = FALSE
    for v in truths:
        if v == TRUE:
            return TRUE
        if v:
            result = UNKNOWN
    if not complete and blank:
        return UNKNOWN
    return result


def every(truths: Iterable[int], complete: bool, blank: int = UNKNOWN) -> int:
    """``every``: false if a record is false; true if every record is true and no further
    record can be false; unknown otherwise. An empty complete list is true. ``where:`` is folded
    in by the caller: ``max(2 - where, that)`` per record (see :func:`some` for ``blank``)."""
    result = TRUE
    for v in truths:
        if v == FALSE:
            return FALSE
        if v == UNKNOWN:
            result = UNKNOWN
    if not complete and blank != TRUE:
        return UNKNOWN
    return result
