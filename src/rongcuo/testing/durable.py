"""durable-rules as an independent second evaluator of the same YAML predicates.

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
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import itertools
import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from ..engine.evaluate import Truth, fact_getter
from ..errors import Problem, RulesError, backend_unavailable
from ..facts.kinds import AnyFiling as Filing
from ..facts.model import FACTS, FactKind
from ..rules.ruleset import Ruleset
from ..rules.syntax import All, Clause, ClauseRef, ElementRef, FactRef, Node, Not, Op, Test
from ..rules.syntax import Any as AnyNode

__all__ = [
    "MAX_CONNECTIVES",
    "MAX_RULES_PER_RAIL",
    "DurableProgram",
    "Translation",
    "durable_program",
    "durable_results",
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


def _and(items: list[_F]) -> _F:
    flat: dict[_F, None] = {}
    for i in items:
        for j in i.items if isinstance(i, _And) else (i,):
            flat[j] = None
    return next(iter(flat)) if len(flat) == 1 else _And(tuple(flat))


def _or(items: list[_F]) -> _F:
    flat: dict[_F, None] = {}
    for i in items:
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


def _value(v: Any) -> Any:
    """A literal or fact value as sent to durable-rules."""
    if isinstance(v, bool):
        return v
    if isinstance(v, dt.date):
        return v.year * 10000 + v.month * 100 + v.day
    return str(v)


_NEGATED: Final = {Op.LT: "$gte", Op.LE: "$gt", Op.GT: "$lte", Op.GE: "$lt", Op.EQ: "$neq"}
_DIRECT: Final = {Op.LT: "$lt", Op.LE: "$lte", Op.GT: "$gt", Op.GE: "$gte"}


def _cmp(op: Op, want: bool, name: str, value: Any) -> _Leaf:
    if want:
        return _leaf({name: value} if op is Op.EQ else {_DIRECT[op]: {name: value}})
    return _leaf({_NEGATED[op]: {name: value}})


def _holds_one(name: str, values: list[str]) -> _Leaf:
    """The set holds at least one of ``values``."""
    if len(values) == 1:
        return _leaf({"$iany": {name: {"$i": values[0]}}})
    return _leaf({"$iany": {name: {"$or": [{"$i": v} for v in values]}}}, 1)


def _holds_none(name: str, values: list[str]) -> _Leaf:
    """The (known) set holds none of ``values`` (its sentinel keeps it from being empty)."""
    if len(values) == 1:
        return _leaf({"$iall": {name: {"$neq": {"$i": values[0]}}}})
    return _leaf({"$iall": {name: {"$and": [{"$neq": {"$i": v}} for v in values]}}}, 1)


def _present(name: str) -> _Leaf:
    return _leaf({"$ex": {name: 1}})


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
    fields: tuple[str, ...]  # fact paths the rules read (only these are sent)
    stages: Mapping[str, int]  # clause id -> the stage that decides it

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
    tr = _Translator(rules)
    stages = _stages(rules)
    conditions: dict[str, Any] = {}
    meaning: dict[str, tuple[str, bool]] = {}
    problems: list[Problem] = []
    for clause in rules.clauses:
        for want in (True, False):
            rail = tr.clause(clause.id, want)
            kind = "TRUE" if want else "FALSE"
            if _width(rail) > MAX_OPERANDS:
                problems.append(
                    _untranslatable(
                        clause,
                        f"its {kind} rail has a connective of more than {MAX_OPERANDS} operands",
                    )
                )
                continue
            try:
                parts = _split(rail, [MAX_RULES_PER_RAIL])
            except _TooLarge:
                problems.append(
                    _untranslatable(
                        clause,
                        f"its {kind} rail needs more than {MAX_RULES_PER_RAIL} durable-rules rules "
                        f"of at most {MAX_CONNECTIVES} connectives each",
                    )
                )
                continue
            for i, part in enumerate(parts):
                name = f"{clause.id}_{kind[0]}_{i}"
                head = [{"kind": MARKER}, {"stage": stages[clause.id]}]
                conditions[name] = {"$and": [*head, *_and_items(part)]}
                meaning[name] = (clause.id, want)
    reads: dict[str, None] = {}
    for clause in rules.clauses:
        for e in clause.elements:
            from ..rules.syntax import facts_read

            reads.update(dict.fromkeys(facts_read(e.test)))
    if len(reads) + len(rules.clauses) + 4 > MAX_PROPERTIES:
        problems.append(
            Problem(
                "durable_untranslatable",
                f"the rules read {len(reads)} facts; durable-rules "
                f"takes at most {MAX_PROPERTIES} properties in one fact",
            )
        )
    if problems:
        raise RulesError(problems)
    fields = tuple(p for p in FACTS if p in reads)
    return Translation(conditions, meaning, fields, stages)


def _and_items(f: _F) -> list[Any]:
    return [_expr(i) for i in f.items] if isinstance(f, _And) else [_expr(f)]


def _untranslatable(clause: Clause, why: str) -> Problem:
    return Problem(
        "durable_untranslatable",
        f"{clause.id} cannot be evaluated by durable-rules: {why}",
        clause.loc,
        "use the native backend for this ruleset",
    )


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


# --------------------------------------------------------------------------- evaluation


class DurableProgram:
    """A ruleset running on durable-rules. Thread-safe; one session id per thread."""

    _names = itertools.count(1)

    def __init__(self, rules: Ruleset) -> None:
        self.translation = translate(rules)
        self.order = rules.program.order
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

    def values(self, filing: Filing) -> dict[str, Truth]:
        """Every clause's truth, in ruleset order."""
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
