"""Verdict-level golden cases of filing model v1: every file under tests/v1/cases/ gives the
verdict it says it gives under the v1 rules (tests/v1/rules).

v1: delete with the v1 path. The bundled rules are filing model v2; their golden cases are
tests/cases/ (tests/test_golden_cases.py).

A case is one YAML file::

    description: what the case shows (which position of issue 3, which override)
    filing: {facts in the JSON shape of Filing}
    expect:
      status: eligible | ineligible | needs_determination | insufficient_facts
      decisive: [clause ids, in verdict order]
      overridden: [positive clause ids that hold but are overridden]
      missing_first: fact path          # optional: the leading missing fact

The cases run through :func:`rongcuo.evaluate` with the v1 rules, as a user of v1 would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.facts.model import Filing as FilingV1

from .conftest import V1_CASES

CASES = V1_CASES
FILES = sorted(CASES.glob("*.yaml"))
EXPECT_KEYS = {"status", "decisive", "overridden", "missing_first"}


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a case is a mapping"
    return data


LOADED = {p.name: _load(p) for p in FILES}


def test_cases_exist() -> None:
    assert len(FILES) >= 8


@pytest.mark.parametrize("name", sorted(LOADED))
def test_case_is_well_formed(name: str) -> None:
    case = LOADED[name]
    assert set(case) == {"description", "filing", "expect"}, name
    assert isinstance(case["description"], str) and case["description"].strip()
    expect = case["expect"]
    assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
    assert {"status", "decisive", "overridden"} <= set(expect)
    assert expect["status"] in {s.value for s in rongcuo.Status}
    # a case's filing is a valid filing on its own
    FilingV1.model_validate(case["filing"])


@pytest.mark.parametrize("name", sorted(LOADED))
def test_case(name: str, v1_rules: rongcuo.Ruleset) -> None:
    case = LOADED[name]
    expect = case["expect"]
    verdict = rongcuo.evaluate(case["filing"], rules=v1_rules)
    assert verdict.status.value == expect["status"], case["description"]
    assert [c.id for c in verdict.decisive] == expect["decisive"], case["description"]
    assert [c.id for c in verdict.overridden] == expect["overridden"], case["description"]
    if "missing_first" in expect:
        assert verdict.missing_facts, "an insufficient_facts case names missing facts"
        assert verdict.missing_facts[0].path == expect["missing_first"]
    # what a verdict states about itself agrees with the clause values it traced
    values = verdict.clause_values()
    for c in verdict.overridden:
        assert c.list == "positive" and values[c.id] == "true"
    if verdict.status is rongcuo.Status.INELIGIBLE and any(
        c.list == "negative" for c in verdict.decisive
    ):
        assert all(values[c.id] == "true" for c in verdict.decisive)


def test_case_decides_the_same_with_the_fast_path(v1_rules: rongcuo.Ruleset) -> None:
    from rongcuo.engine.decide import decide_status

    for name, case in LOADED.items():
        filing = FilingV1.model_validate(case["filing"])
        assert decide_status(filing, v1_rules).value == case["expect"]["status"], name


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
