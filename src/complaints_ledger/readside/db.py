"""One connection to the store's database for the read side: SQL dialect differences live here."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.store import StoreURL

SQLITE_EVENTS_TABLE = "stored_events"
POSTGRES_EVENTS_TABLE = "complaintsledger_events"

Row = tuple[Any, ...]
STOP_CHECK_SECONDS = 0.25  # how often a wait for events looks whether it should stop


@dataclass(frozen=True)
class Dialect:
    name: str
    placeholder: str
    types: dict[str, str]
    events_table: str
    position_column: str  # the notification id: SQLite's rowid, PostgreSQL's notification_id


SQLITE = Dialect(
    name="sqlite",
    placeholder="?",
    types={"text": "TEXT", "integer": "INTEGER", "real": "REAL", "boolean": "INTEGER"},
    events_table=SQLITE_EVENTS_TABLE,
    position_column="rowid",
)
POSTGRES = Dialect(
    name="postgres",
    placeholder="%s",
    types={"text": "TEXT", "integer": "BIGINT", "real": "DOUBLE PRECISION", "boolean": "BOOLEAN"},
    events_table=POSTGRES_EVENTS_TABLE,
    position_column="notification_id",
)


class ViewDatabase:
    """A connection with explicit transactions, used by the projection runner and by queries."""

    def __init__(self, store: StoreURL) -> None:
        self.store = store
        try:
            if store.kind == "sqlite":
                self.dialect = SQLITE
                self._connection: Any = _connect_sqlite(store)
            else:
                self.dialect = POSTGRES
                self._connection = _connect_postgres(store)
        except (sqlite3.Error, psycopg.Error) as error:
            raise StoreUnavailableError(f"cannot open {store.redacted}: {error}") from None

    def sql(self, statement: str) -> str:
        """Statements are written with `?`; PostgreSQL wants `%s`."""
        if self.dialect is POSTGRES:
            return statement.replace("%", "%%").replace("?", "%s")
        return statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        cursor = self._connection.execute(self.sql(statement), tuple(params))
        rows: list[Row] = cursor.fetchall() if cursor.description else []
        return rows

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.dialect is POSTGRES:
            with self._connection.cursor() as cursor:
                cursor.executemany(self.sql(statement), rows)
        else:
            self._connection.executemany(statement, rows)

    def insert_new(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows known not to exist yet: COPY on PostgreSQL, a plain INSERT on SQLite."""
        if not rows:
            return
        if self.dialect is POSTGRES:
            statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
                psycopg.sql.Identifier(table),
                psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns)),
            )
            with self._connection.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        self._connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            rows,
        )

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit everything inside together, or nothing."""
        if self.dialect is POSTGRES:
            with self._connection.transaction():
                yield
            return
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.rollback()
            raise
        self._connection.commit()

    def table_exists(self, name: str) -> bool:
        if self.dialect is POSTGRES:
            query = (
                "SELECT 1 FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ?"
            )
        else:
            query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
        return bool(self.execute(query, (name,)))

    def listen(self) -> None:
        """Start listening for new events now (PostgreSQL), so none is missed before a wait."""
        if self.dialect is POSTGRES:
            self._listener()

    def wait_for_events(self, timeout: float, stopping: threading.Event) -> None:
        """Block until the store announces new events (PostgreSQL NOTIFY), the timeout passes,
        or `stopping` is set: whichever comes first."""
        if self.dialect is not POSTGRES:
            stopping.wait(timeout)
            return
        listener = self._listener()
        deadline = time.monotonic() + timeout
        while not stopping.is_set() and (left := deadline - time.monotonic()) > 0:
            for _ in listener.notifies(timeout=min(left, STOP_CHECK_SECONDS), stop_after=1):
                return

    def _listener(self) -> psycopg.Connection[Any]:
        listener: psycopg.Connection[Any] | None = getattr(self, "_listen_connection", None)
        if listener is None:
            listener = _connect_postgres(self.store)
            listener.autocommit = True
            listener.execute(f"LISTEN {POSTGRES_EVENTS_TABLE}")
            self._listen_connection = listener
        return listener

    def close(self) -> None:
        self._connection.close()
        listener = getattr(self, "_listen_connection", None)
        if listener is not None:
            listener.close()


def _connect_sqlite(store: StoreURL) -> sqlite3.Connection:
    name = store.env["SQLITE_DBNAME"]
    # Each thread uses its own connection (ThreadLocalDatabase), but a server closes them all
    # from the thread that shuts it down.
    connection = sqlite3.connect(
        name,
        uri=name.startswith("file:"),
        isolation_level=None,
        timeout=30,
        check_same_thread=False,
    )
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def _connect_postgres(store: StoreURL) -> psycopg.Connection[Any]:
    env = store.env
    connection = psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")),
        autocommit=True,
    )
    schema = env.get("POSTGRES_SCHEMA")
    if schema:
        connection.execute(
            psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema))
        )
    return connection


class ThreadLocalDatabase:
    """One ViewDatabase per thread (a web server's worker threads each get their own)."""

    def __init__(self, store: StoreURL) -> None:
        self.store = store
        self._local = threading.local()
        self._opened: list[ViewDatabase] = []
        self._lock = threading.Lock()

    def get(self) -> ViewDatabase:
        db: ViewDatabase | None = getattr(self._local, "db", None)
        if db is None:
            db = ViewDatabase(self.store)
            self._local.db = db
            with self._lock:
                self._opened.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
