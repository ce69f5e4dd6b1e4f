"""``rongcuo ask`` driven through a real pseudo-terminal (pexpect), as a case officer would.

The officer here knows the facts of one example filing in ``examples/`` and answers each
question from them: the value the example gives, or 未知 where it gives none. The interview starts
from an empty filing and must end at the status ``tests/examples_expected.yaml`` gives for that
example (the reading of the law written there, not the engine's output), asking only questions
:func:`rongcuo.next_questions` lists as able to change the status.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import rongcuo
from rongcuo.facts.filings import load_filing

from .conftest import ROOT

pexpect = pytest.importorskip("pexpect", reason="pexpect (the test extra) drives the terminal")
pytest.importorskip("ruamel.yaml", reason="rongcuo ask needs the extra rongcuo[ask]")
pytest.importorskip("z3", reason="the questions are exact by z3 (rongcuo[solver])")

RULES = ROOT / "rules"
EXAMPLES = ROOT / "examples"
EXPECTED: dict[str, Any] = yaml.safe_load(
    (ROOT / "tests" / "examples_expected.yaml").read_text(encoding="utf-8")
)

PROMPT = " › "
QUESTION = re.compile(r"\[([A-Za-z0-9_.\[\]]+)\]")


def _spawn(args: list[str], cwd: Path, lang: str = "zh") -> Any:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="200", TERM="dumb")
    return pexpect.spawn(
        sys.executable,
        ["-m", "rongcuo.cli", "ask", *args, "--rules", str(RULES), "--lang", lang],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 200),
    )


def _lookup(doc: dict[str, Any], path: str) -> Any:
    """The example's value at a question's path (``acts[0].kind``), ``None`` where not given."""
    if "[" in path:
        base, rest = path.split("[", 1)
        index, field = rest.split("].", 1)
        held = _lookup(doc, base)
        items = held.get("items") if isinstance(held, dict) else held
        if not isinstance(items, list) or int(index) >= len(items):
            return None
        return items[int(index)].get(field)
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _reply(value: Any, lang: str) -> str:
    """What an officer who knows ``value`` types."""
    if value is None:
        return "?"
    if value is True:
        return "是" if lang == "zh" else "yes"
    if value is False:
        return "否" if lang == "zh" else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(value) if value else "0"
    if isinstance(value, dict):
        if "from" in value:
            return f"{value['from']}/{value['to']}"
        return "?"  # a partial set: the officer knows only part of it
    return str(value).replace("\n", " ")


@functools.cache
def _ruleset() -> rongcuo.Ruleset:
    """The rules, loaded once: their z3 translation is made once too (the first check)."""
    return rongcuo.load_ruleset(RULES)


class Officer:
    """Answers the interview's questions from an example document."""

    def __init__(self, doc: dict[str, Any], lang: str) -> None:
        self.doc = doc
        self.lang = lang
        self.added: dict[str, int] = {}
        self.asked: list[str] = []
        self.clauses: list[tuple[str, ...]] = []
        self.checked = 0

    def check(self, path: str, target: Path) -> None:
        """``path`` is among the facts that can change the status of the filing on disk."""
        from rongcuo.analysis.questions import next_questions

        rules = _ruleset()
        filing = load_filing(target, rules=rules) if target.exists() else {}
        found = next_questions(filing, rules)
        assert found.method == "z3"
        assert path in {q.path for q in found.facts}, (path, [q.path for q in found.facts])
        self.checked += 1

    def answer(self, path: str, list_question: bool) -> str:
        if list_question:
            base = path.removesuffix(".items")
            held = _lookup(self.doc, base)
            if held is None:
                return "?"
            items = held.get("items", []) if isinstance(held, dict) else held
            complete = not isinstance(held, dict) or held.get("complete", True)
            done = self.added.get(base, 0)
            if done < len(items):
                self.added[base] = done + 1
                return "2"  # add one now
            return "1" if complete else "?"
        return _reply(_lookup(self.doc, path), self.lang)


def _interview(
    example: str, tmp_path: Path, lang: str = "zh", *, check_relevance: bool = False
) -> tuple[str, Officer, str, Path]:
    """Run the interview from an empty filing with the officer of ``example``."""
    source = EXAMPLES / example
    text = source.read_text(encoding="utf-8")
    doc = json.loads(text) if source.suffix == ".json" else yaml.safe_load(text)
    officer = Officer(doc, lang)
    target = tmp_path / "filing.yaml"
    child = _spawn([target.name], tmp_path, lang)
    transcript: list[str] = []
    path = ""
    in_list = False
    while True:
        i = child.expect([r"\n", PROMPT, pexpect.EOF])
        transcript.append(child.before + (child.after if i < 2 else ""))
        if i == 2:
            break
        if i == 0:
            line = child.before
            found = QUESTION.findall(line)
            if found:
                path = found[-1]
                is_question = line.lstrip().startswith(("问题", "Question"))
                if is_question:
                    officer.asked.append(path)
                    read = re.search(r"\((?:涉及条款|clauses): ([^)]*)\)", line)
                    officer.clauses.append(tuple(read.group(1).split(", ")) if read else ())
                    if check_relevance:
                        officer.check(path, target)
                    in_list = path.endswith((".items", ".exemptions")) and "[" not in path
                else:  # a field of a record being added
                    in_list = False
            continue
        child.sendline(officer.answer(path, in_list))
        in_list = False
    child.close()
    assert child.exitstatus == 0, "".join(transcript)[-3000:]
    return "".join(transcript), officer, child.before or "", target


def _status_of(target: Path) -> rongcuo.Status:
    rules = rongcuo.load_ruleset(RULES)
    return rongcuo.evaluate(load_filing(target, rules=rules), rules=rules, trace=False).status


EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json"))


def test_every_example_is_interviewed() -> None:
    assert sorted(EXPECTED) == EXAMPLE_FILES, "tests/examples_expected.yaml names every example"


@pytest.mark.parametrize("example", EXAMPLE_FILES)
def test_the_interview_reaches_the_examples_status_from_an_empty_filing(
    example: str, tmp_path: Path
) -> None:
    """Each example, from an empty filing: the interview ends at the example's status, and
    at each question the filing on disk (every answer so far is written back) is checked
    independently: next_questions lists the asked fact among those whose answer can still
    change the status. About 2-5 s of CPU each (the interview's process: start-up, the z3
    translation, a search per question), plus the checks here."""
    started = time.perf_counter()
    transcript, officer, _, target = _interview(example, tmp_path, check_relevance=True)
    assert officer.checked == len(officer.asked) > 0
    expected = EXPECTED[example]["status"]
    assert _status_of(target).value == expected, transcript[-3000:]
    if expected == "insufficient_facts":  # the example leaves facts open: every question left
        assert "其余可能改变结论的问题均答“未知”" in transcript  # was answered 未知
    else:
        assert "结论已确定" in transcript
    # the running verdict is shown after each answer, with the citations of deciding clauses
    assert transcript.count("当前结论: ") == len(officer.asked) + 1
    if expected != "insufficient_facts":
        assert "平纪发〔2022〕4号" in transcript
    assert all(officer.clauses), "each question names the open clauses that read it"
    # never a question about a determination (a person decides P15/N9)
    assert not any(p.startswith("determinations") for p in officer.asked)
    print(f"{example}: {len(officer.asked)} questions, {time.perf_counter() - started:.1f} s")


def test_comments_are_kept_and_the_answers_written_back(tmp_path: Path) -> None:
    """A filer's file with comments: the interview adds the answers and keeps every comment."""
    source = EXAMPLES / "eligible-p3-relief-funds.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    # the filer has not yet checked the record of earlier exemptions
    kept = [ln for ln in lines if not ln.startswith(("history:", "  exemptions:"))]
    text = "".join(kept) + "# 此前容错免责记录：待查\n"
    target = tmp_path / "filing.yaml"
    target.write_text(text, encoding="utf-8")
    child = _spawn([target.name], tmp_path)
    child.expect(r"问题 1 · .*\[history\.exemptions\]")
    child.expect("N8")
    child.expect(PROMPT)
    child.sendline("1")  # never exempted before: the list is complete, and empty
    child.expect("结论已确定")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = target.read_text(encoding="utf-8")
    for comment in [ln for ln in kept if ln.lstrip().startswith("#")]:
        assert comment in after
    assert "# 此前容错免责记录：待查" in after
    assert _status_of(target) is rongcuo.Status.ELIGIBLE
    written = yaml.safe_load(after)
    assert written["history"]["exemptions"] == []


def test_unknown_is_an_answer_and_the_interview_moves_on(tmp_path: Path) -> None:
    """The one open question answered 未知: the status stays open and the interview ends,
    saying so, without asking it again; the file is unchanged."""
    source = EXAMPLES / "eligible-p3-relief-funds.yaml"
    doc = yaml.safe_load(source.read_text(encoding="utf-8"))
    del doc["history"]
    target = tmp_path / "filing.yaml"
    target.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    child = _spawn([target.name], tmp_path, lang="en")
    child.expect(r"Provisional, not the status: once N8 is ruled out, .*under P3")
    child.expect(r"Question 1 .*\[history\.exemptions\]")
    child.expect(PROMPT)
    child.sendline("?")
    child.expect("Every question left was answered unknown")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert target.read_text(encoding="utf-8") == before


# v1: delete with the v1 path
def test_a_v1_ruleset_is_refused_with_a_code(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    v1 = str(ROOT / "tests" / "v1" / "rules")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "rongcuo.cli", "ask", "f.yaml", "--rules", v1, "--lang", "en"],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    child.expect("form_unavailable")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


# --------------------------------------------------------------------------- the recorded session

DOC = ROOT / "docs" / "interview.md"
BEGIN = "<!-- recorded session: begin (written by `python -m tests.test_ask --write`) -->"
END = "<!-- recorded session: end -->"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def record_session(tmp_path: Path) -> str:
    """A real session, through a pseudo-terminal: the relief-funds example whose filer has not
    yet checked the record of earlier exemptions (a comment says so), answered in one step."""
    import io

    source = EXAMPLES / "eligible-p3-relief-funds.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if not ln.startswith(("history:", "  exemptions:"))]
    target = tmp_path / "filing.yaml"
    target.write_text("".join(kept) + "# 此前容错免责记录：待查\n", encoding="utf-8")
    child = _spawn([target.name], tmp_path)
    log = io.StringIO()
    child.logfile_read = log
    child.expect(PROMPT)
    child.sendline("1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    shown = _ANSI.sub("", log.getvalue()).replace("\r\n", "\n").replace("\r", "")
    shown = shown.replace(str(RULES), "rules")
    tail = target.read_text(encoding="utf-8").splitlines()[-3:]
    return (
        "$ rongcuo ask filing.yaml --rules rules\n"
        + shown.rstrip("\n")
        + "\n$ tail -n 3 filing.yaml\n"
        + "\n".join(tail)
        + "\n"
    )


def _documented() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(BEGIN) + len(BEGIN)
    block = text[start : text.index(END)]
    return block.strip().removeprefix("```console").removesuffix("```").strip("\n") + "\n"


def test_the_recorded_session_in_the_docs_is_current(tmp_path: Path) -> None:
    assert _documented() == record_session(tmp_path), "run: python -m tests.test_ask --write"


if __name__ == "__main__":  # python -m tests.test_ask --write: record the session into the docs
    import tempfile

    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python -m tests.test_ask --write")
    with tempfile.TemporaryDirectory() as tmp:
        session = record_session(Path(tmp))
    text = DOC.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n```console\n{session}```\n{END}{tail}", encoding="utf-8")
    print(f"wrote {DOC}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_ruamel_the_interview_is_backend_unavailable(lang: str, tmp_path: Path) -> None:
    """ruamel.yaml is the extra rongcuo[ask]: hidden in a child process, the command says so
    with a code and the install hint, not a traceback."""
    import subprocess

    code = (
        "import sys\n"
        "sys.modules['ruamel'] = None\n"
        "sys.modules['ruamel.yaml'] = None\n"
        "from rongcuo.cli import main\n"
        f"sys.argv = ['rongcuo', 'ask', 'f.yaml', '--rules', {str(RULES)!r}, '--lang', {lang!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
    )
    assert done.returncode == 1, done.stderr
    assert "backend_unavailable" in done.stderr and "rongcuo[ask]" in done.stderr
    assert "Traceback" not in done.stderr
    assert ("问询" in done.stderr) is (lang == "zh")
    assert not (tmp_path / "f.yaml").exists()


def test_input_ending_stops_the_interview_without_writing(tmp_path: Path) -> None:
    child = _spawn(["new.yaml"], tmp_path)
    child.expect(PROMPT)
    child.sendeof()
    child.expect("问询中止；尚无回答，未创建文件。")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not (tmp_path / "new.yaml").exists()
