"""What a staff page checks before it shows anything, and the pages it answers with instead:
nobody signed in is sent to sign in; a role the page is not for gets "You cannot see this
page" with the reason; a case the person may not see is "Page not found" (another
organisation's case never shows that it exists); a form without the session's CSRF token is
"form expired"."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Annotated
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from complaints_ledger.access.principal import Principal
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import NotFoundError, NotPermittedError
from complaints_ledger.domain.values import Role
from complaints_ledger.web.signing_in import current_session
from complaints_ledger.web.templating import render_page


async def submitted_form(request: Request) -> FormData:
    return await request.form()


Submitted = Annotated[FormData, Depends(submitted_form)]


def sign_in_first() -> Response:
    return RedirectResponse("/sign-in", status_code=HTTPStatus.SEE_OTHER)


def not_found_page(request: Request) -> HTMLResponse:
    return render_page(request, "not_found.html", status_code=HTTPStatus.NOT_FOUND)


def not_permitted_page(request: Request, reason: str) -> HTMLResponse:
    return render_page(
        request, "not_permitted.html", status_code=HTTPStatus.FORBIDDEN, reason=reason
    )


def form_expired_page(request: Request) -> HTMLResponse:
    return render_page(request, "form_expired.html", status_code=HTTPStatus.BAD_REQUEST)


def signed_in(request: Request) -> Session | Response:
    """The signed-in person, or the redirect to sign in."""
    session = current_session(request)
    return sign_in_first() if session is None else session


def session_with_role(request: Request, roles: frozenset[Role], reason: str) -> Session | Response:
    """The signed-in person if their role is one of `roles`; else the page to show instead:
    sign in, or not permitted with `reason` (`{role}` in it: the person's role)."""
    session = signed_in(request)
    if isinstance(session, Session) and session.role not in roles:
        return not_permitted_page(request, reason.format(role=session.role))
    return session


def expired_form(request: Request, form: FormData) -> Response | None:
    """The "form expired" page when someone signed in sent a form without their session's CSRF
    token; None otherwise (nobody signed in is sent to sign in by the page's own check)."""
    session = current_session(request)
    if session is not None and not session.csrf_matches(str(form.get("csrf_token", ""))):
        return form_expired_page(request)
    return None


def visible_case(
    request: Request, case_id: str, check: Callable[[Principal, Complaint], None]
) -> tuple[Session, Complaint] | Response:
    """The signed-in person and the case `case_id` if `check` (a policy check) lets them see it;
    else the page to show instead: sign in, not found, or not permitted."""
    session = signed_in(request)
    if isinstance(session, Response):
        return session
    ledger = request.app.state.store.ledger
    try:
        complaint = ledger.get(UUID(case_id))
        check(session.principal, complaint)
    except (ValueError, NotFoundError):
        return not_found_page(request)
    except NotPermittedError as refused:
        return not_permitted_page(request, refused.message)
    return session, complaint
