"""The HTTP API and the web page behind `livelint serve` (Starlette on uvicorn).

    from checker import load_rules
    from checker.server import Limits, create_app
    app = create_app(load_rules(), Limits(timeout=10))   # any ASGI server can run it

One compiled `Rules` object is loaded at start-up and shared by every request (it is immutable and
thread-safe); a request's select / ignore compiles a selection once and keeps it in a small cache.
Checks run in a bounded thread pool under a time limit. Every answer is JSON (the page at `/`
aside), errors included: `{"error": {"code": ..., "message": ...}}`, never a stack trace.
The endpoints and their shapes are in checker/web/openapi.json, served at /openapi.json.
"""

from __future__ import annotations

import asyncio
import io
import json
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path, PurePath
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .engine import Rules
from .inputs import Document, InputError, read_document, text_document
from .inputs.text import lone_surrogate
from .model import Level, Rule
from .service import ApiError, Checker, Deadline, Limits, Options, _fails  # noqa: F401  (re-exported)

WEB = Path(__file__).resolve().parent / "web"


def _json_type(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object", str: "a string"}
    return names.get(type(value), "null" if value is None else type(value).__name__)


# ---- request parsing ---------------------------------------------------------------------------

_CHECK_KEYS = {"text", "path", "records", "fields", "id_field", "select", "ignore", "fail_level"}


def _tokens(value: Any, name: str) -> tuple[str, ...]:
    """select / ignore: a comma-separated string or a list of such strings."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ApiError(422, "wrong-type", f"{name} must be a string or a list of strings", name)
    return tuple(token.strip() for item in items for token in item.split(",") if token.strip())


def _options(select: Any, ignore: Any, fail_level: Any) -> Options:
    if fail_level is None:
        level = Level.WARNING
    elif isinstance(fail_level, str) and fail_level in {level.value for level in Level}:
        level = Level(fail_level)
    else:
        raise ApiError(422, "wrong-value", "fail_level must be one of: info, warning, error", "fail_level")
    return Options(_tokens(select, "select"), _tokens(ignore, "ignore"), level)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def _json_body(request: Request) -> dict[str, Any]:
    media = _media_type(request)
    if media != "application/json" and not media.endswith("+json"):
        raise ApiError(415, "unsupported-media-type", "send the request as JSON (Content-Type: application/json)")
    body = await request.body()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiError(400, "bad-json", f"the body is not valid JSON: {exc}") from None
    if (b"\\u" in body or b"\xed" in body) and lone_surrogate(data):  # \ud800 escaped, or as UTF-8 bytes
        raise ApiError(400, "bad-json", "the body has a lone surrogate (\\ud800-\\udfff) in a string: not a Unicode character")
    if not isinstance(data, dict):
        raise ApiError(422, "wrong-type", f"the body must be a JSON object, not {_json_type(data)}")
    unknown = sorted(set(data) - _CHECK_KEYS)
    if unknown:
        raise ApiError(422, "unknown-key", f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_CHECK_KEYS))})", unknown[0])
    return data


def _optional_string(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ApiError(422, "wrong-type", f"{key} must be a string, not {_json_type(value)}", key)
    return value


def _strings(data: Mapping[str, Any], key: str) -> list[str] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ApiError(422, "wrong-type", f"{key} must be a list of strings", key)
    return value


def _query_list(request: Request, key: str) -> list[str] | None:
    values = request.query_params.getlist(key)
    return values or None


# Formats people may try to upload that are not text; anything else unknown is read as plain text.
_NOT_TEXT = {".doc", ".pdf", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".mp4"}


def read_upload(name: str, data: bytes, encoding: str | None, max_body: int) -> Document:
    """An uploaded file read by the reader of its extension (`checker.inputs.read_document`: text,
    Markdown, .srt / .vtt subtitles, .docx), through a temporary file of the same extension."""
    suffix = PurePath(name).suffix.lower()
    suffix = suffix if suffix[1:].isascii() and suffix[1:].isalnum() else ""  # anything odd: read as text
    if suffix in _NOT_TEXT:
        raise ApiError(415, "unsupported-file-type", f"{name}: {suffix} files are not supported; send .txt, .srt, .vtt, .md or .docx")
    if suffix == ".docx":
        try:
            unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ApiError(422, "unreadable", f"{name}: not a .docx Word document (not a zip archive)") from None
        if unpacked > 20 * max_body:  # a zip bomb, or a document far beyond the body limit once unpacked
            raise ApiError(413, "body-too-large", f"{name}: the document is too large once unpacked")
    with tempfile.TemporaryDirectory(prefix="livelint-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return read_document(path, encoding=encoding)
        except InputError as exc:
            code = "unreadable" if suffix in (".docx", ".srt", ".vtt") else "undecodable"
            raise ApiError(422, code, f"{name}: {exc}") from None


# ---- endpoints ---------------------------------------------------------------------------------


def _checker(request: Request) -> Checker:
    return request.app.state.checker


async def check(request: Request) -> Response:
    data = await _json_body(request)
    checker = _checker(request)
    options = _options(data.get("select"), data.get("ignore"), data.get("fail_level"))
    has_text, has_records = "text" in data, "records" in data
    if has_text == has_records:
        raise ApiError(422, "missing-input", 'give exactly one of "text" (a string) or "records" (a list of objects)')
    if has_text:
        text = data["text"]
        if not isinstance(text, str):
            raise ApiError(422, "wrong-type", f"text must be a string, not {_json_type(text)}", "text")
        for key in ("fields", "id_field"):
            if key in data:
                raise ApiError(422, "unknown-key", f"{key} applies to records, not to text", key)
        path = _optional_string(data, "path") or "<text>"
        body = await checker.run(lambda deadline: checker.check_document(text_document(text), path, options, deadline))
        return JSONResponse(body)
    if "path" in data:
        raise ApiError(422, "unknown-key", "path applies to text; records are named by id_field", "path")
    records = data["records"]
    if not isinstance(records, list):
        raise ApiError(422, "wrong-type", f"records must be a list of objects, not {_json_type(records)}", "records")
    if len(records) > checker.limits.max_records:
        raise ApiError(
            413, "too-many-records", f"{len(records)} records; at most {checker.limits.max_records} per request", "records"
        )
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ApiError(422, "wrong-type", f"records[{index}] must be an object, not {_json_type(record)}", f"records[{index}]")
    fields = _strings(data, "fields")
    id_field = _optional_string(data, "id_field")
    body = await checker.run(lambda deadline: checker.check_records(records, fields, id_field, options, deadline))
    return JSONResponse(body)


async def check_file(request: Request) -> Response:
    """A file's bytes: multipart/form-data with a `file` part, or the raw body with ?filename=."""
    checker = _checker(request)
    media = _media_type(request)
    params: Mapping[str, Any]
    if media == "multipart/form-data":
        try:
            async with request.form(max_files=1, max_fields=16, max_part_size=checker.limits.max_body) as form:
                upload = form.get("file")
                if upload is None or isinstance(upload, str):
                    raise ApiError(422, "missing-input", 'send the file as the multipart part "file"', "file")
                data = await upload.read()
                filename = upload.filename or "upload.txt"
                params = {key: form.getlist(key) for key in ("select", "ignore", "fail_level", "encoding")}
        except MultiPartException as exc:
            raise ApiError(400, "bad-multipart", f"cannot read the multipart body: {exc.message}") from None
        params = {key: [v for v in values if isinstance(v, str)] or None for key, values in params.items()}
    else:
        if media in ("application/json", "application/x-www-form-urlencoded"):
            raise ApiError(
                415, "unsupported-media-type", "send the file's bytes (application/octet-stream) or multipart/form-data"
            )
        data = await request.body()
        filename = request.query_params.get("filename") or "upload.txt"
        params = {key: _query_list(request, key) for key in ("select", "ignore", "fail_level", "encoding")}
    fail_level = params["fail_level"][-1] if params["fail_level"] else None
    encoding = params["encoding"][-1] if params["encoding"] else None
    options = _options(params["select"], params["ignore"], fail_level)
    name = Path(filename.replace("\\", "/")).name or "upload.txt"

    def job(deadline: Deadline) -> dict[str, Any]:
        document = read_upload(name, data, encoding, checker.limits.max_body)
        body = checker.check_document(document, name, options, deadline)
        body["text"] = document.text
        body["format"] = document.kind
        return body

    return JSONResponse(await checker.run(job))


def _notice(rule: Rule) -> dict[str, str]:
    return {"id": rule.notice.id, "title": rule.notice.title, "source": rule.notice.source}


def _rule_summary(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "level": rule.level.value,
        "category": rule.category.value,
        "kind": rule.kind.value,
        "message": rule.message,
        "notice": _notice(rule),
        "clause": rule.clause,
        "suggestions": list(rule.suggestions),
        "fix": rule.fix,
        "suppressible": rule.suppressible,
    }


def _rule_detail(rule: Rule) -> dict[str, Any]:
    return {
        **_rule_summary(rule),
        "ruleset": rule.ruleset,
        "rationale": rule.rationale,
        "boundary": rule.boundary.value,
        "patterns": list(rule.patterns),
        "exceptions": list(rule.exceptions),
        "near": list(rule.near),
        "window": rule.window if rule.near else None,
        "examples": {
            "fail": [{"text": e.text, "match": e.match} for e in rule.fail_examples],
            "pass": [{"text": e.text} for e in rule.pass_examples],
        },
    }


async def list_rules(request: Request) -> Response:
    checker = _checker(request)
    options = _options(_query_list(request, "select"), _query_list(request, "ignore"), None)
    rules = checker.selection(options)[0].selected if options.select or options.ignore else checker.rules.ruleset.rules
    return JSONResponse({"count": len(rules), "rules": [_rule_summary(rule) for rule in rules]})


async def get_rule(request: Request) -> Response:
    rule_id = request.path_params["rule_id"]
    rule = _checker(request).rules.ruleset.rule(rule_id.upper())
    if rule is None:
        raise ApiError(404, "unknown-rule", f"no rule {rule_id!r}; GET /v1/rules lists them")
    return JSONResponse(_rule_detail(rule))


async def list_notices(request: Request) -> Response:
    ruleset = _checker(request).rules.ruleset
    rows = []
    for notice in ruleset.notices:
        drawn = [rule for rule in ruleset.rules if rule.notice.id == notice.id]
        rows.append(
            {
                "id": notice.id,
                "kind": notice.kind,
                "title": notice.title,
                "source": notice.source,
                "rules": [rule.id for rule in drawn],
                "rulesets": sorted({rule.ruleset for rule in drawn}),
                "no_rules": notice.no_rules,
            }
        )
    return JSONResponse({"count": len(rows), "notices": rows})


async def healthz(request: Request) -> Response:
    rules = _checker(request).rules
    return JSONResponse(
        {"status": "ok", "version": __version__, "rules": len(rules.selected), "notices": len(rules.ruleset.notices)}
    )


def _static(text: str, media_type: str, headers: Mapping[str, str] | None = None) -> Callable[[Request], Any]:
    async def endpoint(_request: Request) -> Response:
        return Response(text, media_type=media_type, headers=dict(headers or {}))

    return endpoint


# The page may load nothing from anywhere, not even from this server: everything is inline.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of this API (hand-written; a test keeps it in step with the routes)."""
    document = json.loads((WEB / "openapi.json").read_text(encoding="utf-8"))
    document["info"]["version"] = __version__
    return document


# ---- errors and limits -------------------------------------------------------------------------


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


_HTTP_CODES = {400: "bad-request", 404: "not-found", 405: "method-not-allowed", 408: "request-timeout", 413: "body-too-large"}
_CLOSE = {"Connection": "close"}  # the rest of the body is never read: the connection cannot serve another request
_HTTP_MESSAGES = {404: "no such endpoint; GET /openapi.json lists them", 405: "method not allowed here"}


async def _http_error(_request: Request, exc: Exception) -> Response:
    """Starlette's own errors (routing, multipart parsing, the body limit) as JSON."""
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http-error")
    message = _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=exc.status_code, headers=exc.headers)


async def _client_gone(_request: Request, _exc: Exception) -> Response:
    """The client closed the connection before its body arrived: nobody reads this answer."""
    return JSONResponse({"error": {"code": "client-disconnected", "message": "the client went away"}}, 400)


async def _internal_error(_request: Request, _exc: Exception) -> Response:
    return JSONResponse({"error": {"code": "internal", "message": "internal error; the server log has the details"}}, 500)


class BodyLimit:
    """ASGI middleware: 413 for a request body over `limit` bytes, by Content-Length or as it streams in;
    408 for a body still incomplete `read_timeout` seconds after the request began (a slow client holds
    a connection, never a check thread). Both answers close the connection: the rest of the body is unread."""

    def __init__(self, app: ASGIApp, limit: int, read_timeout: float = Limits.read_timeout) -> None:
        self.app, self.limit, self.read_timeout = app, limit, read_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body is larger than {self.limit:,} bytes"
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await ApiError(413, "body-too-large", message).response()(scope, receive, send)
            return
        received = 0
        complete = False
        deadline = asyncio.get_running_loop().time() + self.read_timeout

        async def limited() -> Message:
            nonlocal received, complete
            if complete:  # after the body, a receive waits for the client to go away: no deadline
                return await receive()
            try:
                event = await asyncio.wait_for(receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except TimeoutError:
                raise HTTPException(408, f"the request body did not arrive within {self.read_timeout:g} s", _CLOSE) from None
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit:
                    raise HTTPException(413, message, _CLOSE)
                complete = not event.get("more_body", False)
            return event

        await self.app(scope, limited, send)


def create_app(rules: Rules, limits: Limits = Limits()) -> Starlette:
    """The ASGI application over one compiled `Rules`, shared by every request."""
    checker = Checker(rules, limits)
    page = (WEB / "index.html").read_text(encoding="utf-8")
    openapi = json.dumps(openapi_document(), ensure_ascii=False, indent=2)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Load jieba now, not on the first request that needs a word boundary (it takes a second).
        await asyncio.get_running_loop().run_in_executor(None, rules.segmenter.boundaries, "直播间")
        try:
            yield
        finally:
            checker.close()

    app = Starlette(
        routes=[
            Route("/", _static(page, "text/html; charset=utf-8", PAGE_HEADERS)),
            Route("/healthz", healthz),
            Route("/openapi.json", _static(openapi, "application/json")),
            Route("/v1/check", check, methods=["POST"]),
            Route("/v1/check-file", check_file, methods=["POST"]),
            Route("/v1/rules", list_rules),
            Route("/v1/rules/{rule_id}", get_rule),
            Route("/v1/notices", list_notices),
        ],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            ClientDisconnect: _client_gone,
            Exception: _internal_error,
        },
        lifespan=lifespan,
    )
    app.state.checker = checker
    app.add_middleware(BodyLimit, limit=limits.max_body, read_timeout=limits.read_timeout)
    return app
