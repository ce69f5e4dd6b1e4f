"""Fast start: a lazy ``import rongcuo`` and the compiled-ruleset cache (rules/cache.py).

The cache is exercised with the real loader and the real rules; a ``load`` that refuses to be
called shows that a hit neither parses the rules nor runs their clause examples again.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rongcuo
from rongcuo.rules import cache
from rongcuo.rules.load import FILES, load_ruleset_texts

from .conftest import EXAMPLES, ROOT, RULES


def _modules_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a new process has imported after running ``code``."""
    probe = f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _cache_env(cache_dir: Path) -> dict[str, str]:
    env = {**os.environ, "RONGCUO_CACHE_DIR": str(cache_dir)}
    env.pop("RONGCUO_CACHE", None)
    return env


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_import_rongcuo_is_light() -> None:
    loaded = _top(_modules_after("import rongcuo"))
    assert not loaded & {"pydantic", "yaml", "typer", "rich", "jiter", "platformdirs"}, loaded


def test_evaluating_imports_no_cli_and_no_extra() -> None:
    loaded = _top(
        _modules_after(
            "import rongcuo\n"
            f"v = rongcuo.evaluate(rongcuo.load_filing({str(EXAMPLES / 'needs-determination.yaml')!r}))\n"
            "v.to_json()"
        )
    )
    assert not loaded & {"typer", "rich", "click", "z3", "durable", "hypothesis", "dask"}, loaded


def test_a_plain_check_imports_no_typer() -> None:
    # rongcuo check FILE is run by rongcuo.cli.main without building the typer app, printed
    # without rich's console, and (no pydantic plugin being installed here) without pydantic's
    # plugin lookup, which imports importlib.metadata
    example = str(EXAMPLES / "eligible-p3-relief-funds.yaml")
    loaded = _modules_after(
        f"import sys\nsys.argv = ['rongcuo', 'check', {example!r}, '--lang=en']\n"
        "from rongcuo.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
    )
    assert "typer" not in _top(loaded) and "click" not in _top(loaded), loaded
    assert not _top(loaded) & {"rich"} and "importlib.metadata" not in loaded, loaded


_PLAIN = str(EXAMPLES / "eligible-p3-relief-funds.yaml")
# the console script pip writes for ``rongcuo = "rongcuo.cli:main"`` (pyproject.toml)
_SCRIPT = """\
import sys
from rongcuo.cli import main
if __name__ == '__main__':
    sys.argv[0] = sys.argv[0].removesuffix('.exe')
    sys.exit(main())
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["check", _PLAIN],
        ["check", "-f", "json", _PLAIN],
        ["check", _PLAIN, "--lang=en", "--trace", "--format", "text"],
        ["check", "--lang", "en", str(EXAMPLES / "needs-determination.yaml"), "-f", "json"],
        ["check", _PLAIN, "--lang", "en", "--lang", "zh"],  # the last one counts
        ["check", "--format=json", "--trace", str(EXAMPLES / "needs-determination.yaml")],
        # not plain (an invalid filing, a bad option value, help, a missing file): the app runs
        ["check", str(ROOT / "tests" / "examples_expected.yaml"), "--lang", "en"],
        ["check", "-f", "JSON", _PLAIN],
        ["check", _PLAIN, "another"],
        ["check", str(ROOT / "no-such-filing.yaml"), "-f", "json"],
    ],
)
def test_the_plain_check_prints_what_the_app_prints(argv: list[str], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rongcuo.cli import app

    # run as the program, by a script as pip writes it for rongcuo (a plain check then ends the
    # process without the interpreter's teardown)
    script = tmp_path / "rongcuo"
    script.write_text(_SCRIPT)
    done = subprocess.run(
        [sys.executable, str(script), *argv], capture_output=True, cwd=ROOT, timeout=120
    )
    by_app = CliRunner().invoke(app, argv, prog_name="rongcuo")
    assert done.returncode == by_app.exit_code
    assert done.stdout.decode() == by_app.stdout
    assert done.stderr.decode() == by_app.stderr


def test_a_check_run_as_the_program_still_runs_atexit_and_flushes(tmp_path: Path) -> None:
    # the program's check ends without the interpreter's teardown (rongcuo.cli.main), but as
    # the interpreter would end it: atexit functions run, every byte written out, its status
    script = tmp_path / "rongcuo"
    script.write_text(
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran', file=sys.stderr))\n" + _SCRIPT
    )
    out = tmp_path / "verdict.json"
    for argv, status in (
        (["check", _PLAIN, "-f", "json"], 0),  # plain
        (["check", _PLAIN, "-f", "json", "--backend", "native"], 0),  # through the app
        (["check", str(ROOT / "tests" / "examples_expected.yaml"), "-f", "json"], 1),
    ):
        with out.open("wb") as fh:
            done = subprocess.run(
                [sys.executable, str(script), *argv],
                stdout=fh,
                stderr=subprocess.PIPE,
                cwd=ROOT,
                timeout=120,
            )
        assert done.returncode == status, done.stderr
        assert done.stderr.decode().endswith("atexit ran\n"), done.stderr
        json.loads(out.read_bytes())  # whole


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("结论: 可以纳入 (eligible)\nreceipt: sha256:e9f60f06a58d\n", ""),
        ('{"a": ":smile:", "b": ":thumbs_up:x:", "c": ":warning-text:", "d": "::"}', "\n"),
        ("a:no_such_emoji:b :smile-emoji: :SMILE:", "\n"),
        ("bell\x07 back\x08 vt\x0b ff\x0c cr\r\n esc\x1b[31m del\x7f", "\n"),
        ("trailing spaces   \n\u3000全角空格\u3000\n" + "长" * 120 + " \n", ""),
        ("a\ttab\tstops\n", "\n"),  # (rich itself prints this one)
        ("", ""),
        ("\n\n", "\n"),
    ],
)
def test_print_plain_writes_what_rich_writes(text: str, end: str) -> None:
    from rich.console import Console

    from rongcuo.cli._output import print_plain

    def written(write: Any) -> bytes:
        saved = sys.stdout
        sys.stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
        try:
            write()
            sys.stdout.flush()
            return sys.stdout.buffer.getvalue()  # type: ignore[attr-defined, no-any-return]
        finally:
            sys.stdout = saved

    by_rich = Console(highlight=False, soft_wrap=True)  # as rongcuo.cli._output.out
    assert written(lambda: print_plain(text, end=end)) == written(
        lambda: by_rich.print(text, markup=False, end=end)
    )


def test_a_declared_pydantic_plugin_is_still_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rongcuo's command skips pydantic's plugin lookup only when no distribution declares a
    # pydantic entry point: here one does, and pydantic finds and calls it in a plain check
    site = tmp_path / "site"
    info = site / "spyplugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spyplugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spyplugin:plugin\n")
    seen = tmp_path / "seen.txt"
    (site / "spyplugin.py").write_text(
        "class Plugin:\n"
        "    def new_schema_validator(self, schema, schema_type, path, kind, config, settings):\n"
        f"        with open({str(seen)!r}, 'a') as fh:\n"
        "            fh.write(f'{path.module}.{path.name}\\n')\n"
        "        return None, None, None\n"
        "plugin = Plugin()\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", "check", _PLAIN],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "rongcuo.facts.v2.Filing" in seen.read_text().split(), seen.read_text()
    # the look-up that decides it, in this process: with the declaration on sys.path, a plugin
    from rongcuo.cli import _plugins

    monkeypatch.syspath_prepend(str(site))
    assert not _plugins._no_plugin_declared()
    # where none is declared, the stand-in answers as pydantic's loader would: no plugins
    stand_in = _plugins._StandIn("pydantic.plugin._loader")
    assert tuple(stand_in.get_plugins()) == ()
    assert stand_in.PYDANTIC_ENTRY_POINT_GROUP == "pydantic"


def test_a_warm_bundled_ruleset_imports_no_model_and_no_yaml(tmp_path: Path) -> None:
    # read from the compiled-ruleset cache, the bundled rules need neither the filing model
    # (pydantic), nor the YAML reader, nor the first model, nor the rules' static checks
    env = _cache_env(tmp_path)
    _modules_after("import rongcuo; rongcuo.bundled_ruleset()", env)  # fills the cache
    loaded = _modules_after("import rongcuo; rongcuo.bundled_ruleset()", env)
    assert not _top(loaded) & {"pydantic", "yaml", "typer", "rich", "platformdirs"}, loaded
    assert not loaded & {
        "rongcuo._yaml",
        "rongcuo.facts.model",
        "rongcuo.facts.v2",
        "rongcuo.rules.check",
        "importlib.resources",
    }, loaded


def test_the_bounds_written_out_are_the_yaml_readers() -> None:
    from rongcuo import _guard, _yaml
    from rongcuo.rules.load import MAX_RULE_FILE_BYTES

    assert _yaml.DEFAULT_LIMITS.max_bytes == MAX_RULE_FILE_BYTES
    assert _yaml.DEFAULT_LIMITS.max_depth == _guard.MAX_DEPTH
    assert _yaml.DEFAULT_LIMITS.max_nodes == _guard.MAX_NODES


def test_a_json_filing_is_read_and_decided_without_yaml(tmp_path: Path) -> None:
    env = _cache_env(tmp_path)
    code = (
        "import rongcuo\n"
        "rongcuo.bundled_ruleset()\n"  # fills the cache in the first process
        'f = rongcuo.parse_filing(b\'{"subject": {"kind": "unit"}}\')\n'
        "rongcuo.evaluate(f).to_json()\n"
    )
    _modules_after(code, env)
    loaded = _modules_after(code, env)
    assert "yaml" not in _top(loaded) and "rongcuo._yaml" not in loaded, loaded


def test_lazy_names_are_the_public_ones() -> None:
    for name in rongcuo.__all__:
        assert getattr(rongcuo, name) is not None
    assert set(rongcuo.__all__) <= set(dir(rongcuo))
    with pytest.raises(AttributeError):
        rongcuo.no_such_name  # noqa: B018


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("RONGCUO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RONGCUO_CACHE", raising=False)
    yield tmp_path / "cache"


def _texts(root: Path = RULES) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.yaml"))}


def _never(*args: Any, **kwargs: Any) -> rongcuo.Ruleset:
    raise AssertionError("the ruleset was loaded again instead of read from the cache")


def _load(texts: dict[str, bytes], load: Any = load_ruleset_texts) -> rongcuo.Ruleset:
    from rongcuo.engine.evaluate import Program

    return cache.cached_load(texts, str(RULES), load=load, compile_=Program)


def _entry(cache_dir: Path) -> Path:
    (entry,) = cache_dir.glob("ruleset-*.pickle")
    return entry


def test_a_hit_neither_parses_nor_runs_examples(cache_dir: Path) -> None:
    texts = _texts()
    fresh = _load(texts)
    assert _entry(cache_dir).stat().st_size > 0
    cached = _load(texts, _never)
    assert cached.digest == fresh.digest
    assert cached.dump_texts() == fresh.dump_texts()
    assert repr(cached) == repr(fresh)
    # the cached ruleset decides every example exactly as the freshly loaded one
    for path in sorted(EXAMPLES.glob("*.*")):
        filing = rongcuo.load_filing(path)
        assert (
            rongcuo.evaluate(filing, rules=cached).to_json()
            == rongcuo.evaluate(filing, rules=fresh).to_json()
        )
    # and it still pickles to worker processes
    assert pickle.loads(pickle.dumps(cached)).digest == fresh.digest


def test_a_hit_runs_the_stored_generated_code(cache_dir: Path) -> None:
    from rongcuo.engine import codegen

    texts = _texts()
    fresh = _load(texts)
    data = pickle.loads(_entry(cache_dir).read_bytes())
    # the bundled rules' generated code is stored whole: every constant pickles
    assert isinstance(data["generated"], bytes)
    thawed = codegen.thaw(data["generated"], {})
    assert thawed is not None
    assert thawed.source == fresh.program.compiled.source
    assert (thawed.elements, thawed.clauses) == (
        fresh.program.compiled.elements,
        fresh.program.compiled.clauses,
    )
    cached = _load(texts, _never)
    assert cached.program.compiled.source == fresh.program.compiled.source
    for path in sorted(EXAMPLES.glob("*.*")):
        filing = rongcuo.load_filing(path)
        assert cached.program.compiled.decide(filing) == fresh.program.compiled.decide(filing)
        assert cached.program.compiled.truths(filing) == fresh.program.compiled.truths(filing)


@pytest.mark.parametrize("generated", [b"garbage", None, pickle.dumps((99, {}, (), (), "", b""))])
def test_stored_code_that_does_not_run_is_generated_again(
    cache_dir: Path, generated: bytes | None
) -> None:
    texts = _texts()
    fresh = _load(texts)
    entry = _entry(cache_dir)
    data = pickle.loads(entry.read_bytes())
    data["generated"] = generated
    entry.write_bytes(pickle.dumps(data))
    cached = _load(texts, _never)  # the rules are not loaded again: only the code is made again
    assert cached.program.compiled.source == fresh.program.compiled.source
    for path in sorted(EXAMPLES.glob("*.*")):
        filing = rongcuo.load_filing(path)
        assert (
            rongcuo.evaluate(filing, rules=cached).to_json()
            == rongcuo.evaluate(filing, rules=fresh).to_json()
        )


def test_load_ruleset_uses_the_cache(cache_dir: Path) -> None:
    first = rongcuo.load_ruleset(RULES)
    assert _entry(cache_dir).exists()
    assert rongcuo.load_ruleset(RULES).digest == first.digest


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps({"format": cache.ENTRY_FORMAT, "key": "someone else's", "state": {}}),
        pickle.dumps(["a", "list"]),
    ],
)
def test_a_corrupt_or_foreign_entry_is_ignored_and_rebuilt(cache_dir: Path, damage: bytes) -> None:
    texts = _texts()
    fresh = _load(texts)
    entry = _entry(cache_dir)
    entry.write_bytes(damage)
    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> rongcuo.Ruleset:
        calls.append(1)
        return load_ruleset_texts(*args, **kwargs)

    again = _load(texts, counting)
    assert calls == [1] and again.digest == fresh.digest
    assert _load(texts, _never).digest == fresh.digest  # rewritten, and good again


def test_an_entry_whose_tree_no_longer_hashes_to_its_digest_is_not_trusted(
    cache_dir: Path,
) -> None:
    texts = _texts()
    fresh = _load(texts)
    entry = _entry(cache_dir)
    data = pickle.loads(entry.read_bytes())
    first = data["state"]["clauses"][0]
    import dataclasses

    data["state"]["clauses"] = (
        dataclasses.replace(first, text=first.text + "（篡改）"),
        *data["state"]["clauses"][1:],
    )
    entry.write_bytes(pickle.dumps(data))
    calls: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> rongcuo.Ruleset:
        calls.append(1)
        return load_ruleset_texts(*args, **kwargs)

    again = _load(texts, counting)
    assert calls == [1] and again.clause(first.id).text == first.text
    assert again.digest == fresh.digest


def test_changed_rules_are_checked_again(cache_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy)
    good = rongcuo.load_ruleset(copy)
    negative = copy / "negative.yaml"
    text = negative.read_text(encoding="utf-8")
    # break one clause example: the changed bytes miss the cache, and the examples run again
    broken = text.replace("expect: holds", "expect: fails", 1)
    assert broken != text
    negative.write_text(broken, encoding="utf-8")
    with pytest.raises(rongcuo.RulesError) as info:
        rongcuo.load_ruleset(copy)
    assert "rules_example" in info.value.codes
    negative.write_text(text, encoding="utf-8")
    assert rongcuo.load_ruleset(copy).digest == good.digest


def test_the_key_covers_version_origin_and_every_byte() -> None:
    texts = _texts()
    key = cache.cache_key(texts, "rules")
    assert cache.cache_key(dict(reversed(list(texts.items()))), "rules") == key
    assert cache.cache_key(texts, "elsewhere") != key
    for name in FILES:
        changed = dict(texts)
        changed[name] = texts[name] + b"\n"
        assert cache.cache_key(changed, "rules") != key


def test_the_cache_can_be_turned_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RONGCUO_CACHE", "off")
    _load(_texts())
    assert not cache_dir.exists() or not list(cache_dir.iterdir())


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("RONGCUO_CACHE_DIR", str(blocker / "cache"))
    assert _load(_texts()).digest == rongcuo.load_ruleset_texts(_texts(), origin=str(RULES)).digest


def test_default_cache_dir_is_the_platform_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.delenv("RONGCUO_CACHE_DIR", raising=False)
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("rongcuo", appauthor=False))
    # on Linux it is worked out without importing platformdirs: XDG_CACHE_HOME is honoured too
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/else")
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("rongcuo", appauthor=False))
    monkeypatch.setenv("XDG_CACHE_HOME", "  ")
    assert cache.cache_dir() == Path(platformdirs.user_cache_dir("rongcuo", appauthor=False))


def test_a_second_process_reads_the_entry(cache_dir: Path) -> None:
    env = {**os.environ, "RONGCUO_CACHE_DIR": str(cache_dir)}
    code = "import rongcuo; print(rongcuo.bundled_ruleset().digest)"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    (entry,) = cache_dir.glob("ruleset-*.pickle")
    stamp = entry.stat().st_mtime_ns
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert second.stdout == first.stdout
    assert entry.stat().st_mtime_ns == stamp  # read, not rewritten
