"""Instants and days that enter the ledger, range-checked so no later arithmetic can overflow.

Recorded facts (a body's `received_at`, `due_on`, ...) may lie between 1900 and 2200; what a
query asks about (`as_of`, `today`, a reporting year, a date filter) lies within the ledger's
lifetime, 2000-01-01 to 2100-01-01. That `as_of` is not in the future is checked where the
ledger's clock is known (the API's `as_of` dependency).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

EARLIEST_FACT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_FACT = datetime(2200, 1, 1, tzinfo=UTC)
LEDGER_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
LEDGER_HORIZON = datetime(2100, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)  # a client's clock a little ahead of the ledger's is not an error
RFC3339_START = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
EXAMPLE = "2026-06-01T09:30:00+01:00"


def _instant_text(value: Any) -> Any:
    if not isinstance(value, str) or not RFC3339_START.match(value):
        raise PydanticCustomError(
            "instant_format", f"must be an RFC 3339 instant such as {EXAMPLE}"
        )
    return value


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "instant_timezone", "must include a timezone offset (Z or +01:00)"
        )
    return value


def outside(value: date, earliest: datetime, latest: datetime) -> str | None:
    """Why a day, or an instant's own day, is not in [earliest, latest), or None."""
    # Compare calendar days: converting year 1 or 9999 to UTC would itself overflow.
    day = value.date() if isinstance(value, datetime) else value
    if earliest.date() <= day < latest.date():
        return None
    return f"must be on or after {earliest.date()} and before {latest.date()}"


def outside_lifetime(value: date) -> str | None:
    """Why a day or instant a query asks about is outside the ledger's lifetime, or None."""
    return outside(value, LEDGER_EPOCH, LEDGER_HORIZON)


def _between(earliest: datetime, latest: datetime) -> Callable[[date], date]:
    def check(value: date) -> date:
        if (why := outside(value, earliest, latest)) is not None:
            raise PydanticCustomError("out_of_range", why)
        return value

    return check


def refuse_future(value: datetime, now: datetime) -> str | None:
    """Why `value` cannot be asked about at `now` (it has not happened yet), or None."""
    if value > now + CLOCK_SKEW:
        return f"{value.isoformat()} is in the future (the ledger's time is {now.isoformat()})"
    return None


AwareInstant = Annotated[
    datetime,
    BeforeValidator(_instant_text),
    AfterValidator(_aware),
    Field(json_schema_extra={"format": "date-time"}),
]
Instant = Annotated[AwareInstant, AfterValidator(_between(EARLIEST_FACT, LATEST_FACT))]
"""When something happened: an RFC 3339 instant with a timezone, 1900 to 2200."""
Day = Annotated[date, AfterValidator(_between(EARLIEST_FACT, LATEST_FACT))]
"""A recorded day (YYYY-MM-DD), 1900 to 2200."""
LedgerInstant = Annotated[AwareInstant, AfterValidator(_between(LEDGER_EPOCH, LEDGER_HORIZON))]
"""An instant a query asks about, within the ledger's lifetime."""
LedgerDay = Annotated[date, AfterValidator(_between(LEDGER_EPOCH, LEDGER_HORIZON))]
"""A day a query asks about (judge on this day, received from), within the ledger's lifetime."""


def _reporting_year_in_lifetime(value: str) -> str:
    first = value.strip()[:4]
    if first.isdigit() and not LEDGER_EPOCH.year <= int(first) < LEDGER_HORIZON.year:
        raise PydanticCustomError(
            "out_of_range",
            f"must start between {LEDGER_EPOCH.year} and {LEDGER_HORIZON.year - 1}",
        )
    return value


ReportingYear = Annotated[str, Field(max_length=7), AfterValidator(_reporting_year_in_lifetime)]
"""A reporting year from 1 April, as 2026 or 2026-27 (its form is checked by the report)."""
