"""The admin pages in Chromium, on each store: an administrator signs in and lands on them;
each page (organisations, users and roles, API tokens, keys, projections), a form's error state,
a secret shown once and a rebuild's progress and result, with 0 axe violations in every state;
the rebuild page updates itself (app/refresh.js) and works with JavaScript off (its Refresh
button). The screenshot of the Projections page is docs/screenshots/admin-projections.png."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from playwright.sync_api import Page, Playwright

from complaints_ledger.domain.values import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch

COUNCIL = "Northshire County Council"
REBUILD_SECONDS = 30_000  # ms: at most, for a rebuild of the few events here


def signed_in_admin(page: Page, server_url: str, store_url: str) -> None:
    email = new_account(
        store_url, f"admin-{secrets.token_hex(4)}@northshire.example", role=Role.ADMIN
    )
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_url(server_url + "/admin")
    page.wait_for_selector("[data-govuk-skip-link-init]")


def send(page: Page, button: str) -> None:
    page.click(f"button:has-text('{button}')")
    page.wait_for_load_state()
    page.wait_for_selector("[data-govuk-skip-link-init]")


def assert_error_state(page: Page, axe_source: str, *fields: str) -> None:
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    for field in fields:
        assert summary.locator(f"a[href='#{field}']").count() == 1, field
        assert page.locator(f"#{field}-error").is_visible(), field
    assert_accessible(page, axe_source)


def test_organisations_users_and_tokens_in_every_state(
    page: Page, watch: PageWatch, *, server_url: str, module_store_url: str, axe_source: str
) -> None:
    signed_in_admin(page, server_url, module_store_url)
    assert page.title() == "Admin - Admin - complaints-ledger"
    assert_accessible(page, axe_source)

    open_page(page, server_url + "/admin/organisations")
    assert_accessible(page, axe_source)
    send(page, "Add organisation")
    assert_error_state(page, axe_source, "name", "kind")
    page.fill("#name", COUNCIL)
    page.check("#kind")  # the first kind: council
    send(page, "Add organisation")
    assert f"Registered {COUNCIL}" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator(f"tr[data-organisation='{COUNCIL}']").count() == 1
    assert_accessible(page, axe_source)

    open_page(page, server_url + "/admin/users")
    assert_accessible(page, axe_source)
    page.select_option("#org", COUNCIL)
    send(page, "Add user")
    assert_error_state(page, axe_source, "email", "role")
    page.fill("#email", "new.officer@northshire.example")
    page.select_option("#role", "officer")
    send(page, "Add user")
    assert re.fullmatch(r"[\w-]{20,}", page.locator("#password").inner_text())
    assert_accessible(page, axe_source)

    open_page(page, server_url + "/admin/tokens")
    assert_accessible(page, axe_source)
    page.fill("#principal", "case-sync")
    page.select_option("#org", COUNCIL)
    page.select_option("#role", "officer")
    page.fill("#days", "0")
    send(page, "Issue token")
    assert_error_state(page, axe_source, "days")
    page.fill("#days", "30")
    send(page, "Issue token")
    assert page.locator("#token").inner_text().startswith("cl_")
    assert_accessible(page, axe_source)
    open_page(page, server_url + "/admin/tokens")
    send(page, "Revoke")
    assert "Revoked token" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page, axe_source)
    # The error states are 422 documents, which Chromium notes in its console.
    watch.assert_clean(expected_console=("422 (Unprocessable Entity)",))


def test_keys_and_projections_with_a_rebuild_that_shows_its_progress(
    page: Page, watch: PageWatch, *, server_url: str, module_store_url: str, axe_source: str
) -> None:
    signed_in_admin(page, server_url, module_store_url)
    open_page(page, server_url + "/admin/keys")
    assert page.locator("h1").inner_text() == "Keys"
    assert_accessible(page, axe_source)

    open_page(page, server_url + "/admin/projections")
    worklist = page.locator("tr[data-projection='worklist']")
    assert worklist.count() == 1
    assert_accessible(page, axe_source)
    worklist.locator("button:has-text('Rebuild')").click()
    page.wait_for_url(re.compile(r".*/admin/projections/rebuilds/[0-9a-f]{16}$"))
    # app/refresh.js reloads the page while the rebuild runs, until it shows the result
    page.wait_for_selector("text=Rebuilt worklist", timeout=REBUILD_SECONDS)
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.locator(".govuk-tag--green").inner_text() == "Finished"
    assert_accessible(page, axe_source)
    open_page(page, server_url + "/admin/projections")
    assert page.locator("tr[data-projection='worklist'] .govuk-tag").inner_text() == "Current"
    assert_accessible(page, axe_source)
    save_screenshot(page, "admin-projections")
    watch.assert_clean()


def test_the_rebuild_page_works_without_javascript(
    playwright: Playwright,
    chromium: Path,
    tmp_path: Path,
    *,
    server_url: str,
    module_store_url: str,
) -> None:
    context = launch(playwright, chromium, tmp_path / "no-js", java_script_enabled=False)
    try:
        page = context.new_page()
        email = new_account(module_store_url, "no-js.admin@northshire.example", role=Role.ADMIN)
        page.goto(server_url + "/sign-in")
        sign_in(page, email, PASSWORD)
        page.goto(server_url + "/admin/projections")
        page.locator("tr[data-projection='timeliness'] button").click()
        page.wait_for_load_state()
        for _ in range(REBUILD_SECONDS // 500):
            if page.locator("text=Rebuilt timeliness").count():
                break
            page.wait_for_timeout(500)
            page.click("button:has-text('Refresh')")  # no script: the button reloads it
            page.wait_for_load_state()
        assert page.locator(".govuk-panel__title").inner_text() == "Rebuilt timeliness"
    finally:
        context.close()
