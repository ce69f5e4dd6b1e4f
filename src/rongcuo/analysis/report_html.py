"""The version diff as one self-contained HTML file an auditor can open offline and archive.

No scripts, no external stylesheets, fonts or images: the CSS is inline, every witness filing is
embedded whole (in a Chinese report as every stated fact by its title and value, so that no field
or value code appears; in English as JSON), and both versions are identified by label, effective
date and SHA-256 digest. The old and new columns are neutral: colour follows meaning (a row that
loses eligibility is red, one that gains it green). Written with f-strings and ``html.escape`` on
every interpolated value, not a template engine: the report is one page of fixed shape, and a
Jinja2 dependency (autoescape) would add an install and a second language for no gain in safety
here, where every value passes through :func:`_e`.
"""

from __future__ import annotations

import json
from html import escape

from ..verdict.verdict import Status
from .diff import (
    OLD,
    RulesetDiff,
    Witness,
    fact_change_words,
    meaning_line,
    metadata_field,
    say,
    say_move,
    status_mark,
    text_changes,
    undeclared_words,
    witness_facts,
    witness_name,
    words,
)

__all__ = ["render_html"]

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
sans-serif;margin:2em auto;max-width:68em;color:#1a1a1a;line-height:1.5;padding:0 1em}
h1{font-size:1.5em;border-bottom:2px solid #333}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}
td,th{border:1px solid #bbb;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f0f0f0}.old{background:#f7f7f7}.new{background:#fff}
.tag{display:inline-block;padding:0 .4em;border-radius:3px;font-size:.85em;background:#eee}
.broader,.incomparable{background:#ffe9c7}.narrower{background:#dbe9ff}
.equal{background:#e3f5e1}.bug{background:#ff4d4d;color:#fff}
details{margin:.3em 0}pre{background:#f7f7f7;padding:.5em;overflow:auto;font-size:.85em}
code{font-size:.9em}.muted{color:#666}
del{background:#ffc9c9;text-decoration:line-through}ins{background:#c9f2c9;text-decoration:none}
tr.loss td{background:#ffe0e0}tr.gain td{background:#e3f5e1}
@media print{body{max-width:none;margin:0;font-size:10.5pt}details{display:block}
details>summary{list-style:none}h2{break-after:avoid}table,tr,pre{break-inside:avoid}
.tag{border:1px solid #999}del,ins{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _witness(w: Witness, label: str, lang: str) -> str:
    t = words(lang)
    ok = (
        f'<span class="tag equal">{_e(t["verified"])}</span>'
        if w.verified
        else f'<span class="tag bug">{_e(t["NOT_VERIFIED"])}</span>'
    )
    rows = "".join(f"<tr><td>{_e(p)}</td><td>{_e(v)}</td></tr>" for p, v in witness_facts(w, lang))
    for side, outside in ((OLD, w.outside_old), ("new", w.outside_new)):
        if outside:
            rows += (
                f"<tr><td>{_e(t[side])} {_e(t['undeclared'])}</td>"
                f"<td>{_e('、'.join(undeclared_words(w, outside, lang)))}</td></tr>"
            )
    decisive = ""
    if w.status_old or w.status_new:
        decisive += (
            f"<p>{_e(t['status'])}: {_e(t['old'])} {_e(say(w.status_old, lang))} → "
            f"{_e(t['new'])} {_e(say(w.status_new, lang))}</p>"
        )
    if w.unrelated:
        decisive += f"<p>{_e(t['unrelated'])}: {_e(' '.join(w.unrelated))}</p>"
    if w.decisive_old or w.decisive_new:
        decisive += (
            f"<p>{_e(t['decisive'])}: {_e(' '.join(w.decisive_old) or '-')} → "
            f"{_e(' '.join(w.decisive_new) or '-')}</p>"
        )
    if lang == "zh":  # the whole filing in words: no field or value code in a zh report
        stated = "".join(
            f"<tr><td>{_e(p)}</td><td>{_e(v)}</td></tr>"
            for p, v in witness_facts(w, lang, every=True)
        )
        whole = f"<details><summary>{_e(t['whole_filing'])}</summary><table>{stated}</table>"
    else:
        filing = json.dumps(w.to_data()["filing"], ensure_ascii=False, indent=2)
        whole = f"<details><summary>JSON</summary><pre>{_e(filing)}</pre>"
    return (
        f"<details open><summary>{_e(t['witness'])} {_name(w, lang)}"
        f"{': ' + _e(label) if label else ''} — {_e(t['old'])} {_e(say(w.engine_old, lang))}, "
        f"{_e(t['new'])} {_e(say(w.engine_new, lang))} {ok}</summary>{decisive}"
        f"<table><tr><th>{_e(t['facts'])}</th><th></th></tr>{rows}</table>"
        f"{whole}</details></details>"
    )


def _name(w: Witness, lang: str) -> str:
    name = witness_name(w, lang)
    return f"<code>{_e(name)}</code>" if lang != "zh" else _e(name)


def _marked(runs: list[tuple[str, str, str]], side: str) -> str:
    """One side of a wording with its changed characters marked (``<del>`` old, ``<ins>`` new)."""
    out = []
    for op, a, b in runs:
        if op == "equal":
            out.append(_e(a))
        elif side == "old" and a:
            out.append(f"<del>{_e(a)}</del>")
        elif side == "new" and b:
            out.append(f"<ins>{_e(b)}</ins>")
    return "".join(out)


def _direction(old: Status, new: Status) -> str:
    """A status row's colour by meaning: losing eligibility is a loss (red), gaining it a gain."""
    if old is Status.ELIGIBLE:
        return "loss"
    if new is Status.ELIGIBLE:
        return "gain"
    return ""


def render_html(d: RulesetDiff, *, lang: str = "zh", timing: bool = False) -> str:
    """The whole diff as an HTML document (a string). Deterministic: the same two versions give
    the same bytes; ``timing`` adds the run time to the footer."""
    t = words(lang)
    parts: list[str] = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="generator" content="rongcuo diff">'
        f"<title>{_e(t['title'])}: {_e(d.old.label)} → {_e(d.new.label)}</title>"
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(t['title'])}</h1>",
        f"<table><tr><th></th><th>{_e(t['label'])}</th><th>{_e(t['effective'])}</th>"
        f"<th>sha256</th><th>{_e(t['origin'])}</th></tr>",
    ]
    for side, r in ((OLD, d.old), ("new", d.new)):
        parts.append(
            f'<tr class="{side}"><td>{_e(t[side])}</td><td>{_e(r.label)}</td>'
            f"<td>{_e(r.meta.effective)}</td><td><code>{_e(r.digest)}</code></td>"
            f"<td>{_e(r.origin)}</td></tr>"
        )
    parts.append("</table>")
    domain = t["domain_" + d.domain.value]
    if d.records is not None:
        domain += ("，" if lang == "zh" else ", ") + t["bound"].format(n=d.records)
    parts.append(f'<p class="muted">{_e(domain)}</p>')
    if d.bugs:
        parts.append(f'<h2 class="bug">{_e(t["bugs"])}</h2><ul>')
        parts.extend(f"<li>{_e(b)}</li>" for b in d.bugs)
        parts.append("</ul>")
    if d.metadata:
        parts.append(f"<h2>{_e(t['metadata'])}</h2><table>")
        for field, was, now in d.metadata:
            a, b = was, now
            if field == "consequences":  # the statuses whose cited text changed
                a = b = "、".join(say(x, lang) for x in was.split(", "))
            parts.append(
                f'<tr><th>{_e(metadata_field(field, lang))}</th><td class="old">{_e(a)}</td>'
                f'<td class="new">{_e(b)}</td></tr>'
            )
        parts.append("</table>")
    if d.facts:
        parts.append(f"<h2>{_e(t['facts_changed'])}</h2><table>")
        for f in d.facts:
            mark = f' <span class="tag bug">{_e(t["conflict"])}</span>' if f.conflict else ""
            subject, was, now = fact_change_words(d, f, lang)
            parts.append(
                f"<tr><td>{_e(subject)}</td><td>{_e(f.meaning(lang))}{mark}</td>"
                f'<td class="old">{_e(was or "—")}</td><td class="new">{_e(now or "—")}</td>'
                "</tr>"
            )
        parts.append("</table>")
        if not d.proved:
            parts.append(f'<p class="bug">{_e(t["not_proved"])}</p>')
    for c in d.changed:
        verdict = meaning_line(d, c, lang)
        rel = c.meaning.relation.value if c.meaning is not None else "equal"
        css = {"equivalent": "equal", "same_holding": "equal"}.get(rel, rel)
        aspects = ", ".join(
            t["metadata_aspect" if a.value == "metadata" else a.value] for a in c.aspects
        )
        parts.append(
            f'<h2 id="{_e(c.id)}">{_e(c.id)} <span class="tag">{_e(t[c.change])}'
            f"{': ' + _e(aspects) if aspects else ''}</span> "
            f'<span class="tag {css}">{_e(verdict)}</span></h2>'
        )
        if c.meaning is not None and c.meaning.via:
            parts.append(f"<p>{_e(t['via'])}: {_e(', '.join(c.meaning.via))}</p>")
        parts.append(f"<table><tr><th>{_e(t['old'])}</th><th>{_e(t['new'])}</th></tr><tr>")
        runs = text_changes(c.old.text, c.new.text) if c.old and c.new else []
        for cl, side in ((c.old, "old"), (c.new, "new")):
            if cl is None:
                parts.append(f'<td class="{side}">—</td>')
            else:
                text = _marked(runs, side) if runs else _e(cl.text)
                parts.append(
                    f'<td class="{side}">{text}<br><span class="muted">'
                    f"{_e(cl.citation.render(lang))}</span></td>"
                )
        parts.append("</tr></table>")
        if c.meaning is not None:
            for label, wit in c.meaning.witnesses():
                parts.append(_witness(wit, t[label], lang))
    unchanged = [c.id for c in d.clauses if c.change == "unchanged"]
    parts.append(f"<p>{_e(t['unchanged'])}: {_e(', '.join(unchanged) or t['none'])}</p>")
    if d.statuses:
        parts.append(f"<h2>{_e(t['statuses'])}</h2><table>")
        for s in d.statuses:
            mark = status_mark(d, s, lang)
            parts.append(
                f'<tr class="{_direction(s.old, s.new) if s.witness else ""}">'
                f"<td>{_e(say_move(s.old.value, s.new.value, lang))}</td>"
                f"<td>{_e(mark)}</td></tr>"
            )
        parts.append("</table>")
        for s in d.statuses:
            if s.witness is not None:
                parts.append(_witness(s.witness, say_move(s.old.value, s.new.value, lang), lang))
    if d.replay is not None:
        rp = d.replay
        parts.append(
            f"<h2>{_e(t['replay'])}</h2><p><code>{_e(rp.source)}</code>: {rp.total} "
            f"{_e(t['filings'])}, {len(rp.changes)} {_e(t['changed_filings'])}</p>"
        )
        if rp.by_clause:
            parts.append(f"<table><tr><th>{_e(t['by_clause'])}</th><th></th></tr>")
            for cid, counts in rp.by_clause.items():
                shown = ", ".join(f"{say(k, lang)} {v}" for k, v in sorted(counts.items()))
                parts.append(f"<tr><td>{_e(cid)}</td><td>{_e(shown)}</td></tr>")
            parts.append("</table>")
        if rp.changes:
            parts.append(
                f"<table><tr><th>{_e(t['line'])}</th><th>{_e(t['case'])}</th>"
                f"<th>{_e(t['old'])}</th><th>{_e(t['new'])}</th></tr>"
            )
            for ch in rp.changes:
                was = f"{say(ch.old_status.value, lang)} {' '.join(ch.old_decisive)}"
                now = f"{say(ch.new_status.value, lang)} {' '.join(ch.new_decisive)}"
                parts.append(
                    f'<tr class="{_direction(ch.old_status, ch.new_status)}">'
                    f"<td>{ch.line}</td><td>{_e(ch.filing_id or '')}</td>"
                    f'<td class="old">{_e(was)}</td><td class="new">{_e(now)}</td></tr>'
                )
            parts.append("</table>")
    footer = f"rongcuo diff · {d.seconds:.2f} s" if timing else "rongcuo diff"
    parts.append(f'<p class="muted">{footer}</p></body></html>\n')
    return "".join(parts)
