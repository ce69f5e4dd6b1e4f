"""Commands of the rongcuo CLI for testing (registered by :mod:`rongcuo.cli`).

``rongcuo test [CASES]... [--clause-examples] [--junit FILE] [-v]`` runs expectation cases as
tests, after ``opa test``: each case passes when every expectation it states holds (see
:mod:`rongcuo.analysis.cases`). It prints the failures (``-v``: every case) and a count, and with
``--junit`` writes a JUnit XML report for CI. Exit status: 0 when every case passed, 3 when some
case failed, 1 when the cases, the ruleset or the report file cannot be read or written, 2 for a
usage error.

``rongcuo coverage [CASES] [--clause-examples]`` runs cases (a directory of YAML/JSON case files,
or a JSONL file, one case a line; see :mod:`rongcuo.analysis.coverage`) and the ruleset's own clause
examples, checks each case's expectations and reports which clauses, elements and conditions
under quantifiers the cases show can decide the outcome. Case filings are read with the filing
model of the ``--rules`` ruleset. Exit status: 0 when every expectation held, 3 when some case
failed its expectation, 1 when the cases or the ruleset cannot be read, 2 for a usage error.
"""

from pathlib import Path
from typing import Annotated

import typer

EXIT_CASES_FAILED = 3


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    # the shared options live in rongcuo.cli, which is importing this module
    from ..errors import RongcuoError
    from ._common import (
        Format,
        FormatOpt,
        Lang,
        LangOpt,
        RulesOpt,
        _fail,
        _rules,
        dumps_json,
        out,
        say,
    )

    @app.command("test")
    def test_cmd(
        cases: Annotated[
            list[Path] | None,
            typer.Argument(help="Directories of case files, or .yaml/.json/.jsonl files."),
        ] = None,
        clause_examples: Annotated[
            bool,
            typer.Option(
                "--clause-examples", help="Also run the examples kept beside each clause."
            ),
        ] = False,
        junit: Annotated[
            Path | None,
            typer.Option("--junit", help="Write a JUnit XML report to this file, for CI."),
        ] = None,
        verbose: Annotated[
            bool, typer.Option("--verbose", "-v", help="List the cases that pass too.")
        ] = False,
        rules: RulesOpt = None,
        fmt: FormatOpt = Format.text,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """Run expectation cases as tests (like opa test): exit 3 when one fails."""
        from ..analysis.cases import junit_xml, run_cases
        from ..analysis.coverage import clause_example_cases, load_cases
        from ..errors import Location, Problem

        if not cases and not clause_examples:
            raise typer.BadParameter("give CASES, --clause-examples, or both", param_hint="CASES")
        try:
            ruleset = _rules(rules)
            loaded = [c for path in cases or [] for c in load_cases(path, rules=ruleset)]
        except RongcuoError as exc:
            _fail(exc, fmt, lang)
        if clause_examples:
            loaded += clause_example_cases(ruleset)
        results = run_cases(loaded, ruleset)
        failed = [r for r in results if not r.passed]
        if junit is not None:
            suite = " ".join(str(p) for p in cases or []) or "clause examples"
            try:
                junit.write_bytes(junit_xml(results, suite=suite, classname=ruleset.label))
            except OSError as exc:
                problem = Problem(
                    "io_error", exc.strerror or str(exc), Location(str(junit)), "a writable path"
                )
                _fail(RongcuoError([problem]), fmt, lang)
        if fmt is Format.json:
            data = {
                "passed": len(results) - len(failed),
                "failed": len(failed),
                "cases": [r.to_data() for r in results],
            }
            out.print(dumps_json(data, indent=2), markup=False)
        else:
            zh = lang is Lang.zh
            passed, failing = ("通过", "失败") if zh else ("PASS", "FAIL")
            for r in results:
                if r.problems:
                    say(f"{failing} {r.name}")
                    for line in r.problems:
                        say(f"  {line}")
                elif verbose:
                    say(f"{passed} {r.name}")
            if failed or verbose:
                say("-" * 40)
            n = len(results)
            say(f"{passed}: {n - len(failed)}/{n}")
            if failed:
                say(f"{failing}: {len(failed)}/{n}")
        if failed:
            raise typer.Exit(EXIT_CASES_FAILED)

    @app.command("coverage")
    def coverage_cmd(
        cases: Annotated[
            Path | None,
            typer.Argument(help="A directory of case files, or one .yaml/.json/.jsonl file."),
        ] = None,
        clause_examples: Annotated[
            bool,
            typer.Option(
                "--clause-examples", help="Also run the examples kept beside each clause."
            ),
        ] = False,
        rules: RulesOpt = None,
        fmt: FormatOpt = Format.text,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """Which clauses and elements the cases show can decide the outcome (MC/DC-style)."""
        from ..analysis.coverage import clause_example_cases, coverage, load_cases, render_coverage

        if cases is None and not clause_examples:
            raise typer.BadParameter("give CASES, --clause-examples, or both", param_hint="CASES")
        try:
            ruleset = _rules(rules)
            # the cases' filings are read with the ruleset's own filing model
            loaded = load_cases(cases, rules=ruleset) if cases is not None else []
        except RongcuoError as exc:
            _fail(exc, fmt, lang)
        if clause_examples:
            loaded += clause_example_cases(ruleset)
        report = coverage(loaded, ruleset)
        if fmt is Format.json:
            out.print(dumps_json(report.to_data(), indent=2), markup=False)
        else:
            say(render_coverage(report, lang=lang.value), end="")
        if report.failures:
            raise typer.Exit(EXIT_CASES_FAILED)
