"""Reading filings: JSON or YAML text, or a mapping, into a :class:`~rongcuo.facts.model.Filing`.

Every problem becomes a coded :class:`~rongcuo.errors.Problem`: syntax errors carry
``file:line:col``; validation errors carry the JSON path of the offending value. JSON is parsed
with duplicate keys rejected and NaN/Infinity refused; YAML with :mod:`rongcuo._yaml`'s safe loader.
A set fact that lists a value twice is refused too, never quietly collapsed into a set.
An invalid filing never yields a partial one. These checks and codes belong to the model itself
(:class:`~rongcuo.facts.model.Filing` validates with them however it is called); this module adds
the reading of text and the positions of the errors in it.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import reader
from .._guard import check_json_value
from ..errors import CODES, FilingError, Location, Problem
from .limits import MAX_FILING_BYTES, MAX_LIST_ITEMS, not_object, too_large

if TYPE_CHECKING:  # pydantic, the model and the YAML reader: imported when first needed
    import pydantic

    from .. import _yaml
    from .v2 import Filing

__all__ = [
    "MAX_FILING_BYTES",
    "MAX_LIST_ITEMS",
    "load_filing",
    "parse_filing",
    "problems_from_validation",
]


Format = Literal["json", "yaml", "auto"]


def problems_from_validation(exc: pydantic.ValidationError, *, filename: str = "") -> list[Problem]:
    """A filing's validation errors as coded problems with JSON paths.

    :class:`~rongcuo.facts.model.Filing` validates with rongcuo's codes as the error types and
    its hints in ``ctx["hint"]``: this only turns each into a :class:`Problem`.
    """
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        code = err["type"] if err["type"] in CODES else "filing_invalid_value"
        hint = str(err.get("ctx", {}).get("hint", ""))
        problems.append(Problem(code, err["msg"], Location(file=filename, path=loc), hint))
    return problems


def _validate(
    value: object, filename: str, doc: _yaml.Document | None = None, *, parsed_json: bool = False
) -> Filing:
    if not parsed_json:  # jiter's values need no guard: plain types, a tree, no lone surrogate
        _guarded(value, filename)
    if not isinstance(value, Mapping):
        raise FilingError([not_object(value, filename)])
    context = {"positions": doc.positions} if doc is not None else None
    import pydantic

    from .model import Filing as V1Filing  # v1: delete at the flip

    try:
        # the v1 model's filing, typed as the bundled model's: only a v1 ruleset asks for it
        return typing.cast("Filing", V1Filing.model_validate(dict(value), context=context))
    except pydantic.ValidationError as exc:
        raise FilingError(problems_from_validation(exc, filename=filename)) from None


def _guarded(value: object, filename: str) -> None:
    """:func:`rongcuo._guard.check_json_value`, its problems given the file name: no cycle, no
    non-JSON value, no huge int or lone surrogate reaches the model (or its error messages)."""
    try:
        check_json_value(value)
    except FilingError as exc:
        if not filename:
            raise
        raise FilingError(
            [
                dataclasses.replace(p, location=Location(filename, path=p.location.path))
                for p in exc.problems
            ]
        ) from None


def _json(data: bytes, filename: str) -> object:
    """The one JSON path (:func:`rongcuo.reader.parse_json`): duplicate keys, deep nesting and
    huge numbers refused, coded and located."""
    return reader.parse_json(data, filename=filename, error=FilingError)


def parse_filing(
    data: bytes | str | Mapping[str, Any],
    *,
    filename: str = "",
    format: Format = "auto",
    max_bytes: int = MAX_FILING_BYTES,
    rules: Any = None,
) -> Filing:
    """Read one filing from JSON or YAML text (or a mapping in its JSON shape).

    ``format="auto"`` reads JSON when the text starts with ``{`` and YAML otherwise.
    ``rules`` (a :class:`~rongcuo.rules.ruleset.Ruleset`) reads it with that ruleset's filing
    model (:attr:`~rongcuo.rules.ruleset.Ruleset.filing_model`); ``None``, the bundled rules'.
    Raises :class:`~rongcuo.errors.FilingError` with every problem found.
    """
    if rules is None:  # the bundled rules' model: the generated module of rules/facts.yaml
        from .parse import parse_filing_v2

        return parse_filing_v2(data, name=filename, max_bytes=max_bytes, format=format)
    model = _model_of(rules)
    if model.decl is not None:
        filing: Filing = model.parse(data, name=filename, max_bytes=max_bytes, format=format)
        return filing
    return parse_filing_v1(data, filename=filename, format=format, max_bytes=max_bytes)


def parse_filing_v1(
    data: bytes | str | Mapping[str, Any],
    *,
    filename: str = "",
    format: Format = "auto",
    max_bytes: int = MAX_FILING_BYTES,
) -> Filing:
    """A filing of the first filing model, for a ruleset without ``facts.yaml``.

    v1: delete with the v1 path."""
    if isinstance(data, Mapping):
        return _validate(data, filename)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(raw, bytes):
        raise FilingError(
            [
                Problem(
                    "filing_not_object",
                    f"cannot read a filing from {type(data).__name__}",
                    message_zh=f"无法从 {type(data).__name__} 读取备案",
                )
            ]
        )
    if len(raw) > max_bytes:
        raise FilingError([too_large(len(raw), max_bytes, filename)])
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
        return _validate(value, filename, parsed_json=True)
    from .. import _yaml

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


def _model_of(rules: object) -> Any:
    """The filing model (:class:`rongcuo.facts.models.FilingModel`) of ``rules``, a Ruleset
    (the facts stage imports neither the rules nor, from here, the models that read filings)."""
    model = getattr(rules, "filing_model", None)
    if model is None or not hasattr(model, "parse") or not hasattr(model, "decl"):
        raise TypeError(
            "rules=...: pass a Ruleset (rongcuo.load_ruleset(directory)) or None for the "
            f"bundled rules, not {type(rules).__name__}"
        )
    return model


def _merge(doc: _yaml.Document, loc: Location, *, key: bool) -> Location:
    """The YAML position of a validation error: the key of an unknown field, else the value."""
    if not loc.path:
        return loc
    found = doc.loc(loc.path, key=key)
    return Location(loc.file or found.file, found.line, found.col, loc.path)


def load_filing(
    path: str | os.PathLike[str], *, format: Format = "auto", rules: Any = None
) -> Filing:
    """Read one filing from a file; ``.json`` is JSON, ``.yaml``/``.yml`` YAML. ``rules``: read
    it with that ruleset's filing model, as :func:`parse_filing`."""
    p = Path(path)
    if format == "auto" and p.suffix.lower() in (".yaml", ".yml"):
        format = "yaml"
    elif format == "auto" and p.suffix.lower() == ".json":
        format = "json"
    # bounded, regular files only: /dev/zero or a FIFO is refused, never read (rongcuo.reader)
    raw = reader.read_file(p, limit=MAX_FILING_BYTES, error=FilingError, what="a filing")
    return parse_filing(raw, filename=reader.shown_path(p), format=format, rules=rules)
