"""The size limits on a filing document, and the problems of a document that is no filing at all
(too large, or not an object), shared by the readers of every filing model
(:mod:`rongcuo.facts.filings`, :mod:`rongcuo.facts.parse`, :mod:`rongcuo.facts.coded`), which
import them from here so that none of them imports another at load time."""

from __future__ import annotations

from typing import Final

from ..errors import Location, Problem

__all__ = ["MAX_FILING_BYTES", "MAX_LIST_ITEMS", "not_object", "too_large"]

MAX_FILING_BYTES: Final = 1024 * 1024
"""The largest filing document accepted, in bytes."""

MAX_LIST_ITEMS: Final = 256
"""The longest list accepted anywhere in a filing (a set fact has a few dozen values at most)."""

#: what a filing that is no object is, in Chinese
_NOT_OBJECT_ZH: Final = {
    "nothing": "空内容",
    "list": "列表",
    "int": "数字",
    "float": "数字",
    "str": "字符串",
    "bool": "布尔值",
}


def not_object(value: object, where: str) -> Problem:
    """``filing_not_object`` for a document whose top is ``value``, not a mapping."""
    kind = "nothing" if value is None else type(value).__name__
    return Problem(
        "filing_not_object",
        f"a filing is an object, got {kind}",
        Location(where),
        message_zh=f"备案应为对象（映射），实际为{_NOT_OBJECT_ZH.get(kind, kind)}",
    )


def too_large(size: int, limit: int, where: str) -> Problem:
    """``too_large`` for a filing document of ``size`` bytes, over ``limit``."""
    return Problem(
        "too_large",
        f"{size} bytes; a filing may hold at most {limit}",
        Location(where),
        message_zh=f"{size} 字节；一份备案最多 {limit} 字节",
    )
