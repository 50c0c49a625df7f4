"""`token create --days` and `token list` on both stores: every token shows when it expires, and
a lifetime past the maximum is one line naming --days, exit 2, nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.cli.main import app

pytestmark = pytest.mark.usefixtures("wide_consoles")

COUNCIL = "Eastvale Borough Council"


def cli(store: str, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["--store", store, *args], env={"COLUMNS": "250", **(env or {})})


@pytest.fixture
def store(store_url: str) -> str:
    added = cli(store_url, "org", "add", COUNCIL, "--kind", "council")
    assert added.exit_code == 0, added.output
    return store_url


def create(store: str, *extra: str, env: dict[str, str] | None = None) -> Result:
    return cli(
        store,
        "token",
        "create",
        "--org",
        COUNCIL,
        "--role",
        "officer",
        "--principal",
        "jo",
        *extra,
        env=env,
    )


def test_a_token_is_made_with_an_expiry_that_token_list_shows(store: str) -> None:
    made = create(store, "--days", "7")
    assert made.exit_code == 0, made.output
    in_a_week = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    assert f"expires {in_a_week}" in made.stdout
    listed = cli(store, "token", "list")
    assert listed.exit_code == 0, listed.output
    assert "expires" in listed.stdout
    assert in_a_week in listed.stdout


@pytest.mark.parametrize("days", ["0", "366", "-3"])
def test_a_lifetime_outside_the_bounds_is_refused_in_one_line(store: str, days: str) -> None:
    refused = create(store, "--days", days)
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip().count("\n") == 0
    assert "(field: days)" in refused.stderr
    assert "Traceback" not in refused.output
    assert "jo" not in cli(store, "token", "list").stdout, "nothing stored"


def test_the_maximum_comes_from_the_settings(store: str) -> None:
    lower = {"COMPLAINTS_LEDGER_TOKEN_MAX_DAYS": "30", "COMPLAINTS_LEDGER_TOKEN_DAYS": "30"}
    refused = create(store, "--days", "31", env=lower)
    assert refused.exit_code == 2, refused.output
    assert "from 1 to 30 days" in refused.stderr
    bad_settings = create(store, env={"COMPLAINTS_LEDGER_TOKEN_DAYS": "400"})
    assert bad_settings.exit_code == 2, bad_settings.output
    assert "token_max_days" in bad_settings.stderr


def one_line_refusal(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_ombudsman_and_regulator_tokens_are_bound_to_their_body(store: str) -> None:
    ombudsman = cli(
        store, "org", "add", "LGSCO", "--kind", "ombudsman", "--ombudsman-body", "LGSCO"
    )
    assert ombudsman.exit_code == 0, ombudsman.output
    added = cli(store, "org", "add", "CQC", "--kind", "regulator", "--regulator-body", "CQC")
    assert added.exit_code == 0, added.output
    listed = cli(store, "org", "list")
    assert "regulator" in listed.stdout
    for org, role, body in (("LGSCO", "ombudsman", "LGSCO"), ("CQC", "regulator", "CQC")):
        made = cli(store, "token", "create", "--org", org, "--role", role, "--principal", "p")
        assert made.exit_code == 0, made.output
        assert f"({role}, {org}, for {body})" in made.stdout
    for role in ("ombudsman", "regulator"):
        refused = cli(
            store, "token", "create", "--org", COUNCIL, "--role", role, "--principal", "p"
        )
        one_line_refusal(refused, "(field: role)", f"--kind {role}")
    refused = cli(
        store, "token", "create", "--org", "CQC", "--role", "ombudsman", "--principal", "p"
    )
    one_line_refusal(refused, "(field: role)")


def test_a_regulator_organisation_names_its_body(store: str) -> None:
    refused = cli(store, "org", "add", "Care Inspectorate Wales", "--kind", "regulator")
    one_line_refusal(refused, "(field: regulator_body)")
    wrong = cli(store, "org", "add", "X", "--kind", "council", "--regulator-body", "CQC")
    one_line_refusal(wrong, "(field: regulator_body)")
