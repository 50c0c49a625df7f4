"""`/letter-templates`: a manager changes their organisation's letter templates. Each save is
a new version, with who saved it and when (letters/template_store.py); a template is tried in
the sandbox against sample facts before it is saved, so one that names a fact letters do not
have, or uses what the sandbox takes away, is refused with the reason by the text."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.errors import ConflictError
from complaints_ledger.domain.letters import LetterKind
from complaints_ledger.domain.values import Role
from complaints_ledger.letters.drafting import LetterTemplateError, check_template
from complaints_ledger.letters.facts import SAMPLE_FACTS
from complaints_ledger.letters.template_store import LetterTemplate
from complaints_ledger.web.form_input import FormErrors
from complaints_ledger.web.forms import FormField, Kind
from complaints_ledger.web.letters import KIND_NAMES
from complaints_ledger.web.page_guards import (
    Submitted,
    expired_form,
    not_found_page,
    session_with_role,
)
from complaints_ledger.web.templating import render_page

router = APIRouter(include_in_schema=False)
TEMPLATES_ADDRESS = "/letter-templates"
TEMPLATE_EDITORS = frozenset({Role.MANAGER})
BODY_FIELD = FormField("body", "body", "Template", Kind.TEXT, required=True)
NOT_FOR_YOU = "Only managers change letter templates; you are signed in as {role}."
CHANGED = "Someone else changed this template since you opened it. Check it and try again."


def placeholders(facts: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Each fact a template can use, as `{{ name }}`, with its sample value."""
    found: list[tuple[str, str]] = []
    for name, value in facts.items():
        if isinstance(value, dict):
            found += placeholders(value, f"{prefix}{name}.")
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value if not isinstance(item, dict))
            found.append((f"{prefix}{name}", f"a list: {shown or 'each with description, due'}"))
        else:
            found.append((f"{prefix}{name}", str(value)))
    return found


PLACEHOLDERS = placeholders(SAMPLE_FACTS)


def _editor(request: Request) -> Session | Response:
    return session_with_role(request, TEMPLATE_EDITORS, NOT_FOR_YOU)


@router.get(TEMPLATES_ADDRESS, response_class=HTMLResponse)
def templates_list(request: Request) -> Response:
    session = _editor(request)
    if isinstance(session, Response):
        return session
    store = request.app.state.store.letter_templates
    organisation = session.principal.organisation
    rows = [(kind, KIND_NAMES[kind], store.current(organisation, kind)) for kind in LetterKind]
    saved = request.query_params.get("saved", "")
    return render_page(
        request,
        "letter_templates.html",
        rows=rows,
        saved=KIND_NAMES[LetterKind(saved)] if saved in set(LetterKind) else "",
        organisation=organisation,
    )


@router.get(TEMPLATES_ADDRESS + "/{kind}", response_class=HTMLResponse)
def template_form(request: Request, kind: str) -> Response:
    session = _editor(request)
    if isinstance(session, Response):
        return session
    if kind not in set(LetterKind):
        return not_found_page(request)
    current = request.app.state.store.letter_templates.current(
        session.principal.organisation, LetterKind(kind)
    )
    return _edit_page(request, session, current, current.body, FormErrors())


@router.post(TEMPLATES_ADDRESS + "/{kind}", response_class=HTMLResponse)
def save_template(request: Request, kind: str, form: Submitted) -> Response:
    expired = expired_form(request, form)
    if expired is not None:
        return expired
    session = _editor(request)
    if isinstance(session, Response):
        return session
    if kind not in set(LetterKind):
        return not_found_page(request)
    store, organisation = request.app.state.store.letter_templates, session.principal.organisation
    current = store.current(organisation, LetterKind(kind))
    body = str(form.get("body", "")).replace("\r\n", "\n")
    based_on = str(form.get("based_on", ""))
    errors = FormErrors()
    try:
        if not based_on.isdigit():
            raise ConflictError(CHANGED)  # noqa: TRY301 - a form without its version
        check_template(body)
        if body == current.body:
            raise LetterTemplateError("You have not changed the template")  # noqa: TRY301
        store.change(organisation, LetterKind(kind), body, by=session.email, based_on=int(based_on))
    except LetterTemplateError as wrong:
        errors.add(wrong.message, BODY_FIELD)
        status = HTTPStatus.UNPROCESSABLE_ENTITY
    except ConflictError:
        errors.add(CHANGED, None)
        status = HTTPStatus.CONFLICT
    else:
        return RedirectResponse(
            f"{TEMPLATES_ADDRESS}?saved={kind}", status_code=HTTPStatus.SEE_OTHER
        )
    shown = store.current(organisation, LetterKind(kind)) if status == HTTPStatus.CONFLICT else None
    return _edit_page(request, session, shown or current, body, errors, status=status)


def _edit_page(
    request: Request,
    session: Session,
    current: LetterTemplate,
    body: str,
    errors: FormErrors,
    *,
    status: int = HTTPStatus.OK,
) -> HTMLResponse:
    store = request.app.state.store.letter_templates
    return render_page(
        request,
        "letter_template_edit.html",
        status_code=status,
        errors=errors,
        current=current,
        kind_name=KIND_NAMES[current.kind],
        body=body,
        history=store.history(current.organisation, current.kind),
        placeholders=PLACEHOLDERS,
        csrf_token=session.csrf_token,
    )
