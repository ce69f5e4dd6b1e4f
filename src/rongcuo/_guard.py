"""A guard for Python values handed to rongcuo as documents (a filing given as a ``dict``).

:func:`check_json_value` refuses, before anything else reads the value, what a JSON or YAML
document could never hold and what would break the readers after it: cycles, nesting deeper than
the loader's limit, non-JSON types (sets, bytes, NaN and infinities, arbitrary objects), keys that
are not strings, integers beyond 64 bits, strings with lone surrogates (``"\\ud800"`` cannot be
written as UTF-8) or longer than a document may be, and more nodes than a document may have.

It walks the value iteratively (no input exhausts the Python stack), tracks the containers on
the current path by ``id`` (so a cycle is found, while the same list shared by two keys is
not one), never calls ``repr`` or ``str`` on a value it checks (``int.__str__`` refuses more than
4,300 digits), and stops after :data:`MAX_PROBLEMS` problems. Each problem is coded and located by
its JSON path; all are raised together as one :class:`~rongcuo.errors.FilingError`.

Accepted leaves are the YAML loader's plain values: ``str``, ``int``, ``float`` (finite),
``bool``, ``None``, ``datetime.date`` and ``datetime.datetime``; containers are mappings, lists
and tuples. The signature is stable: the v1 and v2 filing readers both call it first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from .errors import FilingError, Location, Problem, escape_terminal, show

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_BITS",
    "MAX_NODES",
    "MAX_PROBLEMS",
    "MAX_TEXT",
    "check_json_value",
    "expect_type",
]

MAX_DEPTH: Final = 64
"""Nesting deeper than this is ``too_deep`` (the YAML loader's limit, ``_yaml.DEFAULT_LIMITS``,
which a test holds this to: written here so that reading JSON imports no YAML)."""

MAX_NODES: Final = 200_000
"""More values than this (keys included) is ``too_large`` (the YAML loader's limit, as
:data:`MAX_DEPTH`)."""

MAX_TEXT: Final = 1024 * 1024
"""A string longer than this (in characters) is ``filing_too_long``: a filing document holds at
most 1 MiB, so no string read from one is longer."""

MAX_INT_BITS: Final = 63
"""An integer outside ``[-2**63, 2**63)`` is ``filing_invalid_value``."""

MAX_PROBLEMS: Final = 20
"""The walk stops after this many problems."""

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_LEAVES: Final = frozenset({str, int, bool, float, type(None), dt.date, dt.datetime})
_SIMPLE: Final = frozenset({bool, type(None), dt.date, dt.datetime})
_EXIT: Final = object()  # marks leaving a container on the walk


def check_json_value(value: object, *, what: str = "filing") -> None:
    """Raise :class:`~rongcuo.errors.FilingError` unless ``value`` is a plain JSON/YAML value.

    ``what`` names the document in messages (``"filing"``, ``"case"``, ...). Returns ``None``
    when the value is fine. Problems are located by JSON path (``$.a.b[0]``).

    >>> check_json_value({"subject": {"kind": "unit"}})
    >>> loop: list[object] = []
    >>> loop.append(loop)
    >>> check_json_value({"a": loop})
    Traceback (most recent call last):
    ...
    rongcuo.errors.FilingError: 1 problem in filing
      $.a[0]: filing_not_json: a cycle: this list contains itself (a filing is a tree)
    """
    if _plain(value):  # the common case, fast: nothing to report, no paths built
        return
    problems: list[Problem] = []
    nodes = 0
    on_path: set[int] = set()
    stack: list[tuple[object, tuple[str | int, ...], int]] = [(value, (), 0)]
    while stack and len(problems) < MAX_PROBLEMS:
        node, path, depth = stack.pop()
        if node is _EXIT:
            on_path.discard(depth)  # the container's id is kept in the depth slot
            continue
        nodes += 1
        if nodes > MAX_NODES:
            problems.append(
                Problem(
                    "too_large",
                    f"more than {MAX_NODES} values; a {what} holds far fewer",
                    Location(path=path),
                )
            )
            break
        kind = type(node)
        if kind is str or isinstance(node, str):
            _check_text(node, path, what, problems)  # type: ignore[arg-type]
            continue
        if kind in _LEAVES:
            if kind is int:
                _check_int(node, path, problems)  # type: ignore[arg-type]
            elif kind is float and not math.isfinite(node):  # type: ignore[arg-type]
                problems.append(
                    Problem(
                        "filing_not_json",
                        f"{show(node)} is not a JSON number",
                        Location(path=path),
                        "give a finite number",
                    )
                )
            continue
        if isinstance(node, bool | int | float):  # subclasses (IntEnum, ...): checked as such
            if isinstance(node, int) and not isinstance(node, bool):
                _check_int(node, path, problems)
            elif isinstance(node, float) and not math.isfinite(node):
                problems.append(
                    Problem(
                        "filing_not_json", f"{show(node)} is not a JSON number", Location(path=path)
                    )
                )
            continue
        if isinstance(node, Mapping | list | tuple):
            ident = id(node)
            if ident in on_path:
                container = "mapping" if isinstance(node, Mapping) else "list"
                problems.append(
                    Problem(
                        "filing_not_json",
                        f"a cycle: this {container} contains itself (a {what} is a tree)",
                        Location(path=path),
                    )
                )
                continue
            if depth >= MAX_DEPTH:
                problems.append(
                    Problem(
                        "too_deep",
                        f"the {what} nests deeper than {MAX_DEPTH}",
                        Location(path=path),
                    )
                )
                continue
            on_path.add(ident)
            stack.append((_EXIT, path, ident))
            if isinstance(node, Mapping):
                try:
                    items = list(node.items())
                except Exception as exc:  # a Mapping whose items() fails is not data
                    problems.append(
                        Problem(
                            "filing_not_json",
                            f"a {type(node).__name__} whose items cannot be read "
                            f"({type(exc).__name__})",
                            Location(path=path),
                        )
                    )
                    continue
                for key, item in reversed(items):
                    if not isinstance(key, str):
                        problems.append(
                            Problem(
                                "filing_not_json",
                                f"the key {show(key)} is a {type(key).__name__}, not a string",
                                Location(path=path),
                                "JSON object keys are strings",
                            )
                        )
                        continue
                    if _SURROGATE.search(key) or len(key) > MAX_TEXT:
                        _check_text(key, (*path, escape_terminal(key[:40])), what, problems)
                        continue
                    stack.append((item, (*path, key), depth + 1))
            else:
                for i in range(len(node) - 1, -1, -1):
                    stack.append((node[i], (*path, i), depth + 1))
            continue
        problems.append(
            Problem(
                "filing_not_json",
                f"a {type(node).__name__} is not a JSON value",
                Location(path=path),
                "give strings, numbers, booleans, null, lists and mappings only"
                + (" (a set as a list)" if isinstance(node, set | frozenset) else ""),
            )
        )
    if problems:
        raise FilingError(problems)


def _check_text(text: str, path: tuple[str | int, ...], what: str, problems: list[Problem]) -> None:
    if len(text) > MAX_TEXT:
        problems.append(
            Problem(
                "filing_too_long",
                f"a string of {len(text)} characters; a {what} holds at most {MAX_TEXT}",
                Location(path=path),
            )
        )
        return
    m = _SURROGATE.search(text)
    if m is not None:
        problems.append(
            Problem(
                "not_utf8",
                f"a lone surrogate {show(m.group())} at character {m.start()} cannot be written "
                "as UTF-8",
                Location(path=path),
                "the text was probably decoded wrongly (surrogateescape); give valid Unicode",
            )
        )


def _check_int(n: int, path: tuple[str | int, ...], problems: list[Problem]) -> None:
    if n.bit_length() > MAX_INT_BITS and n != -(2**MAX_INT_BITS):
        problems.append(
            Problem(
                "filing_invalid_value",
                f"the integer {show(n)} is out of range; at most 64 bits (19 digits)",
                Location(path=path),
            )
        )


def _plain(value: object) -> bool:
    """Whether ``value`` is surely fine: plain dicts, lists and leaves only, within every limit.

    ``False`` is only a reason to look closer (a cycle shows up here as nesting too deep):
    :func:`check_json_value` then walks again, with paths, and reports what is wrong. Runs on
    every filing read, so leaves are checked in their container's loop, by exact type.
    """
    if type(value) is not dict:
        return False
    todo: list[tuple[Any, int]] = [(value, 0)]
    pop, push = todo.pop, todo.append
    search = _SURROGATE.search
    nodes = 0
    while todo:
        node, depth = pop()
        if depth >= MAX_DEPTH:
            return False
        if type(node) is dict:
            for k in node:
                if type(k) is not str or not (k.isascii() or search(k) is None):
                    return False
            items = node.values()
        else:
            items = node
        nodes += len(items)
        if nodes > MAX_NODES:
            return False
        for v in items:
            kind = type(v)
            if kind is str:
                if not (v.isascii() or search(v) is None) or len(v) > MAX_TEXT:
                    return False
            elif kind is dict or kind is list:
                push((v, depth + 1))
            elif kind is int:
                if v.bit_length() > MAX_INT_BITS:
                    return False
            elif kind is float:
                if not math.isfinite(v):
                    return False
            elif kind not in _SIMPLE:
                return False
    return True


def expect_type(
    value: object, types: type | tuple[type, ...], *, func: str, name: str, give: str
) -> None:
    """Raise :class:`TypeError` saying what to pass unless ``value`` is one of ``types``.

    ``bool`` never passes for ``int`` and ``datetime`` never for ``date``: both are subclasses
    that would be silently misread.

    >>> expect_type(3, str, func="render_text", name="lang", give='"zh" or "en"')
    Traceback (most recent call last):
    ...
    TypeError: render_text(lang=...): pass "zh" or "en", not int
    """
    wanted = types if isinstance(types, tuple) else (types,)
    ok = isinstance(value, wanted)
    if ok and isinstance(value, bool) and bool not in wanted:
        ok = False
    if ok and isinstance(value, dt.datetime) and dt.datetime not in wanted:
        ok = False
    if not ok:
        raise TypeError(f"{func}({name}=...): pass {give}, not {type(value).__name__}")
