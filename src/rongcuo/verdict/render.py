"""Readable renderings of a verdict, in Chinese (``zh``) or English (``en``).

Pure functions from a :class:`~rongcuo.verdict.verdict.Verdict` to text. The JSON rendering is
:meth:`Verdict.to_json`.
"""

from __future__ import annotations

from typing import Any, Literal

from .._guard import expect_type
from ..errors import escape_terminal, show
from ..facts.declare import FactDecl, FactsDecl, FactType
from ..rules.ruleset import Ruleset
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
    "missing_z3": {
        "zh": "能改变结论的事实（经 z3 精确判定）",
        "en": "Facts whose answers can still change the status (exact, by z3)",
    },
    "first_set": {
        "zh": "回答以下各项即可确定结论",
        "en": "Answering these settles the status",
    },
    "provisional": {
        "zh": "暂定（并非结论）：若排除 {pending}，结论将为“{title}”（{value}），依据 {rests_on}。",
        "en": "Provisional, not the status: if {pending} {verb} ruled out, the status would be "
        "“{title}” ({value}), under {rests_on}.",
    },
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


_UNKNOWN: dict[Lang, str] = {"zh": "未知", "en": "unknown"}
_NA: dict[Lang, str] = {"zh": "不适用", "en": "not applicable"}
_SEP: dict[Lang, str] = {"zh": "、", "en": "; "}
_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def _declaration(verdict: Verdict, rules: Ruleset | None) -> FactsDecl | None:
    """The facts declaration a verdict's facts are read with: ``rules``', else the ruleset the
    verdict was made under when it was made in this process; ``None``: the v1 catalogue."""
    if rules is None:
        made = getattr(verdict._derive, "rules", None)
        rules = made if isinstance(made, Ruleset) else None
    return None if rules is None else rules.filing_model.decl


def _date_text(text: str, lang: Lang) -> str:
    """A partial date's canonical text (``2023-05-17``, ``2023-05``, ``2023``, ``a/b``) read
    out: ``2023年5月``, ``May 2023``; a range ``2012年至2013年``, ``2012 to 2013``."""
    if "/" in text:
        first, _, last = text.partition("/")
        joint = "至" if lang == "zh" else " to "
        return _date_text(first, lang) + joint + _date_text(last, lang)
    parts = [int(p) for p in text.split("-") if p.isdigit()]
    if not parts or len(parts) != len(text.split("-")):
        return text
    if lang == "zh":
        return "".join(f"{n}{unit}" for n, unit in zip(parts, "年月日", strict=False))
    if len(parts) == 1:
        return f"{parts[0]}"
    month = _MONTHS[parts[1] - 1] if 1 <= parts[1] <= 12 else str(parts[1])
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{parts[2]} {month} {parts[0]}"


def _value_title(value: object, decl: FactDecl, facts: FactsDecl, lang: Lang) -> str:
    family = facts.families.get(decl.family) if decl.family else None
    if family is not None and isinstance(value, str) and value in family.values:
        return family.values[value].title(lang)
    return str(value)


def _v2_text(value: Any, decl: FactDecl, facts: FactsDecl, lang: Lang) -> str:
    """A v2 fact's value, from its canonical document form, in words."""
    if value is None:
        return _UNKNOWN[lang]
    if value == "n/a":
        meaning = "" if decl.na is None else decl.na[0 if lang == "zh" else 1]
        return _NA[lang] + (f"（{meaning}）" if lang == "zh" else f" ({meaning})") * bool(meaning)
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if decl.type is FactType.SET:
        return _set_text(value, decl, facts, lang)
    if decl.type is FactType.DATE and isinstance(value, str):
        return _date_text(value, lang)
    if decl.type is FactType.RECORDS:
        return _records_text(value, decl, facts, lang)
    return _value_title(value, decl, facts, lang)


def _set_text(value: Any, decl: FactDecl, facts: FactsDecl, lang: Lang) -> str:
    def names(items: list[Any]) -> str:
        return _SEP[lang].join(_value_title(v, decl, facts, lang) for v in items)

    if isinstance(value, list):
        return f"[{names(value)}]" if value else ("[无]" if lang == "zh" else "[none]")
    if not isinstance(value, dict):
        return str(value)
    parts = []
    yes, no = value.get("yes", []), value.get("no", [])
    if lang == "zh":
        parts += [f"含 {names(yes)}"] * bool(yes) + [f"不含 {names(no)}"] * bool(no)
        parts.append("已列全" if value.get("complete") else "未列全")
        return "[" + "；".join(parts) + "]"
    parts += [f"includes {names(yes)}"] * bool(yes) + [f"excludes {names(no)}"] * bool(no)
    parts.append("complete" if value.get("complete") else "not complete")
    return "[" + ", ".join(parts) + "]"


def _records_text(value: Any, decl: FactDecl, facts: FactsDecl, lang: Lang) -> str:
    complete = not isinstance(value, dict)
    items = value if complete else value.get("items", [])
    fields = {f.name: f for f in decl.fields}
    shown = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            shown.append(str(item))
            continue
        said = [
            f"{fields[k].title(lang) if k in fields else k}: "
            + (_v2_text(v, fields[k], facts, lang) if k in fields else str(v))
            for k, v in item.items()
        ]
        joint = "；" if lang == "zh" else "; "
        shown.append(f"({i + 1}) " + joint.join(said))
    text = "[" + " ".join(shown) + "]" if shown else ("[无]" if lang == "zh" else "[none]")
    if not complete:
        text += "（未列全）" if lang == "zh" else " (not complete)"
    return text


def _fact(read: FactRead, lang: Lang, facts: FactsDecl | None = None) -> str:
    if facts is not None:
        decl = facts.facts.get(read.path)
        if decl is not None:
            said = _v2_text(read.value if read.known else None, decl, facts, lang)
            return f"{decl.title(lang)} [{read.path}] = {said}"
    from ..facts.model import FACTS  # v1: the first model's facts, imported only here

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


def _element(e: ElementTrace, lang: Lang, indent: str, facts: FactsDecl | None = None) -> list[str]:
    lines = [f"{indent}{_MARK[e.value]} “{e.phrase}” — {_TRUTH[lang][e.value]}"]
    for read in e.facts:
        lines.append(f"{indent}    · {_fact(read, lang, facts)}")
    for cref in e.clauses:
        word = "条款" if lang == "zh" else "clause"
        lines.append(f"{indent}    · {word} {cref.clause} = {_TRUTH[lang][cref.value]}")
    return lines


def _clause_block(
    c: CitedClause, trace: ClauseTrace | None, lang: Lang, facts: FactsDecl | None = None
) -> list[str]:
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
            lines.extend(_element(e, lang, "        ", facts))
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


def render_text(
    verdict: Verdict,
    *,
    lang: Lang = "zh",
    full_trace: bool = False,
    rules: Ruleset | None = None,
) -> str:
    """The verdict as readable text, with citations, quotations and element-level reasons.

    Facts and their values are titled from the facts declaration of ``rules`` (the ruleset the
    verdict was made under; by default the one :func:`rongcuo.evaluate` used, for a verdict made
    in this process): family value titles, 未知/unknown, 不适用/not applicable, partial sets and
    dates in words. A verdict read back from JSON without ``rules`` is titled from the v1
    catalogue where its paths are v1 facts, else shown by path and value.

    Control and escape characters from the filing or the rules (an id holding ``\x1b[31m``)
    come out escaped, so the text is safe to print on a terminal."""
    if lang not in ("zh", "en"):
        expect_type(lang, str, func="render_text", name="lang", give='"zh" or "en"')
        raise ValueError(f'render_text(lang=...): pass "zh" or "en", not {show(lang)}')
    expect_type(verdict, Verdict, func="render_text", name="verdict", give="a Verdict")
    if rules is not None:
        expect_type(rules, Ruleset, func="render_text", name="rules", give="a Ruleset or None")
    facts = _declaration(verdict, rules)
    return escape_terminal(_render_text(verdict, lang=lang, full_trace=full_trace, facts=facts))


def _render_text(
    verdict: Verdict, *, lang: Lang, full_trace: bool, facts: FactsDecl | None = None
) -> str:
    traces = {t.id: t for t in verdict.trace}
    status = verdict.status
    lines = [f"{_w('status', lang)}: {status.title(lang)} ({status.value})"]
    if verdict.filing_id:
        lines.append(f"{_w('filing', lang)}: {verdict.filing_id}")
    lines.append(
        f"{_w('ruleset', lang)}: {verdict.ruleset.label} · sha256:{verdict.ruleset.digest[:16]}"
    )
    if verdict.provisional is not None:
        p = verdict.provisional
        joint = _SEP[lang] if lang == "zh" else ", "
        text = _w("provisional", lang).format(
            pending=joint.join(p.pending),
            verb="is" if len(p.pending) == 1 else "are",
            title=p.outcome.title(lang),
            value=p.outcome.value,
            rests_on=joint.join(p.rests_on),
        )
        lines += ["", text]
    if status is Status.NEEDS_DETERMINATION:
        lines += ["", _w("none_needed", lang)]
    if status is Status.INELIGIBLE and verdict.decisive and verdict.decisive[0].list == "positive":
        lines += ["", _w("p15_refused", lang)]
    if verdict.decisive:
        lines += ["", f"{_w('decisive', lang)}:"]
        for c in verdict.decisive:
            lines += _clause_block(c, traces.get(c.id), lang, facts)
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
            lines += _clause_block(c, traces.get(c.id), lang, facts)
    if verdict.companions:
        lines += ["", f"{_w('companions', lang)}:"]
        for c in verdict.companions:
            lines += _companion(c, lang)
    if verdict.missing_facts:
        head = "missing_z3" if verdict.missing_method == "z3" else "missing"
        lines += ["", f"{_w(head, lang)}:"]
        for m in verdict.missing_facts:
            title = m.title_zh if lang == "zh" else m.title_en
            lines.append(f"  - {title} [{m.path}] — {_w('waiting', lang)}: {', '.join(m.clauses)}")
            question = m.question_zh if lang == "zh" else m.question_en
            if question:
                lines.append(f"    {question}")
        if verdict.question_sets:
            first = (_SEP[lang] if lang == "zh" else ", ").join(verdict.question_sets[0])
            lines.append(f"  {_w('first_set', lang)}: {first}")
    if verdict.consequences:
        lines += ["", f"{_w('consequence', lang)}:"]
        for q in verdict.consequences:
            lines.append(f"  “{q.text}” — {render_citation(q.citation, lang)}")
    if full_trace and verdict.trace:
        lines += ["", f"{_w('trace', lang)}:"]
        for t in verdict.trace:
            lines.append(f"  {_MARK[t.value]} {t.id} — {_TRUTH[lang][t.value]}")
            for e in t.elements:
                lines.extend(_element(e, lang, "      ", facts))
    lines.append(f"\nreceipt: {verdict.receipt}")
    return "\n".join(lines) + "\n"
