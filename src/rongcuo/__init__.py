"""rongcuo (容错): screen 容错免责备案 filings against 平纪发〔2022〕4号.

The pipeline, one module a stage::

    model      the filing: facts that may each be unknown          (Filing, filing_json_schema)
    load       rule files -> checked, compiled Ruleset              (load_ruleset, bundled_ruleset)
    check      static checks of rules against the model
    evaluate   three-valued evaluation of clause predicates (codegen: the same, generated)
    engine     negatives first, then positives -> Verdict           (evaluate)
    render     the verdict as text in Chinese or English            (render_text)

Quick start::

    >>> import rongcuo
    >>> verdict = rongcuo.evaluate({"subject": {"kind": "unit"}})
    >>> verdict.status.value
    'insufficient_facts'
"""

from __future__ import annotations

from .engine import evaluate
from .errors import FilingError, Location, Problem, RongcuoError, RulesError, VerdictError
from .evaluate import Truth
from .filings import load_filing, parse_filing
from .load import bundled_ruleset, load_ruleset, load_ruleset_texts
from .model import Filing, filing_json_schema
from .render import render_text
from .ruleset import Ruleset
from .verdict import Status, Verdict
from .verify import verify

__version__ = "0.1.0"

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
    "filing_json_schema",
    "load_filing",
    "load_ruleset",
    "load_ruleset_texts",
    "parse_filing",
    "render_text",
    "verify",
]
