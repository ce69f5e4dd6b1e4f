"""rongcuo diff on filing model v2: a real amendment, across two facts declarations.

The amendment (made here from a copy of ``rules``):

* **P3 tightened**: 未造成不良影响或影响较小 becomes 未造成不良影响 — an act of minor impact no
  longer qualifies, so P3 is narrower, and a filing P3 made eligible may lose eligibility;
* **a fact and a value added**: ``matter.media_reported`` (bool) and ``subsidy_use`` (补贴资金使用
  不规范) under the spending family;
* **N7 reworded** (或者/或 swapped between its two limbs) and its test's two conditions given in
  the other order: the same meaning, over complete filings and over partial ones.

Expected findings come from that description, not from the engine's output; every witness is
checked by the engine under both versions (``bugs`` is empty) and parsed by the filing models.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from rongcuo.analysis.diff import Domain, RulesetDiff, diff_rulesets, load_side, render_text
from rongcuo.analysis.joint import joint_rulesets
from rongcuo.analysis.report_html import render_html
from rongcuo.errors import FilingError, RulesError
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset
from rongcuo.verdict.verdict import Status

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
V2 = ROOT / "rules"
V1_RULES = ROOT / "tests" / "v1" / "rules"  # v1: delete with the v1 path


def _load(path: Path, name: str) -> Any:
    return yaml.safe_load((path / name).read_text(encoding="utf-8"))


def _save(path: Path, name: str, data: Any) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    (path / name).write_text(text, encoding="utf-8")


def amend(dst: Path) -> Path:
    """The amendment described in the module docstring, written into ``dst``."""
    shutil.copytree(V2, dst, dirs_exist_ok=True)
    pos = _load(dst, "positive.yaml")
    p3 = next(c for c in pos["clauses"] if c["id"] == "P3")
    p3["text"] = p3["text"].replace("未造成不良影响或影响较小", "未造成不良影响")
    impact = next(e for e in p3["elements"] if e["id"] == "impact")
    impact["phrase"] = "未造成不良影响"
    impact["test"]["that"]["within"] = ["none"]
    for ex in p3["examples"]:  # an example of minor impact holds no longer: it now has none
        acts = ex["filing"].get("acts")
        for act in acts if isinstance(acts, list) else []:
            if ex["expect"] == "holds" and act.get("impact") == "minor":
                act["impact"] = "none"
    _save(dst, "positive.yaml", pos)
    neg = _load(dst, "negative.yaml")
    n7 = next(c for c in neg["clauses"] if c["id"] == "N7")
    n7["text"] = (
        "超越法定权限或滥用职权，危害国家利益、社会公共利益或者侵害公民、法人、其他组织合法权益的；"
    )
    element = n7["elements"][0]
    element["phrase"] = [
        "超越法定权限或滥用职权",
        "危害国家利益、社会公共利益或者侵害公民、法人、其他组织合法权益",
    ]
    element["test"]["that"]["all"].reverse()
    _save(dst, "negative.yaml", neg)
    facts = (dst / "facts.yaml").read_text(encoding="utf-8")
    spending = "          - {id: other_spending,"
    matter = "      - {id: shortfalls, type: set,"
    assert facts.count(spending) == 1 and facts.count(matter) == 1
    facts = facts.replace(
        spending,
        '          - [subsidy_use, "补贴资金使用不规范", "irregular use of subsidies"]\n'
        + spending,
    ).replace(
        matter,
        '      - {id: media_reported, type: bool, title: ["经媒体报道", "reported in the media"], '
        'question: ["该问题是否经媒体报道？", "Was it reported in the media?"]}\n' + matter,
    )
    (dst / "facts.yaml").write_text(facts, encoding="utf-8")
    return dst


@pytest.fixture(scope="module")
def old() -> Ruleset:
    return load_ruleset(V2)


@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return amend(tmp_path_factory.mktemp("amended"))


@pytest.fixture(scope="module")
def new(amended: Path) -> Ruleset:
    return load_ruleset(amended)


@pytest.fixture(scope="module")
def diff(old: Ruleset, new: Ruleset) -> RulesetDiff:
    return diff_rulesets(old, new)


def test_a_revised_declaration_loads_with_its_examples(new: Ruleset, old: Ruleset) -> None:
    catalogue = new.program.catalogue
    assert catalogue is not None and old.program.catalogue is not None
    assert catalogue.decl.digest != old.program.catalogue.decl.digest
    assert "matter.media_reported" in new.filing_model.facts
    assert all(c.examples for c in new.clauses if c.list.value in ("positive", "negative"))


def test_fact_and_family_changes(diff: RulesetDiff) -> None:
    got = {(f.code, f.path) for f in diff.facts}
    assert got == {("fact_added", "matter.media_reported"), ("value_added", "act_kind/subsidy_use")}
    added = next(f for f in diff.facts if f.code == "value_added")
    assert added.new == "spending"  # where the new value sits
    assert diff.proved and not any(f.conflict for f in diff.facts)


def test_clause_findings(diff: RulesetDiff) -> None:
    assert {c.id for c in diff.changed} == {"P3", "N7"}
    p3 = next(c for c in diff.changed if c.id == "P3")
    assert p3.meaning is not None and p3.meaning.relation.value == "narrower"
    w = p3.meaning.narrower
    assert w is not None and w.verified
    assert (w.engine_old, w.engine_new) == ("true", "false")
    # the case P3 no longer covers: an irregular spending act of minor impact
    acts = w.filing.acts.items.items
    assert any(a.impact == "minor" for a in acts)
    assert p3.meaning.broader is None
    n7 = next(c for c in diff.changed if c.id == "N7")
    assert {a.value for a in n7.aspects} == {"text", "predicate"}
    assert n7.meaning is not None and n7.meaning.relation.value == "equivalent"
    assert diff.bugs == ()


def test_status_changes(diff: RulesetDiff) -> None:
    possible = {(s.old, s.new) for s in diff.statuses if s.witness is not None}
    # tightening a positive clause never makes a filing eligible
    assert not any(new is Status.ELIGIBLE for _, new in possible)
    # and it takes eligibility from the minor-impact P3 case
    assert any(old is Status.ELIGIBLE for old, _ in possible)
    for s in diff.statuses:
        if s.witness is not None:
            assert s.witness.verified, s.witness.name
            assert s.witness.document is not None


def test_witnesses_are_filings_of_each_version(
    diff: RulesetDiff, old: Ruleset, new: Ruleset
) -> None:
    witnesses = [w for c in diff.changed if c.meaning for _, w in c.meaning.witnesses()]
    witnesses += [s.witness for s in diff.statuses if s.witness is not None]
    assert witnesses
    for w in witnesses:
        assert w.document is not None
        new.parse_filing(dict(w.document))  # the new model declares everything of the joint one
        if not w.outside_old:
            old.parse_filing(dict(w.document))
        else:
            with pytest.raises(FilingError):
                old.parse_filing(dict(w.document))
        assert not w.outside_new


def test_render_text_html_and_json(diff: RulesetDiff) -> None:
    zh = render_text(diff)
    assert "事实声明变化" in zh and "新增取值: 行为类别：补贴资金使用不规范" in zh
    assert "新增事实: 经媒体报道" in zh and "subsidy_use" not in zh  # titles, not ids
    assert "每个列表至多 3 条记录" in zh
    assert "行为类别" in zh  # a witness's facts by their titles
    # statuses and truths in words, not codes (issue 14)
    assert "可以纳入容错免责备案范围 →" in zh and "旧版 成立, 新版 不成立" in zh
    for code in ("eligible", "ineligible", "needs_determination", "insufficient_facts"):
        assert f" {code} " not in zh and f"{code} ->" not in zh and f"-> {code}" not in zh
    en = render_text(diff, lang="en")
    assert "Facts declaration changes" in en and "with at most 3 records" in en
    html = render_html(diff)
    assert "事实声明变化" in html and "补贴资金使用不规范" in html and "subsidy_use" not in html
    assert "可以纳入容错免责备案范围 →" in html and "eligible →" not in html
    # the wording changes marked character by character; a print stylesheet; losses in red
    assert "<del>或影响较小</del>" in html and "<ins>者</ins>" in html
    assert "@media print" in html and '<tr class="loss">' in html
    assert "~ 改动: 或影响较小→∅" in zh
    data = json.loads(json.dumps(diff.to_data()))  # JSON's own types: dates in tests as text
    assert data["proved"] is True and data["records_bound"] == 3
    assert {f["code"] for f in data["facts"]} == {"fact_added", "value_added"}


def test_the_new_value_under_both_versions(old: Ruleset, new: Ruleset) -> None:
    """Read over the joint hierarchy, the old P3 covers the new spending value too: its clause
    names the family (资金、物资使用等), not a list of words."""
    joint = joint_rulesets(old, new)
    assert joint.merged and joint.provable
    assert "subsidy_use" in joint.old.filing_model.decl.value_family  # type: ignore[union-attr]
    filing = joint.old.parse_filing(
        {
            "context": {"work_areas": ["people_service"]},
            "acts": [
                {"kind": "subsidy_use", "impact": "none", "corrected": "corrected"}
                | {"private_gain_for": []}
            ],
            "remedy": {"measures": "measures_timely", "measures_effective": True},
        }
    )
    for rules in (joint.old, joint.new):
        assert rules.program.clause_value("P3", filing, {}).value == "true"


def test_domain_any_and_the_cli(amended: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "rongcuo.cli",
            "diff",
            "rules",
            str(amended),
            "--format",  # the default domain: every valid filing, unknown facts included
            "json",
            "--fail-on",
            "meaning",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 3, done.stderr  # the CI gate: P3's meaning changed
    data = json.loads(done.stdout)
    assert data["domain"] == "any" and data["bugs"] == []
    meaning = {c["id"]: c["meaning"]["relation"] for c in data["clauses"]}
    assert meaning == {"N7": "equivalent", "P3": "narrower"}
    # over partial filings a P3 case with the impact still unknown is open under the new version
    moves = {(s["old"], s["new"]): s for s in data["status_changes"] if s["possible"]}
    assert ("eligible", "insufficient_facts") in moves
    # that witness, replayed as a past filing beside a proof over complete filings: the row says
    # what its proof covers and that the replayed filing lies outside it, never a bare
    # "impossible" above a replay showing the move (issue 14)
    corpus = tmp_path / "corpus.jsonl"
    witness = moves["eligible", "insufficient_facts"]["witness"]["filing"]
    corpus.write_text(json.dumps(witness, ensure_ascii=False) + "\n", encoding="utf-8")
    d = diff_rulesets(
        load_ruleset(V2), load_ruleset(amended), corpus=corpus, domain=Domain.COMPLETE
    )
    assert d.replay is not None and d.replay.transitions == {"eligible->insufficient_facts": 1}
    row = next(
        s for s in d.statuses if (s.old, s.new) == (Status.ELIGIBLE, Status.INSUFFICIENT_FACTS)
    )
    assert row.witness is None  # over complete filings nothing is insufficient
    text = render_text(d)
    assert "在事实齐全的案卷中经证明不可能；但历史重放中有 1 份案卷如此变化" in text
    assert "适用范围缩小（仅就事实齐全的案卷而言）" in text  # P3's row: restricted, and says so
    assert "eligible -> insufficient_facts: 经证明不可能\n" not in text
    statuses = {(s["old"], s["new"]): s for s in d.to_data()["status_changes"]}
    assert statuses["eligible", "insufficient_facts"]["seen_in_replay"] == 1


def test_replay_reads_each_line_with_each_versions_model(
    old: Ruleset, new: Ruleset, tmp_path: Path
) -> None:
    p3 = old.clause("P3")
    minor = next(ex for ex in p3.examples if ex.holds and "minor" in json.dumps(ex.filing_data()))
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(minor.filing_data(), ensure_ascii=False) + "\n", encoding="utf-8")
    d = diff_rulesets(old, new, corpus=corpus, statuses=False)
    assert d.replay is not None and d.replay.total == 1
    assert d.replay.by_clause["P3"]["value_changed"] == 1  # P3 held; it no longer does
    # a line stating the new value is not a filing of the old version's model
    doc = minor.filing_data()
    doc["acts"][0]["kind"] = "subsidy_use"
    corpus.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(FilingError) as info:
        diff_rulesets(old, new, corpus=corpus, statuses=False)
    assert any("old version" in p.message for p in info.value.problems)
    assert all(p.location.line == 1 for p in info.value.problems)


def test_a_moved_value_is_a_conflict_and_meaning_is_not_proved(
    old: Ruleset, amended: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "moved"
    shutil.copytree(amended, moved)
    facts = (moved / "facts.yaml").read_text(encoding="utf-8")
    line = '          - [expenditure, "经费使用不规范'
    at = facts.index(line)
    end = facts.index("\n", at) + 1
    entry = facts[at:end]
    facts = facts[:at] + facts[end:]
    reception = facts.index("      - id: reception")
    facts = facts[:reception] + entry.replace("          - [", "      - [", 1) + facts[reception:]
    (moved / "facts.yaml").write_text(facts, encoding="utf-8")
    pos = _load(moved, "positive.yaml")
    for c in pos["clauses"]:  # examples that lean on 经费 being spending are no longer right
        c["examples"] = [
            ex for ex in c.get("examples", []) if "expenditure" not in json.dumps(ex, default=str)
        ]
    _save(moved, "positive.yaml", pos)
    neg = _load(moved, "negative.yaml")
    for c in neg["clauses"]:
        c["examples"] = [
            ex for ex in c.get("examples", []) if "expenditure" not in json.dumps(ex, default=str)
        ]
    _save(moved, "negative.yaml", neg)
    d = diff_rulesets(old, load_ruleset(moved))
    conflicts = {(f.code, f.path) for f in d.facts if f.conflict}
    assert ("value_moved", "act_kind/expenditure") in conflicts
    assert not d.proved and d.statuses == ()
    p3 = next(c for c in d.changed if c.id == "P3")
    assert p3.unproved and p3.meaning is None
    assert p3.to_data()["meaning"] == {"proved": False, "reason": "facts_conflict"}
    assert "含义未证明" in render_text(d)


def test_v1_against_v2_is_reported_not_proved() -> None:  # v1: delete with the v1 path
    d = diff_rulesets(load_ruleset(V1_RULES), load_ruleset(V2))
    assert [f.code for f in d.facts] == ["model_changed"]
    assert not d.proved and d.statuses == () and d.bugs == ()
    json.dumps(d.to_data())  # the v2 clauses' dated tests included
    assert {c.id for c in d.changed if c.change == "added"} >= {"B1", "B2", "C1", "C2"}


def test_git_side_reads_the_facts_declaration() -> None:
    rules = load_side("git:HEAD:rules", cwd=ROOT)
    assert rules.program.catalogue is not None
    assert rules.digest == load_ruleset(V2).digest  # bars, companions and facts.yaml included
    # the directory is relative to the repository's root, from any working directory (issue 14)
    assert load_side("git:HEAD:rules", cwd=ROOT / "src" / "rongcuo").digest == rules.digest
    # a revision or directory that is not there: one problem, not one per file
    with pytest.raises(RulesError) as info:
        load_side("git:HEAD:no-such-dir", cwd=ROOT / "docs")
    assert [p.code for p in info.value.problems] == ["rules_git_revision"]
    assert "relative to the repository's root" in (info.value.problems[0].hint or "")


def test_domain_default_is_any(diff: RulesetDiff) -> None:
    """The default domain covers filings with unknown facts, as the engine sees them (issue 14):
    no row is restricted, so none carries the complete-filings label."""
    assert diff.domain is Domain.ANY
    assert "事实齐全" not in render_text(diff).split("\n", 4)[4]  # below the domain line


def test_fail_on_kinds(diff: RulesetDiff, old: Ruleset, tmp_path: Path) -> None:
    assert diff.has_change("meaning") and diff.has_change("text") and diff.has_change("any")
    # N7 reworded alone: text changed, meaning proved equal, so the meaning gate stays open
    reworded = tmp_path / "reworded"
    shutil.copytree(V2, reworded)
    neg = _load(reworded, "negative.yaml")
    n7 = next(c for c in neg["clauses"] if c["id"] == "N7")
    n7["text"] = n7["text"].replace("超越法定权限或者滥用职权", "超越法定权限或滥用职权")
    n7["elements"][0]["phrase"][0] = "超越法定权限或滥用职权"
    _save(reworded, "negative.yaml", neg)
    d = diff_rulesets(old, load_ruleset(reworded))
    assert [c.id for c in d.changed] == ["N7"]
    assert d.has_change("text") and d.has_change("any") and not d.has_change("meaning")
    same = diff_rulesets(old, old)
    assert not any(same.has_change(k) for k in ("meaning", "text", "any"))
    with pytest.raises(ValueError):
        same.has_change("everything")
