"""durable-rules as an independent second evaluator of the same YAML predicates (v1 and v2).

Translation (pure Python, done once per ruleset, before any filing is seen)
--------------------------------------------------------------------------
durable-rules is two-valued: a rule fires or it does not. rongcuo is three-valued. Each clause
is therefore translated twice, *dual-rail*: one set of rules fires when the clause is TRUE, another
when it is FALSE; when neither fires the clause is UNKNOWN. The rails follow Kleene's logic::

    T(all xs) = and T(x)    F(all xs) = or F(x)     T(not x) = F(x)
    T(any xs) = or T(x)     F(any xs) = and F(x)    F(not x) = T(x)
    T(test)   = the fact is present and the comparison holds
    F(test)   = the fact is present and the comparison fails

so ``not`` never reaches durable-rules (it has no ``$not`` inside expressions): it is pushed down
to the comparisons, which all have a negated form (``$neq``, ``$gte`` for ``$lt`` …). Other gaps:

* no ``$in``: ``in [a, b]`` becomes ``$or`` of equalities (its FALSE rail ``$and`` of ``$neq``);
* missing fields are false in every comparison, which is exactly what both rails need for an
  unknown fact, so an unknown fact is simply left out of the message;
* ``null`` counts as present (``$ex`` holds for it): an unknown fact is never sent as ``null``;
* a comparison with another field (``{"$m": path}``) is *true* when that field is missing, so
  such comparisons are guarded by ``$ex`` on both fields;
* an ``$iall`` over an empty array never holds, so a known set is sent with a sentinel item
  (``"~"``, not a value of any enumeration) and "holds none of V" is ``$iall`` of ``$neq``;
* a set compared with another set (N8) is expanded over the enumeration's values;
* nesting is limited: one rule's condition may hold at most 15 ``$and``/``$or`` nodes (more fail
  with error 113 when the ruleset is created), so a rail that is too large is split: a top-level
  ``$or`` into one rule per branch, an ``$and`` over an ``$or`` by distributing it. A rail that
  would need more than 256 rules, or a connective of more than 200 operands, is rejected when the
  ruleset is translated (``durable_untranslatable``), never when a filing is evaluated.

Clause references (N1 reads P2 …) are evaluated in stages. A clause that refers to no clause is
in stage 0; a clause referring to others is one stage after the latest of them. The clause truths
durable-rules found in earlier stages are sent with the next stage's fact (``clause__P2: "T"``,
``"F"``, or absent when unknown), and a reference is a plain comparison with that property.
Inlining the referenced rails instead would not fit: N1's TRUE rail holds the FALSE rails of seven
positive clauses, far beyond the nesting limit and beyond any split into rules.

Evaluation (the low-level API)
------------------------------
One durable-rules ruleset per clause (one for the whole ruleset overflows the C core's alpha-node
stack, error 303, on filings that know many facts), created once per rongcuo ruleset and cached
by digest. For each stage and each clause of it the filing is asserted as one fact (its known
facts, flattened ``matter.causes`` -> ``f_matter__causes``, the earlier stages' clause truths, the
stage number and a marker so no rule matches durable-rules' own session state), every rule that
fired is collected, and the fact is retracted. Actions run synchronously in the caller's thread
(the host's background dispatch threads are not started); each thread uses its own session id,
and calls into the C extension are serialised by a lock.

Filing model v2 (a ruleset with a facts declaration, ``rules.program.catalogue``)
--------------------------------------------------------------------------------
The same dual rails, built from the declaration (``_Translator2``), with the three-valued tests of
``engine/ops.py`` (docs/design-v2.md §1–§4). What the message holds for a fact: its value id or
``true``/``false``, ``~u`` when unknown, ``~n`` when not applicable — every fact is present, so a
rail never depends on a missing property except where stated:

* ``within``/``eq`` on an enum: the family's table of the test (``Catalogue.within``) as two
  lists of values, those it makes TRUE and those it makes FALSE (``~u`` in one of them when the
  unknown value is decided, as a test covering the whole family is), each one ``$mt`` pattern
  ``(a|b|…)`` that durable-rules anchors at both ends;
* a partial set: ``__yes``, for each value known in it the leaves it may still be once its
  ``no`` values are taken out (``{"l": [...]}``), and ``__may``, every leaf it may still hold
  (behind the sentinel ``~``; ``~n`` for not applicable). ``contains F`` holds when some ``yes``
  value may only be leaves within F (``$iany`` of ``$iall``) and fails when no leaf it may hold
  is within F (``$iall``); ``empty`` holds when it may hold nothing, fails when it holds something;
* a partial date: ``__start`` and ``__stop`` as ``yyyymmdd`` integers (absent when unknown or not
  applicable), compared with the bound (``before``: TRUE ``stop <`` it, FALSE ``start >=`` it or
  not applicable); ``after_fact`` compares two properties, guarded by ``$ex``;
* ``na``/``known``: the mark itself;
* ``same_kind``: the table of pairs (``Catalogue.same_kind``), rows alike grouped, as ``or`` over
  the groups of (left one of the group's values ``and`` right one of the values the row gives);
* an element the loader marks for a case split (``Program.plans``): its rail is Kleene's, ``or``,
  for each value of the split facts that is split, that value ``and`` the rail on every case —
  the element translated again with those facts fixed, each test on them folded to a constant.

**Quantifiers.** Each ``some``/``every`` (one per distinct predicate and case of a split) is a
durable-rules ruleset of its own whose rules are its body's two rails (``where`` folded in). Each
record of the list is asserted there as one fact (its fields, the outer facts its body reads, and
the item truths of any quantifier nested in it), then a blank record (every field unknown) when
the list is not complete; the rails that fired give each item's truth. The owner's fact holds the
truths in order (``T``/``F``/``U``, ``bT``/``bF``/``bU`` for the blank, ``~`` closing the list),
and the clause's rules fold them: ``some`` TRUE is ``$iany`` of ``T``, FALSE ``$iall`` of
``(F|bF|~)``; ``every`` FALSE ``$iany`` of ``F``, TRUE ``$iall`` of ``(T|bT|~)``.

Two defects of durable-rules 2.0.28 shape this, both pinned by tests/test_durable_v2.py: an
``$or`` over two properties of an array's item is decided by the last of them the item has (so
no condition here reads two properties of one item: records are facts of their own), and a
pattern with nested groups is misread past some size (so every pattern is a flat alternation).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, cast

from ..engine import ops
from ..engine.catalogue import BLANK, Catalogue, Ref, Scope, reads, vector_of
from ..engine.evaluate import Truth, fact_getter
from ..errors import Problem, RulesError, backend_unavailable
from ..facts.declare import FactDecl, FactType
from ..facts.model import FACTS, FactKind, Filing  # v1: delete at the flip (FACTS, FactKind)
from ..facts.values import NA
from ..rules.ruleset import Ruleset
from ..rules.syntax import (
    All,
    Clause,
    ClauseRef,
    ElementRef,
    FactRef,
    Node,
    Not,
    Op,
    Quantifier,
    QuantifierKind,
    SameKind,
    Test,
    walk,
)
from ..rules.syntax import Any as AnyNode

__all__ = [
    "MAX_CONNECTIVES",
    "MAX_RULES_PER_RAIL",
    "DurableProgram",
    "Translation",
    "durable_program",
    "durable_results",
    "durable_truths",
    "durable_values",
    "message_of",
    "translate",
]

MAX_CONNECTIVES: Final = 15
"""``$and``/``$or`` nodes durable-rules accepts in one rule's condition (measured, v2.0.28)."""
MAX_OPERANDS: Final = 200
"""Operands of one connective; far wider ones make durable-rules' rule compiler crawl."""
MAX_RULES_PER_RAIL: Final = 256
"""Rules one rail of one clause may be split into."""
MAX_PROPERTIES: Final = 250
"""Properties of one asserted fact (durable-rules fails with error 302 above about 255)."""
SENTINEL: Final = "~"
MARKER: Final = "rongcuo$filing"

# --------------------------------------------------------------------------- formulas


@dataclasses.dataclass(frozen=True, slots=True)
class _Leaf:
    expr: str  # canonical JSON of one durable-rules expression
    cost: int = 0  # connectives inside it (an $or under $iany counts)


@dataclasses.dataclass(frozen=True, slots=True)
class _And:
    items: tuple[_F, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Or:
    items: tuple[_F, ...]


_F = _Leaf | _And | _Or


def _leaf(expr: Mapping[str, Any], cost: int = 0) -> _Leaf:
    return _Leaf(json.dumps(expr, ensure_ascii=False, sort_keys=True), cost)


#: the constant rails: an empty conjunction holds, an empty disjunction never does (v2 folds a
#: test on a fact fixed by a case split, or on a family that makes it constant, into these)
TRUE_F: Final[_F] = _And(())
FALSE_F: Final[_F] = _Or(())


def _and(items: list[_F]) -> _F:
    flat: dict[_F, None] = {}
    for i in items:
        if i == FALSE_F:
            return FALSE_F
        for j in i.items if isinstance(i, _And) else (i,):
            flat[j] = None
    return next(iter(flat)) if len(flat) == 1 else _And(tuple(flat))


def _or(items: list[_F]) -> _F:
    flat: dict[_F, None] = {}
    for i in items:
        if i == TRUE_F:
            return TRUE_F
        for j in i.items if isinstance(i, _Or) else (i,):
            flat[j] = None
    return next(iter(flat)) if len(flat) == 1 else _Or(tuple(flat))


def _cost(f: _F) -> int:
    if isinstance(f, _Leaf):
        return f.cost
    return 1 + sum(_cost(i) for i in f.items)


def _condition_cost(f: _F) -> int:
    """Connectives of ``$and: [marker, f]``."""
    return _cost(f) if isinstance(f, _And) else 1 + _cost(f)


def _width(f: _F) -> int:
    if isinstance(f, _Leaf):
        return 1
    return max(len(f.items), *(_width(i) for i in f.items))


def _expr(f: _F) -> Any:
    if isinstance(f, _Leaf):
        return json.loads(f.expr)
    key = "$and" if isinstance(f, _And) else "$or"
    return {key: [_expr(i) for i in f.items]}


def _split(f: _F, budget: list[int]) -> list[_F]:
    """``f`` as a disjunction of formulas each small enough for one rule."""
    if _condition_cost(f) <= MAX_CONNECTIVES:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooLarge
        return [f]
    if isinstance(f, _Or):
        return [g for item in f.items for g in _split(item, budget)]
    assert isinstance(f, _And)  # a leaf never costs more than a rule allows
    ors = [i for i in f.items if isinstance(i, _Or)]
    if not ors:
        raise _TooLarge
    pick = max(ors, key=_cost)
    rest = [i for i in f.items if i is not pick]
    return [g for branch in pick.items for g in _split(_and([*rest, branch]), budget)]


class _TooLarge(Exception):
    pass


# --------------------------------------------------------------------------- translation


def field(path: str) -> str:
    """The message property holding a fact (prefixed: the fact ``id`` must not be durable's)."""
    return "f_" + path.replace(".", "__")


def _clause_field(clause_id: str) -> str:
    return f"clause__{clause_id}"


def _stages(rules: Ruleset) -> dict[str, int]:
    """Each clause's stage: 0 without references, else one after the clauses it refers to."""
    from ..rules.syntax import clauses_read

    out: dict[str, int] = {}

    def stage(cid: str) -> int:
        if cid not in out:
            refs = [r for e in rules.clause(cid).elements for r in clauses_read(e.test)]
            out[cid] = 1 + max(map(stage, refs)) if refs else 0
        return out[cid]

    for c in rules.clauses:
        stage(c.id)
    return out


# v1: delete at the flip
def _value(v: Any) -> Any:
    """A literal or fact value as sent to durable-rules."""
    if isinstance(v, bool):
        return v
    if isinstance(v, dt.date):
        return v.year * 10000 + v.month * 100 + v.day
    return str(v)


# v1: delete at the flip
_NEGATED: Final = {Op.LT: "$gte", Op.LE: "$gt", Op.GT: "$lte", Op.GE: "$lt", Op.EQ: "$neq"}
_DIRECT: Final = {Op.LT: "$lt", Op.LE: "$lte", Op.GT: "$gt", Op.GE: "$gte"}


# v1: delete at the flip
def _cmp(op: Op, want: bool, name: str, value: Any) -> _Leaf:
    if want:
        return _leaf({name: value} if op is Op.EQ else {_DIRECT[op]: {name: value}})
    return _leaf({_NEGATED[op]: {name: value}})


# v1: delete at the flip
def _holds_one(name: str, values: list[str]) -> _Leaf:
    """The set holds at least one of ``values``."""
    if len(values) == 1:
        return _leaf({"$iany": {name: {"$i": values[0]}}})
    return _leaf({"$iany": {name: {"$or": [{"$i": v} for v in values]}}}, 1)


# v1: delete at the flip
def _holds_none(name: str, values: list[str]) -> _Leaf:
    """The (known) set holds none of ``values`` (its sentinel keeps it from being empty)."""
    if len(values) == 1:
        return _leaf({"$iall": {name: {"$neq": {"$i": values[0]}}}})
    return _leaf({"$iall": {name: {"$and": [{"$neq": {"$i": v}} for v in values]}}}, 1)


def _present(name: str) -> _Leaf:
    return _leaf({"$ex": {name: 1}})


# v1: delete at the flip
class _Translator:
    def __init__(self, rules: Ruleset) -> None:
        self.rules = rules
        self.memo: dict[tuple[str, bool], _F] = {}

    def clause(self, clause_id: str, want: bool) -> _F:
        key = (clause_id, want)
        if key not in self.memo:
            c = self.rules.clause(clause_id)
            self.memo[key] = self.node(c.holds_when, want, c)
        return self.memo[key]

    def node(self, n: Node, want: bool, clause: Clause | None) -> _F:
        if isinstance(n, Test):
            return self.test(n, want)
        if isinstance(n, Not):
            return self.node(n.item, not want, clause)
        if isinstance(n, All | AnyNode):
            items = [self.node(i, want, clause) for i in n.items]
            return _and(items) if isinstance(n, All) == want else _or(items)
        if isinstance(n, ClauseRef):  # decided in an earlier stage
            return _leaf({_clause_field(n.clause): "T" if want else "F"})
        assert isinstance(n, ElementRef) and clause is not None
        return self.node(clause.element(n.element).test, want, None)

    def test(self, t: Test, want: bool) -> _F:
        spec = FACTS[t.fact]
        name = field(t.fact)
        if t.op is Op.KNOWN:
            present = (t.value is True) == want
            return _leaf({"$ex" if present else "$nex": {name: 1}})
        if isinstance(t.value, FactRef):
            return self.fact_ref(t, want)
        if spec.kind is FactKind.ENUM_SET:
            values = sorted(t.value) if isinstance(t.value, frozenset) else [str(t.value)]
            if t.op is Op.CONTAINS_ALL:
                if want:
                    return _and([_holds_one(name, [v]) for v in values])
                return _or([_holds_none(name, [v]) for v in values])
            return _holds_one(name, values) if want else _holds_none(name, values)
        if t.op is Op.IN:
            assert isinstance(t.value, frozenset)
            values = sorted(t.value)
            if want:
                return _or([_leaf({name: v}) for v in values])
            return _and([_leaf({"$neq": {name: v}}) for v in values])
        return _cmp(t.op, want, name, _value(t.value))

    def fact_ref(self, t: Test, want: bool) -> _F:
        assert isinstance(t.value, FactRef)
        left, right = FACTS[t.fact], FACTS[t.value.path]
        a, b = field(left.path), field(right.path)
        guard = [_present(a), _present(b)]
        if left.kind is not FactKind.ENUM_SET:
            return _and([*guard, _cmp(t.op, want, a, {"$m": b})])
        assert left.enum is not None
        values = [m.value for m in left.enum]
        if right.kind is not FactKind.ENUM_SET:  # contains: the set holds the other fact's value
            test = _holds_one if want else _holds_none
            return _or([_and([_leaf({b: v}), test(a, [v])]) for v in values])
        if t.op is Op.CONTAINS_ANY:
            if want:
                return _or([_and([_holds_one(a, [v]), _holds_one(b, [v])]) for v in values])
            pairs = [_or([_holds_none(a, [v]), _holds_none(b, [v])]) for v in values]
            return _and([*guard, *pairs])
        if want:  # contains_all: every value of b is in a
            pairs = [_or([_holds_none(b, [v]), _holds_one(a, [v])]) for v in values]
            return _and([*guard, *pairs])
        return _or([_and([_holds_one(b, [v]), _holds_none(a, [v])]) for v in values])


@dataclasses.dataclass(frozen=True)
class Translation:
    """A ruleset as durable-rules rules: ``{rule name: condition}``, and what each rule means."""

    conditions: Mapping[str, Any]  # rule name -> the expression its one fact must match
    meaning: Mapping[str, tuple[str, bool]]  # rule name -> (clause id, TRUE or FALSE rail)
    fields: tuple[str, ...]  # v1: fact paths the rules read (only these are sent)
    stages: Mapping[str, int]  # clause id -> the stage that decides it
    #: v2: what the message holds, context by context (``None`` for a v1 ruleset)
    layout: _Context | None = None

    def definitions(
        self, action: Callable[[str], Callable[[Any], None]]
    ) -> dict[str, dict[str, Any]]:
        """One durable-rules ruleset definition per clause (``{clause id: {rule: …}}``), each
        rule running ``action(rule name)``."""
        out: dict[str, dict[str, Any]] = {}
        for name, cond in self.conditions.items():
            cid = self.meaning[name][0]
            out.setdefault(cid, {})[name] = {
                "all": [{"m": copy.deepcopy(cond)}],
                "run": action(name),
            }
        return out


def translate(rules: Ruleset) -> Translation:
    """Translate every clause of ``rules``; raise :class:`~rongcuo.errors.RulesError` listing every
    clause that durable-rules cannot express within its limits."""
    stages = _stages(rules)
    conditions: dict[str, Any] = {}
    meaning: dict[str, tuple[str, bool]] = {}
    problems: list[Problem] = []
    catalogue = rules.program.catalogue
    rail_of: Callable[[str, bool], _F]
    if catalogue is not None:
        tr2 = _Translator2(rules, catalogue)
        rail_of = tr2.clause
    else:  # v1: delete at the flip
        rail_of = _Translator(rules).clause
    rails: list[tuple[Clause, str, bool, _F]] = []
    for clause in rules.clauses:
        for want in (True, False):
            try:
                rails.append((clause, clause.id, want, rail_of(clause.id, want)))
            except _Untranslatable as exc:
                problems.append(_untranslatable(clause, clause.id, want, exc.args[0], exc.args[1]))
    if catalogue is not None:  # each quantifier's body, on the facts of its items
        for (name, want), body in tr2.bodies.items():
            rails.append((tr2.owners[name], name, want, body))
    for clause, owner, want, rail in rails:
        kind = "TRUE" if want else "FALSE"
        if rail == FALSE_F:  # never holds: no rule
            continue
        if _width(rail) > MAX_OPERANDS:
            problems.append(
                _untranslatable(
                    clause,
                    owner,
                    want,
                    f"has a connective of more than {MAX_OPERANDS} operands",
                    f"含有超过 {MAX_OPERANDS} 个运算对象的连接词",
                )
            )
            continue
        try:
            parts = _split(rail, [MAX_RULES_PER_RAIL])
        except _TooLarge:
            problems.append(
                _untranslatable(
                    clause,
                    owner,
                    want,
                    f"needs more than {MAX_RULES_PER_RAIL} durable-rules rules "
                    f"of at most {MAX_CONNECTIVES} connectives each",
                    f"需要超过 {MAX_RULES_PER_RAIL} 条 durable-rules 规则"
                    f"（每条至多 {MAX_CONNECTIVES} 个连接词）",
                )
            )
            continue
        for i, part in enumerate(parts):
            name = f"{owner}_{kind[0]}_{i}"
            head: list[Any] = [{"kind": MARKER}]
            if owner in stages:
                head.append({"stage": stages[owner]})
            conditions[name] = {"$and": [*head, *_and_items(part)]}
            meaning[name] = (owner, want)
    if catalogue is not None:
        layout = tr2.top
        count = max(c.properties() for c in layout.contexts())
        fields: tuple[str, ...] = ()
    else:  # v1: delete at the flip
        layout = None
        read: dict[str, None] = {}
        for clause in rules.clauses:
            for e in clause.elements:
                from ..rules.syntax import facts_read

                read.update(dict.fromkeys(facts_read(e.test)))
        count = len(read)
        fields = tuple(p for p in FACTS if p in read)
    if count + len(rules.clauses) + 4 > MAX_PROPERTIES:
        problems.append(
            Problem(
                "durable_untranslatable",
                f"the rules need {count} properties; durable-rules "
                f"takes at most {MAX_PROPERTIES} properties in one fact",
                message_zh=f"规则需要 {count} 个属性；durable-rules 的一个事实至多容纳 "
                f"{MAX_PROPERTIES} 个属性",
            )
        )
    if problems:
        raise RulesError(problems)
    return Translation(conditions, meaning, fields, stages, layout)


def _and_items(f: _F) -> list[Any]:
    return [_expr(i) for i in f.items] if isinstance(f, _And) else [_expr(f)]


def _untranslatable(clause: Clause, owner: str, want: bool, why: str, why_zh: str) -> Problem:
    """``owner``: the clause itself, or a quantifier in it (whose body has rails of its own)."""
    kind, kind_zh = ("TRUE", "真") if want else ("FALSE", "假")
    if owner == clause.id:
        rail, rail_zh = f"its {kind} rail", f"其{kind_zh}轨"
    else:
        rail, rail_zh = f"the {kind} rail of a quantifier in it", f"其中一个量词的{kind_zh}轨"
    return Problem(
        "durable_untranslatable",
        f"{clause.id} cannot be evaluated by durable-rules: {rail} {why}",
        clause.loc,
        "use the native backend for this ruleset",
        message_zh=f"{clause.id} 无法由 durable-rules 求值：{rail_zh}{why_zh}",
    )


# v1: delete at the flip
def message_of(filing: Filing, fields: tuple[str, ...]) -> dict[str, Any]:
    """The facts of ``filing`` as one durable-rules fact; unknown facts are left out."""
    out: dict[str, Any] = {}
    for path in fields:
        value = fact_getter(path)(filing)
        if value is None:
            continue
        kind = FACTS[path].kind
        if kind is FactKind.ENUM_SET:
            out[field(path)] = [SENTINEL, *sorted(str(v) for v in value)]
        elif kind is FactKind.TEXT:
            out[field(path)] = 1  # only ever tested for presence
        else:
            out[field(path)] = _value(value)
    return out


# --------------------------------------------------------------------------- filing model v2

UNKNOWN_MARK: Final = "~u"
"""A v2 fact's value in the message when it is unknown (never a value id: ids are snake_case)."""
NA_MARK: Final = "~n"
"""A v2 fact's value in the message when it is not applicable."""
MAX_PATTERN: Final = 2000
"""Characters of one ``$mt`` pattern; durable-rules refuses a ruleset with a pattern of a few
thousand (error 503), so a longer alternation is split into several patterns under an ``$or``."""

#: the truths of a list's items, as its owner's message holds them: a record's, the blank
#: record's (``b…``, when the list is not complete), and the end (``$iall`` never holds on [])
_ITEM_MARKS: Final = {True: "T", False: "F", None: "U"}
END_MARK: Final = "~"


class _Untranslatable(Exception):
    """A construct the v2 translation cannot give durable-rules: ``(why, why in Chinese)``,
    each completing "its TRUE rail …"."""


@dataclasses.dataclass(eq=False)
class _Context:
    """What one durable-rules fact holds: the filing's (``depth`` -1), or one item's of a
    quantifier's list (``depth``: the quantifier's nesting, 0 the outermost), asserted into the
    quantifier's own ruleset.

    Every property a rule reads there is here: the facts the tests read (a top-level fact read
    inside a quantifier is copied onto each item's fact, and a field of an outer quantifier's
    record onto each item of an inner one), and for each quantifier inside, the truths
    durable-rules found for its items.
    """

    depth: int
    scope: Scope
    #: property name -> the fact it holds (a top-level fact, or a field of a bound record)
    slots: dict[str, Ref] = dataclasses.field(default_factory=dict)
    #: quantifier variant -> the list of item truths it is folded from
    lists: dict[object, _List] = dataclasses.field(default_factory=dict)

    def contexts(self) -> Iterator[_Context]:
        """This context and every context of the lists below it."""
        yield self
        for lst in self.lists.values():
            yield from lst.item.contexts()

    def properties(self) -> int:
        """Properties of one fact of this context (a set or a date takes three)."""
        wide = (FactType.SET, FactType.DATE)
        return sum(3 if ref.decl.type in wide else 1 for ref in self.slots.values()) + len(
            self.lists
        )


@dataclasses.dataclass(eq=False)
class _List:
    """One quantifier (under one case of a split): the property of its owner's fact holding its
    item truths, the records it ranges over, and what each item's fact holds."""

    name: str
    records: Ref
    item: _Context


def _shape(node: object) -> object:
    """A node without its source locations: equal predicates written in two places (``not some
    act with private gain`` is in eight positives) share one list."""
    if isinstance(node, tuple):
        return tuple(_shape(n) for n in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        return (
            type(node).__name__,
            *(_shape(getattr(node, f.name)) for f in dataclasses.fields(node) if f.name != "loc"),
        )
    return node


def _slot_name(ref: Ref) -> str:
    """The property holding a fact: ``f_group__fact``, or ``r<depth>__field`` for a field of the
    record bound at that depth."""
    return field(ref.decl.path) if ref.top else f"r{ref.depth}__{ref.field}"


def _mark(value: Any) -> str:
    """An enum or bool value as the message writes it."""
    if value is None:
        return UNKNOWN_MARK
    if value is NA:
        return NA_MARK
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _pattern(values: Sequence[str]) -> str:
    return "(" + "|".join(values) + ")"


def _one_of(name: str, values: Sequence[str]) -> _F:
    """The property holds one of ``values`` (a regular expression, which durable-rules anchors at
    both ends; value ids and marks have no character a pattern reads specially)."""
    values = sorted(set(values))
    if not values:
        return FALSE_F
    if len(values) == 1:
        return _leaf({name: values[0]})
    return _or([_leaf({"$mt": {name: p}}) for p in _patterns(values)])


def _patterns(alternatives: Sequence[str]) -> list[str]:
    """``(a|b|…)`` patterns, each at most :data:`MAX_PATTERN` characters."""
    out: list[str] = []
    chunk: list[str] = []
    size = 2
    for a in alternatives:
        if chunk and size + len(a) + 1 > MAX_PATTERN:
            out.append(_pattern(chunk))
            chunk, size = [], 2
        chunk.append(a)
        size += len(a) + 1
    if chunk:
        out.append(_pattern(chunk))
    return out


def _item_match(values: Sequence[str]) -> Any:
    """A condition on an array item (``$i``) that it is one of ``values``."""
    values = sorted(set(values))
    if len(values) == 1:
        return {"$i": values[0]}
    patterns = _patterns(values)
    if len(patterns) > 1:
        raise _Untranslatable(
            "tests a set's items against more values than one pattern holds",
            "须将集合的项与超出一个模式容量的取值比较",
        )
    return {"$mt": {"$i": patterns[0]}}


def _date_int(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


#: a date comparison's TRUE rail (which end of the interval, which comparison) and FALSE rail
_DATE_RAILS: Final = {
    Op.BEFORE: (("__stop", "$lt"), ("__start", "$gte")),
    Op.AFTER: (("__start", "$gt"), ("__stop", "$lte")),
    Op.ON_OR_BEFORE: (("__stop", "$lte"), ("__start", "$gt")),
    Op.ON_OR_AFTER: (("__start", "$gte"), ("__stop", "$lt")),
}

#: a fact fixed by a case split: its position in the fact vector -> the value tried
Override = Mapping[int, Any]


class _Translator2:
    """The dual-rail translation of a v2 ruleset (docs/design-v2.md §3–§4, ``engine/ops.py``)."""

    def __init__(self, rules: Ruleset, catalogue: Catalogue) -> None:
        self.rules = rules
        self.catalogue = catalogue
        self.plans = rules.program.plans
        self.top = _Context(-1, ())
        self.memo: dict[tuple[str, bool], _F] = {}
        #: each quantifier's body rails, by its list's name and rail
        self.bodies: dict[tuple[str, bool], _F] = {}
        #: each list's name -> the clause it was first met in (for error locations)
        self.owners: dict[str, Clause] = {}
        self._clause: Clause | None = None
        self._lists = itertools.count()

    # -- clauses and elements

    def clause(self, clause_id: str, want: bool) -> _F:
        key = (clause_id, want)
        if key not in self.memo:
            c = self._clause = self.rules.clause(clause_id)
            self.memo[key] = self.combine(c.holds_when, want, c)
        return self.memo[key]

    def combine(self, n: Node, want: bool, clause: Clause) -> _F:
        if isinstance(n, ElementRef):
            return self.element(clause, n.element, want)
        if isinstance(n, Not):
            return self.combine(n.item, not want, clause)
        if isinstance(n, All | AnyNode):
            items = [self.combine(i, want, clause) for i in n.items]
            return _and(items) if isinstance(n, All) == want else _or(items)
        raise _Untranslatable(
            f"combines something other than elements: {n!r}", f"组合了要件以外的内容：{n!r}"
        )

    def element(self, clause: Clause, element_id: str, want: bool) -> _F:
        """An element's rail; exact (design §4) where the loader marked it for a case split.

        The case split as durable-rules conditions: the element holds (fails) when Kleene says
        so, or when each fact it splits on has a value that is split and the element holds
        (fails) on every case of those values — each case the element's rail with those facts
        fixed, so that every test on them folds to a constant at translation.
        """
        test = clause.element(element_id).test
        base = self.node(test, want, self.top, {})
        plan = self.plans.get((clause.id, element_id))
        if not plan:
            return base
        if any(isinstance(n, ClauseRef) for n in walk(test)):
            raise _Untranslatable(
                f"splits element {element_id} on cases, and it refers to a clause, whose truth "
                "durable-rules has only for the filing itself",
                f"按情形拆分要件 {element_id}，而该要件引用了条款；durable-rules 只有该条款"
                "对申请本身的真值",
            )
        branches: list[_F] = [base]
        facts = [(index, cases, self.catalogue.paths[index]) for index, cases in plan]
        # each split fact: one of the values it is split on, or any other (not split)
        choices = [[*cases.items(), None] for _, cases, _ in facts]
        for combo in itertools.product(*choices):
            if all(c is None for c in combo):
                continue  # nothing split: Kleene's answer, ``base``
            conditions: list[_F] = []
            options: list[list[tuple[int, Any]]] = []
            for (index, cases, path), choice in zip(facts, combo, strict=True):
                ref = Ref(self.catalogue.decl.facts[path], index=index)
                name = self._slot(self.top, ref)
                if choice is None:
                    marks = [_mark(v) for v in cases]
                    conditions.append(_and([_leaf({"$neq": {name: m}}) for m in marks]))
                else:
                    value, tried = choice
                    conditions.append(_leaf({name: _mark(value)}))
                    options.append([(index, o) for o in tried])
            every_case = [
                self.node(test, want, self.top, dict(case)) for case in itertools.product(*options)
            ]
            branches.append(_and([*conditions, *every_case]))
        return _or(branches)

    # -- predicates

    def _slot(self, ctx: _Context, ref: Ref) -> str:
        name = _slot_name(ref)
        ctx.slots.setdefault(name, ref)
        return name

    def node(self, n: Node, want: bool, ctx: _Context, fixed: Override) -> _F:
        if isinstance(n, Test):
            return self.test(n, want, ctx, fixed)
        if isinstance(n, Not):
            return self.node(n.item, not want, ctx, fixed)
        if isinstance(n, All | AnyNode):
            items = [self.node(i, want, ctx, fixed) for i in n.items]
            return _and(items) if isinstance(n, All) == want else _or(items)
        if isinstance(n, SameKind):
            return self.same_kind(n, want, ctx, fixed)
        if isinstance(n, Quantifier):
            return self.quantifier(n, want, ctx, fixed)
        if isinstance(n, ClauseRef):  # decided in an earlier stage (never inside a quantifier)
            return _leaf({_clause_field(n.clause): "T" if want else "F"})
        raise _Untranslatable(
            f"has an element reference outside holds_when: {n!r}",
            f"在 holds_when 之外引用了要件：{n!r}",
        )

    def quantifier(self, q: Quantifier, want: bool, ctx: _Context, fixed: Override) -> _F:
        """``some``/``every`` folded by durable-rules from the truths of the list's items.

        Each item — each record, then a blank record (every field unknown) when the list is not
        complete — is one fact asserted into the quantifier's own ruleset, whose rules are the
        body's two rails (``where: W`` folded in: ``W and T`` under ``some``, ``not W or T``
        under ``every``); the rails that fired make the item's truth. The owner's fact holds
        the truths (``T``/``F``/``U``, ``bT``/``bF``/``bU`` for the blank, ``~`` at the end),
        and the fold is ``$iany``/``$iall`` over them (design §3–§4, ``ops.some``/``ops.every``):
        ``some`` holds if a record holds, fails if every item fails, the blank included;
        ``every`` fails if a record fails, holds if every item holds.

        (Not a condition over an array of records with ``$iany``: durable-rules 2.0.28 evaluates
        an ``$or`` over two properties of an array's item by the last of them the item has, so
        ``$iany``/``$iall`` are only ever applied here to arrays of plain values.)
        """
        records = self.catalogue.resolve(q.of, ctx.scope)
        inner_scope: Scope = (*ctx.scope, (q.name, records.decl))
        read = {r.index for r in reads(q, ctx.scope, self.catalogue) if r.top and r.index in fixed}
        key = (_shape(q), tuple(sorted((i, fixed[i]) for i in read)))
        found = ctx.lists.get(key)
        if found is None:
            found = ctx.lists[key] = _List(
                f"q{next(self._lists)}", records, _Context(len(ctx.scope), inner_scope)
            )
            assert self._clause is not None
            self.owners[found.name] = self._clause
            some = q.kind is QuantifierKind.SOME
            for rail in (True, False):
                that = self.node(q.that, rail, found.item, fixed)
                if q.where is not None:
                    w = self.node(q.where, rail if some else not rail, found.item, fixed)
                    that = _and([w, that]) if some == rail else _or([w, that])
                self.bodies[found.name, rail] = that
        if (q.kind is QuantifierKind.SOME) == want:  # some TRUE, every FALSE: a record so
            return _leaf({"$iany": {found.name: {"$i": _ITEM_MARKS[want]}}})
        mark = _ITEM_MARKS[want]
        return _leaf({"$iall": {found.name: _item_match([mark, "b" + mark, END_MARK])}})

    def test(self, t: Test, want: bool, ctx: _Context, fixed: Override) -> _F:
        cat = self.catalogue
        ref = cat.resolve(t.fact, ctx.scope)
        decl = ref.decl
        if isinstance(t.value, FactRef):
            return self.after_fact(t, want, ctx, ref)
        if ref.top and ref.index in fixed:  # a case of a split: the test is a constant
            truth = cat.unary(t, decl)(fixed[ref.index])
            return TRUE_F if truth == (ops.TRUE if want else ops.FALSE) else FALSE_F
        name = self._slot(ctx, ref)
        op, kind = t.op, decl.type
        if op is Op.KNOWN:
            known = _leaf({"$neq": {name: UNKNOWN_MARK}})
            return known if (t.value is True) == want else _leaf({name: UNKNOWN_MARK})
        if op is Op.NA:
            applicable = _one_of(name, self._known_marks(decl))
            return _leaf({name: NA_MARK}) if (t.value is True) == want else applicable
        if kind is FactType.BOOL:
            mark = _mark(bool(t.value))
            return _leaf({name: mark}) if want else _one_of(name, [_mark(not t.value), NA_MARK])
        if kind is FactType.ENUM:
            table = cat.within(decl, t.value)
            truth = ops.TRUE if want else ops.FALSE
            marks = [_mark(v) for v, x in table.items() if x == truth]
            return _one_of(name, marks if want else [*marks, NA_MARK])
        if kind is FactType.SET and decl.family is not None:
            return self.set_test(t, want, name, decl.family)
        if kind is FactType.DATE and isinstance(t.value, dt.date):
            (end_t, cmp_t), (end_f, cmp_f) = _DATE_RAILS[op]
            bound = _date_int(t.value)
            if want:
                return _leaf({cmp_t: {name + end_t: bound}})
            return _or([_leaf({name: NA_MARK}), _leaf({cmp_f: {name + end_f: bound}})])
        raise _Untranslatable(
            f"has no v2 translation for {op.value!r} on a {kind.value} fact",
            f"{kind.value} 类事实上的 {op.value!r} 没有 v2 译法",
        )

    def _known_marks(self, decl: FactDecl) -> list[str]:
        """What the message may hold for a fact that is known and applicable."""
        if decl.type is FactType.BOOL:
            return ["true", "false"]
        if decl.type is FactType.ENUM and decl.family is not None:
            return list(self.catalogue.leaves(decl.family))
        return ["k"]

    def set_test(self, t: Test, want: bool, name: str, family: str) -> _F:
        """A partial set is sent as ``__yes``, for each value known in it the leaves it may still
        be ({``l``: [...]}), and ``__may``, every leaf it may still hold (behind a sentinel).

        ``contains F`` holds when some ``yes`` value may only be leaves within F, and fails when
        no leaf the set may hold is within F; ``empty`` holds when it may hold no leaf, and fails
        when it holds some value (``ops.contains``/``ops.empty``).
        """
        leaves = self.catalogue.leaves(family)
        every = sorted(frozenset().union(*leaves.values()))
        yes, may = name + "__yes", name + "__may"
        if t.op in (Op.CONTAINS, Op.CONTAINS_ANY):
            targets = [t.value] if isinstance(t.value, str) else sorted(cast(Any, t.value))
            hit = ops.set_test(leaves, targets).hit
            if want:
                if not hit:
                    return FALSE_F
                return _leaf({"$iany": {yes: {"$iall": {"$i.l": _item_match(sorted(hit))}}}})
            outside = [SENTINEL, NA_MARK, *(v for v in every if v not in hit)]
            return _leaf({"$iall": {may: _item_match(outside)}})
        if t.op is Op.EMPTY:
            holds_some = _leaf({"$iany": {yes: {"$ex": {"$i.l": 1}}}})
            holds_none = _leaf({"$iall": {may: {"$i": SENTINEL}}})
            not_applicable = _leaf({name: NA_MARK})
            holds, fails = (holds_none, holds_some) if t.value is True else (holds_some, holds_none)
            return holds if want else _or([fails, not_applicable])
        raise _Untranslatable(
            f"has no v2 translation for {t.op.value!r} on a set fact",
            f"集合事实上的 {t.op.value!r} 没有 v2 译法",
        )

    def after_fact(self, t: Test, want: bool, ctx: _Context, ref: Ref) -> _F:
        """``after_fact`` (top-level facts only): a comparison of two properties, guarded by
        ``$ex`` since durable-rules holds it when the other property is missing."""
        other = self.catalogue.resolve(cast(FactRef, t.value).path, ctx.scope)
        if t.op is not Op.AFTER_FACT:
            raise _Untranslatable(
                f"has no v2 translation for {t.op.value!r} of two facts",
                f"两个事实之间的 {t.op.value!r} 没有 v2 译法",
            )
        x, y = self._slot(ctx, ref), self._slot(ctx, other)
        if want:  # every day of x after every day of y
            guard = [_present(x + "__start"), _present(y + "__stop")]
            return _and([*guard, _leaf({"$gt": {x + "__start": {"$m": y + "__stop"}}})])
        guard = [_present(x + "__stop"), _present(y + "__start")]
        return _or(
            [
                _leaf({x: NA_MARK}),
                _leaf({y: NA_MARK}),
                _and([*guard, _leaf({"$lte": {x + "__stop": {"$m": y + "__start"}}})]),
            ]
        )

    def same_kind(self, n: SameKind, want: bool, ctx: _Context, fixed: Override) -> _F:
        """同类, by its table of pairs (``ops.same_kind_table``): the values whose rows are alike
        make one group, and the rail is ``or`` over the groups of ``left`` one of the group's
        values ``and right`` one of the values the group's row gives the wanted truth for (a
        rail too wide for one rule is split into rules by the ``or``)."""
        cat = self.catalogue
        left, right = cat.resolve(n.left, ctx.scope), cat.resolve(n.right, ctx.scope)
        table = cat.same_kind(left.decl, right.decl)
        rows: list[object] = [*table, NA]
        cols: list[object] = [*table, NA]
        fixed_left = left.top and left.index in fixed
        fixed_right = right.top and right.index in fixed
        if fixed_left:
            rows = [fixed[left.index]]
        if fixed_right:
            cols = [fixed[right.index]]
        goal = ops.TRUE if want else ops.FALSE
        groups: dict[tuple[str, ...], list[str]] = {}
        for x in rows:
            row = table.get(x, {})
            hits = tuple(sorted(_mark(y) for y in cols if row.get(y, ops.FALSE) == goal))
            if hits:
                groups.setdefault(hits, []).append(_mark(x))
        x_name = "" if fixed_left else self._slot(ctx, left)
        y_name = "" if fixed_right else self._slot(ctx, right)
        return _or(
            [
                _and(
                    [
                        TRUE_F if fixed_left else _one_of(x_name, xs),
                        TRUE_F if fixed_right else _one_of(y_name, list(ys)),
                    ]
                )
                for ys, xs in sorted(groups.items())
            ]
        )


def _encode(name: str, decl: FactDecl, value: Any, leaves: Mapping[str, frozenset[str]]) -> Any:
    """A v2 fact's properties in the message (see :class:`_Translator2`): a mark for unknown or
    not applicable, else the value (an enum's id, ``true``/``false``), or ``k`` with the parts a
    date or a set is tested on."""
    kind = decl.type
    if value is None or value is NA:
        out: dict[str, Any] = {name: _mark(value)}
        if kind is FactType.SET:
            every = sorted(frozenset().union(*leaves.values()))
            out[name + "__yes"] = []
            out[name + "__may"] = [SENTINEL, *every] if value is None else [SENTINEL, NA_MARK]
        return out
    if kind in (FactType.BOOL, FactType.ENUM):
        return {name: _mark(value)}
    if kind is FactType.DATE:
        return {
            name: "k",
            name + "__start": _date_int(value.start),
            name + "__stop": _date_int(value.stop),
        }
    if kind is FactType.SET:
        out_ = frozenset().union(*(leaves.get(v, frozenset()) for v in value.no))
        below = [leaves.get(v, frozenset()) for v in value.yes]
        may = frozenset().union(*below) if value.complete else frozenset().union(*leaves.values())
        return {
            name: "k",
            name + "__yes": [{"l": sorted(b - out_)} for b in sorted(below, key=sorted)],
            name + "__may": [SENTINEL, *sorted(may - out_)],
        }
    return {name: "k"}  # text, records: only ever tested for being known


def _message_v2(
    ctx: _Context,
    catalogue: Catalogue,
    vector: tuple[Any, ...],
    bound: tuple[Any, ...],
    judge: Callable[[str, dict[str, Any]], str],
) -> dict[str, Any]:
    """The properties of one fact: the filing's, or one item's of a list. ``judge(list, fact)``
    asserts an item's fact into the list's ruleset and gives the truth its rails make."""
    out: dict[str, Any] = {}

    def read(ref: Ref) -> Any:
        return vector[ref.index] if ref.top else getattr(bound[ref.depth], ref.field)

    for name, ref in ctx.slots.items():
        family = ref.decl.family
        leaves = catalogue.leaves(family) if family is not None else {}
        out.update(_encode(name, ref.decl, read(ref), leaves))
    for lst in ctx.lists.values():
        value = read(lst.records)
        if value is NA:  # the declaration refuses na: on records
            raise ValueError(f"{lst.records.decl.path}: a records fact is never not applicable")
        items, complete = ((), False) if value is None else (value.items, value.complete)
        marks = [
            judge(lst.name, _message_v2(lst.item, catalogue, vector, (*bound, r), judge))
            for r in items
        ]
        if not complete:
            blank = _message_v2(lst.item, catalogue, vector, (*bound, BLANK), judge)
            marks.append("b" + judge(lst.name, blank))
        marks.append(END_MARK)
        out[lst.name] = marks
    return out


# --------------------------------------------------------------------------- evaluation


class DurableProgram:
    """A ruleset running on durable-rules. Thread-safe; one session id per thread."""

    _names = itertools.count(1)

    def __init__(self, rules: Ruleset) -> None:
        self.translation = translate(rules)
        self.order = rules.program.order
        self._catalogue = rules.program.catalogue
        try:
            from durable import engine
        except ImportError:
            raise backend_unavailable(
                "durable-rules",
                feature="the durable backend",
                feature_zh="durable 后端",
                extra="durable",
            ) from None

        class _Host(engine.Host):  # type: ignore[misc]
            def _run(self) -> None:  # no background dispatch: actions run in the caller's thread
                return None

        self._engine = engine
        self._local = threading.local()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._host, self.names = self._create(_Host, rules)

    def _create(self, host_type: Any, rules: Ruleset) -> tuple[Any, dict[str, str]]:
        """Create the durable-rules rulesets. Once (in some seventy runs) creating them failed
        with error 102 and could not be reproduced; the C core is known to have memory-safety
        bugs, so a failed creation is tried once more, under new names, before giving up."""
        import durable_rules_engine  # type: ignore[import-not-found]

        failure: Exception | None = None
        for _ in range(2):
            prefix = f"rongcuo_{rules.digest[:16]}_{next(self._names)}"
            definitions = self.translation.definitions(self._action)
            names = {cid: f"{prefix}_{cid}" for cid in definitions}
            host = host_type()
            try:
                host.register_rulesets({names[c]: d for c, d in definitions.items()})
            except durable_rules_engine.error as exc:
                failure = exc
                continue
            return host, names
        raise RuntimeError(f"durable-rules could not create the rulesets: {failure}")

    def _action(self, rule: str) -> Callable[[Any], None]:
        def fired(c: Any) -> None:
            self._local.fired.append(rule)

        return fired

    def fire(self, clause_id: str, fact: dict[str, Any]) -> list[str]:
        """Assert one fact into a clause's ruleset, collect the names of every rule that fired,
        retract it."""
        name = self.names[clause_id]
        fact = {**fact, "kind": MARKER, "sid": f"thread-{threading.get_ident()}"}
        suppress = contextlib.suppress(self._engine.MessageNotHandledException)
        with self._lock:
            fact["id"] = next(self._ids)
            self._local.fired = []
            with suppress:  # not handled: no rule matched
                self._host.assert_fact(name, fact)
            with suppress:
                self._host.retract_fact(name, fact)
            out: list[str] = self._local.fired
        return out

    def _judge(self, owner: str, fact: dict[str, Any]) -> str:
        """v2: the truth of one item of a list: which of its body's rails fired on its fact."""
        if owner not in self.names:  # neither rail can hold
            return _ITEM_MARKS[None]
        fired = {self.translation.meaning[n][1] for n in self.fire(owner, fact)}
        if len(fired) > 1:  # both rails of one body: the translation is wrong
            raise RuntimeError(f"durable backend: both rails of {owner} fired")
        return _ITEM_MARKS[next(iter(fired), None)]

    def values(self, filing: Filing) -> dict[str, Truth]:
        """Every clause's truth, in ruleset order."""
        layout = self.translation.layout
        if layout is not None:
            assert self._catalogue is not None
            base = _message_v2(layout, self._catalogue, vector_of(filing), (), self._judge)
        else:  # v1: delete at the flip
            base = message_of(filing, self.translation.fields)
        derived: dict[str, str] = {}
        rails: set[tuple[str, bool]] = set()
        stages = self.translation.stages
        for stage in range(1 + max(stages.values(), default=0)):
            fact = {**base, **derived, "stage": stage}
            for cid in self.order:
                if stages[cid] == stage and cid in self.names:
                    rails.update(self.translation.meaning[n] for n in self.fire(cid, fact))
            for cid, want in rails:
                derived[_clause_field(cid)] = "T" if want else "F"
        out: dict[str, Truth] = {}
        for cid in self.order:
            true, false = (cid, True) in rails, (cid, False) in rails
            if true and false:  # both rails of one clause: the translation is wrong
                raise RuntimeError(f"durable backend: both rails of {cid} fired")
            out[cid] = Truth.TRUE if true else Truth.FALSE if false else Truth.UNKNOWN
        return out


_PROGRAMS: dict[str, DurableProgram] = {}
_PROGRAMS_LOCK = threading.Lock()


def durable_program(rules: Ruleset) -> DurableProgram:
    """The durable-rules program for ``rules``, created once per ruleset digest and process."""
    with _PROGRAMS_LOCK:
        program = _PROGRAMS.get(rules.digest)
        if program is None:
            program = _PROGRAMS[rules.digest] = DurableProgram(rules)
        return program


def durable_values(filing: Filing, rules: Ruleset) -> dict[str, Truth]:
    """``backend="durable"``: every clause's truth by the durable-rules program of ``rules``."""
    return durable_program(rules).values(filing)


def durable_truths(rules: Ruleset, filings: Sequence[Any]) -> list[dict[str, str]]:
    """For each filing, the durable backend's clause truths (``{clause id: "true" | "false" |
    "unknown"}``). A v2 filing may be given as its fact vector (a tuple), as for a ruleset
    whose facts declaration has no generated model. Meant, like :func:`durable_results`, to run
    in a child process."""
    program = durable_program(rules)
    return [{cid: v.value for cid, v in program.values(f).items()} for f in filings]


def durable_results(
    rules: Ruleset | None, filings: Sequence[Filing], *, threads: int = 1
) -> list[tuple[dict[str, str], str]]:
    """For each filing, the durable backend's clause truths and verdict JSON (``rules`` defaults to
    the bundled ruleset), computed by ``threads`` threads at once.

    Meant to run in a child process (arguments and results pickle), so that a crash in the
    durable-rules C extension fails the caller instead of killing it.
    """
    from concurrent.futures import ThreadPoolExecutor

    from ..engine.decide import evaluate
    from ..rules.load import bundled_ruleset

    ruleset = rules if rules is not None else bundled_ruleset()
    program = durable_program(ruleset)

    def one(f: Filing) -> tuple[dict[str, str], str]:
        values = {cid: v.value for cid, v in program.values(f).items()}
        return values, evaluate(f, rules=ruleset, backend="durable").to_json()

    if threads <= 1:
        return [one(f) for f in filings]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, filings))
