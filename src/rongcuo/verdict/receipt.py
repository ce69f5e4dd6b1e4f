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
from collections.abc import Callable
from typing import TYPE_CHECKING, Final, cast

from ..errors import Location, Problem, RongcuoError

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

UNKEYED: Final = "sha256"
KEYED: Final = "hmac-sha256"
MIN_KEY_BYTES: Final = 16
"""The shortest key accepted for a keyed receipt."""


def canonical_filing(filing: Filing) -> str:
    """The filing as canonical JSON: known facts only, keys sorted, sets sorted."""
    data = filing.model_dump(mode="json", exclude_none=True)
    return json.dumps(_sorted_sets(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


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
