"""rongcuo.evaluate_many: verdicts in input order, errors as values, the same with processes."""

from __future__ import annotations

import itertools
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo.errors import FilingError

from .conftest import EXAMPLES


def _examples() -> list[rongcuo.Filing]:
    return [rongcuo.load_filing(p) for p in sorted(EXAMPLES.glob("*.*")) if p.is_file()]


def _bad() -> list[Any]:
    return [{"sumary": "x"}, b'{"a": 1, "a": 2}', 5, "[1, 2", {"summary": "x" * 30_000}]


def _key(answer: rongcuo.Verdict | rongcuo.RongcuoError) -> object:
    if isinstance(answer, rongcuo.Verdict):
        return json.loads(answer.to_json())
    return [p.to_dict() for p in answer.problems]


def _one_by_one(items: list[Any], **options: Any) -> list[object]:
    """What evaluate gives each item on its own (an error caught where it is raised)."""
    out: list[object] = []
    for item in items:
        try:
            filing = item if isinstance(item, rongcuo.Filing) else rongcuo.parse_filing(item)
            out.append(_key(rongcuo.evaluate(filing, **options)))
        except rongcuo.RongcuoError as exc:
            out.append(_key(exc))
    return out


def _mixed() -> list[Any]:
    good, bad = _examples(), _bad()
    mixed: list[Any] = []
    for i in range(max(len(good), len(bad))):
        mixed += good[i : i + 1] + bad[i : i + 1]
    texts = [p.read_bytes() for p in sorted(EXAMPLES.glob("*.*")) if p.is_file()]
    return mixed + texts + [f.model_dump(mode="json", exclude_none=True) for f in good]


def test_answers_in_order_errors_as_values() -> None:
    items = _mixed()
    answers = list(rongcuo.evaluate_many(items))
    assert len(answers) == len(items)
    assert [_key(a) for a in answers] == _one_by_one(items)
    errors = [a for a in answers if isinstance(a, rongcuo.RongcuoError)]
    assert len(errors) == len(_bad())
    assert all(isinstance(e, FilingError) and e.problems for e in errors)


def test_jobs_give_the_same_answers_in_the_same_order() -> None:
    items = _mixed() * 30  # several chunks for each worker
    one = [_key(a) for a in rongcuo.evaluate_many(items, trace=False)]
    two = [_key(a) for a in rongcuo.evaluate_many(items, jobs=2, trace=False)]
    assert one == two == _one_by_one(items, trace=False)


def test_options_reach_every_answer(rules: rongcuo.Ruleset) -> None:
    import datetime as dt

    items = _examples()
    early = dt.date(2000, 1, 1)
    for jobs in (1, 2):
        answers = list(rongcuo.evaluate_many(items, rules=rules, jobs=jobs, as_of=early))
        assert [_key(a) for a in answers] == _one_by_one(items, rules=rules, as_of=early)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_generator_is_read_lazily(jobs: int) -> None:
    taken: list[int] = []

    def endless() -> Iterator[rongcuo.Filing]:
        for i, f in enumerate(itertools.cycle(_examples())):
            taken.append(i)
            yield f

    answers = rongcuo.evaluate_many(endless(), jobs=jobs, trace=False)
    first = list(itertools.islice(answers, 10))
    assert len(first) == 10 and all(isinstance(a, rongcuo.Verdict) for a in first)
    assert len(taken) < 10_000  # bounded read-ahead, not the whole (endless) input
    answers.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_jobs_must_be_a_positive_int(jobs: Any) -> None:
    with pytest.raises(ValueError, match="jobs"):
        rongcuo.evaluate_many([], jobs=jobs)


def test_an_error_pickles_as_its_problems(tmp_path: Path) -> None:
    (error,) = list(rongcuo.evaluate_many([{"sumary": 1}]))
    assert isinstance(error, FilingError)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is FilingError and again.problems == error.problems
