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


def _fail(exc: RongcuoError, fmt: Format, lang: Lang | str = Lang.zh) -> NoReturn:
    """Report ``exc`` (text on stderr in ``lang``, or JSON on stdout) and exit 1."""
    if fmt is Format.json:
        out.print(json.dumps(exc.to_dict(str(lang)), ensure_ascii=False, indent=2), markup=False)
    else:
        err.print(f"rongcuo: {exc.render(str(lang))}", markup=False)
    raise typer.Exit(EXIT_INVALID)


def _argv_lang(argv: list[str]) -> str:
    """``--lang`` read from the raw arguments, for errors raised outside any command."""
    for i, arg in enumerate(argv):
        if arg in ("--lang", "-l") and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"


def _rules(path: Path | None):  # type: ignore[no-untyped-def]
    from ..rules.load import load_ruleset

    return load_ruleset(path)
