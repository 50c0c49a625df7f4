"""Worklist: open cases per organisation and handler with status, stage and next deadline.

A case is on the worklist of the organisation dealing with it; while a referral is pending it
shows under the receiving organisation with status "referred" (and no deadline of that
organisation yet: its clocks start when it accepts). Closed and withdrawn cases leave the
worklist; reopened ones return. Due dates are stored; the query decides what is overdue today.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from complaints_ledger.domain.clocks import calendar_for, uk_local_date, working_days_between
from complaints_ledger.domain.values import RegimeId
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import EventRecord
from complaints_ledger.readside.views import Views, physical_name
from projections.calendar_inputs import CalendarInputs, Calendars, calendars_in_force
from projections.timeliness import (
    CASE_COLUMNS,
    CLOCK_EVENTS,
    DEADLINE_COLUMNS,
    STATUTORY_DEADLINES,
    Row,
    derive_deadlines,
    track_case,
)

UNASSIGNED = "unassigned"
CLOSED_STATUSES = frozenset({"closed", "withdrawn"})
CASES = Table(
    "cases",
    {
        **CASE_COLUMNS,
        **DEADLINE_COLUMNS,
        "organisation": "text",  # whose worklist: the handling or, while pending, receiving one
        "on_worklist": "boolean",
        "stage_1_investigator": "text",  # each stage's handler: its investigator, or whom a
        "stage_2_investigator": "text",  # manager assigned it to since (HandlerAssigned)
        "handler": "text",  # the current stage's handler; NULL: unassigned
        "next_deadline": "text",  # the earliest statutory deadline not yet met
        "next_due": "text",
    },
    key=("case_id",),
    indexes=(("organisation", "on_worklist"),),
    derive=lambda row: _derive(row),  # noqa: PLW0108 - defined further down
)
WORKLIST_KEYS = (
    "case_id",
    "organisation",
    "handler",
    "kind",
    "regime",
    "service",
    "status",
    "stage",
    "received_on",
    "subject_count",
    "referred_from",
    "next_deadline",
    "next_due",
    "overdue",
    "due_in_working_days",
)


def _track_investigators(row: Row, event: EventRecord) -> None:
    if event.type == "InvestigationStarted":
        row[f"stage_{event.data['stage']}_investigator"] = event.data["investigator"]
    elif event.type == "HandlerAssigned":
        row[f"stage_{event.data['stage']}_investigator"] = event.data["handler"]
    elif event.type in {"Received", "ReferralAccepted"}:  # accepting forgets the origin's
        row["stage_1_investigator"] = row["stage_2_investigator"] = None


def _place(row: Row) -> None:
    """Whose worklist the case is on, who handles it, and what is due next."""
    pending = row["status"] == "referred"
    row["organisation"] = row["referred_to"] if pending else row["handling_organisation"]
    row["on_worklist"] = row["status"] not in CLOSED_STATUSES
    row["handler"] = None if pending else row[f"stage_{row['stage']}_investigator"]
    unmet = sorted(
        (row[f"{name}_due"], name)
        for name in STATUTORY_DEADLINES
        if row[f"{name}_due"] is not None and row[f"{name}_met_at"] is None
    )
    next_due, next_deadline = unmet[0] if unmet and not pending else (None, None)
    row["next_due"], row["next_deadline"] = next_due, next_deadline


def _on_case_event(event: EventRecord, views: Views) -> None:
    row = views.get(CASES, event.case_id) or {"case_id": event.case_id}
    if event.type in CLOCK_EVENTS:
        track_case(row, event)
    _track_investigators(row, event)
    views.put(CASES, row)


def _derive(row: Row) -> None:
    derive_deadlines(row)
    _place(row)


PROJECTION = ReadModel(
    name="worklist",
    # 2: stored values escaped by the read side (docs/projections.md); 3: calendar_version;
    # 4: the Welsh local resolution discussion and written_resolution (reg 16(5));
    # 5: handlers assigned by managers (HandlerAssigned)
    version=5,
    tables=(CASES,),
    handlers=dict.fromkeys((*CLOCK_EVENTS, "HandlerAssigned"), _on_case_event),
    inputs=CalendarInputs(lambda: CASES),
    description=(
        "Open cases per organisation and handler: status, stage, next statutory deadline, "
        "received date and number of subjects."
    ),
)


# ---- query -----------------------------------------------------------------------------------


def worklist(
    db: ViewDatabase,
    *,
    organisation: str,
    handler: str | None = None,
    today: date,
    namespace: str = "rm",
) -> list[dict[str, Any]]:
    """Open cases of an organisation (of one handler, or "unassigned", when given), earliest
    next due date first, so overdue ones lead; cases with nothing due come last."""
    columns = list(CASES.columns)
    where, params = "organisation = ? AND on_worklist = ?", [organisation, True]
    if handler == UNASSIGNED:
        where += " AND handler IS NULL"
    elif handler is not None:
        where += " AND handler = ?"
        params.append(handler)
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {physical_name(PROJECTION, CASES, namespace)} "  # noqa: S608
        f"WHERE {where}",
        params,
    )
    calendars = calendars_in_force(db)
    found = [_result(dict(zip(columns, row, strict=True)), today, calendars) for row in rows]
    return sorted(
        found,
        key=lambda r: (r["next_due"] is None, r["next_due"] or "", r["received_on"], r["case_id"]),
    )


def _result(row: Row, today: date, calendars: Calendars) -> dict[str, Any]:
    due = None if row["next_due"] is None else date.fromisoformat(row["next_due"])
    calendar = calendars[calendar_for(RegimeId(row["regime"]))]
    days = None if due is None else working_days_between(calendar, today, due)
    return {
        **{key: row.get(key) for key in WORKLIST_KEYS},
        "handler": row["handler"] or UNASSIGNED,
        "received_on": uk_local_date(datetime.fromisoformat(row["received_at"])).isoformat(),
        "overdue": due is not None and today > due,
        "due_in_working_days": days,
    }
