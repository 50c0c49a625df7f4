"""The drill-down of the dashboards: which cases one of their numbers counts, read from the same
projections with the same rules, so that the list has exactly as many entries as the number.

- `received` (a month, and a service and regime if given): the complaints received then, as
  the timeliness rows count `received` (concerns and compliments are counted apart);
- `overdue`: the statutory deadlines of those complaints past due and unmet on the day judged
  (`overdue_now`; a complaint with two is listed twice, once per deadline);
- `subject`: the complaints received in the reporting year with that subject (ko41.by_subject);
- `outcome`: the complaints resolved in the year under that outcome (ko41.outcomes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from complaints_ledger.domain.calendars import uk_local_date
from complaints_ledger.domain.values import Kind
from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_reads import views_as_of
from complaints_ledger.web.dashboard_data import Scope
from projections import annual_report, timeliness
from projections.annual_report_counts import (
    new_in_year,
    outcome_of,
    reporting_year,
    resolved_in_year,
)
from projections.timeliness_queries import case_list

PATH = "/dashboards/cases"
MEASURES = ("received", "overdue", "subject", "outcome")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
Row = dict[str, Any]


@dataclass(frozen=True)
class DrillDown:
    """One number's cases: the measure and what narrows it (None: not narrowed by that)."""

    measure: str
    month: str | None = None
    service: str | None = None
    regime: str | None = None
    subject: str | None = None
    outcome: str | None = None

    def parameters(self) -> list[tuple[str, str]]:
        named = ("measure", "month", "service", "regime", "subject", "outcome")
        return [(name, value) for name in named if (value := getattr(self, name))]


def drill_href(drill: DrillDown, kept: list[tuple[str, str]]) -> str:
    """The list's address: the drill-down and the dashboard's own choices (`kept`: organisation,
    year, as-of), so that it lists the cases as the dashboard counted them."""
    return f"{PATH}?{urlencode(drill.parameters() + kept)}"


def read_drill_down(params: Mapping[str, str]) -> DrillDown | None:
    """The drill-down an address asks for; None when it is not one the dashboards give out."""
    measure = params.get("measure", "")
    values = {name: params.get(name) or None for name in ("month", "service", "regime")}
    if measure in {"received", "overdue"}:
        month = values["month"]
        return DrillDown(measure, **values) if month and MONTH.match(month) else None
    wanted = params.get(measure) if measure in {"subject", "outcome"} else None
    return DrillDown(measure, **{measure: wanted}) if wanted else None


def drilled_cases(db: ViewDatabase, drill: DrillDown, organisation: str, scope: Scope) -> list[Row]:
    """The entries `drill` counts, oldest receipt first."""
    if drill.measure in {"received", "overdue"}:
        with views_as_of(db, timeliness.PROJECTION, scope.as_of, scope.limits) as namespace:
            listed = case_list(
                db, organisation=organisation, today=scope.today, namespace=namespace
            )
        found = [case for case in listed if _in_group(case, drill)]
        if drill.measure == "received":
            entries = [_entry(case, status=case["status"]) for case in found]
        else:
            entries = _overdue_entries(found)
    else:
        with views_as_of(db, annual_report.PROJECTION, scope.as_of, scope.limits) as namespace:
            facts = annual_report.case_facts(db, organisation=organisation, namespace=namespace)
        entries = _in_year(facts, drill, scope.year)
    return sorted(entries, key=lambda e: (e["received_on"], e["case_id"], e.get("deadline", "")))


def _received_on(received_at: str) -> str:
    return uk_local_date(datetime.fromisoformat(received_at)).isoformat()


def _in_group(case: Row, drill: DrillDown) -> bool:
    received_on = _received_on(case["received_at"])
    return (
        case["kind"] == Kind.COMPLAINT
        and received_on[:7] == drill.month
        and drill.service in {None, case["service"]}
        and drill.regime in {None, case["regime"]}
    )


def _entry(case: Row, **details: Any) -> Row:
    return {
        "case_id": case["case_id"],
        "received_on": _received_on(case["received_at"]),
        "service": case["service"],
        "regime": case["regime"],
        **details,
    }


def _overdue_entries(cases: list[Row]) -> list[Row]:
    return [
        _entry(
            case,
            status=case["status"],
            deadline=overdue["deadline"],
            due=overdue["due"],
            working_days_overdue=overdue["working_days_overdue"],
        )
        for case in cases
        for overdue in case["overdue_deadlines"]
    ]


def _in_year(facts: list[Row], drill: DrillDown, year: int) -> list[Row]:
    complaints = [fact for fact in facts if fact["kind"] == Kind.COMPLAINT]
    bounds = reporting_year(year)
    if drill.measure == "subject":
        return [
            _entry(case, subjects=", ".join(case["subjects"]))
            for case in new_in_year(complaints, bounds)
            if drill.subject in case["subjects"]
        ]
    return [
        _entry(case, outcome=outcome_of(case), resolution=case["resolution"])
        for case in resolved_in_year(complaints, bounds)
        if outcome_of(case) == drill.outcome
    ]


def title_of(drill: DrillDown, year_label: str) -> str:
    """What the list is, in words: "Complaints received in 2026-05, home care"."""
    narrowed = ", ".join(value for value in (drill.service, drill.regime) if value)
    suffix = f", {narrowed}" if narrowed else ""
    if drill.measure == "received":
        return f"Complaints received in {_month_name(drill.month)}{suffix}"
    if drill.measure == "overdue":
        return f"Overdue deadlines of complaints received in {_month_name(drill.month)}{suffix}"
    if drill.measure == "subject":
        return f"Complaints about {drill.subject} received in {year_label}"
    return f"Complaints resolved in {year_label} with the outcome {_words(drill.outcome)}"


def _month_name(month: str | None) -> str:
    return f"{date.fromisoformat(f'{month}-01'):%B %Y}" if month else ""


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ")
