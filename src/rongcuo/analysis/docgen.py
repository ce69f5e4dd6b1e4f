"""Generated reference pages: ``docs/clauses.md`` and ``docs/facts.md``, from the rules.

Both pages are pure functions of a :class:`~rongcuo.rules.ruleset.Ruleset` and the filing model, so
a reviewer holding the printed list can check every clause against its encoding without reading
YAML: the citation and verbatim text, each element with the phrase it quotes and its test written
out in words (fact paths with their Chinese titles, enumeration values with theirs), the
interpretive notes, how the elements combine, and the examples kept beside the clause.

Regenerate after changing the rules or the model::

    python -m rongcuo.analysis.docgen docs/          # writes docs/clauses.md and docs/facts.md
    python -m rongcuo.analysis.docgen --check docs/  # exit status 1 when a committed page is stale

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

from ..facts.model import DATE_ORDER, FACTS, FactKind, FactSpec, Filing, TitledEnum
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
    Test,
    clauses_read,
    facts_read,
)

__all__ = ["PAGES", "generate", "main", "render_clauses", "render_facts", "render_test"]

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


def _clause(clause: Clause) -> list[str]:
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
    """Every generated page, by file name."""
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


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
