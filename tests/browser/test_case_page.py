"""The case page in Chromium, on each store: the summary, the deadlines with how each date was
worked out (GOV.UK details, opened by keyboard), and the timeline, with 0 axe violations; it
never shows another organisation's case."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch
from tests.case_stories import logged_case

COUNCIL = "Northshire County Council"


def test_an_officer_reads_the_case_page(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    case_id = logged_case(module_store_url)
    email = new_account(module_store_url, "case.reader@northshire.example")
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    open_page(page, f"{server_url}/cases/{case_id}")
    assert page.title() == f"Complaint {str(case_id)[:8]} - complaints-ledger"
    assert "Pat Example" in page.locator(".govuk-summary-list").first.inner_text()
    assert page.locator(".app-timeline__title").all_inner_texts() == ["Acknowledged", "Received"]
    assert_accessible(page, axe_source)
    summary = page.locator("summary:has-text('How the acknowledgement date was worked out')")
    summary.focus()
    page.keyboard.press("Enter")
    explanation = page.locator("details[open] .govuk-details__text").first.inner_text()
    assert "SI 2009/309 reg 13(2)" in explanation
    assert_accessible(page, axe_source)
    save_screenshot(page, "case-page")
    watch.assert_clean()


def test_the_case_as_it_was_recorded_then_by_keyboard(
    page: Page, server_url: str, module_store_url: str, axe_source: str
) -> None:
    case_id = logged_case(module_store_url)  # received 10:30 BST Mon 1 Jun, acknowledged next day
    email = new_account(module_store_url, "time.traveller@northshire.example")
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    open_page(page, f"{server_url}/cases/{case_id}")
    page.locator("#as_of-day").focus()
    for value in ("1", "6", "2026"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.keyboard.type("10:45")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner")
    assert (
        "as it was recorded at Mon 1 Jun 2026, 10:45 BST"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    assert page.locator(".app-timeline__title").all_inner_texts() == ["Received"]
    assert page.locator("h2:has-text('Actions')").count() == 0
    assert_accessible(page, axe_source)
    page.fill("#as_of-year", "2099")
    page.click("button:has-text('Show the case as recorded then')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert_accessible(page, axe_source)


def test_another_organisations_case_is_not_found(
    page: Page, server_url: str, module_store_url: str
) -> None:
    theirs = logged_case(module_store_url, "Riverside City Council")
    email = new_account(module_store_url, "nosy.reader@northshire.example")
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    open_page(page, f"{server_url}/cases/{theirs}", status=404)
    assert page.locator("h1").inner_text() == "Page not found"
    assert "Pat Example" not in page.content()
