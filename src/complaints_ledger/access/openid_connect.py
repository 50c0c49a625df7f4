"""Signing staff in with an OpenID Connect provider (Entra ID and others): the relying party's
side of the authorization code flow with PKCE (ADR 0018).

`begin` discovers the provider (`/.well-known/openid-configuration`, its `issuer` checked) and
gives the address to send the browser to; `finish` takes the provider's answer back, checks its
`state`, swaps the code for tokens at the token endpoint (with the PKCE verifier and the client
secret), verifies the ID token's signature against the provider's JWKS and its `iss`, `aud`,
`exp` and `nonce`, and returns the email address the configured claim carries. Who that is in
the ledger (an enabled staff account with that email) is the caller's business.

The state, the nonce and the PKCE verifier are never stored: each is an HMAC of a random secret
kept in the browser's HttpOnly cookie for this one sign-in (`PendingSignIn`), so an answer only
counts in the browser that asked for it, and for `PENDING_SECONDS`. Every request to the provider
has the configured timeout: an unreachable provider is a refusal, never a hang.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx
import structlog
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from complaints_ledger.settings import SignInProvider

with warnings.catch_warnings():
    # Authlib 1.9 prefers httpx2 and warns at import when it finds httpx, the project's HTTP
    # client (and Starlette's test client's); httpx still works, and the warning is not ours.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client, OAuthError

logger = structlog.get_logger(__name__)

PENDING_SECONDS = 600  # from leaving for the provider to coming back
CLOCK_LEEWAY_SECONDS = 60  # between our clock and the provider's, for exp and iat
DISCOVERY_PATH = "/.well-known/openid-configuration"
# Asymmetric signatures only: never "none", nor HS256 keyed with the client secret.
SIGNATURE_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
NEEDED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class Refusal(StrEnum):
    PROVIDER_SAID_NO = "provider said no"
    EXPIRED = "expired or not this browser's"
    UNTRUSTED_TOKEN = "untrusted ID token"  # noqa: S105 - a reason, not a token
    NO_EMAIL = "no email claim"
    UNREACHABLE = "provider unreachable"
    NO_ACCOUNT = "no enabled account"


class SignInRefused(Exception):  # noqa: N818 - a refusal, not a fault
    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(f"{refusal}: {detail}")
        self.refusal, self.detail = refusal, detail


@dataclass(frozen=True)
class PendingSignIn:
    """One sign-in on its way through the provider, as its cookie carries it."""

    started_at: int
    secret: str

    @classmethod
    def new(cls, now: float) -> PendingSignIn:
        return cls(int(now), secrets.token_urlsafe(32))

    @classmethod
    def from_cookie(cls, cookie: str | None, now: float) -> PendingSignIn | None:
        """The sign-in the cookie names, or None: no cookie, a mangled one, or too old."""
        started, _, secret = (cookie or "").partition(".")
        if not started.isdigit() or len(secret) < 32:  # noqa: PLR2004 - token_urlsafe(32) is 43
            return None
        pending = cls(int(started), secret)
        return pending if 0 <= now - pending.started_at <= PENDING_SECONDS else None

    @property
    def cookie(self) -> str:
        return f"{self.started_at}.{self.secret}"

    def _derived(self, purpose: str) -> str:
        message = f"{purpose}:{self.started_at}".encode()
        digest = hmac.new(self.secret.encode(), message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    @property
    def state(self) -> str:
        return self._derived("state")

    @property
    def nonce(self) -> str:
        return self._derived("nonce")

    @property
    def code_verifier(self) -> str:
        return self._derived("pkce")  # 43 characters of base64url, as RFC 7636 asks


class OpenIdConnect:
    def __init__(self, provider: SignInProvider, *, clock: Callable[[], float] = time.time) -> None:
        self.provider, self._clock = provider, clock

    @property
    def name(self) -> str:
        return self.provider.name

    def pending(self, cookie: str | None) -> PendingSignIn | None:
        return PendingSignIn.from_cookie(cookie, self._clock())

    def begin(self) -> tuple[str, PendingSignIn]:
        """The provider's authorization address for a new sign-in, and the sign-in itself."""
        metadata = self._metadata()
        pending = PendingSignIn.new(self._clock())
        with self._client() as client:
            url, _ = client.create_authorization_url(
                metadata["authorization_endpoint"],
                state=pending.state,
                code_verifier=pending.code_verifier,
                nonce=pending.nonce,
            )
        return str(url), pending

    def finish(self, pending: PendingSignIn | None, answer: Mapping[str, str]) -> str:
        """The email address of the person the provider signed in; SignInRefused otherwise."""
        sent_state = answer.get("state", "").encode()  # bytes: any characters compare
        if pending is None or not hmac.compare_digest(sent_state, pending.state.encode()):
            raise SignInRefused(Refusal.EXPIRED, "no pending sign-in with this state")
        if "error" in answer:
            raise SignInRefused(Refusal.PROVIDER_SAID_NO, _error_code(answer["error"]))
        if not answer.get("code"):
            raise SignInRefused(Refusal.PROVIDER_SAID_NO, "no code")
        metadata = self._metadata()
        tokens = self._tokens(metadata, answer["code"], pending)
        claims = self._verified_claims(metadata, tokens, pending)
        return self._email(claims)

    def _client(self) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            scope=self.provider.scopes,
            redirect_uri=self.provider.redirect_url,
            code_challenge_method="S256",
            timeout=self.provider.timeout_seconds,
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            answer = httpx.get(url, timeout=self.provider.timeout_seconds)
            answer.raise_for_status()
            found = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            raise SignInRefused(Refusal.UNREACHABLE, f"{url}: {error}") from error
        if not isinstance(found, dict):
            raise SignInRefused(Refusal.UNREACHABLE, f"{url} did not answer a JSON object")
        return found

    def _metadata(self) -> dict[str, Any]:
        metadata = self._get_json(self.provider.issuer + DISCOVERY_PATH)
        missing = [key for key in NEEDED_METADATA if not isinstance(metadata.get(key), str)]
        if missing:
            raise SignInRefused(Refusal.UNREACHABLE, f"discovery lacks {', '.join(missing)}")
        if metadata["issuer"].rstrip("/") != self.provider.issuer:
            raise SignInRefused(Refusal.UNREACHABLE, f"discovery names {metadata['issuer']!r}")
        return metadata

    def _tokens(
        self, metadata: Mapping[str, Any], code: str, pending: PendingSignIn
    ) -> dict[str, Any]:
        try:
            with self._client() as client:
                tokens = client.fetch_token(
                    metadata["token_endpoint"],
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=pending.code_verifier,
                )
        except OAuthError as error:
            raise SignInRefused(Refusal.PROVIDER_SAID_NO, _error_code(error.error)) from error
        except (httpx.HTTPError, ValueError) as error:
            raise SignInRefused(Refusal.UNREACHABLE, f"token endpoint: {error}") from error
        if not isinstance(tokens.get("id_token"), str):
            raise SignInRefused(Refusal.UNTRUSTED_TOKEN, "the token answer has no id_token")
        return dict(tokens)

    def _verified_claims(
        self, metadata: Mapping[str, Any], tokens: Mapping[str, Any], pending: PendingSignIn
    ) -> CodeIDToken:
        keys: Any = self._get_json(metadata["jwks_uri"])  # joserfc checks its shape
        try:
            token = jwt.decode(
                tokens["id_token"],
                KeySet.import_key_set(keys),
                algorithms=SIGNATURE_ALGORITHMS,
            )
            claims = CodeIDToken(
                token.claims,
                token.header,
                {
                    "iss": {"essential": True, "value": metadata["issuer"]},
                    "aud": {"essential": True, "value": self.provider.client_id},
                },
                {
                    "nonce": pending.nonce,
                    "client_id": self.provider.client_id,
                    "access_token": tokens.get("access_token"),
                },
            )
            claims.validate(now=int(self._clock()), leeway=CLOCK_LEEWAY_SECONDS)
        except (JoseError, ValueError, TypeError, KeyError) as error:
            raise SignInRefused(Refusal.UNTRUSTED_TOKEN, repr(error)) from error
        return claims

    def _email(self, claims: Mapping[str, Any]) -> str:
        email = claims.get(self.provider.email_claim)
        if not isinstance(email, str) or "@" not in email:
            raise SignInRefused(Refusal.NO_EMAIL, f"no {self.provider.email_claim} claim")
        if claims.get("email_verified") is False:
            raise SignInRefused(Refusal.NO_EMAIL, "the provider has not verified the email")
        return email.strip().lower()


def _error_code(code: object) -> str:
    """An OAuth error code as the page may show it: its own characters only (RFC 6749 5.2)."""
    text = str(code or "unknown_error")[:64]
    return "".join(c for c in text if c.isalnum() or c in "_-.") or "unknown_error"
