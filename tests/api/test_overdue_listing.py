"""`GET /complaints?overdue=true` names which deadline is overdue, on both stores: each case with
its overdue deadlines (name, due day, working days overdue), as the dashboard's overdue list has
them; the next deadline still to come is named beside its due day."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Role
from projections.timeliness import STATUTORY_DEADLINES
from tests.api.test_read_models_api import NORTHSHIRE, TODAY, auth, world

__all__ = ["world"]  # the demo world the read-model API tests use
LATER = TODAY + timedelta(days=90)


def listed(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    page = client.get(
        "/complaints",
        params={"limit": 200, "today": LATER.isoformat(), **params},  # params may set today
        headers=auth(client, Role.OFFICER),
    )
    assert page.status_code == 200, page.text
    items: list[dict[str, Any]] = page.json()["items"]
    return items


def test_overdue_cases_name_their_overdue_deadlines(
    world: tuple[TestClient, ComplaintsLedger],
) -> None:
    client, _ = world
    overdue = listed(client, overdue="true")
    assert overdue, "the demo has deadlines past due 90 days on"
    board = client.get(
        "/dashboards/timeliness",
        params={"today": LATER.isoformat()},
        headers=auth(client, Role.OFFICER),
    ).json()
    expected = {
        (row["case_id"], row["deadline"], row["due"], row["working_days_overdue"])
        for row in board["overdue"]
        if row["organisation"] == NORTHSHIRE
    }
    shown = {
        (item["case_id"], late["deadline"], late["due"], late["working_days_overdue"])
        for item in overdue
        for late in item["overdue_deadlines"]
    }
    assert shown == expected
    for item in overdue:
        assert item["overdue_deadlines"], item
        assert all(late["due"] < LATER.isoformat() for late in item["overdue_deadlines"])
        assert all(late["working_days_overdue"] > 0 for late in item["overdue_deadlines"])


def test_cases_not_overdue_list_none_and_every_case_names_its_next_deadline(
    world: tuple[TestClient, ComplaintsLedger],
) -> None:
    client, _ = world
    on_time = listed(client, overdue="false", today=TODAY.isoformat())
    assert on_time
    assert all(item["overdue_deadlines"] == [] for item in on_time)
    upcoming = [i for i in listed(client, today=TODAY.isoformat()) if i["next_due"] is not None]
    assert upcoming, "the demo has a live case with a deadline still to come"
    assert {item["next_deadline"] for item in upcoming} <= set(STATUTORY_DEADLINES)
    assert all(item["next_due"] >= TODAY.isoformat() for item in upcoming)
    # a case overdue on one deadline says so, and names the other still to come apart from it
    both = [item for item in upcoming if item["overdue"]]
    for item in both:
        assert item["next_deadline"] not in {d["deadline"] for d in item["overdue_deadlines"]}
