"""Cases stored by the prototype (Received v1) still load, on SQLite and PostgreSQL.

v1 of `Complaint.Received` stored neither `counting_convention` nor
`internal_target_working_days`; `upcast_v1_v2` fills in the first counting convention and no
internal target. The v1 event is made from a real v2 one, written straight through the recorder.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from complaints_ledger.application.context import CommandContext
from complaints_ledger.application.ledger import RECEIVED_TOPIC, ComplaintsLedger
from complaints_ledger.domain import clocks
from complaints_ledger.domain.values import Actor, Channel, Role, Status
from tests.builders import SimulatedClock, intake

OFFICER = Actor("o.khan", "Northshire Council")
RECEIVED_AT = datetime(2026, 5, 22, 9, tzinfo=UTC)  # Fri 22 May 2026 (Mon 25 May bank holiday)
V2_ONLY_FIELDS = ("class_version", "counting_convention", "internal_target_working_days")
# Everything the prototype stored: the envelope and the v1 facts. Fields of later versions go.
V1_FIELDS = frozenset(
    {"timestamp", "originator_topic", "occurred_at", "actor", "correlation_id"}
    | {"kind", "channel", "regime", "receiving_organisation", "about_organisation", "service"}
    | {"subjects", "advocacy", "matter_occurred_on", "matter_noticed_on", "personal"}
)


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(RECEIVED_AT)


@pytest.fixture
def ledger_settings() -> dict[str, Any]:
    return {"snapshot_interval": 2}


def _store_a_v1_case(ledger: ComplaintsLedger) -> UUID:
    """Receive a case today (v2 or later), and store its Received event as the prototype did."""
    v2_id = ledger.receive(
        intake(channel=Channel.LETTER, internal_target_working_days=15),
        CommandContext(OFFICER),
    )
    (v2_event,) = ledger.recorder.select_events(v2_id)
    assert v2_event.topic == RECEIVED_TOPIC
    state = json.loads(v2_event.state)
    assert state["class_version"] >= 2
    assert set(V2_ONLY_FIELDS) <= set(state)
    state = {name: value for name, value in state.items() if name in V1_FIELDS}
    assert set(state) == V1_FIELDS
    state["correlation_id"] = uuid4().hex
    # The prototype stored the personal part in the clear (sealing came with issue 6); the sealed
    # part of the case copied here would not open under another case id, and must not.
    state["personal"] = {
        "complainant": {"name": "Jo Bloggs", "email": None, "phone": None, "address": None},
        "representative": None,
        "summary": "Carers missed four visits.",
        "accessibility_needs": [],
    }

    v1_id = uuid4()
    v1_event = StoredEvent(
        originator_id=v1_id,
        originator_version=1,
        topic=v2_event.topic,
        state=json.dumps(state).encode(),
    )
    ledger.recorder.insert_events([v1_event])
    (stored,) = ledger.recorder.select_events(v1_id)
    assert not set(V2_ONLY_FIELDS) & set(json.loads(stored.state))  # really stored as v1
    return v1_id


def test_a_v1_received_event_loads_with_the_upcast_defaults(ledger: ComplaintsLedger) -> None:
    case_id = _store_a_v1_case(ledger)
    case = ledger.get(case_id)

    assert case.id == case_id
    assert case.version == 1
    assert case.status == Status.RECEIVED
    assert case.received_at == RECEIVED_AT
    assert case.personal["complainant"]["name"] == "Jo Bloggs"
    assert case.internal_target_working_days is None  # v1 cases had no internal target

    (received,) = ledger.history(case_id)
    assert received.data["counting_convention"] == clocks.FIRST_COUNTING_CONVENTION
    assert received.data["internal_target_working_days"] is None
    assert case_id in list(ledger.complaint_ids())


def test_the_deadlines_of_a_v1_case_compute(ledger: ComplaintsLedger) -> None:
    case = ledger.get(_store_a_v1_case(ledger))
    deadlines = {d.name: d for d in case.deadlines(date(2026, 5, 26))}
    assert set(deadlines) == {"acknowledgement", "response"}  # no internal target
    assert deadlines["acknowledgement"].due == date(2026, 5, 28)
    assert deadlines["response"].due == date(2026, 11, 21)
    assert deadlines["acknowledgement"].status == "open"


def test_a_v1_case_takes_new_commands_and_snapshots(
    ledger: ComplaintsLedger, clock: SimulatedClock
) -> None:
    case_id = _store_a_v1_case(ledger)
    clock.now += timedelta(days=1)
    assert ledger.acknowledge(case_id, CommandContext(OFFICER)) == 2  # snapshot at version 2
    assert ledger.snapshots is not None
    assert [s.originator_version for s in ledger.snapshots.get(case_id)] == [2]

    case = ledger.get(case_id)
    assert case.status == Status.ACKNOWLEDGED
    assert case.internal_target_working_days is None
    ack = next(d for d in case.deadlines(date(2026, 5, 26)) if d.name == "acknowledgement")
    assert ack.status == "met"
    assert [entry.type for entry in ledger.history(case_id)] == ["Received", "Acknowledged"]


def test_a_v1_subjects_correction_loads_as_the_same_list_of_subjects(
    ledger: ComplaintsLedger, clock: SimulatedClock
) -> None:
    """FactCorrected v1 stored every value as a string, subjects joined by commas."""
    case_id = _store_a_v1_case(ledger)
    clock.now += timedelta(days=1)
    manager = Actor("m.jones", OFFICER.organisation, Role.MANAGER)
    ledger.correct_fact(
        case_id,
        CommandContext(manager),
        field="subjects",
        new_value=["charging", "home care"],
        reason="triage",
    )
    v2_event = ledger.recorder.select_events(case_id)[-1]
    state = json.loads(v2_event.state)
    assert (state["class_version"], state["new_value"]) == (2, ["charging", "home care"])
    v1_state = {k: v for k, v in state.items() if k != "class_version"}
    v1_state |= {"new_value": "charging,home care", "previous_value": "home care"}

    v1_id = _store_a_v1_case(ledger)
    ledger.recorder.insert_events(
        [StoredEvent(v1_id, 2, v2_event.topic, json.dumps(v1_state).encode())]
    )

    assert ledger.get(v1_id).subjects == ("charging", "home care")
    corrected = ledger.history(v1_id)[-1]
    assert (corrected.data["previous_value"], corrected.data["new_value"]) == (
        ["home care"],
        ["charging", "home care"],
    )
