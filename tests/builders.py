"""Builders shared by the tests: stamps, intakes and cases in the pure domain, API bodies and
tokens, and the CLI's one-line error. A test module passes what its story needs as changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any
from uuid import uuid4

from click.testing import Result
from httpx import Response

from complaints_ledger.access.tokens import TokenStore
from complaints_ledger.domain.complaint import Complaint, Intake
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Remedy,
    Role,
    Stamp,
)

COUNCIL = "Northshire Council"
PROVIDER = "Sunrise Home Care Ltd"
OFFICER = Actor("o.khan", COUNCIL)
MANAGER = Actor("m.jones", COUNCIL, Role.MANAGER)
JO_BY_EMAIL = Person("Jo Bloggs", email="jo@example.org")
T0 = datetime(2026, 6, 1, 9, tzinfo=UTC)  # Monday 1 June 2026, 10:00 in London
_ids = count(1)


class SimulatedClock:
    """A ledger's clock: at `now`, moved on by the test, and by `step` at every reading."""

    def __init__(self, now: datetime = T0, step: timedelta = timedelta(0)) -> None:
        self.now = now
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def stamp(
    recorded_at: datetime,
    *,
    occurred_at: datetime | None = None,
    actor: Actor = OFFICER,
    correlation_id: str | None = None,
) -> Stamp:
    return Stamp(
        recorded_at=recorded_at,
        occurred_at=occurred_at or recorded_at,
        actor=actor,
        correlation_id=correlation_id or f"cmd-{next(_ids)}",
    )


def day(n: float) -> datetime:
    """n days after receipt (T0)."""
    return T0 + timedelta(days=n)


def intake(**changes: object) -> Intake:
    """A complaint about home care received by the council, with `changes`."""
    ordinary = Intake(
        kind=Kind.COMPLAINT,
        channel=Channel.EMAIL,
        regime=RegimeId.ENGLAND_2009,
        receiving_organisation=COUNCIL,
        about_organisation=PROVIDER,
        service="home care",
        subjects=("home care",),
        complainant=Person("Jo Bloggs"),
        summary="Carers missed four visits.",
    )
    return replace(ordinary, **changes)  # type: ignore[arg-type]


def received(
    when: datetime = T0,
    actor: Actor = OFFICER,
    *,
    correlation_id: str | None = None,
    **changes: object,
) -> Complaint:
    """A case received at `when` from `intake(**changes)`, its events already collected."""
    receipt = stamp(when, actor=actor, correlation_id=correlation_id)
    case = Complaint.receive(receipt, intake(**changes), complaint_id=uuid4())
    case.collect_events()
    return case


def acknowledged(**changes: object) -> Complaint:
    case = received(**changes)
    case.acknowledge(stamp(day(1)))
    case.collect_events()
    return case


def investigating(**changes: object) -> Complaint:
    case = acknowledged(**changes)
    case.start_investigation(stamp(day(2)), investigator="i.patel")
    case.collect_events()
    return case


def respond(
    case: Complaint,
    when: datetime,
    outcome: Outcome = Outcome.NOT_UPHELD,
    *,
    remedies: tuple[Remedy, ...] = (),
    signed_by: str = "Director of Adult Social Care",
    ombudsman_rights_given: bool = True,
    summary: str = "Our findings.",
) -> None:
    case.send_response(
        stamp(when),
        outcome=outcome,
        remedies=remedies,
        signed_by=signed_by,
        ombudsman_rights_given=ombudsman_rights_given,
        summary=summary,
    )


def only_event(case: Complaint) -> object:
    (event,) = case.collect_events()
    return event


def assert_one_error_line(result: Result, *fragments: str) -> str:
    """The CLI refused: exit 2, one `error: ` line naming every fragment, no traceback, nothing
    on stdout. Returns the line."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return lines[0]


def complaint_body(organisation: str, **changes: Any) -> dict[str, Any]:
    """A valid `POST /complaints` body for `organisation`, fields replaced by `changes`."""
    body: dict[str, Any] = {
        "organisation": organisation,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": "2026-06-01T09:00:00Z",
        "subjects": ["home care"],
        "about": {"organisation": "Brightwater Home Care Ltd", "service": "Home care"},
        "complainant": {"name": "Pat Example"},
        "summary": "Carers missed three visits",
    }
    return {**body, **changes}


def canary_complaint(**changes: Any) -> dict[str, Any]:
    """A complaint body from Canary Person to the council, about two subjects."""
    canary = {
        "received_at": T0.isoformat(),
        "subjects": ["home care", "communication"],
        "about": {"organisation": "Sunrise Care", "service": "home care"},
        "complainant": {"name": "Canary Person", "email": "canary@example.org"},
        "summary": "Carers missed four visits.",
    }
    return complaint_body(**{"organisation": COUNCIL, **canary, **changes})


def bearer(
    tokens: TokenStore, role: Role, organisation: str, principal: str | None = None
) -> dict[str, str]:
    """Headers with a new token for `role` at `organisation` (principal `role@organisation`)."""
    raw, _ = tokens.create(
        principal=principal or f"{role}@{organisation}", organisation=organisation, role=role
    )
    return {"Authorization": f"Bearer {raw}"}


def assert_problem(response: Response, status: int, field: str | None = None) -> dict[str, Any]:
    """An HTTP problem (RFC 9457) with `status`, naming `field` if given, with no traceback."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("urn:complaints-ledger:problem:")
    assert problem["title"]
    assert problem["detail"]
    assert "Traceback" not in response.text
    if field is not None:
        assert problem.get("field") == field
    return problem
