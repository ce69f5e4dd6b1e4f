"""The rule tree in z3: exact questions about every filing at once (filing model v2).

A predicate is translated into two z3 formulas over the facts of one filing, ``t`` (the predicate
is TRUE) and ``f`` (it is FALSE); where neither holds it is UNKNOWN. This dual-rail form
reproduces the engine exactly: each test has the rails of its operator in
:mod:`rongcuo.engine.ops` (docs/design-v2.md §1, §3, §4), ``all``/``any``/``not`` combine them in
Kleene's logic as the engine does, a quantifier folds its records with the list's completeness, and
an element the loader marked for exact evaluation (one that reads an unknown fact twice,
:attr:`~rongcuo.engine.evaluate.Program.plans`) is settled by the same case split as
:func:`rongcuo.engine.catalogue.settle`.

**Built from the declaration.** Every variable comes from the ruleset's facts declaration
(:class:`~rongcuo.facts.declare.FactsDecl`, ``rules.program.catalogue.decl``); no fact name is
written here. The catalogue of the ruleset (:class:`~rongcuo.engine.catalogue.Catalogue`)
prepares each test exactly as the evaluators use it.

How a fact is encoded (``known`` is a ``Bool``, true in the complete domain; a fact declared
``na:`` has an ``na`` ``Bool``, "not applicable", which implies ``known``):

``bool``
    a ``Bool`` value. A test's rails are read off the engine's operator, tabulated over the fact's
    possible values (unknown, ``NA``, true, false).
``enum``
    an ``Int``, the index of the stated value in its family's declaration order: any value of the
    family, a leaf or an inner ("coarse") one. Tests (``within``, ``eq``, ``same_kind``, ``na``)
    are tabulated over every value the fact may state, so ``within`` is true when every leaf below
    the stated value is inside, false when none is, unknown otherwise (``ops.within_table``).
``set``
    for every value of the family (leaves and inner values) a ``yes`` and a ``no`` ``Bool``, and a
    ``complete`` ``Bool``: the partial set ``{yes, no, complete}`` of design §1, coarse values
    included, kept free of the conflicts the filing parser refuses (a value both yes and no, a yes
    value every leaf of which a no value rules out). ``contains``/``contains_any``/``empty`` are
    the formulas of ``ops.contains``/``ops.empty`` written leaf by leaf.
``date``
    the inclusive interval ``[start, stop]`` of day numbers (``date.toordinal()``) between
    :data:`DATE_MIN` and :data:`DATE_MAX`, ``start <= stop``: a day, a month, a year or any
    range. Comparisons follow the interval rules of ``ops.before`` … ``ops.after_fact``.
``text``
    only its known-ness (the rule language tests text only with ``known``).
``records``
    a fixed number of slots (``records``, default :data:`RECORDS`), each with a ``present``
    ``Bool`` (present slots come first) and its record's fields encoded as above, and the list's
    ``complete`` ``Bool``. An unknown list is an empty incomplete one. ``some``/``every`` fold the
    present slots and, over an incomplete list, the predicate's truth on a blank record (every
    field unknown), as ``ops.some``/``ops.every`` do.

What the variables range over — the *domain* of a question — is stated, never implied; every
proof holds for **filings with at most** ``records`` **records in each list**
(:attr:`Encoding.bound` says it in words).

``Domain.COMPLETE`` (the default)
    every fact is known — ``NA`` included, where declared — with leaf values only, every set a
    complete list of leaves, every date one day, every list complete; except the recorded
    determinations of the catch-alls (the built-in group ``determinations``), each recorded whole
    (its ``holds`` true or false) or absent.
``Domain.ANY``
    every valid filing within the bound: any fact may be unknown, coarse, a partial set, a partial
    date or an incomplete list.

z3 is imported here, lazily: ``import rongcuo`` never loads it. Without it, making an
:class:`Encoding` raises the coded ``backend_unavailable`` (install ``rongcuo[solver]``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import itertools
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ..engine import ops
from ..engine.catalogue import Catalogue, vector_of
from ..engine.evaluate import Truth
from ..facts.declare import FactDecl, FactsDecl, FactType, Family
from ..facts.values import NA, NA_TEXT, PartialDate, PartialSet, Records
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
    walk,
)
from ..rules.syntax import Any as AnyNode
from ..verdict.verdict import Status

if TYPE_CHECKING:
    import z3

    from ..rules.ruleset import Ruleset

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "RECORDS",
    "Domain",
    "Encoding",
    "Tri",
    "clauses_of",
    "require_z3",
]

DATE_MIN: Final = dt.date(1900, 1, 1)
"""The earliest date a proof considers."""
DATE_MAX: Final = dt.date(2100, 12, 31)
"""The latest date a proof considers."""
RECORDS: Final = 3
"""How many records of each list a proof considers, by default."""
_DEFAULT_DATE: Final = dt.date(2023, 1, 1)
_DETERMINATIONS: Final = "determinations"


class Domain(enum.StrEnum):
    """Which filings a question quantifies over."""

    COMPLETE = "complete"
    ANY = "any"


def require_z3() -> Any:
    """The z3 module; the coded ``backend_unavailable`` when the optional dependency is missing."""
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


class _InContext:
    """The z3 module with the functions that make variables, constants and solvers bound to one
    fresh context (every other term takes its context from its arguments). z3's choice among
    equally good models depends on the state of the context it works in; a fresh one per
    encoding makes a diff's witnesses the same on every run, not only in a fresh process."""

    _BOUND: Final = frozenset(
        {"Bool", "Int", "BoolVal", "IntVal", "BitVecVal", "Model", "Solver", "Optimize"}
    )

    def __init__(self, module: Any) -> None:
        self._module = module
        self._ctx = module.Context()

    def __getattr__(self, name: str) -> Any:
        got = getattr(self._module, name)
        if name in self._BOUND:
            return functools.partial(got, ctx=self._ctx)
        return got


@dataclasses.dataclass(slots=True)
class _View:
    """One fact's value as z3 terms: variables of the filing, or constants (a case of an exact
    split, or a field of a blank record). Which attributes mean something depends on the type."""

    decl: FactDecl
    known: Any
    na: Any
    value: Any = None  # bool: Bool; enum: Int (index into ``nodes``)
    nodes: tuple[str, ...] = ()  # enum and set: the family's values, in declaration order
    yes: dict[str, Any] = dataclasses.field(default_factory=dict)  # set
    no: dict[str, Any] = dataclasses.field(default_factory=dict)  # set
    complete: Any = None  # set, records
    start: Any = None  # date
    stop: Any = None  # date
    slots: list[_Slot] = dataclasses.field(default_factory=list)  # records
    cache: dict[frozenset[object], Any] = dataclasses.field(default_factory=dict)

    def is_(self, z3: Any, v: object) -> Any:
        """The condition that the fact holds ``v``: ``None`` (unknown), ``NA``, a bool, a value."""
        return self.among(z3, (v,))

    def among(self, z3: Any, values: Iterable[object]) -> Any:
        """The condition that the fact holds one of ``values`` (as :meth:`is_`)."""
        wanted = frozenset(_hashable(v) for v in values)
        got = self.cache.get(wanted)
        if got is not None:
            return got
        parts: list[Any] = []
        if None in wanted:
            parts.append(z3.Not(self.known))
        if ("NA",) in wanted:
            parts.append(z3.And(self.known, self.na))
        if self.decl.type is FactType.BOOL:
            held = [self.value if b else z3.Not(self.value) for b in (True, False) if b in wanted]
        else:
            held = [self.value == i for i, n in enumerate(self.nodes) if n in wanted]
        if held:
            parts.append(z3.And(self.known, z3.Not(self.na), z3.Or(*held)))
        got = self.cache[wanted] = z3.Or(z3.BoolVal(False), *parts) if len(parts) != 1 else parts[0]
        return got


@dataclasses.dataclass(slots=True)
class _Slot:
    """One record slot of a records fact: whether a record is there, and its fields."""

    present: Any
    fields: dict[str, _View]
    prefix: str


class _BlankSlot:
    """A record of which nothing is known (a further record of an incomplete list)."""


_BLANK: Final = _BlankSlot()


class Encoding:
    """The variables of one filing, and the translation of rulesets over them.

    One encoding can translate several rulesets (``key`` tells them apart), all over the same
    filing and so over one facts declaration: that is how two versions are compared.
    ``constraints`` holds the domain constraints of every variable created so far; add them to
    every solver. ``records`` is the number of records of each list the filing may have.
    """

    def __init__(
        self, *, domain: Domain = Domain.COMPLETE, records: int = RECORDS, own_context: bool = False
    ) -> None:
        if records < 0:
            raise ValueError("records must be 0 or more")
        self.z3 = require_z3()
        if own_context:  # its own z3 context: the same questions get the same models, however
            self.z3 = _InContext(self.z3)  # many were asked before in this process (the diff)
        self.domain = domain
        self.records = records
        self.constraints: list[Any] = []
        self.decl: FactsDecl | None = None
        self._catalogue: Catalogue | None = None
        self._facts: dict[str, _View] = {}
        self._recorded: dict[str, Any] = {}
        self._memo: dict[tuple[object, ...], Tri] = {}
        self._rules: dict[str, Ruleset] = {}
        self._owners: dict[tuple[str, str], str] = {}
        self._signatures: dict[tuple[str, str], object] = {}
        self._busy: set[tuple[object, ...]] = set()
        self._packed: tuple[Mapping[str, Tri], Any] | None = None
        #: values a witness should state only where it must (soft, like every preference of
        #: :meth:`find`): the diff names the values one version does not declare
        self.rare: frozenset[str] = frozenset()
        self._session: Any = None  # the incremental solver of :meth:`find`
        self._added = 0  # how many of ``constraints`` it holds
        self._preferred: tuple[object, list[Any]] | None = None  # the soft constraints of find

    @property
    def bound(self) -> str:
        """The domain's bound on lists, in words (state it beside every proof)."""
        return f"filings with at most {self.records} records in each list"

    # -- rulesets

    def add(self, key: str, rules: Ruleset) -> None:
        """Make ``rules`` (a v2 ruleset) translatable under ``key``."""
        catalogue = rules.program.catalogue
        if catalogue is None:
            raise ValueError(f"{rules.label}: not a ruleset of filing model v2 (no facts.yaml)")
        if self.decl is None:
            self.decl = catalogue.decl
            self._catalogue = catalogue
        elif catalogue.decl.digest != self.decl.digest:
            raise ValueError(
                f"{rules.label}: its facts declaration differs from the encoding's; one encoding "
                "translates rulesets over one declaration"
            )
        self._rules[key] = rules

    def _decl(self) -> FactsDecl:
        if self.decl is None:
            raise ValueError("add a ruleset first: the variables come from its facts declaration")
        return self.decl

    # -- variables

    def recorded(self, clause_id: str) -> Any:
        """Whether the determination for the catch-all ``clause_id`` (P15, N9) is recorded."""
        var = self._recorded.get(clause_id)
        if var is None:
            var = self.z3.Bool(f"{_DETERMINATIONS}.{clause_id}?recorded")
            self._recorded[clause_id] = var
        return var

    def fact(self, path: str) -> _View:
        """The variables of a top-level fact, created (with their domain constraints) on first
        use. A records fact's slots are in ``.slots``; see :meth:`field` for their fields."""
        got = self._facts.get(path)
        if got is not None:
            return got
        decl = self._decl().facts[path]
        group = _determination(path)
        known: Any
        if group is not None:
            known = self.recorded(group)
        elif self.domain is Domain.COMPLETE:
            known = self.z3.BoolVal(True)
        else:
            known = self.z3.Bool(f"{path}?known")
        got = self._make(decl, path, known, exact=group is not None)
        if decl.type is FactType.RECORDS:
            z3 = self.z3
            got.slots = [
                _Slot(z3.Bool(f"{path}[{i}]?present"), {}, f"{path}[{i}]")
                for i in range(self.records)
            ]
            for a, b in itertools.pairwise(got.slots):
                self.constraints.append(z3.Implies(b.present, a.present))
            if got.slots:
                self.constraints.append(z3.Implies(got.slots[0].present, got.known))
            self.constraints.append(z3.Implies(got.complete, got.known))
        self._facts[path] = got
        return got

    def field(self, path: str, slot: int, name: str) -> _View:
        """The variables of the field ``name`` of record ``slot`` of the records fact ``path``."""
        records = self.fact(path)
        s = records.slots[slot]
        got = s.fields.get(name)
        if got is None:
            decl = records.decl.field(name)
            known = (
                self.z3.BoolVal(True)
                if self.domain is Domain.COMPLETE
                else self.z3.Bool(f"{s.prefix}.{name}?known")
            )
            got = s.fields[name] = self._make(decl, f"{s.prefix}.{name}", known)
        return got

    def _make(self, decl: FactDecl, name: str, known: Any, *, exact: bool = False) -> _View:
        z3 = self.z3
        complete_domain = self.domain is Domain.COMPLETE
        na = z3.Bool(f"{name}?na") if decl.na is not None else z3.BoolVal(False)
        if decl.na is not None:
            self.constraints.append(z3.Implies(na, known))
        view = _View(decl, known, na)
        add = self.constraints.append
        kind = decl.type
        if kind is FactType.BOOL:
            view.value = z3.Bool(name)
        elif kind is FactType.ENUM:
            fam = self._family(decl)
            view.nodes = tuple(fam.values)
            view.value = z3.Int(name)
            allowed = [i for i, v in enumerate(view.nodes) if not complete_domain or _leaf(fam, v)]
            add(z3.Or(*(view.value == i for i in allowed)))
        elif kind is FactType.SET:
            fam = self._family(decl)
            view.nodes = tuple(fam.values)
            view.yes = {v: z3.Bool(f"{name}+{v}") for v in view.nodes}
            view.no = {v: z3.Bool(f"{name}-{v}") for v in view.nodes}
            view.complete = z3.Bool(f"{name}?complete")
            stated = z3.And(known, z3.Not(na))
            out = self._ruled_out(view)
            for v in view.nodes:
                add(z3.Not(z3.And(view.yes[v], view.no[v])))
                add(z3.Implies(z3.Or(view.yes[v], view.no[v]), stated))
                # a yes value keeps a leaf that no no value rules out (else: filing_set_conflict)
                add(
                    z3.Implies(
                        view.yes[v], z3.Or(*(z3.Not(out[leaf]) for leaf in sorted(fam.leaves(v))))
                    )
                )
                if complete_domain:
                    add(z3.Not(view.no[v]))
                    if not _leaf(fam, v):
                        add(z3.Not(view.yes[v]))
            add(z3.Implies(view.complete, stated))
            if complete_domain:
                add(z3.Implies(stated, view.complete))
        elif kind is FactType.DATE:
            view.start, view.stop = z3.Int(f"{name}?start"), z3.Int(f"{name}?stop")
            add(view.start >= DATE_MIN.toordinal())
            add(view.stop <= DATE_MAX.toordinal())
            add(view.start <= view.stop)
            if complete_domain or exact:
                add(view.start == view.stop)
        elif kind is FactType.RECORDS:
            view.complete = z3.BoolVal(True) if complete_domain else z3.Bool(f"{name}?complete")
        return view

    def _family(self, decl: FactDecl) -> Family:
        assert decl.family is not None  # an enum or set fact has its family
        return self._decl().families[decl.family]

    def _ruled_out(self, s: _View) -> dict[str, Any]:
        """For each leaf of a set's family: some ``no`` value at or above it."""
        z3 = self.z3
        fam = self._family(s.decl)
        return {
            leaf: z3.Or(*(s.no[a] for a in sorted(fam.above(leaf))))
            for leaf in sorted(_all_leaves(fam))
        }

    @property
    def facts(self) -> Mapping[str, _View]:
        return self._facts

    # -- constants: the cases of an exact split, the fields of a blank record

    def _const(self, decl: FactDecl, value: object) -> _View:
        z3 = self.z3
        view = _View(decl, z3.BoolVal(value is not None), z3.BoolVal(value is NA))
        if decl.type is FactType.BOOL:
            view.value = z3.BoolVal(value is True)
        elif decl.type is FactType.ENUM:
            view.nodes = tuple(self._family(decl).values)
            view.value = z3.IntVal(view.nodes.index(value) if isinstance(value, str) else -1)
        elif value is not None:  # pragma: no cover - only bool and enum facts are split
            raise TypeError(f"no constant {value!r} for a {decl.type.value} fact")
        elif decl.type is FactType.SET:
            view.nodes = tuple(self._family(decl).values)
            view.yes = {v: z3.BoolVal(False) for v in view.nodes}
            view.no = dict(view.yes)
            view.complete = z3.BoolVal(False)
        elif decl.type is FactType.DATE:
            view.start = view.stop = z3.IntVal(0)
        return view

    # -- translation

    def _owner(self, key: str, clause_id: str) -> str:
        """The first ruleset added whose clause ``clause_id`` translates as ``key``'s does: the
        same tests, combination and split plans, reading clauses that do too. The clauses two
        versions share are translated once (a diff's unchanged clauses)."""
        got = self._owners.get((key, clause_id))
        if got is None:
            got = key
            mine = self._signature(key, clause_id)
            for other, rules in self._rules.items():
                if other == key:
                    break
                if clause_id in rules and self._signature(other, clause_id) == mine:
                    got = other
                    break
            self._owners[key, clause_id] = got
        return got

    def _signature(self, key: str, clause_id: str) -> object:
        got = self._signatures.get((key, clause_id))
        if got is None:
            rules = self._rules[key]
            clause = rules.clause(clause_id)
            paths = self._catalogue_of(key).paths
            elements = tuple(
                (
                    e.id,
                    e.test,
                    tuple(
                        (paths[i], cases)
                        for i, cases in rules.program.plans.get((clause_id, e.id), ())
                    ),
                )
                for e in clause.elements
            )
            refs = sorted(
                {
                    n.clause
                    for e in clause.elements
                    for n in walk(e.test)
                    if isinstance(n, ClauseRef)
                }
            )
            got = (elements, clause.holds_when, tuple((r, self._signature(key, r)) for r in refs))
            self._signatures[key, clause_id] = got
        return got

    def clause(self, key: str, clause_id: str, env: _Env = ()) -> Tri:
        """The truth of a clause of the ruleset added as ``key``."""
        key = self._owner(key, clause_id)
        memo_key = ("clause", key, clause_id, env)
        got = self._memo.get(memo_key)
        if got is not None:
            return got
        if memo_key in self._busy:  # the loader rejects cycles; never reached for loaded rules
            raise ValueError(f"clause references form a cycle through {clause_id}")
        self._busy.add(memo_key)
        clause = self._rules[key].clause(clause_id)
        elements = {e.id: self.element(key, clause_id, e.id, env) for e in clause.elements}
        got = self._combination(clause.holds_when, elements)
        self._busy.discard(memo_key)
        self._memo[memo_key] = got
        return got

    def element(self, key: str, clause_id: str, element_id: str, env: _Env = ()) -> Tri:
        """The truth of one element, exact where the engine's is (its split plan)."""
        key = self._owner(key, clause_id)
        memo_key = ("element", key, clause_id, element_id, env)
        got = self._memo.get(memo_key)
        if got is not None:
            return got
        rules = self._rules[key]
        test = rules.clause(clause_id).element(element_id).test
        kleene = self._node(key, test, env, ())
        plan = rules.program.plans.get((clause_id, element_id))
        got = kleene if not plan else self._settle(key, test, env, kleene, plan)
        self._memo[memo_key] = got
        return got

    def _settle(
        self, key: str, test: Node, env: _Env, kleene: Tri, plan: Sequence[tuple[int, Any]]
    ) -> Tri:
        """:func:`rongcuo.engine.catalogue.settle` as formulas: where Kleene says unknown, the
        element is true (false) when every case of the facts it splits on is true (false)."""
        z3 = self.z3
        catalogue = self._rules[key].program.catalogue
        assert catalogue is not None
        bound = dict(env)
        per_fact: list[list[tuple[Any, tuple[str, object] | None]]] = []
        for index, cases in plan:
            path = catalogue.paths[index]
            decl = self._decl().facts[path]
            view = self._const(decl, _unhash(bound[path])) if path in bound else self.fact(path)
            may: dict[object, list[Any]] = {}
            for value, options in cases.items():
                for option in options:
                    may.setdefault(_hashable(option), []).append(view.is_(z3, value))
            settled = z3.Not(z3.Or(*(view.is_(z3, v) for v in cases), z3.BoolVal(False)))
            choices: list[tuple[Any, tuple[str, object] | None]] = [(settled, None)]
            for option, conds in may.items():
                choices.append((z3.Or(*conds), (path, option)))
            per_fact.append(choices)
        ts: list[Any] = []
        fs: list[Any] = []
        for combo in itertools.product(*per_fact):
            cond = z3.And(*(c for c, _ in combo))
            case = dict(env)
            for _, pick in combo:
                if pick is not None:
                    case[pick[0]] = pick[1]
            tri = self._node(key, test, tuple(sorted(case.items())), ())
            ts.append(z3.Implies(cond, tri.t))
            fs.append(z3.Implies(cond, tri.f))
        return Tri(z3.Or(kleene.t, z3.And(*ts)), z3.Or(kleene.f, z3.And(*fs)))

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
        """The translation of one predicate node of the ruleset added as ``key`` (Kleene, as the
        engine evaluates a node; an element's exact split is :meth:`element`'s)."""
        return self._node(key, node, (), ())

    def _node(self, key: str, node: Node, env: _Env, scope: _Scope) -> Tri:
        if isinstance(node, Test):
            return self._test(key, node, env, scope)
        if isinstance(node, All | AnyNode):
            return self._connective(node, [self._node(key, n, env, scope) for n in node.items])
        if isinstance(node, Not):
            inner = self._node(key, node.item, env, scope)
            return Tri(inner.f, inner.t)
        if isinstance(node, ClauseRef):
            return self.clause(key, node.clause, env)
        if isinstance(node, SameKind):
            left = self._read(key, node.left, env, scope)
            right = self._read(key, node.right, env, scope)
            table = self._catalogue_of(key).same_kind(left.decl, right.decl)
            return self._same_kind(left, right, table)
        if isinstance(node, Quantifier):
            return self._quantifier(key, node, env, scope)
        raise TypeError(f"an element reference outside holds_when: {node!r}")

    def _catalogue_of(self, key: str) -> Catalogue:
        catalogue = self._rules[key].program.catalogue
        assert catalogue is not None  # checked by add
        return catalogue

    def _read(self, key: str, path: str, env: _Env, scope: _Scope) -> _View:
        """The view of the fact a path names: a bound record's field, or a top-level fact."""
        head, _, rest = path.partition(".")
        for name, records_path, slot in reversed(scope):
            if name == head:
                if isinstance(slot, _BlankSlot):
                    return self._const(self.fact(records_path).decl.field(rest), None)
                return self.field(records_path, slot, rest)
        for bound_path, value in env:
            if bound_path == path:
                return self._const(self._decl().facts[path], _unhash(value))
        return self.fact(path)

    def _quantifier(self, key: str, node: Quantifier, env: _Env, scope: _Scope) -> Tri:
        z3 = self.z3
        of = self._read(key, node.of, env, scope)
        if of.decl.type is not FactType.RECORDS:
            raise TypeError(f"{node.of}: a quantifier ranges over a top-level records fact")
        some = node.kind is QuantifierKind.SOME

        def item(slot: int | _BlankSlot) -> Tri:
            inner: _Scope = (*scope, (node.name, of.decl.path, slot))
            that = self._node(key, node.that, env, inner)
            if node.where is None:
                return that
            where = self._node(key, node.where, env, inner)
            if some:  # where and that
                return Tri(z3.And(where.t, that.t), z3.Or(where.f, that.f))
            return Tri(z3.Or(where.f, that.t), z3.And(where.t, that.f))  # not where, or that

        complete = z3.And(of.known, of.complete)
        items = [(s.present, item(i)) for i, s in enumerate(of.slots)]
        blank = item(_BLANK)
        if some:
            t = z3.Or(z3.BoolVal(False), *(z3.And(p, v.t) for p, v in items))
            f = z3.And(*(z3.Implies(p, v.f) for p, v in items), z3.Or(complete, blank.f))
            return Tri(t, z3.And(z3.Not(t), f))
        f = z3.Or(z3.BoolVal(False), *(z3.And(p, v.f) for p, v in items))
        t = z3.And(*(z3.Implies(p, v.t) for p, v in items), z3.Or(complete, blank.t))
        return Tri(z3.And(z3.Not(f), t), f)

    def _test(self, key: str, node: Test, env: _Env, scope: _Scope) -> Tri:
        z3 = self.z3
        x = self._read(key, node.fact, env, scope)
        kind = x.decl.type
        if isinstance(node.value, FactRef):
            y = self._read(key, node.value.path, env, scope)
            return self._binary(node.op, x, y)
        if node.op is Op.KNOWN:
            holds = x.known if node.value is True else z3.Not(x.known)
            return Tri(holds, z3.Not(holds))
        if node.op is Op.NA:
            yes, no = z3.And(x.known, x.na), z3.And(x.known, z3.Not(x.na))
            return Tri(yes, no) if node.value is True else Tri(no, yes)
        if kind in (FactType.BOOL, FactType.ENUM):
            return self._tabulated(x, self._catalogue_of(key).unary(node, x.decl))
        stated = z3.And(x.known, z3.Not(x.na))
        not_applicable = z3.And(x.known, x.na)
        if kind is FactType.SET and node.op in (Op.CONTAINS, Op.CONTAINS_ANY):
            value = node.value
            targets = [value] if isinstance(value, str) else sorted(value)  # type: ignore[arg-type]
            t, f, none_f = self._contains(x, targets)
            return Tri(
                z3.And(stated, t),
                z3.Or(z3.And(stated, f), not_applicable, z3.And(z3.Not(x.known), none_f)),
            )
        if kind is FactType.SET and node.op is Op.EMPTY:
            empty_t, empty_f, none = self._empty(x)
            want = node.value is True
            t, f = (empty_t, empty_f) if want else (empty_f, empty_t)
            unknown_t = z3.BoolVal(none == ops.TRUE if want else none == ops.FALSE)
            unknown_f = z3.BoolVal(none == ops.FALSE if want else none == ops.TRUE)
            return Tri(
                z3.Or(z3.And(stated, t), z3.And(z3.Not(x.known), unknown_t)),
                z3.Or(z3.And(stated, f), not_applicable, z3.And(z3.Not(x.known), unknown_f)),
            )
        if kind is FactType.DATE and isinstance(node.value, dt.date):
            d = node.value.toordinal()
            rails = _DATE_RAILS.get(node.op)
            if rails is not None:
                t, f = rails(x.start, x.stop, d)
                return Tri(z3.And(stated, t), z3.Or(not_applicable, z3.And(stated, f)))
        raise TypeError(f"no translation of {node.fact} {node.op.value} {node.value!r}")

    def _tabulated(self, x: _View, fn: Any) -> Tri:
        """The rails of a test on a bool or enum fact, read off the engine's own operator at
        every value the fact may hold."""
        z3 = self.z3
        values = self._values(x)
        truths = [fn(v) for v in values]
        return Tri(
            x.among(z3, [v for v, t in zip(values, truths, strict=True) if t == ops.TRUE]),
            x.among(z3, [v for v, t in zip(values, truths, strict=True) if t == ops.FALSE]),
        )

    def _values(self, x: _View) -> list[object]:
        out: list[object] = [None]
        if x.decl.na is not None:
            out.append(NA)
        if x.decl.type is FactType.BOOL:
            out += [True, False]
        else:
            out += list(x.nodes)
        return out

    def _same_kind(self, x: _View, y: _View, table: Any) -> Tri:
        """``same_kind`` tabulated from the engine's table, rows of equal truths grouped."""
        z3 = self.z3
        ys = self._values(y)
        rows: dict[tuple[int, ...], list[object]] = {}
        for a in self._values(x):
            rows.setdefault(tuple(ops.same_kind(a, b, table) for b in ys), []).append(a)
        ts: list[Any] = []
        fs: list[Any] = []
        for row, xs in rows.items():
            is_x = x.among(z3, xs)
            hit = [b for b, truth in zip(ys, row, strict=True) if truth == ops.TRUE]
            miss = [b for b, truth in zip(ys, row, strict=True) if truth == ops.FALSE]
            if hit:
                ts.append(z3.And(is_x, y.among(z3, hit)))
            if miss:
                fs.append(z3.And(is_x, y.among(z3, miss)))
        return Tri(z3.Or(z3.BoolVal(False), *ts), z3.Or(z3.BoolVal(False), *fs))

    def _contains(self, s: _View, targets: Sequence[str]) -> tuple[Any, Any, Any]:
        """``ops.contains`` on a stated set: (true, false, false when the set is unknown)."""
        z3 = self.z3
        fam = self._family(s.decl)
        hit = frozenset().union(*(fam.leaves(t) for t in targets))
        out = self._ruled_out(s)
        true = z3.Or(
            z3.BoolVal(False),
            *(
                z3.And(s.yes[v], *(out[leaf] for leaf in sorted(fam.leaves(v) - hit)))
                for v in s.nodes
            ),
        )
        possible = [
            z3.And(
                z3.Not(out[leaf]),
                z3.Or(z3.Not(s.complete), *(s.yes[a] for a in sorted(fam.above(leaf)))),
            )
            for leaf in sorted(hit)
        ]
        false = z3.And(z3.Not(true), z3.Not(z3.Or(z3.BoolVal(False), *possible)))
        return true, false, z3.BoolVal(not hit)

    def _empty(self, s: _View) -> tuple[Any, Any, int]:
        """``ops.empty`` on a stated set: (empty, not empty, the truth when it is unknown)."""
        z3 = self.z3
        fam = self._family(s.decl)
        out = self._ruled_out(s)
        some_yes = z3.Or(z3.BoolVal(False), *s.yes.values())
        empty = z3.And(z3.Not(some_yes), z3.Or(s.complete, z3.And(*out.values())))
        return empty, some_yes, ops.UNKNOWN if _all_leaves(fam) else ops.TRUE

    def _binary(self, op: Op, x: _View, y: _View) -> Tri:
        z3 = self.z3
        if op is Op.AFTER_FACT and x.decl.type is y.decl.type is FactType.DATE:
            stated = z3.And(x.known, z3.Not(x.na), y.known, z3.Not(y.na))
            either_na = z3.Or(z3.And(x.known, x.na), z3.And(y.known, y.na))
            return Tri(
                z3.And(stated, x.start > y.stop),
                z3.Or(either_na, z3.And(stated, x.stop <= y.start)),
            )
        raise TypeError(f"no translation of {x.decl.path} {op.value} {y.decl.path}")

    # -- the decision procedure

    def status(self, key: str) -> dict[Status, Any]:
        """For each status, the formula under which the engine gives it (ruleset ``key``).

        This is :func:`rongcuo.engine.decide._status` written over clause truths (design §6): a
        positive's effective truth is ``P and not (B_i or …)`` over the bars naming it; a negative
        holds -> ineligible; else an open non-catch-all negative, or no effective positive holding
        while a non-catch-all one is open -> insufficient facts; else an effective positive holds
        -> eligible; else a catch-all positive determined false -> ineligible; else needs
        determination. Companions never change the status.
        """
        z3 = self.z3
        rules = self._rules[key]
        bars: dict[str, list[Tri]] = {}
        for bar in rules.of_list(ListKind.BAR):
            for pid in bar.bars:
                bars.setdefault(pid, []).append(self.clause(key, bar.id))
        negatives = [(c, self.clause(key, c.id)) for c in rules.of_list(ListKind.NEGATIVE)]
        positives = [(c, self.clause(key, c.id)) for c in rules.of_list(ListKind.POSITIVE)]
        effective = []
        for c, v in positives:
            taken = bars.get(c.id, [])
            effective.append(
                (c, Tri(z3.And(v.t, *(b.f for b in taken)), z3.Or(v.f, *(b.t for b in taken))))
            )
        false = z3.BoolVal(False)
        neg_true = z3.Or(false, *(v.t for _, v in negatives))
        pos_true = z3.Or(false, *(v.t for _, v in effective))
        neg_open = z3.Or(false, *(v.unknown() for c, v in negatives if not c.catch_all))
        pos_open = z3.Or(false, *(v.unknown() for c, v in effective if not c.catch_all))
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
        preferring ordinary filings — facts unknown (in the any domain), no records, no set
        members, leaf values, ``false`` booleans, applicable facts, exact dates on 2023-01-01,
        determinations absent — so that a witness states only what it must. Satisfiability itself
        is decided by the plain solver: ``simple`` only picks among models.
        """
        z3 = self.z3
        # one incremental solver for every question: the domain constraints are added once (as
        # variables appear), each question in its own scope
        if self._session is None:
            self._session = z3.Solver()
        s = self._session
        if len(self.constraints) > self._added:
            s.add(*self.constraints[self._added :])
            self._added = len(self.constraints)
        s.push()
        try:
            s.add(*formulas)
            result = s.check()
            if result == z3.unsat:
                return None
            if result != z3.sat:  # pragma: no cover - the theories used are decidable
                raise RuntimeError(f"z3 could not decide: {s.reason_unknown()}")
            found = s.model()
        finally:
            s.pop()
        if not simple:
            return found
        opt = z3.Optimize()
        # incremental: no preprocessing of the whole problem for every question (as the session
        # solver above); z3's preprocessing (elim_01 and the rest) costs five times the search
        opt.set("incremental", True)
        opt.add(*formulas)
        opt.add(*self.constraints)
        for soft in self._preferences():
            opt.add_soft(soft)
        if opt.check() != z3.sat:  # pragma: no cover - the hard constraints are satisfiable
            return found
        return opt.model()

    def _preferences(self) -> list[Any]:
        size = len(self._recorded) + sum(
            1 + sum(len(s.fields) for s in v.slots) for v in self._facts.values()
        )
        if self._preferred is not None and self._preferred[0] == (size, self.rare):
            return self._preferred[1]  # no variable was created since: the same preferences
        z3 = self.z3
        out: list[Any] = [z3.Not(r) for r in self._recorded.values()]
        for path, view in self._facts.items():
            for slot in view.slots:
                out.append(z3.Not(slot.present))
            views = [view, *(f for slot in view.slots for f in slot.fields.values())]
            for v in views:
                out.extend(self._prefer(v, top=v is view and _determination(path) is None))
        self._preferred = ((size, self.rare), out)
        return out

    def _prefer(self, v: _View, *, top: bool) -> list[Any]:
        z3 = self.z3
        out: list[Any] = []
        if self.domain is Domain.ANY and (top or v.decl.type is not FactType.RECORDS):
            out.append(z3.Not(v.known))
        if v.decl.na is not None:
            out.append(z3.Not(v.na))
        kind = v.decl.type
        if kind is FactType.BOOL:
            out.append(z3.Not(v.value))
        elif kind is FactType.ENUM:
            fam = self._family(v.decl)
            out.append(z3.Or(*(v.value == i for i, n in enumerate(v.nodes) if _leaf(fam, n))))
            out.extend(v.value != i for i, n in enumerate(v.nodes) if n in self.rare)
        elif kind is FactType.SET:
            out.extend(z3.Not(b) for b in v.yes.values())
            out.extend(z3.Not(b) for b in v.no.values())
            out.append(z3.Implies(v.known, v.complete))  # unknown rather than stated empty
        elif kind is FactType.DATE:
            out.append(z3.And(v.start == _DEFAULT_DATE.toordinal(), v.stop == v.start))
        elif kind is FactType.RECORDS:
            out.append(z3.Implies(v.known, v.complete))
        return out

    # -- filings <-> models

    def values(self, model: Any) -> dict[str, Any]:
        """Every top-level fact's value in a model (``None``: unknown), records as
        :class:`~rongcuo.facts.values.Records` of namespaces with every field.

        Facts the question did not read take a fixed default in the complete domain (false, the
        first leaf, the empty set, 2023-01-01, an empty list) and stay unknown in the any domain;
        so do the unread fields of a record. A determination is whole or absent.
        """
        z3 = self.z3
        decl = self._decl()

        def true(term: Any) -> bool:
            return bool(z3.is_true(model.eval(term, model_completion=True)))

        out: dict[str, Any] = {}
        for path, fact in decl.facts.items():
            group = _determination(path)
            view = self._facts.get(path)
            if group is not None:
                if not true(self.recorded(group)):
                    out[path] = None
                    continue
                out[path] = (
                    self._decode(model, view) if view is not None else _default(fact, decl.families)
                )
            elif view is not None:
                out[path] = self._decode(model, view) if true(view.known) else None
            elif self.domain is Domain.COMPLETE:
                out[path] = _default(fact, decl.families)
            else:
                out[path] = None
        return out

    def _decode(self, model: Any, view: _View) -> Any:
        z3 = self.z3

        def true(term: Any) -> bool:
            return bool(z3.is_true(model.eval(term, model_completion=True)))

        def number(term: Any) -> int:
            return int(model.eval(term, model_completion=True).as_long())

        if view.decl.na is not None and true(view.na):
            return NA
        kind = view.decl.type
        if kind is FactType.BOOL:
            return true(view.value)
        if kind is FactType.ENUM:
            return view.nodes[number(view.value)]
        if kind is FactType.SET:
            return PartialSet(
                frozenset(v for v in view.nodes if true(view.yes[v])),
                frozenset(v for v in view.nodes if true(view.no[v])),
                true(view.complete),
            )
        if kind is FactType.DATE:
            return PartialDate(
                dt.date.fromordinal(number(view.start)), dt.date.fromordinal(number(view.stop))
            )
        if kind is FactType.RECORDS:
            items = []
            for slot in view.slots:
                if not true(slot.present):
                    break
                record: dict[str, Any] = {}
                for f in view.decl.fields:
                    got = slot.fields.get(f.name)
                    if got is not None:
                        record[f.name] = self._decode(model, got) if true(got.known) else None
                    else:
                        complete = self.domain is Domain.COMPLETE
                        record[f.name] = _default(f, self._decl().families) if complete else None
                items.append(types.SimpleNamespace(**record))
            return Records(tuple(items), true(view.complete))
        return _default(view.decl, self._decl().families)

    def vector(self, model: Any) -> tuple[Any, ...]:
        """The model as a fact vector, which the engine evaluates like a filing (for any
        declaration, with or without a generated model)."""
        found = self.values(model)
        return tuple(found[p] for p in self._decl().facts)

    def filing_data(self, model: Any, *, name: str = "witness") -> dict[str, Any]:
        """A filing document (JSON shape) for a model: every read fact as the model says."""
        decl = self._decl()
        doc: dict[str, Any] = {}
        for path, value in self.values(model).items():
            if value is None:
                continue
            _put(doc, path, _json(value, decl.facts[path], name))
        ident = decl.facts.get("id")
        if ident is not None and ident.type is FactType.TEXT:
            doc["id"] = name
        return doc

    def witness(self, model: Any, *, name: str = "witness") -> Any:
        """The model as a validated v2 :class:`~rongcuo.facts.v2.Filing` (read by
        :func:`~rongcuo.facts.parse.parse_filing_v2` from :meth:`filing_data`).

        Needs the generated model to be of this encoding's declaration; for another
        declaration use :meth:`vector`.
        """
        from ..facts import v2

        if self._decl().digest != v2.DIGEST:
            raise ValueError(
                "no generated filing model for this facts declaration; use Encoding.vector"
            )
        from ..facts.parse import parse_filing_v2

        return parse_filing_v2(self.filing_data(model, name=name))

    def pin(self, filing: Any) -> list[Any]:
        """Formulas fixing every variable created so far to ``filing``'s facts (a v2 filing or
        its fact vector). A filing outside the domain (a list longer than the bound; an unknown
        fact, a partial value or an incomplete list in the complete domain) is refused with
        ``ValueError``."""
        return [var == value for var, value in self._assignment(filing)]

    def _assignment(self, filing: Any) -> list[tuple[Any, Any]]:
        z3 = self.z3
        decl = self._decl()
        values = dict(zip(decl.facts, vector_of(filing), strict=True))
        out: list[tuple[Any, Any]] = []
        for clause_id, var in self._recorded.items():
            holds = values.get(f"{_DETERMINATIONS}.{clause_id}.holds")
            out.append((var, z3.BoolVal(holds is not None)))
        for path, view in self._facts.items():
            if _determination(path) is not None and values[path] is None:
                continue  # the recorded Bool says it: the view's own terms are moot
            self._assign(view, values[path], out)
        return out

    def _set(self, term: Any, value: Any, out: list[tuple[Any, Any]], what: str) -> None:
        """Assign ``value`` to a variable; a constant term must already be it."""
        z3 = self.z3
        if z3.is_true(term) or z3.is_false(term):
            if z3.is_true(term) != z3.is_true(value):
                raise ValueError(f"{what}: outside the encoding's domain ({self.domain.value})")
            return
        out.append((term, value))

    def _assign(self, view: _View, value: Any, out: list[tuple[Any, Any]]) -> None:
        z3 = self.z3
        path = view.decl.path
        self._set(view.known, z3.BoolVal(value is not None), out, f"{path} unknown")
        if view.decl.na is not None:
            out.append((view.na, z3.BoolVal(value is NA)))
        kind = view.decl.type
        if value is None or value is NA:
            if kind is FactType.RECORDS:
                out.extend((s.present, z3.BoolVal(False)) for s in view.slots)
                self._set(view.complete, z3.BoolVal(False), out, f"{path} unknown")
            return
        if kind is FactType.BOOL:
            out.append((view.value, z3.BoolVal(bool(value))))
        elif kind is FactType.ENUM:
            out.append((view.value, z3.IntVal(view.nodes.index(value))))
        elif kind is FactType.SET:
            out.extend((b, z3.BoolVal(v in value.yes)) for v, b in view.yes.items())
            out.extend((b, z3.BoolVal(v in value.no)) for v, b in view.no.items())
            out.append((view.complete, z3.BoolVal(bool(value.complete))))
        elif kind is FactType.DATE:
            out.append((view.start, z3.IntVal(value.start.toordinal())))
            out.append((view.stop, z3.IntVal(value.stop.toordinal())))
        elif kind is FactType.RECORDS:
            items = tuple(value.items)
            if len(items) > len(view.slots):
                raise ValueError(
                    f"{path} has {len(items)} records; the encoding's domain is {self.bound}"
                )
            self._set(view.complete, z3.BoolVal(bool(value.complete)), out, f"{path} incomplete")
            for i, slot in enumerate(view.slots):
                out.append((slot.present, z3.BoolVal(i < len(items))))
                if i < len(items):
                    for name, field in slot.fields.items():
                        self._assign(field, getattr(items[i], name), out)

    def truths(self, tris: Mapping[str, Tri], filing: Any) -> dict[str, Truth]:
        """The values of translated predicates on one filing (to check the translation)."""
        z3 = self.z3
        m = z3.Model()
        for var, value in self._assignment(filing):
            m.update_value(var, value)
        # one evaluation of every rail at once: z3's evaluator shares the formulas' common parts
        names = list(tris)
        if not names:
            return {}
        if self._packed is None or self._packed[0] is not tris:  # made once per mapping
            one, zero = z3.BitVecVal(1, 1), z3.BitVecVal(0, 1)
            bits = [z3.If(r, one, zero) for n in names for r in (tris[n].t, tris[n].f)]
            self._packed = (tris, z3.Concat(*bits) if len(bits) > 1 else bits[0])
        word = m.eval(self._packed[1], model_completion=True).as_long()
        width = 2 * len(names)
        out: dict[str, Truth] = {}
        for i, name in enumerate(names):
            t = (word >> (width - 1 - 2 * i)) & 1
            f = (word >> (width - 2 - 2 * i)) & 1
            out[name] = Truth.TRUE if t else Truth.FALSE if f else Truth.UNKNOWN
        return out


#: the top-level facts an exact split fixes to constants, as sorted (path, value) pairs (``NA``
#: written as ``("NA",)``, so that the pairs sort and hash)
_Env = tuple[tuple[str, object], ...]
#: the records bound by the quantifiers around a node: (name, records fact, slot or blank)
_Scope = tuple[tuple[str, str, "int | _BlankSlot"], ...]


def _hashable(value: object) -> object:
    return ("NA",) if value is NA else value


def _unhash(value: object) -> object:
    return NA if value == ("NA",) else value


def _determination(path: str) -> str | None:
    """The catch-all clause whose recorded determination a fact belongs to, or None."""
    parts = path.split(".")
    if parts[0] == _DETERMINATIONS and len(parts) > 2:
        return parts[1]
    return None


def _leaf(fam: Family, value: str) -> bool:
    return not fam.children(value)


def _all_leaves(fam: Family) -> frozenset[str]:
    return frozenset(v for v in fam.values if not fam.children(v))


def _first_leaf(fam: Family) -> str:
    return next(v for v in fam.values if not fam.children(v))


def _default(decl: FactDecl, families: Mapping[str, Family]) -> Any:
    """The value an unread fact takes in the complete domain."""
    kind = decl.type
    if kind is FactType.BOOL:
        return False
    if kind is FactType.ENUM:
        assert decl.family is not None
        return _first_leaf(families[decl.family])
    if kind is FactType.SET:
        return PartialSet.of(())
    if kind is FactType.DATE:
        return PartialDate.exact(_DEFAULT_DATE)
    if kind is FactType.RECORDS:
        return Records((), True)
    return _TEXT


_TEXT: Final = "（示例）由 rongcuo 求解器生成 (an example made by the solver)"


def _json(value: Any, decl: FactDecl, name: str) -> Any:
    """A runtime value in its document form."""
    if value is NA:
        return NA_TEXT
    if isinstance(value, PartialSet | PartialDate):
        return value.to_json()
    if isinstance(value, Records):
        fields = {f.name: f for f in decl.fields}
        return value.to_json(
            lambda r: {k: _json(v, fields[k], name) for k, v in vars(r).items() if v is not None}
        )
    return value


def _put(out: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    here = out
    for part in parts[:-1]:
        here = here.setdefault(part, {})
    here[parts[-1]] = value


def _ordered(op: Op) -> Any:
    return {
        Op.BEFORE: lambda start, stop, d: (stop < d, start >= d),
        Op.AFTER: lambda start, stop, d: (start > d, stop <= d),
        Op.ON_OR_BEFORE: lambda start, stop, d: (stop <= d, start > d),
        Op.ON_OR_AFTER: lambda start, stop, d: (start >= d, stop < d),
    }[op]


_DATE_RAILS: Final = {
    op: _ordered(op) for op in (Op.BEFORE, Op.AFTER, Op.ON_OR_BEFORE, Op.ON_OR_AFTER)
}


def clauses_of(rules: Ruleset, kinds: Iterable[ListKind] = tuple(ListKind)) -> list[Clause]:
    """The clauses of the given lists, in ruleset order."""
    wanted = set(kinds)
    return [c for c in rules.clauses if c.list in wanted]
