"""Where each projection has got to. Written in the same transaction as its view rows."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.persistence.view_db import ViewDatabase

TRACKING_TABLE = "readside_positions"
CREATE_LOCK_ID = zlib.crc32(b"complaints_ledger.readside_positions") & 0x7FFFFFFF


@dataclass(frozen=True)
class Position:
    name: str  # projection name, or "<name>@<namespace>" for an as-of build
    version: int
    position: int
    events: int
    rebuilt_at: str | None
    as_of: str | None


class Tracking:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def ensure(self) -> None:
        create_once(
            self.db,
            TRACKING_TABLE,
            f"CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (name TEXT PRIMARY KEY, "
            "version INTEGER NOT NULL, position BIGINT NOT NULL, events BIGINT NOT NULL, "
            "rebuilt_at TEXT, as_of TEXT, updated_at TEXT NOT NULL)",
        )

    def get(self, name: str, *, lock: bool = False) -> Position | None:
        """`lock` holds the row until the transaction ends, so a rebuild's swap and a live
        follower never interleave on PostgreSQL (SQLite transactions are serial anyway)."""
        suffix = " FOR UPDATE" if lock and self.db.dialect.name == "postgres" else ""
        rows = self.db.execute(
            f"SELECT name, version, position, events, rebuilt_at, as_of FROM {TRACKING_TABLE} "  # noqa: S608
            f"WHERE name = ?{suffix}",
            (name,),
        )
        if not rows:
            return None
        name_, version, position, events, rebuilt_at, as_of = rows[0]
        return Position(name_, int(version), int(position), int(events), rebuilt_at, as_of)

    def all(self) -> list[Position]:
        rows = self.db.execute(f"SELECT name FROM {TRACKING_TABLE} ORDER BY name")  # noqa: S608
        return [p for (name,) in rows if (p := self.get(name)) is not None]

    def put(self, position: Position) -> None:
        now = datetime.now(UTC).isoformat()
        self.db.execute(
            f"INSERT INTO {TRACKING_TABLE} (name, version, position, events, rebuilt_at, as_of, "  # noqa: S608
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "version = excluded.version, position = excluded.position, events = excluded.events, "
            "rebuilt_at = excluded.rebuilt_at, as_of = excluded.as_of, "
            "updated_at = excluded.updated_at",
            (
                position.name,
                position.version,
                position.position,
                position.events,
                position.rebuilt_at,
                position.as_of,
                now,
            ),
        )

    def delete(self, name: str) -> None:
        self.db.execute(f"DELETE FROM {TRACKING_TABLE} WHERE name = ?", (name,))  # noqa: S608


def create_once(db: ViewDatabase, table: str, create_statement: str) -> None:
    """Create a read-side table if missing. Concurrent `CREATE TABLE IF NOT EXISTS` can still
    collide in PostgreSQL's catalogue (two first requests of a fresh store): creators take turns."""
    if db.table_exists(table):
        return
    with db.transaction():
        if db.dialect.name == "postgres":
            db.execute("SELECT pg_advisory_xact_lock(?)", (CREATE_LOCK_ID,))
        db.execute(create_statement)
