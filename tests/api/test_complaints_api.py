"""The complaints API through HTTP, on both stores: lifecycle, concurrency, idempotency, audit.

The ledger's clock is simulated; tokens come from the app's own TokenStore.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from structlog.testing import capture_logs

from complaints_ledger.api import command_bodies as bodies
from complaints_ledger.api import create_app, idempotency
from complaints_ledger.api.models import CaseView, CreatedCase, HistoryView
from complaints_ledger.api.schemas import ComplaintCreate
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import CASE_ID_NAMESPACE, ComplaintsLedger
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Role
from complaints_ledger.settings import Settings
from tests.builders import SimulatedClock, assert_problem, bearer, canary_complaint

COUNCIL, PROVIDER, OTHER = "Northshire Council", "Sunrise Care", "Southshire Council"
LGSCO = "Local Government and Social Care Ombudsman"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday 1 June 2026
MAX_BODY_BYTES = 4096
Who = tuple[Role, str]
OFFICER: Who = (Role.OFFICER, COUNCIL)
MANAGER: Who = (Role.MANAGER, COUNCIL)


@dataclass
class Api:
    client: TestClient
    app: FastAPI
    clock: SimulatedClock
    tokens: dict[tuple[Role, str], dict[str, str]] = field(default_factory=dict)

    @property
    def ledger(self) -> ComplaintsLedger:
        ledger: ComplaintsLedger = self.app.state.store.ledger
        return ledger

    def auth(self, role: Role = Role.OFFICER, organisation: str = COUNCIL) -> dict[str, str]:
        if (role, organisation) not in self.tokens:
            self.tokens[role, organisation] = bearer(
                self.app.state.store.tokens, role, organisation
            )
        return dict(self.tokens[role, organisation])

    def log(self, role: Role = Role.OFFICER, key: str | None = None, **changes: Any) -> Response:
        headers = self.auth(role, changes.get("organisation", COUNCIL))
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post("/complaints", json=canary_complaint(**changes), headers=headers)

    def logged(self, **changes: Any) -> str:
        response = self.log(**changes)
        assert response.status_code == 201, response.text
        case_id: str = response.json()["id"]
        return case_id

    def run(
        self,
        case_id: str,
        action: str,
        body: dict[str, Any] | None = None,
        who: Who = OFFICER,
        **headers: str,
    ) -> Response:
        """POST a command two hours after the last; headers by keyword (`If_Match="1"`)."""
        self.clock.advance(hours=2)
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        return self.client.post(
            f"/complaints/{case_id}/{action}", json=body or {}, headers={**self.auth(*who), **named}
        )

    def events(self, case_id: str) -> list[str]:
        return [entry.type for entry in self.ledger.history(UUID(case_id))]


@pytest.fixture
def api(store_url: str) -> Iterator[Api]:
    """The API on this test's store, its organisations registered, the client open."""
    clock = SimulatedClock(START + timedelta(hours=1))
    settings = Settings(store=store_url, snapshot_interval=0, api_max_body_bytes=MAX_BODY_BYTES)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        ledger: ComplaintsLedger = app.state.store.ledger
        admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
        for name in (COUNCIL, OTHER):
            ledger.register_organisation(admin, name=name, kind=OrganisationKind.COUNCIL)
        ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
        ledger.register_organisation(
            admin, name=LGSCO, kind=OrganisationKind.OMBUDSMAN, ombudsman_body=Ombudsman.LGSCO
        )
        yield Api(client, app, clock)


# --------------------------------------------------------------------------- the lifecycle

LIFECYCLE: list[tuple[str, dict[str, Any], Who]] = [
    ("acknowledgement", {"discussion_offered": True}, OFFICER),
    ("investigation", {"investigator": "i.patel"}, OFFICER),
    ("evidence", {"evidence_kind": "visit log", "source": "provider", "notes": "2"}, OFFICER),
    ("updates", {"channel": "phone", "message": "We are looking into it"}, OFFICER),
    ("target-pause", {"reason": "Awaiting GP letter"}, OFFICER),
    ("target-resumption", {}, OFFICER),
    (
        "response",
        {
            "outcome": "upheld",
            "remedies": ["apology", "training"],
            "signed_by": "Director of Adult Social Care",
            "ombudsman_rights_given": True,
            "summary": "We are sorry.",
        },
        OFFICER,
    ),
    (
        "actions",
        {"action_id": "A1", "description": "Retrain", "owner": "Rota", "due_on": "2026-09-30"},
        OFFICER,
    ),
    ("closure", {}, MANAGER),
    ("actions/A1/completion", {"note": "Done"}, OFFICER),
    ("feedback-requests", {"channel": "email"}, OFFICER),
    ("feedback", {"satisfaction": 4, "comments": "Better now"}, OFFICER),
    (
        "lessons",
        {
            "lesson_id": "L1",
            "theme": "rota",
            "lesson": "Missed visits went unreported",
            "action": "Daily missed-visit report",
            "shared_with_partners": True,
        },
        OFFICER,
    ),
    ("forum-reviews", {"forum": "Forum", "findings": "Fine", "handled_well": True}, OFFICER),
    ("escalations", {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"}, OFFICER),
    (
        "ombudsman-decisions",
        {
            "body": "LGSCO",
            "decision": "upheld_fault_causing_injustice",
            "recommended_remedies": ["financial"],
            "remedy_compliance": "complied",
        },
        OFFICER,
    ),
    ("corrections", {"field": "service", "new_value": "day services", "reason": "typo"}, MANAGER),
    ("reopening", {"reason": "Ombudsman asked for a review"}, OFFICER),
]


def test_the_whole_lifecycle_through_http(api: Api) -> None:
    created = api.log()
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    body = CreatedCase.model_validate(created.json())
    assert created.headers["Location"].endswith(f"/complaints/{body.id}")
    assert (body.version, body.case.status) == (1, "received")
    assert {d.name for d in body.case.deadlines} >= {"acknowledgement", "response"}
    case_id = str(body.id)

    for version, (action, payload, who) in enumerate(LIFECYCLE, start=2):
        response = api.run(case_id, action, payload, who, If_Match=f'"{version - 1}"')
        assert response.status_code == 200, (action, response.text)
        assert response.headers["ETag"] == f'"{version}"'
        CaseView.model_validate(response.json())

    case = api.client.get(f"/complaints/{case_id}", headers=api.auth())
    assert case.status_code == 200
    view = CaseView.model_validate(case.json())
    assert (view.status, view.outcome, view.about.service) == (
        "responded",
        "upheld",
        "day services",
    )
    assert case.headers["ETag"] == f'"{len(LIFECYCLE) + 1}"'

    history = api.client.get(f"/complaints/{case_id}/history", headers=api.auth())
    events = HistoryView.model_validate(history.json()).events
    assert [e.type for e in events][:3] == ["Received", "Acknowledged", "InvestigationStarted"]
    assert events[-1].type == "Reopened"
    assert events[1].actor == {
        "principal": f"officer@{COUNCIL}",
        "organisation": COUNCIL,
        "role": "officer",
    }


def test_referral_late_acceptance_response_period_extension_and_withdrawal(api: Api) -> None:
    late = api.logged(matter_occurred_on="2024-01-10", matter_noticed_on="2024-01-10")
    reason = {
        "good_reason_for_delay": "In hospital",
        "can_investigate_effectively_and_fairly": True,
    }
    assert api.run(late, "late-acceptance", reason).status_code == 200
    assert api.run(late, "acknowledgement").status_code == 200
    period = {"agreed_until": "2026-10-30", "agreed_with_complainant": True}
    assert api.run(late, "response-period", period).status_code == 200

    coded = api.logged(regime="lgsco-code")
    assert api.run(coded, "acknowledgement").status_code == 200
    extension = {
        "deadline": "response",
        "working_days": 10,
        "reason": "Awaiting records",
        "complainant_consent": True,
    }
    assert api.run(coded, "extensions", extension).status_code == 200

    referred = api.logged()
    referral = {"to_organisation": PROVIDER, "reason": "Provider first", "consent_to_share": True}
    assert api.run(referred, "referrals", referral).json()["status"] == "referred"
    accepted = api.run(referred, "referral-acceptance", {}, (Role.OFFICER, PROVIDER))
    assert (accepted.status_code, accepted.json()["organisation"]) == (200, PROVIDER)
    withdrawn = api.run(referred, "withdrawal", {"reason": "Resolved"}, (Role.OFFICER, PROVIDER))
    assert withdrawn.json()["status"] == "withdrawn"
    assert api.events(referred) == ["Received", "Referred", "ReferralAccepted", "Withdrawn"]


def test_as_of_shows_the_case_as_it_was_recorded(api: Api) -> None:
    case_id = api.logged()
    asked = api.clock.now
    before = {"as_of": asked.isoformat()}
    api.run(case_id, "acknowledgement")
    then = api.client.get(f"/complaints/{case_id}", params=before, headers=api.auth())
    assert (then.status_code, then.json()["status"], then.headers["ETag"]) == (
        200,
        "received",
        '"1"',
    )
    assert datetime.fromisoformat(then.json()["as_of"]) == asked
    history = api.client.get(f"/complaints/{case_id}/history", params=before, headers=api.auth())
    assert [e["type"] for e in history.json()["events"]] == ["Received"]
    assert history.json()["as_of"] == then.json()["as_of"]  # the instant asked, named
    live = api.client.get(f"/complaints/{case_id}", headers=api.auth()).json()
    live_history = api.client.get(f"/complaints/{case_id}/history", headers=api.auth()).json()
    assert live["as_of"] is None  # as recorded now
    assert live_history["as_of"] is None
    early = {"as_of": START.isoformat()}
    too_early = api.client.get(f"/complaints/{case_id}", params=early, headers=api.auth())
    assert too_early.status_code == 404
    assert too_early.headers["Content-Type"] == "application/problem+json"


# --------------------------------------------------------------------------- concurrency


def test_a_stale_if_match_is_a_conflict(api: Api) -> None:
    case_id = api.logged()
    assert api.run(case_id, "acknowledgement", If_Match="1").status_code == 200
    stale = api.run(case_id, "investigation", {"investigator": "x"}, If_Match='"1"')
    assert stale.status_code == 409
    assert stale.json()["field"] == "If-Match"
    assert api.events(case_id) == ["Received", "Acknowledged"]


def test_ten_concurrent_identical_posts_log_one_case(api: Api) -> None:
    headers = {**api.auth(), "Idempotency-Key": "intake-0001"}

    def post(_: int) -> Response:
        return api.client.post("/complaints", json=canary_complaint(), headers=headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(post, range(10)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.text for r in responses}) == 1
    assert api.events(responses[0].json()["id"]) == ["Received"]


def test_ten_concurrent_identical_commands_append_one_event(api: Api) -> None:
    case_id = api.logged()
    headers = {**api.auth(), "Idempotency-Key": "ack-0001"}

    def post(_: int) -> Response:
        return api.client.post(f"/complaints/{case_id}/acknowledgement", json={}, headers=headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(post, range(10)))
    assert {r.status_code for r in responses} == {200}, {r.text for r in responses}
    assert len({r.text for r in responses}) == 1
    assert api.events(case_id) == ["Received", "Acknowledged"]


def test_concurrent_commands_without_if_match_all_land_once(api: Api) -> None:
    case_id = api.logged()
    api.clock.advance(hours=1)

    def post(n: int) -> Response:
        body = {"channel": "phone", "message": f"update #{n}"}
        return api.client.post(f"/complaints/{case_id}/updates", json=body, headers=api.auth())

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(40)))
    assert [r.status_code for r in responses] == [200] * 40, {r.text for r in responses}
    assert sorted(int(r.headers["ETag"].strip('"')) for r in responses) == list(range(2, 42))
    messages = [
        entry.data["personal"]["message"] for entry in api.ledger.history(UUID(case_id))[1:]
    ]
    assert sorted(messages) == sorted(f"update #{n}" for n in range(40))


# --------------------------------------------------------------------------- idempotency


def test_a_retried_post_returns_the_first_response_without_new_events(api: Api) -> None:
    first = api.log(key="intake-42")
    api.clock.advance(hours=1)
    retry = api.log(key="intake-42")
    assert (retry.status_code, retry.json(), retry.headers["ETag"]) == (201, first.json(), '"1"')
    case_id = first.json()["id"]

    quiet = {"discussion_offered": False}
    acked = api.run(case_id, "acknowledgement", quiet, Idempotency_Key="ack-42")
    api.run(case_id, "investigation", {"investigator": "i.patel"})
    again = api.run(case_id, "acknowledgement", quiet, Idempotency_Key="ack-42")
    assert (again.status_code, again.json(), again.headers["ETag"]) == (200, acked.json(), '"2"')
    assert api.events(case_id) == ["Received", "Acknowledged", "InvestigationStarted"]


def test_the_same_key_with_another_body_is_refused(api: Api) -> None:
    case_id = api.log(key="intake-7").json()["id"]
    other = api.log(key="intake-7", summary="Something else entirely.")
    assert (other.status_code, other.json()["field"]) == (422, "Idempotency-Key")

    api.run(case_id, "acknowledgement", {}, Idempotency_Key="ack-7")
    changed = api.run(case_id, "investigation", {"investigator": "x"}, Idempotency_Key="ack-7")
    assert (changed.status_code, changed.json()["field"]) == (422, "Idempotency-Key")
    assert api.events(case_id) == ["Received", "Acknowledged"]


def test_another_organisations_idempotency_key_is_invisible(api: Api) -> None:
    ours = api.log(key="letter-0042")
    theirs = api.log(key="letter-0042", organisation=OTHER)
    assert (ours.status_code, theirs.status_code) == (201, 201), theirs.text
    assert theirs.json()["id"] != ours.json()["id"]
    assert theirs.json()["case"]["organisation"] == OTHER
    api.clock.advance(hours=1)
    assert api.log(key="letter-0042", organisation=OTHER).json() == theirs.json()
    assert api.log(key="letter-0042").json() == ours.json()
    assert len(list(api.ledger.complaint_ids())) == 2


def test_another_principals_key_on_the_same_case_is_a_request_of_its_own(api: Api) -> None:
    case_id = api.logged()
    note = {"channel": "phone", "message": "Called back"}
    officer = api.run(case_id, "updates", note, OFFICER, Idempotency_Key="call-1")
    manager = api.run(case_id, "updates", note, MANAGER, Idempotency_Key="call-1")
    assert (officer.headers["ETag"], manager.headers["ETag"]) == ('"2"', '"3"')
    assert api.events(case_id) == ["Received", "ComplainantUpdated", "ComplainantUpdated"]


def test_a_retry_of_a_request_recorded_before_keys_were_scoped_finds_its_events(
    api: Api,
) -> None:
    """Events recorded before keys were scoped: the correlation id is `<key>:<digest of the
    request alone>`, and the case id derives from the key alone."""
    api.auth()
    officer = Actor(f"{Role.OFFICER}@{COUNCIL}", COUNCIL, Role.OFFICER)
    intake = ComplaintCreate.model_validate(canary_complaint())
    digest = idempotency.request_digest("POST", "/complaints", intake)
    old = CommandContext(officer, intake.received_at, f"letter-0042:{digest}")
    case_id = api.ledger.receive(intake.intake(), old, case_key="letter-0042")
    assert case_id == uuid5(CASE_ID_NAMESPACE, "letter-0042")
    note = {"channel": "phone", "message": "Called back"}
    path = f"/complaints/{case_id}/updates"
    digest = idempotency.request_digest("POST", path, bodies.ComplainantUpdate(**note))
    old = CommandContext(officer, correlation_id=f"call-1:{digest}")
    assert api.ledger.update_complainant(case_id, old, **note) == 2  # type: ignore[arg-type]

    retry = api.log(key="letter-0042")
    assert (retry.status_code, retry.json()["id"]) == (201, str(case_id))
    again = api.run(str(case_id), "updates", note, Idempotency_Key="call-1")
    assert (again.status_code, again.headers["ETag"]) == (200, '"2"')
    changed = api.log(key="letter-0042", summary="Something else entirely.")
    assert (changed.status_code, changed.json()["field"]) == (422, "Idempotency-Key")
    assert list(api.ledger.complaint_ids()) == [case_id]
    assert api.events(str(case_id)) == ["Received", "ComplainantUpdated"]
    elsewhere = api.log(key="letter-0042", organisation=OTHER)
    assert elsewhere.status_code == 201
    assert elsewhere.json()["id"] != str(case_id)


# --------------------------------------------------------------------------- access and audit

AS_OF = (START + timedelta(hours=1)).isoformat()  # when the case is recorded: not in the future
READS: dict[str, tuple[str, dict[str, str]]] = {
    "case": ("/complaints/{}", {}),
    "history": ("/complaints/{}/history", {}),
    "as_of": ("/complaints/{}", {"as_of": AS_OF}),
}


@pytest.mark.parametrize("read", READS)
def test_another_organisations_case_is_not_found_on_reads(api: Api, read: str) -> None:
    case_id = api.logged()
    reads_before = api.ledger.reads_of(UUID(case_id))  # the case its POST returned
    path, params = READS[read]
    response = api.client.get(
        path.format(case_id), params=params, headers=api.auth(Role.OFFICER, OTHER)
    )
    assert response.status_code == 404
    assert "Canary" not in response.text
    assert set(response.json()) <= {"type", "title", "status", "detail", "field"}
    assert api.ledger.reads_of(UUID(case_id)) == reads_before


@pytest.mark.parametrize(("action", "payload", "who"), LIFECYCLE, ids=[a for a, _, _ in LIFECYCLE])
def test_another_organisations_case_is_not_found_on_commands(
    api: Api, action: str, payload: dict[str, Any], who: Who
) -> None:
    case_id = api.logged()
    response = api.run(case_id, action, payload, (who[0], OTHER))
    assert response.status_code == 404
    assert "Canary" not in response.text
    assert api.events(case_id) == ["Received"]


def test_every_read_of_a_case_is_recorded_before_it_is_returned(api: Api) -> None:
    case_id = api.logged()
    logged = len(api.ledger.reads_of(UUID(case_id)))  # the case its POST returned
    headers = {**api.auth(Role.AUDITOR), "Purpose": "complaint review"}
    for path, params in READS.values():
        response = api.client.get(path.format(case_id), params=params, headers=headers)
        assert response.status_code == 200
    reads = api.ledger.reads_of(UUID(case_id))[logged:]
    assert [r["what"].split(" as of ")[0] for r in reads] == ["case", "history", "case"]
    assert {(r["principal"], r["role"], r["organisation"], r["purpose"]) for r in reads} == {
        (f"auditor@{COUNCIL}", "auditor", COUNCIL, "complaint review")
    }


def test_a_read_that_cannot_be_recorded_fails_without_data(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.logged()

    def refuse(*_: object, **__: object) -> None:
        raise StoreUnavailableError("the read could not be recorded: disk full")

    monkeypatch.setattr(api.ledger, "record_read", refuse)
    response = api.client.get(f"/complaints/{case_id}", headers=api.auth())
    assert response.status_code == 503
    assert "Canary" not in response.text
    assert "disk full" not in response.text
    assert_problem(response, 503)


# --------------------------------------------------------------------------- problems


def test_malformed_json_and_a_bad_if_match_are_400(api: Api) -> None:
    case_id = api.logged()
    headers = {**api.auth(), "Content-Type": "application/json"}
    broken = api.client.post(
        f"/complaints/{case_id}/acknowledgement", content=b"{", headers=headers
    )
    assert_problem(broken, 400, "body")
    assert_problem(api.run(case_id, "acknowledgement", If_Match="yesterday"), 400, "If-Match")


def test_a_missing_or_unknown_token_is_401(api: Api) -> None:
    case_id = api.logged()
    missing = api.client.get(f"/complaints/{case_id}")
    assert_problem(missing, 401, "Authorization")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = {"Authorization": "Bearer cl_0000_nonsense"}
    assert_problem(api.client.get(f"/complaints/{case_id}", headers=unknown), 401, "Authorization")
    basic = {"Authorization": "Basic dXNlcjpwYXNz"}
    assert_problem(api.client.get(f"/complaints/{case_id}", headers=basic), 401, "Authorization")


def test_a_role_that_may_not_act_is_403(api: Api) -> None:
    case_id = api.logged()
    auditor = api.run(case_id, "acknowledgement", {}, (Role.AUDITOR, COUNCIL))
    assert_problem(auditor, 403, "role")
    assert_problem(api.run(case_id, "corrections", LIFECYCLE[-2][1]), 403, "role")
    assert_problem(api.log(organisation=OTHER, role=Role.AUDITOR), 403, "role")
    other = api.client.post(
        "/complaints", json=canary_complaint(organisation=OTHER), headers=api.auth()
    )
    assert_problem(other, 403, "organisation")
    assert api.events(case_id) == ["Received"]


def test_unknown_cases_routes_and_methods_are_problems(api: Api) -> None:
    missing = api.client.get(f"/complaints/{UUID(int=7)}", headers=api.auth())
    assert_problem(missing, 404, "id")
    assert_problem(api.run(str(UUID(int=7)), "acknowledgement"), 404, "id")
    assert_problem(api.client.get("/no-such-thing", headers=api.auth()), 404)
    not_allowed = api.client.delete("/complaints", headers=api.auth())
    assert_problem(not_allowed, 405)
    assert "POST" in not_allowed.headers["Allow"]


def test_a_rule_of_the_procedure_is_409(api: Api) -> None:
    case_id = api.logged()
    api.run(case_id, "acknowledgement")
    problem = assert_problem(api.run(case_id, "acknowledgement"), 409, "status")
    assert "acknowledge" in problem["detail"]
    reopened = api.run(case_id, "reopening", {"reason": "no"})
    assert_problem(reopened, 409, "status")


def test_a_large_body_is_413_and_a_body_that_is_not_json_is_415(api: Api) -> None:
    case_id = api.logged()
    large = canary_complaint(summary="x" * MAX_BODY_BYTES)
    assert_problem(api.client.post("/complaints", json=large, headers=api.auth()), 413, "body")

    def chunks() -> Iterator[bytes]:
        yield b'{"summary": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    headers = {**api.auth(), "Content-Type": "application/json"}
    streamed = api.client.post("/complaints", content=chunks(), headers=headers)
    assert_problem(streamed, 413, "body")

    form = api.client.post(
        f"/complaints/{case_id}/acknowledgement", data={"a": "b"}, headers=api.auth()
    )
    assert_problem(form, 415, "Content-Type")
    bare = api.client.post(f"/complaints/{case_id}/acknowledgement", headers=api.auth())
    assert_problem(bare, 415, "Content-Type")
    assert api.events(case_id) == ["Received"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"received_at": "2026-06-01T09:00:00"}, "received_at"),
        ({"received_at": 1780000000}, "received_at"),
        ({"complainant": {}}, "complainant.name"),
        ({"subjects": ["ok", 3]}, "subjects[1]"),
        ({"regime": "narnia"}, "regime"),
        ({"colour": "blue"}, "colour"),
        ({"subjects": []}, "subjects"),
        (
            {"matter_occurred_on": "2026-05-02", "matter_noticed_on": "2026-05-01"},
            "matter_noticed_on",
        ),
        ({"about": {"organisation": " ", "service": "care"}}, "about.organisation"),
        ({"received_at": "2026-06-02T09:00:00+00:00"}, "received_at"),
    ],
)
def test_invalid_values_are_422_naming_the_field(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    response = api.log(**changes)
    assert_problem(response, 422, field)


def test_request_validation_lists_every_error(api: Api) -> None:
    body = canary_complaint(kind="rant", channel="pigeon")
    problem = assert_problem(api.client.post("/complaints", json=body, headers=api.auth()), 422)
    assert {e["field"] for e in problem["errors"]} == {"kind", "channel"}
    case_id = api.logged()
    bad_key = api.run(case_id, "acknowledgement", Idempotency_Key="has spaces")
    assert_problem(bad_key, 422, "Idempotency-Key")
    bad_id = api.client.get("/complaints/not-a-uuid", headers=api.auth())
    assert_problem(bad_id, 422, "case_id")


def test_an_unexpected_error_is_a_generic_500_that_is_logged(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = api.logged()

    def explode(*_: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api.ledger, "get", explode)
    with capture_logs() as logs:
        response = api.client.get(f"/complaints/{case_id}", headers=api.auth())
    problem = assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert problem["title"] == "Internal error"
    assert any(entry["event"] == "unhandled error" for entry in logs)


# --------------------------------------------------------------------------- operations


def test_health_readiness_and_metrics(api: Api, metrics_auth: dict[str, str]) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ok"}
    case_id = api.logged()
    api.run(case_id, "acknowledgement")
    text = api.client.get("/metrics", headers=metrics_auth).text
    assert (
        'complaints_ledger_http_requests_total{method="POST",'
        'route="/complaints/{case_id}/acknowledgement",status="200"} 1.0'
    ) in text
    assert 'complaints_ledger_http_request_seconds_bucket{le="0.005",route="/complaints"' in text
    assert "complaints_ledger_events_appended_total 2.0" in text


def test_a_registered_gauge_is_read_at_scrape_time(api: Api, metrics_auth: dict[str, str]) -> None:
    lag = {"timeliness": 3.0}
    api.app.state.metrics.register_gauge(
        "complaints_ledger_test_gauge",
        "Events not yet applied, by projection.",
        lambda: {(name,): value for name, value in lag.items()},
        labels=("projection",),
    )
    lag["timeliness"] = 5.0
    text = api.client.get("/metrics", headers=metrics_auth).text
    assert 'complaints_ledger_test_gauge{projection="timeliness"} 5.0' in text


def test_the_openapi_document_describes_every_command_and_problem(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    paths = schema["paths"]
    for action, _, _ in LIFECYCLE:
        template = action.replace("A1", "{action_id}")
        operation = paths[f"/complaints/{{case_id}}/{template}"]["post"]
        assert operation["summary"]
        assert "application/problem+json" in operation["responses"]["409"]["content"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/CaseView"
        }
    assert paths["/complaints"]["post"]["summary"] == "Log a new complaint, concern or compliment"
    assert {"Problem", "CaseView", "ComplaintCreate"} <= set(schema["components"]["schemas"])
