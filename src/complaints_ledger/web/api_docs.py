"""The API documentation page at `/docs`: Swagger UI from this app's own assets, so it works
offline, under a policy of its own: nothing but its own files, and the `data:` images its
stylesheet holds; no inline script or style (the browser tests open, try and execute an
operation under it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from complaints_ledger.web.templating import render_page

DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI on the app's OpenAPI description."""
    page = render_page(request, "api_docs.html", openapi_url=request.app.openapi_url)
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page
