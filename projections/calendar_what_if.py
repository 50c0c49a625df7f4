"""What-if: which stored deadlines of open cases a calendar change would move, old -> new.

The same re-derivation the read models run after a change (calendar_inputs.py), run on copies
of the timeliness rows with the hypothetical calendar: nothing is recorded or written. So the
deadlines a change re-derives are exactly those listed here (tests/property).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from complaints_ledger.domain.calendar_adjustments import with_added, with_removed
from complaints_ledger.domain.calendars import AdjustedCalendar, Calendar
from complaints_ledger.domain.errors import InvalidValueError
from complaints_ledger.domain.regime_rules import CALENDARS
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import current_namespace
from complaints_ledger.readside.views import physical_name
from projections import timeliness
from projections.calendar_inputs import CLOSED_STATUSES, calendars_in_force


@dataclass(frozen=True)
class Move:
    """One stored deadline that would move."""

    case_id: str
    organisation: str
    deadline: str
    old: str  # ISO date, as the dashboard has it now
    new: str  # ISO date, after the change

    def as_json(self) -> dict[str, str]:
        return {
            "case_id": self.case_id,
            "organisation": self.organisation,
            "deadline": self.deadline,
            "old": self.old,
            "new": self.new,
        }


def hypothetical(
    current: AdjustedCalendar, *, add: date | None, remove: date | None
) -> AdjustedCalendar:
    """The calendar after adding or removing one day, refused as the real change would be."""
    if add is not None and remove is None:
        return with_added(current, add)
    if remove is not None and add is None:
        return with_removed(current, remove)
    raise InvalidValueError("name one day to add or one day to remove, not both", field="add")


def what_if(
    db: ViewDatabase,
    calendar: Calendar,
    *,
    add: date | None = None,
    remove: date | None = None,
    organisations: frozenset[str] | None = None,
) -> tuple[AdjustedCalendar, AdjustedCalendar, list[Move]]:
    """The calendar now, as it would be, and every open deadline that would move (of the
    `organisations` given: None, every organisation's)."""
    namespace = current_namespace(db, timeliness.PROJECTION, None)  # current, re-derived
    current = calendars_in_force(db)[calendar]
    changed = hypothetical(current, add=add, remove=remove)
    moves = [
        move
        for row in _open_rows(db, namespace, calendar)
        if organisations is None or _organisation(row) in organisations
        for move in moved(row, changed)
    ]
    return current, changed, moves


def moved(row: dict[str, Any], changed: AdjustedCalendar) -> list[Move]:
    """The stored deadlines of one row that `changed` would move."""
    derived = dict(row)
    timeliness.derive_deadlines(derived, changed)
    return [
        Move(row["case_id"], _organisation(row), name, row[f"{name}_due"], derived[f"{name}_due"])
        for name in timeliness.STATUTORY_DEADLINES
        if row[f"{name}_due"] != derived[f"{name}_due"]
    ]


def _organisation(row: dict[str, Any]) -> str:
    return str(row["referred_to"] or row["handling_organisation"])


def _open_rows(db: ViewDatabase, namespace: str, calendar: Calendar) -> list[dict[str, Any]]:
    regimes = [str(r) for r, c in CALENDARS.items() if c == calendar]
    if not regimes:
        return []
    columns = list(timeliness.CASES.columns)
    table = physical_name(timeliness.PROJECTION, timeliness.CASES, namespace)
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {table} WHERE status NOT IN (?, ?) "  # noqa: S608
        f"AND regime IN ({', '.join('?' for _ in regimes)}) ORDER BY case_id",
        [*CLOSED_STATUSES, *regimes],
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def what_if_document(
    current: AdjustedCalendar, changed: AdjustedCalendar, moves: list[Move]
) -> dict[str, Any]:
    """The what-if as the CLI's --json and the API answer it."""
    return {
        "nation": str(current.calendar),
        "calendar_version": current.version,
        "would_be": changed.version,
        "moves": [move.as_json() for move in moves],
    }
