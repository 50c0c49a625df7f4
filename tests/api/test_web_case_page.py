"""The case page over HTTP, on both stores: under the same policy as `GET /complaints/{id}`
(another organisation's case is "Page not found", never a hint it exists), the read recorded
before the page is shown, people as pseudonyms for an auditor, and a sign-in asked for first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api.app import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import Actor, Person, Role
from complaints_ledger.settings import Settings
from tests import builders
from tests.case_stories import logged_case

HTML = {"Accept": "text/html"}
PASSWORD = "four quiet owls at noon"  # noqa: S105 - a test account's
COUNCIL, OTHER = "Northshire County Council", "Riverside City Council"


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(store=store_url, signing_key_file=tmp_path / "no-key.pem")
    with TestClient(
        create_app(settings, background_sealing=False), base_url="http://localhost"
    ) as c:
        yield c


def account(client: TestClient, email: str, organisation: str, role: Role) -> str:
    client.app.state.store.users.add(  # type: ignore[attr-defined]
        email=email, organisation=organisation, role=role, password=PASSWORD
    )
    return email


def sign_in_as(client: TestClient, email: str) -> None:
    client.cookies.clear()
    page = client.get("/sign-in", headers=HTML).text
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    data = {"form_token": token.group(1), "email": email, "password": PASSWORD}
    assert client.post("/sign-in", data=data, headers=HTML).status_code == 200


@pytest.fixture
def case_id(client: TestClient) -> UUID:
    ledger = client.app.state.store.ledger  # type: ignore[attr-defined]
    officer = CommandContext(Actor("o.khan", COUNCIL))
    intake = builders.intake(
        receiving_organisation=COUNCIL,
        about_organisation=COUNCIL,
        complainant=Person("Pat Example", email="pat@example.org"),
    )
    found: UUID = ledger.receive(intake, officer)
    ledger.acknowledge(found, CommandContext(Actor("o.khan", COUNCIL)))
    return found


def test_signed_out_the_case_page_asks_for_a_sign_in(client: TestClient, case_id: UUID) -> None:
    answer = client.get(f"/cases/{case_id}", headers=HTML, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/sign-in")
    assert "Pat Example" not in answer.text


def test_an_officer_sees_the_case_its_deadlines_and_timeline(
    client: TestClient, case_id: UUID
) -> None:
    sign_in_as(client, account(client, "jo@northshire.example", COUNCIL, Role.OFFICER))
    page = client.get(f"/cases/{case_id}", headers=HTML)
    assert page.status_code == 200
    assert f"Complaint {str(case_id)[:8]}" in page.text
    assert "Pat Example, pat@example.org" in page.text
    assert "How the acknowledgement date was worked out" in page.text
    assert "SI 2009/309 reg 13(2)" in page.text
    assert page.text.count('class="app-timeline__item"') == 2  # Received, Acknowledged
    titles = re.findall(r'app-timeline__title">([^<]+)<', page.text)
    assert titles == ["Acknowledged", "Received"]  # newest first
    reads = client.app.state.store.ledger.reads_of(case_id)  # type: ignore[attr-defined]
    assert reads[-1]["what"] == "case page"
    assert reads[-1]["principal"] == "jo@northshire.example"


def test_another_organisations_case_is_page_not_found(client: TestClient, case_id: UUID) -> None:
    sign_in_as(client, account(client, "sam@riverside.example", OTHER, Role.MANAGER))
    theirs = client.get(f"/cases/{case_id}", headers=HTML)
    nobodys = client.get(f"/cases/{UUID(int=7)}", headers=HTML)
    assert theirs.status_code == nobodys.status_code == 404
    assert "Page not found" in theirs.text
    assert theirs.text == nobodys.text  # nothing tells the two apart
    assert "Pat Example" not in theirs.text
    reads = client.app.state.store.ledger.reads_of(case_id)  # type: ignore[attr-defined]
    assert all(read["principal"] != "sam@riverside.example" for read in reads)


def test_an_auditor_sees_a_pseudonym_not_the_person(client: TestClient, case_id: UUID) -> None:
    sign_in_as(client, account(client, "audit@northshire.example", COUNCIL, Role.AUDITOR))
    page = client.get(f"/cases/{case_id}", headers=HTML)
    assert page.status_code == 200
    assert "Pat Example" not in page.text
    assert "pat@example.org" not in page.text
    assert "Carers missed four visits" not in page.text  # the summary is withheld too
    assert "a pseudonym: your role does not see identities" in page.text


# --------------------------------------------------------------------------- as recorded at


def as_of_query(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(UK_TIME_ZONE)
    return {
        "as_of-day": str(local.day),
        "as_of-month": str(local.month),
        "as_of-year": str(local.year),
        "as_of-time": f"{local:%H:%M}",
    }


def test_the_case_as_recorded_at_a_past_moment_is_read_only(
    client: TestClient, store_url: str
) -> None:
    case_id = logged_case(store_url)  # received Mon 1 Jun 2026 10:30, acknowledged the next day
    ledger = client.app.state.store.ledger  # type: ignore[attr-defined]
    received = ledger.history(case_id)[0].recorded_at
    sign_in_as(client, account(client, "jo@northshire.example", COUNCIL, Role.OFFICER))
    now = client.get(f"/cases/{case_id}", headers=HTML).text
    assert "Actions" in now
    assert re.findall(r'app-timeline__title">([^<]+)<', now) == ["Acknowledged", "Received"]
    then = client.get(f"/cases/{case_id}", params=as_of_query(received), headers=HTML)
    assert then.status_code == 200
    assert "You are looking at this case as it was recorded at" in then.text
    assert re.findall(r'app-timeline__title">([^<]+)<', then.text) == ["Received"]
    assert ">Actions<" not in then.text  # nothing can be changed from the past
    reads = ledger.reads_of(case_id)
    assert reads[-1]["what"].startswith("case page as of ")


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"as_of-day": "31", "as_of-month": "2", "as_of-year": "2026"}, "as_of-day", "real date"),
        ({"as_of-day": "1", "as_of-month": "1", "as_of-year": "2099"}, "as_of-day", "in the past"),
        ({"as_of-day": "1", "as_of-month": "1", "as_of-year": "2020"}, "as_of-day", "later date"),
        (
            {"as_of-day": "1", "as_of-month": "6", "as_of-year": "2026", "as_of-time": "25:00"},
            "as_of-time",
            "hours and minutes",
        ),
    ],
)
def test_a_wrong_moment_is_an_error_summary_on_the_case_page(
    client: TestClient, case_id: UUID, query: dict[str, str], field: str, message: str
) -> None:
    sign_in_as(client, account(client, "jo@northshire.example", COUNCIL, Role.OFFICER))
    page = client.get(f"/cases/{case_id}", params=query, headers=HTML)
    assert page.status_code == 400
    assert "<title>Error: " in page.text
    assert f'href="#{field}"' in page.text
    assert message in page.text
