"""Log a complaint (screen 2 of issue 16): staff taking a phone call or a letter answer the
question pages of intake_flow.py, check their answers and log the case, which goes through the
API's own path (`CaseCommands.log`: the same policy, body, Idempotency-Key and ledger call as
POST /complaints). The answers wait between pages in the session's sealed draft on the server,
never in an address; the draft's key is the Idempotency-Key, so sending the check page twice
logs one case. The confirmation shows the case reference and its first deadlines.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from http import HTTPStatus
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.policy import LOGGERS
from complaints_ledger.access.sessions import Session
from complaints_ledger.api.cases import CaseCommands, RequestContext
from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.case_view import case_view
from complaints_ledger.domain.errors import (
    IntegrityFailureError,
    LedgerError,
    NotFoundError,
    NotPermittedError,
    StoreUnavailableError,
)
from complaints_ledger.domain.regime_rules import REGIME_NAMES
from complaints_ledger.domain.values import RegimeId
from complaints_ledger.web.answers import answer_rows
from complaints_ledger.web.command_pages import refusal_status
from complaints_ledger.web.form_input import FormErrors, field_named
from complaints_ledger.web.formatting import long_date
from complaints_ledger.web.intake_flow import (
    ALL_FIELDS,
    PAGES,
    PAGES_BY_SLUG,
    START,
    QuestionPage,
    check,
    errors_on,
    initial_values,
    leaves_and_groups,
    page_of,
)
from complaints_ledger.web.page_guards import (
    Submitted,
    form_expired_page,
    not_found_page,
    not_permitted_page,
    signed_in,
)
from complaints_ledger.web.signing_in import SESSION_COOKIE
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
DRAFT = "log-complaint"  # the session draft's name
CHECK, CONFIRMATION = f"{START}/check", f"{START}/confirmation"
CONFIRMATION_READ = "log a complaint: confirmation"  # what the read audit records
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
SEE_OTHER = HTTPStatus.SEE_OTHER


class Flow:
    """The signed-in person's way through the pages, their draft kept in their session."""

    def __init__(self, request: Request, session: Session) -> None:
        self.request, self.session = request, session
        self._sessions = request.app.state.store.sessions
        self._cookie = request.cookies.get(SESSION_COOKIE)
        self.draft: dict[str, Any] = self._sessions.draft(self._cookie, DRAFT)

    @property
    def values(self) -> dict[str, list[str]]:
        return dict(self.draft.get("values") or initial_values())

    @property
    def done(self) -> set[str]:
        return set(self.draft.get("done", []))

    @property
    def key(self) -> str:
        """The draft's own key, the Idempotency-Key of its logging (made when it starts)."""
        if "key" not in self.draft:
            self.keep(key=secrets.token_urlsafe(24))
        return str(self.draft["key"])

    def keep(self, **changes: Any) -> None:
        self.draft = {**self.draft, **changes}
        self._sessions.keep_draft(self._cookie, DRAFT, self.draft)

    def discard(self) -> None:
        self._sessions.discard_draft(self._cookie, DRAFT)
        self.draft = {}

    def csrf_ok(self, form: Submitted) -> bool:
        return self.session.csrf_matches(str(form.get("csrf_token", "")))

    def next_page(self) -> QuestionPage | None:
        return next((page for page in PAGES if page.slug not in self.done), None)


def _flow(request: Request) -> Flow | Response:
    """The flow of a person who may log complaints (the API's policy: `LOGGERS`), or the page to
    show instead: sign in, or not permitted."""
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    try:
        request.app.state.store.policy.require_role(
            session.principal, LOGGERS, "logging a complaint"
        )
    except NotPermittedError as refused:
        return not_permitted_page(request, refused.message)
    return Flow(request, session)


@router.get(START, response_class=HTMLResponse)
@router.get(START + "/{step}", response_class=HTMLResponse)
def show(request: Request, step: str = "") -> Response:
    """The start page, a question page, Check your answers or the confirmation."""
    flow = _flow(request)
    if isinstance(flow, Response):
        return flow
    shown = {"": start_page, "check": check_page, "confirmation": confirmation}.get(step)
    return shown(flow) if shown is not None else question_page(flow, step)


@router.post(START + "/{step}", response_class=HTMLResponse)
def send(request: Request, step: str, form: Submitted) -> Response:
    """A question page's answers, Check your answers (logging the case), or Start again."""
    flow = _flow(request)
    if isinstance(flow, Response):
        return flow
    if not flow.csrf_ok(form):
        return form_expired_page(request)
    sent = {"start-again": start_again, "check": log_the_complaint}.get(step)
    return sent(flow, form) if sent is not None else answer(flow, step, form)


def start_page(flow: Flow) -> Response:
    if flow.draft.get("logged"):
        flow.discard()  # the last one is logged: a new complaint starts afresh
    started = bool(flow.draft.get("values"))
    resume = flow.next_page()
    return render_page(
        flow.request,
        "log_start.html",
        first=PAGES[0].href,
        started=started,
        resume=resume.href if resume else CHECK,
        csrf_token=flow.session.csrf_token,
    )


def start_again(flow: Flow, _: Submitted) -> Response:
    flow.discard()
    return RedirectResponse(PAGES[0].href, status_code=SEE_OTHER)


def check_page(flow: Flow) -> Response:
    if flow.draft.get("logged"):
        return RedirectResponse(CONFIRMATION, status_code=SEE_OTHER)
    return _checked(flow) or _check_answers(flow, FormErrors())


def _checked(flow: Flow) -> Response | None:
    """To the first page still to answer (or whose answers the model refuses), if any."""
    _, errors, _ = check(flow.values, flow.session.organisation)
    wrong = {page.slug for page in PAGES if errors_on(page, errors)}
    if wrong or flow.next_page() is not None:
        flow.keep(done=sorted(flow.done - wrong))
        waiting = flow.next_page()
        return RedirectResponse(waiting.href if waiting else CHECK, status_code=SEE_OTHER)
    return None


def _check_answers(flow: Flow, errors: FormErrors, status: int = HTTPStatus.OK) -> Response:
    body, _, _ = check(flow.values, flow.session.organisation)
    answers = body.model_dump(mode="json") if body is not None else {}
    sections = [
        {
            "title": page.section,
            "id": page.slug,
            "rows": answer_rows(page.fields, answers, f"{page.href}?change=yes"),
        }
        for page in PAGES
    ]
    return render_page(
        flow.request,
        "log_check.html",
        status_code=status,
        errors=errors,
        organisation=flow.session.organisation,
        sections=sections,
        back=PAGES[-1].href,
        form_key=flow.key,
        csrf_token=flow.session.csrf_token,
    )


def log_the_complaint(flow: Flow, form: Submitted) -> Response:
    sent = str(form.get("form_key", ""))
    if not sent or sent != flow.draft.get("key"):
        return form_expired_page(flow.request)
    if flow.draft.get("logged"):  # sent twice: the first one logged it
        return RedirectResponse(CONFIRMATION, status_code=SEE_OTHER)
    waiting = _checked(flow)
    if waiting is not None:
        return waiting
    return _log(flow, sent)


def _log(flow: Flow, key: str) -> Response:
    """Log the case from the checked answers, as POST /complaints does; to the confirmation."""
    body, errors, filled = check(flow.values, flow.session.organisation)
    if body is None:  # about no page's field (the model asks for one that no page shows)
        unplaced = FormErrors()
        for item in errors.summary:
            unplaced.add(item["text"], None)
        return _check_answers(flow, unplaced, HTTPStatus.UNPROCESSABLE_ENTITY)
    request, store = flow.request, flow.request.app.state.store
    context = RequestContext(
        request, store.ledger, store.policy, flow.session.principal, request.app.state.metrics
    )
    try:
        case_id = CaseCommands(context, None, key).log(body)
    except (StoreUnavailableError, IntegrityFailureError):
        raise
    except LedgerError as refused:
        where = field_named(filled, refused.field)
        return _refused(flow, refused, where.id if where else None)
    except ApiProblemError as problem:  # the key was used for different answers
        errors = FormErrors()
        errors.add(problem.detail, None)
        return _check_answers(flow, errors, problem.status)
    flow.draft = {"key": key}  # the answers go: the case holds them now
    flow.keep(logged=str(case_id))
    return RedirectResponse(CONFIRMATION, status_code=SEE_OTHER)


def _refused(flow: Flow, refused: LedgerError, field_id: str | None) -> Response:
    """The ledger's refusal by its field, on the page that asks for it; the check page when it
    is about no field; the not-permitted page for the policy."""
    page = page_of(field_id)
    if isinstance(refused, NotPermittedError) and page is None:
        return not_permitted_page(flow.request, refused.message)
    errors = FormErrors()
    if page is None:
        errors.add(in_words(refused.message, None), None)
        return _check_answers(flow, errors, refusal_status(refused))
    where = next(each for each in leaves_and_groups(page.fields) if each.id == field_id)
    errors.add(in_words(refused.message, where.label), where)
    flow.keep(done=sorted(flow.done - {page.slug}))
    return _question(flow, page, flow.values, errors, refusal_status(refused))


def in_words(message: str, label: str | None) -> str:
    """A ledger message in the form's words: its field names as the questions' labels."""
    if label is not None and "is in the future" in message:
        return f"{label} must be today or in the past"
    labels = {each.name: each.label for each in leaves_and_groups(ALL_FIELDS)}
    labels["occurred_at"] = labels["received_at"]  # a receipt "occurs" when received
    worded = _SNAKE.sub(lambda found: labels.get(found.group(0), found.group(0)).lower(), message)
    return worded[:1].upper() + worded[1:]


def confirmation(flow: Flow) -> Response:
    request = flow.request
    logged = flow.draft.get("logged")
    if not logged:
        return RedirectResponse(START, status_code=SEE_OTHER)
    store = request.app.state.store
    principal = flow.session.principal
    try:
        complaint = store.ledger.get(UUID(logged))
        store.policy.check_can_read_case(principal, complaint)
    except NotFoundError:
        return not_found_page(request)
    store.ledger.record_read(complaint.id, principal.actor, what=CONFIRMATION_READ, purpose=None)
    context = RequestContext(
        request, store.ledger, store.policy, principal, request.app.state.metrics
    )
    view = case_view(complaint, context.today(), CalendarBook(store.ledger).for_case(complaint))
    return render_page(
        request,
        "log_confirmation.html",
        case=view,
        procedure=REGIME_NAMES[RegimeId(view["regime"])],
        deadlines=first_deadlines(view),
    )


def first_deadlines(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The case's deadlines not yet met, soonest first, each in plain words: what is due by
    when (a complaint received long ago may be overdue already), and the rule that says so."""
    found = []
    for deadline in sorted(view["deadlines"], key=lambda each: each["due"]):
        if deadline["status"] not in {"open", "missed"}:
            continue
        what = re.search(r": the (.+?) is due ", deadline["explanation"])
        name = what.group(1) if what else deadline["name"].replace("_", " ")
        found.append(
            {
                "text": f"{name[:1].upper()}{name[1:]} by {_weekday(deadline['due'])}",
                "rule": deadline["rule"],
                "overdue": deadline["status"] == "missed",
            }
        )
    return found


def _weekday(day: str) -> str:
    return f"{date.fromisoformat(day):%A} {long_date(day)}"


def question_page(flow: Flow, slug: str) -> Response:
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        return not_found_page(flow.request)
    if flow.draft.get("logged"):
        flow.discard()
    return _question(flow, page, flow.values, FormErrors())


def answer(flow: Flow, slug: str, form: Submitted) -> Response:
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        return not_found_page(flow.request)
    if flow.draft.get("logged"):  # a page of the last complaint, sent again: start afresh
        flow.discard()
    values = flow.values
    for name in page.input_names():
        values[name] = [str(value) for value in form.getlist(name)]
    _, errors, _ = check(values, flow.session.organisation)
    mine = errors_on(page, errors)
    done = flow.done - {page.slug} if mine else flow.done | {page.slug}
    flow.keep(values=values, done=sorted(done), key=flow.key, logged=None)
    if mine:
        return _question(flow, page, values, mine, HTTPStatus.UNPROCESSABLE_ENTITY)
    changing = flow.request.query_params.get("change") == "yes"
    following = PAGES[PAGES.index(page) + 1 :]
    target = CHECK if changing or not following else following[0].href
    return RedirectResponse(target, status_code=SEE_OTHER)


def _question(
    flow: Flow,
    page: QuestionPage,
    values: dict[str, list[str]],
    errors: FormErrors,
    status: int = HTTPStatus.OK,
) -> Response:
    changing = flow.request.query_params.get("change") == "yes"
    position = PAGES.index(page)
    back = CHECK if changing else (PAGES[position - 1].href if position else START)
    return render_page(
        flow.request,
        "log_question.html",
        status_code=status,
        page=page,
        step=f"Question {position + 1} of {len(PAGES)}",
        fields=page.fields,
        form={"entered": values, "errors": errors, "counts": {}, "count_suffix": ""},
        errors=errors,
        action=page.href + ("?change=yes" if changing else ""),
        back=back,
        csrf_token=flow.session.csrf_token,
    )
