"""Working-day calendars through HTTP, on both stores: read a calendar, what-if scoped to the
caller's organisation, add or remove a holiday (admins only), and the problems: 422 naming the
field, 403 for other roles, 409 for a day that is already a holiday."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.calendars import HOLIDAYS_VERSION
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, RegimeId, Role
from complaints_ledger.settings import Settings
from tests import builders
from tests.api.test_complaints_api import COUNCIL, OTHER, Api
from tests.builders import SimulatedClock, assert_problem

THU_6_MAY_2027 = datetime(2027, 5, 6, 9, tzinfo=UTC)
CORONATION = {"day": "2027-05-10", "reason": "proclaimed", "name": "Coronation bank holiday"}


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    clock = SimulatedClock(datetime(2027, 5, 1, 9, tzinfo=UTC))
    app = create_app(Settings(store=store_url), clock=clock)
    with TestClient(app) as client:
        ledger = app.state.store.ledger
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        for name in (COUNCIL, OTHER, builders.PROVIDER):
            kind = (
                OrganisationKind.PROVIDER if name == builders.PROVIDER else OrganisationKind.COUNCIL
            )
            ledger.register_organisation(admin, name=name, kind=kind)
        yield Api(client, app, clock)


def council_case(api: Api) -> str:
    api.clock.now = THU_6_MAY_2027
    intake = builders.intake(regime=RegimeId.LGSCO_CODE, receiving_organisation=COUNCIL)
    officer = CommandContext(Actor("k.officer", COUNCIL, Role.OFFICER))
    return str(api.ledger.receive(intake, officer))


def deadlines(api: Api, case_id: str) -> dict[str, dict[str, Any]]:
    response = api.client.get(f"/complaints/{case_id}", headers=api.auth())
    assert response.status_code == 200, response.text
    return {d["name"]: d for d in response.json()["deadlines"]}


def test_any_signed_in_role_reads_a_calendar(api: Api) -> None:
    response = api.client.get("/calendars/england?year=2027", headers=api.auth(Role.ANALYST))
    assert response.status_code == 200, response.text
    calendar = response.json()
    assert calendar["version"] == f"{HOLIDAYS_VERSION}+england@0"
    assert {"day": "2027-05-03", "name": "May Day"} in calendar["holidays"]
    assert calendar["adjustments"] == []
    assert api.client.get("/calendars/england").status_code == 401


def test_what_if_lists_the_callers_open_deadlines_that_would_move(api: Api) -> None:
    case_id = council_case(api)
    url = "/calendars/england/what-if?add=2027-05-10"
    answer = api.client.get(url, headers=api.auth()).json()
    assert answer["would_be"] == f"{HOLIDAYS_VERSION}+england@1"
    assert [(m["case_id"], m["deadline"], m["old"], m["new"]) for m in answer["moves"]] == [
        (case_id, "acknowledgement", "2027-05-13", "2027-05-14"),
        (case_id, "response", "2027-05-27", "2027-05-28"),
    ]
    other = api.client.get(url, headers=api.auth(Role.OFFICER, OTHER)).json()
    assert other["moves"] == [], "another organisation's cases are not listed"
    assert deadlines(api, case_id)["acknowledgement"]["due"] == "2027-05-13", "nothing changed"


def test_an_admin_adds_a_holiday_and_the_case_and_dashboard_follow(api: Api) -> None:
    case_id = council_case(api)
    added = api.client.post(
        "/calendars/england/holidays", json=CORONATION, headers=api.auth(Role.ADMIN)
    )
    assert added.status_code == 201, added.text
    assert added.json()["version"] == f"{HOLIDAYS_VERSION}+england@1"
    assert added.json()["adjustments"][0]["reason"] == "proclaimed"
    ack = deadlines(api, case_id)["acknowledgement"]
    assert ack["due"] == "2027-05-14"
    assert "Coronation bank holiday" in ack["explanation"]
    assert ack["calendar_version"] == f"{HOLIDAYS_VERSION}+england@1"
    dashboard = api.client.get(
        "/dashboards/timeliness?today=2027-05-20", headers=api.auth(Role.MANAGER)
    ).json()
    overdue = {(c["case_id"], c["deadline"], c["due"]) for c in dashboard["overdue"]}
    assert (case_id, "acknowledgement", "2027-05-14") in overdue
    again = api.client.post(
        "/calendars/england/holidays", json=CORONATION, headers=api.auth(Role.ADMIN)
    )
    assert_problem(again, 409, "day")
    removed = api.client.post(
        "/calendars/england/holiday-removals",
        json={"day": "2027-05-10", "reason": "withdrawn"},
        headers=api.auth(Role.ADMIN),
    )
    assert removed.status_code == 201, removed.text
    assert deadlines(api, case_id)["acknowledgement"]["due"] == "2027-05-13"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.ANALYST])
def test_only_an_admin_changes_a_calendar(api: Api, role: Role) -> None:
    refused = api.client.post(
        "/calendars/england/holidays", json=CORONATION, headers=api.auth(role)
    )
    assert_problem(refused, 403, "role")
    after = api.client.get("/calendars/england", headers=api.auth()).json()
    assert after["version"].endswith("@0")


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("get", "/calendars/atlantis", None, "nation"),
        ("get", "/calendars/england/what-if", None, "add"),
        ("get", "/calendars/england/what-if?add=2027-05-10&remove=2027-05-03", None, "remove"),
        ("get", "/calendars/england/what-if?add=2027-13-10", None, "add"),
        ("post", "/calendars/england/holidays", {**CORONATION, "day": "10/05/2027"}, "day"),
        ("post", "/calendars/england/holidays", {"day": "2027-05-10"}, "reason"),
        ("post", "/calendars/england/holidays", {**CORONATION, "colour": "red"}, "colour"),
        ("post", "/calendars/england/holiday-removals", CORONATION, "name"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    api: Api, method: str, url: str, body: dict[str, str] | None, field: str
) -> None:
    headers = api.auth(Role.ADMIN)
    response = (
        api.client.get(url, headers=headers)
        if method == "get"
        else api.client.post(url, json=body, headers=headers)
    )
    assert_problem(response, 422, field)


def test_what_if_refuses_a_day_that_is_already_a_holiday(api: Api) -> None:
    response = api.client.get("/calendars/england/what-if?add=2027-05-03", headers=api.auth())
    assert "May Day" in assert_problem(response, 409, "day")["detail"]
