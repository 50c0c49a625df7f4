"""The pages that need no sign-in: the start page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request) -> HTMLResponse:
    """What the service is, and what staff can use now."""
    return render_page(request, "start.html")
