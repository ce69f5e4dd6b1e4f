"""Canonical, versioned data: sorted sets in filing JSON, a format in verdict JSON, and the JSON
Schemas published under ``schemas/`` (kept current; rule files validate against theirs)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import rongcuo
from rongcuo import _yaml
from rongcuo.cli import schema_text
from rongcuo.verdict.verdict import VERDICT_FORMAT

from .conftest import EXAMPLES, ROOT

SCHEMAS = ROOT / "schemas"


def _shuffled_sets(data: Any, rng: random.Random) -> Any:
    if isinstance(data, dict):
        return {k: _shuffled_sets(v, rng) for k, v in data.items()}
    if isinstance(data, list):
        items = [_shuffled_sets(v, rng) for v in data]
        rng.shuffle(items)
        return items
    return data


def _set_values(spec: Any) -> list[str] | None:
    """The values a set fact's schema lists for its items (a v2 set is an array of one of
    several consts, or a partly known set), ``None`` when it is not a set of named values."""
    if isinstance(spec, dict):
        if spec.get("type") == "array" and isinstance(spec.get("items"), dict):
            consts = [a.get("const") for a in spec["items"].get("oneOf", [])]
            if consts and all(isinstance(c, str) for c in consts):
                return consts
        for key in ("anyOf", "oneOf"):
            for alternative in spec.get(key, []):
                found = _set_values(alternative)
                if found is not None:
                    return found
    return None


def _with_long_sets() -> dict[str, Any]:
    """An example filing with several values in some of its set facts."""
    data = rongcuo.load_filing(EXAMPLES / "eligible-p3-relief-funds.yaml").model_dump(
        mode="json", exclude_none=True
    )
    schema = rongcuo.filing_json_schema()
    filled = 0
    for group, facts in data.items():
        if not isinstance(facts, dict):
            continue
        ref = schema["properties"][group]["$ref"].rsplit("/", 1)[1]
        for name, value in facts.items():
            values = _set_values(schema["$defs"][ref]["properties"][name])
            if isinstance(value, list) and values:
                facts[name] = sorted(values)[:4]
                filled += 1
    assert filled >= 3
    return data


def test_equal_filings_dump_byte_identically_whatever_the_order() -> None:
    data = _with_long_sets()
    rng = random.Random(13)
    dumps = {rongcuo.parse_filing(_shuffled_sets(data, rng)).model_dump_json() for _ in range(20)}
    assert len(dumps) == 1
    (dumped,) = dumps
    for facts in json.loads(dumped).values():
        for value in facts.values() if isinstance(facts, dict) else ():
            if isinstance(value, list):
                assert value == sorted(value)


def test_the_dump_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Sets iterate in hash order, which changes with PYTHONHASHSEED from process to process."""
    source = tmp_path / "filing.json"
    source.write_text(json.dumps(_with_long_sets()), encoding="utf-8")
    code = f"import rongcuo; print(rongcuo.load_filing({str(source)!r}).model_dump_json())"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(outs) == 1


def test_verdict_json_carries_its_format() -> None:
    verdict = rongcuo.evaluate(rongcuo.load_filing(EXAMPLES / "needs-determination.yaml"))
    data = json.loads(verdict.to_json())
    assert next(iter(data)) == "format" and data["format"] == VERDICT_FORMAT == "rongcuo.verdict/1"
    verdict_filing = rongcuo.load_filing(EXAMPLES / "needs-determination.yaml")
    assert rongcuo.verify(verdict.to_json(), verdict_filing).receipt == verdict.receipt
    # a stored verdict without its format, or with another, is not a verdict this reads
    for bad in ({k: v for k, v in data.items() if k != "format"}, {**data, "format": "x/2"}):
        with pytest.raises(rongcuo.VerdictError) as info:
            rongcuo.verify(json.dumps(bad), verdict_filing)
        assert info.value.codes == ("verdict_malformed",)
        assert info.value.problems[0].location.path == ("format",)


@pytest.mark.parametrize("what", ["filing", "verdict", "rules"])
def test_published_schemas_are_current(what: str) -> None:
    path = SCHEMAS / f"{what}.schema.json"
    assert path.read_text(encoding="utf-8") == schema_text(what), (
        f"regenerate: rongcuo schema --what {what} > schemas/{what}.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(json.loads(schema_text(what)))


def test_schema_command_prints_them() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "schema", "--what", "verdict"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (SCHEMAS / "verdict.schema.json").read_text(encoding="utf-8")


def test_verdicts_validate_against_the_verdict_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text("verdict")))
    for path in sorted(EXAMPLES.glob("*.*")):
        verdict = rongcuo.evaluate(rongcuo.load_filing(path))
        validator.validate(json.loads(verdict.to_json()))


def _as_editor_sees(path: Path) -> Any:
    """A rule file as JSON data: dates as their text, as a YAML language server reads them."""
    value = _yaml.load_yaml(path.read_bytes(), filename=str(path)).value
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    )


RULE_FILES = sorted(
    p for d in ("rules", "examples/revisions/demo-2024") for p in (ROOT / d).glob("*.yaml")
)


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_rule_files_validate_against_the_rules_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text("rules")))
    validator.validate(_as_editor_sees(path))


def test_the_rules_schema_rejects_what_the_language_does_not_define() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(schema_text("rules")))
    data = _as_editor_sees(ROOT / "rules" / "negative.yaml")
    data["clauses"][0]["elements"][0]["tset"] = data["clauses"][0]["elements"][0].pop("test")
    assert not validator.is_valid(data)
    data = _as_editor_sees(ROOT / "rules" / "negative.yaml")
    data["clauses"][0]["elements"][0]["test"] = {"fact": "motive.public_spirited", "equals": True}
    assert not validator.is_valid(data)


@pytest.mark.parametrize(
    "bad", ["unknown_key", "bad_type", "missing_title", "bad_id", "wrong_type"]
)
def test_the_rules_schema_rejects_a_bad_facts_declaration(bad: str) -> None:
    """The bad declarations under tests/bad_facts/ whose fault is one of shape (not of
    meaning, such as a cycle or an unknown family) are refused by the schema as by the loader."""
    validator = jsonschema.Draft202012Validator(json.loads(schema_text("rules")))
    assert validator.is_valid(_as_editor_sees(ROOT / "rules" / "facts.yaml"))
    assert not validator.is_valid(_as_editor_sees(ROOT / "tests" / "bad_facts" / f"{bad}.yaml"))
