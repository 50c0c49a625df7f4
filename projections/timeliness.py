"""Timeliness dashboard: per case, without personal data, what the statutory clocks count from,
and the statutory due dates the domain's clocks derive from it. Queries: timeliness_queries.

The clock-fact keeping here (`track_case`, `derive_deadlines`, `clock_facts`) is shared with
the worklist projection: both mirror what the Complaint aggregate does with the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson

from complaints_ledger.domain.calendars import AdjustedCalendar
from complaints_ledger.domain.clocks import (
    ClockFacts,
    Extension,
    calendar_for,
    deadlines,
    uk_local_date,
    working_days_between,
)
from complaints_ledger.domain.correction_types import read_fact
from complaints_ledger.domain.values import ExtendedDeadline, Kind, RegimeId
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views
from projections.calendar_inputs import CalendarInputs, in_force

Row = dict[str, Any]
STATUTORY_DEADLINES = (
    "acknowledgement",
    "response",
    "stage_2_acknowledgement",
    "stage_2_response",
    "written_resolution",  # wales-2014 reg 16(5)
)
# What the clocks count from, as the aggregate holds it (ISO text; extensions as JSON text).
CASE_COLUMNS: dict[str, str] = {
    "case_id": "text",
    "kind": "text",
    "regime": "text",
    "handling_organisation": "text",
    "about_organisation": "text",
    "service": "text",
    "subject_count": "integer",
    "referred_from": "text",  # while a referral is pending
    "referred_to": "text",
    "status": "text",
    "status_before_close": "text",
    "stage": "integer",
    "received_at": "text",  # receipt by the handling organisation (reset on referral acceptance)
    "first_received_at": "text",
    "acknowledged_at": "text",
    "responded_at": "text",
    "agreed_response_due": "text",
    "extensions": "text",
    "stage_2_requested_at": "text",
    "stage_2_acknowledged_at": "text",
    "stage_2_responded_at": "text",
    "stopped_at": "text",  # withdrawn or closed (reg 8: receipt); a reopening clears it
    "matter_occurred_on": "text",
    "matter_noticed_on": "text",
    # wales-2014 reg 16: the first discussion, and the one that resolved the matter
    "local_resolution_discussed_at": "text",
    "local_resolution_resolved_at": "text",
}
# Derived from the facts by complaints_ledger.domain.clocks.deadlines: never depends on today;
# with the calendar version they were counted with (projections/calendar_inputs.py).
DEADLINE_COLUMNS: dict[str, str] = {
    **{f"{name}_{part}": "text" for name in STATUTORY_DEADLINES for part in ("due", "met_at")},
    "calendar_version": "text",
}
CASES = Table(
    "cases",
    {
        **CASE_COLUMNS,
        **DEADLINE_COLUMNS,
        "received_month": "text",  # YYYY-MM of received_at in UK local time
        "working_days_to_acknowledge": "integer",
        "working_days_to_respond": "integer",
    },
    key=("case_id",),
    indexes=(("handling_organisation", "received_month"),),
    derive=lambda row: derive_deadlines(row),  # noqa: PLW0108 - defined further down
)


# ---- keeping the clock facts, event by event ------------------------------------------------


def _received(row: Row, event: EventRecord) -> None:
    data = event.data
    row.update(dict.fromkeys(CASE_COLUMNS))
    row.update(
        {
            "case_id": event.case_id,
            "kind": data["kind"],
            "regime": data["regime"],
            "handling_organisation": data["receiving_organisation"],
            "about_organisation": data["about_organisation"],
            "service": data["service"],
            "subject_count": len(data["subjects"]),
            "status": "received",
            "status_before_close": "received",
            "stage": 1,
            "received_at": data["occurred_at"],
            "first_received_at": data["occurred_at"],
            "extensions": "[]",
            "matter_occurred_on": data["matter_occurred_on"],
            "matter_noticed_on": data["matter_noticed_on"],
        }
    )


def _acknowledged(row: Row, event: EventRecord) -> None:
    stage_2 = event.data["stage"] == 2  # noqa: PLR2004
    row["stage_2_acknowledged_at" if stage_2 else "acknowledged_at"] = event.data["occurred_at"]
    if event.data["response_period_agreed_until"] is not None:
        row["agreed_response_due"] = event.data["response_period_agreed_until"]
    row["status"] = "acknowledged"


def _response_period_agreed(row: Row, event: EventRecord) -> None:
    row["agreed_response_due"] = event.data["agreed_until"]


def _deadline_extended(row: Row, event: EventRecord) -> None:
    extension = {
        "deadline": event.data["deadline"],
        "working_days": event.data["working_days"],
        "granted_at": event.data["occurred_at"],
        "complainant_consent": event.data["complainant_consent"],
    }  # the reason is free text: not needed by the clocks, so not kept
    row["extensions"] = orjson.dumps([*orjson.loads(row["extensions"]), extension]).decode()


def _referred(row: Row, event: EventRecord) -> None:
    row["referred_from"] = event.data["from_organisation"]
    row["referred_to"] = event.data["to_organisation"]
    row["status"] = "referred"


def _referral_accepted(row: Row, event: EventRecord) -> None:
    """No wrong door: the receiving organisation's clocks start on its own receipt."""
    row.update(
        {
            "handling_organisation": event.data["organisation"],
            "regime": event.data["regime"],
            "received_at": event.data["occurred_at"],
            "acknowledged_at": None,
            "agreed_response_due": None,
            "extensions": "[]",
            "referred_from": None,
            "referred_to": None,
            "status": "received",
            "local_resolution_discussed_at": None,  # the origin's discussions do not count
            "local_resolution_resolved_at": None,
        }
    )


def _referral_returned(row: Row, event: EventRecord) -> None:
    """Declined or recalled: back with its holder, whose clocks never stopped."""
    row.update({"referred_from": None, "referred_to": None, "status": event.data["resumed_status"]})


def _referral_passed_on(row: Row, event: EventRecord) -> None:
    row["referred_from"] = event.data["from_organisation"]
    row["referred_to"] = event.data["to_organisation"]


def _local_resolution_discussed(row: Row, event: EventRecord) -> None:
    """Wales reg 16: the first discussion meets stage 1; the first that resolved the matter
    starts the written resolution's 5 working days (as domain/local_resolution.py counts)."""
    held = event.data["occurred_at"]
    columns = ["local_resolution_discussed_at"]
    columns += ["local_resolution_resolved_at"] if event.data["resolved"] else []
    for column in columns:
        earlier = as_moment(row[column])
        if earlier is None or datetime.fromisoformat(held) < earlier:
            row[column] = held


def _withdrawn(row: Row, event: EventRecord) -> None:
    row["status"], row["stopped_at"] = "withdrawn", event.data["occurred_at"]


def _closed(row: Row, event: EventRecord) -> None:
    row["status_before_close"] = row["status"]
    row["status"], row["stopped_at"] = "closed", event.data["occurred_at"]


def _exclusion_decided(row: Row, _: EventRecord) -> None:
    """Reg 8: the Regulations never applied, so the clocks count as stopped from receipt (as the
    aggregate counts them: domain/exclusions.py) and no unmet deadline is ever missed."""
    row["status_before_close"] = row["status"]
    row["status"], row["stopped_at"] = "closed", row["received_at"]


def _reopened(row: Row, _: EventRecord) -> None:
    row["status"], row["stopped_at"] = row["status_before_close"], None


def _investigation_started(row: Row, _: EventRecord) -> None:
    row["status"] = "investigating"


def _response_sent(row: Row, event: EventRecord) -> None:
    stage_2 = event.data["stage"] == 2  # noqa: PLR2004
    row["stage_2_responded_at" if stage_2 else "responded_at"] = event.data["occurred_at"]
    row["status"] = "responded"


def _escalated(row: Row, event: EventRecord) -> None:
    if event.data["route"] == "stage_2":
        row.update(
            {"stage": 2, "stage_2_requested_at": event.data["occurred_at"], "status": "escalated"}
        )


def _fact_corrected(row: Row, event: EventRecord) -> None:
    field, value = event.data["field"], event.data["new_value"]
    if field == "received_at":
        if as_moment(row["first_received_at"]) == as_moment(row["received_at"]):
            row["first_received_at"] = value
        row["received_at"] = value
    elif field == "subjects":
        row["subject_count"] = len(read_fact(field, value))
    elif field in CASE_COLUMNS and field != "case_id":
        row[field] = value  # acknowledged_at, matter dates, service, about_organisation, kind


CLOCK_EVENTS: dict[str, Callable[[Row, EventRecord], None]] = {
    "Received": _received,
    "Acknowledged": _acknowledged,
    "ResponsePeriodAgreed": _response_period_agreed,
    "DeadlineExtended": _deadline_extended,
    "Referred": _referred,
    "ReferralAccepted": _referral_accepted,
    "ReferralDeclined": _referral_returned,
    "ReferralRecalled": _referral_returned,
    "ReferralPassedOn": _referral_passed_on,
    "Withdrawn": _withdrawn,
    "Closed": _closed,
    "ExclusionDecided": _exclusion_decided,
    "Reopened": _reopened,
    "InvestigationStarted": _investigation_started,
    "LocalResolutionDiscussed": _local_resolution_discussed,
    "ResponseSent": _response_sent,
    "Escalated": _escalated,
    "FactCorrected": _fact_corrected,
}


def track_case(row: Row, event: EventRecord) -> None:
    """Apply one event to a case row's clock facts (the row holds at least `case_id`).

    The deadlines are derived from those facts when the row is written (`derive_deadlines`).
    """
    CLOCK_EVENTS[event.type](row, event)


# ---- what the clocks make of the facts -------------------------------------------------------


def as_moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def as_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _extensions(text: str) -> tuple[Extension, ...]:
    return tuple(
        Extension(
            deadline=ExtendedDeadline(item["deadline"]),
            working_days=item["working_days"],
            granted_at=datetime.fromisoformat(item["granted_at"]),
            reason="",
            complainant_consent=item["complainant_consent"],
        )
        for item in orjson.loads(text)
    )


def clock_facts(row: Row) -> ClockFacts:
    """The statutory clock facts of a case row (no internal target: it is not statutory)."""
    received_at = as_moment(row["received_at"])
    if received_at is None:  # pragma: no cover - every case starts with Received
        raise ValueError(f"case {row['case_id']} has no receipt")
    return ClockFacts(
        regime=RegimeId(row["regime"]),
        kind=Kind(row["kind"]),
        received_at=received_at,
        acknowledged_at=as_moment(row["acknowledged_at"]),
        agreed_response_due=as_day(row["agreed_response_due"]),
        responded_at=as_moment(row["responded_at"]),
        extensions=_extensions(row["extensions"]),
        stage_2_requested_at=as_moment(row["stage_2_requested_at"]),
        stage_2_acknowledged_at=as_moment(row["stage_2_acknowledged_at"]),
        stage_2_responded_at=as_moment(row["stage_2_responded_at"]),
        stopped_at=as_moment(row["stopped_at"]),
        matter_occurred_on=as_day(row["matter_occurred_on"]),
        matter_noticed_on=as_day(row["matter_noticed_on"]),
        internal_target_working_days=None,
        first_received_at=as_moment(row["first_received_at"]),
        local_resolution_discussed_at=as_moment(row["local_resolution_discussed_at"]),
        local_resolution_resolved_at=as_moment(row["local_resolution_resolved_at"]),
    )


def derive_deadlines(row: Row, calendar: AdjustedCalendar | None = None) -> None:
    """Store each statutory deadline's due date and when it was met (None: not met), counted
    with `calendar`, or else the calendar in force in the runner's session."""
    facts = clock_facts(row)
    receipt = uk_local_date(facts.received_at)
    calendar = calendar or in_force(calendar_for(facts.regime))
    derived = deadlines(facts, today=receipt, explain=False, calendar=calendar)
    found = {d.name: d for d in derived if d.statutory}
    row["calendar_version"] = derived[0].calendar_version if derived else None
    for name in STATUTORY_DEADLINES:
        deadline = found.get(name)
        row[f"{name}_due"] = deadline.due.isoformat() if deadline else None
        met_at = deadline.met_at if deadline else None
        row[f"{name}_met_at"] = met_at.isoformat() if met_at else None
    row["received_month"] = f"{receipt:%Y-%m}"
    counting = calendar or calendar_for(facts.regime)
    for column, met in (
        ("working_days_to_acknowledge", row["acknowledgement_met_at"]),
        ("working_days_to_respond", row["response_met_at"]),
    ):
        met_at = as_moment(met)
        row[column] = (
            None
            if met_at is None
            else working_days_between(counting, receipt, uk_local_date(met_at))
        )


# ---- the projection ----------------------------------------------------------------------------


def _on_case_event(event: EventRecord, views: Views) -> None:
    row = views.get(CASES, event.case_id) or {"case_id": event.case_id}
    track_case(row, event)
    views.put(CASES, row)


PROJECTION = ReadModel(
    name="timeliness",
    # 2: stored values escaped by the read side (docs/projections.md); 3: calendar_version;
    # 4: the Welsh local resolution discussion and written_resolution (reg 16(5))
    version=4,
    tables=(CASES,),
    handlers=dict.fromkeys(CLOCK_EVENTS, _on_case_event),
    inputs=CalendarInputs(lambda: CASES),
    description=(
        "Per case: what the statutory clocks count from and the due dates they derive, for "
        "timeliness dashboards and overdue lists per organisation, service, regime and month."
    ),
)
