"""Receipts: a digest binding a verdict to its ruleset, its filing and its outcome.

``receipt = sha256(ruleset digest, canonical filing JSON, canonical outcome)``, written
``sha256:<hex>``. A stored verdict whose status, decisive clauses, missing facts or trace were
altered, or that was made under other rules or for another filing, no longer matches its receipt
(see :func:`rongcuo.verify`).

**What a receipt is not.** An unkeyed receipt is a checksum anyone can recompute: it detects
accidental changes and naive edits, not a deliberate forgery by someone who also recomputes the
receipt. It is not a signature. And :func:`rongcuo.verify` trusts the filing and the rules it is
given: it shows that *this* verdict is what *these* rules decide for *this* filing, nothing about
where the filing or the rules came from.

**Keyed receipts.** With an operator's secret ``key`` (at least 16 bytes), the receipt is an
HMAC-SHA256 over the same bytes, written ``hmac-sha256:<hex>``: only a holder of the key can
make one that verifies. The two kinds are distinct: a keyed receipt never verifies without the
key, and an unkeyed one never verifies when a key is given (``verdict_receipt_kind``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, cast

import annotated_types
from pydantic import BaseModel

from ..errors import Location, Problem, RongcuoError
from ..facts.fields import BoolOf, DateOf, EnumOf, FactsModel, RecordsOf, SetOf
from ..facts.values import NA, PartialDate, PartialSet, Records

if TYPE_CHECKING:
    from ..facts.v2 import Filing
    from .verdict import Verdict

__all__ = [
    "KEYED",
    "MIN_KEY_BYTES",
    "UNKEYED",
    "canonical_filing",
    "check_key",
    "receipt_for",
    "receipt_kind",
]

_json_ascii: Final[Callable[[str], str]] = json.encoder.encode_basestring_ascii
_json_text: Final[Callable[[str], str]] = json.encoder.encode_basestring

UNKEYED: Final = "sha256"
KEYED: Final = "hmac-sha256"
MIN_KEY_BYTES: Final = 16
"""The shortest key accepted for a keyed receipt."""


def canonical_filing(filing: Filing) -> str:
    """The filing as canonical JSON: known facts only, keys sorted, sets sorted.

    That is ``json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))`` of
    the filing's ``model_dump(mode="json", exclude_none=True)``, every list of strings in it
    sorted (by their JSON) and every empty object left out where it stands. It is written here
    field by field from the filing's values, each group's fields in sorted order (records too,
    each by its model's fields; a generated records group as its records), without dumping the
    whole model first; a model this does not know how to write (a serializer of its own, a
    field of an unknown annotation or value type) is dumped and written as before.
    ``tests/test_receipt_canonical.py`` holds the two ways to the same text.
    """
    plan = _plan(type(filing))
    if plan is not None and plan is not _DUMPED:
        try:
            return _write(filing, plan) or "{}"
        except _Unplanned:  # a value of a type not written here
            pass
    return _dumps(_sorted_sets(filing.model_dump(mode="json", exclude_none=True)))


class _Unplanned(Exception):
    pass


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


#: a model's fields in sorted order, each with its key as JSON (``"name":``) and how to write
#: its value: ``None`` a fact (by its value's type), a plan (a model written field by field), or
#: ``_DUMPED`` (a model dumped, then written as before)
_Plan = tuple[tuple[str, str, "_Plan | None"], ...]
_DUMPED: Final[_Plan] = (("(dumped)", "", None),)  # a sentinel, told apart by identity
#: a generated records group (``acts``), which dumps as its records fact's form: by class, the
#: name of that fact (:func:`rongcuo.facts.fields.records_group_dump`)
_RECORDS_GROUPS: dict[type, str] = {}
_RECORDS: Final[_Plan] = (("(records)", "", None),)  # a sentinel: written as its records
_PLANS: dict[type, _Plan | None] = {}
#: the annotations a fact field may carry: the fact markers, whose dump is known by value type
#: (:mod:`rongcuo.facts.fields`), and constraints that do not change the dump
_PLAIN_METADATA: Final = (BoolOf, EnumOf, SetOf, DateOf, RecordsOf, annotated_types.BaseMetadata)


def _plan(cls: type) -> _Plan | None:
    """How to write a model's canonical JSON field by field, or ``None`` when it has to be
    dumped (its own serializers, computed fields, aliases, exclusions, unknown annotations)."""
    try:
        return _PLANS[cls]
    except KeyError:
        pass
    # made again by a thread that races this one: the same plan, kept once
    return _PLANS.setdefault(cls, _make_plan(cls))


def _make_plan(cls: type) -> _Plan | None:
    if not (isinstance(cls, type) and issubclass(cls, FactsModel)):
        return None
    decorators = cls.__pydantic_decorators__
    if (
        decorators.model_serializers
        or decorators.field_serializers
        or cls.__pydantic_computed_fields__
        or cls.model_config.get("serialize_by_alias")
    ):
        return None
    out: list[tuple[str, str, _Plan | None]] = []
    for name, info in cls.model_fields.items():
        if info.exclude or info.exclude_if is not None or info.serialization_alias is not None:
            return None
        models = [a for a in _alternatives(info.annotation) if _is_model(a)]
        inner: _Plan | None = None
        if models:
            if len(models) > 1 or info.metadata:
                return None
            inner = _plan(models[0])
            if inner is None:
                records = _records_group(models[0])
                if records:
                    _RECORDS_GROUPS[models[0]] = records
                    inner = _RECORDS
                else:
                    inner = _DUMPED  # a group of its own serializer: dumped
        elif not all(isinstance(m, _PLAIN_METADATA) for m in info.metadata):
            return None
        out.append((name, f"{_json_ascii(name)}:", inner))
    return tuple(sorted(out))


def _records_group(cls: type[BaseModel]) -> str:
    """The records fact of a generated records group (one records field, dumped in JSON as that
    field's form by ``records_group_dump``, nothing else of its own), or ``""``."""
    decorators = cls.__pydantic_decorators__
    serializers = list(decorators.model_serializers.values())
    fields = cls.model_fields
    if (
        len(serializers) != 1
        or len(fields) != 1
        or decorators.field_serializers
        or cls.__pydantic_computed_fields__
    ):
        return ""
    code = getattr(serializers[0].func, "__code__", None)
    (name,) = fields
    info = fields[name]
    if (
        code is None
        or "records_group_dump" not in code.co_names
        or name not in code.co_consts
        or not any(isinstance(m, RecordsOf) for m in info.metadata)
        or info.exclude
        or info.serialization_alias is not None
    ):
        return ""
    return name


def _alternatives(annotation: object) -> tuple[object, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _is_model(annotation: object) -> typing.TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _write(model: object, plan: _Plan) -> str | None:
    """A model's canonical JSON by its plan; ``None`` where it dumps as ``{}`` (no field known:
    left out where it stands). A field that dumps as ``{}`` is left out of it, as the old
    walk left out an empty object, but the model's own ``{}`` stays when it has such a field."""
    values = model.__dict__
    parts = []
    known = False
    for name, key, inner in plan:
        value = values[name]
        if value is None:
            continue
        known = True
        if inner is None:
            text: str | None = _fact(value)
        elif inner is _RECORDS:  # dumps as its records' form, or {} when they are unknown
            records = value.__dict__[_RECORDS_GROUPS[type(value)]]
            text = None if records is None else _fact(records)
        elif inner is _DUMPED:
            data = cast("BaseModel", value).model_dump(mode="json", exclude_none=True)
            text = _dumps(_sorted_sets(data)) if data != {} else None
        else:
            text = _write(value, inner)
        if text is not None:
            parts.append(key + text)
    return "{" + ",".join(parts) + "}" if known else None


def _fact(value: object) -> str:
    """A fact's value as the model dumps it, sets sorted, as canonical JSON."""
    if type(value) is str:  # the C encoder json.dumps calls
        return _json_text(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is NA:
        return '"n/a"'
    if isinstance(value, PartialDate):
        return _json_text(value.to_json())
    if isinstance(value, PartialSet):
        if value.complete and not value.no:
            return "[" + ",".join(map(_json_text, sorted(value.yes, key=_json_ascii))) + "]"
        return _dumps(_sorted_sets(value.to_json()))
    if isinstance(value, Records):
        texts = []
        for record in value.items:  # each as the model dumps it: by its plan, or dumped
            plan = _plan(type(record))
            if plan is None or plan is _DUMPED:
                return _dumps(_sorted_sets(value.to_json(_record_json)))
            texts.append(_write(record, plan) or "{}")  # a record of nothing known: {}
        listed = "[" + ",".join(texts) + "]"
        return listed if value.complete else '{"complete":false,"items":' + listed + "}"
    raise _Unplanned(type(value).__name__)


def _record_json(record: Any) -> Any:
    return record.model_dump(mode="json", exclude_none=True)


def _sorted_sets(value: object) -> object:
    if isinstance(value, dict):
        return {k: _sorted_sets(v) for k, v in value.items() if v != {}}
    if isinstance(value, list):
        items = [_sorted_sets(v) for v in value]
        # ``json.dumps`` of a str is exactly this C function (the sort key stays the same)
        if all(isinstance(i, str) for i in items):
            return sorted(cast("list[str]", items), key=_json_ascii)
        return items
    return value


def check_key(key: object, *, where: str = "") -> bytes | None:
    """``key`` as a receipt key: ``None``, or ``bytes`` of at least :data:`MIN_KEY_BYTES`.

    Raises :class:`TypeError` for anything but bytes, :class:`~rongcuo.errors.RongcuoError`
    (``receipt_key``) for a key too short to be a secret.
    """
    if key is None:
        return None
    if not isinstance(key, bytes | bytearray):
        raise TypeError(
            f"key must be bytes (e.g. Path('receipt.key').read_bytes()), got {type(key).__name__}"
        )
    if len(key) < MIN_KEY_BYTES:
        raise RongcuoError(
            [
                Problem(
                    "receipt_key",
                    f"a receipt key of {len(key)} bytes; at least {MIN_KEY_BYTES} are needed",
                    Location(where),
                    "make one with: head -c 32 /dev/urandom > receipt.key",
                )
            ]
        )
    return bytes(key)


def receipt_kind(receipt: str) -> str:
    """``"hmac-sha256"``, ``"sha256"``, or ``""`` for a receipt of neither form."""
    kind, sep, _ = receipt.partition(":")
    return kind if sep and kind in (UNKEYED, KEYED) else ""


def receipt_for(
    verdict: Verdict,
    filing: Filing,
    *,
    key: bytes | None = None,
    outcome: str | bytes | None = None,
) -> str:
    """The receipt of a verdict (its ``receipt`` field is ignored); keyed when ``key`` is given.

    ``outcome`` is the verdict's compact JSON without its receipt (text, or its UTF-8), when the
    caller has it already (the engine writes it from its trace template, byte for byte the same).
    """
    # pydantic's serializer writes fields in model order, and a verdict holds no free-form
    # mappings, so this JSON is canonical for the verdict
    if outcome is None:
        outcome = verdict.model_dump_json(exclude={"receipt"})
    h = hmac.new(key, digestmod=hashlib.sha256) if key is not None else hashlib.sha256()
    h.update(verdict.ruleset.digest.encode())
    h.update(b"\x00")
    h.update(canonical_filing(filing).encode("utf-8"))
    h.update(b"\x00")
    h.update(outcome if isinstance(outcome, bytes) else outcome.encode("utf-8"))
    return f"{KEYED if key is not None else UNKEYED}:{h.hexdigest()}"
