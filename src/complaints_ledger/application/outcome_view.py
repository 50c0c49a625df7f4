"""What came of a case's escalations, for the case view: ombudsman decisions (old and new shape),
each remedy with its compliance and status, overdue remedies, and regulator notifications."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from complaints_ledger.domain.outcomes import COMPLIANCE, DONE, OUTCOMES, REMEDIES
from complaints_ledger.domain.values import RemedyOutcome

if TYPE_CHECKING:
    from complaints_ledger.domain.complaint import Complaint

PENDING, OVERDUE = "pending", "overdue"


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def decision_views(complaint: Complaint) -> list[dict[str, Any]]:
    """Every decision, oldest first. A decision recorded as `OmbudsmanDecisionRecorded` (before
    remedies had due dates) shows its remedies as names and its one compliance answer."""
    old = [
        {
            "body": entry["body"],
            "decision": entry["decision"],
            "at": _iso(entry["at"]),
            "recommended_remedies": entry.get("recommended_remedies", []),
            "remedy_compliance": entry.get("remedy_compliance"),
        }
        for entry in complaint.records.get("ombudsman_decisions", [])
    ]
    new = [
        {**{k: _iso(v) for k, v in entry.items()}, "remedies": list(entry["remedies"])}
        for entry in complaint.records.get(OUTCOMES, [])
    ]
    return sorted([*old, *new], key=lambda view: str(view["at"]))


def remedy_status(outcome: RemedyOutcome | None, due_on: date, today: date) -> str:
    if outcome is not None:
        return str(outcome)
    return OVERDUE if due_on < today else PENDING


def remedy_views(complaint: Complaint, today: date) -> list[dict[str, Any]]:
    compliance = complaint.records.get(COMPLIANCE, [])
    views = []
    for remedy in complaint.records.get(REMEDIES, []):
        records = [c for c in compliance if c["remedy_id"] == remedy["id"]]
        outcome = RemedyOutcome(records[-1]["outcome"]) if records else None
        views.append(
            {
                "id": remedy["id"],
                "body": remedy["body"],
                "remedy": remedy["remedy"],
                "description": remedy["description"],
                "due_on": _iso(remedy["due_on"]),
                "status": remedy_status(outcome, remedy["due_on"], today),
                "done": outcome in DONE,
                "compliance": [{k: _iso(v) for k, v in c.items()} for c in records],
            }
        )
    return views


def outcome_views(complaint: Complaint, today: date) -> dict[str, Any]:
    remedies = remedy_views(complaint, today)
    return {
        "ombudsman_decisions": decision_views(complaint),
        "ombudsman_remedies": remedies,
        "overdue_remedies": [r["id"] for r in remedies if r["status"] == OVERDUE],
        "regulator_notifications": [
            {
                **{k: _iso(v) for k, v in notification.items()},
                "acknowledged_at": _acknowledged_at(complaint, notification["regulator"]),
            }
            for notification in complaint.records.get("regulator_notifications", [])
        ],
    }


def _acknowledged_at(complaint: Complaint, regulator: str) -> str | None:
    for entry in complaint.records.get("regulator_acknowledgements", []):
        if entry["regulator"] == regulator:
            return str(_iso(entry["at"]))
    return None
