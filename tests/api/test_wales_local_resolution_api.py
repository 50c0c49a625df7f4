"""Wales reg 16 through HTTP and the CLI on both stores: the local resolution discussion meets
stage 1, one that resolves the matter sets the written terms due in 5 working days (reg 16(5)),
and a discussion on a case of another regime, or without a summary, is refused with its field."""

from __future__ import annotations

import json
from typing import Any

from complaints_ledger.domain.values import Role
from tests.api.test_hostile_input import Ledger, assert_refused
from tests.api.test_hostile_input import ledger as ledger  # noqa: PLC0414 - the fixture
from tests.api.test_statute_api import created, post
from tests.contract.test_case_cli import Terminal, refusal
from tests.contract.test_case_cli import terminal as terminal  # noqa: PLC0414 - the fixture

DISCUSSION = {
    "resolved": True,
    "summary": "Agreed a new visit rota with Pat on the phone",
    "occurred_at": "2026-06-02T08:00:00+00:00",  # Tue 2 Jun 2026 (the fixture's clock: 09:00)
}


def deadlines_of(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in view["deadlines"] if d["statutory"]}


def test_a_resolving_discussion_meets_stage_1_and_sets_the_written_terms_due(
    ledger: Ledger,
) -> None:
    case_id = created(ledger, regime="wales-2014")  # received Mon 1 Jun 2026
    acknowledged = {"discussion_offered": True, "occurred_at": "2026-06-01T15:00:00+00:00"}
    assert post(ledger, case_id, "/acknowledgement", acknowledged).status_code == 200
    discussed = post(ledger, case_id, "/local-resolution", DISCUSSION)
    assert discussed.status_code == 200, discussed.text
    found = deadlines_of(discussed.json())
    assert (found["response"]["status"], found["response"]["met_at"]) == (
        "met",
        "2026-06-02T08:00:00+00:00",
    )
    written = found["written_resolution"]
    assert (written["due"], written["rule"]) == ("2026-06-09", "WSI 2014/1794 reg 16(5)")
    assert "inference" in written["explanation"]
    [entry] = discussed.json()["records"]["local_resolution"]
    assert entry["resolved"] is True
    history = ledger.client.get(f"/complaints/{case_id}/history", headers=ledger.headers())
    event = history.json()["events"][-1]
    assert event["type"] == "LocalResolutionDiscussed"
    assert DISCUSSION["summary"] in json.dumps(event)  # shown to its organisation's staff


def test_a_second_resolution_is_a_409_naming_resolved(ledger: Ledger) -> None:
    case_id = created(ledger, regime="wales-2014")
    assert post(ledger, case_id, "/local-resolution", DISCUSSION).status_code == 200
    before = ledger.events()
    again = post(ledger, case_id, "/local-resolution", {**DISCUSSION, "occurred_at": None})
    assert again.status_code == 409, again.text
    assert again.json()["field"] == "resolved"
    assert ledger.events() == before


def test_an_english_case_or_a_missing_summary_is_refused(ledger: Ledger) -> None:
    before = ledger.events()
    english = post(ledger, ledger.case_id, "/local-resolution", DISCUSSION)
    assert english.status_code == 409, english.text
    assert english.json()["field"] == "regime"
    welsh = created(ledger, regime="wales-2014")
    before = ledger.events()
    assert_refused(post(ledger, welsh, "/local-resolution", {"resolved": True}), "summary")
    assert_refused(
        post(ledger, welsh, "/local-resolution", {"resolved": "perhaps", "summary": "s"}),
        "resolved",
    )
    assert ledger.events() == before


def test_an_auditor_may_not_record_a_discussion(ledger: Ledger) -> None:
    welsh = created(ledger, regime="wales-2014")
    refused = ledger.client.post(
        f"/complaints/{welsh}/local-resolution",
        json=DISCUSSION,
        headers=ledger.headers(Role.AUDITOR),
    )
    assert refused.status_code == 403, refused.text


def test_the_terminal_records_a_discussion_and_refuses_an_english_one(terminal: Terminal) -> None:
    welsh = terminal.receive(regime="wales-2014")
    words = ["--no-resolved", "--summary", "Discussed; Pat wants a formal investigation"]
    result = terminal.run("record-local-resolution", welsh, *words)
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["version"] == 2
    english = terminal.receive()
    line = refusal(terminal.run("record-local-resolution", english, *words))
    assert "(field: regime" in line
    assert "wales-2014" in line
