"""The verdict path on a v2 ruleset (rules/, filing model v2), through the public API: the
behaviours tests/test_engine.py checks on the v1 rules, translated to v2 facts, and what v2 adds
(the ruleset's own filing model, missing facts with their questions and record paths, partial
values in the trace and in both renderings)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import rongcuo
from rongcuo import Status, strategies
from rongcuo.errors import FilingError

from .conftest import ROOT, known_filings


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


# --------------------------------------------------------------------------- test_engine's
# behaviours on v2 facts. The filings are golden cases' (tests/cases), whose expected outcomes
# are written there from the reading in docs/interpretation.md, changed one fact at a time.


def _case(prefix: str) -> dict[str, Any]:
    (path,) = (ROOT / "tests" / "cases").glob(f"{prefix}-*.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["filing"]
    assert isinstance(data, dict)
    return data


DETERMINATION = {
    "decided_by": "鲁山县纪委常委会",
    "decided_on": "2023-05-10",
    "reason": "经集体研究认定",
}


def test_p3_filing_is_eligible_and_cites_p3(rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(_case("01"), rules=rules)
    assert verdict.status is Status.ELIGIBLE
    assert [c.id for c in verdict.decisive] == ["P3"]
    p3 = verdict.decisive[0]
    assert p3.text == rules.clause("P3").text
    assert p3.citation.document == "平纪发〔2022〕4号"
    assert p3.citation.item == "3"
    # what eligibility entails, quoted: exemption or reduction, and correction at the same time
    texts = [q.text for q in verdict.consequences]
    assert any("依规依纪予以免除或减轻" in t for t in texts)
    assert any("容纠并举" in t for t in texts)


def test_any_negative_beats_every_positive(rules: rongcuo.Ruleset) -> None:
    # case 17: formalism with an adverse impact (N2) beside a holding P3
    verdict = rongcuo.evaluate(_case("17"), rules=rules)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N2"]
    assert [c.id for c in verdict.overridden] == ["P3"]
    assert any("不予容错免责备案" in q.text for q in verdict.consequences)


def test_unknown_fact_gives_insufficient_facts_naming_it(rules: rongcuo.Ruleset) -> None:
    # P3 needs the act to have had no adverse impact (未造成不良影响): left out, P3 is unknown
    filing = copy.deepcopy(_case("01"))
    del filing["acts"][0]["impact"]
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is Status.INSUFFICIENT_FACTS
    missing = {m.path: m for m in verdict.missing_facts}
    assert "acts[0].impact" in missing
    assert "P3" in missing["acts[0].impact"].clauses
    assert missing["acts[0].impact"].question_zh and missing["acts[0].impact"].question_en
    assert verdict.clause_values()["P3"] == "unknown"


def test_missing_facts_are_ranked_most_decisive_first(rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate({}, rules=rules)
    assert verdict.status is Status.INSUFFICIENT_FACTS
    counts = [len(m.clauses) for m in verdict.missing_facts]
    assert counts and counts == sorted(counts, reverse=True)


def test_n9_determination_overrides_a_holding_positive(rules: rongcuo.Ruleset) -> None:
    filing = {**_case("01"), "determinations": {"N9": {"holds": True, **DETERMINATION}}}
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is Status.INELIGIBLE
    assert [c.id for c in verdict.decisive] == ["N9"]
    assert [c.id for c in verdict.overridden] == ["P3"]


def test_catch_all_without_determination_never_makes_facts_insufficient(
    rules: rongcuo.Ruleset,
) -> None:
    verdict = rongcuo.evaluate(_case("01"), rules=rules)
    values = verdict.clause_values()
    assert values["N9"] == "unknown" and values["P15"] == "unknown"
    assert verdict.status is Status.ELIGIBLE


def test_as_of_rejects_facts_dated_after_it(rules: rongcuo.Ruleset) -> None:
    filing = _case("01")  # filed on 2023-03-02
    with pytest.raises(rongcuo.FilingError) as err:
        rongcuo.evaluate(filing, rules=rules, as_of=dt.date(2023, 1, 1))
    assert err.value.codes == ("filing_date_after_reference",)
    assert err.value.problems[0].location.json_path() == "$.filed_on"
    verdict = rongcuo.evaluate(filing, rules=rules, as_of=dt.date(2023, 3, 2))
    assert verdict.as_of == dt.date(2023, 3, 2)


def test_same_input_same_bytes(rules: rongcuo.Ruleset) -> None:
    a = rongcuo.evaluate(_case("01"), rules=rules).to_json()
    b = rongcuo.evaluate(copy.deepcopy(_case("01")), rules=rules).to_json()
    assert a == b
    data = json.loads(a)
    assert data["status"] == "eligible"
    assert data["ruleset"]["digest"] == rules.digest


def test_trace_records_every_clause_and_element(rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(_case("01"), rules=rules)
    assert [t.id for t in verdict.trace] == [c.id for c in rules.clauses]
    for t in verdict.trace:
        clause = rules.clause(t.id)
        assert [e.id for e in t.elements] == [e.id for e in clause.elements]
        for e in t.elements:
            assert e.phrase in clause.text or all(p in clause.text for p in e.phrase.split("……"))


def test_text_rendering_in_both_languages(rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(_case("01"), rules=rules)
    zh = rongcuo.render_text(verdict, lang="zh")
    en = rongcuo.render_text(verdict, lang="en")
    assert "可以纳入容错免责备案范围" in zh and "P3" in zh and "为人民群众办实事、解难题" in zh
    assert "eligible for filing" in en and "P3" in en
    assert "成立" in zh and "met" in en


# --------------------------------------------------------------------------- the trace template
# Verdict.to_json writes the trace from a per-ruleset template (rongcuo.engine.explain), and the
# receipt hashes the compact form made the same way: both must be the bytes pydantic writes for
# the same verdict (model_dump_json builds the trace as objects and serialises them).


def _same_bytes(filing: Any, rules: rongcuo.Ruleset, **kwargs: Any) -> None:
    from rongcuo.verdict.receipt import receipt_for

    fast = rongcuo.evaluate(filing, rules=rules, **kwargs)
    slow = rongcuo.evaluate(filing, rules=rules, **kwargs)
    assert fast.to_json() == slow.model_dump_json(indent=2)
    assert fast.to_json(indent=None) == slow.model_dump_json()
    # the receipt as receipt_for makes it from pydantic's own dump of the verdict
    assert fast.receipt == receipt_for(slow, filing, key=kwargs.get("key"))


def test_template_json_is_pydantics_bytes(rules: rongcuo.Ruleset) -> None:
    for filing in known_filings(rules):
        _same_bytes(filing, rules)
    filing = known_filings(rules)[0]
    _same_bytes(filing, rules, trace=False)
    _same_bytes(filing, rules, key=b"0123456789abcdef")
    _same_bytes(filing, rules, as_of=dt.date(2030, 1, 1))


def test_template_json_escapes_text_facts(rules: rongcuo.Ruleset) -> None:
    data = _case("01")
    odd = 'a "quote", a \\ backslash, %s %% %(x)s, a\nnewline\ttab\x01, \u2028 and 😀'
    data["id"] = data["summary"] = odd
    for act in data["acts"]:
        act["summary"] = odd
    filing = rongcuo.parse_filing(data, rules=rules)
    _same_bytes(filing, rules)
    verdict = json.loads(rongcuo.evaluate(filing, rules=rules).to_json())
    assert verdict["filing_id"] == odd
    assert verdict["trace"][0]["elements"][0]["facts"][0]["value"][0]["summary"] == odd


_BUNDLED = rongcuo.load_ruleset(ROOT / "rules")


@given(filing=strategies.filings(rules=_BUNDLED))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_template_json_is_pydantics_bytes_on_any_filing(filing: Any) -> None:
    _same_bytes(filing, _BUNDLED)


def test_decide_outcome_is_the_verdicts(rules: rongcuo.Ruleset) -> None:
    # what screen records: the status, the decisive clauses and the missing facts of the verdict
    from rongcuo.engine.decide import decide_outcome

    for filing in known_filings(rules):
        verdict = rongcuo.evaluate(filing, rules=rules, trace=False)
        assert decide_outcome(filing, rules) == (
            verdict.status,
            tuple(c.id for c in verdict.decisive),
            tuple(m.path for m in verdict.missing_facts),
        )


def test_the_missing_facts_walk_is_planned_once_per_ruleset(rules: rongcuo.Ruleset) -> None:
    # the plan (closures in their scopes, paths resolved) is made on the first walk and shared
    from rongcuo.engine.decide import _walk_plan

    plan = _walk_plan(rules)
    assert _walk_plan(rules) is plan
    assert set(plan.clauses) == {c.id for c in rules.clauses}
    other = rongcuo.load_ruleset(ROOT / "rules")
    assert _walk_plan(other) is not plan


def test_compact_trace_is_the_full_traces_digits(rules: rongcuo.Ruleset) -> None:
    from rongcuo.engine.decide import compact_trace

    digit = {"false": "0", "unknown": "1", "true": "2"}
    for filing in known_filings(rules)[:40]:
        verdict = rongcuo.evaluate(filing, rules=rules)
        compact = json.loads(compact_trace(verdict))
        assert compact == {
            "ruleset": rules.digest,
            "clauses": "".join(digit[c.value] for c in verdict.trace),
            "elements": "".join(digit[e.value] for c in verdict.trace for e in c.elements),
        }
    assert compact_trace(rongcuo.evaluate(filing, rules=rules, trace=False)) == ""
    assert compact_trace(rongcuo.Verdict.model_validate_json(verdict.to_json())) == ""


def test_what_a_stage_derives_per_ruleset_is_made_once_across_threads(
    rules: rongcuo.Ruleset,
) -> None:
    """``Program.derive``, which the engine's verdict parts, the missing-facts walk, the bars
    table, the z3 encodings and the strategies' plans are all made through: threads asking at
    once get one object, made once; another key is made apart."""
    import threading
    import time

    made: list[int] = []
    start = threading.Barrier(8)

    def make() -> object:
        made.append(1)
        time.sleep(0.05)  # long enough for every other thread to ask meanwhile
        return object()

    got: list[object] = []

    def ask() -> None:
        start.wait()
        got.append(rules.program.derive("tests/derive-once", make))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len(got) == 8
    assert all(g is got[0] for g in got)
    assert rules.program.derive("tests/derive-other", object) is not got[0]
