"""The read audit from the terminal, on both stores: every command that prints a case's personal
data records who read it (`--by`, else the OS user) and why (`--purpose`) before printing, and
`reads CASE_ID` shows the access log to the holding organisation's managers and auditors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application.ledger import ComplaintsLedger
from complaints_ledger.cli.main import app
from complaints_ledger.domain.errors import StoreUnavailableError
from complaints_ledger.settings import Settings
from tests.builders import assert_one_error_line, canary_complaint
from tests.contract.test_case_cli import options

COUNCIL, OTHER = "Northshire Council", "Southshire Council"
OFFICER = ["--as", "o.khan", "--role", "officer", "--org", COUNCIL]
MANAGER = ["--as", "m.jones", "--role", "manager", "--org", COUNCIL]
TERMINAL = "at the command line"


@dataclass(frozen=True)
class Terminal:
    url: str
    signing_key: Path

    def cli(self, *args: str) -> Result:
        env = {"COMPLAINTS_LEDGER_SIGNING_KEY_FILE": str(self.signing_key), "COLUMNS": "200"}
        return CliRunner().invoke(app, ["--store", self.url, *args], env=env)

    def ok(self, *args: str) -> Result:
        result = self.cli(*args)
        assert result.exit_code == 0, result.output
        return result

    def receive(self, *extra: str) -> str:
        words = options(canary_complaint(organisation=COUNCIL))
        shown = self.ok("case", "receive", *words, *OFFICER, *extra).stdout
        if "--json" in extra:
            return str(json.loads(shown)["id"])
        assert "Canary" not in shown
        return shown.split("case ")[1].split()[0]  # "received: case ID (version 1)"

    def reads(self, case_id: str) -> list[dict[str, Any]]:
        ledger = ComplaintsLedger(Settings(store=self.url))
        try:
            return ledger.reads_of(UUID(case_id))
        finally:
            ledger.close()

    def seen(self, case_id: str) -> list[tuple[str, str, str, str | None]]:
        return [(r["principal"], r["role"], r["what"], r["purpose"]) for r in self.reads(case_id)]


@pytest.fixture
def terminal(store_url: str, tmp_path: Path) -> Terminal:
    return Terminal(store_url, tmp_path / "signing-key.pem")


@pytest.fixture
def case_id(terminal: Terminal) -> str:
    """A case logged with `--json`: the case printed, its read recorded for the officer."""
    return terminal.receive("--json")


def refuse_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise StoreUnavailableError("the read could not be recorded: disk full")

    monkeypatch.setattr(ComplaintsLedger, "record_read", refuse)


# --------------------------------------------------------------------------- case commands


def test_a_case_command_printing_the_case_records_the_callers_read(terminal: Terminal) -> None:
    case_id = terminal.receive("--json", "--purpose", "phone call")
    terminal.ok("case", "acknowledge", case_id, *OFFICER, "--json")
    assert terminal.seen(case_id) == [
        ("o.khan", "officer", f"case returned by receive {TERMINAL}", "phone call"),
        ("o.khan", "officer", f"case returned by acknowledge {TERMINAL}", "case work: acknowledge"),
    ]


def test_a_case_command_printing_only_its_summary_records_no_read(terminal: Terminal) -> None:
    case_id = terminal.receive()
    acknowledged = terminal.ok("case", "acknowledge", case_id, *OFFICER)
    assert "Canary" not in acknowledged.stdout
    assert terminal.reads(case_id) == []


# --------------------------------------------------------------------------- history, export


def test_history_records_the_operator_and_purpose_before_printing(
    terminal: Terminal, case_id: str
) -> None:
    shown = terminal.ok("history", case_id, "--by", "dpo.smith", "--purpose", "SAR-114")
    assert "Canary Person" in shown.stdout
    principal, role, what, purpose = terminal.seen(case_id)[-1]
    assert (principal, role, what, purpose) == (
        "dpo.smith",
        "admin",
        f"history {TERMINAL}",
        "SAR-114",
    )
    assert terminal.reads(case_id)[-1]["organisation"] == COUNCIL


def test_history_without_by_records_the_os_user(
    terminal: Terminal, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "pat.operator")
    past = datetime.now(UTC)  # after the case was recorded, not in the future
    terminal.ok("history", case_id, "--json", "--as-of", past.isoformat())
    principal, _, what, purpose = terminal.seen(case_id)[-1]
    assert (principal, what, purpose) == (
        "pat.operator",
        f"history as of {past.isoformat()} {TERMINAL}",
        None,
    )


def test_an_operator_nobody_can_name_reads_nothing(
    terminal: Terminal, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def nobody() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", nobody)
    before = terminal.reads(case_id)
    assert_one_error_line(terminal.cli("history", case_id), "give --by NAME", "field: by")
    assert_one_error_line(terminal.cli("history", case_id, "--by", "  "), "field: by")
    assert terminal.reads(case_id) == before


def test_a_history_whose_read_cannot_be_recorded_prints_nothing(
    terminal: Terminal, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_reads(monkeypatch)
    result = terminal.cli("history", case_id, "--by", "dpo.smith")
    assert_one_error_line(result, "could not be recorded")
    assert "Canary" not in result.output


def test_export_records_the_operator_before_writing_the_bundle(
    terminal: Terminal, case_id: str, tmp_path: Path
) -> None:
    terminal.ok("keys", "init")
    bundle = tmp_path / "bundle.json"
    terminal.ok("export", case_id, "--out", str(bundle), "--by", "aud.it", "--purpose", "audit")
    assert json.loads(bundle.read_text())["events"]
    assert terminal.seen(case_id)[-1] == ("aud.it", "admin", f"bundle {TERMINAL}", "audit")


def test_an_export_whose_read_cannot_be_recorded_writes_no_file(
    terminal: Terminal, case_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal.ok("keys", "init")
    refuse_reads(monkeypatch)
    bundle = tmp_path / "bundle.json"
    assert_one_error_line(terminal.cli("export", case_id, "--out", str(bundle), "--by", "a"))
    assert not bundle.exists()


def test_one_cases_audit_trail_records_the_operator(terminal: Terminal, case_id: str) -> None:
    trail = terminal.ok("report", "audit-trail", "--case", case_id, "--by", "aud.it")
    assert json.loads(trail.stdout.splitlines()[0])["case_id"] == case_id
    assert terminal.seen(case_id)[-1] == ("aud.it", "admin", f"audit trail {TERMINAL}", None)
    unknown = str(UUID(int=9))
    assert_one_error_line(
        terminal.cli("report", "audit-trail", "--case", unknown, "--by", "a"), "field: id"
    )


# --------------------------------------------------------------------------- subjects


def test_subject_find_records_a_read_on_each_case_found(terminal: Terminal, case_id: str) -> None:
    before = len(terminal.reads(case_id))
    nobody = terminal.ok("subject", "find", "--email", "nobody@example.org", "--by", "dpo")
    assert "no data subject" in nobody.stdout
    assert len(terminal.reads(case_id)) == before
    found = terminal.ok(
        "subject", "find", "--email", "canary@example.org", "--by", "dpo", "--purpose", "SAR-7"
    )
    assert case_id in found.stdout
    assert terminal.seen(case_id)[before:] == [
        ("dpo", "admin", f"subject lookup by contact details {TERMINAL}", "SAR-7")
    ]


def test_subject_export_defaults_to_the_os_user_and_a_subject_access_purpose(
    terminal: Terminal, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "dpo.os")
    [row] = json.loads(
        terminal.ok("subject", "find", "--email", "canary@example.org", "--json").stdout
    )
    document = json.loads(terminal.ok("subject", "export", row["subject_id"]).stdout)
    last = document["reads"][-1]
    assert (last["principal"], last["purpose"]) == ("dpo.os", "subject access request")
    assert last["what"].startswith("subject access export of")


# --------------------------------------------------------------------------- reads CASE_ID


def test_a_manager_lists_who_read_the_case(terminal: Terminal, case_id: str) -> None:
    terminal.ok("history", case_id, "--by", "dpo.smith", "--purpose", "SAR-114")
    listed = terminal.ok("reads", case_id, *MANAGER, "--purpose", "access review", "--json")
    document = json.loads(listed.stdout)
    assert document["id"] == case_id
    assert [(r["principal"], r["what"], r["purpose"]) for r in document["reads"]] == [
        ("o.khan", f"case returned by receive {TERMINAL}", "case work: receive"),
        ("dpo.smith", f"history {TERMINAL}", "SAR-114"),
        ("m.jones", "who read the case", "access review"),  # recorded before it was listed
    ]
    assert "Canary" not in listed.stdout
    table = terminal.ok("reads", case_id, *MANAGER)
    assert all(text in table.stdout for text in ("dpo.smith", "SAR-114", "m.jones", "4 reads"))


def test_an_auditor_may_list_reads_and_an_officer_may_not(terminal: Terminal, case_id: str) -> None:
    auditor = ["--as", "a.udit", "--role", "auditor", "--org", COUNCIL]
    assert "a.udit" in terminal.ok("reads", case_id, *auditor).stdout
    before = terminal.reads(case_id)
    assert_one_error_line(terminal.cli("reads", case_id, *OFFICER), "field: role")
    assert terminal.reads(case_id) == before


def test_another_organisations_manager_is_told_there_is_no_such_case(
    terminal: Terminal, case_id: str
) -> None:
    elsewhere = ["--as", "m.other", "--role", "manager", "--org", OTHER]
    hidden = assert_one_error_line(terminal.cli("reads", case_id, *elsewhere), "field: id")
    unknown = str(UUID(int=9))
    assert hidden.replace(case_id, unknown) == assert_one_error_line(
        terminal.cli("reads", unknown, *elsewhere)
    )


def test_reads_needs_a_caller_and_a_case_id(terminal: Terminal) -> None:
    assert_one_error_line(terminal.cli("reads", str(UUID(int=9))), "field: as")
    assert_one_error_line(terminal.cli("reads", "nope", *MANAGER), "is not a complaint id")
