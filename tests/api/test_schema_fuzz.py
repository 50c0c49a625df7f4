"""Schemathesis over the OpenAPI schema: generated requests, valid and invalid, against the app on
SQLite with a real token and a real case. No response may be a server error, and every response
must match the schema's declared status codes and media types."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from complaints_ledger.api import create_app
from complaints_ledger.application import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.settings import Settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# No server errors, and every status code and media type as the schema declares. (Whether
# schema-valid data is always accepted is not asked: domain rules, such as a receipt date not in
# the future, are richer than the schema.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
NORTHSHIRE = "Northshire County Council"
COMPLAINT = {
    "organisation": NORTHSHIRE,
    "regime": "england-2009",
    "kind": "complaint",
    "channel": "email",
    "received_at": "2026-06-01T09:00:00Z",
    "subjects": ["home care"],
    "about": {"organisation": NORTHSHIRE, "service": "Home care"},
    "complainant": {"name": "Fuzz Person"},
    "summary": "Visits were missed",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, str]]:
    store = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'ledger.db'}"
    app = create_app(Settings(store=store), clock=lambda: datetime(2026, 6, 2, 9, tzinfo=UTC))
    with TestClient(app) as client:
        app.state.store.ledger.register_organisation(
            CommandContext(Actor("fuzz", "admin", Role.ADMIN)),
            name=NORTHSHIRE,
            kind=OrganisationKind.COUNCIL,
        )
        raw, _ = app.state.store.tokens.create(
            principal="fuzzer", organisation=NORTHSHIRE, role=Role.MANAGER
        )
        created = client.post(
            "/complaints", json=COMPLAINT, headers={"Authorization": f"Bearer {raw}"}
        )
        assert created.status_code == 201, created.text
        yield app, raw


def test_no_generated_request_gets_a_server_error(served: tuple[FastAPI, str]) -> None:
    app, token = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
