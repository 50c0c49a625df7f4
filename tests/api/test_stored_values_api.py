"""The read-model routes on both stores after an old event holding NUL and control characters
was stored (below the API, which now refuses them): every organisation's reads still answer,
and the values are shown escaped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.settings import Settings
from tests import builders
from tests.contract.test_readside_runtime import seed
from tests.contract.test_stored_values import failing_on
from tests.stored_events import COUNCIL, SHOWN_SERVICE, write_hostile_case

RIVERSIDE = "Riverside City Council"
READS = ("/dashboards/timeliness", "/complaints", "/sharing/case-facts")
CALLERS = (
    (Role.OFFICER, COUNCIL),
    (Role.OFFICER, RIVERSIDE),
    (Role.MANAGER, COUNCIL),
    (Role.ANALYST, COUNCIL),
    (Role.HEALTHWATCH, "Healthwatch Northshire"),
)


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    seed(store_url, 2)
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        write_hostile_case(ledger)
        write_hostile_case(ledger, RIVERSIDE)
    with TestClient(create_app(Settings(store=store_url))) as test_client:
        yield test_client


def auth(client: TestClient, role: Role, organisation: str) -> dict[str, str]:
    tokens = client.app.state.store.tokens  # type: ignore[attr-defined]
    return builders.bearer(tokens, role, organisation, principal=f"{role}-tester")


def get(client: TestClient, path: str, role: Role, organisation: str) -> Any:
    response = client.get(path, headers=auth(client, role, organisation))
    assert response.status_code in {200, 403}, f"{path} as {role}: {response.text}"
    return response


@pytest.mark.parametrize(("role", "organisation"), CALLERS)
def test_every_organisations_reads_answer_after_a_nul_was_stored(
    client: TestClient, role: Role, organisation: str
) -> None:
    for path in READS:
        response = get(client, path, role, organisation)
        if role in {Role.OFFICER, Role.MANAGER, Role.ANALYST} or path == "/sharing/case-facts":
            assert response.status_code == 200, f"{path} as {role}: {response.text}"


def test_the_stored_values_are_shown_escaped(client: TestClient) -> None:
    dashboard = get(client, "/dashboards/timeliness", Role.ANALYST, COUNCIL).json()
    assert SHOWN_SERVICE in {row["service"] for row in dashboard["rows"]}
    listed = get(client, "/complaints", Role.OFFICER, RIVERSIDE).json()["items"]
    assert [item["service"] for item in listed] == [SHOWN_SERVICE]
    facts = get(client, "/sharing/case-facts", Role.OFFICER, COUNCIL).json()["facts"]
    assert SHOWN_SERVICE in {fact["service"] for fact in facts}


def test_metrics_show_a_halted_projection_and_the_event_it_stopped_at(
    client: TestClient, store_url: str
) -> None:
    db = ViewDatabase(parse_store_url(store_url))
    try:
        with ComplaintsLedger(Settings(store=store_url)) as ledger:
            bad_case = write_hostile_case(ledger)
        halted = ReadModelRunner(db).rebuild(failing_on(bad_case, refuse="handler")).halted
    finally:
        db.close()
    assert halted is not None
    metrics = client.app.state.metrics.render().decode()  # type: ignore[attr-defined]
    gauge = 'complaints_ledger_projection_halted_at_position{projection="counting"}'
    expected = f"{gauge} {halted.position}.0"
    assert expected in metrics
