"""Commands of the rongcuo CLI for analysis (registered by :mod:`rongcuo.cli`): ``diff``,
``history``, ``lint``.

``rongcuo diff OLD NEW`` (or ``--from DATE --to DATE``: the versions of a timeline in force on
two dates, :mod:`rongcuo.rules.timeline`) exits 0 when the diff was computed, whatever it found
(with ``--fail-on KIND``: 3 when it found a change of that kind, the CI gate); 1 on invalid input
(a ruleset that does not load, an unreadable git revision, a bad corpus), every problem listed
with its code; 70 when a witness is not confirmed by the engine (a bug in rongcuo, reported in
the output). ``rongcuo lint`` exits 1 when it finds an error (with ``--strict``, also a warning),
or when the ruleset does not load; else 0. ``rongcuo history`` exits 0, or 1 on an invalid
timeline or version.
"""

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import RongcuoError, escape_terminal
from ._common import Format, Lang, LangOpt

if TYPE_CHECKING:
    from ..analysis.diff import RulesetDiff
    from ..rules.ruleset import Ruleset
    from ..rules.timeline import Timeline


class DiffFormat(enum.StrEnum):
    text = "text"
    json = "json"
    html = "html"


class HistoryFormat(enum.StrEnum):
    text = "text"
    json = "json"


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
        _fail,
        _rules,
        dumps_json,
        out,
        say,
    )

    @app.command("diff")
    def diff_cmd(
        old: Annotated[
            str | None,
            typer.Argument(
                help="Old version: a ruleset directory, git:REV or git:REV:DIR.",
                show_default=False,
            ),
        ] = None,
        new: Annotated[
            str | None,
            typer.Argument(
                help="New version: a ruleset directory, git:REV or git:REV:DIR.",
                show_default=False,
            ),
        ] = None,
        since: Annotated[
            str | None,
            typer.Option(
                "--from",
                help="Instead of OLD: the version in force on this date (YYYY-MM-DD).",
                show_default=False,
            ),
        ] = None,
        until: Annotated[
            str | None,
            typer.Option(
                "--to",
                help="Instead of NEW: the version in force on this date (YYYY-MM-DD).",
                show_default=False,
            ),
        ] = None,
        timeline: TimelineOpt = None,
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
            DiffDomain | None,
            typer.Option(
                "--domain",
                help="Filings the proofs cover: any (the default: every valid filing, unknown "
                "facts, partial sets and dates, incomplete lists too, as the engine sees them) "
                "or complete (every fact known; every row then says so).",
                show_default=False,
            ),
        ] = None,
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
                "--timing",
                help="Add the run time (without it, the same diff gives the same bytes).",
            ),
        ] = False,
    ) -> None:
        """Compare two ruleset versions: wording, facts, meaning (proved with z3), statuses."""
        from ..analysis.diff import Domain, diff_rulesets, render_text

        err_fmt = Format.json if fmt is DiffFormat.json else Format.text
        try:
            _not_the_corpus(output, corpus)
            a, b = _sides(old, new, since, until, timeline)
            chosen = None if domain is None else Domain(domain.value)
            result = diff_rulesets(a, b, corpus=corpus, domain=chosen)
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

    @app.command("history")
    def history_cmd(
        timeline: Annotated[
            str | None,
            typer.Argument(
                help="A timeline folder (with a timeline.yaml; default: the bundled rules alone).",
                show_default=False,
            ),
        ] = None,
        fmt: Annotated[
            HistoryFormat, typer.Option("--format", "-f", help="text or json.")
        ] = HistoryFormat.text,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """List a version timeline: each version's date and label, and what each step changes in
        meaning (proved with z3, over complete filings)."""
        err_fmt = Format.json if fmt is HistoryFormat.json else Format.text
        try:
            chain = _timeline(timeline)
            steps = _history(chain)
        except RongcuoError as exc:
            _fail(exc, err_fmt, lang)
        if fmt is HistoryFormat.json:
            out.print(dumps_json(_history_data(chain, steps), indent=2), markup=False)
        else:
            say(_history_text(chain, steps, lang.value), end="")

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
        timing: Annotated[
            bool,
            typer.Option(
                "--timing",
                help="Add the run time to text or json (without it, the same rules give the "
                "same bytes).",
            ),
        ] = False,
    ) -> None:
        """Check a ruleset with the solver: unreachable or vacuous clauses, examples, phrases."""
        from ..analysis.lint import lint_ruleset

        err_fmt = Format.text if fmt in (LintFormat.text, LintFormat.github) else Format.json
        try:
            report = lint_ruleset(_rules(rules))
        except RongcuoError as exc:
            _fail(exc, err_fmt, lang)
        if fmt is LintFormat.json:
            out.print(dumps_json(report.to_data(timing=timing), indent=2), markup=False)
        elif fmt is LintFormat.sarif:
            out.print(dumps_json(report.to_sarif(), indent=2), markup=False)
        elif fmt is LintFormat.github:
            say(report.render_github(), end="")
        else:
            say(report.render_text(lang=lang.value, timing=timing), end="")
        raise typer.Exit(report.exit_code(strict=strict))


TimelineOpt = Annotated[
    str | None,
    typer.Option(
        "--timeline",
        help="A timeline folder for --from/--to (default: the bundled rules alone).",
        show_default=False,
    ),
]


def _timeline(folder: str | None) -> "Timeline":
    from ..rules.timeline import bundled_timeline, load_timeline

    return bundled_timeline() if folder is None else load_timeline(folder)


def _sides(
    old: str | None, new: str | None, since: str | None, until: str | None, timeline: str | None
) -> tuple["Ruleset", "Ruleset"]:
    """The two versions a diff compares: OLD and NEW, or the versions in force on --from and
    --to in --timeline (either may replace either)."""
    from ..analysis.diff import load_side
    from ._common import _date, _option_error

    if since is not None and until is None and new is None and old is not None:
        old, new = None, old  # `diff --from DATE NEW`: the one argument is NEW
    if (old is None) == (since is None) or (new is None) == (until is None):
        raise _option_error(
            "--from",
            "name each version once: OLD or --from DATE, and NEW or --to DATE",
            "e.g. rongcuo diff --timeline examples/revisions --from 2023-01-01 --to 2024-08-01",
        )
    if timeline is not None and since is None and until is None:
        raise _option_error("--timeline", "--timeline is read only with --from or --to")
    chain = _timeline(timeline) if since is not None or until is not None else None
    a = load_side(old) if old is not None else chain.in_force(_date(since))  # type: ignore[union-attr]
    b = load_side(new) if new is not None else chain.in_force(_date(until))  # type: ignore[union-attr]
    return a, b


def _history(chain: "Timeline") -> list["RulesetDiff"]:
    from ..analysis.diff import diff_rulesets

    return [diff_rulesets(a.ruleset(), b.ruleset(), statuses=False) for a, b in chain.steps()]


def _history_text(chain: "Timeline", steps: list["RulesetDiff"], lang: str) -> str:
    from ..analysis.diff import meaning_summary, words

    w = words(lang)
    lines = [f"{w['history']}: {chain.origin}"]
    for i, v in enumerate(chain.versions):
        digest = v.ruleset().digest
        lines.append(f"  {v.effective.isoformat()}  {v.label}  (sha256:{digest[:16]})")
        if i < len(steps):
            lines.append(f"      ↓ {meaning_summary(steps[i], lang)}")
    return "\n".join(lines) + "\n"


def _history_data(chain: "Timeline", steps: list["RulesetDiff"]) -> dict[str, object]:
    from ..analysis.diff import meaning_summary

    versions = [
        {
            "effective": v.effective.isoformat(),
            "label": v.label,
            "digest": v.ruleset().digest,
            "path": str(v.path),
        }
        for v in chain.versions
    ]
    return {
        "rongcuo_history": 1,
        "versions": versions,
        "steps": [
            {
                "from": a.effective.isoformat(),
                "to": b.effective.isoformat(),
                "meaning_changed": d.has_change("meaning"),
                "summary": {"zh": meaning_summary(d, "zh"), "en": meaning_summary(d, "en")},
                "clauses": [c.to_data() for c in d.changed],
            }
            for (a, b), d in zip(chain.steps(), steps, strict=True)
        ],
    }


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
