"""Many filings in, one answer each, in input order: :func:`evaluate_many`.

The batch form of :func:`rongcuo.evaluate` for a program that holds its filings in memory (a
service answering a batch request, a notebook, a job that reads its own storage). Each answer is
either the :class:`~rongcuo.verdict.verdict.Verdict` or, for an invalid filing, the
:class:`~rongcuo.errors.RongcuoError` that :func:`rongcuo.evaluate` would have raised, returned
as a value in the filing's place: one bad filing never stops the batch, and the answers line up
with the filings one for one.

``jobs > 1`` evaluates in that many worker processes (chunks of :data:`CHUNK` filings, a bounded
number in flight, answers still in input order), like ``rongcuo screen --jobs``. The ruleset is
sent to each worker once.
"""

from __future__ import annotations

import datetime as dt
import signal
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

from pydantic import BaseModel

from ..engine.decide import evaluate
from ..errors import RongcuoError
from ..facts.filings import parse_filing
from ..facts.v2 import Filing
from ..rules.ruleset import Ruleset
from ..verdict.verdict import Verdict

__all__ = ["CHUNK", "Answer", "FilingInput", "evaluate_many"]

CHUNK: Final = 64
"""Filings per task sent to a worker process."""

IN_FLIGHT_PER_JOB: Final = 4
"""Tasks in flight for each worker: enough to keep it busy, few enough for bounded memory."""

FilingInput = Filing | Mapping[str, Any] | str | bytes
"""A filing as :func:`evaluate_many` takes it: a model, a mapping in its JSON shape, or JSON or
YAML text (read by :func:`rongcuo.parse_filing`)."""

Answer = Verdict | RongcuoError
"""The verdict for a filing, or the coded error that says why there is none."""


def _one(item: object, rules: Ruleset, as_of: dt.date | None, trace: bool) -> Answer:
    try:
        # anything but a filing object is read with the ruleset's own model; a filing object goes
        # to evaluate as is (which refuses one of another model)
        filing = item if isinstance(item, BaseModel) else parse_filing(item, rules=rules)  # type: ignore[arg-type]
        return evaluate(filing, rules=rules, as_of=as_of, trace=trace)
    except RongcuoError as exc:
        return exc


def evaluate_many(
    filings: Iterable[FilingInput],
    *,
    rules: Ruleset | None = None,
    jobs: int = 1,
    as_of: dt.date | None = None,
    trace: bool = True,
) -> Iterator[Answer]:
    """Screen every filing of ``filings``; yield one answer each, in input order.

    An answer is the :class:`~rongcuo.verdict.verdict.Verdict`, or for an invalid filing the
    :class:`~rongcuo.errors.RongcuoError` (a :class:`~rongcuo.errors.FilingError`) that
    :func:`rongcuo.evaluate` would raise, yielded in its place, never raised: the batch always
    runs to its end. Its ``.problems`` are coded and located, and
    :func:`rongcuo.errors.problem_data` turns each into the one error shape.

    ``filings`` may be any iterable (a generator is read as answers are taken, so memory stays
    bounded); each item is a :class:`~rongcuo.facts.model.Filing`, a mapping in its JSON shape,
    or JSON/YAML text. ``rules`` defaults to the bundled ruleset; ``as_of`` and ``trace`` are as
    for :func:`rongcuo.evaluate`. ``jobs > 1`` uses that many worker processes.

    >>> import rongcuo
    >>> answers = list(rongcuo.evaluate_many([{"subject": {"kind": "unit"}}, {"sumary": "x"}]))
    >>> answers[0].status.value, answers[1].codes
    ('insufficient_facts', ('filing_unknown_field',))
    """
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int, got {jobs!r}")
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    if jobs == 1:
        return (_one(item, rules, as_of, trace) for item in filings)
    return _parallel(filings, rules, jobs, as_of, trace)


# the state of a worker process: set once by _init_worker, read by _work
_worker: dict[str, Any] = {}


def _init_worker(rules: Ruleset, as_of: dt.date | None, trace: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    _worker.update(rules=rules, as_of=as_of, trace=trace)


def _work(chunk: list[object]) -> list[Answer]:
    rules, as_of, trace = _worker["rules"], _worker["as_of"], _worker["trace"]
    return [_one(item, rules, as_of, trace) for item in chunk]


def _chunks(items: Iterable[object]) -> Iterator[list[object]]:
    chunk: list[object] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(
    filings: Iterable[FilingInput], rules: Ruleset, jobs: int, as_of: dt.date | None, trace: bool
) -> Iterator[Answer]:
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(
        jobs,
        mp_context=mp.get_context(method),
        initializer=_init_worker,
        initargs=(rules, as_of, trace),
    )
    pending: deque[Future[list[Answer]]] = deque()
    window = jobs * IN_FLIGHT_PER_JOB
    try:
        for chunk in _chunks(filings):
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= window:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:  # also when the caller stops early: no worker outlives the generator
        pool.shutdown(wait=True, cancel_futures=True)
