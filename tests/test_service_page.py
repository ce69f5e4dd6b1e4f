"""The page at / renders a verdict in headless Chromium (Debian's chromium, driven by Playwright).

``./scripts/test`` installs chromium with apt-get when it is missing and it can (as root); the
test skips, saying why, only when there is no chromium to drive. Playwright's own browser
download (``playwright install``) is never used.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import rongcuo

from .conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import serve_load

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on this machine (./scripts/test installs Debian's package with apt-get "
    "when run as root; elsewhere: apt-get install chromium)",
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_load.serving() as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(server + "/")
            tab.wait_for_selector("body[data-ready='true']", timeout=30_000)
            yield tab
        finally:
            browser.close()


def _non_blank(png: Path) -> float:
    """The share of pixels that differ from the most common colour (0 for a blank image)."""
    from PIL import Image

    with Image.open(png) as im:
        rgb = im.convert("RGB")
        total = rgb.width * rgb.height
        colours = rgb.getcolors(maxcolors=total) or []
    common = max(count for count, _ in colours)
    return 1 - common / total


def test_the_page_screens_an_example_and_shows_the_verdict(
    page: object, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    source = EXAMPLES / "ineligible-n4-vanity-project.json"
    text = source.read_text(encoding="utf-8")
    verdict = rongcuo.evaluate(rongcuo.load_filing(source), trace=False)  # as the page asks
    page.fill("#filing", text)
    page.click("#submit")
    page.wait_for_selector("#status", timeout=30_000)
    shown = page.inner_text("#result")
    status = page.inner_text("#status")
    assert verdict.status.title("zh") in status and verdict.status.value in status
    for clause in verdict.decisive:
        assert clause.id in shown
        assert clause.text in shown  # quoted verbatim
        assert clause.citation.document in shown and clause.citation.issuer in shown
    assert verdict.receipt in shown
    shot = tmp_path / "verdict.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    keep = request.config.getoption("--basetemp", None)
    if keep:  # pragma: no cover - for a person who wants to look at it
        shutil.copy(shot, Path(keep) / "verdict.png")
    assert _non_blank(shot) > 0.05


def _wait_for_status(page: object, text: str) -> None:
    """Until the status line shows ``text`` (a verdict's status, or an error's HTTP status)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "text => (document.querySelector('#status') || {textContent: ''}).textContent"
        ".includes(text)",
        arg=text,
        timeout=30_000,
    )


def test_the_page_shows_problems_escaped(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    hostile = '{"<img src=x onerror=alert(1)>": 1, "summary": "a", "summary": "b"}'
    page.fill("#filing", hostile)
    page.click("#submit")
    _wait_for_status(page, "400")
    shown = page.inner_text("#result")
    assert "json_duplicate_key" in shown
    assert page.query_selector("#result img") is None  # text, never markup
    page.fill("#filing", '{"<b>x</b>": 1}')
    page.click("#submit")
    _wait_for_status(page, "422")
    assert "filing_unknown_field" in page.inner_text("#result")
    assert "<b>x</b>" in page.inner_text("#result") and page.query_selector("#result b") is None


def test_an_example_of_the_rules_fills_the_form(page: object) -> None:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    rules = rongcuo.bundled_ruleset()
    clause = next(c for c in rules.clauses if c.examples and any(e.holds for e in c.examples))
    page.select_option("#example", clause.id)
    example = next(e for e in clause.examples if e.holds)
    page.wait_for_function(
        "expected => document.querySelector('#filing').value.includes(expected)",
        arg=next(iter(example.filing_data())),
    )
    page.click("#submit")
    verdict = rongcuo.evaluate(example.filing_data(), rules=rules)
    _wait_for_status(page, verdict.status.value)
