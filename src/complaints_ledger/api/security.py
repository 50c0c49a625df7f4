"""Protective headers on every response, and refusal of ambiguous request framing.

Every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and
a Content-Security-Policy strict enough for a server-rendered page whose scripts, styles, images
and fonts are all served by the app itself, with no inline script or style (the web pages,
ADR 0017). A response that sets a policy of its own keeps it (the API docs page, web/api_docs).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from complaints_ledger.api.problems import problem_response

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
PROTECTIVE_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
CSP_HEADER = b"content-security-policy"


class SecurityHeaders:
    """Adds the protective headers to every response, errors included; a response that sets
    its own Content-Security-Policy (the API docs page) keeps it."""

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
