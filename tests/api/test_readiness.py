"""GET /readyz tells the truth and answers fast: a real round trip to the store, the keyring, and
the sealer's progress; a 503 names the failing part. GET /healthz stays liveness."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.integrity.log_sealer import SEALER
from complaints_ledger.readside.tracking import TRACKING_TABLE, Position, Tracking
from complaints_ledger.settings import Settings

COUNCIL = "Northshire County Council"
ANSWER_WITHIN_SECONDS = 2.0


def _settings(store_url: str, tmp_path: Path, **changes: object) -> Settings:
    return Settings(store=store_url, keyring_file=tmp_path / "keyring.json", **changes)


@pytest.fixture
def unsealed_app(store_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An API process that leaves sealing to another process (as under `serve --workers`)."""
    app = create_app(_settings(store_url, tmp_path), background_sealing=False)
    with TestClient(app) as client:
        yield client


def _timed_get(client: TestClient, path: str) -> tuple[int, dict[str, object], float]:
    started = time.monotonic()
    answer = client.get(path)
    return answer.status_code, answer.json(), time.monotonic() - started


def test_ready_when_the_store_answers_and_the_keyring_opens(unsealed_app: TestClient) -> None:
    status, body, _ = _timed_get(unsealed_app, "/readyz")
    assert (status, body) == (200, {"status": "ok"})


def test_a_broken_keyring_makes_the_api_not_ready(unsealed_app: TestClient, tmp_path: Path) -> None:
    assert unsealed_app.get("/readyz").status_code == 200
    (tmp_path / "keyring.json").write_text("not a keyring")
    answer = unsealed_app.get("/readyz")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "keyring"
    assert answer.headers["retry-after"]
    assert unsealed_app.get("/healthz").status_code == 200


def test_unsealed_events_with_no_sealer_round_for_long_make_the_api_not_ready(
    unsealed_app: TestClient, metrics_auth: dict[str, str]
) -> None:
    ledger = unsealed_app.app.state.store.ledger  # type: ignore[attr-defined]
    admin = CommandContext(Actor("admin", "x", Role.ADMIN))
    ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
    assert unsealed_app.get("/readyz").status_code == 200  # never sealed yet: nothing to judge
    long_ago = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    views = unsealed_app.app.state.views  # type: ignore[attr-defined]
    with views.connection() as db, db.transaction():
        Tracking(db).ensure()
        Tracking(db).put(Position(SEALER, 1, 0, 0, None, None))
        db.execute(f"UPDATE {TRACKING_TABLE} SET updated_at = ? WHERE name = ?", (long_ago, SEALER))
    status, body, _ = _timed_get(unsealed_app, "/readyz")
    assert status == 503
    assert body["field"] == "sealer"
    assert "unsealed" in str(body["detail"])
    metrics = unsealed_app.get("/metrics", headers=metrics_auth).text
    assert "complaints_ledger_unsealed_events 1.0" in metrics
    assert "complaints_ledger_seconds_since_sealer_round" in metrics


def test_the_api_sealer_shows_as_healthy_in_readiness_and_metrics(
    store_url: str, tmp_path: Path, metrics_auth: dict[str, str]
) -> None:
    app = create_app(_settings(store_url, tmp_path, api_seal_seconds=0.1))
    with TestClient(app) as client:
        time.sleep(0.5)
        assert client.get("/readyz").status_code == 200
        metrics = client.get("/metrics", headers=metrics_auth).text
        assert 'complaints_ledger_background_task_healthy{task="sealer"} 1.0' in metrics
        assert 'complaints_ledger_background_task_failures_in_a_row{task="sealer"} 0.0' in metrics


@pytest.mark.postgres
def test_a_store_that_went_away_is_a_fast_503_naming_the_store(
    postgres_url: str, postgres_server_url: str, tmp_path: Path
) -> None:
    app = create_app(_settings(postgres_url, tmp_path), background_sealing=False)
    name = postgres_url.rsplit("/", 1)[1]
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        with psycopg.connect(postgres_server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        status, body, seconds = _timed_get(client, "/readyz")
        assert status == 503
        assert body["field"] == "store"
        assert seconds < ANSWER_WITHIN_SECONDS
        assert client.get("/healthz").status_code == 200
        headers = {"Authorization": "Bearer cl_0123456789abcdef_secret"}
        listed = client.get("/complaints", headers=headers)
        assert listed.status_code == 503, listed.text
        assert listed.json()["field"] == "store"
        assert listed.headers["retry-after"]
