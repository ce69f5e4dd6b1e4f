"""Hardening of the API and the CLI against hostile and careless input (issue 16).

Each test is one reproduction of issue 16, run for real: the bundled rules, the real CLI in a
subprocess (so an internal error is exit 70, never hidden), real git in a scratch repository.

* the Python API refuses cyclic, over-deep and non-JSON values with a coded ``FilingError``
  (``filing_not_json``, ``too_deep``, ...), and wrong argument types with a ``TypeError`` that
  says what to pass;
* values of any size or content never break error reporting (``errors.show``), and text that
  reaches a terminal has its control characters escaped;
* ``git:REV`` never passes a revision to git as an option (``rules_git_revision``);
* strict metadata: a stored verdict with a duplicate key, ``rongcuo: true``, a ``datetime`` as
  ``effective``, ``--as-of 20230101`` and ``--rules ''`` are refused (``option_invalid``); a
  ruleset labelled ``"1e5"`` pickles;
* receipts: keyed (HMAC-SHA256) and unkeyed never stand in for each other
  (``verdict_receipt_kind``), a wrong key or a tampered verdict is ``verdict_receipt_mismatch``, a
  short key is ``receipt_key``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import rongcuo
from rongcuo._guard import MAX_DEPTH, check_json_value
from rongcuo.errors import (
    FilingError,
    RongcuoError,
    RulesError,
    VerdictError,
    escape_terminal,
    show,
)
from rongcuo.verdict.receipt import MIN_KEY_BYTES

from .conftest import EXAMPLES, ROOT, RULES

P3 = EXAMPLES / "eligible-p3-relief-funds.yaml"


def _cli(
    *args: str, cwd: Path | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(Path(rongcuo.__file__).parents[1])}
    env.pop("RONGCUO_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "rongcuo.cli", *args],
        capture_output=True,
        input=stdin,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _codes(run: subprocess.CompletedProcess[bytes]) -> str:
    assert run.returncode == 1, (run.returncode, run.stderr)
    text = run.stderr.decode("utf-8")
    assert "Traceback" not in text and "internal error" not in text
    return text


def _filing() -> dict[str, object]:
    data = rongcuo.load_filing(P3).model_dump(mode="json", exclude_none=True)
    assert isinstance(data, dict)
    return data


# --------------------------------------------------------------------------- the API guard


def _refused(value: object) -> list[tuple[str, str]]:
    with pytest.raises(FilingError) as info:
        rongcuo.evaluate(value)  # type: ignore[arg-type]
    return [(p.code, p.location.json_path()) for p in info.value.problems]


def test_cyclic_values_are_refused_not_looped_over() -> None:
    loop: dict[str, object] = {}
    loop["again"] = loop
    items: list[object] = []
    items.append(items)
    start = time.perf_counter()
    assert _refused({"subject": loop}) == [("filing_not_json", "$.subject.again")]
    assert _refused({"matter": {"causes": items}}) == [("filing_not_json", "$.matter.causes[0]")]
    assert time.perf_counter() - start < 5
    # the same list under two keys is no cycle: the guard lets it through to the model
    shared = ["people_service"]
    check_json_value({"context": {"work_areas": shared}, "other": shared})


def test_deep_values_are_refused_without_recursion() -> None:
    for make in (lambda x: [x], lambda x: {"a": x}):
        value: object = "leaf"
        for _ in range(100_000):
            value = make(value)
        (problem,) = _refused({"summary": value})
        assert problem[0] == "too_deep"
        assert problem[1].count("[0]") + problem[1].count(".a") == MAX_DEPTH - 1


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ({"summary": {"a", "b"}}, "filing_not_json"),
        ({"summary": b"bytes"}, "filing_not_json"),
        ({"summary": float("nan")}, "filing_not_json"),
        ({"summary": float("-inf")}, "filing_not_json"),
        ({"summary": object()}, "filing_not_json"),
        ({"summary": 10**5000}, "filing_invalid_value"),
        ({"summary": -(2**64)}, "filing_invalid_value"),
        ({"summary": "\ud800"}, "not_utf8"),
        ({"summary": "x" * (1024 * 1024 + 1)}, "filing_too_long"),
    ],
    ids=[
        "set",
        "bytes",
        "nan",
        "inf",
        "object",
        "int_5000_digits",
        "int_65_bits",
        "surrogate",
        "long",
    ],
)
def test_non_json_values_are_refused_with_a_code(value: dict[str, object], code: str) -> None:
    assert _refused(value) == [(code, "$.summary")]
    with pytest.raises(FilingError) as info:
        rongcuo.parse_filing(value, filename="api")
    assert info.value.problems[0].location.file == "api"
    str(info.value)  # the message can always be made, and printed
    json.dumps(info.value.to_dict()).encode("utf-8")


def test_keys_must_be_strings_without_surrogates() -> None:
    assert _refused({1: "x"}) == [("filing_not_json", "$")]
    (problem,) = _refused({"\udcff": 1})
    assert problem[0] == "not_utf8"


def test_a_huge_int_in_yaml_is_a_located_error() -> None:
    """The reproduction: ``id: 0xfff…`` of more than 4,300 digits raised ValueError."""
    with pytest.raises(FilingError) as info:
        rongcuo.parse_filing(b"id: 0x" + b"f" * 5000 + b"\n", filename="f.yaml")
    (problem,) = info.value.problems
    # refused before the model reads it: no value outside what JSON can carry (an integer of
    # more than 64 bits) reaches it, whatever field it is in (rongcuo._guard)
    assert (problem.code, problem.location.line, problem.location.col) == (
        "filing_invalid_value",
        1,
        5,
    )
    assert "<int of 6021 digits>" in problem.message
    with pytest.raises(FilingError) as small:
        rongcuo.parse_filing(b"id: 5\n")
    assert [p.code for p in small.value.problems] == ["filing_wrong_type"]


def test_a_surrogate_in_yaml_is_located_in_values_and_keys() -> None:
    for text, where in ((b'summary: "\\ud800"\n', (1, 10)), (b'"\\udc00": 1\n', (1, 1))):
        with pytest.raises(FilingError) as info:
            rongcuo.parse_filing(text, filename="f.yaml")
        (problem,) = info.value.problems
        assert problem.code == "not_utf8"
        assert (problem.location.line, problem.location.col) == where
    # a pair of escapes is the one character it encodes
    assert rongcuo.parse_filing(b'summary: "\\ud83d\\ude00"\n').summary == "\U0001f600"


def test_a_valid_filing_passes_the_guard_unchanged() -> None:
    data = _filing()
    check_json_value(data)
    assert (
        rongcuo.evaluate(data).status.value
        == rongcuo.evaluate(rongcuo.load_filing(P3)).status.value
    )


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: rongcuo.evaluate({}, as_of=dt.datetime(2023, 1, 1)), ".date()"),
        (lambda: rongcuo.evaluate({}, rules="rules"), "load_ruleset"),
        (lambda: rongcuo.evaluate({}, trace="yes"), "True or False"),
        (lambda: rongcuo.evaluate("filing.yaml"), "load_filing"),
        (lambda: rongcuo.render_text(rongcuo.evaluate({}), lang=3), '"zh" or "en"'),
        (lambda: rongcuo.render_text({}, lang="en"), "a Verdict"),
        (lambda: rongcuo.load_ruleset(3), "directory path"),
        (lambda: rongcuo.evaluate({}, key="secret"), "bytes"),
        (lambda: rongcuo.verify(3, {}), "a Verdict, its JSON"),
    ],
    ids=[
        "as_of_datetime",
        "rules_str",
        "trace_str",
        "filing_path",
        "lang_int",
        "render_dict",
        "load_int",
        "key_str",
        "verify_int",
    ],
)
def test_wrong_argument_types_say_what_to_pass(call: object, says: str) -> None:
    with pytest.raises(TypeError) as info:
        call()  # type: ignore[operator]
    assert says in str(info.value)


# --------------------------------------------------------------------------- messages and terminals


def test_show_shortens_and_escapes() -> None:
    assert show(10**5000) == "<int of 5001 digits>"
    assert show(-(10**99)) == "<int of 100 digits>"
    assert show(12345) == "12345"
    assert show("\x1b[31m") == "'\\x1b[31m'"
    assert show("\ud800") == "'\\ud800'"
    assert show("\u202e") == "'\\u202e'"
    assert show("中" * 100, limit=3) == "'中中中'… (100 characters)"
    loop: list[object] = []
    loop.append(loop)
    assert show(loop) == "<list of 1 items>"
    assert escape_terminal("中文\n\t\x1b[31m\x9b") == "中文\n\t\\x1b[31m\\x9b"


def test_terminal_escapes_from_a_filing_reach_the_terminal_escaped(tmp_path: Path) -> None:
    data = {**_filing(), "id": "\x1b[31mRED\x1b]0;title\x07"}
    filing = tmp_path / "f.json"
    filing.write_text(json.dumps(data), encoding="utf-8")
    run = _cli("check", str(filing), "--lang", "en")
    assert run.returncode == 0, run.stderr
    assert b"\x1b" not in run.stdout and b"\x07" not in run.stdout
    assert b"\\x1b[31mRED" in run.stdout
    # an unknown key holding an escape, in an error message
    filing.write_text(json.dumps({"\x1b[2J": 1}), encoding="utf-8")
    text = _codes(_cli("check", str(filing), "--lang", "en"))
    assert "\x1b" not in text and "\\x1b[2J" in text


def test_terminal_escapes_from_a_rules_label_reach_the_terminal_escaped(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    label = next(line for line in text.splitlines() if line.startswith("label:"))
    manifest.write_text(text.replace(label, 'label: "\\e[31mevil\\e[0m"'), encoding="utf-8")
    run = _cli("rules", "--rules", str(rules))
    assert run.returncode == 0, run.stderr
    assert b"\x1b" not in run.stdout
    assert b"\\x1b[31mevil" in run.stdout


# --------------------------------------------------------------------------- git:REV


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(RULES, root / "rules")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    for args in (["init", "-q"], ["add", "rules"], ["commit", "-q", "-m", "rules"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)
    return root


def test_git_supports_end_of_options() -> None:
    out = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True).stdout
    major, minor = (int(x) for x in out.split()[2].split(".")[:2])
    assert (major, minor) >= (2, 24), out  # --end-of-options came with git 2.24


def test_a_revision_starting_with_a_dash_is_never_an_option(repo: Path, tmp_path: Path) -> None:
    """The reproduction: ``diff git:--output=/tmp/x git:HEAD`` made git write a file."""
    target = tmp_path / "written-by-git"
    run = _cli("diff", f"git:--output={target}", "git:HEAD", "--lang", "en", cwd=repo)
    text = _codes(run)
    assert ": rules_git_revision: " in text
    assert "never starts with '-'" in text
    assert not target.exists()
    run = _cli("diff", "git:HEAD:--output=x", "git:HEAD", cwd=repo)
    assert ": rules_git_revision: " in _codes(run)


def test_a_good_revision_still_loads(repo: Path) -> None:
    from rongcuo.analysis.diff import load_side

    assert load_side("git:HEAD", cwd=repo).digest == rongcuo.load_ruleset(RULES).digest
    with pytest.raises(RulesError) as info:
        load_side("git:no-such-rev", cwd=repo)
    assert set(info.value.codes) == {"rules_git_revision"}


# --------------------------------------------------------------------------- strict metadata


def test_a_stored_verdict_with_a_duplicate_status_key_is_refused(tmp_path: Path) -> None:
    verdict = rongcuo.evaluate(_filing())
    text = verdict.to_json(indent=None)
    assert text.count('"status":"eligible",') == 1
    doubled = text.replace('"status":"eligible",', '"status":"eligible","status":"ineligible",')
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(doubled, _filing(), filename="v.json")
    (problem,) = info.value.problems
    assert problem.code == "json_duplicate_key"
    assert (problem.location.file, problem.location.line) == ("v.json", 1)
    stored = tmp_path / "v.json"
    stored.write_text(doubled, encoding="utf-8")
    assert ": json_duplicate_key: " in _codes(_cli("verify", str(stored), str(P3)))
    assert rongcuo.verify(text, _filing()).status is verdict.status  # the same, once: verifies


def _rules_with(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    manifest = rules / "ruleset.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("rongcuo: 2", "rongcuo: true", "rules_metadata"),
        ("rongcuo: 2", "rongcuo: 2.0", "rules_metadata"),
        ("effective: 2022-12-30", "effective: 2022-12-30T00:00:00", "rules_wrong_type"),
        ("effective: 2022-12-30", 'effective: "2022-12-30"', "rules_wrong_type"),
    ],
    ids=["version_true", "version_float", "effective_datetime", "effective_string"],
)
def test_rule_metadata_is_strictly_typed(tmp_path: Path, old: str, new: str, code: str) -> None:
    with pytest.raises(RulesError) as info:
        rongcuo.load_ruleset(_rules_with(tmp_path, old, new))
    assert code in info.value.codes
    problem = next(p for p in info.value.problems if p.code == code)
    assert problem.location.line > 0


def test_a_label_is_a_string(tmp_path: Path) -> None:
    text = (RULES / "ruleset.yaml").read_text(encoding="utf-8")
    label = next(line for line in text.splitlines() if line.startswith("label:"))
    with pytest.raises(RulesError) as info:
        rongcuo.load_ruleset(_rules_with(tmp_path, label, "label: 1e5"))
    assert "rules_wrong_type" in info.value.codes


def test_a_ruleset_labelled_1e5_pickles(tmp_path: Path) -> None:
    """The reproduction: the label was dumped unquoted and read back as a number."""
    text = (RULES / "ruleset.yaml").read_text(encoding="utf-8")
    label = next(line for line in text.splitlines() if line.startswith("label:"))
    rules = rongcuo.load_ruleset(_rules_with(tmp_path, label, 'label: "1e5"'))
    assert rules.label == "1e5"
    again = pickle.loads(pickle.dumps(rules))
    assert again.label == "1e5"
    assert again.digest == rules.digest
    filing = _filing()
    assert again is not rules
    assert (
        rongcuo.evaluate(filing, rules=again).to_json()
        == rongcuo.evaluate(filing, rules=rules).to_json()
    )


def test_a_pickled_ruleset_whose_parts_were_altered_is_refused() -> None:
    from rongcuo.rules.ruleset import _rebuild_parts

    rules = rongcuo.bundled_ruleset()
    fn, args = rules.__reduce__()
    assert fn is _rebuild_parts
    with pytest.raises(ValueError, match="does not match its digest"):
        fn(*args[:-1], "0" * 64)


@pytest.mark.parametrize(
    "as_of", ["20230101", "2023-W01-1", "2023-1-1", "2023-02-30", "", "2023-01-01T00:00"]
)
def test_as_of_is_exactly_yyyy_mm_dd(as_of: str) -> None:
    text = _codes(_cli("check", str(P3), "--as-of", as_of, "--lang", "en"))
    assert "--as-of: option_invalid: " in text


def test_as_of_in_the_right_form_is_taken() -> None:
    run = _cli("check", str(P3), "--as-of", "2023-12-31", "-f", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["as_of"] == "2023-12-31"


@pytest.mark.parametrize(
    "command", [["check", str(P3)], ["rules"], ["lint"], ["coverage", "--clause-examples"]]
)
def test_an_empty_rules_option_is_refused(command: list[str], tmp_path: Path) -> None:
    (tmp_path / "ruleset.yaml").write_text("not: a ruleset\n", encoding="utf-8")
    args = [*command, ""] if command == ["lint"] else [*command, "--rules", ""]
    text = _codes(_cli(*args, "--lang", "en", cwd=tmp_path))
    assert "option_invalid" in text
    assert "ruleset.yaml" not in text  # the current directory was not read
    with pytest.raises(RulesError):
        rongcuo.load_ruleset("")


def test_diff_output_is_never_its_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    shutil.copy(ROOT / "examples" / "revisions" / "corpus.jsonl", corpus)
    before = corpus.read_bytes()
    run = _cli(
        "diff", str(RULES), str(RULES), "--corpus", str(corpus), "-o", str(corpus), "--lang", "en"
    )
    assert "option_invalid" in _codes(run)
    assert corpus.read_bytes() == before


# --------------------------------------------------------------------------- receipts

KEY = b"k" * 32


def test_a_keyed_receipt_verifies_only_with_its_key() -> None:
    filing = _filing()
    keyed = rongcuo.evaluate(filing, key=KEY)
    plain = rongcuo.evaluate(filing)
    assert keyed.receipt.startswith("hmac-sha256:") and plain.receipt.startswith("sha256:")
    assert keyed.receipt.split(":")[1] != plain.receipt.split(":")[1]
    assert rongcuo.verify(keyed.to_json(), filing, key=KEY).receipt == keyed.receipt
    assert rongcuo.verify(plain.to_json(), filing).receipt == plain.receipt
    cases = [
        (keyed, None, "verdict_receipt_kind"),  # the key is missing
        (plain, KEY, "verdict_receipt_kind"),  # a key for an unkeyed receipt
        (keyed, b"x" * 32, "verdict_receipt_mismatch"),  # the wrong key
    ]
    for verdict, key, code in cases:
        with pytest.raises(VerdictError) as info:
            rongcuo.verify(verdict.to_json(), filing, key=key)
        assert info.value.codes == (code,)


def test_a_tampered_keyed_verdict_cannot_be_given_a_new_receipt_without_the_key() -> None:
    from rongcuo.verdict.receipt import receipt_for
    from rongcuo.verdict.verdict import Verdict

    filing = rongcuo.parse_filing(_filing())
    keyed = rongcuo.evaluate(filing, key=KEY)
    data = json.loads(keyed.to_json())
    data["status"] = "ineligible"
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(json.dumps(data), filing, key=KEY)
    assert info.value.codes == ("verdict_receipt_mismatch",)
    # the forger recomputes an unkeyed receipt, as one can for sha256: it is the wrong kind
    forged = Verdict.model_validate({**data, "receipt": "sha256:" + "0" * 64})
    data["receipt"] = receipt_for(forged, filing)
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(json.dumps(data), filing, key=KEY)
    assert info.value.codes == ("verdict_receipt_kind",)
    # ... or an HMAC under a key of their own
    data["receipt"] = receipt_for(forged, filing, key=b"f" * 32)
    with pytest.raises(VerdictError) as info:
        rongcuo.verify(json.dumps(data), filing, key=KEY)
    assert info.value.codes == ("verdict_receipt_mismatch",)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(RongcuoError) as info:
        rongcuo.evaluate({}, key=b"k" * (MIN_KEY_BYTES - 1))
    assert info.value.codes == ("receipt_key",)


def test_keyed_receipts_on_the_command_line(tmp_path: Path) -> None:
    key = tmp_path / "receipt.key"
    key.write_bytes(os.urandom(32).hex().encode() + b"\n")
    other = tmp_path / "other.key"
    other.write_bytes(os.urandom(32))
    made = _cli("check", str(P3), "--key-file", str(key), "-f", "json")
    assert made.returncode == 0, made.stderr
    stored = tmp_path / "verdict.json"
    stored.write_bytes(made.stdout)
    assert json.loads(made.stdout)["receipt"].startswith("hmac-sha256:")
    ok = _cli("verify", str(stored), str(P3), "--key-file", str(key))
    assert ok.returncode == 0, ok.stderr
    assert ": verdict_receipt_kind: " in _codes(
        _cli("verify", str(stored), str(P3), "--lang", "en")
    )
    assert ": verdict_receipt_mismatch: " in _codes(
        _cli("verify", str(stored), str(P3), "--key-file", str(other))
    )
    short = tmp_path / "short.key"
    short.write_bytes(b"secret\n")
    assert ": receipt_key: " in _codes(_cli("check", str(P3), "--key-file", str(short)))
    assert ": not_regular_file: " in _codes(_cli("check", str(P3), "--key-file", "/dev/zero"))
    assert ": io_error: " in _codes(_cli("check", str(P3), "--key-file", str(tmp_path / "missing")))


def test_docs_say_a_receipt_is_not_a_signature() -> None:
    for doc in (ROOT / "README.md", ROOT / "docs" / "screening.md"):
        text = doc.read_text(encoding="utf-8")
        assert "not a signature" in text, doc
        assert "--key-file" in text, doc
