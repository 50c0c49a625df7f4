"""How the pages write the ledger's values for people (Jinja filters): dates as "3 June 2026"
(in tables "3 Jun 2026"), identifiers such as `stage_2_response` as "Stage 2 response", case ids
in their short form, and the worklist's "unassigned" handler as "Unassigned"."""

from __future__ import annotations

from datetime import UTC, date, datetime

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from projections.worklist import UNASSIGNED

SHORT_ID_LENGTH = 8  # hex digits: enough to tell an organisation's open cases apart by eye


def _day(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(value)


def long_date(value: date | str | None) -> str:
    """GOV.UK's date style, without a leading zero: "3 June 2026"; "" for none."""
    day = _day(value)
    return "" if day is None else f"{day.day} {day:%B %Y}"


def short_date(value: date | str | None) -> str:
    """The same with the month abbreviated, as GOV.UK's style allows in tables: "3 Jun 2026"."""
    day = _day(value)
    return "" if day is None else f"{day.day} {day:%b %Y}"


def moment(value: datetime | str | None) -> str:
    """An instant in UTC, to the second, for the admin pages' tables: "3 Jun 2026 14:05:09";
    "" for none."""
    if value is None or value == "":
        return ""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    utc = instant.astimezone(UTC)
    return f"{short_date(utc.date())} {utc:%H:%M:%S}"


def sentence(value: str | None) -> str:
    """`stage_2_response` -> "Stage 2 response"; `web_form` -> "Web form"."""
    if not value:
        return ""
    words = value.replace("_", " ")
    return words[0].upper() + words[1:]


def short_id(case_id: str) -> str:
    """The first hex digits of a case id, for tables; the full id goes beside it."""
    return case_id[:SHORT_ID_LENGTH]


def handler_name(handler: str) -> str:
    """Who handles a case, as the worklist names them: "Unassigned" for nobody."""
    return "Unassigned" if handler == UNASSIGNED else handler


def local_time(value: datetime | str | None) -> str:
    """An instant as staff read it: UK local time with its zone ("Tue 2 Jun 2026, 10:00 BST");
    "" for none."""
    if value is None or value == "":
        return ""
    instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    local = instant.astimezone(UK_TIME_ZONE)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M %Z}"


def local_day(text: str | None) -> str:
    """A day (or the day of an instant) as the case page writes it: "Tue 2 Jun 2026"."""
    if text is None:
        return ""
    day = datetime.fromisoformat(text).date() if "T" in text else None
    value = day or datetime.fromisoformat(text + "T00:00").date()
    return f"{value:%a} {value.day} {value:%b %Y}"


FILTERS = {
    "local_time": local_time,
    "long_date": long_date,
    "short_date": short_date,
    "moment": moment,
    "sentence": sentence,
    "short_id": short_id,
    "handler_name": handler_name,
}
