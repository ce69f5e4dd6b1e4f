"""docs/rule-language.md, "Rule language 2": its example ruleset loads, its clause examples and
filings behave as the page says, and every row of its table of worked tests has the truth given.

The blocks headed ``# rule-language example: FILE`` are written into a directory and loaded with
:func:`rongcuo.load_ruleset`; ``clause examples`` are run with the loader's own rule for examples;
``filing: STATUS IDS`` blocks are screened. The truths in the worked-tests table were written from
the semantics the page states, not copied from the engine.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo import _yaml
from rongcuo.errors import CODES
from rongcuo.rules import syntax
from rongcuo.rules.syntax import Op, QuantifierKind

from .conftest import ROOT

PAGE = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
V2_PART = PAGE.split("## Rule language 2", 1)[1]
BLOCK = re.compile(r"```yaml\n# rule-language example(?: (filing))?: ([^\n]+)\n(.*?)```", re.S)
FILES = {
    name: body for kind, name, body in BLOCK.findall(V2_PART) if not kind and name.endswith(".yaml")
}
[EXAMPLES] = [body for kind, name, body in BLOCK.findall(V2_PART) if name == "clause examples"]
FILINGS = [(header.split(), body) for kind, header, body in BLOCK.findall(V2_PART) if kind]
ROWS = [
    (m.group(1), m.group(2), m.group(3))
    for m in re.finditer(
        r"^\| `(\{.*\})` \| `(\{.*\})` \| (true|false|unknown) \|$", V2_PART, flags=re.M
    )
]


def _doc(text: str) -> Any:
    """A filing or examples block, read as YAML by rongcuo's reader (a flow mapping too)."""
    return _yaml.load_yaml(text.encode("utf-8"), filename="rule-language.md").value


def _load(directory: Path, files: dict[str, str]) -> rongcuo.Ruleset:
    directory.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (directory / name).write_text(body, encoding="utf-8")
    return rongcuo.load_ruleset(directory)


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> rongcuo.Ruleset:
    return _load(tmp_path_factory.mktemp("example"), FILES)


def test_the_page_gives_a_whole_ruleset() -> None:
    assert set(FILES) == {
        "ruleset.yaml",
        "facts.yaml",
        "positive.yaml",
        "negative.yaml",
        "bars.yaml",
        "companions.yaml",
    }
    assert len(FILINGS) >= 2 and len(ROWS) >= 20


def test_the_example_ruleset_loads_with_every_list(rules: rongcuo.Ruleset) -> None:
    assert rules.program.catalogue is not None  # rule language 2
    assert {c.list.value for c in rules.clauses} == {"positive", "negative", "bar", "companion"}
    assert rules.clause("B1").bars == ("P1",)


def test_the_example_ruleset_uses_every_v2_operator(rules: rongcuo.Ruleset) -> None:
    ops: set[str] = set()
    for clause in rules.clauses:
        for element in clause.elements:
            for node in syntax.walk(element.test):
                if isinstance(node, syntax.Test):
                    ops.add(node.op.value)
                elif isinstance(node, syntax.Quantifier):
                    ops.add(node.kind.value)
                    if node.where is not None:
                        ops.add("where")
                elif isinstance(node, syntax.SameKind):
                    ops.add("same_kind")
    # with the worked tests, every language-2 operator but `known` is shown in use
    shown = ops | {op for test, _, _ in ROWS for op in re.findall(r"\b([a-z_]+):", test)}
    v2_ops = {
        Op.EQ,
        Op.WITHIN,
        Op.CONTAINS,
        Op.CONTAINS_ANY,
        Op.EMPTY,
        Op.NA,
        Op.BEFORE,
        Op.ON_OR_AFTER,
        Op.AFTER_FACT,
    }
    assert {op.value for op in v2_ops} <= shown
    assert {QuantifierKind.SOME.value, QuantifierKind.EVERY.value, "where", "same_kind"} <= shown
    # the operators of language 1 only are named as such
    assert "`in`, `contains_all`, `lt`, `le`, `gt`, `ge` are language 1 only" in V2_PART


def test_the_clause_examples_behave_as_the_loader_requires(rules: rongcuo.Ruleset) -> None:
    data = _doc(EXAMPLES)
    assert isinstance(data, dict) and set(data) == {c.id for c in rules.clauses}
    program = rules.program
    for cid, examples in data.items():
        clause = rules.clause(cid)
        assert {e["expect"] for e in examples} == {"holds", "fails"}, cid
        for ex in examples:
            filing = rules.parse_filing(ex["filing"])
            value = program.clause_value(cid, filing, {}).value
            elements = {
                e.id: program.element_value(cid, e.id, filing, {}).value for e in clause.elements
            }
            if ex["expect"] == "holds":
                assert value == "true", (cid, ex["name"])
                continue
            assert value == "false", (cid, ex["name"])
            assert elements[ex["fails_on"]] == "false", (cid, ex["name"])
            others = {v for k, v in elements.items() if k != ex["fails_on"]}
            any_clause = isinstance(clause.holds_when, syntax.Any)
            assert others <= ({"false"} if any_clause else {"true"}), (cid, ex["name"])


@pytest.mark.parametrize(("header", "body"), FILINGS, ids=[" ".join(h) for h, _ in FILINGS])
def test_the_filings_get_the_verdicts_the_page_gives(
    header: list[str], body: str, rules: rongcuo.Ruleset
) -> None:
    status, *ids = header
    verdict = rongcuo.evaluate(rules.parse_filing(_doc(body)), rules=rules)
    assert verdict.status.value == status
    if status == "insufficient_facts":
        assert [c.id for c in verdict.bars] == ids
    else:
        assert [c.id for c in verdict.decisive] == ids


@pytest.fixture(scope="module")
def row_rules(tmp_path_factory: pytest.TempPathFactory) -> rongcuo.Ruleset:
    """The example ruleset with one positive clause more per worked test (P3, P4, …)."""
    clauses = []
    for n, (test, _, _) in enumerate(ROWS, 3):
        clauses.append(
            f"  - id: P{n}\n    item: {n}\n    text: 示例{n}\n    summary: worked test {n}\n"
            f"    elements:\n      - id: t\n        phrase: 示例{n}\n        test: {test}\n"
        )
    files = dict(FILES)
    files["positive.yaml"] = FILES["positive.yaml"].rstrip("\n") + "\n" + "".join(clauses)
    return _load(tmp_path_factory.mktemp("rows"), files)


@pytest.mark.parametrize(("n", "row"), list(enumerate(ROWS, 3)), ids=[r[1] for r in ROWS])
def test_a_worked_test_has_the_truth_the_table_gives(
    n: int, row: tuple[str, str, str], row_rules: rongcuo.Ruleset
) -> None:
    _, filing, truth = row
    parsed: Any = row_rules.parse_filing(_doc(filing))
    assert row_rules.program.element_value(f"P{n}", "t", parsed, {}).value == truth


def test_every_code_the_page_names_exists() -> None:
    named = set(re.findall(r"`((?:facts|rules)_[a-z_]+)`", V2_PART))
    assert len(named) >= 15
    assert named <= set(CODES), named - set(CODES)
