"""A small but real OpenID Connect provider for the tests, on its own HTTP server on a free
loopback port: discovery, an authorization endpoint that signs in `user_email` without asking
(as an organisation's provider does for someone already signed in to it), a token endpoint
that checks the client's secret, the code's redirect address and its PKCE verifier (S256), and
the JWKS of the RS256 key that signs its ID tokens.

It can be told to misbehave the ways a provider or an attacker might: `claim_changes` alters the
ID token's claims (another nonce, another audience), `signed_by_stranger` signs with a key that
is not in its JWKS, `refuse_with` answers the authorization request with an OAuth error.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.local_servers import free_port

CLIENT_ID = "complaints-ledger-tests"
CLIENT_SECRET = "a client secret for the tests only"  # noqa: S105
ID_TOKEN_SECONDS = 300


@dataclass
class Grant:
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    email: str


@dataclass
class LocalProvider:
    """What the provider knows and how it behaves; change the fields between requests."""

    redirect_uri: str
    user_email: str
    issuer: str = ""
    claim_changes: dict[str, Any] = field(default_factory=dict)
    signed_by_stranger: bool = False
    refuse_with: str | None = None
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": "test-key"}))
    grants: dict[str, Grant] = field(default_factory=dict)
    codes_redeemed: int = 0

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": hashlib.sha256(grant.email.encode()).hexdigest()[:24],
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
            "email": grant.email,
            "email_verified": True,
            "name": "A Test Person",
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        claims.update(self.claim_changes)
        key = (
            RSAKey.generate_key(2048, {"kid": "test-key"}) if self.signed_by_stranger else self.key
        )
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


class _Handler(BaseHTTPRequestHandler):
    server: _ProviderServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: the tests say what went wrong."""

    def _json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, uri: str, query: dict[str, str]) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", f"{uri}?{urlencode(query)}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        provider = self.server.provider
        if parts.path == "/.well-known/openid-configuration":
            self._json(HTTPStatus.OK, provider.metadata())
        elif parts.path == "/jwks":
            self._json(HTTPStatus.OK, {"keys": [provider.key.as_dict(private=False)]})
        elif parts.path == "/authorize":
            self._authorize({k: v[0] for k, v in parse_qs(parts.query).items()})
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def _authorize(self, query: dict[str, str]) -> None:
        provider = self.server.provider
        if (
            query.get("client_id") != CLIENT_ID
            or query.get("redirect_uri") != provider.redirect_uri
        ):
            self._json(HTTPStatus.BAD_REQUEST, {"error": "invalid_request"})  # never redirected
            return
        answer = {"state": query.get("state", "")}
        if provider.refuse_with is not None:
            self._redirect(provider.redirect_uri, {**answer, "error": provider.refuse_with})
            return
        wrong = (
            query.get("response_type") != "code"
            or "openid" not in query.get("scope", "").split()
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
        )
        if wrong:
            self._redirect(provider.redirect_uri, {**answer, "error": "invalid_request"})
            return
        code = secrets.token_urlsafe(24)
        provider.grants[code] = Grant(
            provider.redirect_uri, query.get("nonce"), query["code_challenge"], provider.user_email
        )
        self._redirect(provider.redirect_uri, {**answer, "code": code})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if not self._client_authenticated(form):
            self._json(HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"})
            return
        provider = self.server.provider
        grant = provider.grants.pop(form.get("code", ""), None)  # each code works once
        good = (
            grant is not None
            and form.get("grant_type") == "authorization_code"
            and form.get("redirect_uri") == grant.redirect_uri
            and _s256(form.get("code_verifier", "")) == grant.code_challenge
        )
        if grant is None or not good:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"})
            return
        provider.codes_redeemed += 1
        self._json(
            HTTPStatus.OK,
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": ID_TOKEN_SECONDS,
                "id_token": provider.id_token(grant),
            },
        )

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):
            client, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        else:
            client, secret = form.get("client_id", ""), form.get("client_secret", "")
        return client == CLIENT_ID and secrets.compare_digest(secret, CLIENT_SECRET)


class _ProviderServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, provider: LocalProvider) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.provider = provider


@contextmanager
def running_provider(redirect_uri: str, user_email: str) -> Iterator[LocalProvider]:
    """The provider serving on a free loopback port until the block ends."""
    port = free_port()
    provider = LocalProvider(redirect_uri, user_email, issuer=f"http://127.0.0.1:{port}")
    server = _ProviderServer(port, provider)
    thread = threading.Thread(target=server.serve_forever, name="test OIDC provider", daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
