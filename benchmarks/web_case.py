"""The case the case-page benchmark reads: one complaint with EVENTS events, the kinds a case
gathers (evidence, updates to the complainant, an action plan, the response, a lesson)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.complaint import Intake
from complaints_ledger.domain.values import Actor, Channel, Kind, Outcome, Person, RegimeId, Remedy
from complaints_ledger.settings import Settings

EVENTS = 40
EVIDENCE = 15
UPDATES = 15
ACTIONS = 3


def worked_case(url: str, officer: Actor) -> UUID:
    """A case of EVENTS events, received 30 days ago, an hour between each (its version is
    EVENTS): receipt, acknowledgement, investigation, 15 pieces of evidence, 15 updates, 3
    actions planned, the response, 2 actions completed, a lesson."""
    moment = [datetime.now(UTC) - timedelta(days=30)]

    def clock() -> datetime:
        moment[0] += timedelta(hours=1)
        return moment[0]

    def ctx() -> CommandContext:  # each command its own correlation id
        return CommandContext(officer)

    ledger = ComplaintsLedger(Settings(store=url, snapshot_interval=0), clock=clock)
    try:
        case_id = ledger.receive(_intake(officer.organisation), ctx())
        ledger.acknowledge(case_id, ctx())
        ledger.start_investigation(case_id, ctx(), investigator="a.khan")
        for number in range(EVIDENCE):
            ledger.record_evidence(
                case_id, ctx(), evidence_kind="visit log", source="provider", notes=f"Log {number}"
            )
        for number in range(UPDATES):
            ledger.update_complainant(case_id, ctx(), channel="phone", message=f"Update {number}")
        due = (moment[0] + timedelta(days=60)).date()
        for number in range(1, ACTIONS + 1):
            ledger.plan_action(
                case_id,
                ctx(),
                action_id=f"A{number}",
                description="Retrain",
                owner="Jo",
                due_on=due,
            )
        ledger.send_response(
            case_id,
            ctx(),
            outcome=Outcome.PARTLY_UPHELD,
            remedies=(Remedy.APOLOGY,),
            signed_by="Head of Service",
            ombudsman_rights_given=True,
            summary="Two visits were late; we apologise.",
        )
        for number in range(1, ACTIONS):
            ledger.complete_action(case_id, ctx(), action_id=f"A{number}")
        version = ledger.record_lesson(
            case_id,
            ctx(),
            lesson_id="L1",
            theme="Communication",
            lesson="Rotas changed without notice",
            action="Notice of rota changes",
            shared_with_partners=False,
        )
    finally:
        ledger.close()
    if version != EVENTS:
        raise RuntimeError(f"the benchmark's case has {version} events, not {EVENTS}")
    return case_id


def _intake(organisation: str) -> Intake:
    return Intake(
        kind=Kind.COMPLAINT,
        channel=Channel.EMAIL,
        regime=RegimeId.ENGLAND_2009,
        receiving_organisation=organisation,
        about_organisation=organisation,
        service="home care",
        subjects=("home care",),
        complainant=Person("Benchmark Person", email="person@example.org"),
        summary="Visits were missed",
    )
