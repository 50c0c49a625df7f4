"""Each data subject's own AES-256 key, wrapped by the keyring's master key, in its own table.

The table lives beside the event log but outside it: erasing a subject overwrites its wrapped key
(and the keyed hash of their identity) with NULL and stamps `erased_at`, leaving a tombstone so
that the subject's key is never made again. On SQLite the connection uses `secure_delete`, so the
old bytes are zeroed in the file; on PostgreSQL, VACUUM removes dead row versions (see
docs/privacy.md). Unwrapped keys are cached in memory for `cache_seconds` at most.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import structlog
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from complaints_ledger.domain.errors import IntegrityFailureError, RuleViolationError
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.privacy.keyring import (
    KEY_BYTES,
    Keyring,
    create_keyring_once,
    load_keyring,
)
from complaints_ledger.readside.db import ThreadLocalDatabase, ViewDatabase
from complaints_ledger.store import StoreURL

logger = structlog.get_logger(__name__)
TABLE = "personal_data_subjects"
CREATE_STATEMENTS = (
    (
        f"CREATE TABLE IF NOT EXISTS {TABLE} (subject_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, "
        "role TEXT NOT NULL, master_key_id TEXT, wrapped_key TEXT, identity_hash TEXT, "
        "lookup_hashes TEXT, created_at TEXT NOT NULL, erased_at TEXT)"
    ),
    f"CREATE INDEX IF NOT EXISTS {TABLE}_case ON {TABLE} (case_id)",
)

INSERT_COLUMNS = (
    "subject_id, case_id, role, master_key_id, wrapped_key, identity_hash, lookup_hashes, "
    "created_at"
)
MAKE_BATCH = 500  # rows per INSERT when a batch's keys are made together
CREATE_LOCK_ID = 0x636C_6B65_7973  # "clkeys": any fixed number, used for nothing else


@dataclass(frozen=True)
class Identity:
    """How a person can be found again: their normalised identifiers, the most stable first
    (the first one also makes their pseudonym)."""

    identifiers: tuple[str, ...]


@dataclass(frozen=True)
class SubjectRecord:
    subject_id: UUID
    case_id: UUID
    role: SubjectRole
    identity_hash: str | None
    created_at: str
    erased_at: str | None
    master_key_id: str | None


class SubjectKeys:
    """Creates, finds, erases and re-wraps subject keys. Safe to share between threads."""

    def __init__(self, store: StoreURL, keyring_file: Path, *, cache_seconds: float = 60) -> None:
        self.store, self.keyring_file, self.cache_seconds = store, keyring_file, cache_seconds
        self._databases = ThreadLocalDatabase(store)
        self._cache: dict[UUID, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()
        self._keyring: Keyring | None = None
        self._keyring_stamp: tuple[int, int, int] | None = None
        self._table_ready = False
        self._prepared: set[int] = set()  # connections with their settings made

    # ---- set-up ---------------------------------------------------------------------------

    def _db(self) -> ViewDatabase:
        db = self._databases.get()
        if id(db) not in self._prepared:
            if db.dialect.name == "sqlite":
                db.execute("PRAGMA secure_delete = ON")  # a per-connection setting
            if not self._table_ready and not db.table_exists(TABLE):
                _create_table(db)
            self._table_ready = True
            self._prepared.add(id(db))
        return db

    @property
    def keyring(self) -> Keyring:
        """The keyring, re-read whenever its file changes (`keys rotate` in another process)."""
        stamp = _modified(self.keyring_file)
        if self._keyring is None or stamp != self._keyring_stamp:
            self._keyring = self._load_or_create_keyring()
            self._keyring_stamp = _modified(self.keyring_file)
        return self._keyring

    def _load_or_create_keyring(self) -> Keyring:
        if self.keyring_file.exists():
            return load_keyring(self.keyring_file)
        held = self._db().execute(f"SELECT COUNT(*) FROM {TABLE} WHERE wrapped_key IS NOT NULL")  # noqa: S608
        if held[0][0]:
            # Never silently start a new keyring over keys an old one wrapped: they would be lost.
            load_keyring(self.keyring_file)  # raises the "no keyring" error
        with self._lock:
            return create_keyring_once(self.keyring_file)

    def ensure_table(self) -> None:
        self._db()

    def close(self) -> None:
        self._databases.close()

    # ---- keys for sealing and unsealing -----------------------------------------------------

    def key_for_writing(
        self,
        case_id: UUID,
        role: SubjectRole,
        identity: Identity | None,
        *,
        probably_new: bool = False,
    ) -> tuple[UUID, bytes]:
        """The subject's key, made on first use. Refuses a subject whose data was erased.
        `probably_new` (a case's first event) tries making the key before looking for one."""
        subject_id = subject_id_for(case_id, role)
        key = self._cached(subject_id)
        if key is None and probably_new:
            key = self._create(subject_id, case_id, role, identity)
        elif key is None:
            key = self._fetch(subject_id) or self._create(subject_id, case_id, role, identity)
        if key is None:
            raise RuleViolationError(
                f"the {role} of case {case_id} was erased; their data cannot be recorded again",
                field=str(role),
                rule="erasure",
            )
        return subject_id, key

    def key_for_reading(self, subject_id: UUID) -> bytes | None:
        """The subject's key, or None if it was erased."""
        cached = self._cache.get(subject_id)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        rows = self._db().execute(
            f"SELECT master_key_id, wrapped_key, erased_at FROM {TABLE} WHERE subject_id = ?",  # noqa: S608
            (str(subject_id),),
        )
        if not rows:
            raise IntegrityFailureError(
                f"no key was ever made for data subject {subject_id}: this ciphertext does not "
                "belong to this store",
                field="subject_id",
            )
        return self._remember(subject_id, self._unwrap(subject_id, rows[0]))

    def _cached(self, subject_id: UUID) -> bytes | None:
        cached = self._cache.get(subject_id)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        return None

    def _fetch(self, subject_id: UUID) -> bytes | None:
        rows = self._db().execute(
            f"SELECT master_key_id, wrapped_key, erased_at FROM {TABLE} WHERE subject_id = ?",  # noqa: S608
            (str(subject_id),),
        )
        if not rows:
            return None
        key = self._unwrap(subject_id, rows[0])
        if key is None:
            raise RuleViolationError(
                f"data subject {subject_id} was erased; their data cannot be recorded again",
                field="subject",
                rule="erasure",
            )
        return self._remember(subject_id, key)

    def _create(
        self, subject_id: UUID, case_id: UUID, role: SubjectRole, identity: Identity | None
    ) -> bytes | None:
        row, data_key = self._new_row(subject_id, case_id, role, identity)
        # Two writers may make the same subject at once: the first row wins, both use it.
        made = self._db().execute(
            f"INSERT INTO {TABLE} ({INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "  # noqa: S608
            "ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
            row,
        )
        if made:
            return self._remember(subject_id, data_key)
        return self._fetch(subject_id)

    def make_keys(self, wanted: dict[tuple[UUID, SubjectRole], Identity | None]) -> None:
        """Make the keys of many new subjects, MAKE_BATCH rows a statement; subjects that
        already had a row keep it (and are looked up when first used)."""
        rows, made = [], {}
        for (case_id, role), identity in wanted.items():
            subject_id = subject_id_for(case_id, role)
            if self._cached(subject_id) is None:
                row, data_key = self._new_row(subject_id, case_id, role, identity)
                rows.append(row)
                made[str(subject_id)] = data_key
        db = self._db()
        for start in range(0, len(rows), MAKE_BATCH):
            batch = rows[start : start + MAKE_BATCH]
            values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in batch)
            inserted = db.execute(
                f"INSERT INTO {TABLE} ({INSERT_COLUMNS}) VALUES {values} "  # noqa: S608
                "ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
                [value for row in batch for value in row],
            )
            for (subject_text,) in inserted:
                self._remember(UUID(subject_text), made[subject_text])

    def _new_row(
        self, subject_id: UUID, case_id: UUID, role: SubjectRole, identity: Identity | None
    ) -> tuple[tuple[str | None, ...], bytes]:
        data_key = AESGCM.generate_key(KEY_BYTES * 8)
        master_key_id, wrapped = self.keyring.wrap(subject_id, data_key)
        hashes = [self.identity_hash(i) for i in identity.identifiers] if identity else []
        row = (
            str(subject_id),
            str(case_id),
            str(role),
            master_key_id,
            base64.b64encode(wrapped).decode(),
            hashes[0] if hashes else None,
            " ".join(hashes) or None,
            datetime.now(UTC).isoformat(),
        )
        return row, data_key

    def _unwrap(self, subject_id: UUID, row: tuple[Any, ...]) -> bytes | None:
        master_key_id, wrapped, erased_at = row
        if erased_at is not None or wrapped is None:
            return None
        return self.keyring.unwrap(master_key_id, subject_id, base64.b64decode(wrapped))

    def _remember(self, subject_id: UUID, key: bytes | None) -> bytes | None:
        with self._lock:
            self._cache[subject_id] = (time.monotonic(), key)
        return key

    # ---- pseudonyms -------------------------------------------------------------------------

    def identity_hash(self, identity: str) -> str:
        return hmac.new(
            self.keyring.pseudonym_key, b"identity:" + identity.encode(), hashlib.sha256
        ).hexdigest()

    def pseudonym(self, subject: SubjectRecord, audience: str) -> str:
        """A stable name for the person, different for each audience, unlinkable without the
        keyring. Based on their identity (so repeat complainants are seen as one) when known."""
        basis = subject.identity_hash or str(subject.subject_id)
        digest = hmac.new(
            self.keyring.pseudonym_key, f"pseudonym:{audience}:{basis}".encode(), hashlib.sha256
        )
        return f"p-{digest.hexdigest()[:16]}"

    # ---- finding, erasing, re-wrapping --------------------------------------------------------

    def subjects_of(self, case_ids: list[UUID] | None = None) -> list[SubjectRecord]:
        """Every subject, or those of the given cases."""
        query = (
            f"SELECT subject_id, case_id, role, identity_hash, created_at, erased_at, "  # noqa: S608
            f"master_key_id FROM {TABLE}"
        )
        params: tuple[str, ...] = ()
        if case_ids is not None:
            if not case_ids:
                return []
            query += f" WHERE case_id IN ({', '.join('?' for _ in case_ids)})"
            params = tuple(str(case_id) for case_id in case_ids)
        rows = self._db().execute(query + " ORDER BY created_at, subject_id", params)
        return [_record(row) for row in rows]

    def subject(self, subject_id: UUID) -> SubjectRecord | None:
        rows = self._db().execute(
            f"SELECT subject_id, case_id, role, identity_hash, created_at, erased_at, "  # noqa: S608
            f"master_key_id FROM {TABLE} WHERE subject_id = ?",
            (str(subject_id),),
        )
        return _record(rows[0]) if rows else None

    def with_identity(self, identifier: str) -> list[SubjectRecord]:
        """Subjects who gave this identifier (an email, a phone number, a name and address),
        as normalised by `Identity`. Erased subjects are not found: their hashes are gone."""
        rows = self._db().execute(
            f"SELECT subject_id, case_id, role, identity_hash, created_at, erased_at, "  # noqa: S608
            f"master_key_id FROM {TABLE} WHERE lookup_hashes LIKE ? ORDER BY created_at",
            (f"%{self.identity_hash(identifier)}%",),
        )
        return [_record(row) for row in rows]

    def destroy(self, subject_id: UUID, case_id: UUID, role: SubjectRole) -> bool:
        """Destroy the key for good (a tombstone stays). False if it was already destroyed."""
        db = self._db()
        now = datetime.now(UTC).isoformat()
        with db.transaction():
            db.execute(
                f"INSERT INTO {TABLE} (subject_id, case_id, role, created_at) "  # noqa: S608
                "VALUES (?, ?, ?, ?) ON CONFLICT (subject_id) DO NOTHING",
                (str(subject_id), str(case_id), str(role), now),
            )
            changed = db.execute(
                f"UPDATE {TABLE} SET wrapped_key = NULL, master_key_id = NULL, "  # noqa: S608
                "identity_hash = NULL, lookup_hashes = NULL, erased_at = ? "
                "WHERE subject_id = ? AND erased_at IS NULL "
                "RETURNING subject_id",
                (now, str(subject_id)),
            )
        with self._lock:
            self._cache[subject_id] = (time.monotonic(), None)
        _purge_old_versions(db)
        return bool(changed)

    def rewrap_all(self, keyring: Keyring) -> int:
        """Re-wrap every live subject key under `keyring`'s current master key, in one
        transaction. Returns how many keys were re-wrapped."""
        db = self._db()
        count = 0
        with db.transaction():
            rows = db.execute(
                f"SELECT subject_id, master_key_id, wrapped_key FROM {TABLE} "  # noqa: S608
                "WHERE wrapped_key IS NOT NULL AND master_key_id <> ?",
                (keyring.current,),
            )
            for subject_text, master_key_id, wrapped in rows:
                subject_id = UUID(subject_text)
                data_key = keyring.unwrap(master_key_id, subject_id, base64.b64decode(wrapped))
                new_id, new_wrapped = keyring.wrap(subject_id, data_key)
                db.execute(
                    f"UPDATE {TABLE} SET master_key_id = ?, wrapped_key = ? WHERE subject_id = ?",  # noqa: S608
                    (new_id, base64.b64encode(new_wrapped).decode(), subject_text),
                )
                count += 1
        self._keyring, self._keyring_stamp = keyring, _modified(self.keyring_file)
        return count

    def master_keys_in_use(self) -> dict[str, int]:
        rows = self._db().execute(
            f"SELECT master_key_id, COUNT(*) FROM {TABLE} "  # noqa: S608
            "WHERE wrapped_key IS NOT NULL GROUP BY master_key_id"
        )
        return {str(key_id): int(count) for key_id, count in rows}


def _purge_old_versions(db: ViewDatabase) -> None:
    """Best effort to leave no copy of a destroyed key in the live database files: SQLite's old
    page images leave the WAL; PostgreSQL's dead row versions are vacuumed (a transaction still
    open elsewhere may keep them until the next VACUUM)."""
    if db.dialect.name == "sqlite":
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    try:
        db.execute(f"VACUUM {TABLE}")
    except psycopg.errors.InsufficientPrivilege:
        logger.warning("VACUUM of the subject key table needs its owner", table=TABLE)


def _modified(path: Path) -> tuple[int, int, int] | None:
    """What changes when the keyring file is replaced (a new inode) or rewritten."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _create_table(db: ViewDatabase) -> None:
    with db.transaction():
        if db.dialect.name == "postgres":
            # Concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalogue.
            db.execute("SELECT pg_advisory_xact_lock(?)", (CREATE_LOCK_ID,))
        for statement in CREATE_STATEMENTS:
            db.execute(statement)


def _record(row: tuple[Any, ...]) -> SubjectRecord:
    subject_id, case_id, role, identity_hash, created_at, erased_at, master_key_id = row
    return SubjectRecord(
        UUID(subject_id),
        UUID(case_id),
        SubjectRole(role),
        identity_hash,
        str(created_at),
        erased_at,
        master_key_id,
    )
