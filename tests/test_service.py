"""The HTTP service (rongcuo serve): FastAPI's TestClient and a real uvicorn on loopback.

Every error is an RFC 9457 problem document carrying rongcuo's codes and locations; the codes a
body gets are those ``rongcuo.parse_filing`` gives the same bytes (computed here, not written
down), and each verdict is the one ``rongcuo.evaluate`` gives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

import rongcuo
from rongcuo.errors import CODES, CODES_ZH, PROBLEM_TYPE, FilingError, problem_data
from rongcuo.service import create_app, language

from .conftest import EXAMPLES, ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import serve_load

JSON = {"Content-Type": "application/json"}

Post = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real ``rongcuo serve`` process on 127.0.0.1 (a free port), stopped at the end."""
    with serve_load.serving() as url:
        yield url


@pytest.fixture(params=["testclient", "uvicorn"])
def http(request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """The same requests through FastAPI's TestClient and through httpx to a real server."""
    if request.param == "testclient":
        yield request.getfixturevalue("client")
    else:
        with httpx.Client(base_url=request.getfixturevalue("server"), timeout=60) as c:
            yield c


def _example_bodies() -> dict[str, bytes]:
    out = {}
    for path in sorted(EXAMPLES.glob("*.*")):
        if path.suffix in (".json", ".yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            out[path.name] = json.dumps(data, ensure_ascii=False, default=str).encode()
    return out


EXAMPLE_BODIES = _example_bodies()


def _first_example() -> dict[str, Any]:
    return json.loads(next(iter(EXAMPLE_BODIES.values())))


def _repeat_a_value(data: Any) -> bool:
    """List the first string of the first list of strings twice (a set fact's repeat)."""
    if isinstance(data, dict):
        return any(_repeat_a_value(v) for v in data.values())
    if isinstance(data, list):
        if data and isinstance(data[0], str):
            data.append(data[0])
            return True
        return any(_repeat_a_value(v) for v in data)
    return False


def _with_repeat() -> bytes:
    data = _first_example()
    assert _repeat_a_value(data)
    return json.dumps(data, ensure_ascii=False).encode()


def _with_unknown_key() -> bytes:
    data = _first_example()
    group = next(k for k, v in data.items() if isinstance(v, dict))
    key = next(iter(data[group]))
    data[group][key + "x"] = data[group].pop(key)  # a typo of a real key
    return json.dumps(data, ensure_ascii=False).encode()


def _with_bad_date() -> bytes:
    schema = rongcuo.filing_json_schema()
    # the first top-level date field of the schema (a date, a month, a year or a range: its
    # string form has a pattern that starts with four digits), given a day that does not exist
    field = next(
        name
        for name, prop in schema["properties"].items()
        for alt in prop.get("anyOf", [prop])
        for form in alt.get("oneOf", [alt])
        if form.get("pattern", "").startswith("^[0-9]{4}")
    )
    return json.dumps({field: "2023-02-30"}).encode()


HOSTILE: dict[str, bytes] = {
    "repeated_value": _with_repeat(),
    "unknown_key": _with_unknown_key(),
    "bad_date": _with_bad_date(),
    "duplicate_key": b'{"summary": "a", "summary": "b"}',
    "deep_nesting": b'{"summary": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "huge_int": b'{"summary": ' + b"9" * 5000 + b"}",
    "not_json": b'{"summary": "x",,}',
    "not_utf8": b'{"summary": "\xff"}',
    "not_an_object": b'"a filing"',
    "over_one_filing_limit": b'{"summary": "' + b"x" * (1024 * 1024 + 10) + b'"}',
    "ten_megabytes": b'{"summary": "' + b"x" * (10 * 1024 * 1024) + b'"}',
}


def _expected(body: bytes) -> set[tuple[str, str]]:
    """The (code, JSON path) of every problem rongcuo's own parser finds in ``body``."""
    with pytest.raises(FilingError) as info:
        rongcuo.parse_filing(body, format="json")
    return {(p.code, p.location.json_path()) for p in info.value.problems}


def _check_problem_document(r: httpx.Response, path: str) -> dict[str, Any]:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text[:200]
    doc = r.json()
    assert doc["status"] == r.status_code
    assert doc["type"].startswith(PROBLEM_TYPE)
    assert doc["title"] and doc["detail"] and doc["instance"] == path
    assert doc["errors"], doc
    for e in doc["errors"]:
        assert e["code"] in CODES
        assert e["location"]["path"].startswith("$")
        assert e["message"]
    return doc


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bad_bodies_get_problem_documents_with_rongcuo_codes(http: httpx.Client, name: str) -> None:
    body = HOSTILE[name]
    r = http.post("/v1/verdicts", content=body, headers={**JSON, "Accept-Language": "en"})
    doc = _check_problem_document(r, "/v1/verdicts")
    got = {(e["code"], e["location"]["path"]) for e in doc["errors"]}
    if name == "ten_megabytes":  # refused before it is read: the body limit of the service
        assert r.status_code == 413 and got == {("too_large", "$")}
        return
    assert got == _expected(body)
    codes = {code for code, _ in got}
    if "too_large" in codes:
        assert r.status_code == 413
    elif codes & {"json_syntax", "json_duplicate_key", "not_utf8", "too_deep"}:
        assert r.status_code == 400
    else:
        assert r.status_code == 422


def test_the_four_named_in_the_issue_have_their_codes() -> None:
    """A repeated value, an unknown key, a bad date, a hostile document: each coded as such."""
    assert "filing_duplicate_value" in {c for c, _ in _expected(HOSTILE["repeated_value"])}
    assert {c for c, _ in _expected(HOSTILE["unknown_key"])} == {"filing_unknown_field"}
    assert {c for c, _ in _expected(HOSTILE["bad_date"])} == {"filing_invalid_date"}
    assert {c for c, _ in _expected(HOSTILE["deep_nesting"])} == {"too_deep"}


def test_errors_follow_accept_language(http: httpx.Client) -> None:
    body = HOSTILE["unknown_key"]
    with pytest.raises(FilingError) as info:
        rongcuo.parse_filing(body, format="json")
    (problem,) = info.value.problems
    zh = http.post("/v1/verdicts", content=body, headers=JSON).json()  # no header: Chinese
    en = http.post("/v1/verdicts", content=body, headers={**JSON, "Accept-Language": "en-GB"})
    assert en.headers["content-language"] == "en"
    assert en.json()["errors"] == [problem_data(problem, "en")]
    assert zh["errors"] == [problem_data(problem, "zh")]
    assert zh["errors"][0]["message"].startswith(CODES_ZH["filing_unknown_field"])
    assert zh["title"] == "备案无效" and en.json()["title"] == "The filing is not valid"


@pytest.mark.parametrize("name", sorted(EXAMPLE_BODIES))
def test_verdict_is_the_librarys(http: httpx.Client, name: str) -> None:
    body = EXAMPLE_BODIES[name]
    r = http.post("/v1/verdicts", content=body, headers=JSON)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    expected = rongcuo.evaluate(rongcuo.parse_filing(body))
    assert r.json() == json.loads(expected.to_json())


def test_batch_answers_each_filing_in_order(http: httpx.Client) -> None:
    good = list(EXAMPLE_BODIES.values())
    bad = [HOSTILE["repeated_value"], HOSTILE["duplicate_key"], b"5", HOSTILE["deep_nesting"]]
    items = [good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3]]
    body = b"[\n" + b",\n".join(items) + b"\n]"
    r = http.post("/v1/verdicts?trace=false", content=body, headers=JSON)
    assert r.status_code == 200, r.text[:300]
    data = r.json()
    assert data["count"] == len(items) and data["verdicts"] == 3 and data["errors"] == 4
    assert [x["index"] for x in data["results"]] == list(range(len(items)))
    for item, answer in zip(items, data["results"], strict=True):
        try:
            filing = rongcuo.parse_filing(item, format="json")
        except FilingError as exc:
            assert "verdict" not in answer
            assert {e["code"] for e in answer["problem"]["errors"]} == set(exc.codes)
            continue
        verdict = rongcuo.evaluate(filing, trace=False)
        assert answer["verdict"] == json.loads(verdict.to_json())


def test_batch_locations_are_lines_of_the_whole_body(client: TestClient) -> None:
    body = b'[\n{"summary": "a"},\n{"summary": "b", "summary": "c"}\n]'
    r = client.post("/v1/verdicts", content=body, headers=JSON)
    (error,) = r.json()["results"][1]["problem"]["errors"]
    assert error["code"] == "json_duplicate_key" and error["location"]["line"] == 3


def test_an_empty_batch_and_a_broken_array(client: TestClient) -> None:
    r = client.post("/v1/verdicts", content=b"[ ]", headers=JSON)
    assert r.json() == {"count": 0, "verdicts": 0, "errors": 0, "results": []}
    r = client.post("/v1/verdicts", content=b'[{"summary": "a"}', headers=JSON)
    assert r.status_code == 400 and r.json()["errors"][0]["code"] == "json_syntax"


def test_a_batch_too_long_is_413() -> None:
    with TestClient(create_app(max_batch=3)) as small:
        r = small.post("/v1/verdicts", content=b"[{}, {}, {}, {}]", headers=JSON)
    assert r.status_code == 413 and r.json()["errors"][0]["code"] == "too_large"


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "code"),
    [
        ("GET", "/v2/nothing", {}, 404, "not_found"),
        ("GET", "/v1/rules/X99", {}, 404, "not_found"),
        ("PUT", "/v1/verdicts", JSON, 405, "method_not_allowed"),
        ("POST", "/v1/verdicts", {"Content-Type": "text/plain"}, 415, "unsupported_media_type"),
        ("POST", "/v1/verdicts", {}, 415, "unsupported_media_type"),
        ("POST", "/v1/verdicts?as_of=2023-13-01", JSON, 400, "request_invalid"),
        ("POST", "/v1/verdicts?trace=maybe", JSON, 400, "request_invalid"),
    ],
)
def test_http_errors_are_problem_documents(
    http: httpx.Client, method: str, path: str, headers: dict[str, str], status: int, code: str
) -> None:
    r = http.request(method, path, content=b"{}", headers=headers)
    assert r.status_code == status
    doc = _check_problem_document(r, path.split("?", maxsplit=1)[0])
    assert [e["code"] for e in doc["errors"]] == [code]


def test_as_of_is_applied(client: TestClient) -> None:
    data = _first_example()
    body = json.dumps(data, ensure_ascii=False).encode()
    dated = [v for v in data.values() if isinstance(v, str) and len(v) == 10 and v[4] == "-"]
    if not dated:
        pytest.skip("the first example has no top-level date")
    r = client.post("/v1/verdicts?as_of=2000-01-01", content=body, headers=JSON)
    assert r.status_code == 422
    assert {e["code"] for e in r.json()["errors"]} == {"filing_date_after_reference"}


def test_rules_schema_and_health(http: httpx.Client) -> None:
    rules = rongcuo.bundled_ruleset()
    health = http.get("/healthz").json()
    assert health["status"] == "ok" and health["digest"] == rules.digest
    index = http.get("/v1/rules").json()
    assert index["digest"] == rules.digest and index["label"] == rules.label
    assert [c["id"] for c in index["clauses"]] == [c.id for c in rules.clauses]
    for clause in rules.clauses:
        detail = http.get(f"/v1/rules/{clause.id}").json()
        assert detail["text"] == clause.text
        assert detail["citation"] == clause.citation.render("zh")
        assert [e["id"] for e in detail["elements"]] == [e.id for e in clause.elements]
        assert len(detail["examples"]) == len(clause.examples)
    schema = http.get("/v1/schema").json()
    assert schema["filing"] == rongcuo.filing_json_schema()
    assert "status" in schema["verdict"]["properties"]


def test_the_served_rules_load_once_at_start_up(tmp_path: Path) -> None:
    rules = rongcuo.bundled_ruleset()
    rules.dump(tmp_path / "rules")
    app = create_app(rongcuo.load_ruleset(tmp_path / "rules"))
    assert app.state.rules.digest == rules.digest
    # the files are no longer read: removing them changes nothing for the running app
    for f in (tmp_path / "rules").iterdir():
        f.unlink()
    with TestClient(app) as c:
        assert c.get("/healthz").json()["digest"] == rules.digest
        body = next(iter(EXAMPLE_BODIES.values()))
        assert c.post("/v1/verdicts", content=body, headers=JSON).status_code == 200


def test_openapi_is_built_from_the_models(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    assert {"Filing", "Verdict", "ProblemDocument", "BatchAnswer", "ClauseDetail"} <= set(schemas)
    assert schemas["Verdict"]["properties"].keys() >= {"status", "decisive", "receipt"}
    body = doc["paths"]["/v1/verdicts"]["post"]["requestBody"]["content"]["application/json"]
    assert {"$ref": "#/components/schemas/Filing"} in body["schema"]["oneOf"]
    responses = doc["paths"]["/v1/verdicts"]["post"]["responses"]
    for status in ("400", "413", "415", "422"):
        problem = responses[status]["content"]["application/problem+json"]["schema"]
        assert problem == {"$ref": "#/components/schemas/ProblemDocument"}
    assert "HTTPValidationError" not in json.dumps(doc)


def test_the_page_is_served_from_the_package(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "connect-src 'self'" in r.headers["content-security-policy"]
    assert "innerHTML" not in r.text and "http://" not in r.text and "https://" not in r.text


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9,zh;q=0.8", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("fr, en;q=0.1", "en"),
        ("en;q=0, zh;q=0.2", "zh"),
        ("de", "zh"),
        ("*", "zh"),
        ("en;q=abc", "zh"),
    ],
)
def test_accept_language(header: str | None, lang: str) -> None:
    assert language(header) == lang


# --------------------------------------------------------------------------- Filing as a body type


def test_filing_as_a_fastapi_body_type_gets_rongcuo_codes() -> None:
    """The idiomatic endpoint (``filing: rongcuo.Filing``): a repeated value is refused, and
    every error's ``type`` is a rongcuo code, with the did-you-mean hint in ``ctx``."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/screen")
    def screen(filing: rongcuo.Filing) -> dict[str, str]:
        return {"status": rongcuo.evaluate(filing).status.value}

    body = json.loads(_with_repeat())
    with TestClient(app) as c:
        ok = c.post("/screen", json=_first_example())
        assert ok.status_code == 200
        r = c.post("/screen", json=body)
        assert r.status_code == 422
        detail = r.json()["detail"]
        expected = _expected(json.dumps(body).encode())
        assert {(d["type"], "$." + ".".join(map(str, d["loc"][1:]))) for d in detail} == {
            (code, path.replace("[", ".").replace("]", "")) for code, path in expected
        }
        typo = c.post("/screen", json=json.loads(_with_unknown_key())).json()["detail"]
        assert [d["type"] for d in typo] == ["filing_unknown_field"]
        assert typo[0]["ctx"]["hint"].startswith("did you mean")


# --------------------------------------------------------------------------- load


def test_load_on_loopback_loses_nothing(server: str) -> None:
    """The CI-sized run of benchmarks/serve_load.py: 2 clients x 300 requests."""
    result = serve_load.run(server, clients=2, requests=300)
    assert result["requests"] == 600
    assert result["errors"] == 0, result["first_error"]
    assert result["lost"] == 0


# --------------------------------------------------------------------------- the command


def test_serve_without_the_service_extra_is_backend_unavailable() -> None:
    """fastapi hidden from the import system: the coded error and the install hint, exit 1."""
    hide = (
        "import sys, importlib.abc\n"
        "class Hide(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('fastapi', 'uvicorn'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Hide())\n"
    )
    cli = hide + "sys.argv = ['rongcuo', 'serve', '--port', '0', '--lang', 'en']\n"
    cli += "from rongcuo.cli import main\nmain()\n"
    done = subprocess.run(
        [sys.executable, "-c", cli], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 1, done.stderr
    assert "backend_unavailable" in done.stderr and "rongcuo[service]" in done.stderr
    assert "Traceback" not in done.stderr
    lib = hide + (
        "import rongcuo\n"
        "try:\n"
        "    import rongcuo.service\n"
        "except rongcuo.RongcuoError as exc:\n"
        "    assert isinstance(exc, ImportError)\n"
        "    print(exc.codes, exc.problems[0].hint)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", lib], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == "('backend_unavailable',) pip install 'rongcuo[service]'", (
        done.stderr
    )


def test_one_error_shape_in_the_api_and_the_cli(client: TestClient, tmp_path: Path) -> None:
    """The CLI's ``--format json`` problems and the API's ``errors`` are the same dicts
    (the CLI's also name the file)."""
    body = HOSTILE["repeated_value"]
    bad = tmp_path / "bad.json"
    bad.write_bytes(body)
    for lang in ("en", "zh"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "rongcuo.cli",
                "check",
                str(bad),
                "--format",
                "json",
                "--lang",
                lang,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert done.returncode == 1, done.stderr
        cli = json.loads(done.stdout)
        api = client.post("/v1/verdicts", content=body, headers={**JSON, "Accept-Language": lang})
        assert cli["error"] == "filing"
        for p in cli["problems"]:
            assert p["location"].pop("file") == str(bad)
        assert cli["problems"] == api.json()["errors"]


def test_one_error_shape_in_screen_records(client: TestClient) -> None:
    """A ``screen`` record's error is the first problem in the same shape as the API's errors,
    with every problem under ``problems`` when there are several."""
    from rongcuo.batch.screen import screen_record

    for body in (HOSTILE["unknown_key"], HOSTILE["repeated_value"] + b" "):
        api = client.post("/v1/verdicts", content=body, headers={**JSON, "Accept-Language": "en"})
        errors = api.json()["errors"]
        record = screen_record(body, rules=rongcuo.bundled_ruleset())["error"]
        problems = record.pop("problems", [record])
        assert record == problems[0]
        for e in problems:  # a record has the line of its input; the API's body is one line
            e["location"].pop("line", None)
            e["location"].pop("col", None)
        for e in errors:
            e["location"].pop("line", None)
            e["location"].pop("col", None)
        assert problems == errors
