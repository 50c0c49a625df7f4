"""LetterSent: a letter to the complainant recorded with the SHA-256 of its exact text, its
kind, template version and channel; the text kept only in the personal part (sealed)."""

from __future__ import annotations

import hashlib

import pytest

from complaints_ledger.domain.complaint import Complaint, event_type_names
from complaints_ledger.domain.errors import CaseClosedError, InvalidValueError
from complaints_ledger.domain.letters import LetterChannel, LetterKind, letter_hash
from complaints_ledger.domain.values import Status
from tests.builders import acknowledged, day, only_event, received, stamp

TEXT = "Dear Jo Bloggs,\n\nThank you for your complaint."


def send(case: Complaint, text: str = TEXT, **changes: object) -> None:
    facts: dict[str, object] = {
        "kind": LetterKind.ACKNOWLEDGEMENT,
        "channel": LetterChannel.POST,
        "template_version": 1,
        **changes,
    }
    case.send_letter(stamp(day(1)), text=text, **facts)  # type: ignore[arg-type]


def test_the_event_holds_the_hash_of_the_exact_text_and_the_text_only_as_personal_data() -> None:
    case = received()
    send(case, kind=LetterKind.RESPONSE, channel=LetterChannel.EMAIL, template_version=3)
    event = only_event(case)
    assert isinstance(event, Complaint.LetterSent)
    assert event.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert (event.kind, event.channel, event.template_version) == ("response", "email", 3)
    assert event.organisation == case.handling_organisation
    assert event.personal == {"letter": TEXT}
    assert case.letters_sent()[0]["sha256"] == event.sha256


def test_line_breaks_and_unicode_forms_hash_as_the_ledger_stores_them() -> None:
    assert letter_hash("a\r\nb") == letter_hash("a\nb") == letter_hash("a\rb")
    assert letter_hash("Caf\u0065\u0301") == letter_hash("Caf\u00e9")
    assert letter_hash("\n a\nb \n\n") == letter_hash("a\nb")  # the space around it
    assert letter_hash("a\nb") != letter_hash("a \nb")
    assert letter_hash("a\nb") != letter_hash("a\n\nb")


def test_sending_a_letter_changes_no_status_and_meets_no_deadline() -> None:
    case = received()
    before = [(d.name, d.status) for d in case.deadlines(day(1).date())]
    send(case)
    case.collect_events()
    assert case.status == Status.RECEIVED
    assert case.acknowledged_at is None  # the acknowledgement is its own command
    assert [(d.name, d.status) for d in case.deadlines(day(1).date())] == before


@pytest.mark.parametrize("text", ["", "   \n  ", "x" * 10_001])
def test_an_empty_or_too_long_letter_is_refused_by_its_field(text: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        send(received(), text)
    assert refused.value.field == "text"


def test_a_template_version_below_1_is_refused() -> None:
    with pytest.raises(InvalidValueError) as refused:
        send(received(), template_version=0)
    assert refused.value.field == "template_version"


def test_no_letter_is_sent_on_a_withdrawn_case() -> None:
    case = acknowledged()
    case.withdraw(stamp(day(1)), reason="Resolved informally")
    case.collect_events()
    with pytest.raises(CaseClosedError):
        send(case)


def test_the_event_is_a_case_event_type() -> None:
    assert "LetterSent" in event_type_names()
