"""What a signed-in person has entered in a form of several pages, kept on the server between
the pages and gone with the session.

A draft holds personal data (a complainant's name and contact details), so it is sealed: each is
encrypted (AES-GCM) under a key derived from the session's own id, which only the person's cookie
carries (the sessions table keeps a SHA-256 of it). The table alone, or a backup of it, reads as
nothing. Signing out, a timeout or a disabled account ends the session and deletes its drafts;
those of a session that timed out unseen go at the next draft kept after it could have lived.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases

DRAFTS_TABLE = "web_session_drafts"
NONCE_BYTES = 12
Draft = dict[str, Any]  # a JSON document


class SessionDrafts:
    """Drafts by (session, form name); `session_id` is the cookie's id, never stored."""

    def __init__(self, databases: ViewDatabases, secret: bytes) -> None:
        self._databases, self._secret = databases, secret
        with databases.connection() as db, db.transaction():
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {DRAFTS_TABLE} (id_sha256 TEXT NOT NULL, "
                "form TEXT NOT NULL, sealed TEXT NOT NULL, saved_at TEXT NOT NULL, "
                "PRIMARY KEY (id_sha256, form))"
            )

    def _cipher(self, session_id: str) -> AESGCM:
        key = hmac.new(self._secret, b"draft:" + session_id.encode(), hashlib.sha256).digest()
        return AESGCM(key)

    def keep(
        self, session_id: str, form: str, draft: Draft, now: datetime, lifetime: timedelta
    ) -> None:
        """Keep the draft; drafts last saved longer ago than a session can live (`lifetime`)
        belong to sessions that timed out unseen, and go too."""
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(draft, separators=(",", ":")).encode()
        sealed = (nonce + self._cipher(session_id).encrypt(nonce, plain, form.encode())).hex()
        owner = _sha256(session_id)
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"DELETE FROM {DRAFTS_TABLE} WHERE (id_sha256 = ? AND form = ?) "  # noqa: S608
                "OR saved_at < ?",
                (owner, form, (now - lifetime).isoformat()),
            )
            db.execute(
                f"INSERT INTO {DRAFTS_TABLE} (id_sha256, form, sealed, saved_at) "  # noqa: S608
                "VALUES (?, ?, ?, ?)",
                (owner, form, sealed, now.isoformat()),
            )

    def read(self, session_id: str, form: str) -> Draft:
        """The draft, or an empty one (none kept, or one that no longer opens)."""
        with self._databases.connection() as db:
            rows = db.execute(
                f"SELECT sealed FROM {DRAFTS_TABLE} WHERE id_sha256 = ? AND form = ?",  # noqa: S608
                (_sha256(session_id), form),
            )
        if not rows:
            return {}
        data = bytes.fromhex(str(rows[0][0]))
        try:
            plain = self._cipher(session_id).decrypt(
                data[:NONCE_BYTES], data[NONCE_BYTES:], form.encode()
            )
        except InvalidTag:
            return {}
        found: Draft = json.loads(plain)
        return found

    def discard(self, session_id: str, form: str) -> None:
        with self._databases.connection() as db, db.transaction():
            db.execute(
                f"DELETE FROM {DRAFTS_TABLE} WHERE id_sha256 = ? AND form = ?",  # noqa: S608
                (_sha256(session_id), form),
            )


def discard_all(db: ViewDatabase, id_sha256s: list[str]) -> None:
    """Delete every draft of these sessions (they have ended), in the caller's transaction."""
    for owner in id_sha256s:
        db.execute(f"DELETE FROM {DRAFTS_TABLE} WHERE id_sha256 = ?", (owner,))  # noqa: S608


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
