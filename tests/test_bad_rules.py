"""The golden corpus of bad rule files (tests/bad_rules/).

Each case is a directory holding the rule files that differ from a minimal valid ruleset
(``_base``) and ``expected.yaml``::

    about: what is wrong
    remove: [negative.yaml]          # optional: files of the base to delete
    generate: oversize_file          # optional: a generator below builds a file too big to keep
    problems:                        # every problem, exactly: code, file basename, line, col
      - {code: rules_unknown_fact, file: positive.yaml, line: 12, col: 15, hint: public_spirited}

``hint`` and ``message`` (optional) are substrings the problem's hint / message must contain.
Every case must fail to load with a :class:`~rongcuo.errors.RulesError` holding exactly the
expected problems (no more, no fewer), and ``rongcuo rules --rules DIR`` must exit 1 listing
them as ``file:line:col: code:`` lines, without a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.errors import CODES, RulesError
from rongcuo.rules.load import MAX_CLAUSES

CORPUS = Path(__file__).parent / "bad_rules"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def _deep_yaml(root: Path) -> None:
    """positive.yaml whose summary nests 200 flow sequences deep."""
    text = (BASE / "positive.yaml").read_text(encoding="utf-8")
    deep = "[" * 200 + "]" * 200
    (root / "positive.yaml").write_text(
        text.replace("summary: Public spirit without private gain.", f"summary: {deep}"),
        encoding="utf-8",
    )


def _oversize(root: Path) -> None:
    """positive.yaml padded with comments past the 2 MiB limit."""
    text = (BASE / "positive.yaml").read_text(encoding="utf-8")
    pad = ("# " + "填充" * 40 + "\n") * 9000
    (root / "positive.yaml").write_text(text + pad, encoding="utf-8")


def _many_clauses(root: Path) -> None:
    """negative.yaml with one clause more than the limit."""
    head = "list: negative\ndocument: 甲号\nsection: 负面清单\nclauses:\n"
    clause = (
        "  - id: N{n}\n    item: {n}\n    text: 拒不整改的；\n    summary: Refusal.\n"
        "    elements:\n      - id: refusal\n        phrase: 拒不整改\n"
        "        test: {{fact: remedy.rectification, eq: refused}}\n"
    )
    body = "".join(clause.format(n=n) for n in range(1, MAX_CLAUSES + 2))
    (root / "negative.yaml").write_text(head + body, encoding="utf-8")


GENERATED: dict[str, Callable[[Path], None]] = {
    "deep_yaml": _deep_yaml,
    "oversize_file": _oversize,
    "too_many_clauses": _many_clauses,
}


def expected(case: str) -> dict[str, Any]:
    with (CORPUS / case / "expected.yaml").open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict) and data.get("problems"), case
    return data


def build(case: str, tmp: Path) -> Path:
    """The case's ruleset directory: the base, the case's files over it, removals, generation."""
    spec = expected(case)
    root = tmp / case
    shutil.copytree(BASE, root)
    for f in (CORPUS / case).iterdir():
        if f.name != "expected.yaml":
            shutil.copyfile(f, root / f.name)
    for name in spec.get("remove", []):
        (root / name).unlink()
    if "generate" in spec:
        GENERATED[spec["generate"]](root)
    return root


def _key(p: dict[str, Any]) -> tuple[str, str, int, int]:
    return (p["code"], p["file"], p["line"], p["col"])


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 35


def test_base_is_valid() -> None:
    ruleset = rongcuo.load_ruleset(BASE)
    assert [c.id for c in ruleset.clauses] == ["N1", "P1"]


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, tmp_path: Path) -> None:
    spec = expected(case)
    root = build(case, tmp_path)
    with pytest.raises(RulesError) as info:
        rongcuo.load_ruleset(root)
    got = [
        {
            "code": p.code,
            "file": Path(p.location.file).name,
            "line": p.location.line,
            "col": p.location.col,
        }
        for p in info.value.problems
    ]
    want = spec["problems"]
    assert sorted(map(_key, got)) == sorted(map(_key, want))
    for p in info.value.problems:
        assert p.code in CODES
        assert p.location.file.startswith(str(root))
    # reported sorted by file, line and column
    assert [p.sort_key() for p in info.value.problems] == sorted(
        p.sort_key() for p in info.value.problems
    )
    for w in want:
        if "hint" in w or "message" in w:
            matching = [
                p
                for p in info.value.problems
                if (p.code, Path(p.location.file).name, p.location.line, p.location.col) == _key(w)
            ]
            assert any(
                w.get("hint", "") in p.hint and w.get("message", "") in p.message for p in matching
            ), (w, matching)


def test_same_problems_from_texts(tmp_path: Path) -> None:
    """load_ruleset_texts reports what load_ruleset reports (one multi-file case)."""
    root = build("several_defects_several_files", tmp_path)
    texts = {p.name: p.read_bytes() for p in root.iterdir()}
    with pytest.raises(RulesError) as by_dir:
        rongcuo.load_ruleset(root)
    with pytest.raises(RulesError) as by_text:
        rongcuo.load_ruleset_texts(texts, origin=str(root))
    assert by_dir.value.problems == by_text.value.problems


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


CLI_CASES = [
    "yaml_syntax_unclosed_flow",
    "not_utf8",
    "yaml_billion_laughs",
    "several_defects_several_files",
    "cycle",
    "example_misbehaves",
]


def _assert_listed(case: str, root: Path, stderr: str) -> None:
    lines = [line.strip() for line in stderr.splitlines()[1:]]
    assert len(lines) == len(expected(case)["problems"]), stderr
    for w in expected(case)["problems"]:
        where = str(root / w["file"])
        if w["line"]:
            where += f":{w['line']}:{w['col']}"
        assert any(line.startswith(where) and f": {w['code']}: " in line for line in lines), (
            w,
            stderr,
        )


@pytest.mark.parametrize("case", CLI_CASES)
def test_cli_lists_located_problems(case: str, tmp_path: Path) -> None:
    """The real command in a subprocess: exit 1, one located line per problem, no traceback."""
    root = build(case, tmp_path)
    run = _cli("rules", "--rules", str(root))
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    _assert_listed(case, root, run.stderr)


@pytest.mark.parametrize("case", CASES)
def test_cli_in_process(case: str, tmp_path: Path) -> None:
    """Every case through the command (in process, for speed)."""
    from typer.testing import CliRunner

    from rongcuo.cli import app

    root = build(case, tmp_path)
    result = CliRunner().invoke(app, ["rules", "--rules", str(root)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == ""
    _assert_listed(case, root, result.stderr)


def test_cli_json_format(tmp_path: Path) -> None:
    import json

    root = build("several_defects_several_files", tmp_path)
    run = _cli("rules", "--rules", str(root), "--format", "json")
    assert run.returncode == 1
    data = json.loads(run.stdout)
    assert data["error"] == "ruleset"
    got = sorted(
        (p["code"], Path(p["location"]["file"]).name, p["location"]["line"], p["location"]["col"])
        for p in data["problems"]
    )
    assert got == sorted(map(_key, expected("several_defects_several_files")["problems"]))
