"""Bulk screening: many filings in, one JSON record out for each, in order, nothing lost.

Two layers:

* :func:`screen_record` and :func:`screen_records` — pure functions of a filing (JSON text, bytes
  or a mapping) and a :class:`~rongcuo.rules.ruleset.Ruleset`. No I/O, no globals, no clock: they
  can run as-is in the map step of Dask, Spark or any other engine (a ruleset pickles).
* :func:`run` — the engine behind ``rongcuo screen``: streams a JSONL file, standard input or a
  directory of filings, screens in chunks (optionally in ``jobs`` worker processes, results kept
  in input order), writes whole JSONL lines, flushes after every chunk and fsyncs at checkpoints,
  so an interrupted run leaves a valid prefix of the output that ``resume=True`` continues with no
  gap and no duplicate.

A record names its source (``line`` of a JSONL input, or ``file`` of a directory input) and holds
either the outcome::

    {"line": 7, "id": "LS-2023-0117", "status": "eligible", "decisive": ["P3"], "missing": []}

or a coded error; a bad record never stops the run::

    {"line": 8, "error": {"code": "json_syntax", "location": {...}, "message": "...", ...}}

The error is the first problem in the one error shape (:func:`rongcuo.errors.problem_data`), and
every problem under ``problems`` when there are several.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import signal
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import IO, Any, Final, Literal

from .. import reader
from ..engine.decide import _parse, decide_outcome, evaluate
from ..errors import FilingError, Location, Problem, RongcuoError, problem_data
from ..facts.filings import MAX_FILING_BYTES, parse_filing
from ..facts.v2 import Filing
from ..rules.ruleset import Ruleset
from ..verdict.verdict import Status
from .output import (
    Lock,
    Manifest,
    ScreenError,
    Sink,
    check_not_input,
    compare,
    fsync,
    manifest_path,
    mismatch,
    open_sink,
    read_manifest,
)

__all__ = [
    "ScreenError",
    "Summary",
    "screen_record",
    "screen_records",
]

CHUNK: Final = 1000
"""Records per chunk: the unit of work sent to a worker and of output flushing."""

IN_FLIGHT_PER_JOB: Final = 3
"""Chunks in flight for each worker process: enough to keep it busy, few enough for flat memory."""

FSYNC_SECONDS: Final = 5.0
"""At most this long between fsyncs of the output file."""

FILING_SUFFIXES: Final = (".json", ".yaml", ".yml")

Record = dict[str, Any]
Format = Literal["json", "yaml"]


# --------------------------------------------------------------------------- the pure layer


def _outcome(filing: Filing, rules: Ruleset) -> tuple[Status, list[str], list[str]]:
    """Status, decisive clause ids and missing fact paths, as :func:`evaluate` finds them (the
    generated ``decide``, with early exit: :func:`rongcuo.engine.decide.decide_outcome`)."""
    status, decisive, missing = decide_outcome(filing, rules)
    return status, list(decisive), list(missing)


def _error(exc: RongcuoError, line: int | None = None) -> dict[str, Any]:
    """A coded error: the first problem in the one error shape, and every problem when there
    are several (each in that shape too)."""
    problems = [_problem(p, line) for p in exc.problems]
    out: dict[str, Any] = dict(problems[0])
    if len(problems) > 1:
        out["problems"] = problems
    return out


def _problem(p: Problem, line: int | None) -> dict[str, Any]:
    """One problem in the one error shape (:func:`rongcuo.errors.problem_data`); a JSONL
    record's problem is at its line in the input (and jiter's column within it)."""
    loc = p.location
    file = reader.shown_path(loc.file) if loc.file else ""  # a name not UTF-8, escaped
    at = Location(file, loc.line, loc.col, loc.path)
    if line is not None:
        at = Location(file, line, loc.col, loc.path)
    return problem_data(dataclasses.replace(p, location=at))


def _blank(line: int | None) -> FilingError:
    return FilingError(
        [
            Problem(
                "json_syntax",
                "a blank line: each line of a JSONL input holds one filing as a JSON object",
                Location(line=line or 0, col=1),
            )
        ]
    )


def screen_record(
    data: str | bytes | Mapping[str, Any] | Filing,
    *,
    rules: Ruleset,
    trace: bool = False,
    source: Mapping[str, Any] | None = None,
) -> Record:
    """Screen one filing; return its record, or a coded error record. Never raises on bad input.

    ``data`` is one filing as JSON text or bytes (one JSONL line), a mapping in its JSON shape, or
    a :class:`~rongcuo.facts.model.Filing`. ``source`` (e.g. ``{"line": 7}``) is copied to the front
    of the record. With ``trace=True`` the record also holds the full verdict under ``verdict``.
    Pure: the same arguments give the same record.

    >>> from rongcuo import bundled_ruleset
    >>> rules = bundled_ruleset()
    >>> screen_record('{"subject": {"kind": "unit"}}', rules=rules, source={"line": 1})["status"]
    'insufficient_facts'
    >>> screen_record('{"subject": {"kind": "robot"}}', rules=rules)["error"]["code"]
    'filing_invalid_value'
    """
    record: Record = dict(source) if source else {}
    line = source.get("line") if source else None
    try:
        filing: Filing
        if rules.filing_model.owns(data):
            filing = data  # type: ignore[assignment]
        elif isinstance(data, str | bytes) and not data.strip():
            raise _blank(line)
        elif isinstance(data, str | bytes):
            filing = parse_filing(data, format="json", rules=rules)
        elif isinstance(data, Mapping):
            filing = parse_filing(data, rules=rules)
        else:  # a filing of another model: filing_model_mismatch
            filing = _parse(data, rules)
    except RongcuoError as exc:
        record["error"] = _error(exc, line)
        return record
    if filing.id is not None:
        record["id"] = filing.id
    if trace:
        verdict = evaluate(filing, rules=rules, trace=True)
        record["status"] = verdict.status.value
        record["decisive"] = [c.id for c in verdict.decisive]
        record["missing"] = [m.path for m in verdict.missing_facts]
        # the same data as model_dump(mode="json"), from the JSON the template writes
        record["verdict"] = json.loads(verdict.to_json(indent=None))
        return record
    status, decisive, missing = _outcome(filing, rules)
    record["status"] = status.value
    record["decisive"] = decisive
    record["missing"] = missing
    return record


def screen_records(
    items: Iterable[str | bytes | Mapping[str, Any]],
    *,
    rules: Ruleset,
    trace: bool = False,
    start: int = 1,
) -> Iterator[Record]:
    """Screen filings lazily, one record each, in order; ``line`` numbers them from ``start``.

    >>> from rongcuo import bundled_ruleset
    >>> lines = ['{"id": "a", "subject": {"kind": "unit"}}', "not json"]
    >>> [(r["line"], r.get("status"), "error" in r)
    ...  for r in screen_records(lines, rules=bundled_ruleset())]
    [(1, 'insufficient_facts', False), (2, None, True)]
    """
    for n, item in enumerate(items, start):
        yield screen_record(item, rules=rules, trace=trace, source={"line": n})


# --------------------------------------------------------------------------- the summary


@dataclasses.dataclass
class Summary:
    """Counts over the records of a run: by status, by decisive clause, errors by code."""

    records: int = 0
    by_status: dict[str, int] = dataclasses.field(default_factory=dict)
    by_clause: dict[str, int] = dataclasses.field(default_factory=dict)
    errors: dict[str, int] = dataclasses.field(default_factory=dict)

    def add(self, record: Mapping[str, Any]) -> None:
        self.records += 1
        error = record.get("error")
        if error is not None:
            _bump(self.errors, str(error.get("code")))
            return
        _bump(self.by_status, str(record.get("status")))
        for cid in record.get("decisive", ()):
            _bump(self.by_clause, str(cid))

    def merge(self, other: Summary) -> None:
        self.records += other.records
        for mine, theirs in (
            (self.by_status, other.by_status),
            (self.by_clause, other.by_clause),
            (self.errors, other.errors),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n

    def to_data(self) -> dict[str, Any]:
        order = {s.value: i for i, s in enumerate(Status)}
        return {
            "records": self.records,
            "filings": sum(self.by_status.values()),
            "errors": sum(self.errors.values()),
            "by_status": dict(sorted(self.by_status.items(), key=lambda kv: order.get(kv[0], 9))),
            "by_clause": dict(sorted(self.by_clause.items(), key=lambda kv: _clause_key(kv[0]))),
            "errors_by_code": dict(sorted(self.errors.items())),
        }


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


def _clause_key(cid: str) -> tuple[str, int, str]:
    digits = cid[1:]
    return (cid[:1], int(digits) if digits.isdigit() else 0, cid)


# --------------------------------------------------------------------------- chunks of work


@dataclasses.dataclass(frozen=True, slots=True)
class Task:
    """What to screen: JSONL lines ``(line number, bytes)`` or filing files ``(name, path)``.

    A file's ``name`` is how records show it (bytes that are not UTF-8 escaped as ``\\xNN``);
    ``path`` is what the operating system is given.
    """

    lines: tuple[tuple[int, bytes | None], ...] = ()
    files: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class Done:
    """A screened chunk: its output lines, its summary, and (for files) what was read: one
    digest line a file, and the bytes read, for the manifest's account of the input."""

    data: bytes
    summary: Summary
    digests: bytes = b""
    nbytes: int = 0


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _dumps(record: Record) -> bytes:
    """One JSONL line. Never fails: a lone surrogate (from an undecodable file name, say) is
    written as the text ``\\udcff`` rather than breaking the run."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        return (text + "\n").encode()
    except UnicodeEncodeError:
        text = _SURROGATE.sub(lambda m: f"\\\\u{ord(m.group()):04x}", text)
        return (text + "\n").encode()


def _format(path: str) -> Format:
    suffix = os.path.splitext(path)[1].lower()  # noqa: PTH122 - a str path, maybe undecodable
    return "json" if suffix == ".json" else "yaml"


def read_entry(name: str, path: str) -> tuple[bytes | RongcuoError, bytes, int]:
    """A directory entry's bytes (or the coded error reading them), its digest line for the
    manifest, and the number of bytes read. Bounded; regular files only (:mod:`rongcuo.reader`)."""
    try:
        raw = reader.read_file(path, limit=MAX_FILING_BYTES, error=FilingError, what="a filing")
    except RongcuoError as exc:
        code = exc.problems[0].code
        return exc, f"{name}\0{code}\n".encode("utf-8", "backslashreplace"), 0
    digest = hashlib.sha256(raw).hexdigest()
    return raw, f"{name}\0{digest}\n".encode("utf-8", "backslashreplace"), len(raw)


def screen_task(task: Task, *, rules: Ruleset, trace: bool = False) -> Done:
    """Screen one chunk: its output lines, joined, and its summary. Pure but for reading the
    files a directory chunk names; every file gives a record, whatever is wrong with it."""
    out: list[bytes] = []
    summary = Summary()
    for n, raw in task.lines:
        if raw is None:  # a line longer than the limit, never read into memory
            exc = FilingError(
                [
                    Problem(
                        "too_large",
                        f"the line is longer than {MAX_FILING_BYTES} bytes",
                        Location(line=n),
                    )
                ]
            )
            record: Record = {"line": n, "error": _error(exc, n)}
        else:
            record = screen_record(raw, rules=rules, trace=trace, source={"line": n})
        summary.add(record)
        out.append(_dumps(record))
    digests: list[bytes] = []
    nbytes = 0
    for name, path in task.files:
        data, digest, size = read_entry(name, path)
        digests.append(digest)
        nbytes += size
        try:
            if isinstance(data, RongcuoError):
                raise data
            filing = parse_filing(
                data, filename=reader.shown_path(path), format=_format(path), rules=rules
            )
        except RongcuoError as exc:
            record = {"file": name, "error": _error(exc)}
        else:
            record = screen_record(filing, rules=rules, trace=trace, source={"file": name})
        summary.add(record)
        out.append(_dumps(record))
    return Done(b"".join(out), summary, b"".join(digests), nbytes)


# the state of a worker process of a pool: set once by _init_worker, read by _work
_worker: dict[str, Any] = {}


def _init_worker(rules: Ruleset, trace: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker["rules"] = rules
    _worker["trace"] = trace


def _work(task: Task) -> Done:
    return screen_task(task, rules=_worker["rules"], trace=_worker["trace"])


# --------------------------------------------------------------------------- reading the input

InputError = ScreenError  # the name this exception had before the output checks joined it


class _Lines:
    """The lines of a JSONL input, numbered, with an account of the bytes read: how many, and
    their SHA-256 (what the manifest records of the part of the input already consumed)."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self.stream = stream
        self.name = name
        self.n = 0
        self.bytes = 0
        self.sha = hashlib.sha256()
        self._lines = self._read()

    def _read(self) -> Iterator[tuple[int, bytes | None]]:
        """``(line number, line)`` without its end of line; ``None`` for an over-long line,
        which is skipped through, never held (memory stays bounded)."""
        limit = MAX_FILING_BYTES + 2
        readline = self.stream.readline
        while True:
            raw = self._readline(readline, limit)
            if not raw:
                return
            self.n += 1
            long = False
            while len(raw) >= limit and not raw.endswith(b"\n"):
                long = True
                raw = self._readline(readline, limit)
                if not raw:
                    break
            yield self.n, None if long else raw.rstrip(b"\r\n")

    def _readline(self, readline: Callable[[int], bytes], limit: int) -> bytes:
        try:
            raw = readline(limit)
        except OSError as exc:
            raise ScreenError(reader.io_problem(exc, self.name)) from None
        self.sha.update(raw)
        self.bytes += len(raw)
        return raw

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        return self._lines

    def skip(self, count: int, check: tuple[int, int, str], where: Path) -> None:
        """Read past the first ``count`` lines (those an output to resume holds), checking on
        the way that the first ``check[0]`` of them are ``check[1]`` bytes with SHA-256
        ``check[2]``, as the manifest says."""
        records, nbytes, digest = check
        if records == 0:
            _check_consumed(where, self.bytes, self.sha.hexdigest(), nbytes, digest, self.name)
        for _ in range(count):
            if next(self._lines, None) is None:
                raise mismatch(
                    where,
                    ("input", "size"),
                    f"the output holds {count} records but the input {self.name} "
                    f"only {self.n} lines",
                    f"输出中有 {count} 条记录，但输入 {self.name} 只有 {self.n} 行",
                )
            if self.n == records:
                _check_consumed(where, self.bytes, self.sha.hexdigest(), nbytes, digest, self.name)


def _check_consumed(
    where: Path, got_bytes: int, got_sha: str, want_bytes: int, want_sha: str, name: str
) -> None:
    if (got_bytes, got_sha) != (want_bytes, want_sha):
        raise mismatch(
            where,
            ("consumed", "sha256"),
            f"the part of the input the output was made from ({want_bytes} bytes, sha256 "
            f"{want_sha[:16]}…) is not the start of {name} ({got_bytes} bytes, sha256 "
            f"{got_sha[:16]}…): another input, or the input was changed",
            f"输出所依据的输入部分（{want_bytes} 字节，sha256 {want_sha[:16]}…）"
            f"与 {name} 的开头（{got_bytes} 字节，sha256 {got_sha[:16]}…）不符："
            "是另一个输入，或输入已被改动",
        )


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def filing_files(directory: Path) -> list[tuple[str, str]]:
    """The filings in a directory, sorted by name, as ``(shown name, path)``.

    Every entry whose name ends in ``.json``, ``.yaml`` or ``.yml`` and that is not a
    directory: a broken symlink, a FIFO or a device with such a name is listed too, and gets an
    error record in its place (nothing is skipped silently). A name that is not valid UTF-8 is
    shown with its bad bytes escaped.
    """
    found: list[tuple[str, str]] = []
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                if not entry.name.lower().endswith(FILING_SUFFIXES):
                    continue
                try:
                    if entry.is_dir():
                        continue  # subdirectories are not screened
                except OSError:
                    pass  # reported by the reader, in its record
                found.append((reader.shown_path(entry.name), entry.path))
    except OSError as exc:
        raise ScreenError(reader.io_problem(exc, directory)) from None
    return sorted(found, key=lambda e: e[1])


# --------------------------------------------------------------------------- resuming


def _resume_point(
    output: Path, expected: Callable[[int, Record], bool]
) -> tuple[int, Summary, int]:
    """Check an existing output: its records, a torn last line dropped. Returns how many
    records it holds, their summary, and the byte length of that valid prefix.

    ``expected(k, record)`` says whether ``record`` is the output for the k-th input record
    (counted from 0). Raises ``screen_resume_mismatch`` when it is not.
    """
    summary = Summary()
    count = 0
    good = 0  # byte length of the valid prefix
    shown = reader.shown_path(output)
    try:
        f = reader.fdopen_read(reader.open_regular(output, error=RongcuoError))
    except RongcuoError as exc:
        raise ScreenError(exc.problems[0]) from None
    with f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break  # a torn last line, cut short by a kill: dropped
            where = Location(shown, count + 1, 1)
            try:
                record = reader.parse_json(raw, filename=shown, error=RongcuoError)
            except RongcuoError:
                raise ScreenError(
                    Problem(
                        "screen_resume_mismatch",
                        "not a JSON record",
                        where,
                        message_zh="不是 JSON 记录",
                    )
                ) from None
            if not isinstance(record, dict) or not expected(count, record):
                raise ScreenError(
                    Problem(
                        "screen_resume_mismatch",
                        f"record {count + 1} of the output is not the output for input record "
                        f"{count + 1}: is it the output of another input?",
                        where,
                        message_zh=f"输出的第 {count + 1} 条记录不是输入第 {count + 1} 条的结果："
                        "是否为另一个输入的输出？",
                    )
                )
            summary.add(record)
            count += 1
            good += len(raw)
    return count, summary, good


# --------------------------------------------------------------------------- the run


@dataclasses.dataclass
class Outcome:
    """What a run did."""

    summary: Summary
    resumed: int
    seconds: float
    interrupted: bool


class _Stop:
    """Turns SIGINT/SIGTERM into an orderly stop that never interrupts a write."""

    def __init__(self) -> None:
        self.requested = False
        self.writing = False
        self._old: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if not self.writing:
            raise KeyboardInterrupt


@dataclasses.dataclass
class _Input:
    """What a run reads: a JSONL file, standard input, or a directory's filings."""

    kind: str  # "jsonl", "stdin" or "directory"
    shown: str  # the absolute path as records and messages show it; "-" for stdin
    size: int | None
    stream: IO[bytes] | None = None
    entries: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    path: str = ""

    def close(self) -> None:
        if self.stream is not None and self.kind == "jsonl":
            self.stream.close()


def _open_input(source: str) -> _Input:
    """Open ``source``: ``-`` (standard input), a directory, or a regular JSONL file."""
    if source == "-":
        stream = sys.stdin.buffer if sys.stdin is not None else None
        if stream is None:
            raise ScreenError(
                Problem(
                    "io_error",
                    "cannot read: standard input is closed",
                    Location(reader.STDIN),
                    message_zh="无法读取：标准输入已关闭",
                )
            )
        try:
            st = os.fstat(stream.fileno())
            size = st.st_size if stat.S_ISREG(st.st_mode) else None
        except (OSError, ValueError):
            size = None
        return _Input("stdin", "-", size, stream=stream)
    shown = reader.shown_path(os.path.abspath(source))  # noqa: PTH100 - str, maybe undecodable
    try:
        st = os.stat(source)  # noqa: PTH116 - follow a symlink to what it names
    except OSError as exc:
        raise ScreenError(reader.io_problem(exc, source)) from None
    if stat.S_ISDIR(st.st_mode):
        entries = filing_files(Path(source))
        return _Input("directory", shown, len(entries), entries=entries, path=source)
    try:  # a JSONL file: regular files only (a FIFO or /dev/zero is refused: use - for a pipe)
        fd = reader.open_regular(source, error=RongcuoError)
    except RongcuoError as exc:
        raise ScreenError(exc.problems[0]) from None
    stream = reader.fdopen_read(fd)
    return _Input("jsonl", shown, os.fstat(fd).st_size, stream=stream, path=source)


def run(
    source: str,
    *,
    rules: Ruleset,
    output: Path | None,
    jobs: int = 1,
    trace: bool = False,
    resume: bool = False,
    write_records: bool = True,
    progress: Callable[[int, int], None] | None = None,
    total: Callable[[int | None], None] | None = None,
    rules_dir: str | None = None,
) -> Outcome:
    """Screen ``source`` (a JSONL path, ``-`` for stdin, or a directory) into ``output``.

    ``output`` ``None`` means standard output. ``progress(records, bytes)`` is called after
    every chunk; ``total(bytes or None)`` once, before the first. ``rules_dir`` is the ruleset
    directory as given (``None``: the bundled rules), recorded in the manifest. Raises
    :class:`ScreenError` when the input cannot be read, the output is an input or is locked by
    another run, ``resume`` finds an output that this run did not make, or the output cannot be
    written (``io_error``: a full disk, a file too large, a read-only file or directory).
    """
    from .._version import __version__

    started = time.perf_counter()
    inp = _open_input(source)
    lock: Lock | None = None
    sink: Sink | None = None
    target = output if write_records else None
    try:
        if target is not None:
            # before anything is opened for writing: the output is none of the inputs
            files = [e[1] for e in inp.entries] if inp.kind == "directory" else [inp.path]
            check_not_input(target, [f for f in files if f], stdin=inp.kind == "stdin")
            if _lockable(target):
                lock = Lock(target)
                lock.acquire()
        manifest = Manifest(
            input_kind=inp.kind,
            input_path=inp.shown,
            input_size=inp.size,
            ruleset_digest=rules.digest,
            ruleset_label=rules.label,
            ruleset_dir="bundled"
            if rules_dir is None
            else reader.shown_path(os.path.abspath(rules_dir)),  # noqa: PTH100
            trace=trace,
            version=__version__,
            consumed_sha256=hashlib.sha256().hexdigest(),
        )
        lines = _Lines(inp.stream, inp.shown) if inp.stream is not None else None
        dir_sha = hashlib.sha256()
        done, summary, resume_at = 0, Summary(), None
        if resume and target is not None and lock is not None and target.exists():
            done, summary, resume_at, manifest = _resume(target, manifest, inp, lines, dir_sha)
        elif resume and target is not None and target.exists():
            raise ScreenError(
                Problem(
                    "not_regular_file",
                    "--resume continues a regular file, and this output is not one",
                    Location(reader.shown_path(target)),
                    message_zh="--resume 只能续写普通文件，而这个输出不是",
                )
            )
        sink = open_sink(target, resume_at=resume_at) if write_records else _null_sink()
        sink.record_progress(manifest)
        outcome = _screen(
            inp, lines, dir_sha, sink, manifest, rules, jobs, trace, done, summary, progress, total
        )
        sink.finish(keep=True)  # an orderly stop (Ctrl-C) keeps the records finished too
    except BaseException:
        if sink is not None:
            sink.discard()  # a replacing run's file is removed: the old output stays as it was
        raise
    finally:
        inp.close()
        if lock is not None:
            lock.release()
    return dataclasses.replace(outcome, seconds=time.perf_counter() - started)


def _lockable(output: Path) -> bool:
    """Whether ``output`` is (or will be) a regular file: a device or FIFO is written as a
    stream, with no lock, manifest or rename beside it."""
    try:
        return stat.S_ISREG(os.stat(output).st_mode)  # noqa: PTH116
    except FileNotFoundError:
        return True
    except OSError:
        return True  # reported when it is opened


def _null_sink() -> Sink:
    return Sink(None, "stream", open(os.devnull, "wb"), None)  # noqa: PTH123


def _resume(
    output: Path,
    manifest: Manifest,
    inp: _Input,
    lines: _Lines | None,
    dir_sha: Any,
) -> tuple[int, Summary, int, Manifest]:
    """Check an output to resume against this run; read past the input it covers."""
    stored = read_manifest(output)
    compare(manifest, stored, output)
    where = manifest_path(output)
    entries = inp.entries
    if inp.kind == "directory":
        done, summary, good = _resume_point(
            output, lambda k, r: k < len(entries) and r.get("file") == entries[k][0]
        )
    else:
        done, summary, good = _resume_point(output, lambda k, r: r.get("line") == k + 1)
    consumed = stored.get("consumed")
    if not isinstance(consumed, dict):
        consumed = {}
    records, nbytes, digest = (consumed.get(k) for k in ("records", "bytes", "sha256"))
    if not (isinstance(records, int) and isinstance(nbytes, int) and isinstance(digest, str)):
        raise mismatch(
            where,
            ("consumed",),
            "the manifest's consumed part is malformed",
            "清单中的 consumed 部分格式有误",
        )
    if records > done:
        raise mismatch(
            where,
            ("consumed", "records"),
            f"the manifest counts {records} records, the output holds only {done}: "
            "it lost records (a crash of the machine?)",
            f"清单记有 {records} 条记录，输出只有 {done} 条：输出丢失了记录（机器崩溃？）",
        )
    if lines is not None:
        lines.skip(done, (records, nbytes, digest), where)
        consumed_bytes, sha = lines.bytes, lines.sha.hexdigest()
    else:
        if done > len(entries):
            raise mismatch(
                where,
                ("input", "size"),
                f"the output holds {done} records but the directory only {len(entries)} filings",
                f"输出中有 {done} 条记录，但目录中只有 {len(entries)} 份备案",
            )
        consumed_bytes = 0
        for k, (name, path) in enumerate(entries[:done]):
            if k == records:
                _check_consumed(
                    where, consumed_bytes, dir_sha.hexdigest(), nbytes, digest, inp.shown
                )
            _, piece, size = read_entry(name, path)
            dir_sha.update(piece)
            consumed_bytes += size
        if records == done:
            _check_consumed(where, consumed_bytes, dir_sha.hexdigest(), nbytes, digest, inp.shown)
        sha = dir_sha.hexdigest()
    return (
        done,
        summary,
        good,
        dataclasses.replace(
            manifest, records=done, consumed_bytes=consumed_bytes, consumed_sha256=sha
        ),
    )


def _screen(
    inp: _Input,
    lines: _Lines | None,
    dir_sha: Any,
    sink: Sink,
    manifest: Manifest,
    rules: Ruleset,
    jobs: int,
    trace: bool,
    done: int,
    summary: Summary,
    progress: Callable[[int, int], None] | None,
    total: Callable[[int | None], None] | None,
) -> Outcome:
    """The screening loop proper: chunks out to the workers, records back in order."""
    marks: deque[tuple[int, int, Any]] = deque()  # for each task in flight: the input read
    tasks: Iterator[Task]
    if inp.kind == "directory":
        if total is not None:
            total(len(inp.entries))
        todo = iter(inp.entries[done:])
        tasks = (Task(files=tuple(c)) for c in _chunks(todo, CHUNK))
    else:
        assert lines is not None
        if total is not None:
            total(inp.size if inp.kind == "jsonl" else None)

        def line_tasks() -> Iterator[Task]:
            for chunk in _chunks(iter(lines), CHUNK):
                marks.append((lines.n, lines.bytes, lines.sha.copy()))
                yield Task(lines=tuple(chunk))

        tasks = line_tasks()

    interrupted = False
    pool = None
    syncer: _Syncer | None = None
    consumed_bytes = manifest.consumed_bytes
    records = manifest.records
    try:
        with _Stop() as stop:
            try:
                if jobs > 1:
                    import multiprocessing as mp

                    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
                    pool = mp.get_context(method).Pool(
                        jobs, initializer=_init_worker, initargs=(rules, trace)
                    )
                    window = jobs * IN_FLIGHT_PER_JOB
                    results: Iterator[Done] = _ordered(pool, tasks, window)
                else:
                    results = (screen_task(t, rules=rules, trace=trace) for t in tasks)
                if sink.is_file:  # started after the workers fork
                    syncer = _Syncer(sink.file.fileno())
                for result in results:
                    stop.writing = True
                    sink.write(result.data)
                    summary.merge(result.summary)
                    if inp.kind == "directory":
                        dir_sha.update(result.digests)
                        records += result.summary.records
                        consumed_bytes += result.nbytes
                        sha = dir_sha.hexdigest()
                    else:
                        records, consumed_bytes, hasher = marks.popleft()
                        sha = hasher.hexdigest()
                    manifest = dataclasses.replace(
                        manifest,
                        records=records,
                        consumed_bytes=consumed_bytes,
                        consumed_sha256=sha,
                    )
                    sink.record_progress(manifest)
                    stop.writing = False
                    if stop.requested:
                        raise KeyboardInterrupt
                    if progress is not None:
                        seekable = inp.kind == "jsonl" and inp.stream is not None
                        position = inp.stream.tell() if seekable and inp.stream else 0
                        progress(summary.records, position)
            except KeyboardInterrupt:
                interrupted = True
            except BrokenPipeError:  # the reader of standard output went away (`| head`)
                interrupted = True
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, sink.file.fileno())  # nothing more to say there, not even at exit
                os.close(null)
            except ScreenError as exc:
                if exc.problem.code == "io_error" and _is_broken_pipe(exc) and not sink.is_file:
                    interrupted = True
                    null = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(null, sink.file.fileno())
                    os.close(null)
                else:
                    raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if syncer is not None:
            syncer.stop()
    return Outcome(summary, done, 0.0, interrupted)


def _is_broken_pipe(exc: ScreenError) -> bool:
    return isinstance(exc.__cause__, BrokenPipeError) or "Broken pipe" in exc.problem.message


class _Syncer:
    """Fsyncs the output every :data:`FSYNC_SECONDS` from a background thread.

    The records are flushed to the operating system after every chunk, so a killed process
    loses nothing; fsync guards against a crash of the machine itself. It can take long on a
    slow disk, so it runs beside the screening (the GIL is released during the call) rather
    than stalling it; the run ends with a last fsync of its own.
    """

    def __init__(self, fd: int) -> None:
        import threading

        self._fd = fd
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rongcuo-fsync", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._done.wait(FSYNC_SECONDS):
            with contextlib.suppress(OSError):  # a failing disk is reported by the writes
                fsync(self._fd)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _ordered(pool: Any, tasks: Iterator[Task], window: int) -> Iterator[Done]:
    """Results in task order, with at most ``window`` tasks in flight (bounded memory)."""
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(_work, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
