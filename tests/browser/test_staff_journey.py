"""Issue 16's staff journey end to end in Chromium, on each store: a complaint logged through the
API two days ago; an officer signs in, opens it from the worklist, acknowledges it, starts the
investigation, sends the response and records a lesson (from one of two tabs: the other tab's
form, now stale, gets the conflict message), sees the lesson on the case's timeline and on the
learning register, finds the case behind the dashboards' count of its month, views the
case as it was recorded the day before (bannered, the earlier state only) and signs out. An
officer of another organisation gets "Page not found" for the case. 0 axe violations on every
page, in every state the journey shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import BrowserContext, Page

from complaints_ledger.api.app import create_app
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings
from tests.browser.axe import assert_accessible
from tests.browser.conftest import open_page
from tests.browser.test_command_forms import banner, open_form, submit
from tests.browser.test_sign_in import PASSWORD, new_account, sign_in
from tests.browser.watch import PageWatch
from tests.builders import bearer, complaint_body

COUNCIL = "Northshire County Council"
ELSEWHERE = "Riverside City Council"
EXPECTED_CONSOLE = ("status of 404", "status of 409")  # the browser's note on those documents
TWO_DAYS_AGO = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def logged_through_the_api(store_url: str, tmp_path: Path) -> UUID:
    """`POST /complaints` as an officer of the council, recorded two days ago (the app's clock),
    so that the case has a day before anything the browser does."""
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    app = create_app(settings, clock=lambda: TWO_DAYS_AGO, background_sealing=False)
    with TestClient(app) as client:
        headers = bearer(app.state.store.tokens, Role.OFFICER, COUNCIL)
        body = complaint_body(
            COUNCIL,
            received_at=TWO_DAYS_AGO.isoformat(),
            complainant={"name": "Pat Example", "email": "pat@example.org"},
            summary="Carers arrived late four times and nobody rang to say.",
        )
        answer = client.post("/complaints", json=body, headers=headers)
        assert answer.status_code == 201, answer.text
        return UUID(answer.json()["id"])


def timeline(page: Page) -> list[str]:
    return page.locator(".app-timeline__title").all_inner_texts()


def step_through(page: Page, axe_source: str, label: str, answers: dict[str, str]) -> None:
    """Open the command's form, fill it in (`#id` -> text, or "check"), send it, and check the
    form and the case it comes back to."""
    open_form(page, label)
    for selector, value in answers.items():
        if value == "check":
            page.check(selector)
        else:
            page.fill(selector, value)
    assert_accessible(page, axe_source)
    submit(page, label)
    page.wait_for_selector(".govuk-notification-banner")
    assert_accessible(page, axe_source)


def fill_lesson(page: Page, lesson_id: str) -> None:
    page.fill("#lesson_id", lesson_id)
    page.fill("#theme", "Communication")
    page.fill("#lesson", "Carers' rota changes were not passed on to the family.")
    page.fill("#action", "Tell families of every rota change by phone the same day.")
    page.check("#shared_with_partners")


@dataclass(frozen=True)
class Journey:
    browser: BrowserContext
    page: Page
    server_url: str
    store_url: str
    axe_source: str

    def accessible(self, page: Page | None = None) -> None:
        assert_accessible(page or self.page, self.axe_source)

    def case_url(self, case_id: UUID, rest: str = "") -> str:
        return f"{self.server_url}/cases/{case_id}{rest}"


@pytest.fixture
def journey(
    browser: BrowserContext, page: Page, server_url: str, module_store_url: str, axe_source: str
) -> Journey:
    return Journey(browser, page, server_url, module_store_url, axe_source)


def sign_in_and_open_from_the_worklist(journey: Journey, case_id: UUID) -> None:
    page = journey.page
    email = new_account(journey.store_url, f"journey.{case_id.hex[:8]}@northshire.example")
    open_page(page, journey.server_url + "/sign-in")
    journey.accessible()
    sign_in(page, email, PASSWORD)
    assert page.url == f"{journey.server_url}/worklist"
    journey.accessible()
    page.click(f"a[href='/cases/{case_id}']")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.title() == f"Complaint {str(case_id)[:8]} - complaints-ledger"
    assert timeline(page) == ["Received"]
    journey.accessible()


def acknowledge_investigate_and_respond(journey: Journey) -> None:
    page, axe_source = journey.page, journey.axe_source
    step_through(page, axe_source, "Acknowledge", {})
    assert banner(page) == "Acknowledged"
    assert page.locator(".app-commands a:text-is('Acknowledge')").count() == 0  # done
    step_through(page, axe_source, "Start investigation", {"#investigator": "Sam Lee"})
    assert banner(page) == "Investigation started"
    step_through(
        page,
        axe_source,
        "Send response",
        {
            "#outcome-2": "check",
            "#signed_by": "Dana Whitfield, Head of Adult Social Care",
            "#ombudsman_rights_given": "check",
            "#summary": "We looked at the visit logs: two visits were late. We apologise.",
        },
    )
    assert banner(page) == "Response sent"


def record_a_lesson_from_one_of_two_tabs(journey: Journey, case_id: UUID) -> None:
    """The lesson's form open in two tabs: the first sent wins, the other is told."""
    page = journey.page
    other_tab = journey.browser.new_page()
    other_watch = PageWatch.on(other_tab)
    open_page(other_tab, journey.case_url(case_id, "/do/record-lesson"))
    fill_lesson(other_tab, "L2")
    open_form(page, "Record lesson")
    fill_lesson(page, "L1")
    journey.accessible()
    submit(page, "Record lesson")
    assert banner(page) == "Lesson recorded"
    assert timeline(page)[0] == "Lesson recorded"
    assert "Tell families of every rota change" in page.locator(".app-timeline").inner_text()
    journey.accessible()
    submit(other_tab, "Record lesson")
    assert other_tab.title() == "Error: Record lesson - complaints-ledger"
    summary = other_tab.locator(".govuk-error-summary").inner_text()
    assert "Someone else changed this case since you opened this form" in summary
    assert other_tab.locator("#lesson_id").input_value() == "L2"  # the answers are kept
    journey.accessible(other_tab)
    other_watch.assert_clean(expected_console=EXPECTED_CONSOLE)
    other_tab.close()


def see_it_on_the_learning_register_and_the_dashboards(journey: Journey, case_id: UUID) -> None:
    """The lesson is on the learning register; the case is among those the dashboards count as
    received in its month (the drill-down behind the number lists it)."""
    page = journey.page
    page.locator(".govuk-service-navigation__link", has_text="Learning register").click()
    page.wait_for_url(journey.server_url + "/learning")
    lesson = page.locator(f"[data-lesson='{case_id}/L1']")
    assert lesson.locator("h2").inner_text() == "Communication"
    assert "Tell families of every rota change" in lesson.inner_text()
    journey.accessible()
    received = TWO_DAYS_AGO.astimezone(UK_TIME_ZONE)
    year = received.year if received.month >= 4 else received.year - 1  # 1 April to 31 March
    open_page(page, f"{journey.server_url}/dashboards?year={year}")
    journey.accessible()
    page.click(f"a[href*='measure=received'][href*='month={received:%Y-%m}']")
    page.wait_for_url("**/dashboards/cases?**")
    listed = page.locator("tbody tr[data-case-id]")
    assert str(case_id) in [
        listed.nth(i).get_attribute("data-case-id") for i in range(listed.count())
    ]
    journey.accessible()
    open_page(page, journey.case_url(case_id))


def view_the_case_as_recorded_yesterday(journey: Journey) -> None:
    """Logged, and nothing done yet: the earlier state, under a banner, with no Actions."""
    page = journey.page
    yesterday = (datetime.now(UK_TIME_ZONE) - timedelta(days=1)).date()
    page.fill("#as_of-day", str(yesterday.day))
    page.fill("#as_of-month", str(yesterday.month))
    page.fill("#as_of-year", str(yesterday.year))
    page.fill("#as_of-time", "12:00")
    page.click("button:has-text('Show the case as recorded then')")
    page.wait_for_selector(".govuk-notification-banner")
    then = datetime.combine(yesterday, time(12), tzinfo=UK_TIME_ZONE)
    shown = page.locator(".govuk-notification-banner").inner_text()
    assert f"as it was recorded at {then:%a} {then.day} {then:%b %Y}, 12:00" in shown
    assert timeline(page) == ["Received"]
    assert page.locator("h2:has-text('Actions')").count() == 0
    journey.accessible()


def sign_out(journey: Journey, case_id: UUID) -> None:
    page = journey.page
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("[data-govuk-skip-link-init]")
    assert page.url == f"{journey.server_url}/signed-out"
    journey.accessible()
    open_page(page, journey.case_url(case_id))  # signed out: sent to sign in
    assert page.url == f"{journey.server_url}/sign-in"


def test_an_officer_takes_a_logged_complaint_from_the_worklist_to_a_lesson(
    journey: Journey, watch: PageWatch, tmp_path: Path
) -> None:
    case_id = logged_through_the_api(journey.store_url, tmp_path)
    sign_in_and_open_from_the_worklist(journey, case_id)
    acknowledge_investigate_and_respond(journey)
    record_a_lesson_from_one_of_two_tabs(journey, case_id)
    see_it_on_the_learning_register_and_the_dashboards(journey, case_id)
    view_the_case_as_recorded_yesterday(journey)
    sign_out(journey, case_id)

    stranger = new_account(
        journey.store_url, f"stranger.{case_id.hex[:8]}@riverside.example", organisation=ELSEWHERE
    )
    sign_in(journey.page, stranger, PASSWORD)
    open_page(journey.page, journey.case_url(case_id), status=404)
    assert journey.page.locator("h1").inner_text() == "Page not found"
    assert "Pat Example" not in journey.page.content()
    journey.accessible()
    watch.assert_clean(expected_console=EXPECTED_CONSOLE)
