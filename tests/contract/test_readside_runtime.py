"""The projection runtime on both stores: batched rebuilds, resume after a crash, exactly-once
catch-up, as-of builds, and a projection written by an analyst from the documented template."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.domain.values import Actor, Channel, Outcome, Person
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.discovery import load_projection, select_projections
from complaints_ledger.readside.read_model import ReadModel
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from complaints_ledger.readside.views import physical_name
from complaints_ledger.settings import Settings
from projections import audit_trail
from tests import builders

HERE = Path(__file__).parent
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.LETTER)


def seed(url: str, cases: int, *, start: datetime = START) -> datetime:
    """Write `cases` cases of four events each, an hour apart; return the clock's last reading."""
    now = [start]
    ledger = ComplaintsLedger(Settings(store=url), clock=lambda: now[0])
    officer = Actor("officer-1", "Northshire County Council")
    for number in range(cases):
        intake = builders.intake(
            channel=CHANNELS[number % len(CHANNELS)],
            receiving_organisation="Northshire County Council",
            about_organisation="Sunrise Home Care",
            complainant=Person("Test Person"),
            summary="Carers arrived late",
        )
        case_id = ledger.receive(intake, CommandContext(officer))
        now[0] += timedelta(hours=1)
        ledger.acknowledge(case_id, CommandContext(officer))
        now[0] += timedelta(hours=1)
        ledger.start_investigation(case_id, CommandContext(officer), investigator="inv")
        now[0] += timedelta(hours=1)
        ledger.send_response(
            case_id,
            CommandContext(officer),
            outcome=Outcome.NOT_UPHELD,
            remedies=(),
            signed_by="Director",
            ombudsman_rights_given=True,
            summary="No fault found",
        )
        now[0] += timedelta(hours=1)
    ledger.close()
    return now[0]


def table_rows(
    db: ViewDatabase, projection: ReadModel, namespace: str = "rm"
) -> dict[str, list[Any]]:
    return {
        table.name: sorted(
            db.execute(f"SELECT * FROM {physical_name(projection, table, namespace)}")
        )
        for table in projection.tables
    }


def test_rebuild_commits_one_page_at_a_time_and_reports_progress(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 10)
    calls: list[tuple[int, int]] = []
    summary = ReadModelRunner(db, page_size=7).rebuild(
        audit_trail.PROJECTION, progress=lambda done, total: calls.append((done, total))
    )
    assert summary.events == 40
    assert calls == [(min(7 * n, 40), 40) for n in range(1, 7)]
    assert len(table_rows(db, audit_trail.PROJECTION)["events"]) == 40


def test_a_rebuild_that_failed_part_way_resumes_to_the_same_tables(
    store_url: str, db: ViewDatabase
) -> None:
    seed(store_url, 12)
    clean = ReadModelRunner(db).rebuild(audit_trail.PROJECTION)
    expected = table_rows(db, audit_trail.PROJECTION)
    assert clean.events == 48

    handled = 0

    def failing(event: Any, views: Any) -> None:
        nonlocal handled
        handled += 1
        if handled == 25:  # the store goes away: not the event's fault, so the rebuild stops
            raise StoreUnavailableError("power cut")
        audit_trail._on_any_event(event, views)

    crashing = ReadModel(
        name="audit_trail",
        version=audit_trail.PROJECTION.version,
        tables=audit_trail.PROJECTION.tables,
        handlers=dict.fromkeys(audit_trail.PROJECTION.handlers, failing),
    )
    with pytest.raises(StoreUnavailableError, match="power cut"):
        ReadModelRunner(db, page_size=10).rebuild(crashing)
    assert table_rows(db, audit_trail.PROJECTION) == expected, "live tables kept serving"

    resumed = ReadModelRunner(db, page_size=10).rebuild(audit_trail.PROJECTION)
    assert resumed.resumed_from == 20
    assert table_rows(db, audit_trail.PROJECTION) == expected


def test_catch_up_applies_each_event_exactly_once(store_url: str, db: ViewDatabase) -> None:
    last = seed(store_url, 3)
    runner = ReadModelRunner(db, page_size=5)
    runner.rebuild(audit_trail.PROJECTION)
    seed(store_url, 4, start=last + timedelta(hours=1))

    def broken(event: Any, views: Any) -> None:
        raise StoreUnavailableError("disk full")

    failing = ReadModel(
        name="audit_trail",
        version=audit_trail.PROJECTION.version,
        tables=audit_trail.PROJECTION.tables,
        handlers=dict.fromkeys(audit_trail.PROJECTION.handlers, broken),
    )
    before = runner.status(audit_trail.PROJECTION)[0]
    with pytest.raises(StoreUnavailableError, match="disk full"):
        runner.catch_up(failing)
    assert runner.status(audit_trail.PROJECTION)[0] == before, "nothing committed"

    assert runner.catch_up(audit_trail.PROJECTION) == 16
    assert runner.catch_up(audit_trail.PROJECTION) == 0
    incremental = table_rows(db, audit_trail.PROJECTION)
    runner.rebuild(audit_trail.PROJECTION)
    assert table_rows(db, audit_trail.PROJECTION) == incremental


def test_as_of_build_holds_only_what_was_recorded_by_then(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 5)
    instant = START + timedelta(hours=9, minutes=30)  # cases 1-2 complete, case 3 two events
    runner = ReadModelRunner(db)
    runner.rebuild(audit_trail.PROJECTION)
    runner.rebuild(audit_trail.PROJECTION, as_of=instant)
    namespace = as_of_namespace(instant)
    past = audit_trail.export_rows(db, namespace=namespace)
    assert [row["type"] for row in past].count("Received") == 3
    assert len(table_rows(db, audit_trail.PROJECTION, namespace)["events"]) == 10
    assert len(table_rows(db, audit_trail.PROJECTION)["events"]) == 20, "live views untouched"


def test_a_rebuild_killed_mid_way_resumes_after_restart(store_url: str, db: ViewDatabase) -> None:
    seed(store_url, 15)
    ReadModelRunner(db)  # creates the tracking table the test polls
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(HERE)!r})
        from complaints_ledger.persistence.view_db import ViewDatabase
        from complaints_ledger.readside.discovery import load_projection
        from complaints_ledger.readside.runner import ReadModelRunner
        from complaints_ledger.persistence.store_url import parse_store_url
        db = ViewDatabase(parse_store_url({store_url!r}))
        ReadModelRunner(db, page_size=4).rebuild(load_projection("slow_projection"))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script])  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            rows = db.execute(
                "SELECT position FROM readside_positions WHERE name = 'slow_count@rmb'"
            )
            if rows and 8 <= rows[0][0] < 60:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the rebuild never got part-way")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=10)

    sys.path.insert(0, str(HERE))
    try:
        slow = load_projection("slow_projection")
    finally:
        sys.path.remove(str(HERE))
    summary = ReadModelRunner(db, page_size=4).rebuild(slow)
    assert summary.resumed_from > 0
    assert sorted(events for _, events in table_rows(db, slow)["seen"]) == [4] * 15


def test_an_analysts_projection_from_the_template_runs(
    store_url: str, db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(HERE / "analyst_example"))
    seed(store_url, 6)
    [projection] = select_projections(("channel_mix",), extra=("channel_mix",))
    ReadModelRunner(db).rebuild(projection)
    module = sys.modules["channel_mix"]
    assert module.channel_mix(db, "Northshire County Council") == {
        "email": 2,
        "phone": 2,
        "letter": 2,
    }


def test_a_plugin_written_against_the_first_published_names_still_runs(
    store_url: str, db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(HERE / "first_plugin_api"))
    seed(store_url, 6)
    [projection] = select_projections(("channel_mix",), extra=("legacy_channel_mix",))
    ReadModelRunner(db).rebuild(projection)
    module = sys.modules["legacy_channel_mix"]
    assert isinstance(projection, ReadModel)
    assert module.channel_mix(db, "Northshire County Council") == {
        "email": 2,
        "phone": 2,
        "letter": 2,
    }


def test_the_template_in_the_docs_is_the_tested_example() -> None:
    docs = (HERE.parents[1] / "docs" / "projections.md").read_text()
    example = (HERE / "analyst_example" / "channel_mix.py").read_text()
    assert example.strip() in docs
