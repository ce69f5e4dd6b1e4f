"""The fuzz and fault harness over every entry point (issue 16, item 11).

Hypothesis drives targeted mutations of real documents (an example filing as JSON and YAML, a
stored verdict, a JSONL batch, a diff corpus, a coverage case, the bundled rule files) through
every way into rongcuo:

* the command line, run in-process through ``rongcuo.cli.main`` exactly as the ``rongcuo``
  script runs it: ``check`` (a file and standard input), ``verify``, ``screen``,
  ``diff --corpus``, ``coverage`` and ``rules --rules DIR``;
* the API: ``evaluate`` and ``parse_filing`` on hostile Python values (cycles, sets, bytes, NaN,
  huge ints, lone surrogates, deep nesting) and on mutated bytes, ``load_ruleset`` on mutated
  rule files.

Properties, for every example: the exit status is 0 or 1 (3 for ``coverage`` cases that fail
their expectations), never 70 and never a traceback; exit 1 comes with a coded error
(``docs/errors.md``); the call ends within its time limit; no input file is changed and no file
appears but the declared output. The API raises only ``RongcuoError`` (with coded problems) or
returns.

Fault injection, each in a subprocess: standard output or ``-o`` on ``/dev/full`` (disk full),
a file-size limit (``RLIMIT_FSIZE``: writes fail with ``EFBIG``), and ``kill -9`` during
``screen`` followed by ``--resume``, which must give output byte-identical to an uninterrupted
run.

``RONGCUO_FUZZ_SCALE=N`` multiplies the number of examples (``scripts/fuzz N``; docs/testing.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.errors import CODES, RongcuoError

from .conftest import EXAMPLES, ROOT, RULES

SCALE = int(os.environ.get("RONGCUO_FUZZ_SCALE", "1"))
CLI = settings(
    deadline=None,
    max_examples=25 * SCALE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SLOW = settings(CLI, max_examples=6 * SCALE)  # each example loads a ruleset from its files
API = settings(CLI, max_examples=150 * SCALE)
TIME_LIMIT = 30  # seconds for one in-process command; a hang fails the example

P3 = EXAMPLES / "eligible-p3-relief-funds.yaml"
P3_DATA = rongcuo.load_filing(P3).model_dump(mode="json", exclude_none=True)
FILING_JSON = json.dumps(P3_DATA, ensure_ascii=False).encode()
FILING_YAML = P3.read_bytes()
VERDICT = rongcuo.evaluate(P3_DATA).to_json().encode()
JSONL = b"".join(
    json.dumps(rongcuo.load_filing(p).model_dump(mode="json", exclude_none=True)).encode() + b"\n"
    for p in sorted(EXAMPLES.glob("*.yaml"))[:3]
)
CORPUS = b"".join((EXAMPLES / "revisions" / "corpus.jsonl").read_bytes().splitlines(True)[:3])
CASE = sorted((ROOT / "tests" / "cases").glob("*.yaml"))[0].read_bytes()

#: what a hostile or careless input holds: each has broken something somewhere once
TOKENS = [
    b'"\\ud800"',
    b'"\\udc00x"',
    b"0x" + b"f" * 4400,
    b"9" * 4400,
    b"1e400",
    b"-1e400",
    b"NaN",
    b".nan",
    b"[" * 300,
    b"{" * 300,
    b'{"a":' * 120,
    b"- " * 200,
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\x1b[31m",
    b"\x1b]0;title\x07",
    "\u202e".encode(),
    "\u2028".encode(),
    b"\r",
    b"\t",
    b"!!python/object/apply:os.system ['true']",
    b"!include x",
    b"&a [*a, *a, *a]",
    b"<<: {a: 1}",
    b"\n---\n",
    b"...",
    b'"status": "eligible", "status": "ineligible", ',
    b'"id": "x", "id": "y", ',
    b"true",
    b"null",
    b"[]",
    b"{}",
    b'"2023-02-30"',
    b"2023-02-30",
    b"'",
    b'"',
    b",",
    b":",
    b"sha256:" + b"0" * 64,
    b"hmac-sha256:" + b"0" * 64,
]

_positions = st.integers(min_value=0, max_value=1 << 20)
mutation = st.one_of(
    st.tuples(st.just("insert"), _positions, st.sampled_from(TOKENS)),
    st.tuples(st.just("replace"), _positions, st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), _positions, st.integers(min_value=1, max_value=40)),
    st.tuples(st.just("byte"), _positions, st.integers(min_value=0, max_value=255)),
    st.tuples(st.just("truncate"), _positions, st.just(0)),
    st.tuples(st.just("repeat"), _positions, st.integers(min_value=2, max_value=50)),
)
mutations = st.lists(mutation, min_size=1, max_size=4)


def mutate(data: bytes, ops: list[tuple[str, int, Any]]) -> bytes:
    """Apply the mutations in order; each position is taken modulo the current length."""
    for op, pos, arg in ops:
        at = pos % (len(data) + 1)
        if op == "insert":
            data = data[:at] + arg + data[at:]
        elif op == "replace":  # a token in place of the value (or key) that starts near here
            end = at
            while end < len(data) and data[end : end + 1] not in b",}]\n":
                end += 1
            data = data[:at] + arg + data[end:]
        elif op == "delete":
            data = data[:at] + data[at + arg :]
        elif op == "byte" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([arg]) + data[at + 1 :]
        elif op == "truncate":
            data = data[:at]
        elif op == "repeat":
            data = data[:at] + data[at : at + 20] * arg + data[at + 20 :]
    return data


# --------------------------------------------------------------------------- running the CLI


class _Hang(BaseException):
    """Raised by the alarm: a BaseException, so that rongcuo's handlers cannot swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise _Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


class Run:
    def __init__(self, code: int, out: bytes, err: bytes) -> None:
        self.code, self.out, self.err = code, out, err
        self.text = (out + err).decode("utf-8", "replace")


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> Run:
    """``rongcuo ARGS`` in this process, through the same ``main`` as the installed script."""
    from rongcuo.cli import main

    streams = [io.TextIOWrapper(io.BytesIO(), encoding="utf-8") for _ in range(2)]
    saved = sys.argv, sys.stdin, sys.stdout, sys.stderr
    here = Path.cwd()
    sys.argv = ["rongcuo", *args]
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    sys.stdout, sys.stderr = streams
    code = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with _time_limit(TIME_LIMIT):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(here)
        sys.argv, sys.stdin, sys.stdout, sys.stderr = saved
    for s in streams:
        s.flush()
    out, err = (s.buffer.getvalue() for s in streams)  # type: ignore[attr-defined]
    return Run(code, out, err)


_CODED = re.compile(r'(?:: |"code": ")([a-z][a-z0-9_]*)(?:: |")')


def check_run(run: Run, *, allowed: tuple[int, ...] = (0, 1)) -> None:
    """The properties every command keeps, whatever its input."""
    assert run.code in allowed, (run.code, run.text[-2000:])
    assert "Traceback" not in run.text and "internal error" not in run.text, run.text[-2000:]
    if run.code == 1:
        codes = {m.group(1) for m in _CODED.finditer(run.text)} & CODES.keys()
        assert codes, f"exit 1 without a coded error: {run.text[-1000:]}"


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def unchanged(before: dict[str, str], root: Path, *, outputs: tuple[str, ...] = ()) -> None:
    after = snapshot(root)
    for name, digest in before.items():
        if name not in outputs:
            assert after.get(name) == digest, f"{name} was changed or removed"
    extra = {n for n in after if n not in before and not any(n.startswith(o) for o in outputs)}
    assert not extra, f"files appeared: {sorted(extra)}"


@pytest.fixture
def box(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """A fresh empty directory per example (Hypothesis runs many examples in one test)."""
    return lambda: tmp_path_factory.mktemp("fuzz")


# --------------------------------------------------------------------------- CLI entry points


@CLI
@given(ops=mutations, fmt=st.sampled_from(["json", "yaml"]), out=st.sampled_from(["text", "json"]))
def test_check_a_file(box: Callable[[], Path], ops: list[Any], fmt: str, out: str) -> None:
    root = box()
    path = root / f"filing.{fmt}"
    path.write_bytes(mutate(FILING_JSON if fmt == "json" else FILING_YAML, ops))
    before = snapshot(root)
    check_run(cli("check", str(path), "-f", out, "--lang", "en"))
    unchanged(before, root)


@CLI
@given(ops=mutations, base=st.sampled_from([FILING_JSON, FILING_YAML]))
def test_check_standard_input(ops: list[Any], base: bytes) -> None:
    check_run(cli("check", "-", "--lang", "en", stdin=mutate(base, ops)))


@CLI
@given(ops=mutations, which=st.sampled_from(["verdict", "filing"]))
def test_verify(box: Callable[[], Path], ops: list[Any], which: str) -> None:
    root = box()
    verdict, filing = root / "verdict.json", root / "filing.json"
    verdict.write_bytes(mutate(VERDICT, ops) if which == "verdict" else VERDICT)
    filing.write_bytes(mutate(FILING_JSON, ops) if which == "filing" else FILING_JSON)
    before = snapshot(root)
    check_run(cli("verify", str(verdict), str(filing), "--lang", "en"))
    unchanged(before, root)


@CLI
@given(ops=mutations, to_dir=st.booleans())
def test_screen(box: Callable[[], Path], ops: list[Any], to_dir: bool) -> None:
    root = box()
    data = mutate(JSONL, ops)
    if to_dir:
        source = root / "filings"
        source.mkdir()
        for i, line in enumerate(data.splitlines() or [b""]):
            (source / f"f{i}.json").write_bytes(line)
    else:
        source = root / "in.jsonl"
        source.write_bytes(data)
    before = snapshot(root)
    run = cli("screen", str(source), "-o", str(root / "out.jsonl"), "--lang", "en")
    check_run(run)
    unchanged(before, root, outputs=("out.jsonl",))
    if run.code == 0:  # every output line is a record: JSON, with a status or a coded error
        for line in (root / "out.jsonl").read_bytes().splitlines():
            record = json.loads(line)
            assert "status" in record or record["error"]["code"] in CODES


@SLOW
@given(ops=mutations)
def test_diff_corpus(box: Callable[[], Path], ops: list[Any]) -> None:
    root = box()
    corpus = root / "corpus.jsonl"
    corpus.write_bytes(mutate(CORPUS, ops))
    before = snapshot(root)
    check_run(cli("diff", str(RULES), str(RULES), "--corpus", str(corpus), "--lang", "en"))
    unchanged(before, root)


@CLI
@given(ops=mutations, ext=st.sampled_from(["yaml", "json", "jsonl"]))
def test_coverage_cases(box: Callable[[], Path], ops: list[Any], ext: str) -> None:
    root = box()
    base = CASE
    if ext != "yaml":
        import yaml

        case = yaml.safe_load(CASE)
        base = json.dumps(case, default=str).encode() + (b"\n" if ext == "jsonl" else b"")
    cases = root / f"case.{ext}"
    cases.write_bytes(mutate(base, ops))
    before = snapshot(root)
    check_run(cli("coverage", str(cases), "--lang", "en"), allowed=(0, 1, 3))
    unchanged(before, root)


RULE_FILES = sorted(p.name for p in RULES.glob("*.yaml"))


@SLOW
@given(ops=mutations, name=st.sampled_from(RULE_FILES))
def test_rules_loading(box: Callable[[], Path], ops: list[Any], name: str) -> None:
    root = box()
    rules = root / "rules"
    shutil.copytree(RULES, rules)
    (rules / name).write_bytes(mutate((RULES / name).read_bytes(), ops))
    before = snapshot(root)
    check_run(cli("rules", "--rules", str(rules), "--lang", "en"))
    unchanged(before, root)


# --------------------------------------------------------------------------- the API


class _Opaque:
    """An object of no JSON type."""


def _hostile_leaves() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([(1, 5000), (-1, 4400), (1, 19), (-9, 18)]).map(
            lambda t: t[0] * 10 ** t[1]
        ),
        st.floats(),  # NaN and infinities included
        st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),
        st.sampled_from(["\ud800", "a\udfffb", "\x1b[31m", "x" * 2000]),
        st.binary(max_size=8),
        st.builds(_Opaque),
        st.frozensets(st.text(max_size=5), max_size=3),
        st.dates(),
    )


hostile = st.recursive(
    _hostile_leaves(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=8) | st.integers() | st.none(), inner, max_size=5),
        st.dictionaries(st.sampled_from(list(P3_DATA)), inner, max_size=5),
    ),
    max_leaves=30,
)


def _api(call: Callable[[], object]) -> None:
    try:
        with _time_limit(TIME_LIMIT):
            call()
    except RongcuoError as exc:
        assert exc.problems and all(p.code in CODES for p in exc.problems)
        message = str(exc)  # the message can always be made, and written as UTF-8
        message.encode("utf-8")
        json.dumps(exc.to_dict(), ensure_ascii=False).encode("utf-8")


@API
@given(value=hostile, cyclic=st.booleans(), deep=st.sampled_from([0, 0, 70, 5000]))
def test_evaluate_and_parse_filing_on_python_values(value: Any, cyclic: bool, deep: int) -> None:
    if cyclic and isinstance(value, dict | list):
        (value.__setitem__("self", value) if isinstance(value, dict) else value.append(value))
    for _ in range(deep):
        value = [value]
    document = {"summary": "x", "matter": value}
    _api(lambda: rongcuo.evaluate(document))
    _api(lambda: rongcuo.parse_filing(document))
    if isinstance(value, str | bytes):  # text is not a filing: a TypeError says what to call
        with pytest.raises(TypeError, match="parse_filing"):
            rongcuo.evaluate(value)  # type: ignore[arg-type]
    else:
        _api(lambda: rongcuo.evaluate(value))  # type: ignore[arg-type]


@API
@given(
    ops=mutations,
    base=st.sampled_from([FILING_JSON, FILING_YAML]),
    fmt=st.sampled_from(["auto", "json", "yaml"]),
)
def test_parse_filing_on_bytes(ops: list[Any], base: bytes, fmt: str) -> None:
    data = mutate(base, ops)
    _api(lambda: rongcuo.parse_filing(data, filename="f", format=fmt))  # type: ignore[arg-type]
    _api(lambda: rongcuo.verify(data, P3_DATA))


@SLOW
@given(ops=mutations, name=st.sampled_from(RULE_FILES))
def test_load_ruleset(box: Callable[[], Path], ops: list[Any], name: str) -> None:
    root = box()
    rules = root / "rules"
    shutil.copytree(RULES, rules)
    (rules / name).write_bytes(mutate((RULES / name).read_bytes(), ops))
    _api(lambda: rongcuo.load_ruleset(rules))


# --------------------------------------------------------------------------- faults


def _sub(
    *args: str,
    limit_bytes: int | None = None,
    stdout: Any = subprocess.PIPE,
    cwd: Path | None = None,
    extra_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    env = {**os.environ, "PYTHONPATH": str(Path(rongcuo.__file__).parents[1]), **(extra_env or {})}
    env.pop("RONGCUO_DEBUG", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "rongcuo.cli",
            *args,
            *(["--lang", "en"] if args[0] != "schema" else []),
        ],
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def _io_error(run: subprocess.CompletedProcess[bytes], reason: str) -> None:
    text = run.stderr.decode("utf-8", "replace")
    assert run.returncode == 1, (run.returncode, text)
    assert ": io_error: " in text and reason in text, text
    assert "Traceback" not in text and "internal error" not in text


def _batch(path: Path, n: int) -> None:
    base = [
        rongcuo.load_filing(p).model_dump(mode="json", exclude_none=True)
        for p in sorted(EXAMPLES.glob("*.yaml"))
    ]
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps({**base[i % len(base)], "id": f"F{i}"}, ensure_ascii=False) + "\n")


DISK_FULL = "No space left on device"
TOO_LARGE = "File too large"


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(P3), "-f", "json"],
        ["rules"],
        ["schema"],
        ["verify", "{verdict}", str(P3)],
    ],
    ids=["check", "rules", "schema", "verify"],
)
def test_disk_full_on_standard_output(args: list[str], tmp_path: Path) -> None:
    verdict = tmp_path / "v.json"
    verdict.write_bytes(VERDICT)
    args = [a.replace("{verdict}", str(verdict)) for a in args]
    with Path("/dev/full").open("wb") as full:
        _io_error(_sub(*args, stdout=full), DISK_FULL)


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(P3)],
        ["check", str(P3), "-f", "json"],
        ["rules"],
        ["schema"],
    ],
    ids=["check", "check-json", "rules", "schema"],
)
def test_an_output_encoding_that_cannot_write_chinese_is_an_io_error(args: list[str]) -> None:
    """Standard output in ASCII (``PYTHONIOENCODING=ascii``, an old terminal): every verdict
    quotes Chinese, so the output cannot be written: ``io_error`` with what to set, exit 1,
    nothing half-written on standard output; never an internal error."""
    run = _sub(*args, extra_env={"PYTHONIOENCODING": "ascii"})
    _io_error(run, "(ascii) cannot write this text")
    assert "PYTHONIOENCODING=utf-8" in run.stderr.decode()
    assert run.stdout == b""


@pytest.mark.parametrize("command", ["diff", "screen"])
def test_disk_full_on_the_output_file(command: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    _batch(source, 50)
    args = ["diff", str(RULES), str(RULES)] if command == "diff" else ["screen", str(source)]
    _io_error(_sub(*args, "-o", "/dev/full"), DISK_FULL)


@pytest.mark.parametrize(
    "command",
    [
        "diff",
        "screen",
        "check",  # standard output is written whole or not at all (rongcuo.cli._CheckedRaw)
    ],
)
def test_a_file_size_limit_is_an_io_error(command: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    _batch(source, 200)
    out = tmp_path / "out"
    if command == "check":  # the limit hits standard output, redirected to a file
        with out.open("wb") as f:
            run = _sub("check", str(P3), "-f", "json", "--trace", stdout=f, limit_bytes=2048)
    else:
        args = (
            ["diff", str(RULES), str(RULES), "-f", "html"]
            if command == "diff"
            else ["screen", str(source)]
        )
        run = _sub(*args, "-o", str(out), limit_bytes=1024)
    _io_error(run, TOO_LARGE)
    assert source.stat().st_size > 2048  # the input is untouched
    assert not out.exists() or out.stat().st_size <= 2048


def test_kill_9_during_screen_then_resume_is_byte_identical(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    _batch(source, 3000)
    whole = tmp_path / "whole.jsonl"
    assert _sub("screen", str(source), "-o", str(whole)).returncode == 0
    expected = whole.read_bytes()
    assert expected.count(b"\n") == 3000
    rng = random.Random(16)
    env = {**os.environ, "PYTHONPATH": str(Path(rongcuo.__file__).parents[1])}
    for round_ in range(2 * SCALE):
        out = tmp_path / f"cut{round_}.jsonl"
        proc = subprocess.Popen(
            [sys.executable, "-m", "rongcuo.cli", "screen", str(source), "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        # wait until records are being written, then kill at a random moment
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.stat().st_size > 0:
                break
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        resumed = _sub("screen", str(source), "-o", str(out), "--resume")
        assert resumed.returncode == 0, resumed.stderr.decode()
        assert out.read_bytes() == expected, f"round {round_}: resume differs"


def test_found_by_the_harness_a_jsonl_case_with_an_unknown_key(tmp_path: Path) -> None:
    """The first failure this harness found: a JSONL coverage case with a key it does not know
    was an internal error (the locator of a JSONL line took no ``key=``), exit 70."""
    cases = tmp_path / "cases.jsonl"
    cases.write_bytes(b'{"filing": {}, "bogus": 1}\n')
    run = cli("coverage", str(cases), "--lang", "en")
    check_run(run)
    assert f"{cases}:1:1: $.bogus: coverage_case: " in run.text


def test_the_seeds_are_accepted(tmp_path: Path) -> None:
    """Every input above is mutated from a seed that the command accepts as it stands (the
    bundled v2 example, its verdict, the v2 golden case, the corpus), so that the mutations
    start from what works, not from an input that is refused whatever is done to it."""
    import yaml

    filing, verdict = tmp_path / "filing.json", tmp_path / "verdict.json"
    filing.write_bytes(FILING_JSON)
    verdict.write_bytes(VERDICT)
    (tmp_path / "in.jsonl").write_bytes(JSONL)
    (tmp_path / "corpus.jsonl").write_bytes(CORPUS)
    (tmp_path / "case.yaml").write_bytes(CASE)
    (tmp_path / "case.json").write_text(json.dumps(yaml.safe_load(CASE), default=str))
    runs = {
        "check": cli("check", str(filing), "--lang", "en"),
        "check -": cli("check", "-", "--lang", "en", stdin=FILING_YAML),
        "verify": cli("verify", str(verdict), str(filing), "--lang", "en"),
        "screen": cli(
            "screen", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--lang", "en"
        ),
        "diff": cli(
            "diff",
            str(RULES),
            str(RULES),
            "--corpus",
            str(tmp_path / "corpus.jsonl"),
            "--lang",
            "en",
        ),
        "coverage yaml": cli("coverage", str(tmp_path / "case.yaml"), "--lang", "en"),
        "coverage json": cli("coverage", str(tmp_path / "case.json"), "--lang", "en"),
        "rules": cli("rules", "--rules", str(RULES), "--lang", "en"),
    }
    for what, run in runs.items():
        assert run.code == 0, (what, run.text[-2000:])
    assert len((tmp_path / "out.jsonl").read_bytes().splitlines()) == 3
