"""Mechanical translations of a v2 ruleset (filing model v2) into the peer engines' languages.

Peers are two-valued; rongcuo is three-valued and exact (``rongcuo.engine.ops``). Every node of
a clause becomes two boolean expressions, *T* ("definitely true") and *F* ("definitely false");
a clause is unknown when neither holds. That is the three-valued answer a status needs, not only
"definitely true". The pieces:

* **a test** on one fact becomes T and F over the fact's value, from the same per-ruleset tables
  the engine makes when it loads (``Catalogue``: the table of ``within``, the frozensets of
  ``contains``, the table of ``same_kind``), written as literals into the peer's rule text;
* ``all`` / ``any`` / ``not``: T = ∧T, F = ∨F; the dual; ``not`` swaps them (Kleene);
* ``some`` / ``every`` over a list of records: the quantifier folds of ``ops.some`` / ``ops.every``
  (a record's ``where:`` folded in; an incomplete list may hold one more record, whose truth on
  a blank record is worked out here once, as the engine does);
* **exactness**: where the engine splits an element on a fact it reads twice (``plans``: an
  unknown or coarse enum or bool read in two tests, design §4), the translation does the same:
  T = T_kleene ∨ ∨_v (x = v ∧ ∧_c T[x := c]) over the cases and completions of the plan;
* a **clause reference** is the referenced clause's T and F: inlined into one expression, or a
  ``$`` reference to an earlier key of the same ZEN expression node.

**Input.** A peer reads the filing's fact vector written as JSON (``peer_input``): unknown is
``null`` (Cedar: absent), not applicable the string ``"NA"``, a set ``{"yes": [...], "complete":
bool}``, a date ``{"start": yyyymmdd, "stop": yyyymmdd}`` (neither peer compares ISO dates), a
list of records ``{"items": [...], "complete": bool}`` (Cedar: ``{"r0": ..., "r1": ...}``). A
partial set with a ``no`` part is **not translated** (it needs the family's leaves at
evaluation): ``peer_input`` refuses it, and the benchmark corpus has none.

* GoRules ZEN (quantifiers as ``some(xs as r0, …)`` / ``all(…)``): one compiled expression
  returning the array ``[T, F]`` of every clause (inlined); one compiled expression returning the
  status (that array bound to ``#`` by ``map([[…]], …)[0]``, ZEN having no ``let``); one JDM
  decision whose expression node computes elements, clauses and bars by ``$`` references, and
  the same decision with a ``status`` key.
* Cedar: one ``permit`` policy for each clause's T and one for its F (bars included), all over
  the request context; the determining policies of the answer are the T and F that hold. Cedar
  has no quantifier over a list of records, so ``some``/``every`` is unrolled to ``MAX_RECORDS``
  records (``peer_input`` refuses a longer list), and it has no four-way decision: the status
  is computed from the 52 answers in Python, inside the timed call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rongcuo import Ruleset
from rongcuo.engine import ops
from rongcuo.engine.catalogue import Catalogue, Ref, vector_of
from rongcuo.facts.declare import FactDecl, FactType
from rongcuo.facts.values import NA, PartialDate, PartialSet, Records
from rongcuo.rules.syntax import (
    All,
    Clause,
    ClauseRef,
    Element,
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
)
from rongcuo.rules.syntax import Any as AnyNode

#: Cedar's unrolling bound for a list of records
MAX_RECORDS = 4

TF = tuple[str, str]
_DATE_OPS = {
    Op.BEFORE: ops.before,
    Op.AFTER: ops.after,
    Op.ON_OR_BEFORE: ops.on_or_before,
    Op.ON_OR_AFTER: ops.on_or_after,
}


def _day(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def verdict_clauses(rules: Ruleset) -> list[Clause]:
    """The clauses whose truths the peers compute: negatives, positives, bars (what a status
    needs), in ruleset order."""
    keep = (ListKind.NEGATIVE, ListKind.POSITIVE, ListKind.BAR)
    return [c for c in rules.clauses if c.list in keep]


# --------------------------------------------------------------------------- dialects


class Dialect:
    """How a peer writes values and connectives; the three-valued translation is shared."""

    true = "true"
    false = "false"

    def top(self, path: str) -> str:
        raise NotImplementedError

    def field(self, var: str, name: str) -> str:
        raise NotImplementedError

    def known(self, x: str) -> str:
        raise NotImplementedError

    def lit(self, value: Any) -> str:
        if value is True or value is False:
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        return json.dumps(value, ensure_ascii=False)

    def eq(self, x: str, value: Any) -> str:
        return f"{x} == {self.lit(value)}"

    def one_of(self, x: str, values: Sequence[str]) -> str:
        raise NotImplementedError

    def yes_meets(self, x: str, values: Sequence[str]) -> str:
        raise NotImplementedError

    def yes_empty(self, x: str) -> str:
        raise NotImplementedError

    def and_(self, parts: Iterable[str]) -> str:
        raise NotImplementedError

    def or_(self, parts: Iterable[str]) -> str:
        raise NotImplementedError

    def not_(self, part: str) -> str:
        raise NotImplementedError

    def _fold(self, parts: Iterable[str], unit: str, zero: str, sep: str) -> str:
        kept: list[str] = []
        for p in parts:
            if p == zero:
                return zero
            if p != unit and p not in kept:
                kept.append(p)
        if not kept:
            return unit
        return kept[0] if len(kept) == 1 else "(" + sep.join(kept) + ")"


class Zen(Dialect):
    """ZEN's expression language (unary closures over arrays use ``#``)."""

    def top(self, path: str) -> str:
        return path

    def field(self, var: str, name: str) -> str:
        return f"{var}.{name}"

    def known(self, x: str) -> str:
        return f"{x} != null"

    def one_of(self, x: str, values: Sequence[str]) -> str:
        if not values:
            return self.false
        return f"{x} in [{', '.join(self.lit(v) for v in values)}]"

    def yes_meets(self, x: str, values: Sequence[str]) -> str:
        if not values:
            return self.false
        return f"some({x}.yes, # in [{', '.join(self.lit(v) for v in values)}])"

    def yes_empty(self, x: str) -> str:
        return f"len({x}.yes) == 0"

    def and_(self, parts: Iterable[str]) -> str:
        return self._fold(parts, "true", "false", " and ")

    def or_(self, parts: Iterable[str]) -> str:
        return self._fold(parts, "false", "true", " or ")

    def not_(self, part: str) -> str:
        if part in ("true", "false"):
            return "false" if part == "true" else "true"
        return f"not({part})"


class Cedar(Dialect):
    """Cedar conditions over ``context``; an unknown fact is an absent attribute."""

    def top(self, path: str) -> str:
        return "context." + path

    def field(self, var: str, name: str) -> str:
        return f"{var}.{name}"

    def known(self, x: str) -> str:
        owner, _, name = x.rpartition(".")
        if ".items.r" in owner:  # a field of a record (the record's presence is checked)
            return f"{owner} has {name}"
        parts = x.split(".")  # a top-level fact: each group on its path may be absent
        checks = [f"{'.'.join(parts[:i])} has {parts[i]}" for i in range(1, len(parts))]
        return "(" + " && ".join(checks) + ")"

    def eq(self, x: str, value: Any) -> str:  # reading an absent attribute is an error
        return f"({self.known(x)} && {x} == {self.lit(value)})"

    def one_of(self, x: str, values: Sequence[str]) -> str:
        if not values:
            return self.false
        return f"({self.known(x)} && [{', '.join(self.lit(v) for v in values)}].contains({x}))"

    def yes_meets(self, x: str, values: Sequence[str]) -> str:
        if not values:
            return self.false
        return f"{x}.yes.containsAny([{', '.join(self.lit(v) for v in values)}])"

    def yes_empty(self, x: str) -> str:
        return f"{x}.yes == []"

    def and_(self, parts: Iterable[str]) -> str:
        return self._fold(parts, "true", "false", " && ")

    def or_(self, parts: Iterable[str]) -> str:
        return self._fold(parts, "false", "true", " || ")

    def not_(self, part: str) -> str:
        if part in ("true", "false"):
            return "false" if part == "true" else "true"
        return f"!({part})"


# --------------------------------------------------------------------------- the translation


# bound name, records fact, the peer's variable (``None``: a blank record, every field unknown)
Scope = tuple[tuple[str, FactDecl, str | None], ...]


class Translator:
    """T/F expressions of every element and clause of a v2 ruleset, in one dialect.

    ``refs``: write a clause reference (and a clause's elements) as ``$`` references to earlier
    keys (ZEN's expression node) instead of inlining them.
    """

    def __init__(self, rules: Ruleset, dialect: Dialect, *, refs: bool = False) -> None:
        self.rules = rules
        self.d = dialect
        self.refs = refs
        self.cat: Catalogue = rules.program.catalogue
        self.plans: Mapping[tuple[str, str], Any] = rules.program.plans
        self._clauses: dict[str, TF] = {}

    # -- clauses and elements

    def clause(self, cid: str) -> TF:
        if self.refs:
            return f"$.{cid}_t", f"$.{cid}_f"
        if cid not in self._clauses:
            c = self.rules.clause(cid)
            self._clauses[cid] = self.combination(c, c.holds_when)
        return self._clauses[cid]

    def combination(self, c: Clause, node: Node) -> TF:
        if isinstance(node, ElementRef):
            if self.refs:
                key = element_key(c.id, node.element)
                return f"$.{key}_t", f"$.{key}_f"
            return self.element(c, c.element(node.element))
        return self._connective(node, lambda n: self.combination(c, n))

    def element(self, c: Clause, e: Element) -> TF:
        t, f = self.node(e.test, (), {})
        plan = self.plans.get((c.id, e.id))
        if not plan:
            return t, f
        st, sf = self._split(e.test, list(plan), {})
        return self.d.or_([t, st]), self.d.or_([f, sf])

    def _split(self, node: Node, plan: list[Any], bind: dict[int, Any]) -> TF:
        """The split evaluation of ``catalogue.settle``: every case of the plan's facts."""
        d = self.d
        if not plan:
            return self.node(node, (), bind)
        (index, cases), rest = plan[0], plan[1:]
        x = d.top(self.cat.paths[index])
        keys = list(cases)
        # the value is settled (no case): the fact stays as it is
        settled = d.not_(d.or_(self._is(x, k) for k in keys))
        t0, f0 = self._split(node, rest, bind)
        ts, fs = [d.and_([settled, t0])], [d.and_([settled, f0])]
        for value, options in cases.items():
            parts = [self._split(node, rest, {**bind, index: o}) for o in options]
            ts.append(d.and_([self._is(x, value), *(t for t, _ in parts)]))
            fs.append(d.and_([self._is(x, value), *(f for _, f in parts)]))
        return d.or_(ts), d.or_(fs)

    def _is(self, x: str, value: Any) -> str:
        return self.d.not_(self.d.known(x)) if value is None else self.d.eq(x, value)

    # -- nodes

    def node(self, node: Node, scope: Scope, bind: dict[int, Any]) -> TF:
        if isinstance(node, Test):
            return self.test(node, scope, bind)
        if isinstance(node, SameKind):
            return self.same_kind(node, scope, bind)
        if isinstance(node, Quantifier):
            return self.quantifier(node, scope, bind)
        if isinstance(node, ClauseRef):
            return self.clause(node.clause)
        return self._connective(node, lambda n: self.node(n, scope, bind))

    def _connective(self, node: Node, sub: Callable[[Node], TF]) -> TF:
        d = self.d
        if isinstance(node, All):
            parts = [sub(n) for n in node.items]
            return d.and_(t for t, _ in parts), d.or_(f for _, f in parts)
        if isinstance(node, AnyNode):
            parts = [sub(n) for n in node.items]
            return d.or_(t for t, _ in parts), d.and_(f for _, f in parts)
        if isinstance(node, Not):
            t, f = sub(node.item)
            return f, t
        raise TypeError(f"cannot translate {node!r}")

    def _ref(self, path: str, scope: Scope) -> tuple[Ref, str | None]:
        """Where a path is read; ``None`` for a field of a blank record (unknown)."""
        ref = self.cat.resolve(path, tuple((n, decl) for n, decl, _ in scope))
        if ref.top:
            return ref, self.d.top(path)
        var = scope[ref.depth][2]
        return ref, None if var is None else self.d.field(var, ref.field)

    @staticmethod
    def _const(truth: int) -> TF:
        return ("true" if truth == ops.TRUE else "false", "true" if truth == ops.FALSE else "false")

    def test(self, node: Test, scope: Scope, bind: dict[int, Any]) -> TF:
        d = self.d
        ref, x = self._ref(node.fact, scope)
        decl = ref.decl
        if isinstance(node.value, FactRef):
            other, y = self._ref(node.value.path, scope)
            if (ref.top and ref.index in bind) or (other.top and other.index in bind):
                raise NotImplementedError("a split on a date compared with another")
            assert node.op is Op.AFTER_FACT  # the only comparison of two facts (checked at load)
            if x is None or y is None:  # a blank record's date: false if the other is NA
                known = y if x is None else x
                return "false", "false" if known is None else self._na(known)
            both = d.and_([d.known(x), d.known(y), f'{x} != "NA"', f'{y} != "NA"'])
            t = d.and_([both, f"{x}.start > {y}.stop"])
            f = d.or_([self._na(x), self._na(y), d.and_([both, f"{x}.stop <= {y}.start"])])
            return t, f
        if ref.top and ref.index in bind:
            return self._const(self.cat.unary(node, decl)(bind[ref.index]))
        if x is None:
            return self._const(self.cat.unary(node, decl)(None))
        op, value = node.op, node.value
        known, na = d.known(x), self._na(x)
        applies = d.and_([known, d.not_(na)])
        if op is Op.KNOWN:
            return (known, d.not_(known)) if value is True else (d.not_(known), known)
        if op is Op.NA:
            return (na, applies) if value is True else (applies, na)
        kind = decl.type
        if kind is FactType.BOOL and op is Op.EQ:
            return d.eq(x, value), d.and_([known, f"{x} != {d.lit(value)}"])
        if kind is FactType.ENUM and op in (Op.EQ, Op.WITHIN):
            table = self.cat.within(decl, value)
            trues = sorted(str(v) for v, t in table.items() if v is not None and t == ops.TRUE)
            open_ = sorted(str(v) for v, t in table.items() if v is not None and t != ops.FALSE)
            t = d.one_of(x, trues)
            f = d.and_([known, d.not_(d.one_of(x, open_))])
            if table[None] == ops.TRUE:
                t = d.or_([d.not_(known), t])
            elif table[None] == ops.FALSE:
                f = d.or_([d.not_(known), f])
            return t, f
        assert decl.family is not None or kind is FactType.DATE
        if kind is FactType.SET and op in (Op.CONTAINS, Op.CONTAINS_ANY):
            targets = [value] if isinstance(value, str) else sorted(value)  # type: ignore[arg-type]
            st = ops.set_test(self.cat.leaves(decl.family), targets)  # type: ignore[arg-type]
            t = d.and_([applies, d.yes_meets(x, sorted(st.inside))])
            if not st.hit:
                return "false", "true"
            f = d.or_(
                [na, d.and_([applies, f"{x}.complete", d.not_(d.yes_meets(x, sorted(st.meets)))])]
            )
            return t, f
        if kind is FactType.SET and op is Op.EMPTY:
            nonempty = d.and_([applies, d.not_(d.yes_empty(x))])
            none = d.and_([applies, f"{x}.complete", d.yes_empty(x)])
            return (none, d.or_([na, nonempty])) if value is True else (nonempty, d.or_([na, none]))
        if kind is FactType.DATE and op in _DATE_OPS and isinstance(value, dt.date):
            b = _day(value)
            start, stop = f"{x}.start", f"{x}.stop"
            t, f = {
                Op.BEFORE: (f"{stop} < {b}", f"{start} >= {b}"),
                Op.AFTER: (f"{start} > {b}", f"{stop} <= {b}"),
                Op.ON_OR_BEFORE: (f"{stop} <= {b}", f"{start} > {b}"),
                Op.ON_OR_AFTER: (f"{start} >= {b}", f"{stop} < {b}"),
            }[op]
            return d.and_([applies, t]), d.or_([na, d.and_([applies, f])])
        raise NotImplementedError(f"no translation of {op.value!r} on a {kind.value} fact")

    def _na(self, x: str) -> str:
        return self.d.and_([self.d.known(x), f'{x} == "NA"'])

    def same_kind(self, node: SameKind, scope: Scope, bind: dict[int, Any]) -> TF:
        d = self.d
        left, x = self._ref(node.left, scope)
        right, y = self._ref(node.right, scope)
        table = self.cat.same_kind(left.decl, right.decl)
        lv = bind.get(left.index, ...) if left.top else None if x is None else ...
        rv = bind.get(right.index, ...) if right.top else None if y is None else ...

        def side(truth: int) -> str:
            arms = []
            for a, row in table.items():
                if lv is not ... and a != lv:
                    continue
                bs = [b for b, t in row.items() if t == truth]
                if rv is not ...:
                    bs = [b for b in bs if b == rv]
                named = sorted(str(b) for b in bs if b is not None)
                ys = [d.one_of(y, named)] if rv is ... else ["true"] if bs else ["false"]
                if None in bs and rv is ...:
                    ys.append(d.not_(d.known(y)))
                xa = "true" if lv is not ... else self._is(x, a)
                arms.append(d.and_([xa, d.or_(ys)]))
            return d.or_(arms)

        t, f = side(ops.TRUE), side(ops.FALSE)
        # a value outside the family (NA) is never the same kind as anything
        out = []
        if lv is ... and x is not None:
            out.append(self._na(x))
        if rv is ... and y is not None:
            out.append(self._na(y))
        return t, d.or_([f, *out])

    def quantifier(self, node: Quantifier, scope: Scope, bind: dict[int, Any]) -> TF:
        """``ops.some`` / ``ops.every`` over the records, with the list's completeness and the
        body's truth on a blank record (what one more record of an incomplete list may be)."""
        d = self.d
        records, xs = self._ref(node.of, scope)
        if xs is None:
            raise NotImplementedError("a quantifier over a blank record's list")

        def body(var: str | None) -> TF:
            inner: Scope = (*scope, (node.name, records.decl, var))
            that = self.node(node.that, inner, bind)
            if node.where is None:
                return that
            where = self.node(node.where, inner, bind)
            if node.kind is QuantifierKind.SOME:  # min(where, that)
                return d.and_([where[0], that[0]]), d.or_([where[1], that[1]])
            return d.or_([where[1], that[0]]), d.and_([where[0], that[1]])  # max(2 - where, that)

        blank_t, blank_f = body(None)
        closed = f"{xs}.complete"
        if isinstance(d, Zen):  # a named closure variable per depth: nested quantifiers
            var = f"r{len(scope)}"
            t, f = body(var)
            items = f"{xs}.items as {var}"
            any_t, all_f = f"some({items}, {t})", f"all({items}, {f})"
            any_f, all_t = f"some({items}, {f})", f"all({items}, {t})"
        else:
            arms = [(f"{xs}.items has r{k}", body(f"{xs}.items.r{k}")) for k in range(MAX_RECORDS)]
            any_t = d.or_(d.and_([has, t]) for has, (t, _) in arms)
            all_f = d.and_(d.or_([d.not_(has), f]) for has, (_, f) in arms)
            any_f = d.or_(d.and_([has, f]) for has, (_, f) in arms)
            all_t = d.and_(d.or_([d.not_(has), t]) for has, (t, _) in arms)
        if node.kind is QuantifierKind.SOME:
            return any_t, d.and_([all_f, d.or_([closed, blank_f])])
        return d.and_([all_t, d.or_([closed, blank_t])]), any_f


def element_key(cid: str, eid: str) -> str:
    return f"{cid}__{eid}"


# --------------------------------------------------------------------------- GoRules ZEN


def zen_expression(rules: Ruleset) -> tuple[str, list[str]]:
    """One ZEN expression: the array ``[T, F]`` of every clause, inlined; and the clause ids."""
    tr = Translator(rules, Zen())
    ids = [c.id for c in verdict_clauses(rules)]
    parts = []
    for cid in ids:
        t, f = tr.clause(cid)
        parts += [t, f]
    return "[" + ", ".join(parts) + "]", ids


def zen_status_expression(rules: Ruleset) -> str:
    """One ZEN expression giving the status: the array of :func:`zen_expression` bound to ``#``
    by mapping over a one-item array (ZEN has no ``let``), the status computed from ``#[k]``."""
    array, ids = zen_expression(rules)
    at = {cid: i for i, cid in enumerate(ids)}
    status = _zen_status(rules, lambda cid, side: f"#[{2 * at[cid] + (side == 'f')}]")
    return f"map([{array}], {status})[0]"


def _zen_status(rules: Ruleset, ref: Callable[[str, str], str]) -> str:
    """The status of ``engine.decide._status`` from the clauses' T and F (``ref(id, "t")``)."""
    negatives = rules.of_list(ListKind.NEGATIVE)
    positives = rules.of_list(ListKind.POSITIVE)
    bars: dict[str, list[str]] = {}
    for b in rules.of_list(ListKind.BAR):
        for pid in b.bars:
            bars.setdefault(pid, []).append(b.id)

    def eff(p: Clause) -> tuple[str, str]:
        named = bars.get(p.id, [])
        if not named:
            return ref(p.id, "t"), ref(p.id, "f")
        t = " and ".join([ref(p.id, "t"), *(ref(b, "f") for b in named)])
        f = " or ".join([ref(p.id, "f"), *(ref(b, "t") for b in named)])
        return f"({t})", f"({f})"

    def unknown(t: str, f: str) -> str:
        return f"not({t} or {f})"

    neg_true = " or ".join(ref(c.id, "t") for c in negatives)
    neg_open = [unknown(ref(c.id, "t"), ref(c.id, "f")) for c in negatives if not c.catch_all]
    effs = {p.id: eff(p) for p in positives}
    pos_true = " or ".join(effs[p.id][0] for p in positives)
    pos_open = " or ".join(unknown(*effs[p.id]) for p in positives if not p.catch_all)
    refused = " or ".join(ref(p.id, "f") for p in positives if p.catch_all) or "false"
    insufficient = " or ".join([*neg_open, f"(not({pos_true}) and ({pos_open}))"])
    return (
        f'({neg_true}) ? "ineligible" : (({insufficient}) ? "insufficient_facts" : '
        f'(({pos_true}) ? "eligible" : (({refused}) ? "ineligible" : "needs_determination")))'
    )


def zen_decision(rules: Ruleset, *, status: bool = False) -> dict[str, Any]:
    """A JDM decision graph: input → one expression node → output. The node's keys are every
    element's and clause's T and F (``P1__scope_t``, ``P1_t`` …), each written once and read by
    ``$`` references; with ``status``, a last key ``status`` computed from them."""
    tr = Translator(rules, Zen(), refs=True)
    expressions: list[dict[str, str]] = []
    for c in _dependency_order(rules):
        for e in c.elements:
            t, f = tr.element(c, e)
            key = element_key(c.id, e.id)
            expressions += [{"key": f"{key}_t", "value": t}, {"key": f"{key}_f", "value": f}]
        t, f = tr.combination(c, c.holds_when)
        expressions += [{"key": f"{c.id}_t", "value": t}, {"key": f"{c.id}_f", "value": f}]
    if status:
        expressions.append(
            {"key": "status", "value": _zen_status(rules, lambda cid, side: f"$.{cid}_{side}")}
        )
    for i, e in enumerate(expressions):
        e["id"] = f"x{i}"
    at = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "filing", "position": at},
            {
                "id": "clauses",
                "type": "expressionNode",
                "name": "clauses",
                "position": at,
                "content": {"expressions": expressions},
            },
            {"id": "out", "type": "outputNode", "name": "truths", "position": at},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "clauses", "type": "edge"},
            {"id": "e2", "sourceId": "clauses", "targetId": "out", "type": "edge"},
        ],
    }


def _dependency_order(rules: Ruleset) -> list[Clause]:
    """Verdict clauses, each after the clauses it references (a ``$`` key must come first)."""
    done: dict[str, Clause] = {}

    def visit(c: Clause) -> None:
        if c.id in done:
            return
        for e in c.elements:
            for cid in _clause_refs(e.test):
                visit(rules.clause(cid))
        done[c.id] = c

    for c in verdict_clauses(rules):
        visit(c)
    return list(done.values())


def _clause_refs(node: Node) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ClauseRef):
            found.append(n.clause)
        elif isinstance(n, All | AnyNode):
            stack.extend(n.items)
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, Quantifier):
            stack.extend(p for p in (n.where, n.that) if p is not None)
    return found


# --------------------------------------------------------------------------- Cedar


def cedar_policies(rules: Ruleset) -> tuple[str, list[tuple[str, bool]]]:
    """Policy text: a ``permit`` for each clause's T and one for its F; and for each policy (Cedar
    names them policy0, policy1, …) its clause id and whether it is the T."""
    tr = Translator(rules, Cedar())
    text, ids = [], []
    for c in verdict_clauses(rules):
        t, f = tr.clause(c.id)
        for holds, cond in ((True, t), (False, f)):
            text.append(f"permit(principal, action, resource) when {{ {cond} }};")
            ids.append((c.id, holds))
    return "\n".join(text), ids


# --------------------------------------------------------------------------- input


def _value(decl: FactDecl, value: Any, cedar: bool) -> Any:
    if value is NA:
        return "NA"
    if isinstance(value, PartialSet):
        if value.no:
            raise ValueError("a partial set with a 'no' part is not expressible for the peers")
        return {"yes": sorted(value.yes), "complete": value.complete}
    if isinstance(value, PartialDate):
        return {"start": _day(value.start), "stop": _day(value.stop)}
    if isinstance(value, Records):
        rows = [_record(decl, r, cedar) for r in value.items]
        if cedar:
            if len(rows) > MAX_RECORDS:
                raise ValueError(f"more than {MAX_RECORDS} records: not unrolled for Cedar")
            return {"items": {f"r{k}": r for k, r in enumerate(rows)}, "complete": value.complete}
        return {"items": rows, "complete": value.complete}
    if isinstance(value, dt.date):
        return _day(value)
    return value


def _record(decl: FactDecl, record: Any, cedar: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in record.__class__.model_fields:
        v = getattr(record, name)
        if v is None:
            if not cedar:
                out[name] = None
            continue
        out[name] = _value(decl, v, cedar)
    return out


def peer_input(rules: Ruleset, filing: Any, *, cedar: bool = False) -> dict[str, Any]:
    """The filing as a peer reads it (see the module's docstring). Texts are left out except
    ``id`` and ``summary`` (no rule reads a text; they keep the input the size of a filing)."""
    cat = rules.program.catalogue
    out: dict[str, Any] = {}
    for path, value in zip(cat.paths, vector_of(filing), strict=True):
        decl = cat.decl.facts[path]
        if decl.type is FactType.TEXT and path not in ("id", "summary"):
            continue
        if value is None:
            if cedar:
                continue
            converted = {"items": [], "complete": False} if decl.type is FactType.RECORDS else None
        else:
            converted = _value(decl, value, cedar)
        head, dot, rest = path.partition(".")
        if not dot:
            out[head] = converted
            continue
        group = out.setdefault(head, {})
        *inner, last = rest.split(".")
        for part in inner:
            group = group.setdefault(part, {})
        group[last] = converted
    if cedar:
        for path in cat.paths:  # an unknown list of records: an empty incomplete one
            if cat.decl.facts[path].type is FactType.RECORDS:
                head, _, name = path.partition(".")
                out.setdefault(head, {}).setdefault(name, {"items": {}, "complete": False})
    return out


def cedar_request(rules: Ruleset, filing: Any) -> dict[str, Any]:
    """The filing as a Cedar request: the facts in the context, unknown facts absent."""
    return {
        "principal": 'Filer::"f"',
        "action": 'Action::"screen"',
        "resource": 'Filing::"f"',
        "context": peer_input(rules, filing, cedar=True),
    }
