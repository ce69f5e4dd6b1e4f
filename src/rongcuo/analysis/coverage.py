"""Rule coverage: which clauses and elements a set of cases shows can decide the outcome.

A *case* is a filing with the verdict it should get::

    description: what the case shows                  (optional)
    filing: {facts in the JSON shape of Filing}
    expect:                                            (optional; every key optional)
      status: eligible | ineligible | needs_determination | insufficient_facts
      decisive: [clause ids, in verdict order]
      overridden: [positive clause ids that hold but are overridden]
      missing_first: fact path
      clauses: {P3: true, N2: false, P13: unknown}     (truth of single clauses)

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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from .. import _yaml, reader
from ..engine.decide import _status, evaluate
from ..engine.evaluate import Truth, combine
from ..errors import FilingError, Location, Problem, RongcuoError
from ..facts.filings import parse_filing
from ..facts.model import Filing
from ..rules.ruleset import Ruleset
from ..rules.syntax import Clause

__all__ = [
    "Case",
    "CaseError",
    "ClauseCoverage",
    "CoverageReport",
    "ElementCoverage",
    "clause_example_cases",
    "coverage",
    "load_cases",
    "render_coverage",
]

EXPECT_KEYS: Final = ("status", "decisive", "overridden", "missing_first", "clauses")
CASE_KEYS: Final = ("description", "filing", "expect")
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
    filing: Filing
    expect: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    description: str = ""


# --------------------------------------------------------------------------- reading cases


def _problem(message: str, loc: Location) -> Problem:
    return Problem("coverage_case", message, loc)


def _case(data: object, name: str, where: Location, locate: Any) -> Case:
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
        filing = parse_filing(data["filing"], filename=where.file)
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


def _read_file(path: Path) -> list[Case]:
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
                cases.append(_case(data, f"{path.name}:{i}", where, locate))
            except CaseError as exc:
                problems.extend(exc.problems)
        if problems:
            raise CaseError(problems)
        return cases
    if path.suffix == ".json":
        data = reader.parse_json(raw, filename=shown, error=CaseError)
        where = Location(shown)
        return [_case(data, path.name, where, lambda p, key=False: _at(where, p))]
    doc = _yaml.load_yaml(raw, filename=shown, error=CaseError)
    return [_case(doc.value, path.name, doc.loc(()), doc.loc)]


def _at(where: Location, path: Sequence[str | int]) -> Location:
    return dataclasses.replace(where, path=tuple(path))


def load_cases(path: str | Path) -> list[Case]:
    """Every case under ``path`` (a directory, or one file), in file-name order."""
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
            cases.extend(_read_file(f))
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
                    Filing.model_validate(ex.filing_data()),
                    {"clauses": {clause.id: ex.holds}},
                    ex.note,
                )
            )
    return out


# --------------------------------------------------------------------------- coverage


@dataclasses.dataclass
class ElementCoverage:
    id: str
    phrase: str
    true: int = 0  # cases where it is TRUE and matters
    false: int = 0  # cases where it is FALSE and matters

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

    def to_data(self) -> dict[str, Any]:
        elements = self.elements
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
            },
            "clauses": [
                {
                    "id": c.id,
                    "catch_all": c.catch_all,
                    "decides": {"true": c.true, "false": c.false},
                    "covered": c.covered,
                    "elements": [
                        {
                            "id": e.id,
                            "phrase": e.phrase,
                            "matters": {"true": e.true, "false": e.false},
                            "covered": e.covered,
                        }
                        for e in c.elements
                    ],
                }
                for c in self.clauses
            ],
            "unexercised": [f"{cid}/{e.id}" for cid, e in elements if not e.exercised],
        }


def _check(case: Case, rules: Ruleset, values: Mapping[str, Truth]) -> list[str]:
    expect = case.expect
    if not expect:
        return []
    verdict = evaluate(case.filing, rules=rules, trace=False)
    problems = []
    if "status" in expect and verdict.status.value != expect["status"]:
        problems.append(f"status {verdict.status.value}, expected {expect['status']}")
    for key in ("decisive", "overridden"):
        if key in expect:
            got = [c.id for c in getattr(verdict, key)]
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


def coverage(cases: Iterable[Case], rules: Ruleset) -> CoverageReport:
    """Run ``cases`` against ``rules``: check their expectations and measure coverage."""
    program = rules.program
    table = {
        c.id: ClauseCoverage(
            c.id, c.catch_all, [ElementCoverage(e.id, e.phrase) for e in c.elements]
        )
        for c in rules.clauses
    }
    failures: list[tuple[str, list[str]]] = []
    n = 0
    for case in cases:
        n += 1
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
    filing: Filing,
    memo: dict[str, Truth],
    values: Mapping[str, Truth],
    status: Any,
    rules: Ruleset,
) -> None:
    program = rules.program
    value = values[clause.id]
    if value is not U:
        flipped = dict(values)
        flipped[clause.id] = ~value
        if _status(rules, flipped)[0] is not status:
            if value is T:
                cov.true += 1
            else:
                cov.false += 1
    elements = {e.id: program.element_value(clause.id, e.id, filing, memo) for e in clause.elements}
    for ec in cov.elements:
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


# --------------------------------------------------------------------------- rendering

_WORDS: Final = {
    "zh": {
        "title": "规则覆盖",
        "cases": "案例",
        "failed": "未通过的案例",
        "clauses": "条款（其真值决定结论，真与假均有案例）",
        "elements": "要件（在起决定作用时为真与为假均有案例）",
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
        "",
    ]
    for c in report.clauses:
        mark = w["covered"] if c.covered else w["not_covered"]
        lines.append(f"{c.id:<4} {mark}  {w['true']} {c.true} · {w['false']} {c.false}")
        for e in c.elements:
            tick = "✓" if e.covered else ("~" if e.exercised else "✗")
            lines.append(f"     {tick} {e.id:<22} {w['true']} {e.true} · {w['false']} {e.false}")
    lines.append("")
    unexercised = report.to_data()["unexercised"]
    lines.append(f"{w['unexercised']}: {', '.join(unexercised) if unexercised else w['none']}")
    lines.append(f"{w['failed']}: {len(report.failures) if report.failures else w['none']}")
    for name, problems in report.failures:
        lines.append(f"  {name}: {'; '.join(problems)}")
    return "\n".join(lines) + "\n"
