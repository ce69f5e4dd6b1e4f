"""The rule tree: what a loaded ruleset is made of.

Every node is frozen and keeps the source :class:`~rongcuo.errors.Location` it came from. Locations
take no part in equality or hashing, so two trees are equal exactly when they mean the same thing
and say the same words, wherever they were written.

Predicates (:data:`Node`) are built from

* :class:`Test` — one comparison of a fact with a literal or with another fact;
* :class:`All`, :class:`Any`, :class:`Not` — Kleene three-valued connectives;
* :class:`ClauseRef` — the truth of another clause (used by N1, which yields to positives);
* :class:`ElementRef` — an element of the same clause, only inside a clause's ``holds_when``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterator
from typing import Final, TypeAlias

from ..errors import Location

__all__ = [
    "All",
    "Any",
    "Citation",
    "Clause",
    "ClauseRef",
    "Document",
    "Element",
    "ElementRef",
    "Example",
    "FactRef",
    "ListKind",
    "Meta",
    "Node",
    "Not",
    "Op",
    "Quantifier",
    "QuantifierKind",
    "Quote",
    "SameKind",
    "Test",
    "Value",
    "walk",
]

NOWHERE: Final = Location()


def _loc() -> Location:
    return dataclasses.field(default=NOWHERE, compare=False, repr=False)


class ListKind(enum.StrEnum):
    """Which list a clause belongs to."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    BAR = "bar"  # positions that take a matter outside the positives they name (ids B1…)
    COMPANION = "companion"  # rules reported beside the verdict, never changing it (ids C1…)

    @property
    def prefix(self) -> str:
        """The letter its clause ids start with."""
        return _PREFIX[self]

    @property
    def file(self) -> str:
        """The rule file that holds this list."""
        return _FILE[self]

    @property
    def optional(self) -> bool:
        """Whether a ruleset may leave this list's file out (bars and companions)."""
        return self in (ListKind.BAR, ListKind.COMPANION)


_PREFIX: Final = {
    ListKind.POSITIVE: "P",
    ListKind.NEGATIVE: "N",
    ListKind.BAR: "B",
    ListKind.COMPANION: "C",
}
_FILE: Final = {
    ListKind.POSITIVE: "positive.yaml",
    ListKind.NEGATIVE: "negative.yaml",
    ListKind.BAR: "bars.yaml",
    ListKind.COMPANION: "companions.yaml",
}
_ORDER: Final = {ListKind.NEGATIVE: 0, ListKind.POSITIVE: 1, ListKind.BAR: 2, ListKind.COMPANION: 3}


class Op(enum.StrEnum):
    """Comparison operators of the rule language."""

    EQ = "eq"  # fact == value                      (bool, enum, date)
    IN = "in"  # fact is one of the values          (enum)
    CONTAINS = "contains"  # set fact holds the value         (enum set)
    CONTAINS_ANY = "contains_any"  # set fact meets the values  (enum set)
    CONTAINS_ALL = "contains_all"  # set fact holds all values  (enum set)
    LT = "lt"  # fact <  value                      (date)
    LE = "le"
    GT = "gt"
    GE = "ge"
    KNOWN = "known"  # whether the fact is known (true) or unknown (false); never unknown itself
    # filing model v2 (docs/design-v2.md §3); on a v2 enum fact `eq` means `within`
    WITHIN = "within"  # enum value within a family value (or any of several)
    EMPTY = "empty"  # set has no member (true) or has one (false)
    NA = "na"  # the fact is not applicable (true) or applicable (false)
    BEFORE = "before"  # partial date entirely before a date
    AFTER = "after"
    ON_OR_BEFORE = "on_or_before"
    ON_OR_AFTER = "on_or_after"
    AFTER_FACT = "after_fact"  # partial date entirely after another date fact


class QuantifierKind(enum.StrEnum):
    """``some`` or ``every`` record of a list (filing model v2)."""

    SOME = "some"
    EVERY = "every"


@dataclasses.dataclass(frozen=True, slots=True)
class FactRef:
    """The right-hand side of a comparison that reads another fact."""

    path: str


Scalar: TypeAlias = bool | str | dt.date
Value: TypeAlias = Scalar | frozenset[str] | FactRef


@dataclasses.dataclass(frozen=True, slots=True)
class Test:
    fact: str
    op: Op
    value: Value
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class All:
    items: tuple[Node, ...]
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class Any:
    items: tuple[Node, ...]
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class Not:
    item: Node
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class ClauseRef:
    clause: str
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class ElementRef:
    element: str
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class SameKind:
    """Two enum facts of one family are of the same kind (同类; filing model v2)."""

    left: str
    right: str
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class Quantifier:
    """``some``/``every`` record of the records fact ``of`` (with the record bound to ``name``)
    that satisfies ``where`` (when given) satisfies ``that`` (filing model v2). Paths inside may
    start with ``name``: ``act.kind`` is the field ``kind`` of the record."""

    kind: QuantifierKind
    of: str
    name: str
    where: Node | None
    that: Node
    loc: Location = _loc()


Node: TypeAlias = Test | All | Any | Not | ClauseRef | ElementRef | SameKind | Quantifier


def walk(node: Node) -> Iterator[Node]:
    """Every node of a predicate, parents before children."""
    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, All | Any):
            stack.extend(reversed(n.items))
        elif isinstance(n, Not):
            stack.append(n.item)
        elif isinstance(n, Quantifier):
            stack.append(n.that)
            if n.where is not None:
                stack.append(n.where)


def facts_read(node: Node) -> tuple[str, ...]:
    """Fact paths a predicate reads, in first-read order, without repeats.

    A path inside a quantifier that starts with its bound name is given as the records fact's
    field: ``act.kind`` inside ``{some: acts.items, as: act, …}`` reads ``acts.items[].kind``.
    """
    seen: dict[str, None] = {}
    _facts_read(node, {}, seen)
    return tuple(seen)


def _facts_read(node: Node, bound: dict[str, str], seen: dict[str, None]) -> None:
    def path(p: str) -> str:
        head, dot, rest = p.partition(".")
        return f"{bound[head]}[].{rest}" if dot and head in bound else p

    stack: list[Node] = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Test):
            seen.setdefault(path(n.fact), None)
            if isinstance(n.value, FactRef):
                seen.setdefault(path(n.value.path), None)
        elif isinstance(n, SameKind):
            seen.setdefault(path(n.left), None)
            seen.setdefault(path(n.right), None)
        elif isinstance(n, Quantifier):
            seen.setdefault(path(n.of), None)
            inner = {**bound, n.name: path(n.of)}
            for part in (n.where, n.that):
                if part is not None:
                    _facts_read(part, inner, seen)
        elif isinstance(n, All | Any):
            stack.extend(reversed(n.items))
        elif isinstance(n, Not):
            stack.append(n.item)


def clauses_read(node: Node) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for n in walk(node):
        if isinstance(n, ClauseRef):
            seen.setdefault(n.clause, None)
    return tuple(seen)


@dataclasses.dataclass(frozen=True, slots=True)
class Document:
    """A source document the ruleset cites."""

    id: str
    issuer: str
    date: dt.date
    title: str
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class Citation:
    """Where a clause or a quotation stands in its source document."""

    document: str
    issuer: str
    date: dt.date
    title: str
    section: str
    item: str = ""

    def render(self, lang: str = "zh") -> str:
        return citation_text(
            self.document, self.issuer, self.date, self.title, self.section, self.item, lang
        )


def citation_text(
    document: str, issuer: str, date: dt.date, title: str, section: str, item: str, lang: str
) -> str:
    """A citation as one line of Chinese (``zh``) or English text."""
    if lang == "zh":
        where = section + (f"第{item}项" if item.isdigit() else item)
        return f"{issuer}《{title}》（{document}，{date.isoformat()}）{where}"
    where = section + (f", item {item}" if item else "")
    return f"{document} ({issuer}, {date.isoformat()}) «{title}», {where}"


@dataclasses.dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim passage of a source document, with its citation."""

    text: str
    citation: Citation
    loc: Location = _loc()


@dataclasses.dataclass(frozen=True, slots=True)
class Element:
    """One element of a clause's wording: the phrase it quotes and the test that encodes it."""

    id: str
    phrases: tuple[str, ...]
    test: Node
    note: str = ""
    loc: Location = _loc()

    @property
    def phrase(self) -> str:
        return "……".join(self.phrases)


@dataclasses.dataclass(frozen=True, slots=True)
class Example:
    """A filing kept beside a clause: one where it holds, or a near miss failing on one element."""

    name: str
    holds: bool
    filing: tuple[tuple[str, object], ...]  # the filing document, frozen as sorted items
    fails_on: str = ""  # the single element a near miss fails on
    note: str = ""
    loc: Location = _loc()

    def filing_data(self) -> dict[str, object]:
        return _thaw(self.filing)  # type: ignore[return-value]


def freeze(value: object) -> object:
    """A hashable, order-independent image of a JSON-like value."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), freeze(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("__list__", *(freeze(v) for v in value))
    return value


def _thaw(value: object) -> object:
    if isinstance(value, tuple):
        if value and value[0] == "__list__":
            return [_thaw(v) for v in value[1:]]
        return {k: _thaw(v) for k, v in value}
    return value


@dataclasses.dataclass(frozen=True, slots=True)
class Clause:
    """One item of a list: its citation, verbatim text, elements and how they combine."""

    id: str
    list: ListKind
    citation: Citation
    text: str
    summary: str
    elements: tuple[Element, ...]
    holds_when: Node
    catch_all: bool = False
    examples: tuple[Example, ...] = ()
    loc: Location = _loc()
    #: for a bar: the positive clauses it takes out; empty for every other list
    bars: tuple[str, ...] = ()

    def element(self, element_id: str) -> Element:
        for e in self.elements:
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    @property
    def number(self) -> int:
        return int(self.id[1:])

    def sort_key(self) -> tuple[int, int]:
        """Negatives, positives, bars, companions; each by number."""
        return (_ORDER[self.list], self.number)


@dataclasses.dataclass(frozen=True, slots=True)
class Meta:
    """Version metadata of a ruleset."""

    label: str
    source: str
    effective: dt.date
    description: str = ""
    loc: Location = _loc()
