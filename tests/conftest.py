from __future__ import annotations

from pathlib import Path

import pytest

import rongcuo

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
SOURCE = ROOT / "sources" / "000_f1ae07dbc221a5ab.txt"


@pytest.fixture(scope="session")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(RULES)
