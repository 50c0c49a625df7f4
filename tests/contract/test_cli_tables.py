"""CLI tables read in an 80-column terminal: no cell is cut short with "…", no line is wider
than the terminal, and values print as text, never as Python reprs - on both stores."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.cli import access_cmd, calendar_cmd, projections_cmd, report_cmd
from complaints_ledger.cli.main import app

WIDTH = 80
REPRS = re.compile(r"datetime\.|Decimal\(|UUID\(|<[A-Za-z]+\.|\{'|\['|\bNone\b")


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    for console in (
        access_cmd.console,
        calendar_cmd.console,
        projections_cmd.console,
        report_cmd.console,
    ):
        monkeypatch.setattr(console, "_width", WIDTH)


@pytest.fixture
def demo(store_url: str) -> str:
    made = CliRunner().invoke(app, ["demo", "--complaints", "30", "--store", store_url])
    assert made.exit_code == 0, made.output
    tokens = CliRunner().invoke(app, ["--store", store_url, "token", "demo"])
    assert tokens.exit_code == 0, tokens.output
    return store_url


def shown(url: str, *args: str) -> str:
    result: Result = CliRunner().invoke(app, ["--store", url, *args], env={"COLUMNS": str(WIDTH)})
    assert result.exit_code == 0, result.output
    return result.output


def assert_readable(output: str) -> None:
    assert "…" not in output, output
    too_wide = [line for line in output.splitlines() if len(line) > WIDTH]
    assert not too_wide, "\n".join(too_wide)
    assert not REPRS.search(output), REPRS.search(output)


@pytest.mark.usefixtures("terminal_80")
@pytest.mark.parametrize(
    "command",
    [
        ("report", "dashboard"),
        ("report", "overdue"),
        ("report", "worklist", "--org", "Northshire County Council"),
        ("report", "learning"),
        ("token", "list"),
        ("org", "list"),
        ("projections", "status"),
        ("calendar", "show", "--nation", "england"),
    ],
    ids=" ".join,
)
def test_tables_fit_80_columns_without_cutting_cells(demo: str, command: tuple[str, ...]) -> None:
    assert_readable(shown(demo, *command))


@pytest.mark.usefixtures("terminal_80")
def test_the_dashboard_at_80_columns_still_names_every_organisation(demo: str) -> None:
    output = shown(demo, "report", "dashboard")
    joined = " ".join(output.split())  # a name wrapped over lines reads back whole
    header = output.split("─")[0]
    assert all(word in header.split() for word in ("%", "in", "target")), header
    for organisation in ("Northshire County Council",):
        words = organisation.split()
        assert all(word in joined for word in words), organisation


@pytest.mark.usefixtures("terminal_80")
def test_a_case_history_fits_80_columns(demo: str) -> None:
    listed = shown(demo, "report", "worklist", "--org", "Northshire County Council", "--json")
    case_id = re.search(r'"case_id": "([0-9a-f-]{36})"', listed)
    assert case_id is not None, listed
    assert_readable(shown(demo, "history", case_id.group(1), "--by", "tester", "--purpose", "t"))
