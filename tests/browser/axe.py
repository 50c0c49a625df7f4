"""axe-core, from its pinned npm package (web-assets.toml, `make assets`), run inside a page:
WCAG 2.0, 2.1 and 2.2 A and AA rules, and not one violation allowed."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return results.violations;
}"""


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    # Evaluated by the browser's debugging protocol, so the page's CSP (no inline script) does
    # not block it, and nothing is added to the page's own markup.
    page.evaluate(axe_source)
    violations: list[dict[str, Any]] = page.evaluate(RUN_AXE, list(WCAG_TAGS))
    return violations


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  at {node['target']}: {node['html']}")
            lines.append(f"    {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page: Page, axe_source: str) -> None:
    """0 axe violations on the page as it is now (call again after each change of state)."""
    violations = axe_violations(page, axe_source)
    assert violations == [], f"{page.url}: axe found\n{describe(violations)}"
