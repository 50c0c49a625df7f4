"""Calendars that change, on both stores (ADR 0016): what-if lists the open deadlines a new
one-off holiday would move; adding it re-derives exactly those in the read models, leaves closed
cases as recorded; `projections status` shows the re-derivation; the case view agrees."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.calendar_service import CalendarBook
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain import calendars
from complaints_ledger.domain.calendars import Calendar
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, RegimeId, Role
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.readside.views import physical_name
from projections import timeliness, worklist
from projections.calendar_inputs import calendars_in_force
from tests import builders
from tests.builders import COUNCIL, PROVIDER, SimulatedClock, assert_one_error_line

THU_6_MAY_2027 = datetime(2027, 5, 6, 9, tzinfo=UTC)
TUE_18_MAY_2027 = datetime(2027, 5, 18, 9, tzinfo=UTC)


def officer() -> CommandContext:
    return CommandContext(Actor("k.officer", COUNCIL, Role.OFFICER))


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def receive(ledger: ComplaintsLedger, clock: SimulatedClock, when: datetime) -> UUID:
    clock.now = when
    intake = builders.intake(regime=RegimeId.LGSCO_CODE)
    return ledger.receive(intake, officer())


def cases(ledger: ComplaintsLedger, clock: SimulatedClock) -> dict[str, UUID]:
    clock.now = datetime(2027, 5, 1, 9, tzinfo=UTC)
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
    ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
    found = {
        "open": receive(ledger, clock, THU_6_MAY_2027),
        "closed": receive(ledger, clock, THU_6_MAY_2027),
        "later": receive(ledger, clock, TUE_18_MAY_2027),
    }
    clock.now = TUE_18_MAY_2027.replace(hour=15)
    ledger.withdraw(found["closed"], officer(), reason="resolved on the phone")
    return found


def stored(db: ViewDatabase, projection: Any, table: Any) -> dict[str, dict[str, Any]]:
    columns = list(table.columns)
    rows = db.execute(f"SELECT {', '.join(columns)} FROM {physical_name(projection, table, 'rm')}")
    return {row[0]: dict(zip(columns, row, strict=True)) for row in rows}


def moves_between(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, ...]]:
    return {
        (case, name, row[f"{name}_due"], after[case][f"{name}_due"])
        for case, row in before.items()
        for name in timeliness.STATUTORY_DEADLINES
        if row[f"{name}_due"] != after[case][f"{name}_due"]
    }


def status_notes(url: str) -> list[str]:
    result = cli("--store", url, "projections", "status", "timeliness", "worklist")
    assert result.exit_code == 0, result.output
    notes = (line for line in result.stdout.splitlines() if ": " in line and "│" not in line)
    return [note for note in notes if note.startswith(("timeliness: ", "worklist: "))]


def catch_up(db: ViewDatabase) -> None:
    runner = ReadModelRunner(db)
    for projection in (timeliness.PROJECTION, worklist.PROJECTION):
        runner.catch_up(projection)


@pytest.fixture
def world(ledger: ComplaintsLedger, clock: SimulatedClock, db: ViewDatabase) -> dict[str, UUID]:
    found = cases(ledger, clock)
    catch_up(db)
    return found


def test_adding_a_holiday_re_derives_exactly_what_the_what_if_listed(
    store_url: str, ledger: ComplaintsLedger, db: ViewDatabase, world: dict[str, UUID]
) -> None:
    v0 = CalendarBook(ledger).in_force(Calendar.ENGLAND).version
    assert status_notes(store_url) == [
        f"timeliness: current with calendar {v0}",
        f"worklist: current with calendar {v0}",
    ]
    asked = cli(
        "--store", store_url, "calendar", "what-if", "--add", "2027-05-10", "--nation", "england",
        "--json",
    )  # fmt: skip
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.stdout)
    open_case = str(world["open"])
    listed = {(m["case_id"], m["deadline"], m["old"], m["new"]) for m in answer["moves"]}
    assert listed == {
        (open_case, "acknowledgement", "2027-05-13", "2027-05-14"),
        (open_case, "response", "2027-05-27", "2027-05-28"),
    }
    assert answer["calendar_version"] == v0
    before = stored(db, timeliness.PROJECTION, timeliness.CASES)

    added = cli(
        "--store", store_url, "calendar", "add-holiday", "2027-05-10", "--nation", "england",
        "--reason", "proclaimed for the coronation", "--name", "Coronation bank holiday",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    v1 = answer["would_be"]
    assert v1 in added.stdout
    assert status_notes(store_url) == [
        f"timeliness: re-deriving for calendar {v1} (2 open cases)",
        f"worklist: re-deriving for calendar {v1} (2 open cases)",
    ]
    catch_up(db)
    after = stored(db, timeliness.PROJECTION, timeliness.CASES)
    assert moves_between(before, after) == listed
    assert after[str(world["closed"])] == before[str(world["closed"])], "closed: as recorded"
    assert after[open_case]["calendar_version"] == v1
    assert stored(db, worklist.PROJECTION, worklist.CASES)[open_case]["next_due"] == "2027-05-14"
    assert status_notes(store_url) == [
        f"timeliness: current with calendar {v1}",
        f"worklist: current with calendar {v1}",
    ]


def test_the_case_view_agrees_with_the_dashboard_and_names_the_holiday(
    store_url: str, ledger: ComplaintsLedger, db: ViewDatabase, world: dict[str, UUID]
) -> None:
    CalendarBook(ledger).add_holiday(
        CommandContext(Actor("ops", "complaints-ledger", Role.ADMIN)),
        Calendar.ENGLAND,
        day=date(2027, 5, 10),
        reason="proclaimed",
        name="Coronation bank holiday",
    )
    catch_up(db)
    shown = cli("--store", store_url, "deadlines", str(world["open"]), "--json")
    assert shown.exit_code == 0, shown.output
    found = {d["name"]: d for d in json.loads(shown.stdout)["deadlines"]}
    row = stored(db, timeliness.PROJECTION, timeliness.CASES)[str(world["open"])]
    assert found["acknowledgement"]["due"] == row["acknowledgement_due"] == "2027-05-14"
    assert found["response"]["due"] == row["response_due"]
    assert found["acknowledgement"]["calendar_version"] == row["calendar_version"]
    assert "Mon 10 May 2027 (Coronation bank holiday)" in found["acknowledgement"]["explanation"]
    assert found["acknowledgement"]["holidays_skipped"] == [
        {"day": "2027-05-10", "name": "Coronation bank holiday"}
    ]


def test_the_read_side_replays_the_calendar_the_ledger_has(
    ledger: ComplaintsLedger, db: ViewDatabase, clock: SimulatedClock
) -> None:
    book, ops = CalendarBook(ledger), CommandContext(Actor("ops", "x", Role.ADMIN))
    book.add_holiday(ops, Calendar.ENGLAND, day=date(2027, 5, 10), reason="one-off")
    book.remove_holiday(ops, Calendar.ENGLAND, day=date(2027, 5, 3), reason="moved")
    first = clock.now
    clock.advance(days=1)
    book.add_holiday(ops, Calendar.SCOTLAND, day=date(2027, 6, 7), reason="one-off")
    found = calendars_in_force(db)
    assert found[Calendar.ENGLAND] == book.in_force(Calendar.ENGLAND)
    assert found[Calendar.SCOTLAND] == book.in_force(Calendar.SCOTLAND)
    assert found[Calendar.WALES].adjustments == 0
    assert calendars_in_force(db, as_of=first)[Calendar.SCOTLAND].adjustments == 0
    shown = cli("--store", ledger.settings.store, "calendar", "show", "--nation", "england",
                "--year", "2027", "--json")  # fmt: skip
    document = json.loads(shown.stdout)
    assert document["version"] == found[Calendar.ENGLAND].version
    days = {h["day"] for h in document["holidays"]}
    assert "2027-05-10" in days
    assert "2027-05-03" not in days
    assert [(a["day"], a["change"], a["by"]) for a in document["adjustments"]] == [
        ("2027-05-10", "added", "ops"),
        ("2027-05-03", "removed", "ops"),
    ]


def test_an_upgrade_of_the_holidays_package_shows_and_re_derives(
    store_url: str, db: ViewDatabase, world: dict[str, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(calendars, "HOLIDAYS_VERSION", "99.0")
    assert status_notes(store_url)[0] == (
        "timeliness: re-deriving for calendar 99.0+england@0 (2 open cases)"
    )
    catch_up(db)
    rows = stored(db, timeliness.PROJECTION, timeliness.CASES)
    assert rows[str(world["open"])]["calendar_version"] == "99.0+england@0"
    assert rows[str(world["closed"])]["calendar_version"] != "99.0+england@0"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("add-holiday", "2027-05-1x", "--nation", "england", "--reason", "r"), ("day",)),
        (("add-holiday", "2027-05-10", "--nation", "atlantis", "--reason", "r"), ("atlantis",)),
        (("add-holiday", "2027-05-03", "--nation", "england", "--reason", "r"), ("May Day",)),
        (("remove-holiday", "2027-05-10", "--nation", "england", "--reason", "r"), ("not a bank",)),
        (("what-if", "--nation", "england"), ("add",)),
        (("what-if", "--nation", "wales", "--add", "2027-05-31"), ("already a bank holiday",)),
        (("show", "--nation", "mars"), ("mars",)),
    ],
)
def test_the_cli_refuses_in_one_line(
    store_url: str, args: tuple[str, ...], fragments: tuple[str, ...]
) -> None:
    assert_one_error_line(cli("--store", store_url, "calendar", *args), *fragments)


def test_removing_a_holiday_through_the_cli_moves_deadlines_back(
    store_url: str, db: ViewDatabase, world: dict[str, UUID]
) -> None:
    later = str(world["later"])
    asked = cli("--store", store_url, "calendar", "what-if", "--remove", "2027-05-31",
                "--nation", "england", "--json")  # fmt: skip
    moves = [
        (m["case_id"], m["deadline"], m["old"], m["new"]) for m in json.loads(asked.stdout)["moves"]
    ]
    assert moves == [(later, "response", "2027-06-09", "2027-06-08")]
    removed = cli("--store", store_url, "calendar", "remove-holiday", "2027-05-31",
                  "--nation", "england", "--reason", "moved by proclamation")  # fmt: skip
    assert removed.exit_code == 0, removed.output
    assert "@1" in removed.stdout
    catch_up(db)
    assert (
        stored(db, timeliness.PROJECTION, timeliness.CASES)[later]["response_due"] == "2027-06-08"
    )
