"""How far a reader may follow the PostgreSQL event log without passing over a late commit.

Writers take notification ids from the table's sequence inside their INSERT, then commit in any
order (append_only.py): id 12 may be visible while id 11's transaction is still committing. A
reader that moved past 11 then would never see it. Every INSERT holds ROW EXCLUSIVE on the table
from before it takes its first id until its transaction ends, so, in this order:

1. read the sequence's last value H: every id up to H has been handed out;
2. list the other transactions holding ROW EXCLUSIVE on the table: any id up to H not yet
   committed or rolled back belongs to one of them (each took the lock before its ids);
3. wait until none of those still holds it.

Then every id up to H is committed or rolled back for good: H is a *safe horizon*, and rows up to
it can be read without a gap filling in behind the reader. Steps 1 and 2 are separate statements
because the order of their reads matters. A transaction that stays open too long makes the reader
fall back to the last horizon it found, which is still safe, only older.

Statements are written with `?` placeholders, as `ViewDatabase.execute` takes them.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from complaints_ledger.domain.errors import StoreUnavailableError

WAIT_SECONDS = 2.0  # a commit takes milliseconds; longer means a stuck or abandoned transaction
POLL_SECONDS = 0.001

Run = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

LAST_ALLOCATED = (
    "SELECT pg_catalog.pg_sequence_last_value("
    "pg_catalog.pg_get_serial_sequence(?, 'notification_id')::regclass)"
)
WRITING = (
    "SELECT DISTINCT virtualtransaction FROM pg_catalog.pg_locks "
    "WHERE locktype = 'relation' AND mode = 'RowExclusiveLock' AND granted "
    "AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) "
    "AND relation = ?::regclass AND pid IS DISTINCT FROM pg_catalog.pg_backend_pid()"
)
STILL_WRITING = f"{WRITING} AND virtualtransaction = ANY(?)"


class HorizonUnavailableError(StoreUnavailableError):
    """A transaction inserting into the event log stayed open, and no earlier horizon is known."""


@dataclass
class KnownHorizon:
    """The highest safe horizon found so far for one store; it only ever rises."""

    safe: int | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def advance(self, horizon: int) -> int:
        with self._lock:
            if self.safe is None or horizon > self.safe:
                self.safe = horizon
            return self.safe


_known_by_owner: weakref.WeakKeyDictionary[object, KnownHorizon] = weakref.WeakKeyDictionary()
_known_by_owner_lock = threading.Lock()


def known_horizon(owner: object) -> KnownHorizon:
    """The horizon kept for a long-lived object (a read-side connection), shared by the
    short-lived readers made on it."""
    with _known_by_owner_lock:
        known = _known_by_owner.get(owner)
        if known is None:
            known = _known_by_owner[owner] = KnownHorizon()
        return known


def safe_horizon(
    run: Run,
    table: str,
    known: KnownHorizon,
    *,
    wait_seconds: float | None = None,
) -> int:
    """The highest notification id up to which no row can still appear (module docstring).
    `table` is the events table as SQL would name it (quoted and qualified where needed)."""
    wait_seconds = WAIT_SECONDS if wait_seconds is None else wait_seconds
    [(last,)] = run(LAST_ALLOCATED, (table,))
    allocated = int(last or 0)  # NULL: the sequence never handed out an id
    writing = [row[0] for row in run(WRITING, (table,))]
    deadline = time.monotonic() + wait_seconds
    while writing:
        if time.monotonic() >= deadline:
            if known.safe is None:
                raise HorizonUnavailableError(
                    f"a transaction appending to {table} has been open for over "
                    f"{wait_seconds:g} s; try again later"
                )
            return known.safe
        time.sleep(POLL_SECONDS)
        writing = [row[0] for row in run(STILL_WRITING, (table, writing))]
    return known.advance(allocated)
