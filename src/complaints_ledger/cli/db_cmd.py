"""`complaints-ledger db init`: PostgreSQL roles that keep the event log append-only."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from complaints_ledger.application.store_setup import init_database
from complaints_ledger.cli.context import state, with_store
from complaints_ledger.cli.errors import fail, reporting_errors
from complaints_ledger.persistence.store_roles import (
    DEFAULT_ROLE_PREFIX,
    EVENT_LOG_TABLES,
    InitReport,
    LoginRole,
    RolePlan,
)

app = typer.Typer(
    help="The PostgreSQL database: roles, grants and the append-only event log.",
    no_args_is_help=True,
)


@app.command("init")
def init(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="postgresql://OWNER@host:port/db, as the role that owns the database "
            "(overrides --store before the command and COMPLAINTS_LEDGER_STORE).",
        ),
    ] = None,
    writer_login: Annotated[
        str | None,
        typer.Option(
            "--writer-login", help="Login role to create (or update) in the writer group."
        ),
    ] = None,
    writer_password_env: Annotated[
        str | None,
        typer.Option(
            "--writer-password-env",
            metavar="VAR",
            help="Environment variable holding the writer login's password (none: no password).",
        ),
    ] = None,
    reader_login: Annotated[
        str | None,
        typer.Option(
            "--reader-login", help="Login role to create (or update) in the reader group."
        ),
    ] = None,
    reader_password_env: Annotated[
        str | None,
        typer.Option(
            "--reader-password-env",
            metavar="VAR",
            help="Environment variable holding the reader login's password (none: no password).",
        ),
    ] = None,
    role_prefix: Annotated[
        str,
        typer.Option(
            "--role-prefix",
            help="Group roles are PREFIX_writer and PREFIX_reader; roles are cluster-wide, so give "
            "each ledger database in a cluster its own prefix.",
        ),
    ] = DEFAULT_ROLE_PREFIX,
) -> None:
    """Create the tables, the writer and reader roles, their grants, and triggers that refuse
    UPDATE, DELETE and TRUNCATE on the event log. Run as the owner; safe to run again."""
    with reporting_errors():
        cli = with_store(state(ctx), store)
        plan = RolePlan(
            prefix=role_prefix,
            writer_login=_login("writer", writer_login, writer_password_env),
            reader_login=_login("reader", reader_login, reader_password_env),
        )
        report = init_database(cli.settings, plan)
    _print_report(report, plan)


def _login(which: str, name: str | None, password_env: str | None) -> LoginRole | None:
    if name is None:
        if password_env is not None:
            fail(f"--{which}-password-env needs --{which}-login (field: {which}_login)")
        return None
    if password_env is None:
        return LoginRole(name)
    password = os.environ.get(password_env)
    if not password:
        fail(
            f"environment variable {password_env} (named by --{which}-password-env) is not set "
            f"or empty (field: {which}_password_env)"
        )
    return LoginRole(name, password)


def _print_report(report: InitReport, plan: RolePlan) -> None:
    tables = ", ".join(EVENT_LOG_TABLES)
    typer.echo(
        f"{report.database} (schema {report.schema}): {tables} owned by {report.owner}; "
        "UPDATE, DELETE and TRUNCATE are refused by triggers"
    )
    typer.echo(
        f"{plan.writer}: SELECT and INSERT on the event log; owns the tables beside it "
        "(read side, tokens, integrity)"
    )
    typer.echo(f"{plan.reader}: SELECT only")
    created = ", ".join(report.created_roles) or "none (all existed)"
    typer.echo(f"roles created: {created}")
    if report.handed_over:
        typer.echo(f"tables handed to {plan.writer}: {', '.join(report.handed_over)}")
