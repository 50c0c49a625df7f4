"""Recorders that run as the append-only writer of docs/operations.md.

The library locks the event table `IN EXCLUSIVE MODE` before each insert, so that notification
ids commit in order. PostgreSQL allows that lock only to the owner or to roles with UPDATE,
DELETE or TRUNCATE (or, from 17, MAINTAIN) on the table. The writer has none of those: it calls
`<events table>_lock()`, a SECURITY DEFINER function owned by the owner that takes exactly that
lock and nothing else. `AppendOnlyPostgresFactory` installs a recorder that calls it, and that
leaves the tables alone when another role (the owner) created them.
"""

from __future__ import annotations

from eventsourcing.postgres import (
    PostgresAggregateRecorder,
    PostgresApplicationRecorder,
    PostgresDatastore,
    PostgresFactory,
)
from psycopg import sql

FACTORY_TOPIC = "complaints_ledger.append_only:AppendOnlyPostgresFactory"
APP_PREFIX = "complaintsledger"  # the library names tables <application name lower-cased>_...
EVENTS_TABLE = f"{APP_PREFIX}_events"
SNAPSHOTS_TABLE = f"{APP_PREFIX}_snapshots"


def lock_function_name(events_table: str) -> str:
    return f"{events_table}_lock"


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
    """Create (or replace) the function that takes the insert lock; only the writer may call it
    (`db init` grants EXECUTE), so it is taken away from PUBLIC at once."""
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


class AppendOnlyApplicationRecorder(PostgresApplicationRecorder):
    """Takes the library's insert lock through the owner's SECURITY DEFINER function."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = self.datastore.schema
        self.lock_table_statements = [
            sql.SQL("SET LOCAL lock_timeout = '{0}s'").format(self.datastore.lock_timeout),
            sql.SQL("SELECT {}()").format(
                sql.Identifier(schema, lock_function_name(events_table_name))
            ),
        ]
        self.sql_create_statements.extend(lock_function_statements(schema, events_table_name))

    def create_table(self) -> None:
        if _created_by_another_role(self.datastore, self.events_table_name):
            self.datastore.register_type_adapters()
            return
        super().create_table()


class AppendOnlyAggregateRecorder(PostgresAggregateRecorder):
    """The snapshot store: plain INSERTs; creating the table is left to its owner."""

    def create_table(self) -> None:
        if _created_by_another_role(self.datastore, self.events_table_name):
            self.datastore.register_type_adapters()
            return
        super().create_table()


class AppendOnlyPostgresFactory(PostgresFactory):
    """PERSISTENCE_MODULE for PostgreSQL stores: works for the owner and for the writer."""

    aggregate_recorder_class = AppendOnlyAggregateRecorder
    application_recorder_class = AppendOnlyApplicationRecorder
