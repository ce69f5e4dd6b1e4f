"""The verdict: an answer with its reasons, as data.

A :class:`Verdict` holds the status, the clauses that decided it (quoted and cited), positives
that held but were overridden, the facts still missing, what the source documents attach to the
status, the element-by-element trace of every clause, and the ruleset's label and digest.
It is immutable and serialises deterministically: the same filing under the same ruleset gives
the same JSON, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .model import Determination, TitledEnum

__all__ = [
    "CitationOut",
    "CitedClause",
    "ClauseRead",
    "ClauseTrace",
    "ElementTrace",
    "FactRead",
    "MissingFact",
    "QuoteOut",
    "RulesetRef",
    "Status",
    "TruthValue",
    "Verdict",
]

TruthValue = Literal["true", "false", "unknown"]


class Status(TitledEnum):
    """The four outcomes of screening a filing."""

    ELIGIBLE = "eligible", "可以纳入容错免责备案范围", "eligible for filing"
    INELIGIBLE = "ineligible", "不予容错免责备案", "not eligible for filing"
    NEEDS_DETERMINATION = (
        "needs_determination",
        "需经认定（仅兜底条款可能适用）",
        "needs a human determination (only a catch-all clause can apply)",
    )
    INSUFFICIENT_FACTS = (
        "insufficient_facts",
        "事实不足，尚不能判断",
        "not enough facts to decide",
    )


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class CitationOut(_Frozen):
    document: str
    issuer: str
    date: dt.date
    title: str
    section: str
    item: str


class QuoteOut(_Frozen):
    text: str
    citation: CitationOut


class FactRead(_Frozen):
    """A fact a clause element read, and its value; ``known: false`` when unknown."""

    path: str
    known: bool
    value: Any = None


class ClauseRead(_Frozen):
    """Another clause an element read, and its truth."""

    clause: str
    value: TruthValue


class ElementTrace(_Frozen):
    id: str
    phrase: str
    value: TruthValue
    facts: tuple[FactRead, ...]
    clauses: tuple[ClauseRead, ...] = ()
    note: str = ""


class ClauseTrace(_Frozen):
    id: str
    list: Literal["positive", "negative"]
    value: TruthValue
    catch_all: bool
    elements: tuple[ElementTrace, ...]


class CitedClause(_Frozen):
    """A clause that decided the verdict, with its citation and verbatim text."""

    id: str
    list: Literal["positive", "negative"]
    value: TruthValue
    citation: CitationOut
    text: str
    summary: str
    determination: Determination | None = None


class MissingFact(_Frozen):
    """A fact whose value could change the outcome, and the clauses waiting on it."""

    path: str
    title_zh: str
    title_en: str
    clauses: tuple[str, ...]


class RulesetRef(_Frozen):
    label: str
    effective: dt.date
    digest: str


class Verdict(_Frozen):
    """The outcome of screening one filing."""

    status: Status
    filing_id: str | None = None
    as_of: dt.date | None = None
    decisive: tuple[CitedClause, ...]
    overridden: tuple[CitedClause, ...] = ()
    missing_facts: tuple[MissingFact, ...] = ()
    consequences: tuple[QuoteOut, ...] = ()
    trace: tuple[ClauseTrace, ...] = ()
    ruleset: RulesetRef
    receipt: str = ""

    def to_json(self, *, indent: int | None = 2) -> str:
        """Deterministic JSON; Chinese is written as is, not escaped."""
        return self.model_dump_json(indent=indent)

    def clause_values(self) -> dict[str, TruthValue]:
        """Each traced clause's truth, by id."""
        return {c.id: c.value for c in self.trace}
