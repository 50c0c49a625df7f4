"""`projections run --once`, `rebuild --all` and `status` on both stores when the log holds an
old event with NUL in it (exit 0: it is projected escaped), and when an analyst's projection
cannot apply an event (exit 3, one line naming the projection, position and case; no traceback;
`status` shows it halted; the built-in read models are current)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.domain.values import Actor
from complaints_ledger.persistence.store_url import parse_store_url
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.source import EventLog
from complaints_ledger.settings import Settings
from tests.builders import intake
from tests.contract.test_projections_cli import BUILT_IN, cli, status
from tests.contract.test_readside_runtime import seed
from tests.stored_events import (
    COUNCIL,
    SHOWN_SERVICE,
    SHOWN_SUBJECT,
    write_hostile_case,
)

pytestmark = pytest.mark.usefixtures("wide_consoles")

FORMULA = "=cmd|' /C calc'!A0"
MARKUP = "[bold]Care[/bold]"
HERE = Path(__file__).parent


def uk_reporting_year(moment: datetime) -> int:
    return moment.year if moment.month >= 4 else moment.year - 1


def write_case(ledger: ComplaintsLedger, *, correlation_id: str) -> None:
    actor = Actor("k.officer", COUNCIL)
    ledger.receive(
        intake(receiving_organisation=COUNCIL), CommandContext(actor, correlation_id=correlation_id)
    )


@pytest.fixture
def hostile_store(store_url: str) -> tuple[str, str]:
    """A store with two ordinary cases and a hostile one; its URL and the hostile case's id."""
    seed(store_url, 2)
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        case_id = write_hostile_case(ledger)
    return store_url, str(case_id)


def test_run_once_and_rebuild_all_exit_0_over_an_event_holding_nul(
    hostile_store: tuple[str, str],
) -> None:
    url, _ = hostile_store
    with ComplaintsLedger(Settings(store=url)) as ledger:
        ledger.receive(
            intake(receiving_organisation=COUNCIL, service=MARKUP),
            CommandContext(Actor("k.officer", COUNCIL)),
        )
    ran = cli("--store", url, "projections", "run", "--once")
    assert ran.exit_code == 0, ran.output
    rebuilt = cli("--store", url, "projections", "rebuild", "--all")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert {row[5] for row in status(url).values()} == {"current"}
    shown = cli("--store", url, "report", "dashboard", "--org", COUNCIL, "--json")
    assert shown.exit_code == 0, shown.output
    assert SHOWN_SERVICE in {row["service"] for row in orjson.loads(shown.stdout)["rows"]}
    table = cli("--store", url, "report", "dashboard", "--org", COUNCIL)
    assert table.exit_code == 0, table.output
    assert "\x00" not in table.stdout
    assert "\x1b[31m" not in table.stdout
    assert MARKUP in table.stdout, "shown as stored, not read as console markup"


def csv_cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


def test_csv_exports_neutralise_formulas_and_hold_no_control_characters(
    hostile_store: tuple[str, str],
) -> None:
    url, _ = hostile_store
    with ComplaintsLedger(Settings(store=url)) as ledger:
        write_case(ledger, correlation_id=FORMULA)
    year = uk_reporting_year(datetime.now(UTC))
    annual = cli(
        "--store", url, "report", "annual", "--org", COUNCIL, "--year", str(year), "--format", "csv"
    )
    assert annual.exit_code == 0, annual.output
    assert "'" + SHOWN_SUBJECT in csv_cells(annual.stdout)
    trail = cli("--store", url, "report", "audit-trail", "--format", "csv")
    assert trail.exit_code == 0, trail.output
    assert "'" + FORMULA in csv_cells(trail.stdout)
    for text in (annual.stdout, trail.stdout):
        assert not any(cell.startswith(("=", "+", "@")) for cell in csv_cells(text))
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)


def test_a_projection_that_cannot_apply_an_event_halts_and_exits_3(
    hostile_store: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, case_id = hostile_store
    assert cli("--store", url, "projections", "run", "--once").exit_code == 0
    monkeypatch.syspath_prepend(str(HERE))
    for command in (("run", "--once"), ("rebuild", "--all")):
        result = cli("--store", url, "projections", *command, "failing_projection")
        assert result.exit_code == 3, result.output
        [line] = [x for x in result.stderr.splitlines() if x.startswith("halted: ")]
        assert line.startswith("halted: service_mix halted at position ")
        assert f"(Received of case {case_id}): ValueError: unexpected service name" in line
        assert "Traceback" not in result.output

    rows = status(url, "failing_projection", *BUILT_IN)
    assert rows["service_mix"][5].startswith("halted at ")
    assert case_id in rows["service_mix"][5]
    db = ViewDatabase(parse_store_url(url))
    try:
        head = EventLog(db).head()
    finally:
        db.close()
    assert all(rows[name][2] == str(head) for name in BUILT_IN), "the others are current"


def test_history_shows_the_control_characters_of_an_old_event_escaped(
    hostile_store: tuple[str, str],
) -> None:
    url, case_id = hostile_store
    shown = cli("--store", url, "history", case_id)
    assert shown.exit_code == 0, shown.output
    assert "Bright\\u0000water \\u202eHome Care" in shown.stdout
    assert not re.search("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e]", shown.stdout)
