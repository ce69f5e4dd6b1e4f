"""Commands of the rongcuo CLI for analysis (registered by :mod:`rongcuo.cli`): ``diff``, ``lint``.

``rongcuo diff OLD NEW`` exits 0 when the diff was computed, whatever it found (with
``--fail-on KIND``: 3 when it found a change of that kind, the CI gate); 1 on invalid input (a
ruleset that does not load, an unreadable git revision, a bad corpus), every problem listed with
its code; 70 when a witness is not confirmed by the engine (a bug in rongcuo, reported in the
output). ``rongcuo lint`` exits 1 when it finds an error (with ``--strict``, also a warning),
or when the ruleset does not load; else 0.
"""

import enum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import RongcuoError, escape_terminal


class DiffFormat(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"


class LintFormat(enum.StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"


class FailOn(enum.StrEnum):
    meaning = "meaning"
    text = "text"
    any = "any"


EXIT_CHANGED = 3
"""``diff --fail-on KIND`` found a change of that kind."""


class DiffDomain(enum.StrEnum):
    complete = "complete"
    any = "any"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    from ._common import (
        EXIT_INTERNAL,
        Format,
        Lang,
        LangOpt,
        _fail,
        _rules,
        dumps_json,
        out,
        say,
    )

    @app.command("diff")
    def diff_cmd(
        old: Annotated[
            str, typer.Argument(help="Old version: a ruleset directory, git:REV or git:REV:DIR.")
        ],
        new: Annotated[
            str, typer.Argument(help="New version: a ruleset directory, git:REV or git:REV:DIR.")
        ],
        fmt: Annotated[
            DiffFormat,
            typer.Option("--format", "-f", help="text, json, or a self-contained html report."),
        ] = DiffFormat.text,
        lang: LangOpt = Lang.zh,
        corpus: Annotated[
            Path | None,
            typer.Option(
                "--corpus", help="Past filings (JSON Lines) to replay under both versions."
            ),
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
        ] = None,
        domain: Annotated[
            DiffDomain,
            typer.Option(
                "--domain",
                help="Filings the proofs cover: complete (every fact known) or any (unknown "
                "facts, partial sets and dates, incomplete lists too).",
            ),
        ] = DiffDomain.complete,
        fail_on: Annotated[
            FailOn | None,
            typer.Option(
                "--fail-on",
                help="Exit 3 when the diff finds a change of this kind: meaning (a clause's "
                "meaning or a status can change), text (wording or citation), any.",
                show_default=False,
            ),
        ] = None,
        timing: Annotated[
            bool,
            typer.Option(
                "--timing", help="Add the run time (without it, the same diff gives the same bytes)."
            ),
        ] = False,
    ) -> None:
        """Compare two ruleset versions: wording, facts, meaning (proved with z3), statuses."""
        from ..analysis.diff import Domain, diff_rulesets, load_side, render_text

        err_fmt = Format.json if fmt is DiffFormat.json else Format.text
        try:
            _not_the_corpus(output, corpus)
            a = load_side(old)
            b = load_side(new)
            result = diff_rulesets(a, b, corpus=corpus, domain=Domain(domain.value))
        except RongcuoError as exc:
            _fail(exc, err_fmt, lang)
        if fmt is DiffFormat.json:
            text = dumps_json(result.to_data(timing=timing), indent=2) + "\n"
        elif fmt is DiffFormat.html:
            from ..analysis.report_html import render_html

            text = render_html(result, lang=lang.value, timing=timing)
        else:
            text = render_text(result, lang=lang.value, timing=timing)
        try:
            _emit(text, output, out)
        except RongcuoError as exc:
            _fail(exc, err_fmt, lang)
        if result.bugs:
            raise typer.Exit(EXIT_INTERNAL)
        if fail_on is not None and result.has_change(fail_on.value):
            raise typer.Exit(EXIT_CHANGED)

    @app.command("lint")
    def lint_cmd(
        rules: Annotated[
            str | None,
            typer.Argument(
                help="A ruleset directory (default: the bundled rules).", show_default=False
            ),
        ] = None,
        fmt: Annotated[
            LintFormat,
            typer.Option(
                "--format",
                "-f",
                help="text, json, sarif (SARIF 2.1.0 for code scanning) or github (workflow "
                "annotations).",
            ),
        ] = LintFormat.text,
        lang: LangOpt = Lang.zh,
        strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
    ) -> None:
        """Check a ruleset with the solver: unreachable or vacuous clauses, examples, phrases."""
        from ..analysis.lint import lint_ruleset

        err_fmt = Format.text if fmt in (LintFormat.text, LintFormat.github) else Format.json
        try:
            report = lint_ruleset(_rules(rules))
        except RongcuoError as exc:
            _fail(exc, err_fmt, lang)
        if fmt is LintFormat.json:
            out.print(dumps_json(report.to_data(), indent=2), markup=False)
        elif fmt is LintFormat.sarif:
            out.print(dumps_json(report.to_sarif(), indent=2), markup=False)
        elif fmt is LintFormat.github:
            say(report.render_github(), end="")
        else:
            say(report.render_text(lang=lang.value), end="")
        raise typer.Exit(report.exit_code(strict=strict))


def _not_the_corpus(output: Path | None, corpus: Path | None) -> None:
    """Refuse ``--output`` naming the ``--corpus`` file (the same file by device and inode):
    writing the report would destroy the corpus."""
    if output is None or corpus is None:
        return
    try:
        same = output.samefile(corpus)
    except OSError:
        return  # the output does not exist yet, or the corpus cannot be read (reported later)
    if same:
        from ..errors import Location, Problem

        raise RongcuoError(
            [
                Problem(
                    "option_invalid",
                    "--output is the --corpus file: writing the report would destroy the corpus",
                    Location(str(output)),
                    "write the report to another file",
                )
            ]
        )


def _emit(text: str, output: Path | None, console: object) -> None:
    if output is not None:
        from ..errors import Location, Problem

        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise RongcuoError(
                [Problem("io_error", f"cannot write: {exc.strerror}", Location(str(output)))]
            ) from None
        return
    from rich.console import Console

    assert isinstance(console, Console)
    console.print(escape_terminal(text), markup=False, end="")
