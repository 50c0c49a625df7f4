"""`complaints-ledger projections status|rebuild|run` on both stores, as an operator uses them:
after a demo load nothing is built; rebuild --all builds every read model; an as-of build sits
next to the live tables; run --once applies what was written since; mistakes are one line, exit 2;
an analyst's own module runs beside the built-in read models."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.values import Actor, Channel, Person
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import as_of_namespace
from complaints_ledger.readside.source import EventLog
from complaints_ledger.settings import Settings
from projections import audit_trail
from tests import builders
from tests.builders import assert_one_error_line

pytestmark = pytest.mark.usefixtures("wide_consoles")

ANALYST_FOLDER = Path(__file__).parent / "analyst_example"
BUILT_IN = ("timeliness", "worklist", "learning_register", "audit_trail", "annual_report")
# Which of a Received + Acknowledged pair each read model handles.
HANDLED_OF_NEW_PAIR = {
    "timeliness": 2,
    "worklist": 2,
    "learning_register": 1,
    "audit_trail": 2,
    "annual_report": 1,
}
NEW_ORGANISATION = "Eastvale Borough Council"


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def _restore_signal_handlers() -> Iterator[None]:
    """`projections run` installs SIGTERM/SIGINT handlers; keep them out of the test process."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def load_demo(url: str, complaints: int = 30) -> None:
    result = cli("demo", "--complaints", str(complaints), "--store", url)
    assert result.exit_code == 0, result.output


def table_cells(output: str, columns: int) -> dict[str, list[str]]:
    """The body rows of a rich table, by first cell (header and progress lines left out)."""
    rows: dict[str, list[str]] = {}
    for line in output.splitlines():
        if "│" not in line:
            continue
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == columns and cells[0]:
            rows[cells[0]] = cells
    return rows


def status(url: str, *names: str) -> dict[str, list[str]]:
    """projection -> [projection, version, position, head, lag, state]."""
    result = cli("--store", url, "projections", "status", *names)
    assert result.exit_code == 0, result.output
    return table_cells(result.stdout, 6)


def write_new_case(url: str) -> UUID:
    """A new complaint, received and acknowledged now: two new events."""
    ledger = ComplaintsLedger(Settings(store=url))
    officer = Actor("officer-9", NEW_ORGANISATION)
    try:
        intake = builders.intake(
            channel=Channel.WEB_FORM,
            receiving_organisation=NEW_ORGANISATION,
            about_organisation=NEW_ORGANISATION,
            service="reablement",
            subjects=("reablement",),
            complainant=Person("New Person"),
            summary="Nobody came",
        )
        case_id = ledger.receive(intake, CommandContext(officer))
        ledger.acknowledge(case_id, CommandContext(officer))
    finally:
        ledger.close()
    return case_id


# --------------------------------------------------------------------------- the life cycle


def test_status_rebuild_as_of_and_run_once(store_url: str, db: ViewDatabase) -> None:
    load_demo(store_url)
    head = EventLog(db).head()
    assert head > 30

    before = status(store_url)
    assert set(before) == set(BUILT_IN)
    for name in BUILT_IN:
        assert before[name][3] == str(head)
        assert before[name][5] == "never built"

    rebuilt = cli("--store", store_url, "projections", "rebuild", "--all")
    assert rebuilt.exit_code == 0, rebuilt.output
    summary = table_cells(rebuilt.stdout, 6)
    assert set(summary) == set(BUILT_IN)
    assert all(row[4] == "live tables" for row in summary.values())
    events = len(list(audit_trail.export_rows(db)))
    assert int(summary["audit_trail"][1].replace(",", "")) == events  # every event, once
    for name in BUILT_IN:
        assert 0 < int(summary[name][1].replace(",", "")) <= events

    built = status(store_url)
    for name in BUILT_IN:
        assert built[name][2:] == [str(head), str(head), "0", "current"], built[name]

    # As of the receipt of the middle case: separate tables, listed by status.
    received = [r["recorded_at"] for r in audit_trail.export_rows(db) if r["type"] == "Received"]
    instant = datetime.fromisoformat(sorted(received)[len(received) // 2])
    as_of = instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = cli("--store", store_url, "projections", "rebuild", "timeliness", "--as-of", as_of)
    assert past.exit_code == 0, past.output
    namespace = as_of_namespace(instant)
    assert table_cells(past.stdout, 6)["timeliness"][4] == f"{namespace}_*"
    assert db.table_exists(f"{namespace}_timeliness_cases")
    [(then,)] = db.execute(f"SELECT COUNT(*) FROM {namespace}_timeliness_cases")
    [(now,)] = db.execute("SELECT COUNT(*) FROM rm_timeliness_cases")
    assert then == sum(1 for r in received if datetime.fromisoformat(r) <= instant)
    assert 0 < then < now == 30
    listed = status(store_url)
    # As-of builds have a table of their own: as of, projection, rows, built, last used, state.
    as_of_row = listed[datetime.fromisoformat(as_of).isoformat()]
    assert as_of_row[1:3] == ["timeliness", str(then)]
    assert as_of_row[5] == "built"
    assert listed["timeliness"][5] == "current", "the live views are untouched"

    case_id = write_new_case(store_url)
    behind = status(store_url)
    for name in BUILT_IN:
        assert behind[name][5] == "behind", behind[name]
        assert int(behind[name][4]) > 0

    ran = cli("--store", store_url, "projections", "run", "--once")
    assert ran.exit_code == 0, ran.output
    assert "stopped cleanly" in ran.stdout
    for name, count in HANDLED_OF_NEW_PAIR.items():
        assert re.search(rf"\b{name} \+{count}\b", ran.stdout), ran.stdout
    new_head = EventLog(db).head()
    caught_up = status(store_url)
    for name in BUILT_IN:
        assert caught_up[name][2:] == [str(new_head), str(new_head), "0", "current"]
    rows = db.execute(
        "SELECT handling_organisation, status FROM rm_timeliness_cases WHERE case_id = ?",
        (str(case_id),),
    )
    assert rows == [(NEW_ORGANISATION, "acknowledged")]

    again = cli("--store", store_url, "projections", "run", "--once")
    assert again.exit_code == 0, again.output
    assert "+" not in again.stdout, "nothing new: nothing applied twice"


def test_run_once_builds_a_projection_never_built(store_url: str, db: ViewDatabase) -> None:
    load_demo(store_url, complaints=5)
    ran = cli("--store", store_url, "projections", "run", "audit_trail", "--once")
    assert ran.exit_code == 0, ran.output
    case_events = db.execute(
        f"SELECT COUNT(*) FROM {db.dialect.events_table} WHERE topic LIKE ?",
        ("complaints_ledger.domain.complaint:%",),
    )[0][0]
    assert re.search(rf"\baudit_trail \+{case_events}\b", ran.stdout), ran.stdout
    assert status(store_url, "audit_trail")["audit_trail"][4:] == ["0", "current"]
    assert status(store_url, "worklist")["worklist"][5] == "never built"


# --------------------------------------------------------------------------- mistakes


def test_rebuild_without_names_or_all_is_refused(store_url: str) -> None:
    assert_one_error_line(
        cli("--store", store_url, "projections", "rebuild"), "--all", "field: names"
    )


@pytest.mark.parametrize("command", ["rebuild", "status", "run"])
def test_an_unknown_projection_lists_the_available_ones(store_url: str, command: str) -> None:
    args = ["--store", store_url, "projections", command, "timelines"]
    if command == "run":
        args.append("--once")
    line = assert_one_error_line(cli(*args), "'timelines'", "field: projection")
    for name in BUILT_IN:
        assert name in line


@pytest.mark.parametrize(
    ("as_of", "fragment"),
    [
        ("yesterday", "not an RFC 3339 instant"),
        ("2026-05-01T12:00", "has no timezone"),
        ("2026-13-01T12:00Z", "not an RFC 3339 instant"),
    ],
)
def test_a_bad_as_of_is_refused(store_url: str, as_of: str, fragment: str) -> None:
    result = cli("--store", store_url, "projections", "rebuild", "timeliness", "--as-of", as_of)
    assert_one_error_line(result, fragment, "field: as_of")


def test_a_module_that_is_not_a_projection_is_refused(sqlite_url: str) -> None:
    assert_one_error_line(
        cli("--store", sqlite_url, "projections", "rebuild", "no_such_pkg.report"),
        "cannot import projection module 'no_such_pkg.report'",
        "field: projection",
    )
    assert_one_error_line(
        cli("--store", sqlite_url, "projections", "rebuild", "projections.timeliness:CASES"),
        "does not define a Projection",
    )


# --------------------------------------------------------------------------- an analyst's module


def channel_totals(db: ViewDatabase) -> dict[str, int]:
    rows = db.execute("SELECT organisation, SUM(received) FROM rm_channel_mix_channels GROUP BY 1")
    return {organisation: int(total) for organisation, total in rows}


def test_an_analysts_module_is_rebuilt_and_run_by_module_path(
    store_url: str, db: ViewDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ANALYST_FOLDER))
    load_demo(store_url, complaints=12)
    reference = "channel_mix:PROJECTION"

    rebuilt = cli("--store", store_url, "projections", "rebuild", reference)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert table_cells(rebuilt.stdout, 6)["channel_mix"][1] == "12"  # one Received per case
    assert sum(channel_totals(db).values()) == 12
    assert status(store_url, reference)["channel_mix"][5] == "current"

    write_new_case(store_url)
    ran = cli("--store", store_url, "projections", "run", reference, "--once")
    assert ran.exit_code == 0, ran.output
    assert re.search(r"\bchannel_mix \+1\b", ran.stdout), ran.stdout
    assert channel_totals(db)[NEW_ORGANISATION] == 1
    assert sum(channel_totals(db).values()) == 13
    assert status(store_url, reference)["channel_mix"][4:] == ["0", "current"]
    # The built-in read models are not touched by running the analyst's one.
    assert status(store_url)["timeliness"][5] == "never built"


def test_the_documented_command_runs_an_analysts_module_by_its_name(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(ANALYST_FOLDER))
    load_demo(sqlite_url, complaints=3)
    rebuilt = cli("--store", sqlite_url, "projections", "rebuild", "channel_mix")
    assert rebuilt.exit_code == 0, rebuilt.output
    ran = cli("--store", sqlite_url, "projections", "run", "channel_mix", "--once")
    assert ran.exit_code == 0, ran.output
