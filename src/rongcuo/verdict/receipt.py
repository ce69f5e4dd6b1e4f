"""Receipts: a digest binding a verdict to its ruleset, its filing and its outcome.

``receipt = sha256(ruleset digest, canonical filing JSON, canonical outcome)``. A stored verdict
whose status, decisive clauses, missing facts or trace were altered, or that was made under other
rules or for another filing, no longer matches its receipt (see :func:`rongcuo.verify`).
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..facts.model import Filing
    from .verdict import Verdict

__all__ = ["canonical_filing", "receipt_for"]


def canonical_filing(filing: Filing) -> str:
    """The filing as canonical JSON: known facts only, keys sorted, sets sorted."""
    data = filing.model_dump(mode="json", exclude_none=True)
    return json.dumps(_sorted_sets(data), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _sorted_sets(value: object) -> object:
    if isinstance(value, dict):
        return {k: _sorted_sets(v) for k, v in value.items() if v != {}}
    if isinstance(value, list):
        items = [_sorted_sets(v) for v in value]
        return sorted(items, key=json.dumps) if all(isinstance(i, str) for i in items) else items
    return value


def receipt_for(verdict: Verdict, filing: Filing) -> str:
    """The receipt of a verdict (its ``receipt`` field is ignored)."""
    # pydantic's serializer writes fields in model order, and a verdict holds no free-form
    # mappings, so this JSON is canonical for the verdict
    outcome = verdict.model_dump_json(exclude={"receipt"})
    h = hashlib.sha256()
    h.update(verdict.ruleset.digest.encode())
    h.update(b"\x00")
    h.update(canonical_filing(filing).encode("utf-8"))
    h.update(b"\x00")
    h.update(outcome.encode("utf-8"))
    return "sha256:" + h.hexdigest()
