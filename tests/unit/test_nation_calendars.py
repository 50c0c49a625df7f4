"""The per-nation calendars skip each nation's own bank holidays (issue 15 section 6).

Northern Ireland has St Patrick's Day (17 March) and the Battle of the Boyne (12 July),
each moved to the next working day when it falls at a weekend; England and Wales have neither.
"""

from datetime import date

import pytest

from complaints_ledger.domain.calendars import Calendar, add_working_days, is_working_day


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 3, 17), "St Patrick's Day, a Tuesday"),
        (date(2019, 3, 18), "St Patrick's Day 2019 fell on a Sunday: substitute Monday"),
        (date(2024, 7, 12), "12 July, a Friday"),
        (date(2026, 7, 13), "12 July 2026 falls on a Sunday: substitute Monday"),
    ],
)
def test_northern_ireland_days_off_are_working_days_elsewhere(day: date, why: str) -> None:
    assert not is_working_day(Calendar.NORTHERN_IRELAND, day), why
    assert is_working_day(Calendar.ENGLAND, day), why
    assert is_working_day(Calendar.WALES, day), why


def test_a_northern_ireland_deadline_skips_the_twelfth_substitute() -> None:
    friday = date(2026, 7, 10)
    assert add_working_days(Calendar.ENGLAND, friday, 1) == date(2026, 7, 13)
    assert add_working_days(Calendar.NORTHERN_IRELAND, friday, 1) == date(2026, 7, 14)


def test_a_northern_ireland_twenty_day_response_crosses_st_patricks_day() -> None:
    # received Monday 9 March 2026: 20 working days past Easter (3, 6 April), one lost to 17 March
    received = date(2026, 3, 9)
    assert add_working_days(Calendar.ENGLAND, received, 20) == date(2026, 4, 8)
    assert add_working_days(Calendar.NORTHERN_IRELAND, received, 20) == date(2026, 4, 9)


def test_wales_keeps_the_england_and_wales_bank_holidays() -> None:
    easter_monday_2026 = date(2026, 4, 6)
    assert not is_working_day(Calendar.WALES, easter_monday_2026)
    assert not is_working_day(Calendar.ENGLAND, easter_monday_2026)
