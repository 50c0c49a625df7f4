"""Log a complaint over HTTP, on both stores: the question pages ask for every field of the API's
new-complaint body, each checked by the same model (errors by their field, values kept), the
answers wait in the session (never in an address), Check your answers logs the case through
the API's own path (one case however often it is sent), and the confirmation names its
reference and first deadlines. Only the roles that may log complaints get the pages; a form
without the session's CSRF token changes nothing."""

from __future__ import annotations

import html
import re
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.access.session_drafts import DRAFTS_TABLE
from complaints_ledger.application.intake import ComplaintCreate
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.web.intake_flow import FIXED, PAGES
from tests import builders
from tests.api.test_web_case_page import COUNCIL, HTML, account, sign_in_as
from tests.api.test_web_case_page import client as client  # noqa: PLC0414 - the fixture

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
ANSWERS: dict[str, dict[str, str]] = {
    "arrival": {
        "kind": "complaint",
        "channel": "phone",
        "received_at-day": "2",
        "received_at-month": "6",
        "received_at-year": "2026",
        "received_at-time": "14:30",
    },
    "complainant": {
        "complainant-name": "Pat Example",
        "complainant-email": "pat@example.org",
        "complainant-phone": "01632 960123",
        "complainant-address": "1 High Street\nNorthshire",
    },
    "representative": {
        "representative-person-name": "Sam Example",
        "representative-person-phone": "01632 960456",
        "representative-relationship": "daughter",
        "representative-consent": "consent_given",
    },
    "support": {
        "accessibility_needs": "Large print\nPhone calls rather than letters",
        "advocacy": "Northshire Advocacy",
    },
    "about": {
        "about-organisation": "Brightwater Home Care Ltd",
        "about-service": "Home care",
        "subjects": "missed visits\nstaff attitude",
        "summary": "Carers missed three visits in May.\nNobody rang to say.",
        "matter_occurred_on-day": "12",
        "matter_occurred_on-month": "5",
        "matter_occurred_on-year": "2026",
        "matter_noticed_on-day": "14",
        "matter_noticed_on-month": "5",
        "matter_noticed_on-year": "2026",
    },
    "procedure": {"regime": "england-2009", "internal_target_working_days": "15"},
}
# The same complaint as POST /complaints takes it.
BODY = {
    "organisation": COUNCIL,
    "regime": "england-2009",
    "kind": "complaint",
    "channel": "phone",
    "received_at": "2026-06-02T14:30:00+01:00",
    "subjects": ["missed visits", "staff attitude"],
    "about": {"organisation": "Brightwater Home Care Ltd", "service": "Home care"},
    "complainant": {
        "name": "Pat Example",
        "email": "pat@example.org",
        "phone": "01632 960123",
        "address": "1 High Street\nNorthshire",
    },
    "summary": "Carers missed three visits in May.\nNobody rang to say.",
    "matter_occurred_on": "2026-05-12",
    "matter_noticed_on": "2026-05-14",
    "representative": {
        "person": {"name": "Sam Example", "phone": "01632 960456"},
        "relationship": "daughter",
        "consent": "consent_given",
    },
    "accessibility_needs": ["Large print", "Phone calls rather than letters"],
    "advocacy": "Northshire Advocacy",
    "internal_target_working_days": 15,
}
# What a case view says about the case itself (not its id, version or when it was recorded).
FACTS = (
    "kind",
    "status",
    "stage",
    "regime",
    "organisation",
    "receiving_organisation",
    "about",
    "channel",
    "received_at",
    "subjects",
    "deadlines",
    "time_limit",
    "complainant",
    "representative",
    "accessibility_needs",
    "advocacy",
    "summary",
)


def ledger_of(client: TestClient) -> ComplaintsLedger:
    found: ComplaintsLedger = client.app.state.store.ledger  # type: ignore[attr-defined]
    return found


def officer(client: TestClient, role: Role = Role.OFFICER) -> None:
    sign_in_as(client, account(client, f"{role}@northshire.example", COUNCIL, role))


def csrf(page: Response) -> str:
    found = CSRF.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def answer(client: TestClient, slug: str, answers: dict[str, str], query: str = "") -> Response:
    """Open the question page and send it with `answers`."""
    url = f"/log-complaint/{slug}{query}"
    page = client.get(url, headers=HTML)
    assert page.status_code == 200, page.text
    data = {"csrf_token": csrf(page), **answers}
    return client.post(url, data=data, headers=HTML, follow_redirects=False)


def answer_all(client: TestClient, **changes: dict[str, str]) -> None:
    for page in PAGES:
        sent = answer(client, page.slug, {**ANSWERS[page.slug], **changes.get(page.slug, {})})
        assert sent.status_code == 303, sent.text
        assert "Pat" not in sent.headers["location"]


def check_page(client: TestClient) -> Response:
    page = client.get("/log-complaint/check", headers=HTML, follow_redirects=False)
    assert page.status_code == 200, page.headers.get("location")
    return page


def log(client: TestClient, page: Response, **changes: str) -> Response:
    key = FORM_KEY.search(page.text)
    assert key is not None
    data = {"csrf_token": csrf(page), "form_key": key.group(1), **changes}
    return client.post("/log-complaint/check", data=data, headers=HTML, follow_redirects=False)


def case_ids(client: TestClient) -> set[UUID]:
    return set(ledger_of(client).complaint_ids())


def errors_of(page: Response) -> list[str]:
    """The error summary's messages."""
    summary = page.text.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    return [html.unescape(text) for text in re.findall(r"<a href=\"#[^\"]+\">([^<]+)</a>", summary)]


def test_every_field_of_the_api_body_is_asked_on_exactly_one_page() -> None:
    asked = [name for page in PAGES for name in page.names]
    assert sorted(asked) == sorted(set(ComplaintCreate.model_fields) - FIXED)
    assert len(asked) == len(set(asked))


def test_an_officer_logs_a_complaint_with_the_facts_post_complaints_records(
    client: TestClient,
) -> None:
    officer(client)
    start = client.get("/log-complaint", headers=HTML)
    assert start.status_code == 200
    assert 'href="/log-complaint/arrival"' in start.text
    before = case_ids(client)
    answer_all(client)
    page = check_page(client)
    assert "<title>Check your answers before logging the complaint" in page.text
    for shown in ("Pat Example", "Sam Example", "2 June 2026, 14:30 (UK time)", "12 May 2026"):
        assert shown in page.text
    assert "Large print<br>Phone calls rather than letters" in page.text
    assert "The person has given their consent" in page.text
    assert 'href="/log-complaint/complainant?change=yes"' in page.text
    assert re.search(r">\s*Log the complaint\s*</button>", page.text)
    assert case_ids(client) == before  # nothing is logged until the answers are checked

    logged = log(client, page)
    assert (logged.status_code, logged.headers["location"]) == (303, "/log-complaint/confirmation")
    (case_id,) = case_ids(client) - before
    done = client.get("/log-complaint/confirmation", headers=HTML)
    assert done.status_code == 200
    assert "<title>Complaint logged" in done.text
    assert "govuk-panel" in done.text
    assert str(case_id)[:8] in done.text
    assert "Acknowledgement by Friday 5 June 2026" in done.text  # 3 working days after receipt
    assert "SI 2009/309 reg 13(2)" in done.text
    assert f'href="/cases/{case_id}"' in done.text
    assert "Pat Example" not in done.text
    assert ledger_of(client).reads_of(case_id)[-1]["what"] == "log a complaint: confirmation"

    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    api = builders.bearer(tokens, Role.OFFICER, COUNCIL)
    posted = client.post("/complaints", json=BODY, headers=api)
    assert posted.status_code == 201, posted.text
    by_web = client.get(f"/complaints/{case_id}", headers=api).json()
    by_api = client.get(f"/complaints/{posted.json()['id']}", headers=api).json()
    assert {name: by_web[name] for name in FACTS} == {name: by_api[name] for name in FACTS}
    received = ledger_of(client).history(case_id)[0]
    assert received.actor["principal"] == f"{Role.OFFICER}@northshire.example"


def test_the_answers_wait_sealed_in_the_session_and_go_when_it_ends(
    client: TestClient, db: ViewDatabase
) -> None:
    officer(client)
    answer(client, "complainant", ANSWERS["complainant"])
    stored = repr(db.execute(f"SELECT * FROM {DRAFTS_TABLE}"))
    assert "Pat" not in stored
    assert "pat@example.org" not in stored
    again = client.get("/log-complaint/complainant", headers=HTML)
    assert 'value="Pat Example"' in again.text  # kept for the person, between pages
    client.post("/sign-out", data={"csrf_token": csrf(again)}, headers=HTML)
    assert db.execute(f"SELECT * FROM {DRAFTS_TABLE}") == []


def test_a_change_link_returns_to_check_your_answers(client: TestClient) -> None:
    officer(client)
    answer_all(client)
    changed = answer(
        client, "complainant", {"complainant-name": "Pat Changed"}, query="?change=yes"
    )
    assert changed.headers["location"] == "/log-complaint/check"
    page = check_page(client)
    assert "Pat Changed" in page.text
    assert "pat@example.org" not in page.text


def test_the_check_page_waits_for_every_page(client: TestClient) -> None:
    officer(client)
    answer(client, "arrival", ANSWERS["arrival"])
    early = client.get("/log-complaint/check", headers=HTML, follow_redirects=False)
    assert early.headers["location"] == "/log-complaint/complainant"


def test_empty_pages_name_each_required_field(client: TestClient) -> None:
    officer(client)
    expected = {
        "arrival": [
            "Select whether it is a complaint, a concern or a compliment",
            "Select how it arrived",
            "Enter the date and time it was received",
        ],
        "complainant": ["Enter the full name of the person complaining"],
        "representative": [],
        "support": [],
        "about": [
            "Enter the organisation complained about",
            "Enter the service concerned",
            "Enter at least one subject",
            "Enter a summary",
        ],
        "procedure": ["Select the complaints procedure"],
    }
    for page in PAGES:
        sent = answer(client, page.slug, {})
        if not expected[page.slug]:
            assert sent.status_code == 303  # nothing on it is required
            continue
        assert sent.status_code == 422, page.slug
        assert sent.text.count("<title>Error: ") == 1
        assert errors_of(sent) == expected[page.slug]


@pytest.mark.parametrize(
    ("slug", "changes", "message"),
    [
        (
            "arrival",
            {"received_at-day": "31", "received_at-month": "2"},
            "Date received must be a real date",
        ),
        ("arrival", {"received_at-year": ""}, "Date received must include a year"),
        (
            "arrival",
            {"received_at-time": "25:00"},
            "Date received must have a real time, like 14:30",
        ),
        ("arrival", {"channel": "pigeon"}, "How it arrived must be 'letter', 'email', 'phone'"),
        (
            "complainant",
            {"complainant-name": "x" * 201},
            "Full name: String should have at most 200 characters",
        ),
        (
            "representative",
            {"representative-person-name": ""},
            "Enter the representative's full name",
        ),
        (
            "representative",
            {"representative-consent": ""},
            "Select why the representative may act for the person complaining",
        ),
        ("about", {"matter_occurred_on-month": "13"}, "Date it happened must be a real date"),
        (
            "about",
            {"matter_noticed_on-year": "1850"},
            "Date they noticed it must be on or after 1900-01-01",
        ),
        (
            "procedure",
            {"internal_target_working_days": "0"},
            "Your own target for the response, in working days must be greater than or equal to 1",
        ),
        (
            "procedure",
            {"internal_target_working_days": "ten"},
            "Your own target for the response, in working days must be a whole number, like 5",
        ),
    ],
)
def test_a_wrong_answer_is_named_by_its_field_and_what_was_entered_is_kept(
    client: TestClient, slug: str, changes: dict[str, str], message: str
) -> None:
    officer(client)
    sent = answer(client, slug, {**ANSWERS[slug], **changes})
    assert sent.status_code == 422
    assert "<title>Error: " in sent.text
    (error,) = errors_of(sent)
    assert error.startswith(message), error
    shown = html.unescape(sent.text)
    assert f'<span class="govuk-visually-hidden">Error:</span> {error}' in shown  # by the field
    kept = {**ANSWERS[slug], **changes}
    for name, value in kept.items():  # what was entered is on the page again
        if "\n" not in value and name not in {
            "kind",
            "channel",
            "regime",
            "representative-consent",
        }:
            assert f'name="{name}" type="text"' in shown, name
            assert f'value="{value}"' in shown, name


@pytest.mark.parametrize(
    ("slug", "changes", "page", "message"),
    [
        (
            "arrival",
            {"received_at-year": "2099"},
            "arrival",
            "Date received must be today or in the past",
        ),
        (
            "about",
            {"matter_noticed_on-month": "4"},
            "about",
            "Date they noticed it cannot be before date it happened",
        ),
        (
            "about",
            {"matter_occurred_on-month": "7", "matter_noticed_on-month": "7"},
            "about",
            "Date it happened cannot be after the complaint was received",
        ),
    ],
)
def test_the_ledgers_refusal_returns_to_the_page_of_its_field(
    client: TestClient, slug: str, changes: dict[str, str], page: str, message: str
) -> None:
    officer(client)
    before = case_ids(client)
    answer_all(client, **{slug: changes})
    refused = log(client, check_page(client))
    assert refused.status_code == 422, refused.text
    assert f'action="/log-complaint/{page}"' in refused.text
    assert errors_of(refused) == [message]
    assert case_ids(client) == before


def test_sending_the_check_page_twice_logs_one_case(client: TestClient) -> None:
    officer(client)
    before = case_ids(client)
    answer_all(client)
    page = check_page(client)
    first, second = log(client, page), log(client, page)
    assert first.headers["location"] == second.headers["location"] == "/log-complaint/confirmation"
    assert len(case_ids(client) - before) == 1


def test_the_same_key_logs_one_case_even_when_both_sends_read_the_answers(
    client: TestClient,
) -> None:
    """The race of a double click: both sends found the answers before either logged them."""
    officer(client)
    before = case_ids(client)
    answer_all(client)
    page = check_page(client)
    sessions = client.app.state.store.sessions  # type: ignore[attr-defined]
    cookie = client.cookies.get("cl_session")
    draft = sessions.draft(cookie, "log-complaint")
    assert log(client, page).status_code == 303
    sessions.keep_draft(cookie, "log-complaint", draft)  # as the second send found it
    assert log(client, page).headers["location"] == "/log-complaint/confirmation"
    assert len(case_ids(client) - before) == 1


def test_a_form_without_the_csrf_token_changes_nothing(client: TestClient) -> None:
    officer(client)
    before = case_ids(client)
    page = client.post("/log-complaint/complainant", data=ANSWERS["complainant"], headers=HTML)
    assert page.status_code == 400
    assert "The form has expired" in page.text
    assert 'value="Pat Example"' not in client.get("/log-complaint/complainant", headers=HTML).text
    answer_all(client)
    key = FORM_KEY.search(check_page(client).text)
    assert key is not None
    for data in ({"form_key": key.group(1)}, {"form_key": key.group(1), "csrf_token": "forged"}):
        refused = client.post("/log-complaint/check", data=data, headers=HTML)
        assert refused.status_code == 400
    assert case_ids(client) == before


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST, Role.ADMIN])
def test_a_role_that_may_not_log_gets_the_not_permitted_page(
    client: TestClient, role: Role
) -> None:
    officer(client, role)
    for url in ("/log-complaint", "/log-complaint/arrival", "/log-complaint/check"):
        page = client.get(url, headers=HTML)
        assert page.status_code == 403
        assert "You cannot see this page" in page.text
        assert "logging a complaint needs one of the roles" in page.text
    before = case_ids(client)
    posted = client.post("/log-complaint/arrival", data=ANSWERS["arrival"], headers=HTML)
    assert posted.status_code == 403
    assert case_ids(client) == before
    assert 'href="/log-complaint"' not in client.get("/", headers=HTML).text


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.HEALTHWATCH])
def test_the_roles_that_may_log_see_it_in_the_navigation_and_on_the_worklist(
    client: TestClient, role: Role
) -> None:
    officer(client, role)
    worklist = client.get("/worklist", headers=HTML)
    assert worklist.text.count('href="/log-complaint"') == 2  # navigation, and a button
    step = client.get("/log-complaint/arrival", headers=HTML)
    # the step's section is marked (GOV.UK's `active`: aria-current="true"), not the page itself
    assert 'href="/log-complaint" aria-current="true"' in step.text.replace(
        'class="govuk-service-navigation__link" ', ""
    )


def test_signed_out_the_pages_ask_for_a_sign_in(client: TestClient) -> None:
    for url in ("/log-complaint", "/log-complaint/arrival", "/log-complaint/confirmation"):
        answer_ = client.get(url, headers=HTML, follow_redirects=False)
        assert (answer_.status_code, answer_.headers["location"]) == (303, "/sign-in")


def test_after_logging_a_new_complaint_starts_afresh(client: TestClient) -> None:
    officer(client)
    answer_all(client)
    log(client, check_page(client))
    start = client.get("/log-complaint", headers=HTML)
    assert "Start now" in start.text
    assert 'value="Pat Example"' not in client.get("/log-complaint/complainant", headers=HTML).text
    before = case_ids(client)
    answer_all(client, complainant={"complainant-name": "Alex Other"})
    log(client, check_page(client))
    assert len(case_ids(client) - before) == 1  # a new key: a second case, not the first again


def test_unknown_steps_are_not_found(client: TestClient) -> None:
    officer(client)
    assert client.get("/log-complaint/nowhere", headers=HTML).status_code == 404


def test_a_complaint_half_logged_can_be_continued_or_started_again(client: TestClient) -> None:
    officer(client)
    answer(client, "arrival", ANSWERS["arrival"])
    start = client.get("/log-complaint", headers=HTML)
    assert 'href="/log-complaint/complainant"' in start.text  # Continue: the next to answer
    again = client.post(
        "/log-complaint/start-again",
        data={"csrf_token": csrf(start)},
        headers=HTML,
        follow_redirects=False,
    )
    assert again.headers["location"] == "/log-complaint/arrival"
    assert 'value="14:30"' not in client.get("/log-complaint/arrival", headers=HTML).text
    assert "Start now" in client.get("/log-complaint", headers=HTML).text
