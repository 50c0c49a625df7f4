"""Investigation, evidence, updates, action plans, the response and the internal target.

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from complaints_ledger.domain.clocks import Deadline, DeadlineStatus
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import (
    Outcome,
    RegimeId,
    Remedy,
    Status,
)
from tests import builders
from tests.builders import (
    acknowledged,
    day,
    investigating,
    only_event,
    received,
    stamp,
)


def respond(
    case: Complaint,
    when: datetime,
    outcome: Outcome = Outcome.PARTLY_UPHELD,
    *,
    ombudsman_rights_given: bool = True,
) -> None:
    builders.respond(
        case,
        when,
        outcome,
        remedies=(Remedy.APOLOGY, Remedy.TRAINING),
        signed_by="  Director of Adult Social Care ",
        ombudsman_rights_given=ombudsman_rights_given,
        summary="We found that two visits were missed.",
    )


def by_name(case: Complaint, today: date) -> dict[str, Deadline]:
    return {d.name: d for d in case.deadlines(today)}


# --------------------------------------------------------------------------- investigation


def test_start_investigation_assigns_the_stage_1_investigator() -> None:
    case = acknowledged()
    case.start_investigation(stamp(day(2)), investigator="  i.patel ")
    event = only_event(case)
    assert isinstance(event, Complaint.InvestigationStarted)
    assert (event.stage, event.investigator) == (1, "i.patel")
    assert case.investigators == {"1": "i.patel"}
    assert case.status == Status.INVESTIGATING


def test_an_investigation_starts_only_after_acknowledgement() -> None:
    case = received()
    with pytest.raises(RuleViolationError) as caught:
        case.start_investigation(stamp(day(1)), investigator="i.patel")
    assert caught.value.field == "status"
    assert "acknowledged" in caught.value.message


def test_an_investigation_needs_a_named_investigator() -> None:
    case = acknowledged()
    with pytest.raises(InvalidValueError) as caught:
        case.start_investigation(stamp(day(2)), investigator="  ")
    assert caught.value.field == "investigator"


def test_evidence_is_recorded_with_its_notes_kept_in_the_personal_part() -> None:
    case = investigating()
    case.record_evidence(
        stamp(day(3)), evidence_kind="visit log", source="provider", notes="Two visits missing"
    )
    event = only_event(case)
    assert isinstance(event, Complaint.EvidenceRecorded)
    assert (event.evidence_kind, event.source) == ("visit log", "provider")
    assert event.personal == {"notes": "Two visits missing"}
    assert case.records["evidence"] == [{"kind": "visit log", "at": day(3)}]


def test_evidence_is_recorded_only_during_an_investigation() -> None:
    case = acknowledged()
    with pytest.raises(RuleViolationError) as caught:
        case.record_evidence(stamp(day(3)), evidence_kind="log", source="provider", notes="n")
    assert caught.value.field == "status"


def test_updates_to_the_complainant_are_logged() -> None:
    case = investigating()
    case.update_complainant(stamp(day(4)), channel="phone", message="Waiting for visit logs")
    case.update_complainant(stamp(day(9)), channel="letter", message="Logs received")
    first, second = case.collect_events()
    assert isinstance(first, Complaint.ComplainantUpdated)
    assert first.channel == "phone"
    assert first.personal == {"message": "Waiting for visit logs"}
    assert isinstance(second, Complaint.ComplainantUpdated)
    assert case.records["updates"] == [
        {"channel": "phone", "at": day(4)},
        {"channel": "letter", "at": day(9)},
    ]


# --------------------------------------------------------------------------- action plan


def test_plan_and_complete_an_action() -> None:
    case = investigating()
    case.plan_action(
        stamp(day(5)),
        action_id="A1",
        description="Retrain the rota team",
        owner="Home care manager",
        due_on=date(2026, 7, 31),
    )
    planned = only_event(case)
    assert isinstance(planned, Complaint.ActionPlanned)
    assert (planned.action_id, planned.owner, planned.due_on) == (
        "A1",
        "Home care manager",
        date(2026, 7, 31),
    )
    assert case.actions["A1"]["completed_at"] is None

    case.complete_action(stamp(day(30)), action_id="A1", note="Training delivered")
    completed = only_event(case)
    assert isinstance(completed, Complaint.ActionCompleted)
    assert (completed.action_id, completed.note) == ("A1", "Training delivered")
    assert case.actions["A1"] == {
        "description": "Retrain the rota team",
        "owner": "Home care manager",
        "due_on": date(2026, 7, 31),
        "completed_at": day(30),
    }


def test_an_action_is_planned_once_and_not_due_in_the_past() -> None:
    case = investigating()
    case.plan_action(
        stamp(day(5)), action_id="A1", description="d", owner="o", due_on=date(2026, 7, 31)
    )
    with pytest.raises(InvalidValueError) as caught:
        case.plan_action(
            stamp(day(6)), action_id="A1", description="d", owner="o", due_on=date(2026, 7, 31)
        )
    assert caught.value.field == "action_id"
    with pytest.raises(InvalidValueError) as caught_due:
        case.plan_action(
            stamp(day(6)), action_id="A2", description="d", owner="o", due_on=date(2026, 6, 6)
        )
    assert caught_due.value.field == "due_on"
    assert list(case.actions) == ["A1"]


def test_an_action_is_completed_once() -> None:
    case = investigating()
    case.plan_action(
        stamp(day(5)), action_id="A1", description="d", owner="o", due_on=date(2026, 7, 31)
    )
    case.complete_action(stamp(day(6)), action_id="A1")
    with pytest.raises(RuleViolationError) as caught:
        case.complete_action(stamp(day(7)), action_id="A1")
    assert caught.value.field == "action_id"
    assert case.actions["A1"]["completed_at"] == day(6)


# --------------------------------------------------------------------------- response


def test_the_response_records_outcome_remedies_and_meets_the_deadlines() -> None:
    case = investigating()
    respond(case, day(20), Outcome.PARTLY_UPHELD)

    event = only_event(case)
    assert isinstance(event, Complaint.ResponseSent)
    assert event.stage == 1
    assert event.outcome == "partly_upheld"
    assert event.remedies == ["apology", "training"]
    assert event.signed_by == "Director of Adult Social Care"
    assert event.ombudsman_rights_given is True
    assert event.within_notified_period is True
    assert event.personal == {"summary": "We found that two visits were missed."}
    assert case.status == Status.RESPONDED
    assert case.outcome == Outcome.PARTLY_UPHELD
    assert case.responded_at == day(20)
    deadlines = by_name(case, date(2027, 1, 1))
    assert deadlines["response"].status == DeadlineStatus.MET
    internal = deadlines["internal_response_target"]
    assert internal.due == date(2026, 6, 29)
    assert internal.status == DeadlineStatus.MET


def test_a_response_after_the_six_months_is_recorded_as_outside_the_period() -> None:
    case = investigating()
    respond(case, datetime(2026, 12, 1, 10, tzinfo=UTC))  # the period ended 30 Nov 2026
    event = only_event(case)
    assert isinstance(event, Complaint.ResponseSent)
    assert event.within_notified_period is False
    response = by_name(case, date(2026, 12, 1))["response"]
    assert response.status == DeadlineStatus.MISSED


def test_a_response_may_come_straight_after_acknowledgement() -> None:
    case = acknowledged()
    respond(case, day(3), Outcome.NOT_UPHELD)
    assert case.status == Status.RESPONDED


def test_a_response_must_give_the_right_to_go_to_the_ombudsman() -> None:
    case = investigating()
    with pytest.raises(RuleViolationError) as caught:
        respond(case, day(20), ombudsman_rights_given=False)
    assert caught.value.field == "ombudsman_rights_given"
    assert caught.value.rule == "SI 2009/309 reg 14(2)(d)"
    assert case.status == Status.INVESTIGATING


def test_a_complaint_cannot_be_answered_before_it_is_acknowledged() -> None:
    case = received()
    with pytest.raises(RuleViolationError) as caught:
        respond(case, day(3))
    assert caught.value.field == "status"


# --------------------------------------------------------------------------- internal target


def test_pause_and_resume_the_internal_target() -> None:
    case = investigating()
    case.pause_target(stamp(day(2)), reason="Awaiting the complainant's GP letter")
    paused = only_event(case)
    assert isinstance(paused, Complaint.TargetPaused)
    assert paused.reason == "Awaiting the complainant's GP letter"
    assert len(case.target_pauses) == 1
    assert case.target_pauses[0].ended_at is None

    case.resume_target(stamp(day(9)))
    resumed = only_event(case)
    assert isinstance(resumed, Complaint.TargetResumed)
    assert case.target_pauses[0].started_at == day(2)
    assert case.target_pauses[0].ended_at == day(9)


def test_the_target_cannot_be_paused_twice_or_resumed_unpaused() -> None:
    case = investigating()
    with pytest.raises(RuleViolationError) as caught:
        case.resume_target(stamp(day(3)))
    assert "not paused" in caught.value.message
    case.pause_target(stamp(day(3)), reason="waiting")
    with pytest.raises(RuleViolationError) as caught_twice:
        case.pause_target(stamp(day(4)), reason="waiting again")
    assert "already paused" in caught_twice.value.message
    assert len(case.target_pauses) == 1


def test_a_pause_moves_the_internal_target_but_never_the_statutory_deadlines() -> None:
    case = acknowledged()
    today = date(2026, 6, 15)
    before = {d.name: d.due for d in case.deadlines(today)}
    assert before == {
        "acknowledgement": date(2026, 6, 4),
        "response": date(2026, 11, 30),
        "internal_response_target": date(2026, 6, 29),
    }
    case.pause_target(stamp(day(2)), reason="Awaiting the complainant")  # Wed 3 June
    case.resume_target(stamp(day(9)))  # Wed 10 June: Thu 4 .. Wed 10 = 5 working days paused
    after = {d.name: d for d in case.deadlines(today)}

    assert after["acknowledgement"].due == before["acknowledgement"]
    assert after["response"].due == before["response"]
    assert after["internal_response_target"].due == date(2026, 7, 6)  # 5 working days later
    assert not after["internal_response_target"].statutory
    assert after["response"].statutory


def test_pausing_does_not_move_a_code_regimes_statutory_response() -> None:
    case = acknowledged(regime=RegimeId.LGSCO_CODE)
    before = {d.name: d.due for d in case.deadlines(date(2026, 6, 15))}
    case.pause_target(stamp(day(2)), reason="Awaiting the complainant")
    after = {d.name: d.due for d in case.deadlines(date(2026, 6, 15))}
    assert after["response"] == before["response"] == date(2026, 6, 16)
    assert after["internal_response_target"] > before["internal_response_target"]


def test_an_open_pause_ends_at_the_response_so_a_closed_case_stops_moving() -> None:
    case = acknowledged()
    case.pause_target(stamp(day(2)), reason="Awaiting the complainant")  # never resumed
    respond(case, day(44), Outcome.NOT_UPHELD)
    case.close(stamp(day(45)))
    for today in (date(2026, 7, 16), date(2026, 12, 1), date(2027, 6, 1)):
        target = by_name(case, today)["internal_response_target"]
        # 2 WD before the pause, 30 WD paused (Thu 4 Jun - Wed 15 Jul), then 18 more.
        assert target.due == date(2026, 8, 10), today
        assert target.status == DeadlineStatus.MET
