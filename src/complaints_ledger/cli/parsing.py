"""Parsing command-line values into domain values, with errors that name the option.

Texts follow the ledger's input policy (`complaints_ledger.inputs`): `line` and `free_text` are
typer parsers, so a refused value is a usage error naming the option (exit status 2).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar
from uuid import UUID

import typer

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.inputs import (
    TextPolicyError,
    clean_line,
    clean_text,
    outside_lifetime,
    refuse_future,
)
from projections.annual_report_counts import reporting_year_bounds

Moment = TypeVar("Moment", date, datetime)
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
    return _in_lifetime(value, option)


def past_instant(text: str, option: str = "--as-of") -> datetime:
    """An instant to look back at: RFC 3339, and not later than now (nothing is recorded yet)."""
    value = instant(text, option)
    if (why := refuse_future(value, datetime.now(UTC))) is not None:
        raise InvalidValueError(f"{option} {why}", field=option.lstrip("-").replace("-", "_"))
    return value


def day(text: str, option: str = "--today") -> date:
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValueError(
            f"{option} {text!r} is not a date in the form YYYY-MM-DD",
            field=option.lstrip("-"),
        ) from None
    return _in_lifetime(value, option)


def _in_lifetime(value: Moment, option: str) -> Moment:
    if (why := outside_lifetime(value)) is not None:
        raise InvalidValueError(f"{option} {why}", field=option.lstrip("-").replace("-", "_"))
    return value


def reporting_year(text: str) -> str:
    """A reporting year from 1 April (2026 or 2026-27) within the ledger's lifetime."""
    try:
        start, _ = reporting_year_bounds(text)
    except ValueError as error:
        raise InvalidValueError(f"--year: {error}", field="year") from None
    _in_lifetime(start, "--year")
    return text


def line(text: str) -> str:
    """A name or fact given on the command line: one line, no control characters."""
    return _by_policy(clean_line, text)


def free_text(text: str) -> str:
    """A reason or an address given on the command line: line breaks allowed."""
    return _by_policy(clean_text, text)


def _by_policy(clean: Callable[[str], str], text: str) -> str:
    try:
        return clean(text)
    except TextPolicyError as error:
        raise typer.BadParameter(error.message) from None


def uk_today() -> date:
    return uk_local_date(datetime.now(UTC))
