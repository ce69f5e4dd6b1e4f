"""Hypothesis strategies for filings, clause boundaries and rules.

A testing kit for anyone whose system feeds rongcuo, and for rongcuo's own property tests::

    filings(complete=False, rules=None)        valid filings; any fact may be unknown
    satisfying(clause_id) / violating(...)     filings on which a clause is TRUE / FALSE
    boundary_pairs(clause_id)                  two filings one fact apart, across the clause's edge
    predicates() / rulesets()                  random valid predicate trees and small rulesets

Importing this module imports Hypothesis; ``import rongcuo`` never does.

Filings shrink toward small, readable documents: an unknown fact shrinks to unknown, an
enumeration to its first value, a set to the empty set, a date toward 2000-01-01.

Clause strategies are *constructive*, not filters. To make a clause TRUE, every item of an
``all`` is made TRUE, one branch of an ``any`` is chosen, a ``not`` flips the goal and a clause
reference recurses into the clause it names; each comparison becomes a constraint on its fact
(a set must hold a value, an enumeration must avoid one, a date must fall before another …).
Only the constrained facts are fixed; the rest come from :func:`filings`. Kleene logic is
monotone, so filling the rest never changes the clause's truth. Choices (which branch, which
value) are drawn, so Hypothesis explores and shrinks them; when the constraints of a choice
conflict the search backtracks to the next choice, so nothing is generated and thrown away.

Determinations (``determinations.P15`` / ``.N9``) are recorded human decisions, not facts:
``complete=True`` does not force them, and they are generated (or left out) separately.

Every filing generated is valid, cross-field rules included: the dates of each pair of
:data:`~rongcuo.facts.model.DATE_ORDER` (the conduct's start and end) are drawn in order, the later
one from the earlier one onward, never drawn and thrown away; a constraint that would force them out
of order is a conflict the search backtracks from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, TypeVar

import yaml

from ..errors import backend_unavailable

try:
    from hypothesis import assume
    from hypothesis import strategies as st
except ImportError:  # a plain install: the coded error with its install hint, not a bare import
    raise backend_unavailable(
        "hypothesis",
        feature="rongcuo.strategies",
        feature_zh="rongcuo.strategies（Hypothesis 策略）",
        extra="strategies",
    ) from None

from ..engine.decide import decide_status
from ..engine.evaluate import Truth, fact_getter
from ..facts.model import DATE_ORDER, FACTS, Determination, FactKind, FactSpec, Filing
from ..rules.load import bundled_ruleset, load_ruleset_texts
from ..rules.ruleset import Ruleset, node_data
from ..rules.syntax import (
    All,
    Clause,
    ClauseRef,
    ElementRef,
    FactRef,
    ListKind,
    Node,
    Not,
    Op,
    Test,
    walk,
)
from ..rules.syntax import Any as AnyNode

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "PLAIN_FACTS",
    "boundary_pairs",
    "fact_values",
    "filings",
    "predicates",
    "refinements",
    "replace_facts",
    "rulesets",
    "satisfying",
    "violating",
]

DATE_MIN: Final = dt.date(2000, 1, 1)
"""Earliest generated date."""
DATE_MAX: Final = dt.date(2030, 12, 31)
"""Latest generated date."""

_TEXTS: Final = ("某县发展和改革委员会", "情况说明", "A-2023-001", "经集体研究认定", "县纪委监委")
_DETERMINATIONS: Final = ("P15", "N9")
_SEARCH_STEPS: Final = 20_000

T = TypeVar("T")
Draw = st.DrawFn

#: Fact paths that are facts proper: everything but the recorded determinations.
PLAIN_FACTS: Final = tuple(p for p in FACTS if not p.startswith("determinations."))

#: Date facts in a :data:`~rongcuo.facts.model.DATE_ORDER` pair: drawn together, never alone.
_PAIRED: Final = frozenset(p for pair in DATE_ORDER for p in pair)
_DAY: Final = dt.timedelta(days=1)


def _dates(
    lo: dt.date, hi: dt.date, avoid: frozenset[dt.date] = frozenset()
) -> st.SearchStrategy[dt.date]:
    """Dates in ``lo..hi`` except ``avoid``, constructively: the k-th allowed day, never a filter.

    The caller guarantees that some day is allowed.
    """
    skip = sorted(x for x in avoid if lo <= x <= hi)

    def shift(day: dt.date) -> dt.date:
        for x in skip:  # ascending: each excluded day at or before the candidate pushes it on
            if day >= x:
                day += _DAY
        return day

    return st.dates(lo, hi - _DAY * len(skip)).map(shift) if skip else st.dates(lo, hi)


def _in_date_order(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each :data:`~rongcuo.facts.model.DATE_ORDER` pair put in order (a swap)."""
    for earlier, later in DATE_ORDER:
        first, second = values.get(earlier), values.get(later)
        if first is not None and second is not None and first > second:
            values[earlier], values[later] = second, first
    return values


def _breaks_date_order(filing: Filing, path: str, value: Any) -> bool:
    """Whether setting ``path`` to ``value`` would put a :data:`DATE_ORDER` pair out of order."""
    if value is None:
        return False
    for earlier, later in DATE_ORDER:
        if path == earlier:
            other = fact_getter(later)(filing)
            if other is not None and value > other:
                return True
        elif path == later:
            other = fact_getter(earlier)(filing)
            if other is not None and other > value:
                return True
    return False


# --------------------------------------------------------------------------- fact values


def fact_values(path: str) -> st.SearchStrategy[Any]:
    """Known values of one fact (never unknown), shrinking toward the first or smallest."""
    spec = FACTS[path]
    if spec.kind is FactKind.BOOL:
        return st.booleans()
    if spec.kind is FactKind.DATE:
        return st.dates(DATE_MIN, DATE_MAX)
    if spec.kind is FactKind.TEXT:
        return st.sampled_from(_TEXTS)
    assert spec.enum is not None
    members = st.sampled_from(list(spec.enum))
    if spec.kind is FactKind.ENUM:
        return members
    return st.frozensets(members)


def _determinations(holds: st.SearchStrategy[bool] | None = None) -> st.SearchStrategy[Any]:
    return st.builds(
        Determination,
        holds=holds if holds is not None else st.booleans(),
        decided_by=st.sampled_from(_TEXTS),
        decided_on=st.dates(DATE_MIN, DATE_MAX),
        reason=st.sampled_from(_TEXTS),
    )


def _scope(rules: Ruleset | None) -> tuple[str, ...]:
    """The plain facts to generate: every fact, or only those ``rules`` read."""
    if rules is None:
        return PLAIN_FACTS
    read = _facts_read_by(rules)
    return tuple(p for p in PLAIN_FACTS if p in read)


def _facts_read_by(rules: Ruleset) -> set[str]:
    read: set[str] = set()
    for clause in rules.clauses:
        for element in clause.elements:
            for n in walk(element.test):
                if isinstance(n, Test):
                    read.add(n.fact)
                    if isinstance(n.value, FactRef):
                        read.add(n.value.path)
    return read


def _build(values: Mapping[str, Any], determinations: Mapping[str, Any]) -> Filing:
    """A filing from ``{path: value}`` (None and absent both mean unknown)."""
    doc: dict[str, Any] = {}
    for path, value in values.items():
        if value is None:
            continue
        *groups, name = path.split(".")
        node = doc
        for g in groups:
            node = node.setdefault(g, {})
        node[name] = value
    dets = {k: v for k, v in determinations.items() if v is not None}
    if dets:
        doc["determinations"] = dets
    return Filing.model_validate(doc)


def _fact_or_unknown(path: str, complete: bool) -> st.SearchStrategy[Any]:
    return fact_values(path) if complete else st.none() | fact_values(path)


def filings(*, complete: bool = False, rules: Ruleset | None = None) -> st.SearchStrategy[Filing]:
    """Valid filings of the model.

    Every fact may be unknown, unless ``complete`` is true: then every fact is known (except the
    determinations, which are human decisions and stay optional). With ``rules``, only the facts
    that ruleset reads are generated and every other fact stays unknown: smaller filings, the
    same verdicts.
    """
    paths = _scope(rules)
    return st.builds(
        _build,
        st.fixed_dictionaries({p: _fact_or_unknown(p, complete) for p in paths}).map(
            _in_date_order
        ),
        st.fixed_dictionaries({d: st.none() | _determinations() for d in _DETERMINATIONS}),
    )


@st.composite
def refinements(draw: Draw, filing: Filing, *, rules: Ruleset | None = None) -> Filing:
    """``filing`` with some of its unknown facts filled in; known facts and determinations kept.

    A date filled in next to a known date of its :data:`~rongcuo.facts.model.DATE_ORDER` pair is
    drawn on its side of it.
    """
    values = {p: fact_getter(p)(filing) for p in PLAIN_FACTS}
    scope = _scope(rules)
    for p in scope:
        if values[p] is None and p not in _PAIRED:
            values[p] = draw(st.none() | fact_values(p))
    for earlier, later in DATE_ORDER:
        if values[earlier] is None and earlier in scope:
            bound = values[later]
            hi = DATE_MAX if bound is None else bound
            values[earlier] = draw(st.none() | st.dates(min(DATE_MIN, hi), hi))
        if values[later] is None and later in scope:
            bound = values[earlier]
            lo = DATE_MIN if bound is None else bound
            values[later] = draw(st.none() | st.dates(lo, max(DATE_MAX, lo)))
    return _build(values, {d: getattr(filing.determinations, d) for d in _DETERMINATIONS})


# --------------------------------------------------------------------------- constraints


@dataclasses.dataclass(frozen=True, slots=True)
class _Dom:
    """What a fact must be. ``known``: True must be known, False must be unknown, None free."""

    known: bool | None = None
    allowed: frozenset[Any] | None = None  # bool and enum: the values still allowed
    include: frozenset[str] = frozenset()  # set: values it must hold
    exclude: frozenset[str] = frozenset()  # set: values it must not hold
    lo: dt.date = DATE_MIN
    hi: dt.date = DATE_MAX
    not_eq: frozenset[dt.date] = frozenset()


_Store = Mapping[str, _Dom]


def _universe(spec: FactSpec) -> frozenset[Any]:
    if spec.kind is FactKind.BOOL:
        return frozenset({False, True})
    assert spec.enum is not None
    return frozenset(m.value for m in spec.enum)


def _consistent(spec: FactSpec, d: _Dom) -> bool:
    constrained = d != _Dom(known=d.known)
    if d.known is False:
        return not constrained
    if d.allowed is not None and not d.allowed:
        return False
    if d.include & d.exclude:
        return False
    if spec.kind is FactKind.DATE:
        if d.lo > d.hi:
            return False
        span = (d.hi - d.lo).days + 1
        return span > len([x for x in d.not_eq if d.lo <= x <= d.hi])
    return True


def _set(store: _Store, path: str, dom: _Dom) -> _Store | None:
    if not _consistent(FACTS[path], dom):
        return None
    out = dict(store)
    out[path] = dom
    if path in _PAIRED and not _pairs_consistent(out):
        return None
    return out


def _first_day(d: _Dom) -> dt.date:
    """The earliest day a consistent date domain allows."""
    day = d.lo
    while day in d.not_eq:
        day += _DAY
    return day


def _last_day(d: _Dom) -> dt.date:
    """The latest day a consistent date domain allows."""
    day = d.hi
    while day in d.not_eq:
        day -= _DAY
    return day


def _pairs_consistent(store: _Store) -> bool:
    """Every :data:`DATE_ORDER` pair that must be known can be drawn in order."""
    for earlier, later in DATE_ORDER:
        a, b = store.get(earlier), store.get(later)
        if a is None or b is None or a.known is False or b.known is False:
            continue  # a free or unknown partner can always be drawn on its side (or left out)
        if _first_day(a) > _last_day(b):
            return False
    return True


def _beside(store: _Store, path: str, d: _Dom) -> _Dom:
    """``d`` narrowed so that the fact stays on its side of its DATE_ORDER partner's domain.

    For a consistent store the result still allows a day.
    """
    for earlier, later in DATE_ORDER:
        if path == earlier and later in store and store[later].known is not False:
            d = dataclasses.replace(d, hi=min(d.hi, _last_day(store[later])))
        elif path == later and earlier in store and store[earlier].known is not False:
            d = dataclasses.replace(d, lo=max(d.lo, _first_day(store[earlier])))
    return d


def _dom(store: _Store, path: str) -> _Dom:
    return store.get(path, _Dom())


def _known(store: _Store, path: str) -> _Dom:
    return dataclasses.replace(_dom(store, path), known=True)


def _restrict(store: _Store, path: str, values: frozenset[Any]) -> _Store | None:
    d = _known(store, path)
    allowed = d.allowed if d.allowed is not None else _universe(FACTS[path])
    return _set(store, path, dataclasses.replace(d, allowed=allowed & values))


def _date_bound(store: _Store, path: str, op: Op, value: dt.date, want: bool) -> _Store | None:
    d = _known(store, path)
    one = dt.timedelta(days=1)
    if not want:
        op = {Op.LT: Op.GE, Op.LE: Op.GT, Op.GT: Op.LE, Op.GE: Op.LT}.get(op, op)
        if op is Op.EQ:
            return _set(store, path, dataclasses.replace(d, not_eq=d.not_eq | {value}))
    if op is Op.EQ:
        return _set(store, path, dataclasses.replace(d, lo=max(d.lo, value), hi=min(d.hi, value)))
    if op is Op.LT:
        return _set(store, path, dataclasses.replace(d, hi=min(d.hi, value - one)))
    if op is Op.LE:
        return _set(store, path, dataclasses.replace(d, hi=min(d.hi, value)))
    if op is Op.GT:
        return _set(store, path, dataclasses.replace(d, lo=max(d.lo, value + one)))
    return _set(store, path, dataclasses.replace(d, lo=max(d.lo, value)))


def _set_has(store: _Store, path: str, values: frozenset[str], has: bool) -> _Store | None:
    d = _known(store, path)
    if has:
        return _set(store, path, dataclasses.replace(d, include=d.include | values))
    return _set(store, path, dataclasses.replace(d, exclude=d.exclude | values))


class _Search:
    """A depth-first search over drawn choices, with a step budget."""

    def __init__(self, draw: Draw, rules: Ruleset) -> None:
        self.draw = draw
        self.rules = rules
        self.steps = 0

    def order(self, items: Sequence[T]) -> list[T]:
        self.steps += 1
        if self.steps > _SEARCH_STEPS:
            raise _Exhausted
        if len(items) <= 1:
            return list(items)
        return list(self.draw(st.permutations(list(items))))

    # -- realising a constrained fact

    def realise(self, path: str, d: _Dom) -> Any:
        spec = FACTS[path]
        if d.known is False:
            return None
        if spec.kind is FactKind.BOOL:
            return self.draw(st.sampled_from(sorted(d.allowed or _universe(spec))))
        if spec.kind is FactKind.TEXT:
            return self.draw(st.sampled_from(_TEXTS))
        if spec.kind is FactKind.DATE:
            return self.draw(_dates(d.lo, d.hi, d.not_eq))
        assert spec.enum is not None
        members = list(spec.enum)
        if spec.kind is FactKind.ENUM:
            allowed = d.allowed if d.allowed is not None else _universe(spec)
            return self.draw(st.sampled_from([m for m in members if m.value in allowed]))
        fixed = frozenset(m for m in members if m.value in d.include)
        free = [m for m in members if m.value not in d.include | d.exclude]
        extra = self.draw(st.frozensets(st.sampled_from(free))) if free else frozenset()
        return fixed | extra

    def pin(self, store: _Store, path: str) -> tuple[_Store, Any] | None:
        """Fix a fact to one drawn value that its constraints allow."""
        d = _beside(store, path, _known(store, path))
        if not _consistent(FACTS[path], d):
            return None
        value = self.realise(path, d)
        spec = FACTS[path]
        if spec.kind is FactKind.ENUM_SET:
            names = frozenset(str(m) for m in value)
            universe = _universe(spec)
            new = dataclasses.replace(d, include=names, exclude=universe - names)
        elif spec.kind is FactKind.DATE:
            new = dataclasses.replace(d, lo=value, hi=value)
        elif spec.kind is FactKind.TEXT:
            new = d
        else:
            new = dataclasses.replace(d, allowed=frozenset({_raw(value)}))
        out = _set(store, path, new)
        return None if out is None else (out, value)

    # -- making a test TRUE or FALSE

    def test(self, store: _Store, t: Test, want: bool) -> Iterator[_Store]:
        spec = FACTS[t.fact]
        if t.op is Op.KNOWN:
            must = (t.value is True) is want
            d = _dom(store, t.fact)
            out = _set(store, t.fact, dataclasses.replace(d, known=must))
            if out is not None:
                yield out
            return
        if isinstance(t.value, FactRef):
            yield from self.fact_ref(store, t, want)
            return
        value = t.value
        if spec.kind in (FactKind.BOOL, FactKind.ENUM):
            values = value if isinstance(value, frozenset) else frozenset({value})
            keep = values if want else _universe(spec) - values
            out = _restrict(store, t.fact, keep)
            if out is not None:
                yield out
            return
        if spec.kind is FactKind.DATE:
            assert isinstance(value, dt.date)
            out = _date_bound(store, t.fact, t.op, value, want)
            if out is not None:
                yield out
            return
        assert spec.kind is FactKind.ENUM_SET
        names = frozenset(str(v) for v in value) if isinstance(value, frozenset) else {str(value)}
        yield from self.set_test(store, t.fact, t.op, frozenset(names), want)

    def set_test(
        self, store: _Store, path: str, op: Op, values: frozenset[str], want: bool
    ) -> Iterator[_Store]:
        # contains v == contains_any {v} == contains_all {v}
        every = op is Op.CONTAINS_ALL or (op is Op.CONTAINS and len(values) == 1)
        if every == want:  # all must be held (contains_all TRUE) / none held (contains_any FALSE)
            out = _set_has(store, path, values, want)
            if out is not None:
                yield out
            return
        d = _dom(store, path)
        for v in self.order(sorted(values)):  # one held (any TRUE) / one missing (all FALSE)
            if (v in d.exclude and want) or (v in d.include and not want):
                continue
            out = _set_has(store, path, frozenset({v}), want)
            if out is not None:
                yield out

    def fact_ref(self, store: _Store, t: Test, want: bool) -> Iterator[_Store]:
        assert isinstance(t.value, FactRef)
        left, right = FACTS[t.fact], FACTS[t.value.path]
        if t.op in (Op.CONTAINS_ANY, Op.CONTAINS_ALL) and left.kind is FactKind.ENUM_SET:
            if (t.op is Op.CONTAINS_ANY) == want:  # a shared value / a value of right not in left
                d_l, d_r = _dom(store, t.fact), _dom(store, right.path)
                for v in self.order(sorted(_universe(left))):
                    if want and (v in d_l.exclude or v in d_r.exclude):
                        continue
                    if not want and (v in d_l.include or v in d_r.exclude):
                        continue
                    out = _set_has(store, t.fact, frozenset({v}), want)
                    out = out and _set_has(out, right.path, frozenset({v}), True)
                    if out is not None:
                        yield out
                return
            pinned = self.pin(store, right.path)  # no shared value / every value of right in left
            if pinned is None:
                return
            out, value = pinned
            names = frozenset(str(m) for m in value)
            if not names:  # nothing to share, nothing to miss
                out2 = _set(out, t.fact, _known(out, t.fact))
            else:  # contains_any FALSE: hold none of them; contains_all TRUE: hold them all
                out2 = _set_has(out, t.fact, names, want)
            if out2 is not None:
                yield out2
            return
        pinned = self.pin(store, right.path)
        if pinned is None:
            return
        out, value = pinned
        literal = Test(t.fact, t.op, _raw(value))
        yield from self.test(out, literal, want)

    # -- nodes, elements, clauses

    def node(self, store: _Store, n: Node, want: bool, clause: Clause | None) -> Iterator[_Store]:
        if isinstance(n, Test):
            yield from self.test(store, n, want)
        elif isinstance(n, Not):
            yield from self.node(store, n.item, not want, clause)
        elif isinstance(n, All | AnyNode):
            every = isinstance(n, All) == want
            if every:
                yield from self.every(store, list(n.items), want, clause)
            else:
                for item in self.order(list(n.items)):
                    yield from self.node(store, item, want, clause)
        elif isinstance(n, ClauseRef):
            yield from self.clause(store, n.clause, want)
        elif isinstance(n, ElementRef):
            assert clause is not None
            yield from self.node(store, clause.element(n.element).test, want, None)
        else:  # quantifiers and same_kind: rule language 2, which these strategies do not draw
            raise TypeError(f"not a rule language 1 predicate: {n!r}")

    def every(
        self, store: _Store, items: list[Node], want: bool, clause: Clause | None
    ) -> Iterator[_Store]:
        if not items:
            yield store
            return
        for out in self.node(store, items[0], want, clause):
            yield from self.every(out, items[1:], want, clause)

    def clause(self, store: _Store, clause_id: str, want: bool) -> Iterator[_Store]:
        clause = self.rules.clause(clause_id)
        yield from self.node(store, clause.holds_when, want, clause)

    def goals(self, store: _Store, goals: Sequence[tuple[str, bool]]) -> Iterator[_Store]:
        if not goals:
            yield store
            return
        (cid, want), rest = goals[0], goals[1:]
        for out in self.clause(store, cid, want):
            yield from self.goals(out, rest)


class _Exhausted(Exception):
    pass


def _raw(value: Any) -> Any:
    """A fact value as the rule language writes it (enum members as their string values)."""
    if isinstance(value, frozenset):
        return frozenset(str(v) for v in value)
    if isinstance(value, str):
        return str(value)
    return value


def _first(it: Iterator[_Store]) -> _Store | None:
    try:
        return next(it)
    except (StopIteration, _Exhausted):
        return None


def _fill(
    draw: Draw,
    search: _Search,
    store: _Store,
    *,
    complete: bool,
    scope: Sequence[str],
    determinations: bool = True,
) -> Filing:
    values: dict[str, Any] = {}
    for p in scope:
        if p in _PAIRED:
            continue
        if p in store:
            values[p] = search.realise(p, store[p])
        else:
            values[p] = draw(_fact_or_unknown(p, complete))
    for p, d in store.items():
        if p not in values and p not in _PAIRED and not p.startswith("determinations."):
            values[p] = search.realise(p, d)
    for earlier, later in DATE_ORDER:  # the earlier first, then the later from it onward
        a = _pair_dom(draw, store, earlier, scope, complete)
        b = _pair_dom(draw, store, later, scope, complete)
        first = second = None
        if a is not None:
            if b is not None:
                a = dataclasses.replace(a, hi=min(a.hi, _last_day(b)))
            first = search.realise(earlier, a)
        if b is not None:
            if first is not None:
                b = dataclasses.replace(b, lo=max(b.lo, first))
            second = search.realise(later, b)
        values[earlier], values[later] = first, second
    dets: dict[str, Any] = {}
    for name in _DETERMINATIONS:
        holds = store.get(f"determinations.{name}.holds")
        if holds is not None and holds.known is not False:
            dets[name] = draw(
                _determinations(st.just(search.realise(f"determinations.{name}.holds", holds)))
            )
        elif holds is None and determinations:
            dets[name] = draw(st.none() | _determinations())
    return _build(values, dets)


def _pair_dom(
    draw: Draw, store: _Store, path: str, scope: Sequence[str], complete: bool
) -> _Dom | None:
    """The domain a date of a DATE_ORDER pair is drawn from; None when it stays unknown."""
    d = store.get(path)
    if d is None:
        if path not in scope or not (complete or draw(st.booleans())):
            return None
        return _Dom(known=True)
    return None if d.known is False else d


def _rules(rules: Ruleset | None) -> Ruleset:
    return rules if rules is not None else bundled_ruleset()


@st.composite
def _clause_filing(
    draw: Draw, clause_id: str, want: bool, rules: Ruleset | None, complete: bool
) -> Filing:
    ruleset = _rules(rules)
    search = _Search(draw, ruleset)
    store = _first(search.clause({}, clause_id, want))
    assume(store is not None)  # safety net: the clause cannot be made so (a contradiction)
    assert store is not None
    filing = _fill(draw, search, store, complete=complete, scope=_scope(rules))
    got = ruleset.program.clause_value(clause_id, filing, {})
    assume(got is Truth.of(want))  # safety net; the construction guarantees it
    return filing


def satisfying(
    clause_id: str, *, rules: Ruleset | None = None, complete: bool = False
) -> st.SearchStrategy[Filing]:
    """Filings on which clause ``clause_id`` is TRUE (under ``rules``, default: bundled)."""
    _check_clause(clause_id, rules)
    return _clause_filing(clause_id, True, rules, complete)


def violating(
    clause_id: str, *, rules: Ruleset | None = None, complete: bool = False
) -> st.SearchStrategy[Filing]:
    """Filings on which clause ``clause_id`` is FALSE (under ``rules``, default: bundled)."""
    _check_clause(clause_id, rules)
    return _clause_filing(clause_id, False, rules, complete)


def _check_clause(clause_id: str, rules: Ruleset | None) -> None:
    if clause_id not in _rules(rules):
        raise ValueError(f"no clause {clause_id!r} in the ruleset")


# --------------------------------------------------------------------------- boundary pairs


def _leaves(n: Node, clause: Clause, path: tuple[int, ...] = ()) -> Iterator[tuple[int, ...]]:
    """Paths to every test under a clause's holds_when (through its elements, not ClauseRefs)."""
    if isinstance(n, Test):
        yield path
    elif isinstance(n, Not):
        yield from _leaves(n.item, clause, (*path, 0))
    elif isinstance(n, All | AnyNode):
        for i, item in enumerate(n.items):
            yield from _leaves(item, clause, (*path, i))
    elif isinstance(n, ElementRef):
        yield from _leaves(clause.element(n.element).test, clause, (*path, 0))


def _child(n: Node, clause: Clause, i: int) -> Node:
    if isinstance(n, Not):
        return n.item
    if isinstance(n, All | AnyNode):
        return n.items[i]
    assert isinstance(n, ElementRef)
    return clause.element(n.element).test


class _Critical(_Search):
    """Makes one test decide its clause: every sibling on the way up is held neutral."""

    def critical(
        self, store: _Store, n: Node, want: bool, path: tuple[int, ...], clause: Clause
    ) -> Iterator[_Store]:
        if not path:
            yield from self.node(store, n, want, clause)
            return
        i, rest = path[0], path[1:]
        child = _child(n, clause, i)
        if isinstance(n, Not):
            yield from self.critical(store, child, not want, rest, clause)
            return
        if isinstance(n, ElementRef):
            yield from self.critical(store, child, want, rest, clause)
            return
        assert isinstance(n, All | AnyNode)
        neutral = isinstance(n, All)  # siblings TRUE under all, FALSE under any
        siblings = [x for j, x in enumerate(n.items) if j != i]
        for out in self.every(store, siblings, neutral, clause):
            yield from self.critical(out, child, want, rest, clause)


def _candidates(path: str, value: Any, rules: Ruleset) -> list[Any]:
    """Other values of one fact worth trying: a finite, deterministic neighbourhood."""
    spec = FACTS[path]
    if spec.kind is FactKind.BOOL:
        return [not value]
    if spec.kind is FactKind.ENUM:
        assert spec.enum is not None
        return [m for m in spec.enum if m != value]
    if spec.kind is FactKind.ENUM_SET:
        assert spec.enum is not None
        return [frozenset(value ^ {m}) for m in spec.enum]
    if spec.kind is FactKind.DATE:
        out: list[Any] = []
        for clause in rules.clauses:
            for e in clause.elements:
                for n in walk(e.test):
                    if isinstance(n, Test) and n.fact == path and isinstance(n.value, dt.date):
                        day = dt.timedelta(days=1)
                        out += [n.value - day, n.value, n.value + day]
        return [d for d in dict.fromkeys([*out, DATE_MIN, DATE_MAX]) if d != value]
    return []


def replace_facts(filing: Filing, changes: Mapping[str, Any]) -> Filing:
    """``filing`` with the facts in ``changes`` (``{path: value}``, None for unknown) replaced.

    Determinations are kept; only plain facts can be changed this way. Raises ``ValueError`` when
    the result is not a valid filing (for example a conduct that would begin after it ended).
    """
    values = {p: fact_getter(p)(filing) for p in PLAIN_FACTS}
    for path in changes:
        if path not in values:
            raise ValueError(f"{path!r} is not a plain fact of the model")
    values.update(changes)
    return _build(values, {d: getattr(filing.determinations, d) for d in _DETERMINATIONS})


def _with(filing: Filing, path: str, value: Any) -> Filing:
    return replace_facts(filing, {path: value})


@st.composite
def _pairs(
    draw: Draw, clause_id: str, status_differs: bool, rules: Ruleset | None
) -> tuple[Filing, Filing]:
    ruleset = _rules(rules)
    clause = ruleset.clause(clause_id)
    search = _Critical(draw, ruleset)
    others: list[tuple[str, bool]] = []
    if status_differs:
        # hold the rest of the verdict still: every other non-catch-all negative FALSE, and for
        # a positive clause every other non-catch-all positive FALSE too
        others = [
            (c.id, False)
            for c in ruleset.clauses
            if c.id != clause_id
            and not c.catch_all
            and (c.list is ListKind.NEGATIVE or clause.list is ListKind.POSITIVE)
        ]
    leaves = list(_leaves(clause.holds_when, clause))
    found: tuple[Filing, Filing] | None = None
    try:
        for leaf in search.order(leaves):
            for want in search.order([True, False]):
                for store in search.critical({}, clause.holds_when, want, leaf, clause):
                    pair = _flip(
                        draw, search, store, clause_id, others, leaf, clause, status_differs
                    )
                    if pair is not None:
                        found = pair
                        break
                    break  # one completion per choice of leaf and direction
                if found:
                    break
            if found:
                break
    except _Exhausted:
        pass
    assume(found is not None)  # safety net: no single fact decides this clause
    assert found is not None
    return found


def _flip(
    draw: Draw,
    search: _Search,
    store: _Store,
    clause_id: str,
    others: list[tuple[str, bool]],
    leaf: tuple[int, ...],
    clause: Clause,
    status_differs: bool,
) -> tuple[Filing, Filing] | None:
    ruleset = search.rules
    full = _first(search.goals(store, others))
    if full is None:
        return None
    first = _fill(
        draw, search, full, complete=False, scope=_scope(None), determinations=not status_differs
    )
    before = ruleset.program.clause_value(clause_id, first, {})
    node: Node = clause.holds_when
    for i in leaf:
        node = _child(node, clause, i)
    assert isinstance(node, Test)
    paths = [node.fact] + ([node.value.path] if isinstance(node.value, FactRef) else [])
    for path in paths:
        value = fact_getter(path)(first)
        if value is None or path.startswith("determinations."):
            continue
        options = []
        for candidate in _candidates(path, value, ruleset):
            if _breaks_date_order(first, path, candidate):
                continue  # not a valid filing: the conduct would begin after it ended
            second = _with(first, path, candidate)
            after = ruleset.program.clause_value(clause_id, second, {})
            if after is Truth.UNKNOWN or after is before:
                continue
            if status_differs and not _alone(ruleset, clause_id, first, second):
                continue
            options.append(second)
        if options:
            second = draw(st.sampled_from(options))
            return (first, second) if before is Truth.TRUE else (second, first)
    if paths and paths[0].startswith("determinations."):
        return _flip_determination(draw, first, clause_id, ruleset, status_differs)
    return None


def _flip_determination(
    draw: Draw, first: Filing, clause_id: str, ruleset: Ruleset, status_differs: bool
) -> tuple[Filing, Filing] | None:
    det = getattr(first.determinations, clause_id, None)
    if det is None:
        return None
    flipped = det.model_copy(update={"holds": not det.holds})
    second = first.model_copy(
        update={"determinations": first.determinations.model_copy(update={clause_id: flipped})}
    )
    if status_differs and not _alone(ruleset, clause_id, first, second):
        return None
    return (first, second) if det.holds else (second, first)


def _alone(ruleset: Ruleset, clause_id: str, first: Filing, second: Filing) -> bool:
    """The status differs, and of all the clauses only ``clause_id`` changed its truth."""
    if decide_status(first, ruleset) is decide_status(second, ruleset):
        return False
    a, b = ruleset.program.values(first), ruleset.program.values(second)
    return all(a[c] is b[c] for c in a if c != clause_id)


def boundary_pairs(
    clause_id: str, *, status_differs: bool = False, rules: Ruleset | None = None
) -> st.SearchStrategy[tuple[Filing, Filing]]:
    """Pairs ``(holds, fails)`` of filings that differ in exactly one fact: the clause is TRUE on
    the first and FALSE on the second. With ``status_differs``, the verdict's status differs too,
    and no other clause changes its truth: the clause alone moves the verdict.

    A test of the clause is chosen and made critical (every ``all`` sibling on its way up TRUE,
    every ``any`` sibling FALSE); then one fact it reads is moved to a neighbouring value.
    """
    _check_clause(clause_id, rules)
    return _pairs(clause_id, status_differs, rules)


# --------------------------------------------------------------------------- rules


def _tests(*, fact_refs: bool = True) -> st.SearchStrategy[Test]:
    from ..rules.check import OPERATORS

    paths = list(PLAIN_FACTS)

    @st.composite
    def one(draw: Draw) -> Test:
        path = draw(st.sampled_from(paths))
        spec = FACTS[path]
        op = draw(st.sampled_from(sorted(OPERATORS[spec.kind], key=lambda o: o.value)))
        if op is Op.KNOWN:
            return Test(path, op, draw(st.booleans()))
        refs = [
            q
            for q in paths
            if q != path
            and FACTS[q].enum is spec.enum
            and (
                (spec.kind is FactKind.DATE and FACTS[q].kind is FactKind.DATE)
                or (op in (Op.CONTAINS_ANY, Op.CONTAINS_ALL) and FACTS[q].kind is spec.kind)
            )
        ]
        if fact_refs and refs and draw(st.integers(0, 5)) == 0:
            return Test(path, op, FactRef(draw(st.sampled_from(refs))))
        if spec.kind is FactKind.BOOL:
            return Test(path, op, draw(st.booleans()))
        if spec.kind is FactKind.DATE:
            return Test(path, op, draw(st.dates(DATE_MIN, DATE_MAX)))
        assert spec.enum is not None
        names = [m.value for m in spec.enum]
        if op in (Op.IN, Op.CONTAINS_ANY, Op.CONTAINS_ALL):
            return Test(path, op, draw(st.frozensets(st.sampled_from(names), min_size=1)))
        return Test(path, op, draw(st.sampled_from(names)))

    return one()


def predicates(*, max_leaves: int = 6, fact_refs: bool = True) -> st.SearchStrategy[Node]:
    """Random valid predicate trees over the model's facts: typed tests under all / any / not.

    Determinations are never read (only a catch-all clause may read its own).
    """
    return st.recursive(
        _tests(fact_refs=fact_refs),
        lambda inner: st.one_of(
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: All(tuple(xs))),
            st.lists(inner, min_size=1, max_size=3).map(lambda xs: AnyNode(tuple(xs))),
            inner.map(Not),
        ),
        max_leaves=max_leaves,
    )


_MANIFEST: Final = {
    "rongcuo": 1,
    "label": "generated",
    "source": "DOC",
    "effective": dt.date(2022, 12, 30),
    "documents": [
        {"id": "DOC", "issuer": "generator", "date": dt.date(2022, 12, 30), "title": "T"}
    ],
    # a generated positive list may have a catch-all (P15), whose refusal quotes not_listed
    "consequences": {
        "not_listed": [{"text": "下列情形", "cite": {"document": "DOC", "section": "一"}}]
    },
}
_PHRASES: Final = ("甲", "乙", "丙", "丁")


@st.composite
def _clause_data(
    draw: Draw, cid: str, refs: Sequence[str], catch_all: bool, fact_refs: bool
) -> dict[str, Any]:
    if catch_all:
        test = {"fact": f"determinations.{cid}.holds", "eq": True}
        return {
            "id": cid,
            "item": int(cid[1:]),
            "text": f"{cid}兜底",
            "summary": "catch-all",
            "catch_all": True,
            "elements": [{"id": "determined", "phrase": "兜底", "test": test}],
        }
    n = draw(st.integers(1, 3))
    elements = []
    for i in range(n):
        pred: Any = node_data(draw(predicates(max_leaves=4, fact_refs=fact_refs)))
        if refs and draw(st.integers(0, 3)) == 0:
            pred = {"any": [pred, {"clause": draw(st.sampled_from(list(refs)))}]}
        elements.append({"id": f"e{i}", "phrase": f"{cid}{_PHRASES[i]}", "test": pred})
    return {
        "id": cid,
        "item": int(cid[1:]),
        "text": "、".join(e["phrase"] for e in elements),
        "summary": f"generated clause {cid}",
        "holds_when": draw(st.sampled_from(["all", "any"])),
        "elements": elements,
    }


@st.composite
def _ruleset(draw: Draw, max_clauses: int, catch_alls: bool, fact_refs: bool) -> Ruleset:
    n_pos = draw(st.integers(1, max_clauses))
    n_neg = draw(st.integers(1, max_clauses))
    pos_ids = [f"P{i + 1}" for i in range(n_pos)]
    neg_ids = [f"N{i + 1}" for i in range(n_neg)]
    positives = [draw(_clause_data(cid, (), False, fact_refs)) for cid in pos_ids]
    negatives = [draw(_clause_data(cid, pos_ids, False, fact_refs)) for cid in neg_ids]
    if catch_alls and draw(st.booleans()):  # the model records determinations for P15 and N9
        positives.append(draw(_clause_data("P15", (), True, fact_refs)))
    if catch_alls and draw(st.booleans()):
        negatives.append(draw(_clause_data("N9", (), True, fact_refs)))
    texts = {
        "ruleset.yaml": _MANIFEST,
        "positive.yaml": {
            "list": "positive",
            "document": "DOC",
            "section": "一",
            "clauses": positives,
        },
        "negative.yaml": {
            "list": "negative",
            "document": "DOC",
            "section": "二",
            "clauses": negatives,
        },
    }
    dumped = {k: yaml.safe_dump(v, allow_unicode=True, sort_keys=False) for k, v in texts.items()}
    return load_ruleset_texts(dumped, origin="generated")


def rulesets(
    *, max_clauses: int = 3, catch_alls: bool = True, fact_refs: bool = True
) -> st.SearchStrategy[Ruleset]:
    """Small valid rulesets, written as YAML and loaded by the real loader.

    Each list has 1 to ``max_clauses`` clauses of 1 to 3 elements over :func:`predicates`;
    negative clauses may refer to positive ones (as N1 does); with ``catch_alls`` the lists may
    end in the catch-alls P15 and N9, decided by their recorded determinations.
    """
    return _ruleset(max_clauses, catch_alls, fact_refs)
