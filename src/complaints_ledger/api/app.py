"""Composition root of the HTTP API: `create_app(settings)` builds an app; nothing at import."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager
from typing import Any

import structlog
from anyio import to_thread
from fastapi import FastAPI

from complaints_ledger.api.metrics import Metrics
from complaints_ledger.api.middleware import Observability, RequestLimits
from complaints_ledger.api.problems import PROBLEM_MEDIA_TYPE, install_problem_handlers
from complaints_ledger.api.read_deps import halted_projections, projection_lag
from complaints_ledger.api.readiness import Readiness, register_background_gauges
from complaints_ledger.api.routes import (
    calendars,
    commands,
    complaints,
    integrity,
    listing,
    operations,
    privacy,
    read_models,
    reads,
)
from complaints_ledger.api.sealing import BackgroundSealer, signing_key
from complaints_ledger.api.security import SecurityHeaders, StrictFraming
from complaints_ledger.api.store_opening import OpenedStore
from complaints_ledger.application.ledger import Clock, system_clock
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.settings import Settings
from complaints_ledger.web.interface import install_web
from complaints_ledger.web.signing_in import FORM_PATHS

logger = structlog.get_logger(__name__)

DESCRIPTION = """An event-sourced ledger of UK social care complaints, concerns and compliments.

Send `Authorization: Bearer <token>`. Responses carry the case version as `ETag`; send it back
as `If-Match` to refuse a change to a case that moved on (409). Every `POST` accepts an
`Idempotency-Key`: a retry with the same key and body returns the first response. Errors are
RFC 9457 problem details (`application/problem+json`) naming the offending `field`.
"""


def create_app(
    settings: Settings,
    *,
    clock: Clock = system_clock,
    background_sealing: bool = True,
    serving_process: bool = False,
) -> FastAPI:
    """The API on the settings' store; the ledger, tokens and policy open with the app.

    `background_sealing=False` leaves sealing to another process (`serve --workers` runs one
    sealer in the supervising process, not one per worker). `serving_process=True` (`serve`)
    makes sure the process ends after shutdown even if request threads hang on the store."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Route handlers block on the store in worker threads; a few are enough to overlap
        # round trips, and every extra thread mostly queues for the interpreter lock.
        to_thread.current_default_thread_limiter().total_tokens = settings.api_threads
        with ExitStack() as stack:
            if serving_process:
                stack.callback(_exit_even_if_threads_hang, settings.api_shutdown_seconds)
            store = OpenedStore(settings, clock)
            stack.callback(store.close)
            await to_thread.run_sync(store.open)
            views = ViewDatabases(settings.store_url)
            stack.callback(views.close)
            app.state.store, app.state.views = store, views
            app.state.signing_key = signing_key(settings)
            sealer = (
                stack.enter_context(BackgroundSealer.running(settings, app.state.signing_key))
                if background_sealing
                else None
            )
            app.state.sealer = sealer
            app.state.readiness = Readiness(views, store, sealer, settings.api_seal_seconds)
            stack.callback(app.state.readiness.close)
            _freeze_start_up_objects()
            yield

    app = FastAPI(
        title="complaints-ledger",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by the web interface from local assets (web/api_docs)
        redoc_url=None,
    )
    metrics = Metrics()
    app.state.metrics, app.state.settings = metrics, settings
    install_problem_handlers(app)
    app.include_router(operations.router)
    app.include_router(complaints.router)
    app.include_router(reads.router)
    app.include_router(commands.router)
    app.include_router(listing.router)
    app.include_router(read_models.router)
    app.include_router(integrity.router)
    app.include_router(privacy.router)
    app.include_router(calendars.router)
    install_web(app)  # the pages, /assets, /docs, and the 404 page for browsers
    metrics.register_gauge(
        "complaints_ledger_projection_lag_events",
        "Events in the log not yet applied to each read model",
        lambda: app.state.views.run(projection_lag),
        labels=("projection",),
    )
    metrics.register_gauge(
        "complaints_ledger_projection_halted_at_position",
        "Read models halted at an event they cannot apply: that event's log position",
        lambda: app.state.views.run(halted_projections),
        labels=("projection",),
    )
    register_background_gauges(metrics, app.state)
    app.add_middleware(
        RequestLimits, max_body_bytes=settings.api_max_body_bytes, form_paths=FORM_PATHS
    )
    app.add_middleware(StrictFraming)
    app.add_middleware(Observability, metrics=metrics)
    app.add_middleware(SecurityHeaders)  # outermost: on every response, the last-resort 500 too
    app.openapi = _with_problem_media_type(app.openapi)  # type: ignore[method-assign]
    return app


def _exit_even_if_threads_hang(grace_seconds: float) -> None:
    """Called last at shutdown. A request thread still blocked on a store that stopped
    answering would keep the process alive for ever (worker threads are not daemons): if the
    process has not ended `grace_seconds` after shutdown, it ends without them."""

    def leave() -> None:
        hung = [t.name for t in threading.enumerate() if t.is_alive() and not t.daemon]
        logger.error("threads still waiting at shutdown; exiting without them", threads=hung)
        os._exit(0)

    timer = threading.Timer(grace_seconds, leave)
    timer.daemon = True
    timer.start()


def _freeze_start_up_objects() -> None:
    """Hide the objects made at start-up (about 120,000: FastAPI's models, the libraries, the
    calendars) from the garbage collector. They live as long as the process, yet every full
    collection walked them: ~55 ms pauses that held up every request in flight (seen as bursts of
    slow requests under load); after this, ~10 ms."""
    gc.collect()
    gc.freeze()


def _with_problem_media_type(
    openapi: Callable[[], dict[str, Any]],
) -> Callable[[], dict[str, Any]]:
    """Describe error responses as `application/problem+json`, as they are sent."""

    def described() -> dict[str, Any]:
        schema = openapi()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if status[:1] in {"4", "5"} and "application/json" in content:
                        content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
        return schema

    return described
