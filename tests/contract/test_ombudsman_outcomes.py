"""Ombudsman and regulator outcomes on both stores: a decision with remedies, compliance per
remedy and a regulator's acknowledgement survive a reload (and a snapshot); an escalation
stored before the nation check, to a body that check now refuses, still loads; organisations
registered before regulators were bound still load; the annual report counts ombudsman
outcomes and remedy compliance."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from complaints_ledger.application.case_view import case_view
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.outcomes import RequestedRemedy
from complaints_ledger.domain.registry import OrganisationKind, organisation_id
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    Ombudsman,
    OmbudsmanDecision,
    Regulator,
    Remedy,
    RemedyCompliance,
    RemedyOutcome,
    Role,
)
from complaints_ledger.persistence.view_db import ViewDatabase
from projections.annual_report_render import render_markdown
from tests.builders import SimulatedClock, intake
from tests.contract.test_projection_annual_report import World, rebuild, report
from tests.contract.test_projection_annual_report import world as world  # noqa: PLC0414

OFFICER = Actor("o.khan", "Northshire Council")
LGSCO = CommandContext(Actor("lgsco.investigator", "LGSCO", Role.OMBUDSMAN))
ADMIN = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))


@pytest.fixture
def ledger_settings() -> dict[str, object]:
    return {"snapshot_interval": 3}


def escalated_case(ledger: ComplaintsLedger, clock: SimulatedClock) -> UUID:
    case_id = ledger.receive(intake(), CommandContext(OFFICER))
    clock.advance(days=20)
    ledger.escalate(
        case_id,
        CommandContext(OFFICER),
        route=EscalationRoute.OMBUDSMAN,
        reason="Unhappy with the response",
        body=Ombudsman.LGSCO,
    )
    return case_id


def test_decision_remedies_compliance_and_acknowledgement_survive_a_reload(
    open_ledger: Callable[..., ComplaintsLedger], clock: SimulatedClock
) -> None:
    ledger = open_ledger()
    case_id = escalated_case(ledger, clock)
    ledger.escalate(
        case_id,
        CommandContext(OFFICER),
        route=EscalationRoute.REGULATOR,
        reason="Missed medication",
        regulator=Regulator.CQC,
    )
    clock.advance(days=40)
    ledger.record_ombudsman_outcome(
        case_id,
        LGSCO,
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        finding="Delay in reassessment",
        remedies=(
            RequestedRemedy(Remedy.APOLOGY, "Apologise", clock.now.date() + timedelta(days=30)),
            RequestedRemedy(Remedy.FINANCIAL, "Pay 300", clock.now.date() + timedelta(days=30)),
        ),
    )
    clock.advance(days=5)
    ledger.record_remedy_compliance(
        case_id,
        CommandContext(OFFICER),
        remedy_id="R1",
        outcome=RemedyOutcome.COMPLIED,
        evidence="Letter",
    )
    ledger.acknowledge_regulator_notification(
        case_id,
        CommandContext(Actor("cqc", "CQC", Role.REGULATOR)),
        regulator=Regulator.CQC,
        reference="ENQ1",
    )
    reopened = open_ledger()
    view = case_view(reopened.get(case_id), clock.now.date() + timedelta(days=60))
    assert [r["status"] for r in view["ombudsman_remedies"]] == ["complied", "overdue"]
    assert view["overdue_remedies"] == ["R2"]
    assert view["regulator_notifications"][0]["reference"] is None
    assert view["regulator_notifications"][0]["acknowledged_at"] is not None
    types = [entry.type for entry in reopened.history(case_id)]
    assert types[-3:] == [
        "OmbudsmanOutcomeRecorded",
        "RemedyComplianceRecorded",
        "RegulatorNotificationAcknowledged",
    ]


def test_an_escalation_stored_before_the_nation_check_still_loads(
    ledger: ComplaintsLedger, clock: SimulatedClock
) -> None:
    """v1 of Escalated named no regulator; this one went to the SPSO from an English case."""
    case_id = escalated_case(ledger, clock)
    current = ledger.recorder.select_events(case_id)[-1]
    state = json.loads(current.state)
    for newer in ("class_version", "regulator", "about_identified_person"):
        state.pop(newer, None)
    state["body"], state["correlation_id"] = "SPSO", uuid4().hex
    old = StoredEvent(
        originator_id=case_id,
        originator_version=current.originator_version + 1,
        topic=current.topic,
        state=json.dumps(state).encode(),
    )
    ledger.recorder.insert_events([old])
    case = ledger.get(case_id)
    assert case.ombudsman_bodies == ["LGSCO", "SPSO"]
    last = ledger.history(case_id)[-1]
    assert (last.data["regulator"], last.data["about_identified_person"]) == (None, False)
    assert case_view(case, date(2026, 7, 1))["ombudsman"] == ["LGSCO", "SPSO"]


def test_an_organisation_registered_before_regulators_were_bound_still_loads(
    ledger: ComplaintsLedger,
) -> None:
    ledger.register_organisation(
        ADMIN, name="LGSCO", kind=OrganisationKind.OMBUDSMAN, ombudsman_body=Ombudsman.LGSCO
    )
    ident = organisation_id("LGSCO")
    (current,) = ledger.recorder.select_events(ident)
    state = json.loads(current.state)
    state.pop("class_version", None)
    state.pop("regulator_body", None)
    state["name"] = "Old Regulator"
    state["kind"], state["ombudsman_body"] = "regulator", None
    old_id = organisation_id("Old Regulator")
    ledger.recorder.insert_events(
        [
            StoredEvent(
                originator_id=old_id,
                originator_version=1,
                topic=current.topic,
                state=json.dumps(state).encode(),
            )
        ]
    )
    old = ledger.organisation("Old Regulator")
    assert old is not None
    assert (old.kind, old.regulator_body, old.bound_body) == ("regulator", None, None)
    assert ledger.organisation("LGSCO").bound_body == "LGSCO"  # type: ignore[union-attr]


def test_the_annual_report_counts_ombudsman_outcomes_and_remedy_compliance(
    world: World, db: ViewDatabase
) -> None:
    first = world.receive(datetime(2026, 4, 10, 9, tzinfo=UTC))
    second = world.receive(datetime(2026, 4, 11, 9, tzinfo=UTC))
    for case in (first, second):
        world.ledger.escalate(
            case,
            world.ctx(datetime(2026, 6, 1, 9, tzinfo=UTC)),
            route=EscalationRoute.OMBUDSMAN,
            reason="r",
            body=Ombudsman.LGSCO,
        )
    due = date(2026, 10, 1)
    world.ledger.record_ombudsman_outcome(
        first,
        world.ctx(datetime(2026, 9, 1, 9, tzinfo=UTC), "LGSCO", Role.OMBUDSMAN),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        finding="Fault causing injustice",
        remedies=tuple(
            RequestedRemedy(remedy, "do it", due)
            for remedy in (Remedy.APOLOGY, Remedy.FINANCIAL, Remedy.TRAINING, Remedy.REFUND)
        ),
    )
    steps = (
        ("R1", RemedyOutcome.COMPLIED, datetime(2026, 9, 20, 9, tzinfo=UTC)),
        ("R2", RemedyOutcome.LATE, datetime(2026, 11, 20, 9, tzinfo=UTC)),
        ("R3", RemedyOutcome.REFUSED, datetime(2026, 12, 1, 9, tzinfo=UTC)),
        ("R4", RemedyOutcome.LATE, datetime(2027, 5, 1, 9, tzinfo=UTC)),  # after the year
    )
    for remedy_id, outcome, when in steps:
        world.ledger.record_remedy_compliance(
            first, world.ctx(when), remedy_id=remedy_id, outcome=outcome, evidence="e"
        )
    world.ledger.record_ombudsman_decision(
        second,
        world.ctx(datetime(2026, 9, 2, 9, tzinfo=UTC)),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_ONLY,
        recommended_remedies=(Remedy.APOLOGY,),
        remedy_compliance=RemedyCompliance.PENDING,
    )
    rebuild(db)

    regs = report(db, 2026)["regs_16_18"]
    assert regs["ombudsman_decisions"] == {
        "upheld_fault_causing_injustice": 1,
        "upheld_fault_only": 1,
    }
    assert regs["ombudsman_remedies_asked"] == 4
    assert regs["ombudsman_remedies"] == {
        "complied": 1,
        "late": 1,
        "refused": 1,
        "overdue": 1,
        "pending": 0,
    }
    assert regs["overdue_remedies_at_year_end"] == 1
    assert regs["ombudsman_decision_compliance"] == {"pending": 1}
    assert "ombudsman_remedies" in report(db, 2026)["definitions"]
    markdown = render_markdown(report(db, 2026))
    assert "Ombudsman remedies at the year's end" in markdown
    assert "| overdue | 1 |" in markdown
    later = report(db, 2027)["regs_16_18"]
    assert later["ombudsman_remedies_asked"] == 0
    assert later["overdue_remedies_at_year_end"] == 0, "R4 was complied with, late, in 2027-28"
