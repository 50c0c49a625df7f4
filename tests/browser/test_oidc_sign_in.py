"""Single sign-on in Chromium, on each store: the real server (`complaints-ledger serve`)
configured for the tests' own OpenID Connect provider (tests/oidc_provider.py, serving on
another loopback port). "Sign in with ..." goes to the provider and back, signed in, to the
worklist; an account the ledger does not have gets the "You could not be signed in" page. Both
pages with 0 axe violations."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.test_sign_in import COUNCIL, new_account
from tests.browser.watch import PageWatch
from tests.local_servers import free_port, serving
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, LocalProvider, running_provider

PROVIDER_NAME = "Northshire sign-in"


@pytest.fixture(scope="module")
def app_port(module_store_url: str) -> int:
    """The server's port, chosen first: the provider must know its callback address."""
    return free_port()


@pytest.fixture(scope="module")
def provider(app_port: int) -> Iterator[LocalProvider]:
    with running_provider(f"http://127.0.0.1:{app_port}/sign-in/sso/callback", "") as running:
        yield running


@pytest.fixture(scope="module")
def sso_server(
    module_store_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    provider: LocalProvider,
    app_port: int,
) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("sso-server")
    secret = folder / "oidc-client-secret"
    secret.write_text(CLIENT_SECRET)
    settings = {
        "COMPLAINTS_LEDGER_OIDC_ISSUER": provider.issuer,
        "COMPLAINTS_LEDGER_OIDC_CLIENT_ID": CLIENT_ID,
        "COMPLAINTS_LEDGER_OIDC_CLIENT_SECRET_FILE": str(secret),
        "COMPLAINTS_LEDGER_OIDC_REDIRECT_URL": provider.redirect_uri,
        "COMPLAINTS_LEDGER_OIDC_PROVIDER_NAME": PROVIDER_NAME,
    }
    with serving(module_store_url, folder, port=app_port, settings=settings) as (base, _):
        yield base


def click_sign_in_with_the_provider(
    page: Page, sso_server: str, axe_source: str, lands_on: str | re.Pattern[str]
) -> None:
    """From the sign-in page (checked with axe), through the provider, to `lands_on`."""
    open_page(page, sso_server + "/sign-in")
    button = page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")
    assert button.get_attribute("href") == "/sign-in/sso"
    assert_accessible(page, axe_source)
    button.click()
    page.wait_for_url(lands_on)
    page.wait_for_selector("[data-govuk-skip-link-init]")


@pytest.fixture
def officer(module_store_url: str, provider: LocalProvider) -> str:
    """A new officer's account, the person the provider signs in."""
    email = new_account(module_store_url, f"officer-{secrets.token_hex(4)}@northshire.example")
    provider.user_email = email
    return email


def test_signing_in_with_the_provider_lands_on_the_worklist(
    page: Page, watch: PageWatch, sso_server: str, officer: str, axe_source: str
) -> None:
    open_page(page, sso_server + "/sign-in")
    save_screenshot(page, "sign-in-with-single-sign-on")
    click_sign_in_with_the_provider(page, sso_server, axe_source, sso_server + "/worklist")
    assert page.title() == "Worklist - complaints-ledger"
    signed_in = page.locator(".app-signed-in").inner_text()
    assert officer in signed_in
    assert f"officer, {COUNCIL}" in " ".join(signed_in.split())
    watch.assert_clean()


def test_an_account_the_ledger_does_not_have_gets_the_error_page(
    page: Page, watch: PageWatch, sso_server: str, provider: LocalProvider, axe_source: str
) -> None:
    provider.user_email = "not.on.the.ledger@northshire.example"
    callback = re.compile(re.escape(sso_server + "/sign-in/sso/callback?") + ".*")
    click_sign_in_with_the_provider(page, sso_server, axe_source, callback)
    assert page.title() == "You could not be signed in - complaints-ledger"
    assert "not.on.the.ledger@northshire.example" in page.locator("main").inner_text()
    assert_accessible(page, axe_source)
    save_screenshot(page, "single-sign-on-refused")
    page.get_by_role("link", name="Go to the sign-in page").click()
    page.wait_for_url(sso_server + "/sign-in")
    watch.assert_clean(expected_console=("403 (Forbidden)",))
