"""`db init`: on PostgreSQL the event log is append-only for the writer and read-only for the
reader, while the application (and the read side beside the log) works as the writer.

Roles are cluster-wide, so each test names its own (a random suffix) and drops them afterwards.
The test server trusts 127.0.0.1, so a test connects as any role without a password.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import typer
from psycopg import sql
from typer.testing import CliRunner, Result

from complaints_ledger.access import TokenStore
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.db_cmd import app as db_app
from complaints_ledger.cli.main import main as main_callback
from complaints_ledger.domain.privacy import ERASED, SubjectRole
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.persistence.append_only import EVENTS_TABLE, lock_function_name
from complaints_ledger.persistence.store_roles import EVENT_LOG_TABLES, scram_verifier
from complaints_ledger.persistence.store_url import POSTGRES_FACTORY
from complaints_ledger.persistence.subject_table import TABLE as SUBJECT_KEYS_TABLE
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.privacy.erasure import erase_subject
from complaints_ledger.readside.discovery import select_projections
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.settings import Settings
from tests.builders import JO_BY_EMAIL, assert_one_error_line, intake

# The command line as cli/main.py builds it (its callback), with the `db` group added here, so
# that these tests do not depend on where main.py registers it.
CLI = typer.Typer()
CLI.callback()(main_callback)
CLI.add_typer(db_app, name="db")

OFFICER = Actor("o.khan", "Northshire Council")
FORBIDDEN_TO_WRITER = (
    "UPDATE {table} SET topic = topic",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
    "ALTER TABLE {table} DISABLE TRIGGER ALL",
    "DROP TABLE {table}",
    "LOCK TABLE {table} IN EXCLUSIVE MODE",  # only through the owner's lock function
)
REFUSED_BY_TRIGGERS = (
    "UPDATE {table} SET topic = topic",
    "DELETE FROM {table}",
    "TRUNCATE {table}",
)


@dataclass(frozen=True)
class Roles:
    prefix: str
    writer_login: str
    reader_login: str

    @property
    def writer(self) -> str:
        return f"{self.prefix}_writer"

    @property
    def reader(self) -> str:
        return f"{self.prefix}_reader"

    @property
    def names(self) -> list[str]:
        return [self.writer_login, self.reader_login, self.writer, self.reader]


@pytest.fixture
def roles(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Roles]:
    # The library reads <APP>_PERSISTENCE_MODULE before the store's PERSISTENCE_MODULE: this routes
    # the application to the append-only recorder whether or not store.py already does.
    monkeypatch.setenv("COMPLAINTSLEDGER_PERSISTENCE_MODULE", POSTGRES_FACTORY)
    suffix = secrets.token_hex(4)
    made = Roles(f"cl_{suffix}", f"cl_writer_{suffix}", f"cl_reader_{suffix}")
    try:
        yield made
    finally:
        drop_roles(postgres_url, made.names)


def drop_roles(url: str, names: list[str]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        existing = [
            name
            for name in names
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        ]
        if not existing:
            return
        for name in existing:  # one at a time: a default ACL names two of them
            conn.execute(
                sql.SQL("REASSIGN OWNED BY {} TO CURRENT_USER").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(name)))
        listed = sql.SQL(", ").join(map(sql.Identifier, existing))
        conn.execute(sql.SQL("DROP ROLE {}").format(listed))


def as_role(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{role}@{host}"))


def db_init(url: str, roles: Roles, *extra: str, env: dict[str, str] | None = None) -> Result:
    args = ["db", "init", "--store", url, "--role-prefix", roles.prefix]
    args += ["--writer-login", roles.writer_login, "--reader-login", roles.reader_login]
    return CliRunner().invoke(CLI, [*args, *extra], env=env)


def initialised(url: str, roles: Roles) -> None:
    result = db_init(url, roles)
    assert result.exit_code == 0, result.output


def use_the_ledger(url: str) -> None:
    """Receive a complaint, run a command, read it back; a snapshot is taken at every save."""
    ledger = ComplaintsLedger(Settings(store=url, snapshot_interval=1))
    try:
        case_id = ledger.receive(
            intake(receiving_organisation=OFFICER.organisation, complainant=JO_BY_EMAIL),
            CommandContext(OFFICER),
        )
        assert ledger.acknowledge(case_id, CommandContext(OFFICER)) == 2
        assert ledger.get(case_id).version == 2
        assert [entry.type for entry in ledger.history(case_id)] == ["Received", "Acknowledged"]
        # Erasure overwrites the subject's key: the writer may change the key table.
        manager = Actor("m.jones", OFFICER.organisation, Role.MANAGER)
        complainant = ledger.get(case_id).subject_ids()[SubjectRole.COMPLAINANT]
        erase_subject(ledger, complainant, CommandContext(manager), reason="asked to be forgotten")
        assert ledger.get(case_id).personal["complainant"] == ERASED
    finally:
        ledger.close()


def use_the_read_side(url: str) -> None:
    """Tokens and read models live beside the log: the writer creates, rebuilds, drops them."""
    store = Settings(store=url).store_url
    tokens = TokenStore(store)
    try:
        tokens.create(principal="m.jones", organisation=OFFICER.organisation, role=Role.MANAGER)
    finally:
        tokens.close()
    db = ViewDatabase(store)
    try:
        runner = ReadModelRunner(db)
        [worklist] = select_projections(("worklist",))
        for _ in range(2):  # the second rebuild drops the first one's tables
            assert runner.rebuild(worklist).events >= 1
    finally:
        db.close()


def refused(url: str, statements: tuple[str, ...], table: str) -> list[str]:
    """Run each statement in its own transaction; return the error message of each."""
    messages = []
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            query = sql.SQL(statement).format(table=sql.Identifier(table))
            with pytest.raises(psycopg.errors.InsufficientPrivilege) as caught, conn.transaction():
                conn.execute(query)
            messages.append(str(caught.value))
    return messages


# --------------------------------------------------------------------------- the writer


def test_the_writer_appends_through_the_ledger_but_cannot_change_the_log(
    postgres_url: str, roles: Roles
) -> None:
    initialised(postgres_url, roles)
    writer_url = as_role(postgres_url, roles.writer_login)

    use_the_ledger(writer_url)
    use_the_read_side(writer_url)

    for table in EVENT_LOG_TABLES:
        messages = refused(writer_url, FORBIDDEN_TO_WRITER, table)
        assert all("permission denied" in m or "must be owner" in m for m in messages), messages
    with psycopg.connect(writer_url) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (roles.writer,)
        counts = conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(EVENTS_TABLE))
        )
        assert counts.fetchone() == (3,)  # received, acknowledged, subject erased


def test_the_triggers_refuse_changes_even_to_the_owner(postgres_url: str, roles: Roles) -> None:
    initialised(postgres_url, roles)
    use_the_ledger(as_role(postgres_url, roles.writer_login))
    for table in EVENT_LOG_TABLES:
        messages = refused(postgres_url, REFUSED_BY_TRIGGERS, table)
        assert all("is append-only" in m for m in messages), messages


# --------------------------------------------------------------------------- the reader


def test_the_reader_may_select_everything_but_write_nothing(
    postgres_url: str, roles: Roles
) -> None:
    initialised(postgres_url, roles)
    writer_url = as_role(postgres_url, roles.writer_login)
    use_the_ledger(writer_url)
    use_the_read_side(writer_url)  # tables the writer creates after `db init`

    with psycopg.connect(as_role(postgres_url, roles.reader_login), autocommit=True) as conn:
        for table in (*EVENT_LOG_TABLES, "api_tokens", "readside_positions", "rm_worklist_cases"):
            conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        forbidden = (
            "INSERT INTO {} (originator_id, originator_version) VALUES (gen_random_uuid(), 1)",
            "DELETE FROM api_tokens WHERE {} IS NOT NULL",
            "SELECT {}()",
        )
        names = (EVENTS_TABLE, "token_id", lock_function_name(EVENTS_TABLE))
        for statement, name in zip(forbidden, names, strict=True):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # wrapped keys: not for readers
            conn.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(SUBJECT_KEYS_TABLE)))


# --------------------------------------------------------------------------- running it


def test_init_twice_is_fine_and_leaves_one_set_of_grants_and_triggers(
    postgres_url: str, roles: Roles
) -> None:
    initialised(postgres_url, roles)
    again = db_init(postgres_url, roles)
    assert again.exit_code == 0, again.output
    assert "roles created: none" in again.stdout

    with psycopg.connect(postgres_url) as conn:
        for table in EVENT_LOG_TABLES:
            privileges = conn.execute(
                "SELECT grantee, string_agg(privilege_type, ',' ORDER BY privilege_type) "
                "FROM information_schema.role_table_grants WHERE table_name = %s "
                "AND grantee = ANY(%s) GROUP BY grantee ORDER BY grantee",
                (table, [roles.writer, roles.reader]),
            ).fetchall()
            assert privileges == [(roles.reader, "SELECT"), (roles.writer, "INSERT,SELECT")]
            triggers = conn.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                (table,),
            ).fetchone()
            assert triggers == (2,)
    use_the_ledger(as_role(postgres_url, roles.writer_login))


def test_init_by_an_owner_that_is_not_a_superuser(postgres_url: str, roles: Roles) -> None:
    """The production set-up: the migrator owns the database and may create roles, no more."""
    owner = f"{roles.prefix}_owner"
    database = urlsplit(postgres_url).path.lstrip("/")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN CREATEROLE").format(sql.Identifier(owner)))
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(database), sql.Identifier(owner)
            )
        )
    owner_url = as_role(postgres_url, owner)
    try:
        with psycopg.connect(owner_url, autocommit=True) as conn:  # made before the roles were
            conn.execute("CREATE TABLE readside_positions (name TEXT PRIMARY KEY)")
        result = db_init(owner_url, roles)
        assert result.exit_code == 0, result.output
        assert f"owned by {owner}" in result.stdout
        assert "handed to" in result.stdout
        writer_url = as_role(postgres_url, roles.writer_login)
        use_the_ledger(writer_url)
        assert refused(writer_url, FORBIDDEN_TO_WRITER[:3], EVENTS_TABLE)
        assert refused(owner_url, REFUSED_BY_TRIGGERS, EVENTS_TABLE)
    finally:
        drop_roles(postgres_url, [owner])


# --------------------------------------------------------------------------- passwords, refusals


def test_login_passwords_come_from_named_environment_variables(
    postgres_url: str, roles: Roles
) -> None:
    password = secrets.token_urlsafe(16)
    result = db_init(
        postgres_url,
        roles,
        "--writer-password-env",
        "CL_TEST_WRITER_PASSWORD",
        env={"CL_TEST_WRITER_PASSWORD": password},
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output

    with psycopg.connect(postgres_url, autocommit=True) as conn:
        stored = stored_verifier(conn, roles.writer_login)
        assert stored == verifier_like(stored, password)
        # The verifier computed here matches the server's own hashing of the same password.
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(roles.reader_login), sql.Literal(password)
            )
        )
        server_made = stored_verifier(conn, roles.reader_login)
        assert server_made == verifier_like(server_made, password)

    missing = db_init(postgres_url, roles, "--reader-password-env", "CL_TEST_NOT_SET", env={})
    assert_one_error_line(missing, "CL_TEST_NOT_SET", "not set")


def stored_verifier(conn: psycopg.Connection[tuple[str]], role: str) -> str:
    row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", (role,)).fetchone()
    assert row is not None
    return row[0]


def verifier_like(stored: str, password: str) -> str:
    """Our verifier for `password` with the salt and iteration count of `stored`."""
    iterations, salt = stored.removeprefix("SCRAM-SHA-256$").split("$")[0].split(":")
    return scram_verifier(password, salt=base64.b64decode(salt), iterations=int(iterations))


def test_a_superuser_cannot_be_made_the_writer(postgres_url: str, roles: Roles) -> None:
    with psycopg.connect(postgres_url) as conn:
        row = conn.execute("SELECT current_user").fetchone()
    assert row is not None
    superuser = row[0]
    args = ["db", "init", "--store", postgres_url, "--role-prefix", roles.prefix]
    result = CliRunner().invoke(CLI, [*args, "--writer-login", superuser])
    assert_one_error_line(result, f"{superuser!r}", "cannot be a writer")


def test_init_refuses_a_sqlite_store(sqlite_url: str) -> None:
    result = CliRunner().invoke(CLI, ["db", "init", "--store", sqlite_url])
    assert_one_error_line(result, "SQLite", "field: store")


def test_a_password_variable_needs_a_login(sqlite_url: str) -> None:
    result = CliRunner().invoke(
        CLI, ["db", "init", "--store", sqlite_url, "--writer-password-env", "X"]
    )
    assert_one_error_line(result, "--writer-password-env needs --writer-login")
