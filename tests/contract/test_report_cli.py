"""`complaints-ledger report ...` on both stores: the annual report in three formats, the lists as
JSON (the same as the query functions give), the audit-trail export, figures as recorded at a past
instant, and mistakes reported as one line with exit code 2."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import Actor, Channel, Person
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner
from complaints_ledger.settings import Settings
from projections import annual_report, audit_trail, learning_register, worklist
from projections.timeliness_queries import dashboard, overdue_cases
from tests import builders
from tests.builders import assert_one_error_line

DEMO_SIZE = 30


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


def report(url: str, *args: str) -> Result:
    result = cli("--store", url, "report", *args)
    assert result.exit_code == 0, result.output
    return result


def as_json(rows: Any) -> Any:
    """What the CLI's JSON of `rows` reads back as."""
    return json.loads(orjson.dumps(rows, default=str))


@pytest.fixture
def demo(store_url: str) -> str:
    result = cli("demo", "--complaints", str(DEMO_SIZE), "--store", store_url)
    assert result.exit_code == 0, result.output
    return store_url


def stored_events(db: ViewDatabase) -> list[tuple[str, int]]:
    """(case id, version) of every case event in the store, read straight from the events table
    (organisations and access logs are not cases)."""
    rows = db.execute(
        f"SELECT originator_id, originator_version FROM {db.dialect.events_table} "
        "WHERE topic LIKE ?",
        ("complaints_ledger.domain.complaint:%",),
    )
    return sorted((str(UUID(str(case))), int(version)) for case, version in rows)


def reporting_year_of(instant: str) -> int:
    local = datetime.fromisoformat(instant).astimezone(UK_TIME_ZONE)
    return local.year if local.month >= 4 else local.year - 1


# --------------------------------------------------------------------------- annual report


def test_annual_report_in_markdown_csv_and_json(demo: str, db: ViewDatabase) -> None:
    ReadModelRunner(db).catch_up(annual_report.PROJECTION)
    complaints = [c for c in annual_report.case_facts(db) if c["kind"] == "complaint"]
    busiest = Counter(c["organisation"] for c in complaints).most_common(1)[0][0]
    latest = max(c["received_at"] for c in complaints if c["organisation"] == busiest)
    year = reporting_year_of(latest)
    label = f"{year}-{(year + 1) % 100:02d}"
    args = ("annual", "--org", busiest, "--year", str(year))

    document = json.loads(report(demo, *args, "--format", "json").stdout)
    expected = annual_report.annual_report(db, organisation=busiest, year=year)
    assert document == as_json(expected)
    assert document["organisation"] == busiest
    assert document["year"] == label
    received = document["regs_16_18"]["complaints_received"]
    assert received >= 1  # the busiest organisation's latest complaint falls in this year

    markdown = report(demo, *args, "--format", "md").stdout
    assert busiest in markdown
    assert label in markdown

    rows = list(csv.reader(io.StringIO(report(demo, *args, "--format", "csv").stdout)))
    assert rows[0] == ["section", "measure", "key", "value"]
    assert ["report", "organisation", "", busiest] in rows
    assert ["report", "year", "", label] in rows
    assert ["regs_16_18", "complaints_received", "", str(received)] in rows
    ko41 = document["ko41"]
    assert ["ko41", "carried_forward", "", str(ko41["carried_forward"])] in rows
    assert all(len(row) == 4 for row in rows)

    assert report(demo, *args).stdout == markdown, "Markdown is the default"


def test_annual_report_for_an_unknown_organisation_lists_the_known_ones(
    demo: str, db: ViewDatabase
) -> None:
    result = cli("--store", demo, "report", "annual", "--org", "Nowhere Council", "--year", "2025")
    line = assert_one_error_line(result, "'Nowhere Council'", "field: org")
    known = annual_report.organisations(db)
    assert len(known) > 1
    assert f"(known: {', '.join(known)})" in line


@pytest.mark.parametrize("year", ["twenty-five", "2025.5", ""])
def test_annual_report_year_must_be_a_number(sqlite_url: str, year: str) -> None:
    result = cli("--store", sqlite_url, "report", "annual", "--org", "X", "--year", year)
    assert result.exit_code == 2, result.output
    assert "--year" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_annual_report_year_out_of_range_is_one_line(demo: str, db: ViewDatabase) -> None:
    ReadModelRunner(db).catch_up(annual_report.PROJECTION)
    organisation = annual_report.organisations(db)[0]
    result = cli("--store", demo, "report", "annual", "--org", organisation, "--year", "20261")
    assert_one_error_line(result, "reporting year", "field: year")


# --------------------------------------------------------------------------- the lists


def test_json_lists_agree_with_the_query_functions(demo: str, db: ViewDatabase) -> None:
    today = datetime.now(UTC).date()
    later = today + timedelta(days=120)  # open deadlines are past due by then

    document = json.loads(report(demo, "dashboard", "--json", "--today", later.isoformat()).stdout)
    assert set(document) == {"today", "as_of", "rows", "overdue", "totals"}  # as the API's
    board = document["rows"]
    assert [{k: v for k, v in row.items() if k != "within_target_percent"} for row in board] == (
        as_json(dashboard(db, today=later))
    )
    assert document["overdue"] == as_json(overdue_cases(db, today=later))
    assert sum(row["received"] + row["concerns"] + row["compliments"] for row in board) == 30

    late = json.loads(report(demo, "overdue", "--json", "--today", later.isoformat()).stdout)
    assert late == as_json(overdue_cases(db, today=later))
    assert late, "open cases have deadlines past due 120 days from now"

    ReadModelRunner(db).catch_up(worklist.PROJECTION)
    open_by_organisation = Counter(
        organisation
        for (organisation,) in db.execute(
            "SELECT organisation FROM rm_worklist_cases WHERE on_worklist = ?", (True,)
        )
    )
    organisation = open_by_organisation.most_common(1)[0][0]
    listed = json.loads(
        report(
            demo, "worklist", "--org", organisation, "--json", "--today", today.isoformat()
        ).stdout
    )
    assert listed == as_json(worklist.worklist(db, organisation=organisation, today=today))
    assert len(listed) == open_by_organisation[organisation]

    lessons = json.loads(report(demo, "learning", "--json", "--today", today.isoformat()).stdout)
    assert lessons == as_json(learning_register.lessons(db, today=today))
    assert lessons, "the demo records lessons"

    feed = json.loads(report(demo, "you-said-we-did", "--json").stdout)
    assert feed == as_json(learning_register.you_said_we_did(db))
    assert len(feed) == sum(1 for lesson in lessons if lesson["shared_with_partners"])
    assert all("case_id" not in entry for entry in feed), "the public feed has no case ids"


def test_lists_follow_events_written_after_the_last_report(demo: str) -> None:
    """Each report brings its read model up to date first."""
    today = datetime.now(UTC).date().isoformat()
    organisation = "Eastvale Borough Council"
    assert json.loads(report(demo, "worklist", "--org", organisation, "--json").stdout) == []
    ledger = ComplaintsLedger(Settings(store=demo))
    try:
        case_id = ledger.receive(
            builders.intake(
                channel=Channel.LETTER,
                receiving_organisation=organisation,
                about_organisation=organisation,
                service="day care",
                subjects=("day care",),
                complainant=Person("Someone"),
                summary="Closed without notice",
            ),
            CommandContext(Actor("officer", organisation)),
        )
    finally:
        ledger.close()
    listed = json.loads(
        report(demo, "worklist", "--org", organisation, "--json", "--today", today).stdout
    )
    assert [row["case_id"] for row in listed] == [str(case_id)]
    assert listed[0]["handler"] == "unassigned"


# --------------------------------------------------------------------------- audit trail


def test_audit_trail_export_holds_every_event(demo: str, db: ViewDatabase, tmp_path: Path) -> None:
    lines = report(demo, "audit-trail", "--format", "jsonl").stdout.splitlines()
    events = [json.loads(line) for line in lines]
    assert all(isinstance(event, dict) for event in events)
    assert len(events) == len(stored_events(db))
    assert sorted((e["case_id"], e["version"]) for e in events) == stored_events(db)
    positions = [event["position"] for event in events]
    assert positions == sorted(set(positions)), "in log order, each event once"
    assert all(set(event) == set(audit_trail.EXPORT_COLUMNS) for event in events)

    out = tmp_path / "audit.csv"
    written = report(demo, "audit-trail", "--format", "csv", "--out", str(out))
    assert "wrote" in written.stdout
    with out.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert rows == [
        {key: "" if value is None else str(value) for key, value in event.items()}
        for event in events
    ]

    case_id = events[-1]["case_id"]
    one_case = report(demo, "audit-trail", "--case", case_id).stdout.splitlines()
    assert [json.loads(line) for line in one_case] == sorted(
        (e for e in events if e["case_id"] == case_id), key=lambda e: e["version"]
    )


# --------------------------------------------------------------------------- as of


def test_dashboard_as_of_shows_the_figures_recorded_then(demo: str, db: ViewDatabase) -> None:
    ReadModelRunner(db).catch_up(audit_trail.PROJECTION)
    received = sorted(
        datetime.fromisoformat(row["recorded_at"])
        for row in audit_trail.export_rows(db)
        if row["type"] == "Received"
    )
    instant = received[len(received) // 2]
    as_of = instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def total(document: dict[str, Any]) -> int:
        rows = document["rows"]
        return sum(row["received"] + row["concerns"] + row["compliments"] for row in rows)

    then = json.loads(report(demo, "dashboard", "--json", "--as-of", as_of).stdout)
    now = json.loads(report(demo, "dashboard", "--json").stdout)
    assert total(then) == sum(1 for moment in received if moment <= instant)
    assert 0 < total(then) < total(now) == DEMO_SIZE
    later_day = (date.today() + timedelta(days=1)).isoformat()  # noqa: DTZ011 - any day
    again = report(demo, "dashboard", "--json", "--as-of", as_of, "--today", later_day)
    assert total(json.loads(again.stdout)) == total(then), "the same past, rebuilt or reused"


def _receive_at(ledger: ComplaintsLedger, clock: list[datetime], when: datetime) -> None:
    clock[0] = when
    organisation = "Westshire Council"
    ledger.receive(
        builders.intake(
            receiving_organisation=organisation,
            about_organisation=organisation,
            complainant=Person("Someone"),
            summary="Late visits",
        ),
        CommandContext(Actor("officer", organisation)),
    )


def test_as_of_two_instants_within_one_second_give_their_own_figures(sqlite_url: str) -> None:
    start = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    clock = [start]
    ledger = ComplaintsLedger(Settings(store=sqlite_url), clock=lambda: clock[0])
    try:
        _receive_at(ledger, clock, start + timedelta(milliseconds=200))
        _receive_at(ledger, clock, start + timedelta(milliseconds=600))
    finally:
        ledger.close()

    def received(as_of: str) -> int:
        shown = json.loads(report(sqlite_url, "dashboard", "--json", "--as-of", as_of).stdout)
        return sum(row["received"] for row in shown["rows"])

    assert received("2026-03-02T09:00:00.400Z") == 1
    assert received("2026-03-02T09:00:00.800Z") == 2
