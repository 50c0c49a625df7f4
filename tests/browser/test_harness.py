"""The harness catches what it is there to catch: a CSP violation, a failed request, a console
error and an accessibility fault, each made on purpose in the start page."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.axe import axe_violations
from tests.browser.watch import PageWatch

BREAK_THE_RULES = """() => {
  const picture = document.createElement("img");
  picture.src = "http://192.0.2.1/elsewhere.png";  // not 'self': img-src refuses it
  document.querySelector("main").append(picture);  // and no alt text
  const missing = document.createElement("img");
  missing.src = "/assets/app/0/none.svg";
  missing.alt = "";
  document.querySelector("main").append(missing);
  console.error("on purpose");
}"""


def test_the_watch_and_axe_report_faults(
    page: Page, watch: PageWatch, server_url: str, axe_source: str
) -> None:
    page.goto(server_url + "/")
    watch.assert_clean()
    page.evaluate(BREAK_THE_RULES)
    page.wait_for_load_state("networkidle")
    problems = watch.problems()
    assert any("img-src blocked http://192.0.2.1" in v for v in problems["CSP violations"])
    assert any("/assets/app/0/none.svg" in r for r in problems["failed requests"])
    assert any("on purpose" in line for line in problems["console errors"])
    assert "image-alt" in {violation["id"] for violation in axe_violations(page, axe_source)}
