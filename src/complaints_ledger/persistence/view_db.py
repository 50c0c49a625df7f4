"""Connections to the store's database for the read side (and the tables beside the event log:
tokens, keys, integrity): SQL dialect differences live here."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

import psycopg

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.persistence.errors import first_line, store_errors_as_unavailable
from complaints_ledger.persistence.pool import (
    ConnectionPool,
    Connector,
    postgres_usable,
    session_options,
)
from complaints_ledger.persistence.store_url import DEFAULT_CONNECT_TIMEOUT_SECONDS, StoreURL

P = ParamSpec("P")
T = TypeVar("T")
DEFAULT_POOL_SIZE = 32

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
    """A connection with explicit transactions, used by the projection runner and by queries.

    It recovers by itself: a PostgreSQL connection found dead before a statement or a
    transaction is replaced first, and a read (a `SELECT` outside a transaction) that meets a
    broken connection is run once more on a fresh one. Writes are never run twice. Store errors
    that are not the statement's fault come out as `StoreUnavailableError`."""

    def __init__(
        self, store: StoreURL, *, on_connect: Callable[[ViewDatabase], None] | None = None
    ) -> None:
        self.store = store
        self.dialect = SQLITE if store.kind == "sqlite" else POSTGRES
        self._on_connect = on_connect
        self._depth = 0  # transactions open (PostgreSQL nests them as savepoints)
        self._closed = False
        self._listen_connection: psycopg.Connection[Any] | None = None
        self._connection: Any = None
        self._connect()

    def _connect(self) -> None:
        with store_errors_as_unavailable(f"cannot open {self.store.redacted}"):
            try:
                self._connection = (
                    _connect_postgres(self.store)
                    if self.dialect is POSTGRES
                    else _connect_sqlite(self.store)
                )
            except sqlite3.Error as error:
                raise StoreUnavailableError(
                    f"cannot open {self.store.redacted}: {first_line(error)}"
                ) from error
        if self._on_connect is not None:
            self._on_connect(self)

    def usable(self) -> bool:
        """Worth lending again: open, outside a transaction, and (PostgreSQL) not dead."""
        if self._closed or self._depth:
            return False
        if self.dialect is POSTGRES:
            return postgres_usable(self._connection)
        return not self._connection.in_transaction

    def _ensure_connected(self) -> None:
        if self._depth == 0 and not self.usable() and not self._closed:
            with suppress(Exception):
                self._connection.close()
            self._connect()

    def sql(self, statement: str) -> str:
        """Statements are written with `?`; PostgreSQL wants `%s`."""
        if self.dialect is POSTGRES:
            return statement.replace("%", "%%").replace("?", "%s")
        return statement

    def execute(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        self._ensure_connected()
        try:
            with store_errors_as_unavailable("the store refused a statement"):
                return self._execute(statement, params)
        except StoreUnavailableError:
            if not self._may_run_again(statement):
                raise
        self._ensure_connected()
        with store_errors_as_unavailable("the store refused a statement"):
            return self._execute(statement, params)

    def _execute(self, statement: str, params: Sequence[Any]) -> list[Row]:
        cursor = self._connection.execute(self.sql(statement), tuple(params))
        rows: list[Row] = cursor.fetchall() if cursor.description else []
        return rows

    def _may_run_again(self, statement: str) -> bool:
        """A read outside a transaction, on a connection that broke: once more, on a new one."""
        is_read = statement.lstrip()[:6].upper() == "SELECT"
        return is_read and self._depth == 0 and self.dialect is POSTGRES and not self.usable()

    def executemany(self, statement: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        self._ensure_connected()
        with store_errors_as_unavailable("the store refused a statement"):
            if self.dialect is POSTGRES:
                with self._connection.cursor() as cursor:
                    cursor.executemany(self.sql(statement), rows)
            else:
                self._connection.executemany(statement, rows)

    def insert_new(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows known not to exist yet: COPY on PostgreSQL, a plain INSERT on SQLite."""
        if not rows:
            return
        self._ensure_connected()
        with store_errors_as_unavailable("the store refused an insert"):
            self._insert_new(table, columns, rows)

    def _insert_new(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
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
        """Commit everything inside together, or nothing. Inside another transaction: part of it
        (a savepoint on PostgreSQL; on SQLite the outer transaction simply goes on)."""
        if self._depth and self.dialect is SQLITE:
            yield
            return
        self._ensure_connected()
        self._depth += 1
        try:
            with store_errors_as_unavailable("the store could not commit"):
                if self.dialect is POSTGRES:
                    with self._connection.transaction():
                        yield
                else:
                    with self._sqlite_transaction():
                        yield
        finally:
            self._depth -= 1

    @contextmanager
    def _sqlite_transaction(self) -> Iterator[None]:
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._connection.commit()
        except BaseException:
            # A failed COMMIT (disk full, I/O error) leaves the transaction open: end it, so that
            # nothing half-written stays and the connection can be used again.
            with suppress(sqlite3.Error):
                self._connection.rollback()
            raise

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
        or `stopping` is set: whichever comes first. A listener that broke is dropped (and a new
        one made next time); what was announced meanwhile is found by reading the log."""
        if self.dialect is not POSTGRES:
            stopping.wait(timeout)
            return
        deadline = time.monotonic() + timeout
        try:
            with store_errors_as_unavailable("the store stopped announcing events"):
                listener = self._listener()
                while not stopping.is_set() and (left := deadline - time.monotonic()) > 0:
                    for _ in listener.notifies(timeout=min(left, STOP_CHECK_SECONDS), stop_after=1):
                        return
        except StoreUnavailableError:
            self._drop_listener()
            raise

    def _listener(self) -> psycopg.Connection[Any]:
        listener = self._listen_connection
        if listener is not None and (listener.closed or listener.broken):
            self._drop_listener()
            listener = None
        if listener is None:
            listener = _connect_postgres(self.store)
            listener.execute(f"LISTEN {POSTGRES_EVENTS_TABLE}")
            self._listen_connection = listener
        return listener

    def _drop_listener(self) -> None:
        listener, self._listen_connection = self._listen_connection, None
        if listener is not None:
            with suppress(Exception):
                listener.close()

    def close(self) -> None:
        self._closed = True
        with suppress(Exception):
            self._connection.close()
        self._drop_listener()


def _connect_sqlite(store: StoreURL) -> sqlite3.Connection:
    name = store.env["SQLITE_DBNAME"]
    # A pooled connection serves one user at a time, but not always on the same thread.
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
        options=session_options(
            float(env.get("POSTGRES_STATEMENT_TIMEOUT", "30")),
            float(env.get("POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT", "10")),
        ),
    )
    schema = env.get("POSTGRES_SCHEMA")
    if schema:
        connection.execute(
            psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(schema))
        )
    return connection


class ViewDatabases:
    """Read-side connections lent to one user at a time (persistence/pool.py): a request, a
    token check or a key look-up takes one for as long as it needs it and gives it back."""

    def __init__(
        self,
        store: StoreURL,
        *,
        on_connect: Callable[[ViewDatabase], None] | None = None,
        max_size: int = DEFAULT_POOL_SIZE,
        name: str = "read side",
    ) -> None:
        self.store = store
        connector = Connector(
            open=lambda: ViewDatabase(store, on_connect=on_connect),
            usable=ViewDatabase.usable,
            close=ViewDatabase.close,
        )
        self._pool = ConnectionPool(
            connector,
            max_size=max_size,
            wait_seconds=_wait_seconds(store),
            name=name,
            failure=StoreUnavailableError,
        )

    def connection(self) -> AbstractContextManager[ViewDatabase]:
        return self._pool.connection()

    def run(
        self, work: Callable[Concatenate[ViewDatabase, P], T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`work(db, *args, **kwargs)` on a connection lent for the call."""
        with self._pool.connection() as db:
            return work(db, *args, **kwargs)

    def close(self) -> None:
        self._pool.close()


def _wait_seconds(store: StoreURL) -> float:
    return float(store.env.get("POSTGRES_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT_SECONDS))
