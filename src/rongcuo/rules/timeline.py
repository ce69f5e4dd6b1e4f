"""A version timeline: rule versions placed in time by their ``effective`` dates.

A timeline is a folder with a ``timeline.yaml`` naming its versions, oldest first::

    rongcuo_timeline: 1
    versions:
      - bundled          # the bundled rules (平纪发〔2022〕4号)
      - demo-2024        # a ruleset directory, relative to this folder

Each version's date is the ``effective`` date of its own ``ruleset.yaml`` (never repeated in the
manifest, so it cannot disagree); the dates must increase strictly down the list. Without a
``timeline.yaml``, the versions are the folder's subdirectories that hold a ``ruleset.yaml``,
ordered by date. The bundled rules alone are the timeline :func:`bundled_timeline`.

:meth:`Timeline.in_force` picks the version in force on a date: the last one whose effective date
is on or before it. The date that matters is the day the matter is **filed** (备案申请), not the
day of the conduct: the lists govern the discipline body's decision on a filing
(平纪发〔2022〕4号's preamble: 精准有效做好容错免责事项备案工作), they take effect when issued
(现印发给你们，请结合实际认真贯彻执行) and say nothing of conduct before that; so a filing is
screened by the list in force when it is made (docs/versions.md).

Reading a timeline reads each version's ``ruleset.yaml`` only; a version's rules are loaded
(and checked) when it is first asked for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import reader
from ..errors import Location, Problem, RulesError
from .ruleset import Ruleset

__all__ = ["MANIFEST", "Timeline", "Version", "bundled_timeline", "load_timeline"]

MANIFEST = "timeline.yaml"
"""The file naming a timeline's versions."""

BUNDLED = "bundled"
"""A manifest entry naming the bundled rules."""


def _problem(message: str, where: str, hint: str = "") -> RulesError:
    return RulesError([Problem("rules_timeline", message, Location(where), hint)])


@dataclasses.dataclass(frozen=True, slots=True)
class Version:
    """One version of a timeline: where its rules are and when they take effect."""

    path: Path
    effective: dt.date
    label: str

    def ruleset(self) -> Ruleset:
        """The version's rules (loaded, and checked, on first use; cached by the loader)."""
        from .load import load_ruleset

        return load_ruleset(self.path)


@dataclasses.dataclass(frozen=True, slots=True)
class Timeline:
    """Rule versions, oldest first, each effective from its date until the next one's."""

    versions: tuple[Version, ...]
    origin: str = ""

    def __iter__(self) -> Iterator[Version]:
        return iter(self.versions)

    def __len__(self) -> int:
        return len(self.versions)

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    def version_on(self, on: dt.date | None) -> Version:
        """The version in force on ``on`` (the latest version when ``None``); a date before the
        first version takes effect is a :class:`~rongcuo.errors.RulesError` (``rules_timeline``)."""
        if on is None:
            return self.latest
        found = None
        for v in self.versions:
            if v.effective <= on:
                found = v
        if found is None:
            first = self.versions[0]
            raise _problem(
                f"no version is in force on {on.isoformat()}: the earliest, {first.label}, "
                f"takes effect on {first.effective.isoformat()}",
                self.origin,
                "give the date the matter was filed, on or after the first version's date",
            )
        return found

    def in_force(self, on: dt.date | None) -> Ruleset:
        """The rules of :meth:`version_on` ``on``."""
        return self.version_on(on).ruleset()

    def steps(self) -> list[tuple[Version, Version]]:
        """Each version with the next one: the steps of the chain, oldest first."""
        return list(itertools.pairwise(self.versions))


def _read_head(directory: Path) -> tuple[dt.date, str]:
    """A version's effective date and label, from its ``ruleset.yaml`` alone."""
    path = directory / "ruleset.yaml"
    from .. import _yaml  # imported when a timeline is read, not by every decision

    if not path.is_file():
        raise _problem(
            "the version has no ruleset.yaml",
            str(path),
            "name a ruleset directory (one holding ruleset.yaml)",
        )
    data = reader.read_file(
        path, limit=_yaml.DEFAULT_LIMITS.max_bytes, error=RulesError, what="a ruleset manifest"
    )

    doc = _yaml.load_yaml(data, filename=str(path), error=RulesError).value
    effective = doc.get("effective") if isinstance(doc, dict) else None
    label = doc.get("label") if isinstance(doc, dict) else None
    if not isinstance(effective, dt.date) or isinstance(effective, dt.datetime):
        raise _problem("the version has no effective date (YYYY-MM-DD)", str(path))
    return effective, label if isinstance(label, str) else str(directory)


def _entries(folder: Path) -> list[Path]:
    from .load import bundled_rules_dir

    manifest = folder / MANIFEST
    if not manifest.is_file():
        found = sorted(p for p in folder.iterdir() if (p / "ruleset.yaml").is_file())
        if not found:
            raise _problem(
                f"no {MANIFEST} and no version directories (with a ruleset.yaml)",
                str(folder),
                f"write a {MANIFEST} listing the versions, oldest first",
            )
        return found
    from .. import _yaml

    raw = reader.read_file(
        manifest, limit=_yaml.DEFAULT_LIMITS.max_bytes, error=RulesError, what="a timeline"
    )
    doc = _yaml.load_yaml(raw, filename=str(manifest), error=RulesError)
    data: Any = doc.value
    versions = data.get("versions") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("rongcuo_timeline") != 1
        or set(data) - {"rongcuo_timeline", "versions"}
        or not isinstance(versions, list)
        or not versions
        or not all(isinstance(v, str) and v for v in versions)
    ):
        raise _problem(
            "a timeline manifest is {rongcuo_timeline: 1, versions: [DIR or bundled, ...]}",
            str(manifest),
            "list at least one version, oldest first",
        )
    return [bundled_rules_dir() if v == BUNDLED else folder / v for v in versions]


def load_timeline(folder: str | os.PathLike[str]) -> Timeline:
    """The timeline in ``folder`` (see the module docstring)."""
    where = Path(folder)
    if not where.is_dir():
        raise _problem("a timeline is a folder", str(where), f"name a folder with a {MANIFEST}")
    versions = []
    for path in _entries(where):
        effective, label = _read_head(path)
        versions.append(Version(path, effective, label))
    if not (where / MANIFEST).is_file():
        versions.sort(key=lambda v: v.effective)
    for a, b in itertools.pairwise(versions):
        if b.effective <= a.effective:
            raise _problem(
                f"the versions are not in date order: {b.label} ({b.effective.isoformat()}) "
                f"comes after {a.label} ({a.effective.isoformat()})",
                str(where / MANIFEST),
                "list the versions oldest first, each effective after the one before",
            )
    return Timeline(tuple(versions), str(where))


def bundled_timeline() -> Timeline:
    """The bundled rules as a timeline of one version (the latest issued list)."""
    from .load import bundled_rules_dir

    path = bundled_rules_dir()
    effective, label = _read_head(path)
    return Timeline((Version(path, effective, label),), "bundled")


def is_timeline(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` is a timeline (holds a ``timeline.yaml``), not a ruleset directory."""
    return (Path(folder) / MANIFEST).is_file()


def resolve(rules: Ruleset | Timeline | None, as_of: dt.date | None) -> Ruleset | None:
    """``rules`` as :func:`rongcuo.evaluate` takes it: a :class:`Timeline` becomes its version in
    force on ``as_of`` (the latest when ``as_of`` is ``None``); anything else is returned as is
    (and checked by the caller)."""
    if not isinstance(rules, Timeline):
        return rules
    on = as_of if type(as_of) is dt.date else None  # a wrong type is the caller's TypeError
    return rules.in_force(on)
