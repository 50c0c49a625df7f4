"""A view table: its columns (portable types), key and indexes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

COLUMN_TYPES = frozenset({"text", "integer", "real", "boolean"})

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
