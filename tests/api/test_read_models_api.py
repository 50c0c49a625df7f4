"""Read-model routes through HTTP on both stores, over the demo world: scope by organisation and
role, as_of, no personal data, cursor paging, and the read audit of the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.demo import (
    SimulatedClock,
    first_recorded_at,
    plan_dataset,
    register_organisations,
    write_plan,
)
from complaints_ledger.domain.values import Role
from complaints_ledger.settings import Settings
from tests import builders

NORTHSHIRE, RIVERSIDE = "Northshire County Council", "Riverside City Council"
LGSCO = "Local Government and Social Care Ombudsman"
TODAY = datetime(2026, 11, 20, tzinfo=UTC).date()


@pytest.fixture
def world(store_url: str) -> Iterator[tuple[TestClient, ComplaintsLedger]]:
    settings = Settings(store=store_url)
    clock = SimulatedClock(datetime.now(UTC))
    with ComplaintsLedger(settings, clock=clock) as ledger:
        plan = plan_dataset(2026, 40, TODAY)
        register_organisations(
            ledger, clock, first_recorded_at(plan, clock.now) - timedelta(days=1)
        )
        write_plan(ledger, clock, plan)
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, app.state.store.ledger


def auth(client: TestClient, role: Role, organisation: str = NORTHSHIRE) -> dict[str, str]:
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    return builders.bearer(tokens, role, organisation, principal=f"{role}-tester")


def problem(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field


def test_the_dashboard_is_scoped_to_the_callers_organisation(world: Any) -> None:
    client, _ = world
    officer = client.get("/dashboards/timeliness", headers=auth(client, Role.OFFICER))
    assert officer.status_code == 200, officer.text
    assert {row["organisation"] for row in officer.json()["rows"]} == {NORTHSHIRE}
    analyst = client.get("/dashboards/timeliness", headers=auth(client, Role.ANALYST))
    assert len({row["organisation"] for row in analyst.json()["rows"]}) > 1
    elsewhere = client.get(
        "/dashboards/timeliness",
        params={"organisation": RIVERSIDE},
        headers=auth(client, Role.OFFICER),
    )
    problem(elsewhere, 403, "organisation")
    admin = client.get("/dashboards/timeliness", headers=auth(client, Role.ADMIN))
    problem(admin, 403, "role")


def test_the_dashboard_as_of_a_past_instant_counts_what_was_known_then(world: Any) -> None:
    client, _ = world
    headers = auth(client, Role.ANALYST)
    now = client.get("/dashboards/timeliness", headers=headers).json()
    then = client.get(
        "/dashboards/timeliness", params={"as_of": "2025-12-01T00:00:00Z"}, headers=headers
    ).json()
    assert sum(r["received"] for r in then["rows"]) < sum(r["received"] for r in now["rows"])
    assert then["as_of"] == "2025-12-01T00:00:00+00:00"
    naive = client.get(
        "/dashboards/timeliness", params={"as_of": "2025-12-01T00:00:00"}, headers=headers
    )
    problem(naive, 422, "as_of")


def test_the_learning_register_and_feed_hold_no_personal_data(world: Any) -> None:
    client, ledger = world
    names = {ledger.get(i).personal["complainant"]["name"] for i in ledger.complaint_ids()}
    register = client.get("/learning-register", headers=auth(client, Role.ANALYST))
    feed = client.get(
        "/learning-register/you-said-we-did",
        headers=auth(client, Role.HEALTHWATCH, "Healthwatch Northshire"),
    )
    assert register.status_code == feed.status_code == 200
    assert register.json()["lessons"]
    for text in (register.text, feed.text):
        assert not any(name in text for name in names)
    assert all("case_id" not in item for item in feed.json()["feed"])


def test_the_annual_report_for_an_organisation_and_year(world: Any) -> None:
    client, _ = world
    headers = auth(client, Role.MANAGER)
    report = client.get(
        "/reports/annual", params={"organisation": NORTHSHIRE, "year": "2025"}, headers=headers
    )
    assert report.status_code == 200, report.text
    ko41 = report.json()["ko41"]
    assert ko41["carried_forward"] == ko41["brought_forward"] + ko41["new"] - ko41["resolved"]
    bad_year = client.get(
        "/reports/annual", params={"organisation": NORTHSHIRE, "year": "soon"}, headers=headers
    )
    problem(bad_year, 422, "year")
    other = client.get(
        "/reports/annual", params={"organisation": RIVERSIDE, "year": "2025"}, headers=headers
    )
    problem(other, 403, "organisation")


def test_the_audit_trail_of_a_case_is_read_audited_and_hidden_from_others(world: Any) -> None:
    client, ledger = world
    case_id = next(
        i for i in ledger.complaint_ids() if ledger.get(i).handling_organisation == NORTHSHIRE
    )
    reads_before = len(ledger.reads_of(case_id))
    trail = client.get(
        f"/complaints/{case_id}/audit-trail",
        headers={**auth(client, Role.AUDITOR), "Purpose": "annual audit"},
    )
    assert trail.status_code == 200, trail.text
    assert [e["version"] for e in trail.json()["events"]] == [
        h.version for h in ledger.history(case_id)
    ]
    reads = ledger.reads_of(case_id)
    assert len(reads) == reads_before + 1
    assert reads[-1]["purpose"] == "annual audit"
    assert reads[-1]["what"] == "audit trail"
    hidden = client.get(
        f"/complaints/{case_id}/audit-trail", headers=auth(client, Role.AUDITOR, RIVERSIDE)
    )
    problem(hidden, 404, "id")
    assert str(case_id) not in hidden.text or "no complaint" in hidden.text
    assert len(ledger.reads_of(case_id)) == reads_before + 1, (
        "a refused read is not recorded as a read"
    )


def test_listing_pages_through_every_case_once(world: Any) -> None:
    client, ledger = world
    headers = auth(client, Role.OFFICER)
    expected = {
        str(i) for i in ledger.complaint_ids() if ledger.get(i).handling_organisation == NORTHSHIRE
    }
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 3}
    while True:
        page = client.get("/complaints", params=params, headers=headers)
        assert page.status_code == 200, page.text
        seen += [item["case_id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        params = {"limit": 3, "cursor": cursor}
    assert sorted(seen) == sorted(expected)
    closed = client.get(
        "/complaints", params={"status": "closed", "limit": 200}, headers=headers
    ).json()
    assert closed["items"]
    assert {item["status"] for item in closed["items"]} == {"closed"}
    problem(
        client.get("/complaints", params={"cursor": "not-a-cursor"}, headers=headers), 422, "cursor"
    )
    problem(client.get("/complaints", headers=auth(client, Role.OMBUDSMAN, LGSCO)), 403, "role")


def test_metrics_report_projection_lag(world: Any, metrics_auth: dict[str, str]) -> None:
    client, _ = world
    client.get("/dashboards/timeliness", headers=auth(client, Role.ANALYST))
    metrics = client.get("/metrics", headers=metrics_auth).text
    assert 'complaints_ledger_projection_lag_events{projection="timeliness"} 0.0' in metrics
