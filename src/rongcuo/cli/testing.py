"""Commands of the rongcuo CLI for testing (registered by :mod:`rongcuo.cli`).

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
