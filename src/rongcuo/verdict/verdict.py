"""The verdict: an answer with its reasons, as data.

A :class:`Verdict` holds the status, the clauses that decided it (quoted and cited), positives
that held but were overridden, positives that held but were barred and the bars that hold, the
companion rules that hold or may (reported beside the status, never changing it), the facts still
missing (for filing model v2 with the method that found them, and the provisional outcome: what
would follow if the open negatives were ruled out), what the source documents attach to the
status, the element-by-element trace of every clause, and the ruleset's label and digest.
It is immutable and serialises deterministically: the same filing under the same ruleset gives
the same JSON, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from typing import Any, Final, Literal, Protocol, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidatorFunctionWrapHandler,
    computed_field,
    model_validator,
)
from pydantic_core import InitErrorDetails

from ..facts.titled import TitledEnum

__all__ = [
    "VERDICT_FORMAT",
    "CitationOut",
    "CitedClause",
    "ClauseRead",
    "ClauseTrace",
    "Derivation",
    "Determination",
    "ElementTrace",
    "FactRead",
    "MissingFact",
    "Provisional",
    "QuoteOut",
    "RulesetRef",
    "Status",
    "TruthValue",
    "Verdict",
    "verdict_json_schema",
]

TruthValue = Literal["true", "false", "unknown"]
#: the ``format`` of verdict JSON: the document type and the version of its shape
VERDICT_FORMAT: Final = "rongcuo.verdict/1"
#: the lists a clause can belong to (``rongcuo.rules.syntax.ListKind``)
ListName = Literal["positive", "negative", "bar", "companion"]
_set = object.__setattr__


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

    @classmethod
    def _made(cls, fields: dict[str, Any], private: dict[str, Any] | None = None) -> Self:
        """An instance from values the engine made and checked: what ``model_construct`` does,
        without its per-field bookkeeping. ``fields`` must hold every field."""
        made = cls.__new__(cls)
        _set(made, "__dict__", fields)
        _set(made, "__pydantic_fields_set__", set(fields))
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", private)
        return made


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
    list: ListName
    value: TruthValue
    catch_all: bool
    elements: tuple[ElementTrace, ...]


class Determination(_Frozen):
    """认定：对兜底条款的人工认定, as the verdict quotes it (its date exact, as a filing must
    give it)."""

    holds: bool
    decided_by: str
    decided_on: dt.date
    reason: str


class CitedClause(_Frozen):
    """A clause the verdict cites, with its citation and verbatim text; for a barred positive,
    the bars (that hold) that take it out."""

    id: str
    list: ListName
    value: TruthValue
    citation: CitationOut
    text: str
    summary: str
    determination: Determination | None = None
    barred_by: tuple[str, ...] = ()


class MissingFact(_Frozen):
    """A fact whose value could change the outcome, and the clauses waiting on it.

    ``path`` is the fact's path; a field of a record is named by the record's place in the
    filing as a document writes it, 0-based (``acts[1].kind``: the kind of the second act).
    ``question_zh``/``question_en`` are the declared questions that ask for it (empty under a
    ruleset whose facts declare none).
    """

    path: str
    title_zh: str
    title_en: str
    clauses: tuple[str, ...]
    # left out when empty (a ruleset without a facts declaration), so that such a verdict dumps,
    # and is receipted, as before the fields existed
    question_zh: str = Field(default="", exclude_if=operator.not_)
    question_en: str = Field(default="", exclude_if=operator.not_)


class Provisional(_Frozen):
    """What would follow if the open negatives were ruled out (filing model v2, for an
    ``insufficient_facts`` verdict only; docs/questions.md). It is not the status.

    ``outcome``: the status the decision gives once every negative (not a catch-all) and every
    bar still unknown is taken as not holding, the other clauses as they are; ``rests_on``: the
    clauses that outcome cites (the positives that then hold, or the catch-alls); ``pending``: the
    open negatives and bars it waits for, in ruleset order.
    """

    outcome: Status
    rests_on: tuple[str, ...]
    pending: tuple[str, ...]


#: how the missing facts were found: ``z3`` (exact, with the sets of them that decide the
#: status) or ``walk`` (the unknown facts under the undecided parts of the waiting clauses)
MissingMethod = Literal["", "walk", "z3"]


class RulesetRef(_Frozen):
    label: str
    effective: dt.date
    digest: str


def _absent(value: object) -> bool:
    return value is None


class Verdict(_Frozen):
    """The outcome of screening one filing.

    ``trace`` and ``receipt`` are derived: a verdict made by :func:`rongcuo.evaluate` holds the
    truth of every element and clause, and quotes them into the element trace (and hashes the
    receipt) the first time either is read or the verdict is serialised; a verdict read back from
    JSON holds them as stored. Either way they read and serialise as ordinary fields.

    ``format`` names the document format and its version (:data:`VERDICT_FORMAT`); a stored
    verdict must carry it, and a change to the JSON shape that breaks readers bumps it.
    """

    format: Literal["rongcuo.verdict/1"]
    status: Status
    filing_id: str | None = None
    as_of: dt.date | None = None
    decisive: tuple[CitedClause, ...]
    overridden: tuple[CitedClause, ...] = ()
    #: positives that hold but are taken out by a bar that holds (each with ``barred_by``)
    barred: tuple[CitedClause, ...] = ()
    #: bars that hold
    bars: tuple[CitedClause, ...] = ()
    #: companion clauses that hold or are unknown, with their truth; they never change the status
    companions: tuple[CitedClause, ...] = ()
    missing_facts: tuple[MissingFact, ...] = ()
    #: filing model v2, ``insufficient_facts``: what follows if the open negatives are ruled out
    #: (absent where nothing would follow: the positives still wait for facts). Not the status.
    provisional: Provisional | None = Field(default=None, exclude_if=_absent)
    #: filing model v2, ``insufficient_facts``: how ``missing_facts`` were found
    missing_method: MissingMethod = Field(default="", exclude_if=operator.not_)
    #: with ``missing_method: z3``: the smallest sets of the missing facts (their paths) that
    #: decide the status, cheapest first; answering every fact of one settles the status
    question_sets: tuple[tuple[str, ...], ...] = Field(default=(), exclude_if=operator.not_)
    consequences: tuple[QuoteOut, ...] = ()
    ruleset: RulesetRef
    #: how to build the trace and the receipt, for a verdict the engine made (see the engine)
    _derive: Derivation | None = PrivateAttr(default=None)

    @classmethod
    def _made(cls, fields: dict[str, Any], private: dict[str, Any] | None = None) -> Self:
        # the engine gives the outcome; the format is the verdict's own
        return super()._made({"format": VERDICT_FORMAT, **fields}, private)

    @computed_field  # type: ignore[prop-decorator]
    @functools.cached_property
    def trace(self) -> tuple[ClauseTrace, ...]:
        """Every clause, element by element: what each read and what it came to."""
        return self._derive.trace() if self._derive is not None else ()

    @computed_field  # type: ignore[prop-decorator]
    @functools.cached_property
    def receipt(self) -> str:
        """``sha256:…``, binding this verdict to its ruleset and filing
        (:mod:`rongcuo.verdict.receipt`)."""
        return self._derive.receipt(self) if self._derive is not None else ""

    @model_validator(mode="wrap")
    @classmethod
    def _stored(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """A stored verdict brings its trace and receipt: check them and keep them as they are."""
        if not isinstance(data, dict) or not ("trace" in data or "receipt" in data):
            return handler(data)
        data = dict(data)
        derived = _Derived.model_validate({k: data.pop(k) for k in _DERIVED if k in data})
        verdict = handler(data)
        verdict.__dict__.update(trace=derived.trace, receipt=derived.receipt)
        return verdict

    def __getstate__(self) -> dict[Any, Any]:
        # a pickled verdict is data: its trace and receipt, not the ruleset that would build them
        for name in _DERIVED:
            getattr(self, name)
        state = super().__getstate__()
        state["__pydantic_private__"] = {"_derive": None}
        return state

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DERIVED:  # frozen like the fields (pydantic would let a cached property be set)
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [InitErrorDetails(type="frozen_instance", loc=(name,), input=value)],
            )
        super().__setattr__(name, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __hash__(self) -> int:
        return hash((self.status, self.filing_id, self.receipt))

    def to_json(self, *, indent: int | None = 2) -> str:
        """Deterministic JSON; Chinese is written as is, not escaped.

        The same text as ``model_dump_json(indent=indent)``; for a verdict the engine made, the
        trace is written from the ruleset's template (:mod:`rongcuo.engine.explain`), not built
        as objects first.
        """
        if self._derive is not None:
            text = self._derive.json(self, indent)
            if text is not None:
                return text
        return self.model_dump_json(indent=indent)

    def clause_values(self) -> dict[str, TruthValue]:
        """Each traced clause's truth, by id."""
        return {c.id: c.value for c in self.trace}


_DERIVED = ("trace", "receipt")


class _Derived(_Frozen):
    """The derived fields of a stored verdict, as they were stored."""

    trace: tuple[ClauseTrace, ...] = ()
    receipt: str = ""


class Derivation(Protocol):
    """What a verdict needs to build its trace and receipt when first asked for them."""

    def trace(self) -> tuple[ClauseTrace, ...]: ...

    def receipt(self, verdict: Verdict) -> str: ...

    def json(self, verdict: Verdict, indent: int | None) -> str | None:
        """The verdict's JSON, as ``model_dump_json(indent=indent)`` writes it, or ``None``."""


def verdict_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of verdict JSON, as :meth:`Verdict.to_json` writes it."""
    schema = Verdict.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"rongcuo verdict ({VERDICT_FORMAT})",
        **{k: v for k, v in schema.items() if k != "title"},
    }
