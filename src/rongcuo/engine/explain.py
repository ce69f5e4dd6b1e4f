"""The explained verdict's trace as JSON, from a template made once per ruleset.

A verdict's trace (``Verdict.trace``) quotes every clause element by element: its id, phrase and
note, the facts it read with their values, the clauses it referred to, and what each came to.
Everything in it but the truths and the fact values depends on the ruleset alone. So the trace's
JSON is made here, once per ruleset and per layout (``indent=2``, as :meth:`Verdict.to_json`
writes it, and compact, as the receipt hashes it), by serialising the trace of a stand-in filing
whose every truth and fact value is a placeholder, with the verdict's own serializer
(``pydantic_core``); the text is cut at the placeholders into a ``%`` format. A verdict's trace
is then that format filled with its truths and its facts' values, each fact serialised once per
filing however many elements read it.

The bytes are the ones ``Verdict.model_dump_json`` writes for the same verdict
(``tests/test_engine_v2.py`` holds the two to each other on every example, golden case and clause
example, and on Hypothesis filings), so the receipt, which hashes the compact form, is unchanged.

**The compact trace** (:meth:`TraceTemplate.compact`, :func:`rongcuo.engine.decide.compact_trace`),
for bulk output: ``{"ruleset": digest, "clauses": "0002…", "elements": "2201…"}``, one digit a
truth (``0`` false, ``1`` unknown, ``2`` true) — ``clauses`` one per clause in the trace's order,
``elements`` one per element, clause by clause in the trace's order, each clause's elements in
its order. The ruleset digest fixes that order; the static text and the fact values are left
out, since the ruleset and the filing give them back. A full trace gives the same digits (its
``value`` fields, in order).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import pydantic_core

from ..facts.values import NA, PartialDate, PartialSet, Records
from ..rules.syntax import Clause

__all__ = ["TraceTemplate", "json_value"]

#: a truth of the generated code (0 false, 1 unknown, 2 true) as JSON
_TRUTH_JSON: Final = ('"false"', '"unknown"', '"true"')
_TRUTH_OF: Final = {"false": '"false"', "unknown": '"unknown"', "true": '"true"'}
#: the fill's constant pieces in UTF-8
_UTF8: Final = {t: t.encode() for t in ('"false"', '"unknown"', '"true"', "true", "false")}
_DIGIT: Final = ("0", "1", "2")
_DIGIT_OF: Final = {"false": "0", "unknown": "1", "true": "2"}
# a placeholder: private-use characters, which pydantic writes as they are (never escaped)
_SLOT = "\ue000{}\ue001"
_SLOT_JSON = re.compile('"\ue000([0-9]+)\ue001"')
_to_json = pydantic_core.to_json
_encode_string: Final[Callable[[str], str]] = json.encoder.encode_basestring


def json_value(value: Any) -> Any:
    """A fact's value in its canonical document form (v2: ``"n/a"``, a partial set's list or
    ``{yes, no, complete}``, a partial date's text, records as the document lists them)."""
    if value is NA:
        return "n/a"
    if isinstance(value, PartialSet | PartialDate):
        return value.to_json()
    if isinstance(value, Records):
        return value.to_json(_record_json)
    if isinstance(value, frozenset):
        return sorted(str(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or isinstance(value, bool):
        return value
    return str(value)


def _record_json(record: Any) -> Any:
    return record.model_dump(mode="json", exclude_none=True)


class _Layout:
    """The trace's JSON in one layout: its static text cut at the slots, where each slot is in
    the fill vector, and the indentation of a fact's value."""

    __slots__ = ("pad", "pick", "size", "statics", "statics_utf8")

    def __init__(self, text: str, pad: str | None) -> None:
        pieces = _SLOT_JSON.split(text)
        self.statics = pieces[0::2]
        #: the same, encoded once: a filled trace's UTF-8 is joined from them, not encoded whole
        self.statics_utf8 = [s.encode() for s in self.statics]
        slots = [int(s) for s in pieces[1::2]]
        self.size = 2 * len(slots) + 1
        self.pick: Callable[[Sequence[Any]], Any] = (
            operator.itemgetter(*slots)
            if len(slots) > 1
            else (lambda v: (v[slots[0]],))
            if slots
            else (lambda v: ())
        )
        self.pad = pad

    def join(self, fill: Sequence[str], head: str = "", tail: str = "") -> str:
        """The text filled in, between ``head`` and ``tail`` (joined once, not copied again)."""
        out: list[Any] = [None] * self.size
        out[0::2] = self.statics
        out[1::2] = self.pick(fill)
        out[0] = head + out[0]
        out[-1] += tail
        return "".join(out)

    def join_utf8(self, fill: Sequence[bytes], head: bytes = b"", tail: bytes = b"") -> bytes:
        """:meth:`join` in UTF-8, from pieces in UTF-8."""
        out: list[Any] = [None] * self.size
        out[0::2] = self.statics_utf8
        out[1::2] = self.pick(fill)
        out[0] = head + out[0]
        out[-1] += tail
        return b"".join(out)


class TraceTemplate:
    """The trace of one ruleset's verdicts, as JSON text to fill in (see the module docstring).

    ``clauses`` are the ruleset's clauses in trace order; ``reads`` maps each ``(clause id,
    element id)`` to the facts its test reads (path and getter) and the clauses it refers to
    (:attr:`rongcuo.engine.evaluate.Program.reads`); ``element_index`` says where each element
    stands in the generated code's element-truth vector. ``vector`` and ``index`` (filing model
    v2) read the facts from the filing's fact vector instead, by their places in it.
    """

    def __init__(
        self,
        clauses: Sequence[Clause],
        reads: Mapping[tuple[str, str], tuple[tuple[tuple[str, Any], ...], tuple[str, ...]]],
        element_index: Mapping[tuple[str, str], int],
        clause_order: Sequence[str],
        *,
        vector: Callable[[Any], tuple[Any, ...]] | None = None,
        index: Mapping[str, int] | None = None,
    ) -> None:
        # the fill vector: clause truths, element truths, then per fact its known and its value
        clause_slot = {cid: i for i, cid in enumerate(clause_order)}
        n_clauses, n_elements = len(clause_order), len(element_index)
        paths: dict[str, Any] = {}
        for getters, _ in reads.values():
            for path, get in getters:
                paths.setdefault(path, get)
        self._getters = tuple(paths.values())
        # filing model v2: every fact read by its place in the fact vector, all in one call
        self._vector = vector if index is not None else None
        places = [index[p] for p in paths] if index is not None else []
        self._pick_facts: Callable[[tuple[Any, ...]], Sequence[Any]] = (
            (lambda v: [v[i] for i in places])
            if len(places) < 2
            else (lambda v, get=operator.itemgetter(*places): get(v))  # type: ignore[misc]
        )
        fact_slot = {p: i for i, p in enumerate(paths)}
        base_known = n_clauses + n_elements
        base_value = base_known + len(paths)
        # the compact trace lists clauses and elements in the trace's order
        self._trace_clauses = tuple(c.id for c in clauses)
        trace_elements = [element_index[c.id, e.id] for c in clauses for e in c.elements]
        self._pick_elements: Callable[[Sequence[int]], Sequence[int]] = (
            operator.itemgetter(*trace_elements)
            if len(trace_elements) > 1
            else (lambda v: [v[i] for i in trace_elements])
        )
        self._clause_order = tuple(clause_order)
        #: the fill vector's leading slots, each one of a few constants: clause and element
        #: truths, and each fact's known (the fact values follow)
        self._fixed = base_value

        def slot(i: int) -> str:
            return _SLOT.format(i)

        stand_in = [
            {
                "id": c.id,
                "list": c.list.value,
                "value": slot(clause_slot[c.id]),
                "catch_all": c.catch_all,
                "elements": [
                    {
                        "id": e.id,
                        "phrase": e.phrase,
                        "value": slot(n_clauses + element_index[c.id, e.id]),
                        "facts": [
                            {
                                "path": path,
                                "known": slot(base_known + fact_slot[path]),
                                "value": slot(base_value + fact_slot[path]),
                            }
                            for path, _ in reads[c.id, e.id][0]
                        ],
                        "clauses": [
                            {"clause": cid, "value": slot(clause_slot[cid])}
                            for cid in reads[c.id, e.id][1]
                        ],
                        "note": e.note,
                    }
                    for e in c.elements
                ],
            }
            for c in clauses
        ]
        # the trace stands one level into the verdict: indented once more than on its own
        pretty = _to_json(stand_in, indent=2).decode().replace("\n", "\n  ")
        found = re.search('\n( *)"value": "\ue000' + str(base_value) + "\ue001", pretty)
        self.pretty = _Layout(pretty, "\n" + found.group(1) if found else None)
        self.flat = _Layout(_to_json(stand_in).decode(), None)

    def facts(self, filing: Any) -> list[Any]:
        """The value of every fact the trace quotes (``None``: unknown), in document form."""
        if self._vector is not None:
            got = self._pick_facts(self._vector(filing))
        else:
            got = [get(filing) for get in self._getters]
        return [
            value if value is None or value is True or value is False else json_value(value)
            for value in got
        ]

    def fill(
        self,
        facts: Sequence[Any],
        elements: Sequence[int],
        values: Mapping[str, Any],
        *,
        pretty: bool,
        head: str = "",
        tail: str = "",
    ) -> str:
        """The trace's JSON for one filing: ``facts`` as :meth:`facts` gives them, ``elements``
        the element truths in the generated code's order (0, 1, 2), ``values`` every clause's
        truth (a ``Truth``, by id); between ``head`` and ``tail`` (joined once)."""
        layout = self.pretty if pretty else self.flat
        return layout.join(self._fill(layout, facts, elements, values), head, tail)

    def compact_fill(
        self, facts: Sequence[Any], elements: Sequence[int], values: Mapping[str, Any]
    ) -> list[str]:
        """What :meth:`fill` fills the compact layout with, to join with :meth:`compact_text`
        and :meth:`compact_utf8` (a verdict's JSON and the receipt's bytes are each joined
        once, around the trace, not copied again to add the rest)."""
        return self._fill(self.flat, facts, elements, values)

    def compact_text(self, fill: Sequence[str], head: str, tail: str) -> str:
        """The compact trace's JSON from :meth:`compact_fill`, between ``head`` and ``tail``."""
        return self.flat.join(fill, head, tail)

    def compact_utf8(self, fill: Sequence[str], head: str, tail: str) -> bytes:
        """:meth:`compact_text` in UTF-8, joined from pieces encoded once (the static text per
        ruleset, the truths as constants): the 40 KB text is not encoded whole per verdict."""
        n = self._fixed
        utf8: list[bytes] = [_UTF8[piece] for piece in fill[:n]]
        utf8 += [piece.encode() for piece in fill[n:]]
        return self.flat.join_utf8(utf8, head.encode(), tail.encode())

    def _fill(
        self,
        layout: _Layout,
        facts: Sequence[Any],
        elements: Sequence[int],
        values: Mapping[str, Any],
    ) -> list[str]:
        pad = layout.pad
        known: list[str] = []
        shown: list[str] = []
        for value in facts:
            if value is None:
                known.append("false")
                shown.append("null")
                continue
            known.append("true")
            if value is True:
                shown.append("true")
            elif value is False:
                shown.append("false")
            elif type(value) is str:  # the C encoder escapes exactly as pydantic's does
                shown.append(_encode_string(value))
            elif pad is None:
                shown.append(_to_json(value).decode())
            else:
                shown.append(_to_json(value, indent=2).decode().replace("\n", pad))
        fill = [_TRUTH_OF[values[cid].value] for cid in self._clause_order]
        fill += map(_TRUTH_JSON.__getitem__, elements)
        fill += known
        fill += shown
        return fill

    def compact(self, elements: Sequence[int], values: Mapping[str, Any], digest: str) -> str:
        """The compact trace (see the module docstring) as one line of JSON."""
        e = "".join(map(_DIGIT.__getitem__, self._pick_elements(elements)))
        c = "".join(_DIGIT_OF[values[cid].value] for cid in self._trace_clauses)
        return f'{{"ruleset":{_to_json(digest).decode()},"clauses":"{c}","elements":"{e}"}}'
