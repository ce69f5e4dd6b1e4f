"""The decision: negatives first, then positives, in three-valued logic (docs/design-v2.md §6).

0. Every clause is evaluated: positives, negatives, bars, companions. A positive's *effective*
   truth is ``P and not (B_i or B_j …)`` over the bars that name it; below, "a positive holds"
   means its effective truth. A positive that holds but is taken out by a bar that holds is
   reported as barred, with the bars cited. A ruleset without bars has effective = raw truths.
1. A negative clause holds → ``ineligible``, citing every negative that holds and listing the
   positives that hold but are overridden (any negative beats every positive).
2. Otherwise, if the outcome still depends on unknown facts — a negative is unknown, or no positive
   holds while some positive is unknown → ``insufficient_facts``, naming the missing facts that
   could change the outcome, the most decisive first (``missing="z3"``: exactly those, with the
   sets of them that decide it). Under filing model v2 it also carries the provisional outcome:
   what follows if the open negatives and bars are ruled out (docs/questions.md); never the
   status.
3. Otherwise a positive holds → ``eligible``, citing every positive that holds.
4. Otherwise only the catch-alls (P15, N9) remain → ``needs_determination``; unless the filing
   records a determination, which decides and is cited. A recorded determination that P15 does not
   hold, with no other positive holding, makes the filing ``ineligible``: nothing on the positive
   list covers it, and the verdict quotes the positive list's lead-in (``not_listed``), not the
   negative list's.
5. Companion clauses that hold or are unknown are reported beside the verdict; they never
   change the status.

Catch-all clauses without a recorded determination never make a verdict ``insufficient_facts``:
they wait for a person, not for a fact.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from os import PathLike
from typing import Any, Final, Literal, NamedTuple, get_args

import pydantic_core

from .. import _backends
from .._guard import expect_type
from ..errors import FilingError, Location, Problem, show
from ..facts.kinds import AnyFiling as Filing
from ..facts.values import PartialDate, PartialSet, Records
from ..rules.ruleset import Ruleset
from ..rules.syntax import (
    All,
    Citation,
    Clause,
    ClauseRef,
    ElementRef,
    FactRef,
    ListKind,
    Node,
    Not,
    Op,
    Quantifier,
    SameKind,
    Test,
)
from ..rules.syntax import Any as AnyNode
from ..rules.timeline import Timeline, resolve
from ..verdict.receipt import receipt_for
from ..verdict.verdict import (
    CitationOut,
    CitedClause,
    ClauseRead,
    ClauseTrace,
    Determination,
    ElementTrace,
    FactRead,
    MissingFact,
    MissingMethod,
    Provisional,
    QuoteOut,
    RulesetRef,
    Status,
    Verdict,
)
from . import codegen
from .catalogue import BLANK, Scope, vector_of
from .evaluate import TRUTHS, Memo, Program, Truth, combine
from .explain import TraceTemplate, json_value

__all__ = [
    "BACKENDS",
    "Backend",
    "clause_values",
    "compact_trace",
    "decide_outcome",
    "decide_status",
    "evaluate",
    "register_backend",
]

# Evaluation backends: who computes each clause's truth. ``native`` is the compiled three-valued
# evaluator (:class:`rongcuo.engine.evaluate.Program`), the default. ``durable`` is an independent
# second evaluator, the same YAML predicates translated into durable-rules rulesets
# (:mod:`rongcuo.testing.durable`): slower, and its C core is less trusted; it exists so the two
# can be checked against each other. Both give ``{clause id: Truth}``; the same decision procedure
# turns that into a verdict. The engine does not import the durable backend (it sits a stage
# above): it is named in :mod:`rongcuo._backends` and imported the first time a filing asks for
# it; :func:`register_backend` adds or replaces one.
Backend = Literal["native", "durable"]
BACKENDS: Final[tuple[str, ...]] = get_args(Backend)

_BACKEND_VALUES: dict[str, Callable[[Filing, Ruleset], dict[str, Truth]]] = {}


def register_backend(name: str, values: Callable[[Filing, Ruleset], dict[str, Truth]]) -> None:
    """Make ``values(filing, rules)`` compute the clause truths of ``backend=name``."""
    _BACKEND_VALUES[name] = values


def clause_values(
    filing: Filing, rules: Ruleset, *, backend: Backend = "native"
) -> dict[str, Truth]:
    """Every clause's truth on ``filing``, in ruleset order, computed by ``backend``."""
    if backend == "native":
        return rules.program.values(filing)
    values = _BACKEND_VALUES.get(backend)
    if values is None:
        values = _backends.resolve(backend)
        if values is not None:
            _BACKEND_VALUES[backend] = values
    if values is None:
        raise ValueError(f"unknown backend {backend!r}; one of {', '.join(BACKENDS)}")
    return values(filing, rules)


T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN


def barred_by(rules: Ruleset) -> Mapping[str, tuple[str, ...]]:
    """``{positive id: the bars that name it}``, for the positives some bar names; made once per
    ruleset (empty for a ruleset without bars)."""
    derived = rules.program.derived
    found = derived.get("bars")
    if found is None:
        table: dict[str, list[str]] = {}
        for bar in rules.of_list(ListKind.BAR):
            for pid in bar.bars:
                table.setdefault(pid, []).append(bar.id)
        found = derived.setdefault("bars", {k: tuple(v) for k, v in table.items()})
    assert isinstance(found, dict)
    return found


def effective(rules: Ruleset, values: Mapping[str, Truth]) -> Mapping[str, Truth]:
    """Clause truths with each positive's replaced by its effective truth: ``P and not any bar
    naming P`` (three-valued). ``values`` itself when the ruleset has no bars."""
    table = barred_by(rules)
    if not table:
        return values
    out = dict(values)
    for pid, bars in table.items():
        if out[pid] is F:
            continue
        taken = F
        for bid in bars:
            if values[bid] is T:
                taken = T
                break
            if values[bid] is U:
                taken = U
        if taken is T:
            out[pid] = F
        elif taken is U:
            out[pid] = U
    return out


def _status(rules: Ruleset, values: Mapping[str, Truth]) -> tuple[Status, list[Clause]]:
    """The status and the clauses that decided it (``values``: every clause's raw truth)."""
    negatives = rules.of_list(ListKind.NEGATIVE)
    positives = rules.of_list(ListKind.POSITIVE)
    neg_true = [c for c in negatives if values[c.id] is T]
    if neg_true:
        return Status.INELIGIBLE, neg_true
    held = effective(rules, values)
    pos_true = [c for c in positives if held[c.id] is T]
    neg_open = [c for c in negatives if not c.catch_all and values[c.id] is U]
    pos_open = [c for c in positives if not c.catch_all and held[c.id] is U]
    if neg_open or (not pos_true and pos_open):
        return Status.INSUFFICIENT_FACTS, []
    if pos_true:
        return Status.ELIGIBLE, pos_true
    # a refusal is a recorded determination that the catch-all does not hold (not a bar)
    refused = [c for c in positives if c.catch_all and values[c.id] is F]
    if refused:
        return Status.INELIGIBLE, refused
    return Status.NEEDS_DETERMINATION, [c for c in rules.clauses if c.catch_all]


def decide_status(filing: Filing, rules: Ruleset) -> Status:
    """Only the status: the fastest path, for bulk screening. Same answer as :func:`evaluate`."""
    return _STATUSES[rules.program.compiled.status(filing)]


def decide_outcome(
    filing: Filing, rules: Ruleset
) -> tuple[Status, tuple[str, ...], tuple[str, ...]]:
    """The status, the ids of the clauses that decide it and the paths of the missing facts,
    as :func:`evaluate` gives them, for bulk screening: the generated ``decide`` settles the
    status and its clauses with early exit; every truth is computed only for an
    ``insufficient_facts`` filing, whose missing facts need them."""
    code, ids = rules.program.compiled.decide(filing)
    status = _STATUSES[code]
    if status is Status.INSUFFICIENT_FACTS:
        elements, values = rules.program.truths(filing)
        found = _missing_ranked(rules, filing, values, elements)
        return status, (), tuple(asked.path for asked, _ in found)
    parts = _parts(rules)
    if status is Status.NEEDS_DETERMINATION:
        return status, parts.catch_alls, ()
    return status, tuple(sorted(ids, key=parts.rank.__getitem__)), ()


def compact_trace(verdict: Verdict) -> str:
    """The compact trace of a verdict the engine made with its trace, for bulk output: the
    ruleset digest and one digit a truth for every clause and every element, in the trace's
    order (:mod:`rongcuo.engine.explain`); ``""`` for a verdict without them (read back from
    JSON, or made with ``trace=False``)."""
    derive = verdict._derive
    if not isinstance(derive, _Explanation) or not derive.traced:
        return ""
    template = _parts(derive.rules).template
    return template.compact(derive.elements, derive.values, verdict.ruleset.digest)


# the generated status function's answers (see rongcuo.engine.codegen)
_STATUSES: dict[int, Status] = {
    codegen.ELIGIBLE: Status.ELIGIBLE,
    codegen.INELIGIBLE: Status.INELIGIBLE,
    codegen.INSUFFICIENT: Status.INSUFFICIENT_FACTS,
    codegen.NEEDS_DETERMINATION: Status.NEEDS_DETERMINATION,
}


def _parse(filing: Filing | Mapping[str, Any], rules: Ruleset) -> Filing:
    model = rules.filing_model
    if model.owns(filing):
        return filing
    if _is_filing(filing):
        raise FilingError(
            [
                Problem(
                    "filing_model_mismatch",
                    f"a filing of another filing model ({type(filing).__module__}."
                    f"{type(filing).__qualname__}) cannot be screened under ruleset "
                    f"{rules.label!r}",
                    hint="read the filing with the ruleset it is screened under: "
                    "rongcuo.parse_filing(data, rules=R) or rongcuo.load_filing(path, rules=R)",
                    message_zh=f"另一备案模型的备案（{type(filing).__module__}."
                    f"{type(filing).__qualname__}）不能按规则集 {rules.label!r} 筛查",
                )
            ]
        )
    if isinstance(filing, str | bytes | PathLike):
        raise TypeError(
            "evaluate(filing=...): pass a Filing or a mapping in its JSON shape, not "
            f"{type(filing).__name__}; read text with rongcuo.parse_filing(text) and a file "
            "with rongcuo.load_filing(path)"
        )
    if not isinstance(filing, Mapping):
        raise FilingError(
            [Problem("filing_not_object", f"a filing is a mapping, got {type(filing).__name__}")]
        )
    from ..facts.filings import parse_filing

    # the same checks as for a document (list lengths included), by the ruleset's own model
    return parse_filing(filing, rules=rules)


def _is_filing(value: object) -> bool:
    """Whether ``value`` is a filing of some filing model (a model's top-level class)."""
    import pydantic

    return isinstance(value, pydantic.BaseModel) and type(value).__name__ == "Filing"


def _check_arguments(rules: object, as_of: object, trace: object, backend: object) -> None:
    """A :class:`TypeError` that says what to pass, for an argument of the wrong type."""
    if rules is not None and not isinstance(rules, Ruleset):
        give = "a Ruleset (rongcuo.load_ruleset(directory)) or None for the bundled rules"
        expect_type(rules, Ruleset, func="evaluate", name="rules", give=give)
    if as_of is not None:
        give = "a datetime.date (e.g. datetime.date(2023, 5, 1)) or None"
        if isinstance(as_of, dt.datetime):
            give += "; for a datetime, pass its .date()"
        expect_type(as_of, dt.date, func="evaluate", name="as_of", give=give)
    expect_type(trace, bool, func="evaluate", name="trace", give="True or False")
    if backend not in BACKENDS:
        expect_type(
            backend, str, func="evaluate", name="backend", give=" or ".join(map(repr, BACKENDS))
        )
        wanted = " or ".join(map(repr, BACKENDS))
        raise ValueError(f"evaluate(backend=...): pass {wanted}, not {show(backend)}")


def _check_dates(filing: Filing, as_of: dt.date, rules: Ruleset) -> None:
    problems = []
    model = rules.filing_model
    vector = model.vector(filing)
    for path, spec in model.facts.items():
        kind = getattr(spec, "type", None) or spec.kind
        if kind.value != "date":
            continue
        value = vector[model.index[path]]
        if isinstance(value, PartialDate):
            value = value.start
        if isinstance(value, dt.date) and value > as_of:
            problems.append(
                Problem(
                    "filing_date_after_reference",
                    f"{value.isoformat()} is after the reference date {as_of.isoformat()}",
                    Location(path=tuple(path.split("."))),
                )
            )
    if problems:
        raise FilingError(problems)


def evaluate(
    filing: Filing | Mapping[str, Any],
    *,
    rules: Ruleset | Timeline | None = None,
    as_of: dt.date | None = None,
    trace: bool = True,
    backend: Backend = "native",
    key: bytes | None = None,
    missing: Literal["walk", "z3"] = "walk",
) -> Verdict:
    """Screen one filing and return its :class:`~rongcuo.verdict.verdict.Verdict`.

    ``filing`` is a :class:`~rongcuo.facts.model.Filing` or a mapping in its JSON shape; an invalid
    one raises :class:`~rongcuo.errors.FilingError` listing every problem. ``rules`` defaults to the
    bundled ruleset; a :class:`~rongcuo.rules.timeline.Timeline` stands for its version in force on
    ``as_of`` (the latest without it), which the verdict cites (``ruleset``: label, effective date,
    digest). ``as_of`` is the reference date, the day the matter is filed: when given, a dated
    fact later than it is an error; nothing reads the clock. ``trace=False`` leaves out the
    element-level trace.
    ``backend`` chooses who computes the clause truths the decision runs on: ``"native"`` (the
    default) or ``"durable"``, the independent durable-rules evaluator
    (:mod:`rongcuo.testing.durable`). ``key`` (bytes, at least 16) makes the receipt an
    HMAC-SHA256 under that secret key (``hmac-sha256:…``) instead of a plain digest
    (:mod:`rongcuo.verdict.receipt`). ``missing`` says how an ``insufficient_facts`` verdict of
    filing model v2 finds its missing facts: ``"walk"`` (the default; fast) or ``"z3"`` (exact:
    only the facts whose answers can still change the status, and the smallest sets of them that
    decide it, :func:`rongcuo.next_questions`; slower, and the walk where z3 is not installed);
    the verdict's ``missing_method`` says which was used. An argument of the wrong type is a
    :class:`TypeError` saying what to pass.
    """
    if missing not in ("walk", "z3"):
        raise ValueError(f'evaluate(missing=...): pass "walk" or "z3", not {show(missing)}')
    rules = resolve(rules, as_of)  # a Timeline: its version in force (rongcuo.rules.timeline)
    _check_arguments(rules, as_of, trace, backend)
    if key is not None:
        from ..verdict.receipt import check_key

        key = check_key(key)
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    parsed = _parse(filing, rules)
    if as_of is not None:
        _check_dates(parsed, as_of, rules)
    program = rules.program
    parts = _parts(rules)
    elements, values = program.truths(parsed)
    if backend != "native":
        values = clause_values(parsed, rules, backend=backend)
    status, deciding = _status(rules, values)
    held = effective(rules, values)
    overridden: list[Clause] = []
    if status is Status.INELIGIBLE:
        overridden = [c for c in rules.of_list(ListKind.POSITIVE) if held[c.id] is T]
    found: list[MissingFact] = []
    method: MissingMethod = ""
    sets: tuple[tuple[str, ...], ...] = ()
    provisional = None
    if status is Status.INSUFFICIENT_FACTS:
        if rules.program.catalogue is None:  # v1: delete at the flip
            found = _missing_facts(rules, parsed, values, elements)
        else:
            provisional = _provisional(rules, values)
            if missing == "z3":
                found, method, sets = _exact_missing(parsed, rules)
            else:
                found, method = _missing_facts(rules, parsed, values, elements), "walk"
    consequences = parts.consequences[status]
    if status is Status.INELIGIBLE and deciding and deciding[0].list is ListKind.POSITIVE:
        consequences = parts.not_listed  # a refused catch-all: the positive list's lead-in
    # every part is a checked, frozen object already: nothing to validate again
    explanation = _Explanation(rules, parsed, elements, values, traced=trace, key=key)
    return Verdict._made(
        {
            "status": status,
            "filing_id": parsed.id,
            "as_of": as_of,
            "decisive": tuple(parts.cited(c, values[c.id], parsed) for c in deciding),
            "overridden": tuple(parts.cited(c, values[c.id], parsed) for c in overridden),
            "barred": _barred(rules, parts, values, held, parsed),
            "bars": tuple(
                parts.cited(c, T, parsed) for c in rules.of_list(ListKind.BAR) if values[c.id] is T
            ),
            "companions": tuple(
                parts.cited(c, values[c.id], parsed)
                for c in rules.of_list(ListKind.COMPANION)
                if values[c.id] is not F
            ),
            "missing_facts": tuple(found),
            # in field order (the receipt hashes the dump, which follows this dict)
            "provisional": provisional,
            "missing_method": method,
            "question_sets": sets,
            "consequences": consequences,
            "ruleset": parts.ruleset,
        },
        {"_derive": explanation},
    )


def _provisional(rules: Ruleset, values: Mapping[str, Truth]) -> Provisional | None:
    """What follows if the open negatives are ruled out (docs/questions.md): every negative that
    is not a catch-all and every bar still unknown taken as false, the rest as they are. None
    where the status would still wait for facts (no positive holds and one is open)."""
    negatives = [c for c in rules.of_list(ListKind.NEGATIVE) if not c.catch_all]
    open_negatives = [c.id for c in negatives if values[c.id] is U]
    open_bars = [c.id for c in rules.of_list(ListKind.BAR) if values[c.id] is U]
    ruled_out = dict(values)
    ruled_out.update(dict.fromkeys(open_negatives + open_bars, F))
    outcome, deciding = _status(rules, ruled_out)
    if outcome is Status.INSUFFICIENT_FACTS:
        return None
    before, after = effective(rules, values), effective(rules, ruled_out)
    table = barred_by(rules)
    waited = {
        b for pid, bars in table.items() if before[pid] is not after[pid] for b in bars
    } & set(open_bars)
    pending = [c.id for c in rules.clauses if c.id in set(open_negatives) or c.id in waited]
    return Provisional._made(
        {"outcome": outcome, "rests_on": tuple(c.id for c in deciding), "pending": tuple(pending)}
    )


def _exact_missing(
    filing: Filing, rules: Ruleset
) -> tuple[list[MissingFact], MissingMethod, tuple[tuple[str, ...], ...]]:
    """The missing facts by :func:`rongcuo.analysis.questions.next_questions` (a stage above the
    engine: imported by name when first asked for, as the durable backend is)."""
    import importlib

    questions = importlib.import_module("rongcuo.analysis.questions")
    found = questions.next_questions(filing, rules)
    facts = [
        MissingFact._made(
            {
                "path": q.path,
                "title_zh": q.title_zh,
                "title_en": q.title_en,
                "clauses": q.clauses,
                "question_zh": q.question_zh,
                "question_en": q.question_en,
            }
        )
        for q in found.facts
    ]
    return facts, found.method, found.sets


def _barred(
    rules: Ruleset,
    parts: _Parts,
    values: Mapping[str, Truth],
    held: Mapping[str, Truth],
    filing: Filing,
) -> tuple[CitedClause, ...]:
    """The positives that hold but are taken out, each with the bars that hold and name it."""
    out = []
    for pid, bars in barred_by(rules).items():
        if values[pid] is T and held[pid] is F:
            by = tuple(b for b in bars if values[b] is T)
            out.append(parts.cited(rules.clause(pid), T, filing, barred_by=by))
    order = parts.order
    return tuple(sorted(out, key=lambda c: order[c.id]))


class _Parts:
    """The parts of a verdict that depend only on the ruleset, made once per ruleset: frozen
    objects, shared by every verdict made under it."""

    def __init__(self, rules: Ruleset) -> None:
        self.ruleset = RulesetRef(
            label=rules.label, effective=rules.meta.effective, digest=rules.digest
        )
        self.consequences = {
            status: tuple(
                QuoteOut(text=q.text, citation=_citation(q.citation))
                for q in rules.consequences.get(status.value, ())
            )
            for status in Status
        }
        self.not_listed = tuple(
            QuoteOut(text=q.text, citation=_citation(q.citation))
            for q in rules.consequences.get("not_listed", ())
        )
        self.order = {cid: i for i, cid in enumerate(rules.program.order)}
        #: each clause's place in its list (the order a verdict cites clauses in)
        self.rank = {c.id: i for kind in ListKind for i, c in enumerate(rules.of_list(kind))}
        self.catch_alls = tuple(c.id for c in rules.clauses if c.catch_all)
        program = rules.program
        #: the trace's JSON, to fill in per verdict
        catalogue = program.catalogue
        self.template = TraceTemplate(
            rules.clauses,
            program.reads,
            program.compiled.element_index,
            program.order,
            vector=vector_of,
            index=catalogue.index if catalogue is not None else None,
        )
        self._cited: dict[tuple[str, Truth, tuple[str, ...]], CitedClause] = {}
        self._lock = threading.Lock()

    def cited(
        self, clause: Clause, value: Truth, filing: Filing, *, barred_by: tuple[str, ...] = ()
    ) -> CitedClause:
        key = (clause.id, value, barred_by)
        found = self._cited.get(key)
        if found is None:
            with self._lock:
                found = self._cited.setdefault(key, _cited(clause, value, barred_by))
        if clause.catch_all:  # quotes the filing's recorded determination: not shared
            determination = _determination(getattr(filing.determinations, clause.id, None))
            if determination is not None:
                return CitedClause._made({**found.__dict__, "determination": determination})
        return found


def _parts(rules: Ruleset) -> _Parts:
    return rules.program.derive("engine", lambda: _Parts(rules))


class _Explanation:
    """A verdict's trace and receipt, built when first asked for: the element truths were all
    computed with the verdict; this quotes them, with the facts each element read."""

    __slots__ = (
        "elements",
        "facts",
        "filing",
        "key",
        "outcome",
        "owner",
        "rules",
        "traced",
        "values",
    )

    def __init__(
        self,
        rules: Ruleset,
        filing: Filing,
        elements: tuple[int, ...],
        values: Mapping[str, Truth],
        *,
        traced: bool,
        key: bytes | None = None,
    ) -> None:
        self.rules, self.filing, self.elements = rules, filing, elements
        self.values, self.traced, self.key = values, traced, key
        self.facts: list[Any] | None = None
        #: the compact JSON without the receipt, and the verdict it was written for (a copy made
        #: by ``model_copy`` shares this object, but not its outcome)
        self.outcome: tuple[str, list[str] | None] | None = None
        self.owner: weakref.ref[Verdict] | None = None

    def trace(self) -> tuple[ClauseTrace, ...]:
        if not self.traced:
            return ()
        program = self.rules.program
        truths = dict(
            zip(program.compiled.elements, map(TRUTHS.__getitem__, self.elements), strict=True)
        )
        return tuple(
            _trace(c, program, self.filing, truths, self.values) for c in self.rules.clauses
        )

    def _outcome(self, verdict: Verdict) -> tuple[str, list[str] | None]:
        """The verdict's compact JSON without its receipt, in parts: the head (its fields
        before the trace, without the closing brace) and the trace's fill (``None`` without a
        trace), made once per verdict. The receipt hashes it, and ``to_json(indent=None)`` is it
        with the receipt as its last field."""
        owner = self.owner
        if owner is not None and owner() is verdict:
            assert self.outcome is not None
            return self.outcome
        head = verdict.model_dump_json(exclude=_DERIVED_FIELDS)[:-1] + ',"trace":'
        fill = None
        if self.traced:
            template = _parts(self.rules).template
            if self.facts is None:  # shared by both layouts: read and converted once
                self.facts = template.facts(self.filing)
            fill = template.compact_fill(self.facts, self.elements, self.values)
        self.outcome, self.owner = (head, fill), weakref.ref(verdict)
        return head, fill

    def receipt(self, verdict: Verdict) -> str:
        head, fill = self._outcome(verdict)
        if fill is None:
            utf8 = f"{head}[]}}".encode()
        else:
            utf8 = _parts(self.rules).template.compact_utf8(fill, head, "}")
        return receipt_for(verdict, self.filing, key=self.key, outcome=utf8)

    def json(self, verdict: Verdict, indent: int | None) -> str | None:
        """The verdict's JSON as ``Verdict.model_dump_json(indent=indent)`` writes it, the trace
        filled into the ruleset's template (:mod:`rongcuo.engine.explain`); ``None`` for an
        indent it has no template for (the caller serialises the verdict itself)."""
        if indent is None:
            # the compact layout is the outcome with the receipt as its last field
            tail = f',"receipt":{_json_string(verdict.receipt)}}}'
            head, fill = self._outcome(verdict)
            if fill is None:
                return f"{head}[]{tail}"
            return _parts(self.rules).template.compact_text(fill, head, tail)
        if indent != 2:
            return None
        return self._pretty(verdict)

    def _pretty(self, verdict: Verdict) -> str:
        """``to_json(indent=2)``: the trace filled into the indented layout, joined once with
        the fields around it."""
        receipt = f',\n  "receipt": {_json_string(verdict.receipt)}\n}}'
        head = verdict.model_dump_json(indent=2, exclude=_DERIVED_FIELDS)[:-2] + ',\n  "trace": '
        if not self.traced:
            return f"{head}[]{receipt}"
        template = _parts(self.rules).template
        if self.facts is None:  # shared by both layouts: read and converted once
            self.facts = template.facts(self.filing)
        return template.fill(
            self.facts, self.elements, self.values, pretty=True, head=head, tail=receipt
        )

    def __copy__(self) -> _Explanation:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _Explanation:
        return self  # immutable, like the ruleset and the filing it holds


_DERIVED_FIELDS: Final[set[str]] = {"trace", "receipt"}


def _json_string(text: str) -> str:
    return pydantic_core.to_json(text).decode()


def _citation(c: Citation) -> CitationOut:
    return CitationOut(
        document=c.document,
        issuer=c.issuer,
        date=c.date,
        title=c.title,
        section=c.section,
        item=c.item,
    )


def _cited(clause: Clause, value: Truth, barred_by: tuple[str, ...] = ()) -> CitedClause:
    """A clause as a verdict cites it, without a determination (:meth:`_Parts.cited` adds the
    filing's)."""
    return CitedClause(
        id=clause.id,
        list=clause.list.value,
        value=value.value,
        citation=_citation(clause.citation),
        text=clause.text,
        summary=clause.summary,
        barred_by=barred_by,
    )


def _determination(recorded: Any) -> Determination | None:
    """A recorded determination as the verdict quotes it (its date exact, as the filing must
    give it)."""
    if recorded is None:
        return None
    decided_on = recorded.decided_on
    if isinstance(decided_on, PartialDate):
        decided_on = decided_on.start
    fields = {
        "holds": recorded.holds,
        "decided_by": recorded.decided_by,
        "decided_on": decided_on,
        "reason": recorded.reason,
    }
    if tuple(map(type, fields.values())) == (bool, str, dt.date, str):  # as the model checks
        return Determination._made(fields)
    return Determination(**fields)


def _trace(
    clause: Clause,
    program: Program,
    filing: Filing,
    elements: Mapping[tuple[str, str], Truth],
    values: Mapping[str, Truth],
) -> ClauseTrace:
    # made without re-validation (_made): every value is the engine's own, of the right type
    traced = []
    for e in clause.elements:
        getters, refs = program.reads[clause.id, e.id]
        facts = []
        for path, get in getters:
            value = get(filing)
            facts.append(
                FactRead._made(
                    {"path": path, "known": value is not None, "value": json_value(value)}
                )
            )
        traced.append(
            ElementTrace._made(
                {
                    "id": e.id,
                    "phrase": e.phrase,
                    "value": elements[clause.id, e.id].value,
                    "facts": tuple(facts),
                    "clauses": tuple(
                        ClauseRead._made({"clause": cid, "value": values[cid].value})
                        for cid in refs
                    ),
                    "note": e.note,
                }
            )
        )
    return ClauseTrace._made(
        {
            "id": clause.id,
            "list": clause.list.value,
            "value": values[clause.id].value,
            "catch_all": clause.catch_all,
            "elements": tuple(traced),
        }
    )


def _missing_facts(
    rules: Ruleset, filing: Filing, values: Mapping[str, Truth], elements: tuple[int, ...]
) -> list[MissingFact]:
    """Unknown facts under the undecided parts of the clauses the outcome waits on.

    ``elements`` are the element truths of :meth:`~rongcuo.engine.evaluate.Program.truths`; the
    sub-nodes of an undecided element are evaluated here (clause references read ``values``).
    Never asked about (design-v2 §6.8): facts read only by decided clauses, by parts of a clause
    that another part already settles, or by a positive that a holding bar takes out. An open
    positive that holds but may be barred waits on the bars still unknown.
    """
    order = _parts(rules).order
    return [
        MissingFact._made(  # made of the catalogue's own strings: nothing to check
            {
                "path": found.path,
                "title_zh": found.decl.zh,
                "title_en": found.decl.en,
                "clauses": tuple(sorted(cids, key=order.__getitem__)),
                # in field order: the receipt hashes the dump, which follows this dict
                "question_zh": getattr(found.decl, "question_zh", ""),
                "question_en": getattr(found.decl, "question_en", ""),
            }
        )
        for found, cids in _missing_ranked(rules, filing, values, elements)
    ]


def _missing_ranked(
    rules: Ruleset, filing: Filing, values: Mapping[str, Truth], elements: tuple[int, ...]
) -> list[tuple[_Asked, set[str]]]:
    """The facts :func:`_missing_facts` lists, in its order, each with the ids of the clauses
    waiting on it (what ``screen`` records needs only the paths)."""
    if rules.program.catalogue is not None:
        return _ranked_v2(_walk_plan(rules), filing, values, elements)
    open_negatives = [
        c for c in rules.of_list(ListKind.NEGATIVE) if not c.catch_all and values[c.id] is U
    ]
    positives = rules.of_list(ListKind.POSITIVE)
    held = effective(rules, values)
    open_positives = (
        []
        if any(held[c.id] is T for c in positives)
        else [c for c in positives if not c.catch_all and held[c.id] is U]
    )
    waiting = list(open_negatives)
    table = barred_by(rules)
    for c in open_positives:  # effectively unknown: the positive itself, or a bar naming it
        if values[c.id] is U:
            waiting.append(c)
        waiting.extend(rules.clause(b) for b in table.get(c.id, ()) if values[b] is U)
    # each clause once, first place kept (by id: hashing a clause hashes its whole predicate)
    waiting = list({c.id: c for c in waiting}.values())
    touched: dict[str, set[str]] = {}
    asked: dict[str, _Asked] = {}
    walk = _Unknowns(rules, filing, dict(values), values, elements)  # v1: delete with v1
    for c in waiting:
        for found in walk.clause(c, set()):
            touched.setdefault(found.path, set()).add(c.id)
            asked.setdefault(found.path, found)
    ranked = sorted(touched.items(), key=lambda kv: (-len(kv[1]), asked[kv[0]].rank))
    return [(asked[path], cids) for path, cids in ranked]


def _ranked_v2(
    plan: _WalkPlan,
    filing: Filing,
    values: Mapping[str, Truth],
    elements: tuple[int, ...],
    *,
    compiled: bool = True,
) -> list[tuple[_Asked, set[str]]]:
    """:func:`_missing_ranked` under filing model v2, on the ruleset's :class:`_WalkPlan`: the
    clauses the outcome waits on worked out from lists made once per ruleset (``compiled``:
    see :class:`_Walk`)."""
    waiting = [cid for cid in plan.negatives if values[cid] is U]
    table = plan.bars
    held = plan.effective(values) if table else values
    if T not in [held[pid] for pid in plan.positives]:
        for pid in plan.open_positives:  # effectively unknown: the positive, or a bar naming it
            if held[pid] is U:
                if values[pid] is U:
                    waiting.append(pid)
                waiting.extend(b for b in table.get(pid, ()) if values[b] is U)
    touched: dict[str, set[str]] = {}
    asked: dict[str, _Asked] = {}
    walk = _Walk(plan, vector_of(filing), dict(values), values, elements, compiled=compiled)
    clauses = plan.clauses
    # each clause once, first place kept
    for cid in dict.fromkeys(waiting):
        walk.found = []
        walk.clause(clauses[cid], set())
        for found in walk.found:  # the first found of a path is the one asked
            path = found.path
            cids = touched.get(path)
            if cids is None:
                touched[path] = {cid}
                asked[path] = found
            else:
                cids.add(cid)
    ranked = sorted(touched.items(), key=lambda kv: (-len(kv[1]), asked[kv[0]].rank))
    return [(asked[path], cids) for path, cids in ranked]


def _settled(value: Any) -> bool:
    """Whether a fact's value is known exactly (v2: not a partial set, date or list)."""
    if value is None:
        return False
    if isinstance(value, PartialSet):
        return value.complete
    if isinstance(value, PartialDate):
        return value.is_exact
    if isinstance(value, Records):
        return value.complete
    return True


class _Asked(NamedTuple):
    """An unknown fact the walk found: its path as a filing writes it (``acts[0].kind`` for a
    field of a record), its declaration, and where it ranks among facts as many times asked."""

    path: str
    decl: Any
    rank: tuple[int, ...]


class _Unknowns:
    """The walk behind :func:`_missing_facts` for filing model v1: down the undecided parts of a
    clause to the unknown facts they compare (a class, not nested closures, so that it leaves no
    cycles). v1: delete with the v1 path (v2 walks a :class:`_WalkPlan`)."""

    __slots__ = ("elements", "filing", "memo", "model", "rules", "values", "vector")

    def __init__(
        self,
        rules: Ruleset,
        filing: Filing,
        memo: Memo,
        values: Mapping[str, Truth],
        elements: tuple[int, ...],
    ) -> None:
        self.rules, self.filing, self.memo, self.values = rules, filing, memo, values
        self.elements, self.model = elements, rules.filing_model
        self.vector = self.model.vector(filing)

    def element_value(self, clause_id: str, element_id: str) -> Truth:
        index = self.rules.program.compiled.element_index
        return TRUTHS[self.elements[index[clause_id, element_id]]]

    def top(self, path: str) -> _Asked:
        decl = self.model.facts[path]
        return _Asked(path, decl, (decl.order,))

    def node(self, n: Node, seen: set[str]) -> Iterator[_Asked]:
        if isinstance(n, Test):  # unknown exactly when it compares a fact that is unknown
            if n.op is not Op.KNOWN:
                paths = [n.fact] + ([n.value.path] if isinstance(n.value, FactRef) else [])
                index = self.model.index
                yield from (self.top(p) for p in paths if self.vector[index[p]] is None)
            return
        if self.rules.program.node_value(n, self.filing, self.memo) is not U:
            return
        if isinstance(n, All | AnyNode):
            for child in n.items:
                yield from self.node(child, seen)
        elif isinstance(n, Not):
            yield from self.node(n.item, seen)
        elif isinstance(n, ClauseRef):
            yield from self.clause(self.rules.clause(n.clause), seen)

    def combination(self, n: Node, c: Clause, seen: set[str]) -> Iterator[_Asked]:
        if isinstance(n, ElementRef):
            if self.element_value(c.id, n.element) is U:
                yield from self.node(c.element(n.element).test, seen)
            return
        truths = {e.id: self.element_value(c.id, e.id) for e in c.elements}
        if combine(n, truths) is not U:  # settled by some of its elements: the rest are moot
            return
        if isinstance(n, All | AnyNode):
            for child in n.items:
                yield from self.combination(child, c, seen)
        elif isinstance(n, Not):
            yield from self.combination(n.item, c, seen)

    def clause(self, c: Clause, seen: set[str]) -> Iterator[_Asked]:
        if c.id in seen or self.values[c.id] is not U or c.catch_all:
            return
        seen.add(c.id)
        yield from self.combination(c.holds_when, c, seen)


# --------------------------------------------------------------- the v2 walk, planned per ruleset
#
# Everything the walk needs to know about a clause that does not depend on the filing is worked
# out once per ruleset (on the first filing that needs it) and kept in a tree of plain objects
# that mirrors the predicates: each sub-node's closure in its scope, each path already resolved
# (its vector position, or the depth and field of a bound record) with the fact's declaration and
# rank, each clause's elements by their position in the generated code's truths. A filing's walk
# then only reads values and calls closures: nothing is resolved, hashed or looked up by name.
# Each clause's walk is then written out as one Python function (:func:`_compiled_walk`), so that
# a filing's walk does not interpret the tree either; the interpreted walk (:class:`_Walk` with
# ``compiled=False``) stays, as the reference tests/test_walk_compiled.py holds it to, and for
# the parts the generated code hands back to it (a test of several facts, a list in a record).

_TEST, _ALL, _ANY, _NOT, _REF, _QUANT, _TOP = range(7)  # _TOP: a test of top-level facts
_TOP1 = 7  # a test of one top-level fact's value: its operator called on the value directly
_EL = -1  # a holds_when leaf: an element


class _Read(NamedTuple):
    """A path as the walk reads it: ``V[at]`` (``depth`` -1, ``asked`` made once), or the
    field ``field`` of the record bound at ``depth``."""

    depth: int
    at: int
    field: str
    decl: Any
    asked: _Asked | None


class _Step:
    """A sub-node of a predicate, planned: its kind, its closure in its scope, and what it reads
    (a test, a quantifier's records) or what it is made of."""

    __slots__ = ("asked", "at", "clause", "fn", "items", "kind", "reads", "unary")

    def __init__(
        self,
        kind: int,
        fn: Callable[[tuple[Any, ...], tuple[Any, ...], Memo], int],
        *,
        items: tuple[_Step, ...] = (),
        reads: tuple[_Read, ...] = (),
        clause: str = "",
        unary: Callable[[Any], int] | None = None,
    ) -> None:
        self.kind, self.fn, self.items, self.reads, self.clause = kind, fn, items, reads, clause
        #: _TOP1, and _TEST of one record field: the test's operator (the one its closure
        #: calls); _TOP1: its fact's place
        self.unary = unary
        self.at = reads[0].at if reads else -1
        self.asked = reads[0].asked if reads else None


class _Combo(NamedTuple):
    """A clause's ``holds_when``, planned: an element (``kind`` ``_EL``: its truth's position and
    its test's plan) or a connective over its items."""

    kind: int
    at: int
    step: _Step | None
    items: tuple[_Combo, ...]


class _ClausePlan(NamedTuple):
    id: str
    catch_all: bool
    holds_when: _Combo
    #: the clause's walk as one generated function (:func:`_compiled_walk`); ``None``: interpreted
    walk: _ClauseWalk | None


class _WalkPlan:
    """Every clause of a v2 ruleset, planned for the missing-facts walk (immutable once made)."""

    def __init__(self, rules: Ruleset) -> None:
        program = rules.program
        catalogue = program.catalogue
        assert catalogue is not None, "the planned walk is for filing model v2"
        self.program, self.catalogue, self.model = program, catalogue, rules.filing_model
        self.families = catalogue.decl.families
        self.rules = rules
        #: the negatives that are not catch-alls, the positives, those that are not catch-alls,
        #: and the bars naming each positive some bar names (ids)
        negatives = rules.of_list(ListKind.NEGATIVE)
        positives = rules.of_list(ListKind.POSITIVE)
        self.negatives = tuple(c.id for c in negatives if not c.catch_all)
        self.positives = tuple(c.id for c in positives)
        self.open_positives = tuple(c.id for c in positives if not c.catch_all)
        self.bars = dict(barred_by(rules))
        index = program.compiled.element_index
        self.clauses: dict[str, _ClausePlan] = {}
        for c in rules.clauses:
            steps = {e.id: self.step(e.test, ()) for e in c.elements}
            combo = self.combo(c.holds_when, c.id, index, steps)
            self.clauses[c.id] = _ClausePlan(c.id, c.catch_all, combo, _compiled_walk(combo, c.id))

    def combo(
        self,
        n: Node,
        clause_id: str,
        index: Mapping[tuple[str, str], int],
        steps: Mapping[str, _Step],
    ) -> _Combo:
        if isinstance(n, ElementRef):
            return _Combo(_EL, index[clause_id, n.element], steps[n.element], ())
        if isinstance(n, Not):
            return _Combo(_NOT, -1, None, (self.combo(n.item, clause_id, index, steps),))
        if not isinstance(n, All | AnyNode):
            raise TypeError(f"holds_when may only combine elements: {n!r}")
        items = tuple(self.combo(item, clause_id, index, steps) for item in n.items)
        return _Combo(_ALL if isinstance(n, All) else _ANY, -1, None, items)

    def read(self, path: str, scope: Scope) -> _Read:
        ref = self.catalogue.resolve(path, scope)
        if ref.top:
            decl = self.model.facts[ref.decl.path]
            asked = _Asked(ref.decl.path, decl, (decl.order,))
            return _Read(-1, ref.index, "", decl, asked)
        return _Read(ref.depth, -1, ref.field, ref.decl, None)

    def step(self, n: Node, scope: Scope) -> _Step:
        fn = self.program.scoped(n, scope)
        if isinstance(n, Test | SameKind):
            if isinstance(n, SameKind):
                paths: tuple[str, ...] = (n.left, n.right)
            else:
                paths = (n.fact, *([n.value.path] if isinstance(n.value, FactRef) else ()))
            reads = tuple(self.read(p, scope) for p in paths)
            if not all(r.asked is not None for r in reads):
                if isinstance(n, Test) and len(reads) == 1:  # a field of a bound record
                    unary = self.catalogue.unary(n, self.catalogue.resolve(n.fact, scope).decl)
                    return _Step(_TEST, fn, reads=reads, unary=unary)
                return _Step(_TEST, fn, reads=reads)
            if isinstance(n, Test) and len(reads) == 1:
                unary = self.catalogue.unary(n, self.catalogue.resolve(n.fact, scope).decl)
                return _Step(_TOP1, fn, reads=reads, unary=unary)
            return _Step(_TOP, fn, reads=reads)
        if isinstance(n, All | AnyNode):
            kind = _ALL if isinstance(n, All) else _ANY
            return _Step(kind, fn, items=tuple(self.step(item, scope) for item in n.items))
        if isinstance(n, Not):
            return _Step(_NOT, fn, items=(self.step(n.item, scope),))
        if isinstance(n, ClauseRef):
            return _Step(_REF, fn, clause=n.clause)
        if isinstance(n, Quantifier):
            inner: Scope = (*scope, (n.name, self.catalogue.resolve(n.of, scope).decl))
            parts = tuple(self.step(p, inner) for p in (n.where, n.that) if p is not None)
            return _Step(_QUANT, fn, items=parts, reads=(self.read(n.of, scope),))
        raise TypeError(f"an element reference outside holds_when: {n!r}")  # pragma: no cover

    def effective(self, values: Mapping[str, Truth]) -> Mapping[str, Truth]:
        return effective(self.rules, values)

    def coarse(self, decl: Any, value: Any) -> bool:
        """Whether an enum or set value names a value with values below it (it may be refined)."""
        family = getattr(decl, "family", None)
        if not family:
            return False
        fam = self.families[family]
        if isinstance(value, str):
            return bool(fam.children(value))
        if isinstance(value, PartialSet):
            return any(fam.children(v) for v in value.yes)
        if isinstance(value, frozenset):
            return any(isinstance(v, str) and fam.children(v) for v in value)
        return False


def _walk_plan(rules: Ruleset) -> _WalkPlan:
    return rules.program.derive("walk", lambda: _WalkPlan(rules))


def _kleene(c: _Combo) -> str:
    """A planned ``holds_when`` (or part of it) as a Python expression over the element truths
    ``e`` (0 false, 1 unknown, 2 true): in Kleene's logic ``and`` is the least, ``or`` the
    greatest, ``not`` the complement to 2 (as :func:`_combined` reads it)."""
    if c.kind == _EL:
        return f"e[{c.at}]"
    if c.kind == _NOT:
        return f"(2 - {_kleene(c.items[0])})"
    items = [_kleene(item) for item in c.items]
    if len(items) == 1:
        return items[0]
    return f"{'min' if c.kind == _ALL else 'max'}({', '.join(items)})"


#: a clause's generated walk: (the walk, the element truths, the fact vector, the clause memo,
#: the clauses already walked, the list the unknown facts are appended to)
_ClauseWalk = Callable[
    ["_Walk", tuple[int, ...], tuple[Any, ...], Memo, set[str], list["_Asked"]], None
]


def _compiled_walk(root: _Combo, name: str) -> _ClauseWalk | None:
    """A clause's walk (:meth:`_Walk.combination` over its ``holds_when``, then
    :meth:`_Walk.node` down each unknown element) as one generated function: the connectives,
    the quantifiers and the tests of one fact written out; a test of several facts left to
    :meth:`_Walk.node`. The same facts in the same order as the interpreted walk
    (tests/test_walk_compiled.py holds them to it). A clause whose walk does not compile (too
    deeply nested for Python's parser) is interpreted."""
    consts: list[Any] = []
    lines = ["def walk(w, e, V, m, seen, found):"]

    def const(value: Any) -> str:
        consts.append(value)
        return f"K[{len(consts) - 1}]"

    def combo(c: _Combo, depth: int) -> None:
        pad = "    " * depth
        if c.kind == _EL:  # an unknown element: its test is unknown in Kleene's logic too
            assert c.step is not None
            lines.append(f"{pad}if e[{c.at}] == 1:")
            node(c.step, depth + 1, (), open_=True)
            return
        lines.append(f"{pad}if {_kleene(c)} == 1:")  # else settled by some of its elements
        for item in c.items:
            combo(item, depth + 1)
        if not c.items:
            lines.append(f"{pad}    pass")

    temps = iter(range(1 << 30))

    def simple(n: _Step, bound: str) -> str | None:
        """The node's truth as an expression of operators on values, if it is one: a test of
        one top-level fact, or of one field of a bound record, or a connective of those (in
        Kleene's logic, as :func:`_kleene`; every part evaluated: none has side effects)."""
        if n.kind == _TOP1:
            return f"{const(n.unary)}(V[{n.at}])"
        field = n.reads[0].field if n.kind == _TEST and n.unary is not None else ""
        if field.isidentifier():
            return f"{const(n.unary)}({bound}[{n.reads[0].depth}].{field})"
        if n.kind == _NOT:
            inner = simple(n.items[0], bound)
            return None if inner is None else f"(2 - {inner})"
        if n.kind in (_ALL, _ANY) and n.items:
            parts = [simple(item, bound) for item in n.items]
            if not all(parts):
                return None
            if len(parts) == 1:
                return parts[0]
            return f"{'min' if n.kind == _ALL else 'max'}({', '.join(map(str, parts))})"
        return None

    def node(
        n: _Step,
        depth: int,
        blank: tuple[bool, ...],
        *,
        open_: bool,
        value: str | None = None,
    ) -> None:
        """``blank``: for each quantifier around the node, whether the record it binds is the
        further record of an open list (:data:`BLANK`) in this part of the code; the records
        are bound in ``B<level>``, their document paths and ranks in ``W<level>`` (``()``
        outside any quantifier). ``value``: a variable that holds the node's truth already."""
        pad = "    " * depth
        kind = n.kind
        level = len(blank)
        bound, where = (f"B{level}", f"W{level}") if level else ("()", "()")
        first = n.reads[0].depth if kind == _QUANT or (kind == _TEST and len(n.reads) == 1) else -1
        if first >= 0 and blank[first]:
            # all it reads is a field of a further record (the records of a list in it, for a
            # quantifier): asked with that record's list, so nothing found, nothing evaluated
            return
        if kind == _TOP1:  # one fact: asked whether or not it is known exactly
            if open_:
                lines.append(f"{pad}found.append({const(n.asked)})")
            else:
                lines.append(f"{pad}if {value or simple(n, bound)} == 1:")
                lines.append(f"{pad}    found.append({const(n.asked)})")
            return
        items = n.items if kind in (_ALL, _ANY) else ()
        given: Sequence[str | None] = [None] * len(items)
        if not open_:
            # its truth: given; or, of a connective of items each an expression, each item's
            # kept in a variable for it (all: the least, any: the greatest); or an expression;
            # else its closure's
            exprs = [simple(item, bound) for item in items] if value is None else []
            if value is None and items and all(exprs):
                names = [f"t{next(temps)}" for _ in items]
                for var, expr in zip(names, exprs, strict=True):
                    lines.append(f"{pad}{var} = {expr}")
                fold = "min" if kind == _ALL else "max"
                value = names[0] if len(names) == 1 else f"{fold}({', '.join(names)})"
                given = names
            if value is None:
                value = simple(n, bound)
            if value is None:
                value = f"{const(n.fn)}(V, {bound}, m)"
            lines.append(f"{pad}if {value} == 1:")
            pad += "    "
            depth += 1
        if kind == _TOP and len(n.reads) == 1:
            lines.append(f"{pad}found.append({const(n.asked)})")
        elif kind == _TEST and len(n.reads) == 1:  # a field of a bound record (not a further
            r = n.reads[0]  # one: that is left out above): asked, at the loop's record
            at = r.depth + 1
            lines.append(
                f"{pad}found.append(Asked(f'{{base{at}}}[{{i{at}}}].{r.field}', "
                f"{const(r.decl)}, (*asked{at}.rank, i{at}, {r.decl.order!r})))"
            )
        elif kind == _REF:
            lines.append(f"{pad}w.clause(w.plan.clauses[{n.clause!r}], seen)")
        elif kind == _NOT:  # unknown exactly when its item is
            node(n.items[0], depth, blank, open_=True)
        elif kind in (_ALL, _ANY):
            for item, kept in zip(n.items, given, strict=True):
                node(item, depth, blank, open_=False, value=kept)
            if not n.items:
                lines.append(f"{pad}pass")
        elif kind == _QUANT:
            quantifier(n, depth, blank)
        else:  # a test of several facts: interpreted
            lines.append(f"{pad}w.node({const(n)}, seen, {bound}, {where}, open_=True)")

    def interprets(n: _Step) -> bool:
        """Whether the code written for the node calls the interpreter with the records'
        paths (``W<level>``): a test of several facts, a list in a bound record."""
        if n.kind in (_TEST, _TOP) and len(n.reads) > 1:
            return True
        if n.kind == _QUANT and n.reads[0].asked is None:
            return True
        return n.kind in (_ALL, _ANY, _NOT, _QUANT) and any(map(interprets, n.items))

    def quantifier(n: _Step, depth: int, blank: tuple[bool, ...]) -> None:
        pad = "    " * depth
        level = len(blank)
        bound, where = (f"B{level}", f"W{level}") if level else ("()", "()")
        inner = level + 1
        read = n.reads[0]
        if read.asked is not None:  # a top-level list
            lines.append(f"{pad}asked{inner}, rec{inner} = {const(read.asked)}, V[{read.at}]")
        else:  # a list in a bound record: none for a further record (asked with its list)
            lines.append(f"{pad}asked{inner}, rec{inner} = w.ref({const(read)}, {bound}, {where})")
            lines.append(f"{pad}if asked{inner} is not None:")
            pad += "    "
            depth += 1
        a, rec = f"asked{inner}", f"rec{inner}"
        lines.append(f"{pad}if not isinstance({rec}, Records) or not {rec}.complete:")
        lines.append(f"{pad}    found.append({a})  # the list itself is open")
        lines.append(f"{pad}if not isinstance({rec}, Records):  # unknown: an empty open list")
        lines.append(f"{pad}    {rec} = EMPTY")
        lines.append(f"{pad}base{inner} = {a}.path.removesuffix('.items')")
        lines.append(f"{pad}for i{inner}, r{inner} in enumerate({rec}.items):")
        lines.append(f"{pad}    B{inner} = (*{bound}, r{inner})")
        if any(map(interprets, n.items)):  # the records' paths and ranks, for the interpreter
            lines.append(
                f"{pad}    W{inner} = (*{where}, (f'{{base{inner}}}[{{i{inner}}}]', "
                f"(*{a}.rank, i{inner})))"
            )
        for part in n.items:
            node(part, depth + 1, (*blank, False), open_=False)
        lines.append(f"{pad}    pass")
        lines.append(f"{pad}if not {rec}.complete:  # a further record: the facts outside it")
        lines.append(f"{pad}    B{inner} = (*{bound}, BLANK)")
        if any(map(interprets, n.items)):
            lines.append(f"{pad}    W{inner} = (*{where}, ('', {a}.rank))")
        for part in n.items:
            node(part, depth + 1, (*blank, True), open_=False)
        lines.append(f"{pad}    pass")

    combo(root, 1)
    namespace: dict[str, Any] = {
        "K": tuple(consts),
        "Asked": _Asked,
        "Records": Records,
        "EMPTY": Records((), complete=False),
        "BLANK": BLANK,
    }
    try:
        exec(compile("\n".join(lines), f"<rongcuo walk of {name}>", "exec"), namespace)
    except (SyntaxError, RecursionError, MemoryError):  # pragma: no cover - nested too deeply
        return None
    walk: _ClauseWalk = namespace["walk"]
    return walk


def _combined(c: _Combo, elements: tuple[int, ...]) -> int:
    """A planned ``holds_when`` (or part of it) on the element truths (0 false, 1 unknown, 2
    true), in Kleene's logic, as :func:`rongcuo.engine.evaluate.combine` reads it."""
    kind = c.kind
    if kind == _EL:
        return elements[c.at]
    if kind == _NOT:
        return 2 - _combined(c.items[0], elements)
    result = 2 if kind == _ALL else 0
    stop = 0 if kind == _ALL else 2
    for item in c.items:
        v = _combined(item, elements)
        if v == stop:
            return stop
        if v == 1:
            result = 1
    return result


class _Walk:
    """One filing's walk over a :class:`_WalkPlan`: the unknown facts under the undecided parts
    of a clause, appended to ``found`` in the order they are met (a class, not nested closures,
    so that it leaves no cycles). ``compiled``: each clause walked by its generated function
    (:func:`_compiled_walk`), else by interpreting its plan (the reference the tests hold the
    generated walk to)."""

    __slots__ = ("compiled", "elements", "found", "memo", "plan", "values", "vector")

    def __init__(
        self,
        plan: _WalkPlan,
        vector: tuple[Any, ...],
        memo: Memo,
        values: Mapping[str, Truth],
        elements: tuple[int, ...],
        *,
        compiled: bool = True,
    ) -> None:
        self.plan, self.vector, self.memo, self.values = plan, vector, memo, values
        self.elements, self.compiled = elements, compiled
        self.found: list[_Asked] = []

    def clause(self, c: _ClausePlan, seen: set[str]) -> None:
        if c.id in seen or self.values[c.id] is not U or c.catch_all:
            return
        seen.add(c.id)
        if self.compiled and c.walk is not None:
            c.walk(self, self.elements, self.vector, self.memo, seen, self.found)
        else:
            self.combination(c.holds_when, seen)

    def combination(self, c: _Combo, seen: set[str]) -> None:
        if c.kind == _EL:
            if self.elements[c.at] == 1:  # so its test is unknown in Kleene's logic too
                assert c.step is not None
                self.node(c.step, seen, (), (), open_=True)
            return
        if _combined(c, self.elements) != 1:  # settled by some of its elements: the rest are moot
            return
        for item in c.items:
            self.combination(item, seen)

    def node(
        self,
        n: _Step,
        seen: set[str],
        bound: tuple[Any, ...],
        where: tuple[tuple[str, tuple[int, ...]], ...],
        *,
        open_: bool = False,
    ) -> None:
        """The unknown facts under an undecided node, inside the quantifiers around it
        (``bound``: the records bound, ``where``: each one's document path and rank;
        ``open_``: the node is known to be unknown, not evaluated again)."""
        kind = n.kind
        vector = self.vector
        if kind == _TOP1:  # one fact: asked whether or not it is known exactly
            if open_ or n.unary(vector[n.at]) == 1:  # type: ignore[misc]
                self.found.append(n.asked)  # type: ignore[arg-type]
            return
        if not open_ and n.fn(vector, bound, self.memo) != 1:
            return
        if kind == _TOP:  # reads top-level facts only: those not known exactly, else all
            reads = n.reads
            if len(reads) == 1:
                asked = reads[0].asked
                assert asked is not None
                self.found.append(asked)
                return
            unsettled = [r.asked for r in reads if r.asked and not _settled(vector[r.at])]
            self.found.extend(unsettled or [r.asked for r in reads if r.asked])
        elif kind == _TEST:
            read = [self.ref(r, bound, where) for r in n.reads]
            # a field of a further record (the blank one) is asked with its list: left out
            refs = [(r, v) for r, v in read if r]
            # the facts it reads that are not known exactly (all of them if none is open)
            unsettled = [r for r, value in refs if not _settled(value)]
            if unsettled or len(refs) == len(read):
                self.found.extend(unsettled or [r for r, _ in refs])
            else:  # open for the further record: of the rest, only a value it may refine
                coarse = self.plan.coarse
                self.found.extend(r for r, value in refs if coarse(r.decl, value))
        elif kind == _QUANT:
            asked, records = self.ref(n.reads[0], bound, where)
            if asked is None:  # a list inside a further record: asked with that record's list
                return
            if not isinstance(records, Records) or not records.complete:
                self.found.append(asked)  # the list itself is open: more records may come
            if not isinstance(records, Records):  # unknown: an empty incomplete list
                records = Records((), complete=False)
            base = asked.path.removesuffix(".items")
            for i, record in enumerate(records.items):
                b = (*bound, record)
                w = (*where, (f"{base}[{i}]", (*asked.rank, i)))
                for part in n.items:
                    self.node(part, seen, b, w)
            if not records.complete:  # a further record: the facts outside it that it reads
                b, w = (*bound, BLANK), (*where, ("", asked.rank))
                for part in n.items:
                    self.node(part, seen, b, w)
        elif kind == _REF:
            self.clause(self.plan.clauses[n.clause], seen)
        elif kind == _NOT:  # unknown exactly when its item is
            self.node(n.items[0], seen, bound, where, open_=True)
        else:  # all, any
            found = self.found
            for item in n.items:
                if item.kind == _TOP1:  # inline: the commonest item
                    if item.unary(vector[item.at]) == 1:  # type: ignore[misc]
                        found.append(item.asked)  # type: ignore[arg-type]
                else:
                    self.node(item, seen, bound, where)

    def ref(
        self, r: _Read, bound: tuple[Any, ...], where: tuple[tuple[str, tuple[int, ...]], ...]
    ) -> tuple[_Asked | None, Any]:
        """The fact a planned path names, as asked about, and its value; ``None`` for a field of
        a further record of an incomplete list (asked with the list)."""
        if r.asked is not None:
            return r.asked, self.vector[r.at]
        record_path, rank = where[r.depth]
        if not record_path:
            return None, None
        value = getattr(bound[r.depth], r.field, None)
        return _Asked(f"{record_path}.{r.field}", r.decl, (*rank, r.decl.order)), value
