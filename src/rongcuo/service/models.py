"""The shapes the HTTP service answers with, as pydantic models: they build its OpenAPI document.

The verdict itself is :class:`rongcuo.Verdict` and the filing :class:`rongcuo.Filing`; these are
the service's own envelopes around them. Errors follow RFC 9457 (problem details), each problem
in the one error shape of :func:`rongcuo.errors.problem_data`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..verdict.verdict import Verdict

__all__ = [
    "BatchAnswer",
    "BatchItem",
    "ClauseDetail",
    "ClauseInfo",
    "ErrorItem",
    "ErrorLocation",
    "ExampleInfo",
    "Health",
    "ProblemDocument",
    "RulesetInfo",
    "Schemas",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ErrorLocation(_Out):
    """Where a problem is: a JSON path into the document, and its line and column when known."""

    path: str = Field(examples=["$.matter.causes[1]"])
    file: str | None = None
    line: int | None = None
    col: int | None = None


class ErrorItem(_Out):
    """One coded problem (:func:`rongcuo.errors.problem_data`)."""

    code: str = Field(description="a stable code of docs/errors.md", examples=["json_syntax"])
    location: ErrorLocation
    message: str = Field(description="in the language the request asked for")
    hint: str | None = None
    message_en: str | None = Field(None, description="the English message, when lang is zh")
    message_zh: str | None = Field(None, description="the Chinese message, when lang is en")


class ProblemDocument(_Out):
    """An RFC 9457 problem details document (``application/problem+json``)."""

    type: str = Field(examples=["https://rongcuo.invalid/problems/filing"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ErrorItem]


class BatchItem(_Out):
    """The answer for one filing of a batch: its verdict, or the problem document saying why
    there is none."""

    index: int = Field(description="the filing's position in the request, from 0")
    verdict: Verdict | None = None
    problem: ProblemDocument | None = None


class BatchAnswer(_Out):
    """The answers to a batch, one for each filing, in request order."""

    count: int
    verdicts: int = Field(description="how many filings have a verdict")
    errors: int = Field(description="how many filings are invalid")
    results: list[BatchItem]


class ExampleInfo(_Out):
    """A filing kept beside a clause in the rules: one where it holds, or a near miss."""

    name: str
    holds: bool
    filing: dict[str, Any]


class ClauseInfo(_Out):
    """A clause of the ruleset: its list, verbatim text, summary and citation."""

    id: str
    list: str
    text: str
    summary: str
    citation: str
    catch_all: bool


class ClauseDetail(ClauseInfo):
    """A clause with its elements (each with the words of the clause it tests) and examples."""

    elements: list[dict[str, Any]]
    examples: list[ExampleInfo]


class RulesetInfo(_Out):
    """The ruleset the service loaded at start-up."""

    label: str
    source: str
    effective: dt.date
    digest: str
    clauses: list[ClauseInfo]


class Schemas(_Out):
    """The JSON Schemas of a filing (the request) and of a verdict (the answer)."""

    filing: dict[str, Any]
    verdict: dict[str, Any]


class Health(_Out):
    status: str = Field(examples=["ok"])
    version: str
    ruleset: str
    digest: str
