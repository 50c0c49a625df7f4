"""The Letters screen in Chromium, on each store: an officer writes an acknowledgement from the
case page (choose, with the no-choice error; edit the prefilled text; preview; print; send),
then checks the letter sent and a changed one; a manager changes the organisation's template
(through an error); with JavaScript off a letter is still written and sent. 0 axe violations
in every state; the print page prints only the letter."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, Playwright

from complaints_ledger.domain.values import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.test_command_forms import banner, received_case, signed_in_on_case
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch

ERROR_DOCUMENTS = ("status of 400", "status of 422")  # the browser's note on an error page
ADDED = "We will ring you on Monday morning to talk about how we will handle it."


def wait(page: Page) -> None:
    page.wait_for_selector("[data-govuk-skip-link-init]")


def choose_the_acknowledgement(page: Page, axe_source: str) -> None:
    page.click(".app-commands a:text-is('Write a letter')")
    wait(page)
    assert page.title() == "Which letter do you want to write? - complaints-ledger"
    assert_accessible(page, axe_source)
    page.click("button:text-is('Continue')")  # nothing chosen
    page.wait_for_selector(".govuk-error-summary")
    assert page.title().startswith("Error: Which letter")
    assert_accessible(page, axe_source)
    page.check("#kind")  # the acknowledgement
    page.click("button:text-is('Continue')")
    wait(page)
    assert page.locator("h1").inner_text() == "Acknowledgement letter"
    letter = page.locator("#text")
    assert "Dear Pat Example," in letter.input_value()
    assert "Local Government and Social Care Ombudsman" in letter.input_value()
    assert_accessible(page, axe_source)


def write_preview_and_print(page: Page, axe_source: str) -> str:
    """Edit the prefilled letter (through an error), preview and print it; the text written."""
    letter = page.locator("#text")
    written = letter.input_value().replace("Yours sincerely", ADDED + "\n\nYours sincerely")
    letter.fill("")
    page.click("button:text-is('Preview')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title() == "Error: Acknowledgement letter - complaints-ledger"
    assert "Enter the letter" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, axe_source)

    page.fill("#text", written)
    page.click("button:text-is('Preview')")
    wait(page)
    assert ADDED in page.locator(".app-letter").inner_text()
    assert_accessible(page, axe_source)
    save_screenshot(page, "letter")

    writing = page.url
    page.click("button:text-is('Print')")
    wait(page)
    assert page.title() == "Print: Acknowledgement letter - complaints-ledger"
    assert_accessible(page, axe_source)
    page.emulate_media(media="print")
    assert page.locator(".app-letter--print").is_visible()
    for hidden in (".govuk-template__header", ".govuk-footer", ".app-signed-in", ".app-no-print"):
        assert not page.locator(hidden).first.is_visible(), hidden
    page.emulate_media(media="screen")

    open_page(page, writing)  # a fresh form (going back would resend the print request)
    page.fill("#text", written)
    return written


def test_an_officer_writes_previews_prints_sends_and_checks_a_letter(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    signed_in_on_case(page, server_url, module_store_url, "letters.officer@northshire.example")
    choose_the_acknowledgement(page, axe_source)
    written = write_preview_and_print(page, axe_source)
    page.click("button:text-is('Send letter')")
    page.wait_for_selector(".govuk-notification-banner")
    assert banner(page) == "Letter sent"
    assert page.locator(".app-timeline__title").first.inner_text() == "Letter sent"
    assert_accessible(page, axe_source)

    check_letters(page, axe_source, written)
    watch.assert_clean(expected_console=ERROR_DOCUMENTS)


def check_letters(page: Page, axe_source: str, written: str) -> None:
    page.click(".app-commands a:text-is('Write a letter')")
    wait(page)
    page.click("a:text-is('Check a letter against those sent')")
    wait(page)
    assert_accessible(page, axe_source)
    page.fill("#text", written)
    page.click("button:text-is('Check the letter')")
    wait(page)
    assert page.locator(".govuk-panel__title").inner_text() == "This letter was sent"
    assert_accessible(page, axe_source)
    page.fill("#text", written.replace("Monday", "Tuesday"))
    page.click("button:text-is('Check the letter')")
    wait(page)
    assert "does not match" in page.locator(".govuk-warning-text").inner_text()
    assert_accessible(page, axe_source)
    page.fill("#text", "")
    page.click("button:text-is('Check the letter')")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title() == "Error: Check a letter - complaints-ledger"
    assert_accessible(page, axe_source)


def test_a_manager_changes_the_acknowledgement_template(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    received_case(module_store_url)
    email = new_account(module_store_url, "letters.manager@northshire.example", role=Role.MANAGER)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.click(".govuk-service-navigation a:text-is('Letter templates')")
    wait(page)
    assert page.title() == "Letter templates - complaints-ledger"
    assert_accessible(page, axe_source)
    page.click("a[href='/letter-templates/acknowledgement']")
    wait(page)
    assert_accessible(page, axe_source)
    body = page.locator("#body").input_value()
    page.fill("#body", body + "\n{{ complainant.nmae }}\n")
    page.click("button:text-is('Save the template')")
    page.wait_for_selector(".govuk-error-summary")
    assert "letters do not have: nmae" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page, axe_source)
    page.fill("#body", body.replace("Yours sincerely", "With best wishes"))
    page.click("button:text-is('Save the template')")
    page.wait_for_selector(".govuk-notification-banner")
    assert banner(page) == "Acknowledgement template saved"
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=ERROR_DOCUMENTS)


def test_a_letter_is_written_and_sent_without_javascript(
    playwright: Playwright,
    chromium: Path,
    tmp_path: Path,
    *,
    server_url: str,
    module_store_url: str,
) -> None:
    context = launch(playwright, chromium, tmp_path / "profile", java_script_enabled=False)
    try:
        page = context.new_page()
        case_id = received_case(module_store_url)
        email = new_account(module_store_url, "letters.nojs@northshire.example")
        page.goto(server_url + "/sign-in")
        sign_in(page, email, PASSWORD)
        page.goto(f"{server_url}/cases/{case_id}/letters")
        page.check("#kind-3")  # the response
        page.click("button:text-is('Continue')")
        page.wait_for_url(f"**/cases/{case_id}/letters/response")
        assert "Your right to go to the ombudsman" in page.locator("#text").input_value()
        page.click("button:text-is('Send letter')")
        page.wait_for_url(f"**/cases/{case_id}?recorded=2")
        assert page.locator(".govuk-notification-banner__heading").inner_text() == "Letter sent"
    finally:
        context.close()
