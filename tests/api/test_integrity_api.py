"""Integrity routes through HTTP on both stores: the public key, the latest checkpoint, and a case
bundle that verifies offline, under the same access rules as every case route."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.bundle import verify_bundle
from complaints_ledger.integrity.keys import generate_key, load_key, public_key_text
from complaints_ledger.integrity.log_sealer import LogSealer
from complaints_ledger.integrity.verify import verify
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings
from tests import builders

COUNCIL, OTHER = "Northshire County Council", "Riverside City Council"
COMPLAINT = {
    "organisation": COUNCIL,
    "regime": "england-2009",
    "kind": "complaint",
    "channel": "email",
    "received_at": "2026-06-01T09:00:00Z",
    "subjects": ["home care"],
    "about": {"organisation": COUNCIL, "service": "Home care"},
    "complainant": {"name": "Bundle Person"},
    "summary": "Visits were missed",
}


@pytest.fixture
def client(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    key_file = tmp_path / "signing-key.pem"
    generate_key(key_file)
    settings = Settings(store=store_url, signing_key_file=key_file)
    app = create_app(settings, clock=lambda: datetime(2026, 6, 2, 9, tzinfo=UTC))
    with TestClient(app) as test_client:
        admin = CommandContext(Actor("admin", "x", Role.ADMIN))
        for name in (COUNCIL, OTHER):
            app.state.store.ledger.register_organisation(
                admin, name=name, kind=OrganisationKind.COUNCIL
            )
        yield test_client


def bearer(client: TestClient, organisation: str, role: Role = Role.AUDITOR) -> dict[str, str]:
    return builders.bearer(client.app.state.store.tokens, role, organisation)  # type: ignore[attr-defined]


def test_a_case_bundle_from_the_api_verifies_offline(client: TestClient) -> None:
    created = client.post(
        "/complaints", json=COMPLAINT, headers=bearer(client, COUNCIL, Role.OFFICER)
    )
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    key = client.get("/integrity/public-key").json()
    assert key["public_key"] == public_key_text(client.app.state.signing_key)  # type: ignore[attr-defined]
    bundle = client.get(f"/complaints/{case_id}/bundle", headers=bearer(client, COUNCIL))
    assert bundle.status_code == 200, bundle.text
    assert verify_bundle(bundle.json(), key["public_key"]) == []
    latest = client.get("/integrity/checkpoints/latest").json()
    assert latest["tree_size"] >= bundle.json()["checkpoint"]["tree_size"]
    reads = client.app.state.store.ledger.reads_of(case_id)  # type: ignore[attr-defined]
    assert [r["what"] for r in reads] == ["case returned by receive", "bundle"]


def test_another_organisations_bundle_is_not_found(client: TestClient) -> None:
    created = client.post(
        "/complaints", json=COMPLAINT, headers=bearer(client, COUNCIL, Role.OFFICER)
    )
    hidden = client.get(f"/complaints/{created.json()['id']}/bundle", headers=bearer(client, OTHER))
    assert hidden.status_code == 404
    assert "Bundle Person" not in hidden.text


def test_the_api_signs_what_it_wrote_when_it_stops(store_url: str, tmp_path: Path) -> None:
    key_file = tmp_path / "signing-key.pem"
    generate_key(key_file)
    settings = Settings(store=store_url, signing_key_file=key_file, api_seal_seconds=3600)
    app = create_app(settings)
    with TestClient(app):
        while app.state.sealer.heartbeat.last_success is None:  # its first round is done
            time.sleep(0.01)
        admin = CommandContext(Actor("admin", "x", Role.ADMIN))
        app.state.store.ledger.register_organisation(
            admin, name=COUNCIL, kind=OrganisationKind.COUNCIL
        )
    db = ViewDatabase(settings.store_url)
    try:
        sealer = LogSealer(db)
        latest = sealer.latest_checkpoint()
        assert latest is not None, "the last round at shutdown signs a checkpoint"
        report = verify(sealer, public_key_text(load_key(key_file)))
    finally:
        db.close()
    assert report.ok
    assert report.events > 0
    assert report.uncovered == 0
