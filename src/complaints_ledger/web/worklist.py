"""The worklist (screen 1 of issue 16), the home page of officers, managers and Healthwatch
staff: their organisation's open cases with the next deadline of each, filtered, sorted and a
page at a time (worklist_query.py).

The cases come from the `worklist` read model, brought up to date first, as the API's
read-model routes and `report worklist` do. Nobody signed in is sent to sign in (the page says
nothing about any case first); other roles get a page saying the worklist is not for them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.application.catalogue.procedure import ASSIGN_HANDLER
from complaints_ledger.domain.assignment import ASSIGNABLE
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.values import Role, Status
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.web.actions import form_address
from complaints_ledger.web.formatting import handler_name, sentence
from complaints_ledger.web.page_guards import signed_in
from complaints_ledger.web.staff_pages import WORKLIST_ROLES
from complaints_ledger.web.templating import render_page
from complaints_ledger.web.worklist_query import (
    FILTERS,
    Case,
    Choices,
    WorklistQuery,
    page_of,
    pagination,
    read_query,
    select,
    urgency,
    without_empty_fields,
)
from projections import worklist as worklist_model
from projections.worklist import UNASSIGNED

router = APIRouter(include_in_schema=False)
ALL_OF = {
    "status": "All statuses",
    "service": "All services",
    "regime": "All regimes",
    "handler": "All handlers",
}
FILTER_NAMES = {"status": "Status", "service": "Service", "regime": "Regime", "handler": "Handler"}


def open_cases(views: ViewDatabases, organisation: str, today: date) -> list[Case]:
    """The organisation's open cases, from the worklist read model brought up to date."""
    with views.connection() as db:
        namespace = current_namespace(db, worklist_model.PROJECTION, None)
        return worklist_model.worklist(
            db, organisation=organisation, today=today, namespace=namespace
        )


@router.get("/worklist", response_class=HTMLResponse)
def worklist_page(request: Request) -> Response:
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    if session.role not in WORKLIST_ROLES:
        return render_page(
            request,
            "worklist_forbidden.html",
            status_code=HTTPStatus.FORBIDDEN,
            role=session.role,
        )
    shorter = without_empty_fields(request.query_params.multi_items())
    if shorter is not None:
        return RedirectResponse(shorter, status_code=HTTPStatus.SEE_OTHER)
    today = uk_local_date(datetime.now().astimezone())
    cases = open_cases(request.app.state.views, session.organisation, today)
    choices = Choices.of(cases)
    query, errors = read_query(request.query_params, choices)
    page = page_of(select(cases, query), query.page)
    return render_page(
        request,
        "worklist.html",
        status_code=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        organisation=session.organisation,
        errors=errors,
        query=query,
        options=filter_options(choices, query),
        selected=selected_filters(query),
        open_count=len(cases),
        unassigned=_unassigned_count(session, cases),
        page=page,
        rows=[
            {**case, "urgency": urgency(case), "assign": _assign_address(session, case)}
            for case in page.cases
        ],
        pagination=pagination(query, page),
    )


def _unassigned_count(session: Session, cases: list[Case]) -> int | None:
    """For managers, who assign the cases: how many have no handler; None for the others."""
    if session.role != Role.MANAGER:
        return None
    return sum(1 for case in cases if case["handler"] == UNASSIGNED)


def _assign_address(session: Session, case: Case) -> str | None:
    """For managers: the form that assigns the case's handler, when the case can take one
    (not while a referral is pending: its receiver assigns it once accepted)."""
    if session.role != Role.MANAGER or Status(case["status"]) not in ASSIGNABLE:
        return None
    return form_address(case["case_id"], ASSIGN_HANDLER, {})


LABELS: dict[str, Callable[[str], str]] = {
    "status": sentence,
    "service": str,
    "regime": str,
    "handler": handler_name,
}


def filter_options(choices: Choices, query: WorklistQuery) -> dict[str, list[dict[str, Any]]]:
    """The options of each filter's select (GOV.UK's `items`), the chosen one selected."""
    options = {}
    for name in FILTERS:
        current = getattr(query, name) or ""
        options[name] = [
            {"value": "", "text": ALL_OF[name], "selected": current == ""},
            *(
                {"value": value, "text": LABELS[name](value), "selected": value == current}
                for value in getattr(choices, name)
            ),
        ]
    return options


def selected_filters(query: WorklistQuery) -> list[dict[str, str]]:
    """The filters in force, each with the link that removes it (MoJ's filter panel)."""
    selected = [
        {
            "text": f"{FILTER_NAMES[name]}: {LABELS[name](value)}",
            "href": query.url(**{name: None, "page": 1}),
        }
        for name in FILTERS
        if (value := getattr(query, name))
    ]
    if query.overdue_only:
        selected.append(
            {"text": "Overdue cases only", "href": query.url(overdue_only=False, page=1)}
        )
    return selected
