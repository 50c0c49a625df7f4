"""Queries on the timeliness projection: the dashboard per organisation, service, regime and
month, and the list of cases overdue today. Everything that depends on today is decided here."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import UTC, date
from typing import Any

from complaints_ledger.domain.clocks import (
    DeadlineStatus,
    calendar_for,
    uk_local_date,
    working_days_between,
)
from complaints_ledger.domain.values import Kind, RegimeId
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.views import physical_name
from projections.timeliness import CASES, PROJECTION, STATUTORY_DEADLINES, Row, as_day, as_moment

GROUP_KEYS = ("organisation", "service", "regime", "month")
# How each deadline's counts are named: (what was done, what is due).
DEADLINE_WORDS = {
    "acknowledgement": ("acknowledged", "acknowledgement"),
    "response": ("responded", "response"),
    "stage_2_acknowledgement": ("stage_2_acknowledged", "stage_2_acknowledgement"),
    "stage_2_response": ("stage_2_responded", "stage_2_response"),
    "written_resolution": ("written_resolution_sent", "written_resolution"),  # wales-2014
}
COUNT_KEYS = (
    "received",
    "concerns",
    "compliments",
    "withdrawn",
    "stage_2_requested",
    *(
        key
        for done, due in DEADLINE_WORDS.values()
        for key in (f"{done}_on_time", f"{done}_late", f"{due}_outstanding", f"{due}_stopped")
    ),
    "overdue_now",
    "at_risk",
)
SPEED_KEYS = (
    "median_working_days_to_acknowledge",
    "p90_working_days_to_acknowledge",
    "median_working_days_to_respond",
    "p90_working_days_to_respond",
)
DASHBOARD_KEYS = GROUP_KEYS + COUNT_KEYS + SPEED_KEYS
OVERDUE_KEYS = (
    "case_id",
    "organisation",
    "service",
    "regime",
    "status",
    "deadline",
    "due",
    "working_days_overdue",
)
P90 = 0.9  # nearest-rank percentile: the smallest value with at least 90% of values at or below


def deadline_status(row: Row, name: str, today: date) -> DeadlineStatus | None:
    """A stored deadline's status today, exactly as complaints_ledger.domain.clocks decides it."""
    due = as_day(row[f"{name}_due"])
    if due is None:
        return None
    met_at, stopped_at = as_moment(row[f"{name}_met_at"]), as_moment(row["stopped_at"])
    if met_at is not None:
        return DeadlineStatus.MET if uk_local_date(met_at) <= due else DeadlineStatus.MISSED
    if stopped_at is not None:
        return DeadlineStatus.MISSED if uk_local_date(stopped_at) > due else DeadlineStatus.STOPPED
    return DeadlineStatus.MISSED if today > due else DeadlineStatus.OPEN


def _cases(db: ViewDatabase, organisation: str | None, namespace: str) -> list[Row]:
    columns = list(CASES.columns)
    where, params = (
        ("WHERE handling_organisation = ? ", (organisation,)) if organisation else ("", ())
    )
    rows = db.execute(
        f"SELECT {', '.join(columns)} FROM {physical_name(PROJECTION, CASES, namespace)} "  # noqa: S608
        f"{where}ORDER BY case_id",
        params,
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _nearest_rank(values: list[int], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(math.ceil(share * len(ordered)), 1) - 1])


def _median(values: list[int]) -> float | None:
    return float(statistics.median(values)) if values else None


class _Group:
    """Counts of one (organisation, service, regime, month)."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(COUNT_KEYS, 0)
        self.to_acknowledge: list[int] = []
        self.to_respond: list[int] = []

    def add(self, case: Row, today: date, at_risk_working_days: int) -> None:
        kind = Kind(case["kind"])
        if kind != Kind.COMPLAINT:
            self.counts["compliments" if kind == Kind.COMPLIMENT else "concerns"] += 1
            return
        self.counts["received"] += 1
        self.counts["withdrawn"] += case["status"] == "withdrawn"
        self.counts["stage_2_requested"] += case["stage_2_requested_at"] is not None
        for name in STATUTORY_DEADLINES:
            self._add_deadline(case, name, today, at_risk_working_days)
        if case["working_days_to_acknowledge"] is not None:
            self.to_acknowledge.append(case["working_days_to_acknowledge"])
        if case["working_days_to_respond"] is not None:
            self.to_respond.append(case["working_days_to_respond"])

    def _add_deadline(self, case: Row, name: str, today: date, at_risk_working_days: int) -> None:
        status = deadline_status(case, name, today)
        if status is None:
            return
        done, due = DEADLINE_WORDS[name]
        if case[f"{name}_met_at"] is not None:
            self.counts[f"{done}_on_time" if status == DeadlineStatus.MET else f"{done}_late"] += 1
        elif case["stopped_at"] is not None:
            self.counts[f"{due}_stopped"] += 1
        else:
            self.counts[f"{due}_outstanding"] += 1
            if status == DeadlineStatus.MISSED:
                self.counts["overdue_now"] += 1
            elif _working_days_left(case, name, today) <= at_risk_working_days:
                self.counts["at_risk"] += 1

    def result(self) -> dict[str, Any]:
        speeds = (
            _median(self.to_acknowledge),
            _nearest_rank(self.to_acknowledge, P90),
            _median(self.to_respond),
            _nearest_rank(self.to_respond, P90),
        )
        return {**self.counts, **dict(zip(SPEED_KEYS, speeds, strict=True))}


def _working_days_left(case: Row, name: str, today: date) -> int:
    calendar = calendar_for(RegimeId(case["regime"]))
    return working_days_between(calendar, today, date.fromisoformat(case[f"{name}_due"]))


def dashboard(
    db: ViewDatabase,
    *,
    organisation: str | None = None,
    today: date,
    at_risk_working_days: int = 3,
    namespace: str = "rm",
) -> list[dict[str, Any]]:
    """One row per (organisation, service, regime, month of receipt), sorted by those.

    Complaints only are counted for timeliness (`received` and the deadline counts); concerns
    and compliments carry no statutory clocks and are counted apart. Per deadline: `*_on_time`
    / `*_late` (met), `*_outstanding` (not met, case live: `overdue_now` if past due, `at_risk`
    if due within `at_risk_working_days` working days), `*_stopped` (withdrawn or closed first).
    """
    groups: dict[tuple[str, str, str, str], _Group] = defaultdict(_Group)
    for case in _cases(db, organisation, namespace):
        key = (
            case["handling_organisation"],
            case["service"],
            case["regime"],
            case["received_month"],
        )
        groups[key].add(case, today, at_risk_working_days)
    return [
        {**dict(zip(GROUP_KEYS, key, strict=True)), **group.result()}
        for key, group in sorted(groups.items())
    ]


def overdue_cases(
    db: ViewDatabase, *, organisation: str | None = None, today: date, namespace: str = "rm"
) -> list[dict[str, Any]]:
    """Every open statutory deadline past due today (a case with two appears twice), most
    overdue first. Working days overdue count on the regime's calendar, day `due` not counted."""
    found = [
        overdue
        for case in _cases(db, organisation, namespace)
        for overdue in overdue_deadlines(case, today)
    ]
    return sorted(found, key=lambda r: (-r["working_days_overdue"], r["due"], r["case_id"]))


def overdue_deadlines(case: Row, today: date) -> list[dict[str, Any]]:
    """The case's statutory deadlines past due and unmet today, while it is live."""
    if case["stopped_at"] is not None:
        return []
    return [
        _overdue_row(case, name, today)
        for name in STATUTORY_DEADLINES
        if case[f"{name}_met_at"] is None
        and deadline_status(case, name, today) == DeadlineStatus.MISSED
    ]


def _overdue_row(case: Row, name: str, today: date) -> dict[str, Any]:
    return {
        "case_id": case["case_id"],
        "organisation": case["handling_organisation"],
        "service": case["service"],
        "regime": case["regime"],
        "status": case["status"],
        "deadline": name,
        "due": case[f"{name}_due"],
        "working_days_overdue": -_working_days_left(case, name, today),
    }


CASE_LIST_KEYS = (
    "case_id",
    "organisation",
    "kind",
    "regime",
    "service",
    "status",
    "received_at",
    "overdue",
    "overdue_deadlines",
    "next_deadline",
    "next_due",
)


def case_list(
    db: ViewDatabase,
    *,
    organisation: str,
    today: date,
    namespace: str = "rm",
) -> list[dict[str, Any]]:
    """Every case the organisation deals with, newest receipt first, with whether a statutory
    deadline is overdue today and the next one due. Filtering and paging are the caller's."""
    listed = [_listed(row, today) for row in _cases(db, organisation, namespace)]
    return sorted(listed, key=lambda c: (c["received_at"], c["case_id"]), reverse=True)


def _listed(row: Row, today: date) -> dict[str, Any]:
    received = as_moment(row["received_at"])
    unmet = sorted(
        (row[f"{name}_due"], name)
        for name in STATUTORY_DEADLINES
        if deadline_status(row, name, today) == DeadlineStatus.OPEN
    )
    overdue = [
        {key: found[key] for key in ("deadline", "due", "working_days_overdue")}
        for found in overdue_deadlines(row, today)
    ]
    return {
        "case_id": row["case_id"],
        "organisation": row["handling_organisation"],
        "kind": row["kind"],
        "regime": row["regime"],
        "service": row["service"],
        "status": row["status"],
        "received_at": received.astimezone(UTC).isoformat() if received else None,
        "overdue": bool(overdue),
        "overdue_deadlines": overdue,
        "next_deadline": unmet[0][1] if unmet else None,
        "next_due": unmet[0][0] if unmet else None,
    }
