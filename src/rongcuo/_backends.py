"""Evaluation backends other than the native one, named here and imported on first use.

The engine must not import the stages above it (``tests/test_layout.py``), yet ``backend="durable"``
has to work whoever imports the engine first — ``rongcuo.evaluate``, ``rongcuo.engine.decide``
directly, or a worker process that unpickles a task. So each backend is named by the module and
function that compute its clause truths, resolved with :func:`importlib.import_module` when a
filing first asks for it. Nothing here imports anything at import time.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Final

__all__ = ["BACKEND_TARGETS", "resolve"]

#: backend name -> "module:function" computing ``{clause id: Truth}`` from ``(filing, rules)``
BACKEND_TARGETS: Final[dict[str, str]] = {
    "durable": "rongcuo.testing.durable:durable_values",
}


def resolve(name: str) -> Callable[..., Any] | None:
    """The clause-truth function of backend ``name``, imported now; None for an unknown name."""
    target = BACKEND_TARGETS.get(name)
    if target is None:
        return None
    module, _, function = target.partition(":")
    values: Callable[..., Any] = getattr(importlib.import_module(module), function)
    return values
