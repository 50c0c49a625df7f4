"""Signed-in sessions of the web interface, kept on the server so that signing out (or disabling
an account) ends them at once.

The cookie carries a random session id (256 bits) and an HMAC-SHA256 of it under the
installation's session secret; the table keeps only a SHA-256 of the id. A session ends when it
is signed out, after `idle` without a request, or `absolute` after it began, whichever is first.
Each session has its own CSRF token, which every state-changing form sends back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from complaints_ledger.access.principal import Principal
from complaints_ledger.access.session_drafts import Draft, SessionDrafts, discard_all
from complaints_ledger.access.users import SESSION_PREFIX
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.settings import Settings

SESSIONS_TABLE = "web_sessions"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is rewritten at most this often
SECRET_BYTES = 32
_COLUMNS = "id_sha256, email, organisation, role, created_at, last_seen_at, csrf_token, ended_at"

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Session:
    id_sha256: str
    email: str
    organisation: str
    role: Role
    created_at: datetime
    last_seen_at: datetime
    csrf_token: str

    @property
    def principal(self) -> Principal:
        return Principal(self.email, self.organisation, self.role, SESSION_PREFIX + self.email)

    def csrf_matches(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf_token.encode())


def session_secret(path: Path) -> bytes:
    """The installation's session secret, made (random, readable by its owner only) if missing."""
    if path.exists():
        secret = path.read_bytes()
        if len(secret) >= SECRET_BYTES:
            return secret
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(secrets.token_bytes(SECRET_BYTES))
    return path.read_bytes()


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class SessionStore:
    def __init__(
        self,
        store: StoreURL,
        *,
        secret: bytes,
        idle: timedelta,
        absolute: timedelta,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._secret, self.idle, self.absolute, self._clock = secret, idle, absolute, clock
        self._databases = ViewDatabases(store, name="session store")
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {SESSIONS_TABLE} (id_sha256 TEXT PRIMARY KEY, "
                "email TEXT NOT NULL, organisation TEXT NOT NULL, role TEXT NOT NULL, "
                "created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, csrf_token TEXT NOT NULL, "
                "ended_at TEXT)"
            )
        self._drafts = SessionDrafts(self._databases, secret)

    @classmethod
    def for_settings(cls, settings: Settings, clock: Clock | None = None) -> SessionStore:
        """On the settings' store, with their secret file and timeouts."""
        return cls(
            settings.store_url,
            secret=session_secret(settings.session_secret_file),
            idle=timedelta(minutes=settings.session_idle_minutes),
            absolute=timedelta(hours=settings.session_absolute_hours),
            clock=clock or (lambda: datetime.now(UTC)),
        )

    def _mac(self, session_id: str) -> str:
        digest = hmac.new(self._secret, session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def start(self, principal: Principal) -> tuple[str, Session]:
        """A new session (always a new id: signing in never reuses one); returns the cookie."""
        session_id, now = secrets.token_urlsafe(32), self._clock()
        session = Session(
            _sha256(session_id),
            principal.principal,
            principal.organisation,
            principal.role,
            now,
            now,
            secrets.token_urlsafe(32),
        )
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"INSERT INTO {SESSIONS_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",  # noqa: S608
                (
                    session.id_sha256,
                    session.email,
                    session.organisation,
                    str(session.role),
                    now.isoformat(),
                    now.isoformat(),
                    session.csrf_token,
                ),
            )
        return f"{session_id}.{self._mac(session_id)}", session

    def resume(self, cookie: str | None) -> Session | None:
        """The live session a cookie names, its last request now; None for anything else."""
        id_sha256 = self._verified(cookie)
        if id_sha256 is None:
            return None
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS} FROM {SESSIONS_TABLE} WHERE id_sha256 = ?",  # noqa: S608
                (id_sha256,),
            )
        if not rows or rows[0][7] is not None:
            return None
        session, now = _session(rows[0]), self._clock()
        if now - session.last_seen_at > self.idle or now - session.created_at > self.absolute:
            self._end(id_sha256, now)
            return None
        if now - session.last_seen_at >= TOUCH_EVERY:
            self._touch(id_sha256, now)
        return session

    def _verified(self, cookie: str | None) -> str | None:
        session_id = self._session_id(cookie)
        return None if session_id is None else _sha256(session_id)

    def _session_id(self, cookie: str | None) -> str | None:
        session_id, _, mac = (cookie or "").partition(".")
        if not session_id or not hmac.compare_digest(mac.encode(), self._mac(session_id).encode()):
            return None
        return session_id

    def keep_draft(self, cookie: str | None, form: str, draft: Draft) -> None:
        """Keep what the session's person entered in `form` so far (session_drafts.py); the
        caller has checked that the session is live (`resume`)."""
        session_id = self._session_id(cookie)
        if session_id is not None:
            self._drafts.keep(session_id, form, draft, self._clock(), self.absolute)

    def draft(self, cookie: str | None, form: str) -> Draft:
        session_id = self._session_id(cookie)
        return {} if session_id is None else self._drafts.read(session_id, form)

    def discard_draft(self, cookie: str | None, form: str) -> None:
        session_id = self._session_id(cookie)
        if session_id is not None:
            self._drafts.discard(session_id, form)

    def end(self, cookie: str | None) -> None:
        """Sign out: the session named by the cookie ends now (nothing for an unknown one)."""
        id_sha256 = self._verified(cookie)
        if id_sha256 is not None:
            self._end(id_sha256, self._clock())

    def end_all_for(self, email: str) -> int:
        """End every live session of an account (a disabled account, a new password)."""
        with self._databases.connection() as db, db.transaction():
            live = db.execute(
                f"SELECT id_sha256 FROM {SESSIONS_TABLE} WHERE email = ? AND ended_at IS NULL",  # noqa: S608
                (email,),
            )
            db.execute(
                f"UPDATE {SESSIONS_TABLE} SET ended_at = ? WHERE email = ? AND ended_at IS NULL",  # noqa: S608
                (self._clock().isoformat(), email),
            )
            discard_all(db, [str(row[0]) for row in live])
        return len(live)

    def _end(self, id_sha256: str, now: datetime) -> None:
        """The session ends, and what its drafts held with it."""
        self._set("ended_at = ? WHERE id_sha256 = ? AND ended_at IS NULL", now, id_sha256)
        with self._databases.connection() as db, db.transaction():
            discard_all(db, [id_sha256])

    def _touch(self, id_sha256: str, now: datetime) -> None:
        self._set("last_seen_at = ? WHERE id_sha256 = ?", now, id_sha256)

    def _set(self, assignment: str, now: datetime, id_sha256: str) -> None:
        with self._databases.connection() as db, db.transaction():
            db.execute(f"UPDATE {SESSIONS_TABLE} SET {assignment}", (now.isoformat(), id_sha256))  # noqa: S608

    def close(self) -> None:
        self._databases.close()


def _session(row: tuple[object, ...]) -> Session:
    id_sha256, email, organisation, role, created, last_seen, csrf, _ended = row
    return Session(
        str(id_sha256),
        str(email),
        str(organisation),
        Role(str(role)),
        datetime.fromisoformat(str(created)),
        datetime.fromisoformat(str(last_seen)),
        str(csrf),
    )
