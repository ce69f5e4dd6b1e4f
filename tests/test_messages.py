"""Error messages in Chinese and English, and missing optional extras as coded errors.

Every code has an English and a Chinese meaning; a problem renders in either language; the CLI's
``--lang`` decides the language of its error output. A missing extra (z3-solver, durable-rules,
Hypothesis, FastAPI) is ``backend_unavailable`` with the install hint, from Python and from the
CLI, never a rule problem and never a bare ``ModuleNotFoundError``. The extras are hidden in a
child process by a meta path finder that refuses to import them, as after a plain install.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import rongcuo
from rongcuo.errors import CODES, CODES_ZH, KINDS_ZH, BackendUnavailableError, RongcuoError

from .conftest import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")

#: a prelude that makes the named top-level module unimportable (sys.argv[1] of the child)
HIDE = """
import sys
class _Refuse:
    def __init__(self, name):
        self.name = name
    def find_spec(self, fullname, path=None, target=None):
        if fullname == self.name or fullname.startswith(self.name + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None
sys.meta_path.insert(0, _Refuse(sys.argv.pop(1)))
"""

CLI = "from rongcuo.cli import main; sys.argv = ['rongcuo', *sys.argv[1:]]; main()"


def _run(code: str, *args: str, hide: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", (HIDE if hide else "import sys\n") + code]
    if hide:
        argv.append(hide)
    return subprocess.run([*argv, *args], capture_output=True, text=True, cwd=ROOT, timeout=180)


def test_every_code_has_an_english_and_a_chinese_meaning() -> None:
    assert set(CODES_ZH) == set(CODES)
    for code in CODES:
        assert CODES[code].strip() and not CJK.search(CODES[code]), code
        assert CJK.search(CODES_ZH[code]), code


def test_every_error_kind_has_a_chinese_name() -> None:
    for info in pkgutil.walk_packages(rongcuo.__path__, "rongcuo."):
        try:
            importlib.import_module(info.name)
        except ImportError:
            continue  # a module of an extra that is not installed
    seen: set[type[RongcuoError]] = set()
    todo: list[type[RongcuoError]] = [RongcuoError]
    while todo:
        cls = todo.pop()
        seen.add(cls)
        todo.extend(c for c in cls.__subclasses__() if c not in seen)
    kinds = {cls.kind for cls in seen}
    assert {"filing", "ruleset", "verdict", "installation"} <= kinds
    assert kinds <= set(KINDS_ZH), kinds - set(KINDS_ZH)


def test_a_problem_renders_in_either_language() -> None:
    with pytest.raises(rongcuo.FilingError) as info:
        rongcuo.parse_filing(b'{"motive": {"public_spirit": true}}', filename="f.json")
    (problem,) = info.value.problems
    assert problem.render("en") == str(problem)
    zh = problem.render("zh")
    assert zh.startswith("f.json: $.motive.public_spirit: filing_unknown_field: ")
    assert CODES_ZH["filing_unknown_field"] in zh
    assert "是否应为 'public_spirited'？" in zh  # the did-you-mean hint, in Chinese
    assert info.value.render("zh").startswith("备案中有 1 个问题：\n  f.json:")
    assert info.value.render("en").startswith("1 problem in the filing:\n  f.json:")


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bad")
    filing = root / "bad.json"
    filing.write_text('{"subject": {"kind": "unitx"}}', encoding="utf-8")
    rules = root / "rules"
    rules.mkdir()
    (rules / "ruleset.yaml").write_text("rongcuo: [\n", encoding="utf-8")
    return {"filing": filing, "rules": rules, "root": root}


# each command given bad input, and the code it must report
COMMANDS = {
    "check": (["check", "{filing}"], "filing_invalid_value"),
    "screen": (["screen", "{root}/missing.jsonl"], "io_error"),
    "lint": (["lint", "{rules}"], "yaml_syntax"),
    "diff": (["diff", "{rules}", "rules"], "yaml_syntax"),
    "verify": (["verify", "{root}/missing.json", "{filing}"], "io_error"),
    "rules": (["rules", "--rules", "{rules}"], "yaml_syntax"),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_cli_errors_follow_lang(command: str, lang: str, bad_inputs: dict[str, Path]) -> None:
    args, code = COMMANDS[command]
    done = _run(CLI, *(a.format(**bad_inputs) for a in args), "--lang", lang)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert any(f": {code}: " in line for line in lines), done.stderr
    (line,) = [line for line in lines if f": {code}: " in line]
    if lang == "zh":
        assert CODES_ZH[code] in line
        assert CJK.search(lines[0]), lines[0]
    else:
        assert not CJK.search(line.split(f": {code}: ", 1)[1]), line
        assert not CJK.search(lines[0]), lines[0]
    assert "Traceback" not in done.stderr


def test_strategies_without_hypothesis_is_coded() -> None:
    code = (
        "try:\n"
        "    import rongcuo.strategies\n"
        "except ImportError as exc:\n"
        "    from rongcuo.errors import BackendUnavailableError\n"
        "    assert isinstance(exc, BackendUnavailableError), type(exc)\n"
        "    (p,) = exc.problems\n"
        "    print(p.code, p.hint)\n"
        "    print(exc.render('zh'))\n"
    )
    done = _run(code, hide="hypothesis")
    assert done.returncode == 0, done.stderr
    first, *rest = done.stdout.splitlines()
    assert first == "backend_unavailable pip install 'rongcuo[strategies]'"
    assert rest[0] == "安装环境中有 1 个问题：" and "hypothesis" in rest[1]
    # and rongcuo itself still imports and evaluates without it
    plain = _run("import rongcuo; print(rongcuo.evaluate({}).status.value)", hide="hypothesis")
    assert plain.stdout.strip() == "insufficient_facts", plain.stderr


MISSING = {
    # hidden module: (CLI arguments, the extra named in the hint)
    "z3": (["lint"], "solver"),
    "durable": (
        ["check", "examples/eligible-p3-relief-funds.yaml", "--backend", "durable"],
        "durable",
    ),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("module", sorted(MISSING))
def test_missing_extra_is_backend_unavailable_in_the_cli(module: str, lang: str) -> None:
    args, extra = MISSING[module]
    done = _run(CLI, *args, "--lang", lang, hide=module)
    assert done.returncode == 1, done.stderr
    assert "backend_unavailable" in done.stderr and f"rongcuo[{extra}]" in done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    if lang == "zh":
        assert done.stderr.startswith("rongcuo: 安装环境中有 1 个问题：")
        assert "规则集" not in done.stderr
    else:
        assert done.stderr.startswith("rongcuo: 1 problem in the installation:")
        assert "ruleset" not in done.stderr


def test_missing_extra_is_backend_unavailable_from_python() -> None:
    code = (
        "import rongcuo\n"
        "from rongcuo.analysis.lint import lint_ruleset\n"
        "try:\n"
        "    lint_ruleset(rongcuo.bundled_ruleset())\n"
        "except rongcuo.RongcuoError as exc:\n"
        "    print(type(exc).__name__, exc.codes, exc.problems[0].hint)\n"
    )
    done = _run(code, hide="z3")
    assert done.stdout.strip() == (
        "BackendUnavailableError ('backend_unavailable',) pip install 'rongcuo[solver]'"
    ), done.stderr
    assert issubclass(BackendUnavailableError, ImportError)


def test_serve_without_its_extra_is_backend_unavailable() -> None:
    listed = _run(CLI, "--help")
    if " serve " not in listed.stdout:
        pytest.skip("no serve command in this build")
    done = _run(CLI, "serve", hide="fastapi")
    assert done.returncode == 1, done.stderr
    assert "backend_unavailable" in done.stderr and "Traceback" not in done.stderr


V1_FILING = {
    "subject": {"kind": "individual", "has_enforcement_power": False},
    "conduct": {"misconduct": []},
    "matter": {"error_kinds": ["funds_use"], "conduct_started_on": "2023-01-01"},
    "history": {"exempted_error_kinds": []},
    "violation": {"norms": [], "explicitly_prohibited": False},
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_v1_filing_is_refused_wholly_in_the_chosen_language(lang: str) -> None:
    """Each v1 key is named with what replaced it; in Chinese the detail and the hint are
    Chinese too (English words are left only in the key paths and value ids quoted)."""
    with pytest.raises(rongcuo.FilingError) as err:
        rongcuo.parse_filing(V1_FILING)
    problems = err.value.problems
    assert {p.code for p in problems} == {"filing_v1"}
    named = {p.location.json_path() for p in problems}
    assert "$.matter.error_kinds" in named and "$.violation" in named
    for problem in problems:
        data = problem.to_dict(lang)
        text = f"{data['message']} {data['hint']}"
        if lang == "zh":
            assert CJK.search(str(data["message"])) and CJK.search(str(data["hint"]))
            assert not re.search(r"\b(?:the|is|of|each|rewrite|never|filing)\b", text), text
        else:
            assert not CJK.search(text), text
