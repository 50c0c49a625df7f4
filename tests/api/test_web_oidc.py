"""Single sign-on with OpenID Connect over real HTTP, on both stores: the app and the test's own
provider (tests/oidc_provider.py, a real server on a free loopback port) talk discovery, token
and JWKS to each other, and the test plays the browser between them. A good sign-in lands on
the worklist with the account's own organisation and role in a new session; a tampered state, a
wrong nonce, audience, issuer, expiry or signature, an unknown or disabled account, a provider
that says no, and a provider that is down or never answers are each the "You could not be
signed in" page, quickly, with no session."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from complaints_ledger.access.openid_connect import PENDING_SECONDS, PendingSignIn
from complaints_ledger.api.app import create_app
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings
from tests.api.test_web_case_page import COUNCIL, HTML, account
from tests.local_servers import free_port
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, running_provider

CALLBACK = "http://localhost/sign-in/sso/callback"
EMAIL = "sam.lee@northshire.example"
REFUSED = "You could not be signed in"


def sso_settings(store_url: str, folder: Path, issuer: str, **changes: object) -> Settings:
    secret = folder / "oidc-client-secret"
    secret.write_text(CLIENT_SECRET + "\n")
    options: dict[str, object] = {
        "store": store_url,
        "signing_key_file": folder / "no-key.pem",
        "session_secret_file": folder / "session-secret",
        "oidc_issuer": issuer,
        "oidc_client_id": CLIENT_ID,
        "oidc_client_secret_file": secret,
        "oidc_redirect_url": CALLBACK,
        "oidc_provider_name": "Northshire sign-in",
        **changes,
    }
    return Settings(**options)  # type: ignore[arg-type]


@pytest.fixture
def provider() -> Iterator[LocalProvider]:
    with running_provider(CALLBACK, EMAIL) as running:
        yield running


def app_client(settings: Settings) -> TestClient:
    return TestClient(create_app(settings, background_sealing=False), base_url="http://localhost")


@pytest.fixture
def client(store_url: str, tmp_path: Path, provider: LocalProvider) -> Iterator[TestClient]:
    with app_client(sso_settings(store_url, tmp_path, provider.issuer)) as c:
        account(c, EMAIL, COUNCIL, Role.MANAGER)
        yield c


def through_the_provider(client: TestClient) -> str:
    """The browser's part: the sign-in button, then the provider; the address it sends the
    browser back to (on the app)."""
    begun = client.get("/sign-in/sso", headers=HTML, follow_redirects=False)
    assert begun.status_code == 303, begun.text
    answer = httpx.get(begun.headers["location"], follow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back: str = answer.headers["location"]
    assert back.startswith(CALLBACK + "?")
    return back.removeprefix("http://localhost")


def come_back(client: TestClient, path: str) -> httpx.Response:
    return client.get(path, headers=HTML, follow_redirects=False)


def assert_refused(answer: httpx.Response, status: int, says: str) -> None:
    assert answer.status_code == status, answer.text
    assert f"<title>{REFUSED}" in answer.text
    assert says in answer.text
    assert "cl_session" not in answer.cookies


def test_the_sign_in_page_offers_the_provider(client: TestClient) -> None:
    page = client.get("/sign-in", headers=HTML)
    assert "Sign in with Northshire sign-in" in page.text
    assert 'href="/sign-in/sso"' in page.text
    assert "Or sign in with a password" in page.text


def test_leaving_for_the_provider_asks_for_pkce_and_a_nonce(client: TestClient) -> None:
    begun = client.get("/sign-in/sso", headers=HTML, follow_redirects=False)
    query = parse_qs(urlsplit(begun.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["nonce"][0]) >= 43
    assert len(query["state"][0]) >= 43
    assert query["redirect_uri"] == [CALLBACK]
    cookie = begun.headers["set-cookie"]
    assert cookie.startswith("cl_sso=")
    assert all(part in cookie for part in ("HttpOnly", "SameSite=lax", "Path=/sign-in/sso"))
    assert query["state"][0] not in cookie  # the cookie holds the secret it is made from


def test_signing_in_lands_on_the_worklist_with_the_accounts_org_and_role(
    client: TestClient, provider: LocalProvider
) -> None:
    client.cookies.set("cl_session", "a-session.the-browser-had")
    landed = come_back(client, through_the_provider(client))
    assert (landed.status_code, landed.headers["location"]) == (303, "/worklist")
    assert landed.cookies["cl_session"] != "a-session.the-browser-had"
    worklist = client.get("/worklist", headers=HTML)
    assert worklist.status_code == 200
    assert f"Signed in as <strong>{EMAIL}</strong> (manager,\n        {COUNCIL})" in worklist.text
    assert provider.codes_redeemed == 1
    user = client.app.state.store.users.get(EMAIL)  # type: ignore[attr-defined]
    assert user.last_sign_in_at is not None


def test_the_session_is_new_each_time(client: TestClient) -> None:
    come_back(client, through_the_provider(client))
    first = client.cookies["cl_session"]
    come_back(client, through_the_provider(client))
    assert client.cookies["cl_session"] != first
    assert client.app.state.store.sessions.resume(first) is None  # type: ignore[attr-defined]


def test_a_tampered_state_is_refused_before_the_code_is_used(
    client: TestClient, provider: LocalProvider
) -> None:
    back = through_the_provider(client).replace("state=", "state=x")
    assert_refused(come_back(client, back), 400, "started in another browser")
    assert provider.codes_redeemed == 0
    assert "Signed in as" not in client.get("/", headers=HTML).text


def test_a_state_of_any_characters_is_refused_not_a_500(client: TestClient) -> None:
    through_the_provider(client)
    answer = come_back(client, "/sign-in/sso/callback?state=%C3%A9t%C3%A9&code=x")
    assert_refused(answer, 400, "started in another browser")


def test_an_answer_in_a_browser_that_did_not_ask_is_refused(
    client: TestClient, provider: LocalProvider
) -> None:
    back = through_the_provider(client)
    client.cookies.clear()  # another browser: no pending sign-in of its own
    assert_refused(come_back(client, back), 400, "started in another browser")
    assert provider.codes_redeemed == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"nonce": "a nonce from another sign-in"},
        {"aud": "another-application"},
        {"iss": "http://127.0.0.1:1/another-issuer"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    ],
    ids=["nonce", "audience", "issuer", "expired"],
)
def test_an_id_token_with_a_wrong_claim_is_refused(
    client: TestClient, provider: LocalProvider, changes: dict[str, object]
) -> None:
    provider.claim_changes = changes
    answer = come_back(client, through_the_provider(client))
    assert_refused(answer, 502, "could not be verified")
    assert provider.codes_redeemed == 1  # the token came, and was not trusted
    assert "Signed in as" not in client.get("/", headers=HTML).text


def test_an_id_token_signed_by_another_key_is_refused(
    client: TestClient, provider: LocalProvider
) -> None:
    provider.signed_by_stranger = True
    assert_refused(come_back(client, through_the_provider(client)), 502, "could not be verified")


def test_an_unknown_email_is_refused(client: TestClient, provider: LocalProvider) -> None:
    provider.user_email = "someone.else@northshire.example"
    answer = come_back(client, through_the_provider(client))
    assert_refused(answer, 403, "no staff account with that")
    assert "someone.else@northshire.example" in answer.text


def test_a_disabled_account_is_refused(client: TestClient) -> None:
    client.app.state.store.users.disable(EMAIL)  # type: ignore[attr-defined]
    assert_refused(come_back(client, through_the_provider(client)), 403, "has been disabled")


def test_an_email_the_provider_has_not_verified_is_refused(
    client: TestClient, provider: LocalProvider
) -> None:
    provider.claim_changes = {"email_verified": False}
    assert_refused(come_back(client, through_the_provider(client)), 403, "verified email")


def test_the_providers_refusal_is_named(client: TestClient, provider: LocalProvider) -> None:
    provider.refuse_with = "access_denied"
    assert_refused(come_back(client, through_the_provider(client)), 403, "“access_denied”")


def test_a_wrong_client_secret_is_refused_by_the_provider(
    store_url: str, tmp_path: Path, provider: LocalProvider
) -> None:
    settings = sso_settings(
        store_url,
        tmp_path,
        provider.issuer,
        oidc_client_secret_file=None,
        oidc_client_secret="not the secret the provider knows",  # noqa: S106 - a wrong one
    )
    with app_client(settings) as client:
        account(client, EMAIL, COUNCIL, Role.MANAGER)
        assert_refused(come_back(client, through_the_provider(client)), 403, "“invalid_client”")
        assert provider.codes_redeemed == 0


def test_a_provider_that_is_down_is_the_error_page_at_once(store_url: str, tmp_path: Path) -> None:
    nothing_there = f"http://127.0.0.1:{free_port()}"
    with app_client(sso_settings(store_url, tmp_path, nothing_there)) as client:
        started = time.monotonic()
        answer = client.get("/sign-in/sso", headers=HTML, follow_redirects=False)
        assert time.monotonic() - started < 2
        assert_refused(answer, 502, "cannot be reached")


def test_a_provider_that_never_answers_is_the_error_page_after_the_timeout(
    store_url: str, tmp_path: Path
) -> None:
    with socket.socket() as silent:  # accepts connections, never answers a byte
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        issuer = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings = sso_settings(store_url, tmp_path, issuer, oidc_timeout_seconds=1)
        with app_client(settings) as client:
            started = time.monotonic()
            answer = client.get("/sign-in/sso", headers=HTML, follow_redirects=False)
            assert 1 <= time.monotonic() - started < 4
            assert_refused(answer, 502, "cannot be reached")


def test_a_provider_that_goes_down_mid_sign_in_is_the_error_page(
    store_url: str, tmp_path: Path
) -> None:
    with ExitStack() as up:
        provider = up.enter_context(running_provider(CALLBACK, EMAIL))
        with app_client(sso_settings(store_url, tmp_path, provider.issuer)) as client:
            account(client, EMAIL, COUNCIL, Role.OFFICER)
            back = through_the_provider(client)
            up.close()  # the provider stops between sending the browser back and the token
            started = time.monotonic()
            assert_refused(come_back(client, back), 502, "cannot be reached")
            assert time.monotonic() - started < 2


def test_without_a_provider_there_is_no_button_and_no_sso_page(
    store_url: str, tmp_path: Path
) -> None:
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    with app_client(settings) as client:
        page = client.get("/sign-in", headers=HTML).text
        assert "/sign-in/sso" not in page
        assert "Or sign in with a password" not in page
        assert client.get("/sign-in/sso", headers=HTML).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"oidc_client_id": None}, "oidc_client_id"),
        ({"oidc_client_secret_file": None}, "oidc_client_secret_file"),
        ({"oidc_issuer": "http://login.example.com/tenant/v2.0"}, "must be an https:// URL"),
        ({"oidc_redirect_url": "https://ledger.example.com/elsewhere"}, "must end"),
        ({"oidc_client_secret": "also one here"}, "not both"),
    ],
)
def test_half_a_provider_configuration_is_refused(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        sso_settings("sqlite:///ledger.db", tmp_path, "https://login.example.com/t/v2.0", **changes)


def test_the_secret_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPLAINTS_LEDGER_OIDC_CLIENT_SECRET", "from the environment")
    settings = sso_settings(
        "sqlite:///ledger.db",
        tmp_path,
        "https://login.example.com/t/v2.0/",
        oidc_client_secret_file=None,
    )
    provider = settings.sign_in_provider
    assert provider is not None
    assert (provider.client_secret, provider.issuer) == (
        "from the environment",
        "https://login.example.com/t/v2.0",
    )
    assert "from the environment" not in repr(settings)


def test_a_pending_sign_in_lasts_ten_minutes_and_its_cookie_cannot_be_forged() -> None:
    pending = PendingSignIn.new(1_000_000.0)
    again = PendingSignIn.from_cookie(pending.cookie, 1_000_000.0 + PENDING_SECONDS)
    assert again is not None
    assert (again.state, again.nonce, again.code_verifier) == (
        pending.state,
        pending.nonce,
        pending.code_verifier,
    )
    assert len({pending.state, pending.nonce, pending.code_verifier}) == 3
    assert PendingSignIn.from_cookie(pending.cookie, 1_000_000.0 + PENDING_SECONDS + 1) is None
    later = PendingSignIn.from_cookie(f"1000100.{pending.secret}", 1_000_200.0)
    assert later is not None
    assert later.state != pending.state  # the time is part of every value made from the secret
    for mangled in (None, "", "now.secret", "1000000.short", pending.secret):
        assert PendingSignIn.from_cookie(mangled, 1_000_000.0) is None
