from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

import rongcuo

# CI explores the same examples on every run, so a landing never hinges on a random draw; locally
# Hypothesis explores afresh each time (and keeps failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
SOURCE = ROOT / "sources" / "000_f1ae07dbc221a5ab.txt"


@pytest.fixture(scope="session")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(RULES)
