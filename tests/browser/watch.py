"""What a page did that it should not: console errors, uncaught exceptions, Content-Security-Policy
violations (reported by the page's own `securitypolicyviolation` events) and failed requests; and
every response from `/assets`, for the tests to check their types and cache headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, Response

# Runs before any of the page's scripts, outside its policy (Playwright injects it), on every
# document the page loads: each violation is handed to the test through `reportCspViolation`.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}`
  );
});
"""


@dataclass(frozen=True)
class AssetResponse:
    url: str
    status: int
    headers: dict[str, str]


@dataclass
class PageWatch:
    """Attach with `PageWatch.on(page)` before the first `goto`."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    assets: list[AssetResponse] = field(default_factory=list)

    @classmethod
    def on(cls, page: Page) -> PageWatch:
        watch = cls()
        page.expose_function("reportCspViolation", watch._csp_violation)
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", watch._console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("requestfailed", lambda request: watch.failed_requests.append(request.url))
        page.on("response", watch._response)
        return watch

    def _csp_violation(self, description: str) -> None:
        self.csp_violations.append(description)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location}")

    def _response(self, response: Response) -> None:
        if "/assets/" in response.url:
            self.assets.append(AssetResponse(response.url, response.status, response.headers))
        # The document's own status is the test's to judge (a 404 page is a 404).
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_requests.append(f"{response.status} {response.url}")

    def problems(self, *, expected_console: tuple[str, ...] = ()) -> dict[str, list[Any]]:
        """Everything that went wrong, by kind; empty lists when all went well. A console line
        containing one of `expected_console` (the browser's note on a 404 document) is left out."""
        console = [
            line for line in self.console_errors if not any(e in line for e in expected_console)
        ]
        return {
            "console errors": console,
            "uncaught exceptions": self.page_errors,
            "CSP violations": self.csp_violations,
            "failed requests": self.failed_requests,
        }

    def assert_clean(self, *, expected_console: tuple[str, ...] = ()) -> None:
        problems = self.problems(expected_console=expected_console)
        assert all(found == [] for found in problems.values()), problems
