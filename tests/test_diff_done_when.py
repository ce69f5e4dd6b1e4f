"""Issue 14's done-when, on a real amendment of ``rules``: three amendments and the renumbered
catch-all diff correctly, no row contradicts the replay, every witness is decided as shown with no
unrelated clause true, and the Chinese HTML report shows no raw code.

The amendment (:func:`amend_done_when`, built on :func:`tests.test_diff_v2.amend`):

* **P3 tightened**: 未造成不良影响或影响较小 becomes 未造成不良影响 (a minor impact no longer
  qualifies) — narrower;
* **N7 reworded** with the same meaning (或者/或 swapped, its two conditions in the other order) —
  text changed, meaning proved equal; (a fact and a spending value are added as well);
* **a new negative, 不如实交代** (向组织说明问题时不如实交代的): it must come before the catch-all,
  which closes the list, so it is the new **N9** and the catch-all 其他经认定不符合容错免责情形的
  moves to **N10** (its determination recorded as ``determinations.N10``; ``facts.yaml`` says
  ``determinations: [P15, N10]``).

What the law's reading says follows (these are the expected findings; none is copied from the
engine): P3 narrower, with a witness of minor impact that P3 made eligible; N7 equal; N9 added;
N10 the old catch-all renumbered, meaning equal; nothing else changed. Nothing widens a positive or
narrows a negative, so no filing can become eligible; an eligible filing can become ineligible (by
the new N9) and one that waited for a determination can be refused by N9 outright.

Which filings can leave ineligibility depends on the domain. Over complete filings none can: every
old negative still holds, and the new N9 is settled one way or the other. Over partial filings (the
default domain, as the engine sees a filing) a new negative is also a new open question: a filing
refused only by the P15 determination (所有正面情形之外，经认定不予容错) that does not say whether
the account given was truthful now waits for that fact — ineligible → insufficient_facts, and only
that move. The corpus replay shows it happening.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from rongcuo.analysis.diff import (
    Aspect,
    Domain,
    Relation,
    RulesetDiff,
    Witness,
    diff_rulesets,
    render_text,
    status_mark,
    words,
)
from rongcuo.analysis.joint import FACT_CHANGE_CODES
from rongcuo.analysis.report_html import render_html
from rongcuo.engine.decide import evaluate
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset
from rongcuo.verdict.verdict import Status

from .test_diff_v2 import V2, _load, _save, amend

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "revisions" / "corpus.jsonl"

UNTRUTHFUL = {
    "id": "N9",
    "item": 9,
    "text": "向组织说明问题时不如实交代的；",
    "summary": "Did not give a truthful account when disclosing the problem to the organisation.",
    "elements": [
        {
            "id": "untruthful",
            "phrase": "不如实交代",
            "test": {"fact": "disclosure.truthful", "eq": False},
        }
    ],
    "examples": [
        {
            "name": "主动说明问题但隐瞒关键情节",
            "expect": "holds",
            "filing": {
                "summary": "当事人主动向组织说明问题，但隐瞒了关键情节。",
                "disclosure": {"kind": "explained", "truthful": False},
            },
        },
        {
            "name": "如实交代",
            "expect": "fails",
            "fails_on": "untruthful",
            "filing": {
                "summary": "当事人主动向组织说明问题，如实交代。",
                "disclosure": {"kind": "explained", "truthful": True},
            },
        },
    ],
}


def amend_done_when(dst: Path) -> Path:
    """The amendment described in the module docstring, written into ``dst``."""
    amend(dst)
    neg = _load(dst, "negative.yaml")
    catch_all = next(c for c in neg["clauses"] if c["id"] == "N9")
    assert catch_all.get("catch_all") is True
    catch_all["id"], catch_all["item"] = "N10", 10
    catch_all["elements"][0]["test"]["fact"] = "determinations.N10.holds"
    for ex in catch_all["examples"]:
        ex["filing"]["determinations"] = {"N10": ex["filing"]["determinations"]["N9"]}
    neg["clauses"].append(UNTRUTHFUL)
    _save(dst, "negative.yaml", neg)
    facts = (dst / "facts.yaml").read_text(encoding="utf-8")
    assert facts.count("\ndeterminations: [P15, N9]\n") == 1
    facts = facts.replace(
        "\ndeterminations: [P15, N9]\n",
        "\n# the negative list's catch-all is N10 (a new item N9 comes before it)\n"
        "determinations: [P15, N10]\n",
    )
    (dst / "facts.yaml").write_text(facts, encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def old() -> Ruleset:
    return load_ruleset(V2)


@pytest.fixture(scope="module")
def new(tmp_path_factory: pytest.TempPathFactory) -> Ruleset:
    return load_ruleset(amend_done_when(tmp_path_factory.mktemp("done_when")))


@pytest.fixture(scope="module")
def diff(old: Ruleset, new: Ruleset) -> RulesetDiff:
    return diff_rulesets(old, new, corpus=CORPUS)  # the default domain: every valid filing


@pytest.fixture(scope="module")
def complete(old: Ruleset, new: Ruleset) -> RulesetDiff:
    return diff_rulesets(old, new, corpus=CORPUS, domain=Domain.COMPLETE)


def _witnesses(d: RulesetDiff) -> list[Witness]:
    out = [w for c in d.clauses if c.meaning for _, w in c.meaning.witnesses()]
    return out + [s.witness for s in d.statuses if s.witness is not None]


def test_the_clauses_diff_as_the_amendment_reads(diff: RulesetDiff) -> None:
    by_id = {c.id: c for c in diff.changed}
    assert set(by_id) == {"P3", "N7", "N9", "N10"}
    p3 = by_id["P3"]
    assert p3.meaning is not None and p3.meaning.relation is Relation.NARROWER
    n7 = by_id["N7"]
    assert n7.meaning is not None and n7.meaning.relation is Relation.EQUIVALENT  # proved equal
    assert by_id["N9"].change == "added" and by_id["N9"].new is not None
    assert "不如实交代" in by_id["N9"].new.text
    n10 = by_id["N10"]
    assert n10.change == "renumbered" and n10.old is not None and n10.old.id == "N9"
    assert n10.meaning is None and not n10.unproved  # the catch-all means what it meant
    assert Aspect.PREDICATE not in n10.aspects and Aspect.CITATION in n10.aspects
    assert n10.to_data()["renumbered_from"] == "N9"
    # the determination's move is the clause's, not a change of the facts declaration
    assert {(f.code, f.path) for f in diff.facts} == {
        ("fact_added", "matter.media_reported"),
        ("value_added", "act_kind/subsidy_use"),
    }
    assert diff.has_change("meaning") and diff.has_change("text")  # --fail-on fails the build


def test_the_p3_witness_is_a_case_of_minor_impact(diff: RulesetDiff) -> None:
    p3 = next(c for c in diff.changed if c.id == "P3")
    assert p3.meaning is not None and p3.meaning.narrower is not None
    w = p3.meaning.narrower
    assert [act.impact for act in w.filing.acts.items] == ["minor"]
    assert (w.status_old, w.decisive_old) == ("eligible", ("P3",))
    assert w.status_new != "eligible" and "N9" not in w.decisive_new  # not refused by N9


def test_status_changes_follow_the_reading(diff: RulesetDiff, complete: RulesetDiff) -> None:
    assert diff.domain is Domain.ANY and complete.domain is Domain.COMPLETE
    closed = {(s.old, s.new) for s in complete.statuses if s.witness is not None}
    assert not any(new is Status.ELIGIBLE for _, new in closed)
    assert not any(old is Status.INELIGIBLE for old, _ in closed)  # over complete filings
    assert (Status.ELIGIBLE, Status.INELIGIBLE) in closed
    possible = {(s.old, s.new) for s in diff.statuses if s.witness is not None}
    assert not any(new is Status.ELIGIBLE for _, new in possible)
    # over partial filings: refused by the P15 determination, now open on the new N9's fact
    assert {(o, n) for o, n in possible if o is Status.INELIGIBLE} == {
        (Status.INELIGIBLE, Status.INSUFFICIENT_FACTS)
    }
    reopened = next(
        s.witness
        for s in diff.statuses
        if (s.old, s.new) == (Status.INELIGIBLE, Status.INSUFFICIENT_FACTS) and s.witness
    )
    assert reopened.decisive_old == ("P15",)
    assert reopened.document is not None
    assert "truthful" not in reopened.document.get("disclosure", {})
    assert (Status.ELIGIBLE, Status.INELIGIBLE) in possible
    assert (Status.NEEDS_DETERMINATION, Status.INELIGIBLE) in possible
    refused = next(
        s.witness
        for s in diff.statuses
        if (s.old, s.new) == (Status.ELIGIBLE, Status.INELIGIBLE) and s.witness
    )
    assert refused.decisive_new == ("N9",)  # refused by the new clause, not a determination


@pytest.mark.parametrize("domain", ["diff", "complete"])
def test_every_witness_is_decided_as_shown_with_no_unrelated_clause(
    domain: str, request: pytest.FixtureRequest, old: Ruleset, new: Ruleset
) -> None:
    from rongcuo.analysis.joint import joint_rulesets

    diff: RulesetDiff = request.getfixturevalue(domain)
    joint = joint_rulesets(old, new)
    assert diff.bugs == ()
    witnesses = _witnesses(diff)
    assert len(witnesses) >= 4
    for w in witnesses:
        assert w.verified, w.name
        assert w.unrelated == (), (w.name, w.unrelated)
        assert w.document is not None
        # screened again through the public entry point, under each version over the joint model
        got = [evaluate(dict(w.document), rules=r) for r in (joint.old, joint.new)]
        shown = (w.status_old, w.status_new) if w.status_old else (w.engine_old, w.engine_new)
        assert tuple(v.status.value for v in got) == shown, w.name
        assert tuple(c.id for c in got[0].decisive) == w.decisive_old, w.name
        assert tuple(c.id for c in got[1].decisive) == w.decisive_new, w.name


@pytest.mark.parametrize("domain", ["diff", "complete"])
def test_no_row_contradicts_the_replay(domain: str, request: pytest.FixtureRequest) -> None:
    diff: RulesetDiff = request.getfixturevalue(domain)
    replay = diff.replay
    assert replay is not None and replay.total == 40
    assert replay.transitions  # the new N9 leaves past filings open: rows to check
    rows = {f"{s.old.value}->{s.new.value}": s for s in diff.statuses}
    text = render_text(diff)
    for move, n in replay.transitions.items():
        row = rows[move]
        data = diff._status_data(row)
        assert data["domain"] == diff.domain.value and data["seen_in_replay"] == n
        if diff.domain is Domain.ANY:  # every replayed filing is in the domain: a witness each
            assert row.witness is not None, move
        elif row.witness is None:  # proved impossible over complete filings: said, with why
            assert words("zh")["seen_complete"].format(n=n) in text
    if diff.domain is Domain.COMPLETE:  # every row says what its proof is restricted to
        for s in diff.statuses:
            assert "事实齐全的案卷" in status_mark(diff, s, "zh")
        assert "适用范围缩小（仅就事实齐全的案卷而言）" in text  # P3's meaning row
        page = render_html(diff, lang="zh")
        assert (
            "适用范围缩小（仅就事实齐全的案卷而言）" in page
            and "可能（仅就事实齐全的案卷而言）" in page
        )


class _Visible(html.parser.HTMLParser):
    """The text a reader sees (no markup, no style sheet)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def raw_codes(d: RulesetDiff, text: str) -> set[str]:
    """The codes (statuses, change kinds and tags, relations, fact-change codes, fact paths and
    names, family and value ids) that appear as words in ``text``."""
    codes = {s.value for s in Status} | {a.value for a in Aspect} | {r.value for r in Relation}
    codes |= {"added", "removed", "changed", "renumbered", "unchanged", "true", "false"}
    codes |= {"text", "phrases", "summary", "notes", "examples", "catch_all", "bars"}
    codes |= set(FACT_CHANGE_CODES)
    for rules in (d.old, d.new):
        decl = rules.program.catalogue.decl  # type: ignore[union-attr]
        for path, fact in decl.facts.items():
            codes |= {path, fact.name, *(f.name for f in fact.fields)}
        for fid, fam in decl.families.items():
            codes |= {fid, *fam.values}
    # words, not parts of a file path (the corpus's path is shown as it is)
    words_ = set(re.findall(r"(?<![\w./-])[A-Za-z_][A-Za-z0-9_.]*(?![\w/])", text))
    return codes & words_


def test_the_zh_html_report_has_no_raw_code(diff: RulesetDiff) -> None:
    page = render_html(diff, lang="zh")
    seen = _Visible()
    seen.feed(page)
    text = "".join(seen.parts)
    assert "结论变化" in text and "见证案卷" in text and "由 N9 改号而来" in text
    assert raw_codes(diff, text) == set()
    assert raw_codes(diff, render_text(diff)) == set()  # nor the zh text report
    assert "<script" not in page
    en = render_html(diff, lang="en")  # the English report keeps the witness JSON (codes)
    assert "renumbered from N9" in en and '"impact": "minor"' in html.unescape(en)


def test_the_report_is_the_same_bytes_twice(diff: RulesetDiff, old: Ruleset, new: Ruleset) -> None:
    again = diff_rulesets(old, new, corpus=CORPUS)
    for lang in ("zh", "en"):
        assert render_text(again, lang=lang) == render_text(diff, lang=lang)
        assert render_html(again, lang=lang) == render_html(diff, lang=lang)
    assert json.dumps(again.to_data()) == json.dumps(diff.to_data())
    assert "耗时" not in render_text(diff) and "耗时" in render_text(diff, timing=True)
    assert "seconds" in diff.to_data(timing=True)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium (apt-get install chromium)")
def test_the_zh_report_in_headless_chromium(diff: RulesetDiff, tmp_path: Path) -> None:
    """The report as a browser renders it: Chinese labels on the page, no raw code in what the
    reader sees (every <details> opened), and a screenshot that is a real picture."""
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "diff.html"
    page_file.write_text(render_html(diff, lang="zh"), encoding="utf-8")
    shot = tmp_path / "diff.png"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            text = page.inner_text("body")
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert "规则版本比较" in text and "结论变化" in text and "见证案卷" in text
    assert raw_codes(diff, text) == set()
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("value", "code", "path"),
    [
        ("[P15, P15]", "facts_duplicate_id", ("determinations", 1)),
        ("[X1]", "facts_bad_id", ("determinations", 0)),
        ("N9", "facts_wrong_type", ("determinations",)),
    ],
)
def test_a_malformed_determinations_key_is_refused(
    value: str, code: str, path: tuple[object, ...]
) -> None:
    from rongcuo.errors import RulesError
    from rongcuo.facts.declare import load_facts_text

    text = (V2 / "facts.yaml").read_text(encoding="utf-8")
    assert "\ndeterminations: [P15, N9]\n" in text
    text = text.replace("\ndeterminations: [P15, N9]\n", f"\ndeterminations: {value}\n", 1)
    with pytest.raises(RulesError) as info:
        load_facts_text(text, "facts.yaml")
    assert [p.code for p in info.value.problems] == [code]
    assert info.value.problems[0].location.path == path
