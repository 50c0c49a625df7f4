"""One-off bank holidays an operator adds to or removes from a nation's calendar, as events.

One `CalendarAdjustments` aggregate per nation (ADR 0016). The calendar in force is the
`holidays` package's days with these adjustments applied in log order; its version,
`<package version>+<nation>@<n>`, counts the adjustments. Refused, never stored: adding a day
that is already not a working day (a weekend, Christmas Day or a holiday in force), removing one
that is not a bank holiday in force, and removing Christmas Day (reg 2 names it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from complaints_ledger.domain.calendars import AdjustedCalendar, Calendar, is_working_day
from complaints_ledger.domain.case_state import envelope, require_text
from complaints_ledger.domain.errors import InvalidValueError, RuleViolationError
from complaints_ledger.domain.values import Stamp

CALENDAR_NAMESPACE = uuid5(NAMESPACE_URL, "urn:complaints-ledger:calendar-adjustments")
ONE_OFF = "one-off bank holiday"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def adjustments_id(calendar: Calendar) -> UUID:
    return uuid5(CALENDAR_NAMESPACE, str(calendar))


def check_day(day: date) -> date:
    """A day an adjustment may name: a weekday within the years the clocks count."""
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise InvalidValueError(
            f"{day} is outside {EARLIEST_YEAR}-{LATEST_YEAR}, the years the clocks count",
            field="day",
        )
    return day


class CalendarAdjustments(Aggregate):
    class Opened(Aggregate.Created):
        """A nation's calendar adjustments begin (with the first adjustment, in one save)."""

        calendar: str  # the nation's calendar (calendars.Calendar)

    class HolidayAdded(Aggregate.Event):
        """A one-off bank holiday proclaimed for one nation (e.g. a coronation or jubilee); the
        actor of the envelope is who added it."""

        day: date  # a weekday that was a working day of the nation
        name: str  # as explanations name it
        reason: str  # why it was added, e.g. the proclamation
        occurred_at: datetime
        actor: dict[str, str]  # who added it
        correlation_id: str

        def apply(self, adjustments: CalendarAdjustments) -> None:
            day = self.day.isoformat()
            if day in adjustments.removed:
                adjustments.removed.remove(day)  # a package holiday put back
            else:
                adjustments.added[day] = self.name
            adjustments.count += 1

    class HolidayRemoved(Aggregate.Event):
        """A bank holiday that will not be one after all (e.g. moved by proclamation); the actor
        of the envelope is who removed it."""

        day: date  # a bank holiday in force, never Christmas Day
        reason: str
        occurred_at: datetime
        actor: dict[str, str]  # who removed it
        correlation_id: str

        def apply(self, adjustments: CalendarAdjustments) -> None:
            day = self.day.isoformat()
            if day in adjustments.added:
                del adjustments.added[day]
            else:
                adjustments.removed.append(day)
            adjustments.count += 1

    def __init__(self, calendar: str) -> None:
        self.calendar = calendar
        self.added: dict[str, str] = {}  # ISO day -> name: days the package does not have
        self.removed: list[str] = []  # ISO days of the package no longer holidays
        self.count = 0

    @classmethod
    def open(cls, calendar: Calendar) -> CalendarAdjustments:
        return cls._create(cls.Opened, id=adjustments_id(calendar), calendar=str(calendar))

    def in_force(self) -> AdjustedCalendar:
        return AdjustedCalendar(
            calendar=Calendar(self.calendar),
            added=tuple(sorted((date.fromisoformat(d), n) for d, n in self.added.items())),
            removed=frozenset(date.fromisoformat(d) for d in self.removed),
            adjustments=self.count,
        )

    def add_holiday(self, stamp: Stamp, *, day: date, reason: str, name: str | None) -> None:
        check_can_add(self.in_force(), day)
        self.trigger_event(
            self.HolidayAdded,
            **envelope(stamp),
            day=day,
            name=require_text(name, "name") if name is not None else ONE_OFF,
            reason=require_text(reason, "reason"),
        )

    def remove_holiday(self, stamp: Stamp, *, day: date, reason: str) -> None:
        check_can_remove(self.in_force(), day)
        self.trigger_event(
            self.HolidayRemoved, **envelope(stamp), day=day, reason=require_text(reason, "reason")
        )


def unadjusted(calendar: Calendar) -> AdjustedCalendar:
    """A nation's calendar before any adjustment is recorded."""
    return AdjustedCalendar(calendar=calendar)


def check_can_add(calendar: AdjustedCalendar, day: date) -> None:
    check_day(day)
    if is_working_day(calendar, day):
        return
    name = calendar.holidays_in(day.year).get(day)
    why = f"already a bank holiday ({name})" if name else "never a working day"
    raise RuleViolationError(f"{day:%a %d %b %Y} is {why} in {calendar.calendar}", field="day")


def check_can_remove(calendar: AdjustedCalendar, day: date) -> None:
    check_day(day)
    if (day.month, day.day) == (12, 25):
        raise RuleViolationError(
            "Christmas Day is never a working day (reg 2 of SI 2009/309 names it)", field="day"
        )
    if day not in calendar.holidays_in(day.year):
        raise RuleViolationError(
            f"{day:%a %d %b %Y} is not a bank holiday in {calendar.calendar}", field="day"
        )


def with_added(calendar: AdjustedCalendar, day: date, name: str = ONE_OFF) -> AdjustedCalendar:
    """The calendar as it would be with `day` added, checked as `add_holiday` checks it."""
    check_can_add(calendar, day)
    return added_to(calendar, day, name)


def with_removed(calendar: AdjustedCalendar, day: date) -> AdjustedCalendar:
    """The calendar as it would be with `day` removed, checked as `remove_holiday` checks it."""
    check_can_remove(calendar, day)
    return removed_from(calendar, day)


def added_to(calendar: AdjustedCalendar, day: date, name: str) -> AdjustedCalendar:
    """What a recorded HolidayAdded does (a fact: never checked again)."""
    count = calendar.adjustments + 1
    if day in calendar.removed:  # a package holiday put back
        return replace(calendar, removed=calendar.removed - {day}, adjustments=count)
    added = tuple(sorted((*calendar.added, (day, name))))
    return replace(calendar, added=added, adjustments=count)


def removed_from(calendar: AdjustedCalendar, day: date) -> AdjustedCalendar:
    """What a recorded HolidayRemoved does (a fact: never checked again)."""
    added = tuple((d, n) for d, n in calendar.added if d != day)
    removed = calendar.removed if len(added) < len(calendar.added) else calendar.removed | {day}
    return replace(calendar, added=added, removed=removed, adjustments=calendar.adjustments + 1)
