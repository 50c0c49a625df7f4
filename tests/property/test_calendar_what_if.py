"""A calendar change re-derives exactly the open deadlines the what-if listed (ADR 0016).

Hypothesis writes a few random cases (regime, receipt, acknowledged or not, withdrawn or not)
and picks a random one-off holiday to add, or a bank holiday in force to remove, for England or
Scotland. The what-if is asked first; then the change is recorded and the read models catch
up. The deadlines that moved in the timeliness and worklist rows, (case, deadline, old, new),
must be exactly the what-if's list; withdrawn cases never move. SQLite: a fresh file each time.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.calendar_adjustments import unadjusted
from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.errors import RuleViolationError
from complaints_ledger.domain.values import Actor, RegimeId, Role
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.views import physical_name
from complaints_ledger.settings import Settings
from projections import timeliness, worklist
from projections.calendar_what_if import what_if
from tests import builders
from tests.builders import COUNCIL, SimulatedClock

FIRST_DAY = date(2027, 4, 1)
REGIMES = (
    RegimeId.LGSCO_CODE,
    RegimeId.HOUSING_OMBUDSMAN_CODE,
    RegimeId.ENGLAND_2009,
    RegimeId.SPSO_MCHP,
)
OPS = Actor("ops", "complaints-ledger", Role.ADMIN)


@dataclass(frozen=True)
class CaseSpec:
    regime: RegimeId
    received_after_days: int
    acknowledged_after_days: int | None
    withdrawn: bool


case_specs = st.builds(
    CaseSpec,
    regime=st.sampled_from(REGIMES),
    received_after_days=st.integers(0, 60),
    acknowledged_after_days=st.none() | st.integers(0, 6),
    withdrawn=st.booleans(),
)


def moved(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (case, name, row[f"{name}_due"], after[case][f"{name}_due"])
        for case, row in before.items()
        for name in timeliness.STATUTORY_DEADLINES
        if row[f"{name}_due"] != after[case][f"{name}_due"]
    }


def rows(db: ViewDatabase, projection: Any, table: Any) -> dict[str, dict[str, Any]]:
    columns = list(table.columns)
    found = db.execute(f"SELECT {', '.join(columns)} FROM {physical_name(projection, table, 'rm')}")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in found}


def write_cases(ledger: ComplaintsLedger, clock: SimulatedClock, specs: list[CaseSpec]) -> None:
    officer = Actor("k.officer", COUNCIL, Role.OFFICER)
    for spec in sorted(specs, key=lambda s: s.received_after_days):
        received = datetime.combine(FIRST_DAY, datetime.min.time(), UTC) + timedelta(
            days=spec.received_after_days, hours=9
        )
        clock.now = max(clock.now, received)
        case_id = ledger.receive(
            builders.intake(regime=spec.regime), CommandContext(officer, occurred_at=received)
        )
        if spec.acknowledged_after_days is not None:
            at = received + timedelta(days=spec.acknowledged_after_days)
            clock.now = max(clock.now, at) + timedelta(seconds=1)
            ledger.acknowledge(case_id, CommandContext(officer, occurred_at=at))
        if spec.withdrawn:
            clock.advance(seconds=1)
            ledger.withdraw(case_id, CommandContext(officer), reason="no longer wanted")


def catch_up(db: ViewDatabase) -> None:
    runner = ReadModelRunner(db, page_size=7)
    for projection in (timeliness.PROJECTION, worklist.PROJECTION):
        runner.catch_up(projection)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    specs=st.lists(case_specs, min_size=1, max_size=5),
    calendar=st.sampled_from([Calendar.ENGLAND, Calendar.SCOTLAND]),
    adding=st.booleans(),
    data=st.data(),
)
def test_a_calendar_change_re_derives_exactly_the_deadlines_the_what_if_listed(
    specs: list[CaseSpec], calendar: Calendar, adding: bool, data: st.DataObject
) -> None:
    holidays = sorted(
        d
        for year in (2027,)
        for d in unadjusted(calendar).holidays_in(year)
        if d.weekday() < 5 and (d.month, d.day) != (12, 25)
    )
    day = (
        data.draw(st.dates(FIRST_DAY, FIRST_DAY + timedelta(days=120)), label="day")
        if adding
        else data.draw(st.sampled_from(holidays), label="day")
    )
    with tempfile.TemporaryDirectory() as folder:
        store = f"sqlite:///{Path(folder) / 'ledger.db'}"
        clock = SimulatedClock(datetime(2027, 3, 31, 9, tzinfo=UTC))
        with ComplaintsLedger(Settings(store=store), clock=clock) as ledger:
            write_cases(ledger, clock, specs)
            db = ViewDatabase(parse_store_url(store))
            try:
                catch_up(db)
                change = {"add": day} if adding else {"remove": day}
                try:
                    _, _, listed = what_if(db, calendar, **change)  # type: ignore[arg-type]
                except RuleViolationError:
                    assume(
                        condition=False
                    )  # a weekend or a holiday already: refused, nothing to compare
                expected = {(m.case_id, m.deadline, m.old, m.new) for m in listed}
                note(f"what-if listed {sorted(expected)}")
                before = rows(db, timeliness.PROJECTION, timeliness.CASES)
                worklist_before = rows(db, worklist.PROJECTION, worklist.CASES)
                book = CalendarBook(ledger)
                if adding:
                    book.add_holiday(CommandContext(OPS), calendar, day=day, reason="hypothesis")
                else:
                    book.remove_holiday(CommandContext(OPS), calendar, day=day, reason="hypothesis")
                catch_up(db)
                after = rows(db, timeliness.PROJECTION, timeliness.CASES)
                assert moved(before, after) == expected
                assert moved(worklist_before, rows(db, worklist.PROJECTION, worklist.CASES)) == (
                    expected
                )
                withdrawn = {c for c, row in before.items() if row["status"] == "withdrawn"}
                assert not {m[0] for m in expected} & withdrawn
            finally:
                db.close()
