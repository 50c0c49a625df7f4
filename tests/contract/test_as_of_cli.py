"""As-of reads from the command line on both stores: the output names the instant it describes,
an instant in the future is one line and exit 2, `projections status` lists the as-of builds
apart from the live read models, and `projections as-of-clean` drops them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.cli.main import app
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.runner import ReadModelRunner, as_of_namespace
from projections import annual_report
from tests.builders import assert_one_error_line

pytestmark = pytest.mark.usefixtures("wide_consoles")

EARLY, LATE = "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"
FUTURE = "2030-01-01T00:00:00Z"


def cli(*args: str, **env: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **env})


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def answered(text: str) -> str:
    return datetime.fromisoformat(text).isoformat()


@pytest.fixture
def demo(store_url: str) -> str:
    ok(cli("demo", "--complaints", "12", "--store", store_url))
    return store_url


def as_of_rows(url: str) -> dict[str, list[str]]:
    """The as-of builds `projections status` lists: instant -> [as of, projection, rows, ...]."""
    result = ok(cli("--store", url, "projections", "status"))
    rows = {}
    for line in result.stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 6 and cells[0][:2] == "20":
            rows[cells[0]] = cells
    return rows


def test_report_output_names_the_instant_it_describes(demo: str) -> None:
    note = f"as recorded at {answered(LATE)}"
    table = ok(cli("--store", demo, "report", "dashboard", "--as-of", LATE))
    assert note in table.stdout
    listing = ok(cli("--store", demo, "report", "overdue", "--as-of", LATE, "--json"))
    assert isinstance(json.loads(listing.stdout), list), "JSON stays as it was"
    assert note in listing.stderr
    trail = ok(cli("--store", demo, "report", "audit-trail", "--as-of", LATE))
    assert note in trail.stderr
    live = ok(cli("--store", demo, "report", "dashboard"))
    assert "as recorded at" not in live.output


def test_the_annual_report_as_of_names_its_instant(demo: str, db: ViewDatabase) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ReadModelRunner(db).catch_up(annual_report.PROJECTION)
    organisation = annual_report.organisations(db, "rm")[0]
    args = ("--store", demo, "report", "annual", "--org", organisation, "--year", "2026")
    document = json.loads(ok(cli(*args, "--as-of", now, "--format", "json")).stdout)
    assert document["as_of"] == answered(now)
    markdown = ok(cli(*args, "--as-of", now)).stdout
    assert f"As recorded at {answered(now)}." in markdown
    rows = list(csv.reader(io.StringIO(ok(cli(*args, "--as-of", now, "--format", "csv")).stdout)))
    assert ["report", "as_of", "", answered(now)] in rows
    assert "as_of" not in json.loads(ok(cli(*args, "--format", "json")).stdout)


@pytest.mark.parametrize(
    "command",
    [
        ("report", "dashboard"),
        ("report", "overdue"),
        ("report", "audit-trail"),
        ("report", "annual", "--org", "Northshire County Council", "--year", "2026"),
        ("projections", "rebuild", "timeliness"),
        ("history", "0b6f8c1e-5d2a-5c3e-9f10-2a4b6c8d0e1f"),
    ],
)
def test_an_as_of_in_the_future_is_one_line(sqlite_url: str, command: tuple[str, ...]) -> None:
    result = cli("--store", sqlite_url, *command, "--as-of", FUTURE)
    assert_one_error_line(result, "is in the future", "field: as_of")


def test_status_lists_as_of_builds_and_as_of_clean_drops_them(demo: str, db: ViewDatabase) -> None:
    ok(cli("--store", demo, "report", "dashboard", "--as-of", EARLY))
    ok(cli("--store", demo, "projections", "rebuild", "audit_trail", "--as-of", LATE))
    listed = as_of_rows(demo)
    assert {(row[0], row[1]) for row in listed.values()} == {
        (answered(EARLY), "timeliness"),
        (answered(LATE), "audit_trail"),
    }
    status = ok(cli("--store", demo, "projections", "status")).stdout
    assert "as-of builds: 2 of 20" in status

    kept = ok(cli("--store", demo, "projections", "as-of-clean", "--older-than", "1d"))
    assert "dropped 0 as-of builds; 2 left" in kept.stdout
    dropped = ok(cli("--store", demo, "projections", "as-of-clean", "--all"))
    assert "dropped 2 as-of builds; 0 left" in dropped.stdout
    assert as_of_rows(demo) == {}
    for instant, table in ((EARLY, "timeliness_cases"), (LATE, "audit_trail_events")):
        namespace = as_of_namespace(datetime.fromisoformat(instant))
        assert not db.table_exists(f"{namespace}_{table}")


def test_the_count_limit_from_the_settings_applies_to_cli_reads(demo: str) -> None:
    one = {"COMPLAINTS_LEDGER_AS_OF_MAX_BUILDS": "1"}
    ok(cli("--store", demo, "report", "dashboard", "--as-of", EARLY, **one))
    ok(cli("--store", demo, "report", "dashboard", "--as-of", LATE, **one))
    assert list(as_of_rows(demo)) == [answered(LATE)]
    ok(cli("--store", demo, "report", "dashboard", "--as-of", EARLY))  # 20 allowed again
    assert len(as_of_rows(demo)) == 2
    trimmed = ok(cli("--store", demo, "projections", "as-of-clean", **one))
    assert "dropped 1 as-of builds; 1 left" in trimmed.stdout
    assert list(as_of_rows(demo)) == [answered(EARLY)], "the least recently read went"


@pytest.mark.parametrize(
    ("args", "fragment", "field"),
    [
        (("--older-than", "soon"), "not an age such as 30m", "field: older_than"),
        (("--older-than", "7d", "--all"), "not both", "field: older_than"),
    ],
)
def test_a_bad_clean_up_request_is_one_line(
    sqlite_url: str, args: tuple[str, ...], fragment: str, field: str
) -> None:
    result = cli("--store", sqlite_url, "projections", "as-of-clean", *args)
    assert_one_error_line(result, fragment, field)
