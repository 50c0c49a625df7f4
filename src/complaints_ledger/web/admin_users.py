"""Users and roles: the staff accounts (as `complaints-ledger user list` lists them), a form to
add one, and per account Disable or Enable and Reset password, with the CLI's rules (a
registered organisation, an ombudsman's or regulator's account bound to its body, no account
for the system role, the password rules of access/users.py). A new account's or a reset's
password is generated (or, for a new account, set by the administrator), shown once and never
stored: only its argon2id hash is kept. Disabling an account or resetting its password ends its
sessions at once, as the CLI does."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.access.sessions import Session
from complaints_ledger.access.users import generated_password
from complaints_ledger.domain.errors import InvalidValueError, LedgerError
from complaints_ledger.web.admin_access import (
    FieldErrors,
    admin_form,
    admin_session,
    attempt,
    principal_choices,
    principal_role,
    record_action,
    text,
)
from complaints_ledger.web.admin_pages import admin_page
from complaints_ledger.web.page_guards import Submitted

router = APIRouter(include_in_schema=False)
USER_FIELDS = ("email", "org", "role", "password")


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    return users(request, {}, FieldErrors.none())


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(request: Request, form: Submitted) -> Response:
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    entered = {name: text(form, name) for name in USER_FIELDS}
    entered["password"] = str(form.get("password", ""))  # as typed: spaces count
    generated = not entered["password"]
    password = generated_password() if generated else entered["password"]
    email, errors = attempt(
        lambda errors: _add(request, entered, password, errors), USER_FIELDS, "email"
    )
    if email is None:
        entered["password"] = ""  # never sent back to the browser
        return users(request, entered, errors, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    record_action(request, session, "user add", email)
    account = request.app.state.store.users.get(email)
    return admin_page(
        request,
        "admin/password_shown.html",
        "Account added",
        account=account,
        password=password if generated else None,
        reset=False,
    )


def _add(
    request: Request, entered: dict[str, str], password: str, errors: FieldErrors
) -> str | None:
    """Add the account as `user add` does; its address, or None with `errors` filled."""
    if not entered["email"]:
        errors.add("email", "Enter the person's email address")
    store = request.app.state.store
    role = principal_role(store, entered, errors, "person's")
    if role is None:
        return None
    info = store.users.add(
        email=entered["email"], organisation=entered["org"], role=role, password=password
    )
    return str(info.email)


@router.post("/admin/users/disable", response_class=HTMLResponse)
def disable_user(request: Request, form: Submitted) -> Response:
    return _change(request, form, "disable")


@router.post("/admin/users/enable", response_class=HTMLResponse)
def enable_user(request: Request, form: Submitted) -> Response:
    return _change(request, form, "enable")


@router.post("/admin/users/reset-password", response_class=HTMLResponse)
def reset_password(request: Request, form: Submitted) -> Response:
    return _change(request, form, "set-password")


def _change(request: Request, form: Submitted, action: str) -> Response:
    """Disable, enable or reset one account, named by the form (never by the address)."""
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    email, store = text(form, "email").lower(), request.app.state.store
    password = generated_password()
    try:
        _apply(session, action, email, password, store)
    except LedgerError as refused:
        errors = FieldErrors.none()
        errors.refused(refused, (), "accounts")
        return users(request, {}, errors, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    record_action(request, session, f"user {action}", email)
    if action == "set-password":
        account = store.users.get(email)
        return admin_page(
            request,
            "admin/password_shown.html",
            "Password reset",
            account=account,
            password=password,
            reset=True,
        )
    done = "Disabled" if action == "disable" else "Enabled"
    return users(request, {}, FieldErrors.none(), changed=f"{done} {email}")


def _apply(session: Session, action: str, email: str, password: str, store: Any) -> None:
    if action == "disable":
        if email == session.email:
            raise InvalidValueError("you cannot disable your own account", field="email")
        store.users.disable(email)
    elif action == "enable":
        store.users.enable(email)
    else:
        store.users.set_password(email, password)
    if action != "enable":
        store.sessions.end_all_for(email)


def _locked(until: str | None, now: datetime) -> bool:
    return until is not None and datetime.fromisoformat(until) > now


def users(
    request: Request,
    entered: dict[str, str],
    errors: FieldErrors,
    *,
    status: int = HTTPStatus.OK,
    changed: str | None = None,
) -> HTMLResponse:
    store = request.app.state.store
    accounts, now = store.users.list(), store.clock()
    return admin_page(
        request,
        "admin/users.html",
        "Users and roles",
        status=status,
        accounts=accounts,
        locked={each.email for each in accounts if _locked(each.locked_until, now)},
        entered=entered,
        errors=errors,
        changed=changed,
        **principal_choices(store, entered),
    )
