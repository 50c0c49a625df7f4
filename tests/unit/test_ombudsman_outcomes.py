"""Ombudsman and regulator outcomes in the domain: who a case may go to by its nation, the
ombudsman's decision with remedies and due dates, each remedy's compliance, a regulator's
acknowledgement, and what the case view makes of them.

Pure domain: no store.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from complaints_ledger.application.case_view import case_view
from complaints_ledger.domain.case_state import envelope
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.jurisdiction import (
    NATION_OMBUDSMEN,
    NATION_REGULATORS,
    ombudsmen_for,
)
from complaints_ledger.domain.outcomes import RequestedRemedy
from complaints_ledger.domain.regime_rules import NATIONS
from complaints_ledger.domain.values import (
    EscalationRoute,
    Nation,
    Ombudsman,
    OmbudsmanDecision,
    RegimeId,
    Regulator,
    Remedy,
    RemedyOutcome,
)
from tests.builders import day, only_event, received, stamp

DECIDED = day(60)  # Fri 31 July 2026
DUE = date(2026, 8, 28)


def escalated(
    regime: RegimeId = RegimeId.ENGLAND_2009, body: Ombudsman = Ombudsman.LGSCO
) -> Complaint:
    case = received(regime=regime)
    case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=body)
    case.collect_events()
    return case


def decided(case: Complaint | None = None) -> Complaint:
    case = case or escalated()
    case.record_ombudsman_outcome(
        stamp(DECIDED),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        finding="The council delayed the reassessment by five months.",
        remedies=(
            RequestedRemedy(Remedy.APOLOGY, "Apologise in writing", DUE),
            RequestedRemedy(Remedy.FINANCIAL, "Pay 300 pounds for distress", DUE),
        ),
        reference="25 001 234",
    )
    case.collect_events()
    return case


# ---------------------------------------------------------------- who a case may go to


def test_an_england_2009_case_cannot_go_to_the_spso() -> None:
    case = received(regime=RegimeId.ENGLAND_2009)
    with pytest.raises(InvalidValueError) as caught:
        case.escalate(
            stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.SPSO
        )
    assert caught.value.field == "body"
    assert "LGSCO" in caught.value.message
    assert "PHSO" in caught.value.message
    assert case.collect_events() == []


def test_a_scottish_case_goes_to_the_spso_only() -> None:
    case = received(regime=RegimeId.SPSO_MCHP)
    for body in (Ombudsman.LGSCO, Ombudsman.PSOW, Ombudsman.NIPSO):
        with pytest.raises(InvalidValueError):
            case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=body)
    case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.SPSO)
    assert case.ombudsman_bodies == ["SPSO"]


def test_each_nation_has_its_own_ombudsman_and_regulators() -> None:
    assert NATION_OMBUDSMEN[Nation.WALES] == {Ombudsman.PSOW}
    assert NATION_OMBUDSMEN[Nation.NORTHERN_IRELAND] == {Ombudsman.NIPSO}
    assert NATION_OMBUDSMEN[Nation.ENGLAND] == {
        Ombudsman.LGSCO,
        Ombudsman.PHSO,
        Ombudsman.HOUSING_OMBUDSMAN,
    }
    assert NATION_REGULATORS[Nation.ENGLAND] == {Regulator.CQC}
    assert NATION_REGULATORS[Nation.NORTHERN_IRELAND] == {Regulator.RQIA}
    every = [body for bodies in NATION_OMBUDSMEN.values() for body in bodies]
    assert sorted(every) == sorted(Ombudsman), "each ombudsman belongs to exactly one nation"


@pytest.mark.parametrize("regime", list(RegimeId))
def test_every_regime_sends_cases_only_to_ombudsmen_of_its_nation(regime: RegimeId) -> None:
    allowed = ombudsmen_for(regime)
    assert allowed
    assert allowed <= NATION_OMBUDSMEN[NATIONS[regime]]


def test_a_housing_complaint_goes_to_the_housing_ombudsman() -> None:
    case = received(regime=RegimeId.HOUSING_OMBUDSMAN_CODE)
    with pytest.raises(InvalidValueError) as caught:
        case.escalate(
            stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.LGSCO
        )
    assert caught.value.field == "body"


def test_a_regulator_notification_names_a_regulator_of_the_nation() -> None:
    case = received(regime=RegimeId.ENGLAND_2009)
    with pytest.raises(InvalidValueError) as caught:
        case.escalate(
            stamp(day(5)), route=EscalationRoute.REGULATOR, reason="r", regulator=Regulator.RQIA
        )
    assert caught.value.field == "regulator"
    with pytest.raises(InvalidValueError) as wrong_route:
        case.escalate(
            stamp(day(5)), route=EscalationRoute.SAFEGUARDING, reason="r", regulator=Regulator.CQC
        )
    assert wrong_route.value.field == "regulator"
    case.escalate(
        stamp(day(5)),
        route=EscalationRoute.REGULATOR,
        reason="Missed medication",
        regulator=Regulator.CQC,
        about_identified_person=True,
    )
    (notification,) = case.records["regulator_notifications"]
    assert notification["regulator"] == "CQC"
    assert notification["about_identified_person"] is True


def test_an_old_escalation_to_a_now_invalid_body_still_applies() -> None:
    """Events are forever: one recorded before the nation check replays as it was."""
    case = received(regime=RegimeId.ENGLAND_2009)
    case.trigger_event(
        Complaint.Escalated,
        **envelope(stamp(day(20))),
        route="ombudsman",
        body="SPSO",
        reason="recorded before the check",
        reference=None,
        regulator=None,
        about_identified_person=False,
    )
    assert case.ombudsman_bodies == ["SPSO"]


# ---------------------------------------------------------------- the ombudsman's decision


def test_a_decision_records_the_finding_fault_injustice_and_numbered_remedies() -> None:
    case = escalated()
    case.record_ombudsman_outcome(
        stamp(DECIDED),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        finding="Delay",
        remedies=(RequestedRemedy(Remedy.APOLOGY, "Apologise", DUE),),
    )
    event = only_event(case)
    assert isinstance(event, Complaint.OmbudsmanOutcomeRecorded)
    assert (event.fault, event.injustice) == (True, True)
    assert event.remedies == [
        {"id": "R1", "remedy": "apology", "description": "Apologise", "due_on": DUE}
    ]
    case.record_ombudsman_outcome(
        stamp(DECIDED + timedelta(days=1)),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_ONLY,
        finding="Poor record keeping",
        remedies=(RequestedRemedy(Remedy.PROCEDURE_CHANGE, "Fix the records", DUE),),
    )
    later = only_event(case)
    assert isinstance(later, Complaint.OmbudsmanOutcomeRecorded)
    assert (later.fault, later.injustice) == (True, False)
    assert [r["id"] for r in later.remedies] == ["R2"], "remedy ids run on across decisions"


def test_remedies_need_a_finding_of_fault_and_a_due_date_after_the_decision() -> None:
    case = escalated()
    with pytest.raises(InvalidValueError) as no_fault:
        case.record_ombudsman_outcome(
            stamp(DECIDED),
            body=Ombudsman.LGSCO,
            decision=OmbudsmanDecision.NOT_UPHELD,
            finding="No fault",
            remedies=(RequestedRemedy(Remedy.APOLOGY, "Apologise", DUE),),
        )
    assert no_fault.value.field == "remedies"
    with pytest.raises(InvalidValueError) as early:
        case.record_ombudsman_outcome(
            stamp(DECIDED),
            body=Ombudsman.LGSCO,
            decision=OmbudsmanDecision.UPHELD_FAULT_ONLY,
            finding="Fault",
            remedies=(RequestedRemedy(Remedy.APOLOGY, "Apologise", date(2026, 7, 1)),),
        )
    assert early.value.field == "remedies"
    with pytest.raises(RuleViolationError) as elsewhere:
        case.record_ombudsman_outcome(
            stamp(DECIDED), body=Ombudsman.PHSO, decision=OmbudsmanDecision.NOT_UPHELD, finding="x"
        )
    assert elsewhere.value.field == "body"
    assert case.collect_events() == []


# ---------------------------------------------------------------- remedy compliance


def test_compliance_on_time_late_and_refused() -> None:
    case = decided()
    case.record_remedy_compliance(
        stamp(day(70)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence="Letter sent"
    )
    event = only_event(case)
    assert isinstance(event, Complaint.RemedyComplianceRecorded)
    assert event.complied_on == date(2026, 8, 10)
    case.record_remedy_compliance(
        stamp(day(80)), remedy_id="R2", outcome=RemedyOutcome.REFUSED, evidence="Council letter"
    )
    case.record_remedy_compliance(
        stamp(day(100)), remedy_id="R2", outcome=RemedyOutcome.LATE, evidence="Paid"
    )
    assert case.remedy_outcome("R2") == RemedyOutcome.LATE


def test_compliance_must_match_the_due_date_and_happens_once() -> None:
    case = decided()
    with pytest.raises(InvalidValueError) as not_on_time:
        case.record_remedy_compliance(
            stamp(day(100)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence="Letter"
        )
    assert not_on_time.value.field == "outcome"
    with pytest.raises(InvalidValueError) as not_late:
        case.record_remedy_compliance(
            stamp(day(70)), remedy_id="R1", outcome=RemedyOutcome.LATE, evidence="Letter"
        )
    assert not_late.value.field == "outcome"
    with pytest.raises(InvalidValueError) as unknown:
        case.record_remedy_compliance(
            stamp(day(70)), remedy_id="R9", outcome=RemedyOutcome.COMPLIED, evidence="Letter"
        )
    assert unknown.value.field == "remedy_id"
    with pytest.raises(InvalidValueError) as no_evidence:
        case.record_remedy_compliance(
            stamp(day(70)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence=" "
        )
    assert no_evidence.value.field == "evidence"
    case.record_remedy_compliance(
        stamp(day(70)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence="Letter"
    )
    with pytest.raises(RuleViolationError) as twice:
        case.record_remedy_compliance(
            stamp(day(71)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence="Again"
        )
    assert twice.value.field == "remedy_id"


def test_the_case_view_shows_decisions_remedies_and_overdue_remedies() -> None:
    case = decided()
    case.record_remedy_compliance(
        stamp(day(70)), remedy_id="R1", outcome=RemedyOutcome.COMPLIED, evidence="Letter"
    )
    before = case_view(case, date(2026, 8, 20))
    assert [r["status"] for r in before["ombudsman_remedies"]] == ["complied", "pending"]
    assert before["overdue_remedies"] == []
    after = case_view(case, date(2026, 9, 1))
    assert after["overdue_remedies"] == ["R2"]
    (decision,) = after["ombudsman_decisions"]
    assert decision["finding"].startswith("The council delayed")
    assert (decision["fault"], decision["injustice"], decision["remedies"]) == (
        True,
        True,
        ["R1", "R2"],
    )
    assert after["ombudsman_remedies"][0]["compliance"][0]["evidence"] == "Letter"


def test_an_old_shape_decision_shows_in_the_view() -> None:
    case = escalated()
    case.record_ombudsman_decision(
        stamp(DECIDED), body=Ombudsman.LGSCO, decision=OmbudsmanDecision.NOT_UPHELD
    )
    (decision,) = case_view(case, date(2026, 8, 1))["ombudsman_decisions"]
    assert decision["decision"] == "not_upheld"
    assert decision["remedy_compliance"] == "not_applicable"


# ---------------------------------------------------------------- the regulator


def test_a_regulator_acknowledges_a_notification_it_received_once() -> None:
    case = received(regime=RegimeId.ENGLAND_2009)
    with pytest.raises(RuleViolationError) as not_notified:
        case.acknowledge_regulator_notification(stamp(day(6)), regulator=Regulator.CQC)
    assert not_notified.value.field == "regulator"
    case.escalate(
        stamp(day(5)), route=EscalationRoute.REGULATOR, reason="r", regulator=Regulator.CQC
    )
    case.acknowledge_regulator_notification(
        stamp(day(6)), regulator=Regulator.CQC, reference="ENQ1-123", note="Logged"
    )
    with pytest.raises(RuleViolationError):
        case.acknowledge_regulator_notification(stamp(day(7)), regulator=Regulator.CQC)
    (notification,) = case_view(case, date(2026, 6, 8))["regulator_notifications"]
    assert notification["acknowledged_at"] == day(6).isoformat()
