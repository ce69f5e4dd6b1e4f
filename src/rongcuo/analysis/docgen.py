"""Generated reference pages: ``clauses.md`` and ``facts.md``, from a ruleset.

Both pages are pure functions of a :class:`~rongcuo.rules.ruleset.Ruleset`, so a reviewer holding
the printed list can check every clause against its encoding without reading YAML: the citation
and verbatim text, each element with the phrase it quotes and its test written out in words (fact
paths with their Chinese titles, values with theirs), the interpretive notes, how the elements
combine, and the examples kept beside the clause.

For a ruleset with a facts declaration (filing model v2, ``facts.yaml``) both pages come from the
declaration: ``facts.md`` draws every family as a tree (zh/en titles, classes of errors, opaque
"other" values) and gives every fact by group with its type, titles, question, ``n/a`` meaning,
note and the elements that read it, records with their fields; ``clauses.md`` covers positives,
negatives, bars and companions, with quantifiers, family tests, partial dates and ``n/a`` in
words, and marks what an example states partly (partly known sets, partial dates, ``n/a``,
incomplete lists). A ruleset without one (rule language 1) gets the v1 pages, from the v1 model.

Regenerate after changing the rules or the declaration::

    python -m rongcuo.analysis.docgen docs/          # the bundled rules: writes both pages
    python -m rongcuo.analysis.docgen --check docs/  # exit 1 when stale
    python -m rongcuo.analysis.docgen --rules tests/v1/rules out/  # v1: delete at the flip

The output is deterministic: same rules, same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..facts.declare import FactDecl, FactsDecl, FactType, Family
from ..facts.model import DATE_ORDER, FACTS, FactKind, FactSpec, Filing, TitledEnum
from ..facts.values import NA_TEXT
from ..rules.ruleset import Ruleset
from ..rules.syntax import (
    All,
    Any,
    Clause,
    ClauseRef,
    Element,
    ElementRef,
    FactRef,
    ListKind,
    Node,
    Not,
    Op,
    Quantifier,
    QuantifierKind,
    SameKind,
    Test,
    clauses_read,
    facts_read,
)

__all__ = [
    "PAGES",
    "generate",
    "main",
    "render_clauses",
    "render_clauses_v2",
    "render_facts",
    "render_facts_v2",
    "render_test",
]

#: The pages this module writes, by file name.
PAGES: Final = ("clauses.md", "facts.md")

_REGENERATE: Final = "python -m rongcuo.analysis.docgen docs/"

_OP_WORDS: Final[Mapping[Op, str]] = {
    Op.EQ: "is",
    Op.IN: "is one of",
    Op.CONTAINS: "includes",
    Op.CONTAINS_ANY: "includes any of",
    Op.CONTAINS_ALL: "includes all of",
    Op.LT: "is before",
    Op.LE: "is on or before",
    Op.GT: "is after",
    Op.GE: "is on or after",
}

_NEGATED: Final[Mapping[Op, str]] = {
    Op.EQ: "is not",
    Op.IN: "is none of",
    Op.CONTAINS: "does not include",
    Op.CONTAINS_ANY: "includes none of",
}

_KIND_WORDS: Final[Mapping[FactKind, str]] = {
    FactKind.BOOL: "true / false",
    FactKind.ENUM: "one value",
    FactKind.ENUM_SET: "set of values (`[]` = none)",
    FactKind.DATE: "date (YYYY-MM-DD)",
    FactKind.TEXT: "text",
}


def _header(what: str, rules: Ruleset) -> str:
    return (
        f"<!-- Generated from the rules by `{_REGENERATE}`. Do not edit by hand:"
        " tests/test_docs_generated.py fails when this page is stale. -->\n\n"
        f"# {what}\n\n"
        f"Ruleset: **{rules.label}**, effective {rules.meta.effective.isoformat()}.\n"
    )


# --------------------------------------------------------------------------- tests in words


def _fact(path: str) -> str:
    spec = FACTS[path]
    return f"`{path}` ({spec.zh})"


def _enum_value(spec: FactSpec, value: str) -> str:
    if spec.enum is None:
        return f"`{value}`"
    member: TitledEnum = spec.enum(value)
    return f"`{value}` ({member.zh})"


def _value(spec: FactSpec, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset):
        ordered = _in_enum_order(spec, value)
        return ", ".join(_enum_value(spec, v) for v in ordered)
    return _enum_value(spec, str(value))


def _in_enum_order(spec: FactSpec, values: frozenset[str]) -> list[str]:
    if spec.enum is None:
        return sorted(values)
    order = {m.value: i for i, m in enumerate(spec.enum)}
    return sorted(values, key=lambda v: (order.get(v, len(order)), v))


def _test_words(node: Test) -> str:
    spec = FACTS[node.fact]
    if node.op is Op.KNOWN:
        return f"{_fact(node.fact)} is {'known' if node.value is True else 'unknown'}"
    if isinstance(node.value, FactRef):
        return (
            f"{_fact(node.fact)} {_OP_WORDS[node.op]} the values of {_fact(node.value.path)}"
            if node.op in (Op.CONTAINS_ANY, Op.CONTAINS_ALL)
            else f"{_fact(node.fact)} {_OP_WORDS[node.op]} {_fact(node.value.path)}"
        )
    return f"{_fact(node.fact)} {_OP_WORDS[node.op]} {_value(spec, node.value)}"


def render_test(node: Node, indent: int = 0) -> list[str]:
    """A predicate as nested Markdown list items, one line per node."""
    pad = "  " * indent
    if isinstance(node, Test):
        return [f"{pad}- {_test_words(node)}"]
    if isinstance(node, ClauseRef):
        return [f"{pad}- clause {node.clause} holds"]
    if isinstance(node, ElementRef):
        return [f"{pad}- element `{node.element}` holds"]
    if isinstance(node, Not):
        inner = node.item
        if isinstance(inner, Any):
            return [f"{pad}- none of:", *_items(inner.items, indent + 1)]
        if isinstance(inner, ClauseRef):
            return [f"{pad}- clause {inner.clause} does not hold"]
        if (
            isinstance(inner, Test)
            and inner.op in _NEGATED
            and not isinstance(inner.value, FactRef)
        ):
            spec = FACTS[inner.fact]
            words = _NEGATED[inner.op]
            return [f"{pad}- {_fact(inner.fact)} {words} {_value(spec, inner.value)}"]
        if isinstance(inner, Test):
            return [f"{pad}- not: {_test_words(inner)}"]
        return [f"{pad}- not:", *render_test(inner, indent + 1)]
    if not isinstance(node, All | Any):  # quantifiers and same_kind: rule language 2
        raise TypeError(f"not a rule language 1 predicate: {node!r}")
    word = "all of" if isinstance(node, All) else "any of"
    return [f"{pad}- {word}:", *_items(node.items, indent + 1)]


def _items(items: Sequence[Node], indent: int) -> list[str]:
    return [line for n in items for line in render_test(n, indent)]


def _combination(clause: Clause) -> str:
    node = clause.holds_when
    ids = [e.id for e in clause.elements]
    if (
        isinstance(node, All | Any)
        and [n.element for n in node.items if isinstance(n, ElementRef)] == ids
    ):
        if len(ids) == 1:
            return "The clause holds when its one element holds."
        if isinstance(node, All):
            return "The clause holds when **all** its elements hold (`holds_when: all`)."
        return (
            "The clause holds when **any** of its elements holds (`holds_when: any`). "
            "A near miss of this clause has every element false and names the limb it "
            "illustrates: the clause would hold were that element true."
        )
    return "The clause holds when:\n\n" + "\n".join(render_test(node))


# --------------------------------------------------------------------------- clauses.md


def _element(e: Element) -> list[str]:
    lines = [f"#### `{e.id}`", ""]
    lines += [f"> {p}" for p in e.phrases[:1]]
    for p in e.phrases[1:]:
        lines += [">", f"> {p}"]
    lines += ["", "Test:", "", *render_test(e.test), ""]
    refs = clauses_read(e.test)
    if refs:
        lines += [f"Reads clauses: {', '.join(refs)}.", ""]
    if e.note:
        lines += [f"Note: {e.note.strip()}", ""]
    return lines


def _examples(clause: Clause) -> list[str]:
    if not clause.examples:
        return ["No examples."]
    lines = []
    for ex in clause.examples:
        if ex.holds:
            head = f"- holds: **{ex.name}**"
        else:
            head = f"- near miss, fails on `{ex.fails_on}`: **{ex.name}**"
        summary = ex.filing_data().get("summary")
        if isinstance(summary, str) and summary:
            head += f" — {summary.strip()}"
        if ex.note:
            head += f" *({ex.note.strip()})*"
        lines.append(head)
    return lines


def _clause_head(clause: Clause) -> list[str]:
    """A clause's heading, citation, verbatim text and summary (and the catch-all's note)."""
    cite = clause.citation
    lines = [
        f"### {clause.id}",
        "",
        f"Citation: {cite.render('zh')}",
        "",
        f"> {clause.text}",
        "",
        clause.summary.strip(),
        "",
    ]
    if clause.catch_all:
        lines += [
            "Catch-all: decided only by a recorded determination "
            f"(`determinations.{clause.id}`), never inferred from facts.",
            "",
        ]
    return lines


def _clause(clause: Clause) -> list[str]:
    lines = _clause_head(clause)
    for e in clause.elements:
        lines += _element(e)
    lines += ["#### How the elements combine", "", _combination(clause), ""]
    lines += ["#### Examples", "", *_examples(clause), ""]
    return lines


def render_clauses(rules: Ruleset) -> str:
    """``docs/clauses.md``: every clause, element by element."""
    lines = [
        _header("The clauses of 平纪发〔2022〕4号, element by element", rules),
        "Each clause quotes its item of the source verbatim. Each element quotes the words it "
        "encodes and tests facts of the filing model (see [facts.md](facts.md)); an unknown fact "
        "leaves the test unknown, never false. The reading conventions and the positions taken "
        "on ambiguous points are in [interpretation.md](interpretation.md).",
        "",
    ]
    for kind in (ListKind.POSITIVE, ListKind.NEGATIVE):
        clauses = rules.of_list(kind)
        section = clauses[0].citation.section if clauses else kind.value
        lines += [f"## {section}", ""]
        lines += [f"- [{c.id}](#{c.id.lower()}) {c.summary.strip()}" for c in clauses]
        lines.append("")
        for c in clauses:
            lines += _clause(c)
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- facts.md


def _readers(rules: Ruleset) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind in (ListKind.POSITIVE, ListKind.NEGATIVE):
        for c in rules.of_list(kind):
            for e in c.elements:
                for path in facts_read(e.test):
                    out.setdefault(path, []).append(f"{c.id}.{e.id}")
    return out


def _field(path: str) -> FieldInfo:
    """The model's field for a fact path (``matter.causes`` → ``Matter.model_fields["causes"]``)."""
    *groups, name = path.split(".")
    model: type[BaseModel] = Filing
    for group in groups:
        annotation = model.model_fields[group].annotation
        model = next(
            a
            for a in (annotation, *typing.get_args(annotation))
            if isinstance(a, type) and issubclass(a, BaseModel)
        )
    return model.model_fields[name]


def _fact_note(spec: FactSpec) -> str:
    """What the model's field description says beyond the English title ("" when nothing).

    ``model.fact(zh, en, note)`` describes a field as ``"{en}. {note}"``: the note is the hint a
    filer needs ("list every cause", "[] for none"), and it is what this returns. A description
    written some other way is returned whole.
    """
    description = (_field(spec.path).description or "").strip()
    if description in ("", spec.en):
        return ""
    prefix = f"{spec.en}. "
    return description.removeprefix(prefix) if description.startswith(prefix) else description


def _fact_section(spec: FactSpec, readers: Sequence[str]) -> list[str]:
    lines = [
        f"### `{spec.path}`",
        "",
        f"{spec.zh} — {spec.en}. Kind: {_KIND_WORDS[spec.kind]}.",
        "",
    ]
    note = _fact_note(spec)
    if note:
        stop = "" if note.endswith((".", "。", "!", "?")) else "."
        lines += [f"Note: {note}{stop}", ""]
    if spec.enum is not None:
        lines += ["| value | 中文 | English |", "|---|---|---|"]
        lines += [f"| `{m.value}` | {m.zh} | {m.en} |" for m in spec.enum]
        lines.append("")
    for earlier, later in DATE_ORDER:
        if spec.path in (earlier, later):
            other, relation = (later, "before") if spec.path == earlier else (earlier, "after")
            lines += [
                f"On or {relation} `{other}` ({FACTS[other].zh}) when both are known; a filing "
                "that breaks this order is refused (`filing_dates_out_of_order`).",
                "",
            ]
    if readers:
        lines += ["Read by: " + ", ".join(readers) + ".", ""]
    else:
        lines += ["Read by no clause.", ""]
    return lines


def render_facts(rules: Ruleset) -> str:
    """``docs/facts.md``: every fact path, its titles, the note of its description, its values,
    and which elements read it."""
    readers = _readers(rules)
    specs = sorted(FACTS.values(), key=lambda s: s.order)
    lines = [
        _header("The facts of a filing", rules),
        "Every fact a filing may state, by dotted path, in model order. Every fact may be "
        "unknown (absent or `null`); unknown is not false. A set fact lists everything that "
        "applies, each value once (a value listed twice is refused, `filing_duplicate_value`): "
        "once given, a value it does not list is false, and `[]` is a known "
        '"none". A "Note" is what the field\'s `description` in the filing model (and in '
        "the JSON Schema printed by `rongcuo schema`) says beyond its English title: how to "
        'state the fact. "Read by" names the clause elements (`clause.element`) whose tests '
        "read the fact.",
        "",
    ]
    refs = [
        f"{c.id} reads clauses {', '.join(r)}"
        for c in rules.clauses
        if (r := [cid for e in c.elements for cid in clauses_read(e.test)])
    ]
    if refs:
        lines += ["Besides facts, " + "; ".join(refs) + " (see [clauses.md](clauses.md)).", ""]
    group = ""
    for spec in specs:
        head = spec.path.split(".")[0] if "." in spec.path else ""
        if head != group or spec is specs[0]:
            group = head
            lines += [f"## `{head}`" if head else "## The filing itself", ""]
        lines += _fact_section(spec, readers.get(spec.path, []))
    unread = [s.path for s in specs if s.path not in readers]
    lines += ["## Facts no clause reads", ""]
    lines += [f"- `{p}` ({FACTS[p].zh})" for p in unread]
    lines += [
        "",
        "These are kept for identification, dating and context (case reference, summary, dates, "
        "the reasons and authors of determinations) or for reviewers; no clause turns on them.",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


# --------------------------------------------------------------------------- entry points


def generate(rules: Ruleset) -> dict[str, str]:
    """Every generated page, by file name: from the facts declaration for a v2 ruleset."""
    if rules.program.catalogue is not None:
        return {"clauses.md": render_clauses_v2(rules), "facts.md": render_facts_v2(rules)}
    # v1: delete at the flip
    return {"clauses.md": render_clauses(rules), "facts.md": render_facts(rules)}


def main(argv: Sequence[str] | None = None) -> int:
    """Write the generated pages into a directory, or check that they are up to date."""
    parser = argparse.ArgumentParser(prog="python -m rongcuo.analysis.docgen", description=__doc__)
    parser.add_argument("directory", type=Path, help="where the pages go, e.g. docs/")
    parser.add_argument(
        "--rules", type=Path, default=None, help="rules directory (default: bundled)"
    )
    parser.add_argument("--check", action="store_true", help="report stale pages, write nothing")
    args = parser.parse_args(argv)
    from ..errors import RulesError
    from ..rules.load import load_ruleset

    try:
        rules = load_ruleset(args.rules)
    except RulesError as exc:
        print(exc, file=sys.stderr)
        return 2
    stale = []
    for name, text in generate(rules).items():
        path = args.directory / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(str(path))
        if not args.check:
            args.directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        print(f"stale: {', '.join(stale)}; regenerate with `{_REGENERATE}`", file=sys.stderr)
        return 1
    for p in stale:
        print(f"wrote {p}")
    return 0


# =========================================================================== filing model v2
#
# A ruleset with a facts declaration (rules/facts.yaml) is documented from that declaration:
# families as trees, facts by group with their types, titles, questions and `n/a` meanings,
# records with their fields; clauses with quantifiers, family tests and partial dates in words.

_REGENERATE_V2: Final = "python -m rongcuo.analysis.docgen --rules RULES_DIR DOCS_DIR"

_TYPE_WORDS: Final[Mapping[FactType, str]] = {
    FactType.BOOL: "true / false",
    FactType.ENUM: "one value of a family (a coarse value, above the leaves, may be given)",
    FactType.SET: "set of values of a family, partly known (`{yes, no, complete}`)",
    FactType.DATE: "date, exact or partial (a year, a year-month, or a range)",
    FactType.TEXT: "text",
    FactType.RECORDS: "list of records, possibly incomplete",
}

_LIST_TITLES: Final[Mapping[ListKind, str]] = {
    ListKind.POSITIVE: "Positive list",
    ListKind.NEGATIVE: "Negative list",
    ListKind.BAR: "Bars",
    ListKind.COMPANION: "Companion rules",
}

_DATE_WORDS: Final[Mapping[Op, str]] = {
    Op.BEFORE: "lies wholly before",
    Op.AFTER: "lies wholly after",
    Op.ON_OR_BEFORE: "lies wholly on or before",
    Op.ON_OR_AFTER: "lies wholly on or after",
}


def _declaration(rules: Ruleset) -> FactsDecl:
    catalogue = rules.program.catalogue
    assert catalogue is not None, "a v2 ruleset has a facts declaration"
    return catalogue.decl


def _header_v2(what: str, rules: Ruleset) -> str:
    return (
        f"<!-- Generated from the rules by `{_REGENERATE_V2}`. Do not edit by hand:"
        " tests/test_docs_generated.py fails when this page is stale. -->\n\n"
        f"# {what}\n\n"
        f"Ruleset: **{rules.label}**, effective {rules.meta.effective.isoformat()}; "
        f"facts declaration `sha256:{_declaration(rules).digest[:16]}…` "
        f"(filing model v{_declaration(rules).version}).\n"
    )


class _Words:
    """Tests of a v2 ruleset in words: fact paths and values with their Chinese titles."""

    def __init__(self, decl: FactsDecl) -> None:
        self.decl = decl

    def resolve(self, path: str, scope: Mapping[str, FactDecl]) -> FactDecl:
        head, dot, rest = path.partition(".")
        if dot and head in scope:
            return scope[head].field(rest)
        return self.decl.facts[path]

    def fact(self, path: str, scope: Mapping[str, FactDecl]) -> str:
        return f"`{path}` ({self.resolve(path, scope).zh})"

    def value(self, decl: FactDecl, value: str) -> str:
        if decl.family is None:
            return f"`{value}`"
        found = self.decl.families[decl.family].values.get(value)
        return f"`{value}` ({found.zh})" if found is not None else f"`{value}`"

    def values(self, decl: FactDecl, values: object) -> tuple[int, str]:
        """How many values, and the values in words, in their family's order."""
        items = list(values) if isinstance(values, frozenset) else [str(values)]
        if decl.family is not None:
            order = {v: i for i, v in enumerate(self.decl.families[decl.family].values)}
            items.sort(key=lambda v: (order.get(v, len(order)), v))
        return len(items), ", ".join(self.value(decl, v) for v in items)

    def test(self, node: Test, scope: Mapping[str, FactDecl]) -> str:
        decl = self.resolve(node.fact, scope)
        subject = self.fact(node.fact, scope)
        op, value = node.op, node.value
        if op is Op.KNOWN:
            return f"{subject} is {'known' if value is True else 'unknown'}"
        if op is Op.NA:
            meaning = f": {decl.na[0]} / {decl.na[1]}" if decl.na else ""
            if value is True:
                return f"{subject} does not apply (`n/a`{meaning})"
            return f"{subject} applies (is not `n/a`{meaning})"
        if op is Op.EMPTY:
            return f"{subject} has no member" if value is True else f"{subject} has a member"
        if isinstance(value, FactRef):
            other = self.fact(value.path, scope)
            if op is Op.AFTER_FACT:
                return f"{subject} lies wholly after {other}"
            return f"{subject} {op.value} {other}"
        if op in _DATE_WORDS:
            assert isinstance(value, dt.date)
            return f"{subject} {_DATE_WORDS[op]} {value.isoformat()}"
        if isinstance(value, bool):
            return f"{subject} is {'true' if value else 'false'}"
        count, words = self.values(decl, value)
        if op in (Op.EQ, Op.WITHIN):
            return f"{subject} is within {'any of ' if count > 1 else ''}{words}"
        if op in (Op.CONTAINS, Op.CONTAINS_ANY):
            return f"{subject} includes a value within {'any of ' if count > 1 else ''}{words}"
        return f"{subject} {op.value} {words}"

    def render(self, node: Node, scope: Mapping[str, FactDecl], indent: int = 0) -> list[str]:
        """A predicate as nested Markdown list items, one line per node."""
        pad = "  " * indent
        if isinstance(node, Test):
            return [f"{pad}- {self.test(node, scope)}"]
        if isinstance(node, SameKind):
            return [
                f"{pad}- {self.fact(node.left, scope)} and {self.fact(node.right, scope)} are of "
                "the same kind (同类: one class of errors is at or above both)"
            ]
        if isinstance(node, ClauseRef):
            return [f"{pad}- clause {node.clause} holds"]
        if isinstance(node, ElementRef):
            return [f"{pad}- element `{node.element}` holds"]
        if isinstance(node, Not):
            inner = node.item
            if isinstance(inner, Any):
                return [f"{pad}- none of:", *self._items(inner.items, scope, indent + 1)]
            if isinstance(inner, ClauseRef):
                return [f"{pad}- clause {inner.clause} does not hold"]
            if isinstance(inner, Test):
                return [f"{pad}- not: {self.test(inner, scope)}"]
            return [f"{pad}- not:", *self.render(inner, scope, indent + 1)]
        if isinstance(node, Quantifier):
            records = self.resolve(node.of, scope)
            inner_scope = {**scope, node.name: records}
            which = "**some**" if node.kind is QuantifierKind.SOME else "**every**"
            head = f"{pad}- for {which} record `{node.name}` of {self.fact(node.of, scope)}"
            lines = []
            body: Sequence[Node] = node.that.items if isinstance(node.that, All) else [node.that]
            if node.where is not None:
                lines.append(f"{head} that meets:")
                lines += self.render(node.where, inner_scope, indent + 1)
                lines.append(f"{pad}  - this holds:" if len(body) == 1 else f"{pad}  - all of:")
                lines += self._items(body, inner_scope, indent + 2)
            else:
                lines.append(f"{head}:" if len(body) == 1 else f"{head}, all of:")
                lines += self._items(body, inner_scope, indent + 1)
            return lines
        word = "all of" if isinstance(node, All) else "any of"
        return [f"{pad}- {word}:", *self._items(node.items, scope, indent + 1)]

    def _items(
        self, items: Sequence[Node], scope: Mapping[str, FactDecl], indent: int
    ) -> list[str]:
        return [line for n in items for line in self.render(n, scope, indent)]


def _partial_notes(data: Mapping[str, object], decl: FactsDecl) -> list[str]:
    """What an example's filing states as partial knowledge: partly known sets, partial dates,
    `n/a`, incomplete lists of records."""
    notes: list[str] = []

    def visit(value: object, fact: FactDecl, path: str) -> None:
        if value == NA_TEXT:
            notes.append(f"`{path}` n/a")
        elif fact.type is FactType.SET and isinstance(value, Mapping):
            notes.append(f"`{path}` partly known")
        elif fact.type is FactType.DATE and isinstance(value, Mapping):
            notes.append(f"`{path}` a range")
        elif fact.type is FactType.DATE and isinstance(value, str) and len(value) < 10:
            notes.append(f"`{path}` {value}")
        elif fact.type is FactType.RECORDS:
            items = value
            if isinstance(value, Mapping):
                items = value.get("items", [])
                if value.get("complete") is False:
                    notes.append(f"`{path}` incomplete")
            if isinstance(items, list):
                for i, record in enumerate(items):
                    if isinstance(record, Mapping):
                        for f in fact.fields:
                            if f.name in record:
                                visit(record[f.name], f, f"{path}[{i}].{f.name}")

    for group in decl.groups:
        if group.id == "determinations":
            continue
        section = data if group.id == "filing" else data.get(group.id)
        for fact in group.facts:
            if isinstance(section, Mapping) and fact.name in section:
                visit(section[fact.name], fact, fact.path)
            elif fact.type is FactType.RECORDS and fact.name == "items" and section is not None:
                visit(section, fact, fact.path)  # the group given as its list: acts: [...]
    return notes


def _examples_v2(clause: Clause, decl: FactsDecl) -> list[str]:
    if not clause.examples:
        return ["No examples."]
    lines = []
    for ex in clause.examples:
        if ex.holds:
            head = f"- holds: **{ex.name}**"
        else:
            head = f"- near miss, fails on `{ex.fails_on}`: **{ex.name}**"
        data = ex.filing_data()
        summary = data.get("summary")
        if isinstance(summary, str) and summary:
            head += f" — {summary.strip()}"
        partial = _partial_notes(data, decl)
        if partial:
            head += f" [partial: {'; '.join(partial)}]"
        if ex.note:
            head += f" *({ex.note.strip()})*"
        lines.append(head)
    return lines


def _clause_v2(clause: Clause, words: _Words, decl: FactsDecl) -> list[str]:
    lines = _clause_head(clause)
    if clause.bars:
        lines += [
            "Takes out, when it holds: " + ", ".join(clause.bars) + " (each of them stays "
            "true, and is reported as barred; the bar never makes a matter ineligible).",
            "",
        ]
    if clause.list is ListKind.COMPANION:
        lines += ["Reported beside the verdict when it holds or is unknown; never changes it.", ""]
    for e in clause.elements:
        lines += [f"#### `{e.id}`", ""]
        lines += [f"> {p}" for p in e.phrases[:1]]
        for p in e.phrases[1:]:
            lines += [">", f"> {p}"]
        lines += ["", "Test:", "", *words.render(e.test, {}), ""]
        refs = clauses_read(e.test)
        if refs:
            lines += [f"Reads clauses: {', '.join(refs)}.", ""]
        if e.note:
            lines += [f"Note: {' '.join(e.note.split())}", ""]
    lines += ["#### How the elements combine", "", _combination(clause), ""]
    lines += ["#### Examples", "", *_examples_v2(clause, decl), ""]
    return lines


def render_clauses_v2(rules: Ruleset) -> str:
    """``clauses.md`` of a v2 ruleset: every clause of every list, element by element."""
    decl = _declaration(rules)
    words = _Words(decl)
    lines = [
        _header_v2("The clauses, element by element", rules),
        "Each clause quotes its item of the source verbatim. Each element quotes the words it "
        "encodes and tests facts of the filing (see [facts.md](facts.md)). Truth is "
        "three-valued and exact: a test is unknown only when the filing leaves open a way to "
        "make it true and a way to make it false. *Within* a value means that value or one "
        "below it in its family; a coarse value that may or may not fall inside is unknown. "
        "A set *includes a value within* a family value when a member known to be in the set "
        "falls within it; it fails only when every value within it is known to be absent. A "
        "partial date *lies wholly before* a day when every day it may be is before it. A fact "
        "declared with `na:` may be `n/a`, and then meets no test but `does not apply`. "
        "*Some* record of a list holds when one known record does; it fails only when every "
        "record fails and the list is complete. *Every* record holds when each known record "
        "does and the list is complete; it fails when one record fails. The positions taken "
        "on ambiguous points are in the interpretation notes (`interpretation-v2.md`, to "
        "become `interpretation.md`).",
        "",
        "The decision: a negative that holds makes the matter ineligible, whatever positive "
        "holds. A bar that holds takes out the positives it names. Companion rules are "
        "reported beside the verdict and never change it.",
        "",
    ]
    for kind in ListKind:
        clauses = rules.of_list(kind)
        if not clauses:
            continue
        sections = sorted({c.citation.section for c in clauses})
        lines += [f"## {_LIST_TITLES[kind]}: {'; '.join(sections)}", ""]
        lines += [f"- [{c.id}](#{c.id.lower()}) {c.summary.strip()}" for c in clauses]
        lines.append("")
        for c in clauses:
            lines += _clause_v2(c, words, decl)
    return "\n".join(lines).rstrip("\n") + "\n"


def _readers_v2(rules: Ruleset) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in rules.clauses:
        for e in c.elements:
            for path in facts_read(e.test):
                out.setdefault(path, []).append(f"{c.id}.{e.id}")
    return out


def _family_users(decl: FactsDecl) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for fact in decl.facts.values():
        for f in (fact, *fact.fields):
            if f.family is not None:
                out.setdefault(f.family, []).append(f.path)
    return out


def _family_tree(family: Family) -> list[str]:
    lines: list[str] = []

    def walk_value(v: str, depth: int) -> None:
        value = family.values[v]
        marks = []
        if value.kind_class:
            marks.append("a class of errors (同类)")
        if value.opaque:
            marks.append("opaque “other …”: 同类 with a value only through a class above it")
        also = value.parents[1:]
        if also:
            marks.append("also within " + ", ".join(f"`{p}`" for p in also))
        tail = f" — *{'; '.join(marks)}*" if marks else ""
        lines.append(f"{'  ' * depth}- `{v}` {value.zh} — {value.en}{tail}")
        for child in family.children(v):
            if family.values[child].parents[0] == v:
                walk_value(child, depth + 1)

    for root in family.roots():
        walk_value(root, 0)
    return lines


def _fact_v2(fact: FactDecl, readers: Mapping[str, list[str]], level: str) -> list[str]:
    kind = _TYPE_WORDS[fact.type]
    if fact.family is not None:
        kind += f"; family [`{fact.family}`](#family-{fact.family.replace('_', '-')})"
    if fact.type is FactType.RECORDS:
        kind += f"; records of class `{fact.record}`, fields below"
    lines = [
        f"{level} `{fact.path}`",
        "",
        f"{fact.zh} — {fact.en}.",
        "",
        f"- Type: {kind}.",
        f"- Question: {fact.question_zh} / {fact.question_en}",
    ]
    if fact.na is not None:
        lines.append(f"- `n/a` (not applicable) means: {fact.na[0]} — {fact.na[1]}.")
    if fact.note:
        lines.append(f"- Note: {' '.join(fact.note.split())}")
    read = readers.get(fact.path, [])
    lines.append("- Read by: " + (", ".join(read) + "." if read else "no clause."))
    lines.append("")
    return lines


def render_facts_v2(rules: Ruleset) -> str:
    """``facts.md`` of a v2 ruleset: the families as trees, then every fact by group."""
    decl = _declaration(rules)
    readers = _readers_v2(rules)
    users = _family_users(decl)
    lines = [
        _header_v2("The facts of a filing", rules),
        "Every fact a filing may state, by dotted path, in declaration order, from the facts "
        "declaration beside the rules (`facts.yaml`). Every fact may be unknown (absent or "
        "`null`); unknown is not false. An *enum* fact takes one value of its family, and may "
        "take a coarse value (one with values below it) when that is all that is known. A "
        "*set* fact is a plain list (complete: every value not listed is absent, `[]` is a known "
        "“none”) or `{yes: [...], no: [...], complete: false}` (known present, known absent, the "
        "rest unknown). A *date* is exact (`2023-05-17`) or partial (`2023-05`, `2023`, "
        "`{from: '2012', to: '2013'}`), never padded to a day. A *records* fact is a list of "
        "records, each with its own facts; a plain list is complete, `{items: [...], complete: "
        "false}` says more may exist. A fact with an `n/a` meaning may be given as `n/a`: the "
        "words of a clause presuppose something that is absent here. “Read by” names the "
        "clause elements (`clause.element`) whose tests read the fact; a path `acts.items[].kind` "
        "is the field `kind` of every record.",
        "",
        "## Families",
        "",
        "A family is a vocabulary of values, nested: a value *within* another is that value "
        "or below it. A class of errors (a value marked 同类) groups the kinds that count as the "
        "same kind: two values are 同类 when one class is at or above both. An opaque “other …” "
        "value is 同类 with another only through a class above it; under no class (`other_act`) "
        "it is 同类 with nothing, itself included. In a filing, a value that has values below it "
        "is coarse: it says only that the value lies somewhere within it.",
        "",
    ]
    for family in decl.families.values():
        lines += [
            f'<a id="family-{family.id.replace("_", "-")}"></a>',
            "",
            f"### Family `{family.id}`: {family.zh} — {family.en}",
            "",
            *_family_tree(family),
            "",
            "Used by: " + ", ".join(f"`{p}`" for p in users.get(family.id, [])) + ".",
            "",
        ]
    for group in decl.groups:
        title = "The filing itself" if group.id == "filing" else f"`{group.id}`"
        lines += [f"## {title}: {group.zh} — {group.en}", ""]
        if group.id == "determinations":
            lines += [
                "Built in, not declared: a recorded determination is the only way a catch-all "
                "clause (P15, N9) is decided.",
                "",
            ]
        for fact in group.facts:
            lines += _fact_v2(fact, readers, "###")
            for f in fact.fields:
                lines += _fact_v2(f, readers, "####")
    unread = [
        p for p in decl.all_paths() if p not in readers and decl.fact(p).type is not FactType.TEXT
    ]
    texts = [p for p in decl.all_paths() if decl.fact(p).type is FactType.TEXT]
    lines += ["## Facts no clause reads", ""]
    lines += [f"- `{p}` ({decl.fact(p).zh})" for p in unread]
    lines += [
        "",
        "These are kept for identification, dating and context, or for reviewers; no clause "
        "turns on them. Text facts are never tested: " + ", ".join(f"`{p}`" for p in texts) + ".",
    ]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
