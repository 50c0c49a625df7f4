"""Rebuilds started from the admin pages: each runs in a supervised thread of the server (a
failure of the store is retried with back-off, and the rebuild resumes from its last committed
page, as `projections rebuild` does when run again), and its progress and result are kept in a
table, so that any worker of the server can show them."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.failures import error_text
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.runner import ReadModelRunner, RebuildSummary
from complaints_ledger.readside.supervision import Heartbeat, run_supervised
from complaints_ledger.readside.tracking import create_once

REBUILDS_TABLE = "readside_rebuilds"
MAX_ATTEMPTS = 5  # failures in a row before a rebuild is given up (the store stays away)
STALE_AFTER = timedelta(minutes=10)  # a running rebuild not heard from for this long stopped
_COLUMNS = "id, projection, started_by, started_at, updated_at, done, total, state, message"


class RebuildState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"
    HALTED = "halted"  # at an event the projection cannot apply
    FAILED = "failed"  # given up after MAX_ATTEMPTS failures
    INTERRUPTED = "interrupted"  # the server stopped while it ran


@dataclass(frozen=True)
class Rebuild:
    id: str
    projection: str
    started_by: str
    started_at: str
    updated_at: str
    done: int
    total: int | None
    state: RebuildState
    message: str

    @property
    def percent(self) -> int:
        if self.state == RebuildState.FINISHED:
            return 100
        return 0 if not self.total else min(100, self.done * 100 // self.total)


def _now() -> str:
    return datetime.now(UTC).isoformat()


class Rebuilds:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        create_once(
            db,
            REBUILDS_TABLE,
            f"CREATE TABLE IF NOT EXISTS {REBUILDS_TABLE} (id TEXT PRIMARY KEY, "
            "projection TEXT NOT NULL, started_by TEXT NOT NULL, started_at TEXT NOT NULL, "
            "updated_at TEXT NOT NULL, done BIGINT NOT NULL, total BIGINT, state TEXT NOT NULL, "
            "message TEXT NOT NULL)",
        )

    def add(self, projection: str, started_by: str) -> Rebuild:
        now = _now()
        rebuild = Rebuild(
            secrets.token_hex(8),
            projection,
            started_by,
            now,
            now,
            0,
            None,
            RebuildState.RUNNING,
            "",
        )
        with self.db.transaction():
            self.db.execute(
                f"INSERT INTO {REBUILDS_TABLE} ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (rebuild.id, projection, started_by, now, now, 0, None, str(rebuild.state), ""),
            )
        return rebuild

    def update(
        self, rebuild_id: str, *, done: int, total: int | None, state: RebuildState, message: str
    ) -> None:
        with self.db.transaction():
            self.db.execute(
                f"UPDATE {REBUILDS_TABLE} SET updated_at = ?, done = ?, total = ?, state = ?, "  # noqa: S608
                "message = ? WHERE id = ?",
                (_now(), done, total, str(state), message, rebuild_id),
            )

    def get(self, rebuild_id: str) -> Rebuild | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {REBUILDS_TABLE} WHERE id = ?",  # noqa: S608
            (rebuild_id,),
        )
        return _rebuild(rows[0]) if rows else None

    def running(self, projection: str) -> Rebuild | None:
        """The rebuild of `projection` still under way, if any."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM {REBUILDS_TABLE} WHERE projection = ? AND state = ? "  # noqa: S608
            "ORDER BY started_at DESC",
            (projection, str(RebuildState.RUNNING)),
        )
        found = [_rebuild(row) for row in rows]
        return next((each for each in found if each.state == RebuildState.RUNNING), None)


def _rebuild(row: tuple[object, ...]) -> Rebuild:
    rebuild_id, projection, by, started, updated, done, total, state, message = row
    condition = RebuildState(str(state))
    quiet = datetime.now(UTC) - datetime.fromisoformat(str(updated))
    if condition == RebuildState.RUNNING and quiet > STALE_AFTER:
        condition = RebuildState.INTERRUPTED
    return Rebuild(
        str(rebuild_id),
        str(projection),
        str(by),
        str(started),
        str(updated),
        int(str(done)),
        None if total is None else int(str(total)),
        condition,
        str(message),
    )


def outcome(summary: RebuildSummary) -> tuple[RebuildState, str]:
    if summary.halted is not None:
        return RebuildState.HALTED, summary.halted.describe()
    rate = f"{summary.events_per_second:,.0f} events a second"
    return RebuildState.FINISHED, f"{summary.events:,} events in {summary.seconds:.2f} s ({rate})"


class SupervisedRebuild:
    """One rebuild in a thread of its own, tried again after a failure (at most MAX_ATTEMPTS)."""

    def __init__(self, store: StoreURL, projection: ReadModel, rebuild_id: str) -> None:
        self.store, self.projection, self.rebuild_id = store, projection, rebuild_id
        self.stopping = threading.Event()
        self.heartbeat = Heartbeat(f"rebuild of {projection.name}", stall_seconds=3600)
        self.thread = threading.Thread(target=self._run, name=self.heartbeat.task, daemon=True)
        self.heartbeat.thread = self.thread
        self._done: int = 0
        self._total: int | None = None  # events in all, once the first page is done

    def start(self) -> None:
        self.thread.start()

    def _run(self) -> None:
        db = ViewDatabase(self.store)
        try:
            run_supervised(
                self.heartbeat,
                lambda: self._attempt(db),
                pause=self.stopping.set,
                stopping=self.stopping,
            )
        finally:
            db.close()

    def _attempt(self, db: ViewDatabase) -> None:
        rebuilds = Rebuilds(db)  # within the attempt: a store away now is retried too

        def report(done: int, total: int) -> None:
            self._done, self._total = done, total
            rebuilds.update(
                self.rebuild_id, done=done, total=total, state=RebuildState.RUNNING, message=""
            )

        try:
            summary = ReadModelRunner(db).rebuild(self.projection, progress=report)
        except Exception as error:
            self._failed(rebuilds, error)
            raise  # supervised: logged, then tried again after a back-off
        state, message = outcome(summary)
        rebuilds.update(
            self.rebuild_id, done=summary.events, total=summary.events, state=state, message=message
        )

    def _failed(self, rebuilds: Rebuilds, error: Exception) -> None:
        attempts = self.heartbeat.failures_in_a_row + 1
        given_up = attempts >= MAX_ATTEMPTS
        state = RebuildState.FAILED if given_up else RebuildState.RUNNING
        retry = "" if given_up else "; trying again"
        message = f"attempt {attempts} failed: {error_text(error)}{retry}"
        try:
            rebuilds.update(
                self.rebuild_id, done=self._done, total=self._total, state=state, message=message
            )
        finally:
            if given_up:
                self.stopping.set()
