"""PostgreSQL roles that keep the event log append-only (the writer's recorder: append_only.py).

`init_database` (the `db init` command) runs as the role that owns the database and the tables.
It creates the tables, the NOLOGIN group roles `<prefix>_writer` and `<prefix>_reader`,
optional login roles in those groups, the grants, and triggers that refuse UPDATE, DELETE and
TRUNCATE on the event and snapshot tables. See docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql

from complaints_ledger.domain.errors import InvalidValueError, LedgerError
from complaints_ledger.persistence.append_only import (
    APP_PREFIX,
    EVENTS_TABLE,
    SNAPSHOTS_TABLE,
    lock_function_name,
    lock_function_statements,
)
from complaints_ledger.persistence.scram import scram_verifier
from complaints_ledger.persistence.store_url import StoreURL
from complaints_ledger.persistence.subject_table import TABLE as SUBJECT_KEYS_TABLE

DEFAULT_ROLE_PREFIX = "complaints_ledger"
EVENT_LOG_TABLES = (EVENTS_TABLE, SNAPSHOTS_TABLE)
REFUSE_FUNCTION = f"{APP_PREFIX}_refuse_change"
# Tables beside the event log that the writer's processes create, rebuild and drop themselves:
# the read side's positions, failures and views (rm_, rmb_ while rebuilding, rma_<instant>_), the
# API's tokens, the sealer's leaves and checkpoints (evidence by signature, not by permissions),
# and the data subjects' keys (which erasure overwrites; the reader never sees them).
WRITER_TABLES = (
    "readside_positions",
    "readside_failures",
    "api_tokens",
    "integrity_leaves",
    "integrity_checkpoints",
    SUBJECT_KEYS_TABLE,
)
WRITER_TABLE_PATTERNS = ("rm\\_%", "rmb\\_%", "rma\\_%")
MAX_IDENTIFIER_BYTES = 63


class RoleSetupError(LedgerError):
    """`db init` cannot set the roles up as asked."""


@dataclass(frozen=True)
class LoginRole:
    """A role the operator's processes log in as. No password: peer, trust or certificates."""

    name: str
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class RolePlan:
    prefix: str = DEFAULT_ROLE_PREFIX
    writer_login: LoginRole | None = None
    reader_login: LoginRole | None = None

    @property
    def writer(self) -> str:
        return f"{self.prefix}_writer"

    @property
    def reader(self) -> str:
        return f"{self.prefix}_reader"

    def check(self) -> None:
        names = [self.writer, self.reader]
        names += [login.name for login in (self.writer_login, self.reader_login) if login]
        for name in names:
            if not name or len(name.encode()) > MAX_IDENTIFIER_BYTES:
                raise InvalidValueError(f"role name {name!r} must be 1 to 63 bytes", field="role")
        if len(set(names)) != len(names):
            raise InvalidValueError(f"role names must differ: {', '.join(names)}", field="role")


@dataclass(frozen=True)
class InitReport:
    database: str
    schema: str
    owner: str
    created_roles: list[str]
    handed_over: list[str]


@dataclass(frozen=True)
class _Target:
    """Where `db init` works: the schema, the database, and the role that owns the event log."""

    schema: str
    database: str
    owner: str


def check_can_set_up(store: StoreURL, plan: RolePlan) -> None:
    """Refuse a SQLite store or an inconsistent plan before anything is created."""
    if store.kind != "postgres":
        raise InvalidValueError(
            "db init sets up PostgreSQL roles; a SQLite store has none (its integrity rests on "
            "the signed checkpoints)",
            field="store",
        )
    plan.check()


def set_up_roles(store: StoreURL, plan: RolePlan) -> InitReport:
    """Create the roles, grants, lock function and triggers on tables that already exist
    (application/store_setup.py creates them first). Safe to run again: everything is created
    if missing and re-granted."""
    check_can_set_up(store, plan)
    try:
        with _connect(store) as conn, conn.transaction():
            return _set_up(conn, store, plan)
    except psycopg.Error as error:
        raise RoleSetupError(f"db init failed on {store.redacted}: {error}") from None


@contextmanager
def _connect(store: StoreURL) -> Iterator[psycopg.Connection[Any]]:
    env = store.env
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")),
        autocommit=True,
    ) as conn:
        yield conn


def _set_up(conn: psycopg.Connection[Any], store: StoreURL, plan: RolePlan) -> InitReport:
    schema = store.env.get("POSTGRES_SCHEMA") or "public"
    target = _Target(schema, store.env["POSTGRES_DBNAME"], _event_log_owner(conn, schema))
    created = [name for name in (plan.writer, plan.reader) if _ensure_group(conn, name, target)]
    _join_writer_group(conn, plan.writer)
    for login, group in ((plan.writer_login, plan.writer), (plan.reader_login, plan.reader)):
        if login is not None and _ensure_login(conn, login, group, target):
            created.append(login.name)
    _grant_database_and_schema(conn, target, plan)
    _protect_event_log(conn, target, plan)
    handed_over = _hand_over_read_side(conn, target, plan)
    _grant_reader_future_tables(conn, target, plan)
    conn.execute(
        sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(
            sql.Identifier(schema, SUBJECT_KEYS_TABLE), sql.Identifier(plan.reader)
        )
    )
    return InitReport(target.database, schema, target.owner, created, handed_over)


def _one(conn: psycopg.Connection[Any], query: str, params: tuple[Any, ...] = ()) -> Any:
    row = conn.execute(query, params).fetchone()
    return None if row is None else row[0]


def _event_log_owner(conn: psycopg.Connection[Any], schema: str) -> str:
    owners = {
        owner
        for table in EVENT_LOG_TABLES
        if (owner := _table_owner(conn, schema, table)) is not None
    }
    if len(owners) != 1:
        raise RoleSetupError(
            f"expected {', '.join(EVENT_LOG_TABLES)} in schema {schema!r} with one owner, "
            f"found owners {sorted(owners)}"
        )
    return owners.pop()


def _table_owner(conn: psycopg.Connection[Any], schema: str, table: str) -> str | None:
    owner: str | None = _one(
        conn,
        "SELECT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
        (schema, table),
    )
    return owner


# ---- roles -----------------------------------------------------------------------------------


def _ensure_group(conn: psycopg.Connection[Any], name: str, target: _Target) -> bool:
    """Create the NOLOGIN group role if it is missing; True when created."""
    if _role_exists(conn, name):
        _refuse_powerful_role(conn, name, target)
        return False
    conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
    return True


def _role_exists(conn: psycopg.Connection[Any], name: str) -> bool:
    return bool(_one(conn, "SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,)))


def _refuse_powerful_role(conn: psycopg.Connection[Any], name: str, target: _Target) -> None:
    """A writer or reader that is a superuser, may create roles (and so grant itself the
    owner's), or already has the owner's privileges, would make the triggers pointless."""
    row = conn.execute(
        "SELECT rolsuper, rolcreaterole, rolbypassrls, pg_has_role(oid, "
        "(SELECT oid FROM pg_roles WHERE rolname = %s), 'MEMBER') FROM pg_roles WHERE rolname = %s",
        (target.owner, name),
    ).fetchone()
    if row is None:
        return
    superuser, createrole, bypassrls, owner_member = row
    if superuser or createrole or bypassrls or owner_member:
        raise RoleSetupError(
            f"role {name!r} is a superuser, may create roles, bypasses row security, or has the "
            f"privileges of the event log's owner {target.owner!r}: it cannot be a writer or a "
            "reader; choose another role"
        )


def _join_writer_group(conn: psycopg.Connection[Any], writer: str) -> None:
    """The owner joins the writer group (gaining nothing it lacks) so that it may hand read-side
    tables to the group and set default privileges for the tables the group creates."""
    if _one(conn, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
        return
    if _one(conn, "SELECT pg_has_role(current_user, %s, 'USAGE')", (writer,)):
        return
    conn.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(writer)))


def _ensure_login(
    conn: psycopg.Connection[Any], login: LoginRole, group: str, target: _Target
) -> bool:
    """Create or update a login role in `group`; its sessions run as the group in this database,
    so whatever they create (read-side tables) belongs to the group. True when created."""
    name = sql.Identifier(login.name)
    password: sql.Composable = sql.SQL("")
    if login.password is not None:
        password = sql.SQL(" PASSWORD {}").format(sql.Literal(scram_verifier(login.password)))
    created = not _role_exists(conn, login.name)
    if created:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN{} IN ROLE {}").format(
                name, password, sql.Identifier(group)
            )
        )
    else:
        _refuse_powerful_role(conn, login.name, target)
        conn.execute(sql.SQL("ALTER ROLE {} LOGIN{}").format(name, password))
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), name))
    conn.execute(
        sql.SQL("ALTER ROLE {} IN DATABASE {} SET role = {}").format(
            name, sql.Identifier(target.database), sql.Literal(group)
        )
    )
    return created


# ---- grants and triggers ---------------------------------------------------------------------


def _grant_database_and_schema(
    conn: psycopg.Connection[Any], target: _Target, plan: RolePlan
) -> None:
    writer, reader = sql.Identifier(plan.writer), sql.Identifier(plan.reader)
    database, schema = sql.Identifier(target.database), sql.Identifier(target.schema)
    if _one(
        conn,
        "SELECT has_database_privilege(current_user, %s, 'CONNECT WITH GRANT OPTION')",
        (target.database,),
    ):  # PUBLIC may connect by default; grant it too in case the DBA took that away
        conn.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}, {}").format(database, writer, reader)
        )
    conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}, {}").format(schema, writer, reader))
    # The read side and the token store create their own tables beside the event log.
    conn.execute(sql.SQL("GRANT CREATE ON SCHEMA {} TO {}").format(schema, writer))
    conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, reader))


def _protect_event_log(conn: psycopg.Connection[Any], target: _Target, plan: RolePlan) -> None:
    writer, reader = sql.Identifier(plan.writer), sql.Identifier(plan.reader)
    _create_refuse_function(conn, target.schema)
    for table in EVENT_LOG_TABLES:
        qualified = sql.Identifier(target.schema, table)
        # Revoke first, so that a second run also takes back anything granted by hand.
        conn.execute(
            sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC, {}, {}").format(qualified, writer, reader)
        )
        conn.execute(sql.SQL("GRANT SELECT, INSERT ON TABLE {} TO {}").format(qualified, writer))
        conn.execute(sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(qualified, reader))
        _install_triggers(conn, target.schema, table)
    sequence = _notification_sequence(conn, target)
    conn.execute(sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sequence, writer))
    # Readers following the log read how far the sequence got (gap_safe.py).
    conn.execute(sql.SQL("GRANT SELECT ON SEQUENCE {} TO {}").format(sequence, reader))
    for statement in lock_function_statements(target.schema, EVENTS_TABLE):
        conn.execute(statement)
    lock = sql.Identifier(target.schema, lock_function_name(EVENTS_TABLE))
    conn.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {}() TO {}").format(lock, writer))


def _notification_sequence(conn: psycopg.Connection[Any], target: _Target) -> sql.Identifier:
    row = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.oid = pg_get_serial_sequence(%s, 'notification_id')::regclass",
        (sql.Identifier(target.schema, EVENTS_TABLE).as_string(conn),),
    ).fetchone()
    if row is None:
        raise RoleSetupError(f"{EVENTS_TABLE} has no notification_id sequence")
    return sql.Identifier(row[0], row[1])


def _create_refuse_function(conn: psycopg.Connection[Any], schema: str) -> None:
    function = sql.Identifier(schema, REFUSE_FUNCTION)
    body = (
        "BEGIN RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, "
        "TG_OP USING ERRCODE = 'insufficient_privilege'; END"
    )
    conn.execute(
        sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql "
            "SET search_path = pg_catalog, pg_temp AS {}"
        ).format(function, sql.Literal(body))
    )
    conn.execute(sql.SQL("REVOKE ALL ON FUNCTION {}() FROM PUBLIC").format(function))


def _install_triggers(conn: psycopg.Connection[Any], schema: str, table: str) -> None:
    """Statement-level, so that even a statement that matches no row is refused."""
    qualified = sql.Identifier(schema, table)
    function = sql.Identifier(schema, REFUSE_FUNCTION)
    for trigger, events in (
        ("append_only_no_update_delete", "UPDATE OR DELETE"),
        ("append_only_no_truncate", "TRUNCATE"),
    ):
        name = sql.Identifier(trigger)
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(name, qualified))
        conn.execute(
            sql.SQL(
                "CREATE TRIGGER {} BEFORE {} ON {} FOR EACH STATEMENT EXECUTE FUNCTION {}()"
            ).format(name, sql.SQL(events), qualified, function)
        )


def _hand_over_read_side(
    conn: psycopg.Connection[Any], target: _Target, plan: RolePlan
) -> list[str]:
    """Tables beside the log made before the roles existed (by the owner) go to the writer
    group, which creates indexes on, rebuilds (drops and re-creates) and writes them."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' AND pg_get_userbyid(c.relowner) <> %s "
            "AND (c.relname = ANY(%s) OR c.relname LIKE ANY(%s)) ORDER BY c.relname",
            (target.schema, plan.writer, list(WRITER_TABLES), list(WRITER_TABLE_PATTERNS)),
        ).fetchall()
    ]
    for name in names:
        conn.execute(
            sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                sql.Identifier(target.schema, name), sql.Identifier(plan.writer)
            )
        )
    return names


def _grant_reader_future_tables(
    conn: psycopg.Connection[Any], target: _Target, plan: RolePlan
) -> None:
    conn.execute(
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT SELECT ON TABLES TO {}"
        ).format(
            sql.Identifier(plan.writer), sql.Identifier(target.schema), sql.Identifier(plan.reader)
        )
    )
