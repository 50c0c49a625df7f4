"""COMPLAINTS_LEDGER_LOG_LEVEL and _LOG_FORMAT accept any case, and still refuse unknown values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from complaints_ledger.cli.main import app
from complaints_ledger.settings import Settings
from tests.builders import assert_one_error_line


@pytest.mark.parametrize("spelling", ["WARNING", "Warning", "warning", " warning "])
def test_log_level_is_accepted_in_any_case(monkeypatch: pytest.MonkeyPatch, spelling: str) -> None:
    monkeypatch.setenv("COMPLAINTS_LEDGER_LOG_LEVEL", spelling)
    assert Settings(store="sqlite:///:memory:").log_level == "warning"


def test_log_format_is_accepted_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_LEDGER_LOG_FORMAT", "JSON")
    assert Settings(store="sqlite:///:memory:").log_format == "json"


def test_an_unknown_log_level_is_still_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPLAINTS_LEDGER_LOG_LEVEL", "LOUD")
    with pytest.raises(ValidationError) as caught:
        Settings(store="sqlite:///:memory:")
    assert caught.value.errors()[0]["loc"] == ("log_level",)


def test_the_cli_runs_with_an_upper_case_log_level(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {"COMPLAINTS_LEDGER_LOG_LEVEL": "WARNING", "COLUMNS": "120"}
    result = CliRunner().invoke(app, ["--store", store, "projections", "status"], env=env)
    assert result.exit_code == 0, result.output
    assert "timeliness" in result.output


def test_the_cli_refuses_an_unknown_log_level_in_one_line(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {"COMPLAINTS_LEDGER_LOG_LEVEL": "LOUD"}
    result = CliRunner().invoke(app, ["--store", store, "projections", "status"], env=env)
    assert_one_error_line(result, "log_level")
