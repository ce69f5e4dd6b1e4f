"""Evaluation backends: who computes each clause's truth.

``native``
    The compiled three-valued evaluator (:class:`rongcuo.evaluate.Program`). The default.
``durable``
    An independent second evaluator: the same YAML predicates translated into durable-rules
    rulesets (:mod:`rongcuo.backends.durable`). Slower, and its C core is less trusted; it exists
    so the two can be checked against each other.

Both return ``{clause id: Truth}``; the same decision procedure turns that into a verdict.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

from ..evaluate import Truth
from ..model import Filing
from ..ruleset import Ruleset

__all__ = ["BACKENDS", "Backend", "clause_values"]

Backend = Literal["native", "durable"]
BACKENDS: Final[tuple[str, ...]] = get_args(Backend)


def clause_values(
    filing: Filing, rules: Ruleset, *, backend: Backend = "native"
) -> dict[str, Truth]:
    """Every clause's truth on ``filing``, in ruleset order, computed by ``backend``."""
    if backend == "native":
        return rules.program.values(filing)
    if backend == "durable":
        from .durable import durable_program

        return durable_program(rules).values(filing)
    raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")
