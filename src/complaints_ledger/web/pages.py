"""The pages that need no sign-in: the start page."""

from __future__ import annotations

from contextlib import suppress

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.web.signing_in import current_session
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    """What the service is, and what staff can use now (and who is signed in, if anyone)."""
    with suppress(StoreUnavailableError):  # the page says what the service is even then
        current_session(request)
    return render_page(request, "start.html")
