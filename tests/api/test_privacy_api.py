"""Personal data through HTTP on both stores: erasure, litigation holds, subject access, the
retention run, pseudonymised reads for roles that may not see identities, and the partner feed.

The ledger's clock is simulated; tokens come from the app's own TokenStore.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from complaints_ledger.api import create_app
from complaints_ledger.api.models import CaseView, ErasureView, HistoryView
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.errors import IntegrityFailureError
from complaints_ledger.domain.privacy import SubjectRole, subject_id_for
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Role
from complaints_ledger.settings import Settings
from tests.builders import SimulatedClock, assert_problem, bearer, canary_complaint

COUNCIL, PROVIDER, OTHER = "Northshire Council", "Sunrise Care", "Southshire Council"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday 1 June 2026
CANARY = "Canary"  # in every name and email this file logs
Who = tuple[Role, str]
OFFICER: Who = (Role.OFFICER, COUNCIL)
MANAGER: Who = (Role.MANAGER, COUNCIL)
ADMIN: Who = (Role.ADMIN, COUNCIL)
AUDITOR: Who = (Role.AUDITOR, COUNCIL)
HOLD = {"reason": "Claim issued in the county court"}


@dataclass
class Api:
    client: TestClient
    app: FastAPI
    clock: SimulatedClock
    tokens: dict[Who, dict[str, str]] = field(default_factory=dict)

    @property
    def ledger(self) -> ComplaintsLedger:
        ledger: ComplaintsLedger = self.app.state.store.ledger
        return ledger

    def auth(self, who: Who = OFFICER) -> dict[str, str]:
        if who not in self.tokens:
            self.tokens[who] = bearer(self.app.state.store.tokens, *who)
        return dict(self.tokens[who])

    def logged(self, who: Who = OFFICER, **changes: Any) -> str:
        response = self.client.post(
            "/complaints",
            json=new_complaint(organisation=who[1], **changes),
            headers=self.auth(who),
        )
        assert response.status_code == 201, response.text
        case_id: str = response.json()["id"]
        return case_id

    def run(
        self, case_id: str, action: str, body: dict[str, Any], who: Who = MANAGER, **headers: str
    ) -> Response:
        """POST a command two hours after the last; headers by keyword (`If_Match="1"`)."""
        self.clock.advance(hours=2)
        return self.client.post(
            f"/complaints/{case_id}/{action}",
            json=body,
            headers={**self.auth(who), **named(headers)},
        )

    def erase(
        self,
        subject_id: UUID | str,
        who: Who = MANAGER,
        reason: str = "The complainant asked us to erase their data",
        **headers: str,
    ) -> Response:
        self.clock.advance(hours=2)
        return self.client.post(
            f"/subjects/{subject_id}/erasure",
            json={"reason": reason},
            headers={**self.auth(who), **named(headers)},
        )

    def read(self, path: str, who: Who = OFFICER, **params: str) -> Response:
        response = self.client.get(path, params=params, headers=self.auth(who))
        assert response.status_code == 200, response.text
        return response

    def events(self, case_id: str) -> list[str]:
        return [entry.type for entry in self.ledger.history(UUID(case_id))]


def named(headers: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in headers.items()}


def new_complaint(**changes: Any) -> dict[str, Any]:
    return canary_complaint(
        **{
            "summary": "Carers missed four visits to Canary Person.",
            "accessibility_needs": ["large print"],
            **changes,
        }
    )


def complainant_of(case_id: str) -> UUID:
    return subject_id_for(UUID(case_id), SubjectRole.COMPLAINANT)


def assert_no_canary(response: Response) -> None:
    assert CANARY.casefold() not in response.text.casefold()


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    """The API on this test's store, its organisations registered, the client open."""
    clock = SimulatedClock(START + timedelta(hours=1))
    app = create_app(Settings(store=store_url, snapshot_interval=0), clock=clock)
    with TestClient(app) as client:
        ledger: ComplaintsLedger = app.state.store.ledger
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        for name in (COUNCIL, OTHER):
            ledger.register_organisation(admin, name=name, kind=OrganisationKind.COUNCIL)
        ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
        yield Api(client, app, clock)


# --------------------------------------------------------------------------- erasure


def test_a_manager_erases_the_complainant_and_only_their_data_goes(api: Api) -> None:
    case_id = api.logged()
    before = api.read(f"/complaints/{case_id}").json()
    assert before["complainant"]["name"] == "Canary Person"
    # The case names its data subjects: the ids erasure and subject access take.
    subject = UUID(before["data_subjects"]["complainant"])
    assert subject == complainant_of(case_id)
    assert before["erased_subjects"] == []

    assert_problem(api.erase(subject, OFFICER), 403, "role")
    other = api.erase(subject, (Role.MANAGER, OTHER))
    unknown = api.erase(uuid4())
    assert_problem(other, 404, "subject_id")
    assert_problem(unknown, 404, "subject_id")
    assert {k: v for k, v in other.json().items() if k != "detail"} == {
        k: v for k, v in unknown.json().items() if k != "detail"
    }
    assert_no_canary(other)
    assert api.events(case_id) == ["Received"]

    erased = api.erase(subject)
    assert erased.status_code == 200, erased.text
    assert ErasureView.model_validate(erased.json()) == ErasureView(
        subject_id=subject,
        role=SubjectRole.COMPLAINANT,
        case_id=UUID(case_id),
        version=2,
        finished_earlier_erasure=False,
    )

    case = api.read(f"/complaints/{case_id}")
    view = case.json()
    CaseView.model_validate(view)
    assert (view["complainant"], view["summary"]) == ("[erased]", "[erased]")
    assert view["erased_subjects"] == ["complainant"]
    assert view["accessibility_needs"] == "[erased]"
    for unchanged in ("kind", "subjects", "deadlines", "about", "organisation", "received_at"):
        assert view[unchanged] == before[unchanged], unchanged
    assert_no_canary(case)

    history = api.read(f"/complaints/{case_id}/history")
    events = HistoryView.model_validate(history.json()).events
    assert [e.type for e in events] == ["Received", "SubjectErased"]
    assert events[0].data["personal"]["complainant"] == "[erased]"
    assert events[0].data["personal"]["summary"] == "[erased]"
    assert events[1].data["reason"] == "The complainant asked us to erase their data"
    assert_no_canary(history)

    assert_problem(api.erase(subject), 409, "subject_id")
    assert api.events(case_id) == ["Received", "SubjectErased"]


def test_a_retried_erasure_returns_the_first_response(api: Api) -> None:
    case_id = api.logged()
    subject = complainant_of(case_id)
    first = api.erase(subject, Idempotency_Key="erase-1")
    retried = api.erase(subject, Idempotency_Key="erase-1")
    assert first.status_code == retried.status_code == 200, retried.text
    assert first.json() == retried.json()
    changed = api.erase(subject, reason="Another reason", Idempotency_Key="erase-1")
    assert_problem(changed, 422, "Idempotency-Key")
    assert_problem(api.erase(subject, Idempotency_Key="erase-2"), 409, "subject_id")
    assert api.events(case_id) == ["Received", "SubjectErased"]


def test_an_admin_of_the_holding_organisation_may_erase_and_a_representative_alone(
    api: Api,
) -> None:
    representative = {
        "person": {"name": "Canary Rep", "phone": "07700 900123"},
        "relationship": "daughter",
        "consent": "consent_given",
    }
    case_id = api.logged(representative=representative)
    subject = subject_id_for(UUID(case_id), SubjectRole.REPRESENTATIVE)
    assert_problem(api.erase(subject, (Role.ADMIN, OTHER)), 404, "subject_id")
    erased = api.erase(subject, ADMIN)
    assert (erased.status_code, erased.json()["role"]) == (200, "representative"), erased.text
    view = api.read(f"/complaints/{case_id}").json()
    CaseView.model_validate(view)
    assert view["representative"] == "[erased]"
    assert view["complainant"]["name"] == "Canary Person"


# --------------------------------------------------------------------------- litigation holds


def test_a_litigation_hold_stops_erasure_until_it_is_lifted(api: Api) -> None:
    case_id = api.logged()
    subject = complainant_of(case_id)
    assert_problem(api.run(case_id, "place-litigation-hold", HOLD, OFFICER), 403, "role")
    assert_problem(api.run(case_id, "place-litigation-hold", HOLD, (Role.MANAGER, OTHER)), 404)
    assert_problem(api.run(case_id, "place-litigation-hold", HOLD, If_Match='"7"'), 409, "If-Match")

    placed = api.run(case_id, "place-litigation-hold", HOLD, If_Match='"1"', Idempotency_Key="hold")
    assert (placed.status_code, placed.headers["ETag"]) == (200, '"2"'), placed.text
    CaseView.model_validate(placed.json())
    again = api.run(case_id, "place-litigation-hold", HOLD, If_Match='"1"', Idempotency_Key="hold")
    assert (again.status_code, again.json()) == (200, placed.json())
    assert_problem(api.run(case_id, "place-litigation-hold", HOLD), 409, "status")

    held = assert_problem(api.erase(subject), 409, "litigation_hold")
    assert held["rule"] == "litigation hold"
    assert HOLD["reason"] in held["detail"]

    lifting = {"reason": "Claim settled"}
    assert_problem(api.run(case_id, "lift-litigation-hold", lifting, OFFICER), 403, "role")
    lifted = api.run(case_id, "lift-litigation-hold", lifting, If_Match='"2"')
    assert (lifted.status_code, lifted.headers["ETag"]) == (200, '"3"'), lifted.text
    assert api.erase(subject).status_code == 200
    assert api.events(case_id) == [
        "Received",
        "LitigationHoldPlaced",
        "LitigationHoldLifted",
        "SubjectErased",
    ]


# --------------------------------------------------------------------------- subject access


def test_a_subject_access_export_is_recorded_as_a_read(api: Api) -> None:
    case_id = api.logged()
    subject = complainant_of(case_id)
    path = f"/subjects/{subject}"
    assert_problem(api.client.get(path, headers=api.auth(OFFICER)), 403, "role")
    elsewhere = api.client.get(path, headers=api.auth((Role.MANAGER, OTHER)))
    assert_problem(elsewhere, 404, "subject_id")
    assert_problem(api.client.get(f"/subjects/{uuid4()}", headers=api.auth(MANAGER)), 404)
    logged = api.ledger.reads_of(UUID(case_id))  # the case its POST returned
    assert [r["what"] for r in logged] == ["case returned by receive"]

    headers = {**api.auth(MANAGER), "Purpose": "subject access request"}
    held = api.client.get(path, headers=headers)
    assert held.status_code == 200, held.text
    assert held.headers["Cache-Control"] == "no-store"
    export = held.json()
    assert (export["subject_id"], export["role"], export["status"]) == (
        str(subject),
        "complainant",
        "held",
    )
    assert export["case"]["id"] == case_id
    assert "Canary Person" in held.text
    reads = api.ledger.reads_of(UUID(case_id))[len(logged) :]
    assert [(r["what"], r["purpose"], r["role"]) for r in reads] == [
        (f"subject access export of {subject}", "subject access request", "manager")
    ]
    assert export["reads"][-1]["what"] == reads[0]["what"]

    assert api.erase(subject).status_code == 200
    erased = api.client.get(path, headers=api.auth(ADMIN))
    assert erased.status_code == 200, erased.text
    assert erased.json()["status"] == "erased"
    assert erased.json()["erased"]["reason"] == "The complainant asked us to erase their data"
    assert "[erased]" in erased.text
    assert_no_canary(erased)
    assert len(api.ledger.reads_of(UUID(case_id))) == len(logged) + 2


# --------------------------------------------------------------------------- pseudonyms


def test_an_auditor_sees_stable_pseudonyms_and_no_identities(api: Api) -> None:
    first = api.logged()
    second = api.logged(complainant={"name": "Canary P.", "email": " Canary@Example.org"})
    views = [api.read(f"/complaints/{case_id}", AUDITOR) for case_id in (first, second)]
    for response in views:
        assert_no_canary(response)
        view = CaseView.model_validate(response.json())
        assert view.summary == "[withheld]"
        assert view.accessibility_needs == "[withheld]"
    pseudonyms = [response.json()["complainant"]["pseudonym"] for response in views]
    assert pseudonyms[0].startswith("p-")
    assert pseudonyms[0] == pseudonyms[1]

    history = api.read(f"/complaints/{first}/history", AUDITOR)
    assert_no_canary(history)
    personal = HistoryView.model_validate(history.json()).events[0].data["personal"]
    assert personal["complainant"] == {"pseudonym": pseudonyms[0]}
    assert personal["summary"] == "[withheld]"
    as_of = api.read(f"/complaints/{first}", AUDITOR, as_of=api.clock.now.isoformat())
    assert_no_canary(as_of)
    assert as_of.json()["complainant"] == {"pseudonym": pseudonyms[0]}

    # Another audience (the auditor of an organisation the case was referred to) gets another.
    referral = {"to_organisation": OTHER, "reason": "Theirs", "consent_to_share": True}
    assert api.run(first, "referrals", referral, OFFICER).status_code == 200
    elsewhere = api.read(f"/complaints/{first}", (Role.AUDITOR, OTHER))
    assert_no_canary(elsewhere)
    assert elsewhere.json()["complainant"]["pseudonym"] not in {pseudonyms[0], None}

    # An analyst of the organisation is another audience; an analyst elsewhere sees nothing.
    analyst = api.read(f"/complaints/{second}/history", (Role.ANALYST, COUNCIL))
    assert_no_canary(analyst)
    analyst_pseudonym = analyst.json()["events"][0]["data"]["personal"]["complainant"]
    assert analyst_pseudonym["pseudonym"] not in {pseudonyms[0], None}
    assert_problem(
        api.client.get(f"/complaints/{second}", headers=api.auth((Role.ANALYST, OTHER))), 404
    )
    assert_problem(api.run(second, "acknowledgement", {}, (Role.ANALYST, COUNCIL)), 403, "role")

    # Roles that handle or investigate the case see who complained.
    assert api.read(f"/complaints/{first}").json()["complainant"]["name"] == "Canary Person"
    # The partner feed, for the same audience, shows the same person as the same pseudonym.
    feed = api.read("/sharing/case-facts", AUDITOR).json()["facts"]
    assert {fact["complainant"] for fact in feed} == {pseudonyms[0]}


def test_an_auditor_sees_an_erased_person_as_erased(api: Api) -> None:
    representative = {
        "person": {"name": "Canary Rep", "email": "rep@example.org"},
        "relationship": "son",
        "consent": "consent_given",
    }
    case_id = api.logged(representative=representative)
    before = api.read(f"/complaints/{case_id}", AUDITOR).json()
    assert before["representative"]["pseudonym"] != before["complainant"]["pseudonym"]
    assert api.erase(complainant_of(case_id)).status_code == 200
    after = api.read(f"/complaints/{case_id}", AUDITOR)
    CaseView.model_validate(after.json())
    assert after.json()["complainant"] == "[erased]"
    assert after.json()["representative"] == before["representative"]
    assert_no_canary(after)


# --------------------------------------------------------------------------- sharing feed


def test_the_case_facts_feed_has_no_case_ids_and_no_identities(api: Api) -> None:
    case_ids = [api.logged(), api.logged()]
    api.logged((Role.OFFICER, OTHER))
    response = api.read("/sharing/case-facts", (Role.HEALTHWATCH, "Healthwatch Northshire"))
    facts = response.json()["facts"]
    assert len(facts) == 3, facts
    assert all("case_id" not in fact and "id" not in fact for fact in facts)
    assert not any(case_id in response.text for case_id in case_ids)
    assert_no_canary(response)
    assert {fact["organisation"] for fact in facts} == {COUNCIL, OTHER}
    assert all(fact["complainant"].startswith("p-") for fact in facts)

    mine = api.read("/sharing/case-facts", OFFICER, organisation=COUNCIL).json()["facts"]
    assert len(mine) == 2
    assert {fact["received_month"] for fact in mine} == {"2026-06"}
    assert_problem(api.client.get("/sharing/case-facts"), 401)


# --------------------------------------------------------------------------- retention


def closed_case(api: Api, organisation: str = COUNCIL) -> str:
    case_id = api.logged((Role.OFFICER, organisation))
    response = {
        "outcome": "not_upheld",
        "remedies": [],
        "signed_by": "Head of Service",
        "ombudsman_rights_given": True,
        "summary": "We found the visits were made.",
    }
    for action, body in (("acknowledgement", {}), ("response", response), ("closure", {})):
        assert api.run(case_id, action, body, (Role.MANAGER, organisation)).status_code == 200
    return case_id


def retention(api: Api, **request: Any) -> Response:
    """POST /retention/run: like every POST, sent as JSON (it has no body)."""
    return api.client.post("/retention/run", json={}, **request)


def test_a_retention_dry_run_lists_what_is_due_and_erases_nothing(api: Api) -> None:
    closed, held, open_case = closed_case(api), closed_case(api), api.logged()
    assert api.run(held, "place-litigation-hold", HOLD).status_code == 200
    assert_problem(retention(api, params={"dry_run": True}, headers=api.auth()), 403)
    assert_problem(retention(api, params={"dry_run": True}, headers=api.auth(MANAGER)), 403, "role")
    assert_problem(retention(api, headers=api.auth(ADMIN)), 422, "dry_run")
    wet = {"dry_run": False, "today": "2040-01-01"}
    assert_problem(retention(api, params=wet, headers=api.auth(ADMIN)), 422, "today")
    bad_day = {"dry_run": True, "today": "someday"}
    assert_problem(retention(api, params=bad_day, headers=api.auth(ADMIN)), 422, "today")

    now = retention(api, params={"dry_run": True}, headers=api.auth(ADMIN))
    assert (now.status_code, now.json()["decisions"]) == (200, []), now.text

    later = {"dry_run": True, "today": "2040-01-01"}
    report = retention(api, params=later, headers=api.auth(ADMIN))
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["today"], body["dry_run"], body["cases_checked"]) == ("2040-01-01", True, 3)
    decisions = {d["case_id"]: d for d in body["decisions"]}
    assert set(decisions) == {closed, held}
    assert open_case not in decisions
    assert decisions[closed]["decision"] == "would erase"
    assert (decisions[closed]["closed_on"], decisions[closed]["due_on"]) == (
        "2026-06-01",
        "2036-06-01",
    )
    assert (decisions[closed]["kind"], decisions[closed]["organisation"]) == ("complaint", COUNCIL)
    assert decisions[closed]["hold_reason"] is None
    assert decisions[closed]["subjects"] == [str(complainant_of(closed))]
    assert (decisions[held]["decision"], decisions[held]["hold_reason"]) == (
        "held",
        HOLD["reason"],
    )
    assert body["counts"] == {"erased": 0, "would erase": 1, "held": 1}
    assert api.read(f"/complaints/{closed}").json()["complainant"]["name"] == "Canary Person"


def test_a_retention_run_erases_what_is_due_on_the_ledgers_day(api: Api) -> None:
    closed = closed_case(api)
    api.clock.advance(days=366 * 10 + 10)
    report = retention(api, params={"dry_run": False}, headers=api.auth(ADMIN))
    assert report.status_code == 200, report.text
    assert report.json()["counts"] == {"erased": 1, "would erase": 0, "held": 0}
    assert api.read(f"/complaints/{closed}").json()["complainant"] == "[erased]"
    again = retention(api, params={"dry_run": False}, headers=api.auth(ADMIN))
    assert again.json()["decisions"] == []


def test_an_admin_judges_and_erases_only_its_own_organisations_cases(api: Api) -> None:
    ours, theirs = closed_case(api), closed_case(api, OTHER)
    later = {"dry_run": True, "today": "2040-01-01"}
    report = retention(api, params=later, headers=api.auth(ADMIN)).json()
    assert ([d["case_id"] for d in report["decisions"]], report["cases_checked"]) == ([ours], 1)
    assert theirs not in str(report)
    assert str(complainant_of(theirs)) not in str(report)

    api.clock.advance(days=366 * 10 + 10)
    erased = retention(api, params={"dry_run": False}, headers=api.auth((Role.ADMIN, OTHER)))
    assert [d["case_id"] for d in erased.json()["decisions"]] == [theirs]
    assert api.read(f"/complaints/{ours}").json()["complainant"]["name"] == "Canary Person"
    assert api.read(f"/complaints/{theirs}", (Role.OFFICER, OTHER)).json()["complainant"] == (
        "[erased]"
    )


# --------------------------------------------------------------------------- problems


def test_malformed_requests_are_422_naming_the_field(api: Api) -> None:
    case_id = api.logged()
    subject = complainant_of(case_id)
    headers = api.auth(MANAGER)
    post = api.client.post
    assert_problem(post(f"/subjects/{subject}/erasure", json={}, headers=headers), 422, "reason")
    assert_problem(
        post("/subjects/not-a-uuid/erasure", json={"reason": "x"}, headers=headers),
        422,
        "subject_id",
    )
    assert_problem(api.client.get("/subjects/42", headers=headers), 422, "subject_id")
    extra = {"reason": "x", "case": case_id}
    assert_problem(post(f"/subjects/{subject}/erasure", json=extra, headers=headers), 422, "case")
    assert_problem(api.erase(subject, reason="  "), 422, "reason")
    assert_problem(api.run(case_id, "place-litigation-hold", {}), 422, "reason")
    assert_problem(api.run(case_id, "lift-litigation-hold", {"reason": 3}), 422, "reason")
    assert api.events(case_id) == ["Received"]


def test_an_integrity_failure_is_a_problem_without_details(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.logged()

    def tampered(*_: object) -> None:
        raise IntegrityFailureError(
            f"the personal field 'complainant' of case {case_id} version 1 does not decrypt",
            field="complainant",
        )

    monkeypatch.setattr(api.ledger, "get", tampered)
    response = api.client.get(f"/complaints/{case_id}", headers=api.auth())
    problem = assert_problem(response, 500)
    assert problem["type"] == "urn:complaints-ledger:problem:integrity-failure"
    assert "does not decrypt" not in response.text


def test_the_openapi_document_describes_the_new_routes(api: Api) -> None:
    paths = api.client.get("/openapi.json").json()["paths"]
    for path, method in (
        ("/subjects/{subject_id}/erasure", "post"),
        ("/subjects/{subject_id}", "get"),
        ("/retention/run", "post"),
        ("/sharing/case-facts", "get"),
        ("/complaints/{case_id}/place-litigation-hold", "post"),
        ("/complaints/{case_id}/lift-litigation-hold", "post"),
    ):
        operation = paths[path][method]
        assert operation["summary"], path
        assert "application/problem+json" in operation["responses"]["403"]["content"], path
