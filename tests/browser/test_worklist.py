"""The worklist in Chromium, on each store: an officer signs in and lands on it; the table of
their organisation's open cases with red "Overdue" tags; filtering to overdue cases with the
keyboard only; a bad filter's error summary (focused, the title starting "Error: "); the empty
worklist; the filters with JavaScript off; a manager assigning an unassigned case from it. 0 axe
violations in every state."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Page, Playwright

from complaints_ledger.domain.values import RegimeId, Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch
from tests.worklist_cases import PROVIDER, WorklistCases

MAX_TAB_STOPS = 40
ROWS = "tbody tr[data-case-id]"


@pytest.fixture(scope="module")
def cases(module_store_url: str, server_url: str) -> Iterator[dict[str, UUID]]:
    """The council's open cases (one of them the provider's, never shown to the council):
    `old` and `unacknowledged` overdue, `assigned` to p.jones, `fresh` received today."""
    story = WorklistCases(module_store_url)
    try:
        story.receive("old", days_ago=300)
        story.acknowledge("old")
        story.receive("unacknowledged", days_ago=30, service="charging")
        story.receive("elsewhere", days_ago=25, organisation=PROVIDER)
        story.receive("assigned", days_ago=20, regime=RegimeId.LGSCO_CODE)
        story.investigate("assigned", "p.jones")
        story.receive("fresh", days_ago=0, service="residential care")
        yield dict(story.cases)
    finally:
        story.close()


def signed_in_officer(page: Page, server_url: str, store_url: str, email: str) -> None:
    """A new officer's account, signed in through the form: the worklist is where it lands."""
    new_account(store_url, email)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_url(server_url + "/worklist")
    page.wait_for_selector("[data-govuk-skip-link-init]")


def shown(page: Page) -> list[str]:
    rows = page.locator(ROWS)
    return [rows.nth(i).get_attribute("data-case-id") or "" for i in range(rows.count())]


def tab_to(page: Page, element_id: str) -> None:
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} is not reached by the keyboard")


def test_the_worklist_shows_the_open_cases_and_filters_by_keyboard(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in_officer(page, server_url, module_store_url, "jo.khan@northshire.example")
    assert page.title() == "Worklist - complaints-ledger"
    current = page.locator(".govuk-service-navigation__link[aria-current='page']")
    assert current.inner_text().strip() == "Worklist"
    expected = [str(cases[name]) for name in ("old", "unacknowledged", "assigned", "fresh")]
    assert shown(page) == expected
    assert str(cases["elsewhere"]) not in page.content()
    for name in ("old", "unacknowledged", "assigned"):
        row = page.locator(f"tr[data-case-id='{cases[name]}']")
        assert row.locator(".govuk-tag--red").inner_text() == "Overdue", name
        assert row.locator("th[scope='row']").inner_text() == str(cases[name])[:8]
        assert row.locator("th a").get_attribute("href") == f"/cases/{cases[name]}", name
    assert page.locator(f"tr[data-case-id='{cases['fresh']}'] .govuk-tag").count() == 0
    sorted_by = page.locator("th[aria-sort]")
    assert (sorted_by.inner_text().strip(), sorted_by.get_attribute("aria-sort")) == (
        "Next deadline",
        "ascending",
    )
    assert_accessible(page, axe_source)
    save_screenshot(page, "worklist")

    tab_to(page, "overdue")
    page.keyboard.press("Space")
    assert page.locator("#overdue").is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Apply filters"
    page.keyboard.press("Enter")
    page.wait_for_url("**/worklist?overdue=yes")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert shown(page) == expected[:3]
    assert "Overdue cases only" in page.locator(".app-filter__selected").inner_text()
    assert_accessible(page, axe_source)
    watch.assert_clean()


def test_a_bad_filter_shows_the_error_summary_focused(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
    axe_source: str,
) -> None:
    email = f"officer-{secrets.token_hex(4)}@northshire.example"
    signed_in_officer(page, server_url, module_store_url, email)
    open_page(page, server_url + "/worklist?status=lost", status=400)
    assert page.title() == "Error: Worklist - complaints-ledger"
    focused = page.evaluate("() => document.activeElement.className")
    assert focused.startswith("govuk-error-summary")
    link = page.locator(".govuk-error-summary a")
    assert (link.inner_text(), link.get_attribute("href")) == (
        "Choose a status from the list",
        "#status",
    )
    assert page.locator("#status-error").inner_text().endswith("Choose a status from the list")
    assert len(shown(page)) == 4  # the cases, the bad filter left out
    assert_accessible(page, axe_source)
    link.click()
    assert page.evaluate("() => document.activeElement.id") == "status"
    watch.assert_clean(expected_console=("400 (Bad Request)",))


def test_an_empty_worklist_says_so(
    page: Page, server_url: str, module_store_url: str, axe_source: str
) -> None:
    email = f"officer-{secrets.token_hex(4)}@eastvale.example"
    account = new_account(module_store_url, email, organisation="Eastvale Borough Council")
    open_page(page, server_url + "/sign-in")
    sign_in(page, account, PASSWORD)
    page.wait_for_url(server_url + "/worklist")
    assert "There are no open cases on your worklist" in page.locator("main").inner_text()
    assert page.locator("table").count() == 0
    assert_accessible(page, axe_source)


def test_the_filters_work_without_javascript(
    playwright: Playwright,
    chromium: Path,
    tmp_path: Path,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
) -> None:
    context = launch(playwright, chromium, tmp_path / "profile", java_script_enabled=False)
    try:
        page = context.new_page()
        email = f"officer-{secrets.token_hex(4)}@northshire.example"
        new_account(module_store_url, email)
        page.goto(server_url + "/sign-in")
        sign_in(page, email, PASSWORD)
        page.wait_for_url(server_url + "/worklist")
        page.select_option("#handler", "p.jones")
        page.click("button:has-text('Apply filters')")
        page.wait_for_url("**/worklist?handler=p.jones")
        assert shown(page) == [str(cases["assigned"])]
        page.click("a:has-text('Received')")  # sort by the date received, keeping the filter
        page.wait_for_url("**/worklist?handler=p.jones&sort=received")
        assert page.locator("th[aria-sort='ascending']").inner_text().strip() == "Received"
    finally:
        context.close()


def test_roles_that_do_not_deal_with_cases_get_a_clear_page(
    page: Page, server_url: str, module_store_url: str, axe_source: str
) -> None:
    email = f"auditor-{secrets.token_hex(4)}@northshire.example"
    new_account(module_store_url, email, role=Role.AUDITOR)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_url(server_url + "/dashboards")  # an auditor's home page
    open_page(page, server_url + "/worklist", status=403)
    assert page.locator("h1").inner_text() == "You cannot see the worklist with the auditor role"
    assert_accessible(page, axe_source)


def test_signed_out_the_worklist_asks_you_to_sign_in(page: Page, server_url: str) -> None:
    page.goto(server_url + "/worklist")
    page.wait_for_url(server_url + "/sign-in")
    assert page.locator("h1").inner_text() == "Sign in"


def test_a_manager_assigns_an_unassigned_case_from_the_worklist(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
    axe_source: str,
) -> None:
    email = "m.jones@northshire.example"
    new_account(module_store_url, email, role=Role.MANAGER)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_url(server_url + "/worklist")
    page.click("a:text-is('Show the unassigned cases')")
    page.wait_for_url("**/worklist?handler=unassigned")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert str(cases["assigned"]) not in shown(page)
    assert_accessible(page, axe_source)
    save_screenshot(page, "worklist-unassigned")

    page.locator(f"tr[data-case-id='{cases['fresh']}'] a:has-text('Assign')").click()
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.locator("h1").inner_text() == "Assign handler"
    page.fill("#handler", "a.khan")
    page.fill("#reason", "Speaks the complainant's language")
    assert_accessible(page, axe_source)
    page.click("form button:text-is('Assign handler')")
    page.wait_for_selector(".govuk-notification-banner")
    assert page.locator(".govuk-notification-banner__heading").inner_text() == "Handler assigned"
    assert "a.khan" in page.locator(".govuk-summary-list").first.inner_text()
    assert_accessible(page, axe_source)

    open_page(page, server_url + "/worklist?handler=a.khan")
    assert shown(page) == [str(cases["fresh"])]
    row = page.locator(f"tr[data-case-id='{cases['fresh']}']")
    assert row.locator("a:has-text('Reassign')").count() == 1
    assert_accessible(page, axe_source)
    watch.assert_clean()
