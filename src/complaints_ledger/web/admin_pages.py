"""The admin pages (screen 10 of issue 16): the start of the section, and the organisations
registry with its "Add an organisation" form, which registers one exactly as `complaints-ledger
org add` does (the same ledger command and checks), with the administrator as its actor."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.admin_log import recent_admin_actions
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.web.admin_access import (
    ADMIN_PAGES,
    FieldErrors,
    admin_form,
    admin_session,
    attempt,
    choice_items,
    member,
    record_action,
    text,
)
from complaints_ledger.web.page_guards import Submitted
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
ORGANISATION_FIELDS = ("name", "kind", "ombudsman_body", "regulator_body")


def admin_page(
    request: Request, template: str, heading: str, *, status: int = HTTPStatus.OK, **context: Any
) -> HTMLResponse:
    context.setdefault("errors", FieldErrors.none())
    return render_page(
        request,
        template,
        status_code=status,
        heading=heading,
        admin_pages=ADMIN_PAGES,
        **context,
    )


@router.get("/admin", response_class=HTMLResponse)
def admin_start(request: Request) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        actions = recent_admin_actions(db)
    return admin_page(request, "admin/index.html", "Admin", actions=actions)


@router.get("/admin/organisations", response_class=HTMLResponse)
def organisations_page(request: Request, registered: str = "") -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    found = request.app.state.store.ledger.registered_name(registered) if registered else None
    return _organisations(request, {}, FieldErrors.none(), registered=found)


@router.post("/admin/organisations", response_class=HTMLResponse)
def add_organisation(request: Request, form: Submitted) -> Response:
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    entered = {name: text(form, name) for name in ORGANISATION_FIELDS}
    actor = session.principal.actor
    name, errors = attempt(
        lambda errors: _register(request, actor, entered, errors), ORGANISATION_FIELDS, "name"
    )
    if name is None:
        return _organisations(request, entered, errors, status=_status_of(errors))
    record_action(request, session, "org add", name)  # beside the event, for /admin's list
    return RedirectResponse(
        f"/admin/organisations?registered={quote(name)}", status_code=HTTPStatus.SEE_OTHER
    )


def _status_of(errors: FieldErrors) -> int:
    duplicate = "already registered" in errors.messages.get("name", "")
    return HTTPStatus.CONFLICT if duplicate else HTTPStatus.UNPROCESSABLE_ENTITY


def _register(
    request: Request, actor: Actor, entered: dict[str, str], errors: FieldErrors
) -> str | None:
    """Register the organisation as `org add` does; its name, or None with `errors` filled."""
    if not entered["name"]:
        errors.add("name", "Enter the organisation's name")
    kind = member(OrganisationKind, entered, "kind", errors)
    if kind is None:
        errors.add("kind", "Choose the kind of organisation")
    ombudsman = member(Ombudsman, entered, "ombudsman_body", errors)
    regulator = member(Regulator, entered, "regulator_body", errors)
    if errors or kind is None:
        return None
    ledger = request.app.state.store.ledger
    ledger.register_organisation(
        CommandContext(actor),
        name=entered["name"],
        kind=kind,
        ombudsman_body=ombudsman,
        regulator_body=regulator,
    )
    return str(ledger.registered_name(entered["name"]))


def _organisations(
    request: Request,
    entered: dict[str, str],
    errors: FieldErrors,
    *,
    registered: str | None = None,
    status: int = HTTPStatus.OK,
) -> HTMLResponse:
    ledger = request.app.state.store.ledger
    return admin_page(
        request,
        "admin/organisations.html",
        "Organisations",
        status=status,
        organisations=ledger.organisations(),  # in the order `org list` lists them
        entered=entered,
        errors=errors,
        registered=registered,
        kinds=choice_items(OrganisationKind, entered.get("kind", "")),
        ombudsmen=choice_items(Ombudsman, entered.get("ombudsman_body", ""), none_text="None"),
        regulators=choice_items(Regulator, entered.get("regulator_body", ""), none_text="None"),
    )
