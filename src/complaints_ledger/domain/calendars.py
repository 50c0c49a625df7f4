"""Working-day calendars and calendar arithmetic for the statutory clocks.

A working day follows reg 2(1) of SI 2009/309: any day except a Saturday, a Sunday, Christmas Day,
Good Friday or a bank holiday. Bank holidays (with substitute days and one-off proclaimed holidays)
come from the `holidays` package, never from a hand-kept list. Pure: no IO.
"""

from __future__ import annotations

import calendar as gregorian
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from importlib.metadata import version as package_version
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

from complaints_ledger.domain.errors import InvalidValueError

UK_TIME_ZONE = ZoneInfo("Europe/London")
HOLIDAYS_VERSION = package_version("holidays")  # part of every calendar version

FIRST_COUNTING_CONVENTION = "uk-working-days/v1"
# What each stored convention id means. Events store the id so that a later change of convention
# can still recount old cases the way they were counted; cases from before it was stored counted
# by the first convention.
COUNTING_CONVENTIONS: Mapping[str, str] = {
    FIRST_COUNTING_CONVENTION: (
        "dates are UK local dates (Europe/London); the day the clock counts from (receipt, "
        "acknowledgement or escalation request) is day 0 and is never counted, even when it is not "
        "a working day; 'N working days after' is the N-th working day strictly after day 0; a "
        "working day is not a Saturday, Sunday, Christmas Day, Good Friday or bank holiday of the "
        "calendar (holidays package, substitute and one-off days included; Christmas Eve is a "
        "working day); 'N months beginning with' a day ends the day before the corresponding date "
        "N months later, or on the last day of that month when it has no corresponding date."
    ),
}
COUNTING_CONVENTION = FIRST_COUNTING_CONVENTION


class Calendar(StrEnum):
    """One bank-holiday calendar per nation: a one-off holiday may be proclaimed for one only."""

    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


_SUBDIVISION: dict[Calendar, str] = {
    Calendar.ENGLAND: "ENG",
    Calendar.WALES: "WLS",  # the 1971 Act's list for England and Wales; kept apart for one-off days
    Calendar.SCOTLAND: "SCT",
    Calendar.NORTHERN_IRELAND: "NIR",
}

CALENDAR_DESCRIPTIONS: dict[Calendar, str] = {
    Calendar.ENGLAND: "England and Wales bank holidays for England (holidays, GB-ENG)",
    Calendar.WALES: "England and Wales bank holidays for Wales (holidays, GB-WLS)",
    Calendar.SCOTLAND: "Scottish bank holidays (holidays package, GB-SCT)",
    Calendar.NORTHERN_IRELAND: "Northern Ireland bank holidays (holidays package, GB-NIR)",
}


@cache
def bank_holidays(calendar: Calendar, year: int) -> Mapping[date, str]:
    """Bank holidays of one calendar and year with the package's names, cached per calendar+year."""
    found: Mapping[date, str] = holidays.country_holidays(
        "GB", subdiv=_SUBDIVISION[calendar], years=year
    )
    return MappingProxyType(dict(found))


CHRISTMAS_DAY = "Christmas Day"


@dataclass(frozen=True)
class AdjustedCalendar:
    """A nation's calendar in force: the `holidays` package's days with the one-off days an
    operator added or removed (domain/calendar_adjustments.py), and the version naming them."""

    calendar: Calendar
    added: tuple[tuple[date, str], ...] = ()  # (day, name), sorted by day
    removed: frozenset[date] = frozenset()
    adjustments: int = 0  # adjustment events recorded for this nation, in log order
    # Hashed on every cached count (`_working_days_to`): computed once.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        key = (self.calendar, self.added, self.removed, self.adjustments)
        object.__setattr__(self, "_hash", hash(key))

    def __hash__(self) -> int:
        return self._hash

    @property
    def version(self) -> str:
        return calendar_version(self.calendar, self.adjustments)

    def holidays_in(self, year: int) -> Mapping[date, str]:
        return _adjusted_holidays(self, year)


@lru_cache(maxsize=1024)
def _adjusted_holidays(calendar: AdjustedCalendar, year: int) -> Mapping[date, str]:
    package = bank_holidays(calendar.calendar, year)
    found = {d: n for d, n in package.items() if d not in calendar.removed}
    found.update((d, n) for d, n in calendar.added if d.year == year)
    return MappingProxyType(found)


CalendarLike = Calendar | AdjustedCalendar


def calendar_version(calendar: Calendar, adjustments: int) -> str:
    """`<holidays package version>+<nation>@<n>`: an upgrade or an adjustment changes it."""
    return f"{HOLIDAYS_VERSION}+{calendar}@{adjustments}"


def base_calendar(calendar: CalendarLike) -> Calendar:
    return calendar.calendar if isinstance(calendar, AdjustedCalendar) else calendar


def holidays_of(calendar: CalendarLike, year: int) -> Mapping[date, str]:
    """The bank holidays (with names) of a calendar, adjusted or as the package has them."""
    if isinstance(calendar, AdjustedCalendar):
        return calendar.holidays_in(year)
    return bank_holidays(calendar, year)


def is_working_day(calendar: CalendarLike, day: date) -> bool:
    if day.weekday() >= 5:  # noqa: PLR2004 - Saturday is 5, Sunday 6
        return False
    if (day.month, day.day) == (12, 25):  # Christmas Day, named in reg 2 itself
        return False
    return day not in holidays_of(calendar, day.year)


def holidays_skipped(calendar: CalendarLike, start: date, end: date) -> list[tuple[date, str]]:
    """The weekdays start < d <= end that are not working days, with their names."""
    skipped, day = [], start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and not is_working_day(calendar, day):  # noqa: PLR2004
            names = holidays_of(calendar, day.year)
            skipped.append((day, names.get(day, CHRISTMAS_DAY)))
        day += timedelta(days=1)
    return skipped


def holidays_named(skipped: tuple[tuple[date, str], ...]) -> str:
    """The explanation's clause naming the holidays a deadline skipped."""
    if not skipped:
        return "; no bank holiday fell in the period"
    named = ", ".join(f"{day:%a %d %b %Y} ({name})" for day, name in skipped)
    return f"; skipping the bank holidays {named}"


@lru_cache(maxsize=1024)  # bounded: what-ifs build hypothetical calendars
def _working_days_to(calendar: CalendarLike, year: int) -> tuple[int, ...]:
    """For each day of the year (index 0 is 1 January), the working days from 1 January to it."""
    counts, total, day = [], 0, date(year, 1, 1)
    while day.year == year:
        total += is_working_day(calendar, day)
        counts.append(total)
        day += timedelta(days=1)
    return tuple(counts)


def _count_to(calendar: CalendarLike, day: date) -> int:
    return _working_days_to(calendar, day.year)[day.timetuple().tm_yday - 1]


def add_working_days(calendar: CalendarLike, start: date, n: int) -> date:
    """The n-th working day after `start` (start is day 0, even when not a working day)."""
    if n < 0:
        raise InvalidValueError("working days to add must not be negative", field="n")
    if n == 0:
        return start
    year, wanted = start.year, _count_to(calendar, start) + n
    while wanted > (counts := _working_days_to(calendar, year))[-1]:
        wanted -= counts[-1]
        year += 1
    return date(year, 1, 1) + timedelta(days=bisect_left(counts, wanted))


def working_days_between(calendar: CalendarLike, start: date, end: date) -> int:
    """Working days d with start < d <= end; negative when end is before start.

    The inverse of `add_working_days`: working_days_between(c, s, add_working_days(c, s, n)) == n.
    """
    if end < start:
        return -working_days_between(calendar, end, start)
    whole_years = sum(_working_days_to(calendar, y)[-1] for y in range(start.year, end.year))
    return whole_years + _count_to(calendar, end) - _count_to(calendar, start)


def uk_local_date(moment: datetime) -> date:
    """The date in the UK (Europe/London, GMT or BST) of a timezone-aware moment."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidValueError("moment must be timezone-aware", field="moment")
    return moment.astimezone(UK_TIME_ZONE).date()


def _corresponding_date(start: date, months: int) -> tuple[date, bool]:
    """The same day of the month `months` later, or the month's last day; and whether it exists."""
    if months < 0:
        raise InvalidValueError("months must not be negative", field="months")
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = gregorian.monthrange(year, month + 1)[1]
    if start.day <= last:
        return date(year, month + 1, start.day), True
    return date(year, month + 1, last), False


def months_beginning_with(start: date, months: int) -> date:
    """Last day of a period of `months` months beginning with (and including) `start`.

    The period ends the day before the corresponding date; if the later month has no
    corresponding date, it ends on that month's last day (31 Aug + 6 months -> end of Feb).
    """
    corresponding, exists = _corresponding_date(start, months)
    return corresponding - timedelta(days=1) if exists else corresponding


def months_after(start: date, months: int) -> date:
    """Last day of a period of `months` months *after* `start` (start itself not counted).

    The period ends on the corresponding date, or the later month's last day when there is none
    (used for 'not later than 12 months after the date', reg 12 of SI 2009/309).
    """
    return _corresponding_date(start, months)[0]
