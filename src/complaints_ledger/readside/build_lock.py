"""One build of a read model at a time, across threads and processes.

A build creates, fills and swaps tables over many transactions; two at once (two first reads of
a fresh store, an API request and `projections rebuild`) would drop each other's tables. Whoever
holds the lock builds; the others wait, then find the build done. PostgreSQL: a session-level
advisory lock. SQLite: `flock` on a file beside the database (a process lock for an in-memory
store, which no other process sees)."""

from __future__ import annotations

import fcntl
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.persistence.view_db import ViewDatabase

LOCK_CLASS = zlib.crc32(b"complaints_ledger.readside_build") & 0x7FFFFFFF
_in_memory = threading.Lock()


@contextmanager
def build_lock(db: ViewDatabase, name: str) -> Iterator[None]:
    """Hold the build lock of `name` (a tracking name) while the block runs."""
    if db.dialect.name == "postgres":
        with _advisory_lock(db, zlib.crc32(name.encode()) & 0x7FFFFFFF):
            yield
        return
    path = db.store.sqlite_path
    if path is None:
        with _in_memory:
            yield
        return
    with _file_lock(path.with_name(f"{path.name}-build.lock")):
        yield


@contextmanager
def _advisory_lock(db: ViewDatabase, key: int) -> Iterator[None]:
    db.execute("SELECT pg_advisory_lock(?, ?)", (LOCK_CLASS, key))
    try:
        yield
    finally:
        # A session that broke meanwhile took its lock with it.
        with suppress(StoreUnavailableError):
            db.execute("SELECT pg_advisory_unlock(?, ?)", (LOCK_CLASS, key))


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        handle = path.open("a+b")
    except OSError as error:
        raise StoreUnavailableError(f"cannot open the build lock {path}: {error}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
