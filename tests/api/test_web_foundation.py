"""The web interface's foundation over HTTP: the start page, `/assets` (immutable, typed, only
the files that exist at the pinned version), the local API docs page, and the 404 that is a page
for browsers and problem details for everyone else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api.app import create_app
from complaints_ledger.settings import Settings

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ASSET_URL = re.compile(r'(?:href|src|data-govuk-frontend)="(/assets/[^"]+)"')


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=sqlite_url), background_sealing=False)) as test:
        yield test


def test_the_start_page_is_html_for_anyone(client: TestClient) -> None:
    for headers in ({}, BROWSER, {"Accept": "application/json"}):
        page = client.get("/", headers=headers)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.headers["cache-control"] == "no-store"
        assert '<html lang="en"' in page.text
        assert 'href="/docs"' in page.text
        assert 'href="/readyz"' in page.text
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    for path, status in (("/", 200), ("/no-such-page", 404)):
        page = client.get(path, headers=BROWSER)
        assert page.status_code == status
        assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self'
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text) == []
        assert " style=" not in page.text
        assert "<style" not in page.text


def test_every_asset_a_page_names_is_served_immutable_with_its_type(client: TestClient) -> None:
    urls = set(ASSET_URL.findall(client.get("/").text + client.get("/docs").text))
    assert any(url.startswith("/assets/govuk-frontend/6.3.0/") for url in urls), urls
    assert any(url.startswith("/assets/swagger-ui/5.35.0/") for url in urls), urls
    types = {"css": "text/css", "js": "text/javascript", "mjs": "text/javascript"}
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        expected = types.get(url.rsplit(".", 1)[1], "image/svg+xml")
        assert asset.headers["content-type"].split(";")[0] == expected, url
        assert asset.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/assets/govuk-frontend/6.2.0/govuk-frontend.min.css",  # another version
        "/assets/govuk-frontend/6.3.0/govuk-frontend.css",  # not a file of the bundle
        "/assets/govuk-frontend/6.3.0/.integrity",  # the fetch marker
        "/assets/govuk-frontend/6.3.0/..%2F..%2Fassets.py",
        "/assets/govuk-frontend/6.3.0/%2e%2e/swagger-ui/LICENSE",
        "/assets/nothing/1/x.css",
        "/assets/app/0/complaints-ledger.css",  # a stale digest
    ],
)
def test_anything_else_under_assets_is_not_found(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_missing_route_is_a_page_for_browsers_only(client: TestClient) -> None:
    page = client.get("/complaints/x/nowhere", headers=BROWSER)
    assert page.status_code == 404
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Page not found - complaints-ledger</title>" in page.text
    assert "/complaints/x/nowhere" not in page.text  # nothing of the address is echoed
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "application/json"}):
        problem = client.get("/complaints/x/nowhere", headers=headers)
        assert problem.status_code == 404
        assert problem.json() == {
            "type": "urn:complaints-ledger:problem:not-found",
            "title": "Not Found",
            "status": 404,
            "detail": "no route matches /complaints/x/nowhere",
        }


def test_other_errors_stay_problems_for_browsers_too(client: TestClient) -> None:
    answer = client.delete("/", headers=BROWSER)
    assert answer.status_code == 405
    assert answer.headers["content-type"] == "application/problem+json"


def test_the_api_docs_page_loads_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "https://" not in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy
    assert "'unsafe-" not in policy
    assert "https:" not in policy
    assert 'data-openapi-url="/openapi.json"' in page.text
    assert client.get("/openapi.json").status_code == 200
