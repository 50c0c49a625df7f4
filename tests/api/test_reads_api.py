"""The read audit through HTTP, on both stores: a command's answer is a recorded read, and
`GET /complaints/{id}/reads` shows who read a case to the holding organisation's managers and
auditors (404 to anyone who may not see the case, 403 to other roles)."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest

from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.domain.values import Role
from tests.api.test_complaints_api import COUNCIL, MANAGER, OTHER, PROVIDER, Api
from tests.api.test_complaints_api import api as api  # noqa: PLC0414 - the fixture, re-exported
from tests.builders import assert_problem

REVIEW = {"Purpose": "quarterly access review"}
OFFER = {"to_organisation": PROVIDER, "reason": "Self-funded care", "consent_to_share": True}


def reads_listed(api: Api, case_id: str, role: Role, organisation: str = COUNCIL) -> Any:
    return api.client.get(
        f"/complaints/{case_id}/reads", headers={**api.auth(role, organisation), **REVIEW}
    )


def seen(reads: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(r["principal"], r["what"], r["purpose"]) for r in reads]


def refuse_reads(monkeypatch: pytest.MonkeyPatch, api: Api) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise StoreUnavailableError("the read could not be recorded: disk full")

    monkeypatch.setattr(api.ledger, "record_read", refuse)


def test_the_case_a_post_returns_is_recorded_as_read_by_the_caller(api: Api) -> None:
    case_id = api.logged()
    acknowledged = api.run(
        case_id, "acknowledgement", {"discussion_offered": True}, Purpose="first contact"
    )
    assert acknowledged.status_code == 200, acknowledged.text
    officer = f"officer@{COUNCIL}"
    assert seen(api.ledger.reads_of(UUID(case_id))) == [
        (officer, "case returned by receive", "case work: receive"),
        (officer, "case returned by acknowledge", "first contact"),
    ]


def test_a_replayed_post_is_a_read_too(api: Api) -> None:
    case_id = api.logged()
    for _ in range(2):
        response = api.run(case_id, "acknowledgement", {}, Idempotency_Key="k1")
        assert response.status_code == 200, response.text
    whats = [r["what"] for r in api.ledger.reads_of(UUID(case_id))]
    assert whats == ["case returned by receive", *["case returned by acknowledge"] * 2]


def test_a_post_whose_read_cannot_be_recorded_is_acknowledged_without_the_case(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.logged()
    refuse_reads(monkeypatch, api)
    response = api.run(case_id, "acknowledgement", {}, Idempotency_Key="ack-1")
    assert response.status_code == 200, response.text
    assert "Canary" not in response.text
    assert response.json()["case"] is None
    assert "could not be recorded" in response.json()["withheld"]
    assert response.headers["ETag"] == '"2"'
    # The change is committed and acknowledged: a retry with the same key, once reads are
    # recorded again, returns the case without running the command twice.
    assert api.events(case_id) == ["Received", "Acknowledged"]
    monkeypatch.undo()
    retried = api.run(case_id, "acknowledgement", {}, Idempotency_Key="ack-1")
    assert retried.status_code == 200, retried.text
    assert "Canary Person" in retried.text
    assert api.events(case_id) == ["Received", "Acknowledged"]


def test_a_new_case_whose_read_cannot_be_recorded_is_acknowledged_without_its_data(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_reads(monkeypatch, api)
    response = api.log()
    assert response.status_code == 201, response.text
    assert "Canary" not in response.text
    case_id = response.json()["id"]
    assert response.headers["Location"].endswith(f"/complaints/{case_id}")
    assert response.json()["case"] is None
    assert api.events(case_id) == ["Received"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_managers_and_auditors_see_who_read_the_case(api: Api, role: Role) -> None:
    case_id = api.logged()
    looked = api.client.get(f"/complaints/{case_id}", headers={**api.auth(), "Purpose": "call"})
    assert looked.status_code == 200
    listed = reads_listed(api, case_id, role)
    assert listed.status_code == 200, listed.text
    assert listed.headers["Cache-Control"] == "no-store"
    document = listed.json()
    assert document["id"] == case_id
    officer, caller = f"officer@{COUNCIL}", f"{role}@{COUNCIL}"
    assert seen(document["reads"]) == [
        (officer, "case returned by receive", "case work: receive"),
        (officer, "case", "call"),
        (caller, "who read the case", "quarterly access review"),  # recorded before returned
    ]
    last = document["reads"][-1]
    assert (last["organisation"], last["role"]) == (COUNCIL, str(role))
    assert last["at"].startswith("2026-06-01T")
    assert "Canary" not in listed.text  # who read the case, never what it holds


def test_listing_reads_is_recorded_each_time(api: Api) -> None:
    case_id = api.logged()
    assert reads_listed(api, case_id, Role.MANAGER).status_code == 200
    second = reads_listed(api, case_id, Role.AUDITOR).json()["reads"]
    assert [r["role"] for r in second[-2:]] == ["manager", "auditor"]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ANALYST, Role.HEALTHWATCH])
def test_other_roles_that_see_the_case_are_refused(api: Api, role: Role) -> None:
    case_id = api.logged()
    before = api.ledger.reads_of(UUID(case_id))
    assert_problem(reads_listed(api, case_id, role), 403, "role")
    assert api.ledger.reads_of(UUID(case_id)) == before


def test_a_manager_of_an_organisation_it_was_referred_to_is_refused(api: Api) -> None:
    case_id = api.logged()
    assert api.run(case_id, "referrals", OFFER).status_code == 200
    assert_problem(reads_listed(api, case_id, Role.MANAGER, PROVIDER), 403, "organisation")


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AUDITOR])
def test_another_organisation_learns_nothing_not_even_that_the_case_exists(
    api: Api, role: Role
) -> None:
    case_id = api.logged()
    before = api.ledger.reads_of(UUID(case_id))
    hidden = reads_listed(api, case_id, role, OTHER)
    unknown = reads_listed(api, str(uuid4()), role, OTHER)
    assert_problem(hidden, 404, "id")
    assert (hidden.json()["type"], hidden.json()["title"]) == (
        unknown.json()["type"],
        unknown.json()["title"],
    )
    assert f"officer@{COUNCIL}" not in hidden.text
    assert api.ledger.reads_of(UUID(case_id)) == before


def test_the_list_is_not_returned_when_its_own_read_cannot_be_recorded(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.logged()
    refuse_reads(monkeypatch, api)
    response = reads_listed(api, case_id, *MANAGER)
    assert_problem(response, 503)
    assert f"officer@{COUNCIL}" not in response.text


def test_a_purpose_breaking_the_input_policy_is_a_422_naming_the_header(api: Api) -> None:
    case_id = api.logged()
    headers = {**api.auth(*MANAGER), "Purpose": "x" * 500}
    response = api.client.get(f"/complaints/{case_id}/reads", headers=headers)
    assert_problem(response, 422, "Purpose")
