"""Annual report (regs 16-18 of SI 2009/309) and KO41-style counts, per handling organisation.

The projection keeps one fact row per case, its actions and its lesson themes; the query counts
them for a reporting year (1 April to 31 March, UK local time). Definitions are in DEFINITIONS and
are printed with every report. Rendering (Markdown, CSV, JSON): projections/annual_report_render.
"""

from __future__ import annotations

from typing import Any

import orjson

from complaints_ledger.domain.correction_types import read_fact
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.read_model import ReadModel, Table
from complaints_ledger.readside.records import DATA_KEY, EventRecord, subjects_json, utc_text
from complaints_ledger.readside.views import Views, physical_name
from projections.annual_report_counts import (
    DEFINITIONS,
    CountingIdentityError,
    build_report,
    reporting_year_bounds,
)
from projections.refusal_counts import REFUSED

__all__ = [
    "DEFINITIONS",
    "PROJECTION",
    "CountingIdentityError",
    "annual_report",
    "build_report",
    "case_facts",
    "reporting_year_bounds",
]

CASES = Table(
    "cases",
    {
        "case_id": "text",
        "organisation": "text",  # handling organisation: the one that accepted a referral
        "kind": "text",
        "regime": "text",
        "service": "text",
        "subjects": "text",  # JSON list, each subject once
        "received_at": "text",  # receipt by the handling organisation, UTC ISO
        "represented": "boolean",  # a representative acted for the person (no details kept)
        "outcome": "text",  # of the latest response
        "responded_at": "text",
        "within_notified_period": "boolean",
        "ombudsman_referred_at": "text",  # first escalation to an ombudsman
        "ombudsman_body": "text",
        "ombudsman_decision": "text",  # the latest decision
        "ombudsman_decided_at": "text",
        "ombudsman_remedy_compliance": "text",  # of a decision in the first shape (one answer)
        "resolution": "text",  # "closed", "withdrawn" or "refused"; NULL while unresolved
        "resolved_at": "text",  # latest Closed/Withdrawn/ExclusionDecided not followed by Reopened
        "refused_ground": "text",  # reg 8(1) ground of a complaint refused, while it stands
    },
    key=("case_id",),
    indexes=(("organisation",),),
)
ACTIONS = Table(
    "actions",
    {
        "case_id": "text",
        "action_id": "text",
        "description": "text",
        "due_on": "text",
        "planned_at": "text",
        "completed_at": "text",
    },
    key=("case_id", "action_id"),
)
LESSONS = Table(
    "lessons",
    {"case_id": "text", "lesson_id": "text", "theme": "text", "recorded_at": "text"},
    key=("case_id", "lesson_id"),
)
REMEDIES = Table(
    "ombudsman_remedies",
    {
        "case_id": "text",
        "remedy_id": "text",
        "body": "text",
        "remedy": "text",
        "due_on": "text",
        "asked_at": "text",  # when the decision asking for it was made
        "outcome": "text",  # the latest compliance: complied, late or refused
        "outcome_recorded_at": "text",
    },
    key=("case_id", "remedy_id"),
)
OMBUDSMAN_ROUTE = "ombudsman"


# ---- handlers ----------------------------------------------------------------------------------


def _on_received(event: EventRecord, views: Views) -> None:
    data = event.data
    views.put(
        CASES,
        {
            "case_id": event.case_id,
            "organisation": data["receiving_organisation"],
            "kind": data["kind"],
            "regime": data["regime"],
            "service": data["service"],
            "subjects": subjects_json(data["subjects"]),
            "received_at": utc_text(event.occurred_at),
            "represented": bool(data["represented"]),
        },
    )


def _update_case(event: EventRecord, views: Views, changes: dict[str, Any]) -> None:
    views.update(CASES, (event.case_id,), changes)


def _on_referral_accepted(event: EventRecord, views: Views) -> None:
    # No wrong door: the accepting organisation deals with it, from its own receipt.
    changes = {
        "organisation": event.data["organisation"],
        "regime": event.data["regime"],
        "received_at": utc_text(event.occurred_at),
    }
    _update_case(event, views, changes)


def _on_response_sent(event: EventRecord, views: Views) -> None:
    changes = {
        "outcome": event.data["outcome"],
        "responded_at": utc_text(event.occurred_at),
        "within_notified_period": bool(event.data["within_notified_period"]),
    }
    _update_case(event, views, changes)


def _on_escalated(event: EventRecord, views: Views) -> None:
    case = views.get(CASES, event.case_id)
    if case is None or event.data["route"] != OMBUDSMAN_ROUTE:
        return
    case["ombudsman_referred_at"] = case["ombudsman_referred_at"] or utc_text(event.occurred_at)
    case["ombudsman_body"] = event.data["body"]
    views.put(CASES, case)


def _on_ombudsman_decision(event: EventRecord, views: Views) -> None:
    changes = {
        "ombudsman_decision": event.data["decision"],
        "ombudsman_decided_at": utc_text(event.occurred_at),
        "ombudsman_remedy_compliance": event.data["remedy_compliance"],
    }
    _update_case(event, views, changes)


def _on_ombudsman_outcome(event: EventRecord, views: Views) -> None:
    changes = {
        "ombudsman_decision": event.data["decision"],
        "ombudsman_decided_at": utc_text(event.occurred_at),
        "ombudsman_remedy_compliance": None,
    }
    _update_case(event, views, changes)
    for remedy in event.data["remedies"]:
        due_on = remedy["due_on"]
        row = {
            "case_id": event.case_id,
            "remedy_id": remedy["id"],
            "body": event.data["body"],
            "remedy": remedy["remedy"],
            "due_on": due_on[DATA_KEY] if isinstance(due_on, dict) else due_on,
            "asked_at": utc_text(event.occurred_at),
        }
        views.put(REMEDIES, row)


def _on_remedy_compliance(event: EventRecord, views: Views) -> None:
    remedy = views.get(REMEDIES, event.case_id, event.data["remedy_id"])
    if remedy is not None:
        outcome = {
            "outcome": event.data["outcome"],
            "outcome_recorded_at": utc_text(event.occurred_at),
        }
        views.put(REMEDIES, {**remedy, **outcome})


def _on_withdrawn(event: EventRecord, views: Views) -> None:
    _update_case(
        event, views, {"resolution": "withdrawn", "resolved_at": utc_text(event.occurred_at)}
    )


def _on_closed(event: EventRecord, views: Views) -> None:
    _update_case(event, views, {"resolution": "closed", "resolved_at": utc_text(event.occurred_at)})


def _on_exclusion_decided(event: EventRecord, views: Views) -> None:
    changes = {
        "resolution": REFUSED,
        "resolved_at": utc_text(event.occurred_at),
        "refused_ground": event.data["ground"],
    }
    _update_case(event, views, changes)


def _on_reopened(event: EventRecord, views: Views) -> None:
    _update_case(event, views, {"resolution": None, "resolved_at": None, "refused_ground": None})


def _on_fact_corrected(event: EventRecord, views: Views) -> None:
    field, new_value = event.data["field"], event.data["new_value"]
    if field == "received_at":
        _update_case(event, views, {"received_at": utc_text(read_fact(field, new_value))})
    elif field == "subjects":
        _update_case(event, views, {"subjects": subjects_json(read_fact(field, new_value))})
    elif field in {"service", "kind"}:
        _update_case(event, views, {field: str(read_fact(field, new_value))})


def _on_action_planned(event: EventRecord, views: Views) -> None:
    data = event.data
    views.put(
        ACTIONS,
        {
            "case_id": event.case_id,
            "action_id": data["action_id"],
            "description": data["description"],
            "due_on": data["due_on"],
            "planned_at": utc_text(event.occurred_at),
        },
    )


def _on_action_completed(event: EventRecord, views: Views) -> None:
    action = views.get(ACTIONS, event.case_id, event.data["action_id"])
    if action is not None:
        views.put(ACTIONS, {**action, "completed_at": utc_text(event.occurred_at)})


def _on_lesson_recorded(event: EventRecord, views: Views) -> None:
    row = {
        "case_id": event.case_id,
        "lesson_id": event.data["lesson_id"],
        "theme": event.data["theme"],
        "recorded_at": utc_text(event.occurred_at),
    }
    views.put(LESSONS, row)


PROJECTION = ReadModel(
    name="annual_report",
    # 2: stored values escaped by the read side (docs/projections.md); 3: ombudsman remedies;
    # 4: complaints refused under reg 8 (resolution "refused", refused_ground)
    version=4,
    tables=(CASES, ACTIONS, LESSONS, REMEDIES),
    handlers={
        "Received": _on_received,
        "ReferralAccepted": _on_referral_accepted,
        "ResponseSent": _on_response_sent,
        "Escalated": _on_escalated,
        "OmbudsmanDecisionRecorded": _on_ombudsman_decision,
        "OmbudsmanOutcomeRecorded": _on_ombudsman_outcome,
        "RemedyComplianceRecorded": _on_remedy_compliance,
        "Withdrawn": _on_withdrawn,
        "Closed": _on_closed,
        "ExclusionDecided": _on_exclusion_decided,
        "Reopened": _on_reopened,
        "FactCorrected": _on_fact_corrected,
        "ActionPlanned": _on_action_planned,
        "ActionCompleted": _on_action_completed,
        "LessonRecorded": _on_lesson_recorded,
    },
    description="Per-case facts for the regs 16-18 annual report and KO41-style counts.",
)


# ---- queries -----------------------------------------------------------------------------------

CASE_COLUMNS = tuple(CASES.columns)
BOOLEAN_COLUMNS = ("represented", "within_notified_period")


def case_facts(
    db: ViewDatabase, *, organisation: str | None = None, namespace: str = "rm"
) -> list[dict[str, Any]]:
    """The fact table: one row per case (CASES columns; subjects as a list), by receipt."""
    table = physical_name(PROJECTION, CASES, namespace)
    where, params = ("WHERE organisation = ? ", (organisation,)) if organisation else ("", ())
    rows = db.execute(
        f"SELECT {', '.join(CASE_COLUMNS)} FROM {table} {where}"  # noqa: S608
        "ORDER BY received_at, case_id",
        params,
    )
    facts = [dict(zip(CASE_COLUMNS, row, strict=True)) for row in rows]
    for fact in facts:
        fact["subjects"] = orjson.loads(fact["subjects"])
        for column in BOOLEAN_COLUMNS:
            fact[column] = None if fact[column] is None else bool(fact[column])
    return facts


def _rows_of_organisation(
    db: ViewDatabase, table: Table, organisation: str, namespace: str
) -> list[dict[str, Any]]:
    cases = physical_name(PROJECTION, CASES, namespace)
    columns = tuple(table.columns)
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {physical_name(PROJECTION, table, namespace)} "  # noqa: S608
        f"WHERE case_id IN (SELECT case_id FROM {cases} WHERE organisation = ?) "
        f"ORDER BY {', '.join(table.key)}",
        (organisation,),
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def annual_report(
    db: ViewDatabase, *, organisation: str, year: int | str, namespace: str = "rm"
) -> dict[str, Any]:
    """The report for one organisation and reporting year (`2026` or `"2026-27"`: 2026-27)."""
    return build_report(
        case_facts(db, organisation=organisation, namespace=namespace),
        _rows_of_organisation(db, ACTIONS, organisation, namespace),
        _rows_of_organisation(db, LESSONS, organisation, namespace),
        organisation=organisation,
        year=year,
        remedies=_rows_of_organisation(db, REMEDIES, organisation, namespace),
    )


def organisations(db: ViewDatabase, namespace: str = "rm") -> list[str]:
    """Every organisation that deals with at least one case."""
    table = physical_name(PROJECTION, CASES, namespace)
    rows = db.execute(f"SELECT DISTINCT organisation FROM {table} ORDER BY organisation")  # noqa: S608
    return [name for (name,) in rows]
