"""Corrections that cannot corrupt data (issue 15, part 3), through HTTP and the CLI, on both
stores: each correctable field takes its own type; a wrong type is a 422 naming `new_value` (a
one-line error, exit 2, at the terminal) and stores nothing; history shows both values typed;
a corrected list of subjects is what the annual report counts."""

from __future__ import annotations

import json
from typing import Any

from complaints_ledger.domain.values import Role
from tests.api.test_hostile_input import COUNCIL, Ledger, assert_refused
from tests.api.test_hostile_input import ledger as ledger  # noqa: PLC0414 - the fixture
from tests.contract.test_case_cli import Terminal, refusal
from tests.contract.test_case_cli import terminal as terminal  # noqa: PLC0414 - the fixture

ISSUE_EXAMPLE = '["residential care", "medication"]'


def correct(ledger: Ledger, field: str, new_value: Any) -> Any:
    body = {"field": field, "new_value": new_value, "reason": "Logged wrongly"}
    path = f"/complaints/{ledger.case_id}/corrections"
    return ledger.client.post(path, json=body, headers=ledger.headers())


def test_the_issues_json_in_a_string_is_refused_and_nothing_is_stored(ledger: Ledger) -> None:
    before = ledger.events()
    refused = correct(ledger, "subjects", ISSUE_EXAMPLE)
    assert_refused(refused, "new_value")
    assert "must be a list of non-empty subjects" in refused.json()["detail"]
    assert ledger.events() == before


def test_each_field_refuses_a_value_of_another_type(ledger: Ledger) -> None:
    before = ledger.events()
    for field, wrong in [
        ("subjects", "medication"),
        ("subjects", []),
        ("subjects", ["medication", ""]),
        ("subjects", ["medication", 3]),
        ("service", ["day services"]),
        ("channel", 3),
        ("kind", "grumble"),
        ("received_at", "2026-06-01"),  # no time, no offset
        ("matter_occurred_on", "2026-05-01T09:00:00+00:00"),
        ("summary", ["a list"]),
        ("about_organisation", "Nowhere Care Ltd"),  # not in the registry
    ]:
        assert_refused(correct(ledger, field, wrong), "new_value")
    assert ledger.events() == before


def test_an_organisation_not_in_the_registry_names_the_registry_command(ledger: Ledger) -> None:
    refused = correct(ledger, "about_organisation", "Nowhere Care Ltd")
    assert "complaints-ledger org add" in refused.json()["detail"]
    assert correct(ledger, "about_organisation", COUNCIL).status_code == 200


def test_subjects_corrected_as_a_list_are_shown_typed_and_counted_once_each(
    ledger: Ledger,
) -> None:
    corrected = correct(ledger, "subjects", ["residential care", "medication, dosage"])
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["subjects"] == ["residential care", "medication, dosage"]

    history = ledger.client.get(f"/complaints/{ledger.case_id}/history", headers=ledger.headers())
    data = history.json()["events"][-1]["data"]
    assert (data["previous_value"], data["new_value"]) == (
        ["home care"],
        ["residential care", "medication, dosage"],
    )

    report = ledger.client.get(
        "/reports/annual",
        params={"organisation": COUNCIL, "year": "2026"},
        headers=ledger.headers(Role.MANAGER),
    )
    assert report.status_code == 200, report.text
    assert report.json()["regs_16_18"]["subjects"] == {
        "medication, dosage": 1,
        "residential care": 1,
    }


def test_the_terminal_takes_subjects_as_a_repeated_option(terminal: Terminal) -> None:
    case_id = terminal.receive()
    manager = (Role.MANAGER, COUNCIL)
    words = ["--field", "subjects", "--reason", "Logged wrongly"]
    result = terminal.run(
        "correct-fact",
        case_id,
        *words,
        "--new-value",
        "residential care",
        "--new-value",
        "medication",
        who=manager,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["subjects"] == ["residential care", "medication"]
    # One subject is a list of one; a one-value field given once is that value.
    one = terminal.run("correct-fact", case_id, *words, "--new-value", "fees", who=manager)
    assert json.loads(one.stdout)["subjects"] == ["fees"]
    service = ["--field", "service", "--new-value", "day care", "--reason", "typo"]
    assert terminal.run("correct-fact", case_id, *service, who=manager).exit_code == 0

    # Given once, a JSON list is read as one (not as one subject made of brackets).
    listed = terminal.run(
        "correct-fact", case_id, *words, "--new-value", ISSUE_EXAMPLE, who=manager
    )
    assert json.loads(listed.stdout)["subjects"] == ["residential care", "medication"]
    line = refusal(terminal.run("correct-fact", case_id, *words, "--new-value", "[3]", who=manager))
    assert "(field: new_value)" in line
    line = refusal(
        terminal.run(
            "correct-fact",
            case_id,
            *["--field", "channel", "--reason", "r", "--new-value", "a", "--new-value", "b"],
            who=manager,
        )
    )
    assert "new_value for channel must be a channel" in line
    assert len(terminal.history(case_id)) == 5
