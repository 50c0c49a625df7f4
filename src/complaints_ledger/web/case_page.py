"""The case page (read side): who and what, the deadlines with their explanations, and the
timeline of every event, under the same policy as `GET /complaints/{id}`.

A case the signed-in person may not see is "Page not found", exactly as the API's 404 (another
organisation's case never shows that it exists); a role that may not read cases gets the
"not permitted" page. The read is recorded (the read audit) before anything is shown, and
auditors and analysts see people as pseudonyms, as over the API.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.api.cases import RequestContext, pseudonyms_for
from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.case_view import case_view, history_entry_view
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import NotFoundError, NotPermittedError
from complaints_ledger.privacy.pseudonyms import pseudonymise_case_view, pseudonymise_personal
from complaints_ledger.web.actions import command_links
from complaints_ledger.web.as_of_form import AsOfChoice, read_as_of
from complaints_ledger.web.formatting import local_day, local_time
from complaints_ledger.web.page_guards import visible_case
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
WEB_READ = "case page"  # what the read audit records for this page
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def event_label(event_type: str) -> str:
    """`ReferralPassedOn` -> "Referral passed on"."""
    words = _WORD_START.sub(" ", event_type).lower()
    return words[:1].upper() + words[1:]


def _details(data: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's fields as (name, text) lines; the envelope is shown apart."""
    shown = []
    for name, value in data.items():
        if name in {"occurred_at", "timestamp", "actor", "correlation_id", "originator_id"}:
            continue
        if isinstance(value, dict):
            shown += [(f"{name} {key}".replace("_", " "), _text(v)) for key, v in value.items()]
        else:
            shown.append((name.replace("_", " "), _text(value)))
    return shown


def _text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{key.replace('_', ' ')}: {_text(v)}" for key, v in value.items())
    return str(value)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str) -> Response:
    store = request.app.state.store
    allowed = visible_case(request, case_id, store.policy.check_can_read_case)
    if isinstance(allowed, Response):
        return allowed
    session, complaint = allowed
    found = complaint.id
    context = RequestContext(
        request, store.ledger, store.policy, session.principal, request.app.state.metrics
    )
    choice, shown = _as_recorded(store.ledger, found, complaint, request)
    as_of = choice.instant
    what = WEB_READ if as_of is None else f"{WEB_READ} as of {as_of.isoformat()}"
    store.ledger.record_read(found, session.principal.actor, what=what, purpose=None)
    status = HTTPStatus.BAD_REQUEST if choice.errors else HTTPStatus.OK
    return render_page(
        request,
        "case.html",
        status_code=status,
        as_of=choice,
        as_of_shown=local_time(as_of.isoformat()) if as_of else "",
        **_case_context(context, complaint, shown, as_of),
    )


def _as_recorded(
    ledger: Any, case_id: UUID, current: Any, request: Request
) -> tuple[AsOfChoice, Any]:
    """The as-of control's choice and the case to show: as recorded then, or as it is now."""
    choice = read_as_of(request.query_params, ledger.clock())
    if choice.instant is None:
        return choice, current
    try:
        return choice, ledger.as_of(case_id, choice.instant)
    except NotFoundError:
        missing = {"as_of-day": "The case had not been recorded by then: enter a later date"}
        return AsOfChoice(errors=missing, entered=choice.entered), current


def _case_context(
    context: RequestContext, current: Any, complaint: Any, as_of: datetime | None
) -> dict[str, Any]:
    today = uk_local_date(as_of) if as_of is not None else context.today()
    view, events = case_as_seen(context, current, complaint, today, as_of)
    timeline = [
        {
            "label": event_label(event["type"]),
            "type": event["type"],
            "version": event["version"],
            "occurred": local_time(event["occurred_at"]),
            "recorded": local_time(event["recorded_at"]),
            "actor": event["actor"],
            "details": _details(event["data"]),
        }
        for event in reversed(events)  # newest first, as case timelines read
    ]
    return {
        "case": view,
        # as recorded in the past, the page is read-only
        "commands": []
        if as_of
        else command_links(context.policy, context.principal, complaint, view),
        "audit_href": _audit_href(context, current),
        "recorded": _recorded(events, context.request.query_params.get("recorded", "")),
        "events_newest_first": timeline,
        "received": local_time(view["received_at"]),
        "today": today,
        "local_day": local_day,
        "local_time": local_time,
        "short_id": view["id"][:8],
    }


def _audit_href(context: RequestContext, complaint: Any) -> str | None:
    """The case's audit page, for those who may see it (the holder's managers and auditors)."""
    try:
        context.policy.check_can_list_reads(context.principal, complaint)
    except NotPermittedError:
        return None
    return f"/cases/{complaint.id}/audit"


def case_as_seen(
    context: RequestContext, current: Any, complaint: Any, today: date, as_of: datetime | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case (`complaint`, as of `as_of`) and its history as the signed-in person may see
    them: people as pseudonyms for those who see no identities (decided on `current`)."""
    ledger = context.ledger
    view = case_view(complaint, today, CalendarBook(ledger).for_case(complaint))
    events = [history_entry_view(entry) for entry in ledger.history(complaint.id, as_of=as_of)]
    pseudonyms = pseudonyms_for(context, current)
    if pseudonyms is not None:
        view = pseudonymise_case_view(view, pseudonyms)
        for event in events:
            personal = event["data"].get("personal")
            if isinstance(personal, dict):
                event["data"]["personal"] = pseudonymise_personal(personal, pseudonyms)
    return view, events


def _recorded(events: list[dict[str, Any]], version: str) -> list[str]:
    """What the command that made `version` recorded (a form's success banner): its events."""
    made = next((event for event in events if str(event["version"]) == version), None)
    if made is None:
        return []
    return [
        event_label(event["type"])
        for event in events
        if event["correlation_id"] == made["correlation_id"]
    ]
