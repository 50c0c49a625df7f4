"""What the web interface's HTTP tests share: a staff account signed in through the real sign-in
form, the header a browser sends for a page, a page fetched and checked as HTML, and the hidden
fields and tokens a form carries."""

from __future__ import annotations

import html
import re
from typing import NamedTuple
from uuid import uuid4

from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.domain.values import Role

HTML = {"Accept": "text/html"}
PASSWORD = "four quiet owls at noon"  # noqa: S105 - the test accounts'
COUNCIL, OTHER = "Northshire County Council", "Riverside City Council"
CASE_ROW = re.compile(r'data-case-id="([0-9a-f-]{36})"')  # a row of a list of cases
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class SignedIn(NamedTuple):
    email: str
    home: str  # where the sign-in form sent the account


def account(
    client: TestClient,
    email: str,
    organisation: str = COUNCIL,
    role: Role = Role.OFFICER,
    password: str = PASSWORD,
) -> str:
    """A staff account added to the app's store; its email."""
    client.app.state.store.users.add(  # type: ignore[attr-defined]
        email=email, organisation=organisation, role=role, password=password
    )
    return email


def form_token(page: str, name: str) -> str:
    """The value of the form field `name` (a token the page's form carries)."""
    found = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert found is not None, page
    return found.group(1)


def hidden(page: Response) -> dict[str, str]:
    """The hidden fields of the page's forms, by name."""
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page.text)}


def post_sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """The sign-in form, filled in and sent (with its own token); the answer, not followed."""
    token = form_token(client.get("/sign-in", headers=HTML).text, "form_token")
    return client.post(
        "/sign-in",
        data={"form_token": token, "email": email, "password": password},
        headers=HTML,
        follow_redirects=False,
    )


def sign_in_as(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign `email` in through the sign-in form (anyone signed in before is signed out first);
    the page it lands on opens. Returns where the form sent it."""
    client.cookies.clear()
    answer = post_sign_in(client, email, password)
    assert answer.status_code == 303, answer.text
    assert "cl_session" in client.cookies
    home: str = answer.headers["location"]
    assert client.get(home, headers=HTML).status_code == 200, home
    return home


def sign_in(client: TestClient, role: Role, organisation: str = COUNCIL) -> SignedIn:
    """A new account with `role` in `organisation`, signed in through the sign-in form."""
    email = f"{role}.{uuid4().hex[:8]}@{organisation.split(maxsplit=1)[0].lower()}.example"
    account(client, email, organisation, role)
    return SignedIn(email, sign_in_as(client, email))


def csrf_token(client: TestClient) -> str:
    """The CSRF token of the signed-in session, as its pages carry it."""
    return form_token(client.get("/", headers=HTML).text, "csrf_token")


def html_page(client: TestClient, address: str, status: int = 200, **params: str) -> str:
    """The page at `address` as a browser asks for it, answered with `status` as HTML."""
    answer = client.get(address, params=params or None, headers=HTML)  # keeps a query in `address`
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def assert_error_page(page: str, title: str, field: str, message: str) -> None:
    """The page is the error state of the page `title`: titled "Error: " and `title`, its error
    summary links `message` to `field`."""
    assert f"<title>Error: {title} - complaints-ledger</title>" in page
    assert "govuk-error-summary" in page
    assert f'<a href="#{field}">{message}</a>' in page
