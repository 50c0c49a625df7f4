"""Read views of a case and its history: JSON-able, ISO dates, RFC 3339 instants."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from uuid import UUID, uuid4

from complaints_ledger.application.case_view import case_view, history_entry_view, json_safe
from complaints_ledger.application.ledger import HistoryEntry
from complaints_ledger.domain.complaint import Complaint
from complaints_ledger.domain.values import (
    Actor,
    Channel,
    ConsentBasis,
    Outcome,
    Person,
    Remedy,
    Representative,
    Role,
    Stamp,
)
from tests import builders
from tests.builders import T0, day, intake

COUNCIL = "Northshire County Council"
OFFICER = Actor("northshire:t.hesketh", COUNCIL)

CASE_KEYS = {
    "id", "version", "kind", "status", "stage", "regime", "organisation",
    "receiving_organisation", "about", "received_at", "subjects", "deadlines", "time_limit",
    "outcome", "actions", "complainant",
}  # fmt: skip
DEADLINE_KEYS = {"name", "due", "status", "met_at", "statutory", "rule", "explanation"}
DEADLINE_KEYS |= {"calendar_version", "holidays_skipped"}  # issue 15 section 4


def stamp(days: float) -> Stamp:
    return builders.stamp(day(days), actor=OFFICER)


def received() -> Complaint:
    """A represented complaint by letter; its Received event not yet collected."""
    farah = intake(
        channel=Channel.LETTER,
        receiving_organisation=COUNCIL,
        about_organisation="Brightwater Home Care Ltd",
        service="Home care (council-commissioned)",
        subjects=("home care", "communication"),
        complainant=Person("Farah Iqbal", email="farah.iqbal@example.org"),
        summary="Carers missed three evening visits.",
        representative=Representative(
            Person("Imran Iqbal"), relationship="son", consent=ConsentBasis.GIVEN
        ),
        accessibility_needs=("large print letters",),
        matter_occurred_on=date(2026, 5, 20),
    )
    return Complaint.receive(stamp(0), farah, complaint_id=uuid4())


def responded_with_actions() -> Complaint:
    case = received()
    case.acknowledge(stamp(1))
    case.start_investigation(stamp(2), investigator="Jon Pryce")
    case.send_response(
        stamp(10),
        outcome=Outcome.PARTLY_UPHELD,
        remedies=(Remedy.APOLOGY, Remedy.TRAINING),
        signed_by="Marcus Bell, Director of Adult Social Services",
        ombudsman_rights_given=True,
        summary="Partly upheld.",
    )
    case.plan_action(
        stamp(11), action_id="A1", description="Audit visits", owner="Contracts Manager",
        due_on=date(2026, 6, 30),
    )  # fmt: skip
    case.plan_action(
        stamp(11.5), action_id="A2", description="Train staff", owner="Registered Manager",
        due_on=date(2026, 8, 31),
    )  # fmt: skip
    case.complete_action(stamp(12), action_id="A2")
    return case


def test_case_view_has_every_field_and_is_json() -> None:
    case = responded_with_actions()
    view = case_view(case, date(2026, 7, 15))
    assert set(view) >= CASE_KEYS
    assert json.loads(json.dumps(view)) == view
    assert view["id"] == str(case.id)
    assert view["version"] == case.version == 7
    assert (view["kind"], view["status"], view["stage"]) == ("complaint", "responded", 1)
    assert view["regime"] == "england-2009"
    assert view["organisation"] == view["receiving_organisation"] == COUNCIL
    assert view["about"] == {
        "organisation": "Brightwater Home Care Ltd",
        "service": "Home care (council-commissioned)",
    }
    assert view["subjects"] == ["home care", "communication"]
    assert view["outcome"] == "partly_upheld"


def test_instants_are_rfc3339_and_dates_iso() -> None:
    view = case_view(responded_with_actions(), date(2026, 7, 15))
    assert datetime.fromisoformat(view["received_at"]) == T0
    assert view["received_at"].endswith("+00:00")
    for deadline in view["deadlines"]:
        assert set(deadline) == DEADLINE_KEYS
        assert date.fromisoformat(deadline["due"])
        if deadline["met_at"] is not None:
            assert datetime.fromisoformat(deadline["met_at"]).tzinfo is not None


def test_deadlines_follow_the_regime_and_today() -> None:
    case = received()
    deadlines = {d["name"]: d for d in case_view(case, date(2026, 6, 2))["deadlines"]}
    assert deadlines["acknowledgement"]["due"] == "2026-06-04"
    assert deadlines["acknowledgement"]["status"] == "open"
    assert deadlines["acknowledgement"]["statutory"] is True
    assert deadlines["acknowledgement"]["rule"] == "SI 2009/309 reg 13(2)"
    assert "working days" in deadlines["acknowledgement"]["explanation"]
    assert deadlines["internal_response_target"]["statutory"] is False
    later = {d["name"]: d for d in case_view(case, date(2026, 6, 10))["deadlines"]}
    assert later["acknowledgement"]["status"] == "missed"


def test_time_limit_view() -> None:
    time_limit = case_view(received(), date(2026, 6, 2))["time_limit"]
    assert set(time_limit) == {"in_time", "limit", "blocking", "explanation"}
    assert time_limit["in_time"] is True
    assert time_limit["blocking"] is True
    assert time_limit["limit"] == "2027-05-20"


def test_actions_show_due_completion_and_overdue() -> None:
    actions = {
        a["id"]: a for a in case_view(responded_with_actions(), date(2026, 7, 15))["actions"]
    }
    assert actions["A1"]["due_on"] == "2026-06-30"
    assert actions["A1"]["completed_at"] is None
    assert actions["A1"]["overdue"] is True
    assert actions["A2"]["completed_at"] == (T0 + timedelta(days=12)).isoformat()
    assert actions["A2"]["overdue"] is False


def test_complainant_comes_from_the_personal_part() -> None:
    view = case_view(received(), date(2026, 6, 2))
    assert view["complainant"]["name"] == "Farah Iqbal"
    assert view["complainant"]["email"] == "farah.iqbal@example.org"
    assert view["representative"]["relationship"] == "son"
    assert view["representative"]["consent"] == "consent_given"
    assert view["accessibility_needs"] == ["large print letters"]


def test_a_compliment_has_no_deadlines_and_no_outcome() -> None:
    case = received()
    case.correct_fact(
        Stamp(
            T0 + timedelta(hours=1), T0 + timedelta(hours=1), Actor("m", COUNCIL, Role.MANAGER), "c"
        ),
        field="kind",
        new_value="compliment",
        reason="It was a thank-you letter",
    )
    view = case_view(case, date(2026, 6, 2))
    assert view["kind"] == "compliment"
    assert view["deadlines"] == []
    assert view["outcome"] is None


def test_history_entry_view() -> None:
    recorded = datetime(2026, 5, 1, 12, 0, 5, tzinfo=UTC)
    occurred = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=1)))
    entry = HistoryEntry(
        version=3,
        type="ActionPlanned",
        recorded_at=recorded,
        occurred_at=occurred,
        actor={"principal": "p", "organisation": COUNCIL, "role": "officer"},
        correlation_id="req-1",
        data={"action_id": "A1", "due_on": date(2026, 6, 1), "tags": {"b", "a"}},
    )
    view = history_entry_view(entry)
    assert view == {
        "version": 3,
        "type": "ActionPlanned",
        "recorded_at": "2026-05-01T12:00:05+00:00",
        "occurred_at": "2026-05-01T12:00:00+01:00",
        "actor": {"principal": "p", "organisation": COUNCIL, "role": "officer"},
        "correlation_id": "req-1",
        "data": {"action_id": "A1", "due_on": "2026-06-01", "tags": ["a", "b"]},
    }
    assert json.loads(json.dumps(view)) == view


class Colour(StrEnum):
    RED = "red"


@dataclass(frozen=True)
class Point:
    x: int
    when: date


def test_json_safe_converts_recursively() -> None:
    case_id = UUID(int=7)
    value = {
        "when": datetime(2026, 1, 2, 3, 4, tzinfo=UTC),
        "day": date(2026, 1, 2),
        "colour": Colour.RED,
        "id": case_id,
        "nested": [(1, 2), {"inner": {date(2026, 1, 3)}}],
        "point": Point(1, date(2026, 1, 4)),
        3: None,
        "flag": True,
    }
    assert json_safe(value) == {
        "when": "2026-01-02T03:04:00+00:00",
        "day": "2026-01-02",
        "colour": "red",
        "id": str(case_id),
        "nested": [[1, 2], {"inner": ["2026-01-03"]}],
        "point": {"x": 1, "when": "2026-01-04"},
        "3": None,
        "flag": True,
    }


def test_history_of_a_real_case_is_json_safe() -> None:
    case = responded_with_actions()
    for event in case.collect_events():
        json.dumps(json_safe(vars(event)))
