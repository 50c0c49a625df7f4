"""The complaints-ledger command: a callback for the shared options, one module per command."""

from __future__ import annotations

from typing import Annotated

import typer

from complaints_ledger.cli.access_cmd import org_app, token_app
from complaints_ledger.cli.calendar_cmd import app as calendar_app
from complaints_ledger.cli.case_cmd import case_app
from complaints_ledger.cli.context import CliState
from complaints_ledger.cli.db_cmd import app as db_app
from complaints_ledger.cli.demo_cmd import demo
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.cli.history_cmd import deadlines, history
from complaints_ledger.cli.integrity_cmd import (
    checkpoint,
    export_command,
    keys_app,
    verify_bundle_command,
    verify_command,
)
from complaints_ledger.cli.keyring_cmd import keys_retire, keys_rotate, keys_status
from complaints_ledger.cli.privacy_cmd import erase, hold_app, retention_app, subject_app
from complaints_ledger.cli.projections_cmd import app as projections_app
from complaints_ledger.cli.reads_cmd import reads
from complaints_ledger.cli.report_cmd import app as report_app
from complaints_ledger.cli.serve_cmd import serve
from complaints_ledger.cli.user_cmd import user_app
from complaints_ledger.log_setup import configure_logging
from complaints_ledger.settings import Settings

app = typer.Typer(
    name="complaints-ledger",
    help="An event-sourced ledger of social care complaints, concerns and compliments.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,  # a traceback must never print case data held in locals
    add_completion=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="sqlite:///path/to/ledger.db or postgresql://user@host:port/db "
            "(overrides COMPLAINTS_LEDGER_STORE).",
        ),
    ] = None,
) -> None:
    """Settings are read and checked once, here, and handed to every command."""
    with reporting_errors():
        settings = Settings(store=store) if store is not None else Settings()
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = CliState(settings=settings, store_given=store is not None)


app.command("demo")(demo)
app.add_typer(case_app, name="case")
app.command("history")(history)
app.command("deadlines")(deadlines)
app.command("reads")(reads)
app.command("serve")(serve)
app.add_typer(projections_app, name="projections")
app.add_typer(calendar_app, name="calendar")
app.add_typer(report_app, name="report")
app.add_typer(org_app, name="org")
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(keys_app, name="keys")
keys_app.command("rotate")(keys_rotate)
keys_app.command("retire")(keys_retire)
keys_app.command("status")(keys_status)
app.add_typer(db_app, name="db")
app.command("checkpoint")(checkpoint)
app.command("verify")(verify_command)
app.command("export")(export_command)
app.command("verify-bundle")(verify_bundle_command)
app.command("erase")(erase)
app.add_typer(subject_app, name="subject")
app.add_typer(hold_app, name="hold")
app.add_typer(retention_app, name="retention")


def run() -> None:
    """The console script `complaints-ledger` (declared in pyproject.toml)."""
    app()
