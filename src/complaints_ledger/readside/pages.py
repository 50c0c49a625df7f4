"""Applying a page of events to one projection, and halting it at an event it cannot apply.

A page is applied in one transaction. When anything but the store's unavailability goes wrong
(a handler raises, an event cannot be decoded, the database refuses a row), the page rolls back
and is applied again one event per transaction, to find the event at fault: the events before it
commit, the projection's position stops just before it, and the failure is recorded
(failures.py) and logged. Other projections are not affected (docs/projections.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import structlog

from complaints_ledger.persistence.errors import is_unavailable
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.failures import Failure, Failures, error_text, now_text
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.records import case_id_text, decode
from complaints_ledger.readside.source import StoredRow
from complaints_ledger.readside.tracking import Position, Tracking
from complaints_ledger.readside.views import Views

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Applied:
    """Where a page left the projection: its position and event count, and a halt if any."""

    position: Position
    halted: Failure | None = None


def apply_events(
    projection: ReadModel, rows: list[StoredRow], views: Views, as_of: datetime | None
) -> None:
    for row in rows:
        event = decode(*row)
        if as_of is None or event.recorded_at <= as_of:
            projection.handlers[event.type](event, views)


def must_stop(error: Exception) -> bool:
    """The store is unavailable: nothing is the event's fault, so the work stops and retries."""
    return is_unavailable(error)


@dataclass(frozen=True)
class Target:
    """What pages of events are written into: a projection's tables in one namespace (`rm` live,
    `rmb` rebuilding, an as-of build's), through one write-back buffer."""

    projection: ReadModel
    namespace: str
    views: Views
    as_of: datetime | None = None

    def apply(self, rows: list[StoredRow]) -> None:
        apply_events(self.projection, rows, self.views, self.as_of)
        self.views.flush()


@dataclass(frozen=True)
class PageApplier:
    db: ViewDatabase
    tracking: Tracking
    failures: Failures
    failure_name: str  # whose failure it is: the live projection, or an as-of build

    def one_at_a_time(
        self, target: Target, rows: list[StoredRow], start: Position, end: int
    ) -> Applied:
        """Apply `rows` (positions after `start` up to `end`), one event per transaction, up to
        the first that fails. Stops early if another process moved the projection on meanwhile."""
        position = start
        for row in rows:
            try:
                with self.db.transaction():
                    if not self._still_at(position):
                        return Applied(self.tracking.get(position.name) or position)
                    target.apply([row])
                    moved = _moved(position, int(row[0]), 1)
                    self.tracking.put(moved)
            except Exception as error:
                if must_stop(error):
                    raise
                return self._halt(target.projection, position, row, error)
            position = moved
        with self.db.transaction():  # the window's positions after its last event: none to apply
            if self._still_at(position):
                position = _moved(position, end, 0)
                self.tracking.put(position)
        return Applied(position)

    def _still_at(self, position: Position) -> bool:
        current = self.tracking.get(position.name, lock=True)
        return current is not None and current.position == position.position

    def _halt(
        self, projection: ReadModel, position: Position, row: StoredRow, error: Exception
    ) -> Applied:
        failing = int(row[0])
        halted = _moved(position, failing - 1, 0)
        with self.db.transaction():
            if not self._still_at(position):  # another process got further meanwhile
                return Applied(self.tracking.get(position.name) or position)
            self.tracking.put(halted)
            failure = self.failures.record(
                Failure(
                    name=self.failure_name,
                    version=projection.version,
                    position=failing,
                    case_id=case_id_text(row[1]),
                    event_type=str(row[3]).rsplit(".", 1)[-1],
                    error=error_text(error),
                    failed_at=now_text(),
                    attempts=1,
                )
            )
        log = logger.error if failure.attempts == 1 else logger.warning
        log(
            "projection halted at an event it cannot apply",
            projection=failure.name,
            position=failure.position,
            case_id=failure.case_id,
            event_type=failure.event_type,
            error=failure.error,
            attempts=failure.attempts,
            exc_info=error if failure.attempts == 1 else None,
        )
        return Applied(halted, failure)


def _moved(base: Position, position: int, more_events: int) -> Position:
    return Position(
        base.name, base.version, position, base.events + more_events, base.rebuilt_at, base.as_of
    )
