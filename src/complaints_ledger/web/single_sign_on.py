"""Single sign-on with the installation's OpenID Connect provider, when one is configured
(settings `oidc_*`; access/openid_connect.py does the protocol).

`/sign-in/sso` (the sign-in page's "Sign in with ..." button, a link) sends the browser to the
provider with a new pending sign-in in a cookie of its own; the provider sends it back to
`/sign-in/sso/callback`. The person the provider vouches for must have an enabled staff account
with that email address: its organisation and role are theirs, and a session starts exactly as
a password sign-in starts one. Anything else is the "You could not be signed in" page, saying
why, never a 500.
"""

from __future__ import annotations

from http import HTTPStatus

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from complaints_ledger.access.openid_connect import (
    OpenIdConnect,
    Refusal,
    SignInRefused,
)
from complaints_ledger.settings import SSO_CALLBACK_PATH
from complaints_ledger.web.signing_in import set_cookie, started_session
from complaints_ledger.web.templating import render_page

logger = structlog.get_logger(__name__)

SSO_PATH = "/sign-in/sso"
SSO_COOKIE = "cl_sso"  # the pending sign-in, sent to /sign-in/sso/... only
router = APIRouter(include_in_schema=False)

REFUSAL_STATUS = {
    Refusal.PROVIDER_SAID_NO: HTTPStatus.FORBIDDEN,
    Refusal.EXPIRED: HTTPStatus.BAD_REQUEST,
    Refusal.UNTRUSTED_TOKEN: HTTPStatus.BAD_GATEWAY,
    Refusal.NO_EMAIL: HTTPStatus.FORBIDDEN,
    Refusal.UNREACHABLE: HTTPStatus.BAD_GATEWAY,
    Refusal.NO_ACCOUNT: HTTPStatus.FORBIDDEN,
}


def _provider(request: Request) -> OpenIdConnect:
    provider: OpenIdConnect | None = request.app.state.openid_connect
    if provider is None:
        raise HTTPException(HTTPStatus.NOT_FOUND)  # not configured: no such page
    return provider


def _refused(
    request: Request, provider: OpenIdConnect, refused: SignInRefused, email: str = ""
) -> HTMLResponse:
    logger.warning("single sign-on refused", refusal=str(refused.refusal), detail=refused.detail)
    page = render_page(
        request,
        "sso_refused.html",
        status_code=REFUSAL_STATUS[refused.refusal],
        refusal=refused.refusal.name,
        detail=refused.detail,
        provider_name=provider.name,
        email=email,
    )
    page.delete_cookie(SSO_COOKIE, path=SSO_PATH)
    return page


@router.get(SSO_PATH)
def begin_single_sign_on(request: Request) -> Response:
    provider = _provider(request)
    try:
        url, pending = provider.begin()
    except SignInRefused as refused:
        return _refused(request, provider, refused)
    response = RedirectResponse(url, status_code=HTTPStatus.SEE_OTHER)
    set_cookie(response, request, SSO_COOKIE, pending.cookie, path=SSO_PATH)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(SSO_CALLBACK_PATH)
def finish_single_sign_on(request: Request) -> Response:
    provider = _provider(request)
    pending = provider.pending(request.cookies.get(SSO_COOKIE))
    try:
        email = provider.finish(pending, dict(request.query_params))
    except SignInRefused as refused:
        return _refused(request, provider, refused)
    principal = request.app.state.store.users.signed_in_elsewhere(email)
    if principal is None:
        unknown = SignInRefused(Refusal.NO_ACCOUNT, "no enabled staff account with that email")
        return _refused(request, provider, unknown, email)
    response = started_session(request, principal)
    response.delete_cookie(SSO_COOKIE, path=SSO_PATH)
    return response
