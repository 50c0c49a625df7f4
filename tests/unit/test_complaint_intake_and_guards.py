"""Receiving a case, and the guards every command obeys (stamps, repeats, nothing half-written).

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    CaseClosedError,
    DuplicateCommandError,
    InvalidValueError,
    LedgerError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.values import (
    Channel,
    ConsentBasis,
    EscalationRoute,
    ExtendedDeadline,
    Kind,
    Outcome,
    Person,
    RegimeId,
    Remedy,
    Representative,
    Status,
)
from tests import builders
from tests.builders import COUNCIL, T0, intake, stamp


def received(**changes: object) -> Complaint:
    return builders.received(correlation_id="receive", **changes)


def days(n: float) -> timedelta:
    return timedelta(days=n)


# --------------------------------------------------------------------------- receipt


def test_receive_records_the_case_and_starts_it_at_stage_1() -> None:
    letter_dated = T0 - days(2)  # a letter that arrived on Saturday, logged on Monday
    representative = Representative(Person("Sam Bloggs"), "son", ConsentBasis.GIVEN)
    case = Complaint.receive(
        stamp(T0, occurred_at=letter_dated, correlation_id="rx-1"),
        intake(
            channel=Channel.LETTER,
            subjects=(" home care ", "communication", "home care", " "),
            representative=representative,
            accessibility_needs=("large print",),
            advocacy="  POhWER  ",
            matter_occurred_on=date(2026, 5, 12),
            summary="Carers missed four visits in May.",
        ),
        complaint_id=uuid4(),
    )

    (event,) = case.collect_events()
    assert isinstance(event, Complaint.Received)
    assert event.originator_version == 1
    assert event.timestamp == T0  # when the ledger recorded it
    assert event.occurred_at == letter_dated  # when it happened
    assert event.actor == {"principal": "o.khan", "organisation": COUNCIL, "role": "officer"}
    assert event.correlation_id == "rx-1"
    assert event.counting_convention.startswith("uk-working-days/v1")

    assert case.version == 1
    assert case.status == Status.RECEIVED
    assert case.stage == 1
    assert case.kind == Kind.COMPLAINT
    assert case.channel == Channel.LETTER
    assert case.regime == RegimeId.ENGLAND_2009
    assert case.receiving_organisation == case.handling_organisation == COUNCIL
    assert case.received_at == case.first_received_at == letter_dated
    assert case.subjects == ("home care", "communication")  # trimmed, de-duplicated, blank dropped
    assert case.advocacy == "POhWER"
    assert case.matter_occurred_on == date(2026, 5, 12)
    assert case.internal_target_working_days == 20
    assert case.personal["complainant"]["name"] == "Jo Bloggs"
    assert case.personal["representative"]["consent"] == "consent_given"
    assert case.personal["summary"] == "Carers missed four visits in May."
    assert case.personal["accessibility_needs"] == ["large print"]
    assert case.is_open


def test_receipt_starts_the_regime_clocks_on_the_day_of_receipt() -> None:
    # DOMAIN.md example: received Fri 22 May 2026 (Mon 25 May bank holiday) -> ack due Thu 28 May.
    friday = datetime(2026, 5, 22, 14, tzinfo=UTC)
    case = Complaint.receive(stamp(friday), intake(), complaint_id=uuid4())
    due = {d.name: d.due for d in case.deadlines(date(2026, 5, 22))}
    assert due["acknowledgement"] == date(2026, 5, 28)
    assert due["response"] == date(2026, 11, 21)  # 6 months beginning with 22 May


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subjects": (" ", "")}, "subjects"),
        ({"summary": "   "}, "summary"),
        ({"complainant": Person("  ")}, "complainant.name"),
        ({"service": ""}, "service"),
        ({"receiving_organisation": " "}, "receiving_organisation"),
        ({"about_organisation": ""}, "about_organisation"),
        ({"internal_target_working_days": 0}, "internal_target_working_days"),
        ({"matter_occurred_on": date(2026, 6, 2)}, "matter_occurred_on"),
        ({"matter_noticed_on": date(2026, 6, 2)}, "matter_noticed_on"),
        (
            {"matter_occurred_on": date(2026, 5, 10), "matter_noticed_on": date(2026, 5, 1)},
            "matter_noticed_on",
        ),
    ],
)
def test_receive_refuses_bad_intake(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        Complaint.receive(stamp(T0), intake(**changes), complaint_id=uuid4())
    assert caught.value.field == field
    assert caught.value.message


def test_matter_date_cannot_be_after_a_backdated_receipt() -> None:
    # Recorded today, but the letter arrived 3 days ago: a matter 'yesterday' is after receipt.
    with pytest.raises(InvalidValueError) as caught:
        Complaint.receive(
            stamp(T0, occurred_at=T0 - days(3)),
            intake(matter_occurred_on=date(2026, 5, 31)),
            complaint_id=uuid4(),
        )
    assert caught.value.field == "matter_occurred_on"
    assert "after the complaint was received" in caught.value.message


def test_occurred_at_after_recorded_at_is_refused_on_receipt() -> None:
    with pytest.raises(InvalidValueError) as caught:
        Complaint.receive(stamp(T0, occurred_at=T0 + days(1)), intake(), complaint_id=uuid4())
    assert caught.value.field == "occurred_at"
    assert "in the future" in caught.value.message


def test_occurred_at_needs_a_timezone() -> None:
    naive = datetime(2026, 6, 1, 9)  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidValueError) as caught:
        Complaint.receive(stamp(T0, occurred_at=naive), intake(), complaint_id=uuid4())
    assert caught.value.field == "occurred_at"
    assert "timezone" in caught.value.message


def test_matter_on_the_uk_day_of_receipt_is_accepted_just_after_midnight_bst() -> None:
    # 'Today' is the UK date, not the UTC date, when checking that a matter is not in the future.
    just_after_midnight_bst = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London
    case = Complaint.receive(
        stamp(just_after_midnight_bst),
        intake(channel=Channel.PHONE, matter_occurred_on=date(2026, 6, 2)),
        complaint_id=uuid4(),
    )
    assert case.matter_occurred_on == date(2026, 6, 2)


# --------------------------------------------------------------------------- every command


def test_a_later_event_in_the_future_is_refused_with_field_occurred_at() -> None:
    case = received()
    with pytest.raises(InvalidValueError) as caught:
        case.acknowledge(stamp(T0 + days(1), occurred_at=T0 + days(2)))
    assert caught.value.field == "occurred_at"
    assert case.status == Status.RECEIVED


def test_nothing_can_have_happened_before_receipt() -> None:
    case = received()
    case.acknowledge(stamp(T0 + days(1)))
    with pytest.raises(InvalidValueError) as caught:
        case.send_response(
            stamp(T0 + days(10), occurred_at=T0 - days(1)),
            outcome=Outcome.NOT_UPHELD,
            remedies=(),
            signed_by="Director of Adult Social Care",
            ombudsman_rights_given=True,
            summary="We found no fault.",
        )
    assert caught.value.field == "occurred_at"
    assert "before the complaint was received" in caught.value.message
    assert case.responded_at is None


def test_the_same_correlation_id_is_applied_once() -> None:
    case = received()
    case.acknowledge(stamp(T0 + days(1), correlation_id="req-42"))
    with pytest.raises(DuplicateCommandError) as caught:
        case.update_complainant(
            stamp(T0 + days(2), correlation_id="req-42"), channel="phone", message="Update"
        )
    assert caught.value.field == "correlation_id"
    assert "req-42" in caught.value.message
    with pytest.raises(DuplicateCommandError):  # the receipt's own id is taken too
        case.withdraw(stamp(T0 + days(2), correlation_id="receive"), reason="duplicate")
    assert case.version == 2


def _respondable() -> Complaint:
    case = received()
    case.acknowledge(stamp(T0 + days(1)))
    case.collect_events()
    return case


FAILING_COMMANDS: dict[str, Callable[[Complaint], None]] = {
    "respond without ombudsman rights": lambda c: c.send_response(
        stamp(T0 + days(5)),
        outcome=Outcome.UPHELD,
        remedies=(Remedy.APOLOGY,),
        signed_by="Director",
        ombudsman_rights_given=False,
        summary="Sorry.",
    ),
    "england-2009 extension": lambda c: c.extend_deadline(
        stamp(T0 + days(5)),
        deadline=ExtendedDeadline.RESPONSE,
        working_days=5,
        reason="complex",
        complainant_consent=True,
    ),
    "stage 2 under england-2009": lambda c: c.escalate(
        stamp(T0 + days(5)), route=EscalationRoute.STAGE_2, reason="unhappy"
    ),
    "officer corrects a fact": lambda c: c.correct_fact(
        stamp(T0 + days(5)), field="service", new_value="day services", reason="typo"
    ),
    "referral without consent": lambda c: c.refer(
        stamp(T0 + days(5)), to_organisation="NHS Trust", reason="health", consent_to_share=False
    ),
    "close before the response": lambda c: c.close(stamp(T0 + days(5))),
    "future occurred_at": lambda c: c.pause_target(
        stamp(T0 + days(5), occurred_at=T0 + days(6)), reason="awaiting GP letter"
    ),
    "repeated correlation id": lambda c: c.pause_target(
        stamp(T0 + days(5), correlation_id="receive"), reason="awaiting GP letter"
    ),
    "empty reason": lambda c: c.withdraw(stamp(T0 + days(5)), reason="  "),
    "unknown action": lambda c: c.complete_action(stamp(T0 + days(5)), action_id="nope"),
}


@pytest.mark.parametrize("command", FAILING_COMMANDS.values(), ids=FAILING_COMMANDS.keys())
def test_a_refused_command_leaves_nothing_half_written(
    command: Callable[[Complaint], None],
) -> None:
    case = _respondable()
    before = copy.deepcopy(vars(case))
    with pytest.raises(LedgerError) as caught:
        command(case)
    assert caught.value.message
    assert caught.value.field
    assert case.collect_events() == []
    assert vars(case) == before


def test_error_classes_form_the_documented_hierarchy() -> None:
    # Callers catch RuleViolationError for any broken procedure rule, closed cases included.
    assert issubclass(CaseClosedError, RuleViolationError)
    assert issubclass(RuleViolationError, LedgerError)
    assert issubclass(NotPermittedError, LedgerError)
    error = CaseClosedError("cannot respond", field="status", rule="withdrawn")
    assert str(error) == "cannot respond (field: status; rule: withdrawn)"
