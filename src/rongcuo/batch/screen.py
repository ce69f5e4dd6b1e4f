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

    {"line": 8, "error": {"code": "json_syntax", "message": "...", "location": {...}}}
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType
from typing import IO, Any, Final

from ..engine.decide import _missing_facts, _status, evaluate
from ..errors import FilingError, Location, Problem, RongcuoError
from ..facts.filings import MAX_FILING_BYTES, load_filing, parse_filing
from ..facts.model import Filing
from ..rules.ruleset import Ruleset
from ..verdict.verdict import Status

__all__ = [
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


# --------------------------------------------------------------------------- the pure layer


def _outcome(filing: Filing, rules: Ruleset) -> tuple[Status, list[str], list[str]]:
    """Status, decisive clause ids and missing fact paths, as :func:`evaluate` finds them."""
    elements, values = rules.program.truths(filing)
    status, deciding = _status(rules, values)
    missing: list[str] = []
    if status is Status.INSUFFICIENT_FACTS:
        missing = [m.path for m in _missing_facts(rules, filing, values, elements)]
    return status, [c.id for c in deciding], missing


def _error(exc: RongcuoError, line: int | None = None) -> dict[str, Any]:
    """A coded error: the first problem's code, message and location, and every problem."""
    problems = [_problem(p, line) for p in exc.problems]
    first = problems[0]
    out: dict[str, Any] = {
        "code": first["code"],
        "message": first["message"],
        "location": first["location"],
    }
    if len(problems) > 1:
        out["problems"] = problems
    return out


def _problem(p: Problem, line: int | None) -> dict[str, Any]:
    loc = p.location
    location: dict[str, Any] = {}
    if loc.file:
        location["file"] = loc.file
    if line is not None:  # a JSONL record: its line in the input; jiter's column within it
        location["line"] = line
        if loc.col:
            location["col"] = loc.col
    elif loc.line:
        location["line"] = loc.line
        location["col"] = loc.col
    location["path"] = loc.json_path()
    out: dict[str, Any] = {"code": p.code, "message": p.message, "location": location}
    if p.hint:
        out["hint"] = p.hint
    return out


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
        if isinstance(data, Filing):
            filing = data
        elif isinstance(data, str | bytes) and not data.strip():
            raise _blank(line)
        elif isinstance(data, str | bytes):
            filing = parse_filing(data, format="json")
        else:
            filing = parse_filing(data)
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
        record["verdict"] = verdict.model_dump(mode="json")
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
    """What to screen: JSONL lines ``(line number, bytes)`` or filing files ``(name, path)``."""

    lines: tuple[tuple[int, bytes | None], ...] = ()
    files: tuple[tuple[str, str], ...] = ()


def _dumps(record: Record) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def screen_task(task: Task, *, rules: Ruleset, trace: bool = False) -> tuple[bytes, Summary]:
    """Screen one chunk: its output lines, joined, and its summary. Pure."""
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
    for name, path in task.files:
        try:
            filing = load_filing(path)
        except RongcuoError as exc:
            record = {"file": name, "error": _error(exc)}
        else:
            record = screen_record(filing, rules=rules, trace=trace, source={"file": name})
        summary.add(record)
        out.append(_dumps(record))
    return b"".join(out), summary


# the state of a worker process of a pool: set once by _init_worker, read by _work
_worker: dict[str, Any] = {}


def _init_worker(rules: Ruleset, trace: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker["rules"] = rules
    _worker["trace"] = trace


def _work(task: Task) -> tuple[bytes, Summary]:
    return screen_task(task, rules=_worker["rules"], trace=_worker["trace"])


# --------------------------------------------------------------------------- reading the input


class InputError(Exception):
    """The input itself cannot be read (not a bad record: the run cannot start)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _read_lines(stream: IO[bytes], *, skip: int = 0) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` without its end of line; ``None`` for an over-long line.

    Memory stays bounded: a line longer than the limit is skipped through, never held. Raises
    :class:`InputError` if the input has fewer than ``skip`` lines (an output to resume that
    holds more records than this input).
    """
    limit = MAX_FILING_BYTES + 2
    n = 0
    readline = stream.readline
    while True:
        raw = readline(limit)
        if not raw:
            if n < skip:
                raise InputError(
                    Problem(
                        "screen_resume_mismatch",
                        f"the output holds {skip} records but the input only {n} lines",
                    )
                )
            return
        n += 1
        long = False
        while len(raw) >= limit and not raw.endswith(b"\n"):
            long = True
            raw = readline(limit)
            if not raw:
                break
        if n <= skip:
            continue
        if long:
            yield n, None
        else:
            yield n, raw.rstrip(b"\r\n")


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def filing_files(directory: Path) -> list[Path]:
    """The filings in a directory: its ``.json``, ``.yaml`` and ``.yml`` files, sorted by name."""
    return sorted(
        (p for p in directory.iterdir() if p.suffix.lower() in FILING_SUFFIXES and p.is_file()),
        key=lambda p: p.name,
    )


# --------------------------------------------------------------------------- resuming


def _resume_point(output: Path, expected: Callable[[int, Record], bool]) -> tuple[int, Summary]:
    """Check an existing output; drop a torn last line; return how many records it holds.

    ``expected(k, record)`` says whether ``record`` is the output for the k-th input record
    (counted from 0). Raises :class:`InputError` when the output is not a prefix of this input.
    """
    summary = Summary()
    count = 0
    good = 0  # byte length of the valid prefix
    with output.open("rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break  # a torn last line, cut short by a kill: dropped below
            where = Location(str(output), count + 1, 1)
            try:
                record = json.loads(raw)
            except ValueError:
                raise InputError(
                    Problem("screen_resume_mismatch", "not a JSON record", where)
                ) from None
            if not isinstance(record, dict) or not expected(count, record):
                raise InputError(
                    Problem(
                        "screen_resume_mismatch",
                        f"record {count + 1} of the output is not the output for input record "
                        f"{count + 1}: is it the output of another input?",
                        where,
                    )
                )
            summary.add(record)
            count += 1
            good += len(raw)
    if good != output.stat().st_size:
        with output.open("r+b") as f:
            f.truncate(good)
            f.flush()
            os.fsync(f.fileno())
    return count, summary


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
) -> Outcome:
    """Screen ``source`` (a JSONL path, ``-`` for stdin, or a directory) into ``output``.

    ``output`` ``None`` means standard output. ``progress(records, bytes)`` is called after
    every chunk; ``total(bytes or None)`` once, before the first. Raises :class:`InputError` when
    the input cannot be read, or ``resume`` finds an output that is not a prefix of this input.
    """
    started = time.perf_counter()
    path = None if source == "-" else Path(source)
    names: list[Path] = []
    if path is not None:
        try:
            if path.is_dir():
                names = filing_files(path)
            elif not path.exists():
                raise InputError(Problem("io_error", "no such file or directory", Location(source)))
        except OSError as exc:
            raise InputError(
                Problem("io_error", f"cannot read: {exc.strerror}", Location(source))
            ) from None
    directory = path is not None and path.is_dir()

    done, summary = 0, Summary()
    if resume and output is not None and output.exists():
        if directory:
            done, summary = _resume_point(
                output, lambda k, r: k < len(names) and r.get("file") == names[k].name
            )
        else:
            done, summary = _resume_point(output, lambda k, r: r.get("line") == k + 1)

    stream: IO[bytes] | None = None
    tasks: Iterator[Task]
    if directory:
        if done > len(names):
            raise InputError(
                Problem(
                    "screen_resume_mismatch",
                    f"the output holds {done} records but the directory only {len(names)} filings",
                    Location(str(output)),
                )
            )
        if total is not None:
            total(len(names))
        todo = ((p.name, str(p)) for p in names[done:])
        tasks = (Task(files=tuple(c)) for c in _chunks(todo, CHUNK))
    else:
        try:
            stream = sys.stdin.buffer if path is None else path.open("rb")
        except OSError as exc:
            raise InputError(
                Problem("io_error", f"cannot read: {exc.strerror}", Location(source))
            ) from None
        if total is not None:
            total(None if path is None else path.stat().st_size)
        tasks = (Task(lines=tuple(c)) for c in _chunks(_read_lines(stream, skip=done), CHUNK))

    sink: IO[bytes]
    if not write_records:
        sink = Path(os.devnull).open("wb")  # noqa: SIM115 - closed below
    elif output is None:
        sink = sys.stdout.buffer
    else:
        sink = output.open("ab" if resume else "wb")
    interrupted = False
    pool = None
    syncer: _Syncer | None = None
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
                    results: Iterator[tuple[bytes, Summary]] = _ordered(pool, tasks, window)
                else:
                    results = (screen_task(t, rules=rules, trace=trace) for t in tasks)
                if output is not None and write_records:  # started after the workers fork
                    syncer = _Syncer(sink.fileno())
                for data, part in results:
                    stop.writing = True
                    sink.write(data)
                    sink.flush()
                    summary.merge(part)
                    stop.writing = False
                    if stop.requested:
                        raise KeyboardInterrupt
                    if progress is not None:
                        seekable = stream is not None and stream is not sys.stdin.buffer
                        position = stream.tell() if seekable and stream is not None else 0
                        progress(summary.records, position)
            except KeyboardInterrupt:
                interrupted = True
            except BrokenPipeError:  # the reader of standard output went away (`| head`)
                interrupted = True
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, sink.fileno())  # nothing more to say there, not even at exit
                os.close(null)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        if syncer is not None:
            syncer.stop()
        try:
            sink.flush()
            if output is not None and write_records:
                _fsync(sink.fileno())
        finally:
            if sink is not sys.stdout.buffer:
                sink.close()
            if stream is not None and stream is not sys.stdin.buffer:
                stream.close()
    return Outcome(summary, done, time.perf_counter() - started, interrupted)


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
            _fsync(self._fd)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _fsync(fd: int) -> None:
    """Fsync, where the output can be synced at all (not a pipe or a device like /dev/null)."""
    import errno

    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise


def _ordered(pool: Any, tasks: Iterator[Task], window: int) -> Iterator[tuple[bytes, Summary]]:
    """Results in task order, with at most ``window`` tasks in flight (bounded memory)."""
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(_work, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()
