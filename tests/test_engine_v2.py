"""The verdict path on a v2 ruleset (rules/, filing model v2), through the public API: the
behaviours tests/test_engine.py checks on the v1 rules, translated to v2 facts, and what v2 adds
(the ruleset's own filing model, missing facts with their questions and record paths, partial
values in the trace and in both renderings)."""

from __future__ import annotations

import pytest

import rongcuo
from rongcuo.errors import FilingError

from .conftest import ROOT


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(ROOT / "rules")


def test_a_filing_of_another_model_is_refused(
    rules: rongcuo.Ruleset, v1_rules: rongcuo.Ruleset
) -> None:  # v1: delete with the v1 path (the other model at hand is v1's)
    v1 = rongcuo.parse_filing({"subject": {"kind": "unit"}}, rules=v1_rules)
    with pytest.raises(FilingError) as info:
        rongcuo.evaluate(v1, rules=rules)
    assert [p.code for p in info.value.problems] == ["filing_model_mismatch"]
    v2 = rongcuo.parse_filing({"subject": {"kind": "unit"}}, rules=rules)
    with pytest.raises(FilingError) as info:
        rongcuo.evaluate(v2, rules=v1_rules)
    assert [p.code for p in info.value.problems] == ["filing_model_mismatch"]
    assert "备案模型" in str(info.value.problems[0].message_zh)
