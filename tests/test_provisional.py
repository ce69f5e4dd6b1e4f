"""The provisional outcome (issue 12, item 1): for an insufficient_facts verdict of filing model
v2, what follows if the open negatives (and bars) are ruled out — never presented as the status.

Each expectation is read from the case notes: which clause the removed fact opens, and what the
case decides once it is known.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

import rongcuo

from .conftest import ROOT

CASES = ROOT / "tests" / "cases-v2"
INSUFFICIENT = rongcuo.Status.INSUFFICIENT_FACTS


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(ROOT / "rules-v2")


def _case(name: str) -> dict[str, Any]:
    (found,) = sorted(CASES.glob(f"{name}-*.yaml"))
    data: dict[str, Any] = yaml.safe_load(found.read_text(encoding="utf-8"))
    return data


def _without_history(name: str) -> dict[str, Any]:
    filing = copy.deepcopy(_case(name)["filing"])
    del filing["history"]
    return filing


# (case, how it is opened, provisional outcome, rests on, pending): the case's record of earlier
# exemptions removed opens N8 (此前因同类失误获得过容错免责) and nothing else
OPENED = [
    # 01: P3 holds, every negative false: eligible under P3, pending N8
    ("01", "eligible", ("P3",), ("N8",)),
    # 12: B1 takes P3 out; only the catch-alls remain: needs_determination, pending N8
    ("12", "needs_determination", ("N9", "P15"), ("N8",)),
    # 30: P15 determined not to hold, nothing else on the positive list: ineligible on P15
    ("30", "ineligible", ("P15",), ("N8",)),
]


@pytest.mark.parametrize(("name", "outcome", "rests_on", "pending"), OPENED)
def test_the_outcome_once_n8_is_ruled_out(
    name: str,
    outcome: str,
    rests_on: tuple[str, ...],
    pending: tuple[str, ...],
    rules: rongcuo.Ruleset,
) -> None:
    filing = _without_history(name)
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is INSUFFICIENT
    p = verdict.provisional
    assert p is not None
    assert (p.outcome.value, p.rests_on, p.pending) == (outcome, rests_on, pending)
    # ruling N8 out as the case does (never exempted) gives exactly that outcome
    settled = rongcuo.evaluate(_case(name)["filing"], rules=rules)
    assert settled.status.value == outcome
    assert settled.provisional is None


def test_an_open_bar_is_pending_too(rules: rongcuo.Ruleset) -> None:
    """Case 01 without saying whether the act defied a ban already issued: B1 (蓄意违纪违法) is
    open and would take P3 out; no negative reads it (N1 needs a breach of 党章党规党纪 or state law
    by an explicit prohibition, which case 01's act is not)."""
    filing = copy.deepcopy(_case("01")["filing"])
    del filing["acts"][0]["defied_known_ban"]
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is INSUFFICIENT
    p = verdict.provisional
    assert p is not None
    assert (p.outcome, p.rests_on, p.pending) == (rongcuo.Status.ELIGIBLE, ("P3",), ("B1",))


@pytest.mark.parametrize("name", ["16", "27", "28"])
def test_absent_where_the_positives_still_wait_for_facts(name: str, rules: rongcuo.Ruleset) -> None:
    """16: P13's date element is open, no negative; 27: P3's own no-gain element is open (B2 with
    it); 28: further acts may take P3 away. Ruling negatives out decides nothing: no provisional
    outcome is invented, and the JSON has no such key."""
    verdict = rongcuo.evaluate(_case(name)["filing"], rules=rules)
    assert verdict.status is INSUFFICIENT
    assert verdict.provisional is None
    assert "provisional" not in json.loads(verdict.to_json())


def test_case_26_eligible_pending_n5(rules: rongcuo.Ruleset) -> None:
    """26: P3 holds and only N5 is open (a serious mass or public-opinion incident not yet ruled
    out)."""
    p = rongcuo.evaluate(_case("26")["filing"], rules=rules).provisional
    assert p is not None
    assert (p.outcome, p.rests_on, p.pending) == (rongcuo.Status.ELIGIBLE, ("P3",), ("N5",))


def test_json_and_both_renderings_never_present_it_as_the_status(rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(_without_history("01"), rules=rules)
    data = json.loads(verdict.to_json())
    assert data["status"] == "insufficient_facts"
    assert data["provisional"] == {"outcome": "eligible", "rests_on": ["P3"], "pending": ["N8"]}
    zh = rongcuo.render_text(verdict, lang="zh")
    en = rongcuo.render_text(verdict, lang="en")
    assert zh.splitlines()[0] == "结论: 事实不足，尚不能判断 (insufficient_facts)"
    assert en.splitlines()[0] == "Status: not enough facts to decide (insufficient_facts)"
    assert (
        "暂定（并非结论）：若排除 N8，结论将为“可以纳入容错免责备案范围”（eligible），依据 P3。"
        in zh
    )
    assert (
        "Provisional, not the status: if N8 is ruled out, the status would be "
        "“eligible for filing” (eligible), under P3." in en
    )
    # read back from JSON, it is the same verdict, and the receipt covers it
    again = rongcuo.Verdict.model_validate_json(verdict.to_json())
    assert again == verdict and again.provisional == verdict.provisional
    assert rongcuo.verify(verdict.to_json(), _without_history("01"), rules=rules) == verdict
    altered = dict(data, provisional={"outcome": "ineligible", "rests_on": [], "pending": []})
    with pytest.raises(rongcuo.VerdictError):
        rongcuo.verify(json.dumps(altered, ensure_ascii=False), _without_history("01"), rules=rules)


def test_settled_verdicts_have_none(rules: rongcuo.Ruleset) -> None:
    for name in ("01", "12", "13", "30"):
        verdict = rongcuo.evaluate(_case(name)["filing"], rules=rules)
        assert verdict.provisional is None
        assert "provisional" not in json.loads(verdict.to_json())


def test_v1_rulesets_have_none() -> None:
    v1 = rongcuo.load_ruleset(ROOT / "rules")
    if v1.program.catalogue is not None:
        pytest.skip("rules/ is filing model v2")
    verdict = rongcuo.evaluate({"subject": {"kind": "unit"}}, rules=v1)  # v1: delete at the flip
    assert verdict.status is INSUFFICIENT and verdict.provisional is None
    data = json.loads(verdict.to_json())
    assert not {"provisional", "missing_method", "question_sets"} & set(data)
