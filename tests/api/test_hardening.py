"""Protective headers on every response and every route, the OpenAPI page's own policy, /metrics
behind its token, and tokens that expire (old tokens without an expiry included), on both
stores. Ambiguous framing is tested through a real server in test_serve_processes.py."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.access import TokenStore
from complaints_ledger.api import create_app
from complaints_ledger.api.security import CONTENT_SECURITY_POLICY
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.settings import Settings

COUNCIL = "Northshire County Council"
CASE = "00000000-0000-4000-8000-000000000001"


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(store=store_url), background_sealing=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        admin = CommandContext(Actor("admin", "x", Role.ADMIN))
        app.state.store.ledger.register_organisation(
            admin, name=COUNCIL, kind=OrganisationKind.COUNCIL
        )
        yield test_client


def officer(client: TestClient, **created: Any) -> dict[str, str]:
    tokens: TokenStore = client.app.state.store.tokens  # type: ignore[attr-defined]
    raw, _ = tokens.create(principal="jo", organisation=COUNCIL, role=Role.OFFICER, **created)
    return {"Authorization": f"Bearer {raw}"}


def assert_protected(response: Response) -> None:
    where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
    assert response.headers.get("x-content-type-options") == "nosniff", where
    assert response.headers.get("referrer-policy") == "no-referrer", where
    assert response.headers.get("content-security-policy") == CONTENT_SECURITY_POLICY, where


def test_every_route_and_every_kind_of_answer_carries_the_protective_headers(
    client: TestClient,
) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    auth = officer(client)
    for template, operations in paths.items():
        path = template.replace("{case_id}", CASE).replace("{action_id}", "A1")
        path = re.sub(r"\{[^}]+\}", "x", path)
        for method in operations:
            for headers in ({}, auth):
                assert_protected(client.request(method, path, headers=headers))
    assert_protected(client.get("/no-such-route"))
    assert_protected(client.post("/complaints", content=b"{", headers=auth))
    assert_protected(
        client.post("/complaints", content=b"x", headers={"Content-Type": "text/plain"})
    )


def test_the_last_resort_500_carries_them_too(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(client.app.state.store.ledger, "get", explode)  # type: ignore[attr-defined]
    response = client.get(f"/complaints/{CASE}", headers=officer(client))
    assert response.status_code == 500
    assert_protected(response)


def test_the_openapi_page_allows_its_own_scripts_and_nothing_inline_but_them(
    client: TestClient,
) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in policy
    for script in re.findall(r"<script>(.*?)</script>", page.text, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    for source in re.findall(r'(?:src|href)="(https://[^/"]+)', page.text):
        assert source in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/redoc").status_code == 404


def test_metrics_need_the_metrics_token(client: TestClient, metrics_auth: dict[str, str]) -> None:
    assert client.get("/metrics", headers=metrics_auth).status_code == 200
    for headers in ({}, officer(client), {"Authorization": "Bearer wrong"}):
        refused = client.get("/metrics", headers=headers)
        assert refused.status_code == 401, refused.text
        assert refused.json()["field"] == "Authorization"
        assert "complaints_ledger_http_requests" not in refused.text


def test_without_a_metrics_token_file_metrics_are_off(
    store_url: str, tmp_path: Path, metrics_auth: dict[str, str]
) -> None:
    settings = Settings(store=store_url, metrics_token_file=tmp_path / "absent")
    with TestClient(create_app(settings, background_sealing=False)) as client:
        refused = client.get("/metrics", headers=metrics_auth)
    assert refused.status_code == 401
    assert "metrics are off" in refused.json()["detail"]


def test_a_token_works_until_it_expires(client: TestClient, store_url: str) -> None:
    auth = officer(client, days=1)
    assert client.get("/complaints", headers=auth).status_code == 200
    token_id = auth["Authorization"].split("_")[1]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    set_token(store_url, token_id, expires_at=yesterday)
    expired = client.get("/complaints", headers=auth)
    assert expired.status_code == 401
    assert expired.headers["content-type"] == "application/problem+json"
    assert "expired" in expired.json()["detail"]


def test_a_token_stored_without_an_expiry_lasts_the_maximum_from_its_creation(
    client: TestClient, store_url: str
) -> None:
    auth = officer(client)
    token_id = auth["Authorization"].split("_")[1]
    recent = (datetime.now(UTC) - timedelta(days=300)).isoformat()
    set_token(store_url, token_id, expires_at=None, created_at=recent)
    assert client.get("/complaints", headers=auth).status_code == 200
    too_old = (datetime.now(UTC) - timedelta(days=366)).isoformat()
    set_token(store_url, token_id, expires_at=None, created_at=too_old)
    assert client.get("/complaints", headers=auth).status_code == 401


def test_a_token_table_from_before_expiry_is_extended_and_its_tokens_still_work(
    store_url: str,
) -> None:
    old = TokenStore(Settings(store=store_url).store_url)
    raw, info = old.create(principal="jo", organisation=COUNCIL, role=Role.OFFICER)
    old.close()
    db = ViewDatabase(Settings(store=store_url).store_url)
    try:
        with db.transaction():
            db.execute("ALTER TABLE api_tokens DROP COLUMN expires_at")  # the table as it was
    finally:
        db.close()
    tokens = TokenStore(Settings(store=store_url).store_url)
    try:
        principal = tokens.authenticate(raw)
        [listed] = tokens.list()
    finally:
        tokens.close()
    assert principal is not None
    assert principal.token_id == info.token_id
    created = datetime.fromisoformat(listed.created_at)
    assert datetime.fromisoformat(listed.expires_at) == created + timedelta(days=365)


def test_a_lifetime_beyond_the_maximum_is_refused_naming_days(store_url: str) -> None:
    tokens = TokenStore(Settings(store=store_url).store_url, max_days=30)
    try:
        for days in (0, 31, -1):
            with pytest.raises(InvalidValueError, match="from 1 to 30 days") as refused:
                tokens.create(principal="jo", organisation=COUNCIL, role=Role.OFFICER, days=days)
            assert refused.value.field == "days"
        assert tokens.list() == [], "nothing stored on refusal"
    finally:
        tokens.close()


def set_token(store_url: str, token_id: str, **columns: str | None) -> None:
    db = ViewDatabase(Settings(store=store_url).store_url)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    try:
        with db.transaction():
            db.execute(
                f"UPDATE api_tokens SET {assignments} WHERE token_id = ?",
                (*columns.values(), token_id),
            )
    finally:
        db.close()
