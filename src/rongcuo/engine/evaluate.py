"""Three-valued evaluation of clause predicates.

Pure: no I/O, no clock, no randomness. A predicate is compiled once, when its ruleset loads, into
a closure over the filing; evaluation never parses, never looks a name up by string and never
fails on a valid filing. These closures are the reference evaluator, and the one that answers for
any sub-node; the engine's hot paths run the same predicates generated as straight-line Python
(:mod:`rongcuo.engine.codegen`, ``Program.compiled``), which ``tests/test_codegen.py`` holds to
them.

Truth is Kleene's strong three-valued logic. A comparison that reads an unknown fact is
``UNKNOWN``; ``all`` is false if any operand is false, ``any`` is true if any operand is true, and
otherwise unknown wins over the remaining value. ``known`` is the one test that is never unknown.
Because the logic is monotone, filling in an unknown fact can turn ``UNKNOWN`` into ``TRUE`` or
``FALSE`` but never change a ``TRUE`` or a ``FALSE`` — as long as the filled-in filing is valid:
``known`` looks at whether a fact is known, and a rule may use it beside a model constraint (P13
reads the start date only while the end date is unknown, relying on start ≤ end).
"""

from __future__ import annotations

import enum
import functools
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeAlias, TypeVar, cast

from ..facts.declare import FactsDecl
from ..facts.kinds import AnyFiling as Filing
from ..facts.values import NA
from ..rules.syntax import (
    All,
    Clause,
    ClauseRef,
    Element,
    ElementRef,
    FactRef,
    Node,
    Not,
    Op,
    Quantifier,
    QuantifierKind,
    SameKind,
    Test,
    clauses_read,
    facts_read,
)
from ..rules.syntax import Any as AnyNode
from . import ops
from .catalogue import BLANK, Catalogue, Plan, Ref, Scope, plan_split, reads, settle, vector_of
from .codegen import Compiled, compile_clauses

__all__ = ["TRUTHS", "Getter", "Program", "Truth", "combine", "fact_getter", "facts_of"]


class Truth(enum.Enum):
    """A value of three-valued logic."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool) -> Truth:
        return cls.TRUE if value else cls.FALSE

    def __invert__(self) -> Truth:
        return _NEG[self]

    def __str__(self) -> str:
        return self.value


T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
_NEG = {T: F, F: T, U: U}
#: a truth of the generated code (0 false, 1 unknown, 2 true) as a :class:`Truth`
TRUTHS: tuple[Truth, Truth, Truth] = (F, U, T)

Getter: TypeAlias = Callable[[Filing], Any]
Memo: TypeAlias = dict[str, Truth]
Fn: TypeAlias = Callable[[Filing, Memo], Truth]


def fact_getter(path: str) -> Getter:
    """Read a fact; ``None`` (unknown) when it or an optional group on its path is absent."""
    get = operator.attrgetter(path)

    def getter(filing: Filing) -> Any:
        try:
            return get(filing)
        except AttributeError:  # an absent optional group, e.g. determinations.P15 is None
            return None

    return getter if path.startswith("determinations.") else get


def _fresh(fn2: F2) -> Callable[[tuple[Any, ...]], int]:
    """A closure evaluated on one case of the facts: with a memo of its own, so that a clause it
    reads is evaluated on that case too."""
    return lambda V: fn2(V, (), {})


def _read_at(index: int, filing: Any) -> Any:
    return vector_of(filing)[index]


def facts_of(filing: Filing, paths: Sequence[str] | None = None) -> dict[str, Any]:
    """The filing's facts as ``{path: value}``, ``None`` for unknown."""
    if paths is None:  # v1: the first model's facts, imported only when asked for
        from ..facts.model import FACTS

        paths = tuple(FACTS)
    return {p: fact_getter(p)(filing) for p in paths}


def _compare(op: Op, value: Any) -> Callable[[Any], bool]:
    if op is Op.EQ:
        return lambda x: bool(x == value)
    if op is Op.IN:
        return lambda x: x in value
    if op is Op.CONTAINS:
        return lambda x: value in x
    if op is Op.CONTAINS_ANY:
        return lambda x: not value.isdisjoint(x)
    if op is Op.CONTAINS_ALL:
        return lambda x: bool(value <= x)
    if op is Op.LT:
        return lambda x: bool(x < value)
    if op is Op.LE:
        return lambda x: bool(x <= value)
    if op is Op.GT:
        return lambda x: bool(x > value)
    if op is Op.GE:
        return lambda x: bool(x >= value)
    raise ValueError(f"no comparison for {op}")  # pragma: no cover - Op is closed


_BINARY: Mapping[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq,
    Op.CONTAINS: lambda s, v: v in s,
    Op.CONTAINS_ANY: lambda s, t: not s.isdisjoint(t),
    Op.CONTAINS_ALL: lambda s, t: t <= s,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}


def _compile_test(node: Test) -> Fn:
    get = fact_getter(node.fact)
    if node.op is Op.KNOWN:
        want = node.value is True

        def known(f: Filing, m: Memo) -> Truth:
            return T if (get(f) is not None) is want else F

        return known
    if isinstance(node.value, FactRef):
        other = fact_getter(node.value.path)
        relation = _BINARY[node.op]

        def binary(f: Filing, m: Memo) -> Truth:
            x, y = get(f), other(f)
            if x is None or y is None:
                return U
            return T if relation(x, y) else F

        return binary
    test = _compare(node.op, node.value)

    def unary(f: Filing, m: Memo) -> Truth:
        x = get(f)
        if x is None:
            return U
        return T if test(x) else F

    return unary


def _all(fns: tuple[Fn, ...]) -> Fn:
    def all_(f: Filing, m: Memo) -> Truth:
        result = T
        for fn in fns:
            v = fn(f, m)
            if v is F:
                return F
            if v is U:
                result = U
        return result

    return all_


def _any(fns: tuple[Fn, ...]) -> Fn:
    def any_(f: Filing, m: Memo) -> Truth:
        result = F
        for fn in fns:
            v = fn(f, m)
            if v is T:
                return T
            if v is U:
                result = U
        return result

    return any_


def combine(node: Node, elements: Mapping[str, Truth]) -> Truth:
    """A clause's truth from given element truths under its ``holds_when`` (for what-if flips)."""
    if isinstance(node, ElementRef):
        return elements[node.element]
    if isinstance(node, Not):
        return _NEG[combine(node.item, elements)]
    if not isinstance(node, All | AnyNode):
        raise TypeError(f"holds_when may only combine elements: {node!r}")
    values = [combine(n, elements) for n in node.items]
    stop, rest = (F, T) if isinstance(node, All) else (T, F)
    if stop in values:
        return stop
    return U if U in values else rest


_T = TypeVar("_T")
#: one lock per key of ``Program.derived``, so that making one thing (a z3 encoding, say) never
#: waits on the making of another
_DERIVE_LOCKS: dict[str, threading.Lock] = {}
_DERIVE_LOCKS_LOCK = threading.Lock()


class Program:
    """A ruleset's predicates, compiled. Immutable after construction and safe to share."""

    __slots__ = (
        "__weakref__",
        "_by_identity",
        "_clause_fns",
        "_closures2",
        "_element_fns",
        "_node_fns",
        "_scoped",
        "catalogue",
        "clauses",
        "compiled",
        "derived",
        "order",
        "plans",
        "reads",
    )

    def __init__(self, clauses: Sequence[Clause], facts: FactsDecl | None = None) -> None:
        """Compile ``clauses``; with ``facts``, the declaration of a v2 ruleset (filing model
        v2), they are v2 predicates over its fact vector (docs/design-v2.md)."""
        self.clauses: dict[str, Clause] = {c.id: c for c in clauses}
        #: a v2 ruleset's facts: vector positions and prepared operators (``None`` for v1)
        self.catalogue: Catalogue | None = None if facts is None else Catalogue(facts)
        self._closures2 = None if self.catalogue is None else _Closures2(self, self.catalogue)
        #: v2: the elements evaluated exactly by splitting a fact they read twice (design §4)
        self.plans: dict[tuple[str, str], Plan] = {}
        if self.catalogue is not None:
            for c in clauses:
                for e in c.elements:
                    plan = plan_split(e.test, self.catalogue)
                    if plan:
                        self.plans[c.id, e.id] = plan
        self.order: tuple[str, ...] = tuple(c.id for c in sorted(clauses, key=Clause.sort_key))
        self._node_fns: dict[Node, Fn] = {}
        self._by_identity: dict[int, tuple[Node, Fn]] = {}
        self._scoped: dict[tuple[int, Scope], tuple[Node, F2]] = {}
        #: what later stages make once per ruleset (the engine's shared verdict parts), by stage
        self.derived: dict[str, object] = {}
        self._element_fns: dict[tuple[str, str], Fn] = {}
        self._clause_fns: dict[str, Fn] = {}
        #: per (clause, element): the facts its test reads with their getters, and the clauses it
        #: refers to — computed once here, read by every traced evaluation
        self.reads: dict[
            tuple[str, str], tuple[tuple[tuple[str, Getter], ...], tuple[str, ...]]
        ] = {
            (c.id, e.id): (
                self._reads(e.test),
                clauses_read(e.test),
            )
            for c in clauses
            for e in c.elements
        }
        #: the same predicates as generated Python, for the hot paths
        #: (see :mod:`rongcuo.engine.codegen`)
        self.compiled: Compiled = compile_clauses(
            clauses, catalogue=self.catalogue, exact=self._settlers(clauses), plans=self.plans
        )
        for clause in clauses:
            element_fns = {e.id: self._compile_element(clause.id, e) for e in clause.elements}
            for eid, fn in element_fns.items():
                self._element_fns[clause.id, eid] = fn
            self._clause_fns[clause.id] = self._compile_combination(clause.holds_when, element_fns)

    # -- compilation

    def _reads(self, node: Node) -> tuple[tuple[str, Getter], ...]:
        if self.catalogue is None:
            return tuple((p, fact_getter(p)) for p in facts_read(node))
        seen: dict[str, Getter] = {}
        for ref in reads(node, (), self.catalogue):
            if ref.top and ref.decl.path not in seen:
                seen[ref.decl.path] = functools.partial(_read_at, ref.index)
        return tuple(seen.items())

    def _settlers(
        self, clauses: Sequence[Clause]
    ) -> dict[tuple[str, str], Callable[[tuple[Any, ...]], int]]:
        """For each element marked for exact evaluation: a function of the fact vector that
        settles it by its cases (the generated code calls it when Kleene says unknown)."""
        out: dict[tuple[str, str], Callable[[tuple[Any, ...]], int]] = {}
        if self._closures2 is None:
            return out
        for c in clauses:
            for e in c.elements:
                plan = self.plans.get((c.id, e.id))
                if plan is not None:
                    fn2 = self._closures2.compile(e.test, ())
                    out[c.id, e.id] = functools.partial(settle, _fresh(fn2), plan=plan)
        return out

    def _compile_element(self, clause_id: str, element: Element) -> Fn:
        """An element's closure; in v2 exact (design §4) where the loader marked it."""
        if self._closures2 is None:
            return self._compile(element.test)
        fn2 = self._closures2.compile(element.test, ())
        plan = self.plans.get((clause_id, element.id))
        if plan is None:
            return lambda f, m: TRUTHS[fn2(vector_of(f), (), m)]

        fresh = _fresh(fn2)

        def exact(f: Filing, m: Memo) -> Truth:
            V = vector_of(f)
            value = fn2(V, (), m)
            return TRUTHS[settle(fresh, V, plan) if value == 1 else value]

        return exact

    def _compile(self, node: Node) -> Fn:
        cached = self._node_fns.get(node)
        if cached is not None:
            return cached
        fn: Fn
        if self._closures2 is not None:
            fn2 = self._closures2.compile(node, ())

            def node2(f: Filing, m: Memo) -> Truth:
                return TRUTHS[fn2(vector_of(f), (), m)]

            fn = node2
        elif isinstance(node, Test):
            fn = _compile_test(node)
        elif isinstance(node, All):
            fn = _all(tuple(self._compile(n) for n in node.items))
        elif isinstance(node, AnyNode):
            fn = _any(tuple(self._compile(n) for n in node.items))
        elif isinstance(node, Not):
            inner = self._compile(node.item)

            def not_(f: Filing, m: Memo) -> Truth:
                return _NEG[inner(f, m)]

            fn = not_
        elif isinstance(node, ClauseRef):
            fn = self._ref(node.clause)
        else:
            raise TypeError(f"an element reference outside holds_when: {node!r}")
        self._node_fns[node] = fn
        return fn

    def _ref(self, clause_id: str) -> Fn:
        def ref(f: Filing, m: Memo) -> Truth:
            return self.clause_value(clause_id, f, m)

        return ref

    def _compile_combination(self, node: Node, elements: Mapping[str, Fn]) -> Fn:
        if isinstance(node, ElementRef):
            return elements[node.element]
        if isinstance(node, All):
            return _all(tuple(self._compile_combination(n, elements) for n in node.items))
        if isinstance(node, AnyNode):
            return _any(tuple(self._compile_combination(n, elements) for n in node.items))
        if isinstance(node, Not):
            inner = self._compile_combination(node.item, elements)
            return lambda f, m: _NEG[inner(f, m)]
        raise TypeError(f"holds_when may only combine elements: {node!r}")

    # -- evaluation

    def clause_value(self, clause_id: str, filing: Filing, memo: Memo) -> Truth:
        """The truth of one clause, memoised per evaluation (clauses may refer to clauses)."""
        value = memo.get(clause_id)
        if value is None:
            value = self._clause_fns[clause_id](filing, memo)
            memo[clause_id] = value
        return value

    def element_value(self, clause_id: str, element_id: str, filing: Filing, memo: Memo) -> Truth:
        return self._element_fns[clause_id, element_id](filing, memo)

    def node_value(self, node: Node, filing: Filing, memo: Memo) -> Truth:
        """The truth of any sub-node of an element's test (compiled on first use)."""
        # by identity first: hashing a node hashes its whole subtree
        found = self._by_identity.get(id(node))
        if found is None or found[0] is not node:
            found = self._by_identity[id(node)] = (node, self._compile(node))
        return found[1](filing, memo)

    def scoped_value(
        self,
        node: Node,
        scope: Scope,
        vector: tuple[Any, ...],
        bound: tuple[Any, ...],
        memo: Memo,
    ) -> Truth:
        """v2: the truth of a sub-node inside quantifiers (``scope``: the names they bind,
        ``bound``: the records bound to them) on a fact vector (compiled on first use)."""
        assert self._closures2 is not None, "scoped_value is for a v2 ruleset"
        key = (id(node), scope)
        found = self._scoped.get(key)
        if found is None or found[0] is not node:
            found = self._scoped[key] = (node, self._closures2.compile(node, scope))
        return TRUTHS[found[1](vector, bound, memo)]

    def scoped(self, node: Node, scope: Scope) -> F2:
        """v2: a sub-node's closure inside quantifiers (``scope``: the names they bind), as
        :meth:`scoped_value` calls it, for a caller that plans its calls once per ruleset."""
        assert self._closures2 is not None, "scoped is for a v2 ruleset"
        return self._closures2.compile(node, scope)

    def derive(self, key: str, make: Callable[[], _T]) -> _T:
        """What a later stage makes once per ruleset (:attr:`derived`): ``make()`` on first
        use, by one thread only; every caller gets the same object."""
        found = self.derived.get(key)
        if found is None:
            with _DERIVE_LOCKS_LOCK:
                lock = _DERIVE_LOCKS.setdefault(key, threading.Lock())
            with lock:
                found = self.derived.get(key)
                if found is None:
                    found = self.derived[key] = make()
        return cast(_T, found)

    def truths(self, filing: Filing) -> tuple[tuple[int, ...], dict[str, Truth]]:
        """Every element's truth as the generated code gives it (``compiled.elements`` order,
        0 false, 1 unknown, 2 true), and every clause's truth, in ruleset order."""
        elements, clauses = self.compiled.truths(filing)
        return elements, dict(zip(self.order, map(TRUTHS.__getitem__, clauses), strict=True))

    def values(self, filing: Filing) -> dict[str, Truth]:
        """Every clause's truth, in ruleset order."""
        return self.truths(filing)[1]

    def reference_values(self, filing: Filing) -> dict[str, Truth]:
        """Every clause's truth by the closures: the reference the generated code is tested on."""
        memo: Memo = {}
        return {cid: self.clause_value(cid, filing, memo) for cid in self.order}


# --------------------------------------------------------------------------- filing model v2

#: a v2 predicate's closure: the fact vector, the records bound by the quantifiers around it
#: (outermost first) and the clause memo; a truth as an int (0 false, 1 unknown, 2 true)
F2: TypeAlias = Callable[[tuple[Any, ...], tuple[Any, ...], Memo], int]
_INT: Mapping[Truth, int] = {F: 0, U: 1, T: 2}


class _Closures2:
    """v2 predicates (docs/design-v2.md §3) compiled to closures, each test made by the catalogue
    from :mod:`rongcuo.engine.ops`, so that they evaluate exactly as the operators do."""

    def __init__(self, program: Program, catalogue: Catalogue) -> None:
        self.program = program
        self.catalogue = catalogue

    def reader(self, ref: Ref) -> Callable[[tuple[Any, ...], tuple[Any, ...]], Any]:
        if ref.top:
            index = ref.index
            return lambda V, B: V[index]
        depth, get = ref.depth, operator.attrgetter(ref.field)
        return lambda V, B: get(B[depth])

    def compile(self, node: Node, scope: Scope) -> F2:
        cat = self.catalogue
        if isinstance(node, Test):
            ref = cat.resolve(node.fact, scope)
            read = self.reader(ref)
            if isinstance(node.value, FactRef):
                other = self.reader(cat.resolve(node.value.path, scope))
                relation = cat.binary(node)
                return lambda V, B, m: relation(read(V, B), other(V, B))
            test = cat.unary(node, ref.decl)
            return lambda V, B, m: test(read(V, B))
        if isinstance(node, SameKind):
            left, right = cat.resolve(node.left, scope), cat.resolve(node.right, scope)
            read_left, read_right = self.reader(left), self.reader(right)
            table = cat.same_kind(left.decl, right.decl)
            return lambda V, B, m: ops.same_kind(read_left(V, B), read_right(V, B), table)
        if isinstance(node, All | AnyNode):
            return self._connective(
                tuple(self.compile(n, scope) for n in node.items), isinstance(node, All)
            )
        if isinstance(node, Not):
            inner = self.compile(node.item, scope)
            return lambda V, B, m: 2 - inner(V, B, m)
        if isinstance(node, ClauseRef):
            clause_id, program = node.clause, self.program
            return lambda V, B, m: _INT[program.clause_value(clause_id, cast(Any, V), m)]
        if isinstance(node, Quantifier):
            return self._quantifier(node, scope)
        raise TypeError(f"an element reference outside holds_when: {node!r}")

    @staticmethod
    def _connective(fns: tuple[F2, ...], conjunction: bool) -> F2:
        if conjunction:

            def all_(V: tuple[Any, ...], B: tuple[Any, ...], m: Memo) -> int:
                result = 2
                for fn in fns:
                    v = fn(V, B, m)
                    if v == 0:
                        return 0
                    if v == 1:
                        result = 1
                return result

            return all_

        def any_(V: tuple[Any, ...], B: tuple[Any, ...], m: Memo) -> int:
            result = 0
            for fn in fns:
                v = fn(V, B, m)
                if v == 2:
                    return 2
                if v == 1:
                    result = 1
            return result

        return any_

    def _quantifier(self, node: Quantifier, scope: Scope) -> F2:
        records = self.catalogue.resolve(node.of, scope)
        read = self.reader(records)
        inner: Scope = (*scope, (node.name, records.decl))
        that = self.compile(node.that, inner)
        where = None if node.where is None else self.compile(node.where, inner)
        some = node.kind is QuantifierKind.SOME
        fold = ops.some if some else ops.every

        def item(V: tuple[Any, ...], B: tuple[Any, ...], m: Memo) -> int:
            if where is None:
                return that(V, B, m)
            w = where(V, B, m)
            if some:  # where and that
                return 0 if w == 0 else min(w, that(V, B, m))
            return 2 if w == 0 else max(2 - w, that(V, B, m))  # not where, or that

        def quantifier(V: tuple[Any, ...], B: tuple[Any, ...], m: Memo) -> int:
            value = read(V, B)
            if value is None:
                items: tuple[Any, ...] = ()
                complete = False
            elif value is NA:
                return 0
            else:
                items, complete = value.items, value.complete
            blank = 1 if complete else item(V, (*B, BLANK), m)
            return fold((item(V, (*B, record), m) for record in items), complete, blank)

        return quantifier
