"""Verdict-level golden cases of the bundled rules (filing model v2): every file under tests/cases/
gives the verdict it says it gives under rules/, through the public :func:`rongcuo.evaluate`.
The v1 golden cases are tests/v1/cases/ (tests/test_golden_cases_v1.py).

A case is one YAML file::

    description: what the case shows
    note: why each clause comes out as it does
    filing: {a v2 filing in its document shape}
    expect:
      status: eligible | ineligible | needs_determination | insufficient_facts
      decisive: [clause ids, in verdict order]
      overridden: [positives that hold but a negative overrides]
      barred: [positives that hold but a bar takes out]       # optional, default []
      bars: [bars that hold]                                   # optional, default []
      companions: [companions that hold]                       # optional, default []
      missing_first: fact path                                 # optional: the leading missing fact

Unknown companions are reported beside the verdict too (value ``unknown``); ``companions``
lists those that hold.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo

from .conftest import ROOT

CASES = ROOT / "tests" / "cases"
FILES = sorted(CASES.glob("*.yaml"))
EXPECT_KEYS = {
    "status",
    "decisive",
    "overridden",
    "barred",
    "bars",
    "companions",
    "missing_first",
}


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a case is a mapping"
    return data


LOADED = {p.name: _load(p) for p in FILES}


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(ROOT / "rules")


def test_cases_exist() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("name", sorted(LOADED))
def test_case_is_well_formed(name: str, rules: rongcuo.Ruleset) -> None:
    case = LOADED[name]
    assert (
        {"description", "filing", "expect"}
        <= set(case)
        <= {
            "description",
            "note",
            "filing",
            "expect",
        }
    )
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    assert {"status", "decisive", "overridden"} <= set(expect)
    assert expect["status"] in {s.value for s in rongcuo.Status}
    # a case's filing is a valid filing of the ruleset's model on its own
    assert rules.filing_model.owns(rongcuo.parse_filing(case["filing"], rules=rules))


@pytest.mark.parametrize("name", sorted(LOADED))
def test_case(name: str, rules: rongcuo.Ruleset) -> None:
    case = LOADED[name]
    expect = case["expect"]
    why = case["description"]
    verdict = rongcuo.evaluate(case["filing"], rules=rules)
    assert verdict.status.value == expect["status"], why
    assert [c.id for c in verdict.decisive] == expect["decisive"], why
    assert [c.id for c in verdict.overridden] == expect["overridden"], why
    assert [c.id for c in verdict.barred] == expect.get("barred", []), why
    assert [c.id for c in verdict.bars] == expect.get("bars", []), why
    holding = [c.id for c in verdict.companions if c.value == "true"]
    assert holding == expect.get("companions", []), why
    if "missing_first" in expect:
        assert verdict.missing_facts, "an insufficient_facts case names missing facts"
        assert verdict.missing_facts[0].path == expect["missing_first"]
    if verdict.status is rongcuo.Status.INSUFFICIENT_FACTS:
        assert verdict.missing_facts, why
    else:
        assert not verdict.missing_facts, why
    # what a verdict states about itself agrees with the clause values it traced
    values = verdict.clause_values()
    for c in verdict.overridden:
        assert c.list == "positive" and values[c.id] == "true"
    for c in verdict.barred:
        assert values[c.id] == "true" and c.barred_by
        assert set(c.barred_by) <= {b.id for b in verdict.bars}
    for c in verdict.companions:
        assert values[c.id] == c.value != "false"


@pytest.mark.parametrize("name", sorted(LOADED))
def test_case_decides_the_same_on_the_fast_path(name: str, rules: rongcuo.Ruleset) -> None:
    from rongcuo.engine.decide import decide_status

    filing = rongcuo.parse_filing(LOADED[name]["filing"], rules=rules)
    assert decide_status(filing, rules).value == LOADED[name]["expect"]["status"]


def test_cases_cover_what_issue_3_asks_for() -> None:
    expects = [c["expect"] for c in LOADED.values()]
    overrides = [
        e for e in expects if e["status"] == "ineligible" and e["overridden"] and e["decisive"]
    ]
    # at least five where a negative overrides a positive that holds
    assert len({tuple(e["decisive"]) for e in overrides if e["decisive"][0][0] == "N"}) >= 5
    # several positives holding together
    assert any(e["status"] == "eligible" and len(e["decisive"]) >= 2 for e in expects)
    # insufficient facts, with the expected leading missing fact
    assert any(e["status"] == "insufficient_facts" and "missing_first" in e for e in expects)
    assert {e["status"] for e in expects} == {s.value for s in rongcuo.Status}
    # and what v2 adds: a positive a bar takes out, and a companion measure that holds
    assert any(e.get("barred") for e in expects)
    assert any(e.get("companions") for e in expects)
