"""rongcuo (容错): screen 容错免责备案 filings against 平纪发〔2022〕4号.

The pipeline, one sub-package a stage (imports go to earlier stages; tests/test_layout.py)::

    facts      the filing: facts that may each be unknown          (Filing, filing_json_schema)
    rules      rule files -> checked, compiled Ruleset              (load_ruleset, bundled_ruleset)
    engine     three-valued evaluation (codegen: the same, generated); negatives first, then
               positives -> Verdict                                 (evaluate)
    verdict    the verdict, as text in Chinese or English, its receipt and its verification
                                                                    (render_text, verify)
    analysis   solver, diff, lint, coverage, generated docs
    testing    Hypothesis strategies, the durable-rules second evaluator
    batch      streaming screen of many filings
    cli        the ``rongcuo`` command

Quick start::

    >>> import rongcuo
    >>> verdict = rongcuo.evaluate({"subject": {"kind": "unit"}})
    >>> verdict.status.value
    'insufficient_facts'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import FilingError, Location, Problem, RongcuoError, RulesError, VerdictError

if TYPE_CHECKING:
    from .analysis.questions import next_questions
    from .batch.many import evaluate_many
    from .engine.decide import evaluate
    from .engine.evaluate import Truth
    from .facts.filings import load_filing, parse_filing
    from .facts.v2 import Filing, filing_json_schema
    from .rules.load import bundled_ruleset, load_ruleset, load_ruleset_texts
    from .rules.ruleset import Ruleset
    from .verdict.render import render_text
    from .verdict.verdict import Status, Verdict
    from .verdict.verify import verify

# `import rongcuo` imports only the error tree: every other public name is imported when first
# used (PEP 562), so a process pays for pydantic, the filing model and the engine only when it
# needs them (tests/test_startup.py, docs/performance.md)
_LAZY: dict[str, str] = {
    "next_questions": ".analysis.questions",
    "evaluate_many": ".batch.many",
    "evaluate": ".engine.decide",
    "Truth": ".engine.evaluate",
    "load_filing": ".facts.filings",
    "parse_filing": ".facts.filings",
    "Filing": ".facts.v2",
    "filing_json_schema": ".facts.v2",
    "bundled_ruleset": ".rules.load",
    "load_ruleset": ".rules.load",
    "load_ruleset_texts": ".rules.load",
    "Ruleset": ".rules.ruleset",
    "render_text": ".verdict.render",
    "Status": ".verdict.verdict",
    "Verdict": ".verdict.verdict",
    "verify": ".verdict.verify",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rongcuo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    if module in (".engine.decide", ".batch.many", ".verdict.verify", ".analysis.questions"):
        _register_durable()
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


def _durable_values(filing: Filing, rules: Ruleset) -> dict[str, Truth]:
    """``backend="durable"``: the durable-rules evaluator, imported on first use."""
    from .testing.durable import durable_program

    return durable_program(rules).values(filing)


def _register_durable() -> None:
    # the engine does not import the durable backend (a stage above it): it is registered here,
    # when the engine is first reached through this module
    from .engine.decide import register_backend

    register_backend("durable", _durable_values)


__all__ = [
    "Filing",
    "FilingError",
    "Location",
    "Problem",
    "RongcuoError",
    "RulesError",
    "Ruleset",
    "Status",
    "Truth",
    "Verdict",
    "VerdictError",
    "__version__",
    "bundled_ruleset",
    "evaluate",
    "evaluate_many",
    "filing_json_schema",
    "load_filing",
    "load_ruleset",
    "load_ruleset_texts",
    "next_questions",
    "parse_filing",
    "render_text",
    "verify",
]
