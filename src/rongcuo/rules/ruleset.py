"""A loaded ruleset: frozen, checked, compiled, and identified by a content digest.

The digest is a SHA-256 over the ruleset's canonical data: metadata, documents, consequences and
every clause (sorted by id) with its text, citation, elements, notes, predicates and examples. It
ignores YAML formatting, comments, key order and the order of clauses in a file, and changes
whenever any text or meaning changes.

A ruleset pickles as its canonical data and is rebuilt (and re-checked) on unpickling, so it can
be shipped to worker processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..facts.models import FilingModel, model_for
from .syntax import (
    All,
    Citation,
    Clause,
    ClauseRef,
    Document,
    ElementRef,
    FactRef,
    ListKind,
    Meta,
    Node,
    Not,
    Quantifier,
    Quote,
    SameKind,
    Test,
)
from .syntax import Any as AnyNode

if TYPE_CHECKING:
    from ..engine.evaluate import Program

__all__ = ["Ruleset"]


class Ruleset:
    """A checked, compiled ruleset. Immutable; safe to share between threads."""

    __slots__ = (
        "_by_id",
        "_lists",
        "clauses",
        "consequences",
        "digest",
        "documents",
        "facts",
        "meta",
        "origin",
        "program",
    )

    meta: Meta
    documents: Mapping[str, Document]
    clauses: tuple[Clause, ...]
    consequences: Mapping[str, tuple[Quote, ...]]
    program: Program
    facts: Mapping[str, Any] | None
    origin: str
    digest: str
    _by_id: dict[str, Clause]
    _lists: dict[ListKind, tuple[Clause, ...]]

    def __init__(
        self,
        meta: Meta,
        documents: Mapping[str, Document],
        clauses: tuple[Clause, ...],
        consequences: Mapping[str, tuple[Quote, ...]],
        *,
        program: Program,
        origin: str = "",
        facts: Mapping[str, Any] | None = None,
    ) -> None:
        set_ = object.__setattr__
        #: a v2 ruleset's facts declaration (facts.yaml) as data; ``None`` for v1
        set_(self, "facts", facts)
        set_(self, "meta", meta)
        set_(self, "documents", types.MappingProxyType(dict(documents)))
        set_(self, "clauses", tuple(sorted(clauses, key=Clause.sort_key)))
        set_(self, "consequences", types.MappingProxyType(dict(consequences)))
        set_(self, "program", program)
        set_(self, "origin", origin)
        set_(self, "_by_id", {c.id: c for c in self.clauses})
        lists = {k: tuple(c for c in self.clauses if c.list is k) for k in ListKind}
        set_(self, "_lists", lists)
        set_(self, "digest", _digest(self.to_data()))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("a Ruleset is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a Ruleset is immutable")

    def __repr__(self) -> str:
        return (
            f"<Ruleset {self.meta.label!r} {len(self.clauses)} clauses sha256:{self.digest[:12]}>"
        )

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # its checked parts, recompiled on unpickling: no text is read again, so no value can be
        # read back as another type (a label "1e5" dumped as YAML would come back a number)
        catalogue = getattr(self.program, "catalogue", None)
        facts: Mapping[str, Any] | None = getattr(self, "facts", None)  # a v2 ruleset's
        return (
            _rebuild_parts,
            (
                self.meta,
                dict(self.documents),
                self.clauses,
                dict(self.consequences),
                self.origin,
                None if facts is None else dict(facts),
                None if catalogue is None else catalogue.decl,
                self.digest,
            ),
        )

    def clause(self, clause_id: str) -> Clause:
        return self._by_id[clause_id]

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._by_id

    @property
    def label(self) -> str:
        return self.meta.label

    @property
    def filing_model(self) -> FilingModel:
        """The filing model this ruleset reads filings with: the v1 model for a ruleset without
        a facts declaration, else the model of its declaration (built once per declaration)."""
        catalogue = self.program.catalogue
        return model_for(None if catalogue is None else catalogue.decl)

    def parse_filing(self, source: Any, *, name: str = "") -> Any:
        """A filing of :attr:`filing_model` from JSON/YAML text or a mapping in its JSON shape;
        :class:`~rongcuo.errors.FilingError` with every problem otherwise."""
        return (
            self.filing_model.parse(source, name=name) if name else self.filing_model.parse(source)
        )

    def of_list(self, kind: ListKind) -> tuple[Clause, ...]:
        return self._lists[kind]

    # -- canonical data

    def to_data(self) -> dict[str, Any]:
        """The ruleset in the rule language's own shape: ``{file name: document}``."""
        manifest: dict[str, Any] = {
            "rongcuo": 1 if self.facts is None else 2,
            "label": self.meta.label,
            "source": self.meta.source,
            "effective": self.meta.effective,
            "documents": [
                {"id": d.id, "issuer": d.issuer, "date": d.date, "title": d.title}
                for d in sorted(self.documents.values(), key=lambda d: d.id)
            ],
            "consequences": {
                status: [{"text": q.text, "cite": _cite_data(q.citation)} for q in quotes]
                for status, quotes in sorted(self.consequences.items())
            },
        }
        if self.meta.description:
            manifest["description"] = self.meta.description
        out = {"ruleset.yaml": manifest}
        if self.facts is not None:
            out["facts.yaml"] = dict(self.facts)
        for kind in ListKind:
            clauses = self.of_list(kind)
            if kind.optional and not clauses:
                continue  # bars.yaml and companions.yaml only when the ruleset has them
            first = clauses[0].citation if clauses else None
            out[kind.file] = {
                "list": kind.value,
                "document": first.document if first else self.meta.source,
                "section": first.section if first else "",
                "clauses": [_clause_data(c) for c in clauses],
            }
        return out

    def dump_texts(self) -> dict[str, str]:
        """The rule files as YAML text (bars.yaml and companions.yaml only when present)."""
        return {
            name: _yaml_dump(data, allow_unicode=True, sort_keys=False, width=100)
            for name, data in self.to_data().items()
        }

    def dump(self, directory: str | Path) -> None:
        """Write the rule files into ``directory``."""
        root = Path(directory)
        root.mkdir(parents=True, exist_ok=True)
        for name, text in self.dump_texts().items():
            (root / name).write_text(text, encoding="utf-8")


# how a pickled Ruleset is rebuilt: by loading its texts again. The loader (rongcuo.rules.load)
# imports this module, so it registers itself here rather than being imported from here.
_loader: list[Callable[..., Ruleset]] = []


def register_loader(load_texts: Callable[..., Ruleset]) -> None:
    """Set the function that loads rule texts (``load_ruleset_texts``); unpickling calls it."""
    _loader[:] = [load_texts]


def _registered() -> None:
    """Make sure the loader has registered itself: a worker process that unpickles a ruleset
    may have imported nothing of rongcuo but this module (``import rongcuo`` is lazy)."""
    if not _loader:
        import importlib

        importlib.import_module("rongcuo.rules.load")  # registers itself here (no import cycle)


def _rebuild(texts: dict[str, str], origin: str) -> Ruleset:
    _registered()
    return _loader[0](texts, origin=origin)


# how a pickled Ruleset's predicates are compiled again (``Program``, registered by the loader:
# the engine sits a stage above this module)
_compiler: list[Callable[..., Program]] = []


def register_compiler(compile_clauses: Callable[..., Program]) -> None:
    """Set the function that compiles clauses (``Program(clauses, facts)``); unpickling calls it."""
    _compiler[:] = [compile_clauses]


def _rebuild_parts(
    meta: Meta,
    documents: dict[str, Document],
    clauses: tuple[Clause, ...],
    consequences: dict[str, tuple[Quote, ...]],
    origin: str,
    facts: dict[str, Any] | None,
    decl: object,
    digest: str,
) -> Ruleset:
    """A pickled ruleset: its parts as they were checked, the predicates compiled again."""
    _registered()
    program = _compiler[0](clauses, decl)
    extra: dict[str, Any] = {} if facts is None else {"facts": facts}  # a v2 ruleset's facts
    rebuilt = Ruleset(
        meta, documents, clauses, consequences, program=program, origin=origin, **extra
    )
    if rebuilt.digest != digest:  # the parts were altered in the pickle
        raise ValueError(f"a pickled ruleset does not match its digest sha256:{digest[:16]}")
    return rebuilt


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not canonical: {value!r}")


def _digest(data: Mapping[str, Any]) -> str:
    text = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cite_data(c: Citation) -> dict[str, Any]:
    out: dict[str, Any] = {"document": c.document, "section": c.section}
    if c.item:
        out["item"] = c.item
    return out


def node_data(node: Node) -> Any:
    """A predicate in the rule language's YAML shape."""
    if isinstance(node, Test):
        value: Any = node.value
        if isinstance(value, frozenset):
            value = sorted(value)
        elif isinstance(value, FactRef):
            value = {"fact": value.path}
        return {"fact": node.fact, node.op.value: value}
    if isinstance(node, All):
        return {"all": [node_data(n) for n in node.items]}
    if isinstance(node, AnyNode):
        return {"any": [node_data(n) for n in node.items]}
    if isinstance(node, Not):
        return {"not": node_data(node.item)}
    if isinstance(node, ClauseRef):
        return {"clause": node.clause}
    if isinstance(node, SameKind):
        return {"same_kind": [node.left, node.right]}
    if isinstance(node, Quantifier):
        out: dict[str, Any] = {node.kind.value: node.of, "as": node.name}
        if node.where is not None:
            out["where"] = node_data(node.where)
        out["that"] = node_data(node.that)
        return out
    return node.element


def _combination_data(clause: Clause) -> Any:
    node = clause.holds_when
    ids = tuple(e.id for e in clause.elements)
    if (
        isinstance(node, All | AnyNode)
        and tuple(n.element for n in node.items if isinstance(n, ElementRef)) == ids
        and len(node.items) == len(ids)
    ):
        return "all" if isinstance(node, All) else "any"
    return node_data(node)


def _clause_data(c: Clause) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        # a companion cites another document's numbering, e.g. （七）
        "item": c.number if c.list is not ListKind.COMPANION else c.citation.item,
        "text": c.text,
        "summary": c.summary,
    }
    if c.bars:
        out["bars"] = list(c.bars)
    if c.catch_all:
        out["catch_all"] = True
    elements = []
    for e in c.elements:
        ed: dict[str, Any] = {
            "id": e.id,
            "phrase": e.phrases[0] if len(e.phrases) == 1 else list(e.phrases),
            "test": node_data(e.test),
        }
        if e.note:
            ed["note"] = e.note
        elements.append(ed)
    out["elements"] = elements
    combination = _combination_data(c)
    if combination != "all":
        out["holds_when"] = combination
    if c.examples:
        exs = []
        for ex in c.examples:
            exd: dict[str, Any] = {"name": ex.name, "expect": "holds" if ex.holds else "fails"}
            if ex.fails_on:
                exd["fails_on"] = ex.fails_on
            if ex.note:
                exd["note"] = ex.note
            exd["filing"] = ex.filing_data()
            exs.append(exd)
        out["examples"] = exs
    return out


def _yaml_dump(data: Any, **options: Any) -> str:
    """PyYAML's safe dump, imported when a ruleset's texts are first written out."""
    import yaml

    text: str = yaml.safe_dump(data, **options)
    return text
