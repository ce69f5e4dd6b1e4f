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
from ..facts.declare import FactDecl, FactsDecl, FactType
from ..facts.model import FACTS, FactKind, FactSpec
from .syntax import (
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
    Value,
    walk,
)
from .syntax import Any as AnyNode

__all__ = ["OPERATORS", "OPERATORS_V2", "FactsChecker", "check_clauses", "typed_test"]

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


# --------------------------------------------------------------------------- filing model v2

#: Which operators fit which type of v2 fact (``na`` also needs the fact declared with ``na:``).
OPERATORS_V2: Mapping[FactType, frozenset[Op]] = {
    FactType.BOOL: frozenset({Op.EQ, Op.KNOWN, Op.NA}),
    FactType.ENUM: frozenset({Op.EQ, Op.WITHIN, Op.KNOWN, Op.NA}),
    FactType.SET: frozenset({Op.CONTAINS, Op.CONTAINS_ANY, Op.EMPTY, Op.KNOWN, Op.NA}),
    FactType.DATE: frozenset(
        {Op.BEFORE, Op.AFTER, Op.ON_OR_BEFORE, Op.ON_OR_AFTER, Op.AFTER_FACT, Op.KNOWN, Op.NA}
    ),
    FactType.TEXT: frozenset({Op.KNOWN}),
    FactType.RECORDS: frozenset({Op.KNOWN}),
}

#: v2 operators whose value is one value id or a non-empty list of them
_MANY = frozenset({Op.WITHIN, Op.CONTAINS_ANY})
_ONE = frozenset({Op.EQ, Op.CONTAINS})
_FLAGS = frozenset({Op.EMPTY, Op.NA, Op.KNOWN})
_DATES = frozenset({Op.BEFORE, Op.AFTER, Op.ON_OR_BEFORE, Op.ON_OR_AFTER})

#: the names quantifiers bind, innermost last, each with its records fact
Bound = tuple[tuple[str, FactDecl], ...]


class FactsChecker:
    """Types v2 tests against a facts declaration (docs/design-v2.md §3), at load.

    Every path is resolved (a top-level fact, or ``name.field`` of a record a quantifier binds),
    every operator checked against the fact's type, every value against the fact's family. A
    ``within`` or ``contains`` that names a value of another family is refused as a test nothing
    can meet (``rules_impossible_test``), and so are tests on one fact under one ``all`` that no
    value can meet together (Cedar's impossible policy, found from the schema).
    """

    def __init__(self, decl: FactsDecl) -> None:
        self.decl = decl
        self.groups = frozenset(g.id for g in decl.groups)

    # -- paths

    def fact(
        self, path: str, bound: Bound, loc: Location, problems: list[Problem]
    ) -> FactDecl | None:
        """The fact ``path`` names where ``bound`` is in scope, or a problem saying why none."""
        head, dot, rest = path.partition(".")
        for name, records in reversed(bound):
            if name == head and dot:
                for f in records.fields:
                    if f.name == rest:
                        return f
                fields = [f"{name}.{f.name}" for f in records.fields]
                problems.append(
                    Problem(
                        "rules_unknown_fact",
                        f"{head!r} is a record of {records.path}, which has no field {rest!r}",
                        loc,
                        suggest(path, fields) or "fields: " + ", ".join(fields),
                    )
                )
                return None
        found = self.decl.facts.get(path)
        if found is not None:
            return found
        known = [*self.decl.facts, *(f"{n}.{f.name}" for n, r in bound for f in r.fields)]
        if dot and head not in self.groups and "[]" not in path and path not in known:
            in_scope = ", ".join(n for n, _ in bound) or "none"
            hint = suggest(path, known)
            problems.append(
                Problem(
                    "rules_unbound_name",
                    f"{head!r} is neither a group of facts nor a record bound here "
                    f"(names in scope: {in_scope})",
                    loc,
                    hint
                    or "a record's field is read inside {some|every: <records>, as: "
                    f"{head}, that: …}}",
                )
            )
            return None
        hint = suggest(path, known)
        if "[]." in path:
            hint = "bind the record with {some|every: …, as: name} and read name.field"
        problems.append(
            Problem(
                "rules_unknown_fact",
                f"the facts declaration has no fact {path!r}",
                loc,
                hint or "see docs/facts.md for every fact path",
            )
        )
        return None

    def records(
        self, path: str, bound: Bound, loc: Location, problems: list[Problem]
    ) -> FactDecl | None:
        """The records fact a quantifier ranges over."""
        decl = self.fact(path, bound, loc, problems)
        if decl is None:
            return None
        if decl.type is not FactType.RECORDS:
            lists = [p for p, d in self.decl.facts.items() if d.type is FactType.RECORDS]
            problems.append(
                Problem(
                    "rules_operator_type",
                    f"a quantifier ranges over a records fact; {path!r} is {decl.type.value}",
                    loc,
                    "records facts: " + ", ".join(lists),
                )
            )
            return None
        return decl

    def bind(
        self, name: object, bound: Bound, loc: Location, problems: list[Problem]
    ) -> str | None:
        """A quantifier's ``as:``: an identifier that hides no group, fact or outer name."""
        if not isinstance(name, str) or not name.isidentifier() or not name.islower():
            problems.append(
                Problem(
                    "rules_wrong_type",
                    f"as: names the record, a lowercase identifier; got {name!r}",
                    loc,
                )
            )
            return None
        taken = name in self.groups or name in self.decl.facts or any(n == name for n, _ in bound)
        if taken:
            problems.append(
                Problem(
                    "rules_unbound_name",
                    f"as: {name} would hide a group, a fact or a record already bound by that name",
                    loc,
                    "choose another name (act, earlier, e …)",
                )
            )
            return None
        return name

    # -- tests

    def test(
        self, fact: str, op: Op, raw: object, bound: Bound, loc: Location, problems: list[Problem]
    ) -> Test | None:
        """Build a v2 :class:`Test`, converting the value to what the operator takes."""
        decl = self.fact(fact, bound, loc, problems)
        if decl is None:
            return None
        allowed = OPERATORS_V2[decl.type]
        if op not in allowed or (op is Op.NA and decl.na is None):
            why = (
                f"{fact!r} is not declared with na: (it always applies)"
                if op is Op.NA and op in allowed
                else f"operator {op.value!r} does not fit {fact!r}, a {decl.type.value} fact"
            )
            usable = sorted(o.value for o in allowed if o is not Op.NA or decl.na is not None)
            problems.append(
                Problem("rules_operator_type", why, loc, "use one of: " + ", ".join(usable))
            )
            return None
        if op in _FLAGS:
            if not isinstance(raw, bool):
                problems.append(Problem("rules_value_type", f"{op.value} takes true or false", loc))
                return None
            return Test(fact, op, raw, loc)
        if op is Op.AFTER_FACT:
            other_path = raw.path if isinstance(raw, FactRef) else raw
            if not isinstance(other_path, str):
                problems.append(
                    Problem("rules_value_type", "after_fact names another date fact", loc)
                )
                return None
            other = self.fact(other_path, bound, loc, problems)
            if other is None:
                return None
            if other.type is not FactType.DATE or other_path == fact:
                problems.append(
                    Problem(
                        "rules_value_type",
                        f"{fact!r} after_fact {other_path!r}: "
                        + (
                            "a fact compared with itself"
                            if other_path == fact
                            else "not a date fact"
                        ),
                        loc,
                    )
                )
                return None
            return Test(fact, op, FactRef(other_path), loc)
        if isinstance(raw, FactRef):
            problems.append(
                Problem(
                    "rules_value_type",
                    f"{op.value} compares {fact!r} with a value, not with another fact",
                    loc,
                    "after_fact compares two date facts",
                )
            )
            return None
        if decl.type is FactType.BOOL:
            if isinstance(raw, bool):
                return Test(fact, op, raw, loc)
            problems.append(Problem("rules_value_type", f"{fact!r} is true or false", loc))
            return None
        if op in _DATES:
            if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
                return Test(fact, op, raw, loc)
            problems.append(
                Problem("rules_value_type", f"{op.value} compares with a date YYYY-MM-DD", loc)
            )
            return None
        value = self._values(fact, decl, op, raw, loc, problems)
        return None if value is None else Test(fact, op, value, loc)

    def _values(
        self, fact: str, decl: FactDecl, op: Op, raw: object, loc: Location, problems: list[Problem]
    ) -> str | frozenset[str] | None:
        assert decl.family is not None  # enum and set facts have a family
        family = self.decl.families[decl.family]
        if op in _MANY and isinstance(raw, list):
            if not raw:
                problems.append(
                    Problem("rules_value_type", f"{op.value} takes a non-empty list of values", loc)
                )
                return None
            items = raw
        elif op in _MANY or (op in _ONE and not isinstance(raw, list)):
            items = [raw]
        else:
            problems.append(
                Problem(
                    "rules_value_type",
                    f"{op.value} takes one value, not a list",
                    loc,
                    "use within / contains_any for several values",
                )
            )
            return None
        good: list[str] = []
        for item in items:
            if isinstance(item, str) and item in family.values:
                good.append(item)
                continue
            other = self.decl.value_family.get(item) if isinstance(item, str) else None
            if other is not None:
                problems.append(
                    Problem(
                        "rules_impossible_test",
                        f"nothing can meet {fact!r} {op.value} {item!r}: {item!r} is a value of "
                        f"the family {other!r}, and {fact!r} takes values of {decl.family!r}",
                        loc,
                        suggest(item, family.values) or "values: " + ", ".join(family.values),
                    )
                )
            else:
                problems.append(
                    Problem(
                        "rules_enum_value",
                        f"{item!r} is not a value of {fact!r} (family {decl.family!r})",
                        loc,
                        suggest(str(item), family.values) or "values: " + ", ".join(family.values),
                    )
                )
        if len(good) != len(items):
            return None
        return frozenset(good) if op in _MANY else good[0]

    def same_kind(
        self, raw: object, bound: Bound, loc: Location, problems: list[Problem]
    ) -> SameKind | None:
        """``same_kind: [P, Q]``: two enum facts of one family that has classes of kinds."""
        if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(p, str) for p in raw)):
            problems.append(
                Problem("rules_value_type", "same_kind takes a list of two fact paths", loc)
            )
            return None
        left, right = raw
        first = self.fact(left, bound, loc, problems)
        second = self.fact(right, bound, loc, problems)
        if first is None or second is None:
            return None
        if (
            first.type is not FactType.ENUM
            or second.type is not FactType.ENUM
            or first.family != second.family
        ):
            problems.append(
                Problem(
                    "rules_value_type",
                    f"same_kind compares two enum facts of one family: {left!r} and {right!r} "
                    "are not",
                    loc,
                )
            )
            return None
        family = self.decl.families[first.family or ""]
        if not any(v.kind_class for v in family.values.values()):
            problems.append(
                Problem(
                    "rules_impossible_test",
                    f"nothing can meet same_kind on the family {family.id!r}: it has no class of "
                    "kinds (no value marked kind: true)",
                    loc,
                )
            )
            return None
        return SameKind(left, right, loc)

    # -- whole predicates

    def impossible(self, node: Node, bound: Bound) -> Iterable[Problem]:
        """Tests under one ``all`` (or a ``some``'s ``where`` and ``that``) on one enum fact that
        no value can meet together: their families' leaves do not meet."""
        yield from self._impossible(node, bound)

    def _impossible(self, node: Node, bound: Bound) -> Iterable[Problem]:
        if isinstance(node, All):
            yield from self._conjunction(node.items, bound, node.loc)
            for item in node.items:
                yield from self._impossible(item, bound)
        elif isinstance(node, AnyNode):
            for item in node.items:
                yield from self._impossible(item, bound)
        elif isinstance(node, Not):
            yield from self._impossible(node.item, bound)
        elif isinstance(node, Quantifier):
            records = self.fact(node.of, bound, node.loc, [])
            if records is None:
                return
            inner: Bound = (*bound, (node.name, records))
            if node.where is not None:
                if node.kind is QuantifierKind.SOME:
                    yield from self._conjunction((node.where, node.that), inner, node.loc)
                yield from self._impossible(node.where, inner)
            yield from self._impossible(node.that, inner)

    def _conjunction(self, items: Sequence[Node], bound: Bound, loc: Location) -> Iterable[Problem]:
        meets: dict[str, tuple[frozenset[str], list[str]]] = {}
        for item in items:
            if not (isinstance(item, Test) and item.op in (Op.EQ, Op.WITHIN)):
                continue
            decl = self.fact(item.fact, bound, item.loc, [])
            if decl is None or decl.type is not FactType.ENUM or decl.family is None:
                continue
            family = self.decl.families[decl.family]
            targets = [item.value] if isinstance(item.value, str) else sorted(item.value)  # type: ignore[arg-type]
            leaves = frozenset().union(*(family.leaves(t) for t in targets))
            known, said = meets.get(item.fact, (None, []))
            meets[item.fact] = (
                leaves if known is None else known & leaves,
                [*said, "/".join(targets)],
            )
        for fact, (leaves, said) in meets.items():
            if not leaves:
                yield Problem(
                    "rules_impossible_test",
                    f"nothing can meet these tests together: {fact!r} within "
                    + " and within ".join(said),
                    loc,
                    "the values share nothing below them; did you mean any: instead of all:?",
                )
