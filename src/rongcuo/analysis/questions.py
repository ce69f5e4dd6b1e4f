"""The fewest questions that settle a filing's status (issue 12; docs/questions.md).

:func:`next_questions` takes a filing whose status is ``insufficient_facts`` and returns

* the **facts whose answers can still change the status** — every other open fact is never
  asked, however many clauses read it;
* the **smallest sets of them that decide it**, cheapest first. A set *decides* the status when,
  for every way of answering the facts in it, the status no longer depends on anything else: the
  engine's verdict on the filing with those answers (and every other fact as it stands) is not
  ``insufficient_facts``.

Answering a fact (:class:`Question`) means giving it an exact value that agrees with what the
filing already says: a known ``true``/``false`` (or ``n/a`` where declared); a leaf value (below
the coarse value already given, if any); a complete set (keeping the values already listed as
yes or no); one day (within the partial date already given); for a list of records (``acts``,
``history.exemptions``), whether it is complete — the records already listed stay as they are,
and any further record is given with every field the rules read. The recorded determinations of
the catch-all clauses (P15, N9) are never asked: they wait for a person, not for a fact.

**Method.** ``"z3"``: exact, by the z3 translation of the ruleset
(:mod:`rongcuo.analysis.solver_v2`, :attr:`~rongcuo.analysis.solver_v2.Domain.ANY`), every fact
outside the question set pinned to the filing's value. A fact is relevant exactly when answering
every *other* open fact can leave the status open; a set decides exactly when no way of answering
it leaves the status open. Only the facts the walk lists are searched (no other can be relevant;
:meth:`_Search._run`), each by assumption literals made once per translation. The proofs hold
for filings with at most :attr:`Questions.records` records in each list (at least one more than
the filing lists where a list is incomplete).
``"walk"`` (the fallback, when z3 is not installed or the ruleset is of filing model v1): the
unknown facts under the undecided parts of the clauses the outcome waits on, as the verdict listed
them before; no deciding sets are claimed.

``import rongcuo`` does not import this module, and this module imports z3 only when called.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

from ..engine.catalogue import vector_of
from ..facts.declare import FactDecl, FactType
from ..facts.values import NA, PartialDate, PartialSet, Records
from ..rules.ruleset import Ruleset
from ..verdict.verdict import Status

if TYPE_CHECKING:
    from ..facts.kinds import AnyFiling as Filing
    from .solver_v2 import Encoding, _View

__all__ = ["Method", "Question", "Questions", "next_questions"]

Method = Literal["z3", "walk"]

#: how much a question costs to answer, by the fact's type (a list asks for records, a set for
#: every member)
COSTS: Final[Mapping[str, int]] = {
    "bool": 1,
    "enum": 1,
    "date": 1,
    "text": 1,
    "set": 2,
    "records": 3,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Question:
    """One fact to ask about.

    ``path`` names it as a filing document does: ``remedy.measures``; a field of a listed record
    by its place, 0-based: ``acts[0].kind``; a list of records by its fact (``acts.items``,
    ``history.exemptions``) — then the question is the list itself: the records not yet listed
    and whether the list is complete (``list: true``). ``clauses``: the open clauses that read it.
    ``cost``: what answering it costs (:data:`COSTS`). ``settles``: some answer to it alone
    settles the status (exact method only): asked first, it can end an interview at once.
    """

    path: str
    title_zh: str
    title_en: str
    question_zh: str
    question_en: str
    type: str
    clauses: tuple[str, ...]
    cost: int
    list: bool = False
    settles: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Questions:
    """What :func:`next_questions` found.

    ``status``: the filing's status now. ``facts``: every fact whose answer can still change it,
    the first set's facts first, each group cheapest first (a fact some answer to which settles
    the status alone, then the cost, then the verdict's order). ``sets``: the smallest sets of
    those facts (their paths) that decide the status, each in that order; ``()`` when the status
    is settled, or with the ``walk`` method. Every relevant fact belongs to every deciding set, so
    there is normally one: the relevant facts themselves. ``method``: how they were found.
    ``records``: the bound on each list the proofs hold for (0 with the ``walk`` method).
    ``exhaustive``: whether ``sets[0]`` is proved the smallest deciding set (else it is one
    minimal set found by elimination). With facts skipped (``next_questions(skip=...)``) no set
    may decide whatever the answers: then ``sets`` is empty and :attr:`first` gives every
    relevant fact.
    """

    status: Status
    method: Method
    facts: tuple[Question, ...]
    sets: tuple[tuple[str, ...], ...]
    records: int = 0
    exhaustive: bool = True

    @property
    def first(self) -> tuple[Question, ...]:
        """The questions of the cheapest deciding set (all the facts, with the walk method)."""
        if not self.sets:
            return self.facts
        by_path = {q.path: q for q in self.facts}
        return tuple(by_path[p] for p in self.sets[0])


def next_questions(
    filing: Filing | Mapping[str, Any],
    rules: Ruleset | None = None,
    *,
    skip: Iterable[str] = (),
) -> Questions:
    """The facts whose answers can still change ``filing``'s status, and the smallest sets of
    them that decide it, cheapest first (module docstring; docs/questions.md).

    ``filing`` is a filing of ``rules``' model or a mapping in its JSON shape; ``rules`` defaults
    to the bundled ruleset. A settled status gives no questions. ``skip``: paths of facts that
    cannot be answered now (an officer's 未知): they are never asked and stay as the filing has
    them, so a fact matters only if its answer can change the status with them still open (a
    path that names no open fact is ignored).
    """
    if isinstance(skip, str):
        raise TypeError("next_questions(skip=...): pass a collection of paths, not one string")
    skipped = frozenset(skip)
    from ..engine.decide import _missing_facts, _parse, _status

    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    if not isinstance(rules, Ruleset):
        raise TypeError(
            "next_questions(rules=...): pass a Ruleset (rongcuo.load_ruleset(directory)) or None, "
            f"not {type(rules).__name__}"
        )
    parsed = _parse(filing, rules)
    elements, values = rules.program.truths(parsed)
    status, _ = _status(rules, values)
    if status is not Status.INSUFFICIENT_FACTS:
        return Questions(status, "z3" if _v2(rules) else "walk", (), ())
    walked = _missing_facts(rules, parsed, values, elements)
    clauses = {m.path: m.clauses for m in walked}
    if not _v2(rules) or not _has_z3():  # v1: delete at the flip (the walk stays for no z3)
        facts = tuple(_walked(rules, m.path, m.clauses) for m in walked if m.path not in skipped)
        return Questions(status, "walk", facts, ())
    return _Search(rules, parsed, clauses, [m.path for m in walked], skipped).run(status)


def _all_candidates(
    filing: Filing | Mapping[str, Any], rules: Ruleset, *, skip: Iterable[str] = ()
) -> Questions:
    """:func:`next_questions` with every open fact a candidate, not only the walk's: the
    reference the walk's pre-filter is tested on (slower; tests only)."""
    from ..engine.decide import _missing_facts, _parse, _status

    parsed = _parse(filing, rules)
    elements, values = rules.program.truths(parsed)
    status, _ = _status(rules, values)
    walked = _missing_facts(rules, parsed, values, elements)
    clauses = {m.path: m.clauses for m in walked}
    walk_order = [m.path for m in walked]
    return _Search(rules, parsed, clauses, walk_order, frozenset(skip), every=True).run(status)


def _v2(rules: Ruleset) -> bool:
    return rules.program.catalogue is not None


def _has_z3() -> bool:
    try:
        import z3  # noqa: F401
    except ImportError:
        return False
    return True


def _walked(rules: Ruleset, path: str, clauses: tuple[str, ...]) -> Question:
    """A fact the walk found, as a question (any filing model)."""
    decl = _decl_of(rules, path)
    kind = getattr(decl, "type", None) or decl.kind
    is_list = kind.value == "records"
    return Question(
        path=path,
        title_zh=decl.zh,
        title_en=decl.en,
        question_zh=getattr(decl, "question_zh", ""),
        question_en=getattr(decl, "question_en", ""),
        type=kind.value,
        clauses=clauses,
        cost=COSTS.get(kind.value, 1),
        list=is_list,
    )


def _decl_of(rules: Ruleset, path: str) -> Any:
    """The declaration of a fact named as a document names it (``acts[0].kind`` too)."""
    model = rules.filing_model
    if "[" not in path:
        return model.facts[path]
    base, rest = path.split("[", 1)
    field = rest.split("].", 1)[1]
    catalogue = rules.program.catalogue
    assert catalogue is not None
    decl = catalogue.decl
    list_path = base if base in decl.facts else f"{base}.items"
    return decl.facts[list_path].field(field)


# -- the exact search


@dataclasses.dataclass(slots=True)
class _Atom:
    """One open fact: what pins it to the filing's value and what answering it means."""

    path: str
    decl: FactDecl
    #: literals (z3 ASTs) implying the fact as the filing has it, and answered
    pins: Any
    answered: Any
    rank: tuple[int, ...]
    is_list: bool = False


class _Encoded:
    """A ruleset's z3 translation over the any domain, with its insufficient-facts formula and a
    solver holding both (made once per ruleset and bound on lists; used under ``lock``)."""

    def __init__(self, rules: Ruleset, records: int) -> None:
        from .solver_v2 import Domain, Encoding

        self.enc: Encoding = Encoding(domain=Domain.ANY, records=records)
        self.enc.add("r", rules)
        formulas = self.enc.status("r")
        # every fact the rules read now has its variables: the domain constraints are complete
        z3 = self.enc.z3
        #: true exactly when the status is insufficient_facts (assumed true or false per check)
        self.open = z3.Bool("?insufficient")
        self._insufficient = self.open == formulas[Status.INSUFFICIENT_FACTS]
        self.solver = self.enc.solver(self._insufficient)
        self.lock = threading.Lock()
        #: per way of pinning or answering a fact (kind, view, value): a literal that implies it,
        #: asserted once in :attr:`solver`. A search passes literals as assumptions and never
        #: pushes: what z3 learns on one filing serves the next. Making the terms was most of a
        #: search's Python time. Bounded: when full, the solver starts afresh.
        self._literals: dict[tuple[str, int, Any], Any] = {}
        #: how many literals to keep, at least (a search may add a few hundred past it)
        self.limit = _LITERALS

    def room(self) -> None:
        """Before a search: a fresh solver if the literals kept are near the bound (never during
        one: a literal made before would lose what it implies)."""
        if len(self._literals) >= self.limit:
            self._literals.clear()
            self.solver = self.enc.solver(self._insufficient)

    def literal(self, key: tuple[str, int, Any], make: Callable[[], list[Any]]) -> Any:
        """The literal (a z3 AST) implying the terms under ``key``, which ``make`` makes the
        first time (under ``lock``)."""
        try:
            found = self._literals.get(key)
        except TypeError:  # an unhashable value (none is, today): keyed by its text
            key = (key[0], key[1], repr(key[2]))
            found = self._literals.get(key)
        if found is None:
            z3 = self.enc.z3
            lit = z3.Bool(f"?{len(self._literals)}")
            self.solver.add(z3.Implies(lit, z3.And(z3.BoolVal(True), *make())))
            found = self._literals[key] = lit.as_ast()
        return found


#: how many ways of pinning or answering a fact a translation keeps literals for, at least (a
#: search may add a few hundred past it; the next one starts afresh)
_LITERALS: Final = 20_000


def _encoded(rules: Ruleset, records: int) -> _Encoded:
    return rules.program.derive(f"questions/{records}", lambda: _Encoded(rules, records))


class _Search:
    """The exact search for one filing (a class, so that its state is named, not closed over)."""

    def __init__(
        self,
        rules: Ruleset,
        filing: Filing,
        clauses: Mapping[str, tuple[str, ...]],
        walk_order: Sequence[str],
        skipped: frozenset[str] = frozenset(),
        *,
        every: bool = False,
    ) -> None:
        from .solver_v2 import RECORDS

        self.rules, self.filing, self.clauses = rules, filing, clauses
        self.skipped = skipped
        self.walk_order = {p: i for i, p in enumerate(walk_order)}
        #: the open facts that may matter: the walk's (a superset of the relevant facts, see
        #: :meth:`_run`), or every open fact (``every``: the reference, for tests)
        self.every = every
        catalogue = rules.program.catalogue
        assert catalogue is not None
        self.decl = catalogue.decl
        self.values = dict(zip(self.decl.facts, vector_of(filing), strict=True))
        needed = 1
        for path, fact in self.decl.facts.items():
            value = self.values[path]
            if fact.type is FactType.RECORDS and isinstance(value, Records):
                needed = max(needed, len(value.items) + (0 if value.complete else 1))
        self.records = max(RECORDS, needed)
        self.encoded = _encoded(rules, self.records)
        self.checks = 0
        #: per relevant fact: whether some answer to it alone settles the status
        self.settles: dict[str, bool] = {}
        #: per open clause: how many relevant facts it waits on
        self.open_in: dict[str, int] = {}

    def run(self, status: Status) -> Questions:
        with self.encoded.lock:
            return self._run(status)

    def _run(self, status: Status) -> Questions:
        """The search. Only the walk's facts are candidates: the status is a function of the
        undecided parts of the clauses it waits on, and the walk lists every open fact they read
        (answering facts only decides more parts, never reopens one: the logic is monotone), so
        no other open fact can be relevant. Those others are pinned as the filing has them.
        ``tests/test_questions.py`` holds this to the search over every open fact."""
        self.encoded.room()
        fixed, atoms = self._atoms()
        if not self.every:
            fixed.extend(a.pins for a in atoms if a.path not in self.walk_order)
            atoms = [a for a in atoms if a.path in self.walk_order]
        self.fixed = fixed
        self.lits: dict[str, tuple[Any, Any]] = {a.path: (a.pins, a.answered) for a in atoms}
        self.atoms = {a.path: a for a in atoms}
        every = [a.path for a in atoms]
        relevant = [p for p in every if not self._decides([q for q in every if q != p])]
        relevant.sort(key=self._order)
        if self.skipped:  # never asked; and nothing is, if no answer to the rest settles it
            every = [p for p in every if p not in self.skipped]
            relevant = [p for p in relevant if p not in self.skipped]
            if not self._can_settle(every):
                relevant = []
        self.settles = {p: self._can_settle([p]) for p in relevant}  # ranks them
        for p in relevant:
            for c in self.clauses.get(p, ()):
                self.open_in[c] = self.open_in.get(c, 0) + 1
        sets, exhaustive = self._sets(relevant, every) if relevant else ([], True)
        first = sets[0] if sets else ()
        ordered = sorted(relevant, key=lambda p: (p not in first, self._rank(p)))
        facts = tuple(self._question(self.atoms[p]) for p in ordered)
        return Questions(status, "z3", facts, tuple(sets), self.records, exhaustive)

    # -- the facts

    def _order(self, path: str) -> tuple[int, int, tuple[int, ...]]:
        """The verdict's order: most clauses waiting first, then the declaration's order."""
        return (
            -len(self.clauses.get(path, ())),
            self.walk_order.get(path, 1 << 30),
            self.atoms[path].rank,
        )

    def _rank(self, path: str) -> tuple[bool, int, tuple[int, int, tuple[int, ...]], int]:
        """Cheapest first: a fact some answer to which settles the status on its own; then one of
        the clause nearest to being decided (fewest relevant facts still open); then the
        verdict's order (most waiting clauses first); then the cheaper to answer."""
        near = min((self.open_in.get(c, 0) for c in self.clauses.get(path, ())), default=1 << 30)
        return (not self.settles.get(path, False), near, self._order(path), self._cost((path,)))

    def _cost(self, paths: Iterable[str]) -> int:
        return sum(COSTS.get(self.atoms[p].decl.type.value, 1) for p in paths)

    def _question(self, atom: _Atom) -> Question:
        d = atom.decl
        return Question(
            path=atom.path,
            title_zh=d.zh,
            title_en=d.en,
            question_zh=d.question_zh,
            question_en=d.question_en,
            type=d.type.value,
            clauses=self.clauses.get(atom.path, ()),
            cost=COSTS.get(d.type.value, 1),
            list=atom.is_list,
            settles=self.settles.get(atom.path, False),
        )

    def _atoms(self) -> tuple[list[Any], list[_Atom]]:
        """The pins of every settled fact the rules read, and the open facts as atoms."""
        enc = self.encoded.enc
        fixed: list[Any] = []
        atoms: list[_Atom] = []
        recorded = [(v, c) for c, v in enc._recorded.items()]
        for i, (var, clause_id) in enumerate(recorded):  # as recorded, never asked
            holds = self.values.get(f"determinations.{clause_id}.holds") is not None
            fixed.append(self.encoded.literal(("recorded", i, holds), _equal(enc, var, holds)))
        for path, view in enc.facts.items():
            value = self.values[path]
            if path.startswith("determinations."):
                if value is not None:
                    fixed.append(self._pin(view, value))
                continue
            if view.decl.type is FactType.RECORDS:
                atoms.extend(self._records(path, view, value, fixed))
            elif _settled(view.decl, value, self.decl.families):
                fixed.append(self._pin(view, value))
            else:
                atoms.append(
                    _Atom(
                        path,
                        view.decl,
                        self._pin(view, value),
                        self._answer(view, value),
                        (view.decl.order,),
                    )
                )
        return fixed, atoms

    def _records(self, path: str, view: _View, value: Any, fixed: list[Any]) -> list[_Atom]:
        z3 = self.encoded.enc.z3
        items = tuple(value.items) if isinstance(value, Records) else ()
        complete = isinstance(value, Records) and value.complete
        out: list[_Atom] = []
        base = path.removesuffix(".items")
        for i, slot in enumerate(view.slots):
            if i >= len(items):
                break
            for name, field in slot.fields.items():
                got = getattr(items[i], name, None)
                if _settled(field.decl, got, self.decl.families):
                    fixed.append(self._pin(field, got))
                else:
                    out.append(
                        _Atom(
                            f"{base}[{i}].{name}",
                            field.decl,
                            self._pin(field, got),
                            self._answer(field, got),
                            (view.decl.order, i, field.decl.order),
                        )
                    )
        n, known = len(items), value is not None

        def listed() -> list[Any]:
            return [
                *(slot.present == z3.BoolVal(i < n) for i, slot in enumerate(view.slots)),
                view.known == z3.BoolVal(known),
                view.complete == z3.BoolVal(complete),
            ]

        pins = self.encoded.literal(("listed", id(view), (n, known, complete)), listed)
        if complete:
            fixed.append(pins)
            return out

        def answered() -> list[Any]:
            out = [view.known, view.complete]
            out.extend(slot.present for slot in view.slots[:n])
            for slot in view.slots[n:]:  # a further record comes with its fields
                for field in slot.fields.values():
                    out.append(z3.Implies(slot.present, z3.And(*self._answered(field, None))))
            return out

        answer = self.encoded.literal(("more", id(view), n), answered)
        out.insert(0, _Atom(path, view.decl, pins, answer, (view.decl.order,), True))
        return out

    def _pin(self, view: _View, value: Any) -> Any:
        """A literal pinning ``view``'s fact to ``value``."""
        return self.encoded.literal(("pin", id(view), value), lambda: self._pinned(view, value))

    def _pinned(self, view: _View, value: Any) -> list[Any]:
        pairs: list[tuple[Any, Any]] = []
        self.encoded.enc._assign(view, value, pairs)
        return [var == v for var, v in pairs]

    def _answer(self, view: _View, value: Any) -> Any:
        """A literal for answering ``view``'s fact in agreement with ``value``."""
        return self.encoded.literal(
            ("answer", id(view), value), lambda: self._answered(view, value)
        )

    def _answered(self, view: _View, value: Any) -> list[Any]:
        """Answering ``view``'s fact: an exact value that agrees with ``value`` (unknown or
        partial)."""
        z3 = self.encoded.enc.z3
        d = view.decl
        out: list[Any] = [view.known]
        na_ok = value is None and d.na is not None
        if d.na is not None and not na_ok:
            out.append(z3.Not(view.na))
        kind = d.type
        exact: list[Any] = []
        if kind is FactType.ENUM:
            fam = self.decl.families[d.family or ""]
            leaves = fam.leaves(value) if isinstance(value, str) else _leaves(fam.values, fam)
            exact.append(z3.Or(*(view.value == view.nodes.index(v) for v in sorted(leaves))))
        elif kind is FactType.SET:
            fam = self.decl.families[d.family or ""]
            exact.append(view.complete)
            exact.extend(z3.Not(b) for b in view.no.values())
            exact.extend(z3.Not(view.yes[v]) for v in view.nodes if fam.children(v))
            if isinstance(value, PartialSet):
                for y in sorted(value.yes):
                    exact.append(z3.Or(*(view.yes[leaf] for leaf in sorted(fam.leaves(y)))))
                for n in sorted(value.no):
                    exact.extend(z3.Not(view.yes[leaf]) for leaf in sorted(fam.leaves(n)))
                if value.complete:  # nothing outside the values already listed
                    inside = set().union(*(fam.leaves(y) for y in value.yes))
                    exact.extend(z3.Not(view.yes[v]) for v in view.nodes if v not in inside)
        elif kind is FactType.DATE:
            exact.append(view.start == view.stop)
            if isinstance(value, PartialDate):
                exact.append(view.start >= value.start.toordinal())
                exact.append(view.stop <= value.stop.toordinal())
        if exact:
            stated = z3.And(*exact)
            out.append(z3.Or(view.na, stated) if na_ok else stated)
        return out

    # -- the search

    def _decides(self, answered: Iterable[str]) -> bool:
        """Whether answering the facts ``answered`` (every other open fact as it stands)
        settles the status: no way of answering them leaves it insufficient."""
        return not self._check(answered, self.encoded.open)

    def _can_settle(self, answered: Iterable[str]) -> bool:
        """Whether some way of answering ``answered`` settles the status."""
        return self._check(answered, self.encoded.enc.z3.Not(self.encoded.open))

    def _check(self, answered: Iterable[str], status: Any) -> bool:
        """Whether some way of answering ``answered`` (every other open fact pinned) gives
        ``status`` (the insufficient-facts literal or its negation)."""
        from z3.z3core import Z3_solver_check_assumptions

        z3 = self.encoded.enc.z3
        wanted = set(answered)
        # z3's Solver.check casts every assumption again on each call: the literals are made
        # once per filing here and handed to z3 as they are
        fixed = self.fixed
        assumptions = (z3.Ast * (len(fixed) + len(self.lits) + 1))()
        assumptions[0] = status.as_ast()
        for i, lit in enumerate(fixed, 1):
            assumptions[i] = lit
        for i, (p, (pin, ans)) in enumerate(self.lits.items(), len(fixed) + 1):
            assumptions[i] = ans if p in wanted else pin
        self.checks += 1
        solver = self.encoded.solver
        result = Z3_solver_check_assumptions(
            solver.ctx.ref(), solver.solver, len(assumptions), assumptions
        )
        if result == z3.Z3_L_UNDEF:  # pragma: no cover - the theories used are decidable
            raise RuntimeError("z3 could not decide a question set")
        return bool(result == z3.Z3_L_TRUE)

    def _sets(self, relevant: list[str], every: list[str]) -> tuple[list[tuple[str, ...]], bool]:
        """The smallest deciding sets, and whether the one given is proved the smallest.

        Every relevant fact is in every deciding set: answering every open fact but it leaves
        the status open for some answers, and answering fewer facts never settles more. So when
        the relevant facts decide together they are the one smallest deciding set. Otherwise
        (the status is open on a filing every completion of which agrees, or the records of a
        list tie facts together) one minimal set is found by dropping facts one at a time.

        When every one of the walk's facts is relevant, they decide without a check (the
        costliest one, a proof over every completion): answering all of them answers every open
        fact the status can depend on (:meth:`_run`), and a filing answered so is settled."""
        walked_all = not self.every and len(relevant) == len(self.lits)
        if walked_all or self._decides(relevant):
            return [tuple(sorted(relevant, key=self._rank))], True
        if not every or not self._decides(every):  # the skipped facts keep it open
            return [], False
        keep = list(every)
        for p in sorted(set(every) - set(relevant), key=self._order, reverse=True):
            trial = [q for q in keep if q != p]
            if self._decides(trial):
                keep = trial
        return [tuple(sorted(keep, key=self._rank))], False


def _equal(enc: Encoding, var: Any, value: bool) -> Callable[[], list[Any]]:
    """What makes the term ``var == value``."""
    return lambda: [var == enc.z3.BoolVal(value)]


def _settled(decl: FactDecl, value: Any, families: Mapping[str, Any]) -> bool:
    """Whether a fact's value is known exactly: not unknown, not coarse, not partial."""
    if value is None:
        return False
    if value is NA:
        return True
    if isinstance(value, PartialSet):
        return value.complete and all(
            not families[decl.family or ""].children(v) for v in value.yes
        )
    if isinstance(value, PartialDate):
        return value.is_exact
    if isinstance(value, Records):
        return value.complete
    if decl.type is FactType.ENUM and isinstance(value, str):
        return not families[decl.family or ""].children(value)
    return True


def _leaves(values: Iterable[str], fam: Any) -> frozenset[str]:
    return frozenset(v for v in values if not fam.children(v))
