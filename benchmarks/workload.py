"""Realistic event histories written straight through the library's event store, in bulk."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from eventsourcing.domain import DomainEventProtocol

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Complaint, Intake
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Remedy,
    Stamp,
)

ORGANISATIONS = ("Northshire County Council", "Riverside City Council", "Sunrise Home Care")
SUBJECTS = ("home care", "charging", "communication", "assessment and care planning")
START = datetime(2024, 4, 1, 9, tzinfo=UTC)


def _stamp(moment: datetime, actor: Actor) -> Stamp:
    return Stamp(recorded_at=moment, occurred_at=moment, actor=actor, correlation_id=uuid4().hex)


def case_events(rng: random.Random, number: int) -> list[DomainEventProtocol[UUID]]:
    """About eight events: received, acknowledged, investigated, evidence, response, closure..."""
    organisation = ORGANISATIONS[number % len(ORGANISATIONS)]
    actor = Actor("officer", organisation)
    moment = START + timedelta(minutes=7 * number)
    intake = Intake(
        kind=Kind.COMPLAINT,
        channel=rng.choice(list(Channel)),
        regime=RegimeId.ENGLAND_2009,
        receiving_organisation=organisation,
        about_organisation=organisation,
        service=rng.choice(("home care", "residential care", "day services")),
        subjects=tuple(rng.sample(SUBJECTS, rng.randint(1, 2))),
        complainant=Person("Benchmark Person"),
        summary="Visits were missed",
    )
    case = Complaint.receive(_stamp(moment, actor), intake, complaint_id=uuid4())
    steps: tuple[Callable[[datetime], object], ...] = (
        lambda at: case.acknowledge(_stamp(at, actor)),
        lambda at: case.start_investigation(_stamp(at, actor), investigator="investigator"),
        lambda at: case.record_evidence(
            _stamp(at, actor), evidence_kind="statement", source="carer", notes="notes"
        ),
        lambda at: case.update_complainant(_stamp(at, actor), channel="phone", message="update"),
        lambda at: case.send_response(
            _stamp(at, actor),
            outcome=rng.choice(list(Outcome)),
            remedies=(Remedy.APOLOGY,),
            signed_by="Director",
            ombudsman_rights_given=True,
            summary="response",
        ),
        lambda at: case.close(_stamp(at, actor), no_action_needed_reason="explained"),
        lambda at: case.request_feedback(_stamp(at, actor), channel="email"),
    )
    for step in steps:
        moment += timedelta(days=rng.randint(1, 10))
        step(moment)
    return list(case.collect_events())


def write_events(
    ledger: ComplaintsLedger, total_events: int, *, seed: int = 7, batch: int = 2000
) -> int:
    """Write at least `total_events` events; return how many were written."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable workload, not a secret
    written, number = 0, 0
    pending: list[DomainEventProtocol[UUID]] = []
    while written + len(pending) < total_events:
        pending.extend(case_events(rng, number))
        number += 1
        if len(pending) >= batch:
            ledger.events.put(pending)
            written += len(pending)
            pending = []
    if pending:
        ledger.events.put(pending)
        written += len(pending)
    return written
