"""What the command modules share: exit statuses, consoles, the common options, error output."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ..errors import RongcuoError

EXIT_INVALID = 1
EXIT_INTERNAL = 70

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(enum.StrEnum):
    text = "text"
    json = "json"


class Lang(enum.StrEnum):
    zh = "zh"
    en = "en"


RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="A ruleset directory (default: the bundled rules).", show_default=False
    ),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", "-l", help="Language of text output.")]


def _fail(exc: RongcuoError, fmt: Format) -> NoReturn:
    if fmt is Format.json:
        out.print(json.dumps(exc.to_dict(), ensure_ascii=False, indent=2), markup=False)
    else:
        n = len(exc.problems)
        err.print(f"rongcuo: {n} problem{'s' if n != 1 else ''} in the {exc.kind}:", markup=False)
        for p in exc.problems:
            err.print(f"  {p}", markup=False)
    raise typer.Exit(EXIT_INVALID)


def _rules(path: Path | None):  # type: ignore[no-untyped-def]
    from ..rules.load import load_ruleset

    return load_ruleset(path)
