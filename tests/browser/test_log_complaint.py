"""Log a complaint in Chromium, on each store, by keyboard only (Tab, Space and Enter to move
and choose, the keys of what is typed): from the worklist through every question page, each
sent empty or wrong first and put right from its error summary, Check your answers (with a
Change link), to the confirmation panel and the case. 0 axe violations on each page empty,
in its error state and filled; screenshots for docs/web.md."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from tests.browser.axe import assert_accessible
from tests.browser.conftest import save_screenshot
from tests.browser.test_command_forms import tab_to
from tests.browser.test_sign_in import PASSWORD, new_account
from tests.browser.watch import PageWatch

ERROR_DOCUMENTS = ("status of 422",)  # the browser's note on a page sent back with errors
RECEIVED = datetime.now(UK_TIME_ZONE) - timedelta(days=1)


def loaded(page: Page) -> None:
    page.wait_for_load_state()
    page.wait_for_selector("[data-govuk-skip-link-init]")


def press_on(page: Page, selector: str, key: str = "Enter") -> None:
    """Tab to `selector` and press `key` on it, as a keyboard user would."""
    tab_to(page, selector)
    page.keyboard.press(key)


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.type(text)


def continue_(page: Page) -> None:
    press_on(page, "main form button.govuk-button")
    loaded(page)


def assert_errors(page: Page, axe_source: str, *messages: str) -> None:
    """The page came back with these errors: "Error: " title, the summary focused, axe clean."""
    assert page.title().startswith("Error: ")
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    listed = page.locator(".govuk-error-summary__list a").all_inner_texts()
    assert listed == list(messages)
    assert_accessible(page, axe_source)


def follow_error(page: Page, field_id: str) -> None:
    """Follow the error summary's link to the field: the focus moves to it."""
    press_on(page, f".govuk-error-summary a[href='#{field_id}']")
    assert page.evaluate("() => document.activeElement.id") == field_id


def question(page: Page, title: str, axe_source: str) -> None:
    assert page.locator("h1").inner_text() == title
    assert page.title() == f"{title} - Log a complaint - complaints-ledger"
    assert_accessible(page, axe_source)  # empty


def sent_empty(page: Page, title: str, axe_source: str, *messages: str) -> None:
    """The question page, checked empty, then sent as it is: these errors come back."""
    question(page, title, axe_source)
    continue_(page)
    assert_errors(page, axe_source, *messages)


def sign_in_by_keyboard(page: Page, server_url: str, email: str) -> None:
    page.goto(server_url + "/sign-in")
    loaded(page)
    type_into(page, "#email", email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(server_url + "/worklist")
    loaded(page)


def arrival(page: Page, axe_source: str) -> None:
    sent_empty(
        page,
        "How did it arrive?",
        axe_source,
        "Select whether it is a complaint, a concern or a compliment",
        "Select how it arrived",
        "Enter the date and time it was received",
    )
    press_on(page, "#kind", "Space")  # the first choice: a complaint
    tab_to(page, "#channel")
    page.keyboard.type("Phone")  # a select's own type-ahead
    type_into(page, "#received_at-day", str(RECEIVED.day))
    type_into(page, "#received_at-month", str(RECEIVED.month))
    type_into(page, "#received_at-year", str(RECEIVED.year))
    type_into(page, "#received_at-time", "14:30")
    assert page.locator("#channel").input_value() == "phone"
    assert_accessible(page, axe_source)  # filled
    save_screenshot(page, "log-complaint-question")
    continue_(page)


def complainant(page: Page, axe_source: str) -> None:
    sent_empty(
        page, "Who is complaining?", axe_source, "Enter the full name of the person complaining"
    )
    follow_error(page, "complainant-name")
    page.keyboard.type("Pat Example")
    type_into(page, "#complainant-email", "pat@example.org")
    type_into(page, "#complainant-phone", "01632 960123")
    assert_accessible(page, axe_source)
    continue_(page)


def representative(page: Page, axe_source: str) -> None:
    question(page, "Is someone complaining for them?", axe_source)
    type_into(page, "#representative-relationship", "daughter")
    continue_(page)
    assert_errors(
        page,
        axe_source,
        "Enter the representative's full name",
        "Select why the representative may act for the person complaining",
    )
    assert page.locator("#representative-relationship").input_value() == "daughter"
    follow_error(page, "representative-person-name")
    page.keyboard.type("Sam Example")
    press_on(page, "#representative-consent", "Space")  # consent given
    assert_accessible(page, axe_source)
    continue_(page)


def support(page: Page, axe_source: str) -> None:
    question(page, "What support do they need?", axe_source)
    type_into(page, "#accessibility_needs", "Large print")
    page.keyboard.press("Enter")  # a new line of the textarea: another need
    page.keyboard.type("Phone calls rather than letters")
    type_into(page, "#advocacy", "x" * 201)
    continue_(page)
    assert_errors(page, axe_source, "Advocacy service: String should have at most 200 characters")
    needs = page.locator("#accessibility_needs").input_value()
    assert needs == "Large print\nPhone calls rather than letters"  # kept
    follow_error(page, "advocacy")
    page.keyboard.press("Control+A")
    page.keyboard.type("Northshire Advocacy")
    assert_accessible(page, axe_source)
    continue_(page)


def about(page: Page, axe_source: str) -> None:
    sent_empty(
        page,
        "What is it about?",
        axe_source,
        "Enter the organisation complained about",
        "Enter the service concerned",
        "Enter at least one subject",
        "Enter a summary",
    )
    type_into(page, "#about-organisation", "Brightwater Home Care Ltd")
    type_into(page, "#about-service", "Home care")
    type_into(page, "#subjects", "missed visits")
    type_into(page, "#summary", "Carers missed three visits and nobody rang to say.")
    type_into(page, "#matter_occurred_on-day", "1")
    type_into(page, "#matter_occurred_on-month", "11")
    type_into(page, "#matter_occurred_on-year", "2026")
    assert_accessible(page, axe_source)
    continue_(page)


def procedure(page: Page, axe_source: str) -> None:
    assert page.locator("#internal_target_working_days").input_value() == "20"  # the default
    sent_empty(
        page, "Which complaints procedure applies?", axe_source, "Select the complaints procedure"
    )
    press_on(page, "#regime", "Space")  # the 2009 regulations (England), the first choice
    assert_accessible(page, axe_source)
    continue_(page)


def check_and_change(page: Page, axe_source: str) -> None:
    assert page.locator("h1").inner_text() == "Check your answers before logging the complaint"
    assert_accessible(page, axe_source)
    rows = page.locator(".govuk-summary-list__row").all_inner_texts()
    assert any("Pat Example" in row for row in rows)
    assert any("Large print\nPhone calls rather than letters" in row for row in rows)
    press_on(page, "a[href='/log-complaint/complainant?change=yes']")
    loaded(page)
    assert page.locator("#complainant-name").input_value() == "Pat Example"
    type_into(page, "#complainant-phone", "")  # through the name and email to the phone
    page.keyboard.press("Control+A")
    page.keyboard.type("01632 960999")
    continue_(page)
    assert page.url.endswith("/log-complaint/check")
    assert "01632 960999" in page.locator("main").inner_text()
    save_screenshot(page, "log-complaint-check")


def test_an_officer_logs_a_complaint_by_keyboard_only(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    email = new_account(module_store_url, "log.officer@northshire.example")
    sign_in_by_keyboard(page, server_url, email)
    press_on(page, "main a.app-log-complaint")
    loaded(page)
    assert page.locator("h1").inner_text() == "Log a complaint"
    assert page.locator("a[aria-current='page']").inner_text() == "Log a complaint"
    assert_accessible(page, axe_source)
    press_on(page, "main a.govuk-button--start")
    loaded(page)
    for step in (arrival, complainant, representative, support, about, procedure):
        step(page, axe_source)
        assert "Pat" not in page.url
    check_and_change(page, axe_source)

    press_on(page, "main form[action='/log-complaint/check'] button")
    page.wait_for_url("**/log-complaint/confirmation")
    loaded(page)
    assert page.title() == "Complaint logged - complaints-ledger"
    panel = page.locator(".govuk-panel").inner_text()
    assert panel.startswith("Complaint logged\nCase reference")
    deadlines = page.locator(".app-first-deadlines li").all_inner_texts()
    assert deadlines[0].startswith("Acknowledgement by ")
    assert "SI 2009/309 reg 13(2)" in deadlines[0]
    assert_accessible(page, axe_source)
    save_screenshot(page, "log-complaint-confirmation")

    reference = page.locator(".govuk-panel .app-reference").inner_text()
    press_on(page, "main p.govuk-body a[href^='/cases/']")
    loaded(page)
    assert reference in page.url
    assert "Pat Example" in page.locator("main").inner_text()
    assert "01632 960999" in page.locator("main").inner_text()
    watch.assert_clean(expected_console=ERROR_DOCUMENTS)
