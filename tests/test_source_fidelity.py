"""The rules hold exactly one clause for each item of the source, with the source's words."""

from __future__ import annotations

import re

import pytest

import rongcuo
from rongcuo.rules.syntax import ListKind

from .conftest import ROOT, SOURCE


def _items(section_start: str, section_end: str) -> dict[int, str]:
    text = SOURCE.read_text(encoding="utf-8")
    doc = text[text.index("平纪发〔2022〕4号") :]
    block = doc[doc.index(section_start) : doc.index(section_end)]
    # page breaks show up as blank lines inside sentences: join every line of the block
    lines = [line for line in block.split("\n") if line.strip()][1:]
    items: dict[int, str] = {}
    current = None
    for line in lines:
        m = re.match(r"^(\d+)\. (.*)$", line)
        if m:
            current = int(m.group(1))
            items[current] = m.group(2)
        elif current is not None:
            items[current] += line
    return items


POSITIVE = _items("一、予以容错免责备案的正面清单", "二、不予容错免责备案的负面清单")
NEGATIVE = _items("二、不予容错免责备案的负面清单", "对于需要予以容错免责备案的")


def test_source_has_the_expected_shape() -> None:
    assert sorted(POSITIVE) == list(range(1, 16))
    assert sorted(NEGATIVE) == list(range(1, 10))


@pytest.mark.parametrize(
    ("kind", "items"), [(ListKind.POSITIVE, POSITIVE), (ListKind.NEGATIVE, NEGATIVE)]
)
def test_one_clause_per_item_with_verbatim_text(
    rules: rongcuo.Ruleset, kind: ListKind, items: dict[int, str]
) -> None:
    clauses = rules.of_list(kind)
    assert [c.number for c in clauses] == sorted(items)
    for clause in clauses:
        assert clause.text == items[clause.number], clause.id
        assert clause.citation.document == "平纪发〔2022〕4号"
        assert clause.citation.item == str(clause.number)


def _joined_source() -> str:
    return SOURCE.read_text(encoding="utf-8").replace("\n\n", "").replace("\n", "")


def test_consequence_quotes_are_verbatim(rules: rongcuo.Ruleset) -> None:
    source = _joined_source()
    quotes = [q for qs in rules.consequences.values() for q in qs]
    assert {"eligible", "ineligible", "needs_determination", "insufficient_facts"} <= set(
        rules.consequences
    )
    for q in quotes:
        assert q.text in source, q.text
        assert q.citation.document in ("平纪发〔2022〕4号", "平纪发〔2022〕3号")


def test_vendored_source_matches_shared_copy() -> None:
    shared = ROOT.parent / "shared" / "sources" / SOURCE.name
    if not shared.exists():
        pytest.skip("no shared/ beside this checkout")
    assert shared.read_bytes() == SOURCE.read_bytes()


# Words of a clause that no element needs to quote: connectives and frame words that carry no
# condition of their own. Everything else in every clause's text must be quoted by some element.
CONNECTIVES = {
    "在",
    "中",
    "的",
    "，",
    "；",
    "。",
    "、",
    "对",
    "但",
    "或",
    "时",
    "和",
    "其他",
    "等",
    "或者",
}


@pytest.mark.parametrize(
    "clause_id", [f"P{i}" for i in range(1, 16)] + [f"N{i}" for i in range(1, 10)]
)
def test_every_word_of_the_clause_is_quoted_by_an_element(
    rules: rongcuo.Ruleset, clause_id: str
) -> None:
    clause = rules.clause(clause_id)
    covered = [False] * len(clause.text)
    for element in clause.elements:
        for phrase in element.phrases:
            start = clause.text.find(phrase)
            while start != -1:
                for i in range(start, start + len(phrase)):
                    covered[i] = True
                start = clause.text.find(phrase, start + 1)
    gaps = re.findall(
        r"[^\x00]+",
        "".join("\x00" if c else ch for ch, c in zip(clause.text, covered, strict=True)),
    )
    leftover = [g for g in gaps if g.strip("，；。、") and g.strip("，；。、") not in CONNECTIVES]
    assert not leftover, f"{clause_id}: words no element quotes: {leftover}"
