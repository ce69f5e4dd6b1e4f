"""The rule tree in z3: exact questions about every filing at once.

A predicate is translated into two z3 formulas over the facts of one filing, ``t`` (the predicate
is TRUE) and ``f`` (it is FALSE); where neither holds the predicate is UNKNOWN. This dual-rail
form reproduces the engine's Kleene logic exactly (:mod:`rongcuo.engine.evaluate`): ``all`` is true
when every operand is true and false when any is false, ``any`` the reverse, ``not`` swaps the two
rails, and a comparison that reads an unknown fact is neither.

What the variables range over — the *domain* of a question — is stated, never implied. In both
domains a filing is *valid*: the model's cross-field rule holds, each pair of
:data:`~rongcuo.facts.model.DATE_ORDER` (the conduct's start and end) in order when both are known.
The dates of a pair are created together, so a witness never shows one beside an unconstrained
default.

``Domain.COMPLETE`` (the default)
    every fact of :data:`~rongcuo.facts.model.FACTS` is known, except the two recorded
    determinations (``determinations.P15``, ``determinations.N9``), each of which is either absent
    or recorded with ``holds`` true or false. These are the filings a proof "over complete filings"
    covers.
``Domain.ANY``
    every valid filing: any fact may be unknown (a determination is still recorded whole or not
    at all, as the model requires).

How facts are encoded: a boolean fact is a z3 ``Bool``; an enumeration is an ``Int`` in
``0..n-1`` (member order of the enumeration); a set of enumeration values is one ``Bool`` per
member; a date is an ``Int`` day number (``date.toordinal()``) between :data:`DATE_MIN` and
:data:`DATE_MAX`; a text fact has no value, only its known-ness (the rule language tests text only
with ``known``). Comparisons between two facts (``FactRef``) are translated exactly, member by
member; a reference to another clause is replaced by that clause's own translation.

z3 is imported here, lazily: ``import rongcuo`` never loads it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ..engine.evaluate import Truth, fact_getter
from ..facts.model import DATE_ORDER, FACTS, FactKind, FactSpec, Filing
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
)
from ..rules.syntax import Any as AnyNode
from ..verdict.verdict import Status

if TYPE_CHECKING:
    import z3

    from ..rules.ruleset import Ruleset

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "Domain",
    "Encoding",
    "Tri",
    "require_z3",
]

DATE_MIN: Final = dt.date(1900, 1, 1)
"""The earliest date a proof considers."""
DATE_MAX: Final = dt.date(2100, 12, 31)
"""The latest date a proof considers."""
_DEFAULT_DATE: Final = dt.date(2023, 1, 1)

CATCH_ALL_GROUPS: Final = tuple(
    sorted({p.split(".")[1] for p in FACTS if p.startswith("determinations.")})
)
"""The recorded determinations of the model (``P15``, ``N9``)."""


class Domain(enum.StrEnum):
    """Which filings a question quantifies over."""

    COMPLETE = "complete"
    ANY = "any"


def require_z3() -> Any:
    """The z3 module; a clear error when the optional dependency is missing."""
    from ..errors import require

    return require(
        "z3",
        package="z3-solver",
        feature="the semantic diff and the lint",
        feature_zh="语义比较与 lint 检查",
        extra="solver",
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Tri:
    """A predicate in dual-rail form: ``t`` when it is TRUE, ``f`` when it is FALSE."""

    t: z3.BoolRef
    f: z3.BoolRef

    def unknown(self) -> z3.BoolRef:
        import z3

        return z3.And(z3.Not(self.t), z3.Not(self.f))


@dataclasses.dataclass(slots=True)
class _Fact:
    spec: FactSpec
    known: Any  # z3.BoolRef
    value: Any = None  # Bool | Int | dict[str, Bool] | None (text)


def _group(path: str) -> str | None:
    """The catch-all determination a fact belongs to, or None."""
    parts = path.split(".")
    if parts[0] == "determinations" and len(parts) > 2:
        return parts[1]
    return None


class Encoding:
    """The variables of one filing, and the translation of rulesets over them.

    One encoding can translate several rulesets (``key`` tells them apart), all over the same
    filing: that is how two versions are compared. ``constraints`` holds the domain constraints of
    every variable created so far; add them to every solver.
    """

    def __init__(self, *, domain: Domain = Domain.COMPLETE) -> None:
        self.z3 = require_z3()
        self.domain = domain
        self.constraints: list[Any] = []
        self._facts: dict[str, _Fact] = {}
        self._recorded: dict[str, Any] = {}
        self._clauses: dict[tuple[str, str], Tri] = {}
        self._rules: dict[str, Ruleset] = {}
        self._busy: set[tuple[str, str]] = set()

    # -- variables

    def recorded(self, group: str) -> Any:
        """Whether the determination for ``group`` (P15, N9) is recorded."""
        var = self._recorded.get(group)
        if var is None:
            var = self.z3.Bool(f"determinations.{group}?recorded")
            self._recorded[group] = var
        return var

    def fact(self, path: str) -> _Fact:
        """The variables of one fact, created (with their domain constraints) on first use."""
        got = self._facts.get(path)
        if got is not None:
            return got
        z3 = self.z3
        spec = FACTS[path]
        group = _group(path)
        if group is not None:
            known = self.recorded(group)
        elif self.domain is Domain.COMPLETE:
            known = z3.BoolVal(True)
        else:
            known = z3.Bool(f"{path}?known")
        value: Any = None
        if spec.kind is FactKind.BOOL:
            value = z3.Bool(path)
        elif spec.kind is FactKind.ENUM:
            assert spec.enum is not None
            value = z3.Int(path)
            self.constraints.append(z3.And(value >= 0, value < len(spec.enum)))
        elif spec.kind is FactKind.ENUM_SET:
            assert spec.enum is not None
            value = {m.value: z3.Bool(f"{path}[{m.value}]") for m in spec.enum}
        elif spec.kind is FactKind.DATE:
            value = z3.Int(path)
            self.constraints.append(
                z3.And(value >= DATE_MIN.toordinal(), value <= DATE_MAX.toordinal())
            )
        got = _Fact(spec, known, value)
        self._facts[path] = got
        for earlier, later in DATE_ORDER:  # the model: the earlier date on or before the later
            if path not in (earlier, later):
                continue
            other = later if path == earlier else earlier
            if other not in self._facts:
                self.fact(other)  # creating the partner adds the constraint, once
                continue
            first, second = self._facts[earlier], self._facts[later]
            self.constraints.append(
                z3.Implies(z3.And(first.known, second.known), first.value <= second.value)
            )
        return got

    @property
    def facts(self) -> Mapping[str, _Fact]:
        return self._facts

    # -- translation

    def add(self, key: str, rules: Ruleset) -> None:
        """Make ``rules`` translatable under ``key``."""
        self._rules[key] = rules

    def clause(self, key: str, clause_id: str) -> Tri:
        """The truth of a clause of the ruleset added as ``key``."""
        memo_key = (key, clause_id)
        got = self._clauses.get(memo_key)
        if got is not None:
            return got
        if memo_key in self._busy:  # the loader rejects cycles; never reached for loaded rules
            raise ValueError(f"clause references form a cycle through {clause_id}")
        self._busy.add(memo_key)
        clause = self._rules[key].clause(clause_id)
        elements = {e.id: self.node(key, e.test) for e in clause.elements}
        got = self._combination(clause.holds_when, elements)
        self._busy.discard(memo_key)
        self._clauses[memo_key] = got
        return got

    def element(self, key: str, clause_id: str, element_id: str) -> Tri:
        return self.node(key, self._rules[key].clause(clause_id).element(element_id).test)

    def _combination(self, node: Node, elements: Mapping[str, Tri]) -> Tri:
        if isinstance(node, ElementRef):
            return elements[node.element]
        if isinstance(node, Not):
            inner = self._combination(node.item, elements)
            return Tri(inner.f, inner.t)
        if isinstance(node, All | AnyNode):
            return self._connective(node, [self._combination(n, elements) for n in node.items])
        raise TypeError(f"holds_when may only combine elements: {node!r}")

    def _connective(self, node: All | AnyNode, items: Sequence[Tri]) -> Tri:
        z3 = self.z3
        ts = [i.t for i in items]
        fs = [i.f for i in items]
        if isinstance(node, All):
            return Tri(z3.And(*ts), z3.Or(*fs))
        return Tri(z3.Or(*ts), z3.And(*fs))

    def node(self, key: str, node: Node) -> Tri:
        """The translation of one predicate node of the ruleset added as ``key``."""
        if isinstance(node, Test):
            return self._test(node)
        if isinstance(node, All | AnyNode):
            return self._connective(node, [self.node(key, n) for n in node.items])
        if isinstance(node, Not):
            inner = self.node(key, node.item)
            return Tri(inner.f, inner.t)
        if isinstance(node, ClauseRef):
            return self.clause(key, node.clause)
        raise TypeError(f"an element reference outside holds_when: {node!r}")

    def _test(self, node: Test) -> Tri:
        z3 = self.z3
        x = self.fact(node.fact)
        if node.op is Op.KNOWN:
            holds = x.known if node.value is True else z3.Not(x.known)
            return Tri(holds, z3.Not(holds))
        if isinstance(node.value, FactRef):
            y = self.fact(node.value.path)
            known = z3.And(x.known, y.known)
            cond = self._binary(node.op, x, y)
        else:
            known = x.known
            cond = self._unary(node.op, x, node.value)
        return Tri(z3.And(known, cond), z3.And(known, z3.Not(cond)))

    def _index(self, spec: FactSpec, value: str) -> int:
        assert spec.enum is not None
        return [m.value for m in spec.enum].index(value)

    def _unary(self, op: Op, x: _Fact, value: object) -> Any:
        z3 = self.z3
        kind = x.spec.kind
        if kind is FactKind.BOOL and op is Op.EQ:
            return x.value == z3.BoolVal(bool(value))
        if kind is FactKind.ENUM:
            if op is Op.EQ:
                assert isinstance(value, str)
                return x.value == self._index(x.spec, value)
            if op is Op.IN:
                assert isinstance(value, frozenset)
                return z3.Or(*(x.value == self._index(x.spec, v) for v in sorted(value)))
        if kind is FactKind.ENUM_SET:
            members: dict[str, Any] = x.value
            if op is Op.CONTAINS:
                assert isinstance(value, str)
                return members[value]
            assert isinstance(value, frozenset)
            if op is Op.CONTAINS_ANY:
                return z3.Or(*(members[v] for v in sorted(value)))
            if op is Op.CONTAINS_ALL:
                return z3.And(*(members[v] for v in sorted(value)))
        if kind is FactKind.DATE and isinstance(value, dt.date):
            return _ORDER[op](x.value, value.toordinal())
        raise TypeError(f"no translation of {x.spec.path} {op.value} {value!r}")

    def _binary(self, op: Op, x: _Fact, y: _Fact) -> Any:
        z3 = self.z3
        kx, ky = x.spec.kind, y.spec.kind
        if kx is FactKind.DATE and ky is FactKind.DATE:
            return _ORDER[op](x.value, y.value)
        if op is Op.EQ and kx is ky and kx is FactKind.BOOL:
            return x.value == y.value
        if op is Op.EQ and kx is ky is FactKind.ENUM:
            return z3.Or(
                *(
                    z3.And(x.value == i, y.value == j)
                    for i, a in enumerate(_values(x.spec))
                    for j, b in enumerate(_values(y.spec))
                    if a == b
                ),
                z3.BoolVal(False),
            )
        if op is Op.EQ and kx is ky is FactKind.ENUM_SET:
            names = set(x.value) | set(y.value)
            return z3.And(
                *(
                    x.value.get(n, z3.BoolVal(False)) == y.value.get(n, z3.BoolVal(False))
                    for n in sorted(names)
                )
            )
        if op is Op.CONTAINS and kx is FactKind.ENUM_SET and ky is FactKind.ENUM:
            return z3.Or(
                *(
                    z3.And(y.value == j, x.value[b])
                    for j, b in enumerate(_values(y.spec))
                    if b in x.value
                ),
                z3.BoolVal(False),
            )
        if op in (Op.CONTAINS_ANY, Op.CONTAINS_ALL) and kx is ky is FactKind.ENUM_SET:
            common = sorted(set(x.value) & set(y.value))
            if op is Op.CONTAINS_ANY:
                return z3.Or(*(z3.And(x.value[n], y.value[n]) for n in common), z3.BoolVal(False))
            return z3.And(
                *(
                    z3.Implies(y.value[n], x.value[n]) if n in x.value else z3.Not(y.value[n])
                    for n in sorted(y.value)
                )
            )
        raise TypeError(f"no translation of {x.spec.path} {op.value} {y.spec.path}")

    # -- the decision procedure

    def status(self, key: str) -> dict[Status, Any]:
        """For each status, the formula under which the engine gives it (ruleset ``key``).

        This is :func:`rongcuo.engine.decide._status` written over clause truths: a negative holds
        -> ineligible; else an open non-catch-all negative, or no positive holding while a
        non-catch-all positive is open -> insufficient facts; else a positive holds -> eligible;
        else a catch-all positive determined false -> ineligible; else needs determination.
        """
        z3 = self.z3
        rules = self._rules[key]
        negatives = [(c, self.clause(key, c.id)) for c in rules.of_list(ListKind.NEGATIVE)]
        positives = [(c, self.clause(key, c.id)) for c in rules.of_list(ListKind.POSITIVE)]
        false = z3.BoolVal(False)
        neg_true = z3.Or(false, *(v.t for _, v in negatives))
        pos_true = z3.Or(false, *(v.t for _, v in positives))
        neg_open = z3.Or(false, *(v.unknown() for c, v in negatives if not c.catch_all))
        pos_open = z3.Or(false, *(v.unknown() for c, v in positives if not c.catch_all))
        refused = z3.Or(false, *(v.f for c, v in positives if c.catch_all))
        insufficient = z3.And(z3.Not(neg_true), z3.Or(neg_open, z3.And(z3.Not(pos_true), pos_open)))
        settled = z3.And(z3.Not(neg_true), z3.Not(insufficient))
        return {
            Status.INELIGIBLE: z3.Or(neg_true, z3.And(settled, z3.Not(pos_true), refused)),
            Status.INSUFFICIENT_FACTS: insufficient,
            Status.ELIGIBLE: z3.And(settled, pos_true),
            Status.NEEDS_DETERMINATION: z3.And(settled, z3.Not(pos_true), z3.Not(refused)),
        }

    # -- solving

    def solver(self, *formulas: Any) -> Any:
        """A fresh solver holding the domain constraints and ``formulas``."""
        s = self.z3.Solver()
        s.add(*formulas)  # translating the formulas may have created variables
        s.add(*self.constraints)
        return s

    def find(self, *formulas: Any, simple: bool = True) -> Any | None:
        """A model satisfying every formula over the domain, or None when there is none.

        With ``simple`` (the default) a satisfiable question is asked again of z3's optimiser,
        preferring short lists (every set member absent), ``false`` booleans, recorded
        determinations absent and dates on 2023-01-01, so that a witness shows only what it must.
        Satisfiability itself is decided by the plain solver: ``simple`` only picks among models.
        """
        z3 = self.z3
        s = self.solver(*formulas)
        result = s.check()
        if result == z3.unsat:
            return None
        if result != z3.sat:  # pragma: no cover - the theories used are decidable
            raise RuntimeError(f"z3 could not decide: {s.reason_unknown()}")
        if not simple:
            return s.model()
        opt = z3.Optimize()
        opt.add(*formulas)
        opt.add(*self.constraints)
        for soft in self._preferences():
            opt.add_soft(soft)
        if opt.check() != z3.sat:  # pragma: no cover - the hard constraints are satisfiable
            return s.model()
        return opt.model()

    def _preferences(self) -> list[Any]:
        z3 = self.z3
        out: list[Any] = [z3.Not(r) for r in self._recorded.values()]
        base = _DEFAULT_DATE.toordinal()
        for var in self._facts.values():
            kind = var.spec.kind
            if kind is FactKind.ENUM_SET:
                out.extend(z3.Not(b) for b in var.value.values())
            elif kind is FactKind.BOOL:
                out.append(z3.Not(var.value))
            elif kind is FactKind.DATE:
                out.append(var.value == base)
            if self.domain is Domain.ANY and _group(var.spec.path) is None:
                out.append(z3.Not(var.known))
        return out

    # -- filings <-> models

    def filing_data(self, model: Any, *, name: str = "witness") -> dict[str, Any]:
        """A filing document (JSON shape) for a model: every read fact as the model says.

        Facts the question did not read take a fixed default in the complete domain (false, the
        first enumeration value, the empty set, 2023-01-01) and stay unknown in the any domain.
        """
        z3 = self.z3
        out: dict[str, Any] = {}
        recorded = {
            g: z3.is_true(model.eval(self.recorded(g), model_completion=True))
            for g in CATCH_ALL_GROUPS
        }
        for path, spec in FACTS.items():
            group = _group(path)
            if group is not None and not recorded[group]:
                continue
            var = self._facts.get(path)
            if var is not None:
                if not z3.is_true(model.eval(var.known, model_completion=True)):
                    continue
                value = _decode(z3, model, var)
            elif self.domain is Domain.ANY and group is None and spec.kind is not FactKind.TEXT:
                continue
            else:
                value = _default(spec, name)
            _put(out, path, value)
        if "id" not in out:
            out["id"] = name
        return out

    def witness(self, model: Any, *, name: str = "witness") -> Filing:
        """The model as a validated :class:`~rongcuo.facts.model.Filing`."""
        return Filing.model_validate(self.filing_data(model, name=name))

    def pin(self, filing: Filing) -> list[Any]:
        """Formulas fixing every variable created so far to ``filing``'s facts."""
        z3 = self.z3
        out: list[Any] = []
        for g in CATCH_ALL_GROUPS:
            recorded = getattr(filing.determinations, g) is not None
            out.append(self.recorded(g) == z3.BoolVal(recorded))
        for path, var in self._facts.items():
            value = fact_getter(path)(filing)
            if _group(path) is None:
                out.append(var.known == z3.BoolVal(value is not None))
            if value is None:
                continue
            kind = var.spec.kind
            if kind is FactKind.BOOL:
                out.append(var.value == z3.BoolVal(bool(value)))
            elif kind is FactKind.ENUM:
                out.append(var.value == self._index(var.spec, str(value)))
            elif kind is FactKind.ENUM_SET:
                held = {str(v) for v in value}
                out.extend(b == z3.BoolVal(m in held) for m, b in var.value.items())
            elif kind is FactKind.DATE:
                out.append(var.value == value.toordinal())
        return out

    def truths(self, tris: Mapping[str, Tri], filing: Filing) -> dict[str, Truth]:
        """The values of translated predicates on one filing (to check the translation)."""
        z3 = self.z3
        s = z3.Solver()
        s.add(*self.pin(filing))
        if s.check() != z3.sat:  # pragma: no cover - a filing always satisfies its own pins
            raise RuntimeError("a filing's own values are contradictory")
        m = s.model()
        out: dict[str, Truth] = {}
        for name, tri in tris.items():
            if z3.is_true(m.eval(tri.t, model_completion=True)):
                out[name] = Truth.TRUE
            elif z3.is_true(m.eval(tri.f, model_completion=True)):
                out[name] = Truth.FALSE
            else:
                out[name] = Truth.UNKNOWN
        return out


def _ordered(op: Op) -> Any:
    return {
        Op.EQ: lambda a, b: a == b,
        Op.LT: lambda a, b: a < b,
        Op.LE: lambda a, b: a <= b,
        Op.GT: lambda a, b: a > b,
        Op.GE: lambda a, b: a >= b,
    }[op]


_ORDER: Final = {op: _ordered(op) for op in (Op.EQ, Op.LT, Op.LE, Op.GT, Op.GE)}


def _values(spec: FactSpec) -> list[str]:
    assert spec.enum is not None
    return [m.value for m in spec.enum]


def _decode(z3: Any, model: Any, var: _Fact) -> Any:
    spec = var.spec
    kind = spec.kind
    if kind is FactKind.BOOL:
        return z3.is_true(model.eval(var.value, model_completion=True))
    if kind is FactKind.ENUM:
        return _values(spec)[model.eval(var.value, model_completion=True).as_long()]
    if kind is FactKind.ENUM_SET:
        return [m for m, b in var.value.items() if z3.is_true(model.eval(b, model_completion=True))]
    if kind is FactKind.DATE:
        return dt.date.fromordinal(model.eval(var.value, model_completion=True).as_long())
    return _default(spec, "witness")


def _default(spec: FactSpec, name: str) -> Any:
    kind = spec.kind
    if kind is FactKind.BOOL:
        return False
    if kind is FactKind.ENUM:
        return _values(spec)[0]
    if kind is FactKind.ENUM_SET:
        return []
    if kind is FactKind.DATE:
        return _DEFAULT_DATE
    if spec.path == "id":
        return name
    if spec.path == "summary":
        return f"{name}：由 rongcuo 求解器生成的见证案卷 (a witness filing generated by the solver)"
    if spec.path.endswith(".decided_by"):
        return "（示例）认定机关 (example deciding organ)"
    return "（示例）认定理由 (example reason)"


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    here = out
    for part in parts[:-1]:
        here = here.setdefault(part, {})
    here[parts[-1]] = value


def clauses_of(rules: Ruleset, kinds: Iterable[ListKind] = tuple(ListKind)) -> list[Clause]:
    """The clauses of the given lists, in ruleset order."""
    wanted = set(kinds)
    return [c for c in rules.clauses if c.list in wanted]
