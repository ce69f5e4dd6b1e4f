"""Mechanical translations of the ruleset's predicate trees into peer engines' formats.

Peers are two-valued; rongcuo is three-valued (Kleene). The translation is the standard one:
every node becomes two boolean expressions, *T* ("definitely true") and *F* ("definitely
false"), over facts that may be absent:

    test        T = known(x) ∧ cmp(x)          F = known(x) ∧ ¬cmp(x)
    known       T = known(x) (or ¬known(x))    F = the other one
    all         T = ∧ T(items)                 F = ∨ F(items)
    any         T = ∨ T(items)                 F = ∧ F(items)
    not         T = F(item)                    F = T(item)
    clause ref  T, F of the referenced clause (inlined)

A clause holds exactly when its *T* expression is true, so on any filing a peer must find the
same holding clauses as the native engine; ``bench.py`` checks that on the whole corpus before
timing anything. Dates are passed to peers as integers ``yyyymmdd`` (neither peer compares ISO
date strings natively), sets as arrays.

* GoRules ZEN: one JDM decision, ``input → expression node (one key per clause) → output``.
* Cedar: forbid-overrides-permit, the same shape as negatives-first: one ``forbid`` policy per
  negative clause and one ``permit`` per positive, each ``when { T(clause) }``; the
  determining policies of a response are the holding negatives (Deny) or positives (Allow).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Sequence
from typing import Any

from rongcuo import Ruleset
from rongcuo.facts.model import Filing  # v1: delete with the v1 path (peers of the v1 rules)
from rongcuo.rules.syntax import (
    All,
    Clause,
    ClauseRef,
    ElementRef,
    FactRef,
    ListKind,
    Node,
    Not,
    Op,
    Test,
)
from rongcuo.rules.syntax import Any as AnyNode


class Dialect:
    """How a peer writes the pieces; the Kleene translation is shared."""

    true = "true"
    false = "false"

    def known(self, path: str) -> str:
        raise NotImplementedError

    def compare(self, op: Op, path: str, value: Any) -> str:
        raise NotImplementedError

    def and_(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def or_(self, parts: Sequence[str]) -> str:
        raise NotImplementedError

    def not_(self, part: str) -> str:
        raise NotImplementedError


def _literal_date(value: Any) -> Any:
    return int(value.strftime("%Y%m%d")) if isinstance(value, dt.date) else value


class Translator:
    """T/F expressions of every clause of a ruleset in one dialect."""

    def __init__(self, rules: Ruleset, dialect: Dialect) -> None:
        self.rules = rules
        self.d = dialect
        self._clauses: dict[str, tuple[str, str]] = {}

    def clause(self, cid: str) -> tuple[str, str]:
        if cid not in self._clauses:
            c = self.rules.clause(cid)
            self._clauses[cid] = self._combination(c.holds_when, c)
        return self._clauses[cid]

    def _combination(self, node: Node, c: Clause) -> tuple[str, str]:
        if isinstance(node, ElementRef):
            return self.node(c.element(node.element).test)
        return self._connective(node, lambda n: self._combination(n, c))

    def node(self, node: Node) -> tuple[str, str]:
        d = self.d
        if isinstance(node, Test):
            if node.op is Op.KNOWN:
                k = d.known(node.fact)
                return (k, d.not_(k)) if node.value is True else (d.not_(k), k)
            known = [d.known(node.fact)]
            if isinstance(node.value, FactRef):
                known.append(d.known(node.value.path))
            cmp = d.compare(node.op, node.fact, node.value)
            return d.and_([*known, cmp]), d.and_([*known, d.not_(cmp)])
        if isinstance(node, ClauseRef):
            return self.clause(node.clause)
        return self._connective(node, self.node)

    def _connective(self, node: Node, sub: Callable[[Node], tuple[str, str]]) -> tuple[str, str]:
        d = self.d
        if isinstance(node, All):
            parts = [sub(n) for n in node.items]
            return d.and_([t for t, _ in parts]), d.or_([f for _, f in parts])
        if isinstance(node, AnyNode):
            parts = [sub(n) for n in node.items]
            return d.or_([t for t, _ in parts]), d.and_([f for _, f in parts])
        if isinstance(node, Not):
            t, f = sub(node.item)
            return f, t
        raise TypeError(f"cannot translate {node!r}")


# --------------------------------------------------------------------------- GoRules ZEN


class Zen(Dialect):
    """ZEN's expression language (the one its expression and decision-table nodes use)."""

    def _lit(self, value: Any) -> str:
        value = _literal_date(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, frozenset):
            return "[" + ", ".join(self._lit(v) for v in sorted(value)) + "]"
        return json.dumps(str(value))

    def known(self, path: str) -> str:
        return f"{path} != null"

    def compare(self, op: Op, path: str, value: Any) -> str:
        other = value.path if isinstance(value, FactRef) else self._lit(value)
        if op is Op.EQ:
            return f"{path} == {other}"
        if op is Op.IN:
            return f"{path} in {other}"
        if op is Op.CONTAINS:
            return f"contains({path}, {other})"
        if op is Op.CONTAINS_ANY:
            return f"some({path}, # in {other})"
        if op is Op.CONTAINS_ALL:
            return f"all({other}, contains({path}, #))"
        symbol = {Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}[op]
        return f"{path} {symbol} {other}"

    def and_(self, parts: Sequence[str]) -> str:
        return "(" + " and ".join(parts) + ")" if parts else self.true

    def or_(self, parts: Sequence[str]) -> str:
        return "(" + " or ".join(parts) + ")" if parts else self.false

    def not_(self, part: str) -> str:
        return f"not({part})"


def zen_decision(rules: Ruleset) -> dict[str, Any]:
    """A JDM decision graph: input → one expression per clause (its T) → output."""
    tr = Translator(rules, Zen())
    expressions = [
        {"id": f"x{c.id}", "key": c.id, "value": tr.clause(c.id)[0]} for c in rules.clauses
    ]
    at = {"x": 0, "y": 0}
    return {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "filing", "position": at},
            {
                "id": "clauses",
                "type": "expressionNode",
                "name": "clauses",
                "position": at,
                "content": {"expressions": expressions},
            },
            {"id": "out", "type": "outputNode", "name": "holding", "position": at},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "clauses", "type": "edge"},
            {"id": "e2", "sourceId": "clauses", "targetId": "out", "type": "edge"},
        ],
    }


def zen_input(filing: Filing) -> dict[str, Any]:
    """The filing as ZEN input: JSON shape, unknown as null, dates as yyyymmdd."""
    return _dates(filing.model_dump(mode="python"))


# --------------------------------------------------------------------------- Cedar


class Cedar(Dialect):
    """Cedar policy conditions over ``context`` (facts are context attributes)."""

    def _lit(self, value: Any) -> str:
        value = _literal_date(value)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, frozenset):
            return "[" + ", ".join(self._lit(v) for v in sorted(value)) + "]"
        return json.dumps(str(value))

    @staticmethod
    def _ref(path: str) -> str:
        return "context." + path

    def known(self, path: str) -> str:
        parts = path.split(".")
        checks = []
        for i in range(len(parts)):
            owner = ".".join(["context", *parts[:i]])
            checks.append(f"{owner} has {parts[i]}")
        return self.and_(checks)

    def compare(self, op: Op, path: str, value: Any) -> str:
        x = self._ref(path)
        other = self._ref(value.path) if isinstance(value, FactRef) else self._lit(value)
        if op is Op.EQ:
            return f"{x} == {other}"
        if op is Op.IN:
            return f"{other}.contains({x})"
        if op is Op.CONTAINS:
            return f"{x}.contains({other})"
        if op is Op.CONTAINS_ANY:
            return f"{x}.containsAny({other})"
        if op is Op.CONTAINS_ALL:
            return f"{x}.containsAll({other})"
        symbol = {Op.LT: "<", Op.LE: "<=", Op.GT: ">", Op.GE: ">="}[op]
        return f"{x} {symbol} {other}"

    def and_(self, parts: Sequence[str]) -> str:
        return "(" + " && ".join(parts) + ")" if parts else self.true

    def or_(self, parts: Sequence[str]) -> str:
        return "(" + " || ".join(parts) + ")" if parts else self.false

    def not_(self, part: str) -> str:
        return f"!({part})"


def cedar_policies(rules: Ruleset, *, all_permit: bool = False) -> tuple[str, list[str]]:
    """Policy text and the clause id of each policy (Cedar names them policy0, policy1, …).

    Negatives are ``forbid`` and positives ``permit`` (forbid overrides permit). With
    ``all_permit`` every clause is a ``permit``, so the determining policies of an Allow are all
    the clauses that hold: the agreement check uses that.
    """
    tr = Translator(rules, Cedar())
    text, ids = [], []
    for c in rules.clauses:
        effect = "permit" if all_permit or c.list is ListKind.POSITIVE else "forbid"
        text.append(f"{effect}(principal, action, resource) when {{ {tr.clause(c.id)[0]} }};")
        ids.append(c.id)
    return "\n".join(text), ids


def cedar_request(filing: Filing) -> dict[str, Any]:
    """The filing as a Cedar request: facts in the context, unknown facts absent."""
    context = _dates(filing.model_dump(mode="python", exclude_none=True))
    return {
        "principal": 'Filer::"f"',
        "action": 'Action::"screen"',
        "resource": 'Filing::"f"',
        "context": context,
    }


def _dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_dates(v) for v in value)
    if isinstance(value, dt.date):
        return int(value.strftime("%Y%m%d"))
    if isinstance(value, enum.Enum):  # enum members: their plain value
        return value.value
    return value
