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
* ``decide(filing)`` — the status and the clauses that decide it, for ``screen``: the same
  early exits, but every negative is evaluated (each one that holds is cited) and, when none
  holds or is open, every positive;
* ``truths(filing)`` — the truth of every element and every clause, for a verdict with its full
  trace: every element is evaluated, none is skipped.

Inside the generated code a truth is an ``int``: ``0`` false, ``1`` unknown, ``2`` true, so that
Kleene's ``all`` is the minimum, ``any`` the maximum and ``not`` is ``2 - x``.

Filing model v2 adds quantifiers over lists of records and exact settlement (docs/design-v2.md §3,
§4). Each quantifier is a function ``q<n>`` of its own, but ``truths`` computes every element's
quantifiers first, and ``status`` and ``decide`` the negatives' (``decide`` the positives' too),
in one pass over each list (:func:`_fuse`). The blank record of a list not known complete is
computed once, at load, when the record's truth reads only the record, else written with its
fields as ``None``. An element marked for exact settlement is split only where splitting can
change Kleene's answer (:meth:`_Context.settle`). In that pass, the ``some`` quantifiers that a
field gates (their record truth false unless it holds one of a few values) are tried under one
test of it, and ``status`` returns there once a record makes true a quantifier a negative holds
with. A connective's items nest, each inside the test that those before left it open, so a
settled value skips the rest at once; a quantifier's function called at several sites of one
generated function runs once a call.

The source is generated from a checked rule tree and nothing else: a fact becomes its position in
the fact vector (an unknown path is refused here too, though the checker rules it out at load),
clause ids are ``[PN]<number>``, and every literal is passed in as a named constant, never spelled
into the source. ``tests/test_codegen.py`` holds the generated functions to the closure evaluator
on every clause example, golden case and example filing, on Hypothesis filings complete and
partial, and on Hypothesis-generated rulesets.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime as dt
import enum
import functools
import io
import itertools
import marshal
import pickle
import re
import types
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from ..facts.declare import FactDecl, FactType
from ..facts.kinds import AnyFiling as Filing
from ..facts.values import NA, PartialSet, Records
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
    Quantifier,
    QuantifierKind,
    SameKind,
    Test,
    clauses_read,
)
from ..rules.syntax import Any as AnyNode
from . import ops
from .catalogue import BLANK, DATE_OPS, Catalogue, Plan, Ref, Scope, reads, settle

__all__ = ["Compiled", "compile_clauses", "freeze", "prebuilt", "thaw"]

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
    #: ``decide(filing) -> (status, clause ids)``: the status as :attr:`status` gives it, and the
    #: clauses that hold and decide it (in evaluation order; ``()`` for ``INSUFFICIENT`` and
    #: ``NEEDS_DETERMINATION``), with early exit: the positives only when no negative holds
    decide: Callable[[Filing], tuple[int, tuple[str, ...]]]
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
    """Lines of Python, the constants they use, and the facts they read.

    A writer made with a ``parent`` writes a helper function: it shares the parent's constants
    and helpers, and reads every fact straight from the vector (nothing is hoisted into it).
    """

    def __init__(self, index: Mapping[str, int], parent: _Writer | None = None) -> None:
        self.lines: list[str] = []
        self.index = index
        self.parent = parent
        self.constants: dict[str, Any] = {} if parent is None else parent.constants
        self._constant_names: dict[tuple[Any, ...], str] = (
            {} if parent is None else parent._constant_names
        )
        #: module-level helper functions (quantifiers, deep nodes), written once each
        self.helpers: list[str] = [] if parent is None else parent.helpers
        self.helper_names: dict[Any, str] = {} if parent is None else parent.helper_names
        #: constants known only once the code runs: ``(constant, function, depth)``, the truth
        #: of a quantifier's record on the blank record (``function(None, BLANK, …)``)
        self.blanks: list[tuple[str, str, int]] = [] if parent is None else parent.blanks
        #: tables made once the code runs: ``(constant, case function, plan, values)``, the
        #: settled truths of an element that reads only the facts it splits (``values``: what
        #: each of them may hold)
        self.tables: list[tuple[str, str, Plan, tuple[tuple[Any, ...], ...]]] = (
            [] if parent is None else parent.tables
        )
        #: whether splitting each marked element is in vain (:func:`_split_in_vain`), by element
        self.vain: dict[tuple[str, str], bool] = {} if parent is None else parent.vain
        #: each quantifier function's blank-record constant (``None``: computed when run)
        self.blank_of: dict[str, str | None] = {} if parent is None else parent.blank_of
        #: ``within`` tables made total (:meth:`total`), by the table they were made from
        self.totals: dict[int, tuple[Mapping[object, int], dict[object, int]]] = (
            {} if parent is None else parent.totals
        )
        #: the first line of every generated top-level function: the filing's fact vector
        self.prologue = "V = f.__pydantic_private__['_facts']"
        self.reads: dict[str, int] = {}
        self.hoisted: dict[str, str] = {}
        self.needed: dict[str, str] = {}
        self.loaded: set[str] = set()
        #: quantifier functions called outside any record, by call site (a function's first pass)
        self.calls: dict[str, int] | None = None
        #: those called at more than one site: each computed once a call, into a local
        self.cached: tuple[str, ...] = ()

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def constant(self, value: Any) -> str:
        try:
            key: tuple[Any, ...] = (type(value), value)
            hash(key)
        except TypeError:  # a table (a dict): one constant per object
            key = ("id", id(value))
        name = self._constant_names.get(key)
        if name is None:
            name = f"K{len(self._constant_names)}"
            self._constant_names[key] = name
            self.constants[name] = value
        return name

    def total(self, table: Mapping[object, int], decl: FactDecl) -> dict[object, int]:
        """A ``within`` table of an enum fact with ``NA`` in it (false) when the fact may be
        not applicable: then every value the fact may hold is a key (one table per table)."""
        if decl.na is None:
            return dict(table) if type(table) is not dict else table
        made = self.totals.get(id(table))
        if made is None or made[0] is not table:
            made = self.totals[id(table)] = (table, {**table, NA: 0})
        return made[1]

    def deferred(self, key: Any) -> tuple[str, bool]:
        """A constant whose value is set once the generated code has run (see :attr:`blanks`),
        one for each ``key``, and whether it is new."""
        name = self._constant_names.get(("deferred", key))
        if name is not None:
            return name, False
        name = self._constant_names["deferred", key] = f"K{len(self._constant_names)}"
        self.constants[name] = None
        return name, True

    def read(self, path: str, indent: int, into: str = "x") -> str:
        """Emit a read of a fact into ``into`` and return the name holding it (``None``: unknown).

        The value is used by the lines right after the read and by nothing later, so reads share
        two names (few locals keep the function's frame small). A fact read in many places is
        read once instead, before the first block that reads it (see :meth:`block`).
        """
        if path not in self.index:
            raise ValueError(f"not a fact path: {path!r}")  # the checker rules this out
        self.reads[path] = self.reads.get(path, 0) + 1
        if path in self.hoisted:
            name = self.hoisted[path]
            self.needed.setdefault(name, self._read_expr(path))
            return name
        self.emit(indent, f"{into} = {self._read_expr(path)}")
        return into

    def plain(self, name: str) -> str | None:
        """For a set fact read once, into the local ``name`` (see :meth:`read`), a second local
        that holds its values when it is complete with nothing ruled out (a plain list in a
        document), else ``None``; ``None`` for any other name."""
        if not name.startswith("x_") or name not in self.needed:
            return None
        plain = "p_" + name[2:]
        kind = self.constant(PartialSet)
        self.needed.setdefault(
            plain,
            f"{name}.yes if {name}.__class__ is {kind} and {name}.complete and not {name}.no"
            " else None",
        )
        return plain

    def _read_expr(self, path: str) -> str:
        # the filing's fact vector, made with the filing: one tuple, read by position
        return f"V[{self.index[path]}]"

    def function(self, signature: str, body: Callable[[], None]) -> None:
        """Write a function whose body is a sequence of :meth:`block` calls."""
        mark = len(self.lines)
        self.reads, self.hoisted, self.loaded, self.calls = {}, {}, set(), {}
        body()  # a first pass, to count the reads and the quantifiers' call sites
        shared = [p for p, n in self.reads.items() if n >= _SHARED_READS]
        cached = tuple(name for name, n in self.calls.items() if n > 1)
        del self.lines[mark:]
        self.emit(0, f"def {signature}:")
        for line in self.prologue.splitlines():  # none in a function handed the vector
            self.emit(1, line)
        for name in cached:
            self.emit(1, f"h_{name} = -1")
        self.reads, self.loaded, self.calls, self.cached = {}, set(), None, cached
        self.hoisted = {p: "x_" + p.replace(".", "_") for p in shared}
        body()
        self.cached = ()
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
    """How references resolve: elements (inlined, or already computed) and other clauses; in v2,
    the catalogue that makes each test, the records bound around the code being written, and
    the elements evaluated exactly (design-v2 §4) with the function that settles each."""

    def __init__(
        self,
        w: _Writer,
        by_id: dict[str, Clause],
        element_vars: dict[tuple[str, str], str] | None,
        catalogue: Catalogue | None = None,
        exact: Mapping[tuple[str, str], Callable[[tuple[Any, ...]], int]] | None = None,
        scope: Scope = (),
        plans: Mapping[tuple[str, str], Plan] | None = None,
    ) -> None:
        self.w = w
        self.by_id = by_id
        self.element_vars = element_vars
        self.catalogue = catalogue
        self.exact = exact or {}
        self.scope = scope
        self.plans = plans or {}
        #: the depth of the record bound to the blank record, whose fields read ``None`` (-1: none)
        self.blank = -1
        #: quantifiers computed into locals by :func:`_fuse` (outside any quantifier)
        self.fused: dict[Node, str] = {}
        #: fields of the record bound at depth 0 already read into locals (by :func:`_fuse`)
        self.fields: Mapping[str, str] = {}
        #: in a function written for a filing whose list (this vector index) is known complete
        #: with one record, passed in as ``a0``: a quantifier over it is that record's truth
        #: (:func:`_one_record`), written inline
        self.single: int | None = None

    def helper(self, w: _Writer, scope: Scope) -> _Context:
        """The context of a helper function written by ``w``, with the records of ``scope``."""
        return _Context(w, self.by_id, None, self.catalogue, self.exact, scope, self.plans)

    def settle(self, var: str, clause_id: str, element_id: str, indent: int) -> None:
        """Statements settling, when ``var`` is unknown, an element marked for exact evaluation
        (design-v2 §4), on ``V``: its cases run through a generated function of the element
        (through the closures when the element reads another clause, which a generated function
        of ``V`` alone cannot), by :func:`rongcuo.engine.catalogue.settle`, after checks that
        answer as it would, only sooner:

        * an element that reads nothing but the facts it splits is a function of their values:
          its settled truths are a table, made when the code is first run;
        * a fact split because one test of it, and nothing else, reads it inside a quantifier
          (once a record) is split in vain: Kleene's answer is already exact. Every record reads
          the one truth of that test, with the same polarity, so the element is monotone in it
          (and in Kleene's information order): it is true (false) on every case only if it is on
          the test's unknown value, which is the meet of its cases' values (design-v2 §4);
        * a fact read once inside a quantifier over a top-level list, in a ``same_kind`` with a
          record's field (whose truth differs from record to record), is read at most once when
          the list has at most one record to try (the blank record of an incomplete list
          counts): then Kleene's answer is exact, as for any formula reading a fact once;
        * a split fact whose value has no cases (known, and not coarse) is not split: when none
          has, the element stays unknown.
        """
        w, cat = self.w, self.catalogue
        plan = self.plans.get((clause_id, element_id))
        test = self.by_id[clause_id].element(element_id).test
        if plan is None or cat is None or not _self_contained(test):
            w.emit(indent, f"if {var} == 1:")
            w.emit(indent + 1, f"{var} = {w.constant(self.exact[clause_id, element_id])}(V)")
            return
        if not self.settles(clause_id, element_id):
            return
        once = _read_once(test, plan, cat)
        w.emit(indent, f"if {var} == 1:")
        case = _helper(self.helper(w, ()), test)
        cases = w.constant(plan)
        call = f"{w.constant(settle)}({case}, V, {cases})"
        key = ", ".join(f"V[{index}]" for index, _ in plan)
        domain = _split_domain(test, plan, cat)
        if domain is not None:
            table, new = w.deferred(("settled", case, cases))
            if new:
                w.tables.append((table, case, plan, domain))
            w.emit(indent + 1, f"{var} = {table}.get({key if len(plan) == 1 else f'({key},)'}, -1)")
            w.emit(indent + 1, f"if {var} < 0:")  # a value outside the table (none is)
            w.emit(indent + 2, f"{var} = {call}")
            return
        listed = once[1][0].index if once and len(once[1]) == 1 and once[1][0].top else None
        tests = [f"V[{index}] in {w.constant(split)}" for index, split in plan]
        if listed is not None:  # at most one record read: Kleene's answer stands
            w.emit(indent + 1, f"x = V[{listed}]")
            tests.insert(
                0,
                f"x is not None and x is not {w.constant(NA)}"
                " and len(x.items) + (not x.complete) > 1",
            )
            w.emit(indent + 1, f"if {' and '.join(tests)}:")
        else:
            w.emit(indent + 1, f"if {' or '.join(tests)}:")
        w.emit(indent + 2, f"{var} = {call}")

    def settles(self, clause_id: str, element_id: str) -> bool:
        """Whether :meth:`settle` writes anything for a marked element: not when Kleene's answer
        is exact already (one test of the split fact, or a split in vain)."""
        cat = self.catalogue
        plan = self.plans.get((clause_id, element_id))
        test = self.by_id[clause_id].element(element_id).test
        if plan is None or cat is None or not _self_contained(test):
            return True
        once = _read_once(test, plan, cat)
        if once is not None and once[0]:  # one test of the fact, however often: Kleene is exact
            return False
        vain = self.w.vain.get((clause_id, element_id))
        if vain is None:
            vain = self.w.vain[clause_id, element_id] = _split_in_vain(test, plan, cat)
        return not vain  # in vain: no case of it settles what Kleene leaves open

    def bound(self) -> str:
        """The arguments that pass the bound records on to a helper: ``, b0, b1``."""
        return "".join(f", b{d}" for d in range(len(self.scope)))

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
    if indent > _MAX_INDENT and isinstance(node, All | AnyNode | Not) and _self_contained(node):
        # deep inside: the node becomes a function of its own, so no nesting limit is reached
        expr = f"{_helper(ctx, node)}(V{ctx.bound()})"
        _fold_expr(w, f"2 - {expr}" if negate else expr, var, indent, mode)
        return
    if isinstance(node, Test):
        if ctx.catalogue is not None:
            _fold_test2(ctx, node, var, indent, mode, negate)
        else:
            _fold_test(w, node, var, indent, mode, negate)
        return
    if isinstance(node, Not) and isinstance(node.item, Test):
        _fold(ctx, node.item, var, indent, mode, clause, not negate, depth)
        return
    if isinstance(node, SameKind | Quantifier):
        if isinstance(node, SameKind):
            expr = _same_kind(ctx, node, indent)
        else:
            expr = _quantify(ctx, node, indent, depth)
        _fold_expr(w, f"2 - {expr}" if negate else expr, var, indent, mode)
        return
    if isinstance(node, ElementRef) and clause is not None:
        marked = (clause.id, node.element) in ctx.exact
        if ctx.element_vars is not None:
            name = ctx.element_vars[clause.id, node.element]
            _fold_expr(w, f"2 - {name}" if negate else name, var, indent, mode)
        elif not marked or not ctx.settles(clause.id, node.element):
            test = clause.element(node.element).test
            _fold(ctx, test, var, indent, mode, None, negate, depth)
        else:  # evaluated exactly: Kleene first, the cases only if that leaves it unknown
            t = f"t{depth}"
            test = clause.element(node.element).test
            _fold(ctx, test, t, indent, _Mode.SET, None, depth=depth + 1)
            ctx.settle(t, clause.id, node.element, indent)
            _fold_expr(w, f"2 - {t}" if negate else t, var, indent, mode)
        return
    if isinstance(node, ClauseRef):
        name = ctx.clause(node.clause, indent, depth)
        _fold_expr(w, f"2 - {name}" if negate else name, var, indent, mode)
        return
    kind = _Mode.ALL if isinstance(node, All) else _Mode.ANY if isinstance(node, AnyNode) else None
    if kind is not None and not negate and isinstance(node, All | AnyNode):
        if mode is _Mode.SET and not node.items:  # the checker refuses these: the identity
            w.emit(indent, f"{var} = {2 if kind is _Mode.ALL else 0}")
        if mode in (_Mode.SET, kind):  # the same connective: fold the items straight into var
            # an early-exit chain: each later item inside the test that var is not yet settled,
            # so that settling it skips the rest at once; past _MAX_NEST the tests go on flat
            # (each later item is then one test, skipped). Set, the first item is the value.
            at = indent
            for i, item in enumerate(node.items):
                if i:
                    w.emit(at, f"if {var}:" if kind is _Mode.ALL else f"if {var} != 2:")
                    _fold(ctx, item, var, at + 1, kind, clause, depth=depth)
                    if at < _MAX_NEST:
                        at += 1
                else:
                    _fold(ctx, item, var, at, mode, clause, depth=depth)
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


#: past this indentation a nested node is written as a function of its own (Python's parser
#: refuses 100 levels)
_MAX_INDENT = 24
#: a connective's items nest, each inside the test that the ones before left it open, to this
#: indentation (then they go on at one level)
_MAX_NEST = 16


def _self_contained(node: Node) -> bool:
    """Whether a node can be a helper function: it reads no clause and no element."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ClauseRef | ElementRef):
            return False
        if isinstance(n, All | AnyNode):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, Quantifier):
            stack.extend(p for p in (n.where, n.that) if p is not None)
    return True


def _fold_expr(w: _Writer, expr: str, var: str, indent: int, mode: _Mode) -> None:
    """Fold a truth computed by an expression into ``var``."""
    if mode is _Mode.SET:
        w.emit(indent, f"{var} = {expr}")
        return
    if not expr.isidentifier():  # a local or constant is compared as it is
        w.emit(indent, f"r = {expr}")
        expr = "r"
    _fold_value(w, expr, var, indent, mode)


def _helper(ctx: _Context, node: Node) -> str:
    """A module-level function ``h<n>(V, b0, …)`` returning the truth of ``node``."""
    key = ("node", node, tuple(name for name, _ in ctx.scope))
    name = ctx.w.helper_names.get(key)
    if name is None:
        name = ctx.w.helper_names[key] = f"h{len(ctx.w.helper_names)}"
        sub = _Writer(ctx.w.index, parent=ctx.w)
        sub.emit(0, f"def {name}(V{ctx.bound()}):")
        _fold(ctx.helper(sub, ctx.scope), node, "v", 1, _Mode.SET, None)
        sub.emit(1, "return v")
        sub.emit(0, "")
        ctx.w.helpers.extend(sub.lines)
    return name


# --------------------------------------------------------------------------- filing model v2

#: the most cases a table of settled truths has (:meth:`_Context.settle`)
_TABLE_SIZE = 4096


def _split_domain(
    test: Node, plan: Plan, cat: Catalogue, *, others: bool = False
) -> tuple[tuple[Any, ...], ...] | None:
    """Every value each split fact of ``plan`` may hold (unknown, not applicable, each value of
    its type), when their combinations are few and (unless ``others``) ``test`` reads no other
    fact; else ``None``."""
    split = {index for index, _ in plan}
    if not others and not all(ref.top and ref.index in split for ref in reads(test, (), cat)):
        return None
    domain: list[tuple[Any, ...]] = []
    size = 1
    for index, _ in plan:
        decl = cat.decl.facts[cat.paths[index]]
        if decl.type is FactType.BOOL:
            values: tuple[Any, ...] = (None, True, False)
        elif decl.type is FactType.ENUM and decl.family is not None:
            values = (None, *cat.leaves(decl.family))
        else:  # pragma: no cover - only bool and enum facts are split
            return None
        if decl.na is not None:
            values += (NA,)
        domain.append(values)
        size *= len(values)
    return tuple(domain) if size <= _TABLE_SIZE else None


#: the most evaluations :func:`_split_in_vain` makes before it gives up (and the split is kept)
_VAIN_WORK = 20_000


def _split_in_vain(test: Node, plan: Plan, cat: Catalogue) -> bool:
    """Whether splitting never changes Kleene's answer for an element without quantifiers.

    :func:`rongcuo.engine.catalogue.settle` gives the meet, over the cases of the split facts, of
    Kleene's truth with the split facts set to the case; every other test keeps the truth Kleene
    gives it, which depends on nothing split. So its answer is a function of the split facts'
    values and of those other tests' truths. Tried here on every value the split facts may hold
    and every truth (0, 1, 2) of each other test — more combinations than any filing has, never
    fewer: when no combination that Kleene leaves unknown settles, the split is in vain.
    ``False`` when the element has a quantifier, a test of a split fact and another fact, or
    too many combinations to try."""
    domain = _split_domain(test, plan, cat, others=True)
    if domain is None:
        return False
    split = dict(plan)
    others: list[Node] = []  # tests of facts not split, each a free truth
    stack: list[Node] = [test]
    while stack:
        n = stack.pop()
        if isinstance(n, All | AnyNode):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, Test | SameKind):
            refs = [cat.resolve(p, ()) for p in _paths_of(n)]
            inside = [ref.top and ref.index in split for ref in refs]
            if not any(inside):
                others.append(n)
            elif not all(inside) or any(not ref.top for ref in refs):
                return False
        else:  # a quantifier, or a reference to a clause or an element
            return False
    size = 3 ** len(others)
    for values in domain:
        size *= len(values)
    if size > _VAIN_WORK:
        return False
    free = {id(n): i for i, n in enumerate(others)}
    indexes = [index for index, _ in plan]
    once: dict[int, tuple[Ref, ...]] = {}  # each test's facts, resolved once

    def resolved(n: Test | SameKind) -> tuple[Ref, ...]:
        found = once.get(id(n))
        if found is None:
            found = once[id(n)] = tuple(cat.resolve(p, ()) for p in _paths_of(n))
        return found

    def kleene(n: Node, facts: Mapping[int, Any], truths: Sequence[int]) -> int:
        if isinstance(n, All):
            return min((kleene(i, facts, truths) for i in n.items), default=2)
        if isinstance(n, AnyNode):
            return max((kleene(i, facts, truths) for i in n.items), default=0)
        if isinstance(n, Not):
            return 2 - kleene(n.item, facts, truths)
        at = free.get(id(n))
        if at is not None:
            return truths[at]
        if isinstance(n, SameKind):
            left, right = resolved(n)
            table = cat.same_kind(left.decl, right.decl)
            return ops.same_kind(facts[left.index], facts[right.index], table)
        assert isinstance(n, Test)
        (ref,) = resolved(n)
        return cat.unary(n, ref.decl)(facts[ref.index])

    for combo in itertools.product(*domain):
        facts = dict(zip(indexes, combo, strict=True))
        found = [split[i].get(v) for i, v in facts.items()]
        if all(o is None for o in found):
            continue  # nothing to split: settle answers unknown, as Kleene did
        if any(o == () for o in found):  # pragma: no cover - a value has a completion
            return False
        options = [(v,) if o is None else o for o, v in zip(found, combo, strict=True)]
        for truths in itertools.product((0, 1, 2), repeat=len(others)):
            if kleene(test, facts, truths) != 1:
                continue
            seen = {
                kleene(test, dict(zip(indexes, case, strict=True)), truths)
                for case in itertools.product(*options)
            }
            if seen in ({0}, {2}):
                return False
    return True


def _paths_of(node: Test | SameKind) -> list[str]:
    """The facts a test reads."""
    if isinstance(node, SameKind):
        return [node.left, node.right]
    return [node.fact, *([node.value.path] if isinstance(node.value, FactRef) else [])]


def _read_once(test: Node, plan: Plan, cat: Catalogue) -> tuple[bool, tuple[Ref, ...]] | None:
    """Where ``test`` reads the one split fact of ``plan``, when it reads it in one place only
    (inside quantifiers: the plan splits a fact read once only when a quantifier repeats the
    read): whether that place is a test of the fact alone (not a ``same_kind`` of it and a
    record's field), and the records facts of the quantifiers around it, outermost first.
    ``None`` when the plan splits several facts, or the fact is read in several places."""
    if len(plan) != 1:
        return None
    index = plan[0][0]
    found: list[tuple[bool, tuple[Ref, ...]]] = []

    def walk(node: Node, scope: Scope, lists: tuple[Ref, ...]) -> None:
        if isinstance(node, Test | SameKind):
            paths = _paths_of(node)
            for path in paths:
                ref = cat.resolve(path, scope)
                if ref.top and ref.index == index:
                    found.append((isinstance(node, Test) and len(paths) == 1, lists))
        elif isinstance(node, Quantifier):
            of = cat.resolve(node.of, scope)
            inner: Scope = (*scope, (node.name, of.decl))
            for part in (node.where, node.that):
                if part is not None:
                    walk(part, inner, (*lists, of))
        elif isinstance(node, All | AnyNode):
            for item in node.items:
                walk(item, scope, lists)
        elif isinstance(node, Not):
            walk(node.item, scope, lists)

    walk(test, (), ())
    return found[0] if len(found) == 1 else None


def _read2(ctx: _Context, ref: Ref, path: str, indent: int, into: str) -> str:
    """Emit a read of a v2 fact: from the vector, or a field of a bound record ``b<depth>``."""
    if ref.top:
        return ctx.w.read(path, indent, into)
    if not ref.field.isidentifier():  # pragma: no cover - declared ids are snake_case
        raise ValueError(f"not a field name: {ref.field!r}")
    if ref.depth == ctx.blank:  # a field of the blank record: unknown
        return "None"
    if ref.depth == 0 and ref.field in ctx.fields:  # read once a record, for every quantifier
        return ctx.fields[ref.field]
    ctx.w.emit(indent, f"{into} = b{ref.depth}.{ref.field}")
    return into


def _fold_test2(
    ctx: _Context, node: Test, var: str, indent: int, mode: _Mode, negate: bool
) -> None:
    """A v2 test, exactly as :mod:`rongcuo.engine.ops` evaluates it (the catalogue makes it)."""
    cat, w = ctx.catalogue, ctx.w
    assert cat is not None
    ref = cat.resolve(node.fact, ctx.scope)
    x = _read2(ctx, ref, node.fact, indent, "x")
    if x == "None" and not isinstance(node.value, FactRef):  # a blank record's field
        truth = cat.unary(node, ref.decl)(None)  # the operator's answer, now rather than later
        _fold_expr(w, str(2 - truth if negate else truth), var, indent, mode)
        return
    if isinstance(node.value, FactRef):
        y = _read2(ctx, cat.resolve(node.value.path, ctx.scope), node.value.path, indent, "y")
        expr = f"{w.constant(cat.binary(node))}({x}, {y})"
    elif ref.decl.type is FactType.ENUM and node.op in (Op.EQ, Op.WITHIN):
        # the table has every value the fact may hold (the family's, unknown and, when the
        # fact may be not applicable, NA): a subscript, not a call of ``get``
        expr = f"{w.constant(w.total(cat.within(ref.decl, node.value), ref.decl))}[{x}]"
    elif ref.decl.type is FactType.BOOL and node.op is Op.EQ:
        expr = f"(1 if {x} is None else 2 if {x} is {node.value is True} else 0)"
    else:
        expr = _unary_call(w, cat.unary(node, ref.decl), x, node, ref.decl.type)
    _fold_expr(w, f"2 - {expr}" if negate else expr, var, indent, mode)


def _unary_call(w: _Writer, fn: Callable[[Any], int], x: str, node: Test, kind: FactType) -> str:
    """A test of one fact's value as an expression: the catalogue's operator ``fn`` called
    without its wrapper where the wrapper only binds data — ``contains`` and ``empty`` (a
    ``functools.partial``) and the date comparisons (a closure) take it as positional arguments,
    ``contains`` of an unknown set is its constant answer, ``na`` is written inline. The same
    functions of :mod:`rongcuo.engine.ops` decide every value: only the call is cheaper."""
    if fn is ops.na:
        return f"(1 if {x} is None else 2 if {x} is {w.constant(NA)} else 0)"
    if isinstance(fn, functools.partial) and not fn.args:
        kw = fn.keywords
        if fn.func is ops.contains and set(kw) == {"t"}:
            # ops.contains written out but for a set with ``no`` values, which it is called on
            t: ops.SetTest = kw["t"]
            unknown = ops.contains(None, t)  # fixed by the targets alone, as is ``hit`` below
            call = f"{w.constant(ops.contains)}({x}, {w.constant(t)})"
            # complete, no ``yes`` inside: false unless one meets the targets, which none can
            # when every value meeting them is inside (the usual case): then no second test
            meets = f"(0 if {w.constant(t.meets)}.isdisjoint({x}.yes) else 1)"
            full = (
                f"({unknown} if {x} is None else 0 if {x} is {w.constant(NA)}"
                f" else 2 if not {w.constant(t.inside)}.isdisjoint({x}.yes)"
                f" else {call} if {x}.no"
                f" else {'0' if t.meets == t.inside else meets} if {x}.complete"
                f" else {1 if t.hit else 0})"
            )
            plain = w.plain(x)
            if plain is None:
                return full
            # a set read once a filing is also read as its plain values when it is complete
            # with nothing ruled out (a list in the document): then the same answer is one test
            inside = w.constant(t.inside)
            if t.meets == t.inside:
                fast = f"(0 if {inside}.isdisjoint({plain}) else 2)"
            else:
                fast = (
                    f"(2 if not {inside}.isdisjoint({plain}) else 0 if"
                    f" {w.constant(t.meets)}.isdisjoint({plain}) else 1)"
                )
            return f"({fast} if {plain} is not None else {full})"
        if fn.func is ops.empty and set(kw) == {"t", "want"} and isinstance(kw["want"], bool):
            return f"{w.constant(ops.empty)}({x}, {w.constant(kw['t'])}, {kw['want']})"
    compare = DATE_OPS.get(node.op)
    if kind is FactType.DATE and compare is not None and isinstance(node.value, dt.date):
        return f"{w.constant(compare)}({x}, {w.constant(node.value)})"
    return f"{w.constant(fn)}({x})"


@functools.cache
def _blank_fields(fields: tuple[str, ...]) -> types.SimpleNamespace:
    return types.SimpleNamespace(**dict.fromkeys(fields))


def _blank_record(records: FactDecl) -> types.SimpleNamespace:
    """The blank record (:data:`~rongcuo.engine.catalogue.BLANK`) of a records fact as a plain
    object: every declared field ``None``, read as an attribute without a Python call."""
    return _blank_fields(tuple(f.name for f in records.fields))


def _same_kind(ctx: _Context, node: SameKind, indent: int) -> str:
    cat, w = ctx.catalogue, ctx.w
    assert cat is not None
    left, right = cat.resolve(node.left, ctx.scope), cat.resolve(node.right, ctx.scope)
    x = _read2(ctx, left, node.left, indent, "x")
    y = _read2(ctx, right, node.right, indent, "y")
    table = w.constant(cat.same_kind(left.decl, right.decl))
    return f"{w.constant(ops.same_kind)}({x}, {y}, {table})"


def _quantify(ctx: _Context, node: Quantifier, indent: int | None = None, depth: int = 0) -> str:
    """A quantifier's truth: its function's call (written the first time), or the local that
    :func:`_fuse` computed it into. Given ``indent``, a call outside any record that the function
    being written makes at more than one site is made once, into a local (``h_<name>``); and
    in a function for one known record (:attr:`_Context.single`), a quantifier over its list
    is that record's truth, written inline (into ``t<depth>``, or the ``h_`` local)."""
    call = _quantify_call(ctx, node)
    w = ctx.w
    if indent is None or ctx.scope or w.parent is not None or not call.endswith("(V)"):
        return call
    name = call[: -len("(V)")]
    if w.calls is not None:
        w.calls[name] = w.calls.get(name, 0) + 1
    inline = ctx.single is not None and _list_index(ctx, node) == ctx.single
    if name not in w.cached:
        if not inline:
            return call
        _one_record(ctx, node, indent, f"t{depth}", depth + 1)
        return f"t{depth}"
    w.emit(indent, f"if h_{name} < 0:")
    if inline:
        _one_record(ctx, node, indent + 1, f"h_{name}", depth + 1)
    else:
        w.emit(indent + 1, f"h_{name} = {call}")
    return f"h_{name}"


def _list_index(ctx: _Context, node: Quantifier) -> int | None:
    """The vector index of the top-level list a quantifier ranges over (``None``: a list
    inside a record)."""
    assert ctx.catalogue is not None
    ref = ctx.catalogue.resolve(node.of, ())
    return ref.index if ref.top else None


def _one_record(ctx: _Context, node: Quantifier, indent: int, into: str, depth: int) -> None:
    """A quantifier over the list known complete with the one record ``a0`` (a function for
    such filings, :func:`_dispatch`): ``some`` and ``every`` are both that record's truth."""
    cat, w = ctx.catalogue, ctx.w
    assert cat is not None
    decl = cat.resolve(node.of, ()).decl
    inner = _Context(w, ctx.by_id, None, cat, ctx.exact, ((node.name, decl),), ctx.plans)
    w.emit(indent, "b0 = a0")
    _record_truth(inner, node, indent, into, depth)


def _quantify_call(ctx: _Context, node: Quantifier) -> str:
    """A quantifier as a call of its own function ``q<n>(V, b0, …)``, written once."""
    cat = ctx.catalogue
    if cat is None:
        raise TypeError("a quantifier in a v1 ruleset")  # the loader rules this out
    local = None if ctx.scope else ctx.fused.get(node)
    if local is not None:  # computed before, with the other quantifiers over its list
        return local
    key = ("quantifier", node, tuple(name for name, _ in ctx.scope))
    name = ctx.w.helper_names.get(key)
    if name is not None:
        return f"{name}(V{ctx.bound()})"
    name = ctx.w.helper_names[key] = f"q{len(ctx.w.helper_names)}"
    records = cat.resolve(node.of, ctx.scope)
    depth = len(ctx.scope)
    sub = _Writer(ctx.w.index, parent=ctx.w)
    inner = ctx.helper(sub, (*ctx.scope, (node.name, records.decl)))
    some = node.kind is QuantifierKind.SOME
    sub.emit(0, f"def {name}(V{ctx.bound()}):")
    value = _read2(ctx.helper(sub, ctx.scope), records, node.of, 1, "x")
    sub.emit(1, f"if {value} is None:")
    sub.emit(2, "items = ()")
    sub.emit(2, "complete = False")
    sub.emit(1, f"elif {value} is {sub.constant(NA)}:")
    sub.emit(2, "return 0")
    sub.emit(1, "else:")
    sub.emit(2, f"items = {value}.items")
    sub.emit(2, f"complete = {value}.complete")
    sub.emit(1, f"result = {0 if some else 2}")

    def item(indent: int) -> None:
        _record_truth(inner, node, indent)

    sub.emit(1, f"for b{depth} in items:")
    item(2)
    sub.emit(2, f"if t == {2 if some else 0}:")
    sub.emit(3, f"return {2 if some else 0}")
    sub.emit(2, "if t == 1:")
    sub.emit(3, "result = 1")
    sub.emit(1, "if not complete:")  # a further record, of which nothing is known
    stop = "if t != 0:" if some else "if t != 2:"
    parts = [p for p in (node.where, node.that) if p is not None]
    inner_scope = inner.scope
    if all(not ref.top and ref.depth >= depth for p in parts for ref in reads(p, inner_scope, cat)):
        # the record's truth reads nothing but the record (and records inside it): on a blank
        # record it is one value, computed once the code runs (:attr:`_Writer.blanks`)
        blank, _ = sub.deferred(("blank", name))
        ctx.w.blanks.append((blank, f"z{name}", depth))
        ctx.w.blank_of[name] = blank
        sub.emit(2, f"t = {blank}")
        sub.emit(2, stop)
        sub.emit(3, "return 1")
        sub.emit(1, "return result")
        sub.emit(0, "")
        # the record's truth as a function of the record, run on the blank record at load
        sub.emit(0, f"def z{name}(V{ctx.bound()}, b{depth}):")
        item(1)
        sub.emit(1, "return t")
        sub.emit(0, "")
    else:
        # every field of the blank record reads None, written as such; a helper it calls reads
        # the record's fields as attributes of a plain object whose fields are all None
        ctx.w.blank_of[name] = None
        sub.emit(2, f"b{depth} = {sub.constant(_blank_record(records.decl))}")
        inner.blank = depth
        item(2)
        inner.blank = -1
        sub.emit(2, stop)
        sub.emit(3, "return 1")
        sub.emit(1, "return result")
        sub.emit(0, "")
    ctx.w.helpers.extend(sub.lines)
    return f"{name}(V{ctx.bound()})"


def _record_truth(
    inner: _Context, node: Quantifier, indent: int, t: str = "t", depth: int = 0
) -> None:
    """The truth of the record bound by ``node`` (in ``inner``'s scope) into ``t``, its
    ``where:`` folded in (design-v2 §3); temporaries from ``t<depth>`` on."""
    w, some = inner.w, node.kind is QuantifierKind.SOME
    if node.where is None:
        _fold(inner, node.that, t, indent, _Mode.SET, None, depth=depth)
        return
    wh = f"wh{depth}" if depth else "wh"
    _fold(inner, node.where, wh, indent, _Mode.SET, None, depth=depth)
    w.emit(indent, f"if {wh} == 0:")
    w.emit(indent + 1, f"{t} = {0 if some else 2}")
    w.emit(indent, "else:")
    _fold(inner, node.that, t, indent + 1, _Mode.SET, None, depth=depth)
    if some:  # where and that
        w.emit(indent + 1, f"if {wh} < {t}:")
        w.emit(indent + 2, f"{t} = {wh}")
    else:  # not where, or that
        w.emit(indent + 1, f"if 2 - {wh} > {t}:")
        w.emit(indent + 2, f"{t} = 2 - {wh}")


def _outer_quantifiers(node: Node) -> Iterator[Quantifier]:
    """The quantifiers of a predicate that no other quantifier holds."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Quantifier):
            yield n
        elif isinstance(n, All | AnyNode):
            stack.extend(reversed(n.items))
        elif isinstance(n, Not):
            stack.append(n.item)


def _fuse(
    ctx: _Context, quantifiers: Sequence[Quantifier], decisive: Mapping[Node, int] | None = None
) -> None:
    """Every quantifier of ``quantifiers`` (none inside another) computed into a local, in one
    pass over each list: each record is tried for every quantifier not yet settled, and the
    blank record of a list not known complete likewise. The locals are what their functions
    (:func:`_quantify`) return; a later read of such a quantifier reads its local. A quantifier
    of ``decisive`` that a record makes true returns its answer there (status: a negative that
    is the quantifier and nothing else holds)."""
    decisive = decisive or {}
    cat, w = ctx.catalogue, ctx.w
    assert cat is not None and not ctx.scope
    by_list: dict[int, list[tuple[Quantifier, str, str]]] = {}
    for node in quantifiers:
        records = cat.resolve(node.of, ())
        call = _quantify(ctx.helper(w, ()), node)  # its function: for helpers, and its blank
        name = call.partition("(")[0]
        if node not in ctx.fused:
            by_list.setdefault(records.index, []).append((node, name, f"{name}_"))
        ctx.fused[node] = f"{name}_"
    for index, group in by_list.items():
        decl = cat.decl.facts[cat.paths[index]]
        if index == ctx.single:  # one record, known to be the only one: each is its truth
            w.emit(1, "b0 = a0")
            fields = _shared_fields(cat, decl, [node for node, _, _ in group])
            for field, local in fields.items():
                w.emit(1, f"{local} = b0.{field}")
            for node, _, local in group:
                inner = _Context(
                    w, ctx.by_id, None, cat, ctx.exact, ((node.name, decl),), ctx.plans
                )
                inner.fields = fields
                _record_truth(inner, node, 1, local)
                if node.kind is QuantifierKind.SOME and node in decisive:
                    w.emit(1, f"if {local} == 2:")
                    w.emit(2, f"return {decisive[node]}")
            continue
        w.emit(1, f"x = V[{index}]")
        w.emit(1, f"if x is {w.constant(NA)}:")
        for _, _, local in group:
            w.emit(2, f"{local} = 0")
        w.emit(1, "else:")
        w.emit(2, "if x is None:")
        w.emit(3, "items = ()")
        w.emit(3, "complete = False")
        w.emit(2, "else:")
        w.emit(3, "items = x.items")
        w.emit(3, "complete = x.complete")
        for node, _, local in group:
            w.emit(2, f"{local} = {0 if node.kind is QuantifierKind.SOME else 2}")
        w.emit(2, "for b0 in items:")
        fields = _shared_fields(cat, decl, [node for node, _, _ in group])
        for field, local in fields.items():
            w.emit(3, f"{local} = b0.{field}")
        # the quantifiers gated by one field go together, under one test of it
        gates = {node: _gate(cat, node, decl, fields) for node, _, _ in group}
        passing: dict[str, set[object]] = {}  # a field: the values that some of them pass
        for gate in gates.values():
            if gate is not None:
                passing.setdefault(gate[0], set()).update(gate[1])
        at, gated = 3, None
        fields_gating = {node: gate[0] if gate else "" for node, gate in gates.items()}
        order = sorted(group, key=lambda g: fields_gating[g[0]])
        for node, _, local in order:
            gate = gates[node]
            if gate is None or gate[0] != gated:
                at, gated = 3, None
                if gate is not None:
                    keys = w.constant(frozenset(passing[gate[0]]))
                    w.emit(3, f"if {fields[gate[0]]} in {keys}:")
                    at, gated = 4, gate[0]
            some = node.kind is QuantifierKind.SOME
            inner = _Context(w, ctx.by_id, None, cat, ctx.exact, ((node.name, decl),), ctx.plans)
            inner.fields = fields
            w.emit(at, f"if {local} != {2 if some else 0}:")
            _record_truth(inner, node, at + 1)
            w.emit(at + 1, f"if t {'>' if some else '<'} {local}:")
            w.emit(at + 2, f"{local} = t")
            if some and node in decisive:
                w.emit(at + 2, "if t == 2:")
                w.emit(at + 3, f"return {decisive[node]}")
        w.emit(2, "if not complete:")  # a further record, of which nothing is known
        w.emit(3, f"b0 = {w.constant(_blank_record(decl))}")
        for node, name, local in group:
            some = node.kind is QuantifierKind.SOME
            stop, open_ = (2, 0) if some else (0, 2)
            blank = w.blank_of[name]
            if blank is not None:
                w.emit(3, f"if {local} != {stop} and {blank} != {open_}:")
                w.emit(4, f"{local} = 1")
                continue
            inner = _Context(w, ctx.by_id, None, cat, ctx.exact, ((node.name, decl),), ctx.plans)
            inner.blank = 0
            w.emit(3, f"if {local} != {stop}:")
            _record_truth(inner, node, 4)
            w.emit(4, f"if t != {open_}:")
            w.emit(5, f"{local} = 1")


def _shared_fields(
    cat: Catalogue, decl: FactDecl, quantifiers: Sequence[Quantifier]
) -> dict[str, str]:
    """The fields of a list's record that several of ``quantifiers`` read, each with the local
    it is read into once a record."""
    counts: dict[str, int] = {}
    for node in quantifiers:
        for part in (node.where, node.that):
            for ref in reads(part, ((node.name, decl),), cat) if part is not None else ():
                if ref.depth == 0:
                    counts[ref.field] = counts.get(ref.field, 0) + 1
    return {f: f"f_{f}" for f, n in counts.items() if n > 1 and f.isidentifier()}


def _gate(
    cat: Catalogue, node: Quantifier, decl: FactDecl, fields: Mapping[str, str]
) -> tuple[str, tuple[object, ...]] | None:
    """A ``some`` quantifier whose record truth is false unless a field read into a local holds
    one of a few values (its first conjunct is a ``within`` table of that field): the field and
    those values. A record whose field holds none of them is false, which ``some`` passes over,
    so the quantifier is not tried on it."""
    if node.kind is not QuantifierKind.SOME or node.where is not None:
        return None
    first = node.that.items[0] if isinstance(node.that, All) and node.that.items else node.that
    if not isinstance(first, Test) or first.op not in (Op.EQ, Op.WITHIN):
        return None
    if isinstance(first.value, FactRef):
        return None
    ref = cat.resolve(first.fact, ((node.name, decl),))
    if ref.depth != 0 or ref.decl.type is not FactType.ENUM or ref.field not in fields:
        return None
    table = cat.within(ref.decl, first.value)
    return ref.field, tuple(sorted((k for k, v in table.items() if v), key=repr))


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
    ctx: _Context,
    order: Sequence[str],
    referenced: set[str],
    signature: str,
    *,
    collect: bool = False,
) -> None:
    """``status(f)``: :func:`rongcuo.engine.decide._status` written out with early exits.

    A positive that bars name is settled on its effective truth, ``P and not (B_i or …)``
    (design-v2 §6.2): each bar is computed once, on first need, and only while ``P`` is not false.

    With ``collect``, ``decide(f)``: the status and the clauses that decide it, ``(status,
    ids)``. It evaluates every negative (each one that holds is cited), and the positives only
    when no negative holds or is open (each one that holds is cited); ``ids`` is ``()`` for
    ``insufficient_facts`` and ``needs_determination`` (the caller knows the catch-alls).
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

        def value(c: Clause) -> int:
            """The clause's effective truth into ``v``; the indentation at which it is set, each
            bar nested inside the test that ``v`` is not yet false (``v`` is false outside)."""
            at = 1

            def compute() -> None:
                nonlocal at
                if c.id in referenced:
                    w.emit(1, f"v = {ctx.clause(c.id, 1, 0)}")
                else:
                    ctx.fold_clause(c.id, "v", 1)
                if c.catch_all and c.id in bars_of:
                    w.emit(1, "raw = v")  # a refusal is the determination's, not a bar's
                for bar in bars_of.get(c.id, ()):
                    w.emit(at, "if v:")
                    name = ctx.clause(bar, at + 1, 0)
                    w.emit(at + 1, f"if {name}:")  # v = min(v, 2 - bar)
                    w.emit(at + 2, f"v = 0 if {name} == 2 else 1")
                    at += 1

            w.block(compute)
            return at

        def settle(c: Clause, holds: int) -> None:
            """True returns ``holds``; unknown leaves the outcome open, except for a catch-all."""
            local = None if collect else alone(c)
            if local is not None:  # the pass over its list returned if it held: open, or not
                w.emit(1, f"if {local}:")
                w.emit(2, "open_ = True")
                return
            at = value(c)
            if collect:  # every clause that holds is cited: note it and go on
                w.emit(at, "if v == 2:")
                w.emit(at + 1, f"hits.append({w.constant(c.id)})")
                if not c.catch_all:
                    w.emit(at, "elif v:")
                    w.emit(at + 1, "open_ = True")
                return
            if c.catch_all:
                w.emit(at, "if v == 2:")
                w.emit(at + 1, f"return {holds}")
            else:
                w.emit(at, "if v:")
                w.emit(at + 1, "if v == 2:")
                w.emit(at + 2, f"return {holds}")
                w.emit(at + 1, "open_ = True")

        def answer(status: int, ids: str = "()") -> str:
            return f"return {status}, {ids}" if collect else f"return {status}"

        if collect:
            w.emit(1, "hits = []")
        # every negative is evaluated unless one holds (the common outcome is open facts): their
        # quantifiers in one pass over each list (:func:`_fuse`), before the first that has one;
        # status tries the negatives without quantifiers first (cheap, and any that holds ends
        # it), decide keeps the order in which it cites them
        ctx.fused.clear()
        fusable = [q for c in negatives for e in c.elements for q in _outer_quantifiers(e.test)]
        fuse = ctx.catalogue is not None and bool(fusable)

        def quantified(c: Clause) -> bool:
            return not collect and any(True for e in c.elements for _ in _outer_quantifiers(e.test))

        # status: a negative that holds whenever a quantifier does (the quantifier, or an item
        # of its ``any``) holds once a record makes that quantifier true: the pass over the list
        # returns there
        decisive: dict[Node, int] = {}
        for c in negatives if not collect else ():
            node = c.holds_when
            while isinstance(node, All | AnyNode) and len(node.items) == 1:
                node = node.items[0]
            for item in node.items if isinstance(node, AnyNode) else (node,):
                test = c.element(item.element).test if isinstance(item, ElementRef) else item
                if isinstance(test, Quantifier) and c.id not in bars_of:
                    decisive[test] = INELIGIBLE

        def alone(c: Clause) -> str | None:
            """The local of a quantifier that :func:`_fuse` computed, returning from its pass
            once it held, when the clause is that quantifier and nothing else."""
            node = c.holds_when
            while isinstance(node, All | AnyNode) and len(node.items) == 1:
                node = node.items[0]
            if not isinstance(node, ElementRef) or c.id in bars_of or c.catch_all:
                return None
            if (c.id, node.element) in ctx.exact and ctx.settles(c.id, node.element):
                return None
            test = c.element(node.element).test
            return ctx.fused.get(test) if test in decisive else None

        # negatives that read no other clause first: cheap, and they decide most exclusions
        for c in sorted(negatives, key=lambda c: (quantified(c), bool(_refers(c)))):
            if fuse and (collect or quantified(c)):
                w.block(lambda: _fuse(ctx, list(dict.fromkeys(fusable)), decisive))
                fuse = False
            settle(c, INELIGIBLE)
        if collect:
            w.emit(1, "if hits:")
            w.emit(2, answer(INELIGIBLE, "tuple(hits)"))
        w.emit(1, "if open_:")
        w.emit(2, answer(INSUFFICIENT))
        if ctx.catalogue is not None and collect:  # decide evaluates every positive: theirs too
            fusable = [q for c in positives for e in c.elements for q in _outer_quantifiers(e.test)]
            fusable = [q for q in dict.fromkeys(fusable) if q not in ctx.fused]
            if fusable:
                w.block(lambda: _fuse(ctx, fusable))
        refusable = []
        for c in positives:
            settle(c, ELIGIBLE)
            if c.catch_all:
                refusable.append(c.id)
                w.emit(1, f"refused_{c.id} = {'raw' if c.id in bars_of else 'v'} == 0")
        if collect:
            w.emit(1, "if hits:")
            w.emit(2, answer(ELIGIBLE, "tuple(hits)"))
        w.emit(1, "if open_:")
        w.emit(2, answer(INSUFFICIENT))
        if collect and refusable:
            refused = ", ".join(f"refused_{cid}" for cid in refusable)
            ids = ", ".join(w.constant(cid) for cid in refusable)
            w.emit(1, f"if {' or '.join(f'refused_{cid}' for cid in refusable)}:")
            w.emit(
                2,
                answer(
                    INELIGIBLE,
                    f"tuple(c for c, r in zip(({ids},), ({refused},)) if r)",
                ),
            )
        else:
            for cid in refusable:
                w.emit(1, f"if refused_{cid}:")
                w.emit(2, answer(INELIGIBLE))
        w.emit(1, answer(NEEDS_DETERMINATION))

    w.function(signature, body)


def compile_clauses(
    clauses: Sequence[Clause],
    *,
    catalogue: Catalogue | None = None,
    exact: Mapping[tuple[str, str], Callable[[tuple[Any, ...]], int]] | None = None,
    plans: Mapping[tuple[str, str], Plan] | None = None,
) -> Compiled:
    """Generate, compile and return the fast functions for a checked ruleset's clauses.

    A v2 ruleset (filing model v2) passes its ``catalogue``: facts are then read by its vector
    positions and every test is made by it; ``exact`` gives, for each element the loader marked
    (design-v2 §4), the function that settles it exactly when Kleene leaves it unknown, and
    ``plans`` its cases, which the generated code runs through a generated function of the
    element where it can (:func:`rongcuo.engine.catalogue.settle`).
    """
    prebuilt = _PREBUILT.get()
    if prebuilt:  # a cached ruleset's program (rules/cache.py): its code, not generated again
        built = thaw(prebuilt.pop(), exact or {})
        if built is not None:
            return built
    if catalogue is None:  # v1: the first model, imported only by a ruleset without facts.yaml
        from ..facts.model import FACT_INDEX

    w = _Writer(FACT_INDEX if catalogue is None else catalogue.index)
    if catalogue is not None:  # vector_of, written out
        facts = w.constant("_facts")
        w.prologue = f"V = f if f.__class__ is tuple else f.__pydantic_private__[{facts}]"
    exact = exact or {}
    by_id = {c.id: c for c in clauses}
    order = tuple(c.id for c in sorted(clauses, key=Clause.sort_key))
    referenced = {cid for c in clauses for cid in _refers(c)}
    single = _single_list(clauses, catalogue)

    def context(element_vars: dict[tuple[str, str], str] | None = None) -> _Context:
        return _Context(w, by_id, element_vars, catalogue, exact, plans=plans)

    def written(name: str, write: Callable[[_Context, str], None], ctx: _Context) -> None:
        """``name(f)``; when a list is worth it, it starts with a version of itself for a
        filing whose list is known complete with one record, ``a0`` (every path of it
        returns), written as a function of its own first and then moved in."""
        base = w.prologue
        if single is not None:
            w.prologue = ""
            ctx.single = single
            mark = len(w.lines)
            write(ctx, f"{name}_1(V, a0)")
            ctx.single = None
            body = [line for line in w.lines[mark + 1 :] if line]  # no def, no blank line
            del w.lines[mark:]
            w.prologue = "\n".join(
                [
                    base,
                    f"x = V[{single}]",
                    f"if x.__class__ is {w.constant(Records)} and (a0 := x.one) is not None:",
                    *body,
                ]
            )
        write(ctx, f"{name}(f)")
        w.prologue = base

    def status(ctx: _Context, signature: str) -> None:
        _status_function(ctx, order, referenced, signature)

    def decide(ctx: _Context, signature: str) -> None:
        _status_function(ctx, order, referenced, signature, collect=True)

    written("status", status, context())
    written("decide", decide, context())

    # truths(f): every element, then every clause from its elements, readers after what they read
    element_order = tuple((cid, e.id) for cid in order for e in by_id[cid].elements)
    # an element whose test is the same as an earlier one's (many clauses share one, e.g. 无私利)
    # is that element's truth: computed once, named twice
    element_vars: dict[tuple[str, str], str] = {}
    first: dict[Node, str] = {}
    for cid in _dependency_order(order, by_id):
        for e in by_id[cid].elements:
            element_vars[cid, e.id] = first.setdefault(e.test, f"e{len(first)}")

    # the quantifiers of the elements, over top-level lists: computed first, in one pass a list
    fusable = [
        q
        for cid in _dependency_order(order, by_id)
        for e in by_id[cid].elements
        for q in _outer_quantifiers(e.test)
    ]

    def truths(ctx: _Context, signature: str) -> None:
        def body() -> None:
            computed: set[str] = set()
            if catalogue is not None and fusable:
                ctx.fused.clear()
                w.block(lambda: _fuse(ctx, list(dict.fromkeys(fusable))))
            for cid in _dependency_order(order, by_id):

                def clause(cid: str = cid) -> None:
                    for e in by_id[cid].elements:
                        var = element_vars[cid, e.id]
                        if var not in computed:
                            computed.add(var)
                            _fold(ctx, e.test, var, 1, _Mode.SET, None)
                            if (cid, e.id) in exact:
                                ctx.settle(var, cid, e.id, 1)
                    # every element is computed: Kleene's all/any are min/max, nothing to skip
                    ctx.fold_clause(cid, _clause_var(cid), 1)

                w.block(clause)
            elements = ", ".join(element_vars[k] for k in element_order)
            values = ", ".join(_clause_var(cid) for cid in order)
            w.emit(1, f"return ({elements},), ({values},)")

        w.function(signature, body)

    written("truths", truths, context(element_vars))

    source = "\n".join([*w.helpers, *w.lines]) + "\n"
    namespace: dict[str, Any] = dict(w.constants)
    exec(compile(source, _FILENAME, "exec"), namespace)
    for constant, function, depth in w.blanks:  # inner quantifiers' first
        namespace[constant] = namespace[function](None, *(BLANK,) * (depth + 1))
    for constant, function, plan, domain in w.tables:
        namespace[constant] = _settled(namespace[function], plan, domain, len(w.index))
    return _compiled(namespace, element_order, order, source)


def _single_list(clauses: Sequence[Clause], catalogue: Catalogue | None) -> int | None:
    """The top-level list that most of the clauses' quantifiers range over (the vector index),
    for which functions for a filing with one record in it are written (``None``: no list).

    Most filings list one act; for them ``some`` and ``every`` over the acts are both the act's
    truth, written inline: no loop, no call, no blank record (the list is complete)."""
    if catalogue is None:
        return None
    counts: dict[int, int] = {}
    for c in clauses:
        for e in c.elements:
            for q in _outer_quantifiers(e.test):
                ref = catalogue.resolve(q.of, ())
                if ref.top:
                    counts[ref.index] = counts.get(ref.index, 0) + 1
    return max(counts, key=lambda i: (counts[i], -i)) if counts else None


def _compiled(
    namespace: Mapping[str, Any],
    elements: tuple[tuple[str, str], ...],
    clauses: tuple[str, ...],
    source: str,
) -> Compiled:
    """The generated functions, from the namespace their code ran in."""
    return Compiled(
        status=namespace["status"],
        decide=namespace["decide"],
        truths=namespace["truths"],
        elements=elements,
        clauses=clauses,
        source=source,
    )


def _settled(
    fn: Callable[[tuple[Any, ...]], int],
    plan: Plan,
    domain: tuple[tuple[Any, ...], ...],
    size: int,
) -> dict[Any, int]:
    """The settled truth of an element (:func:`rongcuo.engine.catalogue.settle`) for every
    combination of its split facts' values that Kleene leaves unknown; ``fn`` reads no other
    fact. Keyed by the value when one fact is split, else by the tuple of values."""
    table: dict[Any, int] = {}
    for combo in itertools.product(*domain):
        vector = [None] * size
        for (index, _), value in zip(plan, combo, strict=True):
            vector[index] = value
        facts = tuple(vector)
        if fn(facts) == 1:
            table[combo[0] if len(plan) == 1 else combo] = settle(fn, facts, plan)
    return table


# -- the caching hook: the generated code stored with a compiled ruleset (rules/cache.py)

_FILENAME = "<rongcuo generated clauses>"
#: 2: constants computed once the code runs (blank records, tables); 3: nested chains, cached
#: quantifier calls; 4: functions for a filing with one record in its main list
_FROZEN_FORMAT = 4
#: set by :func:`prebuilt` for one :func:`compile_clauses` call: what :func:`freeze` gave
_PREBUILT: contextvars.ContextVar[list[bytes] | None] = contextvars.ContextVar(
    "rongcuo_prebuilt", default=None
)


class _Pickler(pickle.Pickler):
    """Constants by value, but the engine's singletons and the loader's settlers by name."""

    def __init__(self, file: io.BytesIO, exact: Mapping[int, tuple[str, str]]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._exact = exact

    def persistent_id(self, obj: Any) -> Any:
        if obj is BLANK:
            return ("blank",)
        if obj is NA:
            return ("na",)
        key = self._exact.get(id(obj))
        return None if key is None else ("exact", *key)


class _Unpickler(pickle.Unpickler):
    def __init__(
        self, file: io.BytesIO, exact: Mapping[tuple[str, str], Callable[..., int]]
    ) -> None:
        super().__init__(file)
        self._exact = exact

    def persistent_load(self, pid: Any) -> Any:
        if pid == ("blank",):
            return BLANK
        if pid == ("na",):
            return NA
        if isinstance(pid, tuple) and len(pid) == 3 and pid[0] == "exact":
            return self._exact[pid[1], pid[2]]
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


def freeze(
    compiled: Compiled,
    exact: Mapping[tuple[str, str], Callable[..., int]] | None = None,
) -> bytes | None:
    """The generated code of ``compiled`` as bytes that :func:`thaw` runs again: the module's
    code object (``marshal``, so only for this Python) and its constants (``pickle``; the
    elements' settlers named by their ``(clause, element)`` in ``exact``). ``None`` when a
    constant cannot be stored: the code is then generated again on every load."""
    namespace = compiled.status.__globals__
    constants = {k: v for k, v in namespace.items() if re.fullmatch(r"K[0-9]+", k)}
    by_id = {id(fn): key for key, fn in (exact or {}).items()}
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, by_id).dump(
            (
                _FROZEN_FORMAT,
                constants,
                compiled.elements,
                compiled.clauses,
                compiled.source,
                marshal.dumps(compile(compiled.source, _FILENAME, "exec")),
            )
        )
    except (pickle.PicklingError, TypeError, AttributeError, ValueError):
        return None
    return buffer.getvalue()


def thaw(data: bytes, exact: Mapping[tuple[str, str], Callable[..., int]]) -> Compiled | None:
    """The functions :func:`freeze` stored, run again with this program's settlers (``None``
    when the data is not such an entry)."""
    try:
        fmt, constants, elements, clauses, source, code = _Unpickler(io.BytesIO(data), exact).load()
        if fmt != _FROZEN_FORMAT:
            return None
        namespace: dict[str, Any] = dict(constants)
        exec(marshal.loads(code), namespace)
        return _compiled(namespace, elements, clauses, source)
    except Exception:  # not a frozen program of this Python and rongcuo: generate it afresh
        return None


@contextlib.contextmanager
def prebuilt(data: bytes) -> Iterator[None]:
    """Within: the next :func:`compile_clauses` call runs ``data`` (:func:`freeze`'s bytes)
    instead of generating the code again, unless ``data`` does not thaw."""
    token = _PREBUILT.set([data])
    try:
        yield
    finally:
        _PREBUILT.reset(token)
