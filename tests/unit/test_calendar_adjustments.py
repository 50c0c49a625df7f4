"""Calendars as versioned data: versions, one-off holidays added and removed, refusals, and
deadline explanations naming the holidays they skipped (ADR 0016)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from complaints_ledger.domain import calendars
from complaints_ledger.domain.calendar_adjustments import (
    CalendarAdjustments,
    added_to,
    removed_from,
    unadjusted,
    with_added,
    with_removed,
)
from complaints_ledger.domain.calendars import (
    HOLIDAYS_VERSION,
    Calendar,
    add_working_days,
    holidays_skipped,
    is_working_day,
)
from complaints_ledger.domain.clocks import ClockFacts, deadlines
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Kind, RegimeId
from tests.builders import stamp

ENGLAND = unadjusted(Calendar.ENGLAND)
MON_10_MAY_2027 = date(2027, 5, 10)
MAY_DAY_2027 = date(2027, 5, 3)
THU_6_MAY_2027 = datetime(2027, 5, 6, 9, tzinfo=UTC)


def lgsco_case(received_at: datetime = THU_6_MAY_2027) -> ClockFacts:
    return ClockFacts(regime=RegimeId.LGSCO_CODE, kind=Kind.COMPLAINT, received_at=received_at)


def by_name(calendar: calendars.AdjustedCalendar | None, facts: ClockFacts) -> dict[str, object]:
    return {d.name: d for d in deadlines(facts, date(2027, 5, 6), calendar=calendar)}


def test_a_calendar_version_names_the_package_version_the_nation_and_the_adjustments() -> None:
    assert ENGLAND.version == f"{HOLIDAYS_VERSION}+england@0"
    once = with_added(ENGLAND, MON_10_MAY_2027)
    assert once.version == f"{HOLIDAYS_VERSION}+england@1"
    assert with_removed(once, MON_10_MAY_2027).version.endswith("+england@2")
    assert unadjusted(Calendar.SCOTLAND).version.endswith("+scotland@0")


def test_an_added_day_is_no_longer_a_working_day_and_moves_counts_past_it() -> None:
    added = with_added(ENGLAND, MON_10_MAY_2027, "Coronation bank holiday")
    assert is_working_day(ENGLAND, MON_10_MAY_2027)
    assert not is_working_day(added, MON_10_MAY_2027)
    assert add_working_days(ENGLAND, date(2027, 5, 7), 1) == MON_10_MAY_2027
    assert add_working_days(added, date(2027, 5, 7), 1) == date(2027, 5, 11)
    assert holidays_skipped(added, date(2027, 5, 7), date(2027, 5, 11)) == [
        (MON_10_MAY_2027, "Coronation bank holiday")
    ]


def test_a_removed_package_holiday_counts_again_and_can_be_put_back() -> None:
    removed = with_removed(ENGLAND, MAY_DAY_2027)
    assert is_working_day(removed, MAY_DAY_2027)
    assert add_working_days(removed, date(2027, 4, 30), 1) == MAY_DAY_2027
    back = with_added(removed, MAY_DAY_2027)
    assert not is_working_day(back, MAY_DAY_2027)
    assert back.holidays_in(2027)[MAY_DAY_2027] == "May Day"  # the package's name again


def test_removing_an_added_day_undoes_it() -> None:
    added = with_added(ENGLAND, MON_10_MAY_2027)
    again = with_removed(added, MON_10_MAY_2027)
    assert is_working_day(again, MON_10_MAY_2027)
    assert again.added == ()
    assert again.removed == frozenset()


@pytest.mark.parametrize(
    ("change", "day", "fragment"),
    [
        ("add", MAY_DAY_2027, "already a bank holiday (May Day)"),
        ("add", date(2027, 5, 8), "never a working day"),  # a Saturday
        ("add", date(2026, 12, 25), "already a bank holiday (Christmas Day)"),
        ("remove", MON_10_MAY_2027, "is not a bank holiday"),
        ("remove", date(2027, 12, 25), "Christmas Day"),
    ],
)
def test_changes_that_make_no_sense_are_refused_naming_the_day(
    change: str, day: date, fragment: str
) -> None:
    with pytest.raises(RuleViolationError, match=re.escape(fragment)) as refused:
        with_added(ENGLAND, day) if change == "add" else with_removed(ENGLAND, day)
    assert refused.value.field == "day"


def test_a_day_outside_the_years_the_clocks_count_is_invalid() -> None:
    with pytest.raises(InvalidValueError) as refused:
        with_added(ENGLAND, date(1999, 5, 10))
    assert refused.value.field == "day"


def test_the_aggregate_records_what_the_replay_on_the_read_side_computes() -> None:
    adjustments = CalendarAdjustments.open(Calendar.ENGLAND)
    when = stamp(datetime(2026, 11, 1, 9, tzinfo=UTC))
    adjustments.add_holiday(when, day=MON_10_MAY_2027, reason="proclaimed", name="Coronation")
    adjustments.remove_holiday(when, day=MAY_DAY_2027, reason="moved")
    with pytest.raises(RuleViolationError):
        adjustments.add_holiday(when, day=MON_10_MAY_2027, reason="twice", name=None)
    replayed = removed_from(added_to(ENGLAND, MON_10_MAY_2027, "Coronation"), MAY_DAY_2027)
    assert adjustments.in_force() == replayed
    recorded = [type(e).__name__ for e in adjustments.collect_events()]
    assert recorded == ["Opened", "HolidayAdded", "HolidayRemoved"]


def test_the_reason_is_required() -> None:
    adjustments = CalendarAdjustments.open(Calendar.ENGLAND)
    with pytest.raises(InvalidValueError) as refused:
        adjustments.add_holiday(
            stamp(datetime(2026, 11, 1, tzinfo=UTC)), day=MON_10_MAY_2027, reason=" ", name=None
        )
    assert refused.value.field == "reason"


def test_a_deadline_records_its_calendar_version_and_names_the_holidays_it_skipped() -> None:
    coronation = with_added(ENGLAND, MON_10_MAY_2027, "Coronation bank holiday")
    before, after = by_name(None, lgsco_case()), by_name(coronation, lgsco_case())
    ack_before, ack_after = before["acknowledgement"], after["acknowledgement"]
    assert ack_before.due == date(2027, 5, 13)  # type: ignore[attr-defined]
    assert ack_after.due == date(2027, 5, 14)  # type: ignore[attr-defined]
    assert ack_before.calendar_version == ENGLAND.version  # type: ignore[attr-defined]
    assert ack_after.calendar_version == coronation.version  # type: ignore[attr-defined]
    assert ack_after.holidays_skipped == (  # type: ignore[attr-defined]
        (MON_10_MAY_2027, "Coronation bank holiday"),
    )
    text = ack_after.explanation  # type: ignore[attr-defined]
    assert "skipping the bank holidays Mon 10 May 2027 (Coronation bank holiday)" in text
    assert coronation.version in text
    assert "no bank holiday fell in the period" in ack_before.explanation  # type: ignore[attr-defined]


def test_package_holidays_are_named_too() -> None:
    found = by_name(None, lgsco_case(datetime(2027, 4, 30, 9, tzinfo=UTC)))
    ack = found["acknowledgement"]
    assert ack.holidays_skipped == ((MAY_DAY_2027, "May Day"),)  # type: ignore[attr-defined]
    assert "Mon 03 May 2027 (May Day)" in ack.explanation  # type: ignore[attr-defined]


def test_a_calendar_of_another_nation_is_refused() -> None:
    with pytest.raises(ValueError, match="counts with england"):
        deadlines(lgsco_case(), date(2027, 5, 6), calendar=unadjusted(Calendar.SCOTLAND))
