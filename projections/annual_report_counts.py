"""Counting rules of the annual report: pure functions over the annual_report fact rows.

Regs 16-18 of SI 2009/309 and the KO41-style counts (NHS Digital). No IO: the query in
projections/annual_report reads the rows and calls `build_report`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from complaints_ledger.domain.calendars import UK_TIME_ZONE
from complaints_ledger.domain.values import WELL_FOUNDED_OUTCOMES, Kind, Outcome
from projections.ombudsman_counts import OMBUDSMAN_DEFINITIONS, ombudsman_counts
from projections.refusal_counts import REFUSAL_DEFINITIONS, REFUSED, refusal_counts

NO_OUTCOME = "no_outcome"
OUTCOME_KEYS = (*(str(o) for o in Outcome), NO_OUTCOME)
RESOLUTIONS = ("closed", "withdrawn", REFUSED)
COMPLAINANT_STATUSES = ("complainant", "representative")
YEAR_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2}))?$")

DEFINITIONS: dict[str, str] = {
    "reporting_year": (
        "1 April to 31 March in UK local time (Europe/London, GMT or BST). Year 2026 (label "
        "2026-27) runs from 2026-04-01 00:00 Europe/London up to, not including, "
        "2027-04-01 00:00 Europe/London."
    ),
    "organisation": (
        "Each case counts once, for the organisation that deals with it: the organisation that "
        "received it or, after a referral ('no wrong door'), the organisation that accepted the "
        "referral. A referral not yet accepted stays with the referring organisation."
    ),
    "complaints_only": (
        "Every count is of complaints (kind = complaint). Concerns and compliments are counted "
        "separately under other_feedback_received and nowhere else."
    ),
    "received": (
        "When the organisation dealing with the complaint received it: the receipt, or the "
        "acceptance of the referral; a corrected receipt time replaces the recorded one."
    ),
    "well_founded": (
        "Upheld or partly upheld in the latest response, counted in the year that response "
        "was sent."
    ),
    "responses_within_notified_period": (
        "Complaints whose latest response was sent in the year, split by whether it went within "
        "the period the complainant had been told (SI 2009/309 reg 14)."
    ),
    "referred_to_ombudsman": (
        "Complaints the organisation recorded as escalated to an ombudsman (any body), counted "
        "once, in the year of the first such escalation."
    ),
    "resolved": (
        "A complaint is resolved at its latest Closed, Withdrawn or ExclusionDecided (refused "
        "under reg 8) event not followed by "
        "Reopened (the time it occurred, never earlier than the receipt); a reopened complaint "
        "is unresolved again. Counts use the ledger's current knowledge, so a complaint reopened "
        "after a report was published returns to the open pool for every year since its receipt; "
        "rebuild the projection as of the publication instant to reproduce published figures."
    ),
    "ko41_identity": (
        "brought_forward: received before the year and unresolved at its start; new: received in "
        "the year; resolved: resolved in the year; carried_forward = brought_forward + new - "
        "resolved, checked against the complaints unresolved at the year's end."
    ),
    "outcome": (
        "The outcome of the latest response (upheld, partly_upheld, not_upheld), whether the "
        "complaint was then closed or withdrawn; no_outcome when no response was sent (e.g. "
        "withdrawn before a response). Outcomes are of the complaints resolved in the year."
    ),
    "subjects": (
        "A complaint with several subjects counts once in each total and once under each of its "
        "subjects. Subject, service, complainant status and age band breakdowns cover the new "
        "complaints (received in the year)."
    ),
    "complainant_status": (
        "representative when someone (family, friend, advocate) acted for the person affected, "
        "otherwise complainant."
    ),
    "age_band": "Not recorded by the ledger: every complaint is counted under not_recorded.",
    **OMBUDSMAN_DEFINITIONS,
    **REFUSAL_DEFINITIONS,
    "actions": (
        "Actions planned or completed in the year on the organisation's complaints; status at the "
        "year's end: completed, overdue (due before 1 April and not completed) or planned."
    ),
}


class CountingIdentityError(RuntimeError):
    """carried forward != brought forward + new - resolved, or outcomes != resolved."""


@dataclass(frozen=True)
class ReportingYear:
    label: str
    start: datetime
    end: datetime  # exclusive

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def reporting_year(year: int | str) -> ReportingYear:
    match = YEAR_PATTERN.match(str(year).strip())
    first = int(match.group(1)) if match else 0
    if match is None or (match.group(2) and int(match.group(2)) != (first + 1) % 100):
        raise ValueError(f"reporting year {year!r}: give 2026 or 2026-27 (1 April to 31 March)")
    start = datetime(first, 4, 1, tzinfo=UK_TIME_ZONE)
    end = datetime(first + 1, 4, 1, tzinfo=UK_TIME_ZONE)
    return ReportingYear(f"{first}-{(first + 1) % 100:02d}", start, end)


def reporting_year_bounds(year: int | str) -> tuple[datetime, datetime]:
    """[start, end) of a reporting year in Europe/London: 2026 -> 2026-04-01 to 2027-04-01."""
    bounds = reporting_year(year)
    return bounds.start, bounds.end


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _local_date(text: str | None) -> str | None:
    moment = _instant(text)
    return None if moment is None else moment.astimezone(UK_TIME_ZONE).date().isoformat()


def _resolved_at(case: dict[str, Any]) -> datetime | None:
    resolved, received = _instant(case["resolved_at"]), _instant(case["received_at"])
    return None if resolved is None or received is None else max(resolved, received)


def _unresolved_at(case: dict[str, Any], moment: datetime) -> bool:
    received, resolved = _instant(case["received_at"]), _resolved_at(case)
    return received is not None and received < moment and (resolved is None or resolved >= moment)


def _counts(values: Iterable[str], keys: Iterable[str] = ()) -> dict[str, int]:
    counted = Counter(values)
    return {**dict.fromkeys(map(str, keys), 0), **dict(sorted(counted.items()))}


def _by_subject(cases: list[dict[str, Any]]) -> dict[str, int]:
    return _counts(s for case in cases for s in dict.fromkeys(case["subjects"]))


def new_in_year(complaints: list[dict[str, Any]], year: ReportingYear) -> list[dict[str, Any]]:
    """The complaints received in the year: the KO41 `new`, whose subjects are counted."""
    return [c for c in complaints if year.contains(_instant(c["received_at"]))]


def resolved_in_year(complaints: list[dict[str, Any]], year: ReportingYear) -> list[dict[str, Any]]:
    """The complaints resolved in the year: the KO41 `resolved`, whose outcomes are counted."""
    return [c for c in complaints if year.contains(_resolved_at(c))]


def outcome_of(case: dict[str, Any]) -> str:
    """The outcome a resolved complaint is counted under."""
    return str(case["outcome"] or NO_OUTCOME)


def _ko41(complaints: list[dict[str, Any]], year: ReportingYear) -> dict[str, Any]:
    brought = [c for c in complaints if _unresolved_at(c, year.start)]
    new = new_in_year(complaints, year)
    resolved = resolved_in_year(complaints, year)
    carried = len(brought) + len(new) - len(resolved)
    still_open = sum(1 for c in complaints if _unresolved_at(c, year.end))
    outcomes = _counts(map(outcome_of, resolved), OUTCOME_KEYS)
    if carried != still_open or sum(outcomes.values()) != len(resolved):
        raise CountingIdentityError(
            f"{year.label}: brought forward {len(brought)} + new {len(new)} - resolved "
            f"{len(resolved)} = {carried}, but {still_open} are unresolved at the year's end; "
            f"outcomes {outcomes}"
        )
    return {
        "brought_forward": len(brought),
        "new": len(new),
        "resolved": len(resolved),
        "carried_forward": carried,
        "outcomes": outcomes,
        "resolutions": _counts((c["resolution"] for c in resolved), RESOLUTIONS),
        "by_subject": _by_subject(new),
        "by_service": _counts(c["service"] for c in new),
        "by_complainant_status": _counts(
            (COMPLAINANT_STATUSES[bool(c["represented"])] for c in new), COMPLAINANT_STATUSES
        ),
        "by_age_band": {"not_recorded": len(new)},
    }


def _action_entry(action: dict[str, Any], year: ReportingYear) -> dict[str, Any]:
    completed = _instant(action["completed_at"])
    done = completed is not None and completed < year.end
    if done:
        status = "completed"
    else:
        status = "overdue" if date.fromisoformat(action["due_on"]) < year.end.date() else "planned"
    return {
        "description": action["description"],
        "planned_on": _local_date(action["planned_at"]),
        "due_on": action["due_on"],
        "completed_on": _local_date(action["completed_at"]) if done else None,
        "status": status,
    }


def _actions_in(actions: list[dict[str, Any]], year: ReportingYear) -> list[dict[str, Any]]:
    """Actions planned or completed in the year, oldest first."""
    in_year = [
        a
        for a in actions
        if year.contains(_instant(a["planned_at"])) or year.contains(_instant(a["completed_at"]))
    ]
    return sorted(in_year, key=lambda a: (a["planned_at"], a["description"]))


def _regs_16_18(
    cases: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    lessons: list[dict[str, Any]],
    year: ReportingYear,
) -> dict[str, Any]:
    complaints = [c for c in cases if c["kind"] == Kind.COMPLAINT]
    received = [c for c in complaints if year.contains(_instant(c["received_at"]))]
    others = [c for c in cases if c["kind"] != Kind.COMPLAINT]
    responded = [c for c in complaints if year.contains(_instant(c["responded_at"]))]
    within = sum(1 for c in responded if c["within_notified_period"])
    complaint_ids = {c["case_id"] for c in complaints}
    listed = _actions_in([a for a in actions if a["case_id"] in complaint_ids], year)
    return {
        "complaints_received": len(received),
        "other_feedback_received": _counts(
            (c["kind"] for c in others if year.contains(_instant(c["received_at"]))),
            (Kind.CONCERN, Kind.COMPLIMENT),
        ),
        "responses_sent": len(responded),
        "well_founded": sum(1 for c in responded if c["outcome"] in WELL_FOUNDED_OUTCOMES),
        "well_founded_definition": DEFINITIONS["well_founded"],
        "responses_within_notified_period": within,
        "responses_outside_notified_period": len(responded) - within,
        "referred_to_ombudsman": sum(
            1 for c in complaints if year.contains(_instant(c["ombudsman_referred_at"]))
        ),
        "ombudsman_decisions": _counts(
            c["ombudsman_decision"]
            for c in complaints
            if year.contains(_instant(c["ombudsman_decided_at"]))
        ),
        "subjects": _by_subject(received),
        "actions_planned": sum(1 for a in listed if year.contains(_instant(a["planned_at"]))),
        "actions_completed": sum(1 for a in listed if year.contains(_instant(a["completed_at"]))),
        "actions": [_action_entry(a, year) for a in listed],
        "learning_themes": _counts(
            lesson["theme"]
            for lesson in lessons
            if lesson["case_id"] in complaint_ids and year.contains(_instant(lesson["recorded_at"]))
        ),
    }


def build_report(
    cases: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    lessons: list[dict[str, Any]],
    *,
    organisation: str,
    year: int | str,
    remedies: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The report from one organisation's fact rows (case_facts), actions, lessons and
    ombudsman remedies."""
    bounds = reporting_year(year)
    complaints = [c for c in cases if c["kind"] == Kind.COMPLAINT]
    return {
        "organisation": organisation,
        "year": bounds.label,
        "period": {
            "start": bounds.start.isoformat(),
            "end": bounds.end.isoformat(),
            "time_zone": str(UK_TIME_ZONE),
            "end_is_exclusive": True,
        },
        "regs_16_18": {
            **_regs_16_18(cases, actions, lessons, bounds),
            **ombudsman_counts(complaints, remedies, bounds.start, bounds.end),
            **refusal_counts(complaints, bounds.start, bounds.end),
        },
        "ko41": _ko41(complaints, bounds),
        "definitions": dict(DEFINITIONS),
    }
