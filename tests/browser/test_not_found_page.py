"""A browser that asks for a page that does not exist gets the styled "Page not found" page, with
its assets, no CSP violation and no axe violation; API clients keep their problem details."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.watch import PageWatch

# Chromium notes the document's own 404 in the console: that is the page's status, not a fault.
DOCUMENT_404 = "the server responded with a status of 404"


def test_a_missing_page_is_the_not_found_page(
    page: Page, watch: PageWatch, server_url: str, axe_source: str
) -> None:
    response = open_page(page, server_url + "/no-such-page", status=404)
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert page.title() == "Page not found - complaints-ledger"
    assert page.locator("h1").inner_text() == "Page not found"
    assert {asset.status for asset in watch.assets} == {200}
    watch.assert_clean(expected_console=(DOCUMENT_404,))
    assert_accessible(page, axe_source)
    save_screenshot(page, "not-found-page")
    page.get_by_role("link", name="Go to the complaints-ledger start page").click()
    page.wait_for_url(server_url + "/")


def test_api_clients_still_get_problem_details(server_url: str) -> None:
    for headers in ({}, {"Accept": "application/json"}, {"Accept": "*/*"}):
        answer = httpx.get(server_url + "/no-such-page", headers=headers, timeout=10)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["type"] == "urn:complaints-ledger:problem:not-found"
