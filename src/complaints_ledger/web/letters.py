"""Letters to the complainant, from the case page's "Write a letter": choose the letter, edit
its text (filled in from the organisation's template with the case's facts), preview it, print
it, or send it, which runs the catalogue's `send_letter` exactly as the API does (the form's
case version as If-Match, its key as Idempotency-Key), so the ledger records the SHA-256 of the
text sent. Checking a letter against those sent is letter_check.py.

Writing a letter is for those the policy lets run `send_letter` on the case (another
organisation's case is "Page not found"); each page that shows the case's facts records a read
first.
"""

from __future__ import annotations

import secrets
from dataclasses import replace
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from complaints_ledger.api.cases import CaseCommands, RequestContext
from complaints_ledger.api.problems import ApiProblemError
from complaints_ledger.application.catalogue import command_named
from complaints_ledger.application.catalogue.letters import LetterBody
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    ComplaintNotFoundError,
    ConflictError,
    IntegrityFailureError,
    LedgerError,
    NotPermittedError,
    StoreUnavailableError,
)
from complaints_ledger.domain.letters import LetterKind, letter_text
from complaints_ledger.letters.drafting import LetterTemplateError, fill
from complaints_ledger.letters.facts import Facts, case_facts
from complaints_ledger.web.case_page import case_as_seen
from complaints_ledger.web.command_pages import (
    CONFLICT,
    Target,
    command_target,
    genuine_form,
    refusal_status,
)
from complaints_ledger.web.form_input import FilledForm, FormErrors, Values, field_named, validated
from complaints_ledger.web.forms import form_fields
from complaints_ledger.web.page_guards import (
    Submitted,
    form_expired_page,
    not_found_page,
    not_permitted_page,
)
from complaints_ledger.web.signing_in import current_session
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
SEND_LETTER = command_named("send_letter")
LABELS = {"text": "The letter", "channel": "How it is sent", "occurred_at": "When it was sent"}
FIELDS = tuple(
    replace(each, label=LABELS.get(each.id, each.label)) for each in form_fields(LetterBody)
)
KIND_NAMES = {
    LetterKind.ACKNOWLEDGEMENT: "Acknowledgement",
    LetterKind.EXTENSION: "Extension or delay notice",
    LetterKind.RESPONSE: "Response",
}
KIND_HINTS = {
    LetterKind.ACKNOWLEDGEMENT: "Acknowledges the complaint, offers to discuss how it will be "
    "handled and says when the response is likely (SI 2009/309 reg 13).",
    LetterKind.EXTENSION: "Says the response will take longer, why, and when it is now expected.",
    LetterKind.RESPONSE: "How the complaint was considered, the conclusions, what will be done, "
    "and the right to go to the ombudsman (SI 2009/309 reg 14).",
}
ACTIONS = ("preview", "print", "send")
KIND_CHOICE = "Select which letter you want to write"


def sent_letters(complaint: Complaint) -> list[dict[str, Any]]:
    """The letters recorded on the case, newest first, as the pages list them."""
    return [
        {**letter, "kind_name": KIND_NAMES[LetterKind(letter["kind"])]}
        for letter in reversed(complaint.letters_sent())
    ]


def case_parts(complaint: Complaint) -> dict[str, Any]:
    """What every letter page names the case by."""
    return {
        "case_id": str(complaint.id),
        "short_id": str(complaint.id)[:8],
        "kind": str(complaint.kind),
    }


def record_read(context: RequestContext, complaint: Complaint, what: str) -> None:
    context.ledger.record_read(complaint.id, context.principal.actor, what=what, purpose=None)


@router.get("/cases/{case_id}/letters", response_class=HTMLResponse)
def choose_letter(request: Request, case_id: str) -> Response:
    target = command_target(request, case_id, SEND_LETTER.name, "")
    if isinstance(target, Response):
        return target
    chosen = request.query_params.get("kind", "")
    if chosen in set(LetterKind):
        return RedirectResponse(f"/cases/{case_id}/letters/{chosen}", HTTPStatus.SEE_OTHER)
    errors = FormErrors()
    if "step" in request.query_params:  # the form was sent without a choice
        errors.add(KIND_CHOICE, field_named(FilledForm(FIELDS, {}, {}), "kind"))
    record_read(target.context, target.complaint, "letters page")
    return render_page(
        request,
        "letters_choose.html",
        status_code=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
        errors=errors,
        kinds=[(str(kind), KIND_NAMES[kind], KIND_HINTS[kind]) for kind in LetterKind],
        sent=sent_letters(target.complaint),
        **case_parts(target.complaint),
    )


@router.get("/cases/{case_id}/letters/{kind}", response_class=HTMLResponse)
def write_letter(request: Request, case_id: str, kind: str) -> Response:
    found = _letter_target(request, case_id, kind)
    if isinstance(found, Response):
        return found
    target, _ = found
    store = request.app.state.store
    template = store.letter_templates.current(target.complaint.handling_organisation, kind)
    record_read(target.context, target.complaint, f"{kind} letter")
    errors = FormErrors()
    try:
        text = fill(template.body, letter_facts(target.context, target.complaint))
    except LetterTemplateError as error:
        message = f"Your organisation's {kind} template cannot be filled in: {error.message}"
        errors.add(message, _field("text"))
        text = ""
    values = {"text": [text], "template_version": [str(template.version)]}
    filled = FilledForm(FIELDS, {**_initial(), **values}, {})
    key = secrets.token_urlsafe(24)
    return _letter_page(target, LetterKind(kind), filled, errors, key)


@router.post("/cases/{case_id}/letters/{kind}", response_class=HTMLResponse)
def letter_action(request: Request, case_id: str, kind: str, form: Submitted) -> Response:
    session = current_session(request)
    if session is not None and not genuine_form(session, form):
        return form_expired_page(request)
    found = _letter_target(request, case_id, kind)
    if isinstance(found, Response):
        return found
    target, letter_kind = found
    key = str(form.get("form_key", ""))
    filled = FilledForm(FIELDS, _sent_values(form, letter_kind), {})
    body, errors = validated(LetterBody, filled, FormErrors())
    action = str(form.get("action", ""))
    if action not in ACTIONS:
        errors.add("Choose Preview, Print or Send letter", None)
    record_read(target.context, target.complaint, f"{kind} letter")
    if body is None or errors:
        status = HTTPStatus.UNPROCESSABLE_ENTITY
        return _letter_page(target, letter_kind, filled, errors, key, status=status)
    if action == "send":
        return _send(target, letter_kind, filled, body, (str(form.get("version", "")), key))
    if action == "print":
        return render_page(
            request,
            "letter_print.html",
            text=letter_text(body.text),
            kind_name=KIND_NAMES[letter_kind],
            **case_parts(target.complaint),
        )
    return _letter_page(target, letter_kind, filled, errors, key, preview=letter_text(body.text))


def _letter_target(
    request: Request, case_id: str, kind: str
) -> tuple[Target, LetterKind] | Response:
    """The case a letter of `kind` is written on, if the person may send letters on it."""
    target = command_target(request, case_id, SEND_LETTER.name, "")
    if isinstance(target, Response):
        return target
    if kind not in set(LetterKind):
        return not_found_page(request)
    return target, LetterKind(kind)


def letter_facts(context: RequestContext, complaint: Complaint) -> Facts:
    """The case's facts for its letters, as the signed-in person may see them."""
    today = context.today()
    view, events = case_as_seen(context, complaint, complaint, today, None)
    facts = case_facts(view, events, today)
    complainant = view.get("complainant")
    if isinstance(complainant, dict) and "pseudonym" in complainant:
        facts["complainant"]["name"] = complainant["pseudonym"]
    return facts


def _field(name: str) -> Any:
    return field_named(FilledForm(FIELDS, {}, {}), name)


def _initial() -> dict[str, list[str]]:
    return {each.id: list(each.initial) for each in FIELDS if each.initial}


def _sent_values(form: FormData, kind: LetterKind) -> Values:
    """What the form sent, with the letter's kind from its address (never from the form)."""
    values = {name: [str(value) for value in form.getlist(name)] for name in form}
    values["kind"] = [str(kind)]
    values["text"] = [letter_text(text) for text in values.get("text", [])]
    return values


def _send(
    target: Target, kind: LetterKind, filled: FilledForm, body: LetterBody, form: tuple[str, str]
) -> Response:
    version, key = form
    commands = CaseCommands(target.context, f'"{version}"', key)
    try:
        done = commands.execute(target.complaint.id, SEND_LETTER, body, {})
    except (StoreUnavailableError, IntegrityFailureError):
        raise  # the app's answer for the store (503) or for altered data
    except LedgerError as refused:
        return _refused(target, kind, filled, key, refused)
    except ApiProblemError as problem:  # the form's key was used for a different request
        errors = FormErrors()
        errors.add(problem.detail, None)
        return _letter_page(target, kind, filled, errors, key, status=problem.status)
    return RedirectResponse(
        f"/cases/{target.complaint.id}?recorded={done}", status_code=HTTPStatus.SEE_OTHER
    )


def _refused(
    target: Target, kind: LetterKind, filled: FilledForm, key: str, refused: LedgerError
) -> Response:
    request = target.context.request
    if isinstance(refused, ComplaintNotFoundError):
        return not_found_page(request)
    where = field_named(filled, refused.field)
    if isinstance(refused, NotPermittedError) and where is None:
        return not_permitted_page(request, refused.message)
    errors = FormErrors()
    if isinstance(refused, ConflictError):
        errors.add(CONFLICT, None)
        latest = target.context.ledger.get(target.complaint.id)
        return _letter_page(
            target, kind, filled, errors, key, status=HTTPStatus.CONFLICT, version=latest.version
        )
    errors.add(refused.message, where)
    return _letter_page(target, kind, filled, errors, key, status=refusal_status(refused))


def _letter_page(
    target: Target,
    kind: LetterKind,
    filled: FilledForm,
    errors: FormErrors,
    key: str,
    *,
    status: int = HTTPStatus.OK,
    preview: str | None = None,
    version: int | None = None,
) -> HTMLResponse:
    by_id = {each.id: each for each in FIELDS}
    return render_page(
        target.context.request,
        "letter_write.html",
        status_code=status,
        letter_kind=str(kind),
        kind_name=KIND_NAMES[kind],
        action=f"/cases/{target.complaint.id}/letters/{kind}",
        text_field=by_id["text"],
        extra_fields=[by_id["channel"], by_id["occurred_at"]],
        template_version=(filled.values.get("template_version") or [""])[0],
        form={"entered": filled.values, "errors": errors, "counts": {}, "count_suffix": ""},
        errors=errors,
        preview=preview,
        conflict=version is not None,
        version=target.complaint.version if version is None else version,
        form_key=key,
        csrf_token=target.session.csrf_token,
        **case_parts(target.complaint),
    )
