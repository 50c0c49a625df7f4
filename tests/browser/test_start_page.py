"""The start page in Chromium, on each store: GOV.UK Frontend's styles and scripts load from
`/assets` (immutable, the right types), the system font replaces GDS Transport everywhere,
nothing breaks the Content-Security-Policy, axe finds nothing, and the keyboard reaches the skip
link first, which moves focus to the main content. Works with JavaScript off too."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.conftest import launch, open_page, save_screenshot
from tests.browser.watch import PageWatch

IMMUTABLE = "public, max-age=31536000, immutable"
ASSET_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
FONTS_IN_USE = """() => [...new Set([...document.querySelectorAll("*")]
  .map((element) => getComputedStyle(element).fontFamily))]"""


def test_the_start_page_loads_its_assets_and_breaks_no_rule(
    page: Page, watch: PageWatch, server_url: str, axe_source: str
) -> None:
    open_page(page, server_url + "/")
    assert page.title() == "complaints-ledger"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "complaints-ledger"
    assert page.locator(".govuk-service-navigation__service-name").inner_text() == (
        "complaints-ledger"
    )
    assert page.locator("body").evaluate("body => [...body.classList]") == [
        "govuk-template__body",
        "js-enabled",
        "govuk-frontend-supported",
    ]
    loaded = {Path(asset.url).suffix for asset in watch.assets}
    assert loaded == set(ASSET_TYPES), watch.assets
    for asset in watch.assets:
        assert asset.status == 200, asset
        assert asset.headers["content-type"] == ASSET_TYPES[Path(asset.url).suffix], asset
        assert asset.headers["cache-control"] == IMMUTABLE, asset
    watch.assert_clean()
    assert_accessible(page, axe_source)
    save_screenshot(page, "start-page")


def test_govuk_styles_apply_in_the_system_font(page: Page, server_url: str) -> None:
    page.goto(server_url + "/")
    heading = page.locator("h1").evaluate(
        "h1 => { const s = getComputedStyle(h1); return [s.fontSize, s.fontWeight] }"
    )
    assert heading == ["48px", "700"]  # .govuk-heading-xl on a wide screen (1280 px)
    fonts = page.evaluate(FONTS_IN_USE)
    assert fonts, "no element"
    assert all(font.startswith("system-ui") for font in fonts), fonts
    assert not any("GDS Transport" in font for font in fonts)
    footer = page.locator(".govuk-footer").inner_text()
    assert "Crown copyright" not in footer
    assert page.locator(".govuk-footer__crown, .govuk-header__logotype").count() == 0


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(
    page: Page, server_url: str
) -> None:
    open_page(page, server_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.text]")
    assert focused == ["govuk-skip-link", "Skip to main content"]
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_without_javascript_the_page_is_styled_and_usable(
    playwright, chromium: Path, tmp_path: Path, server_url: str
) -> None:
    context = launch(playwright, chromium, tmp_path / "profile", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server_url + "/")
        assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")
        size = page.locator("h1").evaluate("h1 => getComputedStyle(h1).fontSize")
        assert size == "48px"
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.className") == "govuk-skip-link"
        page.get_by_role("link", name="API documentation").first.focus()
        page.keyboard.press("Enter")
        page.wait_for_url(server_url + "/docs")
        assert page.title() == "API documentation - complaints-ledger"
    finally:
        context.close()
