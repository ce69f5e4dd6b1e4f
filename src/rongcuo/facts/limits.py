"""The size limits on a filing document, shared by the readers of every filing model
(:mod:`rongcuo.facts.filings`, :mod:`rongcuo.facts.parse`), which import them from here so that
neither reader imports the other at load time."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_FILING_BYTES", "MAX_LIST_ITEMS"]

MAX_FILING_BYTES: Final = 1024 * 1024
"""The largest filing document accepted, in bytes."""

MAX_LIST_ITEMS: Final = 256
"""The longest list accepted anywhere in a filing (a set fact has a few dozen values at most)."""
