"""The runtime values of filing model v2's facts (docs/design-v2.md §1).

Unknown is ``None`` everywhere. Beside the plain values (``bool``, a value id ``str``, a text
``str``) a fact may hold:

* :data:`NA`, "not applicable" (a singleton, written ``"n/a"``), where the fact is declared
  with ``na:``: the wording presupposes something that is absent here;
* a :class:`PartialSet` for a set fact: values known to be in it (``yes``), known not to be
  (``no``), and whether ``yes`` is the whole of it (``complete``). A coarse value (an inner node
  of its family) in ``yes`` means "some value within it", in ``no`` "no value within it";
* a :class:`PartialDate`, an inclusive interval of days (an exact date, a month, a year or a
  range), never padded to a day;
* :class:`Records` for a records fact: the records known and whether the list is complete.

Every type is frozen, hashable and slotted. ``parse_*`` read the JSON/YAML document forms and
raise :class:`ValueError` with a message fit for a filer; ``to_json`` gives the canonical form
(sets sorted, dates in their shortest text), which ``parse_*`` reads back to an equal value.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, Generic, TypeVar

__all__ = [
    "NA",
    "NA_TEXT",
    "FactValueError",
    "NAType",
    "PartialDate",
    "PartialSet",
    "Records",
    "complete_set",
    "parse_date",
    "parse_set",
]

NA_TEXT: Final = "n/a"
"""How "not applicable" is written in a filing document."""


class FactValueError(ValueError):
    """A value a fact cannot take, said in English (``str(exc)``) and in Chinese (``zh``)."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


#: the parts of a value the messages name, in Chinese
_WHAT_ZH: Final = {
    "a set": "集合",
    "the set": "集合",
    "a date": "日期",
    "the range's start": "区间起点",
    "the range's end": "区间终点",
}


def _zh(what: str) -> str:
    return _WHAT_ZH.get(what, what)


class NAType:
    """The type of :data:`NA`, "not applicable": a known value, not an unknown one.

    There is one instance; it survives pickling and copying as itself, so ``x is NA`` holds
    wherever a value travels. It has no truth value (``bool(NA)`` raises): a fact that does not
    apply is neither true nor false, and code must say which it means.
    """

    __slots__ = ()
    _instance: NAType | None = None

    def __new__(cls) -> NAType:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return NA_TEXT

    def __reduce__(self) -> str:
        return "NA"

    def __copy__(self) -> NAType:
        return self

    def __deepcopy__(self, memo: object) -> NAType:
        return self

    def __bool__(self) -> bool:
        raise TypeError("NA (not applicable) has no truth value; test it with `is NA`")

    def __hash__(self) -> int:
        return hash(NA_TEXT)

    def __eq__(self, other: object) -> bool:
        return other is self


NA: Final = NAType()
"""Not applicable (``"n/a"`` in a document)."""


# --------------------------------------------------------------------------- sets


@dataclasses.dataclass(frozen=True, slots=True)
class PartialSet:
    """A set fact, partly known.

    ``yes``: values in the set (a coarse value: some value within it). ``no``: values not in it
    (a coarse value: none within it). ``complete``: ``yes`` lists everything in the set, so every
    value not within a ``yes`` value is out (a plain list in a document is complete). Values
    neither listed nor ruled out are unknown. ``yes`` and ``no`` never share a value (whether a
    coarse value in one contradicts the other needs the family: see the filing parser).
    """

    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    complete: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.yes, frozenset):
            object.__setattr__(self, "yes", frozenset(self.yes))
        if not isinstance(self.no, frozenset):
            object.__setattr__(self, "no", frozenset(self.no))
        both = self.yes & self.no
        if both:
            listed = ", ".join(sorted(both))
            raise FactValueError(
                f"{listed}: listed both yes and no", f"{listed} 同时列在 yes 和 no 中"
            )

    @classmethod
    def of(cls, values: Iterable[str]) -> PartialSet:
        """The complete set of ``values`` (a plain list in a document)."""
        return cls(frozenset(values), frozenset(), True)

    def to_json(self) -> list[str] | dict[str, Any]:
        """A sorted list when complete with nothing ruled out, else the partial mapping."""
        if self.complete and not self.no:
            return sorted(self.yes)
        return {"yes": sorted(self.yes), "no": sorted(self.no), "complete": self.complete}

    def __repr__(self) -> str:
        return f"PartialSet({self.to_json()!r})"


_NONE: Final[frozenset[str]] = frozenset()


def complete_set(yes: frozenset[str]) -> PartialSet:
    """``PartialSet(yes, frozenset(), True)``, made without the constructor's checks: for a
    reader that has checked ``yes`` already (a set of value ids; nothing ruled out, so nothing
    can be both yes and no). Twice as fast, and a filing reads several sets."""
    made = object.__new__(PartialSet)
    object.__setattr__(made, "yes", yes)
    object.__setattr__(made, "no", _NONE)
    object.__setattr__(made, "complete", True)
    return made


def _strings(value: object, what: str) -> list[str]:
    if not isinstance(value, list | tuple):
        raise FactValueError(
            f"{what} must be a list of value ids, got {_kind(value)}",
            f"{_zh(what)} 应为取值编号的列表，实际为 {_kind_zh(value)}",
        )
    for item in value:
        if not isinstance(item, str):
            raise FactValueError(
                f"{what} lists {_kind(item)}; a set lists value ids (strings)",
                f"{_zh(what)} 中列有 {_kind_zh(item)}；集合只能列取值编号（字符串）",
            )
    return list(value)


def parse_set(value: object) -> PartialSet:
    """A set fact from its document form.

    A list is the complete set; a mapping ``{yes: [...], no: [...], complete: false}`` is partial
    (each key optional; ``complete`` defaults to false). A value listed twice (in one list or in
    both) is refused: the parser reports repeats with their positions first.
    """
    if isinstance(value, PartialSet):
        return value
    if isinstance(value, list | tuple):
        items = _strings(value, "a set")
        _no_repeats(items, "the set")
        return PartialSet(frozenset(items), frozenset(), True)
    if isinstance(value, Mapping):
        extra = sorted(str(k) for k in value if k not in ("yes", "no", "complete"))
        if extra:
            keys = ", ".join(extra)
            raise FactValueError(
                f"a partial set has the keys yes, no and complete; not {keys}",
                f"部分已知的集合只有 yes、no、complete 三个键，没有 {keys}",
            )
        yes = _strings(value.get("yes", []), "yes")
        no = _strings(value.get("no", []), "no")
        _no_repeats(yes, "yes")
        _no_repeats(no, "no")
        complete = value.get("complete", False)
        if not isinstance(complete, bool):
            raise FactValueError(
                f"complete must be true or false, got {_kind(complete)}",
                f"complete 应为 true 或 false，实际为 {_kind_zh(complete)}",
            )
        return PartialSet(frozenset(yes), frozenset(no), complete)
    raise FactValueError(
        "a set is a list of value ids, or {yes: [...], no: [...], complete: false}; "
        f"got {_kind(value)}",
        "集合应为取值编号的列表，或 {yes: [...], no: [...], complete: false}；"
        f"实际为 {_kind_zh(value)}",
    )


def _no_repeats(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise FactValueError(f"{what} lists {item!r} twice", f"{_zh(what)} 重复列出 {item!r}")
        seen.add(item)


# --------------------------------------------------------------------------- dates

_YEAR: Final = re.compile(r"([0-9]{4})")
_MONTH: Final = re.compile(r"([0-9]{4})-([0-9]{2})")
_DAY: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to a day, a month, a year or a range: the inclusive interval
    ``[start, stop]`` of days it may be. Comparisons are three-valued over the interval (the
    rule language's ``before`` … ); it is never padded to one day.

    Ordering (``order=True``) is by ``(start, stop)``, for sorting only; it says nothing about
    which date is earlier when intervals overlap.
    """

    start: dt.date
    stop: dt.date

    def __post_init__(self) -> None:
        for name in ("start", "stop"):
            value = getattr(self, name)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise TypeError(f"PartialDate.{name} must be a date, got {type(value).__name__}")
        if self.start > self.stop:
            start, stop = self.start.isoformat(), self.stop.isoformat()
            raise FactValueError(
                f"the range starts ({start}) after it ends ({stop})",
                f"日期区间的起点（{start}）晚于终点（{stop}）",
            )

    @classmethod
    def exact(cls, day: dt.date) -> PartialDate:
        return cls(day, day)

    @property
    def is_exact(self) -> bool:
        return self.start == self.stop

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"PartialDate({self.text()!r})"

    def text(self) -> str:
        """The canonical text: ``2023-05-17``, ``2023-05``, ``2023``, or a range ``2012/2013``
        whose two ends are written to the coarsest unit both fall on (years, months or days:
        ``2023-03/2023-05``, ``2012-03-01/2013-02-14``)."""
        start, stop = self.start, self.stop
        if start == stop:
            return start.isoformat()
        years = (start.month, start.day) == (1, 1) and (stop.month, stop.day) == (12, 31)
        months = start.day == 1 and stop == _last(stop.year, stop.month)
        if years:
            first, last = f"{start.year:04d}", f"{stop.year:04d}"
        elif months:
            first, last = f"{start.year:04d}-{start.month:02d}", f"{stop.year:04d}-{stop.month:02d}"
        else:
            first, last = start.isoformat(), stop.isoformat()
        return first if first == last else f"{first}/{last}"

    def to_json(self) -> str:
        return self.text()


def _first(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _last(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _span(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    try:
        if m := _DAY.fullmatch(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _MONTH.fullmatch(text):
            year, month = int(m[1]), int(m[2])
            return _first(year, month), _last(year, month)
        if m := _YEAR.fullmatch(text):
            year = int(m[1])
            return _first(year, 1), _last(year, 12)
    except ValueError:
        raise FactValueError(
            f"{text!r} is not a date that exists", f"{text!r} 不是存在的日期"
        ) from None
    raise FactValueError(
        f"{text!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY (a range as "
        "{from: ..., to: ...} or FROM/TO)",
        f"{text!r} 不是日期：请写作 YYYY-MM-DD、YYYY-MM 或 YYYY（区间写作 "
        "{from: ..., to: ...} 或 起/止）",
    )


def _end(value: object, what: str) -> tuple[dt.date, dt.date]:
    if isinstance(value, dt.datetime):
        raise FactValueError(
            f"{what}: a date with a time; give the date only",
            f"{_zh(what)}：日期带有时刻；只需给出日期",
        )
    if isinstance(value, dt.date):
        return value, value
    if isinstance(value, str):
        if "/" in value:
            raise FactValueError(
                f"{what}: {value!r} is itself a range", f"{_zh(what)}：{value!r} 本身是一个区间"
            )
        return _span(value)
    if isinstance(value, int) and not isinstance(value, bool):
        raise FactValueError(
            f"{what}: the number {value}; write a year as text, in quotes: '{value}'",
            f"{_zh(what)}：数字 {value}；年份请写成加引号的文本：'{value}'",
        )
    raise FactValueError(
        f"{what}: expected a date as text (YYYY-MM-DD, YYYY-MM or YYYY)",
        f"{_zh(what)}：日期应为文本（YYYY-MM-DD、YYYY-MM 或 YYYY）",
    )


def parse_date(value: object) -> PartialDate:
    """A date fact from its document form: ``"2023-05-17"`` (or a YAML date), ``"2023-05"``,
    ``"2023"``, a range ``{from: "2012", to: "2013"}`` or ``"2012/2013"`` (from the first day of
    ``from`` to the last day of ``to``)."""
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, Mapping):
        extra = sorted(str(k) for k in value if k not in ("from", "to"))
        if extra or "from" not in value or "to" not in value:
            raise FactValueError(
                "a range of dates is {from: ..., to: ...}, both given",
                "日期区间写作 {from: ..., to: ...}，两端都要给出",
            )
        start, _ = _end(value["from"], "from")
        _, stop = _end(value["to"], "to")
    elif isinstance(value, str) and value.count("/") > 1:
        raise FactValueError(
            f"{value!r} is not a date: a range is FROM/TO, one slash",
            f"{value!r} 不是日期：区间写作 起/止，只用一个斜杠",
        )
    elif isinstance(value, str) and "/" in value:
        first, _, second = value.partition("/")
        start, _ = _end(first, "the range's start")
        _, stop = _end(second, "the range's end")
    else:
        start, stop = _end(value, "a date")
    if start > stop:
        raise FactValueError(
            f"the range starts ({start.isoformat()}) after it ends ({stop.isoformat()})",
            f"日期区间的起点（{start.isoformat()}）晚于终点（{stop.isoformat()}）",
        )
    return PartialDate(start, stop)


# --------------------------------------------------------------------------- records

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class Records(Generic[T]):
    """A records fact: the records known (in the filer's order) and whether they are all.

    ``one``: the record, when it is known to be the only one (complete, one record); else
    ``None``. Most filings list one act, and the generated evaluator has a version of itself
    for them (:mod:`rongcuo.engine.codegen`); this is its test."""

    items: tuple[T, ...] = ()
    complete: bool = True
    one: T | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.items, tuple):
            object.__setattr__(self, "items", tuple(self.items))
        only = self.items[0] if self.complete and len(self.items) == 1 else None
        object.__setattr__(self, "one", only)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)

    def to_json(self, item: Any = None) -> list[Any] | dict[str, Any]:
        """A plain list when complete, else ``{items: [...], complete: false}``; ``item`` turns
        one record into its JSON form (the identity by default)."""
        items = [item(x) if item is not None else x for x in self.items]
        if self.complete:
            return items
        return {"items": items, "complete": False}


#: how a message names a value of each JSON kind: (English, Chinese); a string is shown too
_KIND_NAMES: Final = {
    "null": ("null", "null（空值）"),
    "boolean": ("a boolean", "布尔值"),
    "string": ("the string", "字符串"),
    "mapping": ("a mapping", "映射"),
    "list": ("a list", "列表"),
}


def _kind(value: object, zh: bool = False) -> str:
    if value is None:
        key = "null"
    elif isinstance(value, bool):
        key = "boolean"
    elif isinstance(value, str):
        shown = repr(value)
        return f"{_KIND_NAMES['string'][zh]} {shown[:60]}{'…' if len(shown) > 60 else ''}"
    elif isinstance(value, Mapping):
        key = "mapping"
    elif isinstance(value, list | tuple):
        key = "list"
    else:
        return type(value).__name__
    return _KIND_NAMES[key][zh]


def _kind_zh(value: object) -> str:
    return _kind(value, zh=True)
