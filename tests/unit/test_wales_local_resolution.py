"""Wales, WSI 2014/1794 reg 16: the local resolution discussion meets stage 1, and one that
resolves the matter sets the 5-working-day deadline for its written terms (reg 16(5))."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from complaints_ledger.domain.clocks import ClockFacts, Deadline, DeadlineStatus, deadlines
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import EscalationRoute, Kind, RegimeId
from tests.builders import acknowledged, day, investigating, received, respond, stamp

WALES = RegimeId.WALES_2014
TODAY = date(2026, 12, 1)


def at(year: int, month: int, day_: int) -> datetime:
    return datetime(year, month, day_, 10, tzinfo=UTC)


def welsh_facts(**changes: object) -> ClockFacts:
    """A Welsh complaint received Mon 1 Jun 2026 and acknowledged the next day, with `changes`."""
    facts = ClockFacts(
        regime=WALES,
        kind=Kind.COMPLAINT,
        received_at=at(2026, 6, 1),
        acknowledged_at=at(2026, 6, 2),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def by_name(case: Complaint, today: date = TODAY) -> dict[str, Deadline]:
    return {d.name: d for d in case.deadlines(today)}


def discuss(case: Complaint, when: datetime, *, resolved: bool) -> None:
    case.record_local_resolution(
        stamp(when), resolved=resolved, summary="We talked through the missed visits."
    )


def test_the_discussion_meets_the_stage_1_deadline() -> None:
    case = acknowledged(regime=WALES)  # received Mon 1 Jun 2026, acknowledged Tue 2 Jun
    discuss(case, day(8), resolved=False)  # Tue 9 Jun: within 10 WD of the acknowledgement
    response = case.deadlines(TODAY)[1]
    assert response.name == "response"
    assert (response.status, response.met_at) == (DeadlineStatus.MET, day(8))
    assert "met by the local resolution discussion" in response.explanation
    assert "written_resolution" not in by_name(case)  # not resolved: nothing in writing due


def test_a_discussion_that_resolves_it_sets_the_written_resolution_due_in_5_working_days() -> None:
    case = acknowledged(regime=WALES)
    discuss(case, day(3), resolved=True)  # Thu 4 Jun 2026
    written = {d.name: d for d in case.deadlines(day(3).date())}["written_resolution"]
    assert written.rule == "WSI 2014/1794 reg 16(5)"
    assert written.statutory
    assert written.due == date(2026, 6, 11)  # 5 WD after Thu 4 Jun
    assert written.status == DeadlineStatus.OPEN
    assert "inference" in written.explanation
    respond(case, day(9))  # Wed 10 Jun: the written terms, as the stage 1 response
    written = {d.name: d for d in case.deadlines(TODAY)}["written_resolution"]
    assert (written.status, written.met_at) == (DeadlineStatus.MET, day(9))


def test_written_terms_sent_late_miss_the_deadline() -> None:
    case = investigating(regime=WALES)
    discuss(case, day(3), resolved=True)
    respond(case, day(14))  # Mon 15 Jun: after Thu 11 Jun
    assert by_name(case)["written_resolution"].status == DeadlineStatus.MISSED


def test_the_written_resolution_skips_welsh_bank_holidays() -> None:
    # Thu 24 Dec 2026: 25, 28 Dec (Boxing Day substitute) and 1 Jan 2027 are not working days
    facts = welsh_facts(
        received_at=at(2026, 12, 21),
        acknowledged_at=at(2026, 12, 22),
        local_resolution_discussed_at=at(2026, 12, 24),
        local_resolution_resolved_at=at(2026, 12, 24),
    )
    written = {d.name: d for d in deadlines(facts, TODAY)}["written_resolution"]
    assert written.due == date(2027, 1, 5)
    assert {day_ for day_, _ in written.holidays_skipped} >= {date(2026, 12, 25), date(2027, 1, 1)}


def test_a_response_before_any_discussion_still_meets_stage_1() -> None:
    facts = welsh_facts(responded_at=at(2026, 6, 5))
    response = {d.name: d for d in deadlines(facts, TODAY)}["response"]
    assert response.met_at == at(2026, 6, 5)
    later_discussion = replace(facts, local_resolution_discussed_at=at(2026, 6, 8))
    assert {d.name: d for d in deadlines(later_discussion, TODAY)}["response"].met_at == at(
        2026, 6, 5
    )


def test_only_welsh_complaints_have_a_local_resolution_discussion() -> None:
    case = acknowledged()  # england-2009
    with pytest.raises(RuleViolationError) as caught:
        discuss(case, day(3), resolved=True)
    assert caught.value.field == "regime"
    compliment = received(regime=WALES, kind=Kind.COMPLIMENT)
    with pytest.raises(RuleViolationError) as caught:
        discuss(compliment, day(3), resolved=True)
    assert caught.value.field == "kind"


def test_a_matter_resolved_once_is_not_discussed_again() -> None:
    case = acknowledged(regime=WALES)
    discuss(case, day(2), resolved=False)
    discuss(case, day(3), resolved=True)  # a second discussion may resolve it
    with pytest.raises(RuleViolationError) as caught:
        discuss(case, day(4), resolved=True)
    assert caught.value.field == "resolved"


def test_no_discussion_after_the_response_or_at_stage_2() -> None:
    case = investigating(regime=WALES)
    respond(case, day(6))
    with pytest.raises(RuleViolationError) as caught:
        discuss(case, day(7), resolved=True)
    assert caught.value.field == "status"
    case.escalate(stamp(day(8)), route=EscalationRoute.STAGE_2, reason="unresolved")
    with pytest.raises(RuleViolationError):
        discuss(case, day(9), resolved=True)


def test_the_discussion_needs_a_summary_and_cannot_be_in_the_future() -> None:
    case = acknowledged(regime=WALES)
    with pytest.raises(InvalidValueError) as caught:
        case.record_local_resolution(stamp(day(3)), resolved=True, summary="  ")
    assert caught.value.field == "summary"
    with pytest.raises(InvalidValueError) as caught:
        case.record_local_resolution(
            stamp(day(3), occurred_at=day(4)), resolved=True, summary="Agreed a new rota."
        )
    assert caught.value.field == "occurred_at"


def test_the_event_holds_the_summary_as_personal_data() -> None:
    case = acknowledged(regime=WALES)
    discuss(case, day(3), resolved=True)
    (event,) = case.collect_events()
    assert type(event).__name__ == "LocalResolutionDiscussed"
    assert event.resolved is True  # type: ignore[attr-defined]
    assert event.personal == {"summary": "We talked through the missed visits."}  # type: ignore[attr-defined]
    assert event.organisation == case.handling_organisation  # type: ignore[attr-defined]
