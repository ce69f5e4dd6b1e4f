"""Facts declared as data: loading and checking a ruleset's ``facts.yaml`` (filing model v2).

A declaration names **families** of values (vocabularies that may nest, and form a DAG through
``also:``) and **groups** of facts, each fact typed ``bool``, ``enum``, ``set``, ``date``, ``text``
or ``records`` (a list of records with their own facts). :func:`load_facts` reads one into frozen
dataclasses, every closure of every family precomputed (Cedar-style ancestors and descendants),
so that the rule checker, the evaluators and the model generator read the same thing.

Every problem is coded and located (``file:line:col: code: message``); all are collected, sorted
and raised once as :class:`~rongcuo.errors.RulesError`. A declaration with any problem is never
used. The shapes and their meaning are fixed by ``docs/design-v2.md``.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import itertools
import json
import keyword
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .. import reader
from ..errors import Location, Problem, RulesError, suggest

if TYPE_CHECKING:  # the YAML reader is imported when a declaration is read, not when one is
    from .. import _yaml  # unpickled from the compiled-ruleset cache

__all__ = [
    "FORMAT_VERSION",
    "FactDecl",
    "FactType",
    "FactsDecl",
    "Family",
    "GroupDecl",
    "Value",
    "load_facts",
    "load_facts_text",
]

FORMAT_VERSION: Final = 2
"""The value of the declaration's ``facts:`` key this module reads."""

_DETERMINATION_CLAUSE: Final = re.compile(r"[PN][1-9][0-9]{0,2}")
"""A clause id a ``determinations:`` entry may name (a positive or negative clause)."""

_ID: Final = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_RECORD: Final = re.compile(r"[A-Z][A-Za-z0-9]*")
#: names a generated pydantic model cannot use for a field
_RESERVED: Final = frozenset(
    {
        "copy",
        "construct",
        "dict",
        "json",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "schema",
        "schema_json",
        "validate",
        "update_forward_refs",
        "from_orm",
        "fields",
        "determinations",
    }
)

_K = TypeVar("_K")
_V = TypeVar("_V")


class _Frozen(Mapping[_K, _V]):
    """A read-only, hashable, picklable mapping that keeps insertion order."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[_K, _V] | None = None) -> None:
        self._data: dict[_K, _V] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))


class FactType(enum.StrEnum):
    """The type of a fact (docs/design-v2.md §1)."""

    BOOL = "bool"
    ENUM = "enum"
    SET = "set"
    DATE = "date"
    TEXT = "text"
    RECORDS = "records"


@dataclasses.dataclass(frozen=True, slots=True)
class Value:
    """One value of a family.

    ``parents`` are the broader values: the one it is nested under first, then its ``also:``.
    ``opaque`` marks an "other …" value (never the same kind as any value, itself included);
    ``kind_class`` a class of errors for 同类 (``kind: true``).
    """

    id: str
    zh: str
    en: str
    family: str
    parents: tuple[str, ...]
    opaque: bool
    kind_class: bool

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclasses.dataclass(frozen=True)
class Family:
    """A vocabulary of values; the hierarchy's closures are computed once, when it is made.

    Raises ``ValueError`` if a parent is not a value of the family or the parents form a cycle
    (:func:`load_facts` reports both as located problems before it builds a family).
    """

    id: str
    zh: str
    en: str
    values: Mapping[str, Value]  # declaration order
    _children: Mapping[str, tuple[str, ...]] = dataclasses.field(
        init=False, repr=False, compare=False
    )
    _below: Mapping[str, frozenset[str]] = dataclasses.field(init=False, repr=False, compare=False)
    _above: Mapping[str, frozenset[str]] = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        values = self.values
        if not isinstance(values, _Frozen):
            values = _Frozen(values)
            object.__setattr__(self, "values", values)
        children: dict[str, list[str]] = {v: [] for v in values}
        for value in values.values():
            for parent in value.parents:
                if parent not in children:
                    raise ValueError(f"{value.id}: {parent!r} is not a value of {self.id}")
                children[parent].append(value.id)
        above: dict[str, frozenset[str]] = {}
        for start in values:
            if start in above:
                continue
            # iterative post-order walk up the parents, detecting cycles
            stack: list[tuple[str, int]] = [(start, 0)]
            on_path = {start}
            while stack:
                node, i = stack[-1]
                parents = values[node].parents
                if i < len(parents):
                    stack[-1] = (node, i + 1)
                    parent = parents[i]
                    if parent in above:
                        continue
                    if parent in on_path:
                        raise ValueError(f"{self.id}: the values above {parent!r} form a cycle")
                    on_path.add(parent)
                    stack.append((parent, 0))
                    continue
                stack.pop()
                on_path.discard(node)
                above[node] = frozenset({node}).union(*(above[p] for p in parents))
        below: dict[str, set[str]] = {v: set() for v in values}
        for node, ancestors in above.items():
            for ancestor in ancestors:
                below[ancestor].add(node)
        object.__setattr__(self, "_children", _Frozen({k: tuple(v) for k, v in children.items()}))
        object.__setattr__(self, "_above", _Frozen({v: above[v] for v in values}))
        object.__setattr__(self, "_below", _Frozen({k: frozenset(v) for k, v in below.items()}))

    def __hash__(self) -> int:
        return hash((self.id, self.zh, self.en, tuple(self.values.values())))

    def below(self, v: str) -> frozenset[str]:
        """``v`` and every value under it (transitively, through nesting and ``also:``)."""
        return self._below[v]

    def above(self, v: str) -> frozenset[str]:
        """``v`` and every value over it."""
        return self._above[v]

    def leaves(self, v: str) -> frozenset[str]:
        """The values at or under ``v`` that have no children."""
        return frozenset(x for x in self._below[v] if not self._children[x])

    def classes(self, v: str) -> frozenset[str]:
        """The ``kind: true`` values at or above ``v`` (the classes of errors it falls in)."""
        return frozenset(x for x in self._above[v] if self.values[x].kind_class)

    def children(self, v: str) -> tuple[str, ...]:
        """The values directly under ``v``, in declaration order."""
        return self._children[v]

    def roots(self) -> tuple[str, ...]:
        """The values with no parent, in declaration order."""
        return tuple(v.id for v in self.values.values() if not v.parents)

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclasses.dataclass(frozen=True)
class FactDecl:
    """One declared fact.

    ``path`` is how a rule names it: ``subject.kind``; a fact of the top-level group ``filing``
    is ``id``, ``summary``, ``filed_on``; a field of a records fact is ``acts.items[].kind``.
    """

    path: str
    name: str
    type: FactType
    zh: str
    en: str
    question_zh: str
    question_en: str
    note: str
    family: str | None
    na: tuple[str, str] | None  # (zh, en) meaning of "not applicable"; None: NA not allowed
    fields: tuple[FactDecl, ...] = ()  # RECORDS only
    record: str = ""  # RECORDS only: the record class name (Act, Exemption)
    order: int = 0  # position among the top-level facts (or among its record's fields)

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    def question(self, lang: str = "zh") -> str:
        return self.question_zh if lang == "zh" else self.question_en

    def field(self, name: str) -> FactDecl:
        """The record field ``name`` of a RECORDS fact (``KeyError`` if there is none)."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.path} has no field {name!r}")


@dataclasses.dataclass(frozen=True)
class GroupDecl:
    """A group of facts (``subject``, ``acts`` …); ``filing`` holds the top-level facts."""

    id: str
    zh: str
    en: str
    facts: tuple[FactDecl, ...]

    def title(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


@dataclasses.dataclass(frozen=True)
class FactsDecl:
    """A whole declaration: families, groups and every fact, checked and closed."""

    version: int
    families: Mapping[str, Family]
    groups: tuple[GroupDecl, ...]
    #: every top-level fact by path, in declaration order (a records fact, not its fields)
    facts: Mapping[str, FactDecl]
    #: value id -> family id (value ids are unique across families)
    value_family: Mapping[str, str]
    #: the catch-all clauses decided only by a recorded determination (``determinations:``);
    #: each has the facts ``determinations.<id>.holds|decided_by|decided_on|reason``
    determinations: tuple[str, ...]
    #: sha256 of the canonical JSON form of the declaration
    digest: str

    def __hash__(self) -> int:
        return hash(self.digest)

    def fact(self, path: str) -> FactDecl:
        """The fact at ``path``, including a record field (``acts.items[].kind``).

        Raises ``KeyError`` (with a did-you-mean) for a path that names no fact.
        """
        head, sep, rest = path.partition("[].")
        found = self.facts.get(head)
        if found is not None and not sep:
            return found
        if found is not None and found.type is FactType.RECORDS:
            for f in found.fields:
                if f.name == rest:
                    return f
        raise KeyError(f"no fact {path!r}" + _hint(suggest(path, self.all_paths())))

    def all_paths(self) -> tuple[str, ...]:
        """Every fact path, record fields (``acts.items[].kind``) after their records fact."""
        out: list[str] = []
        for decl in self.facts.values():
            out.append(decl.path)
            out.extend(f.path for f in decl.fields)
        return tuple(out)

    def family_of(self, value: str) -> Family:
        """The family a value belongs to (``KeyError`` if no family has it)."""
        return self.families[self.value_family[value]]


def _hint(text: str) -> str:
    return f" ({text})" if text else ""


# --------------------------------------------------------------------------- loading

_TOP_KEYS: Final = ("facts", "families", "groups", "determinations")
_REQUIRED_TOP_KEYS: Final = ("facts", "families", "groups")
_FAMILY_KEYS: Final = ("title", "values", "note")
_VALUE_KEYS: Final = ("id", "title", "values", "also", "opaque", "kind", "note")
_GROUP_KEYS: Final = ("id", "title", "facts", "note")
_FACT_KEYS: Final = ("id", "type", "title", "question", "note", "family", "na", "record", "fields")

Path_ = tuple[str | int, ...]


@dataclasses.dataclass
class _RawValue:
    id: str
    zh: str
    en: str
    family: str
    parent: str | None
    also: list[tuple[str, Path_]]
    opaque: bool
    kind_class: bool
    path: Path_


class _Loader:
    def __init__(self, doc: _yaml.Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    # -- problems

    def problem(
        self, code: str, message: str, path: Path_, *, key: bool = False, hint: str = ""
    ) -> None:
        self.problems.append(Problem(code, message, self.doc.loc(path, key=key), hint))

    def where(self, path: Path_) -> str:
        """``line N`` of a node, for messages that point at an earlier one."""
        loc = self.doc.loc(path)
        return f"line {loc.line}" if loc.line else Location(path=path).json_path()

    # -- shapes

    def mapping(self, value: object, path: Path_, what: str) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem("facts_wrong_type", f"{what} must be a mapping, got {_kind(value)}", path)
        return None

    def sequence(self, value: object, path: Path_, what: str) -> list[Any] | None:
        if isinstance(value, list):
            return value
        self.problem("facts_wrong_type", f"{what} must be a list, got {_kind(value)}", path)
        return None

    def keys(self, node: Mapping[str, Any], allowed: Sequence[str], path: Path_, what: str) -> None:
        for k in node:
            if k not in allowed:
                self.problem(
                    "facts_unknown_key",
                    f"{what} has no key {k!r}; it takes {', '.join(allowed)}",
                    (*path, k),
                    key=True,
                    hint=suggest(k, allowed),
                )

    def ident(self, node: Mapping[str, Any], path: Path_, what: str) -> str | None:
        if "id" not in node:
            self.problem("facts_missing_key", f"{what} has no id", path)
            return None
        return self.check_id(node["id"], (*path, "id"), what)

    def check_id(self, value: object, path: Path_, what: str) -> str | None:
        if not isinstance(value, str):
            self.problem("facts_wrong_type", f"the id of {what} must be a string", path)
            return None
        if not _ID.fullmatch(value) or keyword.iskeyword(value) or value.startswith("model_"):
            self.problem(
                "facts_bad_id",
                f"{value!r} is not a snake_case id (lowercase letters, digits and single "
                "underscores, starting with a letter; not a Python keyword, not model_…)",
                path,
            )
            return None
        return value

    def pair(
        self, node: Mapping[str, Any], key: str, path: Path_, what: str, *, required: bool = True
    ) -> tuple[str, str] | None:
        """A ``[zh, en]`` pair of non-empty strings (titles, questions, ``na:``)."""
        if key not in node:
            if required:
                self.problem(
                    "facts_missing_title",
                    f"{what} has no {key}; give it as [Chinese, English]",
                    path,
                )
            return None
        value = node[key]
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(x, str) and x.strip() for x in value)
        ):
            return value[0], value[1]
        self.problem(
            "facts_missing_title",
            f"the {key} of {what} must be [Chinese, English], two non-empty strings; "
            f"got {_kind(value)}",
            (*path, key),
        )
        return None

    def flag(self, node: Mapping[str, Any], key: str, path: Path_) -> bool:
        value = node.get(key, False)
        if isinstance(value, bool):
            return value
        self.problem("facts_wrong_type", f"{key} must be true or false", (*path, key))
        return False

    def text(self, node: Mapping[str, Any], key: str, path: Path_) -> str:
        value = node.get(key, "")
        if isinstance(value, str):
            return value
        self.problem("facts_wrong_type", f"{key} must be a string", (*path, key))
        return ""

    # -- the declaration

    def load(self) -> FactsDecl | None:
        root = self.mapping(self.doc.value, (), "a facts declaration")
        if root is None:
            return None
        self.keys(root, _TOP_KEYS, (), "a facts declaration")
        for k in _REQUIRED_TOP_KEYS:
            if k not in root:
                self.problem("facts_missing_key", f"the declaration has no {k!r}", ())
        version = root.get("facts")
        if "facts" in root and (type(version) is not int or version != FORMAT_VERSION):
            self.problem(
                "facts_version",
                f"facts: {version!r} is not a format this version of rongcuo reads "
                f"(it reads facts: {FORMAT_VERSION})",
                ("facts",),
            )
        families = self.families(root.get("families", {}))
        groups = self.groups(root.get("groups", []), families)
        determinations = self.determinations(root.get("determinations", []))
        if self.problems:
            return None
        return _build(families, groups, determinations)

    def determinations(self, node: object) -> tuple[str, ...]:
        """The catch-all clauses decided only by a recorded determination (``[P15, N9]``)."""
        path: Path_ = ("determinations",)
        if not isinstance(node, list):
            self.problem("facts_wrong_type", "determinations must be a list of clause ids", path)
            return ()
        out: list[str] = []
        for i, item in enumerate(node):
            if not isinstance(item, str) or not _DETERMINATION_CLAUSE.fullmatch(item):
                self.problem(
                    "facts_bad_id",
                    f"determinations[{i}] must be a positive or negative clause id such as "
                    f"'P15' or 'N9', not {_kind(item)}",
                    (*path, i),
                )
            elif item in out:
                self.problem(
                    "facts_duplicate_id",
                    f"clause {item} is named twice in determinations",
                    (*path, i),
                )
            else:
                out.append(item)
        return tuple(out)

    def families(self, node: object) -> dict[str, tuple[tuple[str, str], list[_RawValue]]]:
        out: dict[str, tuple[tuple[str, str], list[_RawValue]]] = {}
        fams = self.mapping(node, ("families",), "families")
        if fams is None:
            return out
        seen: dict[str, Path_] = {}
        for fid, body in fams.items():
            path: Path_ = ("families", fid)
            if self.check_id(fid, path, "a family") is None:
                continue
            fam = self.mapping(body, path, f"the family {fid!r}")
            if fam is None:
                continue
            self.keys(fam, _FAMILY_KEYS, path, f"the family {fid!r}")
            title = self.pair(fam, "title", path, f"the family {fid!r}")
            if "note" in fam:
                self.text(fam, "note", path)
            raw: list[_RawValue] = []
            if "values" not in fam:
                self.problem("facts_missing_key", f"the family {fid!r} has no values", path)
            else:
                self.values(fam["values"], (*path, "values"), fid, None, raw, seen)
            if title is not None:
                out[fid] = (title, raw)
        for fid, (_, raw) in out.items():
            self.check_dag(fid, raw)
        return out

    def values(
        self,
        node: object,
        path: Path_,
        family: str,
        parent: str | None,
        out: list[_RawValue],
        seen: dict[str, Path_],
    ) -> None:
        items = self.sequence(node, path, "values")
        if items is None:
            return
        if not items:
            self.problem("facts_missing_key", "an empty list of values", path)
        for i, item in enumerate(items):
            vpath = (*path, i)
            if isinstance(item, list):
                if len(item) != 3 or not all(isinstance(x, str) and x.strip() for x in item):
                    self.problem(
                        "facts_wrong_type",
                        "a value written as a list is [id, Chinese title, English title]",
                        vpath,
                    )
                    continue
                vid = self.check_id(item[0], (*vpath, 0), "a value")
                if vid is None or not self.unique_value(vid, (*vpath, 0), seen):
                    continue
                out.append(
                    _RawValue(vid, item[1], item[2], family, parent, [], False, False, vpath)
                )
                continue
            body = self.mapping(item, vpath, "a value")
            if body is None:
                continue
            self.keys(body, _VALUE_KEYS, vpath, "a value")
            vid = self.ident(body, vpath, "a value")
            title = self.pair(body, "title", vpath, f"the value {vid or '?'!r}")
            also: list[tuple[str, Path_]] = []
            if "also" in body:
                raw_also = body["also"]
                apath: Path_ = (*vpath, "also")
                if isinstance(raw_also, str):
                    also.append((raw_also, apath))
                elif isinstance(raw_also, list) and all(isinstance(a, str) for a in raw_also):
                    also.extend((a, (*apath, j)) for j, a in enumerate(raw_also))
                else:
                    self.problem(
                        "facts_wrong_type", "also: is a value id or a list of value ids", apath
                    )
            opaque = self.flag(body, "opaque", vpath)
            kind_class = self.flag(body, "kind", vpath)
            if "note" in body:
                self.text(body, "note", vpath)
            if vid is None or not self.unique_value(vid, (*vpath, "id"), seen):
                continue
            if title is not None:
                out.append(_RawValue(vid, *title, family, parent, also, opaque, kind_class, vpath))
            if "values" in body:
                self.values(body["values"], (*vpath, "values"), family, vid, out, seen)

    def unique_value(self, vid: str, path: Path_, seen: dict[str, Path_]) -> bool:
        first = seen.get(vid)
        if first is not None:
            self.problem(
                "facts_duplicate_id",
                f"the value id {vid!r} is used again (first at {self.where(first)}, in the "
                f"family {first[1]!r}); value ids are unique across all families",
                path,
            )
            return False
        seen[vid] = path
        return True

    def check_dag(self, family: str, raw: list[_RawValue]) -> None:
        """``also:`` names values of the same family, and the parents form no cycle."""
        ids = {v.id for v in raw}
        parents: dict[str, list[str]] = {}
        for v in raw:
            # a parent that was itself refused (and reported) is not in ``ids``
            ps = [] if v.parent is None or v.parent not in ids else [v.parent]
            for target, apath in v.also:
                if target not in ids:
                    self.problem(
                        "facts_unknown_value",
                        f"also: {target!r} is not a value of the family {family!r}",
                        apath,
                        hint=suggest(target, ids),
                    )
                elif target == v.id or target in ps:
                    self.problem(
                        "facts_cycle",
                        f"also: {target!r} names the value itself or its parent again",
                        apath,
                    )
                else:
                    ps.append(target)
            parents[v.id] = ps
        # a cycle can only go through an also: edge (nesting alone is a tree); report it there
        state: dict[str, int] = {}  # 1 on the path, 2 done
        by_id = {v.id: v for v in raw}
        for start in parents:
            if state.get(start):
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            state[start] = 1
            while stack:
                node, i = stack[-1]
                if i < len(parents[node]):
                    stack[-1] = (node, i + 1)
                    up = parents[node][i]
                    if state.get(up) == 1:
                        cycle = [n for n, _ in stack]
                        cycle = [*cycle[cycle.index(up) :], up]
                        # located at the first also: edge of the cycle (nesting is a tree)
                        edges = [
                            p
                            for a, b in itertools.pairwise(cycle)
                            for t, p in by_id[a].also
                            if t == b
                        ]
                        where = edges[0] if edges else by_id[node].path
                        self.problem(
                            "facts_cycle",
                            "the broader values form a cycle: " + " -> ".join(cycle),
                            where,
                            hint="a value cannot be above itself; remove one also:",
                        )
                        parents[node] = [p for p in parents[node] if p != up]  # report once
                        stack[-1] = (node, i)
                        continue
                    if not state.get(up):
                        state[up] = 1
                        stack.append((up, 0))
                    continue
                state[node] = 2
                stack.pop()
        for v in raw:
            v.also = [(p, ()) for p in parents[v.id] if p != v.parent]

    def groups(
        self, node: object, families: Mapping[str, tuple[tuple[str, str], list[_RawValue]]]
    ) -> list[tuple[str, tuple[str, str], list[_RawFact]]]:
        out: list[tuple[str, tuple[str, str], list[_RawFact]]] = []
        items = self.sequence(node, ("groups",), "groups")
        if items is None:
            return out
        seen: dict[str, Path_] = {}
        top_facts: dict[str, Path_] = {}
        for i, item in enumerate(items):
            path: Path_ = ("groups", i)
            body = self.mapping(item, path, "a group")
            if body is None:
                continue
            self.keys(body, _GROUP_KEYS, path, "a group")
            gid = self.ident(body, path, "a group")
            title = self.pair(body, "title", path, f"the group {gid or '?'!r}")
            if "note" in body:
                self.text(body, "note", path)
            if gid is not None:
                if gid in _RESERVED:
                    self.problem(
                        "facts_bad_id",
                        f"{gid!r} is reserved (a built-in group or a pydantic model attribute)",
                        (*path, "id"),
                    )
                    gid = None
                elif gid in seen:
                    self.problem(
                        "facts_duplicate_id",
                        f"the group id {gid!r} is used again (first at {self.where(seen[gid])})",
                        (*path, "id"),
                    )
                    gid = None
                else:
                    seen[gid] = (*path, "id")
            if "facts" not in body:
                self.problem("facts_missing_key", f"the group {gid or '?'!r} has no facts", path)
                continue
            facts = self.facts(body["facts"], (*path, "facts"), families, record=False)
            if gid == "filing":
                for f in facts:
                    top_facts[f.id] = f.path
            if gid is not None and title is not None:
                out.append((gid, title, facts))
        for gid, gpath in seen.items():
            if gid in top_facts:
                self.problem(
                    "facts_duplicate_id",
                    f"the group id {gid!r} is also a fact of the group 'filing' "
                    f"(at {self.where(top_facts[gid])}); both would be the path {gid!r}",
                    gpath,
                )
        return out

    def facts(
        self,
        node: object,
        path: Path_,
        families: Mapping[str, tuple[tuple[str, str], list[_RawValue]]],
        *,
        record: bool,
    ) -> list[_RawFact]:
        out: list[_RawFact] = []
        items = self.sequence(node, path, "facts")
        if items is None:
            return out
        if not items:
            self.problem("facts_missing_key", "an empty list of facts", path)
        seen: dict[str, Path_] = {}
        for i, item in enumerate(items):
            fpath = (*path, i)
            body = self.mapping(item, fpath, "a fact")
            if body is None:
                continue
            self.keys(body, _FACT_KEYS, fpath, "a fact")
            fid = self.ident(body, fpath, "a fact")
            if fid is not None and fid in _RESERVED:
                self.problem(
                    "facts_bad_id", f"{fid!r} is reserved (a pydantic model attribute)", fpath
                )
                fid = None
            if fid is not None and fid in seen:
                self.problem(
                    "facts_duplicate_id",
                    f"the fact id {fid!r} is used again in this group (first at "
                    f"{self.where(seen[fid])})",
                    (*fpath, "id"),
                )
                fid = None
            if fid is not None:
                seen[fid] = (*fpath, "id")
            what = f"the fact {fid or '?'!r}"
            title = self.pair(body, "title", fpath, what)
            question = self.pair(body, "question", fpath, what)
            na = self.pair(body, "na", fpath, what, required=False)
            note = self.text(body, "note", fpath)
            ftype = self.fact_type(body, fpath, what, record=record)
            family: str | None = None
            if ftype in (FactType.ENUM, FactType.SET):
                if "family" not in body:
                    self.problem(
                        "facts_missing_key", f"{what} is of type {ftype} and needs a family", fpath
                    )
                else:
                    family = self.family_ref(body["family"], (*fpath, "family"), families)
            elif "family" in body and ftype is not None:
                self.problem(
                    "facts_bad_type",
                    f"{what} is of type {ftype}; only enum and set facts take a family",
                    (*fpath, "family"),
                    key=True,
                )
            if na is not None and ftype in (FactType.TEXT, FactType.RECORDS):
                self.problem(
                    "facts_bad_type",
                    f"{what} is of type {ftype}, which cannot be not applicable (na:)",
                    (*fpath, "na"),
                    key=True,
                )
            record_name = ""
            fields: list[_RawFact] = []
            if ftype is FactType.RECORDS:
                record_name = self.record_name(body, fpath, what)
                if "fields" not in body:
                    self.problem("facts_missing_key", f"{what} is records and needs fields", fpath)
                else:
                    fields = self.facts(body["fields"], (*fpath, "fields"), families, record=True)
            elif ftype is not None:
                for k in ("record", "fields"):
                    if k in body:
                        self.problem(
                            "facts_bad_type",
                            f"{what} is of type {ftype}; only records facts take {k}",
                            (*fpath, k),
                            key=True,
                        )
            if fid is None or title is None or question is None or ftype is None:
                continue
            if ftype in (FactType.ENUM, FactType.SET) and family is None:
                continue
            out.append(
                _RawFact(fid, ftype, title, question, note, family, na, record_name, fields, fpath)
            )
        return out

    def fact_type(
        self, body: Mapping[str, Any], path: Path_, what: str, *, record: bool
    ) -> FactType | None:
        if "type" not in body:
            self.problem("facts_missing_key", f"{what} has no type", path)
            return None
        raw = body["type"]
        names = [t.value for t in FactType]
        if not isinstance(raw, str) or raw not in names:
            self.problem(
                "facts_bad_type",
                f"{raw!r} is not a fact type; the types are {', '.join(names)}",
                (*path, "type"),
                hint=suggest(str(raw), names),
            )
            return None
        ftype = FactType(raw)
        if record and ftype is FactType.RECORDS:
            self.problem(
                "facts_bad_type",
                f"{what}: a record's field cannot itself be records (records do not nest)",
                (*path, "type"),
            )
            return None
        return ftype

    def family_ref(
        self,
        value: object,
        path: Path_,
        families: Mapping[str, tuple[tuple[str, str], list[_RawValue]]],
    ) -> str | None:
        if not isinstance(value, str):
            self.problem("facts_wrong_type", "family: names a family (a string)", path)
            return None
        if value not in families:
            self.problem(
                "facts_unknown_family",
                f"no family {value!r} is declared",
                path,
                hint=suggest(value, families),
            )
            return None
        return value

    def record_name(self, body: Mapping[str, Any], path: Path_, what: str) -> str:
        if "record" not in body:
            self.problem(
                "facts_missing_key", f"{what} is records and needs record: (a class name)", path
            )
            return ""
        name = body["record"]
        if not isinstance(name, str) or not _RECORD.fullmatch(name):
            self.problem(
                "facts_bad_id",
                f"record: {name!r} must be a CamelCase class name (Act, Exemption)",
                (*path, "record"),
            )
            return ""
        return name


@dataclasses.dataclass
class _RawFact:
    id: str
    type: FactType
    title: tuple[str, str]
    question: tuple[str, str]
    note: str
    family: str | None
    na: tuple[str, str] | None
    record: str
    fields: list[_RawFact]
    path: Path_


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"the string {value!r}"[:80]
    return type(value).__name__


# --------------------------------------------------------------------------- building


def _determinations(clauses: Sequence[str]) -> tuple[str, tuple[str, str], list[_RawFact]]:
    """The group of recorded determinations for the catch-all clauses the declaration names
    under ``determinations:``; each gets the same four facts (holds, by whom, when, why)."""
    facts = []
    fields = (
        ("holds", FactType.BOOL, ("是否认定适用", "whether the clause holds")),
        ("decided_by", FactType.TEXT, ("认定机关", "decided by")),
        ("decided_on", FactType.DATE, ("认定日期", "decided on")),
        ("reason", FactType.TEXT, ("认定理由", "reason")),
    )
    for clause in clauses:
        for name, ftype, (zh, en) in fields:
            facts.append(
                _RawFact(
                    f"{clause}.{name}",
                    ftype,
                    (f"{clause} 认定：{zh}", f"determination under {clause}: {en}"),
                    (
                        f"是否有关于 {clause} 的认定？{zh}？",
                        f"Is there a determination under {clause}? {en}?",
                    ),
                    "Only a recorded determination decides a catch-all clause.",
                    None,
                    None,
                    "",
                    [],
                    (),
                )
            )
    return "determinations", ("兜底条款认定", "determinations for the catch-all clauses"), facts


def _decl(raw: _RawFact, path: str, order: int) -> FactDecl:
    fields = tuple(_decl(f, f"{path}[].{f.id}", i) for i, f in enumerate(raw.fields))
    return FactDecl(
        path=path,
        name=raw.id.rpartition(".")[2],
        type=raw.type,
        zh=raw.title[0],
        en=raw.title[1],
        question_zh=raw.question[0],
        question_en=raw.question[1],
        note=raw.note,
        family=raw.family,
        na=raw.na,
        fields=fields,
        record=raw.record,
        order=order,
    )


def _build(
    families: Mapping[str, tuple[tuple[str, str], list[_RawValue]]],
    groups: list[tuple[str, tuple[str, str], list[_RawFact]]],
    determinations: tuple[str, ...],
) -> FactsDecl:
    fams: dict[str, Family] = {}
    value_family: dict[str, str] = {}
    for fid, ((zh, en), raw_values) in families.items():
        values = {}
        for v in raw_values:
            parents = ([] if v.parent is None else [v.parent]) + [p for p, _ in v.also]
            values[v.id] = Value(v.id, v.zh, v.en, fid, tuple(parents), v.opaque, v.kind_class)
            value_family[v.id] = fid
        fams[fid] = Family(fid, zh, en, _Frozen(values))
    out_groups: list[GroupDecl] = []
    facts: dict[str, FactDecl] = {}
    for gid, (zh, en), raw_facts in [*groups, _determinations(determinations)]:
        decls = []
        for raw_fact in raw_facts:
            path = raw_fact.id if gid == "filing" else f"{gid}.{raw_fact.id}"
            decl = _decl(raw_fact, path, len(facts))
            facts[path] = decl
            decls.append(decl)
        out_groups.append(GroupDecl(gid, zh, en, tuple(decls)))
    canonical = {
        "version": FORMAT_VERSION,
        "families": [
            {
                "id": f.id,
                "title": [f.zh, f.en],
                "values": [dataclasses.asdict(v) for v in f.values.values()],
            }
            for f in fams.values()
        ],
        "groups": [
            {"id": g.id, "title": [g.zh, g.en], "facts": [_canon_fact(d) for d in g.facts]}
            for g in out_groups
        ],
        "determinations": list(determinations),
    }
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return FactsDecl(
        version=FORMAT_VERSION,
        families=_Frozen(fams),
        groups=tuple(out_groups),
        facts=_Frozen(facts),
        value_family=_Frozen(value_family),
        determinations=determinations,
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def _canon_fact(d: FactDecl) -> dict[str, Any]:
    out = {f.name: getattr(d, f.name) for f in dataclasses.fields(d) if f.name != "fields"}
    out["type"] = d.type.value
    out["na"] = list(d.na) if d.na else None
    out["fields"] = [_canon_fact(f) for f in d.fields]
    return out


def load_facts_text(text: str | bytes, name: str) -> FactsDecl:
    """Read a facts declaration from text; ``name`` is the file name problems are located in.

    Raises :class:`~rongcuo.errors.RulesError` with every problem found.
    """
    from .. import _yaml

    doc = _yaml.load_yaml(text, filename=name, error=RulesError)
    loader = _Loader(doc)
    decl = loader.load()
    if loader.problems or decl is None:
        raise RulesError(
            loader.problems
            or [Problem("facts_missing_key", "an empty declaration", Location(name))]
        )
    return decl


def load_facts(path: Path) -> FactsDecl:
    """Read a facts declaration (``facts.yaml``) from a file."""
    from .. import _yaml

    p = Path(path)
    limit = _yaml.DEFAULT_LIMITS.max_bytes
    data = reader.read_file(p, limit=limit, error=RulesError, what="a facts declaration")
    return load_facts_text(data, reader.shown_path(p))
