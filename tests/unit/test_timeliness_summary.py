"""The dashboard's "% within target" and its totals, on hand-made rows."""

from __future__ import annotations

from typing import Any

from projections.timeliness_queries import COUNT_KEYS
from projections.timeliness_summary import totals_by, within_target_percent


def counts(**given: int) -> dict[str, Any]:
    return {**dict.fromkeys(COUNT_KEYS, 0), **given}


def test_within_target_is_the_share_of_decided_deadlines_met_on_time() -> None:
    assert within_target_percent(counts(acknowledged_on_time=3, acknowledged_late=1)) == 75.0
    two_of_three = counts(responded_on_time=1, stage_2_responded_on_time=1, overdue_now=1)
    assert within_target_percent(two_of_three) == 66.7  # an overdue deadline counts against


def test_deadlines_not_yet_due_or_stopped_count_neither_way() -> None:
    undecided = counts(received=4, response_outstanding=3, at_risk=1, response_stopped=1)
    assert within_target_percent(undecided) is None
    assert within_target_percent(counts(acknowledged_on_time=1, response_outstanding=5)) == 100.0


def test_totals_sum_the_rows_per_value_and_recompute_the_share() -> None:
    rows = [
        {"organisation": "B", "month": "2026-01", **counts(received=1, acknowledged_late=1)},
        {"organisation": "A", "month": "2026-01", **counts(received=2, acknowledged_on_time=2)},
        {"organisation": "A", "month": "2026-02", **counts(received=1, overdue_now=1)},
    ]
    by_organisation = totals_by(rows, "organisation")
    assert [(t["organisation"], t["received"]) for t in by_organisation] == [("A", 3), ("B", 1)]
    assert [t["within_target_percent"] for t in by_organisation] == [66.7, 0.0]
    by_month = totals_by(rows, "month")
    assert [(t["month"], t["received"], t["within_target_percent"]) for t in by_month] == [
        ("2026-01", 3, 66.7),
        ("2026-02", 1, 0.0),
    ]
