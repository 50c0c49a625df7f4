"""The dashboards in Chromium, on each store: a manager opens them from the navigation; the
charts are drawn (inline SVG, nothing refused by the page's policy) beside their tables; a
number leads to the list of its cases; "as recorded at" by keyboard shows the banner; a
future instant is the error summary, focused. 0 axe violations in every state."""

from __future__ import annotations

import secrets
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Page, Playwright

from complaints_ledger.domain.values import Role
from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch
from tests.dashboard_cases import YEAR, dashboard_story

DASHBOARDS = f"/dashboards?year={YEAR}"


@pytest.fixture(scope="module")
def cases(module_store_url: str, server_url: str) -> dict[str, UUID]:
    return dashboard_story(module_store_url)


def signed_in_manager(page: Page, server_url: str, store_url: str) -> None:
    email = new_account(
        store_url, f"manager-{secrets.token_hex(4)}@northshire.example", role=Role.MANAGER
    )
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)
    page.wait_for_url(server_url + "/worklist")


def test_the_dashboards_show_charts_tables_and_their_cases(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in_manager(page, server_url, module_store_url)
    page.click(".govuk-service-navigation__link:has-text('Dashboards')")
    page.wait_for_url(server_url + "/dashboards")
    open_page(page, server_url + DASHBOARDS)
    assert page.title() == "Dashboards - complaints-ledger"
    charts = page.locator("svg[role='img']")
    assert charts.count() == 4
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None
        assert box["width"] > 200
        assert box["height"] > 80
    assert page.locator("#table-timeliness-by-month tbody tr").count() == 3
    assert_accessible(page, axe_source)
    save_screenshot(page, "dashboards")

    may = page.locator("#table-timeliness-by-month tbody tr").first
    may.locator("td a").first.click()
    page.wait_for_url("**/dashboards/cases?**")
    assert page.locator("h1").inner_text() == "Complaints received in May 2025"
    listed = page.locator("tbody tr[data-case-id]")
    assert [listed.nth(i).get_attribute("data-case-id") for i in range(listed.count())] == [
        str(cases["answered"]),
        str(cases["ignored"]),
    ]
    assert_accessible(page, axe_source)
    watch.assert_clean()


def test_as_recorded_at_and_its_errors(
    page: Page,
    watch: PageWatch,
    *,
    server_url: str,
    module_store_url: str,
    cases: dict[str, UUID],
    axe_source: str,
) -> None:
    signed_in_manager(page, server_url, module_store_url)
    open_page(page, server_url + DASHBOARDS)
    page.fill("#as_of-day", "1")
    page.fill("#as_of-month", "8")
    page.fill("#as_of-year", "2025")
    page.focus("#as_of-time")
    page.keyboard.type("12:00")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboards?**as_of-day=1**")
    banner = page.locator(".govuk-notification-banner")
    assert "as they were recorded at Fri 1 Aug 2025, 12:00 BST" in banner.inner_text()
    months = page.locator("#table-timeliness-by-month tbody th").all_inner_texts()
    assert months == ["May 2025", "Jun 2025"]
    assert_accessible(page, axe_source)

    open_page(
        page,
        server_url + DASHBOARDS + "&as_of-day=1&as_of-month=1&as_of-year=2099",
        status=400,
    )
    assert page.title() == "Error: Dashboards - complaints-ledger"
    focused = page.evaluate("() => document.activeElement.className")
    assert focused.startswith("govuk-error-summary")
    assert page.locator(".govuk-error-summary a").get_attribute("href") == "#as_of-day"
    assert_accessible(page, axe_source)
    watch.assert_clean(expected_console=("400 (Bad Request)",))


def test_the_filters_and_charts_work_without_javascript(
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
        email = new_account(
            module_store_url,
            f"analyst-{secrets.token_hex(4)}@northshire.example",
            role=Role.ANALYST,
        )
        page.goto(server_url + "/sign-in")
        sign_in(page, email, PASSWORD)
        page.wait_for_url(server_url + "/dashboards")  # an analyst's home page
        page.select_option("#year", str(YEAR))
        page.select_option("#organisation", "Brightwater Home Care Ltd")
        page.click("button:has-text('Apply filters')")
        page.wait_for_url("**/dashboards?organisation=Brightwater+Home+Care+Ltd&year=2025")
        assert page.locator("svg[role='img']").count() >= 1
        rows = page.locator("#table-timeliness tbody tr").all_inner_texts()
        assert len(rows) == 1
        assert "Jun 2025" in rows[0]
    finally:
        context.close()
