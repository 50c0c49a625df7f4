"""The working-day calendars in force, and the one-off holidays operators add or remove.

Each nation's adjustments are one `CalendarAdjustments` aggregate (ADR 0016), opened with its
first adjustment. Reading a calendar is one aggregate load; the read side reads the same events
straight from the store (projections/calendar_inputs.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from complaints_ledger.application.context import CommandContext
from complaints_ledger.domain.calendar_adjustments import (
    CalendarAdjustments,
    adjustments_id,
    unadjusted,
)
from complaints_ledger.domain.calendars import AdjustedCalendar, Calendar
from complaints_ledger.domain.clocks import calendar_for
from complaints_ledger.domain.errors import ConflictError, InvalidValueError
from complaints_ledger.domain.values import Stamp

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import ComplaintsLedger
    from complaints_ledger.domain.complaint import Complaint


def calendar_named(nation: str, field: str = "nation") -> Calendar:
    """A nation's calendar from its name; a clear error naming `field` otherwise."""
    try:
        return Calendar(nation.strip().lower())
    except ValueError:
        known = ", ".join(c.value for c in Calendar)
        raise InvalidValueError(
            f"{field} {nation!r} is not a nation with a calendar: one of {known}",
            field=field.lstrip("-"),
        ) from None


@dataclass(frozen=True)
class Adjustment:
    """One recorded adjustment, as `calendar show` lists them."""

    day: date
    change: str  # "added" or "removed"
    name: str | None
    reason: str
    by: str
    recorded_at: str


class CalendarBook:
    """The calendars of one ledger: what is in force, and recording adjustments."""

    def __init__(self, ledger: ComplaintsLedger) -> None:
        self.ledger = ledger

    def _adjustments(self, calendar: Calendar) -> CalendarAdjustments | None:
        try:
            found: object = self.ledger.repository.get(adjustments_id(calendar))
        except AggregateNotFoundError:
            return None
        return found if isinstance(found, CalendarAdjustments) else None

    def in_force(self, calendar: Calendar) -> AdjustedCalendar:
        adjustments = self._adjustments(calendar)
        return unadjusted(calendar) if adjustments is None else adjustments.in_force()

    def document(
        self, calendar: Calendar, year: int, in_force: AdjustedCalendar | None = None
    ) -> dict[str, Any]:
        """The calendar as `calendar show --json` and `GET /calendars/{nation}` answer it."""
        in_force = in_force or self.in_force(calendar)
        found = in_force.holidays_in(year)
        return {
            "nation": str(calendar),
            "version": in_force.version,
            "year": year,
            "holidays": [{"day": d.isoformat(), "name": found[d]} for d in sorted(found)],
            "adjustments": [{**vars(a), "day": a.day.isoformat()} for a in self.history(calendar)],
        }

    def for_case(self, complaint: Complaint) -> AdjustedCalendar:
        return self.in_force(calendar_for(complaint.regime))

    def history(self, calendar: Calendar) -> list[Adjustment]:
        """Every adjustment recorded for a nation, oldest first."""
        events = self.ledger.events.get(adjustments_id(calendar))
        return [
            Adjustment(
                day=event.day,
                change="added"
                if isinstance(event, CalendarAdjustments.HolidayAdded)
                else "removed",
                name=getattr(event, "name", None),
                reason=event.reason,
                by=event.actor["principal"],
                recorded_at=event.timestamp.isoformat(),
            )
            for event in events
            if isinstance(
                event, CalendarAdjustments.HolidayAdded | CalendarAdjustments.HolidayRemoved
            )
        ]

    def add_holiday(
        self,
        ctx: CommandContext,
        calendar: Calendar,
        *,
        day: date,
        reason: str,
        name: str | None = None,
    ) -> AdjustedCalendar:
        adjustments = self._adjustments(calendar) or CalendarAdjustments.open(calendar)
        adjustments.add_holiday(self._stamp(ctx), day=day, reason=reason, name=name)
        return self._save(adjustments)

    def remove_holiday(
        self, ctx: CommandContext, calendar: Calendar, *, day: date, reason: str
    ) -> AdjustedCalendar:
        adjustments = self._adjustments(calendar) or CalendarAdjustments.open(calendar)
        adjustments.remove_holiday(self._stamp(ctx), day=day, reason=reason)
        return self._save(adjustments)

    def _stamp(self, ctx: CommandContext) -> Stamp:
        recorded_at = self.ledger.clock()
        return Stamp(
            recorded_at=recorded_at,
            occurred_at=ctx.occurred_at or recorded_at,
            actor=ctx.actor,
            correlation_id=ctx.correlation_id,
        )

    def _save(self, adjustments: CalendarAdjustments) -> AdjustedCalendar:
        try:
            self.ledger.save(adjustments)
        except IntegrityError:
            raise ConflictError(
                f"the {adjustments.calendar} calendar changed meanwhile: look again and retry",
                field="day",
            ) from None
        return adjustments.in_force()
