"""Verifying a stored verdict against its filing and ruleset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pydantic

from ..errors import Location, Problem, VerdictError
from ..facts.model import Filing
from ..rules.ruleset import Ruleset
from .receipt import receipt_for
from .verdict import Verdict

__all__ = ["verify"]


def verify(
    verdict: Verdict | Mapping[str, Any] | str | bytes,
    filing: Filing | Mapping[str, Any],
    *,
    rules: Ruleset | None = None,
) -> Verdict:
    """Check that a stored verdict is intact and is what ``rules`` decide for ``filing``.

    Returns the verified verdict; raises :class:`~rongcuo.errors.VerdictError` when the verdict is
    malformed, its receipt does not match its contents, it was made under another ruleset, or
    re-evaluating the filing gives a different verdict.
    """
    from ..engine.decide import _parse, evaluate
    from ..rules.load import bundled_ruleset

    rules = rules if rules is not None else bundled_ruleset()
    try:
        if isinstance(verdict, str | bytes):
            stored = Verdict.model_validate_json(verdict)
        elif isinstance(verdict, Verdict):
            stored = verdict
        else:
            stored = Verdict.model_validate(dict(verdict))
    except pydantic.ValidationError as exc:
        raise VerdictError(
            [
                Problem("verdict_malformed", e["msg"], Location(path=tuple(p for p in e["loc"])))
                for e in exc.errors(include_url=False)
            ]
        ) from None
    parsed = _parse(filing)
    if stored.receipt != receipt_for(stored, parsed):
        raise VerdictError(
            [
                Problem(
                    "verdict_receipt_mismatch",
                    "the receipt does not match this verdict and filing: the verdict was altered, "
                    "or belongs to another filing",
                    Location(path=("receipt",)),
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
                    Location(path=("ruleset", "digest")),
                )
            ]
        )
    fresh = evaluate(parsed, rules=rules, as_of=stored.as_of, trace=bool(stored.trace))
    if fresh.receipt != stored.receipt:
        raise VerdictError(
            [
                Problem(
                    "verdict_mismatch",
                    f"re-evaluation gives {fresh.status.value}, the stored verdict says "
                    f"{stored.status.value}",
                    Location(path=("status",)),
                )
            ]
        )
    return stored
