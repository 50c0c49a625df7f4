"""The annual report's ombudsman counts: decisions by outcome are in annual_report_counts; here,
the remedies the ombudsman asked for and what became of them (LGSCO Code annual report: the
ombudsman's findings and the organisation's compliance)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

REMEDY_STATUSES = ("complied", "late", "refused", "overdue", "pending")
OMBUDSMAN_DEFINITIONS: dict[str, str] = {
    "ombudsman_remedies": (
        "Remedies an ombudsman asked of the organisation in decisions made in the year, by their "
        "status at the year's end: complied (by the due date), late, refused (the latest "
        "compliance recorded before the year's end), otherwise overdue (due before the year's "
        "end) or pending. overdue_remedies_at_year_end counts every remedy asked before the "
        "year's end and overdue then, whatever the year it was asked in."
    ),
    "ombudsman_decision_compliance": (
        "Decisions recorded in the first shape (one remedy compliance answer per decision, "
        "before remedies had due dates) made in the year, by that answer."
    ),
}


def _before(text: str | None, end: datetime) -> bool:
    return text is not None and datetime.fromisoformat(text) < end


def remedy_status(remedy: dict[str, Any], end: datetime) -> str:
    if remedy["outcome"] and _before(remedy["outcome_recorded_at"], end):
        return str(remedy["outcome"])
    return "overdue" if date.fromisoformat(remedy["due_on"]) < end.date() else "pending"


def ombudsman_counts(
    complaints: Sequence[dict[str, Any]],
    remedies: Sequence[dict[str, Any]],
    start: datetime,
    end: datetime,
) -> dict[str, Any]:
    ids = {c["case_id"] for c in complaints}
    asked = [r for r in remedies if r["case_id"] in ids and _before(r["asked_at"], end)]
    in_year = [r for r in asked if datetime.fromisoformat(r["asked_at"]) >= start]
    statuses = Counter(remedy_status(r, end) for r in in_year)
    first_shape = Counter(
        c["ombudsman_remedy_compliance"]
        for c in complaints
        if c["ombudsman_remedy_compliance"]
        and _before(c["ombudsman_decided_at"], end)
        and datetime.fromisoformat(c["ombudsman_decided_at"]) >= start
    )
    return {
        "ombudsman_remedies_asked": len(in_year),
        "ombudsman_remedies": {status: statuses[status] for status in REMEDY_STATUSES},
        "overdue_remedies_at_year_end": sum(1 for r in asked if remedy_status(r, end) == "overdue"),
        "ombudsman_decision_compliance": dict(sorted(first_shape.items())),
    }
