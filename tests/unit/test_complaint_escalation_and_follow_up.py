"""Escalation (stage 2, ombudsman, regulator, safeguarding), ombudsman decisions, and follow-up
(lessons, complaints forum reviews, feedback).

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

from datetime import date

import pytest

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    CaseClosedError,
    InvalidValueError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    ExtendedDeadline,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    RegimeId,
    Remedy,
    RemedyCompliance,
    Status,
)
from tests import builders
from tests.builders import (
    COUNCIL,
    MANAGER,
    OFFICER,
    day,
    investigating,
    only_event,
    respond,
    stamp,
)

LGSCO_CASE = {"regime": RegimeId.LGSCO_CODE, "about_organisation": COUNCIL}


def received(**changes: object) -> Complaint:
    """A complaint about the council itself, under the LGSCO code unless changed."""
    return builders.received(**{**LGSCO_CASE, **changes})


def responded(**changes: object) -> Complaint:
    """Stage 1: acknowledged Tue 2 June, investigated by i.patel, answered Mon 15 June."""
    case = investigating(**{**LGSCO_CASE, **changes})
    respond(case, day(14))
    case.collect_events()
    return case


def at_stage_2() -> Complaint:
    case = responded()
    case.escalate(stamp(day(16)), route=EscalationRoute.STAGE_2, reason="Unhappy with stage 1")
    case.acknowledge(stamp(day(17)))
    case.collect_events()
    return case


# --------------------------------------------------------------------------- stage 2


def test_escalating_to_stage_2_starts_the_stage_2_clocks() -> None:
    case = responded()
    case.escalate(stamp(day(16)), route=EscalationRoute.STAGE_2, reason="Unhappy with stage 1")

    event = only_event(case)
    assert isinstance(event, Complaint.Escalated)
    assert (event.route, event.body, event.reason) == ("stage_2", None, "Unhappy with stage 1")
    assert case.stage == 2
    assert case.status == Status.ESCALATED
    assert case.stage_2_requested_at == day(16)  # Wed 17 June
    assert case.records["escalations"] == [{"route": "stage_2", "body": None, "at": day(16)}]
    due = {d.name: d.due for d in case.deadlines(date(2026, 6, 17))}
    assert due["stage_2_acknowledgement"] == date(2026, 6, 24)  # 5 WD after the request


def test_stage_2_acknowledgement_investigation_and_response() -> None:
    case = at_stage_2()
    assert case.stage_2_acknowledged_at == day(17)
    assert case.acknowledged_at == day(1)  # stage 1's acknowledgement is kept
    assert case.status == Status.ACKNOWLEDGED

    case.start_investigation(stamp(day(18)), investigator="s.okafor")
    started = only_event(case)
    assert isinstance(started, Complaint.InvestigationStarted)
    assert started.stage == 2
    assert case.investigators == {"1": "i.patel", "2": "s.okafor"}

    respond(case, day(30), Outcome.UPHELD)
    sent = only_event(case)
    assert isinstance(sent, Complaint.ResponseSent)
    assert sent.stage == 2
    assert case.stage_2_responded_at == day(30)
    assert case.responded_at == day(14)  # stage 1's response is kept
    assert case.outcome == Outcome.UPHELD


def test_the_stage_2_investigator_must_differ_from_stage_1() -> None:
    case = at_stage_2()
    with pytest.raises(RuleViolationError) as caught:
        case.start_investigation(stamp(day(18)), investigator=" i.patel ")
    assert caught.value.field == "investigator"
    assert "i.patel" in caught.value.message
    assert caught.value.rule is not None
    assert "stage 2 handler independent" in caught.value.rule
    assert case.investigators == {"1": "i.patel"}
    assert case.status == Status.ACKNOWLEDGED


def test_stage_2_only_once_and_only_after_the_stage_1_response() -> None:
    early = received()
    early.acknowledge(stamp(day(1)))
    with pytest.raises(RuleViolationError) as caught_early:
        early.escalate(stamp(day(2)), route=EscalationRoute.STAGE_2, reason="r")
    assert caught_early.value.field == "status"

    case = at_stage_2()
    case.start_investigation(stamp(day(18)), investigator="s.okafor")
    respond(case, day(30))
    with pytest.raises(RuleViolationError) as caught_twice:
        case.escalate(stamp(day(31)), route=EscalationRoute.STAGE_2, reason="again")
    assert caught_twice.value.field == "route"
    assert "already at stage 2" in caught_twice.value.message


def test_england_2009_has_no_stage_2() -> None:
    case = responded(regime=RegimeId.ENGLAND_2009)
    with pytest.raises(RuleViolationError) as caught:
        case.escalate(stamp(day(16)), route=EscalationRoute.STAGE_2, reason="r")
    assert caught.value.field == "route"
    assert "ombudsman" in caught.value.message


def test_a_closed_case_must_be_reopened_before_stage_2() -> None:
    case = responded()
    case.close(stamp(day(15)))
    with pytest.raises(CaseClosedError) as caught:
        case.escalate(stamp(day(16)), route=EscalationRoute.STAGE_2, reason="r")
    assert caught.value.field == "status"
    case.reopen(stamp(day(16)), reason="Complainant asked for stage 2")
    case.escalate(stamp(day(16.5)), route=EscalationRoute.STAGE_2, reason="r")
    assert case.stage == 2


def test_stage_2_extension_up_to_twenty_working_days_then_a_manager() -> None:
    case = at_stage_2()

    def extend(working_days: int, actor: Actor) -> None:
        case.extend_deadline(
            stamp(day(20), actor=actor),
            deadline=ExtendedDeadline.STAGE_2_RESPONSE,
            working_days=working_days,
            reason="independent investigator appointed",
            complainant_consent=True,
        )

    before = {d.name: d.due for d in case.deadlines(date(2026, 6, 20))}["stage_2_response"]
    extend(20, OFFICER)
    after = {d.name: d.due for d in case.deadlines(date(2026, 6, 20))}["stage_2_response"]
    assert after > before
    with pytest.raises(NotPermittedError) as caught:
        extend(1, OFFICER)
    assert caught.value.field == "actor.role"
    extend(1, MANAGER)
    assert [e.working_days for e in case.extensions] == [20, 1]


def test_spso_stage_2_extension_must_be_agreed_with_the_complainant() -> None:
    case = responded(regime=RegimeId.SPSO_MCHP)
    case.escalate(stamp(day(16)), route=EscalationRoute.STAGE_2, reason="r")
    with pytest.raises(InvalidValueError) as caught:
        case.extend_deadline(
            stamp(day(20)),
            deadline=ExtendedDeadline.STAGE_2_RESPONSE,
            working_days=10,
            reason="complex",
            complainant_consent=False,
        )
    assert caught.value.field == "complainant_consent"
    case.extend_deadline(
        stamp(day(20)),
        deadline=ExtendedDeadline.STAGE_2_RESPONSE,
        working_days=30,
        reason="complex",
        complainant_consent=True,
    )
    assert case.extensions[-1].working_days == 30


# --------------------------------------------------------------------------- external routes


def test_escalation_to_the_ombudsman_names_the_body() -> None:
    case = responded()
    case.escalate(
        stamp(day(20)),
        route=EscalationRoute.OMBUDSMAN,
        reason="Complainant went to the LGSCO",
        body=Ombudsman.LGSCO,
        reference="  25 001 234  ",
    )
    event = only_event(case)
    assert isinstance(event, Complaint.Escalated)
    assert (event.route, event.body, event.reference) == ("ombudsman", "LGSCO", "25 001 234")
    assert case.ombudsman_bodies == ["LGSCO"]
    assert case.status == Status.RESPONDED  # the local status does not change
    assert case.stage == 1


def test_ombudsman_escalation_needs_a_body_and_other_routes_take_none() -> None:
    case = responded()
    with pytest.raises(InvalidValueError) as caught:
        case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r")
    assert caught.value.field == "body"
    with pytest.raises(InvalidValueError) as caught_other:
        case.escalate(
            stamp(day(20)), route=EscalationRoute.REGULATOR, reason="r", body=Ombudsman.LGSCO
        )
    assert caught_other.value.field == "body"
    assert case.ombudsman_bodies == []


@pytest.mark.parametrize("route", [EscalationRoute.REGULATOR, EscalationRoute.SAFEGUARDING])
def test_regulator_and_safeguarding_referrals_can_happen_at_any_time(
    route: EscalationRoute,
) -> None:
    case = received()  # e.g. a safeguarding concern spotted on the day of receipt
    case.escalate(stamp(day(0.1)), route=route, reason="Risk of harm reported")
    event = only_event(case)
    assert isinstance(event, Complaint.Escalated)
    assert (event.route, event.body) == (str(route), None)
    assert case.records["escalations"] == [{"route": str(route), "body": None, "at": day(0.1)}]
    assert case.status == Status.RECEIVED
    assert case.stage == 1


def test_record_the_ombudsman_decision_and_remedy_compliance() -> None:
    case = responded()
    case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.LGSCO)
    case.collect_events()
    case.record_ombudsman_decision(
        stamp(day(120)),
        body=Ombudsman.LGSCO,
        decision=OmbudsmanDecision.UPHELD_FAULT_INJUSTICE,
        recommended_remedies=(Remedy.APOLOGY, Remedy.FINANCIAL),
        remedy_compliance=RemedyCompliance.PENDING,
    )
    event = only_event(case)
    assert isinstance(event, Complaint.OmbudsmanDecisionRecorded)
    assert event.body == "LGSCO"
    assert event.decision == "upheld_fault_causing_injustice"
    assert event.recommended_remedies == ["apology", "financial"]
    assert event.remedy_compliance == "pending"
    assert case.records["ombudsman_decisions"] == [
        {
            "body": "LGSCO",
            "decision": "upheld_fault_causing_injustice",
            "at": day(120),
            "recommended_remedies": ["apology", "financial"],
            "remedy_compliance": "pending",
        }
    ]


def test_an_ombudsman_decision_needs_the_escalation_and_a_compliance_answer() -> None:
    case = responded()
    with pytest.raises(RuleViolationError) as caught:
        case.record_ombudsman_decision(
            stamp(day(120)), body=Ombudsman.PHSO, decision=OmbudsmanDecision.NOT_UPHELD
        )
    assert caught.value.field == "body"
    case.escalate(stamp(day(20)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.PHSO)
    with pytest.raises(InvalidValueError) as caught_compliance:
        case.record_ombudsman_decision(
            stamp(day(120)),
            body=Ombudsman.PHSO,
            decision=OmbudsmanDecision.UPHELD_FAULT_ONLY,
            recommended_remedies=(Remedy.APOLOGY,),
        )
    assert caught_compliance.value.field == "remedy_compliance"
    assert "ombudsman_decisions" not in case.records


# --------------------------------------------------------------------------- follow-up


def test_record_a_lesson_once_per_id() -> None:
    case = responded()
    case.record_lesson(
        stamp(day(20)),
        lesson_id="L-2026-07",
        theme="assessment delays",
        lesson="Waiting lists were not reviewed",
        action="Weekly waiting-list review",
        shared_with_partners=True,
    )
    event = only_event(case)
    assert isinstance(event, Complaint.LessonRecorded)
    assert (event.theme, event.action, event.shared_with_partners) == (
        "assessment delays",
        "Weekly waiting-list review",
        True,
    )
    assert case.records["lessons"] == [{"lesson_id": "L-2026-07", "theme": "assessment delays"}]
    with pytest.raises(InvalidValueError) as caught:
        case.record_lesson(
            stamp(day(21)),
            lesson_id=" L-2026-07 ",
            theme="t",
            lesson="l",
            action="a",
            shared_with_partners=False,
        )
    assert caught.value.field == "lesson_id"


def test_a_forum_review_comes_after_the_response() -> None:
    case = received()
    with pytest.raises(RuleViolationError) as caught:
        case.record_forum_review(stamp(day(1)), forum="f", findings="x", handled_well=False)
    assert caught.value.field == "status"

    done = responded()
    done.record_forum_review(
        stamp(day(40)),
        forum="Northshire complaints forum",
        findings="Clear letter; slow acknowledgement",
        handled_well=False,
    )
    event = only_event(done)
    assert isinstance(event, Complaint.ForumReviewRecorded)
    assert event.findings == "Clear letter; slow acknowledgement"
    assert done.records["forum_reviews"] == [
        {"forum": "Northshire complaints forum", "handled_well": False}
    ]


def test_feedback_is_requested_then_received() -> None:
    case = responded()
    with pytest.raises(RuleViolationError) as caught:
        case.receive_feedback(stamp(day(20)), satisfaction=3)
    assert "no feedback was requested" in caught.value.message

    case.request_feedback(stamp(day(20)), channel="email")
    requested = only_event(case)
    assert isinstance(requested, Complaint.FeedbackRequested)
    assert requested.channel == "email"
    assert case.feedback_requested is True

    case.receive_feedback(stamp(day(30)), satisfaction=2, comments="  Too slow  ")
    received_feedback = only_event(case)
    assert isinstance(received_feedback, Complaint.FeedbackReceived)
    assert received_feedback.satisfaction == 2
    assert received_feedback.personal == {"comments": "Too slow"}
    assert case.records["feedback"] == [{"satisfaction": 2, "at": day(30)}]


@pytest.mark.parametrize("satisfaction", [0, 6, -1])
def test_satisfaction_is_on_a_one_to_five_scale(satisfaction: int) -> None:
    case = responded()
    case.request_feedback(stamp(day(20)), channel="email")
    with pytest.raises(InvalidValueError) as caught:
        case.receive_feedback(stamp(day(30)), satisfaction=satisfaction)
    assert caught.value.field == "satisfaction"


def test_feedback_is_not_requested_before_the_response() -> None:
    case = received()
    with pytest.raises(RuleViolationError) as caught:
        case.request_feedback(stamp(day(1)), channel="email")
    assert caught.value.field == "status"
    assert case.feedback_requested is False
