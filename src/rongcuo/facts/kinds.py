"""The type of a filing of any filing model, for code that reads every model alike.

A ruleset reads filings with its own model (:attr:`rongcuo.rules.ruleset.Ruleset.filing_model`):
the generated :class:`rongcuo.facts.v2.Filing` of the bundled declaration, a model built from
another declaration, or the v1 model of a ruleset without ``facts.yaml``. The engine, the
receipts and the analysis read a filing through the model's fact vector and getters, so their
signatures take any of them. Each model is a class of its own (a declaration's model is generated
at run time), so no static type names them all: ``Any``, with the run-time check at the entry
(:meth:`rongcuo.facts.models.FilingModel.owns`, ``filing_model_mismatch``).
"""

from __future__ import annotations

from typing import Any, TypeAlias

__all__ = ["AnyFiling"]

#: a filing of any filing model
AnyFiling: TypeAlias = Any
