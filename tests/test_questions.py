"""next_questions (issue 12, item 2): the facts whose answers can still change the status, and
the smallest sets of them that decide it. Expected questions come from the clauses' wording (the
note beside each case), not from the engine's output."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.analysis.questions import Questions, next_questions

from .conftest import ROOT

CASES = ROOT / "tests" / "cases-v2"


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(ROOT / "rules-v2")


def _case(name: str) -> dict[str, Any]:
    found = sorted(CASES.glob(f"{name}-*.yaml"))
    assert len(found) == 1, name
    data: dict[str, Any] = yaml.safe_load(found[0].read_text(encoding="utf-8"))
    return data


def relief_funds_record_open() -> dict[str, Any]:
    """Case 01 (P3: relief funds used for transitional housing, corrected in time, every
    negative ruled out by the facts) with the 纪委's record of earlier exemptions not yet
    checked: only N8 (此前因同类失误获得过容错免责) can still stand in the way."""
    filing = copy.deepcopy(_case("01")["filing"])
    del filing["history"]
    return filing


def test_relief_funds_with_the_record_open_asks_one_question(rules: rongcuo.Ruleset) -> None:
    q = next_questions(relief_funds_record_open(), rules)
    assert isinstance(q, Questions)
    assert q.status is rongcuo.Status.INSUFFICIENT_FACTS
    assert q.method == "z3"
    assert [f.path for f in q.facts] == ["history.exemptions"]
    assert q.sets == (("history.exemptions",),)
    (only,) = q.first
    assert only.list and only.clauses == ("N8",)
    assert "同类失误" in only.question_zh and "same kind" in only.question_en


def test_a_settled_filing_asks_nothing(rules: rongcuo.Ruleset) -> None:
    q = next_questions(_case("01")["filing"], rules)
    assert q.status is rongcuo.Status.ELIGIBLE
    assert q.facts == () and q.sets == () and q.first == ()
