"""The facts of a v2 ruleset as the engine reads them (filing model v2, docs/design-v2.md).

Built once, when a ruleset with a ``facts.yaml`` loads, from its declaration
(:class:`~rongcuo.facts.declare.FactsDecl`):

* the **fact vector**'s order: every top-level fact (a records fact included, its fields not) in
  declaration order, the built-in ``determinations`` last — a filing's facts are read by position
  (``V[i]``) by both evaluators;
* how a path in a test resolves: a top-level fact, or a field of a record bound by a quantifier
  (``act.kind`` inside ``{some: acts.items, as: act, …}``);
* each test's operator as one function of the fact's value, made from :mod:`rongcuo.engine.ops`
  with the family knowledge it needs precomputed here (the tables of ``within`` and ``same_kind``,
  the frozensets of ``contains``), so that nothing walks a family at evaluation;
* what a value may still turn out to be (its completions), for the exact evaluation of an element
  that reads one unknown fact twice (design §4).

The closures (:mod:`rongcuo.engine.evaluate`) and the generated code
(:mod:`rongcuo.engine.codegen`) take every test from here, so the two cannot read a test
differently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from ..facts.declare import FactDecl, FactsDecl, FactType
from ..facts.values import NA
from ..rules.syntax import All, FactRef, Node, Not, Op, Quantifier, SameKind, Test
from ..rules.syntax import Any as AnyNode
from . import ops

__all__ = [
    "BLANK",
    "DATE_OPS",
    "Catalogue",
    "Plan",
    "Ref",
    "Scope",
    "plan_split",
    "reads",
    "settle",
    "vector_of",
]


def _known(x: Any) -> int:
    return ops.TRUE if x is not None else ops.FALSE


def _not_known(x: Any) -> int:
    return ops.FALSE if x is not None else ops.TRUE


def _dated(compare: Callable[[Any, dt.date], int], bound: dt.date, x: Any) -> int:
    return compare(x, bound)


def _not_na(x: Any) -> int:
    return ops.UNKNOWN if x is None else ops.FALSE if x is NA else ops.TRUE


class _Blank:
    """A record of which nothing is known: every field reads ``None`` (unknown).

    What a further record of an incomplete list might be (see :func:`rongcuo.engine.ops.some`).
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> None:
        return None

    def __repr__(self) -> str:
        return "BLANK"


BLANK: Final = _Blank()


def vector_of(filing: Any) -> tuple[Any, ...]:
    """The fact vector of a v2 filing: the filing itself when it is a tuple, else the vector the
    generated model keeps with every filing (``_facts``)."""
    if type(filing) is tuple:
        return filing
    facts: tuple[Any, ...] = filing.__pydantic_private__["_facts"]
    return facts


@dataclasses.dataclass(frozen=True, slots=True)
class Ref:
    """Where a test's fact is read: ``V[index]`` (``depth`` -1), or the field ``field`` of the
    record bound at ``depth`` (0 the outermost quantifier)."""

    decl: FactDecl
    index: int = -1
    depth: int = -1
    field: str = ""

    @property
    def top(self) -> bool:
        return self.depth < 0


#: the names a quantifier binds, outermost first, each with its records fact
Scope = tuple[tuple[str, FactDecl], ...]

Unary = Callable[[Any], int]


class Catalogue:
    """Fact positions, path resolution and prepared operators of one facts declaration."""

    def __init__(self, decl: FactsDecl) -> None:
        self.decl = decl
        #: top-level fact paths in fact-vector order
        self.paths: tuple[str, ...] = tuple(decl.facts)
        self.index: dict[str, int] = {p: i for i, p in enumerate(self.paths)}
        self._leaves: dict[str, Mapping[str, frozenset[str]]] = {}
        self._unary: dict[tuple[Any, ...], Unary] = {}
        self._within: dict[tuple[Any, ...], dict[object, int]] = {}
        self._same_kind: dict[tuple[str, bool, bool], dict[object, dict[object, int]]] = {}

    # -- paths

    def resolve(self, path: str, scope: Scope) -> Ref:
        """The fact a path names in ``scope`` (``KeyError`` if none: the checker rules it out)."""
        head, _, rest = path.partition(".")
        for depth in range(len(scope) - 1, -1, -1):
            name, records = scope[depth]
            if name == head:
                return Ref(records.field(rest), depth=depth, field=rest)
        return Ref(self.decl.facts[path], index=self.index[path])

    # -- families

    def leaves(self, family: str) -> Mapping[str, frozenset[str]]:
        """Each value of a family to the leaves at or below it."""
        found = self._leaves.get(family)
        if found is None:
            fam = self.decl.families[family]
            found = self._leaves[family] = {v: fam.leaves(v) for v in fam.values}
        return found

    def completions(self, decl: FactDecl, value: Any) -> tuple[Any, ...] | None:
        """What an enum or bool value may still turn out to be, or ``None`` if it is settled
        (known exactly, or of a type whose completions are not enumerated)."""
        may_be_na = decl.na is not None
        if decl.type is FactType.BOOL:
            if value is None:
                return (True, False, NA) if may_be_na else (True, False)
            return None
        if decl.type is FactType.ENUM and decl.family is not None:
            leaves = self.leaves(decl.family)
            if value is None:
                every = sorted(frozenset().union(*leaves.values()))
                return (*every, NA) if may_be_na else tuple(every)
            below = leaves.get(value) if isinstance(value, str) else None
            if below is not None and (len(below) > 1 or value not in below):
                return tuple(sorted(below))
        return None

    # -- operators

    def unary(self, test: Test, decl: FactDecl) -> Unary:
        """The test as a function of its fact's value (every operator but ``after_fact``)."""
        op, value = test.op, test.value
        key = (decl.family, decl.na is not None, decl.type, op, value)
        fn = self._unary.get(key)
        if fn is None:
            fn = self._unary[key] = self._make_unary(decl, op, value)
        return fn

    def _make_unary(self, decl: FactDecl, op: Op, value: Any) -> Unary:
        if op is Op.KNOWN:  # module-level functions, not lambdas: the generated code's
            # constants are pickled with a cached ruleset (rules/cache.py)
            return _known if value is True else _not_known
        if op is Op.NA:
            return ops.na if value is True else _not_na
        kind = decl.type
        if kind is FactType.BOOL and op is Op.EQ:
            return functools.partial(ops.eq_bool, want=bool(value))
        if kind is FactType.ENUM and op in (Op.EQ, Op.WITHIN):
            return functools.partial(ops.within, table=self.within(decl, value))
        if kind is FactType.SET and decl.family is not None:
            if op in (Op.CONTAINS, Op.CONTAINS_ANY):
                targets = [value] if isinstance(value, str) else sorted(value)
                return functools.partial(
                    ops.contains, t=ops.set_test(self.leaves(decl.family), targets)
                )
            if op is Op.EMPTY:
                return functools.partial(
                    ops.empty, t=ops.set_test(self.leaves(decl.family)), want=bool(value)
                )
        if kind is FactType.DATE and isinstance(value, dt.date):
            compare = DATE_OPS.get(op)
            if compare is not None:
                return functools.partial(_dated, compare, value)
        raise ValueError(f"no v2 operator {op.value!r} on a {kind.value} fact")  # checked at load

    def within(self, decl: FactDecl, value: Any) -> dict[object, int]:
        """The table of ``within: value`` (one value id, or several) on an enum fact."""
        assert decl.family is not None  # an enum fact has its family
        targets = (value,) if isinstance(value, str) else tuple(sorted(value))
        key = (decl.family, decl.na is not None, targets)
        table = self._within.get(key)
        if table is None:
            table = self._within[key] = ops.within_table(
                self.leaves(decl.family), targets, na=decl.na is not None
            )
        return table

    def binary(self, test: Test) -> Callable[[Any, Any], int]:
        """A test comparing two facts (``after_fact``)."""
        if test.op is Op.AFTER_FACT and isinstance(test.value, FactRef):
            return ops.after_fact
        raise ValueError(f"not a comparison of two facts: {test.op.value!r}")  # checked at load

    def same_kind(self, left: FactDecl, right: FactDecl) -> dict[object, dict[object, int]]:
        """The table of ``same_kind`` for two enum facts of one family."""
        family = left.family
        assert family is not None and right.family == family  # checked at load
        key = (family, left.na is not None, right.na is not None)
        table = self._same_kind.get(key)
        if table is None:
            fam = self.decl.families[family]
            leaves = self.leaves(family)
            every = frozenset().union(*leaves.values())
            table = self._same_kind[key] = ops.same_kind_table(
                leaves,
                {leaf: fam.classes(leaf) for leaf in every},
                [v.id for v in fam.values.values() if v.opaque],
                na_left=key[1],
                na_right=key[2],
            )
        return table


#: the date comparisons with a fixed date, by operator (the generated code calls them directly)
DATE_OPS: Final[Mapping[Op, Callable[[Any, dt.date], int]]] = {
    Op.BEFORE: ops.before,
    Op.AFTER: ops.after,
    Op.ON_OR_BEFORE: ops.on_or_before,
    Op.ON_OR_AFTER: ops.on_or_after,
}


#: how to split an element exactly: for each fact read more than once, its position in the fact
#: vector and, for each value it may hold that is not settled, the completions worth trying
Plan = tuple[tuple[int, Mapping[object, tuple[Any, ...]]], ...]


def plan_split(node: Node, catalogue: Catalogue) -> Plan:
    """What the exact evaluation of an element needs (design §4), or ``()`` if Kleene suffices.

    A top-level enum or bool fact that the element's test reads twice — in two tests, or once
    inside a quantifier (once per record) — is split on when unknown or coarse. Leaves that every
    test of the element on that fact treats alike are one case: one leaf stands for them.
    """
    uses: dict[int, list[Callable[[Any], Any]]] = {}
    counts: dict[int, int] = {}
    decls: dict[int, FactDecl] = {}
    for ref, times, probe in _uses(node, (), catalogue, 0):
        if not ref.top:
            continue
        counts[ref.index] = counts.get(ref.index, 0) + times
        decls[ref.index] = ref.decl
        if probe is not None:
            uses.setdefault(ref.index, []).append(probe)
    # ``known`` asks whether a fact is known, which no completion of it answers: never split it
    asked = {
        asked_ref.index
        for n in _tests(node)
        if n.op is Op.KNOWN and (asked_ref := _top(catalogue, n.fact)) is not None
    }
    plan: list[tuple[int, Mapping[object, tuple[Any, ...]]]] = []
    for index, count in counts.items():
        decl = decls[index]
        if count < 2 or index in asked or decl.type not in (FactType.BOOL, FactType.ENUM):
            continue
        probes = uses.get(index, [])
        cases: dict[object, tuple[Any, ...]] = {}
        values: list[object] = [None]
        if decl.type is FactType.ENUM and decl.family is not None:
            values += list(catalogue.leaves(decl.family))
        for value in values:
            options = catalogue.completions(decl, value)
            if options is None:
                continue
            kept: dict[tuple[Any, ...], Any] = {}
            for option in options:
                signature = tuple(probe(option) for probe in probes)
                kept.setdefault(signature, option)
            cases[value] = tuple(kept.values())
        plan.append((index, cases))
    return tuple(plan)


def settle(fn: Callable[[tuple[Any, ...]], int], vector: tuple[Any, ...], plan: Plan) -> int:
    """The exact truth of an element that Kleene left unknown: try every case of the split facts
    (see :func:`plan_split`); true (false) if every case is true (false), else unknown."""
    if len(plan) == 1:  # the common case: one fact read twice
        index, cases = plan[0]
        options = cases.get(vector[index])
        if options is None:
            return ops.UNKNOWN
        work = list(vector)  # one list, a tuple of it a case: cheaper than joining slices
        seen = 0
        for option in options:
            work[index] = option
            truth = fn(tuple(work))
            if truth == ops.UNKNOWN:
                return ops.UNKNOWN
            seen |= 1 << truth
            if seen == 0b101:
                return ops.UNKNOWN
        return ops.TRUE if seen == 0b100 else ops.FALSE
    split: list[tuple[int, tuple[Any, ...]]] = []
    for index, cases in plan:
        options = cases.get(vector[index])
        if options is not None:
            split.append((index, options))
    if not split:
        return ops.UNKNOWN
    work = list(vector)
    # the diagonal first (every fact its first case, then every fact its second …): cases that
    # differ in every fact, so that an element left unknown, the usual outcome, is found so in
    # a few cases, not after most of the product. The order changes nothing but when it stops:
    # the answer is the set of truths seen, and a case tried twice adds nothing to it.
    seen = 0
    for k in range(max(len(options) for _, options in split)):
        for index, options in split:
            work[index] = options[k] if k < len(options) else options[-1]
        truth = fn(tuple(work))
        if truth == ops.UNKNOWN:
            return ops.UNKNOWN
        seen |= 1 << truth
        if seen == 0b101:
            return ops.UNKNOWN
    positions = [index for index, _ in split]
    for combo in itertools.product(*(options for _, options in split)):
        for index, value in zip(positions, combo, strict=True):
            work[index] = value
        truth = fn(tuple(work))
        if truth == ops.UNKNOWN:
            return ops.UNKNOWN
        seen |= 1 << truth
        if seen == 0b101:
            return ops.UNKNOWN
    return ops.TRUE if seen == 0b100 else ops.FALSE


def reads(node: Node, scope: Scope, catalogue: Catalogue) -> Iterator[Ref]:
    """Every fact a predicate reads: top-level facts, records facts, fields of bound records."""
    for ref, _, _ in _uses(node, scope, catalogue, len(scope)):
        yield ref


def _uses(
    node: Node, scope: Scope, catalogue: Catalogue, outer: int
) -> Iterator[tuple[Ref, int, Callable[[Any], Any] | None]]:
    """Each read of a fact: where, how often (2 when read inside a quantifier's body from outside
    it: once per record) and a probe giving what the test makes of a value of it."""

    def times(ref: Ref) -> int:
        inside = len(scope) > outer
        return 2 if inside and (ref.top or ref.depth < outer) else 1

    if isinstance(node, Test):
        ref = catalogue.resolve(node.fact, scope)
        if isinstance(node.value, FactRef):
            other = catalogue.resolve(node.value.path, scope)
            yield ref, times(ref), None
            yield other, times(other), None
        else:
            yield ref, times(ref), catalogue.unary(node, ref.decl)
    elif isinstance(node, SameKind):
        left = catalogue.resolve(node.left, scope)
        right = catalogue.resolve(node.right, scope)
        table = catalogue.same_kind(left.decl, right.decl)
        yield left, times(left), lambda x: tuple(table.get(x, {}).items())
        yield right, times(right), lambda y: tuple(row.get(y, 0) for row in table.values())
    elif isinstance(node, Quantifier):
        records = catalogue.resolve(node.of, scope)
        yield records, times(records), None
        inner: Scope = (*scope, (node.name, records.decl))
        for part in (node.where, node.that):
            if part is not None:
                yield from _uses(part, inner, catalogue, outer)
    elif isinstance(node, All | AnyNode):
        for item in node.items:
            yield from _uses(item, scope, catalogue, outer)
    elif isinstance(node, Not):
        yield from _uses(node.item, scope, catalogue, outer)


def _tests(node: Node) -> Iterator[Test]:
    """Every test of a predicate, quantifier bodies included."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Test):
            yield n
        elif isinstance(n, All | AnyNode):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, Quantifier):
            stack.extend(p for p in (n.where, n.that) if p is not None)


def _top(catalogue: Catalogue, path: str) -> Ref | None:
    """The top-level fact a path names, or ``None`` for a field of a bound record."""
    index = catalogue.index.get(path)
    return None if index is None else Ref(catalogue.decl.facts[path], index=index)
