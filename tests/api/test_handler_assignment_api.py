"""Assigning a case's handler through HTTP and the CLI on both stores: a manager assigns and
reassigns (POST /complaints/{id}/handler), an officer may not, and the procedure's refusals
(a closed case, the same handler again) are problems naming their field."""

from __future__ import annotations

from typing import Any

from complaints_ledger.domain.values import Role
from tests.api.test_hostile_input import Ledger, assert_refused
from tests.api.test_hostile_input import ledger as ledger  # noqa: PLC0414 - the fixture
from tests.api.test_statute_api import created
from tests.contract.test_case_cli import MANAGER, Terminal, refusal
from tests.contract.test_case_cli import terminal as terminal  # noqa: PLC0414 - the fixture


def post(ledger: Ledger, case_id: str, path: str, body: dict[str, Any]) -> Any:
    return ledger.client.post(f"/complaints/{case_id}{path}", json=body, headers=ledger.headers())


def test_a_manager_assigns_then_reassigns_and_history_says_who_had_it(ledger: Ledger) -> None:
    case_id = created(ledger)
    first = post(ledger, case_id, "/handler", {"handler": "p.jones"})
    assert first.status_code == 200, first.text
    again = post(ledger, case_id, "/handler", {"handler": "a.khan", "reason": "p.jones on leave"})
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "received"
    history = ledger.client.get(f"/complaints/{case_id}/history", headers=ledger.headers())
    [*_, event] = history.json()["events"]
    assert event["type"] == "HandlerAssigned"
    assert {k: event["data"][k] for k in ("handler", "previous_handler", "reason", "stage")} == {
        "handler": "a.khan",
        "previous_handler": "p.jones",
        "reason": "p.jones on leave",
        "stage": 1,
    }


def test_the_same_handler_twice_or_no_handler_is_refused_naming_handler(ledger: Ledger) -> None:
    case_id = created(ledger)
    assert post(ledger, case_id, "/handler", {"handler": "p.jones"}).status_code == 200
    before = ledger.events()
    same = post(ledger, case_id, "/handler", {"handler": "p.jones"})
    assert same.status_code == 409, same.text
    assert same.json()["field"] == "handler"
    assert_refused(post(ledger, case_id, "/handler", {"reason": "busy"}), "handler")
    assert ledger.events() == before


def test_an_officer_may_not_assign(ledger: Ledger) -> None:
    refused = ledger.client.post(
        f"/complaints/{created(ledger)}/handler",
        json={"handler": "p.jones"},
        headers=ledger.headers(Role.OFFICER),
    )
    assert refused.status_code == 403, refused.text


def test_the_terminal_assigns_and_refuses_a_withdrawn_case(terminal: Terminal) -> None:
    case_id = terminal.receive()
    result = terminal.run("assign-handler", case_id, "--handler", "a.khan", who=MANAGER)
    assert result.exit_code == 0, result.output
    assert terminal.run("withdraw", case_id, "--reason", "No longer wanted").exit_code == 0
    line = refusal(terminal.run("assign-handler", case_id, "--handler", "r.singh", who=MANAGER))
    assert "cannot assign the handler: the complaint was withdrawn" in line
    assert "(field: status" in line
