"""Protective headers on every response, refusal of ambiguous request framing, and the OpenAPI
page under a policy of its own.

Every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and
a Content-Security-Policy strict enough for a server-rendered page whose scripts, styles, images
and fonts are all served by the app itself. Swagger UI at `/docs` loads from jsDelivr and starts
with one inline script, so that page alone allows jsDelivr and exactly that script (by hash).
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaints_ledger.api.problems import problem_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SWAGGER_UI_ORIGIN = "https://cdn.jsdelivr.net"
PROTECTIVE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
CSP_HEADER = b"content-security-policy"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


class SecurityHeaders:
    """Adds the protective headers to every response, errors included; a response that sets
    its own Content-Security-Policy (the OpenAPI page) keeps it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_protected(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(bytes(name).lower() == CSP_HEADER for name, _ in headers):
                    headers.append((CSP_HEADER, CONTENT_SECURITY_POLICY.encode()))
                message = {**message, "headers": [*headers, *PROTECTIVE_HEADERS]}
            await send(message)

        await self.app(scope, receive, send_protected)


class StrictFraming:
    """A request with both Content-Length and Transfer-Encoding is refused (400) and its
    connection closed: a proxy in front may have read its body differently (RFC 9112 6.3,
    request smuggling). h11, which uvicorn uses here, would accept it and follow the chunks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _ambiguous(scope):
            response = problem_response(
                400,
                "ambiguous-framing",
                "Ambiguous message framing",
                "send either Content-Length or Transfer-Encoding, not both",
                field="Transfer-Encoding",
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _ambiguous(scope: Scope) -> bool:
    names = {bytes(name).lower() for name, _ in scope.get("headers", ())}
    return {b"content-length", b"transfer-encoding"} <= names


def add_docs_page(app: FastAPI) -> None:
    """Swagger UI at `/docs` (create the app with `docs_url=None, redoc_url=None`)."""

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=app.openapi_url or "", title=f"{app.title} - docs")
        page.headers["Content-Security-Policy"] = docs_policy(bytes(page.body).decode())
        return page


def docs_policy(html: str) -> str:
    """The page's own policy: its scripts and stylesheet from jsDelivr, its inline scripts by
    hash, the schema fetched from the app; nothing else."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src {SWAGGER_UI_ORIGIN} {hashes}; "
        f"style-src {SWAGGER_UI_ORIGIN} 'unsafe-inline'; img-src 'self' data: "
        "https://fastapi.tiangolo.com; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )
