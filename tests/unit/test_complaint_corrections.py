"""Privileged, reasoned corrections of recorded facts: never rewriting, the old value stays.

Pure domain: no store. Stamps are built directly with explicit recorded_at and occurred_at.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial, reduce
from typing import Any
from uuid import uuid4

import pytest

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    InvalidValueError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.values import (
    Actor,
    EscalationRoute,
    Outcome,
    RegimeId,
    Role,
)
from tests import builders
from tests.builders import COUNCIL, JO_BY_EMAIL, MANAGER, OFFICER, T0, day, intake

ADMIN = Actor("root", COUNCIL, Role.ADMIN)
stamp = partial(builders.stamp, actor=MANAGER)


class Recorded:
    """A case and every event it produced, as a store would hold them."""

    def __init__(self, when: datetime = T0, **changes: object) -> None:
        self.case = Complaint.receive(
            stamp(when, actor=OFFICER),
            intake(**{"complainant": JO_BY_EMAIL, **changes}),
            complaint_id=uuid4(),
        )
        self.events: list[Any] = list(self.case.collect_events())

    def new_events(self) -> list[Any]:
        fresh = list(self.case.collect_events())
        self.events += fresh
        return fresh

    def replayed(self) -> Complaint:
        return reduce(lambda case, event: event.mutate(case), self.events, None)


def test_correcting_a_fact_records_old_and_new_values_and_the_reason() -> None:
    recorded = Recorded()
    recorded.case.correct_fact(
        stamp(day(3)),
        field="service",
        new_value=" day services ",
        reason="Logged against the wrong service",
    )
    (event,) = recorded.new_events()
    assert isinstance(event, Complaint.FactCorrected)
    assert event.field == "service"
    assert event.new_value == "day services"
    assert event.previous_value == "home care"
    assert event.reason == "Logged against the wrong service"
    assert event.personal == {}
    assert event.actor["role"] == "manager"
    assert recorded.case.service == "day services"
    # Never rewritten: the receipt in the history still says what was first recorded.
    assert recorded.events[0].service == "home care"
    assert vars(recorded.replayed()) == vars(recorded.case)


def test_correcting_a_personal_field_keeps_both_values_in_the_personal_part() -> None:
    recorded = Recorded()
    recorded.case.correct_fact(
        stamp(day(3), actor=ADMIN),
        field="complainant.email",
        new_value="jo.bloggs@example.org",
        reason="Complainant gave a new address",
    )
    (event,) = recorded.new_events()
    assert isinstance(event, Complaint.FactCorrected)
    assert event.field == "complainant.email"
    # Personal values never sit in the non-personal part of the event.
    assert event.new_value is None
    assert event.previous_value is None
    assert event.personal == {
        "new_value": "jo.bloggs@example.org",
        "previous_value": "jo@example.org",
    }
    assert recorded.case.personal["complainant"]["email"] == "jo.bloggs@example.org"
    assert recorded.case.personal["complainant"]["name"] == "Jo Bloggs"
    assert recorded.events[0].personal["complainant"]["email"] == "jo@example.org"
    assert vars(recorded.replayed()) == vars(recorded.case)


def test_correcting_the_summary() -> None:
    recorded = Recorded()
    recorded.case.correct_fact(
        stamp(day(3)), field="summary", new_value="Carers missed five visits.", reason="Typo"
    )
    (event,) = recorded.new_events()
    assert event.personal["previous_value"] == "Carers missed four visits."
    assert recorded.case.personal["summary"] == "Carers missed five visits."


@pytest.mark.parametrize("role", [Role.OFFICER, Role.AUDITOR, Role.OMBUDSMAN, Role.SYSTEM])
def test_a_correction_needs_a_manager_or_admin(role: Role) -> None:
    recorded = Recorded()
    with pytest.raises(NotPermittedError) as caught:
        recorded.case.correct_fact(
            stamp(day(3), actor=Actor("someone", COUNCIL, role)),
            field="service",
            new_value="day services",
            reason="typo",
        )
    assert caught.value.field == "actor.role"
    assert "manager or admin" in caught.value.message
    assert recorded.case.service == "home care"
    assert recorded.new_events() == []


def test_a_correction_needs_a_reason() -> None:
    recorded = Recorded()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(3)), field="service", new_value="day services", reason="  "
        )
    assert caught.value.field == "reason"


@pytest.mark.parametrize(
    ("field", "new_value", "error_field"),
    [
        ("status", "closed", "field"),  # progress is never corrected: it follows from events
        ("regime", "lgsco-code", "field"),
        ("channel", "fax", "new_value"),
        ("kind", "grumble", "new_value"),
        ("received_at", "2026-06-01T09:00:00", "new_value"),  # no timezone
        ("received_at", "not a date", "new_value"),
        ("matter_occurred_on", "2026-13-01", "new_value"),
        ("matter_occurred_on", "2026-06-09", "new_value"),  # in the future
        ("subjects", " , ", "new_value"),
        # The example: a JSON list sent as a string is not two subjects.
        ("subjects", '["residential care", "medication"]', "new_value"),
        ("subjects", [], "new_value"),
        ("subjects", ["home care", " "], "new_value"),
        ("subjects", ["home care", 3], "new_value"),
        ("service", ["day services"], "new_value"),
        ("channel", 3, "new_value"),
        ("matter_occurred_on", "2026-05-01T09:00:00+00:00", "new_value"),  # an instant
        ("received_at", None, "new_value"),
        ("acknowledged_at", "2026-06-02T09:00:00+00:00", "new_value"),  # never acknowledged
    ],
)
def test_bad_corrections_are_refused(field: str, new_value: object, error_field: str) -> None:
    recorded = Recorded()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(stamp(day(3)), field=field, new_value=new_value, reason="r")
    assert caught.value.field == error_field
    assert caught.value.message
    assert recorded.new_events() == []


def test_a_received_at_in_the_future_is_refused() -> None:
    recorded = Recorded()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(3)), field="received_at", new_value=day(4).isoformat(), reason="r"
        )
    assert "in the future" in caught.value.message
    assert recorded.case.received_at == T0


def test_a_correction_must_change_something() -> None:
    recorded = Recorded()
    with pytest.raises(RuleViolationError) as caught:
        recorded.case.correct_fact(stamp(day(3)), field="channel", new_value="email", reason="r")
    assert caught.value.field == "new_value"


def test_subjects_are_corrected_as_a_list() -> None:
    recorded = Recorded()
    recorded.case.correct_fact(
        stamp(day(3)),
        field="subjects",
        new_value=[" residential care", "medication, dosage", "medication, dosage"],
        reason="Also medication",
    )
    (event,) = recorded.new_events()
    # Stored as lists: a comma inside a subject stays inside it; each subject once.
    assert (event.previous_value, event.new_value) == (
        ["home care"],
        ["residential care", "medication, dosage"],
    )
    assert recorded.case.subjects == ("residential care", "medication, dosage")
    assert vars(recorded.replayed()) == vars(recorded.case)


def test_a_wrong_type_is_refused_naming_what_the_field_takes() -> None:
    recorded = Recorded()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(3)), field="subjects", new_value="medication", reason="r"
        )
    assert caught.value.message.startswith("new_value for subjects must be a list")
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(stamp(day(3)), field="channel", new_value="fax", reason="r")
    assert "'fax' is not one of: " in caught.value.message


def test_a_version_1_subjects_correction_upcasts_to_the_same_subjects() -> None:
    state: dict[str, object] = {
        "field": "subjects",
        "new_value": "home care, charging",
        "previous_value": "home care",
    }
    Complaint.FactCorrected.upcast_v1_v2(state)
    assert state == {
        "field": "subjects",
        "new_value": ["home care", "charging"],
        "previous_value": ["home care"],
    }
    other: dict[str, object] = {"field": "service", "new_value": "a, b", "previous_value": "c"}
    Complaint.FactCorrected.upcast_v1_v2(other)
    assert other["new_value"] == "a, b"  # only subjects were joined by commas


def test_correcting_received_at_recomputes_the_acknowledgement_deadline() -> None:
    # Logged Thu 27 Aug 2026 (Mon 31 Aug bank holiday): acknowledge by Wed 2 Sep.
    logged = datetime(2026, 8, 27, 10, tzinfo=UTC)
    recorded = Recorded(logged)
    assert _due(recorded.case, "acknowledgement") == date(2026, 9, 2)

    # The letter had in fact arrived on Fri 22 May 2026 and sat in the wrong in-tray.
    recorded.case.correct_fact(
        stamp(logged + timedelta(hours=2)),
        field="received_at",
        new_value="2026-05-22T09:30:00+01:00",
        reason="Letter was date-stamped 22 May",
    )
    (event,) = recorded.new_events()
    assert event.previous_value == "2026-08-27T10:00:00+00:00"
    assert recorded.case.received_at == datetime(2026, 5, 22, 8, 30, tzinfo=UTC)
    assert recorded.case.first_received_at == recorded.case.received_at
    assert _due(recorded.case, "acknowledgement") == date(2026, 5, 28)
    assert _due(recorded.case, "response") == date(2026, 11, 21)
    assert vars(recorded.replayed()) == vars(recorded.case)


def test_received_at_cannot_move_after_the_acknowledgement() -> None:
    recorded = Recorded()
    recorded.case.acknowledge(stamp(day(1), actor=OFFICER))
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(3)), field="received_at", new_value=day(2).isoformat(), reason="r"
        )
    assert caught.value.field == "new_value"
    assert "already being handled" in caught.value.message


def test_received_at_cannot_move_after_something_that_already_happened() -> None:
    recorded = Recorded()
    recorded.case.update_complainant(
        stamp(day(1), actor=OFFICER), channel="phone", message="We have your complaint"
    )
    recorded.case.escalate(
        stamp(day(1.1), actor=OFFICER), route=EscalationRoute.SAFEGUARDING, reason="Risk"
    )
    recorded.new_events()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(3)), field="received_at", new_value=day(2).isoformat(), reason="r"
        )
    assert caught.value.field == "new_value"
    assert recorded.case.first_received_at == T0


def test_acknowledged_at_cannot_move_after_the_response() -> None:
    recorded = Recorded(regime=RegimeId.LGSCO_CODE)
    recorded.case.acknowledge(stamp(day(1), actor=OFFICER))  # Tue 2 June: respond by 16 June
    recorded.case.send_response(
        stamp(day(29), actor=OFFICER),  # Tue 30 June: late
        outcome=Outcome.NOT_UPHELD,
        remedies=(),
        signed_by="Head of Service",
        ombudsman_rights_given=True,
        summary="No fault.",
    )
    recorded.new_events()
    with pytest.raises(InvalidValueError) as caught:
        recorded.case.correct_fact(
            stamp(day(40)),
            field="acknowledged_at",
            new_value=day(30).isoformat(),
            reason="Acknowledgement letter found",
        )
    assert caught.value.field == "new_value"
    response = next(d for d in recorded.case.deadlines(date(2026, 7, 20)) if d.name == "response")
    assert response.status == "missed"


def test_an_earlier_correct_acknowledgement_recomputes_the_response_deadline() -> None:
    recorded = Recorded(regime=RegimeId.LGSCO_CODE)
    recorded.case.acknowledge(stamp(day(1), actor=OFFICER))  # Tue 2 June: respond by 16 June
    recorded.case.send_response(
        stamp(day(29), actor=OFFICER),  # Tue 30 June
        outcome=Outcome.NOT_UPHELD,
        remedies=(),
        signed_by="Head of Service",
        ombudsman_rights_given=True,
        summary="No fault.",
    )
    recorded.case.correct_fact(
        stamp(day(40)),
        field="acknowledged_at",
        new_value=day(28).isoformat(),  # the letter really went on Mon 29 June
        reason="Acknowledgement letter found on file",
    )
    response = next(d for d in recorded.case.deadlines(date(2026, 7, 20)) if d.name == "response")
    assert response.due == date(2026, 7, 13)
    assert response.status == "met"


def test_correcting_the_acknowledgement_time_moves_when_the_deadline_was_met() -> None:
    recorded = Recorded()
    recorded.case.acknowledge(stamp(day(1), actor=OFFICER))
    recorded.new_events()
    recorded.case.correct_fact(
        stamp(day(10)),
        field="acknowledged_at",
        new_value="2026-06-05T09:00:00+00:00",
        reason="The letter went out late",
    )
    ack = next(d for d in recorded.case.deadlines(date(2026, 6, 10)) if d.name == "acknowledgement")
    assert ack.met_at == datetime(2026, 6, 5, 9, tzinfo=UTC)
    assert ack.status == "missed"  # due Thu 4 June


def test_correcting_the_matter_date_can_make_a_complaint_late() -> None:
    recorded = Recorded()
    assert recorded.case.time_limit().in_time
    recorded.case.correct_fact(
        stamp(day(1)), field="matter_occurred_on", new_value="2025-03-01", reason="GP letter"
    )
    assert recorded.case.matter_occurred_on == date(2025, 3, 1)
    assert not recorded.case.time_limit().in_time


def _due(case: Complaint, name: str) -> date:
    return next(d.due for d in case.deadlines(date(2026, 6, 1)) if d.name == name)
