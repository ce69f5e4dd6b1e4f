"""The decision procedure, on the bundled rules and on real filings."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

import rongcuo
from rongcuo import Status
from rongcuo.facts.filings import load_filing

from .conftest import EXAMPLES

P3_FILING: dict[str, Any] = {
    "subject": {"kind": "unit", "organisation": "grassroots_unit"},
    "context": {"work_areas": ["people_service"]},
    "conduct": {"misconduct": []},
    "matter": {"irregularities": ["funds_use"], "error_kinds": ["spending"]},
    "motive": {"private_gain_for": []},
    "consequences": {"adverse_impact": "minor", "caused_incidents": [], "harmed_interests": []},
    "remedy": {"measures": "timely", "measures_effective": True, "rectification": "completed"},
    "violation": {"norms": [], "explicitly_prohibited": False},
    "history": {"exempted_error_kinds": []},
}


def with_(base: dict[str, Any], **groups: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for group, facts in groups.items():
        out.setdefault(group, {}).update(facts)
    return out


# v1: delete with the v1 path
def test_p3_filing_is_eligible_and_cites_p3(v1_rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(P3_FILING, rules=v1_rules)
    assert verdict.status is Status.ELIGIBLE
    assert [c.id for c in verdict.decisive] == ["P3"]
    p3 = verdict.decisive[0]
    assert p3.text == v1_rules.clause("P3").text
    assert p3.citation.document == "平纪发〔2022〕4号"
    assert p3.citation.item == "3"
    # what eligibility entails, quoted: exemption or reduction, and correction at the same time
    texts = [q.text for q in verdict.consequences]
    assert any("依规依纪予以免除或减轻" in t for t in texts)
    assert any("容纠并举" in t for t in texts)


# v1: delete with the v1 path
def test_any_negative_beats_every_positive(v1_rules: rongcuo.Ruleset) -> None:
    filing = with_(
        P3_FILING,
        conduct={"misconduct": ["falsification"]},
        consequences={"adverse_impact": "minor"},
    )
    verdict = rongcuo.evaluate(filing, rules=v1_rules)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N2"]
    assert [c.id for c in verdict.overridden] == ["P3"]
    assert any("不予容错免责备案" in q.text for q in verdict.consequences)


# v1: delete with the v1 path
def test_every_holding_negative_is_cited(v1_rules: rongcuo.Ruleset) -> None:
    filing = with_(
        P3_FILING,
        conduct={"misconduct": ["falsification", "exceeded_authority"]},
        consequences={"harmed_interests": ["public_interest"]},
        remedy={"rectification": "refused"},
    )
    verdict = rongcuo.evaluate(filing, rules=v1_rules)
    assert [c.id for c in verdict.decisive] == ["N2", "N7", "N8"]


# v1: delete with the v1 path
def test_unknown_fact_gives_insufficient_facts_naming_it(v1_rules: rongcuo.Ruleset) -> None:
    filing = copy.deepcopy(P3_FILING)
    del filing["consequences"]["adverse_impact"]
    verdict = rongcuo.evaluate(filing, rules=v1_rules)
    assert verdict.status is Status.INSUFFICIENT_FACTS
    paths = [m.path for m in verdict.missing_facts]
    assert "consequences.adverse_impact" in paths
    # it is decisive: it is read by N2 and N6 (negatives) and by P3
    missing = next(m for m in verdict.missing_facts if m.path == "consequences.adverse_impact")
    assert "P3" in missing.clauses or "N2" in missing.clauses


# v1: delete with the v1 path
def test_absent_is_unknown_not_false(v1_rules: rongcuo.Ruleset) -> None:
    # private_gain_for absent: P3's 没有谋取私利 is unknown, not met and not failed
    filing = copy.deepcopy(P3_FILING)
    del filing["motive"]["private_gain_for"]
    verdict = rongcuo.evaluate(filing, rules=v1_rules)
    assert verdict.status is Status.INSUFFICIENT_FACTS
    p3 = next(t for t in verdict.trace if t.id == "P3")
    element = next(e for e in p3.elements if e.id == "no_private_gain")
    assert element.value == "unknown"
    assert element.facts[0].known is False


# v1: delete with the v1 path
def test_missing_facts_are_ranked_most_decisive_first(v1_rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate({}, rules=v1_rules)
    assert verdict.status is Status.INSUFFICIENT_FACTS
    counts = [len(m.clauses) for m in verdict.missing_facts]
    assert counts == sorted(counts, reverse=True)
    top = {m.path for m in verdict.missing_facts[:3]}
    assert {"conduct.traits", "motive.private_gain_for"} <= top


def test_catch_alls_alone_need_a_determination() -> None:
    verdict = rongcuo.evaluate(load_filing(EXAMPLES / "needs-determination.yaml"))
    assert verdict.status is Status.NEEDS_DETERMINATION
    assert {c.id for c in verdict.decisive} == {"P15", "N9"}
    assert all(c.value == "false" for c in verdict.trace if not c.catch_all)


DETERMINATION = {
    "decided_by": "鲁山县纪委常委会",
    "decided_on": "2023-05-10",
    "reason": "经集体研究认定",
}


def test_recorded_p15_determination_decides_and_is_cited() -> None:
    filing = json.loads(
        load_filing(EXAMPLES / "needs-determination.yaml").model_dump_json(exclude_none=True)
    )
    filing["determinations"] = {"P15": {"holds": True, **DETERMINATION}}
    verdict = rongcuo.evaluate(filing)
    assert verdict.status is Status.ELIGIBLE
    assert [c.id for c in verdict.decisive] == ["P15"]
    assert verdict.decisive[0].determination is not None
    assert verdict.decisive[0].determination.decided_by == "鲁山县纪委常委会"


def test_p15_determined_not_to_hold_is_ineligible() -> None:
    filing = json.loads(
        load_filing(EXAMPLES / "needs-determination.yaml").model_dump_json(exclude_none=True)
    )
    filing["determinations"] = {"P15": {"holds": False, **DETERMINATION}}
    verdict = rongcuo.evaluate(filing)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["P15"]


# v1: delete with the v1 path
def test_n9_determination_overrides_a_holding_positive(v1_rules: rongcuo.Ruleset) -> None:
    filing = with_(P3_FILING, determinations={"N9": {"holds": True, **DETERMINATION}})
    verdict = rongcuo.evaluate(filing, rules=v1_rules)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N9"]
    assert [c.id for c in verdict.overridden] == ["P3"]


# v1: delete with the v1 path
def test_catch_all_without_determination_never_makes_facts_insufficient(
    v1_rules: rongcuo.Ruleset,
) -> None:
    verdict = rongcuo.evaluate(P3_FILING, rules=v1_rules)
    values = verdict.clause_values()
    assert values["N9"] == "unknown" and values["P15"] == "unknown"
    assert verdict.status is Status.ELIGIBLE


# v1: delete with the v1 path
def test_n1_yields_to_a_tolerating_positive_but_not_beyond_it(v1_rules: rongcuo.Ruleset) -> None:
    # an explicitly prohibited irregularity that P3 tolerates within its limits: not N1
    tolerated = with_(P3_FILING, violation={"norms": ["state_law"], "explicitly_prohibited": True})
    assert rongcuo.evaluate(tolerated, rules=v1_rules).status is Status.ELIGIBLE
    # the same, plus other prohibited conduct: N1
    beyond = with_(tolerated, matter={"irregularities": ["funds_use", "other_prohibited"]})
    verdict = rongcuo.evaluate(beyond, rules=v1_rules)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N1"]
    # P3 fails its own limits (impact significant): the prohibition is no longer tolerated
    outside = with_(tolerated, consequences={"adverse_impact": "significant"})
    assert [c.id for c in rongcuo.evaluate(outside, rules=v1_rules).decisive] == ["N1"]
    # knowingly defying a ban is N1 whatever positive might hold
    defiant = with_(tolerated, conduct={"misconduct": ["knowing_defiance"]})
    assert [c.id for c in rongcuo.evaluate(defiant, rules=v1_rules).decisive] == ["N1"]


# v1: delete with the v1 path
def test_n8_failing_to_rectify_is_not_refusing(v1_rules: rongcuo.Ruleset) -> None:
    tried = with_(P3_FILING, remedy={"rectification": "attempted_failed"})
    values = rongcuo.evaluate(tried, rules=v1_rules).clause_values()
    assert values["N8"] == "false"
    refused = with_(P3_FILING, remedy={"rectification": "refused"})
    assert rongcuo.evaluate(refused, rules=v1_rules).clause_values()["N8"] == "true"


# v1: delete with the v1 path
def test_n8_same_kind_repeat(v1_rules: rongcuo.Ruleset) -> None:
    same = with_(P3_FILING, history={"exempted_error_kinds": ["spending"]})
    assert rongcuo.evaluate(same, rules=v1_rules).clause_values()["N8"] == "true"
    other = with_(P3_FILING, history={"exempted_error_kinds": ["decision"]})
    assert rongcuo.evaluate(other, rules=v1_rules).clause_values()["N8"] == "false"


# v1: delete with the v1 path
def test_p13_date_bound(v1_rules: rongcuo.Ruleset) -> None:
    base = {"matter": {"irregularities": ["discipline_or_law"]}}
    for day, want in (("2012-11-07", "true"), ("2012-11-08", "false")):
        verdict = rongcuo.evaluate(with_(base, matter={"conduct_ended_on": day}), rules=v1_rules)
        element = next(
            e
            for e in next(t for t in verdict.trace if t.id == "P13").elements
            if e.id == "before_18th_congress"
        )
        assert element.value == want, day
    unknown = rongcuo.evaluate(base, rules=v1_rules)
    p13 = next(t for t in unknown.trace if t.id == "P13")
    assert next(e for e in p13.elements if e.id == "before_18th_congress").value == "unknown"


P13_FACTS: dict[str, Any] = {
    "conduct": {"passive_acceptance": True},
    "matter": {"irregularities": ["discipline_or_law"], "circumstances": "minor"},
    "motive": {"for_development": True},
    "remedy": {"attitude_good": True, "illicit_gains": "surrendered", "losses_recovered": True},
}


def _p13(verdict: rongcuo.Verdict) -> tuple[str, str]:
    """P13's truth and that of its date element."""
    p13 = next(t for t in verdict.trace if t.id == "P13")
    return p13.value, next(e for e in p13.elements if e.id == "before_18th_congress").value


@pytest.mark.parametrize(
    ("dates", "want"),
    [
        ({"conduct_started_on": "2013-03-01"}, "false"),  # began after: cannot have ended before
        ({"conduct_started_on": "2012-11-08"}, "false"),  # began the day the Congress opened
        ({"conduct_started_on": "2012-11-07"}, "unknown"),  # began before: the end decides
        ({}, "unknown"),
        ({"conduct_started_on": "2010-06-18", "conduct_ended_on": "2011-03-25"}, "true"),
        ({"conduct_started_on": "2010-06-18", "conduct_ended_on": "2012-11-08"}, "false"),
    ],
)
# v1: delete with the v1 path
def test_p13_reads_the_start_when_the_end_is_unknown(
    v1_rules: rongcuo.Ruleset, dates: dict[str, str], want: str
) -> None:
    verdict = rongcuo.evaluate(with_(P13_FACTS, matter=dates), rules=v1_rules)
    assert _p13(verdict) == (want, want)


# v1: delete with the v1 path
def test_p13_names_the_dates_that_can_still_decide_it(v1_rules: rongcuo.Ruleset) -> None:
    def missing(dates: dict[str, str]) -> set[str]:
        verdict = rongcuo.evaluate(with_(P13_FACTS, matter=dates), rules=v1_rules)
        return {m.path for m in verdict.missing_facts if "P13" in m.clauses}

    assert missing({}) == {"matter.conduct_started_on", "matter.conduct_ended_on"}
    assert missing({"conduct_started_on": "2012-11-07"}) == {"matter.conduct_ended_on"}
    assert missing({"conduct_started_on": "2013-03-01"}) == set()  # P13 is decided: false


#: Position 8: P5, P11 and P12 name a kind of unit (基层单位和部门; 应急管理、生态环境等部门;
#: 行政村（社区）组织), and subject.organisation is that unit whoever files: the unit itself, or the
#: unit an individual cadre acted for.
UNIT_CLAUSES: dict[str, tuple[str, str]] = {
    # clause: (a kind of unit the clause names, one it does not)
    "P5": ("grassroots_unit", "enterprise_or_institution"),
    "P11": ("emergency_management", "grassroots_unit"),
    "P12": ("village", "grassroots_unit"),
}


def _first_holding_example(rules: rongcuo.Ruleset, cid: str) -> dict[str, Any]:
    example = next(ex for ex in rules.clause(cid).examples if ex.holds)
    return example.filing_data()


def _who(verdict: rongcuo.Verdict, cid: str) -> tuple[str, str]:
    """The clause's truth and that of its ``who`` element."""
    clause = next(t for t in verdict.trace if t.id == cid)
    return clause.value, next(e for e in clause.elements if e.id == "who").value


@pytest.mark.parametrize("cid", sorted(UNIT_CLAUSES))
@pytest.mark.parametrize(
    "subject",
    [{"kind": "unit"}, {"kind": "individual", "roles": ["party_member", "cadre"]}, {}],
    ids=["unit", "individual", "kind-unknown"],
)
# v1: delete with the v1 path
def test_unit_clauses_read_the_filers_unit_for_units_and_individuals(
    v1_rules: rongcuo.Ruleset, cid: str, subject: dict[str, Any]
) -> None:
    named, other = UNIT_CLAUSES[cid]
    base = _first_holding_example(v1_rules, cid)

    def run(organisation: str | None) -> rongcuo.Verdict:
        filing = with_(base, subject={"kind": None, **subject, "organisation": organisation})
        return rongcuo.evaluate(filing, rules=v1_rules)

    assert _who(run(named), cid) == ("true", "true")
    assert _who(run(other), cid) == ("false", "false")
    # a filer (an individual included) who does not say what unit it is leaves the clause open,
    # and the verdict asks for the unit
    unknown = run(None)
    assert _who(unknown, cid) == ("unknown", "unknown")
    assert any(m.path == "subject.organisation" and cid in m.clauses for m in unknown.missing_facts)


# v1: delete with the v1 path
def test_p5_reads_the_units_enforcement_power_for_an_individual(v1_rules: rongcuo.Ruleset) -> None:
    base = _first_holding_example(v1_rules, "P5")
    cadre = {"kind": "individual", "roles": ["cadre"], "organisation": "department"}
    for power, want in ((False, "true"), (True, "false"), (None, "unknown")):
        filing = with_(base, subject={**cadre, "has_enforcement_power": power})
        assert rongcuo.evaluate(filing, rules=v1_rules).clause_values()["P5"] == want, power


# v1: delete with the v1 path
def test_as_of_rejects_facts_dated_after_it(v1_rules: rongcuo.Ruleset) -> None:
    filing = with_(P3_FILING, matter={"conduct_ended_on": "2024-01-01"})
    with pytest.raises(rongcuo.FilingError) as err:
        rongcuo.evaluate(filing, rules=v1_rules, as_of=dt.date(2023, 6, 1))
    assert err.value.codes == ("filing_date_after_reference",)
    assert err.value.problems[0].location.json_path() == "$.matter.conduct_ended_on"
    assert rongcuo.evaluate(filing, rules=v1_rules, as_of=dt.date(2024, 1, 1)).as_of == dt.date(
        2024, 1, 1
    )


# v1: delete with the v1 path
def test_same_input_same_bytes(v1_rules: rongcuo.Ruleset) -> None:
    a = rongcuo.evaluate(P3_FILING, rules=v1_rules).to_json()
    b = rongcuo.evaluate(copy.deepcopy(P3_FILING), rules=v1_rules).to_json()
    assert a == b
    data = json.loads(a)
    assert data["status"] == "eligible"
    assert data["ruleset"]["digest"] == v1_rules.digest


# v1: delete with the v1 path
def test_trace_records_every_clause_and_element(v1_rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(P3_FILING, rules=v1_rules)
    assert [t.id for t in verdict.trace] == [c.id for c in v1_rules.clauses]
    for t in verdict.trace:
        clause = v1_rules.clause(t.id)
        assert [e.id for e in t.elements] == [e.id for e in clause.elements]
        for e in t.elements:
            assert e.phrase in clause.text or all(p in clause.text for p in e.phrase.split("……"))


def test_status_only_path_agrees(rules: rongcuo.Ruleset) -> None:
    from rongcuo.engine.decide import decide_status

    for path in sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")):
        filing = load_filing(path)
        assert decide_status(filing, rules) is rongcuo.evaluate(filing, rules=rules).status, path


# v1: delete with the v1 path
def test_text_rendering_in_both_languages(v1_rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(P3_FILING, rules=v1_rules)
    zh = rongcuo.render_text(verdict, lang="zh")
    en = rongcuo.render_text(verdict, lang="en")
    assert "可以纳入容错免责备案范围" in zh and "P3" in zh and "为人民群众办实事、解难题" in zh
    assert "eligible for filing" in en and "P3" in en
    assert "成立" in zh and "met" in en
