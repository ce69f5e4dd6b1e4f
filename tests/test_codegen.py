"""The generated evaluator (rongcuo.engine.codegen) against the closure evaluator it must equal.

The closures in ``rongcuo.engine.evaluate.Program`` are the reference: one small function a node,
Kleene's tables written out. The generated code inlines, folds and short-circuits; these tests
hold it to the reference on every element and clause truth and on the status, for the bundled
rules (every clause example and golden case, and Hypothesis filings, complete and partial) and
for Hypothesis-generated rulesets.
"""

from __future__ import annotations

import itertools
import re
import types
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rongcuo
from rongcuo.engine.catalogue import settle, vector_of
from rongcuo.engine.decide import _STATUSES, _status, codegen, decide_status
from rongcuo.engine.evaluate import TRUTHS
from rongcuo.facts.filings import load_filing
from rongcuo.facts.values import NA, PartialSet, Records
from rongcuo.rules.load import load_ruleset_texts
from rongcuo.rules.syntax import Example
from rongcuo.testing import strategies as S  # v1: delete with the v1 path (generated rulesets)
from rongcuo.testing import strategies_v2 as S2

CASES = sorted((Path(__file__).parent / "cases").glob("*.yaml"))


def _agree(rules: rongcuo.Ruleset, filing: Any) -> None:
    program = rules.program
    compiled = program.compiled
    elements, clauses = compiled.truths(filing)
    memo: dict[str, rongcuo.Truth] = {}
    reference_elements = [
        program.element_value(cid, eid, filing, memo) for cid, eid in compiled.elements
    ]
    assert [TRUTHS[v] for v in elements] == reference_elements
    reference = program.reference_values(filing)
    assert dict(zip(compiled.clauses, (TRUTHS[v] for v in clauses), strict=True)) == reference
    assert program.values(filing) == reference
    status, deciding = _status(rules, reference)
    assert decide_status(filing, rules) is status
    # decide: the same status, and the clauses that decide it (it has no list of the catch-alls)
    code, ids = compiled.decide(filing)
    assert _STATUSES[code] is status
    if status in (rongcuo.Status.ELIGIBLE, rongcuo.Status.INELIGIBLE):
        assert sorted(ids) == sorted(c.id for c in deciding)
    else:
        assert ids == ()


def _examples(rules: rongcuo.Ruleset) -> list[tuple[str, Example]]:
    return [(c.id, e) for c in rules.clauses for e in c.examples]


def test_every_clause_example(rules: rongcuo.Ruleset) -> None:
    examples = _examples(rules)
    assert len(examples) > 100
    for _, example in examples:
        _agree(rules, rongcuo.parse_filing(example.filing_data()))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_every_golden_case(rules: rongcuo.Ruleset, path: Path) -> None:
    import yaml

    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    _agree(rules, rongcuo.parse_filing(case["filing"]))


def test_the_example_filings(rules: rongcuo.Ruleset) -> None:
    found = sorted((Path(__file__).parents[1] / "examples").glob("*.yaml"))
    assert found
    for path in found:
        _agree(rules, load_filing(path))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_hypothesis_filings(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    filing = data.draw(S2.filings(complete=data.draw(st.booleans()), rules=rules))
    _agree(rules, filing)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_filings_on_either_side_of_a_boundary(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    clause = data.draw(st.sampled_from(rules.clauses))
    if clause.catch_all:
        return
    for filing in data.draw(S2.boundary_pairs(clause.id, rules=rules)):
        _agree(rules, filing)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(S.rulesets(), st.data())
def test_generated_rulesets(rules: rongcuo.Ruleset, data: st.DataObject) -> None:
    for _ in range(5):
        _agree(rules, data.draw(S.filings(rules=rules)))


def test_literals_are_never_spelled_into_the_source(rules: rongcuo.Ruleset) -> None:
    # v2 reads facts by their index in the filing's vector: no string is quoted at all
    source = rules.program.compiled.source
    assert "'" not in source and '"' not in source
    assert re.search(r"\bV\[\d+\]", source) and re.search(r"\bK\d+\b", source)


# v1: delete with the v1 path
def test_v1_literals_are_never_spelled_into_the_source(v1_rules: rongcuo.Ruleset) -> None:
    compiled = v1_rules.program.compiled
    # the only quoted strings are names of facts and clauses: every value is a named constant
    quoted = set(re.findall(r"'([^']*)'", compiled.source))
    assert quoted and all(q.isidentifier() for q in quoted)
    assert '"' not in compiled.source


def test_unknown_facts_are_unknown_not_false(rules: rongcuo.Ruleset) -> None:
    # an empty filing: every ordinary clause waits on facts; nothing is quietly false
    filing = rongcuo.parse_filing({})
    _agree(rules, filing)
    _, clauses = rules.program.compiled.truths(filing)
    values = dict(zip(rules.program.compiled.clauses, clauses, strict=True))
    assert all(values[c.id] == 1 for c in rules.clauses if not c.catch_all)


def test_status_codes_are_the_engine_statuses() -> None:
    codes = (
        codegen.ELIGIBLE,
        codegen.INELIGIBLE,
        codegen.INSUFFICIENT,
        codegen.NEEDS_DETERMINATION,
    )
    assert [_STATUSES[c] for c in codes] == [
        rongcuo.Status.ELIGIBLE,
        rongcuo.Status.INELIGIBLE,
        rongcuo.Status.INSUFFICIENT_FACTS,
        rongcuo.Status.NEEDS_DETERMINATION,
    ]


# -- v2: what the generated code computes ahead (blank records, settlement), against the closures

V2_RULES = Path(__file__).parent / "v2_rules"


def _agree_vector(rules: rongcuo.Ruleset, vector: tuple[Any, ...]) -> None:
    """The generated code and the closures (which evaluate the blank record through its
    ``__getattr__`` and settle every marked element) on a fact vector."""
    program = rules.program
    compiled = program.compiled
    elements, clauses = compiled.truths(vector)
    memo: dict[str, rongcuo.Truth] = {}
    reference = [program.element_value(c, e, vector, memo) for c, e in compiled.elements]  # type: ignore[arg-type]
    assert [TRUTHS[v] for v in elements] == reference
    values = program.reference_values(vector)  # type: ignore[arg-type]
    assert dict(zip(compiled.clauses, (TRUTHS[v] for v in clauses), strict=True)) == values
    status, deciding = _status(rules, values)
    assert _STATUSES[compiled.status(vector)] is status  # type: ignore[arg-type]
    code, ids = compiled.decide(vector)  # type: ignore[arg-type]
    assert _STATUSES[code] is status
    if status in (rongcuo.Status.ELIGIBLE, rongcuo.Status.INELIGIBLE):
        assert sorted(ids) == sorted(c.id for c in deciding)


def _example_vectors(rules: rongcuo.Ruleset) -> list[tuple[Any, ...]]:
    return [
        tuple(vector_of(rongcuo.parse_filing(e.filing_data(), rules=rules)))
        for _, e in _examples(rules)
    ]


def test_blank_records_computed_ahead_or_read_as_unknown(rules: rongcuo.Ruleset) -> None:
    """A quantifier over a list not known complete also weighs a record of which nothing is
    known. Its truth is computed once, at load, when it reads the record only (``zq…``), else
    written with the record's fields as None: both as the closures' blank record answers."""
    compiled = rules.program.compiled
    computed = re.findall(r"^def (zq\d+)\(", compiled.source, re.M)
    assert computed  # the bundled rules have both kinds
    assert re.search(r"^ +b0 = K\d+$", compiled.source, re.M)
    catalogue = rules.program.catalogue
    assert catalogue is not None
    lists = [
        i for i, p in enumerate(catalogue.paths) if catalogue.decl.facts[p].type.value == "records"
    ]
    assert lists
    checked = 0
    for vector in _example_vectors(rules):
        known = [vector[i] for i in lists]
        for replace in (None, Records((), False), "incomplete", NA):
            changed = list(vector)
            for i, value in zip(lists, known, strict=True):
                if replace == "incomplete":
                    if not isinstance(value, Records):
                        continue
                    changed[i] = Records(value.items, False)
                else:
                    changed[i] = replace
            _agree_vector(rules, tuple(changed))
            checked += 1
    assert checked > 400


def _split_facts_everywhere(
    rules: rongcuo.Ruleset, plan: Any, domain: Any, bases: list[tuple[Any, ...]]
) -> None:
    """Every combination of values of a plan's split facts, on each base vector."""
    for combo in itertools.product(*domain):
        for base in bases:
            vector = list(base)
            for (index, _), value in zip(plan, combo, strict=True):
                vector[index] = value
            _agree_vector(rules, tuple(vector))


def test_splits_that_never_settle_are_not_tried(rules: rongcuo.Ruleset) -> None:
    """The bundled rules mark elements for splitting; no case of any of them ever settles what
    Kleene leaves unknown (an unknown bool is ``false`` in one case, which no ``any`` of it and
    ``na`` escapes), so the generated code does not split: on every value of the split facts
    (others unknown, or an example's) it gives the closures' settled truth."""
    program = rules.program
    catalogue = program.catalogue
    assert catalogue is not None
    assert len(program.plans) > 1
    vain = []
    for (cid, eid), plan in program.plans.items():
        test = rules.clause(cid).element(eid).test
        once = codegen._read_once(test, plan, catalogue)
        if once is not None and once[0]:
            continue  # N1: the next test
        assert codegen._split_in_vain(test, plan, catalogue), (cid, eid)
        domain = codegen._split_domain(test, plan, catalogue, others=True)
        vain.append((plan, domain))
    assert vain
    namespace = rules.program.compiled.status.__globals__
    assert all(value is not settle for value in namespace.values())  # nothing is split
    bases = [tuple(None for _ in catalogue.paths), *_example_vectors(rules)[::10]]
    for plan, domain in vain:
        _split_facts_everywhere(rules, plan, domain, bases)


def test_tables_of_settled_truths_are_the_settlement() -> None:
    """In the v2 test rules, P4 reads remedy.rectification and remedy.admitted twice each, and
    splitting them settles (a tautology is true): an element reading only the facts it splits
    looks its settled truth up in a table made at load, the same as the closures' settlement
    on every value of those facts; another (spending_admitted, a quantifier) is settled."""
    files = {p.name: p.read_bytes() for p in sorted(V2_RULES.glob("*.yaml"))}
    rules = load_ruleset_texts(files, origin=str(V2_RULES))
    program = rules.program
    catalogue = program.catalogue
    assert catalogue is not None
    source = program.compiled.source
    assert re.search(r"= K\d+\.get\(V\[\d+\], -1\)", source)  # a table
    assert re.search(r"if V\[\d+\] in K\d+:", source)  # a fact split when it has cases
    tabled = []
    for (cid, eid), plan in program.plans.items():
        test = rules.clause(cid).element(eid).test
        assert not codegen._split_in_vain(test, plan, catalogue), (cid, eid)
        domain = codegen._split_domain(test, plan, catalogue)
        if domain is not None:
            tabled.append((plan, domain))
    assert len(tabled) == 2
    for plan, domain in tabled:
        _split_facts_everywhere(rules, plan, domain, [tuple(None for _ in catalogue.paths)])


def test_a_fact_one_test_reads_once_a_record_is_not_split(rules: rongcuo.Ruleset) -> None:
    """N1 reads matter.circumstances in one test inside its quantifier: the loader marks it for
    splitting, but every record reads that one test's truth, so Kleene's answer is exact and
    the generated code does not split it; the closures do, on lists of one and two acts."""
    program = rules.program
    catalogue = program.catalogue
    assert catalogue is not None
    plan = program.plans["N1", "prohibited_act"]
    test = rules.clause("N1").element("prohibited_act").test
    assert codegen._read_once(test, plan, catalogue) == (
        True,
        (catalogue.resolve("acts.items", ()),),
    )
    ((index, _),) = plan
    acts_at = catalogue.index["acts.items"]
    decl = catalogue.decl.facts[catalogue.paths[index]]
    assert decl.family is not None
    values = [None, *catalogue.leaves(decl.family)]
    acts: dict[str, Any] = {}
    for vector in _example_vectors(rules):
        if isinstance(vector[acts_at], Records):
            for act in vector[acts_at].items:
                acts.setdefault(repr(act), act)
    sample = list(acts.values())[:10]
    assert len(sample) == 10
    base = tuple(None for _ in catalogue.paths)
    for pair in itertools.product(sample, repeat=2):
        for complete in (True, False):
            for value in values:
                vector = list(base)
                vector[acts_at] = Records(pair, complete)
                vector[index] = value
                _agree_vector(rules, tuple(vector))


_TONE_FAMILY = """\
  tone:
    title: ["语气", "tone"]
    values:
      - id: warm
        kind: true
        title: ["暖", "warm"]
        values:
          - [w1, "暖一", "warm one"]
          - [w2, "暖二", "warm two"]
      - id: cool
        kind: true
        title: ["冷", "cool"]
        values:
          - [c1, "冷一", "cool one"]
          - [c2, "冷二", "cool two"]
"""
_TONE_FACT = (
    '{id: tone, type: enum, family: tone, title: ["语气", "tone"],'
    ' question: ["何种语气？", "What tone?"]}'
)
_TONE_CLAUSE = """\
  - id: N4
    item: 4
    text: 同一语气之行为
    summary: An act of the matter's tone.
    elements:
      - id: toned
        phrase: 同一语气之行为
        test: {some: acts.items, as: act, that: {same_kind: [act.tone, matter.tone]}}
"""


def _tone_rules() -> rongcuo.Ruleset:
    """The v2 test rules with a ``tone`` family, a top-level fact of it, a field of the acts of
    it and a clause asking whether some act is of the matter's tone (a ``same_kind``)."""
    files = {p.name: p.read_text("utf-8") for p in sorted(V2_RULES.glob("*.yaml"))}
    facts = files["facts.yaml"]
    facts = facts.replace("\ngroups:\n", "\n" + _TONE_FAMILY + "\ngroups:\n", 1)
    started = "      - {id: started, type: date,"
    assert started in facts
    facts = facts.replace(started, f"      - {_TONE_FACT}\n{started}", 1)
    kind = "          - {id: kind, type: enum, family: act_kind,"
    assert kind in facts
    facts = facts.replace(kind, f"          - {_TONE_FACT}\n{kind}", 1)
    files["facts.yaml"] = facts
    files["negative.yaml"] = files["negative.yaml"].rstrip("\n") + "\n" + _TONE_CLAUSE
    return load_ruleset_texts({k: v.encode() for k, v in files.items()}, origin="tone")


def test_a_fact_a_same_kind_reads_once_a_record_is_split_for_two_records() -> None:
    """A ``same_kind`` of a record's field and a top-level fact reads the fact once a record,
    each time to a different truth: a warm act and a cool act make an unknown tone of the
    matter surely one of theirs, which Kleene alone leaves unknown. The generated code splits
    the fact when the list has two records to try, and not when it has one."""
    rules = _tone_rules()
    program = rules.program
    catalogue = program.catalogue
    assert catalogue is not None
    assert ("N4", "toned") in program.plans
    assert "len(x.items) + (not x.complete) > 1" in program.compiled.source
    acts_at, tone_at = catalogue.index["acts.items"], catalogue.index["matter.tone"]
    fields = [f.name for f in catalogue.decl.facts["acts.items"].fields]

    def act(tone: str | None) -> types.SimpleNamespace:
        return types.SimpleNamespace(**{**dict.fromkeys(fields), "tone": tone})

    tones = [None, "warm", "cool", "w1", "c2"]
    base = tuple(None for _ in catalogue.paths)
    seen = set()
    for n in range(3):
        for kinds in itertools.product(tones, repeat=n):
            for complete in (True, False):
                for tone in [*tones, "w2"]:
                    vector = list(base)
                    vector[acts_at] = Records(tuple(act(k) for k in kinds), complete)
                    vector[tone_at] = tone
                    _agree_vector(rules, tuple(vector))
                    element = program.compiled.truths(tuple(vector))[0][
                        program.compiled.element_index["N4", "toned"]
                    ]
                    seen.add((kinds, complete, tone, element))
    # the split decides: one warm and one cool act, the matter's tone unknown
    assert (("w1", "c2"), True, None, 2) in seen
    assert (("w1",), True, None, 1) in seen


def test_contains_of_one_value_each_complete_or_not(rules: rongcuo.Ruleset) -> None:
    """``contains`` of a complete set with no ``yes`` value inside the targets is written as
    false without a second test when every value meeting the targets is inside them, and asks
    the second test otherwise (a coarse ``yes`` value above a target: unknown). Every set fact
    holding each one value of its family, complete or not, on example vectors: the closures'
    truths, and both kinds of test are in the bundled rules' code."""
    source = rules.program.compiled.source
    assert re.search(r" else 0 if (x|x_\w+)\.complete else ", source)
    assert re.search(r" else \(0 if K\d+\.isdisjoint\((x|x_\w+)\.yes\) else 1\) if ", source)
    catalogue = rules.program.catalogue
    assert catalogue is not None
    sets = [
        (i, catalogue.leaves(decl.family))
        for i, decl in enumerate(catalogue.decl.facts[p] for p in catalogue.paths)
        if decl.type.value == "set" and decl.family is not None
    ]
    assert len(sets) > 3
    bases = _example_vectors(rules)[::30]
    checked = 0
    for i, leaves in sets:
        for value in leaves:
            for complete in (True, False):
                for base in bases:
                    vector = list(base)
                    vector[i] = PartialSet(frozenset({value}), frozenset(), complete)
                    _agree_vector(rules, tuple(vector))
                    checked += 1
    assert checked > 500


def test_chains_nest_and_quantifiers_called_at_several_sites_run_once(
    rules: rongcuo.Ruleset,
) -> None:
    """In status, a clause's items nest, each inside the test that those before left it open
    (a false first item skips the rest at once), and a positive's bars nest after it; a
    quantifier's function called at several sites is run once, into a local set to -1 first.
    The agreement tests above hold these to the closures; this, that they are written."""
    source = rules.program.compiled.source
    status = source[source.index("def status(") : source.index("def decide(")]
    assert re.search(r"^ {24,}if v:$", status, re.M)  # a clause's sixth item, say, nested
    assert re.search(r"^ +if c_B1:\n +v = 0 if c_B1 == 2 else 1\n( +)if v:$", status, re.M)
    cached = re.findall(r"^    (h_q\d+) = -1$", status, re.M)
    assert cached
    for name in cached:
        assert status.count(f"if {name} < 0:") > 1
    # on every example the status and decide agree with the closures (held above); here with
    # each list of records made unknown, so that the cached quantifiers answer unknown
    catalogue = rules.program.catalogue
    assert catalogue is not None
    lists = [
        i for i, p in enumerate(catalogue.paths) if catalogue.decl.facts[p].type.value == "records"
    ]
    for vector in _example_vectors(rules)[::5]:
        changed = list(vector)
        for i in lists:
            changed[i] = None
        _agree_vector(rules, tuple(changed))


def test_quantifiers_gated_by_a_field_on_every_value_of_it(rules: rongcuo.Ruleset) -> None:
    """In one pass over a list, the ``some`` quantifiers whose record truth is false unless a
    field holds one of a few values (their first test a ``within`` of it) are tried under one
    test of that field, on the values any of them passes. Every record of the examples given
    each value of each such field (and an unknown one): the closures' truths."""
    source = rules.program.compiled.source
    gated = sorted(set(re.findall(r"^ +if f_(\w+) in K\d+:$", source, re.M)))
    assert gated  # the acts' kind, in the bundled rules
    catalogue = rules.program.catalogue
    assert catalogue is not None
    lists = [
        (i, catalogue.decl.facts[p])
        for i, p in enumerate(catalogue.paths)
        if catalogue.decl.facts[p].type.value == "records"
    ]
    checked = 0
    for vector in _example_vectors(rules)[::4]:
        for i, decl in lists:
            value = vector[i]
            if not isinstance(value, Records) or not value.items:
                continue
            for field in gated:
                fdecl = next((f for f in decl.fields if f.name == field), None)
                if fdecl is None or fdecl.family is None:
                    continue
                for kind in (None, *catalogue.leaves(fdecl.family)):
                    items = tuple(r.model_copy(update={field: kind}) for r in value.items)
                    changed = list(vector)
                    changed[i] = Records(items, value.complete)
                    _agree_vector(rules, tuple(changed))
                    checked += 1
    assert checked > 200


def test_a_negative_a_quantifier_decides_returns_from_the_pass(rules: rongcuo.Ruleset) -> None:
    """In status, the pass over a list returns ineligible as soon as a record makes true a
    quantifier that a negative holds with (the negative is the quantifier, or an ``any`` with it
    as an item), before the other negatives and the rest of the records; a negative that needs
    more (an ``all`` with the quantifier and another item) is left to its clause. Each example
    with its acts in either order and the list made incomplete: the closures' status."""
    source = rules.program.compiled.source
    status = source[source.index("def status(") : source.index("def decide(")]
    # the version for a filing with one act comes first, nested under the test of that: its
    # pass over the acts is straight-line code, each quantifier returning from its own local
    one = re.search(
        r"^    if x.__class__ is K[0-9]+ and \(a0 := x.one\) is not None:\n(?:        .*\n)+",
        status,
        re.M,
    )
    assert one is not None
    general = status.replace(one.group(0), "")
    returns = re.findall(r"^ {20,}if t == 2:\n +return 1$", general, re.M)
    straight = re.findall(r"^ {8}if q[0-9]+_ == 2:\n {12}return 1$", one.group(0), re.M)
    assert len(straight) == len(returns) - 1  # the pass over the earlier exemptions is a loop
    quantified = {
        c.id
        for c in rules.clauses
        if c.list.value == "negative"
        and any(isinstance(e.test, codegen.Quantifier) for e in c.elements)
    }
    assert 1 < len(returns) < len(quantified)  # not N6: its quantifier and an `any` of tests
    checked = 0
    for vector in _example_vectors(rules):
        for i, value in enumerate(vector):
            if isinstance(value, Records) and len(value.items) > 1:
                changed = list(vector)
                changed[i] = Records(value.items[::-1], value.complete)
                _agree_vector(rules, tuple(changed))
                changed[i] = Records(value.items, False)
                _agree_vector(rules, tuple(changed))
                checked += 1
    assert checked > 5
