"""What the command modules share: exit statuses, consoles, the common options, error output."""

from __future__ import annotations

import datetime as dt
import enum
import re
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..errors import Location, Problem, RongcuoError, escape_terminal, show
from ._output import EXIT_INTERNAL, EXIT_INVALID, _argv_lang, dumps_json, err, out, say

# re-exported for the commands
__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "_argv_lang", "dumps_json", "err", "out", "say"]

MAX_KEY_BYTES = 4096
"""The largest receipt key file read."""
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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
