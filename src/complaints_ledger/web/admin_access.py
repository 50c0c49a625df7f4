"""What every admin page shares: only an administrator (the admin role, the role of the CLI's
operator) may open them; each form is checked against the session's CSRF token; each action is
recorded with who took it (access/admin_log.py)."""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from complaints_ledger.access.admin_log import record_admin_action
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.errors import LedgerError
from complaints_ledger.persistence.view_db import ViewDatabases
from complaints_ledger.web.signing_in import current_session
from complaints_ledger.web.staff_pages import ADMIN_ROLES
from complaints_ledger.web.templating import render_page

ADMIN_PAGES = (
    ("/admin/organisations", "Organisations"),
    ("/admin/users", "Users and roles"),
    ("/admin/tokens", "API tokens"),
    ("/admin/keys", "Keys"),
    ("/admin/projections", "Projections"),
)


async def submitted_form(request: Request) -> FormData:
    return await request.form()


Submitted = Annotated[FormData, Depends(submitted_form)]


def admin_session(request: Request) -> Session | Response:
    """The signed-in administrator, or the page to show instead: sign in, or not permitted."""
    session = current_session(request)
    if session is None:
        return RedirectResponse("/sign-in", status_code=HTTPStatus.SEE_OTHER)
    if session.role not in ADMIN_ROLES:
        reason = (
            f"The admin pages are for administrators (the admin role); you are signed in as "
            f"{session.role}."
        )
        return render_page(
            request, "not_permitted.html", status_code=HTTPStatus.FORBIDDEN, reason=reason
        )
    return session


def admin_form(request: Request, form: FormData) -> Session | Response:
    """As `admin_session`, and the form must carry the session's CSRF token."""
    session = admin_session(request)
    if isinstance(session, Session) and not session.csrf_matches(str(form.get("csrf_token", ""))):
        return render_page(request, "form_expired.html", status_code=HTTPStatus.BAD_REQUEST)
    return session


def text(form: FormData, name: str) -> str:
    return str(form.get(name, "")).strip()


def record_action(request: Request, session: Session, action: str, target: str) -> None:
    views: ViewDatabases = request.app.state.views
    with views.connection() as db:
        record_admin_action(db, session.principal, action, target)


@dataclass
class FieldErrors:
    """A form's errors, field id -> message, in the order the form asks."""

    messages: dict[str, str]

    @classmethod
    def none(cls) -> FieldErrors:
        return cls({})

    def add(self, field: str, message: str) -> None:
        self.messages.setdefault(field, message)

    def refused(self, error: LedgerError, fields: dict[str, str], default: str) -> None:
        """The ledger's refusal by the field it names (`fields`: its field -> the form's)."""
        message = error.message[:1].upper() + error.message[1:]
        self.add(fields.get(error.field or "", default), message)

    def __bool__(self) -> bool:
        return bool(self.messages)
