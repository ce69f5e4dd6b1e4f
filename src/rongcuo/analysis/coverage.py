"""Rule coverage: which clauses and elements a set of cases shows can decide the outcome.

A *case* is a filing with the verdict it should get::

    description: what the case shows                  (optional)
    note: why each clause comes out as it does        (optional)
    filing: {a filing in the document shape of the ruleset's filing model}
    expect:                                            (optional; every key optional)
      status: eligible | ineligible | needs_determination | insufficient_facts
      decisive: [clause ids, in verdict order]
      overridden: [positive clause ids that hold but are overridden]
      barred: [positive clause ids that hold but a bar takes out]
      bars: [bar clause ids that hold]
      companions: [companion clause ids that hold]
      missing_first: fact path
      clauses: {P3: true, N2: false, P13: unknown}     (truth of single clauses)

A filing is read with the filing model of the ruleset the cases run against
(:attr:`~rongcuo.rules.ruleset.Ruleset.filing_model`): the v1 model for a ruleset without a facts
declaration, the model of its ``facts.yaml`` otherwise.

Cases come from a directory (every ``*.yaml``, ``*.yml``, ``*.json`` file is one case, every
``*.jsonl`` file one case a line), from one such file, or from the clause examples a ruleset
carries (:func:`clause_example_cases`: an example that holds expects its clause ``true``, a near
miss ``false``).

Coverage is in the spirit of MC/DC, with the clause's elements as its conditions. On one filing an
element *matters* when, the other elements keeping their truth, flipping it (TRUE <-> FALSE) would
flip the clause. An element is **covered** when some case shows it TRUE while it matters and some
case shows it FALSE while it matters: the cases then show that it can decide its clause either
way. A clause *matters* on a filing when flipping it would change the verdict's status; a clause
is covered when the cases show it mattering both TRUE and FALSE. Elements that no case shows
mattering at all are *unexercised*: nothing in the cases would notice if they were dropped.

On filing model v2 an element's test may quantify over records (``{some: acts.items, as: act,
that: …}``): N1 is one element, "some act breached an explicit prohibition and is not of a
tolerated kind". Its *conditions* are the tests inside it (each ``fact``/``same_kind`` test,
counted once however many records it is evaluated on). On one filing a condition *matters* for
one record when, every other test on every record keeping its truth, flipping that one test on
that one record would flip the element (Kleene evaluation of the element's tree, the quantifier
folded with the list's completeness as the engine folds it). A condition is covered when cases
show it mattering TRUE and FALSE, on any record. Conditions are measured for the elements whose
test holds a quantifier; an element without one is its own condition, as before.

A clause matters when flipping it changes the status, except a companion (C…), which never
changes the status: it is reported beside the verdict, so it matters whenever it is decided.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from .. import _yaml, reader
from ..engine import ops
from ..engine.catalogue import BLANK, Catalogue, Scope, vector_of
from ..engine.decide import _status, evaluate
from ..engine.evaluate import Program, Truth, combine
from ..errors import FilingError, Location, Problem, RongcuoError
from ..facts.filings import parse_filing
from ..facts.values import NA
from ..rules.ruleset import Ruleset
from ..rules.syntax import (
    All,
    Clause,
    ClauseRef,
    FactRef,
    ListKind,
    Node,
    Not,
    Quantifier,
    QuantifierKind,
    SameKind,
    Test,
    walk,
)
from ..rules.syntax import Any as AnyNode

__all__ = [
    "Case",
    "CaseError",
    "ClauseCoverage",
    "ConditionCoverage",
    "CoverageReport",
    "ElementCoverage",
    "check_case",
    "clause_example_cases",
    "coverage",
    "load_cases",
    "render_coverage",
]

EXPECT_KEYS: Final = (
    "status",
    "decisive",
    "overridden",
    "barred",
    "bars",
    "companions",
    "missing_first",
    "clauses",
)
LIST_KEYS: Final = ("decisive", "overridden", "barred", "bars", "companions")
CASE_KEYS: Final = ("description", "note", "filing", "expect")
SUFFIXES: Final = (".yaml", ".yml", ".json", ".jsonl")
MAX_CASES_BYTES: Final = 64 * 1024 * 1024
"""The largest case file read (a JSONL file of many cases; YAML files are held to 2 MiB)."""
T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


class CaseError(RongcuoError):
    """Cases that cannot be read: every problem, with its file and position."""

    kind = "cases"


@dataclasses.dataclass(frozen=True)
class Case:
    """One filing and what it should give."""

    name: str
    #: a filing of the filing model of the ruleset the case was read for
    filing: Any
    expect: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    description: str = ""


# --------------------------------------------------------------------------- reading cases


def _problem(message: str, loc: Location) -> Problem:
    return Problem("coverage_case", message, loc)


def _case(data: object, name: str, where: Location, locate: Any, rules: Ruleset | None) -> Case:
    """A case from its parsed document; ``locate(path)`` gives the position of a sub-path."""
    if not isinstance(data, dict):
        raise CaseError([_problem("a case is a mapping with a filing", where)])
    problems = [
        _problem(f"a case has no key {k!r} (keys: {', '.join(CASE_KEYS)})", locate((k,), key=True))
        for k in data
        if k not in CASE_KEYS
    ]
    if "filing" not in data:
        problems.append(_problem("a case needs its filing", where))
    expect = data.get("expect", {})
    if not isinstance(expect, dict):
        problems.append(_problem("expect is a mapping", locate(("expect",))))
        expect = {}
    for k in expect:
        if k not in EXPECT_KEYS:
            problems.append(
                _problem(
                    f"expect has no key {k!r} ({', '.join(EXPECT_KEYS)})", locate(("expect", k))
                )
            )
    for k in LIST_KEYS:
        if k in expect and (
            not isinstance(expect[k], list) or not all(isinstance(c, str) for c in expect[k])
        ):
            problems.append(_problem(f"expect.{k} is a list of clause ids", locate(("expect", k))))
    clauses = expect.get("clauses", {})
    if not isinstance(clauses, dict) or any(
        v not in (True, False, "true", "false", "unknown") for v in clauses.values()
    ):
        problems.append(
            _problem(
                "expect.clauses maps clause ids to true, false or unknown", locate(("expect",))
            )
        )
    description = data.get("description", "")
    if problems:
        raise CaseError(problems)
    try:
        filing = parse_filing(data["filing"], filename=where.file, rules=rules)
    except FilingError as exc:
        raise CaseError(
            [
                Problem(
                    p.code,
                    p.message,
                    dataclasses.replace(locate(("filing", *p.location.path)), file=where.file),
                    p.hint,
                )
                for p in exc.problems
            ]
        ) from None
    return Case(name, filing, dict(expect), str(description))


def _read_file(path: Path, rules: Ruleset | None) -> list[Case]:
    # bounded, regular files only, one JSON path (rongcuo.reader): duplicate keys, deep nesting,
    # huge numbers and bad UTF-8 are coded problems, never accepted or replaced
    raw = reader.read_file(path, limit=MAX_CASES_BYTES, error=CaseError, what="a case file")
    shown = reader.shown_path(path)
    if path.suffix == ".jsonl":
        cases: list[Case] = []
        problems: list[Problem] = []
        for i, line in enumerate(raw.split(b"\n"), 1):
            if not line.strip():
                continue
            where = Location(shown, i, 1)
            try:
                data = reader.parse_json(line, filename=shown, error=CaseError)
            except CaseError as exc:
                problems.extend(
                    dataclasses.replace(p, location=Location(shown, i, p.location.col or 1))
                    for p in exc.problems
                )
                continue
            try:
                locate = lambda p, key=False, w=where: _at(w, p)  # noqa: E731
                cases.append(_case(data, f"{path.name}:{i}", where, locate, rules))
            except CaseError as exc:
                problems.extend(exc.problems)
        if problems:
            raise CaseError(problems)
        return cases
    if path.suffix == ".json":
        data = reader.parse_json(raw, filename=shown, error=CaseError)
        where = Location(shown)
        return [_case(data, path.name, where, lambda p, key=False: _at(where, p), rules)]
    doc = _yaml.load_yaml(raw, filename=shown, error=CaseError)
    return [_case(doc.value, path.name, doc.loc(()), doc.loc, rules)]


def _at(where: Location, path: Sequence[str | int]) -> Location:
    return dataclasses.replace(where, path=tuple(path))


def load_cases(path: str | Path, *, rules: Ruleset | None = None) -> list[Case]:
    """Every case under ``path`` (a directory, or one file), in file-name order, their filings
    read with ``rules``' filing model (``None``: the bundled rules')."""
    root = Path(path)
    if root.is_dir():
        # a FIFO or device named *.yaml is refused by the reader (not_regular_file), not skipped
        files = sorted(p for p in root.iterdir() if p.suffix in SUFFIXES and not p.is_dir())
    elif root.is_file():
        files = [root]
    else:
        raise CaseError([Problem("io_error", "no such file or directory", Location(str(root)))])
    cases: list[Case] = []
    problems: list[Problem] = []
    for f in files:
        try:
            cases.extend(_read_file(f, rules))
        except RongcuoError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CaseError(problems)
    return cases


def clause_example_cases(rules: Ruleset) -> list[Case]:
    """The examples kept beside each clause, as cases expecting their clause's truth."""
    out = []
    for clause in rules.clauses:
        for ex in clause.examples:
            out.append(
                Case(
                    f"{clause.id}: {ex.name}",
                    parse_filing(ex.filing_data(), rules=rules),
                    {"clauses": {clause.id: ex.holds}},
                    ex.note,
                )
            )
    return out


# --------------------------------------------------------------------------- coverage


@dataclasses.dataclass
class ConditionCoverage:
    """One test inside an element whose test quantifies over records (filing model v2)."""

    index: int  # 1-based, in the order the element's test is written
    test: str  # the test as one line: ``act.kind within falsification_formalism``
    true: int = 0  # cases where, on some record, it is TRUE and matters
    false: int = 0  # cases where, on some record, it is FALSE and matters

    @property
    def covered(self) -> bool:
        return self.true > 0 and self.false > 0

    @property
    def exercised(self) -> bool:
        return self.true > 0 or self.false > 0


@dataclasses.dataclass
class ElementCoverage:
    id: str
    phrase: str
    true: int = 0  # cases where it is TRUE and matters
    false: int = 0  # cases where it is FALSE and matters
    #: the tests inside it, when its test holds a quantifier; else empty
    conditions: list[ConditionCoverage] = dataclasses.field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.true > 0 and self.false > 0

    @property
    def exercised(self) -> bool:
        return self.true > 0 or self.false > 0


@dataclasses.dataclass
class ClauseCoverage:
    id: str
    catch_all: bool
    elements: list[ElementCoverage]
    true: int = 0  # cases where the clause is TRUE and its truth decides the status
    false: int = 0
    list: str = "positive"  # positive, negative, bar or companion

    @property
    def covered(self) -> bool:
        return self.true > 0 and self.false > 0


@dataclasses.dataclass
class CoverageReport:
    """Coverage of a ruleset by a set of cases, and the cases whose expectations failed."""

    label: str
    digest: str
    cases: int
    failures: list[tuple[str, list[str]]]
    clauses: list[ClauseCoverage]

    @property
    def elements(self) -> list[tuple[str, ElementCoverage]]:
        return [(c.id, e) for c in self.clauses for e in c.elements]

    @property
    def conditions(self) -> list[tuple[str, ConditionCoverage]]:
        """Every condition, named ``clause/element[index]``."""
        return [(f"{cid}/{e.id}[{k.index}]", k) for cid, e in self.elements for k in e.conditions]

    def to_data(self) -> dict[str, Any]:
        elements = self.elements
        conditions = self.conditions
        return {
            "ruleset": {"label": self.label, "digest": self.digest},
            "cases": self.cases,
            "failed": [{"case": n, "problems": ps} for n, ps in self.failures],
            "summary": {
                "clauses": len(self.clauses),
                "clauses_covered": sum(c.covered for c in self.clauses),
                "elements": len(elements),
                "elements_covered": sum(e.covered for _, e in elements),
                "elements_partly_covered": sum(e.exercised and not e.covered for _, e in elements),
                "elements_unexercised": sum(not e.exercised for _, e in elements),
                "conditions": len(conditions),
                "conditions_covered": sum(k.covered for _, k in conditions),
                "conditions_partly_covered": sum(
                    k.exercised and not k.covered for _, k in conditions
                ),
                "conditions_unexercised": sum(not k.exercised for _, k in conditions),
            },
            "clauses": [
                {
                    "id": c.id,
                    "list": c.list,
                    "catch_all": c.catch_all,
                    "decides": {"true": c.true, "false": c.false},
                    "covered": c.covered,
                    "elements": [
                        {
                            "id": e.id,
                            "phrase": e.phrase,
                            "matters": {"true": e.true, "false": e.false},
                            "covered": e.covered,
                            "conditions": [
                                {
                                    "index": k.index,
                                    "test": k.test,
                                    "matters": {"true": k.true, "false": k.false},
                                    "covered": k.covered,
                                }
                                for k in e.conditions
                            ],
                        }
                        for e in c.elements
                    ],
                }
                for c in self.clauses
            ],
            "unexercised": [f"{cid}/{e.id}" for cid, e in elements if not e.exercised],
            "conditions_unexercised": [name for name, k in conditions if not k.exercised],
        }


def _check(case: Case, rules: Ruleset, values: Mapping[str, Truth]) -> list[str]:
    expect = case.expect
    if not expect:
        return []
    verdict = evaluate(case.filing, rules=rules, trace=False)
    problems = []
    if "status" in expect and verdict.status.value != expect["status"]:
        problems.append(f"status {verdict.status.value}, expected {expect['status']}")
    for key in LIST_KEYS:
        if key in expect:
            cited = getattr(verdict, key)
            if key == "companions":  # those that hold; unknown ones are reported too
                cited = [c for c in cited if c.value == "true"]
            got = [c.id for c in cited]
            if got != list(expect[key]):
                problems.append(f"{key} {got}, expected {list(expect[key])}")
    if "missing_first" in expect:
        first = verdict.missing_facts[0].path if verdict.missing_facts else None
        if first != expect["missing_first"]:
            problems.append(f"first missing fact {first}, expected {expect['missing_first']}")
    for cid, want in expect.get("clauses", {}).items():
        want_s = str(want).lower()
        truth = values.get(cid)
        if truth is None:
            problems.append(f"no clause {cid} in the ruleset")
        elif truth.value != want_s:
            problems.append(f"{cid} is {truth.value}, expected {want_s}")
    return problems


def check_case(case: Case, rules: Ruleset) -> list[str]:
    """The expectations of ``case`` that ``rules`` does not meet, one line each (empty: every
    one held): what ``rongcuo test`` reports. The filing must be of ``rules``' filing model."""
    if not rules.filing_model.owns(case.filing):
        raise TypeError(
            f"case {case.name}: its filing is not of the ruleset's filing model; read the "
            "cases with load_cases(path, rules=rules)"
        )
    return _check(case, rules, rules.program.values(case.filing))


def coverage(cases: Iterable[Case], rules: Ruleset) -> CoverageReport:
    """Run ``cases`` against ``rules``: check their expectations and measure coverage.

    Every case's filing must be of ``rules``' filing model (read the cases with
    ``load_cases(path, rules=rules)``); a filing of another model is a ``TypeError``.
    """
    program = rules.program
    model = rules.filing_model
    table = {
        c.id: ClauseCoverage(
            c.id,
            c.catch_all,
            [
                ElementCoverage(
                    e.id, e.phrase, conditions=[ConditionCoverage(i, t) for i, t in _labels(e.test)]
                )
                for e in c.elements
            ],
            list=c.list.value,
        )
        for c in rules.clauses
    }
    failures: list[tuple[str, list[str]]] = []
    n = 0
    for case in cases:
        n += 1
        if not model.owns(case.filing):
            raise TypeError(
                f"case {case.name}: its filing is not of the ruleset's filing model; read the "
                "cases with load_cases(path, rules=rules)"
            )
        memo: dict[str, Truth] = {}
        values = {cid: program.clause_value(cid, case.filing, memo) for cid in program.order}
        problems = _check(case, rules, values)
        if problems:
            failures.append((case.name, problems))
        status = _status(rules, values)[0]
        for clause in rules.clauses:
            _measure(clause, table[clause.id], case.filing, memo, values, status, rules)
    return CoverageReport(rules.label, rules.digest, n, failures, list(table.values()))


def _measure(
    clause: Clause,
    cov: ClauseCoverage,
    filing: Any,
    memo: dict[str, Truth],
    values: Mapping[str, Truth],
    status: Any,
    rules: Ruleset,
) -> None:
    program = rules.program
    value = values[clause.id]
    if value is not U:
        if clause.list is ListKind.COMPANION:
            matters = True  # reported beside the verdict; never changes the status
        else:
            flipped = dict(values)
            flipped[clause.id] = ~value
            matters = _status(rules, flipped)[0] is not status
        if matters:
            if value is T:
                cov.true += 1
            else:
                cov.false += 1
    elements = {e.id: program.element_value(clause.id, e.id, filing, memo) for e in clause.elements}
    for ec, element in zip(cov.elements, clause.elements, strict=True):
        if ec.conditions:
            _measure_conditions(element.test, ec.conditions, program, filing, memo)
        v = elements[ec.id]
        if v is U:
            continue
        other = dict(elements)
        other[ec.id] = ~v
        if combine(clause.holds_when, other) is not combine(clause.holds_when, elements):
            if v is T:
                ec.true += 1
            else:
                ec.false += 1


# --------------------------------------------------------------------------- conditions (v2)

#: a node's position in an element's test: child indices from the root (``w``/``t``: a
#: quantifier's ``where``/``that``)
_Path = tuple[int | str, ...]
_LEAVES: Final = (Test, SameKind, ClauseRef)


def _leaves(node: Node, path: _Path = ()) -> list[tuple[_Path, Node]]:
    """The tests of a predicate, in the order they are written, with their positions."""
    if isinstance(node, _LEAVES):
        return [(path, node)]
    if isinstance(node, All | AnyNode):
        return [leaf for i, n in enumerate(node.items) for leaf in _leaves(n, (*path, i))]
    if isinstance(node, Not):
        return _leaves(node.item, (*path, 0))
    if isinstance(node, Quantifier):
        where = [] if node.where is None else _leaves(node.where, (*path, "w"))
        return [*where, *_leaves(node.that, (*path, "t"))]
    return []


def _labels(test: Node) -> list[tuple[int, str]]:
    """The conditions of an element: its tests, numbered, when it holds a quantifier."""
    if not any(isinstance(n, Quantifier) for n in walk(test)):
        return []
    return [(i, _label(n)) for i, (_, n) in enumerate(_leaves(test), 1)]


def _label(node: Node) -> str:
    if isinstance(node, Test):
        value = node.value
        if isinstance(value, frozenset):
            shown = ", ".join(sorted(value))
            shown = shown if len(value) == 1 else f"[{shown}]"
        elif isinstance(value, FactRef):
            shown = value.path
        elif isinstance(value, bool):
            shown = "true" if value else "false"
        else:
            shown = str(value)
        return f"{node.fact} {node.op.value} {shown}"
    if isinstance(node, SameKind):
        return f"same_kind {node.left} {node.right}"
    assert isinstance(node, ClauseRef)
    return f"clause {node.clause}"


_INT: Final = {F: 0, U: 1, T: 2}


class _Tree:
    """Kleene evaluation of one element's test on one filing, each test on each record once,
    with any one (test, record) truth flipped: the what-if of condition coverage."""

    def __init__(self, program: Program, filing: Any, memo: dict[str, Truth]) -> None:
        catalogue = program.catalogue
        assert catalogue is not None, "conditions are measured on v2 rulesets only"
        self.program = program
        self.catalogue: Catalogue = catalogue
        self.vector = vector_of(filing)
        self.memo = memo
        #: each test's truth on each binding: (position, ids of the bound records) -> 0/1/2
        self.truths: dict[tuple[_Path, tuple[int, ...]], int] = {}
        #: the (test, binding) pairs on real records, in evaluation order
        self.occurrences: list[tuple[_Path, tuple[int, ...]]] = []

    def run(
        self,
        node: Node,
        path: _Path,
        scope: Scope,
        bound: tuple[Any, ...],
        flip: tuple[_Path, tuple[int, ...]] | None,
        real: bool = True,
    ) -> int:
        if isinstance(node, _LEAVES):
            key = (path, tuple(map(id, bound)))
            value = self.truths.get(key)
            if value is None:
                truth = self.program.scoped_value(node, scope, self.vector, bound, self.memo)
                value = self.truths[key] = _INT[truth]
                if real:
                    self.occurrences.append(key)
            return 2 - value if key == flip else value
        if isinstance(node, All | AnyNode):
            got = [
                self.run(n, (*path, i), scope, bound, flip, real) for i, n in enumerate(node.items)
            ]
            return min(got, default=2) if isinstance(node, All) else max(got, default=0)
        if isinstance(node, Not):
            return 2 - self.run(node.item, (*path, 0), scope, bound, flip, real)
        if isinstance(node, Quantifier):
            return self._quantifier(node, path, scope, bound, flip, real)
        raise TypeError(f"not a predicate of an element: {node!r}")

    def _quantifier(
        self,
        node: Quantifier,
        path: _Path,
        scope: Scope,
        bound: tuple[Any, ...],
        flip: tuple[_Path, tuple[int, ...]] | None,
        real: bool,
    ) -> int:
        ref = self.catalogue.resolve(node.of, scope)
        value = self.vector[ref.index] if ref.top else getattr(bound[ref.depth], ref.field)
        if value is NA:
            return 0
        items: tuple[Any, ...] = () if value is None else tuple(value.items)
        complete = False if value is None else bool(value.complete)
        inner: Scope = (*scope, (node.name, ref.decl))
        some = node.kind is QuantifierKind.SOME

        def one(record: Any, is_real: bool) -> int:
            b = (*bound, record)
            that = self.run(node.that, (*path, "t"), inner, b, flip, is_real)
            if node.where is None:
                return that
            w = self.run(node.where, (*path, "w"), inner, b, flip, is_real)
            return min(w, that) if some else max(2 - w, that)

        truths = [one(r, real) for r in items]
        blank = 1 if complete else one(BLANK, False)  # what a further record might make of it
        fold = ops.some if some else ops.every
        return fold(truths, complete, blank)


def _measure_conditions(
    test: Node,
    conditions: list[ConditionCoverage],
    program: Program,
    filing: Any,
    memo: dict[str, Truth],
) -> None:
    tree = _Tree(program, filing, memo)
    base = tree.run(test, (), (), (), None)
    if base == 1:
        return
    number = {path: i for i, (path, _) in enumerate(_leaves(test))}
    shown: dict[int, set[int]] = {}  # condition index -> the truths shown mattering (this case)
    for key in tree.occurrences:
        value = tree.truths[key]
        if value == 1 or value in shown.get(number[key[0]], ()):
            continue
        if tree.run(test, (), (), (), key) == 2 - base:
            shown.setdefault(number[key[0]], set()).add(value)
    for i, seen in shown.items():
        if 2 in seen:
            conditions[i].true += 1
        if 0 in seen:
            conditions[i].false += 1


# --------------------------------------------------------------------------- rendering

_WORDS: Final = {
    "zh": {
        "title": "规则覆盖",
        "cases": "案例",
        "failed": "未通过的案例",
        "clauses": "条款（其真值决定结论，真与假均有案例）",
        "elements": "要件（在起决定作用时为真与为假均有案例）",
        "conditions": "量词内的条件（在起决定作用时为真与为假均有案例）",
        "cond_unexercised": "无任何案例体现其作用的条件",
        "partly": "部分覆盖",
        "unexercised": "无任何案例体现其作用的要件",
        "none": "无",
        "covered": "已覆盖",
        "not_covered": "未覆盖",
        "true": "真",
        "false": "假",
    },
    "en": {
        "title": "Rule coverage",
        "cases": "cases",
        "failed": "cases that failed",
        "clauses": "clauses shown to decide the status, both TRUE and FALSE",
        "elements": "elements shown to decide their clause, both TRUE and FALSE",
        "conditions": "conditions under quantifiers shown to decide their element, both ways",
        "cond_unexercised": "conditions no case shows to matter",
        "partly": "partly covered",
        "unexercised": "elements no case shows to matter",
        "none": "none",
        "covered": "covered",
        "not_covered": "not covered",
        "true": "true",
        "false": "false",
    },
}


def render_coverage(report: CoverageReport, *, lang: str = "zh") -> str:
    """The report as text, in Chinese (``zh``) or English."""
    w = _WORDS["zh" if lang == "zh" else "en"]
    s = report.to_data()["summary"]
    lines = [
        f"{w['title']} · {report.label} · sha256:{report.digest[:16]}",
        f"{w['cases']}: {report.cases}",
        f"{w['clauses']}: {s['clauses_covered']}/{s['clauses']}",
        f"{w['elements']}: {s['elements_covered']}/{s['elements']}"
        f" ({w['partly']}: {s['elements_partly_covered']})",
    ]
    if s["conditions"]:
        lines.append(
            f"{w['conditions']}: {s['conditions_covered']}/{s['conditions']}"
            f" ({w['partly']}: {s['conditions_partly_covered']})"
        )
    lines.append("")
    for c in report.clauses:
        mark = w["covered"] if c.covered else w["not_covered"]
        lines.append(f"{c.id:<4} {mark}  {w['true']} {c.true} · {w['false']} {c.false}")
        for e in c.elements:
            tick = _tick(e.covered, e.exercised)
            lines.append(f"     {tick} {e.id:<22} {w['true']} {e.true} · {w['false']} {e.false}")
            for k in e.conditions:
                mark_k = _tick(k.covered, k.exercised)
                lines.append(
                    f"         {mark_k} [{k.index}] {k.test}  {w['true']} {k.true} · "
                    f"{w['false']} {k.false}"
                )
    lines.append("")
    data = report.to_data()
    unexercised = data["unexercised"]
    lines.append(f"{w['unexercised']}: {', '.join(unexercised) if unexercised else w['none']}")
    if data["summary"]["conditions"]:
        quiet = data["conditions_unexercised"]
        lines.append(f"{w['cond_unexercised']}: {', '.join(quiet) if quiet else w['none']}")
    lines.append(f"{w['failed']}: {len(report.failures) if report.failures else w['none']}")
    for name, problems in report.failures:
        lines.append(f"  {name}: {'; '.join(problems)}")
    return "\n".join(lines) + "\n"


def _tick(covered: bool, exercised: bool) -> str:
    return "✓" if covered else ("~" if exercised else "✗")
