"""Reading a v2 filing: JSON or YAML text, or a mapping, into :class:`rongcuo.facts.v2.Filing`.

Every problem is coded and located as for v1 filings (:mod:`rongcuo.facts.filings`): syntax
errors carry ``file:line:col``; validation errors the JSON path of the value as the document
wrote it (``acts[1].kind``, not the model's ``acts.items.items[1].kind``) and, for YAML, its
line and column. Problems particular to v2:

* ``filing_v1``: the document uses keys of filing model v1 (``conduct.misconduct``,
  ``violation`` …). Each is named with what replaced it; a v1 filing is never read as v2.
* ``filing_set_conflict``: a set lists a value both yes and no (or rules out every value
  within a coarse yes);
* ``filing_na_not_allowed``: ``"n/a"`` for a fact declared without ``na:``;
* ``filing_invalid_date``: a partial date that is malformed, does not exist, or runs backwards.

A value a set lists twice is ``filing_duplicate_value`` at the repeat; a list longer than
:data:`~rongcuo.facts.limits.MAX_LIST_ITEMS` is ``filing_too_long``. An invalid filing never
yields a partial one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from .. import reader
from .._guard import check_json_value
from ..errors import FilingError, Problem
from .coded import V1_KEYS, _at, validate_document
from .limits import MAX_FILING_BYTES, too_large
from .v2 import Filing

if TYPE_CHECKING:  # the YAML reader is imported when a filing is YAML
    from .. import _yaml

__all__ = ["V1_KEYS", "parse_filing_v2"]

Path = tuple[str | int, ...]

# --------------------------------------------------------------------------- text


def _json(data: bytes, name: str) -> object:
    """The one JSON path (:func:`rongcuo.reader.parse_json`): duplicate keys, deep nesting, huge
    numbers and NaN refused, coded and located, as for every other JSON input."""
    return reader.parse_json(data, filename=name, error=FilingError)


def parse_filing_v2(
    source: str | bytes | Mapping[str, Any],
    *,
    name: str = "<filing>",
    max_bytes: int = MAX_FILING_BYTES,
    model: type[Filing] = Filing,
    format: Literal["json", "yaml", "auto"] = "auto",
) -> Filing:
    """Read one v2 filing from JSON or YAML text (``format="auto"``: JSON when it starts with
    ``{``), or from a mapping in the document's shape. Raises
    :class:`~rongcuo.errors.FilingError` with every problem found, each coded and located in
    ``name``. ``model`` is the filing model to read
    with: the bundled declaration's by default, or one built from another declaration
    (:func:`rongcuo.facts.models.model_for`).
    """
    if not isinstance(source, bytes | str) and isinstance(source, Mapping):  # text: no ABC check
        # no cycle, no non-JSON value, no huge int or lone surrogate reaches the model (or the
        # repr() in its error messages): rongcuo._guard.check_json_value, located in ``name``
        _guarded(source, name)
        return validate_document(source, name, model=model)
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if not isinstance(raw, bytes):
        raise FilingError(
            [
                Problem(
                    "filing_not_object",
                    f"cannot read a filing from {type(source).__name__}",
                    message_zh=f"无法从 {type(source).__name__} 读取备案",
                )
            ]
        )
    if len(raw) > max_bytes:
        raise FilingError([too_large(len(raw), max_bytes, name)])
    body = raw.removeprefix(b"\xef\xbb\xbf")
    if format == "auto":
        format = "json" if body.lstrip(b" \t\r\n").startswith(b"{") else "yaml"
    if format == "json":
        # the JSON is parsed by jiter (rongcuo.reader.parse_json, which also finds a byte that
        # is not UTF-8, at its line and column), not by pydantic's validate_json: the model's
        # validators are Python functions, which see Python values either way (measured: no
        # faster), and jiter refuses a repeated key, where pydantic's parser keeps the last
        return validate_document(_json(body, name), name, model=model)
    from .. import _yaml

    doc = _yaml.load_yaml(raw, filename=name, error=FilingError)
    _guarded(doc.value, name, doc)  # YAML can hold what JSON cannot (.nan, .inf, sets, bytes)
    return validate_document(doc.value, name, doc, model=model)


def _guarded(value: object, name: str, doc: _yaml.Document | None = None) -> None:
    """:func:`rongcuo._guard.check_json_value` (no cycle, no value JSON cannot hold, bounded
    depth and size), its problems placed in ``name`` (and, for YAML, at their line)."""
    try:
        check_json_value(value)
    except FilingError as exc:
        raise FilingError(
            [dataclasses.replace(p, location=_at(doc, name, p.location.path)) for p in exc.problems]
        ) from None
