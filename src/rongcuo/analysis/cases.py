"""Expectation cases run as tests: what ``rongcuo test`` does, after ``opa test``.

Each case (see :mod:`rongcuo.analysis.coverage` for the case format: a filing and what it should
give) is one test: it passes when every expectation it states holds. :func:`run_cases` runs them
and times each; :func:`junit_xml` writes the results as JUnit XML, the report format CI systems
read (GitLab, Jenkins, GitHub actions that publish test results): one ``<testcase>`` a case, a
``<failure>`` with every unmet expectation, one line each.
"""

from __future__ import annotations

import dataclasses
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from ..rules.ruleset import Ruleset
from .coverage import Case, check_case

__all__ = ["CaseResult", "junit_xml", "run_cases"]


@dataclasses.dataclass(frozen=True)
class CaseResult:
    """One case run: its name, the expectations it missed (none: it passed), its time."""

    name: str
    problems: tuple[str, ...]
    seconds: float
    description: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems

    def to_data(self) -> dict[str, object]:
        return {"name": self.name, "passed": self.passed, "problems": list(self.problems)}


def run_cases(cases: Iterable[Case], rules: Ruleset) -> list[CaseResult]:
    """Check each case's expectations against ``rules``, in order, timing each (wall clock)."""
    out = []
    for case in cases:
        start = time.perf_counter()
        problems = check_case(case, rules)
        out.append(
            CaseResult(case.name, tuple(problems), time.perf_counter() - start, case.description)
        )
    return out


def junit_xml(results: Sequence[CaseResult], *, suite: str, classname: str) -> bytes:
    """The results as a JUnit XML document (UTF-8): one ``<testsuite>`` named ``suite``, one
    ``<testcase>`` a case under ``classname``, a failing case with its ``<failure>``."""
    failed = [r for r in results if not r.passed]
    total = f"{sum(r.seconds for r in results):.3f}"
    counts = {"tests": str(len(results)), "failures": str(len(failed)), "errors": "0"}
    root = ET.Element("testsuites", {"name": "rongcuo test", **counts, "time": total})
    node = ET.SubElement(root, "testsuite", {"name": suite, **counts, "skipped": "0"})
    node.set("time", total)
    for r in results:
        case = ET.SubElement(
            node, "testcase", {"classname": classname, "name": r.name, "time": f"{r.seconds:.3f}"}
        )
        if r.problems:
            failure = ET.SubElement(
                case, "failure", {"message": r.problems[0], "type": "expectation"}
            )
            failure.text = "\n".join(r.problems)
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"
