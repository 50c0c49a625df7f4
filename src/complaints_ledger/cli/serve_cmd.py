"""`serve`: run the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from complaints_ledger.api import create_app
from complaints_ledger.cli.context import state, with_store
from complaints_ledger.cli.errors import reporting_errors


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            metavar="URL",
            help="Store to serve (overrides --store before the command and "
            "COMPLAINTS_LEDGER_STORE).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) until interrupted."""
    with reporting_errors():
        settings = with_store(state(ctx), store).settings
    typer.echo(
        f"Serving {settings.store_url.redacted} at http://{host}:{port} (OpenAPI: /docs)", err=True
    )
    uvicorn.run(create_app(settings), host=host, port=port, server_header=False)
