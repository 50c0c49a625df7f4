"""Signing in and out in Chromium, on each store: the sign-in form with GOV.UK's error summary
(focused, linked to each field, the title starting "Error: "), a wrong password and a lock after
repeated ones, a session cookie that scripts cannot read, and signing out that ends the session
for good. Keyboard only, and with 0 axe violations in every state."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import BrowserContext, Page

from complaints_ledger.access.users import UserStore
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import parse_store_url
from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.watch import PageWatch

COUNCIL = "Northshire County Council"
PASSWORD = "seven lemons under the stairs"  # noqa: S105 - a test account's


def new_account(
    store_url: str, email: str, *, organisation: str = COUNCIL, role: Role = Role.OFFICER
) -> str:
    users = UserStore(parse_store_url(store_url))
    try:
        users.add(email=email, organisation=organisation, role=role, password=PASSWORD)
    finally:
        users.close()
    return email


@pytest.fixture
def account(module_store_url: str) -> str:
    """A fresh officer's account (its email), so each test's failures are its own."""
    return new_account(module_store_url, f"officer-{secrets.token_hex(4)}@northshire.example")


def sign_in(page: Page, email: str, password: str) -> None:
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


def test_the_sign_in_form_shows_every_error_and_focuses_the_summary(
    page: Page, watch: PageWatch, server_url: str, axe_source: str
) -> None:
    open_page(page, server_url + "/sign-in")
    assert page.title() == "Sign in - complaints-ledger"
    assert_accessible(page, axe_source)
    save_screenshot(page, "sign-in-page")
    page.click("button:has-text('Sign in')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title() == "Error: Sign in - complaints-ledger"
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("() => document.activeElement.className").startswith("govuk-error-summary")
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#email",
        "#password",
    ]
    assert page.locator("#email-error").inner_text().endswith("Enter your email address")
    assert page.locator("#password-error").inner_text().endswith("Enter your password")
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=("400 (Bad Request)",))


def test_a_wrong_password_is_refused_and_the_email_kept(
    page: Page, server_url: str, account: str, axe_source: str
) -> None:
    open_page(page, server_url + "/sign-in")
    sign_in(page, account, "not the password at all")
    assert page.title().startswith("Error: ")
    assert page.locator("#email").input_value() == account
    assert page.locator("#password").input_value() == ""  # never sent back
    assert "password of your account" in page.locator("#email-error").inner_text()
    assert_accessible(page, axe_source)


def test_five_wrong_passwords_lock_the_account_for_a_while(
    page: Page, server_url: str, account: str
) -> None:
    open_page(page, server_url + "/sign-in")
    for _ in range(5):
        sign_in(page, account, "not the password at all")
    sign_in(page, account, PASSWORD)  # the right one, while it is locked
    assert "too many wrong passwords" in page.locator("#email-error").inner_text()
    assert page.locator(".app-signed-in").count() == 0


def test_signing_in_and_out_by_keyboard(
    page: Page, browser: BrowserContext, server_url: str, module_store_url: str, axe_source: str
) -> None:
    account = new_account(module_store_url, "jo.khan@northshire.example")  # as the screenshot shows
    open_page(page, server_url + "/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the service name
    while page.evaluate("() => document.activeElement.textContent.trim()") != "Sign in":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    page.locator("#email").focus()
    page.keyboard.type(account)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/worklist")  # an officer's home page
    assert page.locator("h1").inner_text() == "Worklist"
    open_page(page, server_url + "/")
    signed_in = page.locator(".app-signed-in")
    assert account in signed_in.inner_text()
    assert "officer" in signed_in.inner_text()
    (cookie,) = [c for c in browser.cookies() if c["name"] == "cl_session"]
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert page.evaluate("() => document.cookie").find("cl_session") == -1
    assert_accessible(page, axe_source)
    save_screenshot(page, "signed-in-start-page")

    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/signed-out")
    assert page.locator("h1").inner_text() == "You have signed out"
    assert_accessible(page, axe_source)
    browser.add_cookies([cookie])  # the old cookie again: its session has ended
    page.goto(server_url + "/")
    assert page.locator(".app-signed-in").count() == 0
    assert page.locator("a:has-text('Sign in')").count() == 1
