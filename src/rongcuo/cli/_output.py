"""The command line's output, without the command-line parser: what ``rongcuo check`` needs to
print a verdict (rich's consoles, as every command prints), importable without typer."""

from __future__ import annotations

import json
import re

from rich.console import Console

from ..errors import escape_terminal

EXIT_INVALID = 1
EXIT_INTERNAL = 70

_SURROGATE = re.compile("[\ud800-\udfff]")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def dumps_json(data: object, *, indent: int | None = None) -> str:
    """JSON as the CLI prints it: Chinese as is, and a lone surrogate (from a file name that is
    not UTF-8) as its ``\\udXXX`` escape, so the text can always be written as UTF-8."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: str, *, end: str = "\n") -> None:
    """Print text for a person on standard output, control and escape characters escaped
    (filing values, keys and rule labels reach the terminal as ``\\x1b``, never raw)."""
    out.print(escape_terminal(text), markup=False, end=end)


def _argv_lang(argv: list[str]) -> str:
    """``--lang`` read from the raw arguments, for errors raised outside any command."""
    for i, arg in enumerate(argv):
        if arg in ("--lang", "-l") and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"
