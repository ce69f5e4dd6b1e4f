"""Two facts declarations side by side: what changed, and one joint declaration to prove over.

A revision of the rules may revise its facts declaration (``facts.yaml``, filing model v2): add a
fact or a record field, add a value to a family, retitle a question. :func:`fact_changes` lists
every such change with a stable code (:data:`FACT_CHANGE_CODES`). To prove what two versions
mean over the same filings, :func:`joint_rulesets` loads both over one **joint declaration**:

* every fact (and record field) of either declaration; a fact both declare keeps its type and
  family, and is ``na:``-able when either version lets it be;
* every family of either, each the union of both versions' values, every value under the broader
  values both versions give it: a value only one version has sits where that version puts it.

So each version reads a filing of the joint declaration as its own clauses say: a fact it does not
declare is one it never reads; a value it does not declare is read by its place in the joint
hierarchy (a value the new version adds under ``spending`` is within ``spending`` for the old
version's clauses too — the family is what the clauses name). A witness that states a fact or a
value one version does not declare is marked so (:func:`undeclared`): that version's own model
would refuse it.

Where the two hierarchies disagree the joint declaration does not exist: a value moved (other
broader values), a value moved to another family, a fact whose type or family changed, a value
that became or stopped being opaque or a class of errors (``same_kind`` would read it two ways).
Each is a change with a conflict code (:data:`CONFLICTS`), and the diff reports meaning as not
proved rather than guess. The reason for the rule: clauses name families, not lists of leaves, so
reading the old clauses over the joint hierarchy keeps what they say (``within: spending``) and
shows the new value's effect where it belongs, in the family change; and refusing to merge
disagreeing hierarchies keeps a proof from depending on which version's tree was picked.

**A renumbered catch-all** (:func:`renumbered`): a list's catch-all (其他经认定…) closes the list,
so a new item makes it move (N9 becomes N10, the new item N9). Its determination is recorded under
its number (``determinations.N9``; the new declaration says ``determinations: [P15, N10]``), but it
is the same determination of the same clause: over the joint declaration the new version's
catch-all reads the old number's record, and the declaration changes of the move (the old
number's determination facts removed, the new number's added) are not listed — the clause diff
reports the move instead.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, Final

import yaml

from ..facts.declare import FactDecl, FactsDecl, FactType, load_facts_text
from ..facts.values import PartialSet, Records
from ..rules.ruleset import Ruleset
from ..rules.syntax import All, Clause, Node, Not, Quantifier, Test
from ..rules.syntax import Any as AnyOf

__all__ = [
    "CONFLICTS",
    "FACT_CHANGE_CODES",
    "FactChange",
    "Joint",
    "fact_changes",
    "joint_rulesets",
    "undeclared",
]

#: every code of a fact or family change: (zh, en) meaning
FACT_CHANGE_CODES: Final[Mapping[str, tuple[str, str]]] = {
    "model_changed": ("事实模型版本不同（一版无事实声明）", "one version has no facts declaration"),
    "fact_added": ("新增事实", "fact added"),
    "fact_removed": ("删除事实", "fact removed"),
    "fact_type_changed": ("事实类型改变", "fact type changed"),
    "fact_family_changed": ("事实取值范围（值族）改变", "fact family changed"),
    "fact_na_changed": ("“不适用”的含义或可否不适用改变", "not-applicable changed"),
    "fact_title_changed": ("事实名称改变", "fact title changed"),
    "fact_question_changed": ("提问改变", "question changed"),
    "family_added": ("新增值族", "family added"),
    "family_removed": ("删除值族", "family removed"),
    "value_added": ("新增取值", "value added"),
    "value_removed": ("删除取值", "value removed"),
    "value_moved": ("取值在层级中移动", "value moved in the hierarchy"),
    "value_family_changed": ("取值移至另一值族", "value moved to another family"),
    "value_title_changed": ("取值名称改变", "value title changed"),
    "value_opaque_changed": ("“其他”类取值标记改变", "value opaque flag changed"),
    "value_kind_changed": ("错误类别（同类）标记改变", "value kind-class flag changed"),
}

#: the changes no joint declaration can hold: meaning is not proved across them
CONFLICTS: Final = frozenset(
    {
        "model_changed",
        "fact_type_changed",
        "fact_family_changed",
        "value_moved",
        "value_family_changed",
        "value_opaque_changed",
        "value_kind_changed",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class FactChange:
    """One change of the facts declaration: a fact path, a family, or ``family/value``."""

    code: str
    path: str
    old: str = ""
    new: str = ""

    def __post_init__(self) -> None:
        if self.code not in FACT_CHANGE_CODES:  # a programming error in rongcuo itself
            raise ValueError(f"undocumented fact change code {self.code!r}")

    @property
    def conflict(self) -> bool:
        return self.code in CONFLICTS

    def meaning(self, lang: str = "zh") -> str:
        zh, en = FACT_CHANGE_CODES[self.code]
        return zh if lang == "zh" else en

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "path": self.path}
        if self.old:
            out["old"] = self.old
        if self.new:
            out["new"] = self.new
        if self.conflict:
            out["conflict"] = True
        return out


def _decl(rules: Ruleset) -> FactsDecl | None:
    catalogue = rules.program.catalogue
    return None if catalogue is None else catalogue.decl


def _facts(decl: FactsDecl) -> dict[str, FactDecl]:
    """Every fact and record field by path."""
    out: dict[str, FactDecl] = {}
    for top in decl.facts.values():
        out[top.path] = top
        for f in top.fields:
            out[f.path] = f
    return out


def _pair(a: str, b: str) -> str:
    return f"{a} / {b}"


def fact_changes(old: FactsDecl, new: FactsDecl) -> list[FactChange]:
    """Every change from ``old`` to ``new``: facts first (in declaration order), then families."""
    out: list[FactChange] = []
    if old.digest == new.digest:
        return out
    a, b = _facts(old), _facts(new)
    for path in [*a, *(p for p in b if p not in a)]:
        x, y = a.get(path), b.get(path)
        if y is None:
            assert x is not None
            out.append(FactChange("fact_removed", path, x.type.value))
            continue
        if x is None:
            out.append(FactChange("fact_added", path, "", y.type.value))
            continue
        if x.type is not y.type:
            out.append(FactChange("fact_type_changed", path, x.type.value, y.type.value))
        if x.family != y.family:
            out.append(FactChange("fact_family_changed", path, x.family or "", y.family or ""))
        if x.na != y.na:
            na_x = _pair(*x.na) if x.na else "—"
            na_y = _pair(*y.na) if y.na else "—"
            out.append(FactChange("fact_na_changed", path, na_x, na_y))
        if (x.zh, x.en) != (y.zh, y.en):
            out.append(FactChange("fact_title_changed", path, _pair(x.zh, x.en), _pair(y.zh, y.en)))
        if (x.question_zh, x.question_en) != (y.question_zh, y.question_en):
            out.append(
                FactChange(
                    "fact_question_changed",
                    path,
                    _pair(x.question_zh, x.question_en),
                    _pair(y.question_zh, y.question_en),
                )
            )
    for fid in [*old.families, *(f for f in new.families if f not in old.families)]:
        fa, fb = old.families.get(fid), new.families.get(fid)
        if fb is None:
            out.append(FactChange("family_removed", fid))
            continue
        if fa is None:
            out.append(FactChange("family_added", fid))
            continue
        for vid in [*fa.values, *(v for v in fb.values if v not in fa.values)]:
            va, vb = fa.values.get(vid), fb.values.get(vid)
            where = f"{fid}/{vid}"
            if vb is None:
                moved = new.value_family.get(vid)
                if moved is not None:
                    out.append(FactChange("value_family_changed", vid, fid, moved))
                else:
                    out.append(FactChange("value_removed", where))
                continue
            if va is None:
                if old.value_family.get(vid) is None:
                    out.append(FactChange("value_added", where, "", ", ".join(vb.parents)))
                continue  # moved from another family: reported under that family
            if set(va.parents) != set(vb.parents):
                out.append(
                    FactChange(
                        "value_moved",
                        where,
                        ", ".join(va.parents) or "—",
                        ", ".join(vb.parents) or "—",
                    )
                )
            if (va.zh, va.en) != (vb.zh, vb.en):
                out.append(
                    FactChange(
                        "value_title_changed", where, _pair(va.zh, va.en), _pair(vb.zh, vb.en)
                    )
                )
            if va.opaque != vb.opaque:
                out.append(
                    FactChange("value_opaque_changed", where, str(va.opaque), str(vb.opaque))
                )
            if va.kind_class != vb.kind_class:
                out.append(
                    FactChange("value_kind_changed", where, str(va.kind_class), str(vb.kind_class))
                )
    return out


# --------------------------------------------------------------------------- the joint declaration


def _node(entry: Any) -> dict[str, Any]:
    """A raw value entry (``[id, zh, en]`` or a mapping) as a mapping, its sub-values too."""
    if isinstance(entry, list):
        return {"id": entry[0], "title": [entry[1], entry[2]]}
    node = {k: copy.deepcopy(v) for k, v in entry.items() if k != "values"}
    if entry.get("values"):
        node["values"] = [_node(e) for e in entry["values"]]
    return node


def _walk(
    entries: list[dict[str, Any]], parent: dict[str, Any] | None
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    for e in entries:
        yield e, parent
        yield from _walk(e.get("values", []), e)


def _merge_family(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = _node(old)
    index = {n["id"]: n for n, _ in _walk(merged.get("values", []), None)}
    for n, parent in _walk(_node(new).get("values", []), None):
        if n["id"] in index:
            continue
        placed = {k: v for k, v in n.items() if k != "values"}
        if parent is None:
            merged.setdefault("values", []).append(placed)
        else:
            index[parent["id"]].setdefault("values", []).append(placed)
        index[n["id"]] = placed
    return merged


def _merge_fact(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(old)
    if "na" not in out and "na" in new:
        out["na"] = copy.deepcopy(new["na"])
    if "fields" in new:
        have = {f["id"] for f in out.get("fields", [])}
        for f in new["fields"]:
            if f["id"] in have:
                mine = next(g for g in out["fields"] if g["id"] == f["id"])
                if "na" not in mine and "na" in f:
                    mine["na"] = copy.deepcopy(f["na"])
            else:
                out.setdefault("fields", []).append(copy.deepcopy(f))
    return out


def merge_declarations(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The joint declaration's data (``facts.yaml``), from two declarations without conflicts."""
    out: dict[str, Any] = {k: copy.deepcopy(v) for k, v in old.items()}
    families: dict[str, Any] = dict(out.get("families") or {})
    for fid, body in (new.get("families") or {}).items():
        families[fid] = (
            _merge_family(families[fid], body) if fid in families else copy.deepcopy(body)
        )
    out["families"] = families
    groups: list[dict[str, Any]] = list(out.get("groups") or [])
    for g in new.get("groups") or []:
        mine = next((h for h in groups if h["id"] == g["id"]), None)
        if mine is None:
            groups.append(copy.deepcopy(g))
            continue
        facts = mine.setdefault("facts", [])
        for f in g.get("facts") or []:
            i = next((k for k, h in enumerate(facts) if h["id"] == f["id"]), None)
            if i is None:
                facts.append(copy.deepcopy(f))
            else:
                facts[i] = _merge_fact(facts[i], f)
    out["groups"] = groups
    # the catch-alls taking a determination: both versions' (a renumbered catch-all adds its id)
    dets = [*old.get("determinations", [])]
    dets += [d for d in new.get("determinations", []) if d not in dets]
    if dets:
        out["determinations"] = dets
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class Joint:
    """Two versions over one declaration (``old``, ``new``: the rulesets to prove with), the
    changes of the declaration, and whether a joint declaration exists (``provable``)."""

    old: Ruleset
    new: Ruleset
    changes: tuple[FactChange, ...]
    old_decl: FactsDecl | None  # each version's own declaration
    new_decl: FactsDecl | None

    @property
    def conflicts(self) -> tuple[FactChange, ...]:
        return tuple(c for c in self.changes if c.conflict)

    @property
    def provable(self) -> bool:
        return not self.conflicts

    @property
    def merged(self) -> bool:
        """Whether the rulesets were reloaded over a joint declaration (the two differ)."""
        return (
            self.old_decl is not None
            and self.new_decl is not None
            and (self.old_decl.digest != self.new_decl.digest)
        )


def renumbered(old: Ruleset, new: Ruleset) -> dict[str, str]:
    """The catch-all clauses that moved to another number: new id -> old id. A list has at most
    one catch-all, so the old and new catch-all of a list are the same clause whatever their
    numbers (filing model v2 only: the first model's determinations are fixed to P15 and N9)."""
    if old.program.catalogue is None or new.program.catalogue is None:
        return {}
    out: dict[str, str] = {}
    for y in new.clauses:
        x = next((c for c in old.clauses if c.catch_all and c.list is y.list), None)
        if y.catch_all and x is not None and x.id != y.id:
            out[y.id] = x.id
    return out


def reread(clause: Clause, old_id: str) -> Clause:
    """``clause`` (a catch-all renumbered from ``old_id``) reading ``old_id``'s determination."""
    src, dst = f"determinations.{clause.id}.", f"determinations.{old_id}."

    def node(n: Node) -> Node:
        if isinstance(n, Test):
            fact = dst + n.fact[len(src) :] if n.fact.startswith(src) else n.fact
            return dataclasses.replace(n, fact=fact)
        if isinstance(n, All | AnyOf):
            return dataclasses.replace(n, items=tuple(node(i) for i in n.items))
        if isinstance(n, Not):
            return dataclasses.replace(n, item=node(n.item))
        if isinstance(n, Quantifier):
            where = None if n.where is None else node(n.where)
            return dataclasses.replace(n, where=where, that=node(n.that))
        return n

    elements = tuple(dataclasses.replace(e, test=node(e.test)) for e in clause.elements)
    return dataclasses.replace(clause, elements=elements)


def joint_rulesets(old: Ruleset, new: Ruleset) -> Joint:
    """Both versions over one declaration (see the module docstring). Two v1 rulesets, or two of
    one declaration, are returned as they are."""
    a, b = _decl(old), _decl(new)
    if a is None or b is None:
        if a is None and b is None:  # v1: delete at the flip
            return Joint(old, new, (), None, None)
        change = FactChange(
            "model_changed", "", "v1" if a is None else "v2", "v1" if b is None else "v2"
        )
        return Joint(old, new, (change,), a, b)
    moves = renumbered(old, new)
    moved = tuple(f"determinations.{i}." for pair in moves.items() for i in pair)
    changes = tuple(c for c in fact_changes(a, b) if not c.path.startswith(moved or ("\0",)))
    if a.digest == b.digest or any(c.conflict for c in changes):
        return Joint(old, new, changes, a, b)
    assert old.facts is not None and new.facts is not None  # a v2 ruleset keeps its data
    merged = merge_declarations(old.facts, new.facts)
    text = yaml.safe_dump(merged, allow_unicode=True, sort_keys=False, width=100)
    decl = load_facts_text(text, "facts.yaml (joint)")
    return Joint(_over(old, merged, decl), _over(new, merged, decl, moves), changes, a, b)


def _over(
    rules: Ruleset, data: dict[str, Any], decl: FactsDecl, moves: Mapping[str, str] | None = None
) -> Ruleset:
    """``rules`` with its predicates compiled over the joint declaration. Its clauses were checked
    (and their examples run) against its own declaration, whose every fact and value the joint one
    has with the same type and family; so they are not checked again."""
    from ..engine.evaluate import Program

    moves = moves or {}
    clauses = tuple(reread(c, moves[c.id]) if c.id in moves else c for c in rules.clauses)
    return Ruleset(
        rules.meta,
        rules.documents,
        clauses,
        rules.consequences,
        program=Program(clauses, decl),
        origin=rules.origin,
        facts=data,
    )


# --------------------------------------------------------------------------- witnesses


def undeclared(decl: FactsDecl, values: Mapping[str, Any]) -> tuple[str, ...]:
    """What a filing of the joint declaration (``values``: top-level path -> runtime value,
    ``None`` unknown) states that ``decl`` does not declare: fact paths and ``path=value``."""
    out: dict[str, None] = {}
    known = decl.value_family

    def check(spec: FactDecl | None, path: str, value: Any) -> None:
        if value is None:
            return
        if spec is None:
            out.setdefault(path, None)
            return
        if spec.type is FactType.ENUM and isinstance(value, str) and value not in known:
            out.setdefault(f"{path}={value}", None)
        elif spec.type is FactType.SET and isinstance(value, PartialSet):
            for v in sorted(value.yes | value.no):
                if v not in known:
                    out.setdefault(f"{path}={v}", None)

    for path, value in values.items():
        spec = decl.facts.get(path)
        check(spec, path, value)
        if spec is not None and spec.type is FactType.RECORDS and isinstance(value, Records):
            names = {f.name: f for f in spec.fields}
            for item in value.items:
                for name, v in vars(item).items():
                    check(names.get(name), f"{path}[].{name}", v)
    return tuple(out)
