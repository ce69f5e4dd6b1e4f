"""Reading filings: JSON or YAML text, or a mapping, into a :class:`~rongcuo.facts.model.Filing`.

Every problem becomes a coded :class:`~rongcuo.errors.Problem`: syntax errors carry
``file:line:col``; validation errors carry the JSON path of the offending value. JSON is parsed
with duplicate keys rejected and NaN/Infinity refused; YAML with :mod:`rongcuo._yaml`'s safe loader.
A set fact that lists a value twice is refused too, never quietly collapsed into a set.
An invalid filing never yields a partial one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import jiter
import pydantic

from .. import _yaml
from ..errors import FilingError, Location, Problem, suggest
from .model import FACTS, FactKind, Filing

__all__ = [
    "MAX_FILING_BYTES",
    "MAX_LIST_ITEMS",
    "load_filing",
    "parse_filing",
    "problems_from_validation",
]

MAX_FILING_BYTES: Final = 1024 * 1024
"""The largest filing document accepted, in bytes."""

MAX_LIST_ITEMS: Final = 256
"""The longest list accepted anywhere in a filing (a set fact has a few dozen values at most)."""

Format = Literal["json", "yaml", "auto"]
_POSITION = re.compile(r"at line (\d+) column (\d+)")

_CODES: Final = {
    "extra_forbidden": "filing_unknown_field",
    "too_long": "filing_too_long",
    "string_too_long": "filing_too_long",
    "enum": "filing_invalid_value",
    "literal_error": "filing_invalid_value",
    "string_too_short": "filing_invalid_value",
    "too_short": "filing_invalid_value",
    "missing": "filing_invalid_value",
    "model_type": "filing_wrong_type",
    "model_attributes_type": "filing_wrong_type",
    "dict_type": "filing_wrong_type",
    "date_order": "filing_dates_out_of_order",
}


def _code(err_type: str, msg: str) -> str:
    if err_type in _CODES:
        return _CODES[err_type]
    if err_type == "value_error" and "date" in msg:
        return "filing_invalid_date"
    if err_type.endswith(("_type", "_parsing")):
        return "filing_wrong_type"
    return "filing_invalid_value"


def _allowed_fields(loc: tuple[str | int, ...]) -> list[str]:
    from .model import field_info

    parent = ".".join(str(p) for p in loc[:-1])
    if not parent:
        return list(Filing.model_fields)
    info = field_info(parent)
    if info is None:
        return []
    from .model import _model_of

    try:
        return list(_model_of(info.annotation).model_fields)
    except TypeError:
        return []


def problems_from_validation(exc: pydantic.ValidationError, *, filename: str = "") -> list[Problem]:
    """pydantic's errors as coded problems with JSON paths."""
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        code = _code(err["type"], err["msg"])
        msg = err["msg"]
        hint = ""
        if code == "filing_unknown_field" and loc:
            name = str(loc[-1])
            msg = f"the filing model has no field {name!r}"
            hint = suggest(name, _allowed_fields(loc))
        elif code == "filing_dates_out_of_order":
            ctx = err.get("ctx", {})
            loc = (*loc, *str(ctx["earlier"]).split("."))  # at the earlier date of the pair
            hint = "correct one of the two dates, or leave out the one that is not certain"
        elif code == "filing_invalid_value" and "expected" in err.get("ctx", {}):
            msg = f"{msg}"
        given = err.get("input")
        if code != "filing_unknown_field" and isinstance(given, str | int | float | bool):
            shown = repr(given)
            msg += f" (got {shown[:80]}{'…' if len(shown) > 80 else ''})"
        problems.append(Problem(code, msg, Location(file=filename, path=loc), hint))
    return problems


def _validate(value: object, filename: str, doc: _yaml.Document | None = None) -> Filing:
    if not isinstance(value, Mapping):
        kind = "nothing" if value is None else type(value).__name__
        raise FilingError(
            [Problem("filing_not_object", f"a filing is an object, got {kind}", Location(filename))]
        )
    found = _list_problems(value, filename, doc)
    if any(p.code == "filing_too_long" for p in found):
        raise FilingError(found)  # an over-long list stops here: the model never reads it
    try:
        filing = Filing.model_validate(dict(value))
    except pydantic.ValidationError as exc:
        raise FilingError([*found, *problems_from_validation(exc, filename=filename)]) from None
    if found:
        raise FilingError(found)
    return filing


def _list_problems(
    value: Mapping[Any, Any], filename: str, doc: _yaml.Document | None = None
) -> list[Problem]:
    """A problem for every list longer than :data:`MAX_LIST_ITEMS`, and for every value that a
    set fact lists again (walked without recursion, on the document before the model reads it).

    The model holds a set fact as a ``frozenset``, which would silently collapse a repeat (and,
    without the length limit, accept a list of any length). The items of an over-long list are
    not looked at. ``doc``, the YAML document ``value`` was read from, gives the line where a
    repeated value first appears.
    """
    problems: list[Problem] = []
    if not _any_list_to_check(value):  # the common case, fast: no paths built
        return problems
    todo: list[tuple[tuple[str | int, ...], object]] = [((), value)]
    while todo:
        path, node = todo.pop()
        if isinstance(node, Mapping):
            todo.extend(((*path, str(k)), v) for k, v in node.items() if type(v) not in _SCALARS)
        elif isinstance(node, list | tuple):
            if len(node) > MAX_LIST_ITEMS:
                problems.append(
                    Problem(
                        "filing_too_long",
                        f"a list of {len(node)} items; at most {MAX_LIST_ITEMS} are allowed",
                        Location(filename, path=path),
                    )
                )
                continue
            if ".".join(map(str, path)) in _SET_FACTS:
                problems.extend(_repeats(node, path, filename, doc))
            todo.extend(((*path, i), v) for i, v in enumerate(node) if type(v) not in _SCALARS)
    return problems


def _repeats(
    items: list[Any] | tuple[Any, ...],
    path: tuple[str | int, ...],
    filename: str,
    doc: _yaml.Document | None,
) -> list[Problem]:
    """A problem at every item of a set fact's list that repeats an earlier one.

    Only strings are compared: any other item is not a value of the set, and the model says so.
    """
    problems = []
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if not isinstance(item, str):
            continue
        earlier = first.setdefault(item, i)
        if earlier == i:
            continue
        where = Location(path=(*path, earlier)).json_path()
        pos = doc.positions.get((*path, earlier)) if doc is not None else None
        if pos is not None:
            where += f" on line {pos[0]}"
        problems.append(
            Problem(
                "filing_duplicate_value",
                f"{str(item)!r} is listed again; it first appears at {where}",
                Location(filename, path=(*path, i)),
                "a set fact lists each value once: remove this one, or give the value "
                "that was meant",
            )
        )
    return problems


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})
_SET_FACTS: Final = frozenset(p for p, spec in FACTS.items() if spec.kind is FactKind.ENUM_SET)


def _any_list_to_check(value: object) -> bool:
    """Whether any list in ``value`` is longer than :data:`MAX_LIST_ITEMS` or repeats an item.

    Runs on every filing screened, so it is kept cheap: scalars are skipped by their exact type,
    a plain ``dict`` is recognised before the slower ``Mapping`` check, and a list is compared
    with the set of its items. ``True`` is only a reason to look closer: :func:`_list_problems`
    walks the document again and reports only what is wrong (a list of unhashable items, which
    no valid filing has, is always looked at; a repeat outside a set fact is no problem).
    """
    todo = [value]
    pop, push = todo.pop, todo.append
    while todo:
        node = pop()
        if type(node) is dict or isinstance(node, Mapping):
            for v in node.values():
                if type(v) not in _SCALARS:
                    push(v)
        elif isinstance(node, list | tuple):
            n = len(node)
            if n > 1:
                if n > MAX_LIST_ITEMS:
                    return True
                try:
                    if len(set(node)) != n:
                        return True
                except TypeError:
                    return True
            for v in node:
                if type(v) not in _SCALARS:
                    push(v)
    return False


def _json(data: bytes, filename: str) -> object:
    try:
        return jiter.from_json(data, allow_inf_nan=False, catch_duplicate_keys=True)
    except ValueError as exc:
        text = str(exc)
        m = _POSITION.search(text)
        line, col = (int(m.group(1)), max(int(m.group(2)), 1)) if m else (0, 0)
        if "recursion limit" in text:
            code = "too_deep"
        elif "duplicate key" in text:
            code = "json_duplicate_key"
        elif "utf-8" in text.lower() or "unicode" in text.lower():
            code = "not_utf8"
        else:
            code = "json_syntax"
        raise FilingError([Problem(code, text, Location(filename, line, col))]) from None


def parse_filing(
    data: bytes | str | Mapping[str, Any],
    *,
    filename: str = "",
    format: Format = "auto",
    max_bytes: int = MAX_FILING_BYTES,
) -> Filing:
    """Read one filing from JSON or YAML text (or a mapping in its JSON shape).

    ``format="auto"`` reads JSON when the text starts with ``{`` and YAML otherwise.
    Raises :class:`~rongcuo.errors.FilingError` with every problem found.
    """
    if isinstance(data, Mapping):
        return _validate(data, filename)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(raw, bytes):
        raise FilingError(
            [Problem("filing_not_object", f"cannot read a filing from {type(data).__name__}")]
        )
    if len(raw) > max_bytes:
        raise FilingError(
            [
                Problem(
                    "too_large",
                    f"{len(raw)} bytes; a filing may hold at most {max_bytes}",
                    Location(filename),
                )
            ]
        )
    if format == "auto":
        format = "json" if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "yaml"
    if format == "json":
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = raw[: exc.start].decode("utf-8", "replace")
            line = before.count("\n") + 1
            col = len(before) - (before.rfind("\n") + 1) + 1
            raise FilingError(
                [
                    Problem(
                        "not_utf8",
                        f"invalid UTF-8 byte at offset {exc.start}",
                        Location(filename, line, col),
                    )
                ]
            ) from None
        value = _json(raw.removeprefix(b"\xef\xbb\xbf"), filename)
        return _validate(value, filename)
    doc = _yaml.load_yaml(raw, filename=filename, error=FilingError)
    try:
        return _validate(doc.value, filename, doc)
    except FilingError as exc:
        # point validation errors at the YAML position of the offending value
        located = [
            Problem(
                p.code,
                p.message,
                _merge(doc, p.location, key=p.code == "filing_unknown_field"),
                p.hint,
            )
            for p in exc.problems
        ]
        raise FilingError(located) from None


def _merge(doc: _yaml.Document, loc: Location, *, key: bool) -> Location:
    """The YAML position of a validation error: the key of an unknown field, else the value."""
    if not loc.path:
        return loc
    found = doc.loc(loc.path, key=key)
    return Location(loc.file or found.file, found.line, found.col, loc.path)


def load_filing(path: str | os.PathLike[str], *, format: Format = "auto") -> Filing:
    """Read one filing from a file; ``.json`` is JSON, ``.yaml``/``.yml`` YAML."""
    p = Path(path)
    if format == "auto" and p.suffix.lower() in (".yaml", ".yml"):
        format = "yaml"
    elif format == "auto" and p.suffix.lower() == ".json":
        format = "json"
    try:
        size = p.stat().st_size
        if size > MAX_FILING_BYTES:
            raise FilingError(
                [
                    Problem(
                        "too_large",
                        f"{size} bytes; a filing may hold at most {MAX_FILING_BYTES}",
                        Location(str(p)),
                    )
                ]
            )
        raw = p.read_bytes()
    except OSError as exc:
        raise FilingError(
            [Problem("io_error", f"cannot read: {exc.strerror}", Location(str(p)))]
        ) from None
    return parse_filing(raw, filename=str(p), format=format)
