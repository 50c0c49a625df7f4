"""The working-day calendars as an input of the read models that store deadlines (ADR 0016).

Timeliness and worklist store due dates. They record, per row, the calendar version it was
derived with. Each time the runner brings them up to date it reads the calendars in force (the
`holidays` package plus the adjustment events, straight from the store) and first re-derives
the OPEN cases whose version differs from their nation's; closed and withdrawn cases keep what
they were derived with. `projections status` shows "re-deriving for calendar ..." while open
cases are behind their nation's calendar, else the versions they are current with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from complaints_ledger.domain.calendar_adjustments import (
    added_to,
    adjustments_id,
    removed_from,
    unadjusted,
)
from complaints_ledger.domain.calendars import AdjustedCalendar, Calendar
from complaints_ledger.domain.regime_rules import CALENDARS
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import decode
from complaints_ledger.readside.tracking import Tracking
from complaints_ledger.readside.views import Views, physical_name

LIVE = "rm"
CLOSED_STATUSES = ("closed", "withdrawn")
REDERIVE_PAGE = 500
_ADDED, _REMOVED = (
    f"complaints_ledger.domain.calendar_adjustments:CalendarAdjustments.{name}"
    for name in ("HolidayAdded", "HolidayRemoved")
)
_IN_FORCE: ContextVar[dict[Calendar, AdjustedCalendar] | None] = ContextVar(
    "calendars_in_force", default=None
)
Calendars = dict[Calendar, AdjustedCalendar]


def calendars_in_force(db: ViewDatabase, as_of: datetime | None = None) -> Calendars:
    """Every nation's calendar with the adjustments recorded (by `as_of`, when given)."""
    found = {calendar: unadjusted(calendar) for calendar in Calendar}
    if not db.table_exists(db.dialect.events_table):
        return found
    by_id = {_stored_id(db, adjustments_id(c)): c for c in Calendar}
    cast = "CAST(? AS uuid)" if db.dialect.name == "postgres" else "?"
    rows = db.execute(
        f"SELECT {db.dialect.position_column}, originator_id, originator_version, topic, state "  # noqa: S608
        f"FROM {db.dialect.events_table} WHERE originator_id IN "
        f"({', '.join(cast for _ in by_id)}) ORDER BY originator_id, originator_version",
        list(by_id),
    )
    for position, originator, version, topic, state in rows:
        if topic not in {_ADDED, _REMOVED}:
            continue
        event = decode(int(position), originator, int(version), topic, bytes(state))
        if as_of is not None and event.recorded_at > as_of:
            continue
        calendar = Calendar(by_id[_stored_id(db, event.case_id)])
        day = date.fromisoformat(event.data["day"])
        found[calendar] = (
            added_to(found[calendar], day, event.data["name"])
            if topic == _ADDED
            else removed_from(found[calendar], day)
        )
    return found


def _stored_id(db: ViewDatabase, uid: Any) -> str:
    text = str(uid)
    return text if db.dialect.name == "postgres" else text.replace("-", "")


def in_force(calendar: Calendar) -> AdjustedCalendar | None:
    """The calendar in force during the runner's session (None outside one: the caller's
    own calendar, or the package's, is used)."""
    found = _IN_FORCE.get()
    return None if found is None else found[calendar]


@contextmanager
def calendars_set(calendars: Calendars) -> Iterator[None]:
    token = _IN_FORCE.set(calendars)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def _regimes_of(calendar: Calendar) -> list[str]:
    return [str(regime) for regime, c in CALENDARS.items() if c == calendar]


def stale_open_cases(db: ViewDatabase, table_name: str, calendar: AdjustedCalendar) -> list[str]:
    """Open cases of the calendar's nation derived with another calendar version."""
    regimes = _regimes_of(calendar.calendar)
    if not regimes:
        return []
    rows = db.execute(
        f"SELECT case_id FROM {table_name} WHERE status NOT IN (?, ?) "  # noqa: S608
        f"AND regime IN ({', '.join('?' for _ in regimes)}) "
        "AND (calendar_version IS NULL OR calendar_version <> ?) ORDER BY case_id",
        [*CLOSED_STATUSES, *regimes, calendar.version],
    )
    return [str(case_id) for (case_id,) in rows]


def behind(db: ViewDatabase, table_name: str, calendars: Calendars) -> list[AdjustedCalendar]:
    """The calendars some open case of their nation was not derived with (one scan)."""
    found = db.execute(
        f"SELECT DISTINCT regime, calendar_version FROM {table_name} "  # noqa: S608
        "WHERE status NOT IN (?, ?)",
        list(CLOSED_STATUSES),
    )
    stale = {
        CALENDARS[regime]
        for regime, version in found
        if regime in CALENDARS and version != calendars[CALENDARS[regime]].version
    }
    return [calendars[nation] for nation in sorted(stale)]


class CalendarInputs:
    """`ReadModel.inputs` of a projection whose `table` stores deadlines per case."""

    def __init__(self, table: Callable[[], Table]) -> None:
        self._table = table  # late: the table is declared after the projection's functions
        # The calendars the live rows were last brought up to, per store and projection: only
        # a change of calendar (an adjustment, an upgrade) can leave an open case behind, so
        # an unchanged one needs no scan of the table on every catch-up.
        self._checked: dict[tuple[object, ...], tuple[tuple[AdjustedCalendar, str], ...]] = {}

    @contextmanager
    def session(
        self, db: ViewDatabase, projection: ReadModel, namespace: str, as_of: datetime | None
    ) -> Iterator[None]:
        calendars = calendars_in_force(db, as_of)
        with calendars_set(calendars):
            key = (*sorted(db.store.env.items()), projection.name)
            versions = tuple((c, c.version) for c in calendars.values())
            if namespace == LIVE and self._checked.get(key) != versions:
                self.rederive(db, projection, calendars)
                self._checked[key] = versions
            yield

    def rederive(self, db: ViewDatabase, projection: ReadModel, calendars: Calendars) -> int:
        """Re-derive the open cases behind their nation's calendar; how many were."""
        table, done = self._table(), 0
        name = physical_name(projection, table, LIVE)
        for calendar in behind(db, name, calendars):
            stale = stale_open_cases(db, name, calendar)
            for start in range(0, len(stale), REDERIVE_PAGE):
                keys = stale[start : start + REDERIVE_PAGE]
                with db.transaction():
                    # the live follower takes this lock for each page too: never interleaved
                    Tracking(db).get(projection.name, lock=True)
                    views = Views(db, projection, LIVE)
                    for key in keys:
                        if (row := views.get(table, key)) is not None:
                            views.put(table, row)  # written back through `derive`
                    views.flush()
                done += len(keys)
        return done

    def state(self, db: ViewDatabase, projection: ReadModel) -> str | None:
        name = physical_name(projection, self._table(), LIVE)
        if not db.table_exists(name):
            return None
        calendars = calendars_in_force(db)
        behind = {c: len(stale_open_cases(db, name, c)) for c in calendars.values()}
        if stale := [f"{c.version} ({n} open cases)" for c, n in behind.items() if n]:
            return "re-deriving for calendar " + ", ".join(stale)
        used = db.execute(
            f"SELECT DISTINCT regime FROM {name} WHERE status NOT IN (?, ?)",  # noqa: S608
            list(CLOSED_STATUSES),
        )
        nations = sorted({CALENDARS[r] for (r,) in used if r in CALENDARS})
        versions = ", ".join(calendars[c].version for c in nations)
        return f"current with calendar {versions}" if versions else None
