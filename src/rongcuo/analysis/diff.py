"""What changed between two versions of a ruleset: in words, in meaning, and for past filings.

Three levels, each exact:

* **Clauses** — added, removed, changed; a changed clause says separately whether its text
  (the clause wording and its elements' quoted phrases), its citation, its metadata (summary,
  element notes, examples) or its predicate (elements' tests, how they combine, catch-all) changed.
* **Facts** (filing model v2) — every change of the facts declaration: facts and record fields
  added or removed, types, families, ``na:``, titles and questions; families and their values
  added, removed or moved (:mod:`rongcuo.analysis.joint`).
* **Meaning** — for every clause present in both versions whose predicate changed, or which
  refers (through ``clause:``) to a clause whose predicate changed, z3 decides whether the new
  predicate is *equivalent*, *broader*, *narrower* or *incomparable* over the domain
  (:class:`~rongcuo.analysis.solver_v2.Domain`: by default every valid filing, unknown facts
  included, as the engine sees it; ``Domain.COMPLETE`` restricts the proofs to complete filings,
  and every row then says so). Equivalence is a proof (the difference is unsatisfiable), never a
  sample. Every difference comes with a **witness**: a valid filing on which the two versions
  disagree. Two v2 versions are translated by :mod:`~rongcuo.analysis.solver_v2` over one joint
  declaration (:func:`~rongcuo.analysis.joint.joint_rulesets`); where their hierarchies conflict,
  meaning is reported as not proved. Two v1 versions use :mod:`~rongcuo.analysis.solver` until the
  flip.
* **Status** — for each pair of statuses (eligible → ineligible, …) a witness filing whose status
  changes that way, or a proof that none exists, using the engine's decision procedure over clause
  truths (:meth:`~rongcuo.analysis.solver.Encoding.status`).

Every witness is run through the engine under both versions. A witness the engine does not
confirm is a bug in rongcuo's translation; it is reported in :attr:`RulesetDiff.bugs`, never
dropped.

``replay_corpus`` replays past filings (JSON Lines) under both versions, each version reading
them with its own filing model, and reports every filing whose status or decisive clauses change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import _yaml, reader
from ..engine.evaluate import Memo, Truth
from ..errors import FilingError, Location, Problem, RongcuoError, RulesError, show
from ..facts.declare import FactDecl, FactsDecl, FactType
from ..facts.values import NA, PartialDate, PartialSet, Records
from ..reader import shown_path
from ..rules.ruleset import Ruleset, node_data
from ..rules.syntax import Clause, ClauseRef, ListKind, facts_read, walk
from ..verdict.verdict import Status
from .joint import FactChange, Joint, joint_rulesets, renumbered, reread, undeclared
from .solver_v2 import RECORDS, Domain, Tri

__all__ = [
    "Aspect",
    "ClauseDiff",
    "Domain",
    "Meaning",
    "Relation",
    "Replay",
    "ReplayChange",
    "RulesetDiff",
    "StatusChange",
    "Witness",
    "diff_rulesets",
    "load_side",
    "replay_corpus",
]

OLD, NEW = "old", "new"


class Relation(enum.StrEnum):
    """How the new predicate of a clause relates to the old one, over the domain."""

    EQUIVALENT = "equivalent"  # same truth on every filing (proved)
    BROADER = "broader"  # holds on every filing the old one held on, and on more
    NARROWER = "narrower"  # holds on a subset of the filings the old one held on
    INCOMPARABLE = "incomparable"  # each holds on some filing the other does not
    SAME_HOLDING = "same_holding"  # holds on the same filings; differs between false and unknown


class Aspect(enum.StrEnum):
    """A part of a clause that can change."""

    TEXT = "text"
    CITATION = "citation"
    METADATA = "metadata"
    PREDICATE = "predicate"


# --------------------------------------------------------------------------- loading a side


def load_side(spec: str, *, cwd: str | Path | None = None) -> Ruleset:
    """A ruleset named on the command line: a directory, ``git:REV`` or ``git:REV:DIR``.

    ``git:REV`` reads ``rules/*.yaml`` as committed at ``REV`` (with ``git show``), without
    touching the working tree; ``git:REV:DIR`` reads another directory of the repository. The
    optional files (``bars.yaml``, ``companions.yaml``, ``facts.yaml``) are read when the
    revision has them.
    """
    from ..rules.load import FACTS_FILE, FILES, OPTIONAL_FILES, load_ruleset, load_ruleset_texts

    if not spec.startswith("git:"):
        return load_ruleset(spec)
    rest = spec[4:]
    rev, _, directory = rest.partition(":")
    directory = directory.strip("/") or "rules"
    where = Path(cwd) if cwd is not None else Path.cwd()
    if not rev:
        raise RulesError(
            [Problem("rules_git_revision", "git: needs a revision, e.g. git:HEAD", Location(spec))]
        )
    if rev.startswith("-") or directory.startswith("-") or "\x00" in spec:
        # never an option of git's (git:--output=FILE would write a file)
        raise RulesError(
            [
                Problem(
                    "rules_git_revision",
                    f"{show(rev)} is not a revision: a revision never starts with '-'",
                    Location(shown_path(spec)),
                    "name a commit, branch or tag, e.g. git:HEAD~1 or git:v1.0",
                )
            ]
        )
    texts: dict[str, bytes] = {}
    problems: list[Problem] = []
    limit = _yaml.DEFAULT_LIMITS.max_bytes
    optional = (*OPTIONAL_FILES, FACTS_FILE)
    # DIR is relative to the repository's root, whatever the working directory; a revision or a
    # directory that is not there is one problem, not one per file
    where = _git_root(where)
    present = _git_names(rev, directory, where)
    if present is None:
        raise RulesError(
            [
                Problem(
                    "rules_git_revision",
                    f"cannot read {directory}/ at {rev}: no such revision, or no such directory "
                    "at it",
                    Location(shown_path(spec)),
                    "git:REV:DIR names a directory relative to the repository's root "
                    "(default: rules), e.g. git:HEAD~1:rules",
                )
            ]
        )
    for name in (*FILES, *(n for n in optional if n in present)):
        shown = Location(shown_path(f"git:{rev}:{directory}/{name}"))
        try:
            code, blob, stderr = _git_show(f"{rev}:{directory}/{name}", where, limit)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RulesError(
                [
                    Problem(
                        "rules_git_revision", f"cannot run git: {exc}", Location(shown_path(spec))
                    )
                ]
            ) from None
        if blob is None:
            problems.append(
                Problem(
                    "too_large",
                    f"more than {limit} bytes; a rule file holds at most {limit}",
                    shown,
                )
            )
            continue
        if code != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            problems.append(
                Problem(
                    "rules_git_revision",
                    f"cannot read {directory}/{name} at {rev}: "
                    + (message[0] if message else "git show failed"),
                    shown,
                )
            )
            continue
        texts[name] = blob
    if problems:
        raise RulesError(problems)
    origin = f"git:{rev}" + (f":{directory}" if directory != "rules" else "")
    return load_ruleset_texts(texts, origin=origin)


def _git_root(cwd: Path) -> Path:
    """The root of the repository ``cwd`` is in (``cwd`` itself when git cannot say: the errors
    of reading the files then say why)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return cwd
    root = done.stdout.decode("utf-8", "replace").strip()
    return Path(root) if done.returncode == 0 and root else cwd


def _git_names(rev: str, directory: str, cwd: Path) -> set[str] | None:
    """The file names in ``directory`` (relative to the root) at ``rev``; ``None`` when there is
    no such revision or directory; an empty set when git cannot be run (the file reads then
    report why)."""
    try:
        done = subprocess.run(
            ["git", "ls-tree", "--name-only", "--end-of-options", f"{rev}:{directory}"],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode != 0:
        return None
    return set(done.stdout.decode("utf-8", "replace").split("\n"))


def _git_show(obj: str, cwd: Path, limit: int) -> tuple[int, bytes | None, bytes]:
    """``git show --end-of-options OBJ``: its exit status, at most ``limit`` bytes of its output
    (``None`` when there is more: git is stopped) and the start of its standard error.

    ``--end-of-options`` (git 2.24 and later) makes git read ``OBJ`` as a revision even when it
    starts with ``-``; :func:`load_side` refuses such revisions before git is ever run.
    """
    with subprocess.Popen(
        ["git", "show", "--end-of-options", obj],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = proc.stdout.read(min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            proc.kill()
            proc.wait(timeout=60)
            return proc.returncode, None, b""
        stderr = proc.stderr.read(64 * 1024)
        return proc.wait(timeout=60), b"".join(chunks), stderr


# --------------------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True, slots=True)
class Witness:
    """A filing on which the versions disagree, with what z3 and the engine say of it."""

    name: str
    filing: Any  # a filing of the (joint) filing model
    expected_old: str  # what the solver says under the old version (a truth or a status)
    expected_new: str
    engine_old: str  # what the engine says
    engine_new: str
    reads: tuple[str, ...] = ()  # the facts that matter, to show first
    decisive_old: tuple[str, ...] = ()
    decisive_new: tuple[str, ...] = ()
    #: v2: the filing document (JSON shape), its facts' values, and the declaration they are of
    document: Mapping[str, Any] | None = None
    values: Mapping[str, Any] | None = None
    decl: FactsDecl | None = None
    #: v2: what the witness states that a version's own declaration does not declare
    outside_old: tuple[str, ...] = ()
    outside_new: tuple[str, ...] = ()
    #: the filing's status under each version (for a clause witness; a status witness's is its
    #: engine_old/engine_new), by the engine, with the deciding clauses in decisive_old/new
    status_old: str = ""
    status_new: str = ""
    #: clauses unrelated to the change that hold in the witness under either version (z3 is
    #: asked for a witness without any first; only where none exists are some left)
    unrelated: tuple[str, ...] = ()

    @property
    def verified(self) -> bool:
        return (self.engine_old, self.engine_new) == (self.expected_old, self.expected_new)

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "verified": self.verified,
            "solver": {OLD: self.expected_old, NEW: self.expected_new},
            "engine": {OLD: self.engine_old, NEW: self.engine_new},
        }
        if self.status_old or self.status_new:
            out["status"] = {OLD: self.status_old, NEW: self.status_new}
        if self.decisive_old or self.decisive_new:
            out["decisive"] = {OLD: list(self.decisive_old), NEW: list(self.decisive_new)}
        out["unrelated_true"] = list(self.unrelated)
        out["reads"] = list(self.reads)
        if self.outside_old or self.outside_new:
            out["undeclared"] = {OLD: list(self.outside_old), NEW: list(self.outside_new)}
        out["filing"] = (
            dict(self.document)
            if self.document is not None
            else self.filing.model_dump(mode="json", exclude_none=True)  # v1: delete at the flip
        )
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Meaning:
    """The solver's answer for one clause present in both versions."""

    relation: Relation
    broader: Witness | None  # holds under the new version only
    narrower: Witness | None  # holds under the old version only
    other: Witness | None = None  # same holding, false under one and unknown under the other
    via: tuple[str, ...] = ()  # referenced clauses whose change reaches this one

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"relation": self.relation.value, "proved": True}
        if self.via:
            out["via"] = list(self.via)
        for name, w in (("broader", self.broader), ("narrower", self.narrower)):
            if w is not None:
                out[f"{name}_witness"] = w.to_data()
        if self.other is not None:
            out["other_witness"] = self.other.to_data()
        return out

    def witnesses(self) -> list[tuple[str, Witness]]:
        """The witnesses there are, each with the key of its label in :func:`words`."""
        labelled = (
            ("holds_new_only", self.broader),
            ("holds_old_only", self.narrower),
            ("same_holding", self.other),
        )
        return [(label, w) for label, w in labelled if w is not None]


@dataclasses.dataclass(frozen=True, slots=True)
class ClauseDiff:
    """One clause in either version."""

    id: str
    list: ListKind
    change: str  # added | removed | changed | renumbered (a catch-all that moved) | unchanged
    aspects: tuple[Aspect, ...]
    old: Clause | None
    new: Clause | None
    details: tuple[str, ...] = ()  # what changed inside an aspect (e.g. "summary", "examples")
    meaning: Meaning | None = None
    unproved: bool = False  # the predicate changed, but no joint declaration exists to prove on

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "list": self.list.value, "change": self.change}
        if self.change == "renumbered" and self.old is not None:
            out["renumbered_from"] = self.old.id
        if self.aspects:
            out["aspects"] = [a.value for a in self.aspects]
        if self.details:
            out["details"] = list(self.details)
        for side, c in ((OLD, self.old), (NEW, self.new)):
            if c is not None and (self.change != "unchanged" or side == NEW):
                out[side] = {
                    "text": c.text,
                    "citation": c.citation.render("zh"),
                    "summary": c.summary,
                    "catch_all": c.catch_all,
                    "elements": [
                        {"id": e.id, "phrase": e.phrase, "test": _jsonable(node_data(e.test))}
                        for e in c.elements
                    ],
                    "holds_when": _jsonable(node_data(c.holds_when)),
                }
        if self.meaning is not None:
            out["meaning"] = self.meaning.to_data()
        elif self.unproved:
            out["meaning"] = {"proved": False, "reason": "facts_conflict"}
        elif self.change in ("changed", "renumbered"):
            out["meaning"] = {"relation": "equivalent", "proved": True, "identical": True}
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class StatusChange:
    """Whether some filing's status can change from ``old`` to ``new``; a witness if so."""

    old: Status
    new: Status
    witness: Witness | None

    def to_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {OLD: self.old.value, NEW: self.new.value}
        out["possible"] = self.witness is not None
        if self.witness is not None:
            out["witness"] = self.witness.to_data()
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class ReplayChange:
    """A past filing whose status or decisive clauses change."""

    line: int
    filing_id: str | None
    old_status: Status
    new_status: Status
    old_decisive: tuple[str, ...]
    new_decisive: tuple[str, ...]

    def to_data(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "id": self.filing_id,
            "status": {OLD: self.old_status.value, NEW: self.new_status.value},
            "decisive": {OLD: list(self.old_decisive), NEW: list(self.new_decisive)},
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Replay:
    """Past filings replayed under both versions."""

    source: str
    total: int
    changes: tuple[ReplayChange, ...]
    by_clause: Mapping[str, Mapping[str, int]]  # clause -> {became_decisive, ceased_..., ...}
    transitions: Mapping[str, int]  # "old->new" -> count

    def to_data(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "total": self.total,
            "changed": len(self.changes),
            "status_changed": sum(1 for c in self.changes if c.old_status is not c.new_status),
            "transitions": dict(self.transitions),
            "by_clause": {k: dict(v) for k, v in self.by_clause.items()},
            "filings": [c.to_data() for c in self.changes],
        }


@dataclasses.dataclass(frozen=True, slots=True)
class RulesetDiff:
    """Everything :func:`diff_rulesets` found."""

    old: Ruleset
    new: Ruleset
    domain: Domain
    metadata: tuple[tuple[str, str, str], ...]  # (field, old, new)
    clauses: tuple[ClauseDiff, ...]
    statuses: tuple[StatusChange, ...]
    replay: Replay | None
    bugs: tuple[str, ...]
    seconds: float
    facts: tuple[FactChange, ...] = ()  # v2: changes of the facts declaration
    records: int | None = None  # v2: the bound on each list the proofs assume; None for v1

    def _status_data(self, s: StatusChange) -> dict[str, Any]:
        out = s.to_data()
        out["domain"] = self.domain.value  # what the row's proof or witness ranges over
        seen = self.replay.transitions.get(f"{s.old.value}->{s.new.value}", 0) if self.replay else 0
        if seen:
            out["seen_in_replay"] = seen  # with no witness: the replayed filings lie outside it
        return out

    def _clause_data(self, c: ClauseDiff) -> dict[str, Any]:
        out = c.to_data()
        meaning = out.get("meaning")
        if isinstance(meaning, dict) and meaning["proved"] and not meaning.get("identical"):
            meaning["domain"] = self.domain.value  # what the meaning is proved over
        return out

    def has_change(self, kind: str) -> bool:
        """Whether the diff found a change of ``kind`` (the CI gate, ``diff --fail-on``):

        ``meaning``
            a clause added or removed, a clause whose meaning is not proved equal (broader,
            narrower, incomparable, same_holding, or not proved: a conflict of declarations), or
            a possible status change;
        ``text``
            a clause added or removed, or a change of its text or citation;
        ``any``
            any difference at all (the digests differ).
        """
        if kind == "any":
            return self.old.digest != self.new.digest
        added = any(c.change in ("added", "removed") for c in self.clauses)
        if kind == "text":
            return added or any(
                a in (Aspect.TEXT, Aspect.CITATION) for c in self.clauses for a in c.aspects
            )
        if kind == "meaning":
            return (
                added
                or any(
                    c.unproved
                    or (c.meaning is not None and c.meaning.relation is not Relation.EQUIVALENT)
                    for c in self.clauses
                )
                or any(s.witness is not None for s in self.statuses)
            )
        raise ValueError(f"no kind of change {kind!r}: meaning, text or any")

    @property
    def proved(self) -> bool:
        """Whether meaning and statuses were proved (no conflict between the declarations)."""
        return not any(f.conflict for f in self.facts)

    @property
    def changed(self) -> tuple[ClauseDiff, ...]:
        return tuple(c for c in self.clauses if c.change != "unchanged")

    def to_data(self, *, timing: bool = False) -> dict[str, Any]:
        """The diff as JSON data (``rongcuo_diff: 1``). Deterministic: the same two versions
        give the same data; ``timing`` adds ``seconds``, the run time, which does not."""

        def ref(r: Ruleset) -> dict[str, Any]:
            return {
                "label": r.label,
                "source": r.meta.source,
                "effective": r.meta.effective.isoformat(),
                "digest": r.digest,
                "origin": r.origin,
            }

        data: dict[str, Any] = {
            "rongcuo_diff": 1,
            OLD: ref(self.old),
            NEW: ref(self.new),
            "domain": self.domain.value,
            **({} if self.records is None else {"records_bound": self.records}),
            "identical": self.old.digest == self.new.digest,
            "proved": self.proved,
            "metadata": [{"field": f, OLD: o, NEW: n} for f, o, n in self.metadata],
            "facts": [f.to_data() for f in self.facts],
            "clauses": [self._clause_data(c) for c in self.changed],
            "unchanged": [c.id for c in self.clauses if c.change == "unchanged"],
            "status_changes": [self._status_data(s) for s in self.statuses],
            "replay": self.replay.to_data() if self.replay is not None else None,
            "bugs": list(self.bugs),
        }
        if timing:
            data["seconds"] = round(self.seconds, 3)
        return data


# --------------------------------------------------------------------------- clause level


def _jsonable(data: Any) -> Any:
    """Rule data in JSON's types: a date (``before: 2012-11-08``) as its ISO text."""
    if isinstance(data, dt.date):
        return data.isoformat()
    if isinstance(data, Mapping):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    return data


def _predicate(c: Clause) -> tuple[object, ...]:
    return (tuple((e.id, e.test) for e in c.elements), c.holds_when, c.catch_all, c.bars)


def _aspects(old: Clause, new: Clause) -> tuple[tuple[Aspect, ...], tuple[str, ...]]:
    aspects: list[Aspect] = []
    details: list[str] = []
    if old.text != new.text:
        aspects.append(Aspect.TEXT)
        details.append("text")
    if tuple(e.phrases for e in old.elements) != tuple(e.phrases for e in new.elements):
        if Aspect.TEXT not in aspects:
            aspects.append(Aspect.TEXT)
        details.append("phrases")
    if old.citation != new.citation:
        aspects.append(Aspect.CITATION)
    meta = [
        name
        for name, a, b in (
            ("summary", old.summary, new.summary),
            ("notes", tuple(e.note for e in old.elements), tuple(e.note for e in new.elements)),
            ("examples", old.examples, new.examples),
        )
        if a != b
    ]
    if meta:
        aspects.append(Aspect.METADATA)
        details.extend(meta)
    if _predicate(old) != _predicate(new):
        aspects.append(Aspect.PREDICATE)
        if old.catch_all != new.catch_all:
            details.append("catch_all")
        if old.bars != new.bars:
            details.append("bars")
    return tuple(aspects), tuple(details)


def _refs(rules: Ruleset, cid: str) -> set[str]:
    """Clauses ``cid`` reads, directly or through others."""
    seen: set[str] = set()
    stack = [cid]
    while stack:
        c = rules.clause(stack.pop())
        for e in c.elements:
            for n in walk(e.test):
                if isinstance(n, ClauseRef) and n.clause not in seen and n.clause in rules:
                    seen.add(n.clause)
                    stack.append(n.clause)
    return seen


def _metadata(old: Ruleset, new: Ruleset) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    for name in ("label", "source", "effective", "description"):
        a, b = getattr(old.meta, name), getattr(new.meta, name)
        if a != b:
            out.append((name, str(a), str(b)))
    a_docs = sorted(old.documents.values(), key=lambda d: d.id)
    b_docs = sorted(new.documents.values(), key=lambda d: d.id)
    if a_docs != b_docs:
        out.append(("documents", ", ".join(d.id for d in a_docs), ", ".join(d.id for d in b_docs)))
    if old.consequences != new.consequences:
        changed = sorted(
            k
            for k in set(old.consequences) | set(new.consequences)
            if old.consequences.get(k) != new.consequences.get(k)
        )
        out.append(("consequences", ", ".join(changed), ", ".join(changed)))
    return out


# --------------------------------------------------------------------------- the solver side


class _Checker:
    """The solver side of a diff: both versions over one encoding (``joint``: the rulesets over
    one facts declaration, and each version's own declaration)."""

    def __init__(self, joint: Joint, domain: Domain) -> None:
        self.joint = joint
        self.old, self.new = joint.old, joint.new
        self.v2 = joint.old.program.catalogue is not None
        if self.v2:
            from .solver_v2 import Encoding

            self.enc: Any = Encoding(domain=domain, own_context=True)
        else:  # v1: delete at the flip
            from . import solver

            self.enc = solver.Encoding(domain=solver.Domain(domain.value))
        self.enc.add(OLD, self.old)
        self.enc.add(NEW, self.new)
        self.bugs: list[str] = []
        self.z3 = self.enc.z3
        #: the clauses whose predicate changed, or that one version lacks (set by diff_rulesets):
        #: a status witness may rest on them, and on no other clause holding
        self.changed: frozenset[str] = frozenset()
        self._models: dict[str, Any] = {}
        # facts one version does not declare and no clause of either reads: a witness leaves
        # them out (over complete filings they would be stated, and say nothing)
        self._drop: frozenset[str] = frozenset()
        if joint.merged:
            assert joint.old_decl is not None and joint.new_decl is not None
            read = {
                p.partition("[]")[0]
                for rules in (self.old, self.new)
                for c in rules.clauses
                for e in c.elements
                for p in facts_read(e.test)
            }
            shared = set(joint.old_decl.facts) & set(joint.new_decl.facts)
            self._drop = frozenset(
                p
                for p in self.old.filing_model.facts
                if p not in shared
                and p not in read
                and not p.startswith("determinations.")  # a determination is whole or absent
            )
            old_values, new_values = (
                set(joint.old_decl.value_family),
                set(joint.new_decl.value_family),
            )
            self.enc.rare = frozenset(old_values ^ new_values)

    def _document(self, model: Any, name: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.enc.filing_data(model, name=name)
        for path in self._drop:
            *groups, last = path.split(".")
            here = doc
            for g in groups:
                here = here.get(g, {})
            here.pop(last, None)
        return doc

    def _values(self, model: Any) -> dict[str, Any]:
        values: dict[str, Any] = self.enc.values(model)
        return {p: (None if p in self._drop else v) for p, v in values.items()}

    def _extra(self, name: str) -> dict[str, Any]:
        """A v2 witness's document, values, declaration and what each version does not declare."""
        model = self._models.get(name)
        if not self.v2 or model is None:
            return {}
        values = self._values(model)
        out: dict[str, Any] = {
            "document": self._document(model, name),
            "values": values,
            "decl": self.enc.decl,
        }
        if self.joint.merged:
            assert self.joint.old_decl is not None and self.joint.new_decl is not None
            out["outside_old"] = undeclared(self.joint.old_decl, values)
            out["outside_new"] = undeclared(self.joint.new_decl, values)
        return out

    def _reads(self, *clauses: Clause | None) -> tuple[str, ...]:

        seen: dict[str, None] = {}
        for c in clauses:
            if c is None:
                continue
            for e in c.elements:
                for p in facts_read(e.test):
                    seen.setdefault(p, None)
        return tuple(seen)

    def _find(self, formula: Any, related: Iterable[str]) -> Any | None:
        """A witness model for ``formula``: for v2, one on which no clause outside ``related``
        holds under either version when there is one (a hard constraint, asked first), else any
        (the clauses left true are reported as ``unrelated``). z3's optimiser then prefers
        ordinary values among those (:meth:`~rongcuo.analysis.solver_v2.Encoding.find`)."""
        if not self.v2:  # v1: delete at the flip
            return self.enc.find(formula)
        keep = set(related)
        quiet = [
            self.z3.Not(self.enc.clause(key, c.id).t)
            for key, rules in ((OLD, self.old), (NEW, self.new))
            for c in rules.clauses
            if c.id not in keep
        ]
        model = self.enc.find(formula, *quiet)
        if model is None:
            model = self.enc.find(formula)
        return model

    def _outcomes(self, filing: Any) -> list[tuple[Status, tuple[str, ...], set[str]]]:
        """Under each version: the engine's status, deciding clauses and the clauses that hold."""
        from ..engine.decide import _status

        got = []
        for rules in (self.old, self.new):
            memo: Memo = {}
            values = {
                cid: rules.program.clause_value(cid, filing, memo) for cid in rules.program.order
            }
            status, deciding = _status(rules, values)
            held = {cid for cid, v in values.items() if v is Truth.TRUE}
            got.append((status, tuple(c.id for c in deciding), held))
        return got

    def clause_witness(
        self,
        cid: str,
        name: str,
        formula: Any,
        old_tri: Tri,
        new_tri: Tri,
        *,
        old_id: str | None = None,
    ) -> Witness | None:
        was = old_id or cid
        related = {cid, was, *_refs(self.old, was), *_refs(self.new, cid)}
        model = None
        decides = self._decides(cid, was, old_tri, new_tri)
        if decides is not None:  # first, a case the clause decides where it holds
            model = self._find(self.z3.And(formula, decides), related)
        if model is None:
            model = self._find(formula, related)
        if model is None:
            return None
        filing = self._filing(model, name)
        if filing is None:
            return None
        solver = self.enc.truths({OLD: old_tri, NEW: new_tri}, filing)
        engine_old = self.old.program.clause_value(was, filing, {})
        engine_new = self.new.program.clause_value(cid, filing, {})
        reads = self._reads(self.old.clause(was), self.new.clause(cid), *self._referenced(cid))
        (so, do, ho), (sn, dn, hn) = self._outcomes(filing)
        w = Witness(
            name,
            filing,
            solver[OLD].value,
            solver[NEW].value,
            engine_old.value,
            engine_new.value,
            reads,
            do,
            dn,
            status_old=so.value,
            status_new=sn.value,
            unrelated=tuple(sorted((ho | hn) - related, key=_clause_order)),
            **self._extra(name),
        )
        if not w.verified:
            self.bugs.append(
                f"witness {name}: the solver says {cid} is {w.expected_old} -> {w.expected_new}, "
                f"the engine says {w.engine_old} -> {w.engine_new}"
            )
        return w

    def _decides(self, cid: str, was: str, old_tri: Tri, new_tri: Tri) -> Any | None:
        """For a positive or negative clause's witness: under each version where the clause
        holds, the status it gives (eligible, ineligible) — so a witness reads as a case the
        clause decides (P3 made it eligible), not one left open by an unrelated fact. None for
        a bar or a companion, and for v1."""
        if not self.v2 or self.new.clause(cid).list not in (ListKind.POSITIVE, ListKind.NEGATIVE):
            return None
        z3 = self.z3
        gives = (
            Status.ELIGIBLE if self.new.clause(cid).list is ListKind.POSITIVE else Status.INELIGIBLE
        )
        old_st, new_st = self.enc.status(OLD), self.enc.status(NEW)
        return z3.And(z3.Implies(old_tri.t, old_st[gives]), z3.Implies(new_tri.t, new_st[gives]))

    def _referenced(self, cid: str) -> list[Clause]:
        out: list[Clause] = []
        for rules in (self.old, self.new):
            out.extend(rules.clause(r) for r in sorted(_refs(rules, cid)))
        return out

    def _filing(self, model: Any, name: str) -> Any | None:
        """The model as a filing the engine reads: for v2, its document parsed by the (joint)
        filing model, as any filing is; a refusal is a bug of the translation."""
        import pydantic

        self._models[name] = model
        if self.v2:
            try:
                return self.old.parse_filing(self._document(model, name))
            except FilingError as exc:
                self.bugs.append(f"witness {name} is not a valid filing: {exc}")
                return None
        try:  # v1: delete at the flip
            return self.enc.witness(model, name=name)
        except pydantic.ValidationError as exc:
            self.bugs.append(f"witness {name} is not a valid filing: {exc}")
            return None

    def meaning(self, cid: str, via: tuple[str, ...], *, old_id: str | None = None) -> Meaning:
        """How clause ``cid`` of the new version relates to ``old_id`` (``cid`` itself unless
        the clause was renumbered) of the old."""
        z3 = self.z3
        was = old_id or cid
        a = self.enc.clause(OLD, was)
        b = self.enc.clause(NEW, cid)
        broader = self.clause_witness(
            cid, f"{cid}-broader", z3.And(b.t, z3.Not(a.t)), a, b, old_id=was
        )
        narrower = self.clause_witness(
            cid, f"{cid}-narrower", z3.And(a.t, z3.Not(b.t)), a, b, old_id=was
        )
        other = None
        if broader is None and narrower is None:
            other = self.clause_witness(
                cid, f"{cid}-false-vs-unknown", a.f != b.f, a, b, old_id=was
            )
        if broader is not None and narrower is not None:
            relation = Relation.INCOMPARABLE
        elif broader is not None:
            relation = Relation.BROADER
        elif narrower is not None:
            relation = Relation.NARROWER
        elif other is not None:
            relation = Relation.SAME_HOLDING
        else:
            relation = Relation.EQUIVALENT
        return Meaning(relation, broader, narrower, other, via)

    def statuses(self) -> list[StatusChange]:
        z3 = self.z3
        old_st = self.enc.status(OLD)
        new_st = self.enc.status(NEW)
        out: list[StatusChange] = []
        for so in Status:
            for sn in Status:
                if so is sn:
                    continue
                name = f"{so.value}-to-{sn.value}"
                model = self._find(z3.And(old_st[so], new_st[sn]), self.changed)
                if model is None:
                    out.append(StatusChange(so, sn, None))
                    continue
                filing = self._filing(model, name)
                if filing is None:
                    out.append(StatusChange(so, sn, None))
                    continue
                got = self._outcomes(filing)
                held = got[0][2] | got[1][2]
                w = Witness(
                    name,
                    filing,
                    so.value,
                    sn.value,
                    got[0][0].value,
                    got[1][0].value,
                    _decisive_reads(self, got[0][1], got[1][1]),
                    got[0][1],
                    got[1][1],
                    unrelated=tuple(sorted(held - self.changed, key=_clause_order)),
                    **self._extra(name),
                )
                if not w.verified:
                    self.bugs.append(
                        f"status witness {name}: the engine gives {w.engine_old} -> {w.engine_new}"
                    )
                out.append(StatusChange(so, sn, w))
        return out


def _clause_order(cid: str) -> tuple[int, int]:
    """Clause ids in list order: P before N before B before C, then by number."""
    return ("PNBC".find(cid[:1]), int(cid[1:]) if cid[1:].isdigit() else 0)


def _decisive_reads(chk: _Checker, a: Sequence[str], b: Sequence[str]) -> tuple[str, ...]:
    clauses: list[Clause | None] = []
    for rules, ids in ((chk.old, a), (chk.new, b)):
        clauses.extend(rules.clause(i) for i in ids)
    return chk._reads(*clauses)


# --------------------------------------------------------------------------- entry point


def diff_rulesets(
    old: Ruleset,
    new: Ruleset,
    *,
    domain: Domain | None = None,
    corpus: str | Path | None = None,
    statuses: bool = True,
) -> RulesetDiff:
    """Compare two versions; see the module docstring. Raises on an invalid corpus.

    ``domain`` is the filings the proofs cover: by default (``None``) every valid filing, unknown
    facts included, as the engine sees them (:attr:`Domain.ANY`); :attr:`Domain.COMPLETE`
    restricts them to complete filings, and every row of the report says so. (Two v1 rulesets
    are compared over complete filings by default — v1: delete at the flip.)"""
    started = time.perf_counter()
    if domain is None:
        v1 = old.program.catalogue is None and new.program.catalogue is None
        domain = Domain.COMPLETE if v1 else Domain.ANY
    replay = replay_corpus(old, new, corpus) if corpus is not None else None
    joint = joint_rulesets(old, new)
    chk = _Checker(joint, domain) if joint.provable else None
    moves = renumbered(old, new)  # a catch-all that moved: new id -> old id
    taken = set(moves.values())

    def old_of(cid: str) -> str | None:
        """The old clause shown under ``cid``: its own, or the catch-all that moved to it."""
        return moves.get(cid, cid if cid in old and cid not in taken else None)

    def new_clause(cid: str) -> Clause:
        b = new.clause(cid)
        return reread(b, moves[cid]) if cid in moves else b  # read as the old number's

    by_id = {c.id: c for c in (*new.clauses, *old.clauses)}
    ids = [
        i
        for i in sorted(by_id, key=lambda i: by_id[i].sort_key())
        if old_of(i) is not None or i in new
    ]
    pred_changed = {
        cid
        for cid in ids
        if old_of(cid) is None
        or cid not in new
        or _predicate(old.clause(old_of(cid) or cid)) != _predicate(new_clause(cid))
    }
    if chk is not None:
        chk.changed = frozenset(
            pred_changed
            | {c for c in ids if (_refs(old, c) if c in old else set()) & pred_changed}
            | {c for c in ids if (_refs(new, c) if c in new else set()) & pred_changed}
        )
    out: list[ClauseDiff] = []
    for cid in ids:
        kind = by_id[cid].list
        was = old_of(cid)
        if was is None:
            out.append(ClauseDiff(cid, kind, "added", (), None, new.clause(cid)))
            continue
        if cid not in new:
            out.append(ClauseDiff(cid, kind, "removed", (), old.clause(cid), None))
            continue
        if was != cid:  # the catch-all, renumbered: proved to mean what it meant
            a, b = old.clause(was), new.clause(cid)
            aspects, details = _aspects(a, new_clause(cid))
            meaning = chk.meaning(cid, (), old_id=was) if chk is not None else None
            if meaning is not None and meaning.relation is Relation.EQUIVALENT:
                meaning = None
            unproved = chk is None and Aspect.PREDICATE in aspects
            out.append(
                ClauseDiff(cid, kind, "renumbered", aspects, a, b, details, meaning, unproved)
            )
            continue
        a, b = old.clause(cid), new.clause(cid)
        aspects, details = _aspects(a, b)
        via = tuple(sorted((_refs(old, cid) | _refs(new, cid)) & pred_changed))
        meaning = None
        if chk is not None and (Aspect.PREDICATE in aspects or via):
            meaning = chk.meaning(cid, via)
        change = (
            "changed"
            if aspects or (meaning and meaning.relation is not Relation.EQUIVALENT)
            else "unchanged"
        )
        if not aspects and meaning is not None and meaning.relation is Relation.EQUIVALENT:
            meaning = None  # a referenced clause changed, but not so as to reach this one
        unproved = chk is None and (Aspect.PREDICATE in aspects or bool(via))
        out.append(ClauseDiff(cid, kind, change, aspects, a, b, details, meaning, unproved))
    changes = chk.statuses() if chk is not None and statuses and old.digest != new.digest else []
    v2 = old.program.catalogue is not None and new.program.catalogue is not None
    return RulesetDiff(
        old,
        new,
        domain,
        tuple(_metadata(old, new)),
        tuple(out),
        tuple(changes),
        replay,
        tuple(chk.bugs) if chk is not None else (),
        time.perf_counter() - started,
        joint.changes,
        RECORDS if v2 else None,
    )


# --------------------------------------------------------------------------- corpus replay

MAX_CORPUS_BYTES = 256 * 1024 * 1024
"""The largest corpus ``diff --corpus`` reads (it holds every filing in memory at once)."""


def read_corpus(
    path: str | Path,
    rules: Ruleset | None = None,
    *,
    side: str = "",
    renumbered: Mapping[str, str] | None = None,
) -> list[tuple[int, Any]]:
    """The filings of a JSON Lines file, with their line numbers, read with the filing model of
    ``rules`` (``None``: the bundled rules'); every bad line is reported (``side``, when given,
    names the version whose model refused it). ``renumbered`` (old id -> new id: catch-alls that
    moved) files a recorded determination under the catch-all's new number."""
    p = Path(path)
    data = reader.read_file(p, limit=MAX_CORPUS_BYTES, error=FilingError, what="a corpus")
    problems: list[Problem] = []
    out: list[tuple[int, Any]] = []
    for n, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        raw = _refile(line, renumbered) if renumbered else line
        try:
            if rules is not None and rules.program.catalogue is None:  # v1: delete at the flip
                from ..facts.filings import parse_filing_v1

                out.append((n, parse_filing_v1(raw, filename=str(p), format="json")))
            elif rules is None:  # the bundled rules' model
                from ..facts.filings import parse_filing

                out.append((n, parse_filing(raw, filename=str(p), format="json")))
            else:
                out.append((n, rules.parse_filing(raw, name=str(p))))
        except FilingError as exc:
            problems.extend(
                Problem(
                    q.code,
                    (f"{side} version ({rules.label}): " if side and rules else "") + q.message,
                    Location(str(p), n, q.location.col or 1, q.location.path),
                    q.hint,
                )
                for q in exc.problems
            )
    if problems:
        raise FilingError(problems)
    return out


def _refile(raw: bytes, renumbered: Mapping[str, str]) -> bytes:
    """A corpus line with its determinations under the catch-alls' new numbers (unchanged when
    it has none, or is not a JSON object: the filing model reports that)."""
    try:
        doc = reader.parse_json(raw)
    except RongcuoError:
        return raw
    dets = doc.get("determinations") if isinstance(doc, dict) else None
    if not isinstance(dets, dict) or not set(dets) & set(renumbered):
        return raw
    doc["determinations"] = {renumbered.get(k, k): v for k, v in dets.items()}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _outcome(rules: Ruleset, filing: Any) -> tuple[Status, tuple[str, ...], dict[str, Truth]]:
    from ..engine.decide import _status

    memo: Memo = {}
    values = {cid: rules.program.clause_value(cid, filing, memo) for cid in rules.program.order}
    status, deciding = _status(rules, values)
    return status, tuple(c.id for c in deciding), values


def replay_corpus(old: Ruleset, new: Ruleset, corpus: str | Path) -> Replay:
    """Replay past filings under both versions (see the module docstring): each version reads
    every line with its own filing model; a line either refuses is a coded error."""
    moved = {was: now for now, was in renumbered(old, new).items()}  # old id -> new id
    if old.filing_model is new.filing_model:
        filings = [(n, f, f) for n, f in read_corpus(corpus, old)]
    else:
        problems: list[Problem] = []
        sides: list[list[tuple[int, Any]]] = []
        for side, rules in ((OLD, old), (NEW, new)):
            try:
                ren = moved if side == NEW else None
                sides.append(read_corpus(corpus, rules, side=side, renumbered=ren))
            except FilingError as exc:
                problems.extend(exc.problems)
        if problems:
            raise FilingError(problems)
        filings = [(n, a, b) for (n, a), (_, b) in zip(sides[0], sides[1], strict=True)]
    changes: list[ReplayChange] = []
    by_clause: dict[str, dict[str, int]] = {}
    transitions: dict[str, int] = {}

    def bump(cid: str, what: str) -> None:
        counts = by_clause.setdefault(cid, {})
        counts[what] = counts.get(what, 0) + 1

    for line, filing, filing_new in filings:
        so, do, vo = _outcome(old, filing)
        sn, dn, vn = _outcome(new, filing_new)
        if moved:  # the old clauses by their new numbers: a renumbered catch-all is itself
            vo = {moved.get(c, c): v for c, v in vo.items()}
            do = tuple(moved.get(c, c) for c in do)
        for cid in sorted(set(vo) | set(vn)):
            if vo.get(cid) != vn.get(cid):
                bump(cid, "value_changed")
        if so is sn and do == dn:
            continue
        changes.append(ReplayChange(line, filing.id, so, sn, do, dn))
        key = f"{so.value}->{sn.value}"
        transitions[key] = transitions.get(key, 0) + 1
        for cid in set(dn) - set(do):
            bump(cid, "became_decisive")
        for cid in set(do) - set(dn):
            bump(cid, "ceased_decisive")
    order = {cid: i for i, cid in enumerate([*old.program.order, *new.program.order])}
    return Replay(
        str(corpus),
        len(filings),
        tuple(changes),
        {k: by_clause[k] for k in sorted(by_clause, key=order.__getitem__)},
        dict(sorted(transitions.items())),
    )


# --------------------------------------------------------------------------- text rendering

_WORDS: Mapping[str, Mapping[str, str]] = {
    "zh": {
        "title": "规则版本比较",
        "old": "旧版",
        "new": "新版",
        "domain_complete": (
            "证明范围：事实齐全的案卷（除 P15、N9 认定外每项事实均已知；认定可有可无）"
        ),
        "domain_any": "证明范围：所有有效案卷（任何事实都可能未知）",
        "bound": "每个列表至多 {n} 条记录",
        "facts_changed": "事实声明变化",
        "conflict": "冲突",
        "unproved": "判定条件有改动，但两版事实声明冲突，含义未证明",
        "not_proved": "两版事实声明冲突（见上），含义与结论变化均未证明。",
        "undeclared": "本版事实声明未含",
        "unknown": "未知",
        "yes": "是",
        "no": "否",
        "not_listed": "不含",
        "incomplete": "未列全",
        "identical": "两版内容完全相同（摘要值一致）。",
        "metadata": "版本信息变化",
        "added": "新增",
        "removed": "删除",
        "renumbered": "重新编号",
        "renumbered_from": "由 {old} 改号而来",
        "changed": "修改",
        "text": "文字",
        "citation": "出处",
        "metadata_aspect": "说明",
        "predicate": "判定条件",
        "equivalent": "含义经证明相同",
        "broader": "适用范围扩大",
        "narrower": "适用范围缩小",
        "incomparable": "适用范围互有增减",
        "same_holding": "适用范围相同（仅“不适用/待定”有别）",
        "identical_predicate": "判定条件未变",
        "text_only": "文字有改动，含义经证明相同",
        "via": "因所引条款变化",
        "witness": "见证案卷",
        "verified": "已由引擎复核",
        "NOT_VERIFIED": "引擎未能复核（程序缺陷）",
        "holds_new_only": "新版适用、旧版不适用",
        "holds_old_only": "旧版适用、新版不适用",
        "statuses": "结论变化（整套规则）",
        "possible": "可能",
        "impossible": "经证明不可能",
        "impossible_complete": "在事实齐全的案卷中经证明不可能",
        "restricted": "（仅就事实齐全的案卷而言）",
        "seen_complete": "但历史重放中有 {n} 份案卷如此变化（含未知事实，超出证明范围）",
        "seen_any": "但历史重放中有 {n} 份案卷如此变化（超出证明范围：某列表记录多于 {b} 条）",
        "replay": "历史案卷重放",
        "filings": "份案卷",
        "changed_filings": "结论或决定条款发生变化",
        "by_clause": "按条款统计",
        "bugs": "程序缺陷",
        "facts": "相关事实",
        "decisive": "决定条款",
        "unchanged": "未变条款",
        "none": "无",
        "seconds": "耗时",
        "whole_filing": "案卷全部事实",
        "detail_text": "条文",
        "detail_phrases": "要件引语",
        "detail_summary": "摘要",
        "detail_notes": "要件注释",
        "detail_examples": "示例",
        "detail_catch_all": "兜底条款标记",
        "detail_bars": "排除对象",
        "status": "结论",
        "unrelated": "与本次修改无关而成立的条款",
        "reworded_same": "{ids} 文字或说明修改，含义经证明相同",
        "facts_changed_n": "事实声明有 {n} 处变化",
        "no_meaning_change": "含义无变化",
        "history": "规则版本时间线",
        "in_force_from": "施行自",
        "line": "行",
        "edits": "改动",
        "label": "版本名称",
        "effective": "施行日期",
        "origin": "来源",
        "case": "案卷编号",
    },
    "en": {
        "title": "Ruleset version diff",
        "old": "old",
        "new": "new",
        "domain_complete": "Proofs quantify over complete filings (every fact known, except the "
        "P15 and N9 determinations, each recorded or not)",
        "domain_any": "Proofs quantify over every valid filing (any fact may be unknown)",
        "bound": "with at most {n} records in each list",
        "facts_changed": "Facts declaration changes",
        "conflict": "conflict",
        "unproved": "predicate changed; the facts declarations conflict, so meaning is not proved",
        "not_proved": "The facts declarations conflict (above): meaning and status changes are "
        "not proved.",
        "undeclared": "not declared by this version",
        "unknown": "unknown",
        "yes": "yes",
        "no": "no",
        "not_listed": "not",
        "incomplete": "list not complete",
        "identical": "The two versions are identical (same digest).",
        "metadata": "Version metadata",
        "added": "added",
        "removed": "removed",
        "renumbered": "renumbered",
        "renumbered_from": "renumbered from {old}",
        "changed": "changed",
        "text": "text",
        "citation": "citation",
        "metadata_aspect": "metadata",
        "predicate": "predicate",
        "equivalent": "meaning proved equal",
        "broader": "broader",
        "narrower": "narrower",
        "incomparable": "incomparable",
        "same_holding": "holds on the same filings (differs only between false and unknown)",
        "identical_predicate": "predicate unchanged",
        "text_only": "text changed, meaning proved equal",
        "via": "through referenced clauses",
        "witness": "witness",
        "verified": "confirmed by the engine",
        "NOT_VERIFIED": "NOT confirmed by the engine (a bug)",
        "holds_new_only": "holds under new, not under old",
        "holds_old_only": "holds under old, not under new",
        "statuses": "Status changes (whole ruleset)",
        "possible": "possible",
        "impossible": "proved impossible",
        "impossible_complete": "proved impossible over complete filings",
        "restricted": " (over complete filings only)",
        "seen_complete": "yet {n} replayed filings change so (with unknown facts: outside the "
        "proof's domain)",
        "seen_any": "yet {n} replayed filings change so (outside the proof's domain: a list "
        "longer than {b} records)",
        "replay": "Replay of past filings",
        "filings": "filings",
        "changed_filings": "change status or decisive clauses",
        "by_clause": "per clause",
        "bugs": "BUGS",
        "facts": "facts",
        "decisive": "decisive",
        "unchanged": "unchanged clauses",
        "none": "none",
        "seconds": "time",
        "whole_filing": "every stated fact",
        "detail_text": "text",
        "detail_phrases": "phrases",
        "detail_summary": "summary",
        "detail_notes": "notes",
        "detail_examples": "examples",
        "detail_catch_all": "catch_all",
        "detail_bars": "bars",
        "status": "status",
        "unrelated": "clauses unrelated to the change that hold",
        "reworded_same": "{ids} reworded, meaning proved equal",
        "facts_changed_n": "{n} changes to the facts declaration",
        "no_meaning_change": "no meaning change",
        "history": "Rule version timeline",
        "in_force_from": "in force from",
        "line": "line",
        "edits": "edits",
        "label": "label",
        "effective": "effective",
        "origin": "origin",
        "case": "id",
    },
}


def words(lang: str) -> Mapping[str, str]:
    return _WORDS["zh" if lang == "zh" else "en"]


def verdict_line(c: ClauseDiff, lang: str) -> str:
    """One phrase saying what a change means."""
    w = words(lang)
    if c.change in ("added", "removed"):
        return w[c.change]
    if c.change == "renumbered" and c.old is not None:
        moved = w["renumbered_from"].format(old=c.old.id)
        if c.meaning is None and not c.unproved:
            return moved + ("，" if lang == "zh" else ", ") + w["equivalent"]
        return (
            moved
            + ("，" if lang == "zh" else ", ")
            + (w["unproved"] if c.unproved or c.meaning is None else w[c.meaning.relation.value])
        )
    if c.unproved:
        return w["unproved"]
    if c.meaning is None:
        if Aspect.PREDICATE in c.aspects:  # pragma: no cover - predicate changes are checked
            return w["equivalent"]
        return w["identical_predicate"]
    r = c.meaning.relation
    if r is Relation.EQUIVALENT:
        return w["text_only"] if Aspect.PREDICATE not in c.aspects else w["equivalent"]
    return w[r.value]


def meaning_summary(d: RulesetDiff, lang: str = "zh") -> str:
    """One line saying what a step changes in meaning (``rongcuo history``): each clause added,
    removed, or whose meaning changed or is not proved, then how many were reworded with the
    meaning proved equal; "no meaning change" when there is none."""
    w = words(lang)
    sep = "；" if lang == "zh" else "; "
    meaning = [
        f"{c.id} {verdict_line(c, lang)}"
        for c in d.changed
        if c.change in ("added", "removed", "renumbered")
        or c.unproved
        or (c.meaning is not None and c.meaning.relation is not Relation.EQUIVALENT)
    ]
    same = [c.id for c in d.changed if c.change == "changed"]
    same = [i for i in same if not any(m.startswith(i + " ") for m in meaning)]
    parts = list(meaning)
    if same:
        parts.append(w["reworded_same"].format(ids=", ".join(same)))
    if d.facts:
        parts.append(w["facts_changed_n"].format(n=len(d.facts)))
    return sep.join(parts) or w["no_meaning_change"]


def witness_facts(w: Witness, lang: str = "zh", *, every: bool = False) -> list[tuple[str, str]]:
    """The facts a witness turns on, each as (title, value) in ``lang`` (v2), or (path, value)
    (v1). With ``every`` (v2), every fact the witness states, in declaration order, and each
    record field: the whole filing in words."""
    if w.values is None or w.decl is None:  # v1: delete at the flip
        return fact_values(w.filing, w.reads)
    decl = w.decl
    t = words(lang)
    out: list[tuple[str, str]] = []
    paths: Iterable[str] = w.reads
    if every:
        paths = [
            p
            for top in decl.facts.values()
            if w.values.get(top.path) is not None
            for p in (top.path, *(f"{top.path}[].{f.name}" for f in top.fields))
        ]
    for path in paths:
        head, sep, field = path.partition("[].")
        top = decl.facts.get(head)
        if top is None:
            continue
        value = w.values.get(head)
        if not sep:
            out.append((top.title(lang), _shown(decl, top, value, lang)))
            continue
        spec = top.field(field)
        title = f"{top.title(lang)}·{spec.title(lang)}"
        if not isinstance(value, Records):
            out.append((title, t["unknown"]))
            continue
        shown = [
            f"[{i}] {_shown(decl, spec, getattr(item, field, None), lang)}"
            for i, item in enumerate(value.items, start=1)
        ]
        if not value.complete:
            shown.append(f"（{t['incomplete']}）" if lang == "zh" else f"({t['incomplete']})")
        out.append((title, "; ".join(shown) or "[]"))
    return out


def _shown(decl: FactsDecl, spec: FactDecl, value: Any, lang: str) -> str:
    """One v2 value in words: titles of values, not their ids."""
    t = words(lang)
    if value is None:
        return t["unknown"]
    if value is NA:
        return spec.na[0 if lang == "zh" else 1] if spec.na else "n/a"
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]

    def title(v: str) -> str:
        fam = decl.families.get(spec.family or "")
        return fam.values[v].title(lang) if fam is not None and v in fam.values else v

    sep = "、" if lang == "zh" else ", "
    if spec.type is FactType.ENUM and isinstance(value, str):
        return title(value)
    if isinstance(value, PartialSet):
        parts = [sep.join(title(v) for v in sorted(value.yes)) or t["none"]]
        if value.no:
            parts.append(f"{t['not_listed']} {sep.join(title(v) for v in sorted(value.no))}")
        if not value.complete:
            parts.append(t["incomplete"])
        return "; ".join(parts)
    if isinstance(value, PartialDate):
        return value.to_json()
    if isinstance(value, Records):
        return f"{len(value.items)}" + ("" if value.complete else f" ({t['incomplete']})")
    return str(value)


_TYPE_WORDS: Mapping[str, tuple[str, str]] = {
    "bool": ("是非", "yes/no"),
    "enum": ("单选", "one value"),
    "set": ("多选", "a set of values"),
    "date": ("日期", "date"),
    "text": ("文本", "text"),
    "records": ("记录列表", "a list of records"),
}
_META_WORDS: Mapping[str, tuple[str, str]] = {
    "label": ("版本名称", "label"),
    "source": ("依据文件", "source"),
    "effective": ("施行日期", "effective"),
    "description": ("版本说明", "description"),
    "documents": ("所引文件", "documents"),
    "consequences": ("结论的依据条文", "consequences"),
}


def metadata_field(name: str, lang: str) -> str:
    """A ruleset metadata field by its title in ``lang``."""
    zh, en = _META_WORDS.get(name, (name, name))
    return zh if lang == "zh" else en


def fact_change_words(d: RulesetDiff, f: FactChange, lang: str) -> tuple[str, str, str]:
    """A change of the facts declaration in words: what it is about, and the old and new
    values, by their titles in ``lang`` (facts, record fields, families, values, types) rather
    than their ids. An id neither version declares is shown as it is."""
    decls = [r.program.catalogue.decl for r in (d.new, d.old) if r.program.catalogue is not None]
    t = words(lang)
    sep = "、" if lang == "zh" else ", "

    def family(fid: str) -> str:
        for decl in decls:
            if fid in decl.families:
                return decl.families[fid].title(lang)
        return fid

    def value(vid: str, fid: str = "") -> str:
        for decl in decls:
            fam = decl.families.get(fid or decl.value_family.get(vid, ""))
            if fam is not None and vid in fam.values:
                return fam.values[vid].title(lang)
        return vid

    def fact(path: str) -> str:
        head, _, field = path.partition("[].")
        for decl in decls:
            top = decl.facts.get(head)
            if top is None:
                continue
            if not field:
                return top.title(lang)
            try:
                return f"{top.title(lang)}·{top.field(field).title(lang)}"
            except (KeyError, ValueError):
                continue
        return path

    def values(text: str, fid: str = "") -> str:
        if text in ("", "—"):
            return text
        return sep.join(value(v.strip(), fid) for v in text.split(","))

    code, old, new = f.code, f.old, f.new
    if code.startswith("fact_"):
        subject = fact(f.path)
        if code in ("fact_added", "fact_removed", "fact_type_changed"):
            old, new = (
                (_TYPE_WORDS[x][0 if lang == "zh" else 1] if x in _TYPE_WORDS else x)
                for x in (old, new)
            )
        elif code == "fact_family_changed":
            old, new = family(old) if old else old, family(new) if new else new
    elif code.startswith("family_"):
        subject = family(f.path)
    elif code == "value_family_changed":
        subject = value(f.path, old)
        old, new = family(old), family(new)
    else:
        fid, _, vid = f.path.partition("/")
        subject = f"{family(fid)}：{value(vid, fid)}" if lang == "zh" else f"{family(fid)}: "
        subject += "" if lang == "zh" else value(vid, fid)
        if code in ("value_added", "value_moved"):
            old, new = values(old, fid), values(new, fid)
        elif code in ("value_opaque_changed", "value_kind_changed"):
            old, new = (
                t["yes"] if x == "True" else t["no"] if x == "False" else x for x in (old, new)
            )
    return subject, old, new


def undeclared_words(w: Witness, outside: Iterable[str], lang: str) -> list[str]:
    """What a witness states that a version does not declare (``path`` or ``path=value``), by
    the titles of the joint declaration the witness is a filing of."""
    decl = w.decl
    out = []
    for item in outside:
        path, _, value = item.partition("=")
        if decl is None:
            out.append(item)
            continue
        head, _, field = path.partition("[].")
        top = decl.facts.get(head)
        spec = top.field(field) if top is not None and field else top
        title = path if spec is None else spec.title(lang)
        if top is not None and field and spec is not None:
            title = f"{top.title(lang)}·{title}"
        if value and spec is not None:
            fam = decl.families.get(spec.family or "")
            value = fam.values[value].title(lang) if fam and value in fam.values else value
        out.append(f"{title}={value}" if value else title)
    return out


def fact_values(filing: Any, paths: Iterable[str]) -> list[tuple[str, str]]:
    """v1: delete at the flip. Fact paths and values of a v1 filing."""
    from ..engine.evaluate import fact_getter

    out = []
    for p in paths:
        v = fact_getter(p)(filing)
        if isinstance(v, frozenset):
            shown = "[" + ", ".join(sorted(str(x) for x in v)) + "]"
        elif isinstance(v, dt.date):
            shown = v.isoformat()
        elif v is None:
            shown = "unknown"
        else:
            shown = str(v).lower() if isinstance(v, bool) else str(v)
        out.append((p, shown))
    return out


_TRUTH_ZH: Mapping[str, str] = {"true": "成立", "false": "不成立", "unknown": "未定"}
_COUNT_ZH: Mapping[str, str] = {
    "value_changed": "真值变化",
    "became_decisive": "成为决定条款",
    "ceased_decisive": "不再是决定条款",
}


def say(value: str, lang: str) -> str:
    """A status, a truth or a replay count's name as a reader of ``lang`` reads it: in Chinese
    its title (a zh report shows no raw code), in English the code itself."""
    if lang != "zh":
        return value
    if value in _TRUTH_ZH:
        return _TRUTH_ZH[value]
    if value in _COUNT_ZH:
        return _COUNT_ZH[value]
    try:
        return Status(value).title("zh")
    except ValueError:
        return value


def say_move(old: str, new: str, lang: str) -> str:
    """``old -> new`` (en) or ``旧 → 新`` (zh)."""
    return f"{old} -> {new}" if lang != "zh" else f"{say(old, lang)} → {say(new, lang)}"


def text_changes(old: str, new: str) -> list[tuple[str, str, str]]:
    """The wording as runs ``(op, old part, new part)``, character by character (Chinese has no
    spaces between words), ``op`` one of ``equal``, ``replace``, ``delete``, ``insert``."""
    import difflib

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [(op, old[i1:i2], new[j1:j2]) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def _edits(old: str, new: str) -> str:
    """The changed runs of a wording, ``或者→或; …`` (``∅`` for nothing)."""
    return "; ".join(
        f"{a or '∅'}→{b or '∅'}" for op, a, b in text_changes(old, new) if op != "equal"
    )


def status_mark(d: RulesetDiff, s: StatusChange, lang: str) -> str:
    """A status row's finding, labelled with the domain it is proved over; a transition proved
    impossible that the replay on the same report shows happening says why (the replayed
    filings are outside the proof's domain), so that no row contradicts the replay."""
    w = words(lang)
    if s.witness is not None:
        return w["possible"] + restricted(d, lang)
    mark = w["impossible_complete" if d.domain is Domain.COMPLETE else "impossible"]
    seen = d.replay.transitions.get(f"{s.old.value}->{s.new.value}", 0) if d.replay else 0
    if seen:
        sep = "；" if lang == "zh" else "; "
        bound = d.records if d.records is not None else "?"
        mark += sep + w[f"seen_{d.domain.value}"].format(n=seen, b=bound)
    return mark


def restricted(d: RulesetDiff, lang: str) -> str:
    """The label of a row whose proof is restricted to complete filings (``--domain
    complete``); empty under the default domain, which covers every valid filing."""
    return words(lang)["restricted"] if d.domain is Domain.COMPLETE else ""


def meaning_line(d: RulesetDiff, c: ClauseDiff, lang: str) -> str:
    """:func:`verdict_line`, labelled with the domain where its proof is restricted."""
    line = verdict_line(c, lang)
    proved = c.meaning is not None or (c.change == "renumbered" and not c.unproved)
    return line + restricted(d, lang) if proved else line


def render_text(d: RulesetDiff, *, lang: str = "zh", timing: bool = False) -> str:
    """The diff as readable text, in Chinese (``zh``) or English. Deterministic: the same two
    versions give the same bytes; ``timing`` adds the run time as a last line."""
    w = words(lang)
    lines: list[str] = [f"{w['title']}"]
    for side, r in ((OLD, d.old), (NEW, d.new)):
        lines.append(
            f"  {w[side]}: {r.label}  ({r.meta.effective}, sha256:{r.digest[:16]}, {r.origin})"
        )
    domain = w[f"domain_{d.domain.value}"]
    if d.records is not None:
        domain += ("，" if lang == "zh" else ", ") + w["bound"].format(n=d.records)
    lines.append("  " + domain)
    if d.old.digest == d.new.digest:
        lines.append(w["identical"])
    if d.metadata:
        lines.append("")
        lines.append(w["metadata"])
        for field, a, b in d.metadata:
            lines.append(f"  {metadata_field(field, lang)}: {a}  ->  {b}")
    if d.facts:
        lines.append("")
        lines.append(w["facts_changed"])
        for f in d.facts:
            mark = f" [{w['conflict']}]" if f.conflict else ""
            subject, was, now = fact_change_words(d, f, lang)
            change = f"  {was or '—'}  ->  {now or '—'}" if was or now else ""
            lines.append(f"  {f.meaning(lang)}{mark}: {subject}{change}")
        if not d.proved:
            lines.append("  " + w["not_proved"])
    for c in d.changed:
        lines.append("")
        aspects = ", ".join(
            w["metadata_aspect" if a is Aspect.METADATA else a.value] for a in c.aspects
        )
        head = (
            f"{c.id}  [{w[c.change]}{': ' + aspects if aspects else ''}]  "
            f"{meaning_line(d, c, lang)}"
        )
        if c.meaning is not None and c.meaning.via:
            head += f"  ({w['via']} {', '.join(c.meaning.via)})"
        lines.append(head)
        if c.details:
            lines.append(f"    ({', '.join(w['detail_' + x] for x in c.details)})")
        if c.old is not None and (c.new is None or c.old.text != c.new.text):
            lines.append(f"    - {w['old']}: {c.old.text}")
        if c.new is not None and (c.old is None or c.old.text != c.new.text):
            lines.append(f"    + {w['new']}: {c.new.text}")
        if c.old is not None and c.new is not None and c.old.text != c.new.text:
            lines.append(f"    ~ {w['edits']}: {_edits(c.old.text, c.new.text)}")
        if Aspect.CITATION in c.aspects and c.old and c.new:
            lines.append(f"    - {c.old.citation.render(lang)}")
            lines.append(f"    + {c.new.citation.render(lang)}")
        if c.meaning is not None:
            for label, wit in c.meaning.witnesses():
                lines.extend(_witness_lines(wit, w[label], lang))
    unchanged = [c.id for c in d.clauses if c.change == "unchanged"]
    lines.append("")
    lines.append(f"{w['unchanged']}: {', '.join(unchanged) or w['none']}")
    if d.statuses:
        lines.append("")
        lines.append(w["statuses"])
        for s in d.statuses:
            mark = status_mark(d, s, lang)
            lines.append(f"  {say_move(s.old.value, s.new.value, lang)}: {mark}")
            if s.witness is not None:
                lines.extend(_witness_lines(s.witness, "", lang, indent="    "))
    if d.replay is not None:
        rp = d.replay
        lines.append("")
        lines.append(
            f"{w['replay']}: {rp.source}: {rp.total} {w['filings']}, "
            f"{len(rp.changes)} {w['changed_filings']}"
        )
        for k, n in rp.transitions.items():
            a, _, b = k.partition("->")
            lines.append(f"  {say_move(a, b, lang)}: {n}")
        if rp.by_clause:
            lines.append(f"  {w['by_clause']}:")
            for cid, counts in rp.by_clause.items():
                shown = ", ".join(f"{say(k, lang)} {v}" for k, v in sorted(counts.items()))
                lines.append(f"    {cid}: {shown}")
        for ch in rp.changes:
            lines.append(
                f"  {w['line']} {ch.line} {ch.filing_id or ''}: {say(ch.old_status.value, lang)} "
                f"[{' '.join(ch.old_decisive)}] -> {say(ch.new_status.value, lang)} "
                f"[{' '.join(ch.new_decisive)}]"
            )
    if d.bugs:
        lines.append("")
        lines.append(w["bugs"])
        lines.extend(f"  {b}" for b in d.bugs)
    if timing:
        lines.append("")
        lines.append(f"{w['seconds']}: {d.seconds:.2f} s")
    return "\n".join(lines) + "\n"


def witness_name(w: Witness, lang: str) -> str:
    """A witness's name as a report shows it: its id (``P3-narrower``, the JSON's ``name``) in
    English; in Chinese only the clause it is about, the rest of the id being a code (the label
    beside it says the same in words)."""
    if lang != "zh":
        return w.name
    head = w.name.partition("-")[0]
    return head if head[:1] in "PNBC" and head[1:].isdigit() else ""


def _witness_lines(wit: Witness, label: str, lang: str, indent: str = "    ") -> list[str]:
    w = words(lang)
    ok = w["verified"] if wit.verified else w["NOT_VERIFIED"]
    name = witness_name(wit, lang)
    head = f"{name}: {label}" if name and label else name or label
    out = [
        f"{indent}{w['witness']} {head} "
        f"({w['old']} {say(wit.engine_old, lang)}, {w['new']} {say(wit.engine_new, lang)}; {ok})"
    ]
    if wit.status_old or wit.status_new:
        out.append(
            f"{indent}  {w['status']}: {w['old']} {say(wit.status_old, lang)}, "
            f"{w['new']} {say(wit.status_new, lang)}"
        )
    if wit.decisive_old or wit.decisive_new:
        out.append(
            f"{indent}  {w['decisive']}: {' '.join(wit.decisive_old) or '-'} -> "
            f"{' '.join(wit.decisive_new) or '-'}"
        )
    if wit.unrelated:
        out.append(f"{indent}  {w['unrelated']}: {' '.join(wit.unrelated)}")
    facts = witness_facts(wit, lang)
    if facts:
        out.append(f"{indent}  {w['facts']}: " + "; ".join(f"{p}={v}" for p, v in facts))
    for side, outside in ((OLD, wit.outside_old), (NEW, wit.outside_new)):
        if outside:
            out.append(f"{indent}  {w[side]} {w['undeclared']}: {', '.join(outside)}")
    return out
