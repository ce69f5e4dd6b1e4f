"""Every example filing shipped under examples/ gives the status it is documented to give."""

from __future__ import annotations

import pytest
import yaml

import rongcuo

from .conftest import EXAMPLES, ROOT

EXPECTED = yaml.safe_load((ROOT / "tests" / "examples_expected.yaml").read_text(encoding="utf-8"))
FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))


def test_every_example_has_an_expectation() -> None:
    assert sorted(EXPECTED) == FILES


def test_examples_cover_every_status() -> None:
    assert {e["status"] for e in EXPECTED.values()} == {s.value for s in rongcuo.Status}


@pytest.mark.parametrize("name", FILES)
def test_example(name: str, rules: rongcuo.Ruleset) -> None:
    verdict = rongcuo.evaluate(rongcuo.load_filing(EXAMPLES / name), rules=rules)
    want = EXPECTED[name]
    assert verdict.status.value == want["status"]
    assert [c.id for c in verdict.decisive] == want["decisive"]
