"""What a projection is: its view tables and one handler per event type it reads.

A projection module declares `PROJECTION = Projection(...)`; see docs/projections.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from complaints_ledger.readside.records import EventRecord
    from complaints_ledger.readside.views import Views

COLUMN_TYPES = frozenset({"text", "integer", "real", "boolean"})
EVENT_TOPIC_PREFIX = "complaints_ledger.domain.complaint:Complaint."

Handler = Callable[["EventRecord", "Views"], None]
Derive = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Table:
    """A view table: columns with portable types ("text", "integer", "real", "boolean")."""

    name: str
    columns: Mapping[str, str]
    key: tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    # Computes derived columns of a changed row once per page, just before it is written,
    # rather than after every event (e.g. deadlines worked out from the facts in the row).
    derive: Derive | None = None

    def __post_init__(self) -> None:
        unknown = {t for t in self.columns.values() if t not in COLUMN_TYPES}
        if unknown:
            raise ValueError(f"table {self.name}: unknown column types {sorted(unknown)}")
        missing = [k for k in self.key if k not in self.columns]
        if missing:
            raise ValueError(f"table {self.name}: key columns {missing} are not columns")


@dataclass(frozen=True)
class Projection:
    """A read model. Bump `version` whenever its tables or handlers change meaning: it rebuilds."""

    name: str
    version: int
    tables: tuple[Table, ...]
    handlers: Mapping[str, Handler]
    description: str = ""
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
