"""Bars and companions in the decision, the verdict, its renderings and its receipt
(docs/design-v2.md §5-§6).

v1: delete with the v1 path. The ruleset under test is the v1 rules (tests/v1/rules) with ``tests/rules_bars/bars.yaml`` and
``companions.yaml`` beside them (written on v1 facts, so that the v2 decision runs on today's
engine). Expected outcomes are computed: from the bundled rules' verdict on the same filing and
the design's rules for bars and companions, never written down by hand. Filings are the examples
and golden cases, changed one fact at a time.
"""

from __future__ import annotations

import copy
import json
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.engine.decide import decide_status
from rongcuo.rules.syntax import ListKind
from rongcuo.verdict.verdict import Verdict

from .conftest import ROOT, V1_CASES, V1_EXAMPLES, V1_RULES

HERE = Path(__file__).parent
BARS = HERE / "rules_bars"
# v1: delete with the v1 path; bars.yaml and companions.yaml here are written on v1 facts, and the
# bundled (v2) rules' own bars and companions are checked by the golden cases (tests/cases).
RULES = V1_RULES
EXAMPLES = V1_EXAMPLES
CASES = V1_CASES


@pytest.fixture(scope="module")
def plain_rules() -> rongcuo.Ruleset:
    """The v1 rules as they are, without bars or companions."""
    return rongcuo.load_ruleset(V1_RULES)


@pytest.fixture(scope="module")
def barred_rules(tmp_path_factory: pytest.TempPathFactory) -> rongcuo.Ruleset:
    root = tmp_path_factory.mktemp("rules_bars")
    for name in ("ruleset.yaml", "positive.yaml", "negative.yaml"):
        shutil.copyfile(RULES / name, root / name)
    for name in ("bars.yaml", "companions.yaml"):
        shutil.copyfile(BARS / name, root / name)
    return rongcuo.load_ruleset(root)


def _example(name: str) -> dict[str, Any]:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _case(prefix: str) -> dict[str, Any]:
    (path,) = CASES.glob(f"{prefix}-*.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["filing"]
    assert isinstance(data, dict)
    return data


def _p3() -> dict[str, Any]:
    return _example("eligible-p3-relief-funds.yaml")


def _ids(clauses: Any) -> list[str]:
    return [c.id for c in clauses]


def _both(filing: dict[str, Any], rules: rongcuo.Ruleset) -> tuple[Verdict, Verdict]:
    """The verdict under the v1 rules and under ``rules``; the fast status path agrees."""
    plain = rongcuo.evaluate(filing, rules=rongcuo.load_ruleset(V1_RULES))
    barred = rongcuo.evaluate(filing, rules=rules)
    assert decide_status(rongcuo.parse_filing(filing, rules=rules), rules) is barred.status
    return plain, barred


# --------------------------------------------------------------------------- loading


def test_the_lists_load_and_round_trip(
    barred_rules: rongcuo.Ruleset, plain_rules: rongcuo.Ruleset
) -> None:
    bars = barred_rules.of_list(ListKind.BAR)
    companions = barred_rules.of_list(ListKind.COMPANION)
    assert _ids(bars) == ["B1", "B2"] and _ids(companions) == ["C1"]
    positives = set(_ids(barred_rules.of_list(ListKind.POSITIVE)))
    assert all(b.bars and set(b.bars) <= positives for b in bars)
    assert companions[0].citation.item == "（七）"
    assert barred_rules.digest != rongcuo.bundled_ruleset().digest
    texts = barred_rules.dump_texts()
    assert {"bars.yaml", "companions.yaml"} <= set(texts)
    assert rongcuo.load_ruleset_texts(texts).digest == barred_rules.digest
    assert pickle.loads(pickle.dumps(barred_rules)).digest == barred_rules.digest
    # a ruleset without them dumps no such files, and so keeps its digest
    assert not {"bars.yaml", "companions.yaml"} & set(plain_rules.dump_texts())


# --------------------------------------------------------------------------- bars


def test_a_bar_that_holds_takes_its_positives_out(barred_rules: rongcuo.Ruleset) -> None:
    filing = _p3()
    filing["violation"]["explicitly_prohibited"] = True  # B1's fact; N1 still yields to P3
    plain, barred = _both(filing, barred_rules)
    assert plain.status is rongcuo.Status.ELIGIBLE
    values = barred.clause_values()
    holding = [b for b in barred_rules.of_list(ListKind.BAR) if values[b.id] == "true"]
    assert _ids(holding) == ["B1"]
    taken = {p for b in holding for p in b.bars}
    assert set(_ids(plain.decisive)) <= taken  # every positive that held is taken out
    assert barred.status is rongcuo.Status.NEEDS_DETERMINATION
    assert _ids(barred.barred) == _ids(plain.decisive)
    assert all(c.barred_by == ("B1",) and c.value == "true" for c in barred.barred)
    assert _ids(barred.bars) == ["B1"]
    assert barred.bars[0].text == barred_rules.clause("B1").text
    assert not set(_ids(barred.decisive)) & taken
    assert values["P3"] == "true"  # the trace still says P3 holds: barred, not false
    # the durable backend computes the same truths, and the same decision runs on them
    assert rongcuo.evaluate(filing, rules=barred_rules, backend="durable") == barred


def test_a_bar_unknown_makes_its_positive_unknown(barred_rules: rongcuo.Ruleset) -> None:
    filing = _p3()
    del filing["violation"]["explicitly_prohibited"]
    plain, barred = _both(filing, barred_rules)
    assert plain.status is rongcuo.Status.ELIGIBLE and _ids(plain.decisive) == ["P3"]
    values = barred.clause_values()
    assert values["P3"] == "true" and values["B1"] == "unknown"
    assert barred.status is rongcuo.Status.INSUFFICIENT_FACTS
    assert not barred.barred and not barred.bars
    missing = {m.path: m.clauses for m in barred.missing_facts}
    assert missing["violation.explicitly_prohibited"] == ("B1",)
    # filling the bar's fact in decides it either way
    for value, status in ((True, "needs_determination"), (False, "eligible")):
        filing["violation"]["explicitly_prohibited"] = value
        assert rongcuo.evaluate(filing, rules=barred_rules).status.value == status


def test_a_bar_leaves_alone_the_positives_it_does_not_name(
    barred_rules: rongcuo.Ruleset,
) -> None:
    filing = _case("02")
    filing["motive"]["public_spirited"] = False  # B2's fact; P3 and P10 do not read it
    plain, barred = _both(filing, barred_rules)
    b2 = barred_rules.clause("B2")
    assert barred.clause_values()["B2"] == "true"
    assert len(plain.decisive) > 1
    kept = [c for c in _ids(plain.decisive) if c not in b2.bars]
    gone = [c for c in _ids(plain.decisive) if c in b2.bars]
    assert kept and gone
    assert barred.status is rongcuo.Status.ELIGIBLE
    assert _ids(barred.decisive) == kept
    assert _ids(barred.barred) == gone
    assert all(c.barred_by == ("B2",) for c in barred.barred)


# --------------------------------------------------------------------------- companions


def test_companions_are_reported_and_never_change_the_status(
    barred_rules: rongcuo.Ruleset,
) -> None:
    holds = _case("33")  # an individual cadre of a township, the duty elsewhere
    plain, barred = _both(holds, barred_rules)
    assert [(c.id, c.value) for c in barred.companions] == [("C1", "true")]
    assert (barred.status, _ids(barred.decisive)) == (plain.status, _ids(plain.decisive))
    assert barred.companions[0].text == barred_rules.clause("C1").text
    open_ = _p3()
    open_["subject"]["kind"] = "individual"  # whether the duty lies elsewhere is not stated
    plain, barred = _both(open_, barred_rules)
    assert [(c.id, c.value) for c in barred.companions] == [("C1", "unknown")]
    assert barred.status is plain.status
    assert not any(m.clauses == ("C1",) for m in barred.missing_facts)
    _, fails = _both(_p3(), barred_rules)  # a unit: C1 does not hold, and is not reported
    assert fails.clause_values()["C1"] == "false" and not fails.companions


def test_without_a_bar_in_play_every_golden_case_decides_as_before(
    barred_rules: rongcuo.Ruleset,
) -> None:
    """Companions never move a status; a bar moves one only when it holds or is unknown and
    names a positive that is not false."""
    bars = barred_rules.of_list(ListKind.BAR)
    compared = 0
    for path in sorted(CASES.glob("*.yaml")):
        filing = yaml.safe_load(path.read_text(encoding="utf-8"))["filing"]
        plain, barred = _both(filing, barred_rules)
        values = barred.clause_values()
        if any(values[b.id] != "false" and values[p] != "false" for b in bars for p in b.bars):
            continue
        compared += 1
        assert barred.status is plain.status, path.name
        assert _ids(barred.decisive) == _ids(plain.decisive), path.name
        assert _ids(barred.overridden) == _ids(plain.overridden), path.name
        assert barred.missing_facts == plain.missing_facts, path.name
        assert not barred.barred  # (a bar may hold with nothing to take out: it is cited)
    assert compared >= 20


def test_the_generated_status_settles_positives_on_their_effective_truth(
    barred_rules: rongcuo.Ruleset,
) -> None:
    """The fast status function (generated code) agrees with the decision on every golden case
    with each bar's fact set true, false or left out, and one more fact left out."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    cases = [
        yaml.safe_load(p.read_text(encoding="utf-8"))["filing"]
        for p in sorted(CASES.glob("*.yaml"))
    ]
    bar_facts = [("violation", "explicitly_prohibited"), ("motive", "public_spirited")]
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.sampled_from(cases),
        st.lists(st.sampled_from([True, False, None]), min_size=2, max_size=2),
        st.data(),
    )
    def check(case: dict[str, Any], bar_values: list[bool | None], data: st.DataObject) -> None:
        filing = copy.deepcopy(case)
        for (group, fact), value in zip(bar_facts, bar_values, strict=True):
            filing.setdefault(group, {}).pop(fact, None)
            if value is not None:
                filing[group][fact] = value
        groups = sorted(g for g, v in filing.items() if isinstance(v, dict) and v)
        group = data.draw(st.sampled_from(groups))
        filing[group].pop(data.draw(st.sampled_from(sorted(filing[group]))))
        verdict = rongcuo.evaluate(filing, rules=barred_rules, trace=False)
        filing_ = rongcuo.parse_filing(filing, rules=barred_rules)
        assert decide_status(filing_, barred_rules) is verdict.status
        seen.update(f"barred:{c.id}" for c in verdict.barred)
        seen.update(f"{verdict.status.value}" for c in verdict.bars)

    check()
    assert len(seen) >= 3  # positives were barred, under more than one status


# --------------------------------------------------------------------------- P15 refusal


@pytest.mark.parametrize("with_bars", [False, True])
def test_a_p15_refusal_quotes_the_positive_list_lead_in(
    with_bars: bool, barred_rules: rongcuo.Ruleset
) -> None:
    rules = barred_rules if with_bars else rongcuo.load_ruleset(V1_RULES)
    verdict = rongcuo.evaluate(_case("15"), rules=rules)
    assert verdict.status is rongcuo.Status.INELIGIBLE
    assert [(c.id, c.list) for c in verdict.decisive] == [("P15", "positive")]
    lead_in = rules.consequences["not_listed"]
    assert lead_in and [q.text for q in verdict.consequences] == [q.text for q in lead_in]
    assert lead_in[0].citation.section == rules.clause("P1").citation.section  # 一、…正面清单
    negative_lead_in = {q.text for q in rules.consequences["ineligible"]}
    assert not negative_lead_in & {q.text for q in verdict.consequences}
    for lang in ("zh", "en"):
        assert f"“{lead_in[0].text}”" in rongcuo.render_text(verdict, lang=lang)
    # a negative that holds still quotes the negative list's lead-in
    by_negative = rongcuo.evaluate(_case("03"), rules=rules)
    assert by_negative.decisive[0].list == "negative"
    assert {q.text for q in by_negative.consequences} == negative_lead_in


# --------------------------------------------------------------------------- missing facts


def test_missing_facts_leave_out_a_barred_positive(barred_rules: rongcuo.Ruleset) -> None:
    filing = _case("02")
    filing["motive"]["public_spirited"] = False  # B2 holds: P10 is out
    del filing["conduct"]["traits"]  # P10 (and P5) now unknown
    filing["remedy"]["measures_effective"] = False  # P3 no longer holds
    plain, barred = _both(filing, barred_rules)
    assert plain.status is barred.status is rongcuo.Status.INSUFFICIENT_FACTS
    assert barred.clause_values()["P10"] == "unknown"
    assert any("P10" in m.clauses for m in plain.missing_facts)  # without the bar, asked
    assert barred.missing_facts
    assert not any("P10" in m.clauses for m in barred.missing_facts)
    b2 = barred_rules.clause("B2")
    waiting = {c for m in barred.missing_facts for c in m.clauses}
    assert not waiting & set(b2.bars)


def test_missing_facts_skip_a_branch_another_element_settles(tmp_path: Path) -> None:
    """``any: [{all: [a, b]}, c]`` with ``a`` false: ``b`` cannot matter, so its fact is not
    asked for, though ``b`` is unknown and the clause is open on ``c``."""
    root = tmp_path / "rules"
    shutil.copytree(HERE / "bad_rules" / "_base", root)
    positive = yaml.safe_load((root / "positive.yaml").read_text(encoding="utf-8"))
    p1 = positive["clauses"][0]
    p1["text"] = "主观上出于公心，没有谋取私利，或者及时整改的；"
    p1["elements"].append(
        {
            "id": "rectified",
            "phrase": "及时整改",
            "test": {"fact": "remedy.measures", "eq": "timely"},
        }
    )
    p1["holds_when"] = {"any": [{"all": ["public_spirit", "no_private_gain"]}, "rectified"]}
    p1.pop("examples", None)
    (root / "positive.yaml").write_text(yaml.safe_dump(positive, allow_unicode=True), "utf-8")
    rules = rongcuo.load_ruleset(root)
    filing = {"motive": {"public_spirited": False}, "remedy": {"rectification": "completed"}}
    verdict = rongcuo.evaluate(filing, rules=rules)
    assert verdict.status is rongcuo.Status.INSUFFICIENT_FACTS
    trace = {e.id: e.value for e in verdict.trace[-1].elements}
    assert trace == {"public_spirit": "false", "no_private_gain": "unknown", "rectified": "unknown"}
    assert [m.path for m in verdict.missing_facts] == ["remedy.measures"]


# --------------------------------------------------------------------------- renderings


def test_both_renderings_show_barred_positives_with_the_bar_quoted(
    barred_rules: rongcuo.Ruleset,
) -> None:
    filing = _p3()
    filing["violation"]["explicitly_prohibited"] = True
    verdict = rongcuo.evaluate(filing, rules=barred_rules)
    b1 = barred_rules.clause("B1")
    zh = rongcuo.render_text(verdict, lang="zh")
    en = rongcuo.render_text(verdict, lang="en")
    for text, words in ((zh, ("成立但被排除的正面条款", "排除依据: B1")), (en, ("barred by: B1",))):
        assert f"“{b1.text}”" in text
        assert all(w in text for w in words)
        assert "\n  P3 " in text
    assert b1.citation.render("zh") in zh and b1.citation.render("en") in en


def test_both_renderings_show_companions_and_the_same_status_line(
    barred_rules: rongcuo.Ruleset,
) -> None:
    filing = _case("33")
    plain, barred = _both(filing, barred_rules)
    c1 = barred_rules.clause("C1")
    zh = rongcuo.render_text(barred, lang="zh")
    en = rongcuo.render_text(barred, lang="en")
    assert f"另据平纪发〔2022〕3号（七）：“{c1.text}”" in zh
    assert f"Also, under 平纪发〔2022〕3号 (七): “{c1.text}”" in en
    for lang, text in (("zh", zh), ("en", en)):
        first = rongcuo.render_text(plain, lang=lang).splitlines()[0]
        assert text.splitlines()[0] == first
    assert "C1" not in rongcuo.render_text(plain, lang="zh")


# --------------------------------------------------------------------------- JSON and verify


def _variants() -> list[dict[str, Any]]:
    barred = _p3()
    barred["violation"]["explicitly_prohibited"] = True
    kept = _case("02")
    kept["motive"]["public_spirited"] = False
    return [barred, kept, _case("33")]


@pytest.mark.parametrize("index", range(3))
def test_json_round_trip_and_verify(index: int, barred_rules: rongcuo.Ruleset) -> None:
    filing = _variants()[index]
    verdict = rongcuo.evaluate(filing, rules=barred_rules)
    assert verdict.barred or verdict.companions
    text = verdict.to_json()
    back = Verdict.model_validate_json(text)
    assert back == verdict and back.to_json() == text
    assert {t.list for t in back.trace} == {"positive", "negative", "bar", "companion"}
    assert rongcuo.verify(text, filing, rules=barred_rules) == verdict
    data = json.loads(text)
    for field in ("barred", "bars", "companions"):
        if not data[field]:
            continue
        altered = copy.deepcopy(data)
        altered[field] = altered[field][1:]
        with pytest.raises(rongcuo.VerdictError) as info:
            rongcuo.verify(altered, filing, rules=barred_rules)
        assert info.value.problems[0].code == "verdict_receipt_mismatch"
    # the rules without bars did not make it
    with pytest.raises(rongcuo.VerdictError):
        rongcuo.verify(text, filing, rules=rongcuo.load_ruleset(V1_RULES))


def test_bundled_rules_without_bars_report_none(plain_rules: rongcuo.Ruleset) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        filing = yaml.safe_load(path.read_text(encoding="utf-8"))
        verdict = rongcuo.evaluate(filing, rules=plain_rules)
        assert not verdict.barred and not verdict.bars and not verdict.companions


def test_the_rule_language_doc_quotes_the_bundled_bar() -> None:
    """docs/rule-language.md's bars.yaml example is rules's B2, as written there."""
    doc = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
    block = doc.split("### Bars and companions", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    shown = yaml.safe_load(block.replace("elements: [...]", "elements: []"))
    bundled = yaml.safe_load((ROOT / "rules" / "bars.yaml").read_text(encoding="utf-8"))
    (b2,) = [c for c in bundled["clauses"] if c["id"] == shown["clauses"][0]["id"]]
    for key in ("list", "document", "section"):
        assert shown[key] == bundled[key]
    for key in ("item", "text", "summary", "bars"):
        assert shown["clauses"][0][key] == b2[key]
