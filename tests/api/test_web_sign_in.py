"""The sign-in and sign-out forms over HTTP, on both stores: the double-submit token of the
sign-in form, the session's CSRF token on sign-out (a forged sign-out changes nothing), a
disabled account's session ending at its next request, and form bodies accepted only on the
web's form paths (the API still answers 415 to them)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.domain.values import Role
from tests.api.test_web_case_page import PASSWORD, account
from tests.api.test_web_case_page import client as client  # noqa: PLC0414 - the fixture

HTML = {"Accept": "text/html"}
EMAIL = "sam.lee@northshire.example"


@pytest.fixture(autouse=True)
def sams_account(client: TestClient) -> None:
    account(client, EMAIL, "Northshire County Council", Role.MANAGER)


def form_token(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def post_sign_in(client: TestClient, email: str, password: str) -> Response:
    """The sign-in form, filled in and sent (with its own token); the answer, not followed."""
    token = form_token(client.get("/sign-in", headers=HTML).text, "form_token")
    return client.post(
        "/sign-in",
        data={"form_token": token, "email": email, "password": password},
        headers=HTML,
        follow_redirects=False,
    )


def signed_in(client: TestClient) -> str:
    """Sign in; returns the CSRF token the signed-in pages carry."""
    answer = post_sign_in(client, EMAIL, PASSWORD)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/worklist"  # a manager's home page
    assert "cl_session" in client.cookies
    return form_token(client.get("/", headers=HTML).text, "csrf_token")


def test_a_sign_in_without_its_forms_token_is_refused(client: TestClient) -> None:
    client.get("/sign-in", headers=HTML)
    forged = client.post(
        "/sign-in",
        data={"form_token": "guessed", "email": EMAIL, "password": PASSWORD},
        headers=HTML,
    )
    assert forged.status_code == 400
    assert "expired" in forged.text
    assert "cl_session" not in client.cookies


def test_a_sign_out_without_the_sessions_token_changes_nothing(client: TestClient) -> None:
    csrf = signed_in(client)
    forged = client.post("/sign-out", data={"csrf_token": "forged"}, headers=HTML)
    assert forged.status_code == 400
    assert "Signed in as" in client.get("/", headers=HTML).text  # still signed in
    out = client.post("/sign-out", data={"csrf_token": csrf}, headers=HTML, follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/signed-out")
    assert "Signed in as" not in client.get("/", headers=HTML).text


def test_signing_in_always_starts_a_new_session(client: TestClient) -> None:
    signed_in(client)
    first = client.cookies["cl_session"]
    client.cookies.delete("cl_session")
    token = form_token(client.get("/sign-in", headers=HTML).text, "form_token")
    client.cookies.set("cl_session", first)  # a session cookie already there (or planted)
    again = client.post(
        "/sign-in",
        data={"form_token": token, "email": EMAIL, "password": PASSWORD},
        headers=HTML,
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert again.cookies["cl_session"] != first
    assert client.app.state.store.sessions.resume(first) is None  # type: ignore[attr-defined]


def test_a_disabled_accounts_session_ends_at_its_next_request(client: TestClient) -> None:
    signed_in(client)
    client.app.state.store.users.disable(EMAIL)  # type: ignore[attr-defined]
    assert "Signed in as" not in client.get("/", headers=HTML).text


def test_form_bodies_are_for_the_web_forms_only(client: TestClient) -> None:
    refused = client.post("/complaints", data={"kind": "complaint"})
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"


def test_the_session_cookie_is_http_only_and_lax(client: TestClient) -> None:
    token = form_token(client.get("/sign-in", headers=HTML).text, "form_token")
    answer = client.post(
        "/sign-in",
        data={"form_token": token, "email": EMAIL, "password": PASSWORD},
        headers=HTML,
        follow_redirects=False,
    )
    cookie = next(
        v for k, v in answer.headers.multi_items() if k == "set-cookie" and "cl_session" in v
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # on this machine (localhost) only


def test_tokens_of_any_characters_are_refused_not_a_500(client: TestClient) -> None:
    client.get("/sign-in", headers=HTML)
    forged = client.post(
        "/sign-in", data={"form_token": "été", "email": EMAIL, "password": PASSWORD}, headers=HTML
    )
    assert forged.status_code == 400
    signed_in(client)
    out = client.post("/sign-out", data={"csrf_token": "été"}, headers=HTML)
    assert out.status_code == 400
    latin_1 = "cl_session=abc.\u00e9t\u00e9".encode("latin-1")  # as a browser may send one
    client.cookies.clear()
    odd_cookie = client.get("/", headers={"Accept": "text/html", "Cookie": latin_1})  # type: ignore[dict-item]
    assert odd_cookie.status_code == 200
    assert "Signed in as" not in odd_cookie.text
