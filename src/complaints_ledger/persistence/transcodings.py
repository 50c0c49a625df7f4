"""How the values inside events and snapshots are written as JSON. Names are stored: never rename.

StrEnum members are written as plain strings by the JSON encoder; snapshots re-type them on load.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from complaints_ledger.domain import clocks
from complaints_ledger.domain.values import ExtendedDeadline


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class SetAsSortedList(Transcoding):
    type = set
    name = "set_sorted"

    def encode(self, obj: set[str]) -> list[str]:
        return sorted(obj)

    def decode(self, data: list[str]) -> set[str]:
        return set(data)


class ExtensionAsDict(Transcoding):
    type = clocks.Extension
    name = "extension"

    def encode(self, obj: clocks.Extension) -> dict[str, Any]:
        return {
            "deadline": obj.deadline.value,
            "working_days": obj.working_days,
            "granted_at": obj.granted_at,
            "reason": obj.reason,
            "complainant_consent": obj.complainant_consent,
        }

    def decode(self, data: dict[str, Any]) -> clocks.Extension:
        return clocks.Extension(
            deadline=ExtendedDeadline(data["deadline"]),
            working_days=data["working_days"],
            granted_at=data["granted_at"],
            reason=data["reason"],
            complainant_consent=data["complainant_consent"],
        )


class PauseAsDict(Transcoding):
    type = clocks.Pause
    name = "pause"

    def encode(self, obj: clocks.Pause) -> dict[str, Any]:
        return {"started_at": obj.started_at, "ended_at": obj.ended_at}

    def decode(self, data: dict[str, Any]) -> clocks.Pause:
        return clocks.Pause(started_at=data["started_at"], ended_at=data["ended_at"])


def register_ledger_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(SetAsSortedList())
    transcoder.register(ExtensionAsDict())
    transcoder.register(PauseAsDict())
