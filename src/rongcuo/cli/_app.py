"""The command line's typer app: ``check``, ``schema``, ``rules``, ``verify`` and the commands of
the sibling modules (:mod:`rongcuo.cli` runs it; see there for the exit statuses)."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import reader
from ..errors import FilingError, RongcuoError
from ..facts.filings import MAX_FILING_BYTES, load_filing, parse_filing
from ._common import (
    AsOfOpt,
    Format,
    FormatOpt,
    KeyFileOpt,
    Lang,
    LangOpt,
    RulesOpt,
    _date,
    _fail,
    _key,
    _option_error,
    _rules,
    dumps_json,
    out,
    say,
)

if TYPE_CHECKING:
    import datetime as dt

    from ..engine.evaluate import Truth
    from ..facts.v2 import Filing
    from ..rules.ruleset import Ruleset

app = typer.Typer(
    name="rongcuo",
    help="Screen 容错免责备案 filings against 平纪发〔2022〕4号's positive and negative lists.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


MAX_VERDICT_BYTES = 16 * 1024 * 1024
"""The largest stored verdict ``verify`` reads (a verdict with its full trace is far smaller)."""


class SchemaOf(enum.StrEnum):
    filing = "filing"
    verdict = "verdict"
    rules = "rules"


class SchemaFor(enum.StrEnum):
    plain = "plain"
    forms = "forms"


class BackendName(enum.StrEnum):
    native = "native"
    durable = "durable"


class MissingName(enum.StrEnum):
    walk = "walk"
    z3 = "z3"


def _read_filing(file: str, rules: Ruleset | None = None) -> Filing:
    """A filing read with the filing model of ``rules`` (the bundled rules' when ``None``)."""
    if file == "-":  # bounded; a closed standard input is io_error (rongcuo.reader)
        raw = reader.read_stdin(limit=MAX_FILING_BYTES, error=FilingError, what="a filing")
        return parse_filing(raw, filename=reader.STDIN, rules=rules)
    return load_filing(file, rules=rules)


@app.command()
def check(
    file: Annotated[str, typer.Argument(help="A filing as YAML or JSON, or - for standard input.")],
    fmt: FormatOpt = Format.text,
    lang: LangOpt = Lang.zh,
    rules: RulesOpt = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="Show every clause, not only the deciding ones.")
    ] = False,
    as_of: AsOfOpt = None,
    key_file: KeyFileOpt = None,
    backend: Annotated[
        BackendName,
        typer.Option(
            "--backend", help="Who computes clause truths: native, or the durable-rules evaluator."
        ),
    ] = BackendName.native,
    missing: Annotated[
        MissingName,
        typer.Option(
            "--missing",
            help="How an insufficient_facts verdict lists its missing facts: walk (fast, every "
            "fact that may matter) or z3 (exact: only those whose answer can change the status, "
            "with the smallest sets that decide it; docs/questions.md).",
        ),
    ] = MissingName.walk,
) -> None:
    """Screen one filing and print its verdict (--rules may name a version timeline: the version
    in force on --as-of, the filing date, screens it)."""
    from ..engine.decide import evaluate, register_backend
    from ..verdict.render import render_text

    if backend is BackendName.durable:
        register_backend("durable", _durable_values)
    try:
        reference = _date(as_of)
        key = _key(key_file)
        ruleset = _rules_on(rules, reference)
        verdict = evaluate(
            _read_filing(file, ruleset),
            rules=ruleset,
            as_of=reference,
            backend=backend.value,
            key=key,
            missing="z3" if missing is MissingName.z3 else "walk",
        )
    except RongcuoError as exc:
        _fail(exc, fmt, lang)
    if fmt is Format.json:
        out.print(verdict.to_json(), markup=False)
    else:
        say(render_text(verdict, lang=lang.value, full_trace=trace, rules=ruleset), end="")


def _rules_on(rules: str | None, on: dt.date | None) -> Ruleset:
    """``--rules``: a ruleset directory, or a timeline folder whose version in force on ``--as-of``
    (the latest without it) screens the filing (rongcuo.rules.timeline)."""
    from ..rules.timeline import is_timeline, load_timeline

    if rules and is_timeline(rules):
        return load_timeline(rules).in_force(on)
    return _rules(rules)  # type: ignore[no-any-return]


def _durable_values(filing: Filing, rules: Ruleset) -> dict[str, Truth]:
    """``--backend durable``: the durable-rules evaluator (imported here, on first use)."""
    from ..testing.durable import durable_program

    return durable_program(rules).values(filing)


@app.command()
def schema(
    what: Annotated[
        SchemaOf,
        typer.Option(
            "--what",
            help="filing (with Chinese titles), verdict (what check --format json prints), "
            "or rules (a rule file, for editors).",
        ),
    ] = SchemaOf.filing,
    for_: Annotated[
        SchemaFor,
        typer.Option(
            "--for",
            help="plain (the schema as it is), or forms: a filing form for form renderers "
            "(titles, 未知 as a choice, in --lang; filing model v2, see docs/interview.md).",
        ),
    ] = SchemaFor.plain,
    lang: LangOpt = Lang.zh,
    rules: RulesOpt = None,
) -> None:
    """Print a JSON Schema: of a filing, a verdict, or a rule file (schemas/ holds all three)."""
    if for_ is SchemaFor.forms:
        from ..analysis.forms import form_schema

        try:
            if what is not SchemaOf.filing:
                raise _option_error(
                    "--for", f"--for forms gives a filing form, not a schema of {what.value}"
                )
            data = form_schema(_rules(rules), lang=lang.value)
        except RongcuoError as exc:
            _fail(exc, Format.text, lang)
        out.print(json.dumps(data, ensure_ascii=False, indent=2), markup=False)
        return
    out.print(schema_text(what.value), markup=False, end="")


def schema_text(what: str) -> str:
    """The JSON Schema of ``filing``, ``verdict`` or ``rules``, as ``schemas/*.schema.json``."""
    if what == "verdict":
        from ..verdict.verdict import verdict_json_schema

        data = verdict_json_schema()
    elif what == "rules":
        from ..rules.schema import rules_json_schema

        data = rules_json_schema()
    else:
        from ..facts.v2 import filing_json_schema

        data = filing_json_schema()
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@app.command("rules")
def rules_cmd(
    rules: RulesOpt = None, fmt: FormatOpt = Format.text, lang: LangOpt = Lang.zh
) -> None:
    """Load and check a ruleset; print its version, digest and clauses."""
    try:
        ruleset = _rules(rules)
    except RongcuoError as exc:
        _fail(exc, fmt, lang)
    if fmt is Format.json:
        data = {
            "label": ruleset.label,
            "source": ruleset.meta.source,
            "effective": ruleset.meta.effective.isoformat(),
            "digest": ruleset.digest,
            "clauses": [
                {"id": c.id, "list": c.list.value, "text": c.text, "summary": c.summary}
                for c in ruleset.clauses
            ],
        }
        out.print(dumps_json(data, indent=2), markup=False)
        return
    say(f"{ruleset.label}  sha256:{ruleset.digest}")
    say(f"source {ruleset.meta.source}, effective {ruleset.meta.effective}")
    for c in ruleset.clauses:
        shown = c.text if lang is Lang.zh else c.summary
        say(f"  {c.id:<4} {shown}")


@app.command("verify")
def verify_cmd(
    verdict_file: Annotated[Path, typer.Argument(help="A stored verdict (JSON).")],
    filing_file: Annotated[str, typer.Argument(help="The filing it was made for.")],
    rules: RulesOpt = None,
    fmt: FormatOpt = Format.text,
    lang: LangOpt = Lang.zh,
    key_file: KeyFileOpt = None,
) -> None:
    """Check a stored verdict against its filing and rules (receipt, ruleset, re-evaluation).

    The receipt is a digest, not a signature; verify trusts the filing and rules it is given.
    With --key-file, the receipt must be keyed with that key (HMAC-SHA256)."""
    from ..errors import VerdictError
    from ..verdict.verify import verify

    try:
        raw = reader.read_file(
            verdict_file, limit=MAX_VERDICT_BYTES, error=VerdictError, what="a stored verdict"
        )
        ruleset = _rules(rules)
        verdict = verify(
            raw,
            _read_filing(filing_file, ruleset),
            rules=ruleset,
            key=_key(key_file),
            filename=reader.shown_path(verdict_file),
        )
    except RongcuoError as exc:
        _fail(exc, fmt, lang)
    if fmt is Format.json:
        out.print(json.dumps({"verified": True, "receipt": verdict.receipt}), markup=False)
    else:
        say(f"verified: {verdict.status.value} · {verdict.receipt}")


def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        out.print(f"rongcuo {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Screen 容错免责备案 filings against 平纪发〔2022〕4号's positive and negative lists."""


def _register_commands() -> None:
    from . import analysis, ask, screen, service, testing

    for module in (analysis, ask, screen, service, testing):
        module.register(app)


_register_commands()
