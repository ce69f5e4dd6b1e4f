"""``rongcuo screen``: the real CLI in a subprocess, on the real rules.

Order with several jobs, bad records as coded error records, directory and stdin input, the
summary, and the promise that matters most: killed (SIGKILL) or interrupted (SIGINT) mid-run,
the output is a valid prefix and ``--resume`` completes it with no gap and no duplicate.
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo.batch.screen import screen_record, screen_records
from rongcuo.facts.filings import MAX_FILING_BYTES, load_filing

from .conftest import EXAMPLES, ROOT


def _env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT / "src"), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("RONGCUO_DEBUG", None)
    return env


def _cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "rongcuo.cli", "screen", *map(str, args)]


def _screen(*args: str | Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        _cmd(*args), input=stdin, capture_output=True, env=_env(), cwd=ROOT, timeout=120
    )


def _records(data: bytes) -> list[dict[str, Any]]:
    assert data == b"" or data.endswith(b"\n"), "the output ends with a torn line"
    return [json.loads(line) for line in data.splitlines()]


def _examples() -> list[dict[str, Any]]:
    """The example filings, in their JSON shape."""
    return [
        load_filing(p).model_dump(mode="json", exclude_none=True)
        for p in sorted(EXAMPLES.iterdir())
        if p.suffix in (".json", ".yaml")
    ]


def _corpus(n: int) -> list[bytes]:
    """``n`` JSONL lines cycling through the examples (mixed statuses), each with its own id."""
    base = _examples()
    out = []
    for i in range(n):
        data = dict(base[i % len(base)])
        data["id"] = f"T-{i:07d}"
        out.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
    return out


def _write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return path


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.bundled_ruleset()


def test_examples_mix_statuses(rules: rongcuo.Ruleset) -> None:
    statuses = {rongcuo.evaluate(d, rules=rules).status for d in _examples()}
    assert len(statuses) >= 3  # the corpus the tests use is not one status over and over


# --------------------------------------------------------------------------- records


def test_records_agree_with_evaluate(tmp_path: Path, rules: rongcuo.Ruleset) -> None:
    lines = _corpus(40)
    result = _screen(_write(tmp_path / "in.jsonl", lines))
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert [r["line"] for r in records] == list(range(1, 41))
    for line, record in zip(lines, records, strict=True):
        verdict = rongcuo.evaluate(json.loads(line), rules=rules, trace=False)
        assert record["id"] == verdict.filing_id
        assert record["status"] == verdict.status.value
        assert record["decisive"] == [c.id for c in verdict.decisive]
        assert record["missing"] == [m.path for m in verdict.missing_facts]


def test_trace_holds_the_full_verdict(tmp_path: Path, rules: rongcuo.Ruleset) -> None:
    lines = _corpus(4)
    result = _screen(_write(tmp_path / "in.jsonl", lines), "--trace")
    assert result.returncode == 0, result.stderr
    for line, record in zip(lines, _records(result.stdout), strict=True):
        verdict = rongcuo.evaluate(json.loads(line), rules=rules)
        assert record["verdict"] == verdict.model_dump(mode="json")
        assert record["verdict"]["trace"], "the full trace is in the record"
        assert record["status"] == verdict.status.value


def test_jobs_keep_input_order(tmp_path: Path) -> None:
    lines = _corpus(5000)
    lines[1234] = b"{not json"
    lines[4321] = b'{"subject": {"kind": "robot"}}'
    source = _write(tmp_path / "in.jsonl", lines)
    one = _screen(source, "--jobs", "1")
    two = _screen(source, "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    records = _records(two.stdout)
    assert [r["line"] for r in records] == list(range(1, 5001))
    assert [r.get("id") for r in records[:3]] == ["T-0000000", "T-0000001", "T-0000002"]
    assert records[1234]["error"]["code"] == "json_syntax"
    assert records[4321]["error"]["code"] == "filing_invalid_value"
    assert two.stdout == one.stdout


def test_bad_records_become_coded_errors(tmp_path: Path) -> None:
    good = _corpus(2)[0]
    bad = {
        2: b"{this is not json",
        3: b'{"subject": {"kind": "unit"}, "colour": "red"}',
        4: b'{"motive": {"public_spirited": "yes"}}',
        5: b"",
        6: b'{"summary": "' + b"x" * (MAX_FILING_BYTES + 10) + b'"}',
        7: b"[1, 2, 3]",
        8: b'{"summary": "\xff\xfe"}',
        9: b'{"id": "a", "id": "b"}',
        10: b'{"filed_on": "2023-02-30"}',
    }
    lines = [bad.get(n, good) for n in range(1, 12)]
    result = _screen(_write(tmp_path / "in.jsonl", lines), "--lang", "en")
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    assert [r["line"] for r in records] == list(range(1, 12))
    codes = {r["line"]: r["error"]["code"] for r in records if "error" in r}
    assert codes == {
        2: "json_syntax",
        3: "filing_unknown_field",
        4: "filing_wrong_type",
        5: "json_syntax",
        6: "too_large",
        7: "filing_not_object",
        8: "not_utf8",
        9: "json_duplicate_key",
        10: "filing_invalid_date",
    }
    for n in (1, 11):
        assert records[n - 1]["status"] == "eligible"
    assert records[2]["error"]["location"]["path"] == "$.colour"
    assert records[3]["error"]["location"] == {"line": 4, "path": "$.motive.public_spirited"}
    assert records[1]["error"]["location"]["line"] == 2
    assert all(r["error"]["message"] for r in records if "error" in r)
    assert "9 errors" in result.stderr.decode()


def test_directory_input(tmp_path: Path) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    examples = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
    for p in examples:
        (folder / p.name).write_bytes(p.read_bytes())
    (folder / "zz-broken.yaml").write_text("subject: {kind: unit\n", encoding="utf-8")
    (folder / "aa-unknown.json").write_text('{"subjects": {}}', encoding="utf-8")
    (folder / "notes.txt").write_text("not a filing", encoding="utf-8")
    result = _screen(folder, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    records = _records(result.stdout)
    names = sorted([p.name for p in examples] + ["zz-broken.yaml", "aa-unknown.json"])
    assert [r["file"] for r in records] == names
    assert records[0]["error"]["code"] == "filing_unknown_field"
    assert records[-1]["error"]["code"] == "yaml_syntax"
    assert records[-1]["error"]["location"]["line"] >= 1
    statuses = {r["file"]: r["status"] for r in records if "status" in r}
    for p in examples:
        assert statuses[p.name] == rongcuo.evaluate(load_filing(p)).status.value


def test_stdin_to_stdout(tmp_path: Path) -> None:
    lines = _corpus(8)
    result = _screen("-", stdin=b"".join(line + b"\n" for line in lines))
    assert result.returncode == 0, result.stderr
    assert [r["id"] for r in _records(result.stdout)] == [f"T-{i:07d}" for i in range(8)]


def test_summary_counts(tmp_path: Path) -> None:
    lines = _corpus(30)
    lines[5] = b"{"
    lines[6] = b"{"
    lines[7] = b'{"bogus": 1}'
    source = _write(tmp_path / "in.jsonl", lines)
    records = _records(_screen(source).stdout)
    result = _screen(source, "--summary-only", "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    ok = [r for r in records if "status" in r]
    assert summary["records"] == 30
    assert summary["filings"] == len(ok) == 27
    assert summary["by_status"] == dict(Counter(r["status"] for r in ok))
    assert summary["by_clause"] == dict(Counter(c for r in ok for c in r["decisive"]))
    assert summary["errors_by_code"] == {"json_syntax": 2, "filing_unknown_field": 1}
    text = _screen(source, "--summary-only", "--lang", "en")
    assert b"json_syntax 2" in text.stdout
    assert b"ineligible" in text.stdout


def test_unreadable_input_exits_1(tmp_path: Path) -> None:
    result = _screen(tmp_path / "missing.jsonl")
    assert result.returncode == 1
    assert b"io_error" in result.stderr
    assert b"Traceback" not in result.stderr


def test_resume_refuses_the_output_of_another_input(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", _corpus(10))
    out = tmp_path / "out.jsonl"
    out.write_text('{"line": 1, "status": "eligible"}\n{"line": 5}\n', encoding="utf-8")
    result = _screen(source, "--output", out, "--resume", "--format", "json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["problems"][0]["code"] == "screen_resume_mismatch"


def test_resume_refuses_an_output_longer_than_the_input(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert _screen(_write(tmp_path / "long.jsonl", _corpus(20)), "-o", out).returncode == 0
    before = out.read_bytes()
    result = _screen(_write(tmp_path / "short.jsonl", _corpus(5)), "-o", out, "--resume")
    assert result.returncode == 1
    assert b"screen_resume_mismatch" in result.stderr
    assert out.read_bytes() == before


def test_resume_of_a_finished_run_adds_nothing(tmp_path: Path) -> None:
    source = _write(tmp_path / "in.jsonl", _corpus(50))
    out = tmp_path / "out.jsonl"
    assert _screen(source, "--output", out).returncode == 0
    before = out.read_bytes()
    again = _screen(source, "--output", out, "--resume", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert out.read_bytes() == before
    assert json.loads(again.stderr)["records"] == 50


# --------------------------------------------------------------------------- kill and resume


@pytest.fixture(scope="module")
def big_input(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    n = 25_000
    path = tmp_path_factory.mktemp("big") / "in.jsonl"
    return _write(path, _corpus(n)), n


@pytest.mark.parametrize(
    ("sig", "jobs"),
    [(signal.SIGKILL, "1"), (signal.SIGINT, "1"), (signal.SIGTERM, "2")],
    ids=["SIGKILL", "SIGINT", "SIGTERM-2-jobs"],
)
def test_killed_then_resumed_loses_and_duplicates_nothing(
    tmp_path: Path, big_input: tuple[Path, int], sig: signal.Signals, jobs: str
) -> None:
    source, n = big_input
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        _cmd(source, "--output", out, "--jobs", jobs), env=_env(), cwd=ROOT, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == (-signal.SIGKILL if sig is signal.SIGKILL else 130), stderr

    data = out.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    if sig is not signal.SIGKILL:
        assert data == complete, "an orderly stop leaves no torn line"
        assert b"--resume" in stderr
    done = _records(complete)
    assert 0 < len(done) < n, "killed mid-run"
    assert [r["line"] for r in done] == list(range(1, len(done) + 1))

    # a torn last line, as a kill in the middle of a write leaves it, is dropped on resume
    with out.open("ab") as f:
        f.write(b'{"line": ' + str(len(done) + 1).encode() + b', "sta')
    result = _screen(source, "--output", out, "--resume", "--jobs", "2", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = _records(out.read_bytes())
    assert [r["line"] for r in records] == list(range(1, n + 1))
    assert records[: len(done)] == done
    assert [r["id"] for r in records] == [f"T-{i:07d}" for i in range(n)]
    summary = json.loads(result.stderr)
    assert summary["records"] == n
    assert summary["resumed"] == len(done)


# --------------------------------------------------------------------------- the pure layer


def test_screening_function_is_pure_and_pickles(rules: rongcuo.Ruleset) -> None:
    shipped = pickle.loads(pickle.dumps(rules))
    assert shipped.digest == rules.digest
    lines = [line.decode() for line in _corpus(8)] + ["{", '{"x": 1}']
    here = list(screen_records(lines, rules=rules))
    there = list(screen_records(lines, rules=shipped))
    assert here == there
    assert [r["line"] for r in here] == list(range(1, 11))
    assert screen_record(lines[0], rules=rules) == screen_record(lines[0].encode(), rules=rules)
    assert screen_record(json.loads(lines[0]), rules=rules)["status"] == here[0]["status"]


def test_screening_docs_code_compiles() -> None:
    """The Dask and Spark examples in docs/screening.md at least compile (no cluster in CI)."""
    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    blocks = text.split("```python\n")[1:]
    assert len(blocks) >= 2
    for block in blocks:
        compile(block.split("```", 1)[0], "docs/screening.md", "exec")


def test_screening_docs_output_example(tmp_path: Path) -> None:
    """The output shown in docs/screening.md is what the CLI writes for that input."""
    names = [
        "eligible-p3-relief-funds.yaml",
        "ineligible-n4-vanity-project.json",
        "insufficient-facts-p2-project.yaml",
    ]
    lines = [
        json.dumps(
            load_filing(EXAMPLES / n).model_dump(mode="json", exclude_none=True),
            ensure_ascii=False,
        ).encode()
        for n in names
    ]
    lines += [b'{"subject": {"kind": "unit"}, "colour": "red"}', b'{"subject": ']
    result = _screen(_write(tmp_path / "in.jsonl", lines))
    assert result.returncode == 0, result.stderr
    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    shown = text.split("```json\n", 1)[1].split("```", 1)[0]
    assert result.stdout.decode() == shown
