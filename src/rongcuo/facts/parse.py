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

import re
import typing
from collections.abc import Mapping, Sequence
from typing import Any, Final

import jiter
import pydantic

from .. import _yaml
from ..errors import FilingError, Location, Problem, show, suggest
from .fields import RecordsOf
from .limits import MAX_FILING_BYTES, MAX_LIST_ITEMS
from .v2 import Filing

__all__ = ["V1_KEYS", "parse_filing_v2"]

Path = tuple[str | int, ...]

#: Keys of filing model v1 that v2 does not have, each with what replaced it.
V1_KEYS: Final[Mapping[str, str]] = {
    "subject.has_enforcement_power": (
        "subject.enforcement_power (enforcement power over this problem, not in general)"
    ),
    "conduct.misconduct": (
        "each act's kind (acts[].kind, e.g. falsification, taking_and_demanding), and "
        "acts[].defied_known_ban, acts[].under_reform_banner"
    ),
    "conduct.passive_acceptance": "acts[].passive, on the act of acceptance",
    "matter.irregularities": "the kinds of the acts (acts[].kind, e.g. funds_use, planning)",
    "matter.error_kinds": "the kinds of the acts (acts[].kind), compared within their family",
    "matter.conduct_started_on": "each act's date, exact or partial (acts[].when)",
    "matter.conduct_ended_on": "each act's date, exact or partial (acts[].when)",
    "motive.private_gain_for": "each act's beneficiaries (acts[].private_gain_for)",
    "consequences.harmed_interests": "each act's harm (acts[].harmed)",
    "violation": (
        "each act's breach: acts[].breached (which rules) and acts[].explicit_prohibition"
    ),
    "violation.norms": "each act's breach (acts[].breached)",
    "violation.explicitly_prohibited": "each act's acts[].explicit_prohibition",
    "history.exempted_error_kinds": (
        "history.exemptions, a list of records {date, kind, matter} ([] for never exempted)"
    ),
}

_CODES: Final = {
    "extra_forbidden": "filing_unknown_field",
    "na_not_allowed": "filing_na_not_allowed",
    "set_conflict": "filing_set_conflict",
    "invalid_date": "filing_invalid_date",
    "duplicate_value": "filing_duplicate_value",
    "too_long": "filing_too_long",
    "string_too_long": "filing_too_long",
    "invalid_value": "filing_invalid_value",
    "literal_error": "filing_invalid_value",
    "string_too_short": "filing_invalid_value",
    "missing": "filing_invalid_value",
    "wrong_type": "filing_wrong_type",
    "model_type": "filing_wrong_type",
    "model_attributes_type": "filing_wrong_type",
    "dict_type": "filing_wrong_type",
}

_POSITION: Final = re.compile(r"at line (\d+) column (\d+)")
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _code(err_type: str) -> str:
    if err_type in _CODES:
        return _CODES[err_type]
    if err_type.endswith(("_type", "_parsing")):
        return "filing_wrong_type"
    return "filing_invalid_value"


# --------------------------------------------------------------------------- v1 documents


def _v1_problems(value: Mapping[str, Any], name: str, doc: _yaml.Document | None) -> list[Problem]:
    """A ``filing_v1`` problem for every v1-only key in the document."""
    problems: list[Problem] = []
    for key, replaced in V1_KEYS.items():
        group, _, fact = key.partition(".")
        node = value.get(group)
        found = (isinstance(node, Mapping) and fact in node) if fact else group in value
        if not found or (fact and group == "violation"):
            continue  # violation.* are named once, with the group
        path: Path = (group, fact) if fact else (group,)
        problems.append(
            Problem(
                "filing_v1",
                f"{key!r} is a key of filing model v1; v2 has {replaced}",
                _at(doc, name, path, key=True),
                "rewrite the filing in the v2 shape (docs/design-v2.md §2); a v1 filing is "
                "never read as v2",
            )
        )
    return problems


# --------------------------------------------------------------------------- lists


def _list_problems(value: object, name: str, doc: _yaml.Document | None) -> list[Problem]:
    """``filing_too_long`` for an over-long list; ``filing_duplicate_value`` at every string a
    list repeats (a list of strings in a filing is a set, or a partial set's yes or no)."""
    problems: list[Problem] = []
    todo: list[tuple[Path, object]] = [((), value)]
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
                        _at(doc, name, path),
                    )
                )
                continue
            first: dict[str, int] = {}
            for i, item in enumerate(node):
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
                        f"{item!r} is listed again; it first appears at {where}",
                        _at(doc, name, (*path, i)),
                        "a set lists each value once: remove this one, or give the value "
                        "that was meant",
                    )
                )
            todo.extend(((*path, i), v) for i, v in enumerate(node) if type(v) not in _SCALARS)
    return problems


# --------------------------------------------------------------------------- validation


def _doc_path(value: object, loc: Sequence[str | int]) -> Path:
    """The path of a model error as the document wrote it: the components the document has,
    without those the model adds (``items`` of a records group given as a list, and so on)."""
    out: list[str | int] = []
    node: object = value
    for part in loc:
        in_mapping = isinstance(node, Mapping) and isinstance(part, str) and part in node
        in_list = isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]  # type: ignore[index]
            out.append(part)
    return tuple(out)


def _model_at(
    loc: Sequence[str | int], top: type[pydantic.BaseModel] = Filing
) -> type[pydantic.BaseModel] | None:
    """The model that holds the last component of a model error's location."""
    model: type[pydantic.BaseModel] = top
    for part in loc[:-1]:
        if not isinstance(part, str):
            continue
        info = model.model_fields.get(part)
        if info is None:
            continue  # a key the records forms add (items, complete)
        inner = _inner_model(info)
        if inner is None:
            return None
        model = inner
    return model


def _inner_model(info: Any) -> type[pydantic.BaseModel] | None:
    for meta in info.metadata:
        if isinstance(meta, RecordsOf):
            return meta.model
    for arg in (info.annotation, *typing.get_args(info.annotation)):
        if isinstance(arg, type) and issubclass(arg, pydantic.BaseModel):
            return arg
    return None


def _problems(
    exc: pydantic.ValidationError,
    value: object,
    name: str,
    doc: _yaml.Document | None,
    top: type[pydantic.BaseModel] = Filing,
) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
        code = _code(err["type"])
        msg = err["msg"]
        hint = ""
        path = _doc_path(value, loc)
        if err["type"] == "missing" and loc:
            path = (*path, loc[-1])  # the field that is missing, under what holds it
        if code == "filing_unknown_field" and loc:
            field = str(loc[-1])
            msg = f"the filing model has no field {field!r}"
            model = _model_at(loc, top)
            if model is not None:
                hint = suggest(field, list(model.model_fields))
        given = err.get("input")
        if code != "filing_unknown_field" and isinstance(given, str | int | float | bool):
            shown = show(given, limit=80)  # never repr: an int of over 4,300 digits has none
            if shown not in msg:
                msg += f" (got {shown})"
        key = code == "filing_unknown_field"
        problems.append(Problem(code, msg, _at(doc, name, path, key=key), hint))
    return problems


def _at(doc: _yaml.Document | None, name: str, path: Path, *, key: bool = False) -> Location:
    if doc is None or not path:
        return Location(name, path=path)
    found = doc.loc(path, key=key)
    return Location(name, found.line, found.col, path)


def _validate(
    value: object,
    name: str,
    doc: _yaml.Document | None = None,
    model: type[Filing] = Filing,
) -> Filing:
    if not isinstance(value, Mapping):
        kind = "nothing" if value is None else type(value).__name__
        raise FilingError(
            [Problem("filing_not_object", f"a filing is an object, got {kind}", Location(name))]
        )
    v1 = _v1_problems(value, name, doc)
    if v1:
        raise FilingError(v1)
    found = _list_problems(value, name, doc)
    if any(p.code == "filing_too_long" for p in found):
        raise FilingError(found)  # an over-long list stops here: the model never reads it
    try:
        filing = model.model_validate(dict(value))
    except pydantic.ValidationError as exc:
        more = _problems(exc, value, name, doc, model)
        if found:  # a repeat is reported once, at the item, not again at its list
            more = [p for p in more if p.code != "filing_duplicate_value"]
        raise FilingError([*found, *more]) from None
    if found:
        raise FilingError(found)
    return filing


# --------------------------------------------------------------------------- text


def _json(data: bytes, name: str) -> object:
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
        else:
            code = "json_syntax"
        raise FilingError([Problem(code, text, Location(name, line, col))]) from None


def parse_filing_v2(
    source: str | bytes | Mapping[str, Any],
    *,
    name: str = "<filing>",
    max_bytes: int = MAX_FILING_BYTES,
    model: type[Filing] = Filing,
) -> Filing:
    """Read one v2 filing from JSON or YAML text (JSON when it starts with ``{``), or from a
    mapping in the document's shape. Raises :class:`~rongcuo.errors.FilingError` with every
    problem found, each coded and located in ``name``. ``model`` is the filing model to read
    with: the bundled declaration's by default, or one built from another declaration
    (:func:`rongcuo.facts.models.model_for`).
    """
    if isinstance(source, Mapping):
        # TODO(guard): once rongcuo/_guard.py exists, bound a Python value with its
        # check_json_value (depth, size, types) before reading it; today the model's own types
        # and the list limits above bound it.
        return _validate(source, name, model=model)
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if not isinstance(raw, bytes):
        raise FilingError(
            [Problem("filing_not_object", f"cannot read a filing from {type(source).__name__}")]
        )
    if len(raw) > max_bytes:
        raise FilingError(
            [
                Problem(
                    "too_large",
                    f"{len(raw)} bytes; a filing may hold at most {max_bytes}",
                    Location(name),
                )
            ]
        )
    body = raw.removeprefix(b"\xef\xbb\xbf")
    if body.lstrip(b" \t\r\n").startswith(b"{"):
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = body[: exc.start].decode("utf-8", "replace")
            line = before.count("\n") + 1
            col = len(before) - (before.rfind("\n") + 1) + 1
            raise FilingError(
                [
                    Problem(
                        "not_utf8",
                        f"invalid UTF-8 byte at offset {exc.start}",
                        Location(name, line, col),
                    )
                ]
            ) from None
        return _validate(_json(body, name), name, model=model)
    doc = _yaml.load_yaml(raw, filename=name, error=FilingError)
    return _validate(doc.value, name, doc, model)
