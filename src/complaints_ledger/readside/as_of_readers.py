"""Who is reading an as-of build right now, across threads and processes, so that the cache's
clean-up never drops tables from under a reader.

A reader holds a shared lock on the build's tracking name from before the build is made until it
has read what it needs; the clean-up takes the same lock exclusively, without waiting, and passes
over a build whose lock it cannot get. PostgreSQL: session-level advisory locks. SQLite: `flock`
on one small file per build in `<db>-as-of-readers/` (removed with the build); an in-memory
store, which no other process sees, counts its readers in the process.
"""

from __future__ import annotations

import fcntl
import os
import re
import threading
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.persistence.view_db import ViewDatabase

READER_CLASS = zlib.crc32(b"complaints_ledger.readside_as_of_reader") & 0x7FFFFFFF
UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9_.@-]")

_local_guard = threading.Lock()
_local_readers: Counter[str] = Counter()


def _key(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


@contextmanager
def reading(db: ViewDatabase, name: str) -> Iterator[None]:
    """Hold a reader's share of the build `name` (a tracking name) while the block runs."""
    if db.dialect.name == "postgres":
        db.execute("SELECT pg_advisory_lock_shared(?, ?)", (READER_CLASS, _key(name)))
        try:
            yield
        finally:
            with suppress(StoreUnavailableError):  # a broken session took its locks with it
                db.execute("SELECT pg_advisory_unlock_shared(?, ?)", (READER_CLASS, _key(name)))
        return
    folder = readers_folder(db)
    if folder is None:
        with _local_guard:
            _local_readers[name] += 1
        try:
            yield
        finally:
            with _local_guard:
                _local_readers[name] -= 1
        return
    with _shared_file_lock(folder / _file_name(name)):
        yield


@contextmanager
def unread(db: ViewDatabase, name: str) -> Iterator[bool]:
    """Whether nobody is reading the build `name`; while True, nobody can start to."""
    if db.dialect.name == "postgres":
        [(free,)] = db.execute("SELECT pg_try_advisory_lock(?, ?)", (READER_CLASS, _key(name)))
        try:
            yield bool(free)
        finally:
            if free:
                with suppress(StoreUnavailableError):
                    db.execute("SELECT pg_advisory_unlock(?, ?)", (READER_CLASS, _key(name)))
        return
    folder = readers_folder(db)
    if folder is None:
        with _local_guard:  # readers wait here until the block has run
            yield _local_readers[name] == 0
        return
    with _exclusive_file_lock(folder / _file_name(name)) as free:
        yield free


def readers_folder(db: ViewDatabase) -> Path | None:
    path = db.store.sqlite_path
    return None if path is None else path.with_name(f"{path.name}-as-of-readers")


def _file_name(name: str) -> str:
    return UNSAFE_IN_FILE_NAME.sub("_", name) + f".{_key(name):08x}.lock"


def _open(path: Path) -> IO[bytes]:
    try:
        path.parent.mkdir(exist_ok=True)
        return path.open("a+b")
    except OSError as error:
        raise StoreUnavailableError(f"cannot open the as-of reader lock {path}: {error}") from None


def _still_there(handle: IO[bytes], path: Path) -> bool:
    """The clean-up removes a build's lock file while holding it: a reader that locked the
    removed file must lock the new one instead."""
    try:
        return os.fstat(handle.fileno()).st_ino == path.stat().st_ino
    except FileNotFoundError:
        return False


@contextmanager
def _shared_file_lock(path: Path) -> Iterator[None]:
    while True:
        handle = _open(path)
        fcntl.flock(handle, fcntl.LOCK_SH)
        if _still_there(handle, path):
            break
        handle.close()
    with handle:
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _exclusive_file_lock(path: Path) -> Iterator[bool]:
    with _open(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        if not _still_there(handle, path):  # another clean-up dropped it meanwhile
            yield False
            return
        try:
            yield True
        finally:
            with suppress(FileNotFoundError):
                path.unlink()
            fcntl.flock(handle, fcntl.LOCK_UN)
