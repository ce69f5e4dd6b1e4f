"""The command line's output, without the command-line parser: what ``rongcuo check`` needs to
print a verdict (rich's consoles, as every command prints), importable without typer.

The consoles ``out`` and ``err`` are made on first use: a plain ``check`` prints its verdict
with :func:`print_plain`, which writes what ``out.print(text, markup=False)`` writes without
importing rich's console (which costs more than the rest of printing; docs/performance.md).
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

from ..errors import escape_terminal

if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console

EXIT_INVALID = 1
EXIT_INTERNAL = 70

_SURROGATE = re.compile("[\ud800-\udfff]")


def __getattr__(name: str) -> Any:
    """``out`` and ``err``, rich's consoles for standard output and error, made on first use."""
    if name not in ("out", "err"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    consoles = globals()
    consoles.setdefault("out", Console(highlight=False, soft_wrap=True))
    consoles.setdefault("err", Console(stderr=True, highlight=False, soft_wrap=True))
    return consoles[name]


def _console(name: str) -> Console:
    console: Console = __getattr__(name)
    return console


def dumps_json(data: object, *, indent: int | None = None) -> str:
    """JSON as the CLI prints it: Chinese as is, and a lone surrogate (from a file name that is
    not UTF-8) as its ``\\udXXX`` escape, so the text can always be written as UTF-8."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def say(text: str, *, end: str = "\n") -> None:
    """Print text for a person on standard output, control and escape characters escaped
    (filing values, keys and rule labels reach the terminal as ``\\x1b``, never raw)."""
    _console("out").print(escape_terminal(text), markup=False, end=end)


# what rich's Text drops from a string (rich.control.STRIP_CONTROL_CODES: BEL, BS, VT, FF, CR)
_RICH_STRIPS = dict.fromkeys((7, 8, 11, 12, 13))
# what rich's emoji replacement looks for (rich._emoji_replace): ":name:", ":name-text:" ...
_EMOJI_CODE = re.compile(r"(:(\S*?)(?:(?:\-)(emoji|text))?:)")


def print_plain(text: str, *, end: str = "\n") -> None:
    """Write ``text`` + ``end`` to standard output exactly as ``out.print(text, markup=False,
    end=end)`` does (``out``: soft wrap, no highlighting), without rich's console.

    For a string printed that way rich replaces emoji codes (``:smile:``), drops the control
    characters BEL, BS, VT, FF and CR, expands tabs, and writes the rest as it is, then flushes;
    a broken pipe silences standard output and exits 1, and a character the stream cannot encode
    fails with rich's hint. The same is done here; text with a tab (which rich expands to the
    console's tab stops), or on Windows (whose consoles rich writes through its own API), is
    printed by rich itself. tests/test_startup.py holds the two to the same bytes."""
    if "\t" in text or "\t" in end or sys.platform == "win32":
        _console("out").print(text, markup=False, end=end)
        return
    if _EMOJI_CODE.search(text):  # (seldom: rich's package then, not its console)
        from rich._emoji_replace import _emoji_replace

        text = _emoji_replace(text)
    written = text.translate(_RICH_STRIPS) + end
    stream = sys.stdout
    try:
        try:
            stream.write(written)
        except UnicodeEncodeError as error:  # as rich reports it
            error.reason = (
                f"{error.reason}\n*** You may need to add PYTHONIOENCODING=utf-8 to your "
                "environment ***"
            )
            raise
        stream.flush()
    except BrokenPipeError:  # as rich's Console.on_broken_pipe: quiet from here, exit 1
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(1) from None


def _argv_lang(argv: list[str]) -> str:
    """``--lang`` read from the raw arguments, for errors raised outside any command."""
    for i, arg in enumerate(argv):
        if arg in ("--lang", "-l") and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    return "zh"
