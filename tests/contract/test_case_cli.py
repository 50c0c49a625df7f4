"""`complaints-ledger case ...`: every catalogue command from the terminal, on both stores,
under the access policy the API applies; refusals are one line, exit 2, and store nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.application import CommandContext, ComplaintsLedger, HistoryEntry
from complaints_ledger.catalogue import CATALOGUE
from complaints_ledger.cli.main import app
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Role
from complaints_ledger.settings import Settings

COUNCIL, PROVIDER = "Northshire Council", "Sunrise Care"
START = datetime(2026, 6, 1, 9, tzinfo=UTC)
Who = tuple[Role, str]
OFFICER: Who = (Role.OFFICER, COUNCIL)
MANAGER: Who = (Role.MANAGER, COUNCIL)
RECEIVER: Who = (Role.OFFICER, PROVIDER)
Step = tuple[str, dict[str, Any], Who]
LESSON = {
    "lesson_id": "L1",
    "theme": "rota",
    "lesson": "Missed visits went unreported",
    "action": "Daily missed-visit report",
    "shared_with_partners": True,
}
DECISION = {
    "body": "LGSCO",
    "decision": "upheld_fault_causing_injustice",
    "recommended_remedies": ["financial"],
    "remedy_compliance": "complied",
}
LIFECYCLE: list[Step] = [
    ("acknowledge", {"discussion_offered": True}, OFFICER),
    ("start-investigation", {"investigator": "i.patel"}, OFFICER),
    ("record-evidence", {"evidence_kind": "log", "source": "provider", "notes": "2"}, OFFICER),
    ("update-complainant", {"channel": "phone", "message": "Looking into it"}, OFFICER),
    ("pause-target", {"reason": "Awaiting GP letter"}, OFFICER),
    ("resume-target", {}, OFFICER),
    (
        "respond",
        {
            "outcome": "upheld",
            "remedies": ["apology", "training"],
            "signed_by": "Director of Adult Social Care",
            "ombudsman_rights_given": True,
            "summary": "We are sorry.",
        },
        OFFICER,
    ),
    (
        "plan-action",
        {"action_id": "A1", "description": "Retrain", "owner": "Rota", "due_on": "2026-09-30"},
        OFFICER,
    ),
    ("close", {}, MANAGER),
    ("complete-action", {"A1": None, "note": "Done"}, OFFICER),
    ("request-feedback", {"channel": "email"}, OFFICER),
    ("receive-feedback", {"satisfaction": 4, "comments": "Better now"}, OFFICER),
    ("record-lesson", LESSON, OFFICER),
    ("record-forum-review", {"forum": "Forum", "findings": "Fine", "handled_well": True}, OFFICER),
    ("escalate", {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"}, OFFICER),
    ("record-ombudsman-decision", DECISION, OFFICER),
    ("correct-fact", {"field": "service", "new_value": "day care", "reason": "typo"}, MANAGER),
    ("reopen", {"reason": "Ombudsman asked for a review"}, OFFICER),
    ("place-litigation-hold", {"reason": "Claim issued"}, MANAGER),
    ("lift-litigation-hold", {"reason": "Claim settled"}, MANAGER),
]
LATE: list[Step] = [
    (
        "accept-late-complaint",
        {"good_reason_for_delay": "In hospital", "can_investigate_effectively_and_fairly": True},
        OFFICER,
    ),
    ("acknowledge", {"discussion_offered": False}, OFFICER),
    (
        "agree-response-period",
        {"agreed_until": "2026-10-30", "agreed_with_complainant": True},
        OFFICER,
    ),
]
EXTENDED: list[Step] = [
    ("acknowledge", {}, OFFICER),
    (
        "extend-deadline",
        {
            "deadline": "response",
            "working_days": 10,
            "reason": "Records",
            "complainant_consent": True,
        },
        OFFICER,
    ),
]
REFERRED: list[Step] = [
    (
        "refer",
        {"to_organisation": PROVIDER, "reason": "Provider first", "consent_to_share": True},
        OFFICER,
    ),
    ("accept-referral", {}, RECEIVER),
    ("withdraw", {"reason": "Resolved"}, RECEIVER),
]
EVERY_STEP = {command: values for command, values, _ in LIFECYCLE + LATE + EXTENDED + REFERRED}


def options(values: dict[str, Any]) -> list[str]:
    """Command-line words for a body: a flag per yes/no, a repeat per list item, a nested
    model's fields as `--model-field`; a key whose value is None is a positional argument."""
    words: list[str] = []
    for name, value in values.items():
        flag = "--" + name.replace("_", "-")
        if value is None:
            words.append(name)
        elif isinstance(value, bool):
            words.append(flag if value else flag.replace("--", "--no-", 1))
        elif isinstance(value, dict):
            words += options({f"{name}_{key}": item for key, item in value.items()})
        elif isinstance(value, list):
            words += [word for item in value for word in (flag, str(item))]
        else:
            words += [flag, str(value)]
    return words


def intake(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation": COUNCIL,
        "regime": "england-2009",
        "kind": "complaint",
        "channel": "email",
        "received_at": START.isoformat(),
        "subjects": ["home care", "communication"],
        "about": {"organisation": PROVIDER, "service": "home care"},
        "complainant": {"name": "Canary Person", "email": "canary@example.org"},
        "summary": "Carers missed four visits.",
    }
    return {**body, **changes}


class Terminal:
    def __init__(self, store_url: str) -> None:
        self.store_url = store_url
        self.ran: set[str] = set()

    def run(self, *words: str, who: Who = OFFICER, caller: list[str] | None = None) -> Result:
        role, org = who
        named = (
            caller
            if caller is not None
            else ["--as", f"{role}.person", "--role", role, "--org", org]
        )
        line = ["--store", self.store_url, "case", *words, *named, "--json"]
        return CliRunner().invoke(app, line, env={"COLUMNS": "200"})

    def receive(self, **changes: Any) -> str:
        result = self.run("receive", *options(intake(**changes)))
        assert result.exit_code == 0, result.output
        document = json.loads(result.stdout)
        assert document["version"] == 1
        return str(document["id"])

    def steps(self, case_id: str, steps: list[Step]) -> None:
        for version, (command, values, who) in enumerate(steps, start=2):
            at = {"occurred_at": (START + timedelta(hours=2 * version)).isoformat()}
            result = self.run(command, case_id, *options({**values, **at}), who=who)
            assert result.exit_code == 0, (command, result.output)
            assert json.loads(result.stdout)["version"] == version, command
            self.ran.add(command)

    def history(self, case_id: str) -> list[HistoryEntry]:
        ledger = ComplaintsLedger(Settings(store=self.store_url))
        try:
            return ledger.history(UUID(case_id))
        finally:
            ledger.close()


def refusal(result: Result) -> str:
    """The one error line of a refused command, which printed nothing else."""
    assert (result.exit_code, result.stdout) == (2, ""), result.output
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


@pytest.fixture
def terminal(store_url: str) -> Terminal:
    ledger = ComplaintsLedger(Settings(store=store_url))
    admin = CommandContext(Actor("admin", "complaints-ledger", Role.ADMIN))
    try:
        ledger.register_organisation(admin, name=COUNCIL, kind=OrganisationKind.COUNCIL)
        ledger.register_organisation(admin, name=PROVIDER, kind=OrganisationKind.PROVIDER)
        ledger.register_organisation(
            admin, name="LGSCO", kind=OrganisationKind.OMBUDSMAN, ombudsman_body=Ombudsman.LGSCO
        )
    finally:
        ledger.close()
    return Terminal(store_url)


# --------------------------------------------------------------------------- every command


def test_every_catalogue_command_runs_from_the_terminal(terminal: Terminal) -> None:
    lifecycle = terminal.receive()
    terminal.steps(lifecycle, LIFECYCLE)
    terminal.steps(terminal.receive(matter_occurred_on="2024-01-10"), LATE)
    terminal.steps(terminal.receive(regime="lgsco-code"), EXTENDED)
    terminal.steps(terminal.receive(), REFERRED)
    ran = {entry.name for entry in CATALOGUE if {entry.cli_name, *entry.aliases} & terminal.ran}
    assert ran == {entry.name for entry in CATALOGUE}
    history = terminal.history(lifecycle)
    assert len(history) == len(LIFECYCLE) + 1
    assert history[-1].actor == {
        "principal": "manager.person",
        "organisation": COUNCIL,
        "role": "manager",
    }


def test_each_command_is_refused_for_a_role_that_may_not_run_it(terminal: Terminal) -> None:
    case_id = terminal.receive()
    for entry in CATALOGUE:
        role = next(
            r for r in (Role.HEALTHWATCH, Role.OFFICER, Role.AUDITOR) if r not in entry.roles
        )
        words = options(
            next(EVERY_STEP[n] for n in (entry.cli_name, *entry.aliases) if n in EVERY_STEP)
        )
        line = refusal(terminal.run(entry.cli_name, case_id, *words, who=(role, COUNCIL)))
        assert f"{entry.name} needs one of the roles" in line
        assert line.endswith("(field: role)")
    assert len(terminal.history(case_id)) == 1
