"""The API documentation page works offline: Swagger UI from the app's own `/assets`, nothing
from elsewhere, no CSP violation, and it shows the API's operations."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.browser.watch import PageWatch


def test_swagger_ui_loads_from_the_app_and_shows_the_operations(
    page: Page, watch: PageWatch, server_url: str
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(server_url + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() > 10
    assert page.title() == "API documentation - complaints-ledger"
    page.locator(".opblock-summary").first.click()  # open an operation, then try it
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    page.wait_for_selector(".responses-table .response")
    page.locator(".models-control").first.click()  # the schemas
    origins = {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in requested}
    assert origins == {server_url}, requested
    assert {asset.status for asset in watch.assets} == {200}
    watch.assert_clean()
