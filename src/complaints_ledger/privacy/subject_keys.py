"""Each data subject's own AES-256 key: made, wrapped by the keyring's master key, unwrapped,
destroyed and re-wrapped; and the keyed hashes that find a person and make their pseudonyms.

The rows live in the subject table (subject_table.py). Erasing a subject overwrites its wrapped
key (and the keyed hashes of their identity) and leaves a tombstone, so that the subject's key is
never made again. Unwrapped keys are cached in memory for `cache_seconds` at most.
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
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from complaints_ledger.domain.errors import (
    IntegrityFailureError,
    NotFoundError,
    RuleViolationError,
)
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.persistence import subject_table
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.subject_table import KeyRow, NewRow, SubjectRecord
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.privacy.keyring import (
    KEY_BYTES,
    Keyring,
    create_keyring_once,
    load_keyring,
)


@dataclass(frozen=True)
class Identity:
    """How a person can be found again: their normalised identifiers, the most stable first
    (the first one also makes their pseudonym)."""

    identifiers: tuple[str, ...]


class SubjectKeys:
    """Creates, finds, erases and re-wraps subject keys. Safe to share between threads."""

    def __init__(self, store: StoreURL, keyring_file: Path, *, cache_seconds: float = 60) -> None:
        self.store, self.keyring_file, self.cache_seconds = store, keyring_file, cache_seconds
        self._databases = ViewDatabases(store, on_connect=self._prepare, name="subject keys")
        self._cache: dict[UUID, tuple[float, bytes | None]] = {}
        self._lock = threading.Lock()
        self._keyring: Keyring | None = None
        self._keyring_stamp: tuple[int, int, int] | None = None
        self._table_ready = False

    # ---- set-up ---------------------------------------------------------------------------

    def _prepare(self, db: ViewDatabase) -> None:
        """Every new connection gets its settings; the first one makes the table if missing."""
        subject_table.prepare(db, create=not self._table_ready)
        self._table_ready = True

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
        if self._databases.run(subject_table.live_keys_by_master_key):
            # Never silently start a new keyring over keys an old one wrapped: they would be lost.
            load_keyring(self.keyring_file)  # raises the "no keyring" error
        with self._lock:
            return create_keyring_once(self.keyring_file)

    def ensure_table(self) -> None:
        self._databases.run(lambda _db: None)

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
        row = self._databases.run(subject_table.key_row, subject_id)
        if row is None:
            raise IntegrityFailureError(
                f"no key was ever made for data subject {subject_id}: this ciphertext does not "
                "belong to this store",
                field="subject_id",
            )
        return self._remember(subject_id, self._unwrap(subject_id, row))

    def make_keys(self, wanted: dict[tuple[UUID, SubjectRole], Identity | None]) -> None:
        """Make the keys of many new subjects together; subjects that already had a row keep
        it (and are looked up when first used)."""
        rows, made = [], {}
        for (case_id, role), identity in wanted.items():
            subject_id = subject_id_for(case_id, role)
            if self._cached(subject_id) is None:
                row, data_key = self._new_row(subject_id, case_id, role, identity)
                rows.append(row)
                made[str(subject_id)] = data_key
        for subject in self._databases.run(subject_table.insert_new, rows):
            self._remember(UUID(subject), made[subject])

    def _cached(self, subject_id: UUID) -> bytes | None:
        cached = self._cache.get(subject_id)
        if cached is not None and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        return None

    def _fetch(self, subject_id: UUID) -> bytes | None:
        row = self._databases.run(subject_table.key_row, subject_id)
        if row is None:
            return None
        key = self._unwrap(subject_id, row)
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
        if self._databases.run(subject_table.insert_new, [row]):
            return self._remember(subject_id, data_key)
        return self._fetch(subject_id)

    def _new_row(
        self, subject_id: UUID, case_id: UUID, role: SubjectRole, identity: Identity | None
    ) -> tuple[NewRow, bytes]:
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

    def _unwrap(self, subject_id: UUID, row: KeyRow) -> bytes | None:
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
        if case_ids is None:
            return self._databases.run(subject_table.records)
        if not case_ids:
            return []
        marks = ", ".join("?" for _ in case_ids)
        params = tuple(str(case_id) for case_id in case_ids)
        return self._databases.run(subject_table.records, f"WHERE case_id IN ({marks})", params)

    def subject(self, subject_id: UUID) -> SubjectRecord | None:
        found = self._databases.run(
            subject_table.records, "WHERE subject_id = ?", (str(subject_id),)
        )
        return found[0] if found else None

    def require(self, subject_id: UUID) -> SubjectRecord:
        """The subject, or NotFoundError naming the id."""
        record = self.subject(subject_id)
        if record is None:
            raise NotFoundError(f"no data subject {subject_id}", field="subject_id")
        return record

    def with_identity(self, identifier: str) -> list[SubjectRecord]:
        """Subjects who gave this identifier (an email, a phone number, a name and address),
        as normalised by `Identity`. Erased subjects are not found: their hashes are gone."""
        pattern = f"%{self.identity_hash(identifier)}%"
        return self._databases.run(subject_table.records, "WHERE lookup_hashes LIKE ?", (pattern,))

    def destroy(self, subject_id: UUID, case_id: UUID, role: SubjectRole) -> bool:
        """Destroy the key for good (a tombstone stays). False if it was already destroyed."""
        destroyed = self._databases.run(subject_table.tombstone, subject_id, case_id, role)
        with self._lock:
            self._cache[subject_id] = (time.monotonic(), None)
        return destroyed

    def rewrap_all(self, keyring: Keyring) -> int:
        """Re-wrap every live subject key under `keyring`'s current master key, in one
        transaction. Returns how many keys were re-wrapped."""
        with self._databases.connection() as db, db.transaction():
            rows = subject_table.wrapped_keys_not_under(db, keyring.current)
            for subject_text, master_key_id, wrapped in rows:
                subject_id = UUID(subject_text)
                data_key = keyring.unwrap(master_key_id, subject_id, base64.b64decode(wrapped))
                new_id, new_wrapped = keyring.wrap(subject_id, data_key)
                subject_table.rewrap(
                    db, subject_text, new_id, base64.b64encode(new_wrapped).decode()
                )
        self._keyring, self._keyring_stamp = keyring, _modified(self.keyring_file)
        return len(rows)

    def master_keys_in_use(self) -> dict[str, int]:
        return self._databases.run(subject_table.live_keys_by_master_key)

    def erased_count(self) -> int:
        """Subjects whose key was destroyed (erased): their tombstones."""
        return self._databases.run(subject_table.erased_count)


def _modified(path: Path) -> tuple[int, int, int] | None:
    """What changes when the keyring file is replaced (a new inode) or rewritten."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
