"""Fuzzing the two readers of outside input: the filing parser and the rule loader.

Random JSON-like structures, random bytes and random text go through
:func:`rongcuo.parse_filing` (JSON, YAML and auto-detected), random structures dumped as YAML go
into each of the three rule files, and the real bundled rule files (every one of them: facts.yaml,
bars.yaml and companions.yaml too) are mutated (a line deleted,
a value swapped for one of another type, random text inserted). The only exceptions allowed to
escape are the documented ones (:class:`~rongcuo.errors.FilingError` from the parser,
:class:`~rongcuo.errors.RulesError` from the loader), each holding coded problems; anything else
fails the test. The number of examples run is printed at the end of the module.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rongcuo.errors import CODES, FilingError, RongcuoError, RulesError
from rongcuo.facts.filings import parse_filing
from rongcuo.facts.v2 import FACTS, Filing
from rongcuo.rules.load import FILES, bundled_rules_dir, load_ruleset, load_ruleset_texts

BASE = Path(__file__).parent / "bad_rules" / "_base"
BASE_TEXTS = {name: (BASE / name).read_text(encoding="utf-8") for name in FILES}
BUNDLED_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in bundled_rules_dir().glob("*.yaml")}
BUNDLED_FILES = sorted(BUNDLED_TEXTS)

#: target -> outcome -> examples run; printed when the module finishes
COUNTS: defaultdict[str, Counter[str]] = defaultdict(Counter)

#: RONGCUO_FUZZ_SCALE=10 runs ten times as many examples (a longer campaign, by hand)
SCALE = int(os.environ.get("RONGCUO_FUZZ_SCALE", "1"))
FAST = settings(
    deadline=None,
    max_examples=250 * SCALE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=30 * SCALE)  # each example loads the whole bundled ruleset


def summary_lines() -> list[str]:
    total = sum(sum(c.values()) for c in COUNTS.values())
    lines = [f"fuzz: {total} examples run, 0 escaped (an escape fails its test)"]
    for target, outcomes in sorted(COUNTS.items()):
        shown = ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
        lines.append(f"  {target}: {shown}")
    return lines


class _Summary:
    """A plugin, registered while this module runs, that prints the counts in the summary."""

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if COUNTS:
            terminalreporter.section("fuzz examples")
            for line in summary_lines():
                terminalreporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def _report(request: pytest.FixtureRequest) -> Iterator[None]:
    manager = request.config.pluginmanager
    if not manager.has_plugin("rongcuo-fuzz-summary"):
        manager.register(_Summary(), "rongcuo-fuzz-summary")
    yield


def _run(target: str, error: type[RongcuoError], call: Callable[[], object]) -> None:
    """Run ``call``: it returns, or raises ``error`` with coded problems; nothing else."""
    try:
        call()
    except error as exc:
        assert exc.problems
        assert all(p.code in CODES for p in exc.problems)
        assert list(exc.problems) == sorted(exc.problems, key=lambda p: p.sort_key())
        COUNTS[target]["rejected"] += 1
    else:
        COUNTS[target]["accepted"] += 1


# --------------------------------------------------------------------------- strategies

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["2023-02-30", "2023-06-15", "2023-13-01", "true", "self", "refused", ""])
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=30,
)

# keys the filing model knows, so that random structures reach deep into it
_GROUPS = sorted({p.split(".")[0] for p in FACTS} | set(Filing.model_fields))
_LEAVES = sorted({p.split(".")[-1] for p in FACTS})
filing_keys = st.sampled_from(_GROUPS + _LEAVES) | st.text(max_size=10)
filing_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(filing_keys, inner, max_size=6),
    max_leaves=25,
)
filing_docs = st.dictionaries(
    st.sampled_from(_GROUPS),
    st.dictionaries(st.sampled_from(_LEAVES) | st.text(max_size=8), filing_like, max_size=5)
    | filing_like,
    max_size=6,
)

# --------------------------------------------------------------------------- filings


@FAST
@given(json_like)
def test_json_structures_through_parse_filing(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False).encode()
    _run("filing json structure", FilingError, lambda: parse_filing(text, format="json"))


@FAST
@given(filing_docs)
def test_filing_shaped_structures(value: dict[str, Any]) -> None:
    as_json = json.dumps(value, ensure_ascii=False).encode()
    _run("filing-shaped json", FilingError, lambda: parse_filing(as_json, format="json"))
    as_yaml = yaml.safe_dump(value, allow_unicode=True).encode()
    _run("filing-shaped yaml", FilingError, lambda: parse_filing(as_yaml, format="yaml"))
    _run("filing-shaped mapping", FilingError, lambda: parse_filing(value))


@FAST
@given(st.binary(max_size=300), st.sampled_from(["json", "yaml", "auto"]))
def test_random_bytes_through_parse_filing(data: bytes, fmt: str) -> None:
    _run(f"filing bytes {fmt}", FilingError, lambda: parse_filing(data, format=fmt))  # type: ignore[arg-type]


_YAML_BITS = st.sampled_from(
    [": ", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/name:x ", "!t ", "---\n", "? ", "\t",
     "\n  ", "'", '"', "#", "|\n", ">-\n", "<<: ", "%YAML 1.1\n", "\ufeff", "\x00", "motive", "summary"]
)  # fmt: skip


@FAST
@given(st.lists(_YAML_BITS | st.text(max_size=8), max_size=30).map("".join))
def test_random_yaml_text_through_parse_filing(text: str) -> None:
    _run("filing yaml text", FilingError, lambda: parse_filing(text, format="yaml"))


# --------------------------------------------------------------------------- rule files


@FAST
@given(st.sampled_from(FILES), json_like)
def test_random_structure_as_a_rule_file(name: str, value: Any) -> None:
    texts = {**BASE_TEXTS, name: yaml.safe_dump(value, allow_unicode=True)}
    _run(f"rules random {name}", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a mapping entry or list item in a parsed document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield (*path, k)
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield (*path, i)
            yield from _paths(v, (*path, i))


_BASE_DATA = {name: yaml.safe_load(text) for name, text in BASE_TEXTS.items()}
_BASE_PATHS = {name: list(_paths(data)) for name, data in _BASE_DATA.items()}
_OTHER_TYPE = st.sampled_from([None, True, 0, 1.5, "", "text", [], {}, ["x"], {"k": "v"}])


@FAST
@given(st.sampled_from(FILES), st.data(), _OTHER_TYPE, st.booleans())
def test_structural_mutations_of_a_small_ruleset(
    name: str, data: st.DataObject, other: Any, delete: bool
) -> None:
    import copy

    doc = copy.deepcopy(_BASE_DATA[name])
    path = data.draw(st.sampled_from(_BASE_PATHS[name]))
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = other
    texts = {**BASE_TEXTS, name: yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)}
    what = "delete" if delete else "swap type"
    _run(f"rules {what} (small)", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))


# mutations of the real bundled files, on their text (cheap, and positions stay meaningful)
_KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_]+):( .*)?$")
_KEY_LINES = {
    name: [i for i, line in enumerate(text.splitlines()) if _KEY_LINE.match(line)]
    for name, text in BUNDLED_TEXTS.items()
}
_REPLACEMENTS = st.sampled_from(
    ["", "[]", "{}", "42", "true", "null", "2023-02-30", "'text'", "[1, [2]]", "{fact: x}", "*a"]
)


def test_the_bundled_texts_load_unmutated() -> None:
    """The mutations below start from a ruleset that loads: every file of it is there."""
    assert {"facts.yaml", "bars.yaml", "companions.yaml", *FILES} <= set(BUNDLED_FILES)
    loaded = load_ruleset_texts(BUNDLED_TEXTS, origin="fuzz")
    assert loaded.digest == load_ruleset(bundled_rules_dir()).digest


@SLOW
@given(st.sampled_from(BUNDLED_FILES), st.data())
def test_bundled_rules_with_a_key_deleted(name: str, data: st.DataObject) -> None:
    lines = BUNDLED_TEXTS[name].splitlines()
    del lines[data.draw(st.sampled_from(_KEY_LINES[name]))]
    texts = {**BUNDLED_TEXTS, name: "\n".join(lines) + "\n"}
    _run("bundled delete key", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))


@SLOW
@given(st.sampled_from(BUNDLED_FILES), st.data(), _REPLACEMENTS)
def test_bundled_rules_with_a_value_swapped(name: str, data: st.DataObject, new: str) -> None:
    lines = BUNDLED_TEXTS[name].splitlines()
    i = data.draw(st.sampled_from(_KEY_LINES[name]))
    m = _KEY_LINE.match(lines[i])
    assert m is not None
    lines[i] = f"{m.group(1)}{m.group(2)}: {new}"
    texts = {**BUNDLED_TEXTS, name: "\n".join(lines) + "\n"}
    _run("bundled swap value", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))


@SLOW
@given(st.sampled_from(BUNDLED_FILES), st.data(), _YAML_BITS | st.text(min_size=1, max_size=12))
def test_bundled_rules_with_text_inserted(name: str, data: st.DataObject, insert: str) -> None:
    text = BUNDLED_TEXTS[name]
    at = data.draw(st.integers(min_value=0, max_value=len(text)))
    texts = {**BUNDLED_TEXTS, name: text[:at] + insert + text[at:]}
    _run("bundled insert text", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))


@SLOW
@given(st.sampled_from(FILES), st.binary(min_size=1, max_size=200))
def test_random_bytes_as_a_rule_file(name: str, data: bytes) -> None:
    texts: dict[str, str | bytes] = {**BASE_TEXTS, name: data}
    _run("rules random bytes", RulesError, lambda: load_ruleset_texts(texts, origin="fuzz"))
