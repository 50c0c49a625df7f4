"""Acknowledgement, response periods, extensions, withdrawal, closure and reopening.

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from complaints_ledger.domain.clocks import Calendar, DeadlineStatus, add_working_days
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
    Kind,
    Ombudsman,
    OmbudsmanDecision,
    Outcome,
    RegimeId,
    Remedy,
    Status,
)
from tests import builders
from tests.builders import (
    MANAGER,
    OFFICER,
    acknowledged,
    day,
    investigating,
    only_event,
    received,
    stamp,
)

SCOTLAND = Calendar.SCOTLAND


def responded(outcome: Outcome = Outcome.NOT_UPHELD, **changes: object) -> Complaint:
    case = investigating(**changes)
    respond(case, day(10), outcome)
    case.collect_events()
    return case


def respond(case: Complaint, when: datetime, outcome: Outcome = Outcome.NOT_UPHELD) -> None:
    remedies = (Remedy.APOLOGY,) if outcome != Outcome.NOT_UPHELD else ()
    builders.respond(case, when, outcome, remedies=remedies)


def closed() -> Complaint:
    case = responded()
    case.close(stamp(day(12)))
    case.collect_events()
    return case


def due_dates(case: Complaint, today: date = date(2026, 6, 1)) -> dict[str, date]:
    return {d.name: d.due for d in case.deadlines(today)}


# --------------------------------------------------------------------------- acknowledgement


def test_acknowledge_records_when_and_meets_the_acknowledgement_deadline() -> None:
    case = received()
    case.acknowledge(stamp(day(2.5), occurred_at=day(2)), discussion_offered=True)

    event = only_event(case)
    assert isinstance(event, Complaint.Acknowledged)
    assert (event.stage, event.discussion_offered) == (1, True)
    assert event.occurred_at == day(2)
    assert event.timestamp == day(2.5)
    assert case.version == 2
    assert case.status == Status.ACKNOWLEDGED
    assert case.acknowledged_at == day(2)
    ack = next(d for d in case.deadlines(date(2026, 6, 10)) if d.name == "acknowledgement")
    assert ack.due == date(2026, 6, 4)  # 3 working days after Mon 1 June
    assert ack.status == DeadlineStatus.MET
    assert ack.met_at == day(2)


def test_acknowledgement_can_agree_a_longer_response_period() -> None:
    case = received()
    case.acknowledge(stamp(day(1)), response_period_agreed_until=date(2027, 1, 29))
    assert case.agreed_response_due == date(2027, 1, 29)
    assert due_dates(case)["response"] == date(2027, 1, 29)


def test_a_case_is_acknowledged_once_per_stage() -> None:
    case = acknowledged()
    with pytest.raises(RuleViolationError) as caught:
        case.acknowledge(stamp(day(2)))
    assert caught.value.field == "status"
    assert "acknowledge" in caught.value.message


# --------------------------------------------------------------------------- response period


def test_a_longer_response_period_agreed_in_time_moves_the_response_deadline() -> None:
    case = acknowledged()
    assert due_dates(case)["response"] == date(2026, 11, 30)  # 6 months beginning with 1 June
    case.agree_response_period(
        stamp(day(150)), agreed_until=date(2027, 1, 31), agreed_with_complainant=True
    )
    event = only_event(case)
    assert isinstance(event, Complaint.ResponsePeriodAgreed)
    assert event.agreed_until == date(2027, 1, 31)
    assert event.agreed_with_complainant is True
    assert case.agreed_response_due == date(2027, 1, 31)
    response = next(d for d in case.deadlines(date(2026, 12, 1)) if d.name == "response")
    assert response.due == date(2027, 1, 31)
    assert response.status == DeadlineStatus.OPEN
    assert "agreed with the complainant" in response.explanation


def test_a_longer_period_must_be_agreed_before_the_current_one_expires() -> None:
    case = acknowledged()
    after_expiry = datetime(2026, 12, 1, 10, tzinfo=UTC)  # the 6 months ended on 30 Nov 2026
    with pytest.raises(RuleViolationError) as caught:
        case.agree_response_period(
            stamp(after_expiry), agreed_until=date(2027, 1, 31), agreed_with_complainant=True
        )
    assert caught.value.field == "occurred_at"
    assert caught.value.rule == "SI 2009/309 reg 14(2)(b)"
    assert "2026-11-30" in caught.value.message
    assert case.agreed_response_due is None


def test_the_current_period_is_the_agreed_one_once_agreed() -> None:
    case = acknowledged()
    case.agree_response_period(
        stamp(datetime(2026, 11, 20, 10, tzinfo=UTC)),
        agreed_until=date(2027, 1, 31),
        agreed_with_complainant=True,
    )
    # 10 Dec is after the original 6 months but inside the agreed period: a further one is fine.
    case.agree_response_period(
        stamp(datetime(2026, 12, 10, 10, tzinfo=UTC)),
        agreed_until=date(2027, 3, 31),
        agreed_with_complainant=True,
    )
    assert due_dates(case)["response"] == date(2027, 3, 31)


def test_a_longer_period_needs_the_complainants_agreement() -> None:
    case = acknowledged()
    with pytest.raises(RuleViolationError) as caught:
        case.agree_response_period(
            stamp(day(10)), agreed_until=date(2027, 1, 31), agreed_with_complainant=False
        )
    assert caught.value.field == "agreed_with_complainant"


def test_an_agreed_period_must_end_after_the_day_of_receipt() -> None:
    case = acknowledged()
    with pytest.raises(InvalidValueError) as caught:
        case.agree_response_period(
            stamp(day(10)), agreed_until=date(2026, 6, 1), agreed_with_complainant=True
        )
    assert caught.value.field == "agreed_until"


def test_agreed_periods_are_an_england_2009_rule_only() -> None:
    case = acknowledged(regime=RegimeId.LGSCO_CODE)
    with pytest.raises(RuleViolationError) as caught:
        case.agree_response_period(
            stamp(day(3)), agreed_until=date(2026, 8, 1), agreed_with_complainant=True
        )
    assert caught.value.field == "agreed_until"
    assert "extend the deadline instead" in caught.value.message


# --------------------------------------------------------------------------- extensions


def extend(case: Complaint, when: datetime, working_days: int, actor: Actor = OFFICER) -> None:
    case.extend_deadline(
        stamp(when, actor=actor),
        deadline=ExtendedDeadline.RESPONSE,
        working_days=working_days,
        reason="awaiting the provider's care records",
        complainant_consent=True,
    )


def test_lgsco_extension_up_to_ten_working_days_moves_the_response_deadline() -> None:
    case = acknowledged(regime=RegimeId.LGSCO_CODE)  # acknowledged Tue 2 June
    assert due_dates(case)["response"] == date(2026, 6, 16)  # 10 WD after acknowledgement
    extend(case, day(5), 10)

    event = only_event(case)
    assert isinstance(event, Complaint.DeadlineExtended)
    assert (event.deadline, event.working_days) == ("response", 10)
    assert event.reason == "awaiting the provider's care records"
    assert len(case.extensions) == 1
    assert case.extensions[0].granted_at == day(5)
    assert due_dates(case)["response"] == date(2026, 6, 30)  # 20 WD after acknowledgement


@pytest.mark.parametrize("regime", [RegimeId.LGSCO_CODE, RegimeId.HOUSING_OMBUDSMAN_CODE])
def test_an_extension_beyond_ten_working_days_needs_a_manager(regime: RegimeId) -> None:
    case = acknowledged(regime=regime)
    extend(case, day(3), 6)
    with pytest.raises(NotPermittedError) as caught:
        extend(case, day(4), 5)  # 11 in total
    assert caught.value.field == "actor.role"
    assert "beyond 10 working days" in caught.value.message
    extend(case, day(4), 5, actor=MANAGER)
    assert sum(e.working_days for e in case.extensions) == 11


def test_spso_stage_1_may_be_extended_by_five_working_days_at_most() -> None:
    case = acknowledged(regime=RegimeId.SPSO_MCHP)
    assert due_dates(case)["response"] == date(2026, 6, 8)  # 5 WD after receipt
    extend(case, day(2), 5)
    # 10 WD in total, on the Scottish calendar (2026 has a one-off Scottish holiday in June)
    assert due_dates(case)["response"] == add_working_days(SCOTLAND, date(2026, 6, 1), 10)
    assert due_dates(case)["response"] == add_working_days(SCOTLAND, date(2026, 6, 8), 5)
    for actor in (OFFICER, MANAGER):  # not even a manager may go further
        with pytest.raises(RuleViolationError) as caught:
            extend(case, day(3), 1, actor=actor)
        assert caught.value.field == "working_days"
        assert caught.value.rule == "SPSO MCHP stage 1 extension"
        assert "escalate to stage 2" in caught.value.message
    assert len(case.extensions) == 1


def test_england_2009_has_no_extensions() -> None:
    case = acknowledged()
    with pytest.raises(RuleViolationError) as caught:
        extend(case, day(3), 5)
    assert caught.value.field == "deadline"
    assert "agree a longer response period" in caught.value.message


def test_extension_needs_at_least_one_working_day_and_a_stage_2_to_extend() -> None:
    case = acknowledged(regime=RegimeId.LGSCO_CODE)
    with pytest.raises(InvalidValueError) as caught:
        extend(case, day(3), 0)
    assert caught.value.field == "working_days"
    with pytest.raises(RuleViolationError) as caught_stage:
        case.extend_deadline(
            stamp(day(3)),
            deadline=ExtendedDeadline.STAGE_2_RESPONSE,
            working_days=5,
            reason="complex",
            complainant_consent=True,
        )
    assert caught_stage.value.field == "deadline"


# --------------------------------------------------------------------------- withdrawal


def test_withdrawal_stops_the_clocks_and_is_terminal() -> None:
    case = acknowledged()
    case.withdraw(stamp(day(3)), reason="Resolved informally with the provider")

    event = only_event(case)
    assert isinstance(event, Complaint.Withdrawn)
    assert event.reason == "Resolved informally with the provider"
    assert case.status == Status.WITHDRAWN
    assert case.stopped_at == day(3)
    assert not case.is_open
    response = next(d for d in case.deadlines(date(2027, 6, 1)) if d.name == "response")
    assert response.status == DeadlineStatus.STOPPED  # not 'missed' a year later


def test_cannot_respond_to_a_withdrawn_complaint() -> None:
    case = acknowledged()
    case.withdraw(stamp(day(3)), reason="No longer wishes to pursue it")
    with pytest.raises(CaseClosedError) as caught:
        respond(case, day(4))
    assert caught.value.field == "status"
    assert caught.value.rule == "withdrawn"
    assert "withdrawn" in caught.value.message
    assert case.responded_at is None


WITHDRAWN_REFUSALS: dict[str, Callable[[Complaint], None]] = {
    "reopen": lambda c: c.reopen(stamp(day(5)), reason="changed mind"),
    "withdraw again": lambda c: c.withdraw(stamp(day(5)), reason="again"),
    "lesson": lambda c: c.record_lesson(
        stamp(day(5)),
        lesson_id="L1",
        theme="rota",
        lesson="x",
        action="y",
        shared_with_partners=False,
    ),
    "ombudsman": lambda c: c.escalate(
        stamp(day(5)), route=EscalationRoute.OMBUDSMAN, reason="r", body=Ombudsman.LGSCO
    ),
    "update": lambda c: c.update_complainant(stamp(day(5)), channel="phone", message="hello"),
}


@pytest.mark.parametrize("command", WITHDRAWN_REFUSALS.values(), ids=WITHDRAWN_REFUSALS.keys())
def test_a_withdrawn_case_accepts_nothing_further(command: Callable[[Complaint], None]) -> None:
    case = acknowledged()
    case.withdraw(stamp(day(3)), reason="No longer wishes to pursue it")
    case.collect_events()
    with pytest.raises(CaseClosedError) as caught:
        command(case)
    assert caught.value.field == "status"
    assert case.status == Status.WITHDRAWN
    assert case.collect_events() == []


# --------------------------------------------------------------------------- closure


def test_close_a_responded_complaint() -> None:
    case = responded()
    case.close(stamp(day(12)))

    event = only_event(case)
    assert isinstance(event, Complaint.Closed)
    assert event.no_action_needed_reason is None
    assert case.status == Status.CLOSED
    assert case.status_before_close == Status.RESPONDED
    assert case.stopped_at == day(12)
    assert not case.is_open


@pytest.mark.parametrize("outcome", [Outcome.UPHELD, Outcome.PARTLY_UPHELD])
def test_a_well_founded_complaint_needs_an_action_or_a_reason_to_close(outcome: Outcome) -> None:
    case = responded(outcome)
    with pytest.raises(RuleViolationError) as caught:
        case.close(stamp(day(12)), no_action_needed_reason="   ")
    assert caught.value.field == "no_action_needed_reason"
    assert str(outcome) in caught.value.message
    assert case.status == Status.RESPONDED

    case.close(stamp(day(12)), no_action_needed_reason="  Provider contract already ended  ")
    assert case.status == Status.CLOSED
    assert case.no_action_needed_reason == "Provider contract already ended"


def test_an_upheld_complaint_with_a_planned_action_can_close() -> None:
    case = responded(Outcome.UPHELD)
    case.plan_action(
        stamp(day(11)),
        action_id="A1",
        description="Retrain the rota team",
        owner="Service manager",
        due_on=date(2026, 7, 31),
    )
    case.close(stamp(day(12)))
    assert case.status == Status.CLOSED


def test_a_complaint_cannot_close_before_its_response() -> None:
    case = acknowledged()
    with pytest.raises(RuleViolationError) as caught:
        case.close(stamp(day(3)))
    assert caught.value.field == "status"
    assert not isinstance(caught.value, CaseClosedError)


def test_a_compliment_closes_without_investigation_or_response() -> None:
    case = received(kind=Kind.COMPLIMENT, summary="The carers were wonderful.")
    case.acknowledge(stamp(day(1)))
    with pytest.raises(RuleViolationError) as caught:
        case.start_investigation(stamp(day(2)), investigator="i.patel")
    assert caught.value.field == "kind"
    with pytest.raises(RuleViolationError) as caught_response:
        respond(case, day(2))
    assert caught_response.value.field == "kind"
    case.close(stamp(day(2)))
    assert case.status == Status.CLOSED
    assert case.deadlines(date(2026, 6, 2)) == ()


CLOSED_REFUSALS: dict[str, Callable[[Complaint], None]] = {
    "acknowledge": lambda c: c.acknowledge(stamp(day(20))),
    "respond": lambda c: respond(c, day(20)),
    "investigate": lambda c: c.start_investigation(stamp(day(20)), investigator="x"),
    "update": lambda c: c.update_complainant(stamp(day(20)), channel="phone", message="hi"),
    "plan action": lambda c: c.plan_action(
        stamp(day(20)), action_id="A9", description="d", owner="o", due_on=date(2026, 8, 1)
    ),
    "pause target": lambda c: c.pause_target(stamp(day(20)), reason="waiting"),
    "withdraw": lambda c: c.withdraw(stamp(day(20)), reason="too late"),
    "refer": lambda c: c.refer(
        stamp(day(20)), to_organisation="NHS Trust", reason="r", consent_to_share=True
    ),
    "close again": lambda c: c.close(stamp(day(20))),
}


@pytest.mark.parametrize("command", CLOSED_REFUSALS.values(), ids=CLOSED_REFUSALS.keys())
def test_a_closed_case_refuses_casework(command: Callable[[Complaint], None]) -> None:
    case = closed()
    with pytest.raises(CaseClosedError) as caught:
        command(case)
    assert caught.value.field == "status"
    assert caught.value.rule == "closed"
    assert "reopen it first" in caught.value.message
    assert case.collect_events() == []
    assert case.status == Status.CLOSED


def test_a_closed_case_still_takes_the_post_closure_events() -> None:
    case = responded(Outcome.UPHELD)
    case.plan_action(
        stamp(day(11)), action_id="A1", description="d", owner="o", due_on=date(2026, 7, 31)
    )
    case.close(stamp(day(12)))
    case.collect_events()

    case.complete_action(stamp(day(20)), action_id="A1", note="done")
    case.escalate(
        stamp(day(30)), route=EscalationRoute.OMBUDSMAN, reason="unhappy", body=Ombudsman.LGSCO
    )
    case.escalate(stamp(day(31)), route=EscalationRoute.REGULATOR, reason="CQC notified")
    case.record_ombudsman_decision(
        stamp(day(90)), body=Ombudsman.LGSCO, decision=OmbudsmanDecision.NOT_UPHELD
    )
    case.record_lesson(
        stamp(day(91)),
        lesson_id="L1",
        theme="rota",
        lesson="Missed visits went unreported",
        action="Daily missed-visit report",
        shared_with_partners=True,
    )
    case.record_forum_review(
        stamp(day(92)), forum="Northshire complaints forum", findings="ok", handled_well=True
    )
    case.request_feedback(stamp(day(93)), channel="email")
    case.receive_feedback(stamp(day(94)), satisfaction=4)
    case.correct_fact(
        stamp(day(95), actor=MANAGER), field="service", new_value="day services", reason="typo"
    )

    names = [type(e).__name__ for e in case.collect_events()]
    assert names == [
        "ActionCompleted",
        "Escalated",
        "Escalated",
        "OmbudsmanDecisionRecorded",
        "LessonRecorded",
        "ForumReviewRecorded",
        "FeedbackRequested",
        "FeedbackReceived",
        "FactCorrected",
    ]
    assert case.status == Status.CLOSED


def test_reopen_restores_the_status_before_closure() -> None:
    case = closed()
    case.reopen(stamp(day(20)), reason="New information from the family")

    event = only_event(case)
    assert isinstance(event, Complaint.Reopened)
    assert event.reason == "New information from the family"
    assert case.status == Status.RESPONDED
    assert case.stopped_at is None
    assert case.is_open
    case.close(stamp(day(21)))  # and it can close again
    assert case.status == Status.CLOSED


def test_only_a_closed_case_can_be_reopened() -> None:
    case = responded()
    with pytest.raises(RuleViolationError) as caught:
        case.reopen(stamp(day(20)), reason="why not")
    assert caught.value.field == "status"
