"""Statutory clocks: working-day calendars, deadlines per regime and time limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints_ledger.domain.calendars import bank_holidays
from complaints_ledger.domain.clocks import (
    COUNTING_CONVENTION,
    COUNTING_CONVENTIONS,
    NO_MATTER_DATE,
    Calendar,
    ClockFacts,
    Deadline,
    DeadlineStatus,
    Extension,
    Pause,
    add_working_days,
    calendar_for,
    deadlines,
    extension_limit_working_days,
    is_working_day,
    months_after,
    months_beginning_with,
    response_due,
    time_limit,
    uk_local_date,
    working_days_between,
)
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.values import ExtendedDeadline, Kind, RegimeId

ENG = Calendar.ENGLAND
SCT = Calendar.SCOTLAND
NIR = Calendar.NORTHERN_IRELAND


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in UTC; 10:00 UTC is the same UK date in both GMT and BST."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def facts(regime: RegimeId, received: datetime, **changes: object) -> ClockFacts:
    base = ClockFacts(regime=regime, kind=Kind.COMPLAINT, received_at=received)
    return replace(base, **changes)  # type: ignore[arg-type]


def by_name(found: tuple[Deadline, ...]) -> dict[str, Deadline]:
    return {d.name: d for d in found}


def extension(which: ExtendedDeadline, days: int) -> Extension:
    return Extension(which, days, at(2026, 6, 10), "complex case", complainant_consent=True)


# --------------------------------------------------------------------------- calendars


def test_calendar_for_each_regime() -> None:
    assert calendar_for(RegimeId.ENGLAND_2009) == ENG
    assert calendar_for(RegimeId.LGSCO_CODE) == ENG
    assert calendar_for(RegimeId.HOUSING_OMBUDSMAN_CODE) == ENG
    assert calendar_for(RegimeId.SPSO_MCHP) == SCT


def test_domain_worked_example_bank_holiday_monday_in_may() -> None:
    # Received Fri 22 May 2026; Mon 25 May is the spring bank holiday.
    assert add_working_days(ENG, date(2026, 5, 22), 3) == date(2026, 5, 28)


def test_domain_worked_example_late_summer_bank_holiday() -> None:
    # Received Thu 27 Aug 2026; Mon 31 Aug is the late summer bank holiday.
    assert add_working_days(ENG, date(2026, 8, 27), 3) == date(2026, 9, 2)


def test_weekends_christmas_and_good_friday_are_not_working_days() -> None:
    for calendar in (ENG, SCT, NIR):
        assert not is_working_day(calendar, date(2026, 5, 23))  # Saturday
        assert not is_working_day(calendar, date(2026, 5, 24))  # Sunday
        assert not is_working_day(calendar, date(2026, 12, 25))  # Christmas Day
        assert not is_working_day(calendar, date(2026, 4, 3))  # Good Friday
        assert is_working_day(calendar, date(2026, 12, 24))  # Christmas Eve works


def test_easter_monday_is_a_bank_holiday_in_england_but_not_scotland() -> None:
    assert not is_working_day(ENG, date(2026, 4, 6))
    assert is_working_day(SCT, date(2026, 4, 6))
    # Received Thu 2 Apr 2026, before Good Friday and Easter Monday.
    assert add_working_days(ENG, date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert add_working_days(SCT, date(2026, 4, 2), 1) == date(2026, 4, 6)
    assert add_working_days(ENG, date(2026, 4, 2), 5) == date(2026, 4, 13)
    assert add_working_days(SCT, date(2026, 4, 2), 5) == date(2026, 4, 10)


def test_second_of_january_is_a_scottish_bank_holiday_only() -> None:
    assert not is_working_day(SCT, date(2026, 1, 2))
    assert is_working_day(ENG, date(2026, 1, 2))


def test_christmas_and_new_year_across_the_year_end() -> None:
    # 2026: Christmas Fri, Boxing Day Sat -> substitute Mon 28 Dec.
    assert add_working_days(ENG, date(2026, 12, 23), 3) == date(2026, 12, 30)
    # Scotland: 1 Jan Fri, 2 Jan Sat -> substitute Mon 4 Jan 2027.
    assert add_working_days(SCT, date(2026, 12, 31), 3) == date(2027, 1, 7)
    assert add_working_days(ENG, date(2026, 12, 31), 3) == date(2027, 1, 6)


def test_substitute_days_when_christmas_falls_on_a_weekend() -> None:
    # 2027: Christmas Sat, Boxing Day Sun -> substitutes Mon 27 and Tue 28 Dec.
    assert not is_working_day(ENG, date(2027, 12, 27))
    assert not is_working_day(ENG, date(2027, 12, 28))
    assert add_working_days(ENG, date(2027, 12, 24), 3) == date(2027, 12, 31)
    # New Year's Day 2028 is a Saturday -> substitute Mon 3 Jan 2028.
    assert add_working_days(ENG, date(2027, 12, 30), 2) == date(2028, 1, 4)


def test_st_andrews_day_substitute_in_scotland() -> None:
    # 30 Nov 2025 is a Sunday: the Scottish bank holiday moves to Mon 1 Dec.
    assert not is_working_day(SCT, date(2025, 12, 1))
    assert is_working_day(ENG, date(2025, 12, 1))
    assert add_working_days(SCT, date(2025, 11, 28), 1) == date(2025, 12, 2)


def test_one_off_proclaimed_holidays_count() -> None:
    for one_off in (date(2022, 6, 3), date(2022, 9, 19), date(2023, 5, 8)):
        assert not is_working_day(ENG, one_off)
        assert one_off in bank_holidays(ENG, one_off.year)


def test_receipt_on_a_saturday_counts_from_the_saturday() -> None:
    # Day 0 is the Saturday itself (not moved to the next working day).
    assert add_working_days(ENG, date(2026, 5, 23), 3) == date(2026, 5, 28)
    assert COUNTING_CONVENTION == "uk-working-days/v1"
    assert "day 0" in COUNTING_CONVENTIONS[COUNTING_CONVENTION]


def test_add_zero_and_negative_working_days() -> None:
    assert add_working_days(ENG, date(2026, 5, 23), 0) == date(2026, 5, 23)
    with pytest.raises(InvalidValueError):
        add_working_days(ENG, date(2026, 5, 23), -1)


def test_working_days_between_is_half_open_and_signed() -> None:
    assert working_days_between(ENG, date(2026, 5, 22), date(2026, 5, 28)) == 3
    assert working_days_between(ENG, date(2026, 5, 28), date(2026, 5, 22)) == -3
    assert working_days_between(ENG, date(2026, 5, 22), date(2026, 5, 22)) == 0


def test_uk_local_date_uses_london_time() -> None:
    assert uk_local_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)  # BST
    assert uk_local_date(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)) == date(2026, 1, 15)  # GMT
    with pytest.raises(InvalidValueError):
        uk_local_date(datetime(2026, 1, 15, 12, 0))  # noqa: DTZ001 - naive on purpose


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 5, 22), 6, date(2026, 11, 21)),
        (date(2026, 3, 1), 6, date(2026, 8, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # no 31 Feb: last day of February
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2027, 8, 29), 6, date(2028, 2, 28)),  # 29 Feb 2028 exists: the day before
        (date(2026, 8, 29), 6, date(2027, 2, 28)),  # no 29 Feb 2027
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 12, 31), 12, date(2027, 12, 30)),
    ],
)
def test_months_beginning_with(start: date, months: int, end: date) -> None:
    assert months_beginning_with(start, months) == end


def test_months_after_ends_on_the_corresponding_date() -> None:
    assert months_after(date(2025, 3, 10), 12) == date(2026, 3, 10)
    assert months_after(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert months_after(date(2026, 8, 31), 6) == date(2027, 2, 28)


# --------------------------------------------------------------------------- england-2009


def test_england_deadlines_and_rules() -> None:
    found = by_name(deadlines(facts(RegimeId.ENGLAND_2009, at(2026, 5, 22)), date(2026, 5, 22)))
    assert found["acknowledgement"].due == date(2026, 5, 28)
    assert found["acknowledgement"].rule == "SI 2009/309 reg 13(2)"
    assert found["response"].due == date(2026, 11, 21)
    assert found["response"].rule.startswith("SI 2009/309 reg 14")
    assert found["internal_response_target"].statutory is False
    assert "stage_2_response" not in found
    text = found["acknowledgement"].explanation
    assert "england-2009" in text
    assert "England and Wales" in text
    assert "day of receipt" in text
    assert "uk-working-days/v1" in text
    assert "no extensions" in text


def test_england_agreed_longer_period() -> None:
    received = at(2026, 8, 31)
    base = facts(RegimeId.ENGLAND_2009, received)
    assert response_due(base, date(2026, 9, 1)) == date(2027, 2, 28)
    longer = replace(base, agreed_response_due=date(2027, 4, 30))
    assert response_due(longer, date(2026, 9, 1)) == date(2027, 4, 30)
    assert "agreed" in by_name(deadlines(longer, date(2026, 9, 1)))["response"].explanation
    shorter = replace(base, agreed_response_due=date(2026, 10, 1))
    assert response_due(shorter, date(2026, 9, 1)) == date(2027, 2, 28)


# --------------------------------------------------------------------------- statuses


def test_status_met_missed_open_and_stopped() -> None:
    base = facts(RegimeId.ENGLAND_2009, at(2026, 5, 22))

    def ack(f: ClockFacts, today: date) -> Deadline:
        return by_name(deadlines(f, today))["acknowledgement"]

    assert ack(base, date(2026, 5, 27)).status == DeadlineStatus.OPEN
    assert ack(base, date(2026, 5, 28)).status == DeadlineStatus.OPEN
    assert ack(base, date(2026, 5, 29)).status == DeadlineStatus.MISSED
    met = replace(base, acknowledged_at=at(2026, 5, 28, 20))
    assert ack(met, date(2026, 6, 30)).status == DeadlineStatus.MET
    assert ack(met, date(2026, 6, 30)).met_at == at(2026, 5, 28, 20)
    # 23:30 UTC on 28 May is 00:30 BST on 29 May: one day late.
    late = replace(base, acknowledged_at=datetime(2026, 5, 28, 23, 30, tzinfo=UTC))
    assert ack(late, date(2026, 6, 30)).status == DeadlineStatus.MISSED
    stopped = replace(base, stopped_at=at(2026, 5, 27))
    assert ack(stopped, date(2026, 6, 30)).status == DeadlineStatus.STOPPED
    stopped_after_missing = replace(base, stopped_at=at(2026, 6, 1))
    assert ack(stopped_after_missing, date(2026, 6, 30)).status == DeadlineStatus.MISSED


# --------------------------------------------------------------------------- LGSCO / housing


@pytest.mark.parametrize("regime", [RegimeId.LGSCO_CODE, RegimeId.HOUSING_OMBUDSMAN_CODE])
def test_code_response_is_provisional_until_acknowledged(regime: RegimeId) -> None:
    base = facts(regime, at(2026, 6, 1))
    found = by_name(deadlines(base, date(2026, 6, 2)))
    assert found["acknowledgement"].due == date(2026, 6, 8)
    assert found["response"].due == date(2026, 6, 22)
    assert "provisional" in found["response"].explanation
    acked = by_name(deadlines(replace(base, acknowledged_at=at(2026, 6, 3)), date(2026, 6, 4)))
    assert acked["acknowledgement"].status == DeadlineStatus.MET
    assert acked["response"].due == date(2026, 6, 17)
    assert "provisional" not in acked["response"].explanation
    assert "day of acknowledgement" in acked["response"].explanation


def test_lgsco_extensions_add_working_days_and_flag_the_limit() -> None:
    base = facts(RegimeId.LGSCO_CODE, at(2026, 6, 1), acknowledged_at=at(2026, 6, 3))
    within = replace(base, extensions=(extension(ExtendedDeadline.RESPONSE, 10),))
    response = by_name(deadlines(within, date(2026, 6, 4)))["response"]
    assert response.due == date(2026, 7, 1)
    assert "10 working days of extensions" in response.explanation
    assert "good reason" not in response.explanation
    beyond = replace(
        base,
        extensions=(
            extension(ExtendedDeadline.RESPONSE, 5),
            extension(ExtendedDeadline.RESPONSE, 7),
            extension(ExtendedDeadline.STAGE_2_RESPONSE, 20),  # not for stage 1
        ),
    )
    response = by_name(deadlines(beyond, date(2026, 6, 4)))["response"]
    assert response.due == date(2026, 7, 3)
    assert "good reason" in response.explanation


def test_lgsco_stage_2() -> None:
    base = facts(
        RegimeId.LGSCO_CODE,
        at(2026, 6, 1),
        acknowledged_at=at(2026, 6, 3),
        responded_at=at(2026, 6, 16),
        stage_2_requested_at=at(2026, 7, 6),
    )
    found = by_name(deadlines(base, date(2026, 7, 7)))
    assert found["response"].status == DeadlineStatus.MET
    assert found["stage_2_acknowledgement"].due == date(2026, 7, 13)
    assert found["stage_2_response"].due == date(2026, 8, 10)
    assert "provisional" in found["stage_2_response"].explanation
    assert response_due(base, date(2026, 7, 7)) == date(2026, 8, 10)
    acked = replace(
        base,
        stage_2_acknowledged_at=at(2026, 7, 8),
        extensions=(extension(ExtendedDeadline.STAGE_2_RESPONSE, 20),),
    )
    found = by_name(deadlines(acked, date(2026, 7, 9)))
    assert found["stage_2_response"].due == date(2026, 9, 3)  # 40 WD, Mon 31 Aug skipped


def test_extension_limits() -> None:
    limit = extension_limit_working_days
    assert limit(RegimeId.LGSCO_CODE, ExtendedDeadline.RESPONSE) == 10
    assert limit(RegimeId.LGSCO_CODE, ExtendedDeadline.STAGE_2_RESPONSE) == 20
    assert limit(RegimeId.HOUSING_OMBUDSMAN_CODE, ExtendedDeadline.RESPONSE) == 10
    assert limit(RegimeId.HOUSING_OMBUDSMAN_CODE, ExtendedDeadline.STAGE_2_RESPONSE) == 20
    assert limit(RegimeId.SPSO_MCHP, ExtendedDeadline.RESPONSE) == 5
    assert limit(RegimeId.SPSO_MCHP, ExtendedDeadline.STAGE_2_RESPONSE) is None
    assert limit(RegimeId.ENGLAND_2009, ExtendedDeadline.RESPONSE) is None


# --------------------------------------------------------------------------- SPSO


def test_spso_stage_1_acknowledgement_shares_the_response_due_date() -> None:
    base = facts(RegimeId.SPSO_MCHP, at(2026, 9, 1))
    found = by_name(deadlines(base, date(2026, 9, 2)))
    assert found["response"].due == date(2026, 9, 8)
    assert found["acknowledgement"].due == date(2026, 9, 8)
    assert "no separate stage 1 acknowledgement" in found["acknowledgement"].explanation
    assert "Scottish" in found["response"].explanation
    responded = by_name(deadlines(replace(base, responded_at=at(2026, 9, 7)), date(2026, 9, 9)))
    assert responded["acknowledgement"].status == DeadlineStatus.MET
    assert responded["acknowledgement"].met_at == at(2026, 9, 7)


def test_spso_extension_and_stage_2() -> None:
    base = facts(
        RegimeId.SPSO_MCHP,
        at(2026, 9, 1),
        extensions=(extension(ExtendedDeadline.RESPONSE, 5),),
        stage_2_requested_at=at(2026, 10, 5),
    )
    found = by_name(deadlines(base, date(2026, 10, 6)))
    assert found["response"].due == date(2026, 9, 15)
    assert found["stage_2_acknowledgement"].due == date(2026, 10, 8)
    # Counted from the stage 2 request, not from its acknowledgement.
    assert found["stage_2_response"].due == date(2026, 11, 2)
    acked = replace(base, stage_2_acknowledged_at=at(2026, 10, 7))
    assert by_name(deadlines(acked, date(2026, 10, 8)))["stage_2_response"].due == date(2026, 11, 2)


def test_spso_counts_with_the_scottish_calendar() -> None:
    # Received Thu 2 Apr 2026: Easter Monday 6 Apr is a working day in Scotland.
    spso = by_name(deadlines(facts(RegimeId.SPSO_MCHP, at(2026, 4, 2)), date(2026, 4, 2)))
    lgsco = by_name(deadlines(facts(RegimeId.LGSCO_CODE, at(2026, 4, 2)), date(2026, 4, 2)))
    assert spso["response"].due == date(2026, 4, 10)
    assert lgsco["acknowledgement"].due == date(2026, 4, 13)


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize("regime", list(RegimeId))
def test_every_complaint_shows_an_acknowledgement_and_a_response(regime: RegimeId) -> None:
    names = {d.name for d in deadlines(facts(regime, at(2026, 6, 1)), date(2026, 6, 1))}
    assert {"acknowledgement", "response"} <= names


def test_compliments_have_no_deadlines_and_concerns_only_the_target() -> None:
    compliment = facts(RegimeId.ENGLAND_2009, at(2026, 6, 1), kind=Kind.COMPLIMENT)
    assert deadlines(compliment, date(2026, 6, 1)) == ()
    assert response_due(compliment, date(2026, 6, 1)) is None
    concern = facts(RegimeId.ENGLAND_2009, at(2026, 6, 1), kind=Kind.CONCERN)
    found = deadlines(concern, date(2026, 6, 1))
    assert [(d.name, d.statutory) for d in found] == [("internal_response_target", False)]
    assert response_due(concern, date(2026, 6, 1)) is None
    assert deadlines(replace(concern, internal_target_working_days=None), date(2026, 6, 1)) == ()


# --------------------------------------------------------------------------- internal target


def test_internal_target_pauses_but_statutory_clocks_do_not() -> None:
    base = facts(RegimeId.LGSCO_CODE, at(2026, 6, 1))
    plain = by_name(deadlines(base, date(2026, 6, 17)))
    assert plain["internal_response_target"].due == date(2026, 6, 29)
    paused = replace(
        base,
        target_pauses=(
            Pause(at(2026, 6, 3), at(2026, 6, 5)),  # Thu 4 and Fri 5 paused
            Pause(at(2026, 6, 4), at(2026, 6, 5)),  # overlapping: not counted twice
        ),
    )
    found = by_name(deadlines(paused, date(2026, 6, 17)))
    assert found["internal_response_target"].due == date(2026, 7, 1)
    assert "2 paused working days" in found["internal_response_target"].explanation
    for name in ("acknowledgement", "response"):
        assert found[name] == plain[name]


def test_open_pause_runs_to_today() -> None:
    base = facts(RegimeId.LGSCO_CODE, at(2026, 6, 1), target_pauses=(Pause(at(2026, 6, 12), None),))
    target = by_name(deadlines(base, date(2026, 6, 17)))["internal_response_target"]
    assert target.due == date(2026, 7, 2)  # Mon 15 - Wed 17 paused
    assert target.status == DeadlineStatus.OPEN


# --------------------------------------------------------------------------- time limits


def test_time_limit_without_a_matter_date() -> None:
    check = time_limit(facts(RegimeId.ENGLAND_2009, at(2026, 6, 1)))
    assert check.in_time
    assert check.limit is None
    assert check.explanation == NO_MATTER_DATE


def test_england_time_limit_blocks_a_late_complaint() -> None:
    in_time = time_limit(
        facts(RegimeId.ENGLAND_2009, at(2026, 3, 10), matter_occurred_on=date(2025, 3, 10))
    )
    assert in_time.in_time
    assert in_time.limit == date(2026, 3, 10)
    assert in_time.blocking
    late = time_limit(
        facts(RegimeId.ENGLAND_2009, at(2026, 3, 11), matter_occurred_on=date(2025, 3, 10))
    )
    assert not late.in_time
    assert late.blocking
    assert "good reason" in late.explanation
    assert "effectively and fairly" in late.explanation
    noticed_later = time_limit(
        facts(
            RegimeId.ENGLAND_2009,
            at(2026, 3, 11),
            matter_occurred_on=date(2025, 3, 10),
            matter_noticed_on=date(2025, 6, 1),
        )
    )
    assert noticed_later.in_time
    assert noticed_later.limit == date(2026, 6, 1)


@pytest.mark.parametrize("regime", [RegimeId.LGSCO_CODE, RegimeId.HOUSING_OMBUDSMAN_CODE])
def test_ombudsman_time_limit_warns_only(regime: RegimeId) -> None:
    check = time_limit(facts(regime, at(2026, 3, 10), matter_noticed_on=date(2025, 3, 10)))
    assert check.limit == date(2026, 3, 9)  # 12 months beginning with the day of notice
    assert not check.in_time
    assert not check.blocking
    assert "s26B" in check.explanation


def test_spso_time_limit_is_six_months_and_warns_only() -> None:
    check = time_limit(
        facts(RegimeId.SPSO_MCHP, at(2026, 7, 11), matter_occurred_on=date(2026, 1, 10))
    )
    assert check.limit == date(2026, 7, 10)
    assert not check.in_time
    assert not check.blocking


# --------------------------------------------------------------------------- properties

calendars = st.sampled_from(list(Calendar))
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


@settings(deadline=None)
@given(calendar=calendars, start=days, n=st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_the_nth_working_day(
    calendar: Calendar, start: date, n: int
) -> None:
    end = add_working_days(calendar, start, n)
    assert end > start
    assert is_working_day(calendar, end)
    assert working_days_between(calendar, start, end) == n
    assert working_days_between(calendar, start, end - timedelta(days=1)) == n - 1


@settings(deadline=None)
@given(start=days, months=st.integers(min_value=1, max_value=24))
def test_months_beginning_with_ends_before_the_next_period(start: date, months: int) -> None:
    end = months_beginning_with(start, months)
    assert end >= start
    following = end + timedelta(days=1)
    assert following.day in {start.day, 1}
    assert months_after(start, months) in {end, following}


moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis adds the timezone
    max_value=datetime(2032, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
gaps = st.none() | st.integers(min_value=-5, max_value=60)


def _later(moment: datetime, gap: int | None) -> datetime | None:
    return None if gap is None else moment + timedelta(days=gap)


@settings(deadline=None)
@given(
    regime=st.sampled_from(list(RegimeId)),
    received=moments,
    ack=gaps,
    stage_2=gaps,
    extra=st.integers(min_value=0, max_value=25),
    pause_start=gaps,
    today_gap=st.integers(min_value=0, max_value=400),
)
def test_deadlines_are_never_before_receipt_and_statutory_ones_never_pause(
    *,
    regime: RegimeId,
    received: datetime,
    ack: int | None,
    stage_2: int | None,
    extra: int,
    pause_start: int | None,
    today_gap: int,
) -> None:
    base = facts(
        regime,
        received,
        acknowledged_at=_later(received, ack),
        stage_2_requested_at=_later(received, stage_2),
        extensions=(extension(ExtendedDeadline.RESPONSE, extra),),
    )
    today = uk_local_date(received) + timedelta(days=today_gap)
    found = deadlines(base, today)
    assert all(d.due >= uk_local_date(received) for d in found)
    start = _later(received, pause_start)
    pauses = () if start is None else (Pause(start, None),)
    paused = deadlines(replace(base, target_pauses=pauses), today)
    assert [d for d in paused if d.statutory] == [d for d in found if d.statutory]
    target = by_name(found)["internal_response_target"].due
    assert by_name(paused)["internal_response_target"].due >= target


def test_deadlines_without_explanations_have_the_same_dates_and_statuses() -> None:
    facts = ClockFacts(
        regime=RegimeId.LGSCO_CODE,
        kind=Kind.COMPLAINT,
        received_at=datetime(2026, 5, 22, 10, tzinfo=UTC),
        acknowledged_at=datetime(2026, 5, 29, 10, tzinfo=UTC),
    )
    explained = deadlines(facts, date(2026, 6, 30))
    plain = deadlines(facts, date(2026, 6, 30), explain=False)
    assert [(d.name, d.due, d.status, d.met_at) for d in plain] == [
        (d.name, d.due, d.status, d.met_at) for d in explained
    ]
    assert all(d.explanation for d in explained)
    assert not any(d.explanation for d in plain)
