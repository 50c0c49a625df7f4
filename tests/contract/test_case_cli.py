"""`complaints-ledger case ...`: every catalogue command from the terminal, on both stores,
under the access policy the API applies; refusals are one line, exit 2, and store nothing."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from typer.testing import CliRunner, Result

from complaints_ledger.access import TokenStore
from complaints_ledger.application.catalogue import CATALOGUE
from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import ComplaintsLedger, HistoryEntry
from complaints_ledger.cli.main import app
from complaints_ledger.domain.registry import OrganisationKind
from complaints_ledger.domain.values import Actor, Ombudsman, Regulator, Role
from complaints_ledger.settings import Settings
from tests.api.test_complaints_api import (
    COUNCIL,
    MANAGER,
    OFFICER,
    PROVIDER,
    START,
    Who,
)
from tests.api.test_complaints_api import LIFECYCLE as API_LIFECYCLE
from tests.builders import canary_complaint as new_complaint

RECEIVER = (Role.OFFICER, PROVIDER)
Step = tuple[str, dict[str, Any], Who]


def as_command(action: str, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The catalogue command an API action path names, and its body with the path's ids."""
    for entry in CATALOGUE:
        template = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", entry.path)
        if found := re.fullmatch(template, f"/{action}"):
            return entry.cli_name, {**dict.fromkeys(found.groupdict().values()), **payload}
    raise AssertionError(action)


LIFECYCLE: list[Step] = [
    *((*as_command(action, payload), who) for action, payload, who in API_LIFECYCLE),
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
    (
        "send-letter",
        {"kind": "extension", "text": "Dear Pat, we need 10 more working days.", "channel": "post"},
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
TRUST = "Northshire NHS Trust"
OFFER: Step = (
    "refer",
    {"to_organisation": PROVIDER, "reason": "Provider first", "consent_to_share": True},
    OFFICER,
)
REROUTED: list[Step] = [
    OFFER,
    (
        "decline-referral",
        {"reason": "Council-commissioned", "suggested_organisation": TRUST},
        RECEIVER,
    ),
    OFFER,
    ("recall-referral", {"reason": "Sent too soon"}, OFFICER),
    OFFER,
    (
        "pass-on-referral",
        {"to_organisation": TRUST, "reason": "Continuing healthcare", "consent_to_share": True},
        RECEIVER,
    ),
    ("accept-referral", {}, (Role.OFFICER, TRUST)),
]
REMEDY = {"remedy": "apology", "description": "Apologise in writing", "due_on": "2026-12-01"}
OUTCOMES: list[Step] = [
    ("escalate", {"route": "regulator", "reason": "Missed doses", "regulator": "CQC"}, OFFICER),
    (
        "acknowledge-regulator-notification",
        {"regulator": "CQC", "reference": "ENQ1-123"},
        (Role.REGULATOR, "CQC"),
    ),
    ("escalate", {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"}, OFFICER),
    (
        "record-ombudsman-outcome",
        {
            "body": "LGSCO",
            "decision": "upheld_fault_only",
            "finding": "Poor record keeping",
            "remedies": [json.dumps(REMEDY)],
        },
        (Role.OMBUDSMAN, "LGSCO"),
    ),
    (
        "record-remedy-compliance",
        {"R1": None, "outcome": "complied", "evidence": "Letter"},
        OFFICER,
    ),
]
EXCLUDED: list[Step] = [
    (
        "decide-exclusion",
        {"ground": "previously_investigated", "reason": "Investigated under the Regulations"},
        OFFICER,
    ),
]
WELSH: list[Step] = [  # wales-2014 reg 16: a discussion that resolves it, then its written terms
    ("acknowledge", {"discussion_offered": True}, OFFICER),
    ("assign-handler", {"handler": "a.khan", "reason": "Welsh speaker"}, MANAGER),
    (
        "record-local-resolution",
        {"resolved": True, "summary": "Agreed a new visit rota with the complainant"},
        OFFICER,
    ),
]
EVERY_STEP = {
    command: values
    for command, values, _ in LIFECYCLE
    + LATE
    + EXTENDED
    + REFERRED
    + REROUTED
    + OUTCOMES
    + EXCLUDED
    + WELSH
}


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
        result = self.run("receive", *options(new_complaint(**changes)))
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
        ledger.register_organisation(admin, name=TRUST, kind=OrganisationKind.NHS)
        ledger.register_organisation(
            admin, name="LGSCO", kind=OrganisationKind.OMBUDSMAN, ombudsman_body=Ombudsman.LGSCO
        )
        ledger.register_organisation(
            admin, name="CQC", kind=OrganisationKind.REGULATOR, regulator_body=Regulator.CQC
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
    terminal.steps(terminal.receive(), REROUTED)
    terminal.steps(terminal.receive(), OUTCOMES)
    terminal.steps(terminal.receive(), EXCLUDED)
    terminal.steps(terminal.receive(regime="wales-2014"), WELSH)
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
        words = options(EVERY_STEP[entry.cli_name])
        for name in (entry.cli_name, *entry.aliases):
            line = refusal(terminal.run(name, case_id, *words, who=(role, COUNCIL)))
            assert f"{entry.name} needs one of the roles" in line
            assert line.endswith("(field: role)")
    assert len(terminal.history(case_id)) == 1


# --------------------------------------------------------------------------- refusals


def test_a_remedy_that_is_not_json_is_one_line(terminal: Terminal) -> None:
    case_id = terminal.receive()
    escalation = {"route": "ombudsman", "reason": "Unhappy", "body": "LGSCO"}
    assert terminal.run("escalate", case_id, *options(escalation)).exit_code == 0
    outcome = {"body": "LGSCO", "decision": "upheld_fault_only", "finding": "f"}
    words = [*options(outcome), "--remedies", "{apology"]
    line = refusal(terminal.run("record-ombudsman-outcome", case_id, *words))
    assert line.endswith("(field: remedies)")
    missing = json.dumps({"remedy": "apology", "description": "d"})
    words = [*options(outcome), "--remedies", missing]
    assert "(field: remedies" in refusal(terminal.run("record-ombudsman-outcome", case_id, *words))
    spso = refusal(terminal.run("escalate", case_id, *options({**escalation, "body": "SPSO"})))
    assert spso.endswith("(field: body)")
    assert len(terminal.history(case_id)) == 2


def test_a_token_runs_as_its_principal_and_a_bad_one_is_refused(terminal: Terminal) -> None:
    case_id = terminal.receive()
    tokens = TokenStore.for_settings(Settings(store=terminal.store_url))
    try:
        token, _ = tokens.create(principal="t.officer", organisation=COUNCIL, role=Role.OFFICER)
    finally:
        tokens.close()
    result = terminal.run("acknowledge", case_id, caller=["--token", token])
    assert result.exit_code == 0, result.output
    assert terminal.history(case_id)[-1].actor["principal"] == "t.officer"
    assert "(field: token)" in refusal(
        terminal.run("acknowledge", case_id, caller=["--token", "x"])
    )
    both = ["--token", token, "--as", "a", "--role", "officer", "--org", COUNCIL]
    assert "(field: token)" in refusal(terminal.run("acknowledge", case_id, caller=both))
    assert len(terminal.history(case_id)) == 2


@pytest.mark.parametrize(
    ("caller", "fragment"),
    [
        ([], "(field: as)"),
        (["--as", "a", "--role", "officer"], "(field: as)"),
        (["--as", "a", "--role", "boss", "--org", COUNCIL], "(field: role)"),
        (["--as", "a", "--role", "system", "--org", COUNCIL], "(field: role)"),
        (["--as", "a\x1b[2J", "--role", "officer", "--org", COUNCIL], "(field: as)"),
        # Another organisation's case is not found, exactly as over HTTP.
        (["--as", "a", "--role", "officer", "--org", "Elsewhere"], "(field: id)"),
    ],
)
def test_the_caller_is_named_fully_and_validly(
    terminal: Terminal, caller: list[str], fragment: str
) -> None:
    case_id = terminal.receive()
    assert fragment in refusal(terminal.run("acknowledge", case_id, caller=caller))
    assert len(terminal.history(case_id)) == 1


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"outcome": "nonsense"}, "--outcome: Input should be"),
        ({"remedies": []}, "--remedies: Field required (field: remedies)"),
        ({"remedies": ["bribe"]}, "(field: remedies)"),
        ({"summary": "x" * 20_001}, "(field: summary)"),
        ({"signed_by": "two\nlines"}, "(field: signed_by)"),
        ({"occurred_at": "2026-06-02T10:00"}, "(field: occurred_at)"),
        ({"if_version": "one"}, "(field: if_version)"),
        ({"if_version": "1"}, "(field: expected_version)"),
    ],
)
def test_a_bad_value_names_its_option_and_nothing_is_stored(
    terminal: Terminal, changes: dict[str, Any], fragment: str
) -> None:
    case_id = terminal.receive()
    assert terminal.run("acknowledge", case_id).exit_code == 0
    words = options({**EVERY_STEP["send-response"], **changes})
    assert fragment in refusal(terminal.run("send-response", case_id, *words))
    assert len(terminal.history(case_id)) == 2


def test_a_bad_intake_names_its_option_and_logs_nothing(terminal: Terminal) -> None:
    words = options(new_complaint(received_at="2026-06-01T09:00"))
    assert "(field: received_at)" in refusal(terminal.run("receive", *words))
    words = options({k: v for k, v in new_complaint().items() if k != "about"})
    assert "--about-organisation: Field required" in refusal(terminal.run("receive", *words))
    other = ["--as", "a", "--role", "officer", "--org", PROVIDER]
    refused = refusal(terminal.run("receive", *options(new_complaint()), caller=other))
    assert "(field: organisation)" in refused
    ledger = ComplaintsLedger(Settings(store=terminal.store_url))
    try:
        assert list(ledger.complaint_ids()) == []
    finally:
        ledger.close()


def stored_case_ids(store_url: str) -> list[UUID]:
    ledger = ComplaintsLedger(Settings(store=store_url))
    try:
        return list(ledger.complaint_ids())
    finally:
        ledger.close()


def test_a_receipt_retried_with_its_key_finds_the_first_case(terminal: Terminal) -> None:
    words = [*options(new_complaint()), "--key", "letter-2026-0117"]
    first, retry = terminal.run("receive", *words), terminal.run("receive", *words)
    assert (first.exit_code, retry.exit_code) == (0, 0), retry.output
    assert json.loads(retry.stdout)["id"] == json.loads(first.stdout)["id"]
    assert stored_case_ids(terminal.store_url) == [UUID(json.loads(first.stdout)["id"])]


def test_a_key_used_for_another_complaint_is_refused(terminal: Terminal) -> None:
    assert terminal.run("receive", *options(new_complaint()), "--key", "k-1").exit_code == 0
    other = options(new_complaint(summary="A different complaint altogether."))
    refused = refusal(terminal.run("receive", *other, "--key", "k-1"))
    assert "already used for a different request (field: key)" in refused
    assert len(stored_case_ids(terminal.store_url)) == 1


def test_a_key_belongs_to_its_sender(terminal: Terminal) -> None:
    words = [*options(new_complaint()), "--key", "k-2"]
    mine = terminal.run("receive", *words)
    colleague = ["--as", "other.person", "--role", "officer", "--org", COUNCIL]
    theirs = terminal.run("receive", *words, caller=colleague)
    assert json.loads(mine.stdout)["id"] != json.loads(theirs.stdout)["id"]


def test_a_key_that_is_not_visible_ascii_is_refused(terminal: Terminal) -> None:
    refused = refusal(terminal.run("receive", *options(new_complaint()), "--key", "two words"))
    assert "(field: key)" in refused
    assert stored_case_ids(terminal.store_url) == []
