"""Hostile and careless input through HTTP, on both stores: every text follows the input policy and
every query parameter is range-checked. A refusal is a 422 naming the field, never a 500, and
stores nothing; the read side keeps answering for everyone afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.inputs import TextPolicyError, clean_line
from complaints_ledger.settings import Settings

COUNCIL = "Northshire Council"
NOW = datetime(2026, 6, 2, 9, tzinfo=UTC)
ANNUAL = {"organisation": COUNCIL, "year": "2026"}
QUERY_TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]))  # a URL cannot carry one
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Ledger:
    client: TestClient
    app: FastAPI
    case_id: str
    new_complaint: Callable[..., dict[str, Any]]

    def body(self, **changes: Any) -> dict[str, Any]:
        return self.new_complaint(COUNCIL, **changes)

    def with_about(self, **about: str) -> dict[str, Any]:
        return self.body(about={**self.body()["about"], **about})

    def headers(self, role: Role = Role.MANAGER) -> dict[str, str]:
        raw, _ = self.app.state.store.tokens.create(
            principal=f"{role}", organisation=COUNCIL, role=role
        )
        return {"Authorization": f"Bearer {raw}", "Content-Type": "application/json"}

    def events(self) -> int:
        ledger: ComplaintsLedger = self.app.state.store.ledger
        return ledger.recorder.max_notification_id() or 0

    def create(self, body: dict[str, Any]) -> Any:
        return self.client.post("/complaints", json=body, headers=self.headers(Role.OFFICER))


@pytest.fixture
def ledger(store_url: str, new_complaint: Callable[..., dict[str, Any]]) -> Iterator[Ledger]:
    app = create_app(Settings(store=store_url, snapshot_interval=0), clock=lambda: NOW)
    with TestClient(app) as client:
        app.state.store.ledger.register_organisation(
            CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN)),
            name=COUNCIL,
            kind=OrganisationKind.COUNCIL,
        )
        raw, _ = app.state.store.tokens.create(
            principal="o", organisation=COUNCIL, role=Role.OFFICER
        )
        created = client.post(
            "/complaints", json=new_complaint(COUNCIL), headers={"Authorization": f"Bearer {raw}"}
        )
        assert created.status_code == 201, created.text
        yield Ledger(client, app, created.json()["id"], new_complaint)


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field


@pytest.mark.parametrize("field", ["organisation", "service"])
def test_a_nul_in_about_is_refused_and_nothing_is_stored(ledger: Ledger, field: str) -> None:
    before = ledger.events()
    response = ledger.create(ledger.with_about(**{field: "Bright\u0000water"}))
    assert_refused(response, f"about.{field}")
    assert "U+0000" in response.json()["detail"]
    assert ledger.events() == before
    for path in ("/dashboards/timeliness", "/complaints", "/sharing/case-facts"):
        assert ledger.client.get(path, headers=ledger.headers()).status_code == 200, path


@pytest.mark.parametrize("text", ["Bright\u202ewater", "Bright\x1b[31mwater", "Bright\r\nwater"])
def test_controls_and_bidi_overrides_are_refused_in_names(ledger: Ledger, text: str) -> None:
    before = ledger.events()
    assert_refused(ledger.create(ledger.with_about(organisation=text)), "about.organisation")
    assert_refused(ledger.create(ledger.body(subjects=[text])), "subjects[0]")
    assert ledger.events() == before


def test_free_text_keeps_line_breaks_and_is_stored_normalised(ledger: Ledger) -> None:
    body = ledger.with_about(organisation="  Brightwater Home Care Ltd ")
    summary = "First visit missed.\r\nSecond: Cafe\u0301 closed."
    response = ledger.create({**body, "summary": summary})
    assert response.status_code == 201, response.text
    case = response.json()["case"]
    assert case["summary"] == "First visit missed.\nSecond: Caf\u00e9 closed."
    assert case["about"]["organisation"] == "Brightwater Home Care Ltd"


def test_a_correction_holds_new_value_to_the_fields_policy(ledger: Ledger) -> None:
    def correct(field: str, new_value: str) -> Any:
        body = {"field": field, "new_value": new_value, "reason": "typo"}
        path = f"/complaints/{ledger.case_id}/corrections"
        return ledger.client.post(path, json=body, headers=ledger.headers())

    before = ledger.events()
    assert_refused(correct("service", "day\nservices"), "new_value")
    assert_refused(correct("summary", "Missed\x00visits"), "new_value")
    assert ledger.events() == before
    corrected = correct("summary", "Missed visits.\nTwice.")
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["summary"] == "Missed visits.\nTwice."


def test_a_purpose_header_with_controls_is_refused_and_no_read_is_recorded(ledger: Ledger) -> None:
    before = ledger.events()
    headers = {**ledger.headers(), "Purpose": "review\x1b[2J"}
    assert_refused(ledger.client.get(f"/complaints/{ledger.case_id}", headers=headers), "Purpose")
    assert ledger.events() == before


QUERIES = [
    ("/dashboards/timeliness", "organisation"),
    ("/learning-register", "organisation"),
    ("/learning-register", "theme"),
    ("/learning-register/you-said-we-did", "organisation"),
    ("/sharing/case-facts", "organisation"),
    ("/complaints", "organisation"),
    ("/complaints", "cursor"),
]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MANAGER])
def test_a_nul_in_a_query_parameter_is_a_422_naming_it(ledger: Ledger, role: Role) -> None:
    for path, name in QUERIES:
        response = ledger.client.get(path, params={name: "a\u0000b"}, headers=ledger.headers(role))
        assert_refused(response, name)


def test_a_nul_in_the_annual_report_organisation_is_a_422(ledger: Ledger) -> None:
    params = {**ANNUAL, "organisation": "a\u0000b"}
    assert_refused(
        ledger.client.get("/reports/annual", params=params, headers=ledger.headers()),
        "organisation",
    )


EXTREME_INSTANTS = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-02:00",
    "1999-12-31T23:59:59Z",
    (NOW + timedelta(days=1)).isoformat(),  # not yet recorded: in the future
]
AS_OF_ROUTES: list[tuple[str, dict[str, str]]] = [
    ("/dashboards/timeliness", {}),
    ("/learning-register", {}),
    ("/reports/annual", ANNUAL),
    ("/complaints/{case}", {}),
    ("/complaints/{case}/history", {}),
    ("/complaints/{case}/audit-trail", {}),
]


def as_of_answers(ledger: Ledger, as_of: str) -> Iterator[tuple[str, Any]]:
    for route, params in AS_OF_ROUTES:
        path = route.format(case=ledger.case_id)
        query = {**params, "as_of": as_of}
        yield path, ledger.client.get(path, params=query, headers=ledger.headers())


@pytest.mark.parametrize("as_of", EXTREME_INSTANTS)
def test_as_of_outside_the_ledgers_lifetime_is_a_422(ledger: Ledger, as_of: str) -> None:
    for _path, response in as_of_answers(ledger, as_of):
        assert_refused(response, "as_of")


def test_as_of_within_the_ledgers_lifetime_still_answers(ledger: Ledger) -> None:
    for path, response in as_of_answers(ledger, NOW.isoformat()):
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_today_outside_the_ledgers_lifetime_is_a_422(ledger: Ledger, today: str) -> None:
    for path in ("/dashboards/timeliness", "/learning-register", "/complaints"):
        response = ledger.client.get(path, params={"today": today}, headers=ledger.headers())
        assert_refused(response, "today")


def test_a_retention_dry_run_on_day_9999_12_31_is_a_422(ledger: Ledger) -> None:
    response = ledger.client.post(
        "/retention/run",
        params={"dry_run": "true", "today": "9999-12-31"},
        headers=ledger.headers(Role.ADMIN),
    )
    assert_refused(response, "today")


@pytest.mark.parametrize(
    ("name", "value"),
    [("received_from", "0001-01-01"), ("received_to", "9999-12-31"), ("year", "1999")],
)
def test_date_filters_and_years_are_range_checked(ledger: Ledger, name: str, value: str) -> None:
    path, params = ("/reports/annual", ANNUAL) if name == "year" else ("/complaints", {})
    response = ledger.client.get(path, params={**params, name: value}, headers=ledger.headers())
    assert_refused(response, name)


@HYPOTHESIS
@given(about=st.text(), summary=st.text())
def test_any_unicode_in_a_new_complaint_is_stored_clean_or_refused(
    ledger: Ledger, about: str, summary: str
) -> None:
    before = ledger.events()
    response = ledger.create({**ledger.with_about(organisation=about), "summary": summary})
    assert response.status_code < 500, response.text
    if response.status_code == 201:
        # The case's one event, and its access log opened with the read of the case returned.
        assert ledger.events() == before + 3
        stored: ComplaintsLedger = ledger.app.state.store.ledger
        case_id = UUID(response.json()["id"])
        assert [entry.type for entry in stored.history(case_id)] == ["Received"]
        assert [r["what"] for r in stored.reads_of(case_id)] == ["case returned by receive"]
        assert response.json()["case"]["about"]["organisation"] == clean_line(about)
    else:
        assert ledger.events() == before


def accepted_as_a_name(text: str) -> bool:
    try:
        clean_line(text)
    except TextPolicyError:
        return False
    return len(text) <= 200


@HYPOTHESIS
@given(organisation=QUERY_TEXT, theme=QUERY_TEXT)
def test_any_unicode_in_a_query_is_answered_or_refused_never_a_500(
    ledger: Ledger, organisation: str, theme: str
) -> None:
    before = ledger.events()
    response = ledger.client.get(
        "/learning-register",
        params={"organisation": organisation, "theme": theme},
        headers=ledger.headers(Role.ANALYST),
    )
    expected = 200 if accepted_as_a_name(organisation) and accepted_as_a_name(theme) else 422
    assert response.status_code == expected, response.text
    assert ledger.events() == before
