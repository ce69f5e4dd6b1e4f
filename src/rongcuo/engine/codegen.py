"""The clause predicates compiled to Python source: the fast path of evaluation.

:class:`~rongcuo.engine.evaluate.Program` evaluates a predicate as a tree of closures, one call a
node; it is the reference evaluator, and the one that answers for any sub-node (missing facts,
coverage). This module writes, once per ruleset, the same predicates as straight-line Python —
every clause and element inlined, each fact read by position from the filing's fact vector
(:func:`rongcuo.facts.model.fact_vector`), a comparison folded straight into the ``all``/``any``
above it, and every ``all``/``any`` short-circuiting — as two functions:

* ``status(filing)`` — the decision of :func:`rongcuo.engine.decide.decide_status`, negatives first,
  stopping as soon as the status is settled (a filing that a negative excludes never evaluates a
  positive), each clause inlined into one function;
* ``truths(filing)`` — the truth of every element and every clause, for a verdict with its full
  trace: every element is evaluated, none is skipped.

Inside the generated code a truth is an ``int``: ``0`` false, ``1`` unknown, ``2`` true, so that
Kleene's ``all`` is the minimum, ``any`` the maximum and ``not`` is ``2 - x``.

The source is generated from a checked rule tree and nothing else: a fact becomes its position in
the fact vector (an unknown path is refused here too, though the checker rules it out at load),
clause ids are ``[PN]<number>``, and every literal is passed in as a named constant, never spelled
into the source. ``tests/test_codegen.py`` holds the generated functions to the closure evaluator
on every clause example, golden case and example filing, on Hypothesis filings complete and
partial, and on Hypothesis-generated rulesets.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from ..facts.model import FACT_INDEX, Filing
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
    clauses_read,
)
from ..rules.syntax import Any as AnyNode

__all__ = ["Compiled", "compile_clauses"]

#: the generated status function's answers; :mod:`rongcuo.engine.decide` maps them to ``Status``
ELIGIBLE, INELIGIBLE, INSUFFICIENT, NEEDS_DETERMINATION = 0, 1, 2, 3

#: a fact the code reads in this many places or more is read once, into a local (measured:
#: fewer hoists re-read facts; more read facts that an early exit never needed)
_SHARED_READS = 6
_CLAUSE_ID = re.compile(r"[PNBC][0-9]{1,3}")  # positive, negative, bar, companion

# ``not (comparison)`` written directly where Python has the operator (dates are totally ordered)
_NOT_CMP: dict[Op, str] = {
    Op.EQ: "{x} != {k}",
    Op.IN: "{x} not in {k}",
    Op.CONTAINS: "{k} not in {x}",
    Op.CONTAINS_ANY: "{k}.isdisjoint({x})",
    Op.LT: "{x} >= {k}",
    Op.LE: "{x} > {k}",
    Op.GT: "{x} <= {k}",
    Op.GE: "{x} < {k}",
}
_CMP: dict[Op, str] = {
    Op.EQ: "{x} == {k}",
    Op.IN: "{x} in {k}",
    Op.CONTAINS: "{k} in {x}",
    Op.CONTAINS_ANY: "not {k}.isdisjoint({x})",
    Op.CONTAINS_ALL: "{k} <= {x}",
    Op.LT: "{x} < {k}",
    Op.LE: "{x} <= {k}",
    Op.GT: "{x} > {k}",
    Op.GE: "{x} >= {k}",
}
# a comparison of two facts: the right-hand fact is the set for the set operators
_CMP2: dict[Op, str] = {
    Op.EQ: "{x} == {y}",
    Op.CONTAINS: "{y} in {x}",
    Op.CONTAINS_ANY: "not {x}.isdisjoint({y})",
    Op.CONTAINS_ALL: "{y} <= {x}",
    Op.LT: "{x} < {y}",
    Op.LE: "{x} <= {y}",
    Op.GT: "{x} > {y}",
    Op.GE: "{x} >= {y}",
}


@dataclasses.dataclass(frozen=True)
class Compiled:
    """The generated functions of one ruleset, and their source (for reading and debugging)."""

    #: ``status(filing) -> int``: one of ``ELIGIBLE`` … ``NEEDS_DETERMINATION`` of this module
    status: Callable[[Filing], int]
    #: ``truths(filing) -> (element truths, clause truths)`` as ints, in :attr:`elements` and
    #: :attr:`clauses` order
    truths: Callable[[Filing], tuple[tuple[int, ...], tuple[int, ...]]]
    #: ``(clause id, element id)`` in the order of the first tuple ``truths`` returns
    elements: tuple[tuple[str, str], ...]
    #: clause ids, in ruleset order, as in the second tuple ``truths`` returns
    clauses: tuple[str, ...]
    source: str = dataclasses.field(repr=False)

    @functools.cached_property
    def element_index(self) -> dict[tuple[str, str], int]:
        """Where each ``(clause id, element id)`` stands in the first tuple ``truths`` returns."""
        return {key: i for i, key in enumerate(self.elements)}


class _Mode(enum.Enum):
    SET = "set"  # var = the node's truth
    ALL = "all"  # var = min(var, truth); var is not false on entry
    ANY = "any"  # var = max(var, truth); var is not true on entry


_STOP = {_Mode.ALL: 0, _Mode.ANY: 2}


class _Writer:
    """Lines of Python, the constants they use, and the facts they read."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.constants: dict[str, Any] = {}
        self._constant_names: dict[tuple[type, Any], str] = {}
        self.reads: dict[str, int] = {}
        self.hoisted: dict[str, str] = {}
        self.needed: dict[str, str] = {}
        self.loaded: set[str] = set()

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def constant(self, value: Any) -> str:
        key = (type(value), value)
        name = self._constant_names.get(key)
        if name is None:
            name = f"K{len(self._constant_names)}"
            self._constant_names[key] = name
            self.constants[name] = value
        return name

    def read(self, path: str, indent: int, into: str = "x") -> str:
        """Emit a read of a fact into ``into`` and return the name holding it (``None``: unknown).

        The value is used by the lines right after the read and by nothing later, so reads share
        two names (few locals keep the function's frame small). A fact read in many places is
        read once instead, before the first block that reads it (see :meth:`block`).
        """
        if path not in FACT_INDEX:
            raise ValueError(f"not a fact path: {path!r}")  # the checker rules this out
        self.reads[path] = self.reads.get(path, 0) + 1
        if path in self.hoisted:
            name = self.hoisted[path]
            self.needed.setdefault(name, self._read_expr(path))
            return name
        self.emit(indent, f"{into} = {self._read_expr(path)}")
        return into

    @staticmethod
    def _read_expr(path: str) -> str:
        # the filing's fact vector, made with the filing: one tuple, read by position
        return f"V[{FACT_INDEX[path]}]"

    def function(self, signature: str, body: Callable[[], None]) -> None:
        """Write a function whose body is a sequence of :meth:`block` calls."""
        mark = len(self.lines)
        self.reads, self.hoisted, self.loaded = {}, {}, set()
        body()  # a first pass, to count the reads
        shared = [p for p, n in self.reads.items() if n >= _SHARED_READS]
        del self.lines[mark:]
        self.emit(0, f"def {signature}:")
        self.emit(1, "V = f.__pydantic_private__['_facts']")
        self.reads, self.loaded = {}, set()
        self.hoisted = {p: "x_" + p.replace(".", "_") for p in shared}
        body()
        self.emit(0, "")

    def block(self, body: Callable[[], None]) -> None:
        """Top-level statements of a function (one clause, say), run whole or not at all: the
        shared facts they read are read just before them, unless an earlier block read them — so
        a filing that an early block settles reads nothing more."""
        at, self.needed = len(self.lines), {}
        body()
        needed = self.needed.items()
        loads = [f"    {name} = {expr}" for name, expr in needed if name not in self.loaded]
        self.loaded.update(self.needed)
        self.lines[at:at] = loads


def _clause_var(clause_id: str) -> str:
    if not _CLAUSE_ID.fullmatch(clause_id):
        raise ValueError(f"not a clause id: {clause_id!r}")  # the checker rules this out
    return f"c_{clause_id}"


def _fold_value(w: _Writer, value: str, var: str, indent: int, mode: _Mode) -> None:
    if mode is _Mode.SET:
        w.emit(indent, f"{var} = {value}")
    else:
        w.emit(indent, f"if {value} {'<' if mode is _Mode.ALL else '>'} {var}:")
        w.emit(indent + 1, f"{var} = {value}")


def _fold_test(w: _Writer, node: Test, var: str, indent: int, mode: _Mode, negate: bool) -> None:
    x = w.read(node.fact, indent)
    if node.op is Op.KNOWN:  # never unknown
        holds = f"{x} is not None" if (node.value is True) != negate else f"{x} is None"
        if mode is _Mode.SET:
            w.emit(indent, f"{var} = 2 if {holds} else 0")
        else:
            fails = f"{x} is None" if holds.endswith("is not None") else f"{x} is not None"
            w.emit(indent, f"if {fails if mode is _Mode.ALL else holds}:")
            w.emit(indent + 1, f"{var} = {_STOP[mode]}")
        return
    if isinstance(node.value, FactRef):
        y = w.read(node.value.path, indent, "y")
        unknown = f"{x} is None or {y} is None"
        holds = _CMP2[node.op].format(x=x, y=y)
        fails = f"not ({holds})"
    else:
        unknown = f"{x} is None"
        k = w.constant(node.value)
        if node.op is Op.EQ and isinstance(node.value, bool):  # bools are singletons
            holds, fails = f"{x} is {k}", f"{x} is not {k}"
        else:
            holds = _CMP[node.op].format(x=x, k=k)
            fails = _NOT_CMP[node.op].format(x=x, k=k) if node.op in _NOT_CMP else f"not ({holds})"
        if node.op in (Op.EQ, Op.IN):
            # None (unknown) equals no literal and is in no set of them: compare first, and ask
            # whether the fact is unknown only when the comparison says "no"
            _fold_none_safe(w, x, var, indent, mode, holds, fails, negate)
            return
    if negate:
        holds, fails = fails, holds
    if mode is _Mode.SET:
        w.emit(indent, f"{var} = 1 if {unknown} else 2 if {holds} else 0")
        return
    # var is 2 or 1 under ALL (stop at 0), 0 or 1 under ANY (stop at 2): unknown makes it 1
    w.emit(indent, f"if {unknown}:")
    w.emit(indent + 1, f"{var} = 1")
    w.emit(indent, f"elif {fails if mode is _Mode.ALL else holds}:")
    w.emit(indent + 1, f"{var} = {_STOP[mode]}")


def _fold_none_safe(
    w: _Writer, x: str, var: str, indent: int, mode: _Mode, holds: str, fails: str, negate: bool
) -> None:
    """A comparison that is false when ``x`` is None, folded with one test on the common path."""
    # ``holds`` (the comparison, before any negation) is false for None; when it is true the
    # truth is ``outcome``; when it is false, unknown if x is None, else ``other``
    outcome, other = (0, 2) if negate else (2, 0)
    if mode is _Mode.SET:
        w.emit(indent, f"{var} = {outcome} if {holds} else 1 if {x} is None else {other}")
    elif outcome == _STOP[mode]:
        w.emit(indent, f"if {holds}:")
        w.emit(indent + 1, f"{var} = {outcome}")
        w.emit(indent, f"elif {x} is None:")
        w.emit(indent + 1, f"{var} = 1")
    else:  # the stop is the other outcome: reached when the test is false and x is known
        w.emit(indent, f"if {fails}:")
        w.emit(indent + 1, f"{var} = 1 if {x} is None else {other}")


class _Context:
    """How references resolve: elements (inlined, or already computed) and other clauses."""

    def __init__(
        self,
        w: _Writer,
        by_id: dict[str, Clause],
        element_vars: dict[tuple[str, str], str] | None,
    ) -> None:
        self.w = w
        self.by_id = by_id
        self.element_vars = element_vars

    def clause(self, clause_id: str, indent: int, depth: int) -> str:
        """The local holding a referenced clause's truth, computed here if not yet (-1)."""
        var = _clause_var(clause_id)
        if self.element_vars is None:  # status: computed on first need
            self.w.emit(indent, f"if {var} < 0:")
            self.fold_clause(clause_id, var, indent + 1, depth)
        return var  # truths: clauses are computed in dependency order, before their readers

    def fold_clause(self, clause_id: str, var: str, indent: int, depth: int = 0) -> None:
        clause = self.by_id[clause_id]
        _fold(self, clause.holds_when, var, indent, _Mode.SET, clause, depth=depth)


def _fold(
    ctx: _Context,
    node: Node,
    var: str,
    indent: int,
    mode: _Mode,
    clause: Clause | None,
    negate: bool = False,
    depth: int = 0,
) -> None:
    """Statements that fold the truth of ``node`` into ``var`` (see :class:`_Mode`).

    A sub-result that cannot fold straight into ``var`` goes through the temporary ``t<depth>``;
    what is computed inside it uses deeper ones, so a temporary is never overwritten in use.
    """
    w = ctx.w
    if isinstance(node, Test):
        _fold_test(w, node, var, indent, mode, negate)
        return
    if isinstance(node, Not) and isinstance(node.item, Test):
        _fold_test(w, node.item, var, indent, mode, not negate)
        return
    if isinstance(node, ElementRef) and clause is not None:
        if ctx.element_vars is not None:
            _fold_value(w, ctx.element_vars[clause.id, node.element], var, indent, mode)
        else:
            _fold(ctx, clause.element(node.element).test, var, indent, mode, None, depth=depth)
        return
    if isinstance(node, ClauseRef):
        _fold_value(w, ctx.clause(node.clause, indent, depth), var, indent, mode)
        return
    kind = _Mode.ALL if isinstance(node, All) else _Mode.ANY if isinstance(node, AnyNode) else None
    if kind is not None and not negate and isinstance(node, All | AnyNode):
        if mode is _Mode.SET:
            w.emit(indent, f"{var} = {2 if kind is _Mode.ALL else 0}")
        if mode in (_Mode.SET, kind):  # the same connective: fold the items straight into var
            # each item nested under the one before: once var is settled, one test skips the rest
            for i, item in enumerate(node.items):
                if i:
                    w.emit(indent, f"if {var} != {_STOP[kind]}:")
                    indent += 1
                _fold(ctx, item, var, indent, kind, clause, depth=depth)
            return
    # anything else: compute into a temporary, then fold it
    t = f"t{depth}"
    if isinstance(node, Not):
        _fold(ctx, node.item, t, indent, _Mode.SET, clause, not negate, depth + 1)
    elif isinstance(node, All | AnyNode):
        _fold(ctx, node, t, indent, _Mode.SET, clause, depth=depth + 1)
        if negate:
            w.emit(indent, f"{t} = 2 - {t}")
    else:
        raise TypeError(f"an element reference outside holds_when: {node!r}")
    _fold_value(w, t, var, indent, mode)


def _refers(clause: Clause) -> tuple[str, ...]:
    return tuple(cid for e in clause.elements for cid in clauses_read(e.test))


def _dependency_order(order: Sequence[str], by_id: dict[str, Clause]) -> list[str]:
    """Clause ids with every clause after the clauses it reads (the checker rules out cycles)."""
    done: dict[str, None] = {}

    def visit(cid: str) -> None:
        if cid not in done:
            for other in _refers(by_id[cid]):
                visit(other)
            done[cid] = None

    for cid in order:
        visit(cid)
    return list(done)


def _status_function(
    ctx: _Context, order: Sequence[str], referenced: set[str], signature: str
) -> None:
    """``status(f)``: :func:`rongcuo.engine.decide._status` written out with early exits.

    A positive that bars name is settled on its effective truth, ``P and not (B_i or …)``
    (design-v2 §6.2): each bar is computed once, on first need, and only while ``P`` is not false.
    """
    w, by_id = ctx.w, ctx.by_id
    negatives = [by_id[c] for c in order if by_id[c].list is ListKind.NEGATIVE]
    positives = [by_id[c] for c in order if by_id[c].list is ListKind.POSITIVE]
    bars_of: dict[str, list[str]] = {}
    for cid in order:
        for pid in by_id[cid].bars:
            bars_of.setdefault(pid, []).append(cid)
    lazy = set(referenced) | {b for bars in bars_of.values() for b in bars}

    def body() -> None:
        for cid in sorted(lazy, key=order.index):
            w.emit(1, f"{_clause_var(cid)} = -1")
        w.emit(1, "open_ = False")

        def value(c: Clause) -> None:
            def compute() -> None:
                if c.id in referenced:
                    w.emit(1, f"v = {ctx.clause(c.id, 1, 0)}")
                else:
                    ctx.fold_clause(c.id, "v", 1)
                if c.catch_all and c.id in bars_of:
                    w.emit(1, "raw = v")  # a refusal is the determination's, not a bar's
                for bar in bars_of.get(c.id, ()):
                    w.emit(1, "if v:")
                    w.emit(2, f"v = min(v, 2 - {ctx.clause(bar, 2, 0)})")

            w.block(compute)

        def settle(c: Clause, holds: int) -> None:
            """True returns ``holds``; unknown leaves the outcome open, except for a catch-all."""
            value(c)
            if c.catch_all:
                w.emit(1, "if v == 2:")
                w.emit(2, f"return {holds}")
            else:
                w.emit(1, "if v:")
                w.emit(2, "if v == 2:")
                w.emit(3, f"return {holds}")
                w.emit(2, "open_ = True")

        # negatives that read no other clause first: cheap, and they decide most exclusions
        for c in sorted(negatives, key=lambda c: bool(_refers(c))):
            settle(c, INELIGIBLE)
        w.emit(1, "if open_:")
        w.emit(2, f"return {INSUFFICIENT}")
        refusable = []
        for c in positives:
            settle(c, ELIGIBLE)
            if c.catch_all:
                refusable.append(c.id)
                w.emit(1, f"refused_{c.id} = {'raw' if c.id in bars_of else 'v'} == 0")
        w.emit(1, "if open_:")
        w.emit(2, f"return {INSUFFICIENT}")
        for cid in refusable:
            w.emit(1, f"if refused_{cid}:")
            w.emit(2, f"return {INELIGIBLE}")
        w.emit(1, f"return {NEEDS_DETERMINATION}")

    w.function(signature, body)


def compile_clauses(clauses: Sequence[Clause]) -> Compiled:
    """Generate, compile and return the fast functions for a checked ruleset's clauses."""
    w = _Writer()
    by_id = {c.id: c for c in clauses}
    order = tuple(c.id for c in sorted(clauses, key=Clause.sort_key))
    referenced = {cid for c in clauses for cid in _refers(c)}
    _status_function(_Context(w, by_id, None), order, referenced, "status(f)")

    # truths(f): every element, then every clause from its elements, readers after what they read
    element_order = tuple((cid, e.id) for cid in order for e in by_id[cid].elements)
    # an element whose test is the same as an earlier one's (many clauses share one, e.g. 无私利)
    # is that element's truth: computed once, named twice
    element_vars: dict[tuple[str, str], str] = {}
    first: dict[Node, str] = {}
    for cid in _dependency_order(order, by_id):
        for e in by_id[cid].elements:
            element_vars[cid, e.id] = first.setdefault(e.test, f"e{len(first)}")
    ctx = _Context(w, by_id, element_vars)

    def truths() -> None:
        computed: set[str] = set()
        for cid in _dependency_order(order, by_id):

            def clause(cid: str = cid) -> None:
                for e in by_id[cid].elements:
                    var = element_vars[cid, e.id]
                    if var not in computed:
                        computed.add(var)
                        _fold(ctx, e.test, var, 1, _Mode.SET, None)
                # every element is computed: Kleene's all/any are min/max, nothing to skip
                ctx.fold_clause(cid, _clause_var(cid), 1)

            w.block(clause)
        elements = ", ".join(element_vars[k] for k in element_order)
        values = ", ".join(_clause_var(cid) for cid in order)
        w.emit(1, f"return ({elements},), ({values},)")

    w.function("truths(f)", truths)

    source = "\n".join(w.lines) + "\n"
    namespace: dict[str, Any] = dict(w.constants)
    exec(compile(source, "<rongcuo generated clauses>", "exec"), namespace)
    return Compiled(
        status=namespace["status"],
        truths=namespace["truths"],
        elements=element_order,
        clauses=order,
        source=source,
    )
