"""`serve`: run the HTTP API under uvicorn, in one process or several."""

from __future__ import annotations

from typing import Annotated, Any

import typer
import uvicorn

from complaints_ledger.api import create_app
from complaints_ledger.api.sealing import BackgroundSealer, signing_key
from complaints_ledger.api.workers import create_worker_app, export_settings, prepare_store
from complaints_ledger.cli.context import state, with_store
from complaints_ledger.cli.errors import reporting_errors
from complaints_ledger.domain.errors import InvalidValueError, StoreUnavailableError
from complaints_ledger.settings import Settings

WORKER_FACTORY = f"{create_worker_app.__module__}:{create_worker_app.__name__}"
# uvicorn kills a worker that does not answer its supervisor's ping in time (5 s by default) and
# starts another. A new worker answers only once it has imported the ledger, which takes longer
# than 5 s on a busy machine: killed while starting, over and over, requests in flight lost.
WORKER_HEALTHCHECK_SECONDS = 30


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
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes (default COMPLAINTS_LEDGER_API_WORKERS, 1); more than one "
            "needs a PostgreSQL store.",
        ),
    ] = None,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            min=1,
            max=256,
            help="Requests each process works on at once (default COMPLAINTS_LEDGER_API_THREADS, "
            "4).",
        ),
    ] = None,
) -> None:
    """Serve the HTTP API (OpenAPI at /docs) until interrupted."""
    with reporting_errors():
        settings = _serving_settings(with_store(state(ctx), store).settings, workers, threads)
    typer.echo(
        f"Serving {settings.store_url.redacted} at http://{host}:{port} (OpenAPI: /docs), "
        f"{settings.api_workers} process(es) x {settings.api_threads} thread(s)",
        err=True,
    )
    # uvicorn's own lines (one per request at info) follow the ledger's log level.
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "server_header": False,
        "log_level": settings.log_level,
        # On SIGTERM requests in flight get this long; the app's shutdown then makes sure the
        # process ends even if some are still blocked on the store (api/app.py).
        "timeout_graceful_shutdown": max(1, round(settings.api_shutdown_seconds)),
    }
    if settings.api_workers == 1:
        uvicorn.run(create_app(settings, serving_process=True), **options)
        return
    try:
        prepare_store(settings)
    except StoreUnavailableError as error:  # each worker opens it once it answers
        typer.echo(f"warning: {error.message}; serving 503 until it answers", err=True)
    export_settings(settings)
    with BackgroundSealer.running(settings, signing_key(settings)):
        uvicorn.run(
            WORKER_FACTORY,
            factory=True,
            workers=settings.api_workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            **options,
        )


def _serving_settings(settings: Settings, workers: int | None, threads: int | None) -> Settings:
    update = {"api_workers": workers, "api_threads": threads}
    chosen = settings.model_copy(update={k: v for k, v in update.items() if v is not None})
    if chosen.api_workers > 1 and chosen.store_url.kind != "postgres":
        raise InvalidValueError(
            f"{chosen.api_workers} workers need a PostgreSQL store; a SQLite store is served by "
            "one process (use --workers 1)",
            field="workers",
        )
    return chosen
