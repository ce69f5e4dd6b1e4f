"""The one bounded reader (``rongcuo.reader``) and every entry point that reads through it.

Unbounded and special inputs (``/dev/zero``, a FIFO with no writer, a symlink to a device, a
directory, a file over the limit) are refused quickly, with memory bounded, through the real CLI
in a subprocess; JSON is read one way everywhere (duplicate keys, deep nesting, huge numbers and
bad UTF-8 coded and located); and no ad-hoc read is left in ``src/``.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rongcuo
from rongcuo import reader
from rongcuo.errors import FilingError, RongcuoError, RulesError

from .conftest import EXAMPLES, ROOT

SRC = ROOT / "src" / "rongcuo"
EXAMPLE = EXAMPLES / "eligible-p3-relief-funds.yaml"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.pop("RONGCUO_DEBUG", None)
    return env


def _cli(*args: str | Path, timeout: float = 120, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=timeout,
        **kw,  # type: ignore[arg-type]
    )


def _codes(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [p["code"] for p in json.loads(result.stdout)["problems"]]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "filing.yaml"
    os.mkfifo(path)
    return path


# --------------------------------------------------------------------------- the reader itself


def test_doctests() -> None:
    result = doctest.testmod(reader, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0


def test_reads_a_regular_file_and_a_symlink_to_one(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to(EXAMPLE)
    assert reader.read_file(link, limit=1 << 20) == EXAMPLE.read_bytes()


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "dir", "fifo", "link-to-zero"])
def test_refuses_what_is_not_a_regular_file(special: str, tmp_path: Path) -> None:
    path = Path(special)
    if special == "dir":
        path = tmp_path
    elif special == "fifo":
        path = tmp_path / "f"
        os.mkfifo(path)
    elif special == "link-to-zero":
        path = tmp_path / "z.yaml"
        path.symlink_to("/dev/zero")
    started = time.monotonic()
    with pytest.raises(FilingError) as info:
        reader.read_file(path, limit=1 << 20, error=FilingError)
    assert time.monotonic() - started < 1
    assert info.value.codes == ("not_regular_file",)
    assert info.value.problems[0].location.file == str(path)


def test_io_error_names_the_path_and_the_reason(tmp_path: Path) -> None:
    with pytest.raises(RulesError) as info:
        reader.read_file(tmp_path / "missing.yaml", limit=10, error=RulesError)
    (p,) = info.value.problems
    assert (p.code, p.location.file) == ("io_error", str(tmp_path / "missing.yaml"))
    assert "No such file or directory" in p.message
    broken = tmp_path / "broken.yaml"
    broken.symlink_to(tmp_path / "nowhere")
    with pytest.raises(RulesError, match="io_error"):
        reader.read_file(broken, limit=10, error=RulesError)


def test_reads_at_most_the_limit_whatever_stat_says(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 101)
    assert reader.read_file(path, limit=101) == b"x" * 101
    with pytest.raises(RongcuoError) as info:
        reader.read_file(path, limit=100)
    assert info.value.codes == ("too_large",)
    # /proc files say they hold 0 bytes: the read loop, not stat, finds the end
    assert len(reader.read_file("/proc/self/status", limit=1 << 20)) > 0
    with pytest.raises(RongcuoError, match="too_large"):
        reader.read_file("/proc/self/status", limit=10)


def test_an_undecodable_path_is_shown_escaped(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.yaml")
    with pytest.raises(RongcuoError) as info:
        reader.read_file(tmp_path / name, limit=10)
    shown = info.value.problems[0].location.file
    assert shown.endswith("caf\\xe9.yaml")
    shown.encode("utf-8")  # printable and writable as JSON
    assert reader.shown_path("a\ud800b") == "a\\ud800b"  # a surrogate that stands for no byte


@pytest.mark.parametrize(
    ("data", "code", "line", "col"),
    [
        (b'{"a": 1,\n "a": 2}', "json_duplicate_key", 2, 6),
        (b"[" * 300 + b"]" * 300, "too_deep", 1, 202),
        (b'{"id": ' + b"9" * 5000 + b"}", "too_large", 1, 4309),
        (b'{"a": "\xff"}', "not_utf8", 1, 8),
        (b'{"a": NaN}', "json_syntax", 1, 7),
        (b'{"a": 1} x', "json_syntax", 1, 10),
    ],
    ids=["duplicate", "deep", "huge-int", "bad-utf8", "nan", "trailing"],
)
def test_one_json_path(data: bytes, code: str, line: int, col: int) -> None:
    with pytest.raises(RongcuoError) as info:
        reader.parse_json(data, filename="x.json")
    (p,) = info.value.problems
    assert (p.code, p.location.file, p.location.line, p.location.col) == (code, "x.json", line, col)


def test_json_with_a_byte_order_mark() -> None:
    assert reader.parse_json(b'\xef\xbb\xbf{"a": "\xc3\xa9"}') == {"a": "é"}


# --------------------------------------------------------------------------- through the CLI


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "symlink"])
def test_check_refuses_special_files_within_a_second(
    special: str, fifo: Path, tmp_path: Path
) -> None:
    path = {"/dev/zero": Path("/dev/zero"), "fifo": fifo, "symlink": tmp_path / "z.yaml"}[special]
    if special == "symlink":
        path.symlink_to("/dev/zero")
    started = time.monotonic()
    result = _cli("check", path, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert _codes(result) == ["not_regular_file"]
    # the whole subprocess (Python start-up, imports) is far over; the refusal itself is instant
    assert time.monotonic() - started < 30


def test_refusal_is_fast_and_memory_stays_bounded(fifo: Path) -> None:
    """In-process timing of the refusals, and the peak memory of a CLI run on /dev/zero."""
    for path in ("/dev/zero", fifo):
        started = time.monotonic()
        with pytest.raises(FilingError, match="not_regular_file"):
            rongcuo.load_filing(path)
        assert time.monotonic() - started < 1

    def cap() -> None:  # 1 GiB of address space: reading /dev/zero unbounded would pass it
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    with Path("/dev/zero").open("rb") as zero:
        result = _cli("check", "-", "--format", "json", stdin=zero, preexec_fn=cap)
    assert result.returncode == 1, result.stderr
    assert _codes(result) == ["too_large"]


def test_stdin_is_bounded() -> None:
    result = _cli("check", "-", "--format", "json", input="a" * (1024 * 1024 + 1))
    assert result.returncode == 1
    assert _codes(result) == ["too_large"]


def test_rules_symlinked_to_dev_zero_are_refused(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "negative.yaml").unlink()
    (rules / "negative.yaml").symlink_to("/dev/zero")
    started = time.monotonic()
    with pytest.raises(RulesError) as info:
        rongcuo.load_ruleset(rules)
    assert time.monotonic() - started < 1
    assert [(p.code, p.location.file) for p in info.value.problems] == [
        ("not_regular_file", str(rules / "negative.yaml"))
    ]
    result = _cli("check", EXAMPLE, "--rules", rules, "--format", "json")
    assert result.returncode == 1
    assert _codes(result) == ["not_regular_file"]


def test_verify_reads_the_stored_verdict_bounded(tmp_path: Path, fifo: Path) -> None:
    for verdict in ("/dev/zero", fifo, tmp_path / "missing.json"):
        result = _cli("verify", verdict, EXAMPLE, "--format", "json")
        assert result.returncode == 1, result.stderr
        assert _codes(result) == [
            "io_error" if str(verdict).endswith("missing.json") else "not_regular_file"
        ]


def test_diff_corpus_is_read_bounded(fifo: Path) -> None:
    pytest.importorskip("z3")
    result = _cli("diff", "rules", "rules", "--corpus", fifo, "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "not_regular_file" in result.stdout
    from rongcuo.analysis.diff import read_corpus

    with pytest.raises(FilingError, match="not_regular_file"):
        read_corpus("/dev/zero")


def test_coverage_cases_use_the_one_json_path(tmp_path: Path) -> None:
    from rongcuo.analysis.coverage import CaseError, load_cases

    bad = {
        "dup.json": b'{"filing": {}, "filing": {}}',
        "deep.json": b"[" * 300 + b"]" * 300,
        "huge.json": b'{"filing": {"id": ' + b"9" * 5000 + b"}}",
        "utf8.json": b'{"filing": {"id": "\xff"}}',
        "lines.jsonl": b'{"filing": {}}\n{"filing": {}, "filing": 1}\n',
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(CaseError) as info:
        load_cases(tmp_path)
    found = {(Path(p.location.file).name, p.code, p.location.line) for p in info.value.problems}
    assert found == {
        ("deep.json", "too_deep", 1),
        ("dup.json", "json_duplicate_key", 1),
        ("fifo.yaml", "not_regular_file", 0),
        ("huge.json", "too_large", 1),
        ("lines.jsonl", "json_duplicate_key", 2),
        ("utf8.json", "not_utf8", 1),
    }
    result = _cli("coverage", tmp_path / "deep.json", "--format", "json")
    assert result.returncode == 1, result.stderr
    assert "too_deep" in result.stdout


def test_closed_stdin_and_stdout_are_io_errors() -> None:
    closed_in = subprocess.run(
        f"{sys.executable} -m rongcuo.cli check - --lang en <&-",
        shell=True,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert closed_in.returncode == 1, closed_in.stderr
    assert "<stdin>: io_error: cannot read: standard input is closed" in closed_in.stderr
    closed_out = subprocess.run(
        f"{sys.executable} -m rongcuo.cli check {EXAMPLE} --lang en >&-",
        shell=True,
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    assert closed_out.returncode == 1, closed_out.stderr
    assert "<stdout>: io_error: cannot write: Bad file descriptor" in closed_out.stderr
    assert "internal error" not in closed_out.stderr


def test_a_full_disk_on_stdout_is_an_io_error() -> None:
    with Path("/dev/full").open("wb") as full:
        result = subprocess.run(
            [sys.executable, "-m", "rongcuo.cli", "check", str(EXAMPLE), "--lang", "en"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(),
            cwd=ROOT,
            timeout=120,
        )
    assert result.returncode == 1, result.stderr
    assert "io_error: cannot write: No space left on device" in result.stderr


# --------------------------------------------------------------------------- nothing else reads

#: reads that are not of input: each with the reason it may stay
ALLOWED = {
    # the generated module compared with what the generator would write (a developer tool)
    "facts/generate.py": "read_text(",
    # docs/clauses.md and docs/facts.md compared with what docgen would write (a developer tool)
    "analysis/docgen.py": "read_text(",
    # the service's own page, shipped inside the package (importlib.resources)
    "service/app.py": "read_text(",
    # a JSON expression rongcuo itself wrote into a durable-rules fact, not input
    "testing/durable.py": "json.loads(",
    # a message telling API users how to pass a key file's bytes
    "verdict/receipt.py": "read_bytes(",
    # the verdict JSON rongcuo itself wrote (its trace template), kept as data in a record
    "batch/screen.py": "json.loads(",
}


def test_no_ad_hoc_reads_remain_in_src() -> None:
    pattern = re.compile(r"\.read_bytes\(|\.read_text\(|json\.loads?\(")
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel == "reader.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = pattern.search(line)
            if m and ALLOWED.get(rel) != m.group().lstrip("."):
                found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "read through rongcuo.reader instead:\n" + "\n".join(found)
