"""The timeliness dashboard as one document, the same for the API and the CLI: its rows (each
with the share of deadlines met within target), the cases overdue now, and totals per
organisation, per month and overall."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from complaints_ledger.persistence.view_db import ViewDatabase
from projections.timeliness_queries import COUNT_KEYS, DEADLINE_WORDS, dashboard, overdue_cases

ON_TIME_KEYS = tuple(f"{done}_on_time" for done, _ in DEADLINE_WORDS.values())
LATE_KEYS = tuple(f"{done}_late" for done, _ in DEADLINE_WORDS.values())
PERCENT_KEY = "within_target_percent"


def within_target_percent(counts: dict[str, Any]) -> float | None:
    """Of the statutory deadlines that have come to a result (met on time, met late, or past due
    and still unmet), the share met on time, as a percentage to one decimal; None when none has.
    A deadline not yet due, or stopped by withdrawal or closure, is not counted either way."""
    on_time = sum(counts[key] for key in ON_TIME_KEYS)
    decided = on_time + sum(counts[key] for key in LATE_KEYS) + counts["overdue_now"]
    return round(100 * on_time / decided, 1) if decided else None


def _summed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts = {key: sum(row[key] for row in rows) for key in COUNT_KEYS}
    return {**counts, PERCENT_KEY: within_target_percent(counts)}


def totals_by(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The rows' counts summed per value of `key` (organisation or month), sorted by it. Medians
    and percentiles are not sums, so the totals carry none."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return [{key: value, **_summed(grouped[value])} for value in sorted(grouped)]


def timeliness_report(
    db: ViewDatabase,
    *,
    organisation: str | None,
    today: date,
    as_of: datetime | None,
    namespace: str,
    at_risk_working_days: int = 3,
) -> dict[str, Any]:
    rows = dashboard(
        db,
        organisation=organisation,
        today=today,
        at_risk_working_days=at_risk_working_days,
        namespace=namespace,
    )
    return {
        "today": today.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "rows": [{**row, PERCENT_KEY: within_target_percent(row)} for row in rows],
        "overdue": overdue_cases(db, organisation=organisation, today=today, namespace=namespace),
        "totals": {
            "by_organisation": totals_by(rows, "organisation"),
            "by_month": totals_by(rows, "month"),
            "overall": _summed(rows),
        },
    }
