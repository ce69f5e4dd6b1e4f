"""Static analysis of a ruleset with the solver: findings with stable codes, places and severities.

Every question is asked of z3 over complete filings (:class:`~rongcuo.analysis.solver_v2.Domain`),
through the same translation as the version diff, so a finding is a proof, not a sample. A ruleset
of filing model v2 (one with a facts declaration) is translated by
:mod:`~rongcuo.analysis.solver_v2` — quantifiers over acts, families of values, bars — with lists of
at most :data:`~rongcuo.analysis.solver_v2.RECORDS` records; a v1 ruleset by
:mod:`~rongcuo.analysis.solver` until the flip. The checks:

* a positive clause that can never make a filing eligible (every filing that satisfies it also
  triggers a negative, or is otherwise not eligible);
* a clause or an element that can never hold, or always holds;
* model facts no clause reads (for v2: every declared fact and record field);
* element phrases missing from their clause text (the loader already refuses these; the lint
  checks a rule tree however it was built);
* clauses without a holding example or without a near miss;
* a clause numbered after its list's catch-all (其他…, which closes a list).

Reports render as text (zh or en), JSON, SARIF 2.1.0 (:meth:`LintReport.to_sarif`, for code
scanning) or GitHub workflow commands (:meth:`LintReport.render_github`, annotations on a pull
request); every form is deterministic — the same rules give the same bytes — and the text and JSON
forms add the run time only on request (``timing``, ``rongcuo lint --timing``).

:data:`LINT_CODES` lists every code with its severity and meaning (``docs/versions.md`` documents
them); exit status follows severity, so CI can gate on it.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ..errors import Location
from ..facts.declare import FactsDecl, FactType
from ..rules.ruleset import Ruleset
from ..rules.syntax import Clause, ListKind, facts_read
from ..verdict.verdict import Status
from .solver_v2 import RECORDS, Domain

NOWHERE: Final = Location()

__all__ = ["LINT_CODES", "Finding", "LintReport", "Severity", "lint_clauses", "lint_ruleset"]


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Every lint code: its severity and a one-line meaning.
LINT_CODES: Final[Mapping[str, tuple[Severity, str]]] = {
    "positive_unreachable": (
        Severity.ERROR,
        "a positive clause that holds on some filing but never makes one eligible",
    ),
    "clause_unsatisfiable": (Severity.ERROR, "a clause that holds on no complete filing"),
    "clause_always_true": (Severity.ERROR, "a clause that holds on every complete filing"),
    "element_unsatisfiable": (Severity.ERROR, "an element that holds on no complete filing"),
    "element_always_true": (
        Severity.WARNING,
        "an element that holds on every complete filing (it tests nothing)",
    ),
    "phrase_not_in_text": (Severity.ERROR, "an element's phrase does not occur in its clause text"),
    "example_missing_holds": (Severity.WARNING, "a clause without an example on which it holds"),
    "example_missing_near_miss": (
        Severity.WARNING,
        "a clause without a near miss (an example failing on one element)",
    ),
    "fact_unread": (Severity.INFO, "a fact of the filing model that no clause reads"),
    "clause_after_catch_all": (
        Severity.WARNING,
        "a clause numbered after its list's catch-all (the catch-all closes a list)",
    ),
}

#: each code's meaning in Chinese (the zh text report prints it beside the finding)
LINT_CODES_ZH: Final[Mapping[str, str]] = {
    "positive_unreachable": "正面条款在任何案卷中都不能使案卷符合条件",
    "clause_unsatisfiable": "条款在任何事实齐全的案卷中都不成立",
    "clause_always_true": "条款在所有事实齐全的案卷中都成立",
    "element_unsatisfiable": "要件在任何事实齐全的案卷中都不成立",
    "element_always_true": "要件在所有事实齐全的案卷中都成立（未检验任何事实）",
    "phrase_not_in_text": "要件引用的词句不在条款原文中",
    "example_missing_holds": "条款缺少成立的示例",
    "example_missing_near_miss": "条款缺少近似不成立的示例（仅一个要件不成立）",
    "fact_unread": "事实模型中没有任何条款读取的事实",
    "clause_after_catch_all": "条款编号排在本列表兜底条款（其他……）之后",
}

_SEVERITY_ZH: Final = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
_SARIF_LEVEL: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB: Final = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    location: Location = NOWHERE
    clause: str = ""
    element: str = ""

    def __post_init__(self) -> None:
        if self.code not in LINT_CODES:  # a programming error in rongcuo itself
            raise ValueError(f"undocumented lint code {self.code!r}")

    @property
    def severity(self) -> Severity:
        return LINT_CODES[self.code][0]

    def sort_key(self) -> tuple[int, str, int, int, str, str]:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[self.severity]
        loc = self.location
        return (order, loc.file, loc.line, loc.col, self.code, self.message)

    def __str__(self) -> str:
        where = str(self.location) if self.location != NOWHERE else "<ruleset>"
        return f"{where}: {self.severity.value} {self.code}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }
        if loc.file:
            out["file"] = loc.file
        if loc.line:
            out["line"] = loc.line
            out["col"] = loc.col
        if self.clause:
            out["clause"] = self.clause
        if self.element:
            out["element"] = self.element
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class LintReport:
    """The findings, and the reachability the lint proved for each positive clause."""

    label: str
    digest: str
    findings: tuple[Finding, ...]
    reachable: Mapping[str, bool]  # positive clause -> can make some complete filing eligible
    seconds: float
    records: int | None = None  # v2: the bound on each list the proofs assume; None for v1

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def exit_code(self, *, strict: bool = False) -> int:
        """1 when there is an error (or, with ``strict``, a warning); else 0."""
        failing = {Severity.ERROR} | ({Severity.WARNING} if strict else set())
        return 1 if any(f.severity in failing for f in self.findings) else 0

    def to_data(self, *, timing: bool = False) -> dict[str, Any]:
        """The report as JSON data (``rongcuo_lint: 1``). Deterministic: the same rules give the
        same data; ``timing`` adds ``seconds``, the run time, which does not."""
        data = {
            "rongcuo_lint": 1,
            "label": self.label,
            "digest": self.digest,
            "domain": Domain.COMPLETE.value,
            **({} if self.records is None else {"records_bound": self.records}),
            "counts": {s.value: self.count(s) for s in Severity},
            "reachable": dict(self.reachable),
            "findings": [f.to_dict() for f in self.findings],
        }
        if timing:
            data["seconds"] = round(self.seconds, 3)
        return data

    def to_sarif(self) -> dict[str, Any]:
        """The findings as a SARIF 2.1.0 log (one run; rules are the lint codes)."""
        from .._version import __version__

        results = []
        for f in self.findings:
            result: dict[str, Any] = {
                "ruleId": f.code,
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
            }
            loc = f.location
            if loc.file:
                physical: dict[str, Any] = {"artifactLocation": {"uri": loc.file}}
                if loc.line:
                    physical["region"] = {"startLine": loc.line, "startColumn": loc.col or 1}
                result["locations"] = [{"physicalLocation": physical}]
            elif loc.path:
                result["locations"] = [
                    {"logicalLocations": [{"fullyQualifiedName": loc.json_path()}]}
                ]
            results.append(result)
        rules = [
            {
                "id": code,
                "shortDescription": {"text": meaning},
                "fullDescription": {"text": LINT_CODES_ZH[code]},
                "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
            }
            for code, (severity, meaning) in LINT_CODES.items()
        ]
        return {
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {
                        "driver": {"name": "rongcuo lint", "version": __version__, "rules": rules}
                    },
                    "properties": {"label": self.label, "digest": self.digest},
                    "results": results,
                }
            ],
        }

    def render_github(self) -> str:
        """The findings as GitHub workflow commands (``::error file=…,line=…::message``)."""
        lines = []
        for f in self.findings:
            props = []
            loc = f.location
            if loc.file:
                props.append(f"file={_gh(loc.file, prop=True)}")
                if loc.line:
                    props.append(f"line={loc.line}")
                    props.append(f"col={loc.col or 1}")
            props.append(f"title={_gh('rongcuo ' + f.code, prop=True)}")
            where = "" if loc.file else f"{loc.json_path()}: "
            lines.append(f"::{_GITHUB[f.severity]} {','.join(props)}::{_gh(where + f.message)}")
        return "".join(line + "\n" for line in lines)

    def render_text(self, *, lang: str = "zh", timing: bool = False) -> str:
        """The report as text; deterministic, with the run time only when ``timing``."""
        if lang == "zh":
            lines = [
                f"{f.location if f.location != NOWHERE else '<ruleset>'}: "
                f"{_SEVERITY_ZH[f.severity]} {f.code}（{LINT_CODES_ZH[f.code]}）: {f.message}"
                for f in self.findings
            ]
        else:
            lines = [str(f) for f in self.findings]
        reach = [cid for cid, ok in self.reachable.items() if ok]
        bound_zh = "" if self.records is None else f"，每个列表至多 {self.records} 条记录"
        bound_en = "" if self.records is None else f" with at most {self.records} records a list"
        if lang == "zh":
            lines.append(
                f"{self.label}：{self.count(Severity.ERROR)} 个错误，"
                f"{self.count(Severity.WARNING)} 个警告，{self.count(Severity.INFO)} 条提示；"
                f"可使案卷符合条件的正面条款：{' '.join(reach) or '无'}"
                f"（证明范围：事实齐全的案卷{bound_zh}"
                f"{f'；{self.seconds:.2f} 秒' if timing else ''}）"
            )
        else:
            lines.append(
                f"{self.label}: {self.count(Severity.ERROR)} errors, "
                f"{self.count(Severity.WARNING)} warnings, {self.count(Severity.INFO)} notes; "
                f"positive clauses that can make a filing eligible: {' '.join(reach) or 'none'} "
                f"(proved over complete filings{bound_en}"
                f"{f'; {self.seconds:.2f} s' if timing else ''})"
            )
        return "\n".join(lines) + "\n"


def _gh(text: str, *, prop: bool = False) -> str:
    """Escape a GitHub workflow command's message (or property value)."""
    out = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        out = out.replace(":", "%3A").replace(",", "%2C")
    return out


# --------------------------------------------------------------------------- tree checks


def lint_clauses(clauses: Sequence[Clause], decl: FactsDecl | None = None) -> list[Finding]:
    """Checks of the rule tree alone: phrases in the text, examples, facts read (of the facts
    declaration ``decl`` for a v2 ruleset; ``None``: the v1 model)."""
    out: list[Finding] = []
    for c in clauses:
        for e in c.elements:
            for phrase in e.phrases:
                if phrase not in c.text:
                    out.append(
                        Finding(
                            "phrase_not_in_text",
                            f"{c.id}/{e.id}: the phrase {phrase!r} is not in the clause text",
                            e.loc,
                            c.id,
                            e.id,
                        )
                    )
        if not any(ex.holds for ex in c.examples):
            out.append(
                Finding(
                    "example_missing_holds",
                    f"{c.id} has no example on which it holds",
                    c.loc,
                    c.id,
                )
            )
        if not any(not ex.holds for ex in c.examples):
            out.append(
                Finding(
                    "example_missing_near_miss",
                    f"{c.id} has no near miss (an example that fails on one element)",
                    c.loc,
                    c.id,
                )
            )
    for kind in ListKind:
        closing = [c.number for c in clauses if c.list is kind and c.catch_all]
        if not closing:
            continue
        for c in clauses:
            if c.list is kind and not c.catch_all and c.number > min(closing):
                out.append(
                    Finding(
                        "clause_after_catch_all",
                        f"{c.id} comes after the catch-all {kind.prefix}{min(closing)}: a "
                        "catch-all (其他…) closes its list; renumber it last",
                        c.loc,
                        c.id,
                    )
                )
    read: set[str] = set()
    for c in clauses:
        for e in c.elements:
            read.update(facts_read(e.test))
    if decl is not None:
        out.extend(_unread_v2(decl, read))
        return out
    # v1: delete at the flip
    from ..facts.model import FACTS, FactKind

    for path, spec in FACTS.items():
        if path in read or spec.kind is FactKind.TEXT:
            continue
        if path.startswith("determinations.") and not path.endswith(".holds"):
            continue  # who decided, and when: the record of a determination, not a fact
        where = Location(path=tuple(path.split(".")))
        out.append(Finding("fact_unread", f"no clause reads {path} ({spec.zh})", where))
    return out


def _unread_v2(decl: FactsDecl, read: set[str]) -> list[Finding]:
    """Declared facts (and record fields) that no clause reads. Text facts, and the record of a
    determination other than its ``holds``, are not facts a clause could test."""
    out: list[Finding] = []
    for top in decl.facts.values():
        for spec in (top, *top.fields):
            path = spec.path
            if path in read or spec.type is FactType.TEXT:
                continue
            if path.startswith("determinations.") and not path.endswith(".holds"):
                continue
            if spec.type is FactType.RECORDS and any(r.startswith(f"{path}[].") for r in read):
                continue  # its fields are read: the list is
            where = Location(path=tuple(path.replace("[]", "").split(".")))
            out.append(Finding("fact_unread", f"no clause reads {path} ({spec.zh})", where))
    return out


# --------------------------------------------------------------------------- solver checks


def _encoding(rules: Ruleset) -> Any:
    """An encoding of ``rules`` over complete filings, by the solver of its filing model."""
    if rules.program.catalogue is None:  # v1: delete at the flip
        from . import solver

        enc: Any = solver.Encoding(domain=solver.Domain.COMPLETE)
    else:
        from . import solver_v2

        enc = solver_v2.Encoding(domain=Domain.COMPLETE)
    enc.add("r", rules)
    return enc


def _solver_findings(rules: Ruleset) -> tuple[list[Finding], dict[str, bool]]:
    enc = _encoding(rules)
    z3 = enc.z3
    status = enc.status("r")  # translates every clause and element: every variable exists now
    for c in rules.clauses:
        for e in c.elements:
            enc.element("r", c.id, e.id)
    # one incremental solver holding the domain constraints once (a fresh solver per question
    # spent most of the time adding them again)
    session = enc.solver()
    grown = len(enc.constraints)
    out: list[Finding] = []
    reachable: dict[str, bool] = {}

    def sat(*formulas: Any) -> bool:
        nonlocal grown
        if len(enc.constraints) > grown:  # pragma: no cover - every variable was made above
            session.add(*enc.constraints[grown:])
            grown = len(enc.constraints)
        session.push()
        session.add(*formulas)
        result = session.check()
        session.pop()
        if result == z3.unknown:  # pragma: no cover - the theories used are decidable
            raise RuntimeError(f"z3 could not decide: {session.reason_unknown()}")
        return bool(result == z3.sat)

    for c in rules.clauses:
        tri = enc.clause("r", c.id)
        holds = sat(tri.t)
        if not holds:
            out.append(
                Finding(
                    "clause_unsatisfiable",
                    f"{c.id} holds on no complete filing",
                    c.loc,
                    c.id,
                )
            )
        elif not sat(z3.Not(tri.t)):
            out.append(
                Finding(
                    "clause_always_true",
                    f"{c.id} holds on every complete filing",
                    c.loc,
                    c.id,
                )
            )
        for e in c.elements:
            et = enc.element("r", c.id, e.id)
            if not sat(et.t):
                out.append(
                    Finding(
                        "element_unsatisfiable",
                        f"{c.id}/{e.id} ({e.phrase}) holds on no complete filing",
                        e.loc,
                        c.id,
                        e.id,
                    )
                )
            elif not sat(z3.Not(et.t)):
                out.append(
                    Finding(
                        "element_always_true",
                        f"{c.id}/{e.id} ({e.phrase}) holds on every complete filing",
                        e.loc,
                        c.id,
                        e.id,
                    )
                )
        if c.list is ListKind.POSITIVE and holds:
            ok = sat(tri.t, status[Status.ELIGIBLE])
            reachable[c.id] = ok
            if not ok:
                blockers = _blockers(enc, rules, c.id)
                out.append(
                    Finding(
                        "positive_unreachable",
                        f"{c.id} can never make a filing eligible: every complete filing on "
                        f"which it holds is not eligible"
                        + (
                            f" (a negative always holds with it: {', '.join(blockers)})"
                            if blockers
                            else ""
                        ),
                        c.loc,
                        c.id,
                    )
                )
        elif c.list is ListKind.POSITIVE:
            reachable[c.id] = False
    return out, reachable


def _blockers(enc: Any, rules: Ruleset, cid: str) -> list[str]:  # rare: fresh solvers suffice
    """Negatives that hold on every complete filing on which ``cid`` holds."""
    z3 = enc.z3
    tri = enc.clause("r", cid)
    return [
        n.id
        for n in rules.of_list(ListKind.NEGATIVE)
        if enc.find(tri.t, z3.Not(enc.clause("r", n.id).t), simple=False) is None
    ]


def lint_ruleset(rules: Ruleset) -> LintReport:
    """Lint a loaded ruleset; see the module docstring."""
    started = time.perf_counter()
    catalogue = rules.program.catalogue
    findings = lint_clauses(rules.clauses, None if catalogue is None else catalogue.decl)
    solver_findings, reachable = _solver_findings(rules)
    findings.extend(solver_findings)
    return LintReport(
        rules.label,
        rules.digest,
        tuple(sorted(set(findings), key=Finding.sort_key)),
        reachable,
        time.perf_counter() - started,
        None if catalogue is None else RECORDS,
    )


def codes_table() -> Iterable[tuple[str, str, str]]:
    """``(code, severity, meaning)`` for every lint code, for the docs."""
    for code, (severity, meaning) in LINT_CODES.items():
        yield code, severity.value, meaning
