"""Stored events as the read side sees them: decoded straight from JSON, without domain objects.

Decoding through the library's mapper builds a frozen dataclass per event; projections need only
the payload, so they read the stored JSON with orjson and upcast it the same way the mapper does.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any, NamedTuple

import orjson
from eventsourcing.utils import resolve_topic

from complaints_ledger.readside.storable import may_hold_unstorable, storable

TYPE_KEY, DATA_KEY = "_type_", "_data_"


class EventRecord(NamedTuple):
    """One stored event: its position in the log, case, version, type and payload.

    A NamedTuple: made once per event in a rebuild, so it must be cheap to create."""

    position: int
    case_id: str
    version: int
    type: str  # the event class name, e.g. "Acknowledged"
    data: dict[str, Any]  # payload with envelope; datetimes/dates as ISO strings

    @property
    def recorded_at(self) -> datetime:
        return datetime.fromisoformat(self.data["timestamp"])

    @property
    def occurred_at(self) -> datetime:
        return datetime.fromisoformat(self.data["occurred_at"])

    @property
    def actor(self) -> dict[str, str]:
        actor: dict[str, str] = self.data["actor"]
        return actor

    def datetime(self, key: str) -> datetime | None:
        value = self.data.get(key)
        return None if value is None else datetime.fromisoformat(value)

    def date(self, key: str) -> date | None:
        value = self.data.get(key)
        return None if value is None else date.fromisoformat(value)


def _unwrap_in_place(data: dict[str, Any]) -> dict[str, Any]:
    """Replace the transcoder's {"_type_", "_data_"} wrappers by their plain JSON data.

    Payload values are wrapped only at the top level (datetimes, dates, UUIDs); nested values
    (the actor, the personal part, lists) are plain JSON already."""
    for key, value in data.items():
        if type(value) is dict and TYPE_KEY in value and len(value) == 2:  # noqa: PLR2004
            data[key] = value[DATA_KEY]
    return data


@cache
def _event_class(topic: str) -> type[Any]:
    event_class: type[Any] = resolve_topic(topic)
    return event_class


@cache
def _class_version(topic: str) -> int:
    return int(getattr(_event_class(topic), "class_version", 1))


def _upcast(topic: str, state: dict[str, Any]) -> None:
    event_class = _event_class(topic)
    class_version = getattr(event_class, "class_version", 1)
    from_version = state.pop("class_version", 1)
    while from_version < class_version:
        getattr(event_class, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1


def case_id_text(originator_id: Any) -> str:
    """The canonical UUID text: SQLite stores 32 hex digits, PostgreSQL returns it hyphenated."""
    text = originator_id if isinstance(originator_id, str) else str(originator_id)
    if len(text) == 32:  # noqa: PLR2004 - a UUID's hex digits
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def decode(
    position: int, originator_id: Any, version: int, topic: str, state: bytes
) -> EventRecord:
    data = orjson.loads(state)
    if data.get("class_version", 1) < _class_version(topic):
        _upcast(topic, data)
    data.pop("class_version", None)
    if may_hold_unstorable(state):
        data = storable(data)
    return EventRecord(
        position=position,
        case_id=case_id_text(originator_id),
        version=version,
        type=topic.rsplit(".", 1)[-1],
        data=_unwrap_in_place(data),
    )


def utc_text(moment: datetime) -> str:
    """An instant as views store it: UTC, ISO 8601 with microseconds (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def subjects_json(subjects: Any) -> str:
    """A case's subjects as views store them: a JSON list, each subject once, in order."""
    return orjson.dumps(list(dict.fromkeys(subjects))).decode()
