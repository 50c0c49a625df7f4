"""What a projection is: its view tables and one handler per event type it reads.

A projection module declares `PROJECTION = ReadModel(...)`; see docs/projections.md.
(Named ReadModel, not Projection, so it is never confused with eventsourcing's own
`Projection`; `complaints_ledger.readside.projection` keeps the older name for plug-ins.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from complaints_ledger.readside.tables import Table
from complaints_ledger.readside.views import Views

if TYPE_CHECKING:
    from complaints_ledger.persistence.view_db import ViewDatabase
    from complaints_ledger.readside.records import EventRecord

__all__ = ["EVENT_TOPIC_PREFIX", "ExternalInputs", "Handler", "ReadModel", "Table"]

EVENT_TOPIC_PREFIX = "complaints_ledger.domain.complaint:Complaint."

Handler = Callable[["EventRecord", Views], None]


class ExternalInputs(Protocol):
    """Data besides the event log that stored values derive from (the working-day calendars:
    projections/calendar_inputs.py). The runner applies events inside `session`; `state` says
    what status should show about them (None: nothing)."""

    def session(
        self, db: ViewDatabase, projection: ReadModel, namespace: str, as_of: datetime | None
    ) -> AbstractContextManager[None]: ...

    def state(self, db: ViewDatabase, projection: ReadModel) -> str | None: ...


@dataclass(frozen=True)
class ReadModel:
    """A read model. Bump `version` whenever its tables or handlers change meaning: it rebuilds."""

    name: str
    version: int
    tables: tuple[Table, ...]
    handlers: Mapping[str, Handler]
    description: str = ""
    inputs: ExternalInputs | None = None
    topics: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"projection name {self.name!r} must be a lower-case identifier")
        object.__setattr__(
            self, "topics", tuple(EVENT_TOPIC_PREFIX + event_type for event_type in self.handlers)
        )

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"projection {self.name} has no table {name!r}")
