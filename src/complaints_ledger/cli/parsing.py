"""Parsing command-line values into domain values, with errors that name the option."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import InvalidValueError

EXAMPLE_INSTANT = "2026-05-01T12:00Z or 2026-05-01T12:00:00+01:00"


def case_id(text: str) -> UUID:
    try:
        return UUID(text.strip())
    except ValueError:
        raise InvalidValueError(
            f"{text!r} is not a complaint id (a UUID such as 0b6f8c1e-5d2a-5c3e-9f10-2a4b6c8d0e1f)",
            field="id",
        ) from None


def instant(text: str, option: str = "--as-of") -> datetime:
    """An RFC 3339 instant; one without a timezone is refused, never guessed."""
    try:
        value = datetime.fromisoformat(text.strip().upper())
    except ValueError:
        raise InvalidValueError(
            f"{option} {text!r} is not an RFC 3339 instant (e.g. {EXAMPLE_INSTANT})",
            field=option.lstrip("-").replace("-", "_"),
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValueError(
            f"{option} {text!r} has no timezone: add Z (UTC) or an offset (e.g. {EXAMPLE_INSTANT})",
            field=option.lstrip("-").replace("-", "_"),
        )
    return value


def day(text: str, option: str = "--today") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValueError(
            f"{option} {text!r} is not a date in the form YYYY-MM-DD",
            field=option.lstrip("-"),
        ) from None


def uk_today() -> date:
    return uk_local_date(datetime.now(UTC))
