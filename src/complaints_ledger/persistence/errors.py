"""Which driver errors mean 'the store is unavailable' (try again later), not 'the request is
wrong': the database is down, restarting, out of space, read-only, locked, or too slow."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from eventsourcing import persistence

from complaints_ledger.domain.errors import StoreUnavailableError

# SQLite primary result codes (the low byte of an extended code) that say nothing about the
# statement, only about the file: busy, locked, read-only, I/O error, full, cannot open.
SQLITE_UNAVAILABLE = frozenset({5, 6, 8, 10, 13, 14, 15})
STORE_ERRORS: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
    sqlite3.DatabaseError,
    persistence.OperationalError,
    persistence.InterfaceError,
)


def is_unavailable(error: BaseException) -> bool:
    """True when the error is the store's state, not the statement's fault."""
    if isinstance(error, StoreUnavailableError):
        return True
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return True
    if isinstance(error, persistence.OperationalError | persistence.InterfaceError):
        cause = error.__cause__
        return cause is None or not isinstance(cause, sqlite3.Error) or is_unavailable(cause)
    if isinstance(error, sqlite3.DatabaseError):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in SQLITE_UNAVAILABLE
    return False


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def unavailable(error: BaseException, doing: str) -> StoreUnavailableError:
    return StoreUnavailableError(f"{doing}: {first_line(error)}")


@contextmanager
def store_errors_as_unavailable(doing: str) -> Iterator[None]:
    """Re-raise the store's unavailability as `StoreUnavailableError` (a 503, an exit message);
    every other error passes unchanged."""
    try:
        yield
    except STORE_ERRORS as error:
        if isinstance(error, StoreUnavailableError) or not is_unavailable(error):
            raise
        raise unavailable(error, doing) from error
