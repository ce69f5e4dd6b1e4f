"""The HTTP service: ``rongcuo serve`` (FastAPI on uvicorn, the ``service`` extra).

Endpoints (docs/service.md)::

    POST /v1/verdicts        one filing (a JSON object) -> its Verdict;
                             a batch (a JSON array of filings) -> one answer each, in order
    GET  /v1/schema          the JSON Schemas of a filing and of a verdict
    GET  /v1/rules           the ruleset: label, digest, every clause's text and citation
    GET  /v1/rules/{id}      one clause with its elements and examples
    GET  /healthz            liveness, with the ruleset's digest
    GET  /                   a page to paste a filing into and read its verdict

The request body is read raw and parsed by rongcuo's own parser (:func:`rongcuo.parse_filing`),
so a duplicate key, a value listed twice, an over-long list, dates out of order, deep nesting or
a number too large all come back with rongcuo's codes and locations. Every error is an RFC 9457
problem document (``application/problem+json``) whose ``errors`` hold the coded problems, in
Chinese or English by ``Accept-Language`` (Chinese when the header asks for neither). The
ruleset is loaded, checked and compiled once, when the app is made.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..batch.many import evaluate_many
from ..engine.decide import evaluate
from ..errors import FilingError, Location, Problem, RongcuoError, problem_document
from ..facts.filings import MAX_FILING_BYTES, parse_filing
from ..facts.v2 import Filing, filing_json_schema
from ..rules.ruleset import Ruleset
from ..verdict.verdict import Verdict
from . import models

__all__ = ["MAX_BATCH", "MAX_BODY_BYTES", "RequestError", "create_app", "language"]

MAX_BODY_BYTES: Final = 8 * 1024 * 1024
"""The largest request body accepted (a batch); one filing may hold at most 1 MiB of it."""

MAX_BATCH: Final = 1000
"""The most filings one batch request may hold."""

PROBLEM_JSON: Final = "application/problem+json"

#: codes of a body that cannot be read as JSON at all: 400 Bad Request (else 422)
_UNREADABLE: Final = frozenset({"json_syntax", "json_duplicate_key", "not_utf8", "too_deep"})


class RequestError(RongcuoError):
    """A request the service cannot answer: an unknown path, a method, a media type, a body
    too large, a query parameter that is malformed. ``status`` is its HTTP status."""

    kind = "request"

    def __init__(self, problems: list[Problem], status: int) -> None:
        super().__init__(problems)
        self.status = status

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self.problems), self.status))


_TITLES: Final = {
    400: ("请求无法读取", "Bad Request"),
    404: ("未找到", "Not Found"),
    405: ("不支持该请求方法", "Method Not Allowed"),
    413: ("请求内容过大", "Content Too Large"),
    415: ("不支持该媒体类型", "Unsupported Media Type"),
    422: ("请求内容无效", "Unprocessable Content"),
}


# --------------------------------------------------------------------------- language


_LANG_RANGE: Final = re.compile(
    r"([A-Za-z*]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]{1,5}))?"
)


def language(header: str | None) -> str:
    """``"zh"`` or ``"en"`` from an ``Accept-Language`` header: the one it ranks higher
    (by ``q``, then by order); ``"zh"`` when it names neither, or there is no header.

    >>> language("en-US,en;q=0.9"), language("fr, zh-CN;q=0.5, en;q=0.4"), language(None)
    ('en', 'zh', 'zh')
    """
    best: tuple[float, int, str] | None = None
    for i, part in enumerate((header or "")[:1000].split(",")[:50]):
        m = _LANG_RANGE.fullmatch(part.strip())
        if not m:
            continue
        tag = m.group(1).lower()
        if tag not in ("zh", "en"):
            continue
        try:
            q = float(m.group(2)) if m.group(2) else 1.0
        except ValueError:
            continue
        if q <= 0:
            continue
        if best is None or (q, -i) > (best[0], best[1]):
            best = (q, -i, tag)
    return best[2] if best else "zh"


# --------------------------------------------------------------------------- responses


def _problem_response(
    error: RongcuoError, status: int, request: Request, lang: str | None = None
) -> JSONResponse:
    lang = lang or language(request.headers.get("accept-language"))
    doc = problem_document(error, status=status, lang=lang, instance=request.url.path)
    if isinstance(error, RequestError) and status in _TITLES:
        zh, en = _TITLES[status]
        doc["title"] = zh if lang == "zh" else en
    return JSONResponse(
        doc, status_code=status, media_type=PROBLEM_JSON, headers={"Content-Language": lang}
    )


def _status_of(error: RongcuoError) -> int:
    if isinstance(error, RequestError):
        return error.status
    codes = set(error.codes)
    if "too_large" in codes:
        return 413
    if codes & _UNREADABLE:
        return 400
    return 422


def _request_error(
    code: str, message: str, status: int, *path: str | int, zh: str = ""
) -> RequestError:
    return RequestError([Problem(code, message, Location(path=path), message_zh=zh)], status)


class _Json(Response):
    """A response whose body is JSON text already made (a verdict's deterministic JSON)."""

    media_type = "application/json"


# --------------------------------------------------------------------------- reading the body


async def _body(request: Request, limit: int) -> bytes:
    """The request body, refused as ``too_large`` (413) as soon as it passes ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _request_error(
            "too_large",
            f"a body of {declared} bytes; at most {limit} are accepted",
            413,
            zh=f"请求体有 {declared} 字节；最多接受 {limit} 字节",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _request_error(
                "too_large",
                f"a body of more than {limit} bytes; at most {limit} are accepted",
                413,
                zh=f"请求体超过 {limit} 字节；最多接受 {limit} 字节",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or (
        media.startswith("application/") and media.endswith("+json")
    )


_TOKEN: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]', re.DOTALL)
_SPACE: Final = b" \t\r\n"


def split_array(body: bytes) -> list[tuple[int, int]] | None:
    """The byte spans of the items of a JSON array, found without parsing them (so that each is
    then read, and refused, on its own); ``None`` when ``body`` is not an array whose brackets
    and strings are balanced. Each item's own syntax is its parser's business.

    >>> [b'[{"a": [1]}, "x,]", 3]'[a:b] for a, b in split_array(b'[{"a": [1]}, "x,]", 3]')]
    [b'{"a": [1]}', b'"x,]"', b'3']
    """
    start = len(body) - len(body.lstrip(_SPACE))
    if body[start : start + 1] != b"[":
        return None
    spans: list[tuple[int, int]] = []
    depth = 0
    item = start + 1
    for m in _TOKEN.finditer(body, start + 1):
        tok = m.group()
        if tok in (b"[", b"{"):
            depth += 1
        elif tok in (b"]", b"}"):
            if depth == 0:
                if tok == b"}":
                    return None
                last = body[item : m.start()].strip(_SPACE)
                if last:
                    spans.append((item, m.start()))
                elif spans:
                    spans.append((item, m.start()))  # a trailing comma: an empty, bad item
                if body[m.end() :].strip(_SPACE):
                    return None  # text after the array
                return spans
            depth -= 1
        elif tok == b"," and depth == 0:
            spans.append((item, m.start()))
            item = m.end()
    return None


def _shifted(error: RongcuoError, body: bytes, start: int) -> FilingError:
    """An item's problems with their lines and columns counted in the whole body."""
    line0 = body.count(b"\n", 0, start)
    col0 = start - (body.rfind(b"\n", 0, start) + 1)
    out = []
    for p in error.problems:
        loc = p.location
        if loc.line:
            col = loc.col + col0 if loc.line == 1 else loc.col
            loc = Location(loc.file, loc.line + line0, col, loc.path)
        out.append(Problem(p.code, p.message, loc, p.hint, p.message_zh))
    return FilingError(out)


# --------------------------------------------------------------------------- the app


def _clause_info(c: Any, lang: str = "zh") -> dict[str, Any]:
    return {
        "id": c.id,
        "list": str(c.list.value),
        "text": c.text,
        "summary": c.summary,
        "citation": c.citation.render(lang),
        "catch_all": bool(c.catch_all),
    }


def _ruleset_info(rules: Ruleset) -> dict[str, Any]:
    return {
        "label": rules.label,
        "source": rules.meta.source,
        "effective": rules.meta.effective.isoformat(),
        "digest": rules.digest,
        "clauses": [_clause_info(c) for c in rules.clauses],
    }


def _clause_detail(rules: Ruleset, clause_id: str) -> dict[str, Any]:
    c = rules.clause(clause_id)
    return {
        **_clause_info(c),
        "elements": [{"id": e.id, "phrases": list(e.phrases), "note": e.note} for e in c.elements],
        "examples": [
            {"name": ex.name, "holds": ex.holds, "filing": ex.filing_data()} for ex in c.examples
        ],
    }


def _flag(request: Request, name: str, default: bool) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return default
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise _request_error(
        "request_invalid",
        f"?{name}= is true or false, got {value[:40]!r}",
        400,
        name,
        zh=f"?{name}= 应为 true 或 false，实际为 {value[:40]!r}",
    )


def _as_of(request: Request) -> dt.date | None:
    value = request.query_params.get("as_of")
    if value is None:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _request_error(
            "request_invalid",
            f"?as_of= is a date YYYY-MM-DD, got {value[:40]!r}",
            400,
            "as_of",
            zh=f"?as_of= 应为日期 YYYY-MM-DD，实际为 {value[:40]!r}",
        ) from None


def create_app(
    rules: Ruleset | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    max_batch: int = MAX_BATCH,
) -> FastAPI:
    """The service as an ASGI app, serving ``rules`` (default: the bundled ruleset), which is
    loaded once, here, before the first request."""
    if rules is None:
        from ..rules.load import bundled_ruleset

        rules = bundled_ruleset()
    from .._version import __version__

    ruleset: Ruleset = rules
    app = FastAPI(
        title="rongcuo",
        version=__version__,
        summary="Screen 容错免责备案 filings against the positive and negative lists of "
        "平纪发〔2022〕4号.",
        description="Errors are RFC 9457 problem documents whose `errors` carry rongcuo's codes "
        "(docs/errors.md); their language follows `Accept-Language` (zh or en; zh by default).",
        docs_url="/docs",
        redoc_url=None,
    )
    info = _ruleset_info(ruleset)
    health = {
        "status": "ok",
        "version": __version__,
        "ruleset": ruleset.label,
        "digest": ruleset.digest,
    }
    schemas = {
        "filing": filing_json_schema(),
        "verdict": Verdict.model_json_schema(mode="serialization"),
    }
    page = resources.files(__package__).joinpath("page.html").read_text(encoding="utf-8")
    problem: dict[str, Any] = {"model": models.ProblemDocument}  # as problem+json: _problem_json

    @app.exception_handler(RongcuoError)
    async def _rongcuo_error(request: Request, exc: Exception) -> Response:
        error = exc if isinstance(exc, RongcuoError) else RongcuoError([])
        return _problem_response(error, _status_of(error), request)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
        headers = exc.headers if isinstance(exc, StarletteHTTPException) else None
        allow = (headers or {}).get("Allow")
        if status == 404:
            error = _request_error(
                "not_found",
                f"nothing is served at {request.url.path[:200]}",
                404,
                zh=f"{request.url.path[:200]} 处没有提供任何内容",
            )
        elif status == 405:
            error = _request_error(
                "method_not_allowed",
                f"{request.method[:20]} is not allowed here"
                + (f"; allowed: {allow}" if allow else ""),
                405,
                zh=f"此处不允许 {request.method[:20]}" + (f"；允许：{allow}" if allow else ""),
            )
        else:
            detail = exc.detail if isinstance(exc, StarletteHTTPException) else ""
            error = _request_error("request_invalid", str(detail)[:200], status)
        response = _problem_response(error, status, request)
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: Exception) -> Response:
        found = exc.errors() if isinstance(exc, RequestValidationError) else []
        problems = [
            Problem(
                "request_invalid",
                str(e.get("msg", "invalid"))[:200],
                Location(path=tuple(p for p in e.get("loc", ()) if isinstance(p, str | int))),
            )
            for e in found
        ] or [Problem("request_invalid", "the request is not valid")]
        return _problem_response(RequestError(problems, 400), 400, request)

    @app.get("/healthz", response_model=models.Health, tags=["service"])
    async def healthz() -> dict[str, Any]:
        """Liveness: the service answers, with the ruleset it serves."""
        return health

    @app.get("/v1/schema", response_model=models.Schemas, tags=["schema"])
    async def schema() -> dict[str, Any]:
        """The JSON Schemas of a filing (the request body) and of a verdict (the answer)."""
        return schemas

    @app.get("/v1/rules", response_model=models.RulesetInfo, tags=["rules"])
    async def rules_index() -> dict[str, Any]:
        """The ruleset: its label, source, effective date, digest, and every clause."""
        return info

    @app.get(
        "/v1/rules/{clause_id}",
        response_model=models.ClauseDetail,
        responses={404: problem},
        tags=["rules"],
    )
    async def rule(clause_id: str, request: Request) -> dict[str, Any]:
        """One clause: its verbatim text and citation, elements and examples."""
        if clause_id not in ruleset:
            raise _request_error(
                "not_found",
                f"the ruleset has no clause {clause_id[:40]!r}",
                404,
                "clause_id",
                zh=f"规则集中没有条款 {clause_id[:40]!r}",
            )
        return _clause_detail(ruleset, clause_id)

    @app.post(
        "/v1/verdicts",
        response_model=models.BatchAnswer | Verdict,
        responses={
            200: {
                "description": "the verdict of one filing, or the answers to a batch",
                "model": Verdict | models.BatchAnswer,
            },
            400: problem,
            413: problem,
            415: problem,
            422: problem,
        },
        openapi_extra={
            "parameters": [
                {
                    "name": "as_of",
                    "in": "query",
                    "required": False,
                    "description": "the reference date YYYY-MM-DD: no fact may be dated after it",
                    "schema": {"type": "string", "format": "date"},
                },
                {
                    "name": "trace",
                    "in": "query",
                    "required": False,
                    "description": "include the element-by-element trace (default true)",
                    "schema": {"type": "boolean", "default": True},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/Filing"},
                                {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Filing"},
                                    "maxItems": max_batch,
                                },
                            ]
                        }
                    }
                },
            },
        },
        tags=["verdicts"],
    )
    async def verdicts(request: Request) -> Response:
        """Screen one filing (a JSON object) or a batch (a JSON array of filings).

        One filing: its verdict, or a problem document (400, 413, 422). A batch: 200 with one
        answer per filing in order, a verdict or a problem document; one bad filing never fails
        the batch. The body is parsed by rongcuo itself: every problem is coded and located.
        """
        if not _is_json(request.headers.get("content-type")):
            shown = (request.headers.get("content-type") or "none")[:80]
            raise _request_error(
                "unsupported_media_type",
                f"the body must be application/json, got {shown}",
                415,
                zh=f"请求体必须是 application/json，实际为 {shown}",
            )
        as_of, trace = _as_of(request), _flag(request, "trace", True)
        body = await _body(request, max_body_bytes)
        spans = split_array(body)
        if spans is None:
            if len(body) > MAX_FILING_BYTES:
                raise _request_error(
                    "too_large",
                    f"{len(body)} bytes; one filing may hold at most {MAX_FILING_BYTES}",
                    413,
                    zh=f"{len(body)} 字节；一份备案最多 {MAX_FILING_BYTES} 字节",
                )
            return await run_in_threadpool(_one, body, ruleset, as_of, trace)
        if len(spans) > max_batch:
            raise _request_error(
                "too_large",
                f"a batch of {len(spans)} filings; at most {max_batch}",
                413,
                zh=f"一批有 {len(spans)} 份备案；最多 {max_batch} 份",
            )
        lang = language(request.headers.get("accept-language"))
        return await run_in_threadpool(_batch, body, spans, ruleset, as_of, trace, lang)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index() -> HTMLResponse:
        return HTMLResponse(
            page,
            headers={
                "Content-Security-Policy": "default-src 'self'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
                "X-Content-Type-Options": "nosniff",
            },
        )

    def _openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            filing = Filing.model_json_schema(ref_template="#/components/schemas/{model}")
            components = doc.setdefault("components", {}).setdefault("schemas", {})
            components.update(filing.pop("$defs", {}))
            components["Filing"] = filing
            _problem_json(doc)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = _openapi  # type: ignore[method-assign]
    app.state.rules = ruleset
    return app


def _problem_json(doc: dict[str, Any]) -> None:
    """Every error response the document declares is a problem document served as
    ``application/problem+json``, not FastAPI's default validation error."""
    problem = {"$ref": "#/components/schemas/ProblemDocument"}
    for operations in doc.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                if status.isdigit() and int(status) >= 400:
                    answer["content"] = {PROBLEM_JSON: {"schema": problem}}
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def _one(body: bytes, rules: Ruleset, as_of: dt.date | None, trace: bool) -> Response:
    filing = parse_filing(body, format="json", rules=rules)
    verdict = evaluate(filing, rules=rules, as_of=as_of, trace=trace)
    return _Json(verdict.to_json(indent=None))


def _batch(
    body: bytes,
    spans: list[tuple[int, int]],
    rules: Ruleset,
    as_of: dt.date | None,
    trace: bool,
    lang: str,
) -> Response:
    """One answer per item, in order: each item is read as JSON on its own (so its problems are
    its own), the valid ones screened by :func:`evaluate_many`."""
    read: list[Filing | FilingError] = []
    for start, end in spans:
        try:
            read.append(parse_filing(body[start:end], format="json", rules=rules))
        except FilingError as exc:
            read.append(_shifted(exc, body, start))
    verdicts = evaluate_many(
        (f for f in read if not isinstance(f, FilingError)), rules=rules, as_of=as_of, trace=trace
    )
    parts: list[str] = []
    good = 0
    for i, item in enumerate(read):
        answer = item if isinstance(item, FilingError) else next(verdicts)
        if isinstance(answer, Verdict):
            good += 1
            parts.append(f'{{"index":{i},"verdict":{answer.to_json(indent=None)}}}')
        else:
            doc = problem_document(answer, status=_status_of(answer), lang=lang)
            doc["instance"] = f"/v1/verdicts#{i}"
            parts.append(json.dumps({"index": i, "problem": doc}, ensure_ascii=False))
    head = f'{{"count":{len(spans)},"verdicts":{good},"errors":{len(spans) - good},"results":['
    return _Json(head + ",".join(parts) + "]}")
