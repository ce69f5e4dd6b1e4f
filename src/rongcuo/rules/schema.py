"""A JSON Schema for rule files, so that an editor can complete and check rule YAML.

One schema covers every rule file: the manifest (``ruleset.yaml``, told by its ``rongcuo:`` key),
a list file (``positive.yaml``, ``negative.yaml``, ``bars.yaml``, ``companions.yaml``, told
by ``list:``) and the facts declaration (``facts.yaml``, told by ``facts:``). The operators are
those of :class:`~rongcuo.rules.syntax.Op`, so the schema keeps in step with the language. It
describes the shape; the loader still does every check the shape cannot (fact paths, value
types, phrases in the text, examples): the schema helps while typing, ``rongcuo lint`` decides.
``schemas/rules.schema.json`` is this schema, checked in (a test keeps it current); a rule file
points an editor at it with its first line::

    # yaml-language-server: $schema=../schemas/rules.schema.json
"""

from __future__ import annotations

from typing import Any

from ..facts.declare import FORMAT_VERSION, FactType
from .syntax import ListKind, Op

__all__ = ["rules_json_schema"]

_ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,40}$"}
_TEXT = {"type": "string", "minLength": 1}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_SNAKE = {"type": "string", "pattern": "^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"}
_PAIR = {
    "type": "array",
    "prefixItems": [_TEXT, _TEXT],
    "minItems": 2,
    "maxItems": 2,
    "description": "[中文, English]",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def rules_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a rule file: a manifest or a clause list."""
    ops = [op.value for op in Op]
    value = {
        "description": "the value the operator compares with: a value id, a list of them, "
        "true/false, a number, a date, or {fact: path} for another fact",
    }
    test = {
        "type": "object",
        "title": "a test of one fact",
        "required": ["fact"],
        "properties": {
            "fact": {"type": "string", "description": "a fact path, e.g. motive.public_spirited"},
            **dict.fromkeys(ops, value),
        },
        "minProperties": 2,
        "maxProperties": 2,
        "additionalProperties": False,
    }
    predicate = {
        "title": "a predicate",
        "anyOf": [
            _ref("test"),
            {
                "type": "object",
                "properties": {"all": {"type": "array", "items": _ref("predicate")}},
                "required": ["all"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"any": {"type": "array", "items": _ref("predicate")}},
                "required": ["any"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"not": _ref("predicate")},
                "required": ["not"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "properties": {"clause": {"type": "string", "pattern": "^[PNBC][1-9][0-9]{0,2}$"}},
                "required": ["clause"],
                "additionalProperties": False,
            },
            {
                "type": "object",
                "title": "a quantifier or same_kind (rule language 2, rules with facts.yaml)",
                "anyOf": [
                    {"required": ["some"]},
                    {"required": ["every"]},
                    {"required": ["same_kind"]},
                ],
            },
        ],
    }
    combination = {
        "title": "how the elements combine: all (the default), any, or a predicate over them",
        "anyOf": [
            {"enum": ["all", "any"]},
            {"type": "string", "description": "an element id"},
            _ref("combination_tree"),
        ],
    }
    combination_tree = {
        "type": "object",
        "properties": {
            "all": {"type": "array", "items": _ref("combination")},
            "any": {"type": "array", "items": _ref("combination")},
            "not": _ref("combination"),
        },
        "minProperties": 1,
        "maxProperties": 1,
        "additionalProperties": False,
    }
    element = {
        "type": "object",
        "title": "an element: the words of the clause it encodes, and its test",
        "required": ["id", "phrase", "test"],
        "properties": {
            "id": _ID,
            "phrase": {
                "description": "words quoted exactly from the clause text (one or several)",
                "anyOf": [_TEXT, {"type": "array", "items": _TEXT, "minItems": 1}],
            },
            "test": _ref("predicate"),
            "note": {"type": "string", "description": "the reading taken, and why"},
        },
        "additionalProperties": False,
    }
    example = {
        "type": "object",
        "title": "a clause example, run when the rules load or change",
        "required": ["name", "expect", "filing"],
        "properties": {
            "name": _TEXT,
            "expect": {"enum": ["holds", "fails"]},
            "fails_on": {"type": "string", "description": "the one element a near miss fails"},
            "note": {"type": "string"},
            "filing": {"type": "object", "description": "a filing document"},
        },
        "additionalProperties": False,
    }
    clause = {
        "type": "object",
        "title": "a clause of a list",
        "required": ["id", "item", "text", "summary", "elements"],
        "properties": {
            "id": {"type": "string", "pattern": "^[PNBC][1-9][0-9]{0,2}$"},
            "item": {
                "description": "the item number in the source (a companion may cite e.g. （七）)",
                "anyOf": [{"type": "integer", "minimum": 1}, _TEXT],
            },
            "text": {**_TEXT, "description": "the clause, quoted verbatim"},
            "summary": {**_TEXT, "description": "an English summary"},
            "bars": {
                "type": "array",
                "items": {"type": "string", "pattern": "^P[1-9][0-9]{0,2}$"},
                "minItems": 1,
                "description": "a bar (bars.yaml): the positive clauses it takes out",
            },
            "catch_all": {"type": "boolean"},
            "elements": {"type": "array", "items": _ref("element"), "minItems": 1},
            "holds_when": _ref("combination"),
            "examples": {"type": "array", "items": _ref("example")},
        },
        "additionalProperties": False,
    }
    cite = {
        "type": "object",
        "required": ["document", "section"],
        "properties": {
            "document": _TEXT,
            "section": _TEXT,
            "item": {"type": ["string", "integer"]},
        },
        "additionalProperties": False,
    }
    quote = {
        "type": "object",
        "required": ["text", "cite"],
        "properties": {"text": _TEXT, "cite": _ref("cite")},
        "additionalProperties": False,
    }
    manifest = {
        "type": "object",
        "title": "ruleset.yaml: version metadata, documents cited, what each status entails",
        "required": ["rongcuo", "label", "source", "effective", "documents", "consequences"],
        "properties": {
            "rongcuo": {"enum": [1, 2], "description": "the rule language version"},
            "label": _TEXT,
            "source": _TEXT,
            "effective": _DATE,
            "description": {"type": "string"},
            "documents": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["id", "issuer", "date", "title"],
                    "properties": {"id": _TEXT, "issuer": _TEXT, "date": _DATE, "title": _TEXT},
                    "additionalProperties": False,
                },
            },
            "consequences": {
                "type": "object",
                "propertyNames": {
                    "enum": [
                        "eligible",
                        "ineligible",
                        "needs_determination",
                        "insufficient_facts",
                        "not_listed",
                    ]
                },
                "additionalProperties": {"type": "array", "items": _ref("quote")},
            },
        },
        "additionalProperties": False,
    }
    clause_list = {
        "type": "object",
        "title": "a clause list: positive.yaml, negative.yaml, bars.yaml or companions.yaml",
        "required": ["list", "document", "section", "clauses"],
        "properties": {
            "list": {"enum": [k.value for k in ListKind]},
            "document": _TEXT,
            "section": _TEXT,
            "clauses": {"type": "array", "items": _ref("clause")},
        },
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rongcuo rule file",
        "description": "A rule file of a rongcuo ruleset: the manifest (ruleset.yaml), a list, or "
        "the facts declaration (facts.yaml). docs/rule-language.md describes the language.",
        "oneOf": [_ref("manifest"), _ref("clause_list"), _ref("facts_declaration")],
        "$defs": {
            "manifest": manifest,
            "clause_list": clause_list,
            **_facts_defs(),
            "clause": clause,
            "element": element,
            "example": example,
            "predicate": predicate,
            "test": test,
            "combination": combination,
            "combination_tree": combination_tree,
            "cite": cite,
            "quote": quote,
        },
    }


def _facts_defs() -> dict[str, Any]:
    """The facts declaration (``facts.yaml``, rule language 2): families, groups, determinations.
    The shape only; the loader checks ids for uniqueness, families for cycles, values for
    existence (``facts_*`` codes)."""
    value = {
        "title": "a value: [id, 中文, English], or a mapping with narrower values",
        "anyOf": [
            {
                "type": "array",
                "prefixItems": [_SNAKE, _TEXT, _TEXT],
                "minItems": 3,
                "maxItems": 3,
            },
            {
                "type": "object",
                "required": ["id", "title"],
                "properties": {
                    "id": _SNAKE,
                    "title": _PAIR,
                    "values": {"type": "array", "items": _ref("fact_value")},
                    "also": {"type": "array", "items": _SNAKE},
                    "opaque": {"type": "boolean"},
                    "kind": {"type": "boolean"},
                    "note": {"type": "string"},
                },
                "additionalProperties": False,
            },
        ],
    }
    family = {
        "type": "object",
        "required": ["title", "values"],
        "properties": {
            "title": _PAIR,
            "values": {"type": "array", "items": _ref("fact_value"), "minItems": 1},
            "note": {"type": "string"},
        },
        "additionalProperties": False,
    }
    fact = {
        "type": "object",
        "required": ["id", "type", "title", "question"],
        "properties": {
            "id": _SNAKE,
            "type": {"enum": [t.value for t in FactType]},
            "title": _PAIR,
            "question": _PAIR,
            "note": {"type": "string"},
            "family": _SNAKE,
            "na": _PAIR,
            "record": {"type": "string", "pattern": "^[A-Z][A-Za-z0-9]*$"},
            "fields": {"type": "array", "items": _ref("fact")},
        },
        "additionalProperties": False,
    }
    group = {
        "type": "object",
        "required": ["id", "title", "facts"],
        "properties": {
            "id": _SNAKE,
            "title": _PAIR,
            "facts": {"type": "array", "items": _ref("fact"), "minItems": 1},
            "note": {"type": "string"},
        },
        "additionalProperties": False,
    }
    declaration = {
        "type": "object",
        "title": "facts.yaml: the facts of a filing, declared beside the clauses",
        "required": ["facts", "families", "groups"],
        "properties": {
            "facts": {"const": FORMAT_VERSION, "description": "the declaration format version"},
            "families": {"type": "object", "additionalProperties": _ref("fact_family")},
            "groups": {"type": "array", "items": _ref("fact_group"), "minItems": 1},
            "determinations": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[PN][1-9][0-9]{0,2}$"},
                "uniqueItems": True,
                "description": "the catch-all clauses decided only by a recorded determination",
            },
        },
        "additionalProperties": False,
    }
    return {
        "facts_declaration": declaration,
        "fact_family": family,
        "fact_value": value,
        "fact_group": group,
        "fact": fact,
    }
