"""The table of data subjects: one row per subject, beside the event log but outside it.

Each row holds the subject's key wrapped by a master key (subject_keys.py wraps and unwraps it),
the keyed hashes that find them again, and when they were made and erased. Erasing keeps the row
as a tombstone, so that the subject's key is never made again. This module is the table's SQL,
written with `?` placeholders as `ViewDatabase.execute` takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
import structlog

from complaints_ledger.domain.privacy import SubjectRole
from complaints_ledger.persistence.view_db import ViewDatabase

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
RECORD_COLUMNS = "subject_id, case_id, role, identity_hash, created_at, erased_at, master_key_id"
INSERT_BATCH = 500  # rows per INSERT when many subjects are made together
CREATE_LOCK_ID = 0x636C_6B65_7973  # "clkeys": any fixed number, used for nothing else

NewRow = tuple[str | None, ...]  # values in INSERT_COLUMNS order
KeyRow = tuple[Any, ...]  # master_key_id, wrapped_key, erased_at


@dataclass(frozen=True)
class SubjectRecord:
    subject_id: UUID
    case_id: UUID
    role: SubjectRole
    identity_hash: str | None
    created_at: str
    erased_at: str | None
    master_key_id: str | None


def prepare(db: ViewDatabase, *, create: bool) -> None:
    """Settings every connection needs, and the table itself when `create`."""
    if db.dialect.name == "sqlite":
        db.execute("PRAGMA secure_delete = ON")  # a per-connection setting: freed bytes zeroed
    if create and not db.table_exists(TABLE):
        with db.transaction():
            if db.dialect.name == "postgres":
                # Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalogue.
                db.execute("SELECT pg_advisory_xact_lock(?)", (CREATE_LOCK_ID,))
            for statement in CREATE_STATEMENTS:
                db.execute(statement)


def records(db: ViewDatabase, where: str = "", params: tuple[Any, ...] = ()) -> list[SubjectRecord]:
    rows = db.execute(
        f"SELECT {RECORD_COLUMNS} FROM {TABLE} {where} ORDER BY created_at, subject_id",  # noqa: S608
        params,
    )
    return [_record(row) for row in rows]


def key_row(db: ViewDatabase, subject_id: UUID) -> KeyRow | None:
    rows = db.execute(
        f"SELECT master_key_id, wrapped_key, erased_at FROM {TABLE} WHERE subject_id = ?",  # noqa: S608
        (str(subject_id),),
    )
    return rows[0] if rows else None


def insert_new(db: ViewDatabase, rows: list[NewRow]) -> set[str]:
    """Insert rows for subjects not yet in the table; the ids of the rows that went in (a row
    for a subject already present, made meanwhile by another writer, is left as it was)."""
    inserted: set[str] = set()
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?)" for _ in batch)
        made = db.execute(
            f"INSERT INTO {TABLE} ({INSERT_COLUMNS}) VALUES {values} "  # noqa: S608
            "ON CONFLICT (subject_id) DO NOTHING RETURNING subject_id",
            [value for row in batch for value in row],
        )
        inserted.update(subject for (subject,) in made)
    return inserted


def tombstone(db: ViewDatabase, subject_id: UUID, case_id: UUID, role: SubjectRole) -> bool:
    """Overwrite the subject's key and hashes, keeping a dated tombstone (made if the subject
    had no row). False if it was a tombstone already."""
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
            "WHERE subject_id = ? AND erased_at IS NULL RETURNING subject_id",
            (now, str(subject_id)),
        )
    _purge_old_versions(db)
    return bool(changed)


def wrapped_keys_not_under(db: ViewDatabase, master_key_id: str) -> list[tuple[str, str, str]]:
    """(subject id, master key id, wrapped key) of every live key another master key wraps."""
    rows = db.execute(
        f"SELECT subject_id, master_key_id, wrapped_key FROM {TABLE} "  # noqa: S608
        "WHERE wrapped_key IS NOT NULL AND master_key_id <> ?",
        (master_key_id,),
    )
    return [(str(s), str(m), str(w)) for s, m, w in rows]


def rewrap(db: ViewDatabase, subject_id: str, master_key_id: str, wrapped: str) -> None:
    db.execute(
        f"UPDATE {TABLE} SET master_key_id = ?, wrapped_key = ? WHERE subject_id = ?",  # noqa: S608
        (master_key_id, wrapped, subject_id),
    )


def live_keys_by_master_key(db: ViewDatabase) -> dict[str, int]:
    rows = db.execute(
        f"SELECT master_key_id, COUNT(*) FROM {TABLE} "  # noqa: S608
        "WHERE wrapped_key IS NOT NULL GROUP BY master_key_id"
    )
    return {str(key_id): int(count) for key_id, count in rows}


def erased_count(db: ViewDatabase) -> int:
    rows = db.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE erased_at IS NOT NULL")  # noqa: S608
    return int(rows[0][0])


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
