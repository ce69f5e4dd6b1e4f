"""The schema for forms (issue 12, item 4): ``rongcuo schema --for forms`` and
:mod:`rongcuo.analysis.forms`.

Labels are checked against the titles declared in ``rules-v2/facts.yaml`` (read here with plain
YAML, not through rongcuo); the conversion back to a filing against every golden case and example
of filing model v2. The render test draws the form with react-jsonschema-form (@rjsf/core 6, a
maintained JSON-Schema form renderer, Apache-2.0) in headless Chromium (Debian's package, driven by
Playwright as in tests/test_service_page.py). rjsf is installed by npm from the registry into
``tests/forms_render/node_modules`` (versions pinned by its package-lock.json; nothing vendored)
and bundled by esbuild; the test skips, saying why, only where there is no chromium or no npm.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import rongcuo
from rongcuo.analysis.forms import (
    UNKNOWN,
    filing_to_form,
    form_schema,
    form_to_document,
    form_to_filing,
)
from rongcuo.errors import FilingError, RongcuoError
from rongcuo.facts.filings import load_filing, parse_filing

from .conftest import ROOT

RULES_DIR = ROOT / "rules-v2"
DECLARED: dict[str, Any] = yaml.safe_load((RULES_DIR / "facts.yaml").read_text(encoding="utf-8"))
RENDER = ROOT / "tests" / "forms_render"
CJK = re.compile(r"[\u4e00-\u9fff]")

#: every keyword of the JSON Schema 2020-12 vocabularies the form schema may use
KEYWORDS_2020_12 = {
    "$schema", "$id", "title", "description", "type", "properties", "additionalProperties",
    "oneOf", "const", "items", "uniqueItems", "default", "pattern",
}  # fmt: skip


@pytest.fixture(scope="module")
def rules() -> rongcuo.Ruleset:
    return rongcuo.load_ruleset(RULES_DIR)


@pytest.fixture(scope="module", params=["zh", "en"])
def schema(request: pytest.FixtureRequest, rules: rongcuo.Ruleset) -> dict[str, Any]:
    return form_schema(rules, lang=request.param)


def _titles(values: list[Any], lang: str) -> list[str]:
    """The declared titles of a family's values, in declaration order (nested ones after their
    parent), read from facts.yaml as written."""
    out: list[str] = []
    for v in values:
        if isinstance(v, list):  # [id, zh, en]
            out.append(v[1] if lang == "zh" else v[2])
        else:
            out.append(v["title"][0 if lang == "zh" else 1])
            out.extend(_titles(v.get("values", []), lang))
    return out


def _family(name: str) -> list[Any]:
    values: list[Any] = DECLARED["families"][name]["values"]
    return values


def _declared_fact(group: str, fact: str) -> dict[str, Any]:
    for g in DECLARED["groups"]:
        if g["id"] == group:
            for f in g["facts"]:
                if f["id"] == fact:
                    return dict(f)
    raise KeyError((group, fact))


def _walk(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the form schema (not the property-name maps)."""
    if not isinstance(node, dict):
        return
    yield path, node
    for name, sub in node.get("properties", {}).items():
        yield from _walk(sub, f"{path}.{name}")
    if "items" in node:
        yield from _walk(node["items"], f"{path}[]")
    for i, alt in enumerate(node.get("oneOf", [])):
        yield from _walk(alt, f"{path}|{i}")


# --------------------------------------------------------------------------- the schema


def test_valid_against_the_2020_12_metaschema(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_only_standard_keywords_no_null_alternatives(schema: dict[str, Any]) -> None:
    for path, node in _walk(schema):
        unknown = set(node) - KEYWORDS_2020_12
        assert not unknown, (path, unknown)
        assert node.get("type") != "null" and "anyOf" not in node, path
        for alt in node.get("oneOf", []):  # every alternative is a labelled constant
            assert set(alt) == {"const", "title"}, (path, alt)


def test_subject_kind_and_adverse_impact_are_labelled_with_the_declared_titles(
    rules: rongcuo.Ruleset,
) -> None:
    for lang, unknown in (("zh", "未知"), ("en", "unknown")):
        s = form_schema(rules, lang=lang)
        kind = s["properties"]["subject"]["properties"]["kind"]
        impact = s["properties"]["consequences"]["properties"]["adverse_impact"]
        assert [a["title"].strip() for a in kind["oneOf"]] == [
            *_titles(_family("subject_kind"), lang),
            unknown,
        ]
        assert [a["title"].strip() for a in impact["oneOf"]] == [
            *_titles(_family("impact"), lang),
            unknown,
        ]
        assert kind["default"] == UNKNOWN
        declared = _declared_fact("subject", "kind")
        assert kind["title"] == declared["title"][0 if lang == "zh" else 1]
        assert kind["description"] == declared["question"][0 if lang == "zh" else 1]
    zh = form_schema(rules, lang="zh")["properties"]["subject"]["properties"]["kind"]
    assert [a["title"] for a in zh["oneOf"]] == ["单位", "个人", "未知"]


def test_booleans_have_three_states_and_na_a_fourth(rules: rongcuo.Ruleset) -> None:
    s = form_schema(rules, lang="zh")
    enforcement = s["properties"]["subject"]["properties"]["enforcement_power"]
    assert [a["title"] for a in enforcement["oneOf"]] == ["是", "否", "未知"]
    refused = s["properties"]["remedy"]["properties"]["refused_rectification"]
    na = _declared_fact("remedy", "refused_rectification")["na"][0]
    assert [a["title"] for a in refused["oneOf"]] == ["是", "否", na, "未知"]
    en = form_schema(rules, lang="en")["properties"]["subject"]["properties"]["enforcement_power"]
    assert [a["title"] for a in en["oneOf"]] == ["yes", "no", "unknown"]


def test_labels_are_titles_not_codes_or_class_names(schema: dict[str, Any]) -> None:
    zh = schema["$id"].endswith(".zh.json")
    for path, node in _walk(schema):
        for alt in node.get("oneOf", []):
            if zh:  # every Chinese label is a title (in English a title may be a code's word)
                assert CJK.search(alt["title"]) or alt["const"] == "n/a", (path, alt)
        title = node.get("title", "")
        assert not re.fullmatch(r"[A-Z][A-Za-z]+", title), (path, title)  # SubjectKind, Act …
        if zh and "title" in node and not path.endswith(("|0", "|1")):
            assert CJK.search(title) or title.startswith(("P15", "N9")), (path, title)


def test_descriptions_are_the_declared_questions_in_the_chosen_language(
    schema: dict[str, Any],
) -> None:
    lang = "zh" if schema["$id"].endswith(".zh.json") else "en"
    acts = schema["properties"]["acts"]
    declared = _declared_fact("acts", "items")
    assert acts["description"] == declared["question"][0 if lang == "zh" else 1]
    exemptions = schema["properties"]["history"]["properties"]["exemptions"]
    assert (
        exemptions["description"]
        == _declared_fact("history", "exemptions")["question"][0 if lang == "zh" else 1]
    )
    record = acts["properties"]["records"]["items"]
    assert record["type"] == "object" and "kind" in record["properties"]


def test_the_cli_prints_the_form_schema_and_keeps_the_plain_one_as_default(
    rules: rongcuo.Ruleset,
) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rongcuo.cli", "schema", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )

    done = run("--for", "forms", "--lang", "en", "--rules", str(RULES_DIR))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == form_schema(rules, lang="en")
    from rongcuo.cli import schema_text

    plain = run()
    assert plain.returncode == 0 and plain.stdout == schema_text("filing")
    # v1: delete at the flip (the bundled rules are then of filing model v2)
    v1 = run("--for", "forms", "--lang", "en")
    assert v1.returncode == 1 and "form_unavailable" in v1.stderr


def test_a_v1_ruleset_has_no_form() -> None:  # v1: delete at the flip
    with pytest.raises(RongcuoError) as err:
        form_schema(rongcuo.load_ruleset(ROOT / "rules"))
    assert err.value.problems[0].code == "form_unavailable"


# --------------------------------------------------------------------------- form -> filing


def _documents() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for p in sorted((ROOT / "tests" / "cases-v2").glob("*.yaml")):
        out.append((p.name, yaml.safe_load(p.read_text(encoding="utf-8"))["filing"]))
    for p in sorted((ROOT / "examples-v2").iterdir()):
        if p.name != "expected.yaml" and p.suffix in (".yaml", ".json"):
            text = p.read_text(encoding="utf-8")
            out.append((p.name, json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)))
    return out


@pytest.mark.parametrize(("name", "document"), _documents(), ids=lambda x: str(x)[:40])
def test_every_v2_filing_goes_through_the_form_and_back_unchanged(
    name: str, document: dict[str, Any], rules: rongcuo.Ruleset
) -> None:
    filing = parse_filing(document, rules=rules)
    validator = jsonschema.Draft202012Validator(form_schema(rules))
    form = filing_to_form(filing, rules)
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(form)]
    assert not errors, errors[:5]
    back = form_to_filing(form, rules)
    assert back == filing
    assert (
        rongcuo.evaluate(back, rules=rules).status == rongcuo.evaluate(filing, rules=rules).status
    )


def test_an_empty_form_is_an_empty_filing(rules: rongcuo.Ruleset) -> None:
    assert form_to_document({}, rules) == {}
    filing = form_to_filing({"subject": {"kind": UNKNOWN}, "acts": {"listed": UNKNOWN}}, rules)
    assert filing.subject.kind is None and filing.acts.items is None


def test_partial_answers_become_partial_values(rules: rongcuo.Ruleset) -> None:
    form = {
        "subject": {"kind": "individual", "roles": {"yes": ["cadre"], "no": [], "complete": False}},
        "context": {"work_areas": {"yes": [], "no": ["reform_innovation"], "complete": False}},
        "consequences": {"losses_borne_by": {"na": True}},
        "acts": {
            "records": [{"kind": "land_use", "when": "2012/2013", "explicit_prohibition": "n/a"}],
            "listed": "partial",
        },
        "history": {"exemptions": {"records": [], "listed": "complete"}},
    }
    doc = form_to_document(form, rules)
    assert doc["subject"] == {
        "kind": "individual",
        "roles": {"yes": ["cadre"], "no": [], "complete": False},
    }
    assert doc["acts"] == {
        "items": [
            {
                "kind": "land_use",
                "when": {"from": "2012", "to": "2013"},
                "explicit_prohibition": "n/a",
            }
        ],
        "complete": False,
    }
    assert doc["history"] == {"exemptions": []}
    assert doc["consequences"] == {"losses_borne_by": "n/a"}
    filing = form_to_filing(form, rules)
    assert filing.subject.roles.yes == {"cadre"} and not filing.subject.roles.complete
    assert filing.acts.items.complete is False
    assert filing.history.exemptions.items == () and filing.history.exemptions.complete


def test_a_form_of_the_wrong_shape_is_form_invalid(rules: rongcuo.Ruleset) -> None:
    with pytest.raises(FilingError) as err:
        form_to_document({"subject": "individual", "acts": {"records": "one act"}}, rules)
    codes = [(p.code, p.location.json_path()) for p in err.value.problems]
    assert codes == [("form_invalid", "$.acts.records"), ("form_invalid", "$.subject")]
    assert "表单" in err.value.problems[0].render("zh")


def test_a_value_the_filing_refuses_is_the_filing_parsers_code(rules: rongcuo.Ruleset) -> None:
    with pytest.raises(FilingError) as err:
        form_to_filing({"subject": {"kind": "nobody"}, "filed_on": "2023-02-30"}, rules)
    assert {p.code for p in err.value.problems} <= {"filing_invalid_value", "filing_invalid_date"}
    assert len(err.value.problems) == 2


# --------------------------------------------------------------------------- rendered


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NPM = shutil.which("npm")


@pytest.fixture(scope="module")
def bundle() -> Path:
    """rjsf bundled for the browser: npm ci (pinned by package-lock.json), then esbuild."""
    if CHROMIUM is None:
        pytest.skip("no chromium (./scripts/test installs Debian's package when run as root)")
    if NPM is None:
        pytest.skip("no npm to install react-jsonschema-form from the npm registry")
    out = RENDER / "build" / "render.js"
    source = RENDER / "render.jsx"
    if out.exists() and out.stat().st_mtime >= source.stat().st_mtime:
        return out
    if not (RENDER / "node_modules" / "@rjsf" / "core").exists():
        done = subprocess.run(
            [NPM, "ci", "--no-audit", "--no-fund"], cwd=RENDER, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"npm ci could not install react-jsonschema-form: {done.stderr[-500:]}")
    esbuild = RENDER / "node_modules" / ".bin" / "esbuild"
    subprocess.run(
        [
            str(esbuild), "render.jsx", "--bundle", "--format=iife", "--outfile=build/render.js",
            '--define:process.env.NODE_ENV="production"', "--log-level=warning",
        ],
        cwd=RENDER,
        check=True,
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def browser(bundle: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield b
        finally:
            b.close()


def _render(browser: Any, bundle: Path, schema: dict[str, Any]) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_content('<!doctype html><meta charset="utf-8"><div id="root"></div>')
    page.add_script_tag(path=str(bundle))
    page.evaluate("s => window.renderForm(s)", schema)
    page.wait_for_selector("#root_subject_kind", timeout=30_000)
    return page


def _options(page: Any, selector: str) -> list[str]:
    texts: list[str] = page.eval_on_selector_all(
        f"{selector} option", "els => els.map(e => e.textContent)"
    )
    return [t.strip() for t in texts if t.strip()]


def test_rjsf_renders_the_form_with_chinese_titles_and_no_option_pickers(
    browser: Any, bundle: Path, rules: rongcuo.Ruleset
) -> None:
    schema = form_schema(rules, lang="zh")
    page = _render(browser, bundle, schema)
    try:
        assert page.evaluate("s => window.strictCompile(s)", schema) == "ok"
        assert _options(page, "#root_subject_kind") == ["单位", "个人", "未知"]
        impact = _options(page, "#root_consequences_adverse_impact")
        assert impact == [*_titles(_family("impact"), "zh"), "未知"]
        assert "主体类别" in page.inner_text("label[for=root_subject_kind]")
        assert "事项整体造成的不良影响" in page.inner_text(
            "label[for=root_consequences_adverse_impact]"
        )
        text = page.inner_text("body")
        assert "Option 1" not in text and "Option 2" not in text
        assert "SubjectKind" not in text and "individual" not in text
        assert "申请容错免责备案的是单位还是个人？" in text  # the declared question
        # an empty form, as rjsf holds it, is a valid (empty) filing
        empty = page.evaluate("() => window.currentFormData()")
        assert form_to_filing(empty, rules).subject.kind is None
        # answered in the browser, converted to a filing
        page.select_option("#root_subject_kind", label="个人")
        page.select_option("#root_consequences_adverse_impact", label="未造成不良影响")
        page.fill("#root_filed_on", "2023-05")
        data = page.evaluate("() => window.currentFormData()")
        assert page.evaluate("() => window.validateForm()") is True
        filing = form_to_filing(data, rules)
        assert filing.subject.kind == "individual"
        assert filing.consequences.adverse_impact == "none"
        assert filing.filed_on is not None and str(filing.filed_on) == "2023-05"
    finally:
        page.close()


def test_rjsf_renders_the_english_form_and_a_filled_in_filing(
    browser: Any, bundle: Path, rules: rongcuo.Ruleset
) -> None:
    """The form prefilled from an example (filing_to_form) renders its values as titles, and
    what rjsf returns converts back to the same filing."""
    example = load_filing(ROOT / "examples-v2" / "eligible-p3-relief-funds.yaml", rules=rules)
    schema = form_schema(rules, lang="en")
    page = browser.new_page()
    try:
        page.set_content('<!doctype html><meta charset="utf-8"><div id="root"></div>')
        page.add_script_tag(path=str(bundle))
        page.evaluate(
            "([s, d]) => window.renderForm(s, d)", [schema, filing_to_form(example, rules)]
        )
        page.wait_for_selector("#root_subject_kind", timeout=30_000)
        assert _options(page, "#root_subject_kind") == [
            "a unit (organisation)",
            "an individual",
            "unknown",
        ]
        chosen = page.eval_on_selector(
            "#root_subject_kind", "e => e.options[e.selectedIndex].textContent"
        )
        assert chosen == "a unit (organisation)"
        assert "Option 1" not in page.inner_text("body")
        data = page.evaluate("() => window.currentFormData()")
        assert page.evaluate("() => window.validateForm()") is True
        assert form_to_filing(data, rules) == example
    finally:
        page.close()


def test_the_excerpt_in_the_docs_is_the_commands_output(rules: rongcuo.Ruleset) -> None:
    text = (ROOT / "docs" / "interview.md").read_text(encoding="utf-8")
    marker = "<!-- form excerpt: subject.kind, subject.enforcement_power -->\n```json\n"
    block = text.split(marker, 1)[1].split("\n```", 1)[0]
    subject = form_schema(rules, lang="zh")["properties"]["subject"]["properties"]
    expected = {k: subject[k] for k in ("kind", "enforcement_power")}
    assert block == json.dumps(expected, ensure_ascii=False, indent=2)
