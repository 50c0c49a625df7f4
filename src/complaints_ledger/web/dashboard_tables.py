"""The dashboards' tables, made once and used twice: the page renders them and "Download CSV"
writes them, cell for cell, so the file is exactly what is shown. A cell that counts cases
carries the address of its drill-down list when the person may list those cases."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from complaints_ledger.readside.csv_cells import csv_cell
from complaints_ledger.web.dashboard_cases import DrillDown
from complaints_ledger.web.dashboard_data import Dashboard
from complaints_ledger.web.formatting import sentence

Linker = Callable[[DrillDown], str | None]  # a drill-down's address, or None: not listable


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    id: str  # also the CSV's name: /dashboards/{id}.csv
    caption: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)  # each row's first cell is its header


def month_name(month: str) -> str:
    return f"{date.fromisoformat(f'{month}-01'):%b %Y}"


def number(value: float | None) -> str:
    """A count, median or percentage as shown: "none" when there is nothing to give."""
    if value is None:
        return "none"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _count(value: int, drill: DrillDown, link: Linker) -> Cell:
    return Cell(str(value), link(drill) if value else None, numeric=True)


def _figure(value: float | None) -> Cell:
    return Cell(number(value), numeric=True)


def by_month(dashboard: Dashboard, link: Linker) -> Table:
    table = Table(
        "timeliness-by-month",
        "Timeliness by month of receipt",
        ["Month", "Complaints received", "Within target (%)", "Overdue deadlines"],
    )
    for total in dashboard.by_month:
        month = total["month"]
        table.rows.append(
            [
                Cell(month_name(month)),
                _count(total["received"], DrillDown("received", month=month), link),
                _figure(total["within_target_percent"]),
                _count(total["overdue_now"], DrillDown("overdue", month=month), link),
            ]
        )
    return table


def by_group(dashboard: Dashboard, link: Linker, *, organisations: bool) -> Table:
    """The API's rows: one per organisation (when several are shown), service, regime and
    month, with the medians only rows have."""
    first = ["Organisation"] if organisations else []
    table = Table(
        "timeliness",
        "Timeliness by service and month",
        [
            *first,
            "Service",
            "Regime",
            "Month",
            "Complaints received",
            "Within target (%)",
            "Overdue deadlines",
            "Median working days to acknowledge",
            "Median working days to respond",
        ],
    )
    for row in dashboard.rows:
        group = {"month": row["month"], "service": row["service"], "regime": row["regime"]}
        table.rows.append(
            [
                *([Cell(row["organisation"])] if organisations else []),
                Cell(row["service"]),
                Cell(row["regime"]),
                Cell(month_name(row["month"])),
                _count(row["received"], DrillDown("received", **group), link),
                _figure(row["within_target_percent"]),
                _count(row["overdue_now"], DrillDown("overdue", **group), link),
                _figure(row["median_working_days_to_acknowledge"]),
                _figure(row["median_working_days_to_respond"]),
            ]
        )
    return table


def by_subject(dashboard: Dashboard, link: Linker) -> Table:
    return Table(
        "subjects",
        "Complaints received in the year, by subject",
        ["Subject", "Complaints received"],
        [
            [Cell(subject), _count(count, DrillDown("subject", subject=subject), link)]
            for subject, count in dashboard.subjects.items()
        ],
    )


def by_outcome(dashboard: Dashboard, link: Linker) -> Table:
    return Table(
        "outcomes",
        "Complaints resolved in the year, by outcome",
        ["Outcome", "Complaints resolved"],
        [
            [Cell(sentence(outcome)), _count(count, DrillDown("outcome", outcome=outcome), link)]
            for outcome, count in dashboard.outcomes.items()
        ],
    )


def tables_of(dashboard: Dashboard, link: Linker, *, organisations: bool) -> dict[str, Table]:
    made = (
        by_month(dashboard, link),
        by_group(dashboard, link, organisations=organisations),
        by_subject(dashboard, link),
        by_outcome(dashboard, link),
    )
    return {table.id: table for table in made}


def csv_text(table: Table) -> str:
    """The table as CSV: its header row and its rows, each cell as shown."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(header) for header in table.headers])
    writer.writerows([csv_cell(cell.text) for cell in row] for row in table.rows)
    return out.getvalue()
