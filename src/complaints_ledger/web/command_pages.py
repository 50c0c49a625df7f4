"""A form for each catalogue command at `/cases/{id}/do/{command}` (with the ids of its path,
e.g. an action's, as further segments), made from the command's body, and its submission run
exactly as the API runs the command: the same catalogue entry, policy, validation and ledger
call, with the case version the form was made from as If-Match and a key per form as
Idempotency-Key. So two people changing a case at once never lose an update: the second is told
that someone else changed the case, and nothing is written.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from complaints_ledger.access.sessions import Session
from complaints_ledger.api.cases import CaseCommands, RequestContext
from complaints_ledger.api.problems import LEDGER_PROBLEMS, ApiProblemError
from complaints_ledger.application.catalogue import CaseCommand, command_named
from complaints_ledger.application.catalogue.body import CommandBody
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    ComplaintNotFoundError,
    ConflictError,
    IntegrityFailureError,
    LedgerError,
    NotFoundError,
    NotPermittedError,
    StoreUnavailableError,
)
from complaints_ledger.web.actions import command_label, form_address
from complaints_ledger.web.form_input import FilledForm, FormErrors, Values, field_named, validated
from complaints_ledger.web.forms import FormField, Kind, form_fields
from complaints_ledger.web.page_guards import (
    Submitted,
    form_expired_page,
    not_found_page,
    not_permitted_page,
    signed_in,
)
from complaints_ledger.web.signing_in import current_session
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
FORM_ADDRESS = "/cases/{case_id}/do/{command}"
CONFLICT = (
    "Someone else changed this case since you opened this form. Check the case and try again."
)
MAX_ITEMS = 20  # items a repeated field shows at most (the bodies allow 20)
COUNT_SUFFIX = "--count"  # a repeated field's hidden count of items (ids never hold "--")
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True)
class Target:
    """The case and command a form is for, once the policy has let the person see it."""

    context: RequestContext
    session: Session
    command: CaseCommand[Any]
    complaint: Complaint
    path: dict[str, str]

    @property
    def fields(self) -> tuple[FormField, ...]:
        return tuple(form_fields(self.command.body))

    @property
    def address(self) -> str:
        return form_address(str(self.complaint.id), self.command, self.path)


@router.get(FORM_ADDRESS, response_class=HTMLResponse)
@router.get(FORM_ADDRESS + "/{ids:path}", response_class=HTMLResponse)
def command_form(request: Request, case_id: str, command: str, ids: str = "") -> Response:
    target = command_target(request, case_id, command, ids)
    if isinstance(target, Response):
        return target
    values = {each.id: list(each.initial) for each in target.fields if each.initial}
    filled = FilledForm(target.fields, values, _counts(target.fields, {}))
    return _form_page(target, filled, FormErrors(), secrets.token_urlsafe(24))


@router.post(FORM_ADDRESS, response_class=HTMLResponse)
@router.post(FORM_ADDRESS + "/{ids:path}", response_class=HTMLResponse)
def run_command(
    request: Request, case_id: str, command: str, form: Submitted, ids: str = ""
) -> Response:
    session = current_session(request)
    version, key = str(form.get("version", "")), str(form.get("form_key", ""))
    if session is not None and not genuine_form(session, form):
        return form_expired_page(request)
    target = command_target(request, case_id, command, ids)
    if isinstance(target, Response):
        return target
    values = {name: [str(v) for v in form.getlist(name)] for name in form}
    filled = FilledForm(target.fields, values, _counts(target.fields, values))
    if (grown := str(form.get("add_item", ""))) in filled.counts:  # "Add another", no JS needed
        counts = {**filled.counts, grown: min(filled.counts[grown] + 1, MAX_ITEMS)}
        return _form_page(target, FilledForm(target.fields, values, counts), FormErrors(), key)
    body, errors = validated(target.command.body, filled, FormErrors())
    if body is None:
        return _form_page(target, filled, errors, key, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    return _execute(target, filled, body, f'"{version}"', key)


def genuine_form(session: Session, form: FormData) -> bool:
    """The form is one this session was given: its CSRF token, a version and a key."""
    version, key = str(form.get("version", "")), str(form.get("form_key", ""))
    token = str(form.get("csrf_token", ""))
    return session.csrf_matches(token) and version.isdigit() and _KEY.match(key) is not None


def _execute(
    target: Target, filled: FilledForm, body: CommandBody, if_match: str, key: str
) -> Response:
    """Run the command as the API does; to the case page with a banner when it is recorded."""
    commands = CaseCommands(target.context, if_match, key)
    try:
        done = commands.execute(target.complaint.id, target.command, body, target.path)
    except (StoreUnavailableError, IntegrityFailureError):
        raise  # the app's answer for the store (503) or for altered data
    except LedgerError as refused:
        return _refused(target, filled, key, refused)
    except ApiProblemError as problem:  # the form's key was used for a different request
        errors = FormErrors()
        errors.add(problem.detail, None)
        return _form_page(target, filled, errors, key, status=problem.status)
    return RedirectResponse(
        f"/cases/{target.complaint.id}?recorded={done}", status_code=HTTPStatus.SEE_OTHER
    )


def _refused(target: Target, filled: FilledForm, key: str, refused: LedgerError) -> Response:
    """The form again with what the ledger said, by its field; a case gone or not the person's
    to act on is its page, as on the form's first showing."""
    where = field_named(filled, refused.field)
    request = target.context.request
    if isinstance(refused, ComplaintNotFoundError):
        return not_found_page(request)
    if isinstance(refused, NotPermittedError) and where is None:
        return not_permitted_page(request, refused.message)
    errors = FormErrors()
    if isinstance(refused, ConflictError):
        errors.add(CONFLICT, None)
        current = target.context.ledger.get(target.complaint.id)
        return _form_page(
            target, filled, errors, key, status=HTTPStatus.CONFLICT, version=current.version
        )
    errors.add(refused.message, where)
    return _form_page(target, filled, errors, key, status=refusal_status(refused))


def refusal_status(error: LedgerError) -> int:
    return next(status for kind, status, _, _ in LEDGER_PROBLEMS if isinstance(error, kind))


def command_target(request: Request, case_id: str, name: str, ids: str) -> Target | Response:
    """The form's case and command, or the page to show instead: sign in, not found, not
    permitted (in the policy's order: a case not the person's to see is not found)."""
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    try:
        found = UUID(case_id)
        command = command_named(name.replace("-", "_"))
    except (ValueError, KeyError):
        return not_found_page(request)
    values = ids.split("/") if ids else []
    if len(values) != len(command.path_parameters) or not all(values):
        return not_found_page(request)
    path = dict(zip(command.path_parameters, values, strict=True))
    store = request.app.state.store
    context = RequestContext(
        request, store.ledger, store.policy, session.principal, request.app.state.metrics
    )
    try:
        complaint = store.ledger.get(found)
        store.policy.check_can_run(session.principal, command.name, complaint, None, path)
    except NotFoundError:
        return not_found_page(request)
    except NotPermittedError as refused:
        return not_permitted_page(request, refused.message)
    return Target(context, session, command, complaint, path)


def _counts(fields: tuple[FormField, ...], values: Values) -> dict[str, int]:
    """How many items each repeated field shows: as the form said, at least one."""
    counts = {}
    for each in fields:
        if each.kind == Kind.REPEATED:
            sent = (values.get(each.id + COUNT_SUFFIX) or ("1",))[0]
            counts[each.id] = min(max(int(sent) if sent.isdigit() else 1, 1), MAX_ITEMS)
    return counts


def _form_page(
    target: Target,
    filled: FilledForm,
    errors: FormErrors,
    key: str,
    *,
    status: int = HTTPStatus.OK,
    version: int | None = None,
) -> HTMLResponse:
    """The form; `version` (the case's latest) only after a conflict, so that the person can
    send it again once they have checked the case."""
    command, complaint = target.command, target.complaint
    label = command_label(command)
    suffix = " ".join(target.path[name] for name in command.path_parameters)
    return render_page(
        target.context.request,
        "command_form.html",
        status_code=status,
        title=f"{label} {suffix}".strip(),
        command=command,
        case_id=str(complaint.id),
        short_id=str(complaint.id)[:8],
        kind=str(complaint.kind),
        action=target.address,
        fields=filled.fields,
        form={
            "entered": filled.values,
            "errors": errors,
            "counts": filled.counts,
            "count_suffix": COUNT_SUFFIX,
        },
        errors=errors,
        conflict=version is not None,
        version=complaint.version if version is None else version,
        form_key=key,
        csrf_token=target.session.csrf_token,
    )
