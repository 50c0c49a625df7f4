"""The type of every correctable fact: how a correction's `new_value` is read, and how it is stored.

A correction arrives as JSON (a string, or a list of strings for subjects). Each field reads it
with its own type, so a value of the wrong shape is refused before anything is stored, and the
stored event holds the value as that type's JSON (`store`), which `read` turns back into the
value the case holds. Reading a stored value gives what the case held: a correction never
changes the type of a field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from complaints_ledger.domain.values import Channel, Kind

MAX_SUBJECTS = 50


@dataclass(frozen=True)
class FieldType:
    """`described` says what the field takes, for error messages and the docs."""

    described: str
    read: Callable[[Any], Any]  # JSON -> the case's value; TypeError/ValueError if not one
    store: Callable[[Any], Any] = str  # the case's value -> JSON, as the event holds it
    organisation: bool = False  # the value must name an organisation in the registry
    takes_list: bool = False


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {_json_type(value)}")
    text = value.strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _instant(value: Any) -> datetime:
    moment = datetime.fromisoformat(_text(value))
    if moment.tzinfo is None:
        raise ValueError("needs a timezone offset")
    return moment


def _day(value: Any) -> date:
    text = _text(value)
    if "T" in text or " " in text:
        raise ValueError("expected a date (YYYY-MM-DD), not an instant")
    return date.fromisoformat(text)


def _subjects(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(
            f'expected a list of subjects, e.g. ["home care", "charging"], not {_json_type(value)}'
        )
    if not value:
        raise ValueError("needs at least one subject")
    if len(value) > MAX_SUBJECTS:
        raise ValueError(f"at most {MAX_SUBJECTS} subjects")
    subjects = []
    for position, subject in enumerate(value):
        try:
            subjects.append(_text(subject))
        except (TypeError, ValueError) as error:
            raise ValueError(f"subject {position + 1}: {error}") from None
    return tuple(dict.fromkeys(subjects))  # each subject once, in order


def _enum(kind: type[StrEnum]) -> Callable[[Any], StrEnum]:
    def read(value: Any) -> StrEnum:
        text = _text(value)
        try:
            return kind(text)
        except ValueError:
            allowed = ", ".join(member.value for member in kind)
            raise ValueError(f"{text!r} is not one of: {allowed}") from None

    return read


def _json_type(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "a string"


def _iso(value: date) -> str:
    return value.isoformat()


INSTANT = FieldType("an instant with a timezone offset (RFC 3339)", _instant, _iso)
DAY = FieldType("a date (YYYY-MM-DD)", _day, _iso)
TEXT = FieldType("one line of text", _text)
ORGANISATION = FieldType("the name of an organisation in the registry", _text, organisation=True)

FIELD_TYPES: dict[str, FieldType] = {
    "received_at": INSTANT,
    "acknowledged_at": INSTANT,
    "matter_occurred_on": DAY,
    "matter_noticed_on": DAY,
    "subjects": FieldType("a list of non-empty subjects", _subjects, list, takes_list=True),
    "service": TEXT,
    "about_organisation": ORGANISATION,
    "channel": FieldType("a channel", _enum(Channel)),
    "kind": FieldType("a kind of case", _enum(Kind)),
}


def takes_list(field: str) -> bool:
    return field in FIELD_TYPES and FIELD_TYPES[field].takes_list


def names_organisation(field: str) -> bool:
    return field in FIELD_TYPES and FIELD_TYPES[field].organisation


def read_fact(field: str, value: Any) -> Any:
    """The case's value from a stored (or offered) correction of `field`."""
    return FIELD_TYPES[field].read(value)


def stored_fact(field: str, value: Any) -> Any:
    """The JSON a correction event holds for the case's value of `field` (None stays None)."""
    return None if value is None else FIELD_TYPES[field].store(value)


def subjects_from_v1(text: str) -> list[str]:
    """Subjects as version 1 of FactCorrected stored them: joined by commas."""
    return [s.strip() for s in text.split(",") if s.strip()]
