"""Recorders that run as the append-only writer of docs/operations.md, in gap-safe id order.

Notification ids come from the table's sequence, and readers follow the log by id, so an id
committed after a higher one could be skipped by a reader that already passed it. The library
prevents that with `LOCK TABLE ... IN EXCLUSIVE MODE` for the whole insert transaction, which
serialises every writer, its COMMIT (the WAL flush) included. Instead (ADR 0009):

- a writer holds a session-level advisory lock only around its INSERT, so each transaction's ids
  are contiguous, and releases it before COMMIT, so commits run side by side;
- readers (`select_notifications`, `max_notification_id`, and the read side's `EventLog.head`)
  return rows only up to a *safe horizon* (gap_safe.py): an id below which every insert has
  committed or rolled back.

The owner's SECURITY DEFINER lock function (`<events table>_lock()`) is still created, for writers
of an earlier release during an upgrade; this recorder no longer calls it. The recorders leave the
tables alone when another role (the owner) created them.
"""

from __future__ import annotations

import inspect
import zlib
from collections.abc import Sequence
from typing import Any, cast

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    Notification,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    PgStoredEvent,
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from eventsourcing.utils import Environment, EnvType, retry
from psycopg import sql
from psycopg.rows import DictRow, tuple_row

from complaints_ledger.persistence.gap_safe import KnownHorizon, safe_horizon
from complaints_ledger.persistence.pool import PostgresConnections, session_options

FACTORY_TOPIC = "complaints_ledger.persistence.append_only:AppendOnlyPostgresFactory"
APP_PREFIX = "complaintsledger"  # the library names tables <application name lower-cased>_...
EVENTS_TABLE = f"{APP_PREFIX}_events"
SNAPSHOTS_TABLE = f"{APP_PREFIX}_snapshots"
STATEMENT_TIMEOUT = "POSTGRES_STATEMENT_TIMEOUT"
DEFAULT_STATEMENT_TIMEOUT_SECONDS = 30.0
INSERT_LOCK_CLASS = zlib.crc32(b"complaints_ledger.insert_order") & 0x7FFFFFFF


# Reads are retried once, after a short pause, on a connection that broke (the pool opens a fresh
# one); the library retries ten times over two seconds, which only delays the answer in an outage.
read_retry = retry((InterfaceError, OperationalError), max_attempts=2, wait=0.05)
_library_select_events = inspect.unwrap(PostgresAggregateRecorder.select_events)
_library_select_notifications = inspect.unwrap(PostgresApplicationRecorder.select_notifications)


def lock_function_name(events_table: str) -> str:
    return f"{events_table}_lock"


def insert_lock_key(schema: str, events_table: str) -> tuple[int, int]:
    """The advisory lock (two int4 keys) writers hold while their INSERT takes ids."""
    return INSERT_LOCK_CLASS, zlib.crc32(f"{schema}.{events_table}".encode()) & 0x7FFFFFFF


# ---- the recorder the writer uses ------------------------------------------------------------


def _created_by_another_role(datastore: PostgresDatastore, table: str) -> bool:
    """True when the table exists and the current role cannot act as its owner: then creating
    tables, indexes and functions is the owner's job (`db init`), and would only fail here."""
    query = (
        "SELECT NOT pg_has_role(c.relowner, 'USAGE') AS other FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s"
    )
    with datastore.get_connection() as conn, conn.cursor() as cursor:
        cursor.execute(query, (datastore.schema, table))
        row = cursor.fetchone()
    return row is not None and bool(row["other"])


def lock_function_statements(schema: str, events_table: str) -> list[sql.Composed]:
    """Create (or replace) the function that takes the earlier releases' insert lock; only the
    writer may call it (`db init` grants EXECUTE), so it is taken away from PUBLIC at once."""
    function = sql.Identifier(schema, lock_function_name(events_table))
    body = sql.SQL("BEGIN LOCK TABLE {} IN EXCLUSIVE MODE; END").format(
        sql.Identifier(schema, events_table)
    )
    return [
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path = pg_catalog, pg_temp AS {}"
        ).format(function, sql.Literal(body.as_string())),
        sql.SQL("REVOKE ALL ON FUNCTION {}() FROM PUBLIC").format(function),
    ]


def _capped(stop: int | None, horizon: int) -> int:
    return horizon if stop is None else min(stop, horizon)


class AppendOnlyApplicationRecorder(PostgresApplicationRecorder):
    """Inserts in contiguous id blocks without serialising commits; reads up to the safe
    horizon (module docstring)."""

    horizon_wait_seconds: float | None = None  # None: gap_safe.WAIT_SECONDS

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = self.datastore.schema
        self.lock_table_statements = []  # the library's EXCLUSIVE lock is not taken
        self.sql_create_statements.extend(lock_function_statements(schema, events_table_name))
        self.horizon = KnownHorizon()
        self.qualified_table = sql.Identifier(schema, events_table_name).as_string()
        class_id, object_id = insert_lock_key(schema, events_table_name)
        key = sql.SQL("{}, {}").format(class_id, object_id)
        # Waking LISTENers (pg_notify, delivered at COMMIT) in the same statement as the lock
        # saves a statement per insert.
        self._take_insert_lock = sql.SQL("SELECT pg_advisory_lock({}), pg_notify({}, '')").format(
            key, sql.Literal(self.channel_name)
        )
        self._release_insert_lock = sql.SQL("SELECT pg_advisory_unlock({})").format(key)
        self._insert_unless_recorded = sql.SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version, topic, state FROM unnest(%s::{}[]) "
            "ON CONFLICT DO NOTHING RETURNING notification_id"
        ).format(
            sql.Identifier(schema, events_table_name),
            sql.Identifier(schema, self.stored_event_type_name),
        )
        self._set_lock_timeout = (
            sql.SQL("SET LOCAL lock_timeout = '{}s'").format(self.datastore.lock_timeout)
            if self.datastore.lock_timeout
            else None  # 0: the server's own setting applies (by default, no limit)
        )
        self._max_visible_notification_id = sql.SQL(
            "SELECT MAX(notification_id) FROM {} WHERE notification_id <= %s"
        ).format(sql.Identifier(schema, events_table_name))

    def create_table(self) -> None:
        if _created_by_another_role(self.datastore, self.events_table_name):
            self.datastore.register_type_adapters()
            return
        super().create_table()

    # ---- writing -------------------------------------------------------------------------

    def insert_events(self, stored_events: Sequence[StoredEvent], **_: Any) -> Sequence[int] | None:
        """Never retried here: once the statements were sent, a broken connection leaves the
        outcome unknown, and the caller is told so (a 503: retry with the same
        Idempotency-Key, which finds the first attempt's events if they were committed)."""
        if not stored_events:
            return None
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with self.datastore.get_connection() as conn:
            try:
                return self._insert_in_id_order(conn, rows)
            except IntegrityError:
                raise  # rolled back; the lock was released in the same round trip
            except BaseException:
                # Whatever state the pipeline was left in, ending the session ends the lock: the
                # pool replaces a closed connection instead of handing it out still locked.
                conn.close()
                raise

    def _insert_in_id_order(
        self, conn: psycopg.Connection[DictRow], rows: list[PgStoredEvent]
    ) -> list[int]:
        """One round trip takes the lock, inserts and releases it, so the lock is held only while
        the server runs the INSERT; COMMIT, with its WAL flush, follows outside the lock.

        A version conflict must not abort the transaction before the unlock has run, so rows
        already recorded are skipped (ON CONFLICT DO NOTHING) and a short count of returned ids
        rolls the whole batch back instead."""
        with (
            conn.pipeline() as pipeline,
            conn.transaction(),
            conn.cursor() as prelude,
            conn.cursor() as insert,
            conn.cursor() as release,
        ):
            if self._set_lock_timeout is not None:
                prelude.execute(self._set_lock_timeout)
            prelude.execute(self._take_insert_lock)
            insert.execute(self._insert_unless_recorded, (rows,))
            release.execute(self._release_insert_lock)
            pipeline.sync()
            ids = [row["notification_id"] for row in insert.fetchall()]
            if len(ids) != len(rows):
                raise IntegrityError(
                    "an event with the same originator id and version is already recorded"
                )
        return ids

    # ---- reading -------------------------------------------------------------------------

    def safe_horizon(self) -> int:
        return safe_horizon(
            self._run, self.qualified_table, self.horizon, wait_seconds=self.horizon_wait_seconds
        )

    @read_retry
    def _run(self, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        # A connection per statement: a reader waiting for commits holds none of the pool's.
        with (
            self.datastore.get_connection() as conn,
            conn.cursor(row_factory=tuple_row) as cursor,
        ):
            cursor.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall()

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        known = self.horizon.safe
        after = 0 if start is None else start - 1 if inclusive_of_start else start
        if known is not None and (after < known or (stop is not None and stop <= known)):
            # Behind the last horizon found: no need to look for a newer one yet.
            notifications = self._select(
                start, limit, _capped(stop, known), topics, inclusive_of_start
            )
            if len(notifications) == limit or (stop is not None and stop <= known):
                return notifications
        horizon = self.safe_horizon()
        return self._select(start, limit, _capped(stop, horizon), topics, inclusive_of_start)

    def _select(
        self,
        start: int | None,
        limit: int,
        stop: int,
        topics: Sequence[str],
        inclusive_of_start: bool,
    ) -> Sequence[Notification]:
        notifications = _library_select_notifications(
            self, start, limit, stop, topics, inclusive_of_start=inclusive_of_start
        )
        return cast("Sequence[Notification]", notifications)

    @read_retry
    def select_events(self, *args: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        return cast("Sequence[StoredEvent]", _library_select_events(self, *args, **kwargs))

    @read_retry
    def max_notification_id(self) -> int | None:
        horizon = self.safe_horizon()
        with self.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(self._max_visible_notification_id, (horizon,))
            row = cursor.fetchone()
        return None if row is None else row["max"]


class AppendOnlyAggregateRecorder(PostgresAggregateRecorder):
    """The snapshot store: plain INSERTs; creating the table is left to its owner."""

    @read_retry
    def select_events(self, *args: Any, **kwargs: Any) -> Sequence[StoredEvent]:
        return cast("Sequence[StoredEvent]", _library_select_events(self, *args, **kwargs))

    def create_table(self) -> None:
        if _created_by_another_role(self.datastore, self.events_table_name):
            self.datastore.register_type_adapters()
            return
        super().create_table()


class AppendOnlyPostgresFactory(PostgresFactory):
    """PERSISTENCE_MODULE for PostgreSQL stores: works for the owner and for the writer.

    The library's connection pool is replaced by one that recovers (persistence/pool.py): it
    looks at a connection before lending it, fails fast while the server is down, and sets the
    ledger's statement timeout on every session."""

    aggregate_recorder_class = AppendOnlyAggregateRecorder
    application_recorder_class = AppendOnlyApplicationRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        self.datastore.pool = cast("Any", recovering_pool(self.datastore, self.env))


def recovering_pool(datastore: PostgresDatastore, env: Environment) -> PostgresConnections:
    """A pool for the library's datastore with its sizes, lifetime and session set-up."""
    library_pool = datastore.pool
    statement_timeout = float(env.get(STATEMENT_TIMEOUT) or DEFAULT_STATEMENT_TIMEOUT_SECONDS)
    kwargs = {
        **cast("dict[str, Any]", library_pool.kwargs),
        "connect_timeout": int(library_pool.timeout),
        "options": session_options(
            statement_timeout, datastore.idle_in_transaction_session_timeout
        ),
    }
    get_password = library_pool.get_password_func
    pool = PostgresConnections(
        kwargs,
        configure=datastore.after_connect_func(),
        max_size=library_pool.max_size,
        wait_seconds=library_pool.timeout,
        max_lifetime=library_pool.max_lifetime,
        name="event store",
    )
    if get_password is not None:
        pool.password_source = get_password
    return pool
