"""String enumerations whose members carry a Chinese and an English title.

Shared by the verdict (:class:`~rongcuo.verdict.verdict.Status`) and any model that wants its codes
shown with titles; a JSON Schema of such an enum lists each value with its titles (``oneOf`` of
``const``/``title``/``description``), so a form shows 标题, never the raw code.
"""

from __future__ import annotations

import enum
from typing import Any, Self

from pydantic import GetJsonSchemaHandler
from pydantic_core import core_schema

__all__ = ["TitledEnum"]


class TitledEnum(enum.StrEnum):
    """A string enumeration whose members carry a Chinese and an English title."""

    zh: str
    en: str

    def __new__(cls, value: str, zh: str = "", en: str = "") -> Self:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.zh = zh
        obj.en = en
        return obj

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        js = handler.resolve_ref_schema(handler(schema))
        js["oneOf"] = [{"const": m.value, "title": m.zh, "description": m.en} for m in cls]
        return js
