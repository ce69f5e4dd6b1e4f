"""Verifying a stored verdict against its filing and ruleset.

``verify`` trusts the filing and the rules it is given: it shows that the stored verdict is
intact and is what these rules decide for this filing, not where the filing or the rules came
from. An unkeyed receipt (``sha256:…``) is a checksum anyone can recompute, not a signature; a
keyed one (``hmac-sha256:…``, :mod:`rongcuo.verdict.receipt`) verifies only with its key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic

from .. import reader
from .._guard import expect_type
from ..errors import Location, Problem, VerdictError
from ..facts.v2 import Filing
from ..rules.ruleset import Ruleset
from .receipt import KEYED, UNKEYED, check_key, receipt_for, receipt_kind
from .verdict import Verdict

__all__ = ["verify"]


def verify(
    verdict: Verdict | Mapping[str, Any] | str | bytes,
    filing: Filing | Mapping[str, Any],
    *,
    rules: Ruleset | None = None,
    key: bytes | None = None,
    filename: str = "",
) -> Verdict:
    """Check that a stored verdict is intact and is what ``rules`` decide for ``filing``.

    ``verdict`` is a :class:`Verdict`, its JSON (text or bytes: read with duplicate keys refused,
    ``json_duplicate_key``) or a mapping; ``filename`` names it in error locations. ``key`` is
    the secret a keyed receipt was made with (``evaluate(..., key=...)``): a keyed receipt never
    verifies without it, an unkeyed one never with it (``verdict_receipt_kind``).

    Returns the verified verdict; raises :class:`~rongcuo.errors.VerdictError` when the verdict is
    malformed, its receipt does not match its contents, it was made under another ruleset, or
    re-evaluating the filing gives a different verdict. ``verify`` trusts ``filing`` and
    ``rules``: it says nothing of where they came from.
    """
    from ..engine.decide import _parse, evaluate
    from ..rules.load import bundled_ruleset

    if rules is not None:
        expect_type(rules, Ruleset, func="verify", name="rules", give="a Ruleset or None")
    expect_type(filename, str, func="verify", name="filename", give="a str")
    key = check_key(key)
    rules = rules if rules is not None else bundled_ruleset()
    if isinstance(verdict, str):
        verdict = verdict.encode("utf-8", "surrogatepass")
    try:
        if isinstance(verdict, bytes):
            data = reader.parse_json(verdict, filename=filename, error=VerdictError)
            if not isinstance(data, dict):
                raise VerdictError(
                    [
                        Problem(
                            "verdict_malformed",
                            "a stored verdict is a JSON object",
                            Location(filename),
                        )
                    ]
                )
            stored = Verdict.model_validate(data)
        elif isinstance(verdict, Verdict):
            stored = verdict
        elif isinstance(verdict, Mapping):
            stored = Verdict.model_validate(dict(verdict))
        else:
            raise TypeError(
                "verify(verdict=...): pass a Verdict, its JSON (str or bytes) or a mapping, "
                f"not {type(verdict).__name__}"
            )
    except pydantic.ValidationError as exc:
        raise VerdictError(
            [
                Problem(
                    "verdict_malformed",
                    e["msg"],
                    Location(filename, path=tuple(p for p in e["loc"] if isinstance(p, str | int))),
                )
                for e in exc.errors(include_url=False)
            ]
        ) from None
    parsed = _parse(filing, rules)
    kind = receipt_kind(stored.receipt)
    where = Location(filename, path=("receipt",))
    if not kind:
        raise VerdictError(
            [
                Problem(
                    "verdict_malformed",
                    f"a receipt is {UNKEYED}:<hex> or {KEYED}:<hex>",
                    where,
                )
            ]
        )
    if (kind == KEYED) != (key is not None):
        message = (
            "the receipt is keyed (hmac-sha256): it verifies only with its key"
            if kind == KEYED
            else "the receipt is unkeyed (sha256), but a key was given: a verdict made without "
            "a key is never accepted as keyed"
        )
        raise VerdictError([Problem("verdict_receipt_kind", message, where)])
    if stored.receipt != receipt_for(stored, parsed, key=key):
        raise VerdictError(
            [
                Problem(
                    "verdict_receipt_mismatch",
                    "the receipt does not match this verdict and filing: the verdict was altered, "
                    "or belongs to another filing"
                    + (", or the key is not the one it was made with" if key is not None else ""),
                    where,
                )
            ]
        )
    if stored.ruleset.digest != rules.digest:
        raise VerdictError(
            [
                Problem(
                    "verdict_ruleset_mismatch",
                    f"made under ruleset sha256:{stored.ruleset.digest[:16]} "
                    f"({stored.ruleset.label}), not sha256:{rules.digest[:16]} ({rules.label})",
                    Location(filename, path=("ruleset", "digest")),
                )
            ]
        )
    fresh = evaluate(
        parsed,
        rules=rules,
        as_of=stored.as_of,
        trace=bool(stored.trace),
        key=key,
        missing="z3" if stored.missing_method == "z3" else "walk",
    )
    if fresh.receipt != stored.receipt:
        raise VerdictError(
            [
                Problem(
                    "verdict_mismatch",
                    f"re-evaluation gives {fresh.status.value}, the stored verdict says "
                    f"{stored.status.value}",
                    Location(filename, path=("status",)),
                )
            ]
        )
    return stored
