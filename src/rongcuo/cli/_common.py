"""What the command modules share: exit statuses, consoles, the common options, error output."""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ..errors import Location, Problem, RongcuoError, escape_terminal, show

MAX_KEY_BYTES = 4096
"""The largest receipt key file read."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")

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
    str | None,
    typer.Option(
        "--rules", help="A ruleset directory (default: the bundled rules).", show_default=False
    ),
]
KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="A secret key (16 bytes or more) for keyed receipts (HMAC-SHA256).",
        show_default=False,
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Reference date YYYY-MM-DD: no fact may be dated after it."),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Lang, typer.Option("--lang", "-l", help="Language of text output.")]


def _fail(exc: RongcuoError, fmt: Format, lang: Lang | str = Lang.zh) -> NoReturn:
    """Report ``exc`` (text on stderr in ``lang``, or JSON on stdout) and exit 1."""
    if fmt is Format.json:
        out.print(dumps_json(exc.to_dict(str(lang)), indent=2), markup=False)
    else:
        err.print(escape_terminal(f"rongcuo: {exc.render(str(lang))}"), markup=False)
    raise typer.Exit(EXIT_INVALID)


def dumps_json(data: object, *, indent: int | None = None) -> str:
    """JSON as the CLI prints it: Chinese as is, and a lone surrogate (from a file name that is
    not UTF-8) as its ``\\udXXX`` escape, so the text can always be written as UTF-8."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: str, *, end: str = "\n") -> None:
    """Print text for a person on standard output, control and escape characters escaped
    (filing values, keys and rule labels reach the terminal as ``\\x1b``, never raw)."""
    out.print(escape_terminal(text), markup=False, end=end)


def _option_error(option: str, message: str, hint: str = "") -> RongcuoError:
    return RongcuoError([Problem("option_invalid", message, Location(option), hint)])


def _date(text: str | None) -> dt.date | None:
    """``--as-of``: exactly ``YYYY-MM-DD`` (not ``20230101``, which ``fromisoformat`` takes)."""
    if text is None:
        return None
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise _option_error(
        "--as-of", f"{show(text)} is not a date YYYY-MM-DD", "e.g. --as-of 2023-05-01"
    )


def _key(path: Path | None) -> bytes | None:
    """``--key-file``: the key's bytes (a final newline dropped), read by the bounded reader."""
    if path is None:
        return None
    from .. import reader
    from ..verdict.receipt import check_key

    if not str(path):
        raise _option_error("--key-file", "--key-file needs a file name")
    raw = reader.read_file(path, limit=MAX_KEY_BYTES, what="a receipt key")
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith(b"\n"):
        raw = raw[:-1]
    return check_key(raw, where=reader.shown_path(path))


def _argv_lang(argv: list[str]) -> str:
    """``--lang`` read from the raw arguments, for errors raised outside any command."""
    for i, arg in enumerate(argv):
        if arg in ("--lang", "-l") and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"


def _rules(path: str | Path | None):  # type: ignore[no-untyped-def]
    from ..rules.load import load_ruleset

    if path is not None and not str(path).strip():
        # Path("") is ".": an empty --rules would silently read the current directory
        raise _option_error(
            "--rules",
            "--rules needs a ruleset directory, got an empty name",
            "leave out --rules for the bundled rules",
        )
    return load_ruleset(path)
