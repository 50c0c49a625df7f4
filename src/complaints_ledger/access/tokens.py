"""Bearer tokens for principals. A token is shown once when created; only its hash is kept.

Tokens are keys, not facts of a case, so they live in their own table beside the event log.
A token reads `cl_<token id>_<secret>`; the secret has 256 bits of randomness, so a plain SHA-256
of it is safe to store and compare (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.access.principal import Principal
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role
from complaints_ledger.readside.db import ViewDatabases
from complaints_ledger.store import StoreURL

TOKENS_TABLE = "api_tokens"
PREFIX = "cl"


@dataclass(frozen=True)
class TokenInfo:
    token_id: str
    principal: str
    organisation: str
    role: Role
    created_at: str
    revoked_at: str | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    def __init__(self, store: StoreURL) -> None:
        self._databases = ViewDatabases(store, name="token store")
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {TOKENS_TABLE} (token_id TEXT PRIMARY KEY, "
                "secret_sha256 TEXT NOT NULL, principal TEXT NOT NULL, organisation TEXT NOT NULL, "
                "role TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT)"
            )

    def create(self, *, principal: str, organisation: str, role: Role) -> tuple[str, TokenInfo]:
        """A new token; the returned raw token is the only time it is ever shown."""
        if not principal.strip():
            raise InvalidValueError("principal must not be empty", field="principal")
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        info = TokenInfo(
            token_id, principal.strip(), organisation, role, datetime.now(UTC).isoformat(), None
        )
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"INSERT INTO {TOKENS_TABLE} (token_id, secret_sha256, principal, organisation, "  # noqa: S608
                "role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    token_id,
                    _digest(secret),
                    info.principal,
                    organisation,
                    str(role),
                    info.created_at,
                ),
            )
        return f"{PREFIX}_{token_id}_{secret}", info

    def authenticate(self, raw_token: str) -> Principal | None:
        """The principal a live token belongs to; None for anything unknown or revoked."""
        prefix, _, rest = raw_token.strip().partition("_")
        token_id, _, secret = rest.partition("_")
        if prefix != PREFIX or not token_id or not secret:
            return None
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT secret_sha256, principal, organisation, role, revoked_at "  # noqa: S608
                f"FROM {TOKENS_TABLE} WHERE token_id = ?",
                (token_id,),
            )
        if not rows:
            return None
        stored, principal, organisation, role, revoked_at = rows[0]
        if revoked_at is not None or not hmac.compare_digest(stored, _digest(secret)):
            return None
        return Principal(principal, organisation, Role(role), token_id)

    def revoke(self, token_id: str) -> None:
        with self._databases.connection() as db, db.transaction():
            found = db.execute(
                f"SELECT revoked_at FROM {TOKENS_TABLE} WHERE token_id = ?",  # noqa: S608
                (token_id,),
            )
            if not found:
                raise InvalidValueError(f"no token {token_id!r}", field="token_id")
            db.execute(
                f"UPDATE {TOKENS_TABLE} SET revoked_at = ? WHERE token_id = ? "  # noqa: S608
                "AND revoked_at IS NULL",
                (datetime.now(UTC).isoformat(), token_id),
            )

    def list(self) -> list[TokenInfo]:
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT token_id, principal, organisation, role, created_at, revoked_at "  # noqa: S608
                f"FROM {TOKENS_TABLE} ORDER BY created_at, token_id"
            )
        return [TokenInfo(t, p, o, Role(r), c, v) for t, p, o, r, c, v in rows]

    def close(self) -> None:
        self._databases.close()
