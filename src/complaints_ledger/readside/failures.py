"""Projections halted at an event they could not apply, one row each (docs/projections.md).

A projection that fails on an event stops just before it, while the others go on; the row says
where and why, `projections status` and /metrics show it, and the runner tries the event again
after a while (or at once when asked: `projections run --once`, `projections rebuild`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from complaints_ledger.persistence.errors import first_line
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.storable import storable_text
from complaints_ledger.readside.tracking import create_once

FAILURES_TABLE = "readside_failures"
MAX_ERROR_CHARACTERS = 500


@dataclass(frozen=True)
class Failure:
    name: str  # the projection, or "<name>@<namespace>" for an as-of build
    version: int  # of the projection that failed
    position: int  # the failing event's position in the log
    case_id: str
    event_type: str
    error: str  # "ExceptionType: first line of the message"
    failed_at: str  # the latest attempt, ISO 8601 UTC
    attempts: int

    def describe(self) -> str:
        return (
            f"{self.name} halted at position {self.position} "
            f"({self.event_type} of case {self.case_id}): {self.error}"
        )

    def seconds_since(self, now: datetime) -> float:
        return (now - datetime.fromisoformat(self.failed_at)).total_seconds()


def error_text(error: BaseException) -> str:
    text = storable_text(f"{type(error).__name__}: {first_line(error)}")
    return text[:MAX_ERROR_CHARACTERS]


class Failures:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db

    def ensure(self) -> None:
        create_once(
            self.db,
            FAILURES_TABLE,
            f"CREATE TABLE IF NOT EXISTS {FAILURES_TABLE} (name TEXT PRIMARY KEY, "
            "version INTEGER NOT NULL, position BIGINT NOT NULL, case_id TEXT NOT NULL, "
            "event_type TEXT NOT NULL, error TEXT NOT NULL, failed_at TEXT NOT NULL, "
            "attempts INTEGER NOT NULL)",
        )

    def get(self, name: str) -> Failure | None:
        rows = self.db.execute(
            "SELECT name, version, position, case_id, event_type, error, failed_at, attempts "  # noqa: S608
            f"FROM {FAILURES_TABLE} WHERE name = ?",
            (name,),
        )
        return _failure(rows[0]) if rows else None

    def all(self) -> list[Failure]:
        rows = self.db.execute(
            "SELECT name, version, position, case_id, event_type, error, failed_at, attempts "  # noqa: S608
            f"FROM {FAILURES_TABLE} ORDER BY name"
        )
        return [_failure(row) for row in rows]

    def record(self, failure: Failure) -> Failure:
        """Store `failure` (its attempts counted on from an earlier one at the same event)."""
        earlier = self.get(failure.name)
        same_event = earlier is not None and (earlier.position, earlier.version) == (
            failure.position,
            failure.version,
        )
        attempts = earlier.attempts + 1 if earlier is not None and same_event else 1
        stored = Failure(**{**vars(failure), "attempts": attempts})
        self.db.execute(
            f"INSERT INTO {FAILURES_TABLE} (name, version, position, case_id, event_type, error, "  # noqa: S608
            "failed_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE "
            "SET version = excluded.version, position = excluded.position, "
            "case_id = excluded.case_id, event_type = excluded.event_type, "
            "error = excluded.error, failed_at = excluded.failed_at, attempts = excluded.attempts",
            tuple(vars(stored).values()),
        )
        return stored

    def clear(self, name: str) -> None:
        self.db.execute(f"DELETE FROM {FAILURES_TABLE} WHERE name = ?", (name,))  # noqa: S608

    def clear_passed(self, name: str, position: int) -> None:
        """The projection got past its failing event (the cause was fixed): not halted now."""
        self.db.execute(
            f"DELETE FROM {FAILURES_TABLE} WHERE name = ? AND position <= ?",  # noqa: S608
            (name, position),
        )


def _failure(row: tuple[object, ...]) -> Failure:
    name, version, position, case_id, event_type, error, failed_at, attempts = row
    return Failure(
        str(name),
        int(str(version)),
        int(str(position)),
        str(case_id),
        str(event_type),
        str(error),
        str(failed_at),
        int(str(attempts)),
    )


def now_text() -> str:
    return datetime.now(UTC).isoformat()
