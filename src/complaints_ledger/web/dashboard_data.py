"""What the dashboards page shows, read through the API's own read paths: the timeliness
document of `GET /dashboards/timeliness` (timeliness_report) and the annual report's counts of
`GET /reports/annual`, now or as recorded at a past instant (views_as_of). Nothing here counts
events: it picks the reporting year's months out of the timeliness rows and sums per month with
the same `totals_by` the API's totals use; subjects and outcomes are the annual report's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from complaints_ledger.persistence.view_db import ViewDatabase
from complaints_ledger.readside.as_of_limits import AsOfLimits
from complaints_ledger.readside.as_of_reads import views_as_of
from projections import annual_report, timeliness
from projections.annual_report_counts import reporting_year
from projections.timeliness_summary import timeliness_report, totals_by

Row = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Whose figures, for which reporting year, judged on which day, as recorded when."""

    organisation: str | None  # None: every organisation (roles that see them all)
    year: int  # the reporting year from 1 April of this year
    today: date
    as_of: datetime | None
    limits: AsOfLimits


@dataclass(frozen=True)
class Dashboard:
    rows: list[Row]  # the API's rows (organisation, service, regime, month) of the year
    by_month: list[Row]  # their totals per month, as the API's totals.by_month
    subjects: dict[str, int]  # new complaints in the year per subject (ko41.by_subject)
    outcomes: dict[str, int]  # complaints resolved in the year per outcome (ko41.outcomes)
    organisations: list[str]  # every organisation with figures (the filter's choices)
    months: list[str]  # every month with figures, of any year (the year filter's choices)


def year_months(year: int) -> tuple[str, str]:
    """The first and last month (YYYY-MM) of the reporting year from 1 April `year`."""
    return f"{year}-04", f"{year + 1}-03"


def in_year(month: str, year: int) -> bool:
    first, last = year_months(year)
    return first <= month <= last


def read_dashboard(db: ViewDatabase, scope: Scope) -> Dashboard:
    with views_as_of(db, timeliness.PROJECTION, scope.as_of, scope.limits) as namespace:
        document = timeliness_report(
            db,
            organisation=scope.organisation,
            today=scope.today,
            as_of=scope.as_of,
            namespace=namespace,
        )
    rows = [row for row in document["rows"] if in_year(row["month"], scope.year)]
    with views_as_of(db, annual_report.PROJECTION, scope.as_of, scope.limits) as namespace:
        organisations = annual_report.organisations(db, namespace)
        chosen = [scope.organisation] if scope.organisation else organisations
        reports = [
            annual_report.annual_report(db, organisation=name, year=scope.year, namespace=namespace)
            for name in chosen
            if name in organisations
        ]
    return Dashboard(
        rows=rows,
        by_month=totals_by(rows, "month"),
        subjects=_summed(report["ko41"]["by_subject"] for report in reports),
        outcomes=_summed(report["ko41"]["outcomes"] for report in reports),
        organisations=organisations,
        months=sorted({row["month"] for row in document["rows"]}),
    )


def _summed(counts: Any) -> dict[str, int]:
    """Several organisations' counts added up, in the order the reports give their keys."""
    total: Counter[str] = Counter()
    for each in counts:
        total.update(each)  # a key counted 0 is kept
    return dict(total)


def year_label(year: int) -> str:
    return reporting_year(year).label


def reporting_year_of(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1  # noqa: PLR2004 - April
