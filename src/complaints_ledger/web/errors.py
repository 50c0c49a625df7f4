"""Error pages for browsers. A 404 for a client that ranks HTML above JSON (a browser) is the
"Page not found" page; every other client, and every other error, keeps the API's problem
details unchanged."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from complaints_ledger.api.problems import http_exception_problem
from complaints_ledger.web.negotiation import prefers_html
from complaints_ledger.web.templating import render_page


async def _not_found_page_for_browsers(request: Request, error: Exception) -> Response:
    if (
        isinstance(error, HTTPException)
        and error.status_code == HTTPStatus.NOT_FOUND
        and prefers_html(request.headers.get("accept"))
    ):
        return render_page(request, "not_found.html", status_code=HTTPStatus.NOT_FOUND)
    return await http_exception_problem(request, error)


def install_error_pages(app: FastAPI) -> None:
    """Call after the API's problem handlers: this one takes over HTTPException from them."""
    app.add_exception_handler(HTTPException, _not_found_page_for_browsers)
