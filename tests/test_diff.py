"""rongcuo diff on the first filing model: its demonstration revision end to end, reformatting,
git revisions, corpus. v1: delete with the v1 path (tests/test_diff_v2.py holds diff on v2; the
bundled demonstration revision, examples/revisions/demo-2024, is v2's and is run by the README's
command in tests/test_docs_examples.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rongcuo.analysis.diff import Aspect, Relation, diff_rulesets, load_side, render_text
from rongcuo.errors import FilingError, RulesError
from rongcuo.rules.load import load_ruleset
from rongcuo.rules.ruleset import Ruleset
from rongcuo.verdict.verdict import Status

pytest.importorskip("z3")

ROOT = Path(__file__).resolve().parents[1]
V1_RULES = ROOT / "tests" / "v1" / "rules"
DEMO = ROOT / "tests" / "v1" / "revisions" / "demo-2024"
CORPUS = ROOT / "tests" / "v1" / "revisions" / "corpus.jsonl"


@pytest.fixture(scope="module")
def rules() -> Ruleset:
    return load_ruleset(V1_RULES)


@pytest.fixture(scope="module")
def demo() -> Ruleset:
    return load_ruleset(DEMO)


@pytest.fixture(scope="module")
def result(rules: Ruleset, demo: Ruleset):  # type: ignore[no-untyped-def]
    return diff_rulesets(rules, demo, corpus=CORPUS)


def _clause(result, cid):  # type: ignore[no-untyped-def]
    return next(c for c in result.clauses if c.id == cid)


def test_demo_is_labelled_and_dated_differently(rules: Ruleset, demo: Ruleset) -> None:
    assert demo.label != rules.label and "演示" in demo.label
    assert demo.meta.effective > rules.meta.effective
    assert demo.digest != rules.digest


def test_tightened_clause_is_narrower_with_a_verified_witness(result) -> None:  # type: ignore[no-untyped-def]
    p3 = _clause(result, "P3")
    assert p3.change == "changed"
    assert {Aspect.TEXT, Aspect.PREDICATE} <= set(p3.aspects)
    assert p3.meaning.relation is Relation.NARROWER
    w = p3.meaning.narrower
    assert w is not None and w.verified
    assert (w.engine_old, w.engine_new) == ("true", "false")
    assert w.filing.consequences.adverse_impact.value == "minor"
    assert p3.meaning.broader is None


def test_broadened_clause_is_broader_with_a_verified_witness(result) -> None:  # type: ignore[no-untyped-def]
    p7 = _clause(result, "P7")
    assert p7.meaning.relation is Relation.BROADER
    w = p7.meaning.broader
    assert w is not None and w.verified and (w.engine_old, w.engine_new) == ("false", "true")
    assert w.filing.matter.circumstances.value == "ordinary"


def test_reworded_clause_is_text_changed_meaning_proved_equal(result) -> None:  # type: ignore[no-untyped-def]
    n2 = _clause(result, "N2")
    assert Aspect.TEXT in n2.aspects and Aspect.PREDICATE in n2.aspects
    assert n2.meaning.relation is Relation.EQUIVALENT
    assert n2.meaning.broader is None and n2.meaning.narrower is None
    text = render_text(result, lang="en")
    assert "N2  [changed: text, metadata, predicate]  meaning proved equal" in text
    assert "text changed, meaning proved equal" not in text.split("N2", 1)[0]


def test_reference_changes_reach_n1_and_nothing_else_is_reported(result) -> None:  # type: ignore[no-untyped-def]
    # The demo differs from the bundled rules only where docs/versions.md says it does; every
    # other clause, notes and examples included, is a copy of the bundled one. A change to the
    # bundled rules is copied into examples/revisions/demo-2024 with it.
    changed = {c.id for c in result.changed}
    assert changed == {"N1", "N2", "P3", "P7"}, (
        f"demo drifted from the bundled rules in {sorted(changed - {'N1', 'N2', 'P3', 'P7'})}"
    )  # N3 moved before N2 in the file: not a change
    n1 = _clause(result, "N1")
    assert n1.aspects == () and set(n1.meaning.via) == {"P3", "P7"}
    assert n1.meaning.relation is Relation.INCOMPARABLE  # N1 yields to P3 less, to P7 more
    assert n1.meaning.broader.verified and n1.meaning.narrower.verified
    assert not result.bugs


def test_status_changes_have_engine_confirmed_witnesses(result) -> None:  # type: ignore[no-untyped-def]
    found = {(s.old, s.new): s for s in result.statuses}
    assert len(found) == 12
    assert found[Status.ELIGIBLE, Status.INELIGIBLE].witness is not None
    assert found[Status.NEEDS_DETERMINATION, Status.ELIGIBLE].witness is not None
    assert found[Status.INELIGIBLE, Status.NEEDS_DETERMINATION].witness is None  # proved
    for s in result.statuses:
        if s.witness is not None:
            assert s.witness.verified
            assert (s.witness.engine_old, s.witness.engine_new) == (s.old.value, s.new.value)


def test_corpus_replay(result) -> None:  # type: ignore[no-untyped-def]
    r = result.replay
    assert r.total == 10
    assert [(c.line, c.old_status, c.new_status) for c in r.changes] == [
        (2, Status.ELIGIBLE, Status.INSUFFICIENT_FACTS),
        (3, Status.ELIGIBLE, Status.INSUFFICIENT_FACTS),
        (7, Status.NEEDS_DETERMINATION, Status.ELIGIBLE),
    ]
    assert r.by_clause["P3"]["ceased_decisive"] == 2
    assert r.by_clause["P7"]["became_decisive"] == 1


def test_reformatted_and_reordered_rules_are_identical(rules: Ruleset, tmp_path: Path) -> None:
    rules.dump(tmp_path)  # re-emitted YAML: other layout, no comments
    neg = yaml.safe_load((tmp_path / "negative.yaml").read_text(encoding="utf-8"))
    neg["clauses"].reverse()
    (tmp_path / "negative.yaml").write_text(
        yaml.safe_dump(neg, allow_unicode=True, width=60), encoding="utf-8"
    )
    d = diff_rulesets(rules, load_ruleset(tmp_path))
    assert d.changed == () and d.metadata == () and d.statuses == ()


def test_equivalent_rewrite_of_a_predicate_is_proved_equal(rules: Ruleset, tmp_path: Path) -> None:
    rules.dump(tmp_path)
    pos = yaml.safe_load((tmp_path / "positive.yaml").read_text(encoding="utf-8"))
    p4 = next(c for c in pos["clauses"] if c["id"] == "P4")
    impact = next(e for e in p4["elements"] if e["id"] == "impact")
    # in: [none, minor]  ==  not in: [significant, serious]
    impact["test"] = {
        "not": {"fact": "consequences.adverse_impact", "in": ["serious", "significant"]}
    }
    (tmp_path / "positive.yaml").write_text(
        yaml.safe_dump(pos, allow_unicode=True), encoding="utf-8"
    )
    d = diff_rulesets(rules, load_ruleset(tmp_path))
    (p4d,) = d.changed
    assert p4d.id == "P4" and p4d.aspects == (Aspect.PREDICATE,)
    assert p4d.meaning.relation is Relation.EQUIVALENT
    assert all(s.witness is None for s in d.statuses)  # no status can change: proved


def test_git_revision_side(rules: Ruleset) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    old = load_side("git:HEAD", cwd=ROOT)
    assert old.origin == "git:HEAD"
    demo = load_side("git:HEAD:tests/v1/revisions/demo-2024", cwd=ROOT)
    assert "演示" in demo.label
    with pytest.raises(RulesError) as exc:
        load_side("git:no-such-revision-xyz", cwd=ROOT)
    assert set(exc.value.codes) == {"rules_git_revision"}


def test_bad_corpus_is_a_coded_error(rules: Ruleset, tmp_path: Path) -> None:
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"id": "a"}\n\n{"subject": {"kind": "robot"}}\nnot json\n', encoding="utf-8")
    with pytest.raises(FilingError) as exc:
        diff_rulesets(rules, rules, corpus=bad)
    lines = sorted({p.location.line for p in exc.value.problems})
    assert lines == [3, 4]
    assert "filing_invalid_value" in exc.value.codes and "json_syntax" in exc.value.codes


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_diff_text_json_html(tmp_path: Path) -> None:
    done = _cli("diff", str(V1_RULES), str(DEMO), "--lang", "en", "--corpus", str(CORPUS))
    assert done.returncode == 0, done.stderr
    assert "P3  [changed: text, metadata, predicate]  narrower" in done.stdout
    assert "P7  [changed: text, metadata, predicate]  broader" in done.stdout
    assert "confirmed by the engine" in done.stdout and "NOT confirmed" not in done.stdout
    zh = _cli("diff", str(V1_RULES), str(DEMO))
    assert zh.returncode == 0 and "适用范围缩小" in zh.stdout and "含义经证明相同" in zh.stdout

    js = _cli("diff", str(V1_RULES), str(DEMO), "--format", "json")
    assert js.returncode == 0
    data = json.loads(js.stdout)
    rel = {
        c["id"]: c["meaning"]["relation"]
        for c in data["clauses"]
        if not c["meaning"].get("identical")
    }
    assert rel == {"N1": "incomparable", "N2": "equivalent", "P3": "narrower", "P7": "broader"}
    assert data["domain"] == "complete" and data["bugs"] == []
    p3 = next(c for c in data["clauses"] if c["id"] == "P3")
    assert p3["old"]["text"] != p3["new"]["text"]
    assert p3["meaning"]["narrower_witness"]["verified"] is True

    report = tmp_path / "diff.html"
    html = _cli(
        "diff",
        str(V1_RULES),
        str(DEMO),
        "--format",
        "html",
        "--corpus",
        str(CORPUS),
        "-o",
        str(report),
    )
    assert html.returncode == 0, html.stderr
    page = report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "P3: 旧版适用、新版不适用" in page and "LS-2023-0231" in page  # zh: no witness ids


def test_cli_diff_invalid_input_exits_1(tmp_path: Path) -> None:
    done = _cli("diff", str(tmp_path), "rules")
    assert done.returncode == 1
    assert "rules_missing_file" in done.stderr
    js = _cli("diff", "git:no-such-revision-xyz", "rules", "--format", "json")
    assert js.returncode == 1
    assert json.loads(js.stdout)["problems"][0]["code"] == "rules_git_revision"
