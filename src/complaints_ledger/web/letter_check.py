"""`/cases/{id}/letters/check`: is this text a letter sent on the case? The pasted text is
hashed as `send_letter` hashed the letters it recorded (domain/letters.letter_hash) and
compared with their SHA-256s; the text itself is neither kept nor logged. Anyone who may read
the case may check (an auditor too); the check is recorded as a read of the case."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.api.cases import RequestContext
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.letters import LETTER_TEXT_MAX, letter_hash
from complaints_ledger.web.form_input import FormErrors
from complaints_ledger.web.forms import FormField, Kind
from complaints_ledger.web.letters import case_parts, record_read, sent_letters
from complaints_ledger.web.page_guards import Submitted, expired_form, visible_case
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
CHECK_ADDRESS = "/cases/{case_id}/letters/check"
TEXT_FIELD = FormField("text", "text", "The letter's text", Kind.TEXT, required=True)
Found = tuple[RequestContext, Session, Complaint]


@router.get(CHECK_ADDRESS, response_class=HTMLResponse)
def check_form(request: Request, case_id: str) -> Response:
    found = _readable_case(request, case_id)
    if isinstance(found, Response):
        return found
    return _check_page(found, "", FormErrors())


@router.post(CHECK_ADDRESS, response_class=HTMLResponse)
def check_letter(request: Request, case_id: str, form: Submitted) -> Response:
    expired = expired_form(request, form)
    if expired is not None:
        return expired
    found = _readable_case(request, case_id)
    if isinstance(found, Response):
        return found
    text, errors = str(form.get("text", "")), FormErrors()
    if not text.strip():
        errors.add("Paste the text of the letter you want to check", TEXT_FIELD)
    elif len(text) > 2 * LETTER_TEXT_MAX:  # no letter sent is longer (line breaks as CRLF)
        errors.add(f"A letter has at most {LETTER_TEXT_MAX} characters", TEXT_FIELD)
    if errors:
        return _check_page(found, text, errors, status=HTTPStatus.BAD_REQUEST)
    digest = letter_hash(text)
    matches = [letter for letter in sent_letters(found[2]) if letter["sha256"] == digest]
    return _check_page(found, text, errors, result={"digest": digest, "matches": matches})


def _readable_case(request: Request, case_id: str) -> Found | Response:
    """The case, when the signed-in person may read it (the policy of the case page), with the
    read recorded; else the page to show instead."""
    store = request.app.state.store
    found = visible_case(request, case_id, store.policy.check_can_read_case)
    if isinstance(found, Response):
        return found
    session, complaint = found
    context = RequestContext(
        request, store.ledger, store.policy, session.principal, request.app.state.metrics
    )
    record_read(context, complaint, "letter check")
    return context, session, complaint


def _check_page(
    found: Found,
    text: str,
    errors: FormErrors,
    *,
    status: int = HTTPStatus.OK,
    result: dict[str, Any] | None = None,
) -> HTMLResponse:
    context, session, complaint = found
    return render_page(
        context.request,
        "letter_check.html",
        status_code=status,
        errors=errors,
        text=text,
        result=result,
        csrf_token=session.csrf_token,
        **case_parts(complaint),
    )
