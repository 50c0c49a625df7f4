"""The annual report (screen 7 of issue 16): a GET form for the organisation and reporting
year, the report (regs 16-18 and the KO41-style counts) as a page, its downloads (CSV, and JSON
identical to the API's) and a view to print.

The document is the API's own (`read_models.annual_report_document`, as `GET /reports/annual`
answers it) under the API's policy (`scoped_organisation`): the roles that read figures, their
own organisation's report unless their role sees every organisation's. The page and the print
view lay it out in the sections the Markdown report prints (`report_sections`); the downloads
are `render_csv` and the API's JSON. `/reports/annual` is also the API's address: the page
answers there only a client that ranks HTML above JSON (a browser), and every other client
still gets the API's JSON.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from complaints_ledger.access import Policy, Principal
from complaints_ledger.api.read_deps import scoped_organisation
from complaints_ledger.api.routes.read_models import annual_report_document
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import InvalidValueError, NotPermittedError
from complaints_ledger.web.annual_report_form import ReportAsked, read_report_form
from complaints_ledger.web.negotiation import prefers_html
from complaints_ledger.web.page_guards import not_permitted_page, signed_in
from complaints_ledger.web.templating import render_page
from projections.annual_report_render import (
    definitions,
    period_text,
    render_csv,
    report_sections,
)

PATH = "/reports/annual"
CSV_TYPE = "text/csv; charset=utf-8"


class BrowserRoute(APIRoute):
    """A route that a request matches only when it ranks HTML above JSON (a browser's)."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        if match is not Match.NONE and not prefers_html(Headers(scope=scope).get("accept")):
            return Match.NONE, {}
        return match, child


browser_router = APIRouter(include_in_schema=False, route_class=BrowserRoute)
router = APIRouter(include_in_schema=False)


def _answer(request: Request) -> ReportAsked | Response:
    """What the form asks for, with the report when it can be made; or the page that answers
    instead (sign in first; the report is not for this role)."""
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    policy, principal = request.app.state.store.policy, session.principal
    try:
        own = scoped_organisation(policy, principal, None)
    except NotPermittedError as refused:
        reason = f"The annual report is not for the {session.role} role. {refused.message}."
        return not_permitted_page(request, reason)
    with request.app.state.views.connection() as db:
        asked = read_report_form(
            request.query_params,
            db,
            own,
            forbidden=not _may_see(policy, principal, request.query_params.get("organisation", "")),
        )
        if asked.ready:
            try:
                asked.report = annual_report_document(
                    db,
                    organisation=asked.organisation,
                    year=asked.year,
                    as_of=None,
                    limits=request.app.state.settings.as_of_limits,
                )
            except InvalidValueError as refused:
                asked.refuse(refused.field or "year", refused.message)
    return asked


def _may_see(policy: Policy, principal: Principal, organisation: str) -> bool:
    """Whether the policy lets the person see the figures of the organisation the form names
    (none named: their own)."""
    try:
        scoped_organisation(policy, principal, organisation or None)
    except NotPermittedError:
        return False
    return True


def _page(request: Request, asked: ReportAsked, template: str = "annual_report.html") -> Response:
    report = asked.report
    return render_page(
        request,
        template if report is not None else "annual_report.html",
        status_code=asked.status,
        asked=asked,
        report=report,
        sections=report_sections(report) if report else [],
        definitions=definitions(report) if report else [],
        period=period_text(report["period"]) if report else "",
        printed=uk_local_date(datetime.now().astimezone()),
    )


@browser_router.get(PATH, response_class=HTMLResponse)
def annual_report_page(request: Request) -> Response:
    asked = _answer(request)
    return asked if isinstance(asked, Response) else _page(request, asked)


@router.get(f"{PATH}/print", response_class=HTMLResponse)
def annual_report_print(request: Request) -> Response:
    asked = _answer(request)
    return (
        asked if isinstance(asked, Response) else _page(request, asked, "annual_report_print.html")
    )


def _filename(report: dict[str, Any], extension: str) -> str:
    organisation = re.sub(r"[^a-z0-9]+", "-", report["organisation"].lower()).strip("-")
    return f"annual-report-{organisation}-{report['year']}.{extension}"


def _download(request: Request, extension: str) -> Response:
    asked = _answer(request)
    if isinstance(asked, Response):
        return asked
    report = asked.report
    if report is None:
        return _page(request, asked)
    disposition = {"Content-Disposition": f'attachment; filename="{_filename(report, extension)}"'}
    if extension == "csv":
        return Response(render_csv(report), media_type=CSV_TYPE, headers=disposition)
    return JSONResponse(report, headers=disposition)  # the API's own serialisation


@router.get(f"{PATH}.csv")
def annual_report_csv(request: Request) -> Response:
    return _download(request, "csv")


@router.get(f"{PATH}.json")
def annual_report_json(request: Request) -> Response:
    return _download(request, "json")
