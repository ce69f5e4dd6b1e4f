"""Loading: rule files → a checked, compiled, frozen :class:`~rongcuo.rules.ruleset.Ruleset`.

A ruleset is three YAML files in one directory, and two optional ones::

    ruleset.yaml     version metadata, the documents it cites, what each status entails
    positive.yaml    the positive list (P1…)
    negative.yaml    the negative list (N1…)
    bars.yaml        optional: bars (B1…), each naming the positives it takes out (``bars:``)
    companions.yaml  optional: companion rules (C1…), reported beside the verdict

Loading parses each file safely (:mod:`rongcuo._yaml`), builds the rule tree, types every test
against the filing model (:mod:`rongcuo.rules.check`), compiles it and runs every clause's examples.
All problems in all files are collected and raised together as one
:class:`~rongcuo.errors.RulesError`; a ruleset with any problem is never returned.
The language itself is described in ``docs/rule-language.md``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from .. import reader
from ..engine.evaluate import Program, Truth, combine
from ..errors import FilingError, Location, Problem, RulesError, show, suggest
from ..facts.declare import FactsDecl, load_facts_text
from .cache import cached_load
from .ruleset import Ruleset, register_compiler, register_loader
from .syntax import (
    All,
    Citation,
    Clause,
    ClauseRef,
    Document,
    Element,
    ElementRef,
    Example,
    FactRef,
    ListKind,
    Meta,
    Node,
    Not,
    Op,
    Quantifier,
    QuantifierKind,
    Quote,
    freeze,
)
from .syntax import Any as AnyNode

if TYPE_CHECKING:  # the YAML reader and the checks are imported when a ruleset is loaded,
    # not when it is read from the cache (rules/cache.py): a warm start needs neither
    from .. import _yaml
    from .check import Bound, FactsChecker

#: the most bytes a rule file may hold: the YAML reader's bound (``_yaml.DEFAULT_LIMITS``,
#: which a test holds this to), here so that reading the files for the cache imports no YAML
MAX_RULE_FILE_BYTES: Final = 2 * 1024 * 1024

__all__ = [
    "FILES",
    "MAX_RULE_FILE_BYTES",
    "OPTIONAL_FILES",
    "bundled_rules_dir",
    "bundled_ruleset",
    "load_ruleset",
    "load_ruleset_texts",
]

FILES: Final = ("ruleset.yaml", "positive.yaml", "negative.yaml")
OPTIONAL_FILES: Final = ("bars.yaml", "companions.yaml")
LANGUAGE_VERSION: Final = 1
#: the rule language of a ruleset that declares its facts (facts.yaml: filing model v2)
LANGUAGE_VERSION_V2: Final = 2
FACTS_FILE: Final = "facts.yaml"
MAX_CLAUSES: Final = 500
MAX_PREDICATE_DEPTH: Final = 24
MAX_EXAMPLES: Final = 50

_CLAUSE_ID = re.compile(r"^[PNBC][1-9][0-9]{0,2}$")
_ELEMENT_ID = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
#: what each status entails, and ``not_listed``: the positive list's lead-in, quoted when a
#: recorded determination refuses the positive catch-all (P15) and nothing else covers the matter
_STATUS_KEYS = ("eligible", "ineligible", "needs_determination", "insufficient_facts", "not_listed")

Path_ = tuple[str | int, ...]


class _Reader:
    """Shape checks over one parsed file, collecting problems with their positions."""

    def __init__(self, doc: _yaml.Document, problems: list[Problem]) -> None:
        self.doc = doc
        self.problems = problems
        #: paths of required keys reported missing: not reported again as a wrong type
        self.absent: set[Path_] = set()
        #: (bar id, named clause id, where it is named), checked once every list is read
        self.bar_refs: list[tuple[str, str, Location]] = []
        #: a v2 ruleset's facts, which its tests are typed against (None: the v1 filing model)
        self.facts: FactsChecker | None = None
        #: the language version ruleset.yaml must state
        self.language = LANGUAGE_VERSION

    def loc(self, path: Path_, *, key: bool = False) -> Location:
        return self.doc.loc(path, key=key)

    def err(
        self, code: str, message: str, path: Path_, *, key: bool = False, hint: str = ""
    ) -> None:
        self.problems.append(Problem(code, message, self.loc(path, key=key), hint))

    def mapping(
        self,
        value: object,
        path: Path_,
        what: str,
        *,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.err("rules_wrong_type", f"{what} must be a mapping, got {_type(value)}", path)
            return None
        allowed = required + optional
        for key in value:
            if key not in allowed:
                self.err(
                    "rules_unknown_key",
                    f"{what} has no key {key!r}",
                    (*path, key),
                    key=True,
                    hint=suggest(key, allowed) or "allowed: " + ", ".join(allowed),
                )
        for key in required:
            if key not in value:
                self.err("rules_missing_key", f"{what} needs the key {key!r}", path)
                self.absent.add((*path, key))
        return value

    def string(self, value: object, path: Path_, what: str, *, empty: bool = False) -> str | None:
        if isinstance(value, str) and (empty or value.strip()):
            return value
        if value is None and path in self.absent:
            return None
        self.err("rules_wrong_type", f"{what} must be a non-empty string, got {_type(value)}", path)
        return None

    def date(self, value: object, path: Path_, what: str) -> dt.date | None:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if value is None and path in self.absent:
            return None
        self.err("rules_wrong_type", f"{what} must be a date YYYY-MM-DD, got {_type(value)}", path)
        return None

    def seq(self, value: object, path: Path_, what: str) -> list[Any] | None:
        if isinstance(value, list):
            return value
        if value is None and path in self.absent:
            return None
        self.err("rules_wrong_type", f"{what} must be a list, got {_type(value)}", path)
        return None


def _type(value: object) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


# --------------------------------------------------------------------------- ruleset.yaml


def _read_manifest(
    r: _Reader,
) -> tuple[Meta | None, dict[str, Document] | None, dict[str, tuple[Quote, ...]]]:
    """Metadata, documents (``None`` when some could not be read) and consequences."""
    data = r.mapping(
        r.doc.value,
        (),
        "ruleset.yaml",
        required=("rongcuo", "label", "source", "effective", "documents", "consequences"),
        optional=("description",),
    )
    if data is None:
        return None, None, {}
    if "rongcuo" in data and type(data["rongcuo"]) is not int:  # true == 1 in Python
        r.err(
            "rules_metadata",
            f"the rule language version is a whole number, got {_type(data['rongcuo'])} "
            f"{show(data['rongcuo'])}",
            ("rongcuo",),
            hint=f"rongcuo: {r.language}",
        )
    elif "rongcuo" in data and data["rongcuo"] != r.language:
        why = (
            "a ruleset with facts.yaml is rule language 2"
            if r.language == LANGUAGE_VERSION_V2
            else "a ruleset without facts.yaml is rule language 1 (the v1 filing model)"
        )
        r.err(
            "rules_metadata",
            f"this is rule language {show(data['rongcuo'])}; {why}",
            ("rongcuo",),
            hint=f"rongcuo: {r.language}",
        )
    documents: dict[str, Document] = {}
    # a citation of a document that could not be read is not reported as unknown
    raw_documents = r.seq(data.get("documents"), ("documents",), "documents")
    documents_ok = raw_documents is not None
    for i, raw in enumerate(raw_documents or []):
        p: Path_ = ("documents", i)
        d = r.mapping(raw, p, "a document", required=("id", "issuer", "date", "title"))
        if d is None:
            documents_ok = False
            continue
        parts = (
            r.string(d.get("id"), (*p, "id"), "document id"),
            r.string(d.get("issuer"), (*p, "issuer"), "issuer"),
            r.date(d.get("date"), (*p, "date"), "document date"),
            r.string(d.get("title"), (*p, "title"), "title"),
        )
        if None in parts:
            documents_ok = False
            continue
        doc_id, issuer, date, title = parts
        assert isinstance(doc_id, str) and isinstance(issuer, str)
        assert isinstance(date, dt.date) and isinstance(title, str)
        if doc_id in documents:
            r.err("rules_duplicate_id", f"document {doc_id} is registered twice", (*p, "id"))
        documents[doc_id] = Document(doc_id, issuer, date, title, r.loc(p))
    meta = None
    label = r.string(data.get("label"), ("label",), "label")
    source = r.string(data.get("source"), ("source",), "source")
    effective = r.date(data.get("effective"), ("effective",), "effective")
    description = data.get("description", "")
    if not isinstance(description, str):
        r.err("rules_wrong_type", "description must be a string", ("description",))
        description = ""
    if source is not None and documents_ok and source not in documents:
        r.err(
            "rules_unknown_document",
            f"source {source!r} is not among the documents",
            ("source",),
            hint=suggest(source, documents),
        )
    if label and source and effective:
        meta = Meta(label, source, effective, description, r.loc(()))
    consequences: dict[str, tuple[Quote, ...]] = {}
    cons = r.mapping(
        data.get("consequences", {}),
        ("consequences",),
        "consequences",
        required=(),
        optional=_STATUS_KEYS,
    )
    for status, raw_list in (cons or {}).items():
        if status not in _STATUS_KEYS:
            continue
        quotes: list[Quote] = []
        for i, raw in enumerate(
            r.seq(raw_list, ("consequences", status), "a list of quotes") or []
        ):
            q = _read_quote(
                r, raw, ("consequences", status, i), documents if documents_ok else None
            )
            if q is not None:
                quotes.append(q)
        consequences[status] = tuple(quotes)
    return meta, documents if documents_ok else None, consequences


def _read_citation(
    r: _Reader,
    raw: object,
    path: Path_,
    documents: Mapping[str, Document] | None,
    *,
    item: object = None,
) -> Citation | None:
    c = r.mapping(raw, path, "a citation", required=("document", "section"), optional=("item",))
    if c is None:
        return None
    doc_id = r.string(c.get("document"), (*path, "document"), "citation document")
    section = r.string(c.get("section"), (*path, "section"), "citation section")
    raw_item = c.get("item", item if item is not None else "")
    if not isinstance(raw_item, str | int) or isinstance(raw_item, bool):
        r.err("rules_missing_citation", "a citation item is a number or a string", (*path, "item"))
        return None
    if doc_id is None or section is None or documents is None:
        return None
    doc = documents.get(doc_id)
    if doc is None:
        r.err(
            "rules_unknown_document",
            f"citation names document {doc_id!r}, which ruleset.yaml does not register",
            (*path, "document"),
            hint=suggest(doc_id, documents),
        )
        return None
    return Citation(doc.id, doc.issuer, doc.date, doc.title, section, str(raw_item))


def _read_quote(
    r: _Reader, raw: object, path: Path_, documents: Mapping[str, Document] | None
) -> Quote | None:
    q = r.mapping(raw, path, "a quote", required=("text", "cite"))
    if q is None:
        return None
    text = r.string(q.get("text"), (*path, "text"), "quote text")
    cite = _read_citation(r, q.get("cite"), (*path, "cite"), documents)
    if text is None or cite is None:
        return None
    return Quote(text, cite, r.loc(path))


# --------------------------------------------------------------------------- list files


def _read_list(
    r: _Reader, kind: ListKind, documents: Mapping[str, Document] | None
) -> list[Clause]:
    data = r.mapping(
        r.doc.value,
        (),
        kind.file,
        required=("list", "document", "section", "clauses"),
    )
    if data is None:
        return []
    if data.get("list") != kind.value:
        r.err(
            "rules_list_mismatch",
            f"{r.doc.filename} must say list: {kind.value}, not {data.get('list')!r}",
            ("list",),
        )
        return []
    clauses_raw = r.seq(data.get("clauses"), ("clauses",), "clauses") or []
    if len(clauses_raw) > MAX_CLAUSES:
        r.err("rules_limit", f"more than {MAX_CLAUSES} clauses in one list", ("clauses",))
        return []
    if not clauses_raw and isinstance(data.get("clauses"), list):
        r.err("rules_empty_predicate", f"the {kind.value} list has no clauses", ("clauses",))
    cite_base = {"document": data.get("document"), "section": data.get("section")}
    # the list's citation is checked here, once; its clauses are built only if it is good
    doc_id = r.string(data.get("document"), ("document",), "document")
    section = r.string(data.get("section"), ("section",), "section")
    if doc_id is not None and documents is not None and doc_id not in documents:
        r.err(
            "rules_unknown_document",
            f"document {doc_id!r} is not among the documents ruleset.yaml registers",
            ("document",),
            hint=suggest(doc_id, documents),
        )
        doc_id = None
    if doc_id is None or section is None or documents is None:
        cite_base = {}
    out: list[Clause] = []
    for i, raw in enumerate(clauses_raw):
        clause = _read_clause(r, raw, ("clauses", i), kind, cite_base, documents)
        if clause is not None:
            out.append(clause)
    return out


def _read_clause(
    r: _Reader,
    raw: object,
    path: Path_,
    kind: ListKind,
    cite_base: dict[str, object],
    documents: Mapping[str, Document] | None,
) -> Clause | None:
    is_bar = kind is ListKind.BAR
    c = r.mapping(
        raw,
        path,
        "a clause",
        required=("id", "item", "text", "summary", "elements", *(("bars",) if is_bar else ())),
        optional=("holds_when", "examples", *(() if kind.optional else ("catch_all",))),
    )
    if c is None:
        return None
    cid = c.get("id")
    if not isinstance(cid, str) or not _CLAUSE_ID.match(cid):
        r.err(
            "rules_bad_id", f"a clause id is P<n>, N<n>, B<n> or C<n>, got {cid!r}", (*path, "id")
        )
        return None
    if not cid.startswith(kind.prefix):
        r.err(
            "rules_list_mismatch",
            f"{cid} cannot stand in the {kind.value} list (ids there start with {kind.prefix})",
            (*path, "id"),
        )
        return None
    item = c.get("item")
    if kind is ListKind.COMPANION:  # cites another document's numbering, e.g. item: （七）
        if isinstance(item, str) and not item.strip():
            r.err("rules_missing_citation", f"{cid} must name its item", (*path, "item"))
    elif not isinstance(item, int) or isinstance(item, bool) or str(item) != cid[1:]:
        r.err("rules_missing_citation", f"{cid} must have item: {cid[1:]}", (*path, "item"))
    bars = _read_bars(r, cid, c.get("bars"), (*path, "bars")) if is_bar else ()
    citation = _read_citation(r, cite_base, path, documents, item=item) if cite_base else None
    text = r.string(c.get("text"), (*path, "text"), "clause text")
    summary = r.string(c.get("summary"), (*path, "summary"), "summary")
    catch_all = c.get("catch_all", False)
    if not isinstance(catch_all, bool):
        r.err("rules_wrong_type", "catch_all is true or false", (*path, "catch_all"))
        catch_all = False
    elements: list[Element] = []
    raw_elements = r.seq(c.get("elements", []), (*path, "elements"), "elements") or []
    if not raw_elements and "elements" in c:
        r.err("rules_empty_predicate", f"{cid} has no elements", (*path, "elements"))
    seen: set[str] = set()
    for j, raw_el in enumerate(raw_elements):
        el = _read_element(r, raw_el, (*path, "elements", j), cid)
        if el is None:
            continue
        if el.id in seen:
            r.err(
                "rules_duplicate_id",
                f"{cid} has two elements {el.id!r}",
                (*path, "elements", j, "id"),
            )
            continue
        seen.add(el.id)
        elements.append(el)
    holds_when = _read_combination(r, c.get("holds_when", "all"), (*path, "holds_when"), elements)
    examples = [
        ex
        for j, raw_ex in enumerate(
            (r.seq(c.get("examples", []), (*path, "examples"), "examples") or [])[:MAX_EXAMPLES]
        )
        if (ex := _read_example(r, raw_ex, (*path, "examples", j))) is not None
    ]
    if citation is None or text is None or summary is None or holds_when is None:
        return None
    if len(elements) != len(raw_elements) or not elements:
        return None
    return Clause(
        cid,
        kind,
        citation,
        text,
        summary,
        tuple(elements),
        holds_when,
        catch_all,
        tuple(examples),
        r.loc(path),
        bars,
    )


def _read_bars(r: _Reader, cid: str, raw: object, path: Path_) -> tuple[str, ...]:
    """A bar's ``bars:``: the clause ids it takes out (checked to be positives once all is read)."""
    if raw is None and path in r.absent:
        return ()
    if not isinstance(raw, list) or not raw or not all(isinstance(b, str) for b in raw):
        r.err(
            "rules_wrong_type",
            f"{cid}: bars is a non-empty list of positive clause ids, got {_type(raw)}",
            path,
        )
        return ()
    seen: dict[str, None] = {}
    for i, target in enumerate(raw):
        if target in seen:
            r.err("rules_bar_target", f"{cid} names {target} twice in bars", (*path, i))
            continue
        seen[target] = None
        r.bar_refs.append((cid, target, r.loc((*path, i))))
    return tuple(seen)


def _check_bar_targets(
    refs: list[tuple[str, str, Location]], clauses: list[Clause]
) -> list[Problem]:
    """Every clause a bar names is a positive clause of the ruleset."""
    lists = {c.id: c.list for c in clauses}
    positives = sorted(k for k, v in lists.items() if v is ListKind.POSITIVE)
    problems: list[Problem] = []
    for bar, target, loc in refs:
        kind = lists.get(target)
        if kind is ListKind.POSITIVE:
            continue
        found = f"a {kind.value} clause" if kind else "not a clause of this ruleset"
        problems.append(
            Problem(
                "rules_bar_target",
                f"{bar} bars {target!r}, which is {found}; a bar takes out positive clauses only",
                loc,
                suggest(target, positives) if kind is None else "",
            )
        )
    return problems


def _read_element(r: _Reader, raw: object, path: Path_, cid: str) -> Element | None:
    e = r.mapping(raw, path, "an element", required=("id", "phrase", "test"), optional=("note",))
    if e is None:
        return None
    eid = e.get("id")
    if not isinstance(eid, str) or not _ELEMENT_ID.match(eid):
        r.err("rules_bad_id", f"an element id is snake_case, got {eid!r}", (*path, "id"))
        eid = None
    raw_phrase = e.get("phrase")
    phrases: tuple[str, ...] | None = None
    if isinstance(raw_phrase, str) and raw_phrase:
        phrases = (raw_phrase,)
    elif (
        isinstance(raw_phrase, list)
        and raw_phrase
        and all(isinstance(p, str) and p for p in raw_phrase)
    ):
        phrases = tuple(raw_phrase)
    elif (*path, "phrase") not in r.absent:
        r.err(
            "rules_wrong_type",
            "phrase is the quoted words, a string or a list of strings",
            (*path, "phrase"),
        )
    note = e.get("note", "")
    if not isinstance(note, str):
        r.err("rules_wrong_type", "note must be a string", (*path, "note"))
        note = ""
    test = _read_node(r, e.get("test"), (*path, "test"), 0) if "test" in e else None
    if test is not None and r.facts is not None:
        r.problems.extend(r.facts.impossible(test, ()))
    if eid is None or phrases is None or test is None:
        return None
    return Element(eid, phrases, test, note, r.loc(path))


_CONNECTIVES = ("all", "any", "not", "clause", "fact")
#: rule language 2 adds the quantifiers and same_kind (docs/design-v2.md §3)
_CONNECTIVES_V2 = (*_CONNECTIVES, "some", "every", "same_kind")
_QUANTIFIER_KEYS = ("as", "where", "that")


def _read_node(r: _Reader, raw: object, path: Path_, depth: int, bound: Bound = ()) -> Node | None:
    if depth > MAX_PREDICATE_DEPTH:
        r.err("too_deep", f"a predicate nests deeper than {MAX_PREDICATE_DEPTH}", path)
        return None
    if not isinstance(raw, dict) or not raw:
        r.err("rules_wrong_type", f"a test is a mapping, got {_type(raw)}", path)
        return None
    loc = r.loc(path)
    if "fact" in raw:
        return _read_test(r, raw, path, loc, bound)
    connectives = _CONNECTIVES if r.facts is None else _CONNECTIVES_V2
    if r.facts is not None and ("some" in raw or "every" in raw):
        return _read_quantifier(r, raw, path, depth, bound)
    keys = [k for k in raw if k in connectives]
    extra = [k for k in raw if k not in connectives]
    for k in extra:
        hint = suggest(k, [*connectives, *(o.value for o in Op)])
        if r.facts is None and k in _CONNECTIVES_V2:
            hint = "quantifiers and same_kind are rule language 2: a ruleset with facts.yaml"
        r.err(
            "rules_bad_operator",
            f"{k!r} is not a connective or a test",
            (*path, k),
            key=True,
            hint=hint,
        )
    if len(keys) != 1:
        if not extra:
            r.err(
                "rules_bad_operator", "a node has exactly one of: " + ", ".join(connectives), path
            )
        return None
    key = keys[0]
    value = raw[key]
    if key in ("all", "any"):
        items_raw = r.seq(value, (*path, key), key)
        if items_raw is None:
            return None
        if not items_raw:
            r.err("rules_empty_predicate", f"{key} needs at least one operand", (*path, key))
            return None
        items = [
            _read_node(r, v, (*path, key, i), depth + 1, bound) for i, v in enumerate(items_raw)
        ]
        if any(i is None for i in items):
            return None
        good = tuple(i for i in items if i is not None)
        return All(good, loc) if key == "all" else AnyNode(good, loc)
    if key == "not":
        inner = _read_node(r, value, (*path, "not"), depth + 1, bound)
        return None if inner is None else Not(inner, loc)
    if key == "same_kind" and r.facts is not None:
        return r.facts.same_kind(value, bound, r.loc((*path, key)), r.problems)
    if not isinstance(value, str) or not _CLAUSE_ID.match(value):
        r.err("rules_bad_id", f"clause: takes a clause id, got {value!r}", (*path, "clause"))
        return None
    if bound:
        r.err(
            "rules_bad_operator",
            "clause: cannot stand inside a quantifier (a clause is about the whole matter)",
            (*path, "clause"),
            key=True,
        )
        return None
    return ClauseRef(value, loc)


def _read_quantifier(
    r: _Reader, raw: dict[str, Any], path: Path_, depth: int, bound: Bound
) -> Node | None:
    """``{some|every: <records fact>, as: name, where: …, that: …}`` (rule language 2)."""
    assert r.facts is not None
    kinds = [k for k in ("some", "every") if k in raw]
    extra = [k for k in raw if k not in (*kinds, *_QUANTIFIER_KEYS)]
    for k in extra:
        r.err(
            "rules_unknown_key",
            f"a quantifier has no key {k!r}",
            (*path, k),
            key=True,
            hint=suggest(k, ["some", "every", *_QUANTIFIER_KEYS]) or "keys: as, where, that",
        )
    if len(kinds) != 1:
        r.err("rules_bad_operator", "a quantifier is some: or every:, not both", path)
        return None
    for k in ("as", "that"):
        if k not in raw:
            r.err("rules_missing_key", f"a quantifier needs the key {k!r}", path)
    if extra or "as" not in raw or "that" not in raw:
        return None
    kind = QuantifierKind(kinds[0])
    of = raw[kind.value]
    if not isinstance(of, str):
        r.err("rules_wrong_type", f"{kind.value}: names a records fact", (*path, kind.value))
        return None
    records = r.facts.records(of, bound, r.loc((*path, kind.value)), r.problems)
    name = r.facts.bind(raw["as"], bound, r.loc((*path, "as")), r.problems)
    if records is None or name is None:
        return None
    inner: Bound = (*bound, (name, records))
    where = None
    if "where" in raw:
        where = _read_node(r, raw["where"], (*path, "where"), depth + 1, inner)
        if where is None:
            return None
    that = _read_node(r, raw["that"], (*path, "that"), depth + 1, inner)
    if that is None:
        return None
    return Quantifier(kind, of, name, where, that, r.loc(path))


def _read_test(
    r: _Reader, raw: dict[str, Any], path: Path_, loc: Location, bound: Bound = ()
) -> Node | None:
    fact = raw["fact"]
    if not isinstance(fact, str):
        r.err("rules_wrong_type", "fact takes a dotted fact path", (*path, "fact"))
        return None
    ops = [k for k in raw if k != "fact"]
    known_ops = {o.value for o in Op}
    bad = [k for k in ops if k not in known_ops]
    for k in bad:
        r.err(
            "rules_bad_operator",
            f"{k!r} is not an operator",
            (*path, k),
            key=True,
            hint=suggest(k, known_ops) or "operators: " + ", ".join(sorted(known_ops)),
        )
    if bad:
        return None
    if len(ops) != 1:
        r.err(
            "rules_bad_operator",
            f"a test on {fact!r} needs exactly one operator, got {len(ops)}",
            path,
        )
        return None
    op = Op(ops[0])
    value = raw[ops[0]]
    if isinstance(value, dict):
        if set(value) != {"fact"} or not isinstance(value["fact"], str):
            r.err(
                "rules_value_type",
                "a fact comparison's right side is {fact: path}",
                (*path, op.value),
            )
            return None
        value = FactRef(value["fact"])
    if r.facts is not None:
        return r.facts.test(fact, op, value, bound, loc, r.problems)
    from .check import typed_test

    return typed_test(fact, op, value, loc, r.problems)


def _read_combination(r: _Reader, raw: object, path: Path_, elements: list[Element]) -> Node | None:
    if raw in ("all", "any"):
        refs = tuple(ElementRef(e.id, e.loc) for e in elements)
        if not refs:
            return None
        return All(refs, r.loc(path)) if raw == "all" else AnyNode(refs, r.loc(path))
    return _read_combination_node(r, raw, path, 0)


def _read_combination_node(r: _Reader, raw: object, path: Path_, depth: int) -> Node | None:
    if isinstance(raw, str):
        return ElementRef(raw, r.loc(path))
    if depth > MAX_PREDICATE_DEPTH:
        r.err("too_deep", f"holds_when nests deeper than {MAX_PREDICATE_DEPTH}", path)
        return None
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in ("all", "any", "not"):
        r.err(
            "rules_wrong_type",
            "holds_when is all, any, or {all|any: [element ids or nodes]} or {not: …}",
            path,
        )
        return None
    key, value = next(iter(raw.items()))
    if key == "not":
        inner = _read_combination_node(r, value, (*path, "not"), depth + 1)
        return None if inner is None else Not(inner, r.loc(path))
    items_raw = r.seq(value, (*path, key), key)
    if not items_raw:
        if items_raw is not None:
            r.err("rules_empty_predicate", f"{key} needs at least one operand", (*path, key))
        return None
    items = [
        _read_combination_node(r, v, (*path, key, i), depth + 1) for i, v in enumerate(items_raw)
    ]
    if any(i is None for i in items):
        return None
    good = tuple(i for i in items if i is not None)
    return All(good, r.loc(path)) if key == "all" else AnyNode(good, r.loc(path))


def _read_example(r: _Reader, raw: object, path: Path_) -> Example | None:
    e = r.mapping(
        raw,
        path,
        "an example",
        required=("name", "expect", "filing"),
        optional=("fails_on", "note"),
    )
    if e is None:
        return None
    name = r.string(e.get("name"), (*path, "name"), "example name")
    expect = e.get("expect")
    if expect not in ("holds", "fails"):
        r.err("rules_example", f"expect is holds or fails, got {expect!r}", (*path, "expect"))
        return None
    fails_on = e.get("fails_on", "")
    if expect == "fails" and not (isinstance(fails_on, str) and fails_on):
        r.err("rules_example", "a near miss names the one element it fails on (fails_on)", path)
        return None
    if expect == "holds" and fails_on:
        r.err("rules_example", "an example that holds fails on no element", (*path, "fails_on"))
        return None
    note = e.get("note", "")
    filing = e.get("filing")
    if not isinstance(filing, dict):
        r.err("rules_example", "an example's filing is a mapping of facts", (*path, "filing"))
        return None
    if name is None or not isinstance(note, str) or not isinstance(fails_on, str):
        return None
    frozen = freeze(filing)
    assert isinstance(frozen, tuple)
    return Example(name, expect == "holds", frozen, fails_on, note, r.loc(path))


# --------------------------------------------------------------------------- examples at load time


def _check_examples(
    clauses: list[Clause], program: Program, docs: Mapping[str, _yaml.Document]
) -> list[Problem]:
    from ..facts.filings import parse_filing

    problems: list[Problem] = []
    parse: Callable[[dict[str, object]], Any] = parse_filing
    if program.catalogue is None and any(c.examples for c in clauses):
        # v1: delete with the v1 path (a ruleset without facts.yaml reads with the first model)
        from ..facts.models import model_for

        parse = model_for(None).parse
    if program.catalogue is not None and any(c.examples for c in clauses):
        parse_v2 = _v2_parser(program.catalogue.decl)
        if parse_v2 is None:
            problems.extend(
                Problem(
                    "rules_example",
                    f"{clause.id} example {ex.name!r}: this facts.yaml is not the declaration "
                    "rongcuo's filing model was generated from, so no filing can be read for it",
                    ex.loc,
                    "regenerate the model (python -m rongcuo.facts.generate), or drop examples",
                )
                for clause in clauses
                for ex in clause.examples
            )
            return problems
        parse = parse_v2
    for clause in clauses:
        for ex in clause.examples:
            try:  # the checks a filing document gets (a value listed twice included)
                filing = parse(ex.filing_data())
            except FilingError as exc:
                for p in exc.problems:
                    where = ".".join(str(part) for part in p.location.path)
                    problems.append(
                        Problem(
                            "rules_example",
                            f"{clause.id} example {ex.name!r}: {where}: {p.code}: {p.message}",
                            ex.loc,
                        )
                    )
                continue
            memo: dict[str, Truth] = {}
            value = program.clause_value(clause.id, filing, memo)
            elements = {
                e.id: program.element_value(clause.id, e.id, filing, memo) for e in clause.elements
            }
            if ex.holds:
                if value is not Truth.TRUE:
                    bad = [k for k, v in elements.items() if v is not Truth.TRUE]
                    problems.append(
                        Problem(
                            "rules_example",
                            f"{clause.id} example {ex.name!r} should hold but is {value}; "
                            f"elements not true: {', '.join(bad)}",
                            ex.loc,
                        )
                    )
                continue
            if ex.fails_on not in elements:
                problems.append(
                    Problem(
                        "rules_example",
                        f"{clause.id} example {ex.name!r} fails on {ex.fails_on!r}, not an element",
                        ex.loc,
                        suggest(ex.fails_on, elements),
                    )
                )
                continue
            # Fails on that element alone: the clause is false, and would hold were the element
            # true (for `all`, every other element is true; for `any`, every other is false).
            flipped = combine(clause.holds_when, {**elements, ex.fails_on: Truth.TRUE})
            if (
                value is not Truth.FALSE
                or elements[ex.fails_on] is not Truth.FALSE
                or flipped is not Truth.TRUE
            ):
                others = ", ".join(f"{k} {v}" for k, v in elements.items() if k != ex.fails_on)
                problems.append(
                    Problem(
                        "rules_example",
                        f"{clause.id} near miss {ex.name!r} must fail on {ex.fails_on} alone: "
                        f"clause {value}, {ex.fails_on} {elements[ex.fails_on]}, "
                        f"with it true the clause would be {flipped} (others: {others})",
                        ex.loc,
                    )
                )
    return problems


def _check_determinations(
    facts: FactsDecl, clauses: Sequence[Clause], doc: _yaml.Document
) -> Iterable[Problem]:
    """Each clause named under facts.yaml's ``determinations:`` is a catch-all of the ruleset."""
    catch_alls = {c.id for c in clauses if c.catch_all}
    for i, cid in enumerate(facts.determinations):
        if cid not in catch_alls:
            yield Problem(
                "rules_catch_all",
                f"facts.yaml declares a determination for {cid}, which is not a catch-all "
                "clause of this ruleset",
                doc.loc(("determinations", i)),
                suggest(cid, sorted(catch_alls)),
            )


def _v2_parser(decl: FactsDecl) -> Callable[[dict[str, object]], Any] | None:
    """The v2 filing parser of this declaration: the generated model's for the bundled one, a
    model built from the declaration for a revision (:func:`rongcuo.facts.models.model_for`), so
    that a revision's examples are checked like the bundled ones."""
    from ..facts.models import model_for  # imported only by a v2 ruleset with examples

    parse: Callable[[dict[str, object]], Any] = model_for(decl).parse
    return parse


# --------------------------------------------------------------------------- entry points


def load_ruleset_texts(
    texts: Mapping[str, bytes | str],
    *,
    origin: str = "",
    limits: _yaml.Limits | None = None,
) -> Ruleset:
    """Load a ruleset from the contents of its files, keyed by file name.

    ``bars.yaml`` and ``companions.yaml`` are optional; the other three are required.

    ``origin`` prefixes the file names in error locations (a directory, or ``git:REV``).
    ``limits`` bounds what each YAML document may cost (default: ``_yaml.DEFAULT_LIMITS``).
    """
    from .. import _yaml

    if limits is None:
        limits = _yaml.DEFAULT_LIMITS
    problems: list[Problem] = []
    docs: dict[str, _yaml.Document] = {}
    facts: FactsDecl | None = None
    present = (*OPTIONAL_FILES, FACTS_FILE)
    for name in (*FILES, *(f for f in present if f in texts)):
        if origin.startswith("git:"):
            shown = f"{origin}:{name}"
        else:
            shown = str(Path(origin) / name) if origin else name
        if name not in texts:
            problems.append(
                Problem("rules_missing_file", f"the ruleset has no {name}", Location(shown))
            )
            continue
        try:
            docs[name] = _yaml.load_yaml(
                texts[name], filename=shown, limits=limits, error=RulesError
            )
            if name == FACTS_FILE:  # a ruleset that declares its facts: filing model v2
                facts = load_facts_text(texts[name], shown)
        except RulesError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RulesError(problems)
    from .check import FactsChecker, check_clauses

    checker = None if facts is None else FactsChecker(facts)
    manifest = _Reader(docs["ruleset.yaml"], problems)
    manifest.language = LANGUAGE_VERSION if facts is None else LANGUAGE_VERSION_V2
    meta, documents, consequences = _read_manifest(manifest)
    clauses: list[Clause] = []
    bar_refs: list[tuple[str, str, Location]] = []
    for kind in ListKind:
        if kind.file in docs:
            reader = _Reader(docs[kind.file], problems)
            reader.facts = checker
            clauses.extend(_read_list(reader, kind, documents))
            bar_refs.extend(reader.bar_refs)
    problems.extend(check_clauses(clauses))
    problems.extend(_check_bar_targets(bar_refs, clauses))
    if "not_listed" not in consequences and any(
        c.catch_all and c.list is ListKind.POSITIVE for c in clauses
    ):
        problems.append(
            Problem(
                "rules_missing_key",
                "the positive list has a catch-all, so consequences needs not_listed: the "
                "positive list's lead-in, quoted when a determination refuses the catch-all",
                docs["ruleset.yaml"].loc(("consequences",)),
            )
        )
    for kind in ListKind:
        catch_alls = [c for c in clauses if c.list is kind and c.catch_all]
        if len(catch_alls) > 1:
            problems.append(
                Problem(
                    "rules_catch_all",
                    f"the {kind.value} list has {len(catch_alls)} catch-alls "
                    f"({', '.join(c.id for c in catch_alls)}); at most one",
                    catch_alls[1].loc,
                )
            )
    if facts is not None:
        problems.extend(_check_determinations(facts, clauses, docs[FACTS_FILE]))
    if problems or meta is None or documents is None:
        if not problems:
            problems.append(Problem("rules_metadata", "ruleset metadata is incomplete", Location()))
        raise RulesError(problems)
    program = Program(clauses, facts)
    problems.extend(_check_examples(clauses, program, docs))
    if problems:
        raise RulesError(problems)
    return Ruleset(
        meta,
        documents,
        tuple(clauses),
        consequences,
        program=program,
        origin=origin,
        facts=None if facts is None else docs[FACTS_FILE].value,
    )


def _compile(clauses: tuple[Clause, ...], facts: object) -> Program:
    """``Program(clauses)``, with a v2 ruleset's facts declaration when it has one."""
    args: tuple[Any, ...] = (clauses,) if facts is None else (clauses, facts)
    return Program(*args)


register_loader(load_ruleset_texts)  # texts pickled by an older rongcuo are loaded again
register_compiler(_compile)  # a pickled Ruleset's clauses are compiled again


def load_ruleset(directory: str | os.PathLike[str] | None = None) -> Ruleset:
    """Load the ruleset in ``directory``, or the bundled one when it is ``None``."""
    if directory is None:
        return bundled_ruleset()
    if not isinstance(directory, str | os.PathLike):
        raise TypeError(
            "load_ruleset(directory=...): pass a directory path (str or pathlib.Path) or None "
            f"for the bundled rules, not {type(directory).__name__}"
        )
    if not os.fspath(directory):  # Path("") is "." : an empty name would read the current directory
        raise RulesError(
            [Problem("io_error", "an empty path names no ruleset directory", Location(""))]
        )
    root = Path(directory)
    texts: dict[str, bytes] = {}
    problems: list[Problem] = []
    if not root.is_dir():
        raise RulesError([Problem("io_error", f"{root} is not a directory", Location(str(root)))])
    for name in (*FILES, *OPTIONAL_FILES, FACTS_FILE):
        path = root / name
        if not path.is_symlink() and not path.exists():
            continue  # an optional file left out, or a missing one (rules_missing_file)
        try:  # bounded, regular files only: a symlink to /dev/zero is refused (rongcuo.reader)
            texts[name] = reader.read_file(
                path, limit=MAX_RULE_FILE_BYTES, error=RulesError, what="a rule file"
            )
        except RulesError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RulesError(problems)
    # a ruleset checked before (same bytes, same rongcuo) comes from the cache (rules/cache.py)
    return cached_load(texts, str(root), load=load_ruleset_texts, compile_=Program)


def bundled_rules_dir() -> Path:
    """Where the bundled rules are: inside the installed package, or the checkout's ``rules/``."""
    # the package's own directory (a file path, as importlib.resources gives for an installed
    # package; no resources import at start-up)
    packaged = Path(__file__).parents[1] / "_bundled_rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "rules"
    if (checkout / "ruleset.yaml").is_file():
        return checkout
    raise RulesError(
        [
            Problem(
                "rules_missing_file",
                "the bundled rules are missing from this installation",
                Location(str(packaged)),
            )
        ]
    )


@functools.cache
def bundled_ruleset() -> Ruleset:
    """The bundled 平纪发〔2022〕4号 ruleset, loaded once per process."""
    return load_ruleset(bundled_rules_dir())
