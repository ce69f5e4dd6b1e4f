"""Errors as data.

Every problem rongcuo finds in its input is a :class:`Problem`: a stable ``code``, a
:class:`Location` (``file:line:col`` for text it parsed, a JSON path for a document) and a
message that says what was expected, what was found and, where it can, how to fix it.

Problems are collected, sorted by location and raised once, inside one exception of this tree::

    RongcuoError (ValueError)          anything rongcuo rejects; .problems holds them all
    ├── RulesError                     a ruleset that failed to load (never partly used)
    ├── FilingError                    a filing that is not a valid document
    └── VerdictError                   a stored verdict that does not verify

Codes are stable: they are listed in :data:`CODES` and documented in ``docs/errors.md``; a test
keeps the two in step.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import Final

__all__ = [
    "CODES",
    "FilingError",
    "Location",
    "Problem",
    "RongcuoError",
    "RulesError",
    "VerdictError",
]

#: Every error code rongcuo emits, with a one-line meaning.
CODES: Final[dict[str, str]] = {
    # reading text
    "io_error": "the file could not be read",
    "not_utf8": "the bytes are not valid UTF-8",
    "too_large": "the document is larger than the limit",
    "too_deep": "the document nests deeper than the limit",
    "yaml_syntax": "the text is not valid YAML",
    "yaml_tag": "a YAML tag other than the plain JSON-like types",
    "yaml_alias_limit": "too many YAML aliases, or an alias expands too far",
    "yaml_duplicate_key": "a mapping key appears twice",
    "yaml_complex_key": "a mapping key that is not a string (a number, null, alias or collection)",
    "yaml_multiple_documents": "more than one YAML document in one file",
    "json_syntax": "the text is not valid JSON",
    "json_duplicate_key": "a key appears twice in one JSON object",
    # rule files
    "rules_missing_file": "a file the ruleset needs is missing",
    "rules_wrong_type": "a value in a rule file has the wrong type",
    "rules_unknown_key": "a key the rule language does not define",
    "rules_missing_key": "a required key is missing",
    "rules_bad_id": "a clause or element id is malformed or does not fit its list",
    "rules_duplicate_id": "a clause or element id is used twice",
    "rules_list_mismatch": "a clause is in the wrong list file",
    "rules_unknown_document": "a citation names a document the ruleset does not register",
    "rules_missing_citation": "a citation lacks a required part",
    "rules_phrase_not_in_text": "an element's quoted phrase does not occur in its clause text",
    "rules_empty_predicate": "an all/any with no operands, or a clause with no elements",
    "rules_bad_operator": "a test has no operator, several, or one the language does not know",
    "rules_unknown_fact": "a fact path that the filing model does not define",
    "rules_operator_type": "an operator that does not fit the fact's type",
    "rules_value_type": "a comparison value of the wrong type for the fact",
    "rules_enum_value": "a value outside the fact's enumeration",
    "rules_unknown_clause": "a reference to a clause that does not exist",
    "rules_bar_target": "a bar names a clause that is not a positive clause, or names one twice",
    "rules_unknown_element": "a combination names an element the clause does not define",
    "rules_cycle": "clause references that form a cycle",
    "rules_catch_all": "a catch-all clause that is not decided by a recorded determination",
    "rules_example": "a clause example that is malformed or does not behave as it says",
    "rules_metadata": "ruleset metadata that is missing or inconsistent",
    "rules_limit": "a ruleset larger than the limits",
    "rules_git_revision": "a git revision, or a rule file at it, that cannot be read",
    # facts declarations (facts.yaml, filing model v2)
    "facts_wrong_type": "a value in a facts declaration has the wrong YAML type",
    "facts_unknown_key": "a key the facts declaration format does not define",
    "facts_missing_key": "a required key of a facts declaration is missing or empty",
    "facts_version": "the declaration's format version (facts:) is missing or not supported",
    "facts_bad_id": "an id that is not snake_case, is reserved, or a record name not CamelCase",
    "facts_duplicate_id": "a family, value, group or fact id used twice",
    "facts_missing_title": "a title, question or na: that is missing or not a [zh, en] pair",
    "facts_bad_type": "a fact type that does not exist, or a key that does not fit the type",
    "facts_unknown_family": "a fact names a family that is not declared",
    "facts_unknown_value": "also: names a value that is not in the family",
    "facts_cycle": "broader values (nesting and also:) that form a cycle",
    # filings
    "filing_not_object": "a filing must be a JSON/YAML object",
    "filing_unknown_field": "a field the filing model does not define",
    "filing_wrong_type": "a value of the wrong type",
    "filing_invalid_value": "a value outside what the field allows",
    "filing_invalid_date": "a date that does not exist or is malformed",
    "filing_dates_out_of_order": "dates out of order: the conduct began after it ended",
    "filing_date_after_reference": "a date later than the evaluation's reference date",
    "filing_too_long": "a string or list longer than the limit",
    "filing_duplicate_value": "a set fact lists the same value twice",
    "filing_v1": "a filing in the shape of filing model v1, read by a v2 reader",
    "filing_set_conflict": "a set lists a value both yes and no (or rules out a whole coarse yes)",
    "filing_na_not_allowed": '"n/a" (not applicable) for a fact that always applies',
    # verdicts
    "verdict_malformed": "a stored verdict is not a valid verdict document",
    "verdict_receipt_mismatch": "a stored verdict's receipt does not match its contents",
    "verdict_mismatch": "re-evaluating the filing gives a different verdict",
    "verdict_ruleset_mismatch": "the verdict was made under a different ruleset",
    # screening
    "screen_resume_mismatch": "an output to resume is not the output of a prefix of this input",
    # evaluation backends
    "durable_untranslatable": "a clause the durable-rules backend cannot express within its limits",
    "backend_unavailable": "an optional dependency is not installed (durable-rules, z3-solver)",
    # coverage
    "coverage_case": "a coverage case that is malformed (not a mapping, no filing, unknown key)",
}


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where a problem is: a file position, a path into a document, or both."""

    file: str = ""
    line: int = 0
    col: int = 0
    path: tuple[str | int, ...] = ()

    def json_path(self) -> str:
        """The path as ``$.a.b[0]``; ``$`` for the document itself."""
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            pos = self.file
            if self.line:
                pos += f":{self.line}:{self.col}"
            parts.append(pos)
        if self.path or not parts:
            parts.append(self.json_path())
        return ":".join(parts) if len(parts) == 1 else f"{parts[0]}: {parts[1]}"


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One coded problem with its location."""

    code: str
    message: str
    location: Location = Location()
    hint: str = ""

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a programming error in rongcuo itself, not bad input
            raise ValueError(f"undocumented error code {self.code!r}")

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        loc = self.location
        return (loc.file, loc.line, loc.col, str(loc.path), self.code, self.message)

    def __str__(self) -> str:
        text = f"{self.location}: {self.code}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict[str, object]:
        loc = self.location
        out: dict[str, object] = {"code": self.code, "message": self.message}
        if loc.file:
            out["file"] = loc.file
        if loc.line:
            out["line"] = loc.line
            out["col"] = loc.col
        out["path"] = loc.json_path()
        if self.hint:
            out["hint"] = self.hint
        return out


def sorted_problems(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Sort and de-duplicate problems, as they are reported."""
    return tuple(sorted(set(problems), key=Problem.sort_key))


class RongcuoError(ValueError):
    """Anything rongcuo rejects. ``problems`` holds every problem found, sorted."""

    kind = "input"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = sorted_problems(problems)
        if not self.problems:
            raise ValueError("an error needs at least one problem")
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.kind}"
        return head + "\n" + "\n".join(f"  {p}" for p in self.problems)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)

    def to_dict(self) -> dict[str, object]:
        return {
            "error": self.kind,
            "problems": [p.to_dict() for p in self.problems],
        }


class RulesError(RongcuoError):
    """A ruleset that failed to load. A ruleset with any problem is never used."""

    kind = "ruleset"


class FilingError(RongcuoError):
    """A filing that is not a valid document for the filing model."""

    kind = "filing"


class VerdictError(RongcuoError):
    """A stored verdict that does not verify against its filing and ruleset."""

    kind = "verdict"


def suggest(name: str, known: Iterable[str]) -> str:
    """A did-you-mean hint, or ``""``."""
    import difflib

    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else ""
