"""The command buttons and forms in Chromium, on each store: an officer acknowledges a complaint,
starts the investigation (by keyboard only, through an error and the error summary) and sends
the response, each through its form and back to the case with a success banner; a form made
before someone else changed the case gets the conflict message. 0 axe violations in the form,
error, conflict and success states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from playwright.sync_api import Page

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor, Person
from complaints_ledger.settings import Settings
from tests import builders
from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch

COUNCIL = "Northshire County Council"
ERROR_DOCUMENTS = ("status of 409", "status of 422")  # the browser's note on an error page
TABS = 80  # more than any form here has stops


def received_case(store_url: str) -> UUID:
    ledger = ComplaintsLedger(Settings(store=store_url))
    try:
        intake = builders.intake(
            receiving_organisation=COUNCIL,
            about_organisation=COUNCIL,
            complainant=Person("Pat Example", email="pat@example.org"),
            summary="Carers arrived late four times and nobody rang to say.",
        )
        officer = Actor("rachel.okafor", COUNCIL)
        received = CommandContext(officer, occurred_at=datetime.now(UTC) - timedelta(days=2))
        case_id: UUID = ledger.receive(intake, received)
        return case_id
    finally:
        ledger.close()


def acknowledged_elsewhere(store_url: str, case_id: UUID) -> None:
    """Another officer acknowledges the case meanwhile, outside the browser."""
    ledger = ComplaintsLedger(Settings(store=store_url))
    try:
        ledger.acknowledge(case_id, CommandContext(Actor("sam.lee", COUNCIL)))
    finally:
        ledger.close()


def signed_in_on_case(page: Page, server_url: str, store_url: str, email: str) -> UUID:
    case_id = received_case(store_url)
    open_page(page, server_url + "/sign-in")
    sign_in(page, new_account(store_url, email), PASSWORD)
    open_page(page, f"{server_url}/cases/{case_id}")
    return case_id


def open_form(page: Page, label: str) -> None:
    page.click(f".app-commands a:text-is('{label}')")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.locator("h1").inner_text() == label


def submit(page: Page, label: str) -> None:
    page.click(f"form button:text-is('{label}')")
    page.wait_for_selector("[data-govuk-skip-link-init]")


def banner(page: Page) -> str:
    return page.locator(".govuk-notification-banner__heading").inner_text()


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never took the focus")


def test_an_officer_acknowledges_investigates_and_responds_through_the_forms(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    signed_in_on_case(page, server_url, module_store_url, "forms.officer@northshire.example")
    assert_accessible(page, axe_source)
    open_form(page, "Acknowledge")
    assert page.title() == "Acknowledge - complaints-ledger"
    assert page.locator("#discussion_offered").is_checked()  # the body's default
    assert_accessible(page, axe_source)
    submit(page, "Acknowledge")
    assert banner(page) == "Acknowledged"
    assert page.locator(".app-timeline__title").first.inner_text() == "Acknowledged"
    assert_accessible(page, axe_source)

    # Start investigation by keyboard only: open it, send it empty, follow the error summary.
    tab_to(page, ".app-commands a[href$='/do/start-investigation']")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    tab_to(page, "#investigator")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-error-summary")
    assert page.title() == "Error: Start investigation - complaints-ledger"
    focused = page.evaluate("() => document.activeElement.className")
    assert focused.startswith("govuk-error-summary")
    assert_accessible(page, axe_source)
    tab_to(page, ".govuk-error-summary a[href='#investigator']")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "investigator"
    page.keyboard.type("Sam Lee")
    page.keyboard.press("Enter")
    page.wait_for_selector(".govuk-notification-banner")
    assert banner(page) == "Investigation started"

    open_form(page, "Send response")
    page.check("#outcome-2")  # partly upheld
    page.check("#remedies")  # apology
    page.fill("#signed_by", "Dana Whitfield, Head of Adult Social Care")
    page.check("#ombudsman_rights_given")
    page.fill("#summary", "We looked at the visit logs: two visits were late. We apologise.")
    assert_accessible(page, axe_source)
    save_screenshot(page, "command-form")
    submit(page, "Send response")
    assert banner(page) == "Response sent"
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=ERROR_DOCUMENTS)


def test_a_form_opened_before_someone_else_changed_the_case_says_so(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    case_id = signed_in_on_case(
        page, server_url, module_store_url, "stale.officer@northshire.example"
    )
    open_form(page, "Acknowledge")
    acknowledged_elsewhere(module_store_url, case_id)
    submit(page, "Acknowledge")
    assert page.title() == "Error: Acknowledge - complaints-ledger"
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Someone else changed this case since you opened this form" in summary
    assert_accessible(page, axe_source)
    page.click("a:text-is('Check the case')")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    titles = page.locator(".app-timeline__title").all_inner_texts()
    assert titles == ["Acknowledged", "Received"]  # the other officer's, and only that
    watch.assert_clean(expected_console=ERROR_DOCUMENTS)
