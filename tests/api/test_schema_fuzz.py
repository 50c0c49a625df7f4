"""Schemathesis over the OpenAPI schema: generated requests, valid and invalid, against the app on
SQLite with a real token and a real case. No response may be a server error, and every response
must match the schema's declared status codes and media types. A second run swaps strings in the
bodies, queries and paths for hostile ones (NUL, controls, bidi overrides, lone surrogates,
formula prefixes, huge strings, extreme dates), on both stores."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
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
def served(module_store_url: str) -> Iterator[tuple[FastAPI, str]]:
    settings = Settings(store=module_store_url)
    app = create_app(settings, clock=lambda: datetime(2026, 6, 2, 9, tzinfo=UTC))
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
    run_every_operation(schemathesis.openapi.from_asgi("/openapi.json", app), token)


# Strings no careful client sends; the URL ones leave out what a URL cannot carry (a surrogate).
HOSTILE_IN_URLS = [
    "\x00",
    "Bright\x00water",
    "\x1b[31mred\x1b[0m",
    "line\r\nbreak",
    "\u202egnp.exe",
    "\u2066isolated\u2069",
    "\u2028",
    '=HYPERLINK("http://x")',
    "@SUM(A1)",
    "x" * 5_000,
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-02:00",
    "1999-12-31T23:59:59Z",
    "2199-12-31T23:59:59Z",
    "2026-06-01T09:00:00",
]
HOSTILE_IN_BODIES = [*HOSTILE_IN_URLS, "a\ud800b", "x" * 70_000]
URL_TEXT = st.one_of(
    st.sampled_from(HOSTILE_IN_URLS), st.text(st.characters(exclude_categories=["Cs"]))
)
# A path segment that is empty, a dot or holds a slash names another route: not what is tested here.
PATH_TEXT = URL_TEXT.filter(lambda text: text.strip(".") != "" and "/" not in text)
BODY_TEXT = st.one_of(st.sampled_from(HOSTILE_IN_BODIES), st.text())


def hostile(value: Any, text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """`value` with each string in it either kept or swapped for a hostile one."""
    if isinstance(value, str):
        return st.one_of(st.just(value), text)
    if isinstance(value, dict):
        return st.fixed_dictionaries({key: hostile(item, text) for key, item in value.items()})
    if isinstance(value, list):
        return st.tuples(*(hostile(item, text) for item in value)).map(list)
    return st.just(value)


def test_no_hostile_string_gets_a_server_error(served: tuple[FastAPI, str]) -> None:
    app, token = served
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)

    @schema.hook
    def flatmap_body(_context: Any, body: Any) -> st.SearchStrategy[Any]:
        return hostile(body, BODY_TEXT)

    @schema.hook
    def flatmap_query(_context: Any, query: Any) -> st.SearchStrategy[Any]:
        return hostile(query, URL_TEXT)

    @schema.hook
    def flatmap_path_parameters(_context: Any, path: Any) -> st.SearchStrategy[Any]:
        return hostile(path, PATH_TEXT)

    run_every_operation(schema, token, examples=10)


def run_every_operation(schema: Any, token: str, examples: int = 6) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
