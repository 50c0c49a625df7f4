"""Who is signed in to the web interface: the session cookie, the CSRF checks of every form, and
the sign-in and sign-out pages.

The sign-in form has no session yet, so it is protected by a double-submit token: a random value
in a cookie of its own and the same value in the form. Every form of a signed-in person carries
that session's CSRF token (`csrf_token` in the templates). Cookies are HttpOnly, SameSite=Lax,
and Secure unless the page was asked for over plain HTTP on this machine (localhost).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from http import HTTPStatus

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from complaints_ledger.access.principal import Principal
from complaints_ledger.access.sessions import Session
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.web.staff_pages import home_page
from complaints_ledger.web.templating import render_page

SESSION_COOKIE = "cl_session"
SIGN_IN_COOKIE = "cl_sign_in"  # the sign-in form's double-submit token
FORM_PATHS = (
    "/sign-in",
    "/sign-out",
    "/cases/",
    "/admin/",
    "/log-complaint/",
    "/integrity/verify",
    "/letter-templates/",
)  # the paths the web's HTML forms are posted to
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
router = APIRouter(include_in_schema=False)


def current_session(request: Request) -> Session | None:
    """The signed-in person's live session, if any (their account still enabled)."""
    if hasattr(request.state, "web_session"):
        found: Session | None = request.state.web_session
        return found
    store = request.app.state.store
    session: Session | None = store.sessions.resume(request.cookies.get(SESSION_COOKIE))
    if session is not None and not store.users.is_active(session.email):
        store.sessions.end(request.cookies.get(SESSION_COOKIE))
        session = None
    request.state.web_session = session
    return session


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.url.hostname not in LOCAL_HOSTS


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, path: str = "/"
) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=_secure(request), path=path
    )


def started_session(request: Request, principal: Principal) -> Response:
    """Every sign-in's answer (password or single sign-on): a new session, never the one the
    browser had (that one ends), and a redirect to the person's home page."""
    store = request.app.state.store
    store.sessions.end(request.cookies.get(SESSION_COOKIE))
    cookie, _ = store.sessions.start(principal)
    response = RedirectResponse(home_page(principal.role), status_code=HTTPStatus.SEE_OTHER)
    set_cookie(response, request, SESSION_COOKIE, cookie)
    return response


def _sign_in_page(
    request: Request, *, errors: dict[str, str] | None = None, email: str = "", status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    single_sign_on = request.app.state.openid_connect
    response = render_page(
        request,
        "sign_in.html",
        status_code=status,
        errors=errors or {},
        email=email,
        form_token=token,
        single_sign_on_name=None if single_sign_on is None else single_sign_on.name,
    )
    set_cookie(response, request, SIGN_IN_COOKIE, token)
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request) -> Response:
    session = current_session(request)
    if session is not None:
        return RedirectResponse(home_page(session.role), status_code=HTTPStatus.SEE_OTHER)
    return _sign_in_page(request)


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    form = await request.form()
    email, password = str(form.get("email", "")).strip(), str(form.get("password", ""))
    sent, expected = str(form.get("form_token", "")), request.cookies.get(SIGN_IN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        errors = {
            "email": "Your sign-in form had expired: enter your email address and password again"
        }
        return _sign_in_page(request, errors=errors, email=email, status=HTTPStatus.BAD_REQUEST)
    errors = _missing(email, password)
    if errors:
        return _sign_in_page(request, errors=errors, email=email, status=HTTPStatus.BAD_REQUEST)
    store = request.app.state.store
    answer = store.users.authenticate(email, password)
    if answer.principal is None:
        return _sign_in_page(
            request,
            errors={"email": _refusal(answer.locked_until)},
            email=email,
            status=HTTPStatus.UNAUTHORIZED,
        )
    response = started_session(request, answer.principal)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


def _missing(email: str, password: str) -> dict[str, str]:
    errors = {}
    if not email:
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - a message, not a password
    return errors


def _refusal(locked_until: datetime | None) -> str:
    if locked_until is None:
        return "Enter the email address and password of your account"
    local = locked_until.astimezone(UK_TIME_ZONE)
    return (
        f"There have been too many wrong passwords for this account: try again after "
        f"{local:%H:%M:%S} (UK time)"
    )


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    session = current_session(request)
    form = await request.form()
    if session is not None and not session.csrf_matches(str(form.get("csrf_token", ""))):
        return render_page(request, "form_expired.html", status_code=HTTPStatus.BAD_REQUEST)
    request.app.state.store.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/signed-out", status_code=HTTPStatus.SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/signed-out", response_class=HTMLResponse)
def signed_out(request: Request) -> HTMLResponse:
    return render_page(request, "signed_out.html")
