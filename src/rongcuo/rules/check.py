"""Static checks of a rule tree against the filing model.

Run while a ruleset loads, never while it evaluates: a fact path that does not exist, an
operator that does not fit a fact's type, a value outside an enumeration, a phrase that is not in
its clause's text, a reference to a missing clause or a cycle of references all stop the load.
Each check returns :class:`~rongcuo.errors.Problem` values; the loader collects and raises them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from ..errors import Location, Problem, suggest
from ..facts.model import FACTS, FactKind, FactSpec
from .syntax import (
    Clause,
    ClauseRef,
    ElementRef,
    FactRef,
    Node,
    Op,
    Test,
    Value,
    walk,
)

__all__ = ["OPERATORS", "check_clauses", "typed_test"]

#: Which operators fit which kind of fact.
OPERATORS: Mapping[FactKind, frozenset[Op]] = {
    FactKind.BOOL: frozenset({Op.EQ, Op.KNOWN}),
    FactKind.ENUM: frozenset({Op.EQ, Op.IN, Op.KNOWN}),
    FactKind.ENUM_SET: frozenset({Op.CONTAINS, Op.CONTAINS_ANY, Op.CONTAINS_ALL, Op.KNOWN}),
    FactKind.DATE: frozenset({Op.EQ, Op.LT, Op.LE, Op.GT, Op.GE, Op.KNOWN}),
    FactKind.TEXT: frozenset({Op.KNOWN}),
}

_SET_OPS = frozenset({Op.IN, Op.CONTAINS_ANY, Op.CONTAINS_ALL})


def fact_spec(path: str, loc: Location, problems: list[Problem]) -> FactSpec | None:
    spec = FACTS.get(path)
    if spec is None:
        problems.append(
            Problem(
                "rules_unknown_fact",
                f"the filing model has no fact {path!r}",
                loc,
                suggest(path, FACTS) or "see docs/facts.md for every fact path",
            )
        )
    return spec


def typed_test(
    fact: str, op: Op, raw: object, loc: Location, problems: list[Problem]
) -> Test | None:
    """Build a :class:`Test`, converting the literal to the fact's type, or report why not."""
    spec = fact_spec(fact, loc, problems)
    if spec is None:
        return None
    allowed = OPERATORS[spec.kind]
    if op not in allowed:
        problems.append(
            Problem(
                "rules_operator_type",
                f"operator {op.value!r} does not fit {fact!r}, a {spec.kind.value} fact",
                loc,
                "use one of: " + ", ".join(sorted(o.value for o in allowed)),
            )
        )
        return None
    if op is Op.KNOWN:
        if not isinstance(raw, bool):
            problems.append(Problem("rules_value_type", "known takes true or false", loc))
            return None
        return Test(fact, op, raw, loc)
    if isinstance(raw, FactRef):
        return _fact_ref_test(spec, op, raw, loc, problems)
    value = _literal(spec, op, raw, loc, problems)
    return None if value is None else Test(fact, op, value, loc)


def _fact_ref_test(
    spec: FactSpec, op: Op, ref: FactRef, loc: Location, problems: list[Problem]
) -> Test | None:
    other = fact_spec(ref.path, loc, problems)
    if other is None:
        return None
    fits = (op is Op.EQ and other.kind is spec.kind and other.enum is spec.enum) or (
        op in (Op.CONTAINS, Op.CONTAINS_ANY, Op.CONTAINS_ALL)
        and other.enum is spec.enum
        and other.kind is (FactKind.ENUM if op is Op.CONTAINS else FactKind.ENUM_SET)
    )
    if spec.kind is FactKind.DATE and other.kind is FactKind.DATE and op in OPERATORS[spec.kind]:
        fits = True
    if not fits:
        problems.append(
            Problem(
                "rules_value_type",
                f"{spec.path!r} {op.value} {other.path!r}: the two facts' types do not fit",
                loc,
            )
        )
        return None
    return Test(spec.path, op, ref, loc)


def _literal(
    spec: FactSpec, op: Op, raw: object, loc: Location, problems: list[Problem]
) -> Value | None:
    if spec.kind is FactKind.BOOL:
        if isinstance(raw, bool):
            return raw
        problems.append(Problem("rules_value_type", f"{spec.path!r} is true or false", loc))
        return None
    if spec.kind is FactKind.DATE:
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        problems.append(
            Problem("rules_value_type", f"{spec.path!r} compares with a date YYYY-MM-DD", loc)
        )
        return None
    assert spec.enum is not None  # ENUM and ENUM_SET always carry their enumeration
    known = {m.value for m in spec.enum}
    wants_list = op in _SET_OPS
    if wants_list:
        if not isinstance(raw, list) or not raw:
            problems.append(
                Problem("rules_value_type", f"{op.value} takes a non-empty list of values", loc)
            )
            return None
        items = raw
    else:
        if isinstance(raw, list):
            problems.append(
                Problem(
                    "rules_value_type",
                    f"{op.value} takes one value, not a list",
                    loc,
                    "use in / contains_any / contains_all for several values",
                )
            )
            return None
        items = [raw]
    good: list[str] = []
    for item in items:
        if not isinstance(item, str) or item not in known:
            problems.append(
                Problem(
                    "rules_enum_value",
                    f"{item!r} is not a value of {spec.path!r} ({spec.enum.__name__})",
                    loc,
                    suggest(str(item), known) or "values: " + ", ".join(sorted(known)),
                )
            )
        else:
            good.append(item)
    if len(good) != len(items):
        return None
    return frozenset(good) if wants_list else good[0]


# --------------------------------------------------------------------------- clause-level checks


def check_clauses(clauses: Sequence[Clause]) -> list[Problem]:
    """Checks that need the whole ruleset: ids, phrases, references, cycles, catch-alls."""
    problems: list[Problem] = []
    by_id: dict[str, Clause] = {}
    for clause in clauses:
        if clause.id in by_id:
            first = by_id[clause.id].loc
            problems.append(
                Problem(
                    "rules_duplicate_id",
                    f"clause {clause.id} is defined twice (first at {first.file}:{first.line})",
                    clause.loc,
                )
            )
            continue
        by_id[clause.id] = clause
    for clause in by_id.values():
        problems.extend(_check_clause(clause, by_id))
    problems.extend(_check_cycles(by_id))
    return problems


def _check_clause(clause: Clause, by_id: Mapping[str, Clause]) -> Iterable[Problem]:
    for element in clause.elements:
        for phrase in element.phrases:
            if phrase not in clause.text:
                yield Problem(
                    "rules_phrase_not_in_text",
                    f"{clause.id}/{element.id}: the phrase {phrase!r} is not in the clause text",
                    element.loc,
                    "quote the clause's words exactly, full-width punctuation included",
                )
        for node in walk(element.test):
            if isinstance(node, ClauseRef) and node.clause not in by_id:
                yield Problem(
                    "rules_unknown_clause",
                    f"{clause.id}/{element.id} refers to {node.clause}, which does not exist",
                    node.loc,
                    suggest(node.clause, by_id),
                )
            if isinstance(node, Test):
                yield from _check_determination_use(clause, node)
    ids = [e.id for e in clause.elements]
    used = {n.element for n in walk(clause.holds_when) if isinstance(n, ElementRef)}
    for ref in (n for n in walk(clause.holds_when) if isinstance(n, ElementRef)):
        if ref.element not in ids:
            yield Problem(
                "rules_unknown_element",
                f"{clause.id}: holds_when names element {ref.element!r}, which it does not define",
                ref.loc,
                suggest(ref.element, ids),
            )
    for element in clause.elements:
        if element.id not in used:
            yield Problem(
                "rules_unknown_element",
                f"{clause.id}/{element.id} is defined but holds_when never uses it",
                element.loc,
                "every element of the wording must take part in the clause's truth",
            )
    if clause.catch_all:
        reads = {p for e in clause.elements for p in _facts(e.test)}
        own = f"determinations.{clause.id}."
        if not reads or any(not p.startswith(own) for p in reads):
            yield Problem(
                "rules_catch_all",
                f"{clause.id} is a catch-all: it may only read its own determination ({own}*)",
                clause.loc,
            )


def _facts(node: Node) -> Iterable[str]:
    for n in walk(node):
        if isinstance(n, Test):
            yield n.fact
            if isinstance(n.value, FactRef):
                yield n.value.path


def _check_determination_use(clause: Clause, test: Test) -> Iterable[Problem]:
    paths = [test.fact] + ([test.value.path] if isinstance(test.value, FactRef) else [])
    for path in paths:
        if path.startswith("determinations.") and not (
            clause.catch_all and path.startswith(f"determinations.{clause.id}.")
        ):
            yield Problem(
                "rules_catch_all",
                f"{clause.id} reads {path}: only a catch-all clause may read a determination, "
                "and only its own",
                test.loc,
            )


def _check_cycles(by_id: Mapping[str, Clause]) -> Iterable[Problem]:
    edges: dict[str, list[tuple[str, Location]]] = {}
    for cid, clause in by_id.items():
        edges[cid] = [
            (n.clause, n.loc)
            for e in clause.elements
            for n in walk(e.test)
            if isinstance(n, ClauseRef) and n.clause in by_id
        ]
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(cid: str, path: list[str]) -> Iterable[Problem]:
        state[cid] = 1
        path.append(cid)
        for target, loc in edges[cid]:
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    yield Problem(
                        "rules_cycle",
                        "clause references form a cycle: " + " -> ".join(cycle),
                        loc,
                    )
            elif target not in state:
                yield from visit(target, path)
        path.pop()
        state[cid] = 2

    for cid in sorted(by_id):
        if cid not in state:
            yield from visit(cid, [])
