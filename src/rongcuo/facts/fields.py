"""The pydantic side of filing model v2: how each type of fact is validated, dumped and
described in JSON Schema. The generated model (:mod:`rongcuo.facts.v2`) annotates every fact
with one of these markers, e.g. ``Annotated[ActKind | None, EnumOf(ACT_KIND)]``, so that mypy
sees the static type and pydantic runs the validator here.

Every validator accepts ``None`` (unknown) and the document forms of docs/design-v2.md §2, and
refuses anything else with a typed error that :mod:`rongcuo.facts.parse` turns into a coded
problem (``filing_invalid_value``, ``filing_wrong_type``, ``filing_invalid_date``,
``filing_na_not_allowed``, ``filing_set_conflict``, ``filing_duplicate_value``,
``filing_too_long``). Dumps in JSON mode are canonical: sets sorted, dates in their shortest
text, records as a plain list when complete.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ..errors import hint_zh, show, suggest
from .declare import Family, Value
from .values import (
    NA,
    NA_TEXT,
    PartialDate,
    PartialSet,
    Records,
    complete_set,
    parse_date,
    parse_set,
)

__all__ = [
    "MAX_RECORDS",
    "MAX_TEXT",
    "BoolOf",
    "DateOf",
    "EnumOf",
    "FactsModel",
    "RecordsOf",
    "SetOf",
    "fact",
    "family",
    "group",
    "records_group_dump",
    "records_group_input",
    "records_group_schema",
    "set_conflict",
]

MAX_TEXT: Final = 20_000
"""Longest free-text fact, in characters."""

MAX_RECORDS: Final = 256
"""Most records a records fact may list (and most values a set may list)."""


class FactsModel(BaseModel):
    """The base of every generated group and record model: frozen, no unknown keys.

    Its ``repr`` (and ``__rich_repr__``, for rich and IPython) shows the known facts only: a
    filing of some 70 facts, most of them unknown, prints as
    ``Filing(subject=Subject(kind='unit'), acts=Acts(items=Records(...)))``. Unknown facts
    (``None``) and groups with no known fact are left out.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def _known(self) -> list[tuple[str, Any]]:
        out = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if value is None or (isinstance(value, FactsModel) and not value._known()):
                continue
            out.append((name, value))
        return out

    def __repr_args__(self) -> list[tuple[str | None, Any]]:  # pydantic's repr and str
        return list(self._known())

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self._known())
        return f"{type(self).__name__}({args})"

    def __rich_repr__(self) -> Iterator[tuple[str, Any]]:
        yield from self._known()


def family(
    fid: str,
    zh: str,
    en: str,
    values: tuple[tuple[str, str, str, tuple[str, ...], bool, bool], ...],
) -> Family:
    """A family from its generated literal (``(id, zh, en, parents, opaque, kind_class)`` each)."""
    return Family(
        fid,
        zh,
        en,
        {v[0]: Value(v[0], v[1], v[2], fid, v[3], v[4], v[5]) for v in values},
    )


def fact(
    zh: str,
    en: str,
    *,
    question: tuple[str, str],
    note: str = "",
    na: tuple[str, str] | None = None,
) -> Any:
    """A fact field: unknown (``None``) unless given, with its titles, question and note."""
    extra: dict[str, Any] = {
        "x-title-en": en,
        "x-question-zh": question[0],
        "x-question-en": question[1],
    }
    if na is not None:
        extra["x-na-zh"], extra["x-na-en"] = na
    description = en + (f". {note}" if note else "")
    return Field(default=None, title=zh, description=description, json_schema_extra=extra)


def group(cls: type[BaseModel], zh: str, en: str) -> Any:
    """A group field: all unknown when absent."""
    return Field(
        default_factory=_empty(cls),
        title=zh,
        description=en,
        json_schema_extra={"x-title-en": en},
    )


def _empty(cls: type[BaseModel]) -> Callable[[], BaseModel]:
    """The group ``cls`` with every fact unknown: made once, when first needed (a model is built
    when first used), then shared by every filing that leaves the group out — a group is frozen,
    so no filing can change what another sees; a filing leaves most groups out, and making each
    afresh was a third of reading one."""
    made: list[BaseModel] = []

    def empty() -> BaseModel:
        if not made:
            made.append(cls())
        return made[0]

    return empty


# --------------------------------------------------------------------------- errors


def _error(kind: str, message: str, zh: str) -> PydanticCustomError:
    # the message goes through the context: a template would read its braces as fields; the
    # Chinese one beside it (``reason_zh``), for the coded problem's ``message_zh``
    return PydanticCustomError(kind, "{reason}", {"reason": message, "reason_zh": zh})


def _shown(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = repr(value)
        return text[:80] + ("…" if len(text) > 80 else "")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def _shown_zh(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"数字 {show(value, limit=80)}"  # never str(): an int of 4,300+ digits has none
    if isinstance(value, Mapping):
        return "映射"
    if isinstance(value, list | tuple):
        return "列表"
    return _shown(value)


#: what a message about "n/a" names, in Chinese
_WHAT_ZH: Final = {"a yes/no fact": "是非类事实", "this fact": "该事实", "this set": "该集合"}
_WHAT_ZH_DATE: Final = {"this date": "该日期"}


def _na(value: object, na: tuple[str, str] | None, what: str) -> bool:
    """Whether ``value`` is "not applicable"; an error if it is and the fact does not allow it."""
    if value is NA or (isinstance(value, str) and value == NA_TEXT):
        if na is None:
            raise _error(
                "na_not_allowed",
                f'{what} cannot be "n/a": the fact always applies; give a value or leave it out '
                "(unknown)",
                f"{_WHAT_ZH.get(what) or _WHAT_ZH_DATE.get(what, what)}不能填“n/a”（不适用）："
                "该事实总是适用；请给出取值，或不填（未知）",
            )
        return True
    return False


def _na_schema(na: tuple[str, str] | None) -> list[JsonSchemaValue]:
    if na is None:
        return []
    return [
        {"const": NA_TEXT, "title": f"不适用：{na[0]}", "description": f"not applicable: {na[1]}"}
    ]


def _nullable(schema: JsonSchemaValue) -> JsonSchemaValue:
    return {"anyOf": [schema, {"type": "null"}]}


def _one_of(fam: Family) -> list[JsonSchemaValue]:
    return [{"const": v.id, "title": v.zh, "description": v.en} for v in fam.values.values()]


class _Marker:
    """A fact's validator, serializer and JSON Schema, as ``Annotated`` metadata."""

    def validate(self, value: Any) -> Any:
        raise NotImplementedError

    def dump(self, value: Any) -> Any:
        return value

    def json_schema(self) -> JsonSchemaValue:
        raise NotImplementedError

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            self.validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                self.dump, when_used="json-unless-none"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return _nullable(self.json_schema())


class BoolOf(_Marker):
    """A yes/no fact: ``true``, ``false``, or ``"n/a"`` where declared."""

    def __init__(self, *, na: tuple[str, str] | None = None) -> None:
        self.na = na

    def validate(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if _na(value, self.na, "a yes/no fact"):
            return NA
        raise _error(
            "wrong_type",
            f"expected true or false, got {_shown(value)}",
            f"应为 true 或 false，实际为 {_shown_zh(value)}",
        )

    def dump(self, value: Any) -> Any:
        return NA_TEXT if value is NA else value

    def json_schema(self) -> JsonSchemaValue:
        if self.na is None:
            return {"type": "boolean"}
        return {"oneOf": [{"type": "boolean"}, *_na_schema(self.na)]}


class EnumOf(_Marker):
    """One value of a family (an inner value is a coarse answer), or ``"n/a"`` where declared."""

    def __init__(self, fam: Family, *, na: tuple[str, str] | None = None) -> None:
        self.family = fam
        self.na = na
        self._ids = frozenset(fam.values)

    def validate(self, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is str and value in self._ids:  # the common case, first
            return value
        if _na(value, self.na, "this fact"):
            return NA
        if not isinstance(value, str):
            raise _error(
                "wrong_type",
                f"expected a value id (a string), got {_shown(value)}",
                f"应为取值编号（字符串），实际为 {_shown_zh(value)}",
            )
        if value not in self.family.values:
            hint = suggest(value, self.family.values)
            raise _error(
                "invalid_value",
                f"{_shown(value)} is not a value of {_values(self.family)}"
                + (f"; {hint}" if hint else ""),
                f"{_shown(value)} 不是{_values_zh(self.family)}的取值"
                + (f"；{hint_zh(hint)}" if hint else ""),
            )
        return value

    def dump(self, value: Any) -> Any:
        return NA_TEXT if value is NA else value

    def json_schema(self) -> JsonSchemaValue:
        return {"type": "string", "oneOf": [*_one_of(self.family), *_na_schema(self.na)]}


def _values(fam: Family) -> str:
    ids = list(fam.values)
    shown = ", ".join(repr(v) for v in ids[:12]) + (", …" if len(ids) > 12 else "")
    return f"the family {fam.id} ({shown})"


def _values_zh(fam: Family) -> str:
    ids = list(fam.values)
    shown = "、".join(repr(v) for v in ids[:12]) + ("……" if len(ids) > 12 else "")
    return f"“{fam.zh}”（{fam.id}：{shown}）"


class SetOf(_Marker):
    """Values of a family, partly known (:class:`~rongcuo.facts.values.PartialSet`)."""

    def __init__(self, fam: Family, *, na: tuple[str, str] | None = None) -> None:
        self.family = fam
        self.na = na
        self._ids = frozenset(fam.values)

    def validate(self, value: Any) -> Any:
        if value is None:
            return None
        if type(value) is list and len(value) <= MAX_RECORDS:
            # the common case, first: a plain list of known values, none twice (a complete set,
            # which rules nothing out, so contradicts nothing); anything else is read below
            try:
                yes = frozenset(value)
            except TypeError:  # an unhashable item: not a value id
                yes = None
            if yes is not None and len(yes) == len(value) and yes <= self._ids:
                return complete_set(yes)
        if _na(value, self.na, "this set"):
            return NA
        if isinstance(value, list | tuple) and len(value) > MAX_RECORDS:
            raise _error(
                "too_long",
                f"a list of {len(value)} values; at most {MAX_RECORDS}",
                f"列表有 {len(value)} 个值；最多 {MAX_RECORDS} 个",
            )
        try:
            s = parse_set(value)
        except ValueError as exc:
            kind = "duplicate_value" if "twice" in str(exc) else "wrong_type"
            if "both yes and no" in str(exc):
                kind = "set_conflict"
            if kind == "duplicate_value":
                # the reader reports each repeat at its position: what else is wrong is said too
                self._check_known(_listed(value))
            raise _error(kind, str(exc), getattr(exc, "zh", "")) from None
        self._check_known(s.yes | s.no)
        conflict = _conflict(s, self.family)
        if conflict:
            raise _error("set_conflict", *conflict)
        return s

    def _check_known(self, values: Iterable[str]) -> None:
        unknown = sorted({v for v in values if v not in self.family.values})
        if unknown:
            raise _error(
                "invalid_value",
                f"{', '.join(map(repr, unknown))} not in {_values(self.family)}",
                f"{'、'.join(map(repr, unknown))} 不是{_values_zh(self.family)}的取值",
            )

    def dump(self, value: Any) -> Any:
        return NA_TEXT if value is NA else value.to_json()

    def json_schema(self) -> JsonSchemaValue:
        item = {"type": "string", "oneOf": _one_of(self.family)}
        items = {"type": "array", "items": item, "uniqueItems": True}
        partial = {
            "type": "object",
            "title": "部分已知",
            "x-title-en": "partly known",
            "properties": {
                "yes": {**items, "title": "有", "x-title-en": "in the set"},
                "no": {**items, "title": "无", "x-title-en": "not in the set"},
                "complete": {
                    "type": "boolean",
                    "title": "已全部列出",
                    "x-title-en": "yes lists everything",
                    "default": False,
                },
            },
            "additionalProperties": False,
        }
        return {"oneOf": [items, partial, *_na_schema(self.na)]}


def _listed(value: Any) -> list[str]:
    """The strings a set's list, or a partial set's ``yes`` and ``no``, give."""
    if isinstance(value, Mapping):
        value = [*_as_list(value.get("yes")), *_as_list(value.get("no"))]
    return [v for v in _as_list(value) if isinstance(v, str)]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def set_conflict(s: PartialSet, fam: Family) -> str:
    """Why a partial set contradicts itself, or ``""``: a ``yes`` value every leaf of which a
    ``no`` value rules out (``funds_use`` yes and ``spending`` no; ``spending`` yes and each of its
    leaves no)."""
    found = _conflict(s, fam)
    return found[0] if found else ""


def _conflict(s: PartialSet, fam: Family) -> tuple[str, str] | None:
    """:func:`set_conflict`'s reason in English and in Chinese, or None."""
    if not s.no:
        return None
    out: set[str] = set()
    for n in s.no:
        out |= fam.below(n)
    for y in sorted(s.yes):
        if fam.leaves(y) <= out:
            by = sorted(n for n in s.no if not fam.below(n).isdisjoint(fam.below(y)))
            return (
                f"{y!r} is listed as yes, but no value within it can be: "
                f"{', '.join(map(repr, by))} listed as no rule out every one",
                f"{y!r} 列为 yes，但其下没有任何取值可以成立：列为 no 的 "
                f"{'、'.join(map(repr, by))} 排除了其中每一个",
            )
    return None


class DateOf(_Marker):
    """A partial date (:class:`~rongcuo.facts.values.PartialDate`); ``exact`` allows days only."""

    def __init__(
        self, *, na: tuple[str, str] | None = None, exact: bool = False, required: bool = False
    ) -> None:
        self.na = na
        self.exact = exact
        self.required = required

    def validate(self, value: Any) -> Any:
        if value is None:
            if self.required:
                raise _error(
                    "wrong_type",
                    "expected a date (YYYY-MM-DD), got null",
                    "应为日期（YYYY-MM-DD），实际为 null（空值）",
                )
            return None
        if _na(value, self.na, "this date"):
            return NA
        if not isinstance(value, str | dt.date | Mapping | PartialDate) or isinstance(value, bool):
            if isinstance(value, int):
                raise _error(
                    "invalid_date",
                    f"the number {value}; write a date as text, a year in quotes: '{value}'",
                    f"数字 {value}；日期请写成文本，年份加引号：'{value}'",
                )
            raise _error(
                "wrong_type",
                f"expected a date as text, got {_shown(value)}",
                f"日期应为文本，实际为 {_shown_zh(value)}",
            )
        try:
            d = parse_date(value)
        except ValueError as exc:
            raise _error("invalid_date", str(exc), getattr(exc, "zh", "")) from None
        if self.exact and not d.is_exact:
            raise _error(
                "invalid_date",
                f"{d.text()!r} is not one day; give YYYY-MM-DD",
                f"{d.text()!r} 不是某一天；请给出 YYYY-MM-DD",
            )
        return d

    def dump(self, value: Any) -> Any:
        return NA_TEXT if value is NA else value.to_json()

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return self.json_schema() if self.required else _nullable(self.json_schema())

    def json_schema(self) -> JsonSchemaValue:
        day = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "format": "date"}
        if self.exact:
            return day
        text = {
            "type": "string",
            "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?(/[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$",
            "title": "日期、年月、年份或区间",
            "x-title-en": "a date, a month, a year, or FROM/TO",
        }
        part = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
        rng = {
            "type": "object",
            "title": "区间",
            "x-title-en": "a range",
            "properties": {"from": part, "to": part},
            "required": ["from", "to"],
            "additionalProperties": False,
        }
        return {"oneOf": [text, rng, *_na_schema(self.na)]}


class RecordsOf:
    """A records fact: a list of ``model`` records (complete), or ``{items, complete}``."""

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        item = handler.generate_schema(self.model)
        partial = core_schema.typed_dict_schema(
            {
                "items": core_schema.typed_dict_field(
                    core_schema.list_schema(item, max_length=MAX_RECORDS)
                ),
                "complete": core_schema.typed_dict_field(
                    core_schema.bool_schema(strict=True), required=False
                ),
            },
            extra_behavior="forbid",
        )
        dumper = _records_dumper()
        items = core_schema.list_schema(item, max_length=MAX_RECORDS)
        #: the two document forms, for the JSON Schema only
        self._forms = core_schema.union_schema([items, partial])
        return core_schema.nullable_schema(
            core_schema.no_info_after_validator_function(
                _to_records,
                core_schema.no_info_before_validator_function(_records_input, partial),
            ),
            serialization=core_schema.plain_serializer_function_ser_schema(
                dumper, when_used="json-unless-none"
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        items, partial = (dict(x) for x in handler(self._forms)["anyOf"])
        partial.update(title="部分列出", **{"x-title-en": "listed in part"})
        partial["properties"] = dict(partial["properties"])
        partial["properties"]["complete"] = {
            "type": "boolean",
            "title": "已全部列出",
            "x-title-en": "the list is complete",
            "default": False,
        }
        return _nullable({"oneOf": [items, partial]})


def _records_input(value: Any) -> Any:
    if isinstance(value, Records):
        return {"items": list(value.items), "complete": value.complete}
    if isinstance(value, list | tuple):
        if len(value) > MAX_RECORDS:
            raise _error(
                "too_long",
                f"a list of {len(value)} records; at most {MAX_RECORDS}",
                f"列表有 {len(value)} 条记录；最多 {MAX_RECORDS} 条",
            )
        return {"items": list(value), "complete": True}
    if isinstance(value, Mapping):
        return value
    raise _error(
        "wrong_type",
        f"expected a list of records, or {{items: [...], complete: false}}; got {_shown(value)}",
        f"应为记录的列表，或 {{items: [...], complete: false}}；实际为 {_shown_zh(value)}",
    )


def _to_records(value: Mapping[str, Any]) -> Records[Any]:
    return Records(tuple(value["items"]), bool(value.get("complete", False)))


def _records_dumper() -> Callable[[Records[Any]], Any]:
    def dump(value: Records[Any]) -> Any:
        return value.to_json(lambda r: r.model_dump(mode="json", exclude_none=True))

    return dump


# --------------------------------------------------------------------------- records groups


def records_group_input(value: Any, name: str) -> Any:
    """A group whose one fact is records (``acts``) may be given as that fact's value: a list,
    or ``{items: [...], complete: false}``; its own form ``{items: <records>}`` also reads."""
    if isinstance(value, list | tuple | Records):
        return {name: value}
    if isinstance(value, Mapping) and "complete" in value:
        return {name: dict(value)}
    return value


def records_group_dump(value: Any, name: str) -> Any:
    """The JSON form of such a group: its records fact's form (``{}`` when unknown)."""
    if isinstance(value, Mapping) and name in value and value[name] is not None:
        return value[name]
    return value


def records_group_schema(name: str) -> Callable[[dict[str, Any]], None]:
    """The JSON Schema of such a group: its records fact's forms, or its own object form."""

    def rewrite(schema: dict[str, Any]) -> None:
        own = {k: v for k, v in schema.items() if k not in ("title", "description")}
        fact = schema["properties"][name]
        forms = fact["anyOf"][0]["oneOf"]  # nullable(oneOf[list, partial]), see RecordsOf
        for key in list(own):
            del schema[key]
        schema["anyOf"] = [*forms, own]

    return rewrite
