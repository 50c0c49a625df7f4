"""The learning register, "You said, we did" and the annual report in Chromium, on each store:
lessons with their actions' tags, filtering by keyboard, the error summaries (focused, titles
starting "Error: "), the report with its downloads and its print view (the print stylesheet
hides what only works on screen), and the forms with JavaScript off. 0 axe violations in every
state; docs/screenshots/learning-register.png and annual-report.png."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Page, Playwright

from complaints_ledger.domain.values import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.test_worklist import tab_to
from tests.browser.watch import PageWatch
from tests.learning_cases import days_ago, reporting_year_label, tell_learning_story
from tests.worklist_cases import COUNCIL

LESSONS = ".app-lesson"
THIS_YEAR = reporting_year_label(days_ago(0))
BAD_REQUEST = ("400 (Bad Request)",)


@pytest.fixture(scope="module")
def lessons(module_store_url: str, server_url: str) -> dict[str, UUID]:
    return tell_learning_story(module_store_url)


def signed_in(page: Page, server_url: str, store_url: str, role: Role) -> None:
    email = new_account(store_url, f"{role}-{secrets.token_hex(4)}@northshire.example", role=role)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_selector("[data-govuk-skip-link-init]")


def shown(page: Page) -> list[str]:
    cards = page.locator(LESSONS)
    return [cards.nth(i).get_attribute("data-lesson") or "" for i in range(cards.count())]


def lesson_ids(lessons: dict[str, UUID], *names: str) -> list[str]:
    return [f"{lessons[name]}/L-{name}" for name in names]


def test_the_register_shows_lessons_with_their_actions_and_filters_by_keyboard(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    lessons: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in(page, server_url, module_store_url, Role.OFFICER)
    page.locator(".govuk-service-navigation__link", has_text="Learning register").click()
    page.wait_for_url(server_url + "/learning")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.title() == "Learning register - complaints-ledger"
    assert shown(page) == lesson_ids(lessons, "fees", "letters")
    letters = page.locator(f"[data-lesson='{lessons['letters']}/L-letters']")
    assert letters.locator("h2").inner_text() == "Communication"
    tags = letters.locator(".app-action-tag")
    assert [tags.nth(i).inner_text() for i in range(tags.count())] == ["Completed", "Overdue"]
    link = letters.locator(".govuk-summary-card__actions a")
    assert link.get_attribute("href") == f"/cases/{lessons['letters']}"
    assert_accessible(page, axe_source)
    save_screenshot(page, "learning-register")

    tab_to(page, "status")
    page.keyboard.type("Overdue")  # a closed select's own type-ahead
    assert page.locator("#status").input_value() == "overdue"
    tab_to(page, "period")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Apply filters"
    page.keyboard.press("Enter")
    page.wait_for_url("**/learning?status=overdue")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert shown(page) == lesson_ids(lessons, "letters")
    assert page.locator(".app-action-tag").all_inner_texts() == ["Overdue"]
    assert "Actions: Overdue" in page.locator(".app-filter__selected").inner_text()
    assert_accessible(page, axe_source)
    watch.assert_clean()


def test_a_bad_filter_shows_the_error_summary_focused(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    lessons: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in(page, server_url, module_store_url, Role.ANALYST)
    open_page(page, server_url + "/learning?theme=Parking", status=400)
    assert page.title() == "Error: Learning register - complaints-ledger"
    assert page.evaluate("() => document.activeElement.className").startswith("govuk-error-summary")
    assert len(shown(page)) == 3  # every organisation's lessons, the bad filter left out
    assert_accessible(page, axe_source)
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("() => document.activeElement.id") == "theme"
    watch.assert_clean(expected_console=BAD_REQUEST)


def test_you_said_we_did_and_its_error_state(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    lessons: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in(page, server_url, module_store_url, Role.MANAGER)
    open_page(page, server_url + "/learning/you-said-we-did")
    entries = page.locator(".app-feed-entry")
    assert entries.count() == 2  # the shared lessons; `fees` was not shared
    assert "We did" in entries.first.inner_text()
    assert_accessible(page, axe_source)
    page.select_option("#organisation", COUNCIL)
    page.click("button:has-text('Show')")
    page.wait_for_url("**/you-said-we-did?organisation=*")
    assert page.locator(".app-feed-entry").count() == 1
    open_page(page, server_url + "/learning/you-said-we-did?organisation=Elsewhere", status=400)
    assert page.title() == "Error: You said, we did - complaints-ledger"
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=BAD_REQUEST)


def test_the_annual_report_its_downloads_and_its_print_view(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    lessons: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in(page, server_url, module_store_url, Role.MANAGER)
    page.locator(".govuk-service-navigation__link", has_text="Annual report").click()
    page.wait_for_selector("#year")
    assert_accessible(page, axe_source)
    page.fill("#year", THIS_YEAR)
    page.click("button:has-text('Show the report')")
    page.wait_for_url("**/reports/annual?*")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.title() == f"Annual report {THIS_YEAR}: {COUNCIL} - complaints-ledger"
    received = page.locator("tr", has=page.locator("th", has_text="Complaints received"))
    assert received.locator("td").inner_text() == "1"
    assert_accessible(page, axe_source)
    save_screenshot(page, "annual-report")

    page.click("a:has-text('Print this report')")
    page.wait_for_url("**/reports/annual/print?*")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.locator("[data-app-print]").is_visible()  # JavaScript can print
    assert not page.locator(".app-print-hint").is_visible()
    assert_accessible(page, axe_source)
    page.emulate_media(media="print")
    for screen_only in (".govuk-service-navigation", ".app-signed-in", ".govuk-footer", "button"):
        assert not page.locator(screen_only).first.is_visible(), screen_only
    assert page.locator("h1").is_visible()
    assert page.locator(".app-report-table").first.is_visible()
    page.emulate_media(media="screen")
    watch.assert_clean()

    page.go_back()
    with page.expect_download() as download:  # last: a download may count as a failed request
        page.click("a:has-text('Download as CSV')")
    assert download.value.suggested_filename == (
        f"annual-report-northshire-county-council-{THIS_YEAR}.csv"
    )


def test_a_bad_year_is_an_error_summary(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    lessons: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in(page, server_url, module_store_url, Role.ANALYST)
    open_page(page, server_url + "/reports/annual")
    page.select_option("#organisation", COUNCIL)
    page.fill("#year", "soon")
    page.click("button:has-text('Show the report')")
    page.wait_for_selector(".govuk-error-summary")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.title() == "Error: Annual report - complaints-ledger"
    assert page.evaluate("() => document.activeElement.className").startswith("govuk-error-summary")
    assert page.locator("#year").input_value() == "soon"
    assert page.locator("#organisation").input_value() == COUNCIL
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=BAD_REQUEST)


@pytest.fixture
def no_script_page(playwright: Playwright, chromium: Path, tmp_path: Path) -> Iterator[Page]:
    context = launch(playwright, chromium, tmp_path / "profile", java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_filters_report_form_and_print_view_work_without_javascript(
    no_script_page: Page, *, server_url: str, module_store_url: str, lessons: dict[str, UUID]
) -> None:
    page = no_script_page
    email = new_account(module_store_url, f"m-{secrets.token_hex(4)}@n.example", role=Role.MANAGER)
    page.goto(server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.goto(server_url + "/learning")
    page.select_option("#theme", "Charging")
    page.click("button:has-text('Apply filters')")
    page.wait_for_url("**/learning?theme=Charging")
    assert shown(page) == lesson_ids(lessons, "fees")
    page.goto(server_url + "/reports/annual")
    page.fill("#year", THIS_YEAR)
    page.click("button:has-text('Show the report')")
    page.wait_for_url("**/reports/annual?*")
    page.click("a:has-text('Print this report')")
    page.wait_for_url("**/reports/annual/print?*")
    assert page.locator(".app-print-hint").is_visible()  # how to print without the button
    assert not page.locator("[data-app-print]").is_visible()
