"""JSON-able read views of a case and of its history, shared by the CLI and the HTTP API.

Dates are ISO 8601 (YYYY-MM-DD) and instants RFC 3339 (timezone-aware ISO 8601) strings.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from complaints_ledger.application.outcome_view import outcome_views
from complaints_ledger.domain.exclusions import stop_reason
from complaints_ledger.domain.referrals import referral_chain

if TYPE_CHECKING:
    from complaints_ledger.application.ledger import HistoryEntry
    from complaints_ledger.domain.calendars import AdjustedCalendar
    from complaints_ledger.domain.clocks import Deadline, TimeLimitCheck
    from complaints_ledger.domain.complaint import Complaint


def json_safe(value: Any) -> Any:
    """`value` with dates, instants, enums, ids, sets, tuples and dataclasses made JSON-able."""
    if isinstance(value, Enum):
        value = value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, date):  # a datetime is a date too
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(item) for item in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return str(value)  # UUID, Decimal, Path, ...


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def deadline_view(deadline: Deadline) -> dict[str, Any]:
    return {
        "name": deadline.name,
        "due": deadline.due.isoformat(),
        "status": str(deadline.status),
        "met_at": instant(deadline.met_at),
        "statutory": deadline.statutory,
        "rule": deadline.rule,
        "explanation": deadline.explanation,
        "calendar_version": deadline.calendar_version,
        "holidays_skipped": [
            {"day": day.isoformat(), "name": name} for day, name in deadline.holidays_skipped
        ],
    }


def time_limit_view(check: TimeLimitCheck) -> dict[str, Any]:
    return {
        "in_time": check.in_time,
        "limit": check.limit.isoformat() if check.limit else None,
        "blocking": check.blocking,
        "explanation": check.explanation,
    }


def exclusion_view(exclusion: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A reg 8 decision and why the clocks stopped (None: the case is dealt with as usual)."""
    if exclusion is None:
        return None
    return {**json_safe(exclusion), "clocks_stopped": stop_reason(exclusion)}


def action_views(complaint: Complaint, today: date) -> list[dict[str, Any]]:
    return [
        {
            "id": action_id,
            "description": action["description"],
            "owner": action["owner"],
            "due_on": json_safe(action["due_on"]),
            "completed_at": json_safe(action["completed_at"]),
            "overdue": action["completed_at"] is None and action["due_on"] < today,
        }
        for action_id, action in complaint.actions.items()
    ]


def case_view(
    complaint: Complaint, today: date, calendar: AdjustedCalendar | None = None
) -> dict[str, Any]:
    """The case as it stands, with its deadlines as of `today` (a UK date), counted with
    `calendar`, the calendar in force for its regime (calendar_service.CalendarBook.for_case)."""
    personal = complaint.personal
    return {
        "id": str(complaint.id),
        "version": complaint.version,
        "kind": str(complaint.kind),
        "status": str(complaint.status),
        "stage": complaint.stage,
        "regime": str(complaint.regime),
        "organisation": complaint.handling_organisation,
        "receiving_organisation": complaint.receiving_organisation,
        "about": {"organisation": complaint.about_organisation, "service": complaint.service},
        "channel": str(complaint.channel),
        "received_at": instant(complaint.received_at),
        "first_received_at": instant(complaint.first_received_at),
        "subjects": list(complaint.subjects),
        "deadlines": [deadline_view(d) for d in complaint.deadlines(today, calendar)],
        "time_limit": time_limit_view(complaint.time_limit()),
        "outcome": str(complaint.outcome) if complaint.outcome else None,
        "actions": action_views(complaint, today),
        "investigators": dict(complaint.investigators),
        "handler": complaint.handler,
        "ombudsman": list(complaint.ombudsman_bodies),
        **outcome_views(complaint, today),
        "late_acceptance": json_safe(complaint.late_acceptance),
        "exclusion": exclusion_view(complaint.exclusion),
        "pending_referral": json_safe(complaint.pending_referral),
        "referral_chain": json_safe(referral_chain(complaint.records)),
        "records": json_safe(complaint.records),
        "complainant": json_safe(personal.get("complainant")),
        "representative": json_safe(personal.get("representative")),
        "accessibility_needs": json_safe(personal.get("accessibility_needs", [])),
        "advocacy": complaint.advocacy,
        "summary": personal.get("summary"),
        "data_subjects": {str(role): str(id_) for role, id_ in complaint.subject_ids().items()},
        "erased_subjects": list(complaint.erased_roles),
        "litigation_hold": json_safe(complaint.litigation_hold),
    }


def history_entry_view(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "version": entry.version,
        "type": entry.type,
        "recorded_at": instant(entry.recorded_at),
        "occurred_at": instant(entry.occurred_at),
        "actor": dict(entry.actor),
        "correlation_id": entry.correlation_id,
        "data": json_safe(entry.data),
    }
