"""`send_letter` through HTTP and the CLI on both stores: POST /complaints/{id}/letters records
LetterSent with the SHA-256 of the exact text (its kind, channel and template version), keeps
the text only sealed as personal data, acknowledges nothing, and refuses a bad kind, an empty
text, a role that may not send letters and another organisation's case."""

from __future__ import annotations

import hashlib
import json

from complaints_ledger.domain.values import Role
from tests.api.test_hostile_input import Ledger, assert_refused
from tests.api.test_hostile_input import ledger as ledger  # noqa: PLC0414 - the fixture
from tests.api.test_statute_api import post
from tests.builders import bearer
from tests.contract.test_case_cli import Terminal, refusal
from tests.contract.test_case_cli import terminal as terminal  # noqa: PLC0414 - the fixture

TEXT = "Dear Pat,\r\n\r\nThank you for your complaint.\r\n"
SENT = "Dear Pat,\n\nThank you for your complaint."  # as kept: \n, no space around it
LETTER = {"kind": "acknowledgement", "text": TEXT, "channel": "email", "template_version": 2}


def test_a_letter_is_recorded_with_the_hash_of_its_text(ledger: Ledger) -> None:
    answer = post(ledger, ledger.case_id, "/letters", LETTER)
    assert answer.status_code == 200, answer.text
    view = answer.json()
    [entry] = view["records"]["letters"]
    assert entry["sha256"] == hashlib.sha256(SENT.encode()).hexdigest()
    assert (entry["kind"], entry["channel"], entry["template_version"]) == (
        "acknowledgement",
        "email",
        2,
    )
    assert view["status"] == "received"  # the letter is not the acknowledgement
    history = ledger.client.get(f"/complaints/{ledger.case_id}/history", headers=ledger.headers())
    event = history.json()["events"][-1]
    assert event["type"] == "LetterSent"
    assert event["data"]["personal"] == {"letter": SENT}  # its organisation's staff see it


def test_the_stored_letter_text_is_sealed(ledger: Ledger) -> None:
    assert post(ledger, ledger.case_id, "/letters", LETTER).status_code == 200
    recorder = ledger.app.state.store.ledger.recorder
    stored = recorder.select_notifications(start=1, limit=100)
    [raw] = [n.state for n in stored if n.topic.endswith("LetterSent")]
    assert b"Thank you for your complaint" not in raw
    assert hashlib.sha256(SENT.encode()).hexdigest().encode() in raw


def test_bad_input_is_a_422_naming_the_field_and_records_nothing(ledger: Ledger) -> None:
    before = ledger.events()
    assert_refused(post(ledger, ledger.case_id, "/letters", {**LETTER, "kind": "x"}), "kind")
    assert_refused(post(ledger, ledger.case_id, "/letters", {**LETTER, "text": " \n"}), "text")
    assert_refused(post(ledger, ledger.case_id, "/letters", {"kind": "response"}), "text")
    assert_refused(
        post(ledger, ledger.case_id, "/letters", {**LETTER, "channel": "pigeon"}), "channel"
    )
    assert_refused(
        post(ledger, ledger.case_id, "/letters", {**LETTER, "template_version": 0}),
        "template_version",
    )
    assert ledger.events() == before


def test_an_auditor_may_not_and_another_organisation_finds_no_case(ledger: Ledger) -> None:
    before = ledger.events()
    url = f"/complaints/{ledger.case_id}/letters"
    auditor = ledger.client.post(url, json=LETTER, headers=ledger.headers(Role.AUDITOR))
    assert auditor.status_code == 403, auditor.text
    tokens = ledger.app.state.store.tokens
    other = bearer(tokens, Role.MANAGER, "Riverside City Council")
    theirs = ledger.client.post(url, json=LETTER, headers=other)
    assert theirs.status_code == 404, theirs.text
    assert ledger.events() == before


def test_the_terminal_sends_a_letter_and_refuses_an_empty_one(terminal: Terminal) -> None:
    case_id = terminal.receive()
    words = ["--kind", "response", "--text", "Dear Pat, we upheld your complaint."]
    result = terminal.run("send-letter", case_id, *words, "--channel", "post")
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)["records"]["letters"]
    digest = hashlib.sha256(b"Dear Pat, we upheld your complaint.").hexdigest()
    assert (entry["kind"], entry["sha256"]) == ("response", digest)
    line = refusal(terminal.run("send-letter", case_id, "--kind", "response", "--text", " "))
    assert "text" in line


def test_erasing_the_complainant_shreds_the_letter_and_keeps_its_hash(ledger: Ledger) -> None:
    assert post(ledger, ledger.case_id, "/letters", LETTER).status_code == 200
    url = f"/complaints/{ledger.case_id}"
    subject = ledger.client.get(url, headers=ledger.headers()).json()["data_subjects"]
    erased = ledger.client.post(
        f"/subjects/{subject['complainant']}/erasure",
        json={"reason": "The complainant asked us to erase their data"},
        headers=ledger.headers(Role.MANAGER),
    )
    assert erased.status_code == 200, erased.text
    history = ledger.client.get(f"{url}/history", headers=ledger.headers()).json()["events"]
    [letter] = [event for event in history if event["type"] == "LetterSent"]
    assert letter["data"]["personal"] == {"letter": "[erased]"}
    assert letter["data"]["sha256"] == hashlib.sha256(SENT.encode()).hexdigest()
    again = post(ledger, ledger.case_id, "/letters", LETTER)  # nothing more about them
    assert again.status_code == 409, again.text
    assert again.json()["field"] == "letter"
