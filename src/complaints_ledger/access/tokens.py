"""Bearer tokens for principals. A token is shown once when created; only its hash is kept.

Tokens are keys, not facts of a case, so they live in their own table beside the event log.
Every token expires: `days` after it is made (at most `max_days`); a token stored before tokens
had an expiry expires `max_days` after it was created.

A token reads `cl_<token id>_<secret>`; the secret has 256 bits of randomness, so a plain SHA-256
of it is safe to store and compare (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from complaints_ledger.access.principal import Principal
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.settings import DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, Settings

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
    expires_at: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore:
    def __init__(
        self,
        store: StoreURL,
        *,
        default_days: int = DEFAULT_TOKEN_DAYS,
        max_days: int = MAX_TOKEN_DAYS,
    ) -> None:
        self.default_days, self.max_days = default_days, max_days
        self._databases = ViewDatabases(store, name="token store")
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {TOKENS_TABLE} (token_id TEXT PRIMARY KEY, "
                "secret_sha256 TEXT NOT NULL, principal TEXT NOT NULL, organisation TEXT NOT NULL, "
                "role TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT, expires_at TEXT)"
            )
            if not _has_expiry_column(db):  # a table made before tokens expired
                db.execute(f"ALTER TABLE {TOKENS_TABLE} ADD COLUMN expires_at TEXT")

    @classmethod
    def for_settings(cls, settings: Settings) -> TokenStore:
        """On the settings' store, with their token lifetimes."""
        return cls(
            settings.store_url,
            default_days=settings.token_days,
            max_days=settings.token_max_days,
        )

    def lifetime(self, days: int | None) -> timedelta:
        """How long a new token lasts: `days`, else the default; never beyond the maximum."""
        chosen = self.default_days if days is None else days
        if not 1 <= chosen <= self.max_days:
            raise InvalidValueError(
                f"a token lasts from 1 to {self.max_days} days, not {chosen} "
                "(COMPLAINTS_LEDGER_TOKEN_MAX_DAYS)",
                field="days",
            )
        return timedelta(days=chosen)

    def _expiry(self, created_at: str, expires_at: str | None) -> str:
        if expires_at is not None:
            return expires_at
        return (datetime.fromisoformat(created_at) + timedelta(days=self.max_days)).isoformat()

    def create(
        self, *, principal: str, organisation: str, role: Role, days: int | None = None
    ) -> tuple[str, TokenInfo]:
        """A new token lasting `days` (default `default_days`); the returned raw token is the
        only time it is ever shown."""
        if not principal.strip():
            raise InvalidValueError("principal must not be empty", field="principal")
        lifetime = self.lifetime(days)
        token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        info = TokenInfo(
            token_id,
            principal.strip(),
            organisation,
            role,
            now.isoformat(),
            None,
            (now + lifetime).isoformat(),
        )
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"INSERT INTO {TOKENS_TABLE} (token_id, secret_sha256, principal, organisation, "  # noqa: S608
                "role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    token_id,
                    _digest(secret),
                    info.principal,
                    organisation,
                    str(role),
                    info.created_at,
                    info.expires_at,
                ),
            )
        return f"{PREFIX}_{token_id}_{secret}", info

    def authenticate(self, raw_token: str) -> Principal | None:
        """The principal a live token belongs to; None for anything unknown, revoked or
        expired."""
        prefix, _, rest = raw_token.strip().partition("_")
        token_id, _, secret = rest.partition("_")
        if prefix != PREFIX or not token_id or not secret:
            return None
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT secret_sha256, principal, organisation, role, revoked_at, created_at, "  # noqa: S608
                f"expires_at FROM {TOKENS_TABLE} WHERE token_id = ?",
                (token_id,),
            )
        if not rows:
            return None
        stored, principal, organisation, role, revoked_at, created_at, expires_at = rows[0]
        if revoked_at is not None or not hmac.compare_digest(stored, _digest(secret)):
            return None
        if datetime.fromisoformat(self._expiry(created_at, expires_at)) <= datetime.now(UTC):
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
                f"SELECT token_id, principal, organisation, role, created_at, revoked_at, "  # noqa: S608
                f"expires_at FROM {TOKENS_TABLE} ORDER BY created_at, token_id"
            )
        return [
            TokenInfo(t, p, o, Role(r), c, v, self._expiry(c, e)) for t, p, o, r, c, v, e in rows
        ]

    def close(self) -> None:
        self._databases.close()


def _has_expiry_column(db: ViewDatabase) -> bool:
    if db.dialect.name == "postgres":
        query = (
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ? AND column_name = 'expires_at'"
        )
        return bool(db.execute(query, (TOKENS_TABLE,)))
    columns = db.execute(f"PRAGMA table_info({TOKENS_TABLE})")
    return any(column[1] == "expires_at" for column in columns)
