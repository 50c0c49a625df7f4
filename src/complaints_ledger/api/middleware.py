"""Pure ASGI middleware: request limits (413, 415); metrics, request ids, a 503 for a request cut
short by shutdown, and a last-resort 500."""

from __future__ import annotations

import asyncio
import time
from uuid import uuid4

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaints_ledger.api.metrics import Metrics
from complaints_ledger.api.problems import problem_response, stopping_response

logger = structlog.get_logger(__name__)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
JSON_MEDIA_TYPE = "application/json"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"
REQUEST_ID_HEADER = "x-request-id"
MAX_REQUEST_ID_LENGTH = 128
UNMATCHED_ROUTE = "unmatched"


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json(content_type: str | None) -> bool:
    return _media_type(content_type) == JSON_MEDIA_TYPE


class RequestLimits:
    """POST bodies must be JSON (else 415) and no larger than `max_body_bytes` (else 413);
    the web interface's forms (paths starting with one of `form_paths`) may also be sent as
    HTML forms send them (application/x-www-form-urlencoded).

    The body is read in full (it is small by construction) before the app sees it.
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, form_paths: tuple[str, ...] = ()
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.form_paths = form_paths

    def _acceptable(self, scope: Scope) -> bool:
        content_type = _header(scope, "content-type")
        if is_json(content_type):
            return True
        is_form = _media_type(content_type) == FORM_MEDIA_TYPE
        return is_form and str(scope["path"]).startswith(self.form_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST" and not self._acceptable(scope):
            await _unsupported_media_type(scope, receive, send)
            return
        declared = _header(scope, "content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._too_large(scope, receive, send)
            return
        body = await self._read_body(receive)
        if body is None:
            await self._too_large(scope, receive, send)
            return
        await self.app(scope, _replaying(body, receive), send)

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413,
            "content-too-large",
            "Content too large",
            f"the request body must not exceed {self.max_body_bytes} bytes",
            field="body",
        )
        await response(scope, receive, send)


async def _unsupported_media_type(scope: Scope, receive: Receive, send: Send) -> None:
    response = problem_response(
        415,
        "unsupported-media-type",
        "Unsupported media type",
        f"send the body as {JSON_MEDIA_TYPE}",
        field="Content-Type",
        headers={"Accept-Post": JSON_MEDIA_TYPE},
    )
    await response(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class Observability:
    """Counts and times each request by route template, tags its logs with a request id,
    and turns any exception that escapes into a generic 500 problem (logged, never shown).
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        status, responding = 500, False
        started = time.perf_counter()

        async def send_tagged(message: Message) -> None:
            nonlocal status, responding
            if message["type"] == "http.response.start":
                status, responding = message["status"], True
                tag = (b"x-request-id", request_id.encode("latin-1"))
                headers = [*message.get("headers", []), tag]
                message = {**message, "headers": headers}
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_tagged)
            except asyncio.CancelledError:  # uvicorn's shutdown gave up waiting for this request
                logger.warning("request cut short by shutdown", path=scope["path"])
                if not responding:
                    await stopping_response()(scope, receive, send_tagged)
            except Exception:
                logger.exception("unhandled error", method=scope["method"], path=scope["path"])
                if responding:  # too late for a problem: the client sees a cut-off response
                    return
                response = problem_response(
                    500, "internal-error", "Internal error", "an unexpected error occurred"
                )
                await response(scope, receive, send_tagged)
            finally:
                elapsed = time.perf_counter() - started
                self.metrics.observe(scope["method"], _route_template(scope), status, elapsed)


def _route_template(scope: Scope) -> str:
    """The matched route's path template (set in the scope by routing); requests refused
    before routing (413, 415) or matching no route share one label."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def _request_id(scope: Scope) -> str:
    given = _header(scope, REQUEST_ID_HEADER)
    if given and len(given) <= MAX_REQUEST_ID_LENGTH and given.isprintable():
        return given
    return uuid4().hex
