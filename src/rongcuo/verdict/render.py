"""Readable renderings of a verdict, in Chinese (``zh``) or English (``en``).

Pure functions from a :class:`~rongcuo.verdict.verdict.Verdict` to text. The JSON rendering is
:meth:`Verdict.to_json`.
"""

from __future__ import annotations

from typing import Literal

from .._guard import expect_type
from ..errors import escape_terminal, show
from ..facts.model import FACTS
from ..rules.syntax import citation_text
from .verdict import CitationOut, CitedClause, ClauseTrace, ElementTrace, FactRead, Status, Verdict

__all__ = ["Lang", "render_citation", "render_text"]

Lang = Literal["zh", "en"]

_WORDS: dict[str, dict[Lang, str]] = {
    "status": {"zh": "结论", "en": "Status"},
    "ruleset": {"zh": "规则版本", "en": "Ruleset"},
    "filing": {"zh": "案件", "en": "Filing"},
    "decisive": {"zh": "决定性条款", "en": "Deciding clauses"},
    "overridden": {
        "zh": "成立但被负面清单排除的正面条款",
        "en": "Positives that hold but are overridden",
    },
    "barred": {
        "zh": "成立但被排除的正面条款",
        "en": "Positives that hold but are barred",
    },
    "barred_by": {"zh": "排除依据", "en": "barred by"},
    "bars": {"zh": "排除事由", "en": "Bars that hold"},
    "companions": {
        "zh": "另据配套规定（不改变上述结论）",
        "en": "Companion rules (they do not change the status)",
    },
    "also": {"zh": "另据", "en": "Also, under"},
    "missing": {"zh": "尚缺的事实（按影响程度排列）", "en": "Missing facts (most decisive first)"},
    "consequence": {"zh": "依据", "en": "What this status entails"},
    "reasoning": {"zh": "要件分析", "en": "Element by element"},
    "trace": {"zh": "全部条款", "en": "All clauses"},
    "determination": {"zh": "认定", "en": "Determination"},
    "waiting": {"zh": "待定条款", "en": "waiting clauses"},
    "none_needed": {
        "zh": "兜底条款 P15、N9 须由有权机关认定；在 determinations 中记录认定后重新筛查。",
        "en": "Only the catch-alls P15 and N9 remain: record a determination under "
        "`determinations` and screen again.",
    },
    "p15_refused": {
        "zh": "P15 经认定不适用，且无其他正面条款成立：不属于可以容错免责备案的情形。",
        "en": "P15 was determined not to hold and no other positive clause holds: the matter is "
        "not within the positive list.",
    },
}

_TRUTH: dict[Lang, dict[str, str]] = {
    "zh": {"true": "成立", "false": "不成立", "unknown": "未知"},
    "en": {"true": "met", "false": "not met", "unknown": "unknown"},
}
_MARK = {"true": "✓", "false": "✗", "unknown": "?"}


def _w(key: str, lang: Lang) -> str:
    return _WORDS[key][lang]


def render_citation(c: CitationOut, lang: Lang = "zh") -> str:
    return citation_text(c.document, c.issuer, c.date, c.title, c.section, c.item, lang)


def _fact(read: FactRead, lang: Lang) -> str:
    spec = FACTS.get(read.path)
    title = spec.title(lang) if spec else read.path
    if not read.known:
        return f"{title} [{read.path}] = " + ("未知" if lang == "zh" else "unknown")
    value = read.value
    if spec is not None and spec.enum is not None:
        values = value if isinstance(value, list) else [value]
        shown = [
            spec.enum(v).title(lang) if v in spec.enum._value2member_map_ else str(v)
            for v in values
        ]
        text = "、".join(shown) if lang == "zh" else "; ".join(shown)
        if isinstance(value, list):
            text = f"[{text}]" if shown else ("[无]" if lang == "zh" else "[none]")
    elif isinstance(value, bool):
        text = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    else:
        text = str(value)
    return f"{title} [{read.path}] = {text}"


def _element(e: ElementTrace, lang: Lang, indent: str) -> list[str]:
    lines = [f"{indent}{_MARK[e.value]} “{e.phrase}” — {_TRUTH[lang][e.value]}"]
    for read in e.facts:
        lines.append(f"{indent}    · {_fact(read, lang)}")
    for cref in e.clauses:
        word = "条款" if lang == "zh" else "clause"
        lines.append(f"{indent}    · {word} {cref.clause} = {_TRUTH[lang][cref.value]}")
    return lines


def _clause_block(c: CitedClause, trace: ClauseTrace | None, lang: Lang) -> list[str]:
    lines = [f"  {c.id}  {render_citation(c.citation, lang)}", f"      “{c.text}”"]
    if lang == "en":
        lines.append(f"      ({c.summary})")
    if c.determination is not None:
        d = c.determination
        held = (
            ("认定适用" if d.holds else "认定不适用")
            if lang == "zh"
            else ("holds" if d.holds else "does not hold")
        )
        by = f"{d.decided_by}, {d.decided_on.isoformat()}"
        lines.append(f"      {_w('determination', lang)}: {held} — {by}: {d.reason}")
    if trace is not None and not c.determination:
        lines.append(f"      {_w('reasoning', lang)}:")
        for e in trace.elements:
            lines.extend(_element(e, lang, "        "))
    return lines


def _companion(c: CitedClause, lang: Lang) -> list[str]:
    """A companion with its truth: “另据平纪发〔2022〕3号（七）：……” in Chinese, and
    "Also, under 平纪发〔2022〕3号 (七): …" in English."""
    item = c.citation.item
    if lang == "zh":
        where = c.citation.document + (f"第{item}项" if item.isdigit() else item)
        head = f"  {c.id}  {_w('also', lang)}{where}：“{c.text}”"
    else:
        bare = item.strip("（）()")
        where = c.citation.document + (f" ({bare})" if bare else "")
        head = f"  {c.id}  {_w('also', lang)} {where}: “{c.text}”"
    lines = [f"{head} — {_TRUTH[lang][c.value]}", f"      {render_citation(c.citation, lang)}"]
    if lang == "en":
        lines.append(f"      ({c.summary})")
    return lines


def render_text(verdict: Verdict, *, lang: Lang = "zh", full_trace: bool = False) -> str:
    """The verdict as readable text, with citations, quotations and element-level reasons.

    Control and escape characters from the filing or the rules (an id holding ``\x1b[31m``)
    come out escaped, so the text is safe to print on a terminal."""
    if lang not in ("zh", "en"):
        expect_type(lang, str, func="render_text", name="lang", give='"zh" or "en"')
        raise ValueError(f'render_text(lang=...): pass "zh" or "en", not {show(lang)}')
    expect_type(verdict, Verdict, func="render_text", name="verdict", give="a Verdict")
    return escape_terminal(_render_text(verdict, lang=lang, full_trace=full_trace))


def _render_text(verdict: Verdict, *, lang: Lang, full_trace: bool) -> str:
    traces = {t.id: t for t in verdict.trace}
    status = verdict.status
    lines = [f"{_w('status', lang)}: {status.title(lang)} ({status.value})"]
    if verdict.filing_id:
        lines.append(f"{_w('filing', lang)}: {verdict.filing_id}")
    lines.append(
        f"{_w('ruleset', lang)}: {verdict.ruleset.label} · sha256:{verdict.ruleset.digest[:16]}"
    )
    if status is Status.NEEDS_DETERMINATION:
        lines += ["", _w("none_needed", lang)]
    if status is Status.INELIGIBLE and verdict.decisive and verdict.decisive[0].list == "positive":
        lines += ["", _w("p15_refused", lang)]
    if verdict.decisive:
        lines += ["", f"{_w('decisive', lang)}:"]
        for c in verdict.decisive:
            lines += _clause_block(c, traces.get(c.id), lang)
    if verdict.overridden:
        lines += ["", f"{_w('overridden', lang)}: " + ", ".join(c.id for c in verdict.overridden)]
    if verdict.barred:
        lines += ["", f"{_w('barred', lang)}:"]
        for c in verdict.barred:
            lines.append(
                f"  {c.id}  “{c.text}” — {_w('barred_by', lang)}: {', '.join(c.barred_by)}"
            )
    if verdict.bars:
        lines += ["", f"{_w('bars', lang)}:"]
        for c in verdict.bars:
            lines += _clause_block(c, traces.get(c.id), lang)
    if verdict.companions:
        lines += ["", f"{_w('companions', lang)}:"]
        for c in verdict.companions:
            lines += _companion(c, lang)
    if verdict.missing_facts:
        lines += ["", f"{_w('missing', lang)}:"]
        for m in verdict.missing_facts:
            title = m.title_zh if lang == "zh" else m.title_en
            lines.append(f"  - {title} [{m.path}] — {_w('waiting', lang)}: {', '.join(m.clauses)}")
    if verdict.consequences:
        lines += ["", f"{_w('consequence', lang)}:"]
        for q in verdict.consequences:
            lines.append(f"  “{q.text}” — {render_citation(q.citation, lang)}")
    if full_trace and verdict.trace:
        lines += ["", f"{_w('trace', lang)}:"]
        for t in verdict.trace:
            lines.append(f"  {_MARK[t.value]} {t.id} — {_TRUTH[lang][t.value]}")
            for e in t.elements:
                lines.extend(_element(e, lang, "      "))
    lines.append(f"\nreceipt: {verdict.receipt}")
    return "\n".join(lines) + "\n"
