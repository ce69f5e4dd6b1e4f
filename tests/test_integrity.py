"""Integrity: immutable rulesets and verdicts, thread safety, receipts and ``rongcuo verify``.

Screening (killed and resumed) is covered by tests/test_screen.py.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

import rongcuo
from rongcuo import Filing
from rongcuo.engine.decide import decide_status
from rongcuo.errors import VerdictError
from rongcuo.rules.load import bundled_rules_dir
from rongcuo.verdict.receipt import receipt_for

from .conftest import EXAMPLES, ROOT

CASES = ROOT / "tests" / "cases"


def _example_filings(rules: rongcuo.Ruleset) -> list[Filing]:
    """Every clause example of the bundled rules, the golden cases and the shipped examples."""
    filings = [rongcuo.parse_filing(ex.filing_data()) for c in rules.clauses for ex in c.examples]
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        filings.append(rongcuo.parse_filing(data["filing"]))
    for path in sorted(EXAMPLES.glob("*.*")):
        filings.append(rongcuo.load_filing(path))
    return filings


@pytest.fixture(scope="module")
def filings(rules: rongcuo.Ruleset) -> list[Filing]:
    found = _example_filings(rules)
    assert len(found) > 60
    return found


# --------------------------------------------------------------------------- immutability


def test_ruleset_attributes_cannot_be_set(rules: rongcuo.Ruleset) -> None:
    for name in ("meta", "documents", "clauses", "consequences", "program", "digest", "new"):
        with pytest.raises(AttributeError):
            setattr(rules, name, None)
    with pytest.raises(AttributeError):
        del rules.clauses


def test_ruleset_contents_cannot_be_changed(rules: rongcuo.Ruleset) -> None:
    digest = rules.digest
    with pytest.raises(TypeError):
        rules.documents["x"] = rules.documents[rules.meta.source]  # type: ignore[index]
    with pytest.raises(TypeError):
        rules.consequences["eligible"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        rules.clauses[0] = rules.clauses[1]  # type: ignore[index]
    clause = rules.clause("P1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        clause.text = "改写"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        clause.elements[0].test = clause.elements[1].test  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rules.meta.label = "x"  # type: ignore[misc]
    assert rules.digest == digest == rongcuo.load_ruleset(bundled_rules_dir()).digest


def test_verdict_cannot_be_changed(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    verdict = rongcuo.evaluate(filings[0], rules=rules)
    for name, value in [("status", "eligible"), ("receipt", "x"), ("decisive", ())]:
        with pytest.raises(pydantic.ValidationError):
            setattr(verdict, name, value)
    with pytest.raises(pydantic.ValidationError):
        verdict.ruleset.digest = "0" * 64  # type: ignore[misc]
    with pytest.raises(TypeError):
        verdict.trace[0] = verdict.trace[1]  # type: ignore[index]
    with pytest.raises(pydantic.ValidationError):
        verdict.trace[0].elements[0].value = "true"  # type: ignore[misc]


def test_filing_cannot_be_changed(filings: list[Filing]) -> None:
    with pytest.raises(pydantic.ValidationError):
        filings[0].summary = "改写"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        filings[0].motive.public_spirited = True  # type: ignore[misc]


# --------------------------------------------------------------------------- threads


def _in_threads(fn: Callable[[Filing], str], items: list[Filing]) -> list[str]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(fn, items))


def test_engine_from_many_threads(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    def verdict_json(filing: Filing) -> str:
        return rongcuo.evaluate(filing, rules=rules).to_json()

    sequential = [verdict_json(f) for f in filings]
    assert len(set(sequential)) > 10  # the filings give different verdicts
    work = filings * 6  # each filing evaluated from several threads at once
    assert _in_threads(verdict_json, work) == sequential * 6


def test_fast_path_from_many_threads(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    def status(filing: Filing) -> str:
        return decide_status(filing, rules).value

    sequential = [status(f) for f in filings]
    assert _in_threads(status, filings * 6) == sequential * 6
    assert sequential == [rongcuo.evaluate(f, rules=rules).status.value for f in filings]


def test_loading_from_many_threads() -> None:
    root = bundled_rules_dir()
    with ThreadPoolExecutor(max_workers=4) as pool:
        digests = set(pool.map(lambda _: rongcuo.load_ruleset(root).digest, range(8)))
    assert digests == {rongcuo.bundled_ruleset().digest}


# --------------------------------------------------------------------------- receipts


def _decided(rules: rongcuo.Ruleset, filings: list[Filing]) -> tuple[Filing, rongcuo.Verdict]:
    """A filing whose verdict has decisive clauses, a trace and a status to change."""
    for filing in filings:
        verdict = rongcuo.evaluate(filing, rules=rules, as_of=dt.date(2026, 1, 1))
        if verdict.decisive and verdict.status is rongcuo.Status.INELIGIBLE:
            return filing, verdict
    raise AssertionError("no ineligible filing among the examples")


def _set(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def _alterations(data: dict[str, Any], rules: rongcuo.Ruleset) -> dict[str, Any]:
    other_id = next(c.id for c in rules.clauses if c.id != data["decisive"][0]["id"])
    flipped = {"true": "false", "false": "true", "unknown": "true"}
    element = data["trace"][0]["elements"][0]
    return {
        "status": _set(data, ("status",), "eligible"),
        "decisive id": _set(data, ("decisive", 0, "id"), other_id),
        "decisive dropped": _set(data, ("decisive",), data["decisive"][1:]),
        "trace clause value": _set(data, ("trace", 0, "value"), flipped[data["trace"][0]["value"]]),
        "trace element value": _set(
            data, ("trace", 0, "elements", 0, "value"), flipped[element["value"]]
        ),
        "as_of": _set(data, ("as_of",), "2026-01-02"),
        "filing_id": _set(data, ("filing_id",), "ANOTHER"),
        "ruleset label": _set(data, ("ruleset", "label"), "另一版本"),
        "ruleset digest": _set(data, ("ruleset", "digest"), "0" * 64),
        "receipt": _set(data, ("receipt",), "sha256:" + "0" * 64),
        "missing facts": _set(
            data,
            ("missing_facts",),
            [{"path": "summary", "title_zh": "x", "title_en": "x", "clauses": ["P1"]}],
        ),
    }


def test_an_intact_verdict_verifies(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    filing, verdict = _decided(rules, filings)
    assert verdict.receipt.startswith("sha256:")
    assert rongcuo.verify(verdict.to_json(), filing, rules=rules) == verdict
    assert rongcuo.verify(json.loads(verdict.to_json()), filing, rules=rules) == verdict


def test_any_alteration_is_detected(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    filing, verdict = _decided(rules, filings)
    data = json.loads(verdict.to_json())
    alterations = _alterations(data, rules)
    assert len(alterations) >= 10
    for what, altered in alterations.items():
        assert altered != data, what
        with pytest.raises(VerdictError) as info:
            rongcuo.verify(json.dumps(altered, ensure_ascii=False), filing, rules=rules)
        assert info.value.codes == ("verdict_receipt_mismatch",), what


def test_a_verdict_for_another_filing(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    filing, verdict = _decided(rules, filings)
    other = filing.model_copy(update={"summary": (filing.summary or "") + "（另案）"})
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(verdict, other, rules=rules)
    assert info.value.codes == ("verdict_receipt_mismatch",)


def test_a_forged_receipt_fails_re_evaluation(
    rules: rongcuo.Ruleset, filings: list[Filing]
) -> None:
    """Someone who recomputes the receipt after changing the status is caught by re-evaluation."""
    filing, verdict = _decided(rules, filings)
    forged = verdict.model_copy(update={"status": rongcuo.Status.ELIGIBLE})
    forged = forged.model_copy(update={"receipt": receipt_for(forged, filing)})
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(forged, filing, rules=rules)
    assert info.value.codes == ("verdict_mismatch",)


def _reworded(rules: rongcuo.Ruleset, tmp: Path) -> rongcuo.Ruleset:
    """The bundled rules with P1's text reworded (its phrases kept), dumped and reloaded."""
    texts = rules.dump_texts()
    data = yaml.safe_load(texts["positive.yaml"])
    p1 = next(c for c in data["clauses"] if c["id"] == "P1")
    p1["text"] = p1["text"].removesuffix("；") + "（修订）；"
    texts["positive.yaml"] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for name, text in texts.items():  # every file of the ruleset: facts, bars, companions too
        (tmp / name).write_text(text, encoding="utf-8")
    other = rongcuo.load_ruleset(tmp)
    assert other.digest != rules.digest
    return other


def test_a_verdict_under_other_rules(
    rules: rongcuo.Ruleset, filings: list[Filing], tmp_path: Path
) -> None:
    other = _reworded(rules, tmp_path)
    filing, _ = _decided(rules, filings)
    verdict = rongcuo.evaluate(filing, rules=other)
    assert rongcuo.verify(verdict, filing, rules=other) == verdict
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(verdict.to_json(), filing, rules=rules)
    assert info.value.codes == ("verdict_ruleset_mismatch",)


def test_a_malformed_verdict(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    filing, verdict = _decided(rules, filings)
    for bad in ["[]", json.dumps({**json.loads(verdict.to_json()), "status": "maybe"})]:
        with pytest.raises(VerdictError) as info:
            rongcuo.verify(bad, filing, rules=rules)
        assert set(info.value.codes) == {"verdict_malformed"}
    with pytest.raises(VerdictError) as info:  # not JSON: read by the one JSON reader
        rongcuo.verify("{", filing, rules=rules, filename="v.json")
    assert info.value.codes == ("json_syntax",)
    assert info.value.problems[0].location.file == "v.json"
    assert info.value.problems[0].location.line == 1


# --------------------------------------------------------------------------- CLI


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(rongcuo.__file__).parents[1])}
    env.pop("RONGCUO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_verify(rules: rongcuo.Ruleset, filings: list[Filing], tmp_path: Path) -> None:
    filing, verdict = _decided(rules, filings)
    filing_path = tmp_path / "filing.json"
    filing_path.write_text(filing.model_dump_json(exclude_none=True), encoding="utf-8")
    good = tmp_path / "verdict.json"
    good.write_text(verdict.to_json(), encoding="utf-8")
    run = _cli("verify", str(good), str(filing_path))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("verified: ineligible")
    assert verdict.receipt in run.stdout

    altered = tmp_path / "altered.json"
    altered.write_text(
        json.dumps({**json.loads(verdict.to_json()), "status": "eligible"}), encoding="utf-8"
    )
    run = _cli("verify", str(altered), str(filing_path))
    assert run.returncode == 1
    assert ": verdict_receipt_mismatch: " in run.stderr
    assert "Traceback" not in run.stderr

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    _reworded(rules, other_dir)
    run = _cli("verify", str(good), str(filing_path), "--rules", str(other_dir), "-f", "json")
    assert run.returncode == 1
    assert [p["code"] for p in json.loads(run.stdout)["problems"]] == ["verdict_ruleset_mismatch"]

    run = _cli("verify", str(tmp_path / "missing.json"), str(filing_path))
    assert run.returncode == 1
    assert ": io_error: " in run.stderr
    assert "Traceback" not in run.stderr


# --------------------------------------------------------------------------- derived fields


def test_trace_and_receipt_are_built_once_and_read_as_fields(
    rules: rongcuo.Ruleset, filings: list[Filing]
) -> None:
    verdict = rongcuo.evaluate(filings[0], rules=rules)
    trace = verdict.trace
    assert verdict.trace is trace  # built on first read, then kept
    assert [c.id for c in trace] == list(rules.program.order)
    memo: dict[str, rongcuo.Truth] = {}
    for clause in trace:
        for element in clause.elements:
            reference = rules.program.element_value(clause.id, element.id, filings[0], memo)
            assert element.value == reference.value
    data = json.loads(verdict.to_json())
    assert list(data)[-2:] == ["trace", "receipt"]
    assert data["receipt"] == verdict.receipt == receipt_for(verdict, filings[0])
    untraced = rongcuo.evaluate(filings[0], rules=rules, trace=False)
    assert untraced.trace == () and untraced.receipt.startswith("sha256:")
    assert untraced.receipt != verdict.receipt  # the receipt covers the trace


def test_a_stored_verdict_keeps_its_trace_and_receipt(
    rules: rongcuo.Ruleset, filings: list[Filing]
) -> None:
    verdict = rongcuo.evaluate(filings[1], rules=rules)
    stored = rongcuo.Verdict.model_validate_json(verdict.to_json())
    assert stored == verdict
    assert stored.trace == verdict.trace and stored.receipt == verdict.receipt
    assert stored.to_json() == verdict.to_json()
    with pytest.raises(pydantic.ValidationError) as info:
        rongcuo.Verdict.model_validate({**json.loads(verdict.to_json()), "trace": [{"id": 1}]})
    assert info.value.errors()[0]["loc"][0] == "trace"


def test_an_altered_trace_is_detected(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    filing, verdict = _decided(rules, filings)
    data = json.loads(verdict.to_json())
    element = data["trace"][0]["elements"][0]
    element["value"] = "true" if element["value"] != "true" else "false"
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(json.dumps(data, ensure_ascii=False), filing, rules=rules)
    assert info.value.codes == ("verdict_receipt_mismatch",)


def test_a_pickled_verdict_is_its_data(rules: rongcuo.Ruleset, filings: list[Filing]) -> None:
    verdict = rongcuo.evaluate(filings[0], rules=rules)
    shipped = pickle.dumps(verdict)
    assert rules.dump_texts()["positive.yaml"][:200].encode() not in shipped  # not the ruleset
    back = pickle.loads(shipped)
    assert back == verdict
    assert back.trace == verdict.trace and back.receipt == verdict.receipt
    assert copy.deepcopy(verdict) == verdict
