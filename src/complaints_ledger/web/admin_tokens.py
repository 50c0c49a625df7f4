"""API tokens: the bearer tokens of the HTTP API (as `complaints-ledger token list` lists them,
never a secret: only hashes are kept), a form that issues one as `token create` does (a
registered organisation, an ombudsman's or regulator's token bound to its body, a lifetime
within the settings' maximum) and shows it once, and Revoke, at once, as `token revoke`."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from complaints_ledger.access.tokens import TokenInfo
from complaints_ledger.domain.errors import LedgerError
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
TOKEN_FIELDS = ("principal", "org", "role", "days")


@router.get("/admin/tokens", response_class=HTMLResponse)
def tokens_page(request: Request) -> Response:
    session = admin_session(request)
    if isinstance(session, Response):
        return session
    return tokens(request, {}, FieldErrors.none())


@router.post("/admin/tokens", response_class=HTMLResponse)
def issue_token(request: Request, form: Submitted) -> Response:
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    entered = {name: text(form, name) for name in TOKEN_FIELDS}
    issued, errors = attempt(
        lambda errors: _issue(request, entered, errors), TOKEN_FIELDS, "principal"
    )
    if issued is None:
        return tokens(request, entered, errors, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    raw, info = issued
    record_action(request, session, "token create", info.token_id)
    return admin_page(request, "admin/token_issued.html", "Token issued", token=raw, info=info)


def _issue(
    request: Request, entered: dict[str, str], errors: FieldErrors
) -> tuple[str, TokenInfo] | None:
    """Issue the token as `token create` does; None with `errors` filled."""
    if not entered["principal"]:
        errors.add("principal", "Enter who or what the token is for")
    days = None
    if entered["days"]:
        if not entered["days"].isdigit():
            errors.add("days", "Enter the days as a whole number, for example 90")
        else:
            days = int(entered["days"])
    store = request.app.state.store
    role = principal_role(store, entered, errors, "token's")
    if role is None:
        return None
    created: tuple[str, TokenInfo] = store.tokens.create(
        principal=entered["principal"], organisation=entered["org"], role=role, days=days
    )
    return created


@router.post("/admin/tokens/revoke", response_class=HTMLResponse)
def revoke_token(request: Request, form: Submitted) -> Response:
    session = admin_form(request, form)
    if isinstance(session, Response):
        return session
    token_id = text(form, "token_id")
    try:
        request.app.state.store.tokens.revoke(token_id)
    except LedgerError as refused:
        errors = FieldErrors.none()
        errors.refused(refused, (), "tokens")
        return tokens(request, {}, errors, status=HTTPStatus.UNPROCESSABLE_ENTITY)
    record_action(request, session, "token revoke", token_id)
    return tokens(request, {}, FieldErrors.none(), changed=f"Revoked token {token_id}")


def token_state(info: TokenInfo, now: datetime) -> str:
    if info.revoked_at is not None:
        return "revoked"
    return "expired" if datetime.fromisoformat(info.expires_at) <= now else "active"


def tokens(
    request: Request,
    entered: dict[str, str],
    errors: FieldErrors,
    *,
    status: int = HTTPStatus.OK,
    changed: str | None = None,
) -> HTMLResponse:
    store = request.app.state.store
    now, listed = datetime.now(UTC), store.tokens.list()
    return admin_page(
        request,
        "admin/tokens.html",
        "API tokens",
        status=status,
        tokens=[(info, token_state(info, now)) for info in listed],
        entered=entered,
        errors=errors,
        changed=changed,
        default_days=store.tokens.default_days,
        max_days=store.tokens.max_days,
        **principal_choices(store, entered),
    )
