"""The "as it was recorded at" control of the case page: a day (GOV.UK date input) and a time
(HH:MM, UK local time) read into an instant, or the field at fault and what to do about it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from starlette.datastructures import QueryParams

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.inputs.moments import refuse_future

PARTS = ("as_of-day", "as_of-month", "as_of-year")
TIME = "as_of-time"
HOURS_MINUTES = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


@dataclass(frozen=True)
class AsOfChoice:
    """What the control asked for: an instant, an error (field id -> message), or neither."""

    instant: datetime | None = None
    errors: dict[str, str] = field(default_factory=dict)
    entered: dict[str, str] = field(default_factory=dict)


def read_as_of(query: QueryParams, now: datetime) -> AsOfChoice:
    entered = {name: query.get(name, "").strip() for name in (*PARTS, TIME)}
    if not any(entered.values()):
        return AsOfChoice()
    day = _day(entered)
    if day is None:
        return AsOfChoice(
            errors={"as_of-day": "Enter a real date, for example 27 3 2026"}, entered=entered
        )
    clock = HOURS_MINUTES.match(entered[TIME] or "23:59")
    if clock is None:
        return AsOfChoice(
            errors={TIME: "Enter a time as hours and minutes, for example 14:30"}, entered=entered
        )
    moment = datetime.combine(day, time(int(clock[1]), int(clock[2]), 59), tzinfo=UK_TIME_ZONE)
    if refuse_future(moment, now) is not None:
        return AsOfChoice(
            errors={"as_of-day": "Enter a date and time in the past"}, entered=entered
        )
    return AsOfChoice(instant=moment, entered=entered)


def _day(entered: dict[str, str]) -> date | None:
    day, month, year = (entered[name] for name in PARTS)
    if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:  # noqa: PLR2004
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
