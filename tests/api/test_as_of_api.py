"""As-of reads through HTTP on both stores: every read-model answer names the instant it
describes, an instant in the future is a 422 naming as_of, and the builds that `as_of` makes are
kept within the configured limits."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.domain.values import Role
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_cache import AsOfCache
from complaints_ledger.settings import Settings
from tests.api.test_read_models_api import NORTHSHIRE, auth, problem, world

__all__ = ["world"]  # the fixture, shared with the other read-model route tests

THEN = "2025-12-01T00:00:00Z"
THEN_ANSWERED = "2025-12-01T00:00:00+00:00"
LATER = "2026-02-01T09:30:00+00:00"


def read_model_routes(client: TestClient, ledger: Any) -> dict[str, dict[str, Any]]:
    case_id = next(
        i for i in ledger.complaint_ids() if ledger.get(i).handling_organisation == NORTHSHIRE
    )
    return {
        "/dashboards/timeliness": {},
        "/learning-register": {},
        "/reports/annual": {"organisation": NORTHSHIRE, "year": "2025"},
        f"/complaints/{case_id}/audit-trail": {},
    }


def test_every_read_model_answer_names_the_instant_it_describes(world: Any) -> None:
    client, ledger = world
    headers = auth(client, Role.MANAGER)
    for path, params in read_model_routes(client, ledger).items():
        live = client.get(path, params=params, headers=headers)
        assert live.status_code == 200, (path, live.text)
        assert live.json()["as_of"] is None, path
        then = client.get(path, params={**params, "as_of": THEN}, headers=headers)
        assert then.status_code == 200, (path, then.text)
        assert then.json()["as_of"] == THEN_ANSWERED, path


def test_an_instant_in_the_future_is_a_422_naming_as_of(world: Any) -> None:
    client, ledger = world
    headers = auth(client, Role.MANAGER)
    for path, params in read_model_routes(client, ledger).items():
        future = client.get(
            path, params={**params, "as_of": "2030-01-01T00:00:00Z"}, headers=headers
        )
        problem(future, 422, "as_of")
        assert "in the future" in future.json()["detail"]


@pytest.mark.usefixtures("world")
def test_as_of_reads_keep_the_cache_within_its_limits(store_url: str) -> None:
    app = create_app(Settings(store=store_url, as_of_max_builds=2))
    with TestClient(app) as client:
        headers = auth(client, Role.ANALYST)
        for as_of in (THEN, LATER, "2026-01-01T00:00:00Z", THEN):
            answer = client.get("/dashboards/timeliness", params={"as_of": as_of}, headers=headers)
            assert answer.status_code == 200, answer.text
    db = ViewDatabase(parse_store_url(store_url))
    try:
        builds = AsOfCache(db).builds()
    finally:
        db.close()
    assert [build.instant for build in builds] == ["2026-01-01T00:00:00+00:00", THEN_ANSWERED]
