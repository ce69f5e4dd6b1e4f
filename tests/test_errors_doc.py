"""docs/errors.md documents every error code, and its examples really produce their codes.

One section per code of :data:`rongcuo.errors.CODES` (heading ``## code``), each with a fix.
An example is one of:

* ``Golden case: `tests/bad_rules/NAME/```: the corpus case is loaded and must report the code;
* a ``<!-- filing -->`` fenced JSON/YAML block: it is parsed and must report the code
  (``<!-- filing v1 -->``: parsed with the v1 model, for a code only that model reports);
* ``Tested by: `tests/FILE```: that test file exists and triggers the code by name.

The ``text`` block after a golden case or filing example shows the problem as rongcuo prints
it; its location and code must match what rongcuo reports (the message may be reworded).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import rongcuo
from rongcuo.errors import CODES, FilingError, RulesError
from rongcuo.facts.filings import parse_filing

from .conftest import ROOT, V1_RULES
from .test_bad_rules import build

DOC = ROOT / "docs" / "errors.md"

#: codes whose section may have no checked example yet (no test triggers them in this repository)
NOT_YET_TESTED: set[str] = set()


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (\S+)\n", text, flags=re.MULTILINE)
    names = parts[1::2]
    assert len(names) == len(set(names)), "a code has two sections"
    return dict(zip(names, parts[2::2], strict=True))


SECTIONS = _sections()


def test_sections_are_the_codes() -> None:
    assert set(SECTIONS) == set(CODES)


@pytest.mark.parametrize("code", sorted(SECTIONS))
def test_section_has_meaning_and_fix(code: str) -> None:
    body = SECTIONS[code]
    assert "**Fix:**" in body
    fix = body.split("**Fix:**", 1)[1].strip()
    assert len(fix) > 20


def _shown(body: str) -> str:
    m = re.search(r"```text\n(.+?)\n```", body, flags=re.DOTALL)
    assert m, "no ```text block showing the problem"
    return m.group(1)


def _where(shown: str, code: str) -> str:
    """``file:line:col: $.path`` of a printed problem line (everything before ``: code:``)."""
    head, sep, _ = shown.partition(f": {code}: ")
    assert sep, shown
    return head


@pytest.mark.parametrize("code", sorted(SECTIONS))
def test_example_produces_its_code(code: str, tmp_path: Path) -> None:
    body = SECTIONS[code]
    golden = re.search(r"Golden case: `tests/bad_rules/([^/`]+)/`", body)
    filing = re.search(r"<!-- filing( v1)? -->\n```(json|yaml)\n(.+?)\n```", body, flags=re.DOTALL)
    tested = re.search(r"Tested by: `(tests/[^`]+)`", body)
    if golden:
        root = build(golden.group(1), tmp_path)
        with pytest.raises(RulesError) as info:
            rongcuo.load_ruleset(root)
        shown = [str(p).replace(f"{root}/", "") for p in info.value.problems if p.code == code]
    elif filing:
        v1, fmt, text = filing.groups()
        # v1: delete with the v1 path (the v1 model's examples)
        rules = rongcuo.load_ruleset(V1_RULES) if v1 else None
        with pytest.raises(FilingError) as finfo:
            parse_filing(text.encode(), filename="filing.json", format=fmt, rules=rules)  # type: ignore[arg-type]
        shown = [str(p) for p in finfo.value.problems if p.code == code]
    elif tested:
        path = ROOT / tested.group(1)
        assert path.is_file(), path
        assert code in path.read_text(encoding="utf-8")
        return
    else:
        assert code in NOT_YET_TESTED, f"{code}: no checked example"
        return
    assert shown, f"{code}: the example does not produce it"
    where = _where(_shown(body), code)
    assert any(_where(s, code) == where for s in shown), (where, shown)


def test_not_yet_tested_is_current() -> None:
    """A code listed as untested loses that status once a test triggers it."""
    for code in NOT_YET_TESTED:
        assert "Tested by:" not in SECTIONS[code]
        assert "Golden case:" not in SECTIONS[code]
