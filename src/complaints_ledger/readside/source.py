"""Reading the event log in pages, in notification order, only the topics a projection handles."""

from __future__ import annotations

from typing import Any

from complaints_ledger.persistence.gap_safe import known_horizon, safe_horizon
from complaints_ledger.persistence.view_db import ViewDatabase

StoredRow = tuple[Any, ...]  # position, originator id, version, topic, state: decode(*row)


class EventLog:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        self.table = db.dialect.events_table
        self.position = db.dialect.position_column
        # PostgreSQL stores ids as uuid: text is cheaper to fetch than building UUID objects.
        self.originator = (
            "originator_id::text" if db.dialect.name == "postgres" else "originator_id"
        )

    def exists(self) -> bool:
        return self.db.table_exists(self.table)

    def head(self) -> int:
        """The highest position written below which no event can still appear: every lower
        position is committed or was rolled back (a gap). SQLite runs one writer at a time; on
        PostgreSQL writers commit side by side, so this stops at the safe horizon (gap_safe.py)."""
        if not self.exists():
            return 0
        if self.db.dialect.name != "postgres":
            rows = self.db.execute(f"SELECT MAX({self.position}) FROM {self.table}")  # noqa: S608
            return int(rows[0][0] or 0)
        horizon = safe_horizon(self.db.execute, self.table, known_horizon(self.db))
        rows = self.db.execute(
            f"SELECT MAX({self.position}) FROM {self.table} WHERE {self.position} <= ?",  # noqa: S608
            (horizon,),
        )
        return int(rows[0][0] or 0)

    def count(self, after: int, upto: int, topics: tuple[str, ...]) -> int:
        if upto <= after:  # also when no event was ever written (no table yet)
            return 0
        rows = self.db.execute(
            f"SELECT COUNT(*) FROM {self.table} WHERE {self.position} > ? "  # noqa: S608
            f"AND {self.position} <= ? AND topic IN ({_marks(topics)})",
            (after, upto, *topics),
        )
        return int(rows[0][0])

    def page(
        self, after: int, upto: int, topics: tuple[str, ...], span: int
    ) -> tuple[list[StoredRow], int]:
        """The handled events among positions (after, after + span], never past `upto`, as stored
        (records.decode makes each an EventRecord); and the last position that window covered.
        Windows of positions keep every query a short index range scan, however long the log
        and however rare the handled topics."""
        end = min(after + span, upto)
        if end <= after:
            return [], after
        rows = self.db.execute(
            f"SELECT {self.position}, {self.originator}, originator_version, topic, state "  # noqa: S608
            f"FROM {self.table} WHERE {self.position} > ? AND {self.position} <= ? "
            f"AND topic IN ({_marks(topics)}) ORDER BY {self.position}",
            (after, end, *topics),
        )
        return rows, end


RawEvent = tuple[int, Any, int, str, bytes]  # position, originator id, version, topic, state


def raw_page(log: EventLog, after: int, upto: int, span: int) -> list[RawEvent]:
    """Every stored event among positions (after, after + span], exactly as the store holds it."""
    end = min(after + span, upto)
    if end <= after:
        return []
    rows = log.db.execute(
        f"SELECT {log.position}, originator_id, originator_version, topic, state "  # noqa: S608
        f"FROM {log.table} WHERE {log.position} > ? AND {log.position} <= ? "
        f"ORDER BY {log.position}",
        (after, end),
    )
    return [(int(p), o, int(v), str(t), as_bytes(s)) for p, o, v, t, s in rows]


def as_bytes(state: object) -> bytes:
    """The stored state; a row edited by hand may hold text instead of bytes: keep what is there."""
    if isinstance(state, bytes | bytearray | memoryview):
        return bytes(state)
    return str(state).encode()


def _marks(topics: tuple[str, ...]) -> str:
    return ", ".join("?" for _ in topics) or "NULL"
