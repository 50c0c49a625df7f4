"""'No wrong door' through HTTP, on both stores: a referral declined, recalled or passed on; who
may do each (403), when (409), with what (422: consent, the registry); the chain in the case."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from complaints_ledger.api import create_app
from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.settings import Settings
from tests.api.test_complaints_api import COUNCIL, OFFICER, PROVIDER, START, Api, Who
from tests.builders import SimulatedClock, assert_problem

TRUST = "Northshire NHS Trust"
AT_PROVIDER: Who = (Role.OFFICER, PROVIDER)
AT_TRUST: Who = (Role.OFFICER, TRUST)
HEALTHWATCH: Who = (Role.HEALTHWATCH, COUNCIL)
OFFER = {"to_organisation": PROVIDER, "reason": "Self-funded care", "consent_to_share": True}
PASS_ON = {"to_organisation": TRUST, "reason": "Continuing healthcare", "consent_to_share": True}


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    clock = SimulatedClock(START + timedelta(hours=1))
    app = create_app(Settings(store=store_url, snapshot_interval=2), clock=clock)
    with TestClient(app) as client:
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        for name, kind in (
            (COUNCIL, OrganisationKind.COUNCIL),
            (PROVIDER, OrganisationKind.PROVIDER),
            (TRUST, OrganisationKind.NHS),
        ):
            app.state.store.ledger.register_organisation(admin, name=name, kind=kind)
        yield Api(client, app, clock)


def offered(api: Api) -> str:
    """A council case referred to the provider."""
    case_id = api.logged()
    assert api.run(case_id, "referrals", OFFER).status_code == 200
    return case_id


def chain(view: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(s["step"], s["by"], s["to"]) for s in view["referral_chain"]]


def test_the_receiver_declines_and_the_referrer_carries_on_with_its_clocks(api: Api) -> None:
    case_id = offered(api)
    due = {
        d["name"]: d["due"]
        for d in api.client.get(f"/complaints/{case_id}", headers=api.auth()).json()["deadlines"]
    }
    body = {"reason": "Council-commissioned: not ours", "suggested_organisation": TRUST}
    declined = api.run(case_id, "referral-decline", body, AT_PROVIDER)
    assert declined.status_code == 200, declined.text
    view = declined.json()
    assert (view["status"], view["organisation"], view["pending_referral"]) == (
        "received",
        COUNCIL,
        None,
    )
    assert {d["name"]: d["due"] for d in view["deadlines"]} == due  # never paused nor restarted
    assert chain(view) == [("offered", COUNCIL, PROVIDER), ("declined", PROVIDER, COUNCIL)]
    assert view["referral_chain"][1]["suggested_organisation"] == TRUST
    # The case is the council's again: it acknowledges (no 409) and may refer again (no 409).
    assert api.run(case_id, "acknowledgement", {}, OFFICER).status_code == 200
    assert api.run(case_id, "referrals", OFFER).status_code == 200


def test_the_referrer_recalls_before_acceptance_and_the_receiver_can_no_longer_accept(
    api: Api,
) -> None:
    case_id = offered(api)
    recalled = api.run(case_id, "referral-recall", {"reason": "Sent too soon"}, HEALTHWATCH)
    assert recalled.status_code == 200, recalled.text
    assert chain(recalled.json())[-1] == ("recalled", COUNCIL, COUNCIL)
    assert_problem(api.run(case_id, "referral-acceptance", {}, AT_PROVIDER), 403, "organisation")
    assert_problem(api.run(case_id, "referral-recall", {"reason": "again"}), 409, "status")


def test_the_receiver_passes_it_on_with_consent_and_the_third_accepts(api: Api) -> None:
    case_id = offered(api)
    refused = api.run(
        case_id, "referral-passing-on", {**PASS_ON, "consent_to_share": False}, AT_PROVIDER
    )
    assert TRUST in assert_problem(refused, 422, "consent_to_share")["detail"]
    assert api.events(case_id)[-1] == "Referred"  # nothing half-written

    passed = api.run(case_id, "referral-passing-on", PASS_ON, AT_PROVIDER)
    assert passed.status_code == 200, passed.text
    assert passed.json()["pending_referral"]["to"] == TRUST
    # The trust sees the case offered to it; the provider may read it but no longer act.
    assert api.client.get(f"/complaints/{case_id}", headers=api.auth(*AT_TRUST)).status_code == 200
    assert_problem(api.run(case_id, "referral-acceptance", {}, AT_PROVIDER), 403, "organisation")

    accepted = api.run(case_id, "referral-acceptance", {}, AT_TRUST)
    assert accepted.status_code == 200, accepted.text
    view = accepted.json()
    assert view["organisation"] == TRUST
    assert chain(view) == [
        ("offered", COUNCIL, PROVIDER),
        ("passed_on", PROVIDER, TRUST),
        ("accepted", TRUST, TRUST),
    ]
    assert api.events(case_id)[-3:] == ["Referred", "ReferralPassedOn", "ReferralAccepted"]


@pytest.mark.parametrize(
    ("action", "body", "who"),
    [
        ("referral-decline", {"reason": "r"}, OFFICER),  # the referrer cannot decline its own
        ("referral-passing-on", PASS_ON, OFFICER),
        ("referral-recall", {"reason": "r"}, AT_PROVIDER),  # the receiver cannot recall
        ("referral-decline", {"reason": "r"}, HEALTHWATCH),  # the role may not
    ],
)
def test_each_step_is_for_its_side_of_the_referral(
    api: Api, action: str, body: dict[str, Any], who: Who
) -> None:
    case_id = offered(api)
    field = "role" if who == HEALTHWATCH else "organisation"
    assert_problem(api.run(case_id, action, body, who), 403, field)
    assert api.events(case_id) == ["Received", "Referred"]


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("referral-decline", {"reason": "r"}),
        ("referral-passing-on", PASS_ON),
        ("referral-recall", {"reason": "r"}),
    ],
)
def test_without_a_pending_referral_each_step_is_a_conflict(
    api: Api, action: str, body: dict[str, Any]
) -> None:
    case_id = api.logged()
    assert_problem(api.run(case_id, action, body, OFFICER), 409, "status")


@pytest.mark.parametrize(
    ("action", "body", "who", "field"),
    [
        ("referrals", {**OFFER, "to_organisation": "Nowhere Care"}, OFFICER, "to_organisation"),
        (
            "referral-decline",
            {"reason": "r", "suggested_organisation": "Nowhere Care"},
            AT_PROVIDER,
            "suggested_organisation",
        ),
        (
            "referral-passing-on",
            {**PASS_ON, "to_organisation": "Nowhere Care"},
            AT_PROVIDER,
            "to_organisation",
        ),
    ],
)
def test_an_organisation_outside_the_registry_is_a_problem_naming_the_registry_command(
    api: Api, action: str, body: dict[str, Any], who: Who, field: str
) -> None:
    case_id = offered(api) if who == AT_PROVIDER else api.logged()
    before = api.events(case_id)
    problem = assert_problem(api.run(case_id, action, body, who), 422, field)
    assert "complaints-ledger org add 'Nowhere Care' --kind" in problem["detail"]
    assert api.events(case_id) == before


def test_a_registered_name_must_be_used_as_registered(api: Api) -> None:
    case_id = api.logged()
    problem = assert_problem(
        api.run(case_id, "referrals", {**OFFER, "to_organisation": PROVIDER.upper()}),
        422,
        "to_organisation",
    )
    assert f"registered as {PROVIDER!r}" in problem["detail"]
