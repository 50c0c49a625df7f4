"""The dashboards (screens 4 and 5 of issue 16): timeliness per organisation, service and month,
complaints by subject and by outcome, and their trend over the months of a reporting year, as
charts with their numbers in tables, each table also as CSV; now or as recorded at a past
instant. Every number that counts cases links to the list of exactly those cases.

The figures are the API's (`GET /dashboards/timeliness`, `GET /reports/annual`: see
dashboard_data.py) under its policy: the roles that may read figures, their own organisation's
unless their role sees every organisation's. A drill-down lists cases, so it is for those the
API lets list their organisation's cases (`GET /complaints`), and for their own organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.access.policy import AGGREGATE_READERS
from complaints_ledger.access.sessions import Session
from complaints_ledger.api.read_deps import scoped_organisation
from complaints_ledger.api.routes.listing import LISTERS
from complaints_ledger.domain.errors import NotPermittedError
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.web.dashboard_cases import (
    DrillDown,
    drill_href,
    drilled_cases,
    read_drill_down,
    title_of,
)
from complaints_ledger.web.dashboard_charts import Chart, chart_svg
from complaints_ledger.web.dashboard_data import Dashboard, Scope, read_dashboard, year_label
from complaints_ledger.web.dashboard_query import DashboardQuery, read_query, year_choices
from complaints_ledger.web.dashboard_tables import Table, csv_text, month_name, tables_of
from complaints_ledger.web.formatting import local_time
from complaints_ledger.web.page_guards import not_found_page, not_permitted_page, session_with_role
from complaints_ledger.web.templating import PAGE_HEADERS, render_page
from projections import annual_report

router = APIRouter(include_in_schema=False)
PATH = "/dashboards"
ALL_ORGANISATIONS = "All organisations"
NOT_FOR_YOU = "The dashboards are not for the {role} role."


class _RefusedError(Exception):
    """The page answered instead of the one asked for: sign in first, or not permitted."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _signed_in_reader(request: Request) -> Session:
    session = session_with_role(request, AGGREGATE_READERS, NOT_FOR_YOU)
    if isinstance(session, Response):
        raise _RefusedError(session)
    return session


def _query(
    request: Request, session: Session, choices: list[str] | None = None
) -> tuple[DashboardQuery, Scope]:
    """The page's choices and the scope they give; `choices`: the organisations offered."""
    store = request.app.state.store
    query = read_query(request.query_params, store.ledger.clock(), choices, session.organisation)
    try:
        organisation = scoped_organisation(store.policy, session.principal, query.organisation)
    except NotPermittedError as refused:
        raise _RefusedError(not_permitted_page(request, refused.message)) from None
    limits = request.app.state.settings.as_of_limits
    scope = Scope(organisation, query.year, query.today, query.as_of.instant, limits)
    return query, scope


def _organisation_choices(request: Request, session: Session) -> list[str] | None:
    """The organisations a person who sees every organisation's figures may pick from."""
    if request.app.state.store.policy.visible_organisations(session.principal) is not None:
        return None
    with request.app.state.views.connection() as db:
        return annual_report.organisations(
            db, current_namespace(db, annual_report.PROJECTION, None)
        )


def _linker(
    session: Session, scope: Scope, kept: list[tuple[str, str]]
) -> Callable[[DrillDown], str | None]:
    listable = session.role in LISTERS and scope.organisation == session.organisation
    return lambda drill: drill_href(drill, kept) if listable else None


def _tables(
    request: Request, session: Session, choices: list[str] | None
) -> tuple[DashboardQuery, Scope, Dashboard, dict[str, Table]]:
    query, scope = _query(request, session, choices)
    with request.app.state.views.connection() as db:
        dashboard = read_dashboard(db, scope)
    link = _linker(session, scope, query.kept())
    tables = tables_of(dashboard, link, organisations=scope.organisation is None)
    return query, scope, dashboard, tables


@router.get(PATH, response_class=HTMLResponse)
def dashboards_page(request: Request) -> Response:
    try:
        session = _signed_in_reader(request)
        choices = _organisation_choices(request, session)
        query, scope, dashboard, tables = _tables(request, session, choices)
    except _RefusedError as refused:
        return refused.response
    return render_page(
        request,
        "dashboards.html",
        status_code=HTTPStatus.BAD_REQUEST if query.errors else HTTPStatus.OK,
        query=query,
        scope=scope,
        errors=query.errors,
        year_label=year_label(scope.year),
        as_of_shown=local_time(scope.as_of.isoformat()) if scope.as_of else "",
        organisation_items=_organisation_items(choices, query),
        year_items=_year_items(dashboard, query),
        tables=tables,
        charts=_charts(dashboard, year_label(scope.year)),
        csv_query=urlencode(query.kept()),
        now_query=urlencode(query.filters()),
        as_of_hidden=query.as_of_fields(),
        filter_hidden=query.filters(),
    )


def _organisation_items(
    choices: list[str] | None, query: DashboardQuery
) -> list[dict[str, Any]] | None:
    if choices is None:
        return None
    return [
        {"value": "", "text": ALL_ORGANISATIONS, "selected": query.organisation is None},
        *(
            {"value": name, "text": name, "selected": name == query.organisation}
            for name in choices
        ),
    ]


def _year_items(dashboard: Dashboard, query: DashboardQuery) -> list[dict[str, Any]]:
    return [
        {"value": str(year), "text": year_label(year), "selected": year == query.year}
        for year in year_choices(dashboard.months, query.today)
    ]


def _charts(dashboard: Dashboard, label: str) -> dict[str, Any]:
    months = [month_name(total["month"]) for total in dashboard.by_month]
    received = [total["received"] for total in dashboard.by_month]
    overdue = [total["overdue_now"] for total in dashboard.by_month]
    within = [total["within_target_percent"] for total in dashboard.by_month]
    return {
        "volumes": chart_svg(
            Chart(
                "chart-volumes",
                f"Complaints received and deadlines overdue by month, {label}",
                "A line for the complaints received in each month and one for their "
                "deadlines overdue now; the numbers are in the table below the chart.",
                months,
                [("Complaints received", received), ("Overdue deadlines", overdue)],
            )
        ),
        "within": chart_svg(
            Chart(
                "chart-within",
                f"Share of deadlines met within target by month, {label}",
                "A line for the percentage of statutory deadlines met on time, by month of "
                "receipt; the numbers are in the table below the chart.",
                months,
                [("Within target (%)", within)],
                percent=True,
            )
        ),
        "subjects": _bars("chart-subjects", f"Complaints by subject, {label}", dashboard.subjects),
        "outcomes": _bars("chart-outcomes", f"Complaints by outcome, {label}", dashboard.outcomes),
    }


def _bars(chart_id: str, title: str, counts: dict[str, int]) -> Any:
    description = "A bar for each; the numbers are in the table beside the chart."
    series = [(name.replace("_", " "), [count]) for name, count in counts.items()]
    return chart_svg(Chart(chart_id, title, description, [""], series, kind="bar"))


CSV_NAME = re.compile(r"[^a-z0-9]+")


@router.get(PATH + "/{table}.csv", response_class=Response)
def dashboard_csv(request: Request, table: str) -> Response:
    try:
        session = _signed_in_reader(request)
        choices = _organisation_choices(request, session)
        query, scope, _, tables = _tables(request, session, choices)
    except _RefusedError as refused:
        return refused.response
    if table not in tables or query.errors:
        return not_found_page(request)
    parts = [table, scope.organisation or "all", year_label(scope.year)]
    if scope.as_of is not None:
        parts.append(f"as-of-{scope.as_of:%Y-%m-%d-%H%M}")
    name = CSV_NAME.sub("-", "-".join(parts).lower()).strip("-")
    return Response(
        csv_text(tables[table]),
        media_type="text/csv; charset=utf-8",
        headers={**PAGE_HEADERS, "Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get(PATH + "/cases", response_class=HTMLResponse)
def drilled_page(request: Request) -> Response:
    try:
        session = _signed_in_reader(request)
        query, scope = _query(request, session, _organisation_choices(request, session))
    except _RefusedError as refused:
        return refused.response
    drill = read_drill_down(request.query_params)
    if drill is None or query.errors:
        return not_found_page(request)
    if session.role not in LISTERS or scope.organisation != session.organisation:
        return not_permitted_page(
            request, f"Lists of cases are of your own organisation, {session.organisation}."
        )
    with request.app.state.views.connection() as db:
        entries = drilled_cases(db, drill, session.organisation, scope)
    return render_page(
        request,
        "dashboard_cases.html",
        drill=drill,
        title=title_of(drill, year_label(scope.year)),
        entries=entries,
        back=f"{PATH}?{urlencode(query.kept())}",
        as_of_shown=local_time(scope.as_of.isoformat()) if scope.as_of else "",
        organisation=session.organisation,
    )
