"""``rongcuo screen`` never loses data: the real CLI in a subprocess, on the real rules.

The output is never an input (``screen_output_is_input``); two runs never share an output
(``screen_output_locked``); an existing output is replaced only when a run ends well; a resume is
bound by the manifest to its input, rules and options (``screen_resume_mismatch``, naming the
field); every file of a directory, poisoned or special, gets a record; and every failure of the
environment is ``io_error`` with exit 1, never an internal error (70).
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo.facts.filings import load_filing

from .conftest import EXAMPLES, ROOT


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("RONGCUO_DEBUG", None)
    return env


def _cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "rongcuo.cli", "screen", *map(str, args)]


def _screen(*args: str | Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    kw.setdefault("capture_output", True)
    return subprocess.run(
        _cmd(*args, "--lang", "en"), text=True, env=_env(), cwd=ROOT, timeout=300, **kw
    )


def _lines(n: int) -> bytes:
    """``n`` JSONL filings cycling through the examples, each with its own id."""
    base = [
        load_filing(p).model_dump(mode="json", exclude_none=True)
        for p in sorted(EXAMPLES.iterdir())
        if p.suffix in (".json", ".yaml")
    ]
    out = []
    for i in range(n):
        data = dict(base[i % len(base)], id=f"S-{i:06d}")
        out.append(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(out) + "\n").encode()


def _problem(result: subprocess.CompletedProcess[str]) -> str:
    """The one problem line a failed run prints (``rongcuo: where: code: message``)."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(_lines(40))
    return path


# --------------------------------------------------------------------------- the output is no input


def test_output_named_as_the_input_is_refused_and_the_input_kept(source: Path) -> None:
    before = source.read_bytes()
    line = _problem(_screen(source, "-o", source))
    assert f"{source.name}: screen_output_is_input: the output is the input" in line
    assert source.read_bytes() == before
    assert not list(source.parent.glob("*.lock")) and not list(source.parent.glob("*.manifest"))


def test_output_through_a_symlink_or_from_stdin_is_refused(source: Path, tmp_path: Path) -> None:
    before = source.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    assert "screen_output_is_input" in _problem(_screen(source, "-o", link))
    with source.open("rb") as stdin:
        result = _screen("-", "-o", source, stdin=stdin)
    assert "screen_output_is_input: the output is the input <stdin>" in _problem(result)
    assert source.read_bytes() == before


def test_output_that_is_a_filing_of_the_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    shutil.copy(EXAMPLES / "eligible-p3-relief-funds.yaml", folder)
    (folder / "out.json").write_text("{}", encoding="utf-8")
    assert "screen_output_is_input" in _problem(_screen(folder, "-o", folder / "out.json"))
    assert (folder / "out.json").read_text(encoding="utf-8") == "{}"


# --------------------------------------------------------------------------- the lock


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    lines = _lines(3000)
    big = tmp_path / "big.jsonl"
    big.write_bytes(lines)
    out = tmp_path / "out.jsonl"
    # the first run reads standard input, held open until the second run has been refused: it
    # cannot finish (and drop its lock) before the second one starts, however fast it screens
    first = subprocess.Popen(
        _cmd("-", "-o", out), env=_env(), cwd=ROOT, stdin=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert first.stdin is not None
    try:
        first.stdin.write(lines[:1000])
        first.stdin.flush()
        deadline = time.monotonic() + 60
        while not (tmp_path / "out.jsonl.lock").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        second = _screen(big, "-o", out, "--resume")
        assert "out.jsonl: screen_output_locked: another rongcuo screen" in _problem(second)
        first.stdin.write(lines[1000:])
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert [r["line"] for r in _records(out)] == list(range(1, 3001))
    assert not (tmp_path / "out.jsonl.lock").exists(), "the lock file is removed at the end"


# --------------------------------------------------------------------------- replace, never truncate


def test_an_existing_output_is_replaced_only_when_the_run_ends_well(
    source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"precious\n")
    # the input cannot be read: nothing is touched
    assert "io_error" in _problem(_screen(tmp_path / "missing.jsonl", "-o", out))
    assert out.read_bytes() == b"precious\n"

    # the run fails half-way (the file size limit): the old output stays, no temporary is left
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    failed = _screen(source, "-o", out, preexec_fn=limit)
    assert "out.jsonl: io_error: cannot write: File too large" in _problem(failed)
    assert out.read_bytes() == b"precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]

    done = _screen(source, "-o", out)
    assert done.returncode == 0, done.stderr
    assert [r["id"] for r in _records(out)] == [f"S-{i:06d}" for i in range(40)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "in.jsonl",
        "out.jsonl",
        "out.jsonl.manifest",
    ]


def test_the_manifest_describes_the_run(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert _screen(source, "-o", out, "--trace").returncode == 0
    manifest = json.loads((tmp_path / "out.jsonl.manifest").read_text(encoding="utf-8"))
    data = source.read_bytes()
    assert manifest["input"] == {"kind": "jsonl", "path": str(source), "size": len(data)}
    assert manifest["ruleset"]["digest"] == rongcuo.bundled_ruleset().digest
    assert manifest["ruleset"]["dir"] == "bundled"
    assert manifest["options"] == {"trace": True}
    assert manifest["consumed"] == {
        "records": 40,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


# --------------------------------------------------------------------------- resume bound to its run


@pytest.fixture
def finished(source: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out.jsonl"
    assert _screen(source, "-o", out).returncode == 0
    with out.open("r+b") as f:  # as a killed run leaves it: 25 records and a torn line
        data = f.read()
        cut = sum(len(line) for line in data.splitlines(keepends=True)[:25])
        f.truncate(cut + 7)
    # and its manifest as of the last chunk written (chunks of 25 here, of 1,000 in real runs)
    manifest_file = tmp_path / "out.jsonl.manifest"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    consumed = b"".join(source.read_bytes().splitlines(keepends=True)[:25])
    manifest["consumed"] = {
        "records": 25,
        "bytes": len(consumed),
        "sha256": hashlib.sha256(consumed).hexdigest(),
    }
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    return out


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("other input", "$.input.path"),
        ("input edited", "$.consumed.sha256"),
        ("input grown", "$.input.size"),
        ("other rules", "$.ruleset.digest"),
        ("rules dir", "$.ruleset.dir"),
        ("--trace", "$.options.trace"),
        ("no manifest", "$"),
    ],
)
def test_resume_refuses_another_input_rules_or_options(
    change: str, field: str, source: Path, finished: Path, tmp_path: Path
) -> None:
    args: list[str | Path] = [source, "-o", finished, "--resume"]
    if change == "other input":
        other = tmp_path / "other.jsonl"
        other.write_bytes(source.read_bytes())
        args[0] = other
    elif change == "input edited":  # same size, one byte of the first record changed
        data = source.read_bytes()
        source.write_bytes(data.replace(b"S-000000", b"S-00000X", 1))
    elif change == "input grown":
        with source.open("ab") as f:
            f.write(_lines(1))
    elif change == "other rules":
        rules = tmp_path / "rules"
        shutil.copytree(ROOT / "rules", rules)
        meta = rules / "ruleset.yaml"
        meta.write_text(meta.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        args += ["--rules", rules]
        if rongcuo.load_ruleset(rules).digest == rongcuo.bundled_ruleset().digest:
            field = "$.ruleset.dir"  # a comment is not part of the digest: the directory differs
    elif change == "rules dir":
        rules = tmp_path / "same-rules"
        shutil.copytree(ROOT / "rules", rules)
        args += ["--rules", rules]
    elif change == "--trace":
        args.append("--trace")
    else:
        (tmp_path / "out.jsonl.manifest").unlink()
    before = finished.read_bytes()
    line = _problem(_screen(*args))
    assert "screen_resume_mismatch" in line
    manifest = "out.jsonl.manifest" + ("" if field == "$" else f": {field}")
    assert manifest in line, line
    assert finished.read_bytes() == before, "a refused resume changes nothing"


def test_resume_with_the_same_run_completes_it(source: Path, finished: Path) -> None:
    result = _screen(source, "-o", finished, "--resume", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stderr)["resumed"] == 25
    assert [r["line"] for r in _records(finished)] == list(range(1, 41))
    fresh = finished.with_name("fresh.jsonl")
    assert _screen(source, "-o", fresh).returncode == 0
    assert finished.read_bytes() == fresh.read_bytes()


# --------------------------------------------------------------------------- poisoned directories


def test_a_poisoned_directory_gets_a_record_for_every_file(tmp_path: Path) -> None:
    folder = tmp_path / "filings"
    folder.mkdir()
    good = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
    for p in good:
        shutil.copy(p, folder)
    raw = os.fsencode(folder)
    poison = {
        b"a-\xff-name.yaml": (EXAMPLES / "eligible-p3-relief-funds.yaml").read_bytes(),
        b"b-hugeint.yaml": b"id: 0x" + b"f" * 5000 + b"\nsubject: {kind: unit}\n",
        b"c-not-utf8.yaml": b'id: "\xff\xfe"\n',
        b"d-oversize.json": b'{"id": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        b"e-hugeint.json": b'{"id": ' + b"9" * 5000 + b"}",
    }
    for name, data in poison.items():
        Path(os.fsdecode(raw + b"/" + name)).write_bytes(data)
    (folder / "f-broken.yaml").symlink_to(tmp_path / "nowhere")
    os.mkfifo(folder / "g-fifo.json")
    (folder / "h-device.yml").symlink_to("/dev/zero")
    (folder / "sub.json").mkdir()  # a directory is not screened
    (folder / "notes.txt").write_text("not a filing", encoding="utf-8")

    out = tmp_path / "out.jsonl"
    result = _screen(folder, "-o", out, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    records = {r["file"]: r for r in _records(out)}
    expected_errors = {
        "b-hugeint.yaml": "filing_invalid_value",
        "c-not-utf8.yaml": "not_utf8",
        "d-oversize.json": "too_large",
        "e-hugeint.json": "too_large",
        "f-broken.yaml": "io_error",
        "g-fifo.json": "not_regular_file",
        "h-device.yml": "not_regular_file",
    }
    assert set(records) == {p.name for p in good} | set(expected_errors) | {"a-\\xff-name.yaml"}
    assert {n: r["error"]["code"] for n, r in records.items() if "error" in r} == expected_errors
    assert records["a-\\xff-name.yaml"]["status"] == "eligible"
    for p in good:
        assert records[p.name]["status"] == rongcuo.evaluate(load_filing(p)).status.value
    assert records["c-not-utf8.yaml"]["error"]["location"]["line"] == 1
    # the run resumes past every poisoned file, and a finished run adds nothing
    again = _screen(folder, "-o", out, "--resume")
    assert again.returncode == 0, again.stderr
    assert len(_records(out)) == len(records)


# --------------------------------------------------------------------------- the environment fails


def _drop_dac_override() -> None:
    """In the child: give up root's right to write what is read-only (if we are root)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl")


@pytest.mark.parametrize(
    "where", ["missing dir", "/dev/full", "EFBIG", "read-only file", "read-only dir"]
)
def test_environment_failures_are_io_errors(where: str, source: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    kw: dict[str, Any] = {}
    if where == "missing dir":
        out = tmp_path / "no" / "such" / "out.jsonl"
    elif where == "/dev/full":
        out = Path("/dev/full")
    elif where == "EFBIG":
        kw["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
    elif where == "read-only file":
        out.write_bytes(b"old\n")
        out.chmod(0o444)
        (tmp_path).chmod(0o555)
        kw["preexec_fn"] = _drop_dac_override
    else:
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o555)
        out = ro / "out.jsonl"
        kw["preexec_fn"] = _drop_dac_override
    try:
        line = _problem(_screen(source, "-o", out, **kw))
    finally:
        tmp_path.chmod(0o755)
    assert f"{out}: io_error: cannot write: " in line, line
    reason = {
        "missing dir": "No such file or directory",
        "/dev/full": "No space left on device",
        "EFBIG": "File too large",
    }.get(where, "Permission denied")
    assert line.endswith(reason), line
    if where == "read-only file":
        assert out.read_bytes() == b"old\n"


def test_closed_stdout_is_an_io_error(source: Path) -> None:
    result = subprocess.run(
        f"{sys.executable} -m rongcuo.cli screen {source} --lang en >&-",
        shell=True,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert "<stdout>: io_error: cannot write: Bad file descriptor" in _problem(result)


def test_closed_stdin_is_an_io_error() -> None:
    result = subprocess.run(
        f"{sys.executable} -m rongcuo.cli screen - --lang en <&-",
        shell=True,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert "<stdin>: io_error: cannot read: standard input is closed" in _problem(result)


def test_screen_refuses_a_fifo_or_device_as_its_jsonl_input(tmp_path: Path) -> None:
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        started = time.monotonic()
        assert "not_regular_file" in _problem(_screen(path))
        assert time.monotonic() - started < 60  # no hang (the refusal itself is instant)


def test_the_manifest_in_docs_has_the_shape_of_a_real_one(source: Path, tmp_path: Path) -> None:
    """docs/screening.md shows a manifest: the same fields, in the same places, as one written."""
    import re

    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    found = re.search(r"```json\n\s*(\{\s*\"format\".+?)```", text, re.DOTALL)
    assert found, "no manifest example in docs/screening.md"
    shown = json.loads(found.group(1))
    out = tmp_path / "out.jsonl"
    assert _screen(source, "-o", out).returncode == 0
    real = json.loads((tmp_path / "out.jsonl.manifest").read_text(encoding="utf-8"))

    def shape(value: object) -> object:
        return {k: shape(v) for k, v in value.items()} if isinstance(value, dict) else None

    assert shape(shown) == shape(real)
    assert shown["format"] == real["format"]
