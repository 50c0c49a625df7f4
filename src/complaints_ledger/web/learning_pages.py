"""The learning register (screen 6 of issue 16): every lesson with its theme and its case's
actions (planned, completed or overdue), filtered and a page at a time (learning_query.py); and
"You said, we did", what people raised beside what changed, without personal data.

Both come from the `learning_register` read model, brought up to date first, under the API's
policy: the register is for the roles that read figures (`GET /learning-register`), scoped to
the person's organisation unless their role sees every organisation's; "You said, we did" is the
partner feed, for anyone signed in (`GET /learning-register/you-said-we-did`). Neither holds
personal data, so nobody sees pseudonyms here, as over the API. A lesson links to its case
page only where the person may read that case.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access import Policy, Principal
from complaints_ledger.api.read_deps import scoped_organisation
from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import NotFoundError, NotPermittedError
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.web.learning_query import (
    FILTERS,
    PATH,
    STATUS_OF,
    LearningChoices,
    LearningQuery,
    Lesson,
    read_query,
    select,
)
from complaints_ledger.web.learning_words import feed_by_month
from complaints_ledger.web.page_guards import not_permitted_page, signed_in
from complaints_ledger.web.templating import render_page
from complaints_ledger.web.worklist_query import page_of, pagination, without_empty_fields
from projections import learning_register

router = APIRouter(include_in_schema=False)
FEED_PATH = "/learning/you-said-we-did"
ALL_OF = {
    "theme": "All themes",
    "organisation": "All organisations",
    "service": "All services",
    "status": "Any status",
    "period": "Any time",
}
FILTER_NAMES = {
    "theme": "Theme",
    "organisation": "Organisation",
    "service": "Service",
    "status": "Actions",
    "period": "Recorded in",
}
STATUS_LABELS = {"planned": "Planned", "completed": "Completed", "overdue": "Overdue"}


def _label(name: str, value: str) -> str:
    if name == "status":
        return STATUS_LABELS[value]
    if name == "period":
        return f"{value} (from 1 April)"
    return value


def register_lessons(views: ViewDatabases, organisation: str | None, today: date) -> list[Lesson]:
    with views.connection() as db:
        namespace = current_namespace(db, learning_register.PROJECTION, None)
        return learning_register.lessons(
            db, organisation=organisation, today=today, namespace=namespace
        )


def _scope(policy: Policy, principal: Principal, asked: str | None) -> tuple[str | None, bool]:
    """The organisation whose lessons the person may see (None: every one), as the API scopes
    them, and whether `asked` names one they may not; NotPermittedError for a role that may
    not read figures at all."""
    try:
        scoped_organisation(policy, principal, asked)
    except NotPermittedError as refused:
        if refused.field != "organisation":
            raise
        return scoped_organisation(policy, principal, None), True
    return scoped_organisation(policy, principal, None), False


@router.get(PATH, response_class=HTMLResponse)
def learning_page(request: Request) -> Response:
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    shorter = without_empty_fields(request.query_params.multi_items(), PATH)
    if shorter is not None:
        return RedirectResponse(shorter, status_code=HTTPStatus.SEE_OTHER)
    store = request.app.state.store
    asked = request.query_params.get("organisation") or None
    try:
        scope, refused = _scope(store.policy, session.principal, asked)
    except NotPermittedError as not_for_role:
        reason = (
            f"The learning register is not for the {session.role} role. {not_for_role.message}."
        )
        return not_permitted_page(request, reason)
    lessons = register_lessons(
        request.app.state.views, scope, uk_local_date(datetime.now().astimezone())
    )
    choices = LearningChoices.of(lessons)
    several = scope is None
    params = request.query_params if several else _without(request.query_params, "organisation")
    query, errors = read_query(params, choices)
    if refused:
        errors["organisation"] = f"You can see the lessons of {scope} only"
    page = page_of(select(lessons, query), query.page)
    readable = _readable_cases(store, session.principal, {row["case_id"] for row in page.cases})
    return render_page(
        request,
        "learning.html",
        status_code=_status(refused, errors),
        organisation=scope,
        errors=errors,
        query=query,
        options=filter_options(choices, query, several),
        selected=selected_filters(query),
        lesson_count=len(lessons),
        page=page,
        lessons=[_lesson_view(lesson, lesson["case_id"] in readable) for lesson in page.cases],
        pagination=pagination(query, page),
    )


def _status(refused: bool, errors: Mapping[str, str]) -> int:
    if refused:
        return HTTPStatus.FORBIDDEN
    return HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK


def _without(params: Mapping[str, str], name: str) -> dict[str, str]:
    return {key: value for key, value in params.items() if key != name}


def _readable_cases(store: Any, principal: Principal, case_ids: Iterable[str]) -> set[str]:
    """The cases the person may open, by the case page's own check (a case of another
    organisation is "not found" there, so it gets no link here)."""
    readable = set()
    for case_id in case_ids:
        try:
            store.policy.check_can_read_case(principal, store.ledger.get(UUID(case_id)))
        except (NotFoundError, NotPermittedError):
            continue
        readable.add(case_id)
    return readable


def _lesson_view(lesson: Lesson, linked: bool) -> dict[str, Any]:
    return {
        **lesson,
        "linked": linked,
        "actions": [
            {**action, "status": STATUS_OF[action["status"]]} for action in lesson["actions"]
        ],
    }


def filter_options(
    choices: LearningChoices, query: LearningQuery, several: bool
) -> dict[str, list[dict[str, Any]]]:
    """The options of each filter's select (GOV.UK's `items`), the chosen one selected; the
    organisation's only for a role that sees several."""
    options = {}
    for name in FILTERS:
        if name == "organisation" and not several:
            continue
        current = getattr(query, name) or ""
        options[name] = [
            {"value": "", "text": ALL_OF[name], "selected": current == ""},
            *(
                {"value": value, "text": _label(name, value), "selected": value == current}
                for value in getattr(choices, name)
            ),
        ]
    return options


def selected_filters(query: LearningQuery) -> list[dict[str, str]]:
    """The filters in force, each with the link that removes it."""
    return [
        {
            "text": f"{FILTER_NAMES[name]}: {_label(name, value)}",
            "href": query.url(**{name: None, "page": 1}),
        }
        for name in FILTERS
        if (value := getattr(query, name))
    ]


@router.get(FEED_PATH, response_class=HTMLResponse)
def you_said_we_did_page(request: Request) -> Response:
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    shorter = without_empty_fields(request.query_params.multi_items(), FEED_PATH)
    if shorter is not None:
        return RedirectResponse(shorter, status_code=HTTPStatus.SEE_OTHER)
    with request.app.state.views.connection() as db:
        namespace = current_namespace(db, learning_register.PROJECTION, None)
        feed = learning_register.you_said_we_did(db, namespace=namespace)
    organisations = sorted({entry["organisation"] for entry in feed})
    asked = request.query_params.get("organisation", "").strip()
    errors = {}
    if asked and asked not in organisations:
        errors["organisation"] = "Choose an organisation from the list"
    chosen = asked if asked in organisations else None
    shown = [entry for entry in feed if chosen in {None, entry["organisation"]}]
    return render_page(
        request,
        "you_said_we_did.html",
        status_code=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        errors=errors,
        chosen=chosen,
        organisations=[
            {"value": "", "text": ALL_OF["organisation"], "selected": chosen is None},
            *({"value": o, "text": o, "selected": o == chosen} for o in organisations),
        ],
        months=feed_by_month(shown),
        entry_count=len(shown),
    )
