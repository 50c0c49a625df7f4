"""Projections: each read model's status (as `complaints-ledger projections status` shows it:
version, position, how far behind the event log, health), a Rebuild button per projection that
starts a supervised rebuild in the server (readside/rebuilds.py; `projections rebuild NAME`
does the same from the command line), and a page per rebuild with its progress and result.
That page works without JavaScript (a Refresh button); a small script, when it runs, reloads it
every few seconds while the rebuild is under way."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.persistence.view_db import ViewDatabase, ViewDatabases
from complaints_ledger.readside.discovery import available_projections
from complaints_ledger.readside.rebuilds import Rebuilds, SupervisedRebuild
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.status import ProjectionStatus, projection_status
from complaints_ledger.settings import Settings
from complaints_ledger.web.admin_access import (
    FieldErrors,
    admin_form,
    admin_session,
    record_action,
    text,
)
from complaints_ledger.web.admin_pages import admin_page
from complaints_ledger.web.page_guards import Submitted
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)


def statuses(db: ViewDatabase) -> list[ProjectionStatus]:
    runner = ReadModelRunner(db)
    failures = {failure.name: failure for failure in runner.failures.all()}
    found = []
    for projection in available_projections().values():
        position, head = runner.status(projection)
        found.append(projection_status(projection, position, head, failures.get(projection.name)))
    return found


@router.get("/admin/projections", response_class=HTMLResponse)
def projections_page(request: Request) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    return _projections(request, FieldErrors.none())


def _projections(
    request: Request, errors: FieldErrors, *, status: int = HTTPStatus.OK
) -> HTMLResponse:
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        found = statuses(db)
        rebuilds = Rebuilds(db)
        running = {each.name: rebuilds.running(each.name) for each in found}
    return admin_page(
        request,
        "admin/projections.html",
        "Projections",
        status=status,
        errors=errors,
        statuses=found,
        running=running,
    )


@router.post("/admin/projections/rebuild", response_class=HTMLResponse)
def start_rebuild(request: Request, form: Submitted) -> Response:
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    name = text(form, "projection")
    projection = available_projections().get(name)
    errors = FieldErrors.none()
    if projection is None:
        known = ", ".join(sorted(available_projections()))
        refused = InvalidValueError(f"there is no projection {name!r} (there are {known})")
        errors.refused(refused, (), "projections")
        return _projections(request, errors, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        rebuilds = Rebuilds(db)
        under_way = rebuilds.running(name)
        rebuild = under_way or rebuilds.add(name, session.email)
    if under_way is None:
        settings: Settings = request.app.state.settings
        SupervisedRebuild(settings.store_url, projection, rebuild.id).start()
        record_action(request, session, "projections rebuild", name)
    return RedirectResponse(
        f"/admin/projections/rebuilds/{rebuild.id}", status_code=HTTPStatus.SEE_OTHER
    )


@router.get("/admin/projections/rebuilds/{rebuild_id}", response_class=HTMLResponse)
def rebuild_page(request: Request, rebuild_id: str) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        rebuild = Rebuilds(db).get(rebuild_id)
        current = next((s for s in statuses(db) if rebuild and s.name == rebuild.projection), None)
    if rebuild is None:
        return render_page(request, "not_found.html", status_code=HTTPStatus.NOT_FOUND)
    return admin_page(
        request,
        "admin/rebuild.html",
        f"Rebuild of {rebuild.projection}",
        rebuild=rebuild,
        current=current,
    )
