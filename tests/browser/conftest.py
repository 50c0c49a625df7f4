"""Browser tests: Debian's Chromium driven by Playwright through the real server on each store.

Chromium is /usr/bin/chromium (`make browser` installs it; COMPLAINTS_LEDGER_CHROMIUM names
another); Playwright never downloads a browser. Without Chromium or the pinned axe-core
(`make assets`) the tests skip with a message, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Response, sync_playwright

from tests.browser.watch import PageWatch
from tests.local_servers import serving

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("COMPLAINTS_LEDGER_CHROMIUM", "/usr/bin/chromium"))
AXE_SOURCE = ROOT / ".cache" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _needed(path: Path, remedy: str) -> Path:
    """`path`, or a skip (a failure under CI=true) that says how to get it."""
    if path.is_file():
        return path
    message = f"{path} not found: {remedy}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser tests must run under CI. {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Path:
    return _needed(CHROMIUM, "run `make browser` (apt-get install -y chromium chromium-driver)")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _needed(AXE_SOURCE, "run `make assets`").read_text()


@pytest.fixture(scope="session")
def playwright(chromium: Path) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def server_url(module_store_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`complaints-ledger serve` on a free loopback port, on each store in turn."""
    with serving(module_store_url, tmp_path_factory.mktemp("server")) as (base, _):
        yield base


def launch(
    playwright: Playwright, chromium: Path, profile: Path, **options: object
) -> BrowserContext:
    """Chromium with a fresh profile of its own; `options` as for a Playwright context."""
    return playwright.chromium.launch_persistent_context(
        profile,
        executable_path=chromium,
        headless=True,
        args=CHROMIUM_ARGS,
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def browser(playwright: Playwright, chromium: Path, tmp_path: Path) -> Iterator[BrowserContext]:
    context = launch(playwright, chromium, tmp_path / "profile")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Page:
    return browser.new_page()


@pytest.fixture
def watch(page: Page) -> PageWatch:
    """What goes wrong on `page`, recorded from before its first navigation."""
    return PageWatch.on(page)


def open_page(page: Page, url: str, *, status: int = 200) -> Response:
    """Go to `url`, check the document's status, and wait until GOV.UK Frontend has started
    (its skip link marked as set up), so that what follows sees the enhanced page."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, (url, response.status)
    page.wait_for_selector("[data-govuk-skip-link-init]")
    return response


def save_screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot into docs/screenshots/<name>.png, replaced whole: the tests on
    each store take it, so the docs always show the page as it is."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(page.screenshot(full_page=True))
    partial.replace(target)
    return target
