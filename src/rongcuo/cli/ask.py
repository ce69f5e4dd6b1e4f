"""``rongcuo ask FILE``: an interview in the terminal (issue 12, item 3; docs/interview.md).

It asks, one at a time, only the questions whose answers can still change the status
(:func:`rongcuo.analysis.questions.next_questions`, exact by z3 on a ruleset of filing model v2),
the cheapest deciding set first; every question takes 未知 (unknown) as an answer. After each
answer it writes the filing back and shows the running verdict with its clause citations. It ends
as soon as the status is settled, or when every question left has been answered 未知.

The filing is written back as YAML with the filer's comments and layout kept (ruamel.yaml, the
extra ``rongcuo[ask]``); a ``.json`` file is written back as JSON. A file that does not exist yet
is an empty filing. The recorded determinations of the catch-all clauses (P15, N9) are never
asked: a person decides them (docs/interpretation-v2.md).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from ..errors import Problem, RongcuoError, escape_terminal, require
from ..facts.declare import FactDecl, FactsDecl, FactType, Family
from ._common import Format, Lang, LangOpt, RulesOpt, _fail, _rules

if TYPE_CHECKING:
    from rich.console import Console

    from ..analysis.questions import Question
    from ..rules.ruleset import Ruleset
    from ..verdict.verdict import Verdict

UNKNOWN_WORDS: Final = frozenset({"?", "？", "未知", "unknown", "u"})
"""What counts as 未知 at any prompt."""
MAX_STEPS: Final = 500
"""A bound on the questions of one interview (each answer narrows a fact, so it is never met)."""

_WORDS: Final[dict[str, dict[str, str]]] = {
    "start": {
        "zh": "容错免责备案问询：{file}（规则 {rules}）。每题均可答“未知”（输入 ?）。",
        "en": "Interview for {file} (rules {rules}). Any question may be answered unknown "
        "(type ?).",
    },
    "status": {"zh": "当前结论", "en": "Status now"},
    "provisional": {
        "zh": "暂定（并非结论）：若排除 {pending}，结论将为“{title}”，依据 {rests_on}",
        "en": "Provisional, not the status: once {pending} {verb} ruled out, “{title}”, "
        "under {rests_on}",
    },
    "left": {
        "zh": "还需回答 {n} 个问题即可确定结论（共有 {m} 项事实可能改变结论）",
        "en": "{n} more answer(s) settle the status ({m} facts can still change it)",
    },
    "question": {"zh": "问题 {k}", "en": "Question {k}"},
    "reads": {"zh": "涉及条款", "en": "clauses"},
    "answer": {"zh": "请回答", "en": "Answer"},
    "choose": {"zh": "请输入编号", "en": "Enter a number"},
    "choose_many": {
        "zh": "请输入所有适用项的编号（以逗号或空格分隔；都不适用输入 0）",
        "en": "Enter the numbers of all that apply (commas or spaces; 0 if none)",
    },
    "text": {"zh": "请输入（未知输入 ?）", "en": "Type the answer (? if unknown)"},
    "date": {
        "zh": "请输入日期：2023、2023-05、2023-05-17 或区间 2012/2013（未知输入 ?）",
        "en": "A date: 2023, 2023-05, 2023-05-17 or a range 2012/2013 (? if unknown)",
    },
    "bad": {"zh": "无法识别：{given}，请重新输入", "en": "Not understood: {given}; try again"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "unknown": {"zh": "未知", "en": "unknown"},
    "none": {"zh": "都不适用（无）", "en": "none of them"},
    "list_done": {
        "zh": "没有（更多）了：已全部列出",
        "en": "no (more): the list is complete",
    },
    "list_add": {"zh": "有，现在添加一项", "en": "yes: add one now"},
    "record": {"zh": "第 {i} 项", "en": "entry {i}"},
    "saved": {"zh": "已写回 {file}", "en": "written back to {file}"},
    "settled": {"zh": "结论已确定：{title}（{value}）", "en": "Settled: {title} ({value})"},
    "stuck": {
        "zh": "其余可能改变结论的问题均答“未知”：结论仍为“{title}”。",
        "en": "Every question left was answered unknown: the status stays “{title}”.",
    },
    "determination": {
        "zh": "只剩兜底条款 P15、N9：须由有权机关认定，并在 determinations 中记录后重新筛查。",
        "en": "Only the catch-alls P15 and N9 remain: a person decides them; record the "
        "determination under `determinations` and screen again.",
    },
    "stopped": {
        "zh": "问询中止；已回答的内容均已写回文件。",
        "en": "Interview stopped; every answer given so far is in the file.",
    },
    "stopped_new": {
        "zh": "问询中止；尚无回答，未创建文件。",
        "en": "Interview stopped before any answer; no file was written.",
    },
}


def _w(key: str, lang: str, **fmt: object) -> str:
    text = _WORDS[key]["en" if lang == "en" else "zh"]
    return text.format(**fmt) if fmt else text


def register(app: typer.Typer) -> None:
    """Add ``rongcuo ask`` to ``app``."""

    @app.command("ask")
    def ask_cmd(
        file: Annotated[
            Path,
            typer.Argument(help="The filing (YAML or JSON) to complete; created if missing."),
        ],
        rules: RulesOpt = None,
        lang: LangOpt = Lang.zh,
    ) -> None:
        """Interview: ask only the questions that can change the status, one at a time."""
        from rich.console import Console

        try:
            ruleset = _rules(rules)
            console = Console(highlight=False, soft_wrap=True)
            Interview(file, ruleset, lang=lang.value, console=console).run()
        except RongcuoError as exc:
            _fail(exc, Format.text, lang)


# --------------------------------------------------------------------------- the document


class Document:
    """The filing document being completed: read, changed one answer at a time, written back.

    YAML keeps its comments and layout (ruamel.yaml's round trip); JSON is read and written as
    JSON. ``text()`` is what the filing parser reads, exactly what is on disk after ``save()``.
    """

    def __init__(self, path: Path) -> None:
        from .. import reader
        from ..errors import FilingError
        from ..facts.filings import MAX_FILING_BYTES

        self.path = path
        self.json = path.suffix.lower() == ".json"
        raw = b""
        if path.exists():
            raw = reader.read_file(path, limit=MAX_FILING_BYTES, error=FilingError, what="a filing")
        text = raw.decode("utf-8", errors="replace")
        if self.json:
            # rongcuo's one JSON reader: a duplicate key, NaN or deep nesting is a coded error
            self.data: Any = (
                reader.parse_json(raw, filename=str(path), error=FilingError)
                if text.strip()
                else {}
            )
            return
        yaml_mod = require(
            "ruamel.yaml",
            package="ruamel.yaml",
            feature="rongcuo ask",
            feature_zh="问询（rongcuo ask）",
            extra="ask",
        )
        self.yaml = yaml_mod.YAML()  # round trip: comments, order and quoting are kept
        self.yaml.preserve_quotes = True
        self.yaml.width = 100
        self.yaml.allow_unicode = True
        self._map = yaml_mod.CommentedMap
        self._seq = yaml_mod.CommentedSeq
        loaded = self.yaml.load(text) if text.strip() else None
        self.data = loaded if loaded is not None else yaml_mod.CommentedMap()

    def text(self) -> str:
        if self.json:
            return json.dumps(self.data, ensure_ascii=False, indent=2) + "\n"
        buf = io.StringIO()
        self.yaml.dump(self.data, buf)
        return buf.getvalue()

    def save(self) -> None:
        """Write the document, whole or not at all (a temporary file renamed over it)."""
        text = self.text()
        folder = self.path.parent
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            with contextlib.suppress(OSError):
                Path(tmp).chmod(self.path.stat().st_mode if self.path.exists() else 0o644)
            Path(tmp).replace(self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise

    # -- building values

    def mapping(self) -> Any:
        return {} if self.json else self._map()

    def flow(self, items: Sequence[Any]) -> Any:
        """A short list, written on one line (``[a, b]``)."""
        if self.json:
            return list(items)
        seq = self._seq(items)
        seq.fa.set_flow_style()
        return seq

    def block(self, items: Sequence[Any]) -> Any:
        return list(items) if self.json else self._seq(items)

    # -- where a fact lives

    def holder(self, parts: Sequence[str]) -> Any:
        """The mapping at ``parts`` (made where missing)."""
        node = self.data
        for part in parts:
            got = node.get(part)
            if not isinstance(got, Mapping):
                got = self.mapping()
                node[part] = got
            node = got
        return node

    def records(self, base: str) -> tuple[Any, list[Any]]:
        """The list of records at ``base`` (``acts``, ``history.exemptions``): where it is held
        and its items; a list not given yet is made an empty incomplete one."""
        parts = base.split(".")
        parent = self.holder(parts[:-1])
        value = parent.get(parts[-1])
        if isinstance(value, list):
            return parent, value
        if isinstance(value, Mapping) and isinstance(value.get("items"), list):
            return value, value["items"]
        made = self.mapping()
        made["items"] = self.block([])
        made["complete"] = False
        parent[parts[-1]] = made
        return made, made["items"]

    def set(self, path: str, value: Any) -> None:
        """Put ``value`` at the document path ``path`` (``remedy.measures``, ``acts[0].kind``)."""
        if "[" in path:
            base, rest = path.split("[", 1)
            index_text, field = rest.split("].", 1)
            _, items = self.records(base)
            items[int(index_text)][field] = value
            return
        parts = path.split(".")
        self.holder(parts[:-1])[parts[-1]] = value

    def get(self, path: str) -> Any:
        """The value at ``path`` (``None`` where it is not given); nothing is made."""
        node: Any = self.data
        if "[" in path:
            base, rest = path.split("[", 1)
            index_text, field = rest.split("].", 1)
            held = self.get(base)
            items = held.get("items") if isinstance(held, Mapping) else held
            if not isinstance(items, list) or int(index_text) >= len(items):
                return None
            item = items[int(index_text)]
            return item.get(field) if isinstance(item, Mapping) else None
        for part in path.split("."):
            if not isinstance(node, Mapping):
                return None
            node = node.get(part)
        return node

    def close_list(self, base: str) -> None:
        """The list at ``base`` is complete: a plain list of its records."""
        parts = base.split(".")
        parent = self.holder(parts[:-1])
        value = parent.get(parts[-1])
        if isinstance(value, list):
            return
        items = value.get("items", []) if isinstance(value, Mapping) else []
        parent[parts[-1]] = self.block(list(items))


# --------------------------------------------------------------------------- the interview


class Interview:
    """One interview on one filing file (``run()``)."""

    def __init__(self, path: Path, rules: Ruleset, *, lang: str, console: Console) -> None:
        catalogue = rules.program.catalogue
        if catalogue is None:  # v1: delete at the flip
            raise RongcuoError(
                [
                    Problem(
                        "form_unavailable",
                        f"the ruleset {rules.label} is of filing model v1, which declares no "
                        "facts or questions to ask",
                        hint="use a ruleset of filing model v2 (--rules rules)",
                        message_zh=f"规则集 {rules.label} 属于第一版备案模型，"
                        "未声明事实与问题，无法问询",
                    )
                ]
            )
        self.decl: FactsDecl = catalogue.decl
        self.rules = rules
        self.lang = "en" if lang == "en" else "zh"
        self.console = console
        self.doc = Document(path)
        self.skipped: set[str] = set()  # answered 未知: not asked again
        self.asked = 0

    # -- output

    def say(self, text: str = "", style: str | None = None) -> None:
        self.console.print(escape_terminal(text), markup=False, style=style)

    def w(self, key: str, **fmt: object) -> str:
        return _w(key, self.lang, **fmt)

    # -- the loop

    def run(self) -> str:
        """Ask until the status is settled or nothing is left to ask; the final status."""
        from ..analysis.questions import next_questions
        from ..engine.decide import evaluate
        from ..facts.filings import parse_filing
        from ..verdict.verdict import Status

        self.say(self.w("start", file=self.doc.path, rules=self.rules.label), style="bold")
        while True:
            text = self.doc.text()
            filing = parse_filing(
                text,
                filename=str(self.doc.path),
                format="json" if self.doc.json else "yaml",
                rules=self.rules,
            )
            verdict = evaluate(filing, rules=self.rules, trace=False)
            questions = next_questions(filing, self.rules)
            self.show(verdict)
            if questions.status is not Status.INSUFFICIENT_FACTS:
                self.say(
                    self.w("settled", title=verdict.status.title(self.lang), value=verdict.status),
                    style="bold green",
                )
                if verdict.status is Status.NEEDS_DETERMINATION:
                    self.say(self.w("determination"))
                return str(verdict.status)
            question = self.pick(questions.sets, questions.facts)
            if question is None or self.asked >= MAX_STEPS:
                self.say(self.w("stuck", title=verdict.status.title(self.lang)), style="bold")
                return str(verdict.status)
            first = next((s for s in questions.sets if not self.skipped.intersection(s)), ())
            if first:
                self.say(self.w("left", n=len(first), m=len(questions.facts)))
            before = self.doc.text()
            try:
                self.ask(question)
            except EOFError:  # input ended: what was answered is on disk already
                self.say()
                self.say(self.w("stopped" if self.doc.path.exists() else "stopped_new"))
                return str(verdict.status)
            if self.doc.text() == before:  # 未知, or an answer that changed nothing
                self.skipped.add(question.path)
            else:
                self.doc.save()
                self.say(self.w("saved", file=self.doc.path), style="dim")

    def pick(self, sets: Sequence[Sequence[str]], facts: Sequence[Question]) -> Question | None:
        """The next question: the first one not answered 未知 of the cheapest set still open,
        else any fact that can still change the status."""
        by_path = {q.path: q for q in facts}
        for s in sets:
            if not self.skipped.intersection(s):
                return by_path[s[0]]
        for q in facts:
            if q.path not in self.skipped:
                return q
        return None

    def show(self, verdict: Verdict) -> None:
        """The running verdict: the status, the provisional outcome, the deciding clauses."""
        from ..verdict.render import render_citation

        status = verdict.status
        self.say()
        self.say(f"{self.w('status')}: {status.title(self.lang)} ({status.value})", style="bold")
        p = verdict.provisional
        if p is not None:
            sep = "、" if self.lang == "zh" else ", "
            self.say(
                "  "
                + self.w(
                    "provisional",
                    pending=sep.join(p.pending),
                    verb="is" if len(p.pending) == 1 else "are",
                    title=p.outcome.title(self.lang),
                    rests_on=sep.join(p.rests_on),
                )
            )
        for c in verdict.decisive:
            shown = c.text if self.lang == "zh" else c.summary
            self.say(f"  {c.id}  {shown}")
            self.say(f"      {render_citation(c.citation, self.lang)}", style="dim")  # type: ignore[arg-type]

    # -- asking

    def ask(self, q: Question) -> None:
        self.asked += 1
        self.say()
        clauses = ", ".join(q.clauses)
        title = q.title_zh if self.lang == "zh" else q.title_en
        head = f"{self.w('question', k=self.asked)} · {title} [{q.path}]"
        self.say(f"{head} ({self.w('reads')}: {clauses})", style="bold cyan")
        self.say(q.question_zh if self.lang == "zh" else q.question_en)
        if q.list:
            self.ask_list(q)
            return
        decl = self._decl(q.path)
        answer = self.answer(decl, self.doc.get(q.path))
        if answer is not _UNKNOWN:
            self.doc.set(q.path, answer)

    def _decl(self, path: str) -> FactDecl:
        if "[" not in path:
            return self.decl.facts[path]
        base, rest = path.split("[", 1)
        field = rest.split("].", 1)[1]
        list_path = base if base in self.decl.facts else f"{base}.items"
        return self.decl.facts[list_path].field(field)

    def ask_list(self, q: Question) -> None:
        base = q.path.removesuffix(".items")
        decl = self.decl.facts[q.path]
        _, items = self.doc.records(base) if self.doc.get(base) is not None else (None, [])
        choice = self.menu(
            [("done", self.w("list_done")), ("add", self.w("list_add"))], allow_unknown=True
        )
        if choice is _UNKNOWN:
            return
        if choice == "done":
            if self.doc.get(base) is None:
                self.doc.set(base, self.doc.block([]))
            else:
                self.doc.close_list(base)
            return
        record = self.doc.mapping()
        self.say(self.w("record", i=len(items) + 1), style="bold")
        for field in decl.fields:
            title = field.title(self.lang)
            self.say(f"  {title} [{base}[{len(items)}].{field.name}]", style="cyan")
            self.say(f"  {field.question(self.lang)}")
            answer = self.answer(field, None)
            if answer is not _UNKNOWN:
                record[field.name] = answer
        _, items = self.doc.records(base)
        items.append(record)

    def answer(self, decl: FactDecl, current: Any) -> Any:
        """Ask for the value of ``decl``; ``_UNKNOWN`` for 未知."""
        kind = decl.type
        na = decl.na[0 if self.lang == "zh" else 1] if decl.na is not None else None
        if kind is FactType.BOOL:
            options: list[tuple[Any, str]] = [(True, self.w("yes")), (False, self.w("no"))]
            if na is not None:
                options.append(("n/a", na))
            return self.menu(options, allow_unknown=True)
        if kind is FactType.ENUM:
            fam = self.decl.families[decl.family or ""]
            below = current if isinstance(current, str) and current in fam.values else None
            options = _leaf_options(fam, self.lang, below)
            if na is not None and below is None:
                options.append(("n/a", na))
            return self.menu(options, allow_unknown=True, family=fam)
        if kind is FactType.SET:
            return self.ask_set(decl, current, na)
        if kind is FactType.DATE:
            return self.ask_date(na)
        return self.ask_text()

    def prompt(self, hint: str) -> str:
        from rich.text import Text

        return _Prompt.ask(Text(hint), console=self.console).strip()

    def bad(self, given: str) -> None:
        self.say(self.w("bad", given=given), style="red")

    def menu(
        self,
        options: Sequence[tuple[Any, str]],
        *,
        allow_unknown: bool,
        family: Family | None = None,
    ) -> Any:
        """A numbered menu; the answer is a number, a label, a value id, or 未知."""
        for i, (_, label) in enumerate(options, 1):
            self.say(f"  {i:>2}) {label}")
        if allow_unknown:
            self.say(f"   ?) {self.w('unknown')}")
        while True:
            given = self.prompt(self.w("choose"))
            if allow_unknown and given.lower() in UNKNOWN_WORDS:
                return _UNKNOWN
            if given.isdigit() and 1 <= int(given) <= len(options):
                return options[int(given) - 1][0]
            for value, label in options:
                if given in (label.strip(), str(value)) or given.lower() == str(value).lower():
                    return value
            if family is not None and given in family.values:  # a coarser value, by its id
                return given
            if given.lower() in ("yes", "no", "true", "false", "是", "否"):
                wanted = given.lower() in ("yes", "true", "是")
                for value, _ in options:
                    if value is wanted:
                        return value
            self.bad(given)

    def ask_set(self, decl: FactDecl, current: Any, na: str | None) -> Any:
        fam = self.decl.families[decl.family or ""]
        ruled_out: set[str] = set()
        kept: list[str] = []
        if isinstance(current, Mapping):
            ruled_out = {str(v) for v in current.get("no") or []}
            kept = [str(v) for v in current.get("yes") or []]
        elif isinstance(current, list):
            kept = [str(v) for v in current]
        options = [
            (v, label)
            for v, label in _leaf_options(fam, self.lang, None)
            if not (fam.above(v) & ruled_out)
        ]
        for i, (_, label) in enumerate(options, 1):
            self.say(f"  {i:>2}) {label}")
        self.say(f"   0) {self.w('none')}")
        if na is not None:
            self.say(f"   n/a) {na}")
        self.say(f"   ?) {self.w('unknown')}")
        while True:
            given = self.prompt(self.w("choose_many"))
            if given.lower() in UNKNOWN_WORDS:
                return _UNKNOWN
            if na is not None and given.lower() == "n/a":
                return "n/a"
            chosen = self._many(given, options, fam)
            if chosen is None:
                self.bad(given)
                continue
            # values already listed stay, unless a chosen value narrows them
            values = [v for v in kept if not any(v in fam.above(c) for c in chosen)]
            values += [c for c in chosen if c not in values]
            return self.doc.flow(values)

    @staticmethod
    def _many(given: str, options: Sequence[tuple[str, str]], fam: Family) -> list[str] | None:
        tokens = [t for t in given.replace("，", ",").replace(",", " ").split() if t]
        if tokens == ["0"] or given in ("无", "none", "[]"):
            return []
        out: list[str] = []
        for t in tokens:
            if t.isdigit() and 1 <= int(t) <= len(options):
                value = options[int(t) - 1][0]
            elif t in fam.values:
                value = t
            else:
                return None
            if value not in out:
                out.append(value)
        return out or None

    def ask_date(self, na: str | None) -> Any:
        from ..facts.values import parse_date

        hint = self.w("date") + (f" · n/a: {na}" if na is not None else "")
        while True:
            given = self.prompt(hint)
            if given.lower() in UNKNOWN_WORDS or not given:
                return _UNKNOWN
            if na is not None and given.lower() == "n/a":
                return "n/a"
            value: Any = given
            if "/" in given:
                start, _, stop = given.partition("/")
                value = self.doc.mapping()
                value["from"], value["to"] = start.strip(), stop.strip()
            try:
                parse_date(dict(value) if isinstance(value, Mapping) else value)
            except ValueError:
                self.bad(given)
                continue
            return value

    def ask_text(self) -> Any:
        given = self.prompt(self.w("text"))
        if given.lower() in UNKNOWN_WORDS or not given:
            return _UNKNOWN
        return given


def _leaf_options(fam: Family, lang: str, below: str | None) -> list[tuple[Any, str]]:
    """The exact (leaf) values of ``fam`` (under ``below``), each labelled with its title and,
    for a nested value, the broader one it sits under."""
    roots = (below,) if below is not None else fam.roots()
    seen: set[str] = set()
    out: list[tuple[Any, str]] = []
    for root in roots:
        for v in _walk(fam, root):
            if v in seen or fam.children(v):
                continue
            seen.add(v)
            value = fam.values[v]
            label = value.title(lang)
            if value.parents:
                label += f" — {fam.values[value.parents[0]].title(lang)}"
            out.append((v, label))
    return out


def _walk(fam: Family, v: str) -> list[str]:
    out = [v]
    for child in fam.children(v):
        out.extend(_walk(fam, child))
    return out


def _prompt_class() -> Any:
    from rich.prompt import Prompt

    class MarkedPrompt(Prompt):
        """rich's prompt, ending in ``›`` (the mark a screen reader or a test waits for)."""

        prompt_suffix = " › "

    return MarkedPrompt


class _LazyPrompt:
    """rich.prompt is imported on the first question, not when the CLI starts."""

    def ask(self, prompt: Any, *, console: Console) -> str:
        cls = _prompt_class()
        return str(cls.ask(prompt, console=console))


_Prompt: Final = _LazyPrompt()


class _Unknown:
    """The answer 未知."""

    def __repr__(self) -> str:
        return "未知"


_UNKNOWN: Final = _Unknown()
