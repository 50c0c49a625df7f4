"""The learning register and "You said, we did" pages over HTTP, on both stores: lessons recorded
through the ledger's commands show with their themes and their actions' status; the filters
narrow the lessons; a value the filters do not offer is an error summary (400); the API's
policy: signed out you sign in first, the roles that read figures only, another organisation's
lessons only for a role that sees every organisation's (403 for the others, as over the API),
and a case link only where the case page would open."""

from __future__ import annotations

import re
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.domain.values import Role
from tests import builders
from tests.api.test_web_worklist import HTML, sign_in
from tests.learning_cases import LearningCases, days_ago, reporting_year_label
from tests.worklist_cases import COUNCIL, PROVIDER

LESSON = re.compile(r'data-lesson="([0-9a-f-]{36})/L-(\w+)"')


@pytest.fixture
def client(web_client: TestClient) -> TestClient:
    return web_client


def lessons_shown(client: TestClient, query: str = "", status: int = 200) -> tuple[list[str], str]:
    """The names of the cases whose lessons the register shows, in order, and the page."""
    answer = client.get(f"/learning{query}", headers=HTML)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return [name for _, name in LESSON.findall(answer.text)], answer.text


def card_of(page: str, name: str) -> str:
    start = page.index(f'/L-{name}"')
    end = page.find('class="govuk-summary-card app-lesson"', start)
    return page[start : end if end > 0 else len(page)]


def test_signed_out_you_are_sent_to_sign_in(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    for path in ("/learning", "/learning/you-said-we-did"):
        answer = client.get(path, headers=HTML, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")
        assert "Communication" not in answer.text


def test_lessons_show_with_their_themes_and_each_actions_status(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    shown, page = lessons_shown(client)
    assert shown == ["fees", "letters"]  # newest first; the provider's never
    assert "meals" not in page
    assert str(lessons_told["meals"]) not in page
    assert re.search(r'href="/learning" aria-current="page"', page)
    letters, fees = card_of(page, "letters"), card_of(page, "fees")
    assert ">Communication</h2>" in letters
    assert "What the letters case taught us about communication" in letters
    assert re.findall(r'data-action-status="(\w+)"', letters) == ["completed", "overdue"]
    assert "govuk-tag--green" in letters
    assert "govuk-tag--red" in letters
    assert ">Charging</h2>" in fees
    assert re.findall(r'data-action-status="(\w+)"', fees) == ["planned"]
    assert f'href="/cases/{lessons_told["letters"]}"' in letters  # the officer may open it
    assert "Upheld" in letters
    assert "Not upheld" in fees


def _year(days: int) -> str:
    return reporting_year_label(days_ago(days))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?theme=Communication", ["letters"]),
        ("?theme=charging", ["fees"]),  # any case, as the API matches a theme
        ("?service=charging", ["fees"]),
        ("?status=overdue", ["letters"]),
        ("?status=completed", ["letters"]),
        ("?status=planned", ["fees"]),
        ("?status=planned&theme=Communication", []),
    ],
)
def test_filters_narrow_the_lessons(
    client: TestClient, lessons_told: dict[str, UUID], query: str, expected: list[str]
) -> None:
    sign_in(client, Role.OFFICER)
    shown, page = lessons_shown(client, query)
    assert shown == expected
    assert "Selected filters" in page
    if not expected:
        assert "No lessons match the filters" in page


def test_the_status_filter_shows_only_the_actions_in_that_status(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    _, page = lessons_shown(client, "?status=overdue")
    assert re.findall(r'data-action-status="(\w+)"', page) == ["overdue"]
    assert "Action A2 of the letters case" in page
    assert "Action A1 of the letters case" not in page


def test_the_period_filter_offers_the_reporting_years_of_the_lessons(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    old, recent = _year(300), _year(20)
    _, page = lessons_shown(client)
    assert f'value="{old}"' in page
    assert f'value="{recent}"' in page
    assert lessons_shown(client, f"?period={old}")[0] == ["letters"]
    assert lessons_shown(client, f"?period={recent}")[0] == ["fees"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("?theme=Parking", "theme", "Choose a theme from the list"),
        ("?status=lost", "status", "Choose an action status from the list"),
        ("?period=1999-00", "period", "Choose a reporting year from the list"),
        ("?service=roads", "service", "Choose a service from the list"),
    ],
)
def test_a_value_not_offered_is_an_error_summary_and_the_lessons_still_show(
    client: TestClient, lessons_told: dict[str, UUID], query: str, field: str, message: str
) -> None:
    sign_in(client, Role.OFFICER)
    shown, page = lessons_shown(client, query, status=400)
    assert shown == ["fees", "letters"]
    assert "<title>Error: Learning register" in page
    assert f'<a href="#{field}">{message}</a>' in page
    assert f'id="{field}-error"' in page


def test_empty_fields_are_dropped_from_the_address(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    answer = client.get(
        "/learning?theme=&service=&status=overdue&period=", headers=HTML, follow_redirects=False
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/learning?status=overdue")


def test_an_officer_naming_another_organisation_is_refused_as_over_the_api(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.OFFICER)
    shown, page = lessons_shown(client, f"?organisation={PROVIDER}", status=403)
    assert shown == ["fees", "letters"]  # their own organisation's lessons, never the provider's
    assert f"You can see the lessons of {COUNCIL} only" in page
    assert 'id="organisation"' not in page  # no organisation filter for a role that sees one
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    api = client.get(
        "/learning-register",
        params={"organisation": PROVIDER},
        headers=builders.bearer(tokens, Role.OFFICER, COUNCIL),
    )
    assert api.status_code == 403


def test_an_analyst_sees_every_organisation_and_links_only_to_cases_they_may_open(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.ANALYST)
    shown, page = lessons_shown(client)
    assert shown == ["meals", "fees", "letters"]
    assert '<option value="Brightwater Home Care Ltd">' in page  # the organisation filter
    assert f'href="/cases/{lessons_told["letters"]}"' in page  # their own organisation's case
    assert f'href="/cases/{lessons_told["meals"]}"' not in page  # the provider's: "not found" there
    assert client.get(f"/cases/{lessons_told['meals']}", headers=HTML).status_code == 404
    assert lessons_shown(client, f"?organisation={PROVIDER}")[0] == ["meals"]
    assert lessons_shown(client, "?theme=communication")[0] == ["meals", "letters"]
    _, bad = lessons_shown(client, "?organisation=Nowhere+Council", status=400)
    assert "Choose an organisation from the list" in bad


def test_the_register_holds_what_the_api_holds(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.ANALYST)
    _, page = lessons_shown(client)
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    api = client.get("/learning-register", headers=builders.bearer(tokens, Role.ANALYST, COUNCIL))
    for lesson in api.json()["lessons"]:
        card = card_of(page, lesson["lesson_id"].removeprefix("L-"))
        assert lesson["lesson"] in card
        assert len(re.findall("data-action-status", card)) == len(lesson["actions"])
        for action in lesson["actions"]:
            assert action["description"] in card


@pytest.mark.parametrize("role", [Role.REGULATOR, Role.ADMIN])
def test_roles_that_do_not_read_figures_are_refused(
    client: TestClient, lessons_told: dict[str, UUID], role: Role
) -> None:
    sign_in(client, role)
    answer = client.get("/learning", headers=HTML)
    assert answer.status_code == 403
    assert f"The learning register is not for the {role} role" in answer.text
    assert "Communication" not in answer.text
    assert 'href="/learning"' not in answer.text  # nor in their navigation


def test_no_lessons_yet_says_so(client: TestClient) -> None:
    sign_in(client, Role.MANAGER)
    shown, page = lessons_shown(client)
    assert shown == []
    assert "No lessons have been recorded yet" in page


def test_you_said_we_did_puts_what_people_raised_beside_what_changed(
    client: TestClient, lessons_told: dict[str, UUID]
) -> None:
    sign_in(client, Role.REGULATOR)  # the partner feed is for anyone signed in, as over the API
    answer = client.get("/learning/you-said-we-did", headers=HTML)
    assert answer.status_code == 200, answer.text
    page = answer.text
    assert "A complaint about" in page
    assert "We agreed: the complaint was upheld." in page
    assert "Change how we handle communication (letters)" in page  # the lesson's change
    assert "Action A1 of the letters case" in page  # completed
    assert "Action A2 of the letters case" not in page  # not done yet
    assert "(fees)" not in page  # not shared with partners
    assert "Change how we handle communication (meals)" in page
    for case_id in lessons_told.values():
        assert str(case_id) not in page
        assert str(case_id)[:8] not in page
    assert "Head of customer care" not in page  # no owners either
    narrowed = client.get(
        "/learning/you-said-we-did", params={"organisation": COUNCIL}, headers=HTML
    )
    assert "(letters)" in narrowed.text
    assert "(meals)" not in narrowed.text
    bad = client.get("/learning/you-said-we-did?organisation=Elsewhere", headers=HTML)
    assert bad.status_code == 400
    assert "<title>Error: You said, we did" in bad.text
    assert '<a href="#organisation">Choose an organisation from the list</a>' in bad.text


def test_lessons_come_25_to_a_page(client: TestClient, store_url: str) -> None:
    story = LearningCases(store_url)
    try:
        story.receive("many", days_ago=5)
        for number in range(26):
            story.lesson("many", f"Theme {number:02d}", shared=False, lesson_id=f"L-t{number:02d}")
    finally:
        story.close()
    sign_in(client, Role.OFFICER)
    first, page = lessons_shown(client)
    assert len(first) == 25
    assert re.search(
        r"Showing <strong>1</strong> to <strong>25</strong> of\s*<strong>26</strong>", page
    )
    assert 'href="/learning?page=2"' in page
    second, page = lessons_shown(client, "?page=2")
    assert len(second) == 1
    assert second[0] not in first
    assert lessons_shown(client, "?page=2&theme=Theme+00")[0] == ["t00"]  # the last page there
