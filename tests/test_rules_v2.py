"""Rule language 2 (filing model v2): loading, static checks, the two evaluators and exactness.

The test ruleset ``tests/v2_rules/`` declares a few families (one a DAG) and facts of every type,
and uses every new operator. These tests hold:

* the closures (the reference) and the generated code to the same truth of every element and
  clause, on random v2 filings made of :mod:`rongcuo.facts.values` (Hypothesis);
* every element to brute force over every completion of what the filing leaves open
  (docs/design-v2.md §4), evaluated by a two-valued evaluator written here from the design;
* the loader to a coded, located problem for each kind of bad v2 test;
* the generated code to stay flat: a 1,000-operand ``all`` and a 200-deep ``not`` chain compile,
  v1 and v2 alike;
* the real v2 rules (``rules/``) to load with every clause example behaving as it says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import types
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.engine.decide import _STATUSES, _status
from rongcuo.engine.evaluate import TRUTHS, Program
from rongcuo.errors import RulesError
from rongcuo.facts.declare import FactDecl, FactsDecl, FactType
from rongcuo.facts.values import NA, PartialDate, PartialSet, Records
from rongcuo.rules import syntax
from rongcuo.rules.load import load_ruleset_texts
from rongcuo.rules.syntax import (
    All,
    ClauseRef,
    FactRef,
    Node,
    Not,
    Op,
    Quantifier,
    QuantifierKind,
    SameKind,
    walk,
)

HERE = Path(__file__).parent
V2_RULES = HERE / "v2_rules"
BUNDLED_V2 = HERE.parent / "rules"


def texts(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.yaml"))}


def load(directory: Path = V2_RULES, **replace: str) -> rongcuo.Ruleset:
    files: dict[str, bytes | str] = dict(texts(directory))
    files.update(
        {k.replace("_", ".", 1) if k.endswith("_yaml") else k: v for k, v in replace.items()}
    )
    return load_ruleset_texts(files, origin=str(directory))


RULES = load()
PROGRAM = RULES.program
assert PROGRAM.catalogue is not None
CATALOGUE = PROGRAM.catalogue
DECL: FactsDecl = CATALOGUE.decl


# --------------------------------------------------------------------------- random v2 filings

DAYS = [
    dt.date(2012, 11, 7),
    dt.date(2012, 11, 8),
    dt.date(2012, 11, 9),
    dt.date(2022, 12, 31),
    dt.date(2023, 1, 1),
    dt.date(2023, 6, 29),
    dt.date(2023, 6, 30),
]


def leaves_of(family: str) -> list[str]:
    fam = DECL.families[family]
    return sorted(frozenset().union(*(fam.leaves(v) for v in fam.values)))


def consistent(family: str, s: PartialSet) -> bool:
    """A yes value keeps a leaf that no no value rules out (else the set contradicts itself)."""
    fam = DECL.families[family]
    out = frozenset().union(*(fam.leaves(n) for n in s.no))
    return all(fam.leaves(y) - out for y in s.yes)


@st.composite
def partial_dates(draw: st.DrawFn) -> PartialDate:
    start = draw(st.sampled_from(DAYS)) + dt.timedelta(days=draw(st.integers(-1, 1)))
    kind = draw(st.sampled_from(["day", "month", "year", "span"]))
    if kind == "day":
        return PartialDate(start, start)
    if kind == "month":
        first = start.replace(day=1)
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        return PartialDate(first, nxt - dt.timedelta(days=1))
    if kind == "year":
        return PartialDate(dt.date(start.year, 1, 1), dt.date(start.year, 12, 31))
    return PartialDate(start, start + dt.timedelta(days=draw(st.integers(0, 400))))


def values(decl: FactDecl, *, records: bool = True) -> st.SearchStrategy[Any]:
    """Any value a v2 fact may hold: unknown, not applicable (if declared), partial or known."""
    kind = decl.type
    base: st.SearchStrategy[Any]
    if kind is FactType.BOOL:
        base = st.booleans()
    elif kind is FactType.ENUM:
        assert decl.family is not None
        base = st.sampled_from(list(DECL.families[decl.family].values))
    elif kind is FactType.SET:
        assert decl.family is not None
        family = decl.family
        ids = list(DECL.families[family].values)
        base = st.one_of(
            st.sets(st.sampled_from(leaves_of(family)), max_size=3).map(PartialSet.of),
            st.builds(
                lambda yes, no, complete: PartialSet(frozenset(yes), frozenset(no - yes), complete),
                st.sets(st.sampled_from(ids), max_size=2),
                st.sets(st.sampled_from(ids), max_size=2),
                st.booleans(),
            ).filter(lambda s: consistent(family, s)),
        )
    elif kind is FactType.DATE:
        base = partial_dates()
    elif kind is FactType.TEXT:
        base = st.just("说明")
    else:
        assert records
        record = st.fixed_dictionaries({f.name: values(f, records=False) for f in decl.fields}).map(
            lambda d: types.SimpleNamespace(**d)
        )
        base = st.builds(
            lambda items, complete: Records(tuple(items), complete),
            st.lists(record, max_size=2),
            st.booleans(),
        )
    options = [st.none(), base, base]
    if decl.na is not None:
        options.append(st.just(NA))
    return st.one_of(*options)


VECTORS = st.tuples(*(values(DECL.facts[p]) for p in CATALOGUE.paths))


def test_the_vector_is_the_declarations_order() -> None:
    assert CATALOGUE.paths == tuple(DECL.facts)
    # this ruleset has no catch-all, so its declaration names no determinations
    assert DECL.determinations == ()
    assert not any(p.startswith("determinations.") for p in CATALOGUE.paths)
    # the bundled one's recorded determinations come after every declared group
    paths = tuple(rongcuo.bundled_ruleset().program.catalogue.decl.facts)
    first = next(i for i, p in enumerate(paths) if p.startswith("determinations."))
    assert all(p.startswith("determinations.") for p in paths[first:])
    assert len(paths[first:]) == 8  # P15 and N9, four facts each


def test_the_bundled_v2_vector_is_the_generated_models() -> None:
    from rongcuo.facts import v2

    catalogue = BUNDLED.program.catalogue
    assert catalogue is not None
    assert catalogue.paths == tuple(v2.FACTS)
    assert DECL_BUNDLED.digest == v2.DIGEST


def _agree(vector: tuple[Any, ...]) -> None:
    compiled = PROGRAM.compiled
    elements, clauses = compiled.truths(vector)
    memo: dict[str, rongcuo.Truth] = {}
    reference = [PROGRAM.element_value(cid, eid, vector, memo) for cid, eid in compiled.elements]  # type: ignore[arg-type]
    assert [TRUTHS[v] for v in elements] == reference
    clause_truths = PROGRAM.reference_values(vector)  # type: ignore[arg-type]
    assert dict(zip(compiled.clauses, (TRUTHS[v] for v in clauses), strict=True)) == clause_truths
    assert _STATUSES[compiled.status(vector)] is _status(RULES, clause_truths)[0]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(VECTORS)
def test_generated_code_agrees_with_the_closures(vector: tuple[Any, ...]) -> None:
    _agree(vector)


def test_a_generated_v2_filing_is_evaluated_by_both() -> None:
    """The bundled v2 rules on a filing of the generated model, read through its fact vector."""
    from rongcuo.facts.parse import parse_filing_v2

    rules = BUNDLED
    for clause in rules.clauses:
        for example in clause.examples:
            filing = parse_filing_v2(example.filing_data())
            elements, _ = rules.program.compiled.truths(filing)
            memo: dict[str, rongcuo.Truth] = {}
            reference = [
                rules.program.element_value(cid, eid, filing, memo)  # type: ignore[arg-type]
                for cid, eid in rules.program.compiled.elements
            ]
            assert [TRUTHS[v] for v in elements] == reference


# --------------------------------------------------------------------------- exactness


def _record_fields(node: Node) -> dict[str, set[str]]:
    """For each records fact an element reads, the fields it reads."""
    out: dict[str, set[str]] = {}
    for path in syntax.facts_read(node):
        head, sep, rest = path.partition("[].")
        if sep:
            out.setdefault(head, set()).add(rest)
        elif DECL.facts.get(path) is not None and DECL.facts[path].type is FactType.RECORDS:
            out.setdefault(path, set())
    return out


def _dates_in(node: Node) -> list[dt.date]:
    return [
        n.value for n in walk(node) if isinstance(n, syntax.Test) and isinstance(n.value, dt.date)
    ]


class Completions:
    """Every completion of what a filing leaves open, for one element (design-v2 §4)."""

    def __init__(self, node: Node, vector: tuple[Any, ...]) -> None:
        self.node = node
        self.vector = vector
        self.fields = _record_fields(node)
        days = {dt.date(2020, 1, 1), *_dates_in(node)}  # an unknown date has some day
        for value in self._all_values(vector):
            if isinstance(value, PartialDate):
                days |= {value.start, value.stop}
        #: the days where a comparison can change: every bound, and the days beside it
        self.days = sorted({d + dt.timedelta(days=k) for d in days for k in (-1, 0, 1)})

    def _all_values(self, vector: tuple[Any, ...]) -> Iterator[Any]:
        for value in vector:
            yield value
            if isinstance(value, Records):
                for item in value.items:
                    yield from vars(item).values()

    def of(self, decl: FactDecl, value: Any) -> list[Any]:
        may_be_na = [NA] if decl.na is not None else []
        if value is NA:
            return [NA]
        kind = decl.type
        if kind is FactType.BOOL:
            return [True, False, *may_be_na] if value is None else [value]
        if kind is FactType.ENUM:
            assert decl.family is not None
            fam = DECL.families[decl.family]
            if value is None:
                return [*leaves_of(decl.family), *may_be_na]
            return sorted(fam.leaves(value))
        if kind is FactType.SET:
            assert decl.family is not None
            fam = DECL.families[decl.family]
            leaves = leaves_of(decl.family)
            every = [
                frozenset(c)
                for r in range(len(leaves) + 1)
                for c in itertools.combinations(leaves, r)
            ]
            if value is None:
                return [*every, *may_be_na]
            return [
                c
                for c in every
                if all(not c.isdisjoint(fam.below(y)) for y in value.yes)
                and all(c.isdisjoint(fam.below(n)) for n in value.no)
                and (
                    not value.complete or c <= frozenset().union(*(fam.below(y) for y in value.yes))
                )
            ]
        if kind is FactType.DATE:
            if value is None:
                return [*self.days, *may_be_na]
            inside = [d for d in self.days if value.start <= d <= value.stop]
            return sorted({value.start, value.stop, *inside})
        return [value]  # text: read only by known

    def records(self, decl: FactDecl, value: Any) -> list[Any]:
        """Lists of completed records: each known one completed, and 0 or 1 more if open."""
        fields = [f for f in decl.fields if f.name in self.fields.get(decl.path, set())]

        def completed(record: Any) -> list[Any]:
            options = [self.of(f, getattr(record, f.name, None)) for f in fields]
            return [
                types.SimpleNamespace(**dict(zip((f.name for f in fields), combo, strict=True)))
                for combo in itertools.product(*options)
            ]

        if value is NA:
            return [NA]
        items = () if value is None else value.items
        complete = value is not None and value.complete
        known = list(itertools.product(*(completed(r) for r in items)))
        extra: list[tuple[Any, ...]] = [()]
        if not complete:
            extra += [(r,) for r in completed(types.SimpleNamespace())]
        return [list(k) + list(e) for k in known for e in extra]

    def records_size(self, decl: FactDecl, value: Any) -> int:
        """``len(self.records(decl, value))``, counted without making the lists (a few records
        with open sets can have millions of completions)."""
        if value is NA:
            return 1
        fields = [f for f in decl.fields if f.name in self.fields.get(decl.path, set())]

        def completed(record: Any) -> int:
            return math.prod(len(self.of(f, getattr(record, f.name, None))) for f in fields)

        items = () if value is None else value.items
        complete = value is not None and value.complete
        known = math.prod(completed(r) for r in items)
        return known * (1 if complete else 1 + completed(types.SimpleNamespace()))

    def size(self) -> int:
        n = 1
        for path, value in zip(CATALOGUE.paths, self.vector, strict=True):
            if path in self.read:
                decl = DECL.facts[path]
                n *= (
                    self.records_size(decl, value)
                    if decl.type is FactType.RECORDS
                    else len(self.of(decl, value))
                )
        return n

    @property
    def read(self) -> set[str]:
        out = set()
        for path in syntax.facts_read(self.node):
            out.add(path.partition("[].")[0])
        return out

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        choices = []
        for path, value in zip(CATALOGUE.paths, self.vector, strict=True):
            decl = DECL.facts[path]
            if path not in self.read:
                choices.append([value])
            elif decl.type is FactType.RECORDS:
                choices.append(self.records(decl, value))
            else:
                choices.append(self.of(decl, value))
        yield from itertools.product(*choices)


def holds(
    node: Node, world: Sequence[Any], given: tuple[Any, ...], bound: Mapping[str, Any]
) -> bool:
    """A predicate on a completed filing, two-valued, written from docs/design-v2.md §1, §3."""

    def read(path: str) -> tuple[FactDecl, Any]:
        head, _, rest = path.partition(".")
        if head in bound:
            records_decl, record = bound[head]
            return records_decl.field(rest), getattr(record, rest)
        return DECL.facts[path], world[CATALOGUE.index[path]]

    if isinstance(node, syntax.Test):
        decl, x = read(node.fact)
        op, want = node.op, node.value
        if op is Op.KNOWN:  # asks what the filing says, not what the world is
            return (given[CATALOGUE.index[node.fact]] is not None) is want
        if op is Op.NA:
            return (x is NA) is want
        if x is NA:
            return False
        if op in (Op.EQ, Op.WITHIN) and decl.type is FactType.ENUM:
            fam = DECL.families[decl.family or ""]
            targets = [want] if isinstance(want, str) else list(want)  # type: ignore[arg-type]
            return any(x in fam.below(t) for t in targets)
        if op is Op.EQ:
            return x is want
        if op in (Op.CONTAINS, Op.CONTAINS_ANY):
            fam = DECL.families[decl.family or ""]
            targets = [want] if isinstance(want, str) else list(want)  # type: ignore[arg-type]
            return any(not x.isdisjoint(fam.below(t)) for t in targets)
        if op is Op.EMPTY:
            return (not x) is want
        if op is Op.AFTER_FACT:
            assert isinstance(want, FactRef)
            _, y = read(want.path)
            return y is not NA and x > y
        assert isinstance(want, dt.date)
        return {
            Op.BEFORE: x < want,
            Op.AFTER: x > want,
            Op.ON_OR_BEFORE: x <= want,
            Op.ON_OR_AFTER: x >= want,
        }[op]
    if isinstance(node, SameKind):
        (left_decl, x), (_, y) = read(node.left), read(node.right)
        if x is NA or y is NA:
            return False
        # class membership alone decides (docs/interpretation.md position 5): two "other"
        # values under one class are of its kind; an "other" value under no class has no class
        fam = DECL.families[left_decl.family or ""]
        return bool(fam.classes(x) & fam.classes(y))
    if isinstance(node, All):
        return all(holds(n, world, given, bound) for n in node.items)
    if isinstance(node, syntax.Any):
        return any(holds(n, world, given, bound) for n in node.items)
    if isinstance(node, Not):
        return not holds(node.item, world, given, bound)
    if isinstance(node, Quantifier):
        records_decl, items = read(node.of)
        if items is NA:
            return False

        def one(record: Any) -> tuple[bool, bool]:
            inner = {**bound, node.name: (records_decl, record)}
            where = node.where is None or holds(node.where, world, given, inner)
            return where, holds(node.that, world, given, inner)

        if node.kind is QuantifierKind.SOME:
            return any(w and t for w, t in map(one, items))
        return all(t or not w for w, t in map(one, items))
    raise AssertionError(node)


ELEMENTS = [
    (c.id, e.id, e.test)
    for c in RULES.clauses
    for e in c.elements
    if not any(isinstance(n, ClauseRef) for n in walk(e.test))
]


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.sampled_from(ELEMENTS), VECTORS)
def test_every_element_is_exact(element: tuple[str, str, Node], vector: tuple[Any, ...]) -> None:
    cid, eid, test = element
    completions = Completions(test, vector)
    size = completions.size()
    assume(size <= 3000)
    worlds = list(completions)
    assert len(worlds) == size  # the count agrees with the completions made
    seen = {holds(test, world, vector, {}) for world in worlds}
    assert seen, "a filing with no completion"
    expected = 2 if seen == {True} else 0 if seen == {False} else 1
    assert PROGRAM.element_value(cid, eid, vector, {}) is TRUTHS[expected]  # type: ignore[arg-type]
    elements, _ = PROGRAM.compiled.truths(vector)
    assert elements[PROGRAM.compiled.element_index[cid, eid]] == expected


def test_an_element_reading_a_fact_twice_is_split_only_when_needed() -> None:
    """P4 reads remedy.rectification and remedy.admitted twice: Kleene alone would say unknown."""
    assert set(PROGRAM.plans) == {
        ("P4", "rectification_settled"),
        ("P4", "admission_settled"),
        ("P4", "spending_admitted"),
    }
    vector = tuple(None for _ in CATALOGUE.paths)
    truths = {
        eid: PROGRAM.element_value("P4", eid, vector, {})  # type: ignore[arg-type]
        for eid in ("rectification_settled", "admission_settled", "spending_admitted")
    }
    # a tautology and a contradiction's negation are true whatever the facts; the third depends
    # on whether there is an act of spending at all
    assert truths == {
        "rectification_settled": rongcuo.Truth.TRUE,
        "admission_settled": rongcuo.Truth.TRUE,
        "spending_admitted": rongcuo.Truth.UNKNOWN,
    }


# --------------------------------------------------------------------------- static checks


def _problems(**replace: str) -> list[rongcuo.Problem]:
    with pytest.raises(RulesError) as info:
        load(**replace)
    return list(info.value.problems)


POSITIVE = (V2_RULES / "positive.yaml").read_text(encoding="utf-8")
NEGATIVE = (V2_RULES / "negative.yaml").read_text(encoding="utf-8")

BAD = {
    "unknown fact, with a did-you-mean": (
        "{fact: context.areas, contains: reform}",
        "{fact: context.area, contains: reform}",
        "rules_unknown_fact",
        "context.areas",
    ),
    "a value outside the family": (
        "{fact: remedy.rectification, within: rectifying}",
        "{fact: remedy.rectification, within: rectifyng}",
        "rules_enum_value",
        "rectifying",
    ),
    "a value of another family: nothing can meet it": (
        "{fact: context.areas, contains: reform}",
        "{fact: context.areas, contains: spending}",
        "rules_impossible_test",
        "",
    ),
    "an operator not fitting the type": (
        "{fact: remedy.admitted, eq: true}",
        "{fact: remedy.admitted, within: true}",
        "rules_operator_type",
        "eq",
    ),
    "na on a fact that always applies": (
        "{fact: remedy.admitted, eq: true}",
        "{fact: remedy.admitted, na: true}",
        "rules_operator_type",
        "",
    ),
    "a bound name out of scope": (
        "{fact: context.areas, contains: reform}",
        "{fact: act.gain, contains: private}",
        "rules_unbound_name",
        "",
    ),
    "a record field that does not exist": (
        "{some: acts.items, as: act, that: {fact: act.kind, eq: spending}}",
        "{some: acts.items, as: act, that: {fact: act.knd, eq: spending}}",
        "rules_unknown_fact",
        "act.kind",
    ),
    "a bound name hiding a group": (
        "{some: acts.items, as: act, that: {fact: act.kind, eq: spending}}",
        "{some: acts.items, as: remedy, that: {fact: remedy.kind, eq: spending}}",
        "rules_unbound_name",
        "",
    ),
    "a quantifier over a fact that is not records": (
        "{some: acts.items, as: act, that: {fact: act.kind, eq: spending}}",
        "{some: context.areas, as: act, that: {fact: act.kind, eq: spending}}",
        "rules_operator_type",
        "acts.items",
    ),
    "two within tests no value meets together": (
        "{some: acts.items, as: act, that: {fact: act.kind, eq: spending}}",
        "{some: acts.items, as: act, that: {all: [{fact: act.kind, eq: spending}, {fact: act.kind, within: procedure}]}}",
        "rules_impossible_test",
        "any",
    ),
    "a date fact compared with itself": (
        "{fact: matter.reported, after_fact: matter.started}",
        "{fact: matter.reported, after_fact: matter.reported}",
        "rules_value_type",
        "",
    ),
    "a quantifier without that": (
        "{some: acts.items, as: act, that: {fact: act.kind, eq: spending}}",
        "{some: acts.items, as: act}",
        "rules_missing_key",
        "",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_v2_test_is_a_located_problem(case: str) -> None:
    good, bad, code, hint = BAD[case]
    assert POSITIVE.count(good) >= 1
    problems = _problems(positive_yaml=POSITIVE.replace(good, bad, 1))
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    line = next(i for i, text in enumerate(POSITIVE.splitlines(), 1) if good in text)
    assert any(p.location.line == line and p.location.file.endswith("positive.yaml") for p in found)
    assert all(hint in p.hint for p in found)


def test_a_clause_reference_inside_a_quantifier_is_refused() -> None:
    bad = NEGATIVE.replace(
        "test: {not: {clause: P2}}",
        "test: {some: acts.items, as: act, that: {not: {clause: P2}}}",
    )
    problems = _problems(negative_yaml=bad)
    assert [p.code for p in problems] == ["rules_bad_operator"]


def test_the_language_version_follows_facts_yaml() -> None:
    ruleset = (V2_RULES / "ruleset.yaml").read_text(encoding="utf-8")
    problems = _problems(ruleset_yaml=ruleset.replace("rongcuo: 2", "rongcuo: 1"))
    assert [(p.code, p.location.line) for p in problems] == [("rules_metadata", 1)]


def test_quantifiers_are_refused_in_a_v1_ruleset() -> None:
    base = HERE / "bad_rules" / "_base"
    files = texts(base)
    positive = files["positive.yaml"].decode()
    target = next(line for line in positive.splitlines() if "test:" in line)
    indent = target[: target.index("test:")]
    files["positive.yaml"] = positive.replace(
        target, indent + "test: {some: acts.items, as: act, that: {fact: act.kind, eq: x}}"
    ).encode()
    with pytest.raises(RulesError) as info:
        load_ruleset_texts(files)
    assert {p.code for p in info.value.problems} == {"rules_bad_operator"}


def test_dump_and_reload_keep_the_v2_ruleset() -> None:
    again = load_ruleset_texts(RULES.dump_texts())
    assert again.digest == RULES.digest
    assert again.program.catalogue is not None


# --------------------------------------------------------------------------- flat generated code


def _wide_and_deep(rules: rongcuo.Ruleset, clause_id: str) -> list[rongcuo.Ruleset | Program]:
    clause = rules.clause(clause_id)
    element = clause.elements[0]
    wide = All(tuple(element.test for _ in range(1000)))
    deep: Node = element.test
    for _ in range(200):
        deep = Not(deep)
    nested: Node = element.test
    for i in range(200):  # all and any alternating: every level is a new block
        nested = All((nested, element.test)) if i % 2 else syntax.Any((nested, element.test))
    programs = []
    for test in (wide, deep, nested):
        changed = dataclasses.replace(element, test=test)
        one = dataclasses.replace(
            clause, elements=(changed,), holds_when=All((syntax.ElementRef(changed.id),))
        )
        programs.append(
            Program([one], rules.program.catalogue.decl if rules.program.catalogue else None)
        )
    return programs


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_wide_and_deep_predicates_compile_flat(version: str) -> None:
    rules = rongcuo.bundled_ruleset() if version == "v1" else RULES
    clause_id = "P1"
    filing: Any = (
        rongcuo.parse_filing({}) if version == "v1" else tuple(None for _ in CATALOGUE.paths)
    )
    for program in _wide_and_deep(rules, clause_id):
        assert isinstance(program, Program)
        elements, _ = program.compiled.truths(filing)
        memo: dict[str, rongcuo.Truth] = {}
        reference = [
            program.element_value(c, e, filing, memo) for c, e in program.compiled.elements
        ]
        assert [TRUTHS[v] for v in elements] == reference
        depth = max(
            len(line) - len(line.lstrip(" ")) for line in program.compiled.source.splitlines()
        )
        assert depth // 4 < 40


# --------------------------------------------------------------------------- the real v2 rules

BUNDLED = load(BUNDLED_V2)
assert BUNDLED.program.catalogue is not None
DECL_BUNDLED = BUNDLED.program.catalogue.decl


def test_the_v2_rules_load_with_their_examples() -> None:
    examples = [e for c in BUNDLED.clauses for e in c.examples]
    assert len(examples) > 150
    assert {c.id for c in BUNDLED.clauses} >= {f"P{i}" for i in range(1, 16)} | {
        f"N{i}" for i in range(1, 10)
    }
