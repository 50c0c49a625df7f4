"""The input policy on the command line, on both stores: a text option or argument that holds a
control character or a bidi override is a usage error naming it (exit 2, nothing stored); days and
instants outside the ledger's lifetime are one error line naming the option."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.settings import Settings

HOSTILE = ["Bright\x00water", "Bright\x1b[31mwater", "Bright\u202ewater", "Bright\nwater"]


def cli(store_url: str, *args: str) -> Result:
    return CliRunner().invoke(app, ["--store", store_url, *args], env={"COLUMNS": "200"})


def organisations(store_url: str) -> list[str]:
    with ComplaintsLedger(Settings(store=store_url)) as ledger:
        return [organisation.name for organisation in ledger.organisations()]


def assert_usage_error(result: Result, option: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Invalid value" in result.stderr
    assert option in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("name", HOSTILE, ids=["nul", "escape", "bidi", "newline"])
def test_org_add_refuses_a_name_with_controls_and_stores_nothing(store_url: str, name: str) -> None:
    assert_usage_error(cli(store_url, "org", "add", name, "--kind", "council"), "NAME")
    assert organisations(store_url) == []


def test_org_add_stores_the_name_nfc_normalised_and_stripped(store_url: str) -> None:
    result = cli(store_url, "org", "add", " Cafe\u0301 Council ", "--kind", "council")
    assert result.exit_code == 0, result.output
    assert organisations(store_url) == ["Caf\u00e9 Council"]


def test_text_options_follow_the_policy(sqlite_url: str) -> None:
    cases = [
        (("token", "create", "--org", "X\x1b", "--role", "officer", "--principal", "p"), "--org"),
        (
            ("token", "create", "--org", "X", "--role", "officer", "--principal", "p\u202e"),
            "--principal",
        ),
        (("report", "learning", "--theme", "a\x00b"), "--theme"),
        (("report", "case-facts", "--audience", "a\rb"), "--audience"),
        (("subject", "find", "--email", "a\x00@example.org"), "--email"),
    ]
    for args, option in cases:
        assert_usage_error(cli(sqlite_url, *args), option)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("report", "dashboard", "--today", "9999-12-31"), "field: today"),
        (("report", "overdue", "--as-of", "0001-01-01T00:00:00+01:00"), "field: as_of"),
        (("report", "annual", "--org", "X", "--year", "1999"), "field: year"),
        (("retention", "run", "--dry-run", "--today", "1999-12-31"), "field: today"),
    ],
)
def test_days_instants_and_years_outside_the_ledgers_lifetime_are_errors(
    sqlite_url: str, args: tuple[str, ...], field: str
) -> None:
    result = cli(sqlite_url, *args)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert "must be on or after 2000-01-01" in line
    assert field in line
