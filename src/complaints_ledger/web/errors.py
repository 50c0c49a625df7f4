"""Error pages for browsers, for a client that ranks HTML above JSON: a 404 is the "Page not
found" page, and a store outage (the store down, restarting, full or read-only) the "Sorry, the
service is unavailable" page with a 503, never a 500. Every other client, and every other
error, keeps the API's problem details unchanged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from complaints_ledger.api.problems import (
    RETRY_AFTER_SECONDS,
    http_exception_problem,
    ledger_error_problem,
    store_error_problem,
)
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.persistence.errors import STORE_ERRORS, first_line, is_unavailable
from complaints_ledger.web.negotiation import prefers_html
from complaints_ledger.web.templating import render_page

logger = structlog.get_logger(__name__)

Handler = Callable[[Request, Exception], Awaitable[Response]]


def _wants_page(request: Request) -> bool:
    return prefers_html(request.headers.get("accept"))


async def _not_found_page_for_browsers(request: Request, error: Exception) -> Response:
    if (
        isinstance(error, HTTPException)
        and error.status_code == HTTPStatus.NOT_FOUND
        and _wants_page(request)
    ):
        return render_page(request, "not_found.html", status_code=HTTPStatus.NOT_FOUND)
    return await http_exception_problem(request, error)


def _unavailable_page_for_browsers(problem: Handler) -> Handler:
    """A handler that answers a browser's request during a store outage with the page, and
    everything else as `problem` does."""

    async def handle(request: Request, error: Exception) -> Response:
        if not (_wants_page(request) and is_unavailable(error)):
            return await problem(request, error)
        logger.warning(
            "store unavailable", error=first_line(error), error_type=type(error).__name__
        )
        page = render_page(
            request, "service_unavailable.html", status_code=HTTPStatus.SERVICE_UNAVAILABLE
        )
        page.headers["Retry-After"] = RETRY_AFTER_SECONDS
        return page

    return handle


def install_error_pages(app: FastAPI) -> None:
    """Call after the API's problem handlers: these take over from them for browsers."""
    app.add_exception_handler(HTTPException, _not_found_page_for_browsers)
    app.add_exception_handler(LedgerError, _unavailable_page_for_browsers(ledger_error_problem))
    for store_error in STORE_ERRORS:
        app.add_exception_handler(store_error, _unavailable_page_for_browsers(store_error_problem))
