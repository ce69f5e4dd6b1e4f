"""Commands of the rongcuo CLI for testing (registered by :mod:`rongcuo.cli`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
