"""Erasure and litigation holds in the Complaint aggregate, and the retention dates (issue 6).

Pure domain: no store, no keys. Stamps are built directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from uuid import uuid4

import pytest

from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.errors import (
    InvalidValueError,
    NotPermittedError,
    RuleViolationError,
)
from complaints_ledger.domain.privacy import (
    ERASED,
    SubjectRole,
    mask_role,
    role_of_field,
    subject_id_for,
)
from complaints_ledger.domain.values import (
    Actor,
    ConsentBasis,
    Kind,
    Outcome,
    Person,
    Representative,
    Role,
    Stamp,
    Status,
)
from complaints_ledger.privacy.retention import RetentionSchedule
from tests import builders
from tests.builders import COUNCIL, JO_BY_EMAIL, MANAGER, OFFICER, T0

ADMIN = Actor("a.admin", COUNCIL, Role.ADMIN)
_clock = count(1)


def stamp(actor: Actor = OFFICER, *, at: datetime | None = None) -> Stamp:
    """At `at`, or else an hour after the previous command without one."""
    return builders.stamp(at or T0 + timedelta(hours=next(_clock)), actor=actor)


def received(
    *, represented: bool = True, kind: Kind = Kind.COMPLAINT, at: datetime = T0
) -> Complaint:
    son = Representative(Person("Sam Bloggs"), "son", ConsentBasis.GIVEN)
    return builders.received(
        at,
        kind=kind,
        complainant=JO_BY_EMAIL,
        accessibility_needs=("large print",),
        representative=son if represented else None,
    )


def investigating(*, at: datetime = T0) -> Complaint:
    case = received(at=at)
    case.acknowledge(stamp(at=at + timedelta(days=1)))
    case.start_investigation(stamp(at=at + timedelta(days=2)), investigator="i.patel")
    case.collect_events()
    return case


def responded(*, kind: Kind = Kind.COMPLAINT, at: datetime = T0) -> Complaint:
    case = received(kind=kind, at=at)
    case.acknowledge(stamp(at=at + timedelta(days=1)))
    case.send_response(
        stamp(at=at + timedelta(days=3)),
        outcome=Outcome.NOT_UPHELD,
        remedies=(),
        signed_by="Head of Service",
        ombudsman_rights_given=True,
        summary="Our findings.",
    )
    case.collect_events()
    return case


def complainant(case: Complaint) -> object:
    return subject_id_for(case.id, SubjectRole.COMPLAINANT)


def representative(case: Complaint) -> object:
    return subject_id_for(case.id, SubjectRole.REPRESENTATIVE)


# --------------------------------------------------------------------------- data subjects


def test_each_case_has_stable_subject_ids_one_per_role() -> None:
    case, other = received(), received(represented=False)
    assert case.subject_ids() == {
        SubjectRole.COMPLAINANT: subject_id_for(case.id, SubjectRole.COMPLAINANT),
        SubjectRole.REPRESENTATIVE: subject_id_for(case.id, SubjectRole.REPRESENTATIVE),
    }
    assert subject_id_for(case.id, SubjectRole.COMPLAINANT) == complainant(case)  # stable
    assert set(other.subject_ids()) == {SubjectRole.COMPLAINANT}
    assert complainant(case) != complainant(other)
    assert case.role_of_subject(representative(case)) == SubjectRole.REPRESENTATIVE
    with pytest.raises(InvalidValueError) as caught:
        other.role_of_subject(representative(other))
    assert caught.value.field == "subject_id"


def test_fields_belong_to_the_complainant_unless_they_are_the_representative() -> None:
    assert role_of_field("representative") == SubjectRole.REPRESENTATIVE
    for name in ("complainant", "summary", "notes", "message", "comments", "new_value"):
        assert role_of_field(name) == SubjectRole.COMPLAINANT
    personal = {"complainant": {"name": "Jo"}, "representative": None, "summary": "", "notes": "x"}
    assert mask_role(personal, SubjectRole.COMPLAINANT) == {
        "complainant": ERASED,
        "representative": None,
        "summary": "",  # nothing there: nothing to erase
        "notes": ERASED,
    }
    assert mask_role(personal, SubjectRole.REPRESENTATIVE) == personal


# --------------------------------------------------------------------------- erasure


@pytest.mark.parametrize("actor", [MANAGER, ADMIN])
def test_a_manager_or_admin_erases_a_subject_and_their_fields_read_erased(actor: Actor) -> None:
    case = received()
    case.erase_subject(stamp(actor), subject_id=complainant(case), reason="they asked")
    (event,) = case.collect_events()
    assert isinstance(event, Complaint.SubjectErased)
    assert (event.subject_id, event.role, event.reason) == (
        str(complainant(case)),
        "complainant",
        "they asked",
    )
    assert not hasattr(event, "personal")  # who asked, why and when: nothing about the person
    assert case.erased_roles == ["complainant"]
    assert case.personal["complainant"] == ERASED
    assert case.personal["summary"] == ERASED
    assert case.personal["accessibility_needs"] == ERASED
    assert case.personal["representative"]["person"]["name"] == "Sam Bloggs"

    case.erase_subject(stamp(actor), subject_id=representative(case), reason="they asked too")
    assert case.erased_roles == ["complainant", "representative"]
    assert case.personal["representative"] == ERASED


def test_an_officer_may_not_erase() -> None:
    case = received()
    with pytest.raises(NotPermittedError) as caught:
        case.erase_subject(stamp(OFFICER), subject_id=complainant(case), reason="they asked")
    assert caught.value.field == "actor.role"
    assert case.collect_events() == []


def test_erasure_is_refused_twice_for_unknown_subjects_and_without_a_reason() -> None:
    case = received(represented=False)
    with pytest.raises(InvalidValueError) as unknown:
        case.erase_subject(stamp(MANAGER), subject_id=uuid4(), reason="asked")
    assert unknown.value.field == "subject_id"
    with pytest.raises(InvalidValueError):  # a role the case does not have
        case.erase_subject(stamp(MANAGER), subject_id=representative(case), reason="asked")
    with pytest.raises(InvalidValueError) as blank:
        case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="  ")
    assert blank.value.field == "reason"
    assert case.collect_events() == []

    case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    with pytest.raises(RuleViolationError) as again:
        case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    assert again.value.field == "subject_id"
    assert len(case.collect_events()) == 1


def test_after_erasure_their_personal_data_is_refused_and_other_commands_still_work() -> None:
    case = investigating()
    case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    case.collect_events()

    refused = {
        "notes": lambda: case.record_evidence(
            stamp(), evidence_kind="visit log", source="provider", notes="Jo kept a diary"
        ),
        "message": lambda: case.update_complainant(stamp(), channel="phone", message="Jo rang"),
        "new_value": lambda: case.correct_fact(
            stamp(MANAGER), field="summary", new_value="Carers missed five visits.", reason="r"
        ),
        # The response letter's summary is the complainant's too: an open case whose
        # complainant is erased can no longer be responded to (withdrawing it still works).
        "summary": lambda: case.send_response(
            stamp(),
            outcome=Outcome.UPHELD,
            remedies=(),
            signed_by="Head of Service",
            ombudsman_rights_given=True,
            summary="Dear Jo, we are sorry.",
        ),
    }
    for field, command in refused.items():
        with pytest.raises(RuleViolationError) as caught:
            command()
        assert (caught.value.field, caught.value.rule) == (field, "erasure")
    assert case.collect_events() == []
    case.pause_target(stamp(), reason="Awaiting the provider's records")
    case.withdraw(stamp(), reason="no longer pursued")
    assert case.status == Status.WITHDRAWN


def test_after_erasure_feedback_is_taken_without_comments() -> None:
    case = responded()
    case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    case.close(stamp())
    case.request_feedback(stamp(), channel="email")
    with pytest.raises(RuleViolationError) as feedback:
        case.receive_feedback(stamp(), satisfaction=3, comments="Jo says: better now")
    assert feedback.value.field == "comments"
    assert [type(e).__name__ for e in case.collect_events()] == [  # the refusal recorded nothing
        "SubjectErased",
        "Closed",
        "FeedbackRequested",
    ]

    case.receive_feedback(stamp(), satisfaction=3)  # no comments: nothing personal
    case.correct_fact(stamp(MANAGER), field="service", new_value="day services", reason="typo")
    assert [type(e).__name__ for e in case.collect_events()] == [
        "FeedbackReceived",
        "FactCorrected",
    ]
    assert case.service == "day services"
    assert case.status == Status.CLOSED


def test_the_representative_erased_leaves_the_complainant_recordable() -> None:
    case = responded()
    case.erase_subject(stamp(MANAGER), subject_id=representative(case), reason="asked")
    case.update_complainant(stamp(), channel="phone", message="Jo rang about the letter")
    assert case.personal["complainant"]["name"] == "Jo Bloggs"


def test_correcting_an_erased_complainants_contact_details_is_a_rule_violation() -> None:
    case = received()
    case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    for field in ("complainant.email", "summary"):
        with pytest.raises(RuleViolationError) as caught:
            case.correct_fact(stamp(MANAGER), field=field, new_value="changed", reason="moved")
        assert caught.value.rule == "erasure"


# --------------------------------------------------------------------------- litigation holds


def test_a_litigation_hold_stops_erasure_until_it_is_lifted() -> None:
    case = received()
    case.place_litigation_hold(stamp(MANAGER), reason="claim issued")
    assert case.litigation_hold is not None
    assert case.litigation_hold["reason"] == "claim issued"
    for subject in (complainant(case), representative(case)):
        with pytest.raises(RuleViolationError) as caught:
            case.erase_subject(stamp(ADMIN), subject_id=subject, reason="asked")
        assert (caught.value.field, caught.value.rule) == ("litigation_hold", "litigation hold")
        assert "claim issued" in caught.value.message

    case.acknowledge(stamp())  # the hold stops erasure only, not the handling of the case
    case.lift_litigation_hold(stamp(ADMIN), reason="claim settled")
    assert case.litigation_hold is None
    case.erase_subject(stamp(MANAGER), subject_id=complainant(case), reason="asked")
    names = [type(e).__name__ for e in case.collect_events()]
    assert names == [
        "LitigationHoldPlaced",
        "Acknowledged",
        "LitigationHoldLifted",
        "SubjectErased",
    ]


def test_hold_rules() -> None:
    case = received()
    with pytest.raises(NotPermittedError):
        case.place_litigation_hold(stamp(OFFICER), reason="claim issued")
    with pytest.raises(RuleViolationError) as not_held:
        case.lift_litigation_hold(stamp(MANAGER), reason="settled")
    assert not_held.value.field == "status"
    with pytest.raises(InvalidValueError) as blank:
        case.place_litigation_hold(stamp(MANAGER), reason="")
    assert blank.value.field == "reason"

    case.place_litigation_hold(stamp(MANAGER), reason="claim issued")
    with pytest.raises(RuleViolationError) as twice:
        case.place_litigation_hold(stamp(MANAGER), reason="another claim")
    assert twice.value.field == "status"
    with pytest.raises(NotPermittedError):
        case.lift_litigation_hold(stamp(OFFICER), reason="settled")
    assert len(case.collect_events()) == 1


# --------------------------------------------------------------------------- retention dates


def test_retention_counts_from_the_uk_date_of_closing_or_withdrawal() -> None:
    case = responded()
    assert case.retention_starts_on() is None  # still open
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    late = datetime(2027, 3, 31, 23, 30, tzinfo=UTC)
    case.close(Stamp(late, late, OFFICER, "close-late"))
    assert case.retention_starts_on() == date(2027, 4, 1)
    reopened_at = late + timedelta(days=1)
    case.reopen(Stamp(reopened_at, reopened_at, MANAGER, "reopen"), reason="new facts")
    assert case.retention_starts_on() is None  # starts again when it next closes

    withdrawn = received()
    withdrawn.withdraw(stamp(at=datetime(2026, 6, 2, 12, tzinfo=UTC)), reason="resolved")
    assert withdrawn.retention_starts_on() == date(2026, 6, 2)


def test_the_schedule_per_kind_and_29_february() -> None:
    schedule = RetentionSchedule.from_years({"complaint": 10, "concern": 4, "compliment": 3})
    closed = {}
    received_at = datetime(2015, 12, 1, 10, tzinfo=UTC)
    for kind in Kind:
        if kind == Kind.COMPLIMENT:
            case = received(kind=kind, at=received_at)
        else:
            case = responded(kind=kind, at=received_at)
        case.close(stamp(at=datetime(2016, 2, 29, 12, tzinfo=UTC)))
        closed[kind] = case
    assert schedule.due_on(closed[Kind.COMPLAINT]) == date(2026, 2, 28)  # no 29 Feb in 2026
    assert schedule.due_on(closed[Kind.CONCERN]) == date(2020, 2, 29)  # 2020 has one
    assert schedule.due_on(closed[Kind.COMPLIMENT]) == date(2019, 2, 28)
    assert schedule.due_on(received()) is None


def test_a_schedule_needs_a_whole_number_of_years_for_every_kind() -> None:
    assert (
        RetentionSchedule.from_years({"complaint": 10, "concern": 6, "compliment": "3"}).years[
            Kind.COMPLIMENT
        ]
        == 3
    )
    for years in (
        {"complaint": 10, "concern": 10},
        {"complaint": 10, "concern": 10, "compliment": 0},
        {"complaint": 10, "concern": 10, "compliment": 3, "grumble": 1},
        {"complaint": "ten", "concern": 10, "compliment": 3},
    ):
        with pytest.raises(InvalidValueError) as caught:
            RetentionSchedule.from_years(years)  # type: ignore[arg-type]
        assert caught.value.field == "retention_years"
