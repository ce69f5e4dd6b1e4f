"""A version timeline (rongcuo.rules.timeline): the version in force on a date, ``history``,
``diff --from/--to``, and the reproducible diff report.

The timeline under test is ``examples/revisions``: the bundled rules (平纪发〔2022〕4号, effective
2022-12-30), then the hypothetical demonstration revision (effective 2024-07-01), which tightens
P3 to 未造成不良影响 and broadens P7 to 情节轻微或者一般 (docs/versions.md). Expected outcomes
come from that description: a minor impact meets the bundled P3 and not the revised one.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.errors import RulesError
from rongcuo.rules.timeline import bundled_timeline, load_timeline

from .conftest import EXAMPLES, ROOT

TIMELINE = EXAMPLES / "revisions"
FIRST = dt.date(2022, 12, 30)
DEMO = dt.date(2024, 7, 1)


def _minor_impact() -> dict[str, Any]:
    """The P3 example (relief funds used irregularly, corrected), its act of minor impact."""
    data = yaml.safe_load((EXAMPLES / "eligible-p3-relief-funds.yaml").read_text("utf-8"))
    data["filed_on"] = data["filed_on"].isoformat()
    data["acts"][0]["impact"] = "minor"
    data["consequences"]["adverse_impact"] = "minor"
    return data  # type: ignore[no-any-return]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_the_demo_timeline_has_two_versions_in_date_order() -> None:
    t = load_timeline(TIMELINE)
    assert [v.effective for v in t] == [FIRST, DEMO]
    assert t.versions[0].path.resolve() == (ROOT / "rules").resolve()  # `bundled`
    assert t.latest.label.startswith("演示修订版")
    assert len(bundled_timeline()) == 1 and bundled_timeline().latest.effective == FIRST


def test_version_in_force_on_a_date() -> None:
    t = load_timeline(TIMELINE)
    assert t.version_on(FIRST).effective == FIRST  # in force from its own date
    assert t.version_on(DEMO - dt.timedelta(days=1)).effective == FIRST
    assert t.version_on(DEMO).effective == DEMO
    assert t.version_on(None) is t.latest
    with pytest.raises(RulesError) as info:
        t.version_on(FIRST - dt.timedelta(days=1))
    assert info.value.problems[0].code == "rules_timeline"
    assert "2022-12-29" in info.value.problems[0].message


def test_evaluate_as_of_picks_and_cites_the_version() -> None:
    t = load_timeline(TIMELINE)
    filing = _minor_impact()
    before = rongcuo.evaluate(filing, rules=t, as_of=dt.date(2023, 3, 2))
    assert before.status is rongcuo.Status.ELIGIBLE
    assert [c.id for c in before.decisive] == ["P3"]
    assert before.ruleset.effective == FIRST and before.ruleset.label.startswith("平纪发")
    after = rongcuo.evaluate(filing, rules=t, as_of=dt.date(2024, 8, 1))
    assert after.ruleset.effective == DEMO and after.ruleset.label.startswith("演示修订版")
    assert after.ruleset.digest == t.latest.ruleset().digest
    # a minor impact no longer meets P3: the filing is not eligible by it
    assert after.status is not rongcuo.Status.ELIGIBLE
    assert "P3" not in [c.id for c in after.decisive]
    # the reference date still bounds the facts' dates, as before
    with pytest.raises(rongcuo.FilingError):
        rongcuo.evaluate(filing, rules=t, as_of=dt.date(2023, 3, 1))
    with pytest.raises(RulesError):
        rongcuo.evaluate(filing, rules=t, as_of=dt.date(2020, 1, 1))
    with pytest.raises(TypeError):  # a datetime is still refused, timeline or not
        rongcuo.evaluate(filing, rules=t, as_of=dt.datetime(2024, 8, 1))  # type: ignore[arg-type]


def test_check_as_of_with_a_timeline(tmp_path: Path) -> None:
    path = tmp_path / "minor.json"
    path.write_text(json.dumps(_minor_impact(), ensure_ascii=False), encoding="utf-8")
    args = ("check", str(path), "--rules", str(TIMELINE), "--format", "json")
    old = _cli(*args, "--as-of", "2023-03-02")
    assert old.returncode == 0, old.stderr
    assert json.loads(old.stdout)["ruleset"]["effective"] == "2022-12-30"
    new = _cli(*args[:-2], "--as-of", "2024-08-01")
    assert new.returncode == 0, new.stderr
    assert "规则版本: 演示修订版" in new.stdout  # the verdict cites the version
    early = _cli(*args, "--as-of", "2020-01-01")
    assert early.returncode == 1
    assert json.loads(early.stdout)["problems"][0]["code"] == "rules_timeline"


def test_history_lists_the_chain_with_its_meaning_changes() -> None:
    done = _cli("history", "examples/revisions")
    assert done.returncode == 0, done.stderr
    # docs/versions.md shows this very output
    doc = (ROOT / "docs" / "versions.md").read_text(encoding="utf-8")
    shown = doc.split("$ rongcuo history examples/revisions\n", 1)[1].split("```", 1)[0]
    assert done.stdout == shown
    lines = done.stdout.splitlines()
    assert lines[1].startswith("  2022-12-30  平纪发〔2022〕4号")
    step = lines[2]
    assert "P3 适用范围缩小" in step and "P7 适用范围扩大" in step
    # N2's rewrite as two alternatives means the same for complete filings, but over partial ones
    # (history proves in the diff's default domain) a filing stating only the coarse kind
    # 弄虚作假或形式主义、官僚主义 was refused and now waits for which it is: narrower
    assert "N2 适用范围缩小" in step
    assert lines[3].startswith("  2024-07-01  演示修订版")
    js = _cli("history", str(TIMELINE), "--format", "json", "--lang", "en")
    data = json.loads(js.stdout)
    assert [v["effective"] for v in data["versions"]] == ["2022-12-30", "2024-07-01"]
    assert data["steps"][0]["meaning_changed"] is True
    assert data["steps"][0]["summary"]["en"].startswith("N2 narrower; P3 narrower; P7 broader")


def test_diff_from_to_dates() -> None:
    same = _cli(
        "diff", "--timeline", str(TIMELINE), "--from", "2024-08-01", "--to", "2025-01-01",
        "--fail-on", "any",
    )  # fmt: skip
    assert same.returncode == 0, same.stderr  # one version in force on both dates
    mixed = _cli("diff", "rules", "--to", "2024-07-01", "--timeline", str(TIMELINE), "-f", "json")
    assert mixed.returncode == 0, mixed.stderr
    data = json.loads(mixed.stdout)
    assert data["old"]["effective"] == "2022-12-30" and data["new"]["effective"] == "2024-07-01"
    assert "seconds" not in data  # timing only on request
    both = _cli("diff", "rules", "examples/revisions/demo-2024", "--from", "2023-01-01")
    assert both.returncode == 1 and "option_invalid" in both.stderr


@pytest.mark.parametrize(
    ("manifest", "found"),
    [
        ("rongcuo_timeline: 1\nversions: [demo, bundled]\n", "not in date order"),
        ("rongcuo_timeline: 1\nversions: []\n", "at least one version"),
        ("versions: [bundled]\n", "rongcuo_timeline: 1"),
        ("rongcuo_timeline: 1\nversions: [nowhere]\n", "ruleset.yaml"),
    ],
)
def test_a_malformed_timeline_is_rules_timeline(tmp_path: Path, manifest: str, found: str) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "ruleset.yaml").write_bytes((TIMELINE / "demo-2024" / "ruleset.yaml").read_bytes())
    (tmp_path / "timeline.yaml").write_text(manifest, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load_timeline(tmp_path)
    problem = info.value.problems[0]
    assert problem.code == "rules_timeline" and found in (problem.message + problem.hint)
