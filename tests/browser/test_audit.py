"""The audit pages in Chromium, on each store: a case's audit trail with every event sealed and
signed, who viewed it, the bundle downloaded as a file; the integrity page before and after
"Verify now", clean and then with an event edited in the store. 0 axe violations in each state."""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page

from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings
from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page, save_screenshot
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch
from tests.case_stories import logged_case
from tests.stored_events import edit_stored_event

SEALING_SECONDS = 15.0  # the server seals every 0.3 s (tests/local_servers.py)


def signed_in(page: Page, server_url: str, store_url: str, email: str, role: Role) -> None:
    new_account(store_url, email, role=role)
    open_page(page, server_url + "/sign-in")
    sign_in(page, email, PASSWORD)


def sealed_audit_page(page: Page, address: str) -> None:
    """Open the audit page, again until the server's sealer has signed every event of it."""
    deadline = time.monotonic() + SEALING_SECONDS
    while True:
        open_page(page, address)
        integrity = page.locator("#audit-trail + p + table tbody td:last-child").all_inner_texts()
        if all("signed" in cell and "not yet" not in cell for cell in integrity):
            return
        assert time.monotonic() < deadline, integrity
        time.sleep(0.3)


def test_an_auditor_reads_a_cases_audit_and_downloads_its_bundle(
    page: Page,
    watch: PageWatch,
    server_url: str,
    module_store_url: str,
    axe_source: str,
) -> None:
    case_id = logged_case(module_store_url)
    email = "case.auditor@northshire.example"
    signed_in(page, server_url, module_store_url, email, Role.AUDITOR)
    open_page(page, f"{server_url}/cases/{case_id}")
    page.click("a:has-text('Audit: the audit trail')")
    page.wait_for_url(f"{server_url}/cases/{case_id}/audit")
    sealed_audit_page(page, f"{server_url}/cases/{case_id}/audit")
    assert page.title() == f"Audit of case {str(case_id)[:8]} - complaints-ledger"
    events = page.locator("#audit-trail + p + table tbody th").all_inner_texts()
    assert events == ["Received", "Acknowledged"]
    assert page.locator("#audit-trail + p + table tbody").inner_text().count("Chain holds") == 2
    readers = page.locator("#who-viewed + p + table tbody th").all_inner_texts()
    assert readers[-1] == email
    assert page.locator("#who-viewed + p + table tbody tr").last.inner_text().count("audit page")
    assert_accessible(page, axe_source)
    save_screenshot(page, "case-audit")
    watch.assert_clean()
    with page.expect_download() as started:
        page.click("a:has-text('Download the case bundle')")
    download = started.value
    assert download.suggested_filename == f"case-{case_id}-bundle.json"
    bundle = json.loads(download.path().read_text())
    assert [event["version"] for event in bundle["events"]] == [1, 2]


def test_a_manager_verifies_the_ledger_and_sees_an_edited_event(
    page: Page, watch: PageWatch, server_url: str, module_store_url: str, axe_source: str
) -> None:
    case_id = logged_case(module_store_url)
    signed_in(page, server_url, module_store_url, "ledger.manager@northshire.example", Role.MANAGER)
    sealed_audit_page(page, f"{server_url}/cases/{case_id}/audit")
    page.click(".govuk-service-navigation a:has-text('Integrity')")
    page.wait_for_url(server_url + "/integrity")
    assert page.title() == "Integrity of the ledger - complaints-ledger"
    assert page.locator(".govuk-summary-list").inner_text().count("Events covered")
    assert_accessible(page, axe_source)
    verify_now(page)
    assert "nothing differs" in page.locator(".govuk-notification-banner--success").inner_text()
    assert_accessible(page, axe_source)
    save_screenshot(page, "integrity")
    edit_stored_event(
        Settings(store=module_store_url).store_url, case_id, b"home care", b"home cars"
    )
    verify_now(page)
    found = page.locator(".govuk-notification-banner").inner_text()
    assert "Discrepancies found" in found
    first = page.locator("table tbody tr").first.inner_text()
    assert "An event's stored bytes differ from when it was sealed" in first
    assert f"case {str(case_id)[:8]}, version 1" in first
    assert_accessible(page, axe_source)
    watch.assert_clean()


def verify_now(page: Page) -> None:
    """Press "Verify now", then follow the page's refresh link until the run has finished."""
    page.click("button:has-text('Verify now')")
    page.wait_for_load_state()
    for _ in range(100):
        if page.locator("h2:has-text('Verification in progress')").count() == 0:
            return
        time.sleep(0.2)
        page.click("a:has-text('Refresh to see how it is going')")
        page.wait_for_load_state()
    raise AssertionError("the verification did not finish")
